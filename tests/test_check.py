"""check.py: compare, numeric gradients, the per-part rows, the table and its exit code."""

import math

import pytest

from barenn import check
from barenn.activations import ReLU, Sigmoid
from barenn.check import (
    ATOL,
    RTOL,
    CheckRow,
    Comparison,
    check_fused_softmax,
    check_layer,
    compare,
    numeric_gradient,
    register_check,
    run_checks,
)
from barenn.layers import Dense
from barenn.checks import ShapeError

REQUIRED_ROWS = [
    "Dense", "Dense + L1/L2 regularization", "ReLU", "Sigmoid", "Tanh", "Softmax", "Linear",
    "Dropout (fixed mask)", "CategoricalCrossEntropy (class indices)",
    "CategoricalCrossEntropy (one-hot)", "BinaryCrossEntropy", "MeanSquaredError",
    "MeanAbsoluteError", "SoftmaxCrossEntropy (fused)", "fused softmax+CE vs Jacobian path",
]


# --- compare -----------------------------------------------------------------------------

def test_compare_numbers_by_hand():
    assert compare(1.0, 1.5) == Comparison(0.5, 0.5 / 1.5, False)
    assert compare(2.0, 2.0) == Comparison(0.0, 0.0, True)
    assert compare(0.0, 0.0) == Comparison(0.0, 0.0, True)


def test_compare_vectors_and_matrices():
    c = compare([1.0, -2.0, 4.0], [1.0, -2.5, 4.0])
    assert c.max_abs == 0.5 and c.max_rel == pytest.approx(0.2) and not c.passed
    c = compare([[1.0, 10.0], [0.0, 3.0]], [[1.0, 10.001], [0.0, 3.0]])
    assert c.max_abs == pytest.approx(0.001) and c.max_rel == pytest.approx(0.001 / 10.001)
    assert compare([[1.0, 2.0]], [[1.0, 2.0]]).passed


def test_compare_tolerances_are_per_entry():
    # within ATOL of zero passes, though its relative difference is 1
    c = compare([[0.0, 1.0]], [[ATOL / 2, 1.0]])
    assert c.passed and c.max_rel == 1.0
    # a relative error just under RTOL passes on a big entry, just over it fails
    assert compare(1000.0, 1000.0 * (1 + RTOL / 2)).passed
    assert not compare(1000.0, 1000.0 * (1 + 2 * RTOL)).passed
    assert compare(1.0, 1.1, atol=0, rtol=0.2).passed


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_compare_nan_or_inf_fails(bad):
    c = compare([[1.0, bad]], [[1.0, 2.0]])
    assert not c.passed and math.isnan(c.max_abs) and math.isnan(c.max_rel)


@pytest.mark.parametrize("a, b, words", [
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "a 2x3 matrix with a 3x2 matrix"),
    ([1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], "a vector of 3 with a 1x3 matrix"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "a vector of 2 with a vector of 3"),
    (1.0, [1.0], "a number with a vector of 1"),
])
def test_compare_shape_mismatch(a, b, words):
    with pytest.raises(ShapeError, match=f"compare: cannot compare {words}"):
        compare(a, b)


def test_compare_other_errors():
    with pytest.raises(TypeError, match="compare"):
        compare("1.0", 1.0)
    with pytest.raises(ShapeError, match="ragged"):
        compare([[1.0], [1.0, 2.0]], [[1.0], [1.0, 2.0]])


# --- numeric_gradient ----------------------------------------------------------------------

def test_numeric_gradient_by_hand_and_restores_the_matrix():
    m = [[3.0, -1.0], [0.5, 2.0]]
    f = lambda: m[0][0] ** 2 + 5 * m[0][1] + m[1][0] * m[1][1]
    g = numeric_gradient(f, m)
    assert g == [pytest.approx([6.0, 5.0], rel=1e-8), pytest.approx([2.0, 0.5], rel=1e-8)]
    assert m == [[3.0, -1.0], [0.5, 2.0]]


def test_numeric_gradient_restores_even_when_f_raises():
    m = [[1.0, 2.0]]
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return sum(m[0])

    with pytest.raises(RuntimeError, match="boom"):
        numeric_gradient(f, m)
    assert m == [[1.0, 2.0]]


def test_numeric_gradient_errors():
    with pytest.raises(ShapeError, match="empty"):
        numeric_gradient(lambda: 0.0, [])
    with pytest.raises(ValueError, match="eps"):
        numeric_gradient(lambda: 0.0, [[1.0]], eps=0)
    with pytest.raises(ShapeError, match="ragged"):
        numeric_gradient(lambda: 0.0, [[1.0], [1.0, 2.0]])


# --- check_layer / check_loss catch wrong gradients ---------------------------------------

def test_check_layer_passes_a_right_part_and_fails_a_wrong_one():
    x = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]]

    class WrongSigmoid(Sigmoid):
        def backward(self, dvalues):  # forgot the (1 - s) factor
            self.dinputs = [[d * s for d, s in zip(dr, sr)] for dr, sr in zip(dvalues, self.output)]
            return self.dinputs

    good = check_layer(Sigmoid(), x, seed=3)
    bad = check_layer(WrongSigmoid(), x, seed=3)
    assert good.passed and good.name == "Sigmoid"
    assert not bad.passed and bad.max_abs > 0.01 and bad.name == "WrongSigmoid"


def test_check_layer_checks_parameters_too():
    class WrongBiases(Dense):
        def backward(self, dvalues):
            d = super().backward(dvalues)
            self.dbiases = [[2 * v for v in self.dbiases[0]]]
            return d

    x = [[0.5, -1.0], [1.5, 0.2]]
    assert check_layer(Dense(2, 3, init="he", seed=1), x).passed
    assert not check_layer(WrongBiases(2, 3, init="he", seed=1), x).passed


def test_check_layer_uses_given_dvalues_and_name_and_leaves_inputs():
    x = [[1.0, -1.0]]
    row = check_layer(ReLU(), x, dvalues=[[2.0, 3.0]], name="my relu")
    assert row == CheckRow("my relu", row.max_abs, row.max_rel, True)
    assert x == [[1.0, -1.0]]


def test_fused_row_compares_two_exact_formulas():
    row = check_fused_softmax(seed=4)
    assert row.name == "fused softmax+CE vs Jacobian path" and row.passed
    assert row.max_abs < 1e-15


# --- run_checks and the hook -------------------------------------------------------------------

@pytest.fixture
def clean_extras(monkeypatch):
    monkeypatch.setattr(check, "EXTRA_CHECKS", [])
    return check.EXTRA_CHECKS


from barenn.agreement import fast_check_rows  # noqa: E402

ALL_ROWS = REQUIRED_ROWS + ["scalar engine vs matrix engine"] + [r.name for r in fast_check_rows(0)]


@pytest.mark.parametrize("seed", range(12))
def test_run_checks_every_row_passes_on_random_shapes(seed, clean_extras):
    rows = run_checks(seed)
    names = [r.name for r in rows]
    assert names == ALL_ROWS
    for r in rows:
        assert isinstance(r, CheckRow)
        assert r.passed, r
        assert 0.0 <= r.max_abs < 1e-7


def test_register_check_adds_rows_once(clean_extras):
    def extra():
        return CheckRow("extra", 0.0, 0.0, True)

    def two():
        return [CheckRow("two a", 0.0, 0.0, True), CheckRow("two b", 1.0, 1.0, False)]

    assert register_check(extra) is extra
    register_check(extra)
    register_check(two)
    names = [r.name for r in run_checks(0)]
    assert names[len(ALL_ROWS):] == ["extra", "two a", "two b"]
    with pytest.raises(TypeError, match="register_check"):
        register_check("not a function")


def test_extra_checks_get_the_seed_when_they_take_one(clean_extras):
    seen = []

    def with_seed(seed=0):
        seen.append(seed)
        return CheckRow("with seed", 0.0, 0.0, True)

    register_check(with_seed)
    register_check(lambda: CheckRow("without", 0.0, 0.0, True))
    names = [r.name for r in run_checks(5)]
    assert seen == [5] and names[-2:] == ["with seed", "without"]


def test_a_raising_extra_check_is_a_failed_row(clean_extras):
    def broken():
        raise ZeroDivisionError("no luck")

    register_check(broken)
    last = run_checks(0)[-1]
    assert last.name == "broken: ZeroDivisionError: no luck"
    assert not last.passed and math.isnan(last.max_abs)


def test_check_imports_the_engine_row_plainly():
    """No module names in strings, no import circle: check imports bridge, bridge
    imports compare (never check)."""
    import ast
    import inspect

    from barenn import bridge
    source = inspect.getsource(check)
    assert "importlib" not in source and "PLUGIN_MODULES" not in source
    imported = {node.module for node in ast.walk(ast.parse(inspect.getsource(bridge)))
                if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(ast.parse(inspect.getsource(bridge)))
                 if isinstance(node, ast.Import) for alias in node.names}
    assert "barenn.check" not in imported and "barenn.compare" in imported
    assert check.compare is bridge.compare and check.CheckRow is bridge.CheckRow


# --- main: the table and the exit code -----------------------------------------------------------

def test_main_prints_a_row_per_part_and_returns_0(capsys):
    assert check.main([]) == 0
    out = capsys.readouterr().out
    for name in ALL_ROWS:
        line = next(line for line in out.splitlines() if line.startswith(name + "  "))
        assert line.rstrip().endswith("ok"), line
    assert "checks passed" in out and "FAILED" not in out


def test_main_returns_1_when_a_row_fails(clean_extras, capsys):
    register_check(lambda: CheckRow("deliberately wrong", 0.5, 0.5, False))
    assert check.main(["--seed", "3"]) == 1
    out = capsys.readouterr().out
    assert "seed 3" in out
    line = next(line for line in out.splitlines() if line.startswith("deliberately wrong"))
    assert "5.00e-01" in line and line.rstrip().endswith("FAILED")


def test_format_table_shows_nan():
    lines = check.format_table([CheckRow("x", math.nan, math.nan, False)])
    assert "nan" in lines[2] and lines[-1] == "0 of 1 checks passed"


def test_walkthrough_softmax_rows_used_by_the_fused_row_are_the_walkthroughs():
    assert check.WALKTHROUGH_OUTPUTS == [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
    assert check.WALKTHROUGH_TARGETS == [0, 1, 1]
    # softmax outputs sum to one per row, as the Jacobian path assumes
    for r in check.WALKTHROUGH_OUTPUTS:
        assert sum(r) == pytest.approx(1.0)


@pytest.mark.parametrize("call, error, function, argument", [
    (lambda: run_checks(seed="0"), TypeError, "run_checks", "seed"),
    (lambda: numeric_gradient(lambda: 0.0, [[1.0]], eps="1e-6"), TypeError, "numeric_gradient", "eps"),
    (lambda: numeric_gradient(lambda: 0.0, [[1.0]], eps=-1e-6), ValueError, "numeric_gradient", "eps"),
    (lambda: register_check(5), TypeError, "register_check", "function"),
])
def test_bad_arguments_name_the_function_and_the_argument(call, error, function, argument):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(f"{function}: {argument} must be "), str(info.value)
