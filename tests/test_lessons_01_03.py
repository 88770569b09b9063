"""Lessons 01-03 run as a learner runs them, and print the figures the issue asks for.

Each lesson is started as a subprocess from the repository root with ``-S`` (no
site-packages) and without PYTHONPATH: that proves it runs from a clone without
installing, on the standard library alone. The printed numbers are parsed, not
matched as whole lines, and compared with values worked out here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
# Matrices print at most 4 decimals: half a unit of the last one, plus float slack.
PRINTED = 0.5e-4 + 1e-12


def run_lesson(name, *args, stdin=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-S", str(LESSONS / name), *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
        encoding="utf-8", timeout=timeout,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def finished(result):
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout
    return result.stdout


def value(text, name):
    """The number or list printed on the line ``<name> = ...`` (the last '=' counts)."""
    match = re.search(rf"^{re.escape(name)} = (.+)$", text, re.MULTILINE)
    assert match, f"no line '{name} = ...' in the output"
    printed = match.group(1).rsplit(" = ", 1)[-1]
    if printed.startswith("["):
        return [float(x) for x in printed.strip("[]").split(",")]
    return float(printed)


def matrix(text, name):
    """(rows, cols) as announced in ``<name> (RxC):`` and the rows printed below it."""
    match = re.search(rf"^{re.escape(name)} \((\d+)x(\d+)\):$", text, re.MULTILINE)
    assert match, f"no matrix '{name} (RxC):' in the output"
    rows, cols = int(match.group(1)), int(match.group(2))
    lines = text[match.end():].strip("\n").splitlines()[:rows]
    values = [[float(x) for x in line.strip().strip("[]").split()] for line in lines]
    assert all(len(r) == cols for r in values), lines
    return (rows, cols), values


def assert_close(printed, expected, tol=PRINTED):
    if isinstance(expected, list) and expected and isinstance(expected[0], list):
        assert len(printed) == len(expected)
        for p, e in zip(printed, expected):
            assert_close(p, e, tol)
    elif isinstance(expected, list):
        assert len(printed) == len(expected)
        assert all(abs(p - e) <= tol for p, e in zip(printed, expected)), (printed, expected)
    else:
        assert abs(printed - expected) <= tol, (printed, expected)


def agreements(text):
    """{name: largest difference} for every '✓ <name> agree (largest difference d)'."""
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^✓ (.+) agree \(largest difference (\S+)\)$", text, re.MULTILINE)}


def matmul(a, b):
    return [[sum(x * y for x, y in zip(r, c)) for c in zip(*b)] for r in a]


# --- lesson 01 ---------------------------------------------------------------------

X, W, B = [1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0


@pytest.fixture(scope="module")
def lesson01():
    return finished(run_lesson("01_one_neuron.py"))


def test_01_forward_pass(lesson01):
    assert value(lesson01, "x") == X and value(lesson01, "w") == W and value(lesson01, "b") == B
    products = re.search(r"p0 = x0\*w0 = (\S+), p1 = x1\*w1 = (\S+), p2 = x2\*w2 = (\S+)$",
                         lesson01, re.MULTILINE)
    assert [float(p) for p in products.groups()] == [x * w for x, w in zip(X, W)] == [-3, 2, 6]
    assert value(lesson01, "z = p0 + p1 + p2 + b") == 6.0
    assert value(lesson01, "ReLU(z) = max(z, 0)") == 6.0


def test_01_every_partial_derivative(lesson01):
    assert value(lesson01, "dvalue (from the next layer)") == 1.0
    assert value(lesson01, "drelu_dz = dvalue * (1 if z > 0 else 0)") == 1.0
    assert value(lesson01, "dz_dw = x") == X
    assert value(lesson01, "dz_dx = w") == W
    assert value(lesson01, "dz_db") == 1.0
    assert value(lesson01, "dw = drelu_dz * dz_dw") == X
    assert value(lesson01, "dx = drelu_dz * dz_dx") == W
    assert value(lesson01, "db = drelu_dz * dz_db") == 1.0


def test_01_one_step_lowers_the_output(lesson01):
    before = float(re.search(r"^output before the step: (\S+)$", lesson01, re.MULTILINE).group(1))
    after = float(re.search(r"^output after the step: +(\S+)$", lesson01, re.MULTILINE).group(1))
    rate = value(lesson01, "learning_rate")
    assert rate == 0.001
    assert after < before == 6.0
    # z is linear in w and b, so the step lowers it by rate * (sum of squared slopes).
    assert after == pytest.approx(6.0 - rate * (1 + 4 + 9 + 1), abs=1e-12)
    assert value(lesson01, "w - learning_rate * dw") == pytest.approx([-3.001, -0.998, 1.997])
    assert value(lesson01, "b - learning_rate * db") == pytest.approx(0.999)
    _, stepped = matrix(lesson01, "output after the step")
    assert stepped == [[after]]


def test_01_barenn_agrees(lesson01):
    assert matrix(lesson01, "dense.weights") == ((3, 1), [[w] for w in W])
    assert matrix(lesson01, "ReLU(Dense(x))") == ((1, 1), [[6.0]])
    assert matrix(lesson01, "dense.dweights") == ((3, 1), [[x] for x in X])
    assert matrix(lesson01, "dense.dbiases") == ((1, 1), [[1.0]])
    assert matrix(lesson01, "dense.dinputs") == ((1, 3), [W])
    checks = agreements(lesson01)
    assert len(checks) == 6
    assert all(d <= 1e-12 for d in checks.values())


# --- lesson 02 ---------------------------------------------------------------------

INPUTS = [[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]]
PER_NEURON = [[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]
WEIGHTS = [list(c) for c in zip(*PER_NEURON)]  # 4x3
BIASES = [2.0, 3.0, 0.5]
DVALUES = [[1.0] * 3, [2.0] * 3, [3.0] * 3]


@pytest.fixture(scope="module")
def lesson02():
    return finished(run_lesson("02_batch_through_a_layer.py"))


def test_02_every_matrix_printed_with_its_shape(lesson02):
    assert matrix(lesson02, "inputs: one row per sample, one column per feature") == ((3, 4), INPUTS)
    assert matrix(lesson02, "each neuron's weights, one row per neuron") == ((3, 4), PER_NEURON)
    assert matrix(lesson02, "weights") == ((4, 3), WEIGHTS)
    assert matrix(lesson02, "biases") == ((1, 3), [BIASES])
    assert matrix(lesson02, "dvalues") == ((3, 3), DVALUES)


def test_02_forward(lesson02):
    expected = [[v + b for v, b in zip(r, BIASES)] for r in matmul(INPUTS, WEIGHTS)]
    assert_close(expected, [[4.8, 1.21, 2.385], [8.9, -1.81, 0.2], [1.41, 1.051, 0.026]], 1e-12)
    for name in ("output by hand, one row per sample, one column per neuron", "layer.output",
                 "transpose(W . X^T) + b, W one row per neuron"):
        size, printed = matrix(lesson02, name)
        assert size == (3, 3)
        assert_close(printed, expected)


def test_02_gradients_by_loops_by_dot_and_by_dense(lesson02):
    dweights = matmul([list(c) for c in zip(*INPUTS)], DVALUES)
    dbiases = [[sum(c) for c in zip(*DVALUES)]]
    dinputs = matmul(DVALUES, PER_NEURON)  # weights.T is the per-neuron rows
    assert_close(dweights, [[0.5] * 3, [20.1] * 3, [10.9] * 3, [4.1] * 3], 1e-12)
    assert dbiases == [[6.0, 6.0, 6.0]]
    expected = {"dweights": ((4, 3), dweights), "dbiases": ((1, 3), dbiases),
                "dinputs": ((3, 4), dinputs)}
    for grad, (size, values) in expected.items():
        names = [f"{grad} (loops)", f"layer.{grad}"]
        names += [n for n in (f"{grad} = dot(transpose(inputs), dvalues)",
                              f"{grad} = sum_columns(dvalues)",
                              f"{grad} = dot(dvalues, transpose(weights))")
                  if f"\n{n} (" in lesson02]
        assert len(names) == 3, names
        for name in names:
            printed_size, printed = matrix(lesson02, name)
            assert printed_size == size, name
            assert_close(printed, values)
    checks = agreements(lesson02)
    for grad in expected:
        assert f"{grad} by loops and from Dense.backward" in checks
        assert any(n.startswith(f"{grad} by loops and by ") for n in checks)
    assert len(checks) == 9 and all(d <= 1e-12 for d in checks.values())


# --- lesson 03 ---------------------------------------------------------------------

S = [0.7, 0.1, 0.2]
OUTPUTS = [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
TARGETS = [0, 1, 1]


@pytest.fixture(scope="module")
def lesson03():
    return finished(run_lesson("03_softmax_jacobian.py", "--quick"))


def test_03_jacobian(lesson03):
    expected = [[S[i] * ((i == j) - S[j]) for j in range(3)] for i in range(3)]
    assert_close(expected[0], [0.21, -0.07, -0.14], 1e-12)
    for name in ("Jacobian by hand", "softmax_jacobian(s)"):
        size, printed = matrix(lesson03, name)
        assert size == (3, 3)
        assert_close(printed, expected)
    assert agreements(lesson03)["the Jacobian by hand and softmax_jacobian"] <= 1e-12


def test_03_both_paths(lesson03):
    n = len(OUTPUTS)
    fused = [[(p - (j == t)) / n for j, p in enumerate(r)] for r, t in zip(OUTPUTS, TARGETS)]
    assert_close(fused[0], [-0.1, 0.1 / 3, 0.2 / 3], 1e-12)
    cce = [[-1 / p / n if j == t else 0.0 for j, p in enumerate(r)] for r, t in zip(OUTPUTS, TARGETS)]
    assert value(lesson03, "targets") == TARGETS
    size, printed = matrix(lesson03, "dvalues from CategoricalCrossEntropy.backward")
    assert size == (3, 3)
    assert_close(printed, cce)
    for name in ("dinputs from Softmax.backward, each row of dvalues times its Jacobian",
                 "(y_hat - y) / n by hand", "dinputs from SoftmaxCrossEntropy.backward"):
        size, printed = matrix(lesson03, name)
        assert size == (3, 3)
        assert_close(printed, fused)
    checks = agreements(lesson03)
    assert checks["the Jacobian path and the fused path"] < 1e-12
    assert checks["the fused gradient by hand and by barenn"] <= 1e-12


def test_03_columns_add_up_to_zero_and_s_k_cancels(lesson03):
    assert "column sums: 0.0, 0.0, 0.0" in lesson03
    assert "dvalues[k] = -1 / (n * s_k) = -1 / (3 * 0.7) = -0.4762" in lesson03
    rows = re.findall(r"^j = (\d): (\S+) \* J\[0\]\[\d\] = \S+ \* (\S+) = (\S+)   "
                      r"\(s_\d - ([01])\) / 3 = (\S+)$", lesson03, re.MULTILINE)
    assert [int(r[0]) for r in rows] == [0, 1, 2]
    for j, g, jac, product, delta, fused in rows:
        assert float(jac) == pytest.approx(S[0] * ((int(j) == 0) - S[int(j)]), abs=5e-5)
        assert float(product) == pytest.approx(float(g) * float(jac), abs=1e-4)
        assert float(product) == float(fused)  # the two sides of the cancellation
        assert int(delta) == (int(j) == TARGETS[0])
    assert "✓ row 0 of the Jacobian path and (s - y) / n agree" in lesson03


def test_03_one_hot_targets(lesson03):
    size, printed = matrix(lesson03, "the same targets one-hot: a 1 at the true class")
    assert size == (3, 3)
    assert_close(printed, [[1, 0, 0], [0, 1, 0], [0, 1, 0]])
    assert agreements(lesson03)["the loss with class indices and with one-hot rows"] == 0


def test_03_measures_the_speed_up(lesson03):
    # The recap calls the fused path the faster: measured 30-40x, so > 1 is safe.
    match = re.search(r"^fused path: (\d+\.\d)x faster$", lesson03, re.MULTILINE)
    assert match and float(match.group(1)) > 1
    assert re.search(r"^Jacobian path, per batch: [\d.]+ ms$", lesson03, re.MULTILINE)


# --- running them -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["01_one_neuron.py", "02_batch_through_a_layer.py",
                                  "03_softmax_jacobian.py"])
def test_step_with_piped_input_runs_straight_through(name):
    result = run_lesson(name, "--step", "--quick", stdin="\n" * 3, timeout=60)
    out = finished(result)
    assert "running straight through" in result.stderr
    assert "[Enter" not in out
    assert re.search(r"^Step [4-9]: ", out, re.MULTILINE)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_step_in_a_terminal_pauses_between_steps():
    leader, follower = os.openpty()
    try:
        os.write(leader, b"\n" * 10)  # ten presses of Enter, waiting in the terminal
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONIOENCODING"] = "utf-8"
        result = subprocess.run([sys.executable, "-S", str(LESSONS / "01_one_neuron.py"), "--step"],
                                cwd=ROOT, env=env, stdin=follower, capture_output=True,
                                text=True, encoding="utf-8", timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    out = finished(result)
    steps = len(re.findall(r"^Step \d+: ", out, re.MULTILINE))
    assert steps == 6
    assert out.count("[Enter: step ") == steps - 1


def test_a_misspelt_option_is_a_clear_error():
    result = run_lesson("01_one_neuron.py", "--stpe")
    assert result.returncode == 2
    assert "unrecognized arguments: --stpe" in result.stderr
    assert "--step" in result.stderr  # the usage line shows the right spelling
