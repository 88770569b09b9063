"""Small synthetic data sets, and the helpers that split and batch any data set.

Everything here is made from numbers, deterministically: the same ``seed`` (or the
same state of the ``rng`` you pass, anything with ``random()`` and
``gauss(mu, sigma)``) gives the same data on every run and machine. ``X`` is a list
of rows (one row per sample, one column per feature, floats).

Classification (``y`` is a list of int class labels; ``samples`` is PER CLASS, so
the data has ``samples * classes`` rows, ordered class by class):

* :func:`spiral`   -- arms of a spiral, one per class (the walkthrough's data).
* :func:`vertical` -- one blob per class, side by side in x.
* :func:`moons`    -- two interleaved half circles (2 classes).
* :func:`xor`      -- four blobs at the corners of the unit square; the class is
  the XOR of the corner's coordinates (2 classes, not linearly separable).
* :func:`circles`  -- a small circle inside a big one (2 classes).

Regression (``y`` is an n x 1 matrix; ``samples`` is the total):

* :func:`sine` -- one period of sin(2 pi x) on [0, 1), no noise.
* :func:`sinc` -- sin(x) / x on [-10, 10] plus Gaussian noise.

Helpers:

* :func:`one_hot`          -- int labels to rows of 0.0 / 1.0.
* :func:`train_test_split` -- a shuffled (optionally stratified) split.
* :func:`batches`          -- (X_batch, y_batch) pairs, optionally shuffled.

Real data is read by :mod:`barenn.realdata` and re-exported here:

* :func:`load_digits`    -- the bundled UCI 8x8 digits (1,797 images).
* :func:`load_mnist`     -- MNIST from its IDX files; :func:`download_mnist` fetches them.

>>> X, y = spiral(samples=4, classes=2, seed=1)
>>> len(X), len(X[0]), y
(8, 2, [0, 0, 0, 0, 1, 1, 1, 1])
"""

import math

from barenn.checks import MAX_SIZE, check_bool, check_int, check_number, describe
from barenn.rng import make_rng, shuffle as _shuffle_in_place

# The methods of an ``rng`` the generated datasets draw from.
NEEDS = ("random", "gauss")
# The largest noise level (and, for sinc, |low| and |high|) the generated datasets
# take: a million times the size of their patterns (about 1) hides every pattern,
# and far larger ones overflow (sin(inf) is a math domain error).
SCALE_LIMIT = 1e6
from barenn.realdata import download_mnist, load_digits, load_mnist  # noqa: F401  (re-exported)

__all__ = [
    "spiral",
    "vertical",
    "moons",
    "xor",
    "circles",
    "sine",
    "sinc",
    "one_hot",
    "train_test_split",
    "batches",
]


# ---------------------------------------------------------------- argument checks

def _check_rows(function, count):
    """Refuse a data set of more than MAX_SIZE rows before making any of it."""
    if count > MAX_SIZE:
        raise ValueError(f"{function}: the data set would have {count:,} rows; at most {MAX_SIZE:,}")


def _linspace(start, stop, num):
    """``num`` evenly spaced floats from start to stop, by numpy's own formula.

    numpy computes ``start + i * step`` with ``step = (stop - start) / (num - 1)``
    and then sets the last point to ``stop`` exactly. Other formulas (for example
    ``start + (stop - start) * i / (num - 1)``) differ in the last bits, and the
    spiral must match numpy bit for bit to reproduce the walkthrough's figures.
    """
    if num == 1:
        return [float(start)]
    step = (stop - start) / (num - 1)
    points = [i * step + start for i in range(num)]
    points[-1] = float(stop)
    return points


# ---------------------------------------------------------------- classification

def spiral(samples=100, classes=3, noise=0.2, seed=0, rng=None):
    """Interleaved spiral arms, one per class: ``samples * classes`` points in 2-D.

    For class c the radius runs evenly from 0 to 1 and the angle parameter t runs
    evenly from 4c to 4(c + 1), plus ``noise * N(0, 1)`` (drawn in point order);
    the point is ``(r sin 2.5t, r cos 2.5t)``. This is the nnfs / cs231n spiral:
    with ``rng=NumpyLegacy(0)`` the points equal ``spiral_data(100, 3)`` after
    ``nnfs.init()`` (which stores them as float32; these are the float64 values).

    Returns ``(X, y)``: X is (samples * classes) x 2, y the class of each row.
    """
    samples = check_int("spiral", "samples", samples, low=1)
    classes = check_int("spiral", "classes", classes, low=1)
    _check_rows("spiral", samples * classes)
    noise = check_number("spiral", "noise", noise, low=0.0, high=SCALE_LIMIT)
    rng = make_rng(seed, rng, owner="spiral", needs=NEEDS)
    X, y = [], []
    radii = _linspace(0.0, 1.0, samples)
    for c in range(classes):
        angles = _linspace(4.0 * c, 4.0 * (c + 1), samples)
        # All of a class's noise is drawn before any point is made, like numpy's
        # randn(samples); with a Gaussian cache the order matters.
        noisy = [t + rng.gauss(0.0, 1.0) * noise for t in angles]
        for r, t in zip(radii, noisy):
            X.append([r * math.sin(t * 2.5), r * math.cos(t * 2.5)])
            y.append(c)
    return X, y


def vertical(samples=100, classes=3, seed=0, rng=None):
    """One round blob per class, side by side: ``samples * classes`` points in 2-D.

    Class c is centred at (c / 3, 0.5) with standard deviation 0.1 in each
    coordinate (nnfs's ``vertical_data``; all x noise of a class is drawn before
    its y noise, as there). Returns ``(X, y)``: X is (samples * classes) x 2.
    """
    samples = check_int("vertical", "samples", samples, low=1)
    classes = check_int("vertical", "classes", classes, low=1)
    _check_rows("vertical", samples * classes)
    rng = make_rng(seed, rng, owner="vertical", needs=NEEDS)
    X, y = [], []
    for c in range(classes):
        xs = [rng.gauss(0.0, 1.0) * 0.1 + c / 3 for _ in range(samples)]
        ys = [rng.gauss(0.0, 1.0) * 0.1 + 0.5 for _ in range(samples)]
        X.extend([a, b] for a, b in zip(xs, ys))
        y.extend([c] * samples)
    return X, y


def _jitter(points, noise, rng):
    """Add ``noise * N(0, 1)`` to each coordinate, point by point, x before y."""
    return [[x + noise * rng.gauss(0.0, 1.0), y + noise * rng.gauss(0.0, 1.0)] for x, y in points]


def moons(samples=100, noise=0.1, seed=0, rng=None):
    """Two interleaved half circles, 2 classes, ``2 * samples`` points in 2-D.

    Class 0 is the upper half of the unit circle, (cos a, sin a) for a evenly in
    [0, pi]; class 1 is the lower half moved right and up, (1 - cos a,
    0.5 - sin a). Each coordinate then gets ``noise * N(0, 1)``.
    Returns ``(X, y)``: X is (2 * samples) x 2.
    """
    samples = check_int("moons", "samples", samples, low=1)
    _check_rows("moons", 2 * samples)
    noise = check_number("moons", "noise", noise, low=0.0, high=SCALE_LIMIT)
    rng = make_rng(seed, rng, owner="moons", needs=NEEDS)
    angles = _linspace(0.0, math.pi, samples)
    upper = [(math.cos(a), math.sin(a)) for a in angles]
    lower = [(1.0 - math.cos(a), 0.5 - math.sin(a)) for a in angles]
    X = _jitter(upper + lower, noise, rng)
    return X, [0] * samples + [1] * samples


def xor(samples=100, noise=0.1, seed=0, rng=None):
    """Four blobs at the corners of the unit square, labelled by XOR: 2 classes.

    Class 0 sits around (0, 0) and (1, 1), class 1 around (0, 1) and (1, 0), so
    no straight line separates them (the classic reason for a hidden layer).
    Each class has ``samples`` points, split between its two corners (the first
    corner gets the extra one when ``samples`` is odd); each coordinate gets
    ``noise * N(0, 1)``. Returns ``(X, y)``: X is (2 * samples) x 2.
    """
    samples = check_int("xor", "samples", samples, low=1)
    _check_rows("xor", 2 * samples)
    noise = check_number("xor", "noise", noise, low=0.0, high=SCALE_LIMIT)
    rng = make_rng(seed, rng, owner="xor", needs=NEEDS)
    first, second = samples - samples // 2, samples // 2
    centres = []
    for corner_a, corner_b in (((0.0, 0.0), (1.0, 1.0)), ((0.0, 1.0), (1.0, 0.0))):
        centres += [corner_a] * first + [corner_b] * second
    X = _jitter(centres, noise, rng)
    return X, [0] * samples + [1] * samples


def circles(samples=100, noise=0.05, factor=0.5, seed=0, rng=None):
    """A circle of radius ``factor`` inside the unit circle: 2 classes.

    Class 0 is the outer circle, class 1 the inner one, each ``samples`` points at
    evenly spaced angles (2 pi i / samples), each coordinate plus
    ``noise * N(0, 1)``. ``factor`` must be in (0, 1).
    Returns ``(X, y)``: X is (2 * samples) x 2.
    """
    samples = check_int("circles", "samples", samples, low=1)
    _check_rows("circles", 2 * samples)
    noise = check_number("circles", "noise", noise, low=0.0, high=SCALE_LIMIT)
    factor = check_number("circles", "factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = make_rng(seed, rng, owner="circles", needs=NEEDS)
    angles = [2.0 * math.pi * i / samples for i in range(samples)]
    outer = [(math.cos(a), math.sin(a)) for a in angles]
    inner = [(factor * math.cos(a), factor * math.sin(a)) for a in angles]
    X = _jitter(outer + inner, noise, rng)
    return X, [0] * samples + [1] * samples


# ---------------------------------------------------------------- regression

def sine(samples=1000):
    """One period of a sine wave, no noise: X = i / samples, y = sin(2 pi X).

    Returns ``(X, y)``, both samples x 1 (nnfs's ``sine_data``).
    """
    samples = check_int("sine", "samples", samples, low=1)
    xs = [i / samples for i in range(samples)]
    return [[x] for x in xs], [[math.sin(2 * math.pi * x)] for x in xs]


def _sinc(x):
    # sin(x) / x has a removable 0/0 at the origin, where the limit is 1.
    return 1.0 if x == 0.0 else math.sin(x) / x


def sinc(samples=500, noise=0.1, low=-10.0, high=10.0, seed=0, rng=None):
    """Noisy sinc: x evenly spaced on [low, high], y = sin(x) / x + noise * N(0, 1).

    The deep-regressor text fits 500 noisy samples of sinc(x), a curve that does
    not pass through the origin (sinc(0) = 1), which is why its network needs
    biases. The text gives neither the range nor the noise level; [-10, 10]
    (three bumps each side) and 0.1 are barenn's choice. This is the
    unnormalised sinc, sin(x) / x, not numpy's sin(pi x) / (pi x).

    Returns ``(X, y)``, both samples x 1, in increasing x (split or batch them
    with shuffling to train).
    """
    samples = check_int("sinc", "samples", samples, low=1)
    noise = check_number("sinc", "noise", noise, low=0.0, high=SCALE_LIMIT)
    low = check_number("sinc", "low", low, low=-SCALE_LIMIT, high=SCALE_LIMIT)
    high = check_number("sinc", "high", high, low=-SCALE_LIMIT, high=SCALE_LIMIT)
    if not low < high:
        raise ValueError(f"sinc: low must be less than high, got low={low}, high={high}")
    rng = make_rng(seed, rng, owner="sinc", needs=NEEDS)
    xs = _linspace(low, high, samples)
    return [[x] for x in xs], [[_sinc(x) + noise * rng.gauss(0.0, 1.0)] for x in xs]


# ---------------------------------------------------------------- helpers

def one_hot(labels, classes=None):
    """Rows of 0.0 with a 1.0 at each label's column: len(labels) x classes.

    ``labels`` are ints in 0 .. classes - 1; ``classes`` defaults to
    ``max(labels) + 1``.

    >>> one_hot([2, 0])
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if isinstance(labels, (str, bytes, dict)):
        raise TypeError(f"one_hot: labels must be a list of class numbers, got {describe(labels)}")
    try:
        labels = list(labels)
    except TypeError:
        raise TypeError(f"one_hot: labels must be a list of class numbers, got {describe(labels)}") from None
    for i, label in enumerate(labels):
        check_int("one_hot", f"labels[{i}] (a class number)", label, low=0)
    if classes is None:
        if not labels:
            raise ValueError("one_hot: cannot infer the number of classes from no labels; pass classes=")
        classes = max(labels) + 1
    classes = check_int("one_hot", "classes", classes, low=1)
    if len(labels) * classes > MAX_SIZE:
        raise ValueError(f"one_hot: labels x classes must be at most {MAX_SIZE:,} numbers, "
                         f"got {len(labels):,} x {classes:,}")
    rows = []
    for i, label in enumerate(labels):
        if label >= classes:
            raise ValueError(f"one_hot: label {label} at index {i} is out of range for {classes} classes (0..{classes - 1})")
        row = [0.0] * classes
        row[label] = 1.0
        rows.append(row)
    return rows


def _check_sized(function, name, value):
    """A data set must at least have a length (a list of rows, or MnistImages)."""
    if not hasattr(value, "__len__") or not hasattr(value, "__getitem__") or isinstance(value, (str, bytes)):
        raise TypeError(f"{function}: {name} must be a list of rows, got {describe(value)}")


def _check_pair(function, X, y):
    _check_sized(function, "X", X)
    _check_sized(function, "y", y)
    if len(X) != len(y):
        raise ValueError(f"{function}: X has {len(X)} rows but y has {len(y)} entries")
    if len(X) == 0:
        raise ValueError(f"{function}: the data set is empty")


def _round_half_up(value):
    return math.floor(value + 0.5)


def train_test_split(X, y, test_fraction=0.25, stratify=False, seed=0, rng=None):
    """Shuffle the rows and split them: returns ``X_train, X_test, y_train, y_test``.

    ``round(len(X) * test_fraction)`` rows (halves round up) go to the test side.
    With ``stratify=True`` each class (each distinct value of y) is split on its
    own with that rounding, so both sides keep the classes' proportions. Both
    sides come out shuffled. Rows are the same list objects as in X (not
    copies). Raises ValueError if either side would be empty.
    """
    _check_pair("train_test_split", X, y)
    fraction = check_number("train_test_split", "test_fraction", test_fraction, low=0.0, high=1.0,
                            low_open=True, high_open=True)
    check_bool("train_test_split", "stratify", stratify)
    rng = make_rng(seed, rng, owner="train_test_split")
    if stratify:
        by_class = {}
        for index, label in enumerate(y):
            try:
                by_class.setdefault(label, []).append(index)
            except TypeError:
                raise TypeError(
                    f"train_test_split: stratify=True needs class labels (ints), got {type(label).__name__} in y"
                ) from None
        train_idx, test_idx = [], []
        for indices in by_class.values():  # classes in order of first appearance
            _shuffle_in_place(indices, rng)
            n_test = _round_half_up(len(indices) * fraction)
            test_idx += indices[:n_test]
            train_idx += indices[n_test:]
        # Without this, both sides would be ordered class by class.
        _shuffle_in_place(train_idx, rng)
        _shuffle_in_place(test_idx, rng)
    else:
        order = list(range(len(X)))
        _shuffle_in_place(order, rng)
        n_test = _round_half_up(len(X) * fraction)
        test_idx, train_idx = order[:n_test], order[n_test:]
    if not test_idx or not train_idx:
        raise ValueError(
            f"train_test_split: test_fraction={fraction} of {len(X)} samples leaves "
            f"{len(train_idx)} for training and {len(test_idx)} for testing; both need at least one"
        )
    return (
        [X[i] for i in train_idx],
        [X[i] for i in test_idx],
        [y[i] for i in train_idx],
        [y[i] for i in test_idx],
    )


def batches(X, y=None, batch_size=None, shuffle=True, seed=0, rng=None):
    """Yield ``(X_batch, y_batch)`` pairs covering every row exactly once.

    Batches hold ``batch_size`` rows, the last one possibly fewer;
    ``batch_size=None`` gives the whole set as one batch. With ``shuffle=True``
    the rows are visited in a random order (from ``seed`` or ``rng``: pass one
    ``rng`` across epochs to get a new order each epoch). ``y`` may be None
    (then ``y_batch`` is None), e.g. to predict in batches. Arguments are
    checked at the call, before the first batch is asked for.
    """
    if y is not None:
        _check_pair("batches", X, y)
    else:
        _check_sized("batches", "X", X)
    if len(X) == 0:
        raise ValueError("batches: the data set is empty")
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = check_int("batches", "batch_size", batch_size, low=1)
    check_bool("batches", "shuffle", shuffle)
    generator = make_rng(seed, rng, owner="batches")
    order = list(range(n))
    if shuffle:
        _shuffle_in_place(order, generator)
    return _batch_generator(X, y, order, batch_size)


def _batch_generator(X, y, order, batch_size):
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        yield [X[i] for i in chunk], (None if y is None else [y[i] for i in chunk])
