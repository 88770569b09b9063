"""Lesson 08 runs as a learner runs it and prints the figures of the one-neuron graph.

Started as a subprocess from the repository root with ``-S`` (no site-packages) and
without PYTHONPATH, so it proves the lesson runs from a clone on the standard library
alone. Printed numbers are parsed and compared with values worked out here.
"""

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "08_scalar_autograd.py"
PRINTED = 0.5e-4 + 1e-12  # numbers print with at most 4 decimals


def run(*args):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run([sys.executable, "-S", str(LESSON), *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout and "do NOT agree" not in result.stdout
    return result.stdout


def number(text, name):
    match = re.search(rf"^{re.escape(name)} = (.+)$", text, re.MULTILINE)
    assert match, f"no line '{name} = ...'"
    printed = match.group(1).rsplit(" = ", 1)[-1]
    if printed.startswith("["):
        return [float(x) for x in printed.strip("[]").split(",")]
    return float(printed)


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    out = tmp_path_factory.mktemp("lesson08")
    return run("--out", str(out)), out / "08_neuron_graph.svg"


def test_forward_values(lesson):
    text, _ = lesson
    b = 6.8813735870195432
    n = 2.0 * -3.0 + 0.0 * 1.0 + b
    assert number(text, "x1*w1") == -6.0
    assert number(text, "s = x1*w1 + x2*w2") == -6.0
    assert number(text, "n = s + b") == pytest.approx(n, abs=PRINTED)
    assert number(text, "o = tanh(n)") == pytest.approx(math.tanh(n), abs=PRINTED)
    assert number(text, "o = tanh(n)") == pytest.approx(1 / math.sqrt(2), abs=PRINTED)


def test_gradients_by_hand_and_by_backward(lesson):
    text, _ = lesson
    dn = 1 - math.tanh(0.8813735870195432) ** 2  # 0.5
    expected = {"n": dn, "b": dn, "s": dn, "x1*w1": dn, "x2*w2": dn,
                "x1": dn * -3.0, "w1": dn * 2.0, "x2": dn * 1.0, "w2": dn * 0.0, "o": 1.0}
    for name, grad in expected.items():
        assert number(text, f"{name}.grad") == pytest.approx(grad, abs=PRINTED), name
    assert number(text, "do/dx1 = do/d(x1*w1) * w1") == pytest.approx(-1.5, abs=PRINTED)
    assert number(text, "do/dw1 = do/d(x1*w1) * x1") == pytest.approx(1.0, abs=PRINTED)
    assert number(text, "do/dx2 = do/d(x2*w2) * w2") == pytest.approx(0.5, abs=PRINTED)
    assert number(text, "do/dw2 = do/d(x2*w2) * x2") == 0.0
    numeric = number(text, "numeric slopes of x1, x2, w1, w2, b")
    assert numeric == pytest.approx([-1.5, 0.5, 1.0, 0.0, 0.5], abs=1e-6)
    order = "x1, w1, x1*w1, x2, w2, x2*w2, x1*w1 + x2*w2, b, n, o"
    assert f"topological_order(): {order}" in text
    # backward's own order: the reverse, one gradient a line
    visited = re.search(r"backward visits them in reverse:\n((?:\S+\.grad = .*\n){10})",
                        text).group(1)
    names = [line.split(".grad")[0] for line in visited.splitlines()]
    assert names == ["o", "n", "b", "s", "x2*w2", "w2", "x2", "x1*w1", "w1", "x1"]
    assert [n if n != "s" else "x1*w1 + x2*w2" for n in reversed(names)] == order.split(", ")


def test_the_walkthroughs_first_graph(lesson):
    text, _ = lesson
    assert "e = -6.0, d = 4.0, L = -8.0" in text
    rows = dict((r[0], (float(r[1]), float(r[2]))) for r in
                re.findall(r"^\s+([a-f])\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)$", text, re.MULTILINE))
    expected = {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0}
    assert {k: v[0] for k, v in rows.items()} == expected
    assert {k: v[1] for k, v in rows.items()} == expected


def test_every_agreement_is_printed(lesson):
    text, _ = lesson
    for what in ("the forward values by hand and by Value",
                 "the gradients by hand and by backward()",
                 "backward() and central differences",
                 "o from Value and from the matrix engine",
                 "w1.grad, w2.grad and dweights",
                 "b.grad and dbiases",
                 "x1.grad, x2.grad and dinputs",
                 "the two engines' losses",
                 "the two engines' dweights",
                 "the two engines' dbiases"):
        assert re.search(rf"✓ {re.escape(what)} agree \(largest difference ", text), what


def test_matrix_engine_figures(lesson):
    text, _ = lesson
    assert re.search(r"^dense\.dweights \(2x1\):\n  \[1\.0\]\n  \[0\.0\]$", text, re.MULTILINE)
    assert re.search(r"^dense\.dbiases \(1x1\):\n  \[0\.5\]$", text, re.MULTILINE)
    assert re.search(r"^dense\.dinputs \(1x2\):\n  \[-1\.5 +0\.5\]$", text, re.MULTILINE)
    o = 1 / math.sqrt(2)
    assert number(text, "loss (o - 0.25)^2, matrix engine") == pytest.approx((o - 0.25) ** 2,
                                                                            abs=PRINTED)


def test_the_picture_is_written(lesson):
    text, out = lesson
    assert f"wrote {out}" in text
    root = ET.parse(out).getroot()
    shown = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for name in ("x1", "x2", "w1", "w2", "b", "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o",
                 "tanh"):
        assert name in shown, name
    assert "grad -1.5000" in shown and "data 0.7071" in shown


def test_step_mode_without_a_terminal_runs_straight_through(tmp_path):
    text = run("--step", "--out", str(tmp_path))
    assert "Step 9: A picture of the graph" in text
    assert (tmp_path / "08_neuron_graph.svg").exists()


def test_barenn_lesson_passes_out_on(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run([sys.executable, "-m", "barenn", "lesson", "8", "--out",
                             str(tmp_path / "pictures")], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "pictures" / "08_neuron_graph.svg").is_file()
