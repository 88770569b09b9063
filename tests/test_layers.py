"""Dense and Dropout: hand-computed passes, initializers, regularization, dropout masks."""

import copy as deepcopy_module
import math
import random
import statistics

import pytest

from barenn.activations import ReLU
from barenn.check import check_layer
from barenn.layers import INITIALIZERS, Dense, Dropout, Param, regularization_loss
from barenn.matrix import ShapeError
from barenn.rng import NumpyLegacy


def approx_matrix(expected, rel=1e-12, abs=1e-15):
    return [pytest.approx(r, rel=rel, abs=abs) for r in expected]


def hand_layer():
    layer = Dense(2, 3, seed=0)
    layer.weights = [[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]
    layer.biases = [[0.1, 0.2, 0.3]]
    return layer


# --- Dense: forward and backward by hand ---------------------------------------------

def test_dense_forward_by_hand():
    layer = hand_layer()
    out = layer.forward([[1.0, 2.0], [3.0, 4.0]])
    # row 0: [1·1 + 2·0.5 + 0.1, 1·0 + 2·2 + 0.2, 1·(-1) + 2·1 + 0.3]
    assert out == approx_matrix([[2.1, 4.2, 1.3], [5.1, 8.2, 1.3]])
    assert layer.inputs == [[1.0, 2.0], [3.0, 4.0]]
    assert layer.output is out


def test_dense_backward_by_hand():
    layer = hand_layer()
    layer.forward([[1.0, 2.0], [3.0, 4.0]])
    d = layer.backward([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    # dweights = inputsᵀ · dvalues
    assert layer.dweights == [[1 * 1 + 3 * 2, 1 * 0 + 3 * 1, 1 * -1 + 3 * 0],
                              [2 * 1 + 4 * 2, 2 * 0 + 4 * 1, 2 * -1 + 4 * 0]]
    # dbiases = column sums, kept 1 x n
    assert layer.dbiases == [[3.0, 1.0, -1.0]]
    # dinputs = dvalues · weightsᵀ
    assert d == [[1 * 1 + 0 * 0 + -1 * -1, 1 * 0.5 + 0 * 2 + -1 * 1],
                 [2 * 1 + 1 * 0 + 0 * -1, 2 * 0.5 + 1 * 2 + 0 * 1]]
    assert layer.dinputs is d


def test_dense_walkthrough_batch_shapes():
    # 3 samples x 4 features through 3 neurons, as in the walkthrough
    layer = Dense(4, 3, seed=1)
    out = layer.forward([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]])
    assert (len(out), len(out[0])) == (3, 3)
    layer.backward([[1.0] * 3] * 3)
    assert (len(layer.dweights), len(layer.dweights[0])) == (4, 3)
    assert (len(layer.dbiases), len(layer.dbiases[0])) == (1, 3)
    assert (len(layer.dinputs), len(layer.dinputs[0])) == (3, 4)


# --- Dense: initialization -------------------------------------------------------------

def test_weights_drawn_row_by_row_with_gauss():
    reference = random.Random(5)
    expected = [[reference.gauss(0.0, 0.01) for _ in range(4)] for _ in range(3)]
    assert Dense(3, 4, seed=5).weights == expected
    assert Dense(3, 4, rng=random.Random(5)).weights == expected
    assert Dense(3, 4, seed=6).weights != expected
    assert Dense(3, 4, seed=5).biases == [[0.0, 0.0, 0.0, 0.0]]


def test_numpy_legacy_stream_gives_numpys_first_weights():
    # np.random.seed(0); 0.01 * np.random.randn(2, 3) starts with these (numpy's
    # published seed-0 normals 1.76405235, 0.40015721, 0.97873798, 2.2408932, ...)
    layer = Dense(2, 3, rng=NumpyLegacy(0))
    assert layer.weights[0] == pytest.approx([0.0176405235, 0.0040015721, 0.0097873798], rel=1e-8)
    assert layer.weights[1][0] == pytest.approx(0.022408932, rel=1e-7)


def test_shared_rng_continues_the_stream():
    rng = random.Random(9)
    first = Dense(2, 3, rng=rng)
    second = Dense(2, 3, rng=rng)
    assert first.weights != second.weights
    again = random.Random(9)
    Dense(2, 3, rng=again)
    assert Dense(2, 3, rng=again).weights == second.weights


@pytest.mark.parametrize("init, sigma", [
    ("walkthrough", 0.01),
    ("he", math.sqrt(2 / 200)),
    ("xavier", math.sqrt(2 / (200 + 50))),
    ("glorot", math.sqrt(2 / (200 + 50))),
])
def test_initializer_spread(init, sigma):
    layer = Dense(200, 50, init=init, seed=3)
    values = [w for r in layer.weights for w in r]
    # 10 000 draws: the sample std is within ~0.7 % of sigma (1 std error); allow 4 %
    assert statistics.pstdev(values) == pytest.approx(sigma, rel=0.04)
    assert abs(statistics.fmean(values)) < 4 * sigma / math.sqrt(len(values))


def test_glorot_is_xavier():
    assert Dense(5, 4, init="glorot", seed=2).weights == Dense(5, 4, init="xavier", seed=2).weights
    assert set(INITIALIZERS) == {"walkthrough", "he", "xavier", "glorot", "he_fan_avg"}


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n_inputs=0, n_neurons=3), ValueError, "n_inputs"),
    (dict(n_inputs=2, n_neurons=-1), ValueError, "n_neurons"),
    (dict(n_inputs=2.0, n_neurons=3), TypeError, "n_inputs"),
    (dict(n_inputs=True, n_neurons=3), TypeError, "n_inputs"),
    (dict(n_inputs=2, n_neurons=3, init="uniform"), ValueError, "init must be one of 'walkthrough'"),
    (dict(n_inputs=2, n_neurons=3, weight_regularizer_l1=-0.1), ValueError, "weight_regularizer_l1"),
    (dict(n_inputs=2, n_neurons=3, bias_regularizer_l2=math.nan), ValueError, "bias_regularizer_l2"),
    (dict(n_inputs=2, n_neurons=3, weight_regularizer_l2="0.1"), TypeError, "weight_regularizer_l2"),
])
def test_constructor_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        Dense(**kwargs)


# --- Dense: errors -----------------------------------------------------------------------

def test_input_width_mismatch_names_dense_and_n_inputs():
    layer = Dense(4, 3, seed=0)
    with pytest.raises(ShapeError, match=r"Dense\.forward.*n_inputs=4.*2x5"):
        layer.forward([[0.0] * 5, [0.0] * 5])


def test_dense_other_errors():
    layer = Dense(2, 3, seed=0)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward([[0.0, 0.0, 0.0]])
    with pytest.raises(ShapeError, match="ragged"):
        layer.forward([[1.0, 2.0], [1.0]])
    with pytest.raises(ShapeError, match="empty"):
        layer.forward([])
    with pytest.raises(TypeError, match=r"Dense\.forward.*'x'"):
        layer.forward([[1.0, "x"]])
    layer.forward([[1.0, 2.0]])
    with pytest.raises(ShapeError, match=r"Dense\.backward.*1x3.*1x2"):
        layer.backward([[1.0, 2.0]])
    with pytest.raises(TypeError, match="dvalues"):
        layer.backward([[1.0, None, 2.0]])


def test_dense_never_mutates_inputs_or_dvalues():
    layer = Dense(3, 2, init="he", seed=4, weight_regularizer_l1=0.1, bias_regularizer_l2=0.2)
    x = [[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]
    dv = [[1.0, -1.0], [0.5, 2.0]]
    x0, dv0 = deepcopy_module.deepcopy(x), deepcopy_module.deepcopy(dv)
    w0 = deepcopy_module.deepcopy(layer.weights)
    layer.forward(x)
    layer.backward(dv)
    assert x == x0 and dv == dv0 and layer.weights == w0


# --- Dense: parameters for an optimizer --------------------------------------------------

def test_params_are_the_layers_own_matrices():
    layer = hand_layer()
    before = layer.params()
    assert [p.name for p in before] == ["weights", "biases"]
    assert all(isinstance(p, Param) for p in before)
    assert before[0].value is layer.weights and before[1].value is layer.biases
    assert before[0].grad is None and before[1].grad is None

    layer.forward([[1.0, 2.0]])
    layer.backward([[1.0, 1.0, 1.0]])
    name, value, grad = layer.params()[0]
    assert (name, value, grad) == ("weights", layer.weights, layer.dweights)
    assert layer.params()[1].grad is layer.dbiases


def test_params_in_place_update_changes_the_layer():
    layer = hand_layer()
    for p in layer.params():
        for r in p.value:
            for j in range(len(r)):
                r[j] = 0.0
    assert layer.forward([[1.0, 2.0]]) == [[0.0, 0.0, 0.0]]


def test_params_update_by_assignment_changes_the_layer():
    layer = hand_layer()
    for p in layer.params():
        setattr(layer, p.name, [[1.0] * len(p.value[0]) for _ in p.value])
    assert layer.forward([[1.0, 2.0]]) == [[4.0, 4.0, 4.0]]


def test_sizes_follow_the_weights():
    layer = Dense(2, 3, seed=0)
    assert (layer.n_inputs, layer.n_neurons, layer.parameter_count()) == (2, 3, 9)
    layer.weights = [[0.0, 0.0, 0.0]] * 4
    assert layer.n_inputs == 4
    with pytest.raises(ShapeError, match="n_inputs=4"):
        layer.forward([[1.0, 2.0]])
    assert "Dense(4, 3" in repr(layer)


# --- Dense: regularization --------------------------------------------------------------

def regularized_layer():
    layer = Dense(2, 2, seed=0, weight_regularizer_l1=0.1, weight_regularizer_l2=0.01,
                  bias_regularizer_l1=0.2, bias_regularizer_l2=0.5)
    layer.weights = [[1.0, -2.0], [3.0, 0.0]]
    layer.biases = [[0.5, -1.0]]
    return layer


def test_regularization_loss_by_hand():
    layer = regularized_layer()
    expected = (0.1 * (1 + 2 + 3 + 0)          # λ1 Σ|w|
                + 0.01 * (1 + 4 + 9 + 0)       # λ2 Σw²
                + 0.2 * (0.5 + 1.0)            # bias λ1 Σ|b|
                + 0.5 * (0.25 + 1.0))          # bias λ2 Σb²
    assert regularization_loss(layer) == pytest.approx(expected, rel=1e-15)


def test_regularization_loss_is_zero_without_regularizers():
    assert regularization_loss(Dense(3, 2, seed=0)) == 0.0
    assert regularization_loss(ReLU()) == 0.0
    assert regularization_loss(Dropout(0.5, seed=0)) == 0.0


def test_regularization_gradients_by_hand():
    layer = regularized_layer()
    layer.forward([[0.0, 0.0]])
    layer.backward([[0.0, 0.0]])  # no data gradient: only the penalty's slope is left
    # λ1·sign(w) + 2·λ2·w; sign(0) = 0
    assert layer.dweights == approx_matrix([[0.1 + 0.02, -0.1 - 0.04], [0.1 + 0.06, 0.0]])
    assert layer.dbiases == approx_matrix([[0.2 + 0.5, -0.2 - 1.0]])


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("init", ["walkthrough", "he", "xavier"])
def test_dense_gradients_match_numeric(seed, init):
    rng = random.Random(seed)
    n, k, m = rng.randint(1, 5), rng.randint(1, 6), rng.randint(1, 5)
    x = [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]
    row = check_layer(Dense(k, m, init=init, seed=seed), x, seed=seed)
    assert row.passed, row


@pytest.mark.parametrize("seed", range(10))
def test_regularized_dense_gradients_match_numeric(seed):
    rng = random.Random(100 + seed)
    n, k, m = rng.randint(1, 5), rng.randint(1, 6), rng.randint(1, 5)
    layer = Dense(k, m, init="he", seed=seed,
                  weight_regularizer_l1=rng.uniform(0, 0.5), weight_regularizer_l2=rng.uniform(0, 0.5),
                  bias_regularizer_l1=rng.uniform(0, 0.5), bias_regularizer_l2=rng.uniform(0, 0.5))
    layer.biases = [[rng.uniform(-1, 1) for _ in range(m)]]
    x = [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]
    weights_before = deepcopy_module.deepcopy(layer.weights)
    row = check_layer(layer, x, seed=seed)
    assert row.passed, row
    assert layer.weights == weights_before  # the numeric check put every entry back


def test_check_catches_a_missing_regularization_slope():
    class ForgetsL2(Dense):
        def backward(self, dvalues):
            saved = self.weight_regularizer_l2
            self.weight_regularizer_l2 = 0
            try:
                return super().backward(dvalues)
            finally:
                self.weight_regularizer_l2 = saved

    layer = ForgetsL2(3, 2, init="he", seed=1, weight_regularizer_l2=0.1)
    row = check_layer(layer, [[0.5, -1.0, 2.0]], seed=1)
    assert not row.passed
    assert row.max_abs > 1e-3


# --- Dropout -----------------------------------------------------------------------------

def test_dropout_mask_statistics_and_scaling():
    rate = 0.3
    layer = Dropout(rate, seed=11)
    x = [[1.0] * 50 for _ in range(200)]
    out = layer.forward(x)
    values = [v for r in out for v in r]
    kept = [v for v in values if v != 0.0]
    assert set(kept) == {1 / 0.7}
    dropped_share = 1 - len(kept) / len(values)
    # 10 000 Bernoulli draws: std error sqrt(0.3·0.7/10 000) ≈ 0.0046; allow 4 std errors
    assert abs(dropped_share - rate) < 0.019
    # scaled by 1/(1 - rate), so the mean is kept
    assert statistics.fmean(values) == pytest.approx(1.0, abs=0.03)
    assert layer.mask == out  # with inputs of 1 the output is the mask itself


def test_dropout_backward_uses_the_same_mask():
    layer = Dropout(0.5, seed=2)
    x = [[2.0, -1.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]]
    out = layer.forward(x)
    d = layer.backward([[10.0] * 4, [10.0] * 4])
    for mask_row, d_row, x_row, out_row in zip(layer.mask, d, x, out):
        for m, dv, xv, o in zip(mask_row, d_row, x_row, out_row):
            assert m in (0.0, 2.0)
            assert o == xv * m
            assert dv == 10.0 * m


def test_dropout_determinism():
    x = [[1.0] * 8 for _ in range(6)]
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    first = a.forward(x)
    assert first == b.forward(x)
    second = a.forward(x)
    assert second == b.forward(x)
    assert first != second  # a fresh mask every forward pass
    assert Dropout(0.5, seed=8).forward(x) != first
    assert Dropout(0.5, rng=random.Random(7)).forward(x) == first


def test_dropout_inference_is_identity():
    layer = Dropout(0.5, seed=1)
    x = [[1.0, -2.0], [3.0, 4.0]]
    out = layer.forward(x, training=False)
    assert out == x and out is not x and layer.mask is None
    assert layer.backward([[1.0, 2.0], [3.0, 4.0]]) == [[1.0, 2.0], [3.0, 4.0]]


def test_dropout_rate_zero_keeps_everything():
    layer = Dropout(0, seed=1)
    x = [[1.0, -2.0], [3.0, 4.0]]
    assert layer.forward(x) == x
    assert layer.backward([[1.0, 2.0], [3.0, 4.0]]) == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("rate, error", [
    (1, ValueError), (1.5, ValueError), (-0.1, ValueError), (math.nan, ValueError),
    ("0.5", TypeError), (None, TypeError), (True, TypeError),
])
def test_dropout_rate_errors(rate, error):
    with pytest.raises(error, match=r"Dropout: rate must be"):
        Dropout(rate, seed=0)


def test_dropout_other_errors_and_purity():
    layer = Dropout(0.5, seed=0)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward([[1.0]])
    with pytest.raises(ShapeError, match="empty"):
        layer.forward([])
    with pytest.raises(TypeError, match="'a'"):
        layer.forward([[1.0, "a"]])
    with pytest.raises(TypeError, match="'a'"):
        layer.forward([[1.0, "a"]], training=False)
    x = [[1.0, 2.0], [3.0, 4.0]]
    dv = [[1.0, 1.0], [1.0, 1.0]]
    x0, dv0 = deepcopy_module.deepcopy(x), deepcopy_module.deepcopy(dv)
    layer.forward(x)
    layer.backward(dv)
    assert x == x0 and dv == dv0
    with pytest.raises(ShapeError, match=r"Dropout\.backward"):
        layer.backward([[1.0, 1.0]])
    assert layer.params() == []


@pytest.mark.parametrize("seed", range(6))
def test_dropout_gradient_with_fixed_mask(seed):
    rng = random.Random(seed)
    n, k = rng.randint(1, 5), rng.randint(1, 6)
    layer = Dropout(rng.uniform(0.1, 0.8), seed=seed)
    x = [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]
    row = check_layer(layer, x, seed=seed, before_forward=lambda: layer.rng.seed(seed))
    assert row.passed, row


# --- the first layer's shortcuts: sparse inputs, no dinputs ------------------------------

def sparse_batch(rows, cols, zero_share, seed):
    """Pixel-like rows: values k/255, about ``zero_share`` of them exactly 0."""
    rng = random.Random(seed)
    return [[0.0 if rng.random() < zero_share else rng.randrange(1, 256) / 255
             for _ in range(cols)] for _ in range(rows)]


def plain_product(a, b):
    """a @ b written out over every term, zeros included (the dense reference)."""
    return [[math.fsum(a[i][t] * b[t][j] for t in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


@pytest.mark.parametrize("zero_share", [0.0, 0.5, 0.8, 0.97, 1.0])
def test_sparse_inputs_give_the_dense_outputs_and_gradients(zero_share):
    # 40 inputs and 20 neurons: wide enough for dot to reduce mostly-zero rows over
    # their non-zero entries only, in the forward pass (rows of inputs) and in
    # dweights (rows of inputsᵀ). The results must be the full products.
    layer = Dense(40, 20, init="he", seed=3)
    layer.biases = [[0.01 * j for j in range(20)]]
    inputs = sparse_batch(12, 40, zero_share, seed=int(zero_share * 100))
    rng = random.Random(9)
    dvalues = [[rng.gauss(0, 1) if rng.random() < 0.5 else 0.0 for _ in range(20)]
               for _ in range(12)]
    output = layer.forward(inputs)
    expected = [[v + b for v, b in zip(r, layer.biases[0])]
                for r in plain_product(inputs, layer.weights)]
    assert output == approx_matrix(expected, rel=1e-12, abs=1e-13)
    layer.backward(dvalues)
    transposed = [list(c) for c in zip(*inputs)]
    assert layer.dweights == approx_matrix(plain_product(transposed, dvalues), rel=1e-12, abs=1e-13)
    assert layer.dbiases == approx_matrix([[math.fsum(c) for c in zip(*dvalues)]])
