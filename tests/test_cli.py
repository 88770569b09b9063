"""The command line: help, version, and one plain line with status 2 for user mistakes."""

import subprocess
import sys
from pathlib import Path

import pytest

import barenn
from barenn import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "barenn", *args],
        cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=600,
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"barenn {barenn.__version__}"


@pytest.mark.parametrize("command", ["", "tour", "lessons", "lesson", "check", "train", "predict", "graph"])
def test_help_on_every_command(command):
    result = run(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: barenn" in result.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["train", "nosuchset"], "invalid choice: 'nosuchset'"),
        (["train", "spiral", "--epochs", "ten"], "expected a whole number, got 'ten'"),
        (["train", "spiral", "--epochs", "0"], "expected a whole number >= 1, got 0"),
        (["train", "spiral", "--lr", "fast"], "expected a number, got 'fast'"),
        (["train", "spiral", "--layers", "64,x"], "expected hidden layer sizes like 64,64"),
        (["lesson", "99"], "there is no lesson 99"),
        (["predict", "missing-model.json", "in.csv"], "model file not found: missing-model.json"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_user_mistakes_get_one_line_and_status_2(args, expected):
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("barenn: ")
    assert expected in lines[0]


def test_main_returns_2_in_process(capsys):
    assert cli.main(["train", "nosuchset"]) == 2
    assert "nosuchset" in capsys.readouterr().err


def test_check_command_passes_every_row():
    result = run("check", "--seed", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fused softmax+CE vs Jacobian path" in result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    passed, total = summary.split()[0], summary.split()[2]
    assert summary == f"{total} of {total} checks passed" and passed == total


def test_lessons_lists_every_lesson_with_one_line():
    result = run("lessons")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    files = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    assert len(lines) == len(files)
    for line, path in zip(lines, files):
        assert line.split()[0] == str(int(path.name[:2]))
