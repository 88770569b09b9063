"""Losses and accuracy: hand-computed values, log(0) safety, the fused gradient, errors."""

import copy as deepcopy_module
import math
import random

import pytest

from barenn.activations import Softmax
from barenn.check import check_loss
from barenn.losses import (
    EPSILON,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
    accuracy,
)
from barenn.matrix import ShapeError

# The walkthrough's batch: three softmax outputs, true classes 0, 1, 1.
BATCH = [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
TARGETS = [0, 1, 1]
ONE_HOT = [[1, 0, 0], [0, 1, 0], [0, 1, 0]]


def approx_matrix(expected, rel=1e-12, abs=1e-15):
    return [pytest.approx(r, rel=rel, abs=abs) for r in expected]


# --- categorical cross-entropy --------------------------------------------------------

@pytest.mark.parametrize("y", [TARGETS, ONE_HOT])
def test_categorical_cross_entropy_by_hand(y):
    loss = CategoricalCrossEntropy()
    expected = [-math.log(0.7), -math.log(0.5), -math.log(0.9)]
    assert loss.forward(BATCH, y) == pytest.approx(expected, rel=1e-15)
    assert loss.calculate(BATCH, y) == pytest.approx(sum(expected) / 3, rel=1e-15)
    d = loss.backward(BATCH, y)
    # -y/ŷ/n: only the true class of each sample has a slope
    assert d == approx_matrix([[-1 / 0.7 / 3, 0, 0], [0, -1 / 0.5 / 3, 0], [0, -1 / 0.9 / 3, 0]])
    assert loss.dinputs is d


def test_categorical_cross_entropy_soft_targets():
    loss = CategoricalCrossEntropy()
    y = [[0.5, 0.5, 0.0]]
    assert loss.forward([[0.7, 0.1, 0.2]], y) == pytest.approx(
        [-(0.5 * math.log(0.7) + 0.5 * math.log(0.1))], rel=1e-15)


def test_categorical_cross_entropy_log_zero_is_clipped():
    loss = CategoricalCrossEntropy()
    losses = loss.forward([[0.0, 1.0], [1.0, 0.0]], [0, 0])
    assert losses == pytest.approx([-math.log(EPSILON), -math.log(1 - EPSILON)], rel=1e-12)
    assert losses[0] == pytest.approx(16.118, abs=1e-3)
    d = loss.backward([[0.0, 1.0], [1.0, 0.0]], [0, 0])
    assert all(math.isfinite(v) for r in d for v in r)
    assert d[0][0] == pytest.approx(-1 / EPSILON / 2, rel=1e-12)


def test_categorical_labels_accept_whole_floats():
    loss = CategoricalCrossEntropy()
    assert loss.calculate(BATCH, [0.0, 1.0, 1.0]) == loss.calculate(BATCH, TARGETS)


# --- binary cross-entropy ----------------------------------------------------------------

def test_binary_cross_entropy_by_hand():
    loss = BinaryCrossEntropy()
    out = [[0.8], [0.3]]
    for y in ([1, 0], [[1], [0]]):
        assert loss.forward(out, y) == pytest.approx([-math.log(0.8), -math.log(0.7)], rel=1e-15)
        d = loss.backward(out, y)
        # -(y/ŷ - (1-y)/(1-ŷ)) / k / n with k = 1, n = 2
        assert d == approx_matrix([[-(1 / 0.8) / 2], [(1 / 0.7) / 2]])


def test_binary_cross_entropy_averages_over_outputs():
    loss = BinaryCrossEntropy()
    losses = loss.forward([[0.9, 0.2]], [[1, 1]])
    assert losses == pytest.approx([(-math.log(0.9) - math.log(0.2)) / 2], rel=1e-15)
    assert loss.backward([[0.9, 0.2]], [[1, 1]]) == approx_matrix([[-1 / 0.9 / 2, -1 / 0.2 / 2]])


def test_binary_cross_entropy_log_zero_is_clipped():
    loss = BinaryCrossEntropy()
    losses = loss.forward([[0.0], [1.0]], [1, 0])
    assert all(math.isfinite(v) for v in losses)
    assert losses[0] == pytest.approx(-math.log(EPSILON), rel=1e-9)
    assert losses[1] == pytest.approx(-math.log(EPSILON), rel=1e-6)
    assert all(math.isfinite(v) for r in loss.backward([[0.0], [1.0]], [1, 0]) for v in r)


def test_binary_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"BinaryCrossEntropy\.forward: target 2 for sample 1"):
        BinaryCrossEntropy().forward([[0.5], [0.5]], [0, 2])


# --- regression losses ------------------------------------------------------------------------

def test_mean_squared_error_by_hand():
    loss = MeanSquaredError()
    out, y = [[1.0, 2.0], [3.0, 4.0]], [[0.0, 2.0], [3.0, 6.0]]
    assert loss.forward(out, y) == [(1 + 0) / 2, (0 + 4) / 2]
    assert loss.calculate(out, y) == 1.25
    # -2 (y - ŷ) / k / n with k = n = 2
    assert loss.backward(out, y) == [[0.5, 0.0], [0.0, -1.0]]


def test_mean_absolute_error_by_hand():
    loss = MeanAbsoluteError()
    out, y = [[1.0, 2.0], [3.0, 4.0]], [[0.0, 2.0], [3.0, 6.0]]
    assert loss.forward(out, y) == [(1 + 0) / 2, (0 + 2) / 2]
    assert loss.calculate(out, y) == 0.75
    # sign(ŷ - y) / k / n, 0 where equal
    assert loss.backward(out, y) == [[0.25, 0.0], [0.0, -0.25]]


def test_regression_flat_targets_for_one_column():
    mse = MeanSquaredError()
    assert mse.forward([[1.0], [2.0]], [0.0, 4.0]) == [1.0, 4.0]
    with pytest.raises(ShapeError, match=r"MeanSquaredError\.forward.*one-column.*2x2"):
        mse.forward([[1.0, 2.0], [3.0, 4.0]], [0.0, 4.0])


# --- the fused softmax + cross-entropy ------------------------------------------------------

def test_fused_dinputs_for_the_walkthrough_batch():
    fused = SoftmaxCrossEntropy()
    d = fused.backward(BATCH, TARGETS)
    # (ŷ - y) / n, subtracting 1 at each true class, n = 3
    expected = [[(0.7 - 1) / 3, 0.1 / 3, 0.2 / 3],
                [0.1 / 3, (0.5 - 1) / 3, 0.4 / 3],
                [0.02 / 3, (0.9 - 1) / 3, 0.08 / 3]]
    assert d == approx_matrix(expected)
    # the walkthrough's printed figures
    assert d == approx_matrix([[-0.1, 0.03333333, 0.06666667],
                               [0.03333333, -0.16666667, 0.13333333],
                               [0.00666667, -0.03333333, 0.02666667]], rel=1e-6)
    assert fused.backward(BATCH, ONE_HOT) == approx_matrix(expected)


def test_fused_equals_the_jacobian_path_on_the_walkthrough_batch():
    cross_entropy = CategoricalCrossEntropy()
    softmax = Softmax()
    softmax.output = BATCH
    jacobian_path = softmax.backward(cross_entropy.backward(BATCH, TARGETS))
    fused = SoftmaxCrossEntropy().backward(BATCH, TARGETS)
    for a_row, b_row in zip(fused, jacobian_path):
        assert a_row == pytest.approx(b_row, rel=1e-12, abs=1e-16)


def test_fused_forward_is_softmax_then_cross_entropy():
    scores = [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]]
    fused = SoftmaxCrossEntropy()
    value = fused.forward(scores, [2, 0])
    probs = Softmax().forward(scores)
    assert fused.output == probs
    assert value == pytest.approx((-math.log(probs[0][2]) - math.log(probs[1][0])) / 2, rel=1e-15)
    assert fused.calculate(probs, [2, 0]) == value
    assert fused.predictions(probs) == [2, 0]


# --- accuracy -----------------------------------------------------------------------------------

def test_accuracy():
    assert accuracy(BATCH, TARGETS) == 1.0
    assert accuracy(BATCH, [0, 0, 1]) == pytest.approx(2 / 3)
    assert accuracy(BATCH, ONE_HOT) == 1.0
    assert accuracy(BATCH, [[0, 1, 0], [0, 1, 0], [0, 1, 0]]) == pytest.approx(2 / 3)
    assert accuracy(BATCH, [2, 2, 2]) == 0.0


def test_accuracy_rejects_one_column():
    with pytest.raises(ShapeError, match="Sigmoid"):
        accuracy([[0.7], [0.2]], [1, 0])


# --- numeric gradients on random shapes ---------------------------------------------------------

def random_case(seed):
    rng = random.Random(seed)
    n, k = rng.randint(1, 6), rng.randint(2, 6)
    probs = Softmax().forward([[rng.uniform(-1, 1) for _ in range(k)] for _ in range(n)])
    labels = [rng.randrange(k) for _ in range(n)]
    return rng, n, k, probs, labels


@pytest.mark.parametrize("seed", range(8))
def test_every_loss_gradient_matches_numeric(seed):
    rng, n, k, probs, labels = random_case(seed)
    one_hot = [[float(j == t) for j in range(k)] for t in labels]
    rows = [
        check_loss(CategoricalCrossEntropy(), probs, labels),
        check_loss(CategoricalCrossEntropy(), probs, one_hot),
        check_loss(BinaryCrossEntropy(), [[rng.uniform(0.1, 0.9) for _ in range(k)] for _ in range(n)],
                   [[float(rng.random() < 0.5) for _ in range(k)] for _ in range(n)]),
        check_loss(MeanSquaredError(), [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)],
                   [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]),
        check_loss(MeanAbsoluteError(), [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)],
                   [[rng.uniform(-2, 2) for _ in range(k)] for _ in range(n)]),
        check_loss(SoftmaxCrossEntropy(), [[rng.uniform(-3, 3) for _ in range(k)] for _ in range(n)],
                   labels),
    ]
    for row in rows:
        assert row.passed, row


def test_check_loss_catches_a_gradient_not_averaged_over_the_batch():
    class Unaveraged(MeanSquaredError):
        def backward(self, output, y):
            return [[-2 * (t - p) for p, t in zip(r, tr)] for r, tr in zip(output, y)]

    row = check_loss(Unaveraged(), [[1.0, 2.0], [0.5, -1.0]], [[0.0, 0.0], [0.0, 0.0]])
    assert not row.passed


@pytest.mark.parametrize("seed", range(5))
def test_fused_equals_jacobian_path_on_random_batches(seed):
    _, _, _, probs, labels = random_case(seed)
    softmax = Softmax()
    softmax.output = probs
    jacobian_path = softmax.backward(CategoricalCrossEntropy().backward(probs, labels))
    fused = SoftmaxCrossEntropy().backward(probs, labels)
    for a_row, b_row in zip(fused, jacobian_path):
        assert a_row == pytest.approx(b_row, rel=1e-9, abs=1e-14)


# --- bad labels ------------------------------------------------------------------------------

CLASS_LOSSES = [
    ("CategoricalCrossEntropy.forward", lambda o, y: CategoricalCrossEntropy().forward(o, y)),
    ("CategoricalCrossEntropy.backward", lambda o, y: CategoricalCrossEntropy().backward(o, y)),
    ("SoftmaxCrossEntropy.backward", lambda o, y: SoftmaxCrossEntropy().backward(o, y)),
    ("SoftmaxCrossEntropy.forward", lambda o, y: SoftmaxCrossEntropy().forward(o, y)),
    ("accuracy", accuracy),
]


@pytest.mark.parametrize("where, call", CLASS_LOSSES)
@pytest.mark.parametrize("y, error, words", [
    ([0, 1, 3], ValueError, r"class index 3 for sample 2 is out of range for 3 classes \(expected 0\.\.2\)"),
    ([0, -1, 1], ValueError, r"class index -1 for sample 1 is out of range for 3 classes"),
    ([0, 1.5, 1], ValueError, r"label 1\.5 for sample 1 is not a class index.*0\.\.2"),
    ([0, "1", 1], ValueError, r"label '1' for sample 1 is not a class index"),
    ([0, None, 1], ValueError, r"label None for sample 1"),
    ([0, True, 1], ValueError, r"label True for sample 1"),
    ([0, 1], ValueError, r"got 2 labels for a batch of 3 samples"),
    ([0, 1, 1, 0], ValueError, r"got 4 labels for a batch of 3 samples"),
    ([[1, 0], [0, 1], [0, 1]], ValueError, r"one-hot row for sample 0 has 2 entries, but the output has 3 classes"),
    ([[1, 0, 0], [0, 1, 0], [0, 1]], ValueError, r"one-hot row for sample 2 has 2 entries.*3 classes"),
    ([[1, 0, 0], 1, 1], TypeError, r"labels mix one-hot rows and single values"),
    ([0, [0, 1, 0], 1], TypeError, r"labels mix class indices and one-hot rows"),
    ([[1, 0, 0], [0, "1", 0], [0, 1, 0]], TypeError, r"one-hot targets must hold real numbers, but row 1, column 1 is '1'"),
    ("011", TypeError, r"labels must be a list"),
])
def test_bad_labels(where, call, y, error, words):
    with pytest.raises(error, match=rf"^{where}: {words}"):
        call(BATCH, y)


@pytest.mark.parametrize("loss", [BinaryCrossEntropy(), MeanSquaredError(), MeanAbsoluteError()])
def test_bad_value_targets(loss):
    name = type(loss).__name__
    out = [[0.5, 0.5], [0.5, 0.5]]
    with pytest.raises(ValueError, match=rf"{name}\.forward: got 1 targets for a batch of 2"):
        loss.forward(out, [[0, 1]])
    with pytest.raises(ShapeError, match=rf"{name}\.backward: targets for sample 1 have 3 entries.*2x2"):
        loss.backward(out, [[0, 1], [0, 1, 1]])
    with pytest.raises(TypeError, match=rf"{name}\.forward: target 'a' for sample 0"):
        loss.forward(out, [[0, "a"], [0, 1]])
    with pytest.raises(TypeError, match=rf"{name}\.forward: targets mix rows and single values"):
        loss.forward(out, [[0, 1], 1])
    with pytest.raises(TypeError, match=rf"{name}\.forward: targets must be a list"):
        loss.forward(out, 1.0)


@pytest.mark.parametrize("loss", [CategoricalCrossEntropy(), BinaryCrossEntropy(),
                                  MeanSquaredError(), MeanAbsoluteError()])
def test_bad_outputs(loss):
    name = type(loss).__name__
    with pytest.raises(ShapeError, match=rf"{name}\.forward: got an empty batch"):
        loss.forward([], [])
    with pytest.raises(ShapeError, match="ragged"):
        loss.forward([[0.5, 0.5], [0.5]], [0, 1])
    with pytest.raises(TypeError, match=rf"{name}\.backward: outputs must hold real numbers.*'x'"):
        loss.backward([[0.5, "x"]], [[0, 1]] if not isinstance(loss, CategoricalCrossEntropy) else [1])


# --- purity ----------------------------------------------------------------------------------

@pytest.mark.parametrize("loss, y", [
    (CategoricalCrossEntropy(), TARGETS), (CategoricalCrossEntropy(), ONE_HOT),
    (BinaryCrossEntropy(), [[1, 0, 1], [0, 0, 1], [1, 1, 0]]),
    (MeanSquaredError(), [[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
    (MeanAbsoluteError(), [[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
    (SoftmaxCrossEntropy(), TARGETS), (SoftmaxCrossEntropy(), ONE_HOT),
])
def test_inputs_never_mutated(loss, y):
    out = deepcopy_module.deepcopy(BATCH)
    y_before = deepcopy_module.deepcopy(y)
    if isinstance(loss, SoftmaxCrossEntropy):
        loss.forward(out, y)
    else:
        loss.forward(out, y)
        loss.calculate(out, y)
    d = loss.backward(out, y)
    assert out == BATCH and y == y_before
    assert d is not out and all(a is not b for a, b in zip(d, out))
    accuracy(out, y if not isinstance(loss, (BinaryCrossEntropy, MeanSquaredError, MeanAbsoluteError)) else TARGETS)
    assert out == BATCH
