"""`python -m barenn notebooks` writes one notebook per lesson, and each one, run cell by
cell (tests/notebook_runner.py, standard library only), prints the numbers the
lesson prints in a terminal.

The notebooks are written once (--quick) into a temporary folder. For each lesson,
``python lessons/NN_name.py --quick`` runs in one temporary folder and its notebook in
another; the notebook's transcript (its markdown cells from the lesson's narration,
then what each code cell printed, in order) must hold the same numbers, in the same
order, as the terminal output. Measured times are the only numbers left out (they
differ from run to run). Lesson 12 reads a tiny MNIST-format folder made here.
With Jupyter's nbformat installed, every file is also checked against its schema.
"""

import builtins
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from barenn.cli import lesson_requires
from fake_mnist import write_idx

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
RUNNER = Path(__file__).resolve().parent / "notebook_runner.py"

# A number, as the lessons print them: 6, -0.25, 1,797, 1.1e-16, 95.0%.
NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?")
# Measured times and speeds: "1.7 seconds", "5.42 ms", "0.3 s", "39.4x faster",
# "59 epochs a second", "1804 images a second", "6 s since".
TIMING = re.compile(r"\d+(?:\.\d+)?(?: ?(?:ms|s|seconds)\b|x faster| \w+ a second)")


def environment(tmp_path):
    """The lesson and its notebook see the clone's barenn, and lesson 12 a tiny MNIST."""
    data = tmp_path / "mnist"
    if not data.exists():
        data.mkdir()
        write_idx(data, "train", 400, seed=1)
        write_idx(data, "test", 100, seed=2)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BARENN_MNIST")}
    env.update(PYTHONPATH=str(ROOT), BARENN_MNIST=str(data), PYTHONIOENCODING="utf-8")
    return env


def numbers(text):
    """The numbers in ``text``, measured times masked; in a table whose last column
    is "seconds", that column of each row too."""
    found, timed_table = [], False
    for line in text.splitlines():
        words = line.split()
        if words and words[-1] == "seconds" and not NUMBER.search(line):
            timed_table = True
        elif timed_table and words and all(NUMBER.fullmatch(w) for w in words):
            line = " ".join(words[:-1])
        else:
            timed_table = False
        found += NUMBER.findall(TIMING.sub("<time>", line))
    return found


def transcript(result):
    """What the notebook shows as text, in order: markdown from the lesson's
    narration (not the docstring cell) and what each code cell printed."""
    return "\n".join(cell["text"] for cell in result["cells"] if cell["kind"] != "docstring")


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    result = subprocess.run([sys.executable, "-m", "barenn", "notebooks", "--out", str(out),
                             "--quick"], cwd=out, env=environment(out), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_one_notebook_per_lesson(notebooks):
    out, printed = notebooks
    assert sorted(p.stem for p in out.glob("*.ipynb")) == [p.stem for p in LESSONS]
    assert f"{len(LESSONS)} notebooks (--quick)" in printed
    for path in LESSONS:
        notebook = json.loads((out / f"{path.stem}.ipynb").read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4 and notebook["metadata"]["barenn"]["argv"] == ["--quick"]
        kinds = [cell["metadata"]["barenn"]["kind"] for cell in notebook["cells"]]
        assert kinds[:2] == ["docstring", "setup"], path.name
        assert "step" in kinds and "code" in kinds, path.name
        # every fixed narration became markdown, not code
        code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert not re.search(r'lesson\.(step|say|tell)\("', code), path.name
        assert "sys.path.insert" not in code  # the clone's import fallback is left out


def test_the_notebooks_are_valid_nbformat(notebooks):
    nbformat = pytest.importorskip("nbformat")
    for path in sorted(notebooks[0].glob("*.ipynb")):
        nbformat.validate(nbformat.read(str(path), as_version=4))


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_notebook_prints_the_lessons_numbers(notebooks, lesson, tmp_path):
    env = environment(tmp_path)
    terminal_dir, notebook_dir = tmp_path / "terminal", tmp_path / "notebook"
    terminal_dir.mkdir()
    notebook_dir.mkdir()
    terminal = subprocess.run([sys.executable, str(lesson), "--quick"], cwd=terminal_dir,
                              env=env, capture_output=True, text=True, encoding="utf-8",
                              stdin=subprocess.DEVNULL, timeout=300)
    notebook = notebooks[0] / f"{lesson.stem}.ipynb"
    ran = subprocess.run([sys.executable, str(RUNNER), str(notebook), str(tmp_path / "r.json")],
                         cwd=notebook_dir, env=env, capture_output=True, text=True,
                         encoding="utf-8", stdin=subprocess.DEVNULL, timeout=300)
    assert ran.returncode == 0, ran.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["error"] is None, result["error"]
    assert result["status"] == terminal.returncode, terminal.stderr
    expected, got = numbers(terminal.stdout), numbers(transcript(result))
    if lesson_requires(lesson):  # an optional lesson, its package missing: one line
        assert transcript(result).strip() == terminal.stdout.strip()
    else:
        assert len(expected) > 5
    assert got == expected, "\n".join(
        f"first difference at number {i}: terminal {e}, notebook {g}"
        for i, (e, g) in enumerate(zip(expected + ["(end)"], got + ["(end)"])) if e != g)[:300]
    # every picture the lesson wrote is shown, as SVG, in the notebook
    wrote = re.findall(r"^wrote (\S+\.svg)$", terminal.stdout, re.MULTILINE)
    assert [p["mime"] for p in result["pictures"]] == ["image/svg+xml"] * len(wrote)
    for name in wrote:
        assert (notebook_dir / name).is_file()


def test_numbers_masks_times_only():
    text = ("took 1.7 seconds: 59 epochs a second\nfused path: 39.4x faster, 5.42 ms\n"
            "epoch     loss  seconds\n    1   1.0507      3.7\naccuracy 0.95 of 1,797")
    assert numbers(text) == ["1", "1.0507", "0.95", "1,797"]


def test_a_bad_out_is_one_line_and_status_2(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for args in (["--out", str(afile)], ["--bogus"]):
        result = subprocess.run([sys.executable, "-m", "barenn", "notebooks", *args],
                                cwd=tmp_path, env=environment(tmp_path), capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_wrote_returns_a_picture_and_notebook_mode_shows_it(tmp_path, monkeypatch, capsys):
    from barenn import lesson as helper

    svg = tmp_path / "x.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'></svg>", encoding="utf-8")
    terminal = helper.Lesson("T", [])
    picture = terminal.wrote(svg)
    assert picture._repr_svg_().startswith("<svg") and picture._repr_html_() is None
    shown = []
    monkeypatch.setattr(builtins, "display", shown.append, raising=False)
    monkeypatch.setattr(helper, "_in_notebook", False)
    helper.notebook_mode()
    notebook = helper.Lesson("T", ["--step"])
    assert notebook.stepping is False and notebook.wrote(svg) is None
    assert [p.path for p in shown] == [str(svg)]
    notebook.step("The title")
    out = capsys.readouterr().out
    assert "\nThe title\n---------\n" in out and "Step 1" not in out
