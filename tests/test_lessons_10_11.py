"""Lessons 11 (real digits) and 12 (MNIST) run as a learner runs them.

Each lesson is started from the repository root with ``-S`` and without
PYTHONPATH (it must run from a clone, standard library only). Lesson 12 never
reads the real MNIST files here: it gets an empty directory (and must explain
how to get the files, exiting with status 0) or a tiny IDX directory made here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from fake_mnist import write_idx

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"


def run_lesson(name, *args, env_extra=None, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BARENN_MNIST")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-S", str(LESSONS / name), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          stdin=subprocess.DEVNULL)


def finished(result):
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout
    return result.stdout


# --- lesson 11 ----------------------------------------------------------------------------------

def test_lesson_11_quick_trains_digits_and_shows_its_mistakes(tmp_path):
    out = finished(run_lesson("11_real_digits.py", "--quick", "--out", str(tmp_path)))
    assert "1797 images, 64 pixels each, digits 0..9" in out
    n_train, n_test = map(int, re.search(r"training images: (\d+), test images: (\d+)", out).groups())
    assert n_train + n_test == 1797 and abs(n_test - 1797 / 4) < 6  # 75/25, rounded per digit
    # Two quick epochs with the lesson's fixed seeds: measured 0.9246; chance is 0.1.
    accuracy, right, total = re.search(r"test accuracy: ([\d.]+) \((\d+) of (\d+) right\)", out).groups()
    assert float(accuracy) > 0.85
    assert int(total) == n_test and abs(int(right) / int(total) - float(accuracy)) < 1e-4
    # The confusion matrix: 10 rows of 10 counts ('.' for 0) summing to the test set,
    # with the right answers on the diagonal.
    table = out.split("true \\ answer")[1].split("\n")
    assert table[0].split() == [str(d) for d in range(10)]
    rows = [line.split() for line in table[1:11]]
    assert [r[0] for r in rows] == [str(d) for d in range(10)]
    counts = [[0 if cell == "." else int(cell) for cell in r[1:]] for r in rows]
    assert all(len(r) == 10 for r in counts)
    assert sum(map(sum, counts)) == n_test
    assert sum(counts[d][d] for d in range(10)) == int(right)
    assert f"sum of all cells: {n_test}" in out
    assert "✓ diagonal / total and evaluate()'s accuracy agree" in out
    # The mistakes: drawn in the terminal and as an SVG grid.
    wrong = int(re.search(r"(\d+) misclassified test images", out).group(1))
    assert wrong == n_test - int(right) > 0
    assert "█" in out and re.search(r"^\d \(true \d\)", out, re.MULTILINE)
    # The closing words come from the confusion matrix printed above.
    flat = " ".join(out.split())
    off = [[0 if t == p else counts[t][p] for p in range(10)] for t in range(10)]
    said = [sum(off[t][p] for t in range(10)) for p in range(10)]
    missed = [sum(r) for r in off]

    def tops(per_digit):
        return " and ".join(str(d) for d in range(10) if per_digit[d] == max(per_digit))

    assert f"Of the {wrong} mistakes, the answer most often given to another digit: " \
        f"{tops(said)}, {max(said)} times" in flat
    assert f"The digit most often called something else: {tops(missed)}, " \
        f"{max(missed)} times" in flat
    worst = max(max(r) for r in off)
    pairs = " and ".join(f"{t} taken for {p}" for t in range(10) for p in range(10)
                         if off[t][p] == worst)
    assert f"The worst single mix-up: {pairs}, {worst} times" in flat or \
        f"The worst single mix-up: {pairs}, {worst} times each" in flat
    svg = (tmp_path / "11_misclassified_digits.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Misclassified test digits" in svg


# --- lesson 12 ----------------------------------------------------------------------------------

def test_lesson_12_without_files_explains_and_exits_cleanly(tmp_path):
    empty = tmp_path / "nothing here"
    empty.mkdir()
    for args, env, source in (
        (["--data", str(empty)], None, "--data"),
        ([], {"BARENN_MNIST": str(empty)}, "BARENN_MNIST"),
    ):
        result = run_lesson("12_mnist.py", *args, env_extra=env)
        out = finished(result)
        assert f"No MNIST files in {empty} ({source})" in out
        for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                     "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
            assert name in out
        assert "download_mnist" in out
        assert "Traceback" not in result.stderr


def test_lesson_12_quick_runs_on_a_tiny_idx_directory(tmp_path):
    write_idx(tmp_path, "train", 120, seed=1, compress=True)
    write_idx(tmp_path, "test", 30, seed=2, compress=False)
    out = finished(run_lesson("12_mnist.py", "--quick", "--data", str(tmp_path)))
    assert "read 120 training and 30 test images, 28x28 pixels, in " in out
    share = float(re.search(r"([\d.]+)% of all training pixels are exactly 0", out).group(1))
    assert 70 < share < 95  # 4 rows x 16 columns, 80 % inked, of 784 pixels
    assert "✓ the dense and the sparse products agree" in out
    assert "✓ the dense product and barenn.fast.dot agree" in out
    assert re.search(r"^  barenn\.matrix\.dot: +[\d.]+ s  \(the reference", out, re.MULTILINE)
    assert "total parameters: 101,770" in out
    accuracy = float(re.search(r"test accuracy after 1 epoch\(s\): ([\d.]+)", out).group(1))
    assert 0.0 <= accuracy <= 1.0
    assert re.search(r"\d+ of 30 test images misclassified", out)
    assert "What you saw" in out


def test_lesson_12_reports_a_corrupt_file(tmp_path):
    write_idx(tmp_path, "train", 20, seed=1, compress=False)
    write_idx(tmp_path, "test", 5, seed=2, compress=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])  # cut short
    result = run_lesson("12_mnist.py", "--quick", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "cannot read MNIST" in result.stdout and "train-images-idx3-ubyte" in result.stdout
    assert "Traceback" not in result.stderr
