"""How many answers a network got right: by class, by threshold, or within a tolerance.

The kind of accuracy follows the task:

* ``"categorical"``: the argmax of each output row against the class index;
* ``"binary"``: each output > 0.5 against its 0/1 target;
* ``"regression"``: each output within ``precision`` of its target, where
  precision = std(y) / a divisor (``Network`` uses 250, barenn's own choice).

>>> count_correct("categorical", [[0.7, 0.3], [0.2, 0.8]], [0, 0])
(1, 2)
>>> count_correct("binary", [[0.9], [0.4]], [[1], [1]])
(1, 2)
"""

import math
from operator import eq

from barenn.activations import Sigmoid, Softmax
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.checks import ShapeError, check_batch, check_choice, check_number, check_type, describe
from barenn.matrix import argmax

__all__ = ["ACCURACY_KINDS", "accuracy_kind_for", "accuracy_targets", "count_correct",
           "regression_precision"]

ACCURACY_KINDS = ("categorical", "binary", "regression")


def accuracy_kind_for(loss, last_layer):
    """The accuracy that suits a network with this loss and last layer."""
    if isinstance(loss, (CategoricalCrossEntropy, SoftmaxCrossEntropy)):
        return "categorical"
    if isinstance(loss, BinaryCrossEntropy):
        return "binary"
    if isinstance(loss, (MeanSquaredError, MeanAbsoluteError)):
        return "regression"
    if isinstance(last_layer, Softmax):
        return "categorical"
    return "binary" if isinstance(last_layer, Sigmoid) else "regression"


def _check_kind(owner, kind):
    check_choice(owner, "kind", kind, ACCURACY_KINDS)


def accuracy_targets(kind, y):
    """``y`` as ``count_correct`` compares against it: class indices (categorical;
    one-hot rows become their argmax) or target rows (binary, regression)."""
    _check_kind("accuracy_targets", kind)
    check_type("accuracy_targets", "y", y, (list, tuple),
               "a list (class indices, one-hot rows or target rows)")
    if not y:
        raise ValueError("accuracy_targets: y is empty; give one target per sample")
    rows = isinstance(y[0], (list, tuple))
    for i, target in enumerate(y):
        if isinstance(target, (list, tuple)) != rows:
            first = "a row" if rows else "not a row"
            raise TypeError(f"accuracy_targets: y[0] is {first} but y[{i}] is {describe(target)}; "
                            "give one class index per sample, or one row per sample")
    if kind == "categorical":
        return argmax([list(r) for r in y]) if isinstance(y[0], (list, tuple)) else list(y)
    return y if isinstance(y[0], (list, tuple)) else [[t] for t in y]


def count_correct(kind, output, targets, precision=None):
    """(right answers, answers) of one batch of ``output`` (n x m) against the
    targets from ``accuracy_targets``. A categorical batch has n answers, the others
    n x m (every output counts)."""
    _check_kind("count_correct", kind)
    rows, _ = check_batch("count_correct", output)
    check_type("count_correct", "targets", targets, (list, tuple), "a list of targets")
    if len(targets) != rows:
        raise ShapeError(f"count_correct: {rows} outputs but {len(targets)} targets")
    if kind == "regression":
        check_number("count_correct", "precision", precision, low=0)
    if kind == "categorical":
        return sum(map(eq, argmax(output), targets)), len(targets)
    count = len(output) * len(output[0])
    if kind == "binary":
        hits = sum((p > 0.5) == (t == 1) for r, tr in zip(output, targets) for p, t in zip(r, tr))
    else:
        hits = sum(abs(p - t) < precision for r, tr in zip(output, targets) for p, t in zip(r, tr))
    return hits, count


def regression_precision(targets, divisor):
    """std of all target values / ``divisor``: how close counts as right.

    Targets so large that their squares overflow (1e200) are first divided by the
    largest of them in size, so they give their std instead of an OverflowError.
    """
    check_number("regression_precision", "divisor", divisor, low=0, low_open=True)
    check_type("regression_precision", "targets", targets, (list, tuple), "a list of target rows")
    try:
        values = [float(t) for r in targets for t in r]
    except (TypeError, ValueError, OverflowError):
        raise TypeError("regression_precision: targets must be rows of finite numbers") from None
    if not values or not all(map(math.isfinite, values)):
        raise ValueError("regression_precision: targets must be a non-empty list of rows "
                         "of finite numbers")
    try:
        average = sum(values) / len(values)
        spread = math.sqrt(sum((t - average) ** 2 for t in values) / len(values))
        if math.isfinite(spread):
            return spread / divisor
    except OverflowError:
        pass
    scale = max(map(abs, values))
    scaled = [v / scale for v in values]
    average = sum(scaled) / len(scaled)
    spread = math.sqrt(sum((t - average) ** 2 for t in scaled) / len(scaled))
    return spread * scale / divisor
