"""barenn.lesson: the narration helper the lesson scripts share."""

import doctest
import io
import math

import pytest

import barenn.lesson
from barenn.lesson import Lesson, fmt, format_matrix
from barenn.matrix import ShapeError


class FakeTerminal(io.StringIO):
    """Typed input that claims to be a terminal, and counts the lines read."""

    def __init__(self, text=""):
        super().__init__(text)
        self.lines_read = 0

    def isatty(self):
        return True

    def readline(self, *args):
        self.lines_read += 1
        return super().readline(*args)


class NotATerminal(io.StringIO):
    def readline(self, *args):
        raise AssertionError("the lesson must not read input when stdin is not a terminal")


def make(capsys, argv=(), title="A lesson"):
    lesson = Lesson(title, list(argv))
    capsys.readouterr()  # drop the banner
    return lesson


def test_doctests():
    assert doctest.testmod(barenn.lesson).failed == 0


@pytest.mark.parametrize("x, digits, text", [
    (6, 4, "6"), (-3, 4, "-3"), (6.0, 4, "6.0"), (5.985000000000001, 4, "5.985"),
    (2 / 3, 4, "0.6667"), (2 / 3, 2, "0.67"), (-1e-9, 4, "0.0"), (-0.5, 4, "-0.5"),
    (0.001, 4, "0.001"), (1e15, 4, "1e+15"), (math.inf, 4, "inf"), (math.nan, 4, "nan"),
])
def test_fmt(x, digits, text):
    assert fmt(x, digits) == text


@pytest.mark.parametrize("bad", [True, "6", None, [6]])
def test_fmt_rejects_what_is_not_a_number(bad):
    with pytest.raises(TypeError, match="fmt: expected a number"):
        fmt(bad)


def test_format_matrix_aligns_on_the_decimal_point():
    assert format_matrix([[0.5, -20.25], [10.0, 3]]).splitlines() == [
        "[ 0.5  -20.25]",
        "[10.0    3   ]",
    ]


def test_format_matrix_shortens_big_matrices():
    big = [[float(j) for j in range(12)] for _ in range(15)]
    lines = format_matrix(big, max_rows=3, max_cols=4).splitlines()
    assert lines == ["[0.0  1.0  2.0  3.0  ... 8 more]"] * 3 + ["... 12 more rows"]


def test_format_matrix_empty_and_ragged():
    assert format_matrix([]) == "(empty)"
    assert format_matrix([[], []]) == "(empty)"
    with pytest.raises(ShapeError, match="row 1 has 1 elements"):
        format_matrix([[1.0, 2.0], [3.0]])


def test_banner_and_numbered_steps(capsys):
    lesson = Lesson("Lesson 99: testing", [])
    lesson.step("first")
    lesson.step("second")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Lesson 99: testing", "=" * len("Lesson 99: testing")]
    assert "Step 1: first" in out and "Step 2: second" in out
    assert out[out.index("Step 2: second") + 1] == "-" * len("Step 2: second")
    assert lesson.steps == 2
    assert not any("\033[" in line for line in out)  # no colour when not a terminal


def test_show_number_vector_and_matrix(capsys):
    lesson = make(capsys)
    lesson.show("z", 6.0)
    lesson.show("n", 3)
    lesson.show("x", [1, -2.0, 3.25])
    lesson.show("third", 1 / 3, digits=2)
    lesson.show("dweights", [[0.5, 0.5], [20.1, -1.0], [4.1, 4.1]])
    assert capsys.readouterr().out.splitlines() == [
        "z = 6.0",
        "n = 3",
        "x = [1, -2.0, 3.25]",
        "third = 0.33",
        "dweights (3x2):",
        "  [ 0.5   0.5]",
        "  [20.1  -1.0]",
        "  [ 4.1   4.1]",
    ]


def test_show_errors_name_the_value(capsys):
    lesson = make(capsys)
    with pytest.raises(TypeError, match="show: w must be a number, a list of numbers or a list of rows"):
        lesson.show("w", "oops")
    with pytest.raises(TypeError, match="show: w must be"):
        lesson.show("w", [1.0, "2"])
    with pytest.raises(ShapeError, match="ragged: row 1"):
        lesson.show("w", [[1.0, 2.0], [3.0]])


def test_agree_prints_the_largest_difference_and_returns_it(capsys):
    lesson = make(capsys)
    assert lesson.agree("a and b", [[1.0, 2.0]], [[1.0, 2.0]]) == 0.0
    difference = lesson.agree("c and d", [0.1 + 0.2], [0.3])
    assert difference == abs(0.1 + 0.2 - 0.3) > 0
    assert capsys.readouterr().out.splitlines() == [
        "✓ a and b agree (largest difference 0)",
        "✓ c and d agree (largest difference 5.6e-17)",
    ]


def test_agree_stops_the_lesson_when_they_differ(capsys):
    lesson = make(capsys)
    with pytest.raises(SystemExit) as stop:
        lesson.agree("dweights by hand and by barenn", [[1.0, 2.0]], [[1.0, 2.5]], tol=1e-9)
    message = str(stop.value.code)
    assert "dweights by hand and by barenn do NOT agree" in message
    assert "largest difference is 0.5" in message and "tolerance 1e-09" in message
    assert "✓" not in capsys.readouterr().out
    # SystemExit with a message: Python prints it to stderr and exits with status 1.


def test_agree_tolerance_is_inclusive_and_nan_never_agrees(capsys):
    lesson = make(capsys)
    assert lesson.agree("close", 1.0, 1.5, tol=0.5) == 0.5
    with pytest.raises(SystemExit, match="do NOT agree"):
        lesson.agree("nan", [math.nan], [1.0], tol=1.0)


def test_agree_different_shapes_is_a_clear_error(capsys):
    lesson = make(capsys)
    with pytest.raises(SystemExit, match=r"dinputs: cannot compare them \(.*3x1.*1x3"):
        lesson.agree("dinputs", [[1.0], [2.0], [3.0]], [[1.0, 2.0, 3.0]])


def test_options_quick_and_pick(capsys):
    assert make(capsys, ["--quick"]).pick(10_000, 500) == 500
    assert make(capsys, []).pick(10_000, 500) == 10_000


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        Lesson("A lesson", ["--fast"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --fast" in capsys.readouterr().err


def test_step_pauses_only_in_a_terminal(capsys, monkeypatch):
    terminal = FakeTerminal("\n\n")
    monkeypatch.setattr("sys.stdin", terminal)
    lesson = make(capsys, ["--step"])
    assert lesson.stepping
    lesson.step("one")  # the first step starts at once
    assert terminal.lines_read == 0
    lesson.step("two")
    lesson.step("three")
    assert terminal.lines_read == 2
    assert capsys.readouterr().out.count("[Enter: step ") == 2


def test_step_end_of_input_carries_on(capsys, monkeypatch):
    terminal = FakeTerminal("")  # Ctrl-D: input ends at once
    monkeypatch.setattr("sys.stdin", terminal)
    lesson = make(capsys, ["--step"])
    for title in ("one", "two", "three", "four"):
        lesson.step(title)
    assert terminal.lines_read == 1  # asked once, then no more pauses
    assert not lesson.stepping
    assert "Step 4: four" in capsys.readouterr().out


def test_step_with_piped_input_never_reads(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", NotATerminal("\n\n"))
    lesson = Lesson("A lesson", ["--step"])
    assert not lesson.stepping
    assert "running straight through" in capsys.readouterr().err
    lesson.step("one")
    lesson.step("two")


def test_no_step_in_a_terminal_never_reads(capsys, monkeypatch):
    terminal = FakeTerminal("\n\n")
    monkeypatch.setattr("sys.stdin", terminal)
    lesson = make(capsys, [])
    lesson.step("one")
    lesson.step("two")
    assert terminal.lines_read == 0


def test_the_pause_names_the_next_step(capsys, monkeypatch):
    terminal = FakeTerminal("\n\n")
    monkeypatch.setattr("sys.stdin", terminal)
    lesson = make(capsys, ["--step"])
    lesson.step("The forward pass")
    lesson.step("The backward pass")
    lesson.step("L1 and L2 penalties")
    out = capsys.readouterr().out
    assert "[Enter: step 2, the backward pass]" in out
    assert "[Enter: step 3, L1 and L2 penalties]" in out


def test_recap_says_what_was_seen_and_what_comes_next(capsys):
    lesson = make(capsys, [])
    lesson.recap("""
        - one thing
        - another""", "lesson 99, " + "more words " * 10)
    out = capsys.readouterr().out.splitlines()
    assert out[1:5] == ["What you saw", "-" * 12, "- one thing", "- another"]
    assert out[6].startswith("Next: lesson 99, more words")
    assert all(len(line) <= 78 for line in out)


def test_every_lesson_accepts_out(capsys):
    assert make(capsys, ["--out", "somewhere"]).out == "somewhere"


def test_block_breaks_only_the_lines_too_wide(capsys):
    lesson = make(capsys, [])
    lesson.block("short line\n" + "word " * 30)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "short line"
    assert all(len(line) <= 78 for line in out) and out[2].startswith("    word")


def test_tell_refills_paragraphs(capsys):
    lesson = make(capsys, [])
    lesson.tell("""
        one two
        three

        four""")
    assert capsys.readouterr().out.splitlines() == ["one two three", "", "four"]
