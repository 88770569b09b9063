"""The little helper every lesson script uses to narrate what it computes.

A lesson makes one ``Lesson``, then alternates numbered steps, printed values and
checks::

    lesson = Lesson("Lesson 01: one neuron")   # reads --step and --quick
    lesson.step("The forward pass, by hand")   # "Step 1: ..." (pauses first with --step)
    lesson.show("z", 6.0)                      # z = 6.0
    lesson.show("weights", [[-3], [-1], [2]])  # weights (3x1): then one line per row
    lesson.agree("dweights by hand and by barenn", mine, theirs, tol=1e-12)

Options every lesson understands:

``--step``   wait for Enter before each step after the first (the prompt names it). Only when the input is
             a terminal: piped or test runs never wait, and end-of-input just goes on.
``--quick``  lessons that train use fewer epochs (``lesson.pick(full, quick)``).

In a notebook (``python -m barenn notebooks`` writes one per lesson, see
barenn/notebooks.py) the first code cell calls ``notebook_mode()``: no pauses, a
step's heading is the markdown cell above it, and each picture ``wrote`` reports is
shown below its cell. An early end of the lesson is ``raise LessonEnded(status)``.

A lesson that writes pictures passes ``out="barenn-out"`` (adds ``--out DIR``, read as
``lesson.out``); one with options of its own passes ``options=``, a function that adds
them to the argparse parser (read back from ``lesson.args``). ``--help`` lists them all.

>>> fmt(6), fmt(6.0), fmt(5.985000000000001), fmt(2 / 3), fmt(-1e-9)
('6', '6.0', '5.985', '0.6667', '0.0')
>>> print(format_matrix([[1.0, -2.5], [20.25, 3.0]]))
[ 1.0   -2.5]
[20.25   3.0]
"""

import argparse
import builtins
import math
import os
import sys
import textwrap

from barenn.check import compare
from barenn.matrix import format_shape, shape

__all__ = ["Lesson", "LessonEnded", "Picture", "fmt", "format_matrix", "notebook_mode"]

# Set by notebook_mode(): the lesson runs in a notebook, not a terminal.
_in_notebook = False


def notebook_mode():
    """Run the lessons in a notebook: no pauses; ``step`` prints only its title (the
    markdown cell above shows the heading); ``wrote`` shows the picture below the cell."""
    global _in_notebook
    _in_notebook = True


def lesson_path(name):
    """The path of the lesson file ``name`` (e.g. "12_mnist.py"), in the installed
    package or the clone: a notebook's ``__file__``."""
    from barenn.cli import lessons_dir  # here, not at the top: cli imports much more

    folder = lessons_dir()
    return str((folder / name) if folder is not None else name)


class LessonEnded(Exception):
    """A lesson's early end in a notebook (its ``return status`` in the script)."""

    def __init__(self, status=0):
        super().__init__(f"the lesson ends here (status {status})")
        self.status = status


class Picture:
    """A file a lesson wrote (SVG or HTML), shown inline by a notebook.

    Its text is read when the notebook asks (``_repr_svg_``/``_repr_html_``), so it
    shows the file as it is then.
    """

    def __init__(self, path):
        self.path = str(path)

    def __repr__(self):
        return f"Picture({self.path!r})"

    def _text(self, suffix):
        if not self.path.lower().endswith(suffix):
            return None
        with open(self.path, encoding="utf-8") as f:
            return f.read()

    def _repr_svg_(self):
        return self._text(".svg")

    def _repr_html_(self):
        return self._text(".html")


def _display(picture):
    """Show ``picture`` in the notebook, if there is one. A Jupyter (IPython) kernel
    puts ``display`` among the builtins, so nothing outside the standard library is
    imported; a plain Python running notebook cells has none (the line said where
    the picture is)."""
    display = getattr(builtins, "display", None)
    if callable(display):
        display(picture)


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def fmt(x, digits=4):
    """A number as short text: an int as it is, a float rounded to ``digits`` decimals
    with trailing zeros dropped (one kept, so a float still looks like one).

    A float too small to show at that many decimals prints as 0.0; a huge one
    (1e12 or more) in scientific notation.
    """
    if not _is_number(x):
        raise TypeError(f"fmt: expected a number, got {x!r} ({type(x).__name__})")
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x) or abs(x) >= 1e12:
        return f"{x:.{digits}g}"
    text = f"{x:.{digits}f}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    return "0.0" if text == "-0.0" else text


def _aligned(cells):
    """Pad a table of number strings so each column lines up on its decimal point."""
    if not cells or not cells[0]:
        return cells
    parts = [[text.partition(".") for text in r] for r in cells]
    columns = list(zip(*parts))
    left = [max(len(whole) for whole, _, _ in col) for col in columns]
    right = [max(len(dot + frac) for _, dot, frac in col) for col in columns]
    return [[whole.rjust(left[j]) + (dot + frac).ljust(right[j])
             for j, (whole, dot, frac) in enumerate(r)] for r in parts]


def format_matrix(matrix, digits=4, max_rows=10, max_cols=10):
    """The rows of ``matrix`` as text, one line each, columns aligned.

    Shows at most ``max_rows`` rows and ``max_cols`` columns, saying how many are left out.
    """
    rows, cols = shape(matrix)
    if rows == 0 or cols == 0:
        return "(empty)"
    cells = [[fmt(x, digits) for x in r[:max_cols]] for r in matrix[:max_rows]]
    more_cols = f"  ... {cols - max_cols} more" if cols > max_cols else ""
    lines = ["[" + "  ".join(r) + more_cols + "]" for r in _aligned(cells)]
    if rows > max_rows:
        lines.append(f"... {rows - max_rows} more rows")
    return "\n".join(lines)


class Lesson:
    """One lesson's narration: numbered steps, printed values, agreement checks.

    title: printed as a banner first, and used as the --help description.
    argv:  the command-line options (default: ``sys.argv[1:]``); see the module doc.
    Attributes: ``stepping`` (--step given and the input is a terminal), ``quick``.
    """

    def __init__(self, title, argv=None, out=None, options=None):
        """``out``: the default directory for the lesson's pictures (adds ``--out DIR``,
        read back as ``self.out``); ``options``: a function that adds a lesson's own
        arguments to the argparse parser (read back from ``self.args``)."""
        parser = argparse.ArgumentParser(prog=os.path.basename(sys.argv[0]) or "lesson",
                                         description=title)
        parser.add_argument("--step", action="store_true",
                            help="pause for Enter between steps (when run in a terminal)")
        parser.add_argument("--quick", action="store_true",
                            help="train for fewer epochs (lessons that train)")
        if out is not None:
            parser.add_argument("--out", default=out, metavar="DIR",
                                help=f"where to write the pictures (default ./{out}/)")
        else:  # accepted by every lesson, so `barenn lesson N --out DIR` works for any N
            parser.add_argument("--out", default=None, metavar="DIR",
                                help="where to write pictures (this lesson draws none)")
        if options is not None:
            options(parser)
        self.args = options = parser.parse_args(argv)
        self.out = getattr(options, "out", None)
        self.quick = options.quick
        self.notebook = _in_notebook
        self.stepping = (options.step and not self.notebook and sys.stdin is not None
                         and sys.stdin.isatty())
        if options.step and not self.stepping and not self.notebook:
            print("(--step: the input is not a terminal, so running straight through)",
                  file=sys.stderr)
        # Never crash on a character the terminal cannot show; write a stand-in instead.
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        self._tick, self._cross = ("✓", "✗") if _can_encode("✓✗", encoding) else ("OK", "X")
        self._bold = sys.stdout.isatty() and not self.notebook \
            and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self.steps = 0
        print(title)
        print("=" * len(title))

    def pick(self, full, quick):
        """``quick`` when run with --quick, else ``full`` (e.g. a number of epochs)."""
        return quick if self.quick else full

    def step(self, title):
        """Start the next numbered step: pause first (with --step), then print its heading."""
        self.steps += 1
        if self.stepping and self.steps > 1:
            try:
                input(f"\n[Enter: step {self.steps}, {_lower_first(title)}] ")
            except EOFError:  # input ended: carry on without pausing again
                self.stepping = False
        # In a notebook the markdown cell above already says "Step N".
        heading = title if self.notebook else f"Step {self.steps}: {title}"
        print()
        print(f"\033[1m{heading}\033[0m" if self._bold else heading)
        print("-" * len(heading))

    def recap(self, saw, next_up):
        """End the lesson: a short "what you saw" and "what comes next" (with --step,
        on a screen of its own, after a pause like a step's)."""
        if self.stepping:
            try:
                input("\n[Enter: what you saw, and what comes next] ")
            except EOFError:
                self.stepping = False
        print()
        heading = "What you saw"
        print(f"\033[1m{heading}\033[0m" if self._bold else heading)
        print("-" * len(heading))
        print(textwrap.dedent(saw).strip("\n"))
        print()
        print(textwrap.fill("Next: " + " ".join(next_up.split()), width=78,
                            subsequent_indent="  "))

    def say(self, text):
        """Print a paragraph of narration (indentation of a triple-quoted string removed)."""
        print(textwrap.dedent(text).strip("\n"))

    def tell(self, text, width=78):
        """Like ``say``, but each paragraph (blank-line separated) is refilled to
        ``width`` columns: for narration with numbers filled in by the run."""
        paragraphs = textwrap.dedent(text).strip("\n").split("\n\n")
        print("\n\n".join(textwrap.fill(" ".join(p.split()), width=width,
                                         break_on_hyphens=False) for p in paragraphs))

    def block(self, text, width=78):
        """Print ready-made text (e.g. ``network.summary()``) as it is, except that a
        line wider than ``width`` is broken at spaces, continuing indented."""
        for line in text.splitlines():
            print(textwrap.fill(line, width=width, subsequent_indent="    ",
                                break_on_hyphens=False) if len(line) > width else line)

    def wrote(self, path, width=78):
        """Say that a file was written: ``wrote barenn-out/x.svg``, relative to the
        current directory when it is inside it, on a line of its own if long.

        Returns it as a ``Picture`` (a notebook shows one inline); in notebook mode
        the picture is shown at once (the call may sit inside an ``if``) and None
        returned, so it is not shown twice."""
        full = os.path.abspath(path)
        inside = os.path.commonpath([full, os.getcwd()]) == os.getcwd()
        shown = os.path.relpath(full) if inside else full
        print(f"wrote {shown}" if len(shown) + 6 <= width else f"wrote\n  {shown}")
        picture = Picture(path)
        if self.notebook:
            _display(picture)
            return None
        return picture

    def show(self, name, value, digits=4):
        """Print a number (``z = 6.0``), a vector (``x = [1, -2, 3]``) or a matrix with
        its shape (``weights (3x1):`` and then its rows, columns aligned)."""
        if _is_number(value):
            print(f"{name} = {fmt(value, digits)}")
        elif isinstance(value, (list, tuple)) and all(_is_number(x) for x in value) \
                and value:
            print(f"{name} = [" + ", ".join(fmt(x, digits) for x in value) + "]")
        elif isinstance(value, (list, tuple)) and all(isinstance(r, (list, tuple)) for r in value):
            size = format_shape(shape(value))
            print(f"{name} ({size}):")
            print(textwrap.indent(format_matrix(value, digits), "  "))
        else:
            raise TypeError(f"show: {name} must be a number, a list of numbers or a list of "
                            f"rows, got {type(value).__name__} {value!r:.60}")

    def agree(self, name, a, b, tol=1e-12):
        """Check that two results (numbers, vectors or same-shape matrices) are equal to
        within ``tol`` in every entry, print ``✓ <name> agree (largest difference ...)``
        and return that largest difference. If they do not agree, stop the lesson with
        exit status 1 and a message saying by how much."""
        try:
            largest = compare(a, b).max_abs
        except (ValueError, TypeError) as error:
            raise SystemExit(f"{self._cross} {name}: cannot compare them ({error})") from None
        if not largest <= tol:  # written this way so NaN fails too
            raise SystemExit(f"{self._cross} {name} do NOT agree: the largest difference is "
                             f"{largest:.3g}, more than the tolerance {tol:g}")
        shown = "0" if largest == 0 else f"{largest:.1e}"
        print(f"{self._tick} {name} agree (largest difference {shown})")
        return largest


def _lower_first(title):
    """"The backward pass" -> "the backward pass"; "L1 and L2" stays as it is."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _can_encode(text, encoding):
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
