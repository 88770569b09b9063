"""Every lesson as a Jupyter notebook, generated from the lesson file itself.

``python -m barenn notebooks --out DIR`` writes ``DIR/NN_name.ipynb`` for each lesson
(nbformat 4 JSON, written with the standard library). The lesson file is the one
source: a notebook is never edited by hand, so the two cannot drift apart.

How a lesson becomes cells (the lesson file is read with ``ast``, never run):

- its docstring: the first markdown cell, under the title the lesson prints;
- a setup code cell: ``notebook_mode()`` (no pauses; pictures shown inline, see
  barenn/lesson.py) and ``argv``, the lesson's command-line options;
- the module's imports, constants and functions: code cells, in source order (the
  block that finds barenn next to a clone is left out; a notebook imports it);
- the body of ``main``, in source order: ``lesson.step("...")`` becomes a markdown
  heading ``Step N: ...``, ``lesson.say/tell("...")`` a markdown paragraph,
  ``lesson.recap(...)`` the "What you saw" cell, when their text is fixed; with
  text filled in at run time (f-strings) they stay code and print. Everything
  else is code, one cell between two markdown cells. An early ``return status``
  becomes ``raise LessonEnded(status)``; the last ``return`` is dropped.

Each cell's metadata says where it came from (``{"barenn": {"kind": ...}}``):
tests/notebook_runner.py uses it to rebuild what the terminal run prints.
"""

import ast
import json
import re
import textwrap
from pathlib import Path

__all__ = ["lesson_cells", "lesson_notebook", "write_notebooks", "markdown_escape"]

NARRATION = {"step", "say", "tell", "recap"}
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def markdown_escape(text):
    """``text`` shown as written in markdown: the characters markdown would read as
    emphasis, code, links or HTML are escaped (``x1*w1`` stays ``x1*w1``)."""
    return re.sub(r"([\\`*_<>\[\]])", r"\\\1", text)


def _cell(kind, cell_type, text, index):
    """One nbformat-4 cell. ``kind`` (docstring, setup, module, step, say, recap,
    code) goes into its metadata; ``index`` makes its id."""
    lines = text.strip("\n").splitlines(keepends=True)
    cell = {"cell_type": cell_type, "id": f"{kind}-{index}",
            "metadata": {"barenn": {"kind": kind}}, "source": lines}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _is_barenn_bootstrap(node):
    """The ``try: import barenn / except ImportError: sys.path.insert(...)`` block."""
    return (isinstance(node, ast.Try) and len(node.body) == 1
            and isinstance(node.body[0], ast.Import)
            and [a.name for a in node.body[0].names] == ["barenn"])


def _is_main_guard(node):
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def _narration(node):
    """(method, [fixed text arguments]) for ``lesson.step/say/tell/recap(...)``,
    with (method, None) when an argument is computed at run time; None otherwise."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    call = node.value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in NARRATION
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "lesson"):
        return None
    fixed = all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    return call.func.attr, ([a.value for a in call.args] if fixed and call.args else None)


def _returns(node):
    """The ``return`` statements of ``node`` itself, not of functions inside it."""
    if isinstance(node, ast.Return):
        yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
            yield from _returns(child)


class _Source:
    """The lesson's lines, with the text of a statement cut out by line numbers."""

    def __init__(self, text):
        self.lines = text.splitlines()

    def replace(self, node, text):
        """Put ``text`` where ``node`` was (a statement on its own line(s))."""
        first, last = node.lineno - 1, node.end_lineno - 1
        head = self.lines[first][:node.col_offset]
        tail = self.lines[last][node.end_col_offset:]
        self.lines[first:last + 1] = [head + text + tail] + [""] * (last - first)

    def text(self, start, end, indent=0):
        """Lines ``start`` to ``end`` (1-based, inclusive), ``indent`` spaces taken
        off each, blank lines at either end dropped."""
        chunk = [line[indent:] if line[:indent].strip() == "" else line
                 for line in self.lines[start - 1:end]]
        return "\n".join(chunk).strip("\n")


def _first_line(node):
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def lesson_cells(source, name, argv=()):
    """The notebook cells of the lesson whose text is ``source`` (file name ``name``,
    e.g. "06_full_network.py"), run with the command-line options ``argv``."""
    tree = ast.parse(source)
    text = _Source(source)
    body = list(tree.body)
    cells = []

    def add(kind, cell_type, content):
        cells.append(_cell(kind, cell_type, content, len(cells)))

    docstring = ast.get_docstring(tree) or name
    previous_end = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        previous_end = body[0].end_lineno
        body = body[1:]
    mains = [n for n in body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    if len(mains) != 1:
        raise ValueError(f"{name}: expected one function main(argv=None), found {len(mains)}")
    main = mains[0]
    title = _lesson_title(main) or name
    requires = _requires(tree)
    intro = f"# {markdown_escape(title)}\n\n{markdown_escape(docstring)}\n\n"
    if requires:
        intro += (f"This lesson needs `{requires}` (`pip install {requires}`); without it "
                  "the lesson says so and stops.\n\n")
    intro += (f"*Generated from `lessons/{name}` by `python -m barenn notebooks`: change "
              "the lesson, not this notebook. It needs barenn importable "
              "(`pip install -e .` in a clone).*")
    add("docstring", "markdown", intro)

    body_steps = [n for n in main.body if (_narration(n) or ("",))[0] == "step"]
    all_steps = [n for n in ast.walk(main) if isinstance(n, ast.Expr)
                 and (_narration(n) or ("",))[0] == "step"]
    if len(body_steps) != len(all_steps):
        raise ValueError(f"{name}: a lesson.step inside an if or a loop cannot be numbered "
                         "in a notebook; call it at the top level of main")

    # Early returns end the lesson; the last statement's return is simply dropped.
    ends = [r for r in _returns(main) if not (r is main.body[-1])]
    for node in sorted(ends, key=lambda r: (r.lineno, r.col_offset), reverse=True):
        value = ast.get_source_segment(source, node.value) if node.value else ""
        text.replace(node, f"raise LessonEnded({value})")

    uses_file = any(isinstance(n, ast.Name) and n.id == "__file__"
                    for node in body if not _is_barenn_bootstrap(node)
                    for n in ast.walk(node))
    names = ["LessonEnded"] * bool(ends) + ["lesson_path"] * uses_file + ["notebook_mode"]
    setup = ["# Notebook mode: no pauses between steps; each picture the lesson writes is",
             "# shown below its cell. argv holds the lesson's command-line options, as in",
             f"# `{' '.join(['python', 'lessons/' + name, *argv])}`",
             "# ([] runs the full lesson, [\"--quick\"] the short one).",
             "from barenn.lesson import " + ", ".join(names),
             "",
             "notebook_mode()",
             f"argv = {list(argv)!r}"]
    if uses_file:
        setup += [f"__file__ = lesson_path({name!r})  # the lesson file, where it is installed"]
    add("setup", "code", "\n".join(setup))

    # The module: imports in one cell, each function or class in its own, the
    # statements between them together. Comments above a statement go with it.
    group, group_kind = [], None
    for node in body:
        start, previous_end = previous_end + 1, node.end_lineno
        if node is main or _is_main_guard(node) or _is_barenn_bootstrap(node):
            continue
        kind = ("import" if isinstance(node, (ast.Import, ast.ImportFrom)) else
                "def" if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else "other")
        if group and (kind != group_kind or kind == "def"):
            add("module", "code", "\n".join(group))
            group = []
        group.append(text.text(start, node.end_lineno))
        group_kind = kind
    if group:
        add("module", "code", "\n".join(group))

    # main's body.
    indent = main.body[0].col_offset
    code, start, step = [], _first_line(main.body[0]), 0

    def flush():
        chunk = "\n".join(code).strip("\n")
        if chunk.strip():
            add("code", "code", chunk)
        code.clear()

    for node in main.body:
        begin, start = start, node.end_lineno + 1
        said = _narration(node)
        if said and said[0] == "step":
            step += 1
        if isinstance(node, ast.Return) and node is main.body[-1]:
            continue
        if said is None or said[1] is None:  # code (also a narration filled in at run time)
            if said and said[0] == "step":
                flush()
                add("step", "markdown", f"## Step {step}")
            code.append(text.text(begin, node.end_lineno, indent))
            continue
        flush()
        method, args = said
        if method == "step":
            add("step", "markdown", f"## Step {step}: {markdown_escape(args[0])}")
        elif method == "recap":
            saw = textwrap.dedent(args[0]).strip("\n")
            next_up = " ".join(args[1].split()) if len(args) > 1 else ""
            add("recap", "markdown", f"## What you saw\n\n{markdown_escape(saw)}\n\n"
                + (f"Next: {markdown_escape(next_up)}" if next_up else ""))
        else:
            add("say", "markdown", markdown_escape(textwrap.dedent(args[0]).strip("\n")))
    flush()
    return cells


def _lesson_title(main):
    """The fixed title given to ``Lesson(...)`` in ``main``, if any."""
    for node in ast.walk(main):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "Lesson" and node.args
                and isinstance(node.args[0], ast.Constant)):
            return node.args[0].value
    return None


def _requires(tree):
    """A module-level ``REQUIRES = "torch"``: the package an optional lesson needs."""
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "REQUIRES"
                and isinstance(node.value, ast.Constant)):
            return node.value.value
    return None


def lesson_requires(path):
    """The package the lesson file at ``path`` declares it needs (``REQUIRES``), or None."""
    return _requires(ast.parse(Path(path).read_text(encoding="utf-8")))


def lesson_notebook(path, argv=()):
    """The notebook of the lesson file at ``path`` (a dict, nbformat 4)."""
    path = Path(path)
    cells = lesson_cells(path.read_text(encoding="utf-8"), path.name, argv)
    return {"cells": cells,
            "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"},
                         "barenn": {"lesson": path.name, "argv": list(argv)}},
            "nbformat": 4, "nbformat_minor": 5}


def write_notebooks(out, lessons, argv=()):
    """Write ``out/NN_name.ipynb`` for each lesson path in ``lessons``; return the
    paths written. Each file goes to a temporary name first, then into place."""
    from barenn._files import atomic_write_text

    written = []
    for path in lessons:
        notebook = lesson_notebook(path, argv)
        target = Path(out) / (Path(path).stem + ".ipynb")
        atomic_write_text(str(target), json.dumps(notebook, indent=1, ensure_ascii=False)
                          + "\n", owner="notebooks")
        written.append(target)
    return written
