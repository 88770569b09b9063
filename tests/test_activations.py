"""Activations: hand-computed values, safety at extremes, errors, gradients via check.py."""

import copy as deepcopy_module
import math
import random

import pytest

from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh, sigmoid, softmax_jacobian
from barenn.check import check_layer
from barenn.matrix import ShapeError

ALL = [ReLU, Sigmoid, Tanh, Softmax, Linear]


def approx_matrix(expected, rel=1e-12, abs=1e-15):
    return [pytest.approx(r, rel=rel, abs=abs) for r in expected]


# --- hand-computed values ---------------------------------------------------------

def test_relu_forward_and_backward_by_hand():
    relu = ReLU()
    assert relu.forward([[1.0, -2.0, 0.0], [-0.5, 3.0, 2.0]]) == [[1.0, 0.0, 0.0], [0.0, 3.0, 2.0]]
    # slope 1 where the input was > 0, 0 elsewhere (also exactly at 0)
    assert relu.backward([[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]]) == [[5.0, 0.0, 0.0], [0.0, 9.0, 10.0]]
    assert relu.inputs == [[1.0, -2.0, 0.0], [-0.5, 3.0, 2.0]]


def test_walkthrough_neuron_z_6_gives_relu_6_and_slope_1():
    x, w, b = [1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0
    z = sum(xi * wi for xi, wi in zip(x, w)) + b
    relu = ReLU()
    assert relu.forward([[z]]) == [[6.0]]
    assert relu.backward([[1.0]]) == [[1.0]]


def test_sigmoid_by_hand():
    s = Sigmoid()
    out = s.forward([[0.0, 2.0, -2.0]])
    assert out[0][0] == 0.5
    assert out[0][1] == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)
    assert out[0][2] == pytest.approx(math.exp(-2) / (1 + math.exp(-2)), rel=1e-15)
    d = s.backward([[1.0, 2.0, 3.0]])
    assert d[0][0] == 0.25
    sig2 = 1 / (1 + math.exp(-2))
    assert d[0][1] == pytest.approx(2 * sig2 * (1 - sig2), rel=1e-14)
    assert d[0][2] == pytest.approx(3 * sig2 * (1 - sig2), rel=1e-12)  # σ(-2)(1-σ(-2)) = σ(2)(1-σ(2))


@pytest.mark.parametrize("z", [1e6, -1e6, 1e308, -1e308])
def test_sigmoid_saturates_without_overflow(z):
    s = Sigmoid()
    out = s.forward([[z]])
    assert out == ([[1.0]] if z > 0 else [[0.0]])
    assert s.backward([[1.0]]) == [[0.0]]  # saturated: no slope, and no NaN


def test_sigmoid_just_past_exp_overflow():
    # math.exp(710) overflows; the two-branch form never calls it
    with pytest.raises(OverflowError):
        math.exp(710.0)
    s = Sigmoid()
    out = s.forward([[710.0, -710.0]])
    assert out[0][0] == 1.0
    assert 0.0 < out[0][1] < 1e-300  # e^-710 is a tiny subnormal, not 0 and not an error
    assert all(math.isfinite(v) for v in s.backward([[1.0, 1.0]])[0])


def test_sigmoid_scalar_helper():
    assert sigmoid(0) == 0.5
    assert sigmoid(1e6) == 1.0 and sigmoid(-1e6) == 0.0
    assert sigmoid(-30.0) == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)), rel=1e-15)
    assert sigmoid(-30.0) > 0


def test_tanh_by_hand():
    t = Tanh()
    out = t.forward([[0.0, 0.5, -1e6]])
    assert out[0][0] == 0.0
    assert out[0][1] == pytest.approx(math.tanh(0.5), rel=1e-15)
    assert out[0][2] == -1.0
    d = t.backward([[2.0, 2.0, 2.0]])
    assert d[0][0] == 2.0
    assert d[0][1] == pytest.approx(2 * (1 - math.tanh(0.5) ** 2), rel=1e-14)
    assert d[0][2] == 0.0


def test_linear_is_identity_both_ways_and_returns_new_lists():
    lin = Linear()
    x = [[1.5, -2.0]]
    out = lin.forward(x)
    assert out == x and out is not x and out[0] is not x[0]
    dv = [[3.0, 4.0]]
    d = lin.backward(dv)
    assert d == dv and d[0] is not dv[0]


def test_softmax_by_hand():
    sm = Softmax()
    out = sm.forward([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = [math.exp(1), math.exp(2), math.exp(3)]
    total = sum(e)
    assert out[0] == pytest.approx([v / total for v in e], rel=1e-14)
    assert out[1] == pytest.approx([1 / 3] * 3, rel=1e-15)
    for r in out:
        assert sum(r) == pytest.approx(1.0, rel=1e-15)


def test_softmax_subtracts_the_row_max_so_huge_inputs_do_not_overflow():
    sm = Softmax()
    out = sm.forward([[1000.0, 1001.0], [-1e6, 0.0]])
    assert out[0] == pytest.approx([1 / (1 + math.e), math.e / (1 + math.e)], rel=1e-14)
    assert out[1] == [0.0, 1.0]


def test_softmax_jacobian_of_the_walkthrough_vector():
    s = [0.7, 0.1, 0.2]
    # diag(s) - s sᵀ entry by entry: s_i (δ_ij - s_j)
    expected = [
        [0.7 - 0.7 * 0.7, -0.7 * 0.1, -0.7 * 0.2],
        [-0.1 * 0.7, 0.1 - 0.1 * 0.1, -0.1 * 0.2],
        [-0.2 * 0.7, -0.2 * 0.1, 0.2 - 0.2 * 0.2],
    ]
    jac = softmax_jacobian(s)
    assert jac == approx_matrix(expected)
    # and in round numbers, as the walkthrough writes them
    assert jac == approx_matrix([[0.21, -0.07, -0.14], [-0.07, 0.09, -0.02], [-0.14, -0.02, 0.16]],
                                rel=1e-9)
    for r in jac:
        assert sum(r) == pytest.approx(0.0, abs=1e-15)  # s sums to 1
    assert s == [0.7, 0.1, 0.2]


def test_softmax_backward_goes_through_each_samples_jacobian():
    rng = random.Random(3)
    sm = Softmax()
    scores = [[rng.uniform(-2, 2) for _ in range(4)] for _ in range(3)]
    out = sm.forward(scores)
    dv = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(3)]
    d = sm.backward(dv)
    for s, g, got in zip(out, dv, d):
        # by hand: dinputs_j = s_j (g_j - Σ_i s_i g_i)
        inner = sum(si * gi for si, gi in zip(s, g))
        assert got == pytest.approx([sj * (gj - inner) for sj, gj in zip(s, g)], rel=1e-12, abs=1e-15)


def test_softmax_jacobian_errors():
    with pytest.raises(TypeError, match="vector"):
        softmax_jacobian([[0.7, 0.3]])
    with pytest.raises(TypeError, match="vector"):
        softmax_jacobian(0.5)
    with pytest.raises(ShapeError, match="empty"):
        softmax_jacobian([])
    with pytest.raises(TypeError, match="number"):
        softmax_jacobian([0.5, "x"])


def test_predictions():
    assert Softmax().predictions([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]) == [1, 0]
    assert Sigmoid().predictions([[0.5, 0.51], [0.9, 0.1]]) == [[0, 1], [1, 0]]
    out = [[1.5, -2.0]]
    for cls in (Linear, ReLU, Tanh):
        p = cls().predictions(out)
        assert p == out and p is not out


def test_params_empty_and_training_flag_ignored():
    for cls in ALL:
        part = cls()
        assert part.params() == []
        x = [[0.3, -0.2]]
        assert part.forward(x, training=True) == part.forward(x, training=False)


# --- gradients through check.py on random shapes ------------------------------------

@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("seed", range(8))
def test_gradient_matches_numeric(cls, seed):
    rng = random.Random(seed)
    n, k = rng.randint(1, 6), rng.randint(1, 6)
    x = [[rng.uniform(-3, 3) for _ in range(k)] for _ in range(n)]
    before = deepcopy_module.deepcopy(x)
    row = check_layer(cls(), x, seed=seed)
    assert row.passed, row
    assert row.max_abs < 1e-7
    assert x == before


# --- errors and purity --------------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL)
def test_errors(cls):
    part = cls()
    with pytest.raises(RuntimeError, match="forward"):
        part.backward([[1.0]])
    with pytest.raises(ShapeError, match=rf"{cls.__name__}\.forward: .*ragged"):
        part.forward([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=rf"{cls.__name__}\.forward: .*list of rows"):
        part.forward([1.0, 2.0])
    with pytest.raises(ShapeError, match="empty"):
        part.forward([])
    with pytest.raises(TypeError, match=r"inputs must hold real numbers, but row 1, column 0 is 'a'"):
        part.forward([[1.0], ["a"]])
    part.forward([[1.0, 2.0]])
    with pytest.raises(ShapeError, match=rf"{cls.__name__}\.backward.*1x2.*2x2"):
        part.backward([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="dvalues"):
        part.backward([[1.0, None]])


@pytest.mark.parametrize("cls", ALL)
def test_inputs_never_mutated(cls):
    x = [[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]]
    dv = [[1.0, -1.0, 0.5], [2.0, 0.0, -3.0]]
    x0, dv0 = deepcopy_module.deepcopy(x), deepcopy_module.deepcopy(dv)
    part = cls()
    out = part.forward(x)
    d = part.backward(dv)
    assert x == x0 and dv == dv0
    assert out is not x and d is not dv and all(a is not b for a, b in zip(d, dv))


def test_relu_backward_rejects_a_non_number_where_no_gradient_flows():
    # The input -1.0 blocks the gradient, so the backward pass never uses dvalues[0][0];
    # a string there is still an error, not silently dropped.
    relu = ReLU()
    relu.forward([[-1.0, 2.0]])
    for bad in ("x", None):
        with pytest.raises(TypeError, match=r"^ReLU\.backward: dvalues must hold real numbers, but row 0, column 0 is"):
            relu.backward([[bad, 1.0]])


@pytest.mark.parametrize("cls", ALL)
def test_backward_names_a_non_number_in_dvalues_at_any_position(cls):
    part = cls()
    part.forward([[0.5, -1.5], [2.0, 0.0]])
    for bad in ("x", None, [1.0], "7"):
        for i, j in ((0, 0), (1, 1)):
            dv = [[1.0, 1.0], [1.0, 1.0]]
            dv[i][j] = bad
            with pytest.raises(TypeError, match=rf"^{cls.__name__}\.backward: dvalues must hold real numbers, but row {i}, column {j}"):
                part.backward(dv)


# --- fast tier: the ReLU and the Dense after it in one backward pass ------------------

from barenn.fast import relu_backward_through  # noqa: E402

@pytest.mark.parametrize("n_out", [1, 3, 7])
@pytest.mark.parametrize("seed", range(3))
def test_relu_backward_through_a_dense_equals_the_two_backward_passes(n_out, seed):
    from barenn.layers import Dense

    rng = random.Random(seed)
    n, k = 6, 5
    x = [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]
    x[1][2] = 0.0  # exactly 0: blocked, as in ReLU.backward
    relu, dense = ReLU(), Dense(k, n_out, seed=seed)
    dense.forward(relu.forward(x))
    dvalues = [[rng.uniform(-1, 1) for _ in range(n_out)] for _ in range(n)]
    dvalues[4] = [0.0] * n_out  # a sample with no gradient
    two_passes = relu.backward(dense.backward(dvalues))
    relu.dinputs = None
    one_pass = relu_backward_through(relu, dense, dvalues)
    # the same numbers up to rounding: the reference's dot (math.sumprod on 3.12+)
    # and the fast tier's inline kernel may round the last digit differently
    for fast_row, reference_row in zip(one_pass, two_passes):
        assert fast_row == pytest.approx(reference_row, rel=1e-12, abs=1e-15)
    assert relu.dinputs is one_pass
    assert one_pass[1][2] == 0.0 and one_pass[4] == [0.0] * k


def test_relu_backward_through_errors():
    from barenn.layers import Dense

    relu, dense = ReLU(), Dense(2, 3, seed=0)
    with pytest.raises(RuntimeError, match=r"^ReLU\.backward: call forward\(\) before backward\(\)$"):
        relu_backward_through(relu, dense, [[1.0, 1.0, 1.0]])
    relu.forward([[1.0, -1.0]])
    with pytest.raises(ShapeError, match=r"^ReLU\.backward: dot_transposed_where: cannot multiply 1x2"):
        relu_backward_through(relu, dense, [[1.0, 1.0]])
    with pytest.raises(TypeError, match=r"^ReLU\.backward: dvalues must hold real numbers, but row 0, column 2 is 'x'"):
        relu_backward_through(relu, dense, [[1.0, 1.0, "x"]])
