"""The package as users get it: a wheel (not an editable install) in a fresh venv,
run from a folder that is not the clone. The lessons must come with it.

Building needs setuptools; without the ``wheel`` package pip builds in an isolated
environment and fetches setuptools and wheel from PyPI. When neither works (no
network), the test skips and says why.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args, cwd, timeout=600, stdin=None, env=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          input=stdin, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: a build writes build/ and *.egg-info next to the sources,
    # and tests write only inside their temporary folders.
    source = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("barenn", "lessons"):
        shutil.copytree(ROOT / folder, source / folder, ignore=skip)
    for name in ("setup.cfg", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    try:
        import wheel as _  # noqa: F401
        isolation = ["--no-build-isolation"]
    except ImportError:
        isolation = []  # pip fetches setuptools and wheel from PyPI
    result = _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                   "-w", str(out), *isolation], cwd=out)
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr.strip()[-300:]}")
    [path] = out.glob("barenn-*.whl")
    return path


def test_the_wheel_holds_every_module_and_lesson(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "barenn").rglob("*.py")}
    lessons = {f"barenn/lessons/{p.name}" for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py")}
    assert lessons, "no lessons in the clone?"
    assert modules - names == set()
    assert lessons - names == set()
    assert "barenn/data/digits.csv.gz" in names


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    place = tmp_path_factory.mktemp("venv")
    result = _run([sys.executable, "-m", "venv", str(place / "env")], cwd=place)
    assert result.returncode == 0, result.stderr
    bindir = place / "env" / ("Scripts" if os.name == "nt" else "bin")
    result = _run([str(bindir / "python"), "-m", "pip", "install", "-q", "--no-deps",
                   "--no-index", str(wheel)], cwd=place)
    assert result.returncode == 0, result.stderr
    return bindir


def _clean_env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def test_installed_barenn_lists_and_runs_lessons_outside_the_clone(venv, tmp_path):
    barenn = str(venv / "barenn")
    # the installed package is the one used, not the clone
    where = _run([str(venv / "python"), "-c", "import barenn; print(barenn.__file__)"],
                 cwd=tmp_path, env=_clean_env())
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout, where.stdout

    listed = _run([barenn, "lessons"], cwd=tmp_path, env=_clean_env())
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.strip().splitlines()) == len(list((ROOT / "lessons").glob("[0-9][0-9]_*.py")))

    lesson = _run([barenn, "lesson", "3", "--step", "--quick"], cwd=tmp_path, env=_clean_env(),
                  stdin="\n" * 50)
    assert lesson.returncode == 0, lesson.stderr[-2000:]
    assert "Traceback" not in lesson.stderr
    assert "softmax" in lesson.stdout.lower()


def test_installed_barenn_writes_a_notebook_per_lesson(venv, tmp_path):
    result = _run([str(venv / "barenn"), "notebooks", "--out", "nb", "--quick"], cwd=tmp_path,
                  env=_clean_env())
    assert result.returncode == 0, result.stderr[-2000:]
    lessons = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    assert sorted(p.stem for p in (tmp_path / "nb").glob("*.ipynb")) == lessons
    # lesson 12's notebook finds its file (its __file__) inside the installed package
    setup = _run([str(venv / "python"), "-c",
                  "from barenn.lesson import lesson_path; print(lesson_path('12_mnist.py'))"],
                 cwd=tmp_path, env=_clean_env())
    assert "site-packages" in setup.stdout and os.path.isfile(setup.stdout.strip()), setup.stdout


@pytest.mark.skipif(not os.environ.get("BARENN_SLOW_TESTS"),
                    reason="the whole tour takes minutes: set BARENN_SLOW_TESTS=1 (CI does)")
def test_installed_tour_runs_every_lesson(venv, tmp_path):
    tour = _run([str(venv / "barenn"), "tour", "--no-pause"], cwd=tmp_path, env=_clean_env(),
                timeout=1800)
    assert tour.returncode == 0, tour.stderr[-2000:]
    assert "That was the whole tour." in tour.stdout
