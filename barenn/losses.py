"""Loss functions: one number saying how wrong a batch of outputs is.

Every loss has the same three methods:

* ``forward(output, y)`` -> the loss of each sample, a plain list of n numbers;
* ``calculate(output, y)`` -> their mean, the number training drives down;
* ``backward(output, y)`` -> stores and returns ``self.dinputs``, the slope of that
  mean with respect to every entry of ``output`` (n x k). Because the loss is a mean
  over the batch, every slope carries a factor 1/n: the learning rate then means the
  same thing for any batch size.

``reduction="sum"`` (every loss takes it) makes ``calculate`` the *sum* over the
batch and drops the 1/n from every slope, as tutorials do that add up each sample's
gradient before a step: their learning rate lr with a batch of n is barenn's
``reduction="sum"`` with lr, or the default mean with lr * n (the same update).

``output`` is the network's last output, n samples x k values. The targets ``y``:

* classification (``CategoricalCrossEntropy``, ``SoftmaxCrossEntropy``,
  ``accuracy``): either class indices, a list of n ints in 0..k-1, or one-hot rows,
  an n x k matrix (rows of probabilities are accepted too);
* ``BinaryCrossEntropy``, ``MeanSquaredError``, ``MeanAbsoluteError``: an n x k matrix
  like ``output``, or, when k = 1, simply a list of n numbers.

Bad targets raise ValueError (TypeError for non-numbers) naming the loss and the
numbers involved. Inputs are never modified.

>>> loss = CategoricalCrossEntropy()
>>> round(loss.calculate([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]], [0, 1]), 4)
0.5249
"""

import math

from barenn.activations import Softmax
from barenn.checks import (
    ShapeError,
    TrainingDiverged,
    check_batch,
    check_bool,
    check_choice,
    describe,
    entry_error,
)
from barenn.matrix import argmax

__all__ = [
    "CategoricalCrossEntropy",
    "BinaryCrossEntropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "SoftmaxCrossEntropy",
    "accuracy",
    "EPSILON",
    "REDUCTIONS",
]

# How a batch's per-sample losses become one number (and its slopes one scale).
REDUCTIONS = ("mean", "sum")

# Predictions are clipped to [EPSILON, 1 - EPSILON] before taking logs: log(0) is
# -infinity, and one confident wrong answer would make the whole mean infinite.
EPSILON = 1e-7


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def class_targets(where, y, rows, classes):
    """Check classification targets; return ``(indices, None)`` or ``(None, one_hot)``.

    Indices are checked to be whole numbers in 0..classes-1 (floats such as 2.0 are
    accepted and turned into ints); one-hot rows to have ``classes`` numbers each.
    """
    if not isinstance(y, (list, tuple)):
        raise TypeError(f"{where}: labels must be a list of class indices or of one-hot rows, "
                        f"got {type(y).__name__}")
    if len(y) != rows:
        raise ValueError(f"{where}: got {len(y)} labels for a batch of {rows} samples "
                         "(one label per sample is needed)")
    if isinstance(y[0], (list, tuple)):
        for i, target in enumerate(y):
            if not isinstance(target, (list, tuple)):
                raise TypeError(f"{where}: labels mix one-hot rows and single values "
                                f"(sample 0 is a row, sample {i} is {target!r})")
            if len(target) != classes:
                raise ValueError(f"{where}: one-hot row for sample {i} has {len(target)} "
                                 f"entries, but the output has {classes} classes")
            for t in target:
                if not _is_number(t) or math.isnan(t):
                    raise TypeError(f"{where}: one-hot row for sample {i} contains {t!r}; "
                                    "expected numbers")
        return None, y
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
            raise ValueError(f"{where}: label {label!r} for sample {i} is not a class index; "
                             f"expected a whole number in 0..{classes - 1}")
        label = int(label)
        if not 0 <= label < classes:
            raise ValueError(f"{where}: class index {label} for sample {i} is out of range "
                             f"for {classes} classes (expected 0..{classes - 1})")
        indices.append(label)
    return indices, None


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
            except OverflowError:
                finite = False
            if not finite:
                raise ValueError(f"{where}: target {describe(t)} for sample {i} is not a "
                                 "finite number")
    return y


def _clip(p):
    """p limited to [EPSILON, 1 - EPSILON] (see EPSILON)."""
    return EPSILON if p < EPSILON else (1.0 - EPSILON if p > 1.0 - EPSILON else p)


class Loss:
    """What every loss shares: ``calculate`` is the mean of ``forward`` (or its sum
    with ``reduction="sum"``)."""

    def __init__(self, reduction="mean"):
        self.reduction = check_choice(type(self).__name__, "reduction", reduction, REDUCTIONS)
        self.dinputs = None

    def settings(self):
        """The constructor arguments that differ from the defaults, as a dict (what
        ``repr`` shows and what a saved file needs to rebuild the loss)."""
        return {} if self.reduction == "mean" else {"reduction": self.reduction}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"

    def batch_divisor(self, rows):
        """What each slope is divided by: the batch size n (mean) or 1 (sum)."""
        return rows if self.reduction == "mean" else 1

    def calculate(self, output, y):
        """The mean loss over the batch (a float); the sum with ``reduction="sum"``."""
        losses = self.forward(output, y)
        total = sum(losses) if self.reduction == "sum" else sum(losses) / len(losses)
        if math.isinf(total):
            raise TrainingDiverged(f"{type(self).__name__}.calculate: the loss overflows to "
                                   f"{total}; the outputs and targets are too far apart (scale "
                                   "the targets down or lower the learning rate)")
        return total

    def _numbers(self, where, compute, output):
        try:
            return compute()
        except TypeError:
            raise entry_error(where, output, "outputs") from None
        except OverflowError:
            raise ValueError(f"{where}: the outputs or targets hold a number too large "
                             "for a float") from None


class CategoricalCrossEntropy(Loss):
    """-Σ_j y_j·log(ŷ_j) per sample; with a class index k that is just -log(ŷ_k).

    Use after a ``Softmax`` (each output row a probability distribution). ŷ is
    clipped to [1e-7, 1 − 1e-7], so a zero probability costs about 16.1, not infinity.
    Slope: -y_j / ŷ_j / n (zero except at the true class for index labels).
    Lesson 03 (softmax Jacobian vs fused gradient) works it out by hand.
    """

    def forward(self, output, y):
        """Per-sample losses (a list of n floats)."""
        where = f"{type(self).__name__}.forward"
        rows, cols = check_batch(where, output)
        indices, one_hot = class_targets(where, y, rows, cols)
        if indices is not None:
            compute = lambda: [-math.log(_clip(r[k])) for r, k in zip(output, indices)]
        else:
            compute = lambda: [-sum(t * math.log(_clip(p)) for t, p in zip(tr, r))
                               for r, tr in zip(output, one_hot)]
        return self._numbers(where, compute, output)

    def backward(self, output, y):
        """dinputs (n x k) = -y / clip(ŷ) / n (no / n with ``reduction="sum"``)."""
        where = f"{type(self).__name__}.backward"
        rows, cols = check_batch(where, output)
        indices, one_hot = class_targets(where, y, rows, cols)
        n = self.batch_divisor(rows)
        if indices is not None:
            def compute():
                dinputs = [[0.0] * cols for _ in range(rows)]
                for i, k in enumerate(indices):
                    dinputs[i][k] = -1.0 / _clip(output[i][k]) / n
                return dinputs
        else:
            compute = lambda: [[-t / _clip(p) / n for t, p in zip(tr, r)]
                               for r, tr in zip(output, one_hot)]
        self.dinputs = self._numbers(where, compute, output)
        return self.dinputs


class BinaryCrossEntropy(Loss):
    """-(y·log ŷ + (1 − y)·log(1 − ŷ)) per output, averaged over a sample's k outputs.

    Use after a ``Sigmoid``: every output is an independent yes/no probability and
    every target a number in [0, 1] (usually 0 or 1). ŷ is clipped as in
    ``CategoricalCrossEntropy``. Slope: -(y/ŷ − (1 − y)/(1 − ŷ)) / k / n.
    Lesson 10 (binary classification) trains with it.
    """

    def _targets(self, where, output, y):
        rows, cols = check_batch(where, output)
        y = value_targets(where, y, rows, cols)
        for i, target in enumerate(y):
            for t in target:
                if not 0 <= t <= 1:
                    raise ValueError(f"{where}: target {t!r} for sample {i} is outside "
                                     "[0, 1]; binary targets are 0/1 (or probabilities)")
        return rows, cols, y

    def forward(self, output, y):
        """Per-sample losses (a list of n floats)."""
        where = f"{type(self).__name__}.forward"
        rows, cols, y = self._targets(where, output, y)

        def compute():
            losses = []
            for r, tr in zip(output, y):
                total = 0.0
                for p, t in zip(r, tr):
                    p = _clip(p)
                    total -= t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
                losses.append(total / cols)
            return losses
        return self._numbers(where, compute, output)

    def backward(self, output, y):
        """dinputs (n x k) = -(y/ŷ − (1 − y)/(1 − ŷ)) / k / n, ŷ clipped (no / n with
        ``reduction="sum"``)."""
        where = f"{type(self).__name__}.backward"
        rows, cols, y = self._targets(where, output, y)
        count = self.batch_divisor(rows) * cols

        def slope(p, t):
            p = _clip(p)
            return -(t / p - (1.0 - t) / (1.0 - p)) / count
        self.dinputs = self._numbers(
            where, lambda: [[slope(p, t) for p, t in zip(r, tr)] for r, tr in zip(output, y)], output)
        return self.dinputs


class MeanSquaredError(Loss):
    """(y − ŷ)² averaged over a sample's k outputs: the regression loss.

    Slope: -2·(y − ŷ) / k / n. Lesson 09 (regression) trains with it.

    ``half=True`` is the half squared error ½·(y − ŷ)², whose slope is just
    (ŷ − y) / k / n: the "delta = y_hat − y" that many tutorials start their
    backward pass with. Same minimum, half the slope: a tutorial's learning rate lr
    with that delta is barenn's lr with ``half=True``, or lr / 2 without.
    ``reduction="sum"`` drops the / n (see the module docstring).
    """

    def __init__(self, reduction="mean", half=False):
        super().__init__(reduction)
        self.half = check_bool(type(self).__name__, "half", half)

    def settings(self):
        settings = super().settings()
        if self.half:
            settings["half"] = True
        return settings

    def forward(self, output, y):
        """Per-sample losses (a list of n floats)."""
        where = f"{type(self).__name__}.forward"
        rows, cols = check_batch(where, output)
        y = value_targets(where, y, rows, cols)
        losses = self._numbers(where, lambda: [
            sum((t - p) * (t - p) for p, t in zip(r, tr)) / cols
            for r, tr in zip(output, y)], output)
        return [0.5 * loss for loss in losses] if self.half else losses

    def backward(self, output, y):
        """dinputs (n x k) = -2·(y − ŷ) / k / n; with ``half=True`` (ŷ − y) / k / n."""
        where = f"{type(self).__name__}.backward"
        rows, cols = check_batch(where, output)
        y = value_targets(where, y, rows, cols)
        factor = (-1.0 if self.half else -2.0) / (self.batch_divisor(rows) * cols)
        self.dinputs = self._numbers(where, lambda: [
            [factor * (t - p) for p, t in zip(r, tr)] for r, tr in zip(output, y)], output)
        return self.dinputs


class MeanAbsoluteError(Loss):
    """|y − ŷ| averaged over a sample's k outputs.

    Slope: sign(ŷ − y) / k / n (taken as 0 where ŷ = y exactly, where |·| has no slope).
    """

    def forward(self, output, y):
        """Per-sample losses (a list of n floats)."""
        where = f"{type(self).__name__}.forward"
        rows, cols = check_batch(where, output)
        y = value_targets(where, y, rows, cols)
        return self._numbers(where, lambda: [
            sum(abs(t - p) for p, t in zip(r, tr)) / cols
            for r, tr in zip(output, y)], output)

    def backward(self, output, y):
        """dinputs (n x k) = sign(ŷ − y) / k / n (no / n with ``reduction="sum"``)."""
        where = f"{type(self).__name__}.backward"
        rows, cols = check_batch(where, output)
        y = value_targets(where, y, rows, cols)
        step = 1.0 / (self.batch_divisor(rows) * cols)
        self.dinputs = self._numbers(where, lambda: [
            [step if p > t else (-step if p < t else 0.0) for p, t in zip(r, tr)]
            for r, tr in zip(output, y)], output)
        return self.dinputs


class SoftmaxCrossEntropy:
    """Softmax followed by categorical cross-entropy, differentiated as one step.

    forward(inputs, y) runs ``Softmax`` on the raw scores (stored as ``self.output``)
    and returns the mean cross-entropy. backward(output, y), given those softmax
    outputs ŷ, sets ``dinputs`` = (ŷ − y) / n, y one-hot: the whole Jacobian
    product of ``Softmax.backward`` collapses to a subtraction (lesson 03 shows the
    cancellation and checks the two agree). ``self.activation`` and ``self.loss`` are
    the two parts it fuses. ``Network.loss_gradient`` starts the backward pass with it
    whenever a network ends in Softmax with categorical cross-entropy.
    """

    def __init__(self, reduction="mean"):
        self.reduction = check_choice("SoftmaxCrossEntropy", "reduction", reduction, REDUCTIONS)
        self.activation = Softmax()
        self.loss = CategoricalCrossEntropy(reduction)
        self.output = None
        self.dinputs = None

    def settings(self):
        """Non-default constructor arguments (see ``Loss.settings``)."""
        return {} if self.reduction == "mean" else {"reduction": self.reduction}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"SoftmaxCrossEntropy({args})"

    def forward(self, inputs, y):
        """Softmax of ``inputs`` (n x k raw scores), then the mean loss against ``y``."""
        self.output = self.activation.forward(inputs)
        return self.loss.calculate(self.output, y)

    def calculate(self, output, y):
        """The mean loss of softmax outputs ``output`` (no softmax applied here)."""
        return self.loss.calculate(output, y)

    def backward(self, output, y):
        """dinputs (n x k) = (ŷ − y) / n, with ``output`` = ŷ, the softmax outputs
        (no / n with ``reduction="sum"``)."""
        where = "SoftmaxCrossEntropy.backward"
        rows, cols = check_batch(where, output)
        indices, one_hot = class_targets(where, y, rows, cols)
        n = rows if self.reduction == "mean" else 1
        if indices is not None:
            def compute():
                dinputs = [[p / n for p in r] for r in output]
                for i, k in enumerate(indices):
                    dinputs[i][k] = (output[i][k] - 1.0) / n
                return dinputs
        else:
            compute = lambda: [[(p - t) / n for p, t in zip(r, tr)]
                               for r, tr in zip(output, one_hot)]
        try:
            self.dinputs = compute()
        except TypeError:
            raise entry_error(where, output, "outputs") from None
        return self.dinputs

    def predictions(self, output):
        """The predicted class of each sample (argmax of each row)."""
        return argmax(output)


def accuracy(output, y):
    """The fraction of samples whose largest output is at the true class (0.0 to 1.0).

    ``output`` is n x k scores or probabilities (k >= 2); ``y`` class indices or
    one-hot rows (the true class is then the row's argmax). For a one-column sigmoid
    output, compare ``Sigmoid().predictions(output)`` with the 0/1 targets instead.

    >>> accuracy([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], [0, 1, 1])
    1.0
    """
    rows, cols = check_batch("accuracy", output)
    if cols < 2:
        raise ShapeError(f"accuracy: needs one column per class (at least 2), got {rows}x{cols}; "
                         "for a single sigmoid output threshold it with Sigmoid().predictions")
    indices, one_hot = class_targets("accuracy", y, rows, cols)
    if indices is None:
        indices = argmax([list(target) for target in one_hot])
    try:
        predicted = argmax(output)
    except TypeError:
        raise entry_error("accuracy", output, "outputs") from None
    return sum(p == t for p, t in zip(predicted, indices)) / rows
