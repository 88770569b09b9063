"""What the targets of a loss may look like, checked: the one check line of each loss.

``output`` is the network's last output, n samples x k values. The targets ``y``:

* classification (``CategoricalCrossEntropy``, ``SoftmaxCrossEntropy``,
  ``accuracy``): either class indices, a list of n whole numbers in 0..k-1, or
  one-hot rows, an n x k matrix (rows of probabilities are accepted too);
* ``BinaryCrossEntropy`` (numbers in [0, 1]), ``MeanSquaredError``,
  ``MeanAbsoluteError``: an n x k matrix like ``output``, or, when k = 1, simply a
  list of n numbers.

Bad targets raise ValueError (TypeError for non-numbers) naming the loss and the
numbers involved; the output is checked as a batch of real numbers first.

>>> check_class_targets("CategoricalCrossEntropy.forward", [[0.7, 0.3], [0.4, 0.6]], [0, 1])
[[1.0, 0.0], [0.0, 1.0]]
"""

import math

from barenn.checks import ShapeError, cell_error, check_inputs, describe

__all__ = ["check_class_targets", "check_value_targets", "check_binary_targets",
           "class_targets", "value_targets"]


def check_class_targets(where, output, y):
    """The one check line of a classification loss: ``output`` is a batch of real
    numbers (n x k) and ``y`` n class indices or n one-hot rows. Returns the targets
    as one-hot rows (n x k floats), the form the loss formulas use."""
    rows, classes = check_inputs(where, output, name="outputs")
    indices, one_hot = class_targets(where, y, rows, classes)
    if one_hot is not None:
        return one_hot
    return [[1.0 if j == k else 0.0 for j in range(classes)] for k in indices]


def check_value_targets(where, output, y):
    """The one check line of a regression loss: ``output`` is a batch of real numbers
    (n x k) and ``y`` has one finite target per output. Returns the targets as n x k rows."""
    rows, cols = check_inputs(where, output, name="outputs")
    return value_targets(where, y, rows, cols)


def check_binary_targets(where, output, y):
    """``check_value_targets``, with every target in [0, 1] (binary cross-entropy)."""
    y = check_value_targets(where, output, y)
    for i, target in enumerate(y):
        for t in target:
            if not 0 <= t <= 1:
                raise ValueError(f"{where}: target {t!r} for sample {i} is outside "
                                 "[0, 1]; binary targets are 0/1 (or probabilities)")
    return y


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def class_targets(where, y, rows, classes):
    """Check classification targets; return ``(indices, None)`` or ``(None, one_hot)``.

    Indices are checked to be whole numbers in 0..classes-1 (floats such as 2.0 are
    accepted and turned into ints); one-hot rows to have ``classes`` real numbers each.
    """
    if not isinstance(y, (list, tuple)):
        raise TypeError(f"{where}: labels must be a list of class indices or of one-hot rows, "
                        f"got {type(y).__name__}")
    if len(y) != rows:
        raise ValueError(f"{where}: got {len(y)} labels for a batch of {rows} samples "
                         "(one label per sample is needed)")
    if isinstance(y[0], (list, tuple)):
        return None, _one_hot_rows(where, y, classes)
    # The usual case, checked in C-speed passes: plain ints, all in range. Anything
    # else takes the loop below, which finds the first bad label for the message.
    if all(type(label) is int for label in y) and 0 <= min(y) and max(y) < classes:
        return y, None
    indices = []
    for i, label in enumerate(y):
        if isinstance(label, (list, tuple)):
            raise TypeError(f"{where}: labels mix class indices and one-hot rows "
                            f"(sample 0 is {y[0]!r}, sample {i} is a row)")
        if not _is_number(label) or (isinstance(label, float) and not label.is_integer()):
            shown = repr(label) if len(repr(label)) <= 40 else describe(label)
            raise ValueError(f"{where}: label {shown} for sample {i} is not a class "
                             f"index; expected a whole number in 0..{classes - 1}")
        if not 0 <= label < classes:
            shown = int(label) if abs(label) < 10 ** 40 else describe(label)
            raise ValueError(f"{where}: class index {shown} for sample {i} is out of "
                             f"range for {classes} classes (expected 0..{classes - 1})")
        indices.append(int(label))
    return indices, None


def _one_hot_rows(where, y, classes):
    """``y`` checked as one-hot rows (or rows of probabilities) of ``classes`` numbers."""
    for i, target in enumerate(y):
        if not isinstance(target, (list, tuple)):
            raise TypeError(f"{where}: labels mix one-hot rows and single values "
                            f"(sample 0 is a row, sample {i} is {target!r})")
        if len(target) != classes:
            raise ValueError(f"{where}: one-hot row for sample {i} has {len(target)} "
                             f"entries, but the output has {classes} classes")
    error = cell_error(where, "one-hot targets", y)
    if error is not None:
        raise error
    for i, target in enumerate(y):
        if any(math.isnan(t) for t in target):
            raise ValueError(f"{where}: one-hot row for sample {i} contains nan; expected numbers")
    return y


def value_targets(where, y, rows, cols):
    """Check regression/binary targets against an output of rows x cols; return n x k.

    A flat list of n numbers is accepted when the output has one column.
    """
    if not isinstance(y, (list, tuple)):
        raise TypeError(f"{where}: targets must be a list of rows (or a list of numbers "
                        f"for a one-column output), got {type(y).__name__}")
    if len(y) != rows:
        raise ValueError(f"{where}: got {len(y)} targets for a batch of {rows} samples "
                         "(one target per sample is needed)")
    if not isinstance(y[0], (list, tuple)):
        if cols != 1:
            raise ShapeError(f"{where}: a flat list of targets fits a one-column output, "
                             f"but the output is {rows}x{cols}; give {cols} targets per sample")
        y = [[t] for t in y]
    for i, target in enumerate(y):
        if not isinstance(target, (list, tuple)):
            raise TypeError(f"{where}: targets mix rows and single values "
                            f"(sample 0 is a row, sample {i} is {target!r})")
        if len(target) != cols:
            raise ShapeError(f"{where}: targets for sample {i} have {len(target)} entries, "
                             f"but the output has {cols} per sample ({rows}x{cols})")
        for t in target:
            if not _is_number(t):
                raise TypeError(f"{where}: target {t!r} for sample {i} is not a number")
            try:
                finite = math.isfinite(t)
            except OverflowError:  # an int too large for a float
                raise ValueError(f"{where}: the target for sample {i} is {describe(t)}, too "
                                 "large for a float (at most 1.798e+308 in size)") from None
            if not finite:
                raise ValueError(f"{where}: target {describe(t)} for sample {i} is not a "
                                 "finite number")
    return y
