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

from barenn.matrix import argmax

__all__ = ["ACCURACY_KINDS", "accuracy_targets", "count_correct", "regression_precision"]

ACCURACY_KINDS = ("categorical", "binary", "regression")


def accuracy_targets(kind, y):
    """``y`` as ``count_correct`` compares against it: class indices (categorical;
    one-hot rows become their argmax) or target rows (binary, regression)."""
    if kind == "categorical":
        return argmax([list(r) for r in y]) if isinstance(y[0], (list, tuple)) else list(y)
    return y if isinstance(y[0], (list, tuple)) else [[t] for t in y]


def count_correct(kind, output, targets, precision=None):
    """(right answers, answers) of one batch of ``output`` (n x m) against the
    targets from ``accuracy_targets``. A categorical batch has n answers, the others
    n x m (every output counts)."""
    if kind == "categorical":
        return sum(map(eq, argmax(output), targets)), len(targets)
    count = len(output) * len(output[0])
    if kind == "binary":
        hits = sum((p > 0.5) == (t == 1) for r, tr in zip(output, targets) for p, t in zip(r, tr))
    else:
        hits = sum(abs(p - t) < precision for r, tr in zip(output, targets) for p, t in zip(r, tr))
    return hits, count


def regression_precision(targets, divisor):
    """std of all target values / ``divisor``: how close counts as right."""
    values = [t for r in targets for t in r]
    average = sum(values) / len(values)
    spread = math.sqrt(sum((t - average) ** 2 for t in values) / len(values))
    return spread / divisor
