"""Every lesson fits a terminal and ends with a recap.

Each lesson runs --quick (as the tour runs it) from the repository root with ``-S``
and without PYTHONPATH, writing its pictures into tmp_path. Checked on the output:
no line wider than 80 columns; no --step screen (a step's heading up to the next
pause, or the recap) longer than 24 lines; a closing "What you saw" and "Next:".
Lesson 12 runs on a tiny MNIST-format directory made here (the real files are not
needed for the layout). An optional lesson (``REQUIRES = "torch"``) runs without
``-S``, so an installed torch is found; without torch it must print its one line.
"""

import gzip
import os
import random
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from barenn.cli import lesson_requires
from barenn.notebooks import lesson_requires as declared_requirement

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
WIDTH, SCREEN = 80, 24


def tiny_mnist(directory, train=120, test=40):
    """IDX files in MNIST's format: random digit-like images, labels 0-9."""
    rng = random.Random(0)
    for kind, count in (("train", train), ("t10k", test)):
        pixels = bytes(rng.choice((0, 0, 0, 128, 255)) for _ in range(count * 784))
        with gzip.open(directory / f"{kind}-images-idx3-ubyte.gz", "wb") as f:
            f.write(struct.pack(">IIII", 2051, count, 28, 28) + pixels)
        with gzip.open(directory / f"{kind}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(struct.pack(">II", 2049, count) + bytes(i % 10 for i in range(count)))


def run_quick(path, tmp_path):
    args = ["--quick", "--out", str(tmp_path / "out")]
    if path.name.startswith("12_"):
        data = tmp_path / "mnist"
        data.mkdir()
        tiny_mnist(data)
        args += ["--data", str(data)]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BARENN_MNIST")}
    env["PYTHONIOENCODING"] = "utf-8"
    isolated = [] if declared_requirement(path) else ["-S"]
    result = subprocess.run([sys.executable, *isolated, str(path), *args], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def screens(text):
    """The output cut where --step pauses: before each step and before the recap."""
    return re.split(r"\n(?=Step \d+: |What you saw\n)", text)


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_the_lesson_fits_a_terminal_and_ends_with_a_recap(path, tmp_path):
    text = run_quick(path, tmp_path)
    if lesson_requires(path):  # not installed here: one line saying how to install it
        assert len(text.splitlines()) == 1 and f"pip install {lesson_requires(path)}" in text
        return
    wide = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not wide, f"{len(wide)} lines wider than {WIDTH} columns, e.g. {wide[0]!r}"
    for screen in screens(text)[1:]:
        # + 2: the blank line and the prompt line the pause adds before it
        lines = screen.count("\n") + 2
        assert lines <= SCREEN, f"a --step screen of {lines} lines:\n{screen}"
    recap = text.split("\nWhat you saw\n------------\n")
    assert len(recap) == 2, "no 'What you saw' at the end"
    assert re.search(r"^Next: \S", recap[1], re.MULTILINE)
    assert not re.search(r"^Step \d+: ", recap[1], re.MULTILINE)  # the recap comes last


def test_every_lesson_is_numbered_and_named_in_order():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1))
    assert [p.name for p in LESSONS][6:8] == ["07_training_loop.py", "08_scalar_autograd.py"]
    for path in LESSONS:
        number = int(path.name[:2])
        source = path.read_text(encoding="utf-8")
        assert f'Lesson {number:02d}: ' in source, path.name
        assert f"python lessons/{path.name}" in source, path.name  # the docstring's command
