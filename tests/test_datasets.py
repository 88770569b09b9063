"""Tests for barenn.datasets.

Reference points were produced once, outside the repository, in a throwaway
virtual environment with numpy 2.4.6 and nnfs 0.5.1:

* ``SPIRAL_NUMPY64`` / ``VERTICAL_NUMPY64``: nnfs's ``spiral_data`` /
  ``vertical_data`` code run in plain float64 after ``np.random.seed(0)``
  (without ``nnfs.init()``, which would cast to float32). barenn must match these
  bit for bit: the same linspace formula, the same Gaussian stream, the same
  order of operations, and the same C library ``sin``/``cos``.
* ``SPIRAL_NNFS`` / ``VERTICAL_NNFS``: the real ``nnfs.init(); spiral_data(100, 3)``
  (and ``vertical_data(100, 3)``), which nnfs stores as float32 and whose noise it
  computes in float32.
"""

import math
import re

import pytest

from barenn import datasets
from barenn.datasets import (
    batches, circles, moons, one_hot, sinc, sine, spiral, train_test_split, vertical, xor,
)
from barenn.rng import NumpyLegacy

SPIRAL_NUMPY64 = {
    0: (0.0, 0.0),
    1: (0.0029955566779434318, 0.00964660796601254),
    2: (0.012880969253666478, 0.015562848432370317),
    50: (-0.5020192157161779, -0.05525142263764641),
    99: (-0.7005848082402775, -0.7135691462380738),
    100: (-0.0, -0.0),
    101: (-2.376371211420332e-05, -0.010100982147627759),
    150: (0.3220980813838847, -0.3890100752173273),
    199: (0.969426955837734, -0.24538006702905632),
    200: (0.0, 0.0),
    250: (0.08957227300974197, 0.49704408311500753),
    298: (-0.9793868320387701, -0.14387996188525587),
    299: (-0.9427887647158077, 0.3333906794222676),
}
SPIRAL_NNFS = {
    1: (0.0029955569189041853, 0.00964660756289959),
    2: (0.012880969792604446, 0.015562848187983036),
    50: (-0.5020192265510559, -0.05525142699480057),
    99: (-0.7005848288536072, -0.713569164276123),
    101: (-2.376367774559185e-05, -0.010100982151925564),
    150: (0.3220980763435364, -0.38901007175445557),
    199: (0.9694269895553589, -0.24538004398345947),
    250: (0.08957227319478989, 0.49704408645629883),
    298: (-0.9793868064880371, -0.1438799649477005),
    299: (-0.9427887797355652, 0.3333906829357147),
}
VERTICAL_NUMPY64 = {
    0: (0.1764052345967664, 0.6883150697056255),
    1: (0.040015720836722335, 0.3652240938857554),
    99: (0.040198936344470165, 0.6336527949436392),
    100: (0.296415149539089, 0.3693473148264683),
    199: (0.37033892211808517, 0.5852551939461232),
    200: (0.606801272974368, 0.5382732430012268),
    299: (0.6588811910725816, 0.4821410907912671),
}
VERTICAL_NNFS = {
    0: (0.17640523612499237, 0.6883150935173035),
    1: (0.040015723556280136, 0.36522409319877625),
    99: (0.04019893705844879, 0.6336528062820435),
    100: (0.29641515016555786, 0.36934730410575867),
    199: (0.37033891677856445, 0.5852552056312561),
    200: (0.6068012714385986, 0.5382732152938843),
    299: (0.6588811874389648, 0.48214107751846313),
}

# How far nnfs's float32 numbers may sit from the float64 ones. nnfs rounds each
# N(0, 1) draw to float32 (relative 2**-24, |z| < 5 here: < 3e-7 absolute), times
# 0.2 in float32 (another < 6e-8), so the angle t is off by < 1.2e-7; the point
# moves by at most 2.5 * r * that (< 3e-7, r <= 1); storing the coordinate as
# float32 adds < 6e-8. The spiral bound is the sum; the vertical blob has no
# angle, only 0.1 * (z rounding) + storage rounding.
SPIRAL_FLOAT32_BOUND = 3.6e-7
VERTICAL_FLOAT32_BOUND = 1.2e-7

CLASSIFIERS = {
    "spiral": lambda **kw: spiral(samples=20, classes=3, **kw),
    "vertical": lambda **kw: vertical(samples=20, classes=3, **kw),
    "moons": lambda **kw: moons(samples=20, **kw),
    "xor": lambda **kw: xor(samples=20, **kw),
    "circles": lambda **kw: circles(samples=20, **kw),
}
NOISY = dict(CLASSIFIERS, sinc=lambda **kw: sinc(samples=50, **kw))


# ---------------------------------------------------------------- the book's data

def test_linspace_uses_numpys_formula():
    # np.linspace(4, 8, 100)[[1, 2, 33, 98, 99]]: index 33 is where numpy's
    # start + i * step differs from start + (stop - start) * i / (num - 1).
    points = datasets._linspace(4.0, 8.0, 100)
    assert [points[i] for i in (1, 2, 33, 98, 99)] == [
        4.040404040404041, 4.08080808080808, 5.333333333333334, 7.95959595959596, 8.0,
    ]
    # np.linspace(0.0, 1, 100)[[33, 98, 99]]
    points = datasets._linspace(0.0, 1.0, 100)
    assert [points[33], points[98], points[99]] == [0.33333333333333337, 0.98989898989899, 1.0]
    # np.linspace(-10.0, 10.0, 500)[[1, 33, 499]]
    points = datasets._linspace(-10.0, 10.0, 500)
    assert [points[1], points[33], points[499]] == [-9.959919839679358, -8.677354709418838, 10.0]
    # np.linspace(0.0, 1.0, 50)[[48, 49]]: 49 * step alone would give 0.9999999999999999.
    points = datasets._linspace(0.0, 1.0, 50)
    assert [points[48], points[49]] == [0.9795918367346939, 1.0]
    assert datasets._linspace(3.0, 7.0, 1) == [3.0]  # numpy: linspace(3, 7, 1) == [3.]


def test_spiral_matches_numpy_bit_for_bit():
    X, y = spiral(100, 3, rng=NumpyLegacy(0))
    for i, point in SPIRAL_NUMPY64.items():
        assert tuple(X[i]) == point, i


def test_spiral_matches_nnfs_float32_output():
    X, y = spiral(100, 3, rng=NumpyLegacy(0))
    for i, (a, b) in SPIRAL_NNFS.items():
        assert abs(X[i][0] - a) < SPIRAL_FLOAT32_BOUND, i
        assert abs(X[i][1] - b) < SPIRAL_FLOAT32_BOUND, i
    assert y == [0] * 100 + [1] * 100 + [2] * 100


def test_spiral_then_weights_continue_the_stream():
    # The walkthrough draws the data first, then 0.01 * randn(2, 64) for the
    # first layer; after spiral(100, 3) the stream must sit after 300 normals.
    rng = NumpyLegacy(0)
    spiral(100, 3, rng=rng)
    after_spiral = rng.gauss()
    reference = NumpyLegacy(0)
    for _ in range(300):
        reference.gauss()
    assert after_spiral == reference.gauss()


def test_vertical_matches_numpy_and_nnfs():
    X, y = vertical(100, 3, rng=NumpyLegacy(0))
    for i, point in VERTICAL_NUMPY64.items():
        assert tuple(X[i]) == point, i
    for i, (a, b) in VERTICAL_NNFS.items():
        assert abs(X[i][0] - a) < VERTICAL_FLOAT32_BOUND, i
        assert abs(X[i][1] - b) < VERTICAL_FLOAT32_BOUND, i
    assert y == [0] * 100 + [1] * 100 + [2] * 100


def test_sine_matches_nnfs_sine_data():
    # from nnfs.datasets import sine_data; X, y = sine_data()
    X, y = sine()
    assert len(X) == len(y) == 1000
    assert all(len(row) == 1 for row in X + y)
    assert X[0] == [0.0] and X[123] == [0.123]
    assert y[123] == [0.6981654189934726]
    assert y[999] == [-0.006283143965558805]


# ---------------------------------------------------------------- geometry

def test_spiral_radius_is_evenly_spaced():
    X, _ = spiral(samples=11, classes=2, noise=0.7, seed=3)
    for c in range(2):
        for i in range(11):
            x, y = X[c * 11 + i]
            assert math.hypot(x, y) == pytest.approx(i / 10, abs=1e-12)


def test_spiral_without_noise_is_the_exact_curve():
    X, _ = spiral(samples=5, classes=2, noise=0.0, seed=1)
    t = 4.0 + 2 * 1.0  # class 1, third point: t = 4 + 2 * (4 / 4)
    assert X[5 + 2] == pytest.approx([0.5 * math.sin(2.5 * t), 0.5 * math.cos(2.5 * t)], abs=1e-15)


def test_vertical_blobs_sit_at_their_centres():
    X, y = vertical(samples=400, classes=3, seed=2)
    for c in range(3):
        rows = [row for row, label in zip(X, y) if label == c]
        mean_x = sum(r[0] for r in rows) / len(rows)
        mean_y = sum(r[1] for r in rows) / len(rows)
        # Standard error of a 400-sample mean with sd 0.1 is 0.005; 0.025 is 5 of them.
        assert abs(mean_x - c / 3) < 0.025
        assert abs(mean_y - 0.5) < 0.025


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = moons(samples=9, noise=0.0)
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0, abs=1e-12) and b >= -1e-12
        else:
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0, abs=1e-12) and b <= 0.5 + 1e-12
    assert X[0] == [1.0, 0.0] and X[9] == [0.0, 0.5]


def test_xor_without_noise_sits_on_corners_labelled_by_xor():
    X, y = xor(samples=5, noise=0.0)
    for (a, b), label in zip(X, y):
        assert a in (0.0, 1.0) and b in (0.0, 1.0)
        assert label == int(a) ^ int(b)
    # 5 per class: 3 at the first corner, 2 at the second.
    assert [tuple(p) for p in X[:5]] == [(0.0, 0.0)] * 3 + [(1.0, 1.0)] * 2
    assert [tuple(p) for p in X[5:]] == [(0.0, 1.0)] * 3 + [(1.0, 0.0)] * 2


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = circles(samples=8, noise=0.0, factor=0.3)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3, abs=1e-12)


def test_sinc_without_noise_is_sin_x_over_x():
    X, y = sinc(samples=5, noise=0.0, low=-4.0, high=4.0)
    assert [row[0] for row in X] == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert y[2] == [1.0]  # the removable 0/0 at the origin
    assert y[3][0] == pytest.approx(math.sin(2.0) / 2.0, abs=1e-15)


def test_sinc_noise_has_the_requested_spread():
    X, y = sinc(samples=500, noise=0.1, seed=4)
    residuals = [target[0] - (1.0 if x[0] == 0.0 else math.sin(x[0]) / x[0]) for x, target in zip(X, y)]
    mean = sum(residuals) / len(residuals)
    spread = math.sqrt(sum((r - mean) ** 2 for r in residuals) / (len(residuals) - 1))
    assert abs(mean) < 0.02  # 4 standard errors (0.1 / sqrt(500) = 0.0045)
    assert 0.088 < spread < 0.112  # about 4 standard errors of a sample sd
    assert X[0] == [-10.0] and X[-1] == [10.0]


# ---------------------------------------------------------------- shapes, balance, determinism

class _OnlyRandom:
    """A random source with random() and nothing else."""

    def random(self):
        return 0.5


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classifier_shapes_and_balance(name):
    X, y = CLASSIFIERS[name]()
    classes = 3 if name in ("spiral", "vertical") else 2
    assert len(X) == len(y) == 20 * classes
    assert all(len(row) == 2 and all(isinstance(v, float) for v in row) for row in X)
    assert all(type(label) is int for label in y)
    assert [y.count(c) for c in range(classes)] == [20] * classes
    assert y == sorted(y)  # class by class


@pytest.mark.parametrize("name", sorted(NOISY))
def test_same_seed_same_data(name):
    assert NOISY[name](seed=5) == NOISY[name](seed=5)


@pytest.mark.parametrize("name", sorted(NOISY))
def test_different_seed_different_data(name):
    assert NOISY[name](seed=5) != NOISY[name](seed=6)


@pytest.mark.parametrize("name", sorted(NOISY))
def test_a_shared_rng_moves_on(name):
    rng = NumpyLegacy(1)
    first, second = NOISY[name](rng=rng), NOISY[name](rng=rng)
    assert first != second
    # ... and an rng in the same state gives the same data as the seed path would.
    assert NOISY[name](rng=NumpyLegacy(1)) == first


def test_single_sample_per_class():
    X, y = spiral(samples=1, classes=2)
    assert X[0] == [0.0, 0.0] and y == [0, 1]
    assert len(xor(samples=1)[0]) == 2


def test_sinc_and_sine_shapes():
    X, y = sinc(samples=7)
    assert len(X) == len(y) == 7 and all(len(r) == 1 for r in X + y)
    X, y = sine(samples=3)
    assert X == [[0.0], [1 / 3], [2 / 3]]


# ---------------------------------------------------------------- argument errors

@pytest.mark.parametrize("call, error, message", [
    (lambda: spiral(samples=0), ValueError, "spiral: samples must be a whole number >= 1, got 0 (int)"),
    (lambda: spiral(classes=0), ValueError, "spiral: classes must be a whole number >= 1"),
    (lambda: spiral(samples=2.5), TypeError, "spiral: samples must be a whole number >= 1, got 2.5 (float)"),
    (lambda: spiral(samples=True), TypeError, "spiral: samples must be a whole number >= 1, got True (bool)"),
    (lambda: spiral(noise=-0.1), ValueError, "spiral: noise must be a finite number in [0.0, 1000000.0], got -0.1 (float)"),
    (lambda: spiral(noise=float("nan")), ValueError, "spiral: noise must be a finite number in [0.0, 1000000.0], got nan (float)"),
    (lambda: spiral(noise="0.2"), TypeError, "spiral: noise must be a finite number in [0.0, 1000000.0], got '0.2' (str)"),
    (lambda: vertical(samples=-1), ValueError, "vertical: samples must be a whole number >= 1"),
    (lambda: vertical(classes="3"), TypeError, "vertical: classes must be a whole number >= 1, got '3' (str)"),
    (lambda: moons(samples=0), ValueError, "moons: samples must be a whole number >= 1"),
    (lambda: moons(noise=-1), ValueError, "moons: noise must be a finite number in [0.0, 1000000.0]"),
    (lambda: xor(samples=0), ValueError, "xor: samples must be a whole number >= 1"),
    (lambda: xor(noise=float("inf")), ValueError, "xor: noise must be a finite number in [0.0, 1000000.0], got inf (float)"),
    (lambda: circles(samples=0), ValueError, "circles: samples must be a whole number >= 1"),
    (lambda: circles(factor=1.0), ValueError, "circles: factor must be a finite number in (0.0, 1.0), got 1.0 (float)"),
    (lambda: circles(factor=0), ValueError, "circles: factor must be a finite number in (0.0, 1.0), got 0 (int)"),
    (lambda: circles(noise=-0.5), ValueError, "circles: noise must be a finite number in [0.0, 1000000.0]"),
    (lambda: sine(samples=0), ValueError, "sine: samples must be a whole number >= 1"),
    (lambda: sinc(samples=0), ValueError, "sinc: samples must be a whole number >= 1"),
    (lambda: sinc(noise=-1), ValueError, "sinc: noise must be a finite number in [0.0, 1000000.0]"),
    (lambda: sinc(low=1.0, high=1.0), ValueError, "sinc: low must be less than high"),
    (lambda: spiral(rng="not a generator"), TypeError, "spiral: rng must be a random.Random"),
    # beyond what a float holds, or so large that sin() of it fails (issue 21)
    (lambda: spiral(noise=1e308), ValueError, "spiral: noise must be a finite number in [0.0, 1000000.0], got 1e+308"),
    (lambda: moons(noise=10 ** 400), ValueError, "moons: noise must be a finite number in [0.0, 1000000.0], got a number too large"),
    (lambda: sinc(low=-1e308, high=1e308), ValueError, "sinc: low must be a finite number in [-1000000.0, 1000000.0]"),
    (lambda: spiral(samples=10 ** 400), ValueError, "spiral: samples must be at most 100,000,000"),
    # a random source lacking a method the dataset draws with (issue 21)
    (lambda: spiral(rng=_OnlyRandom()), TypeError, "spiral: rng must be a random.Random or have the methods random(), gauss(); "),
    (lambda: xor(rng=_OnlyRandom()), TypeError, "has no gauss()"),
])
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# ---------------------------------------------------------------- one_hot

def test_one_hot_values():
    assert one_hot([1, 0, 2]) == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert one_hot([0], classes=3) == [[1.0, 0.0, 0.0]]
    assert one_hot([], classes=2) == []
    assert one_hot(iter([1, 1])) == [[0.0, 1.0], [0.0, 1.0]]


@pytest.mark.parametrize("labels, classes, error, message", [
    ([0, 3], 3, ValueError, "label 3 at index 1 is out of range for 3 classes"),
    ([0, -1], None, ValueError, r"one_hot: labels\[1\] \(a class number\) must be a whole number >= 0, got -1"),
    ([0, 1.0], None, TypeError, r"one_hot: labels\[1\].* got 1.0 \(float\)"),
    (["a"], None, TypeError, r"one_hot: labels\[0\].* got 'a' \(str\)"),
    ([True], None, TypeError, r"one_hot: labels\[0\].* got True \(bool\)"),
    ([], None, ValueError, "cannot infer the number of classes"),
    ([0], 0, ValueError, "one_hot: classes must be a whole number >= 1"),
    ([0], 2.0, TypeError, "one_hot: classes must be a whole number >= 1, got 2.0"),
])
def test_one_hot_errors(labels, classes, error, message):
    with pytest.raises(error, match=message):
        one_hot(labels, classes)


# ---------------------------------------------------------------- train_test_split

def _rows_as_keys(rows):
    return sorted(tuple(r) for r in rows)


def test_split_partitions_the_data():
    X = [[float(i), float(-i)] for i in range(40)]
    y = [i % 4 for i in range(40)]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(X_test) == len(y_test) == 10 and len(X_train) == len(y_train) == 30
    assert _rows_as_keys(X_train + X_test) == _rows_as_keys(X)
    # Each row keeps its own label.
    for row, label in zip(X_train + X_test, y_train + y_test):
        assert label == int(row[0]) % 4
    assert [row[0] for row in X_train] != sorted(row[0] for row in X_train)  # shuffled


def test_split_is_deterministic_and_seed_dependent():
    X = [[float(i)] for i in range(30)]
    y = list(range(30))
    assert train_test_split(X, y, seed=3) == train_test_split(X, y, seed=3)
    assert train_test_split(X, y, seed=3)[1] != train_test_split(X, y, seed=4)[1]
    assert train_test_split(X, y, rng=NumpyLegacy(0)) == train_test_split(X, y, rng=NumpyLegacy(0))


def test_split_rounds_half_up():
    X = [[float(i)] for i in range(10)]
    assert len(train_test_split(X, list(range(10)), test_fraction=0.25)[1]) == 3  # 2.5 -> 3
    assert len(train_test_split(X, list(range(10)), test_fraction=0.3)[1]) == 3   # 3.0000000000000004


def test_stratified_split_keeps_class_proportions():
    # 60 / 30 / 10 samples of classes 0 / 1 / 2, split 20 % for testing.
    y = [0] * 60 + [1] * 30 + [2] * 10
    X = [[float(i)] for i in range(100)]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, stratify=True, seed=7)
    assert [y_test.count(c) for c in range(3)] == [12, 6, 2]
    assert [y_train.count(c) for c in range(3)] == [48, 24, 8]
    assert _rows_as_keys(X_train + X_test) == _rows_as_keys(X)
    assert y_test != sorted(y_test)  # not grouped class by class


def test_unstratified_split_can_lose_proportions():
    # The same data without stratify: with this seed the test side's class counts
    # differ from 12 / 6 / 2, which is what stratify exists to prevent.
    y = [0] * 60 + [1] * 30 + [2] * 10
    X = [[float(i)] for i in range(100)]
    _, _, _, y_test = train_test_split(X, y, test_fraction=0.2, seed=7)
    assert len(y_test) == 20
    assert [y_test.count(c) for c in range(3)] != [12, 6, 2]


def test_split_accepts_regression_targets():
    X, y = sine(samples=20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.5, seed=0)
    for row, target in zip(X_train + X_test, y_train + y_test):
        assert target == [math.sin(2 * math.pi * row[0])]


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(test_fraction=0.0), ValueError, r"train_test_split: test_fraction must be a finite number in \(0.0, 1.0\), got 0.0"),
    (dict(test_fraction=1.0), ValueError, r"test_fraction must be a finite number in \(0.0, 1.0\), got 1.0"),
    (dict(test_fraction=1.5), ValueError, r"test_fraction must be a finite number in \(0.0, 1.0\), got 1.5"),
    (dict(test_fraction="0.2"), TypeError, "train_test_split: test_fraction must be a finite number"),
    (dict(test_fraction=0.01), ValueError, "leaves 4 for training and 0 for testing"),
    (dict(test_fraction=0.9), ValueError, "leaves 0 for training and 4 for testing"),
    (dict(test_fraction=0.01, stratify=True), ValueError, "leaves 4 for training and 0 for testing"),
])
def test_split_errors(kwargs, error, message):
    X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1]
    with pytest.raises(error, match=message):
        train_test_split(X, y, **kwargs)


def test_split_shape_errors():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2 entries"):
        train_test_split([[0.0]] * 3, [0, 1])
    with pytest.raises(ValueError, match="the data set is empty"):
        train_test_split([], [])
    with pytest.raises(TypeError, match="stratify=True needs class labels"):
        train_test_split([[0.0]] * 4, [[0.0]] * 4, stratify=True)


# ---------------------------------------------------------------- batches

def test_batches_cover_every_sample_once():
    X = [[float(i)] for i in range(23)]
    y = list(range(23))
    pairs = list(batches(X, y, batch_size=5, seed=2))
    assert [len(xb) for xb, _ in pairs] == [5, 5, 5, 5, 3]
    seen = [label for _, yb in pairs for label in yb]
    assert sorted(seen) == y
    assert seen != y  # shuffled
    for xb, yb in pairs:
        assert [row[0] for row in xb] == [float(label) for label in yb]


def test_batches_without_shuffle_keep_order():
    X = [[float(i)] for i in range(7)]
    y = list(range(7))
    assert [yb for _, yb in batches(X, y, batch_size=3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_batch_size_none_is_the_whole_set():
    X = [[float(i)] for i in range(6)]
    y = list(range(6))
    (only,) = list(batches(X, y, batch_size=None, shuffle=False))
    assert only == (X, y)
    (shuffled,) = list(batches(X, y))
    assert sorted(shuffled[1]) == y


def test_batches_are_deterministic_and_follow_the_rng():
    X = [[float(i)] for i in range(30)]
    y = list(range(30))
    assert list(batches(X, y, 4, seed=1)) == list(batches(X, y, 4, seed=1))
    assert list(batches(X, y, 4, seed=1)) != list(batches(X, y, 4, seed=2))
    # One rng across epochs gives a new order each epoch.
    rng = NumpyLegacy(0)
    assert list(batches(X, y, 30, rng=rng)) != list(batches(X, y, 30, rng=rng))
    # With NumpyLegacy the order is numpy's: np.random.seed(0); np.random.permutation(10)
    (order,) = [yb for _, yb in batches([[0.0]] * 10, list(range(10)), rng=NumpyLegacy(0))]
    assert order == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]


def test_batches_without_targets():
    X = [[float(i)] for i in range(5)]
    out = list(batches(X, batch_size=2, shuffle=False))
    assert out == [(X[0:2], None), (X[2:4], None), (X[4:5], None)]


@pytest.mark.parametrize("args, kwargs, error, message", [
    (([[0.0]] * 3, [0, 1]), {}, ValueError, "X has 3 rows but y has 2 entries"),
    (([], []), {}, ValueError, "the data set is empty"),
    (([],), {}, ValueError, "the data set is empty"),
    (([[0.0]], [0]), dict(batch_size=0), ValueError, "batches: batch_size must be a whole number >= 1, got 0"),
    (([[0.0]], [0]), dict(batch_size=2.5), TypeError, "batches: batch_size must be a whole number >= 1, got 2.5"),
])
def test_batches_errors_are_raised_at_the_call(args, kwargs, error, message):
    # No next(): the error must come before iteration starts.
    with pytest.raises(error, match=message):
        batches(*args, **kwargs)


# ---------------------------------------------------------------- one way to check arguments

@pytest.mark.parametrize("function, kwargs, error, argument", [
    (spiral, dict(samples=2.5), TypeError, "samples"),
    (spiral, dict(seed={}), TypeError, "seed"),
    (spiral, dict(seed=[1]), TypeError, "seed"),
    (spiral, dict(rng=3), TypeError, "rng"),
    (spiral, dict(samples=10, classes=2**64), ValueError, "classes"),
    (spiral, dict(samples=2**64), ValueError, "samples"),
    (spiral, dict(samples=10**5, classes=10**5), ValueError, "rows"),
    (vertical, dict(classes=None), TypeError, "classes"),
    (vertical, dict(seed=object()), TypeError, "seed"),
    (vertical, dict(samples=10**8, classes=2), ValueError, "rows"),
    (moons, dict(samples=2**64), ValueError, "samples"),
    (moons, dict(noise=None), TypeError, "noise"),
    (moons, dict(seed={}), TypeError, "seed"),
    (xor, dict(samples="4"), TypeError, "samples"),
    (xor, dict(seed={}), TypeError, "seed"),
    (circles, dict(factor="0.5"), TypeError, "factor"),
    (circles, dict(factor=2), ValueError, "factor"),
    (circles, dict(seed={}), TypeError, "seed"),
    (sine, dict(samples=2**64), ValueError, "samples"),
    (sine, dict(samples=None), TypeError, "samples"),
    (sinc, dict(low=float("nan")), ValueError, "low"),
    (sinc, dict(high="10"), TypeError, "high"),
    (sinc, dict(seed={}), TypeError, "seed"),
    (one_hot, dict(labels=[0], classes=2**64), ValueError, "classes"),
    (one_hot, dict(labels=[0] * 10, classes=10**8), ValueError, "classes"),
    (one_hot, dict(labels=[2**64]), ValueError, "labels[0]"),
    (train_test_split, dict(X=5, y=[1]), TypeError, "X"),
    (train_test_split, dict(X=[[0.0]] * 4, y=[0, 1, 0, 1], stratify="yes"), TypeError, "stratify"),
    (train_test_split, dict(X=[[0.0]] * 4, y=[0, 1, 0, 1], seed={}), TypeError, "seed"),
    (batches, dict(X=[[0.0]], y=[0], batch_size=2**64), ValueError, "batch_size"),
    (batches, dict(X=[[0.0]], y=[0], shuffle=None), TypeError, "shuffle"),
    (batches, dict(X=[[0.0]], y=[0], seed={}), TypeError, "seed"),
    (batches, dict(X=None), TypeError, "X"),
])
def test_every_bad_argument_names_the_function_and_the_argument(function, kwargs, error, argument):
    """The same mistake gets the same exception type and message style everywhere
    (barenn.checks): "function: argument must be ..., got ...". Sizes are bounded, so
    a huge one is refused at once instead of filling the memory."""
    with pytest.raises(error) as info:
        result = function(**kwargs)
        if function is batches:
            next(result)
    message = str(info.value)
    assert message.startswith(f"{function.__name__}: "), message
    assert argument in message, message
    assert " must be " in message or "at most" in message, message
