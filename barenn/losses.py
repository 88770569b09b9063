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

Each forward and backward is one line that checks the output and the targets
(``barenn.targets``: what ``y`` may look like), then the walkthrough's formula.
Inputs are never modified.

>>> loss = CategoricalCrossEntropy()
>>> round(loss.calculate([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]], [0, 1]), 4)
0.5249
"""

import math

from barenn.activations import Softmax
from barenn.checks import ShapeError, TrainingDiverged, check_bool, check_choice, check_inputs
from barenn.matrix import argmax, clip, sign
from barenn.targets import (
    check_binary_targets,
    check_class_targets,
    check_value_targets,
    class_targets,
    value_targets,
)

__all__ = [
    "CategoricalCrossEntropy",
    "BinaryCrossEntropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "SoftmaxCrossEntropy",
    "accuracy",
    "EPSILON",
    "REDUCTIONS",
    "class_targets",
    "value_targets",
]

# Predictions are clipped to [EPSILON, 1 - EPSILON] before taking logs: log(0) is
# -infinity, and one confident wrong answer would make the whole mean infinite.
EPSILON = 1e-7

# How a batch's per-sample losses become one number (and its slopes one scale).
REDUCTIONS = ("mean", "sum")


class Loss:
    """What every loss shares: ``calculate`` is the mean of ``forward`` (or its sum
    with ``reduction="sum"``), and ``batch_divisor`` the n every slope is divided by."""

    def __init__(self, reduction="mean"):
        self.reduction = check_choice(type(self).__name__, "reduction", reduction, REDUCTIONS)
        self.dinputs = None

    def calculate(self, output, y):
        """The mean loss over the batch (a float); the sum with ``reduction="sum"``."""
        sample_losses = self.forward(output, y)
        total = sum(sample_losses) if self.reduction == "sum" else sum(sample_losses) / len(sample_losses)
        if math.isinf(total):
            raise TrainingDiverged(f"{type(self).__name__}.calculate: the loss overflows to "
                                   f"{total}; the outputs and targets are too far apart (scale "
                                   "the targets down or lower the learning rate)")
        return total

    def batch_divisor(self, rows):
        """What each slope is divided by: the batch size n (mean) or 1 (sum)."""
        return rows if self.reduction == "mean" else 1

    def settings(self):
        """The constructor arguments that differ from the defaults, as a dict (what
        ``repr`` shows and what a saved file needs to rebuild the loss)."""
        return {} if self.reduction == "mean" else {"reduction": self.reduction}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


class CategoricalCrossEntropy(Loss):
    """-Σ_j y_j·log(ŷ_j) per sample: with a class index k that is just -log(ŷ_k).

    Use after a ``Softmax`` (each output row a probability distribution). ŷ is
    clipped to [1e-7, 1 − 1e-7], so a zero probability costs about 16.1, not infinity.
    Lesson 03 (softmax Jacobian vs fused gradient) works it out by hand.
    """

    def forward(self, output, y):
        """Per-sample losses (a list of n floats); y as one-hot rows or class indices.
        (Lesson 03.)"""
        y_true = check_class_targets("CategoricalCrossEntropy.forward", output, y)
        y_pred = clip(output, EPSILON, 1 - EPSILON)
        return [-sum(t * math.log(p) for t, p in zip(t_row, p_row)) for t_row, p_row in zip(y_true, y_pred)]

    def backward(self, output, y):
        """dinputs (n x k) = -y / ŷ / n: -1/ŷ_k/n at the true class k, 0 elsewhere
        (no / n with ``reduction="sum"``). (lesson 03)"""
        y_true = check_class_targets("CategoricalCrossEntropy.backward", output, y)
        y_pred = clip(output, EPSILON, 1 - EPSILON)
        samples = self.batch_divisor(len(output))
        self.dinputs = [[-t / p / samples for t, p in zip(t_row, p_row)] for t_row, p_row in zip(y_true, y_pred)]
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

    def forward(self, inputs, y):
        """Softmax of ``inputs`` (n x k raw scores), then the mean loss against ``y``."""
        check_class_targets("SoftmaxCrossEntropy.forward", inputs, y)
        self.output = self.activation.forward(inputs)
        return self.loss.calculate(self.output, y)

    def backward(self, output, y):
        """dinputs (n x k) = (ŷ − y) / n, with ``output`` = ŷ, the softmax outputs
        (no / n with ``reduction="sum"``). (lesson 03)"""
        y_true = check_class_targets("SoftmaxCrossEntropy.backward", output, y)
        samples = self.loss.batch_divisor(len(output))
        self.dinputs = [[(p - t) / samples for p, t in zip(p_row, t_row)] for p_row, t_row in zip(output, y_true)]
        return self.dinputs

    def calculate(self, output, y):
        """The mean loss of softmax outputs ``output`` (no softmax applied here)."""
        check_class_targets("SoftmaxCrossEntropy.calculate", output, y)
        return self.loss.calculate(output, y)

    def predictions(self, output):
        """The predicted class of each sample (argmax of each row)."""
        return argmax(output)

    def settings(self):
        """Non-default constructor arguments (see ``Loss.settings``)."""
        return self.loss.settings()

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"SoftmaxCrossEntropy({args})"


class BinaryCrossEntropy(Loss):
    """-(y·log ŷ + (1 − y)·log(1 − ŷ)) per output, averaged over a sample's k outputs.

    Use after a ``Sigmoid``: every output is an independent yes/no probability and
    every target a number in [0, 1] (usually 0 or 1). ŷ is clipped as in
    ``CategoricalCrossEntropy``. Lesson 10 (binary classification) trains with it.
    """

    def forward(self, output, y):
        """Per-sample losses (a list of n floats) (lesson 10)."""
        y_true = check_binary_targets("BinaryCrossEntropy.forward", output, y)
        y_pred = clip(output, EPSILON, 1 - EPSILON)
        return [-sum(t * math.log(p) + (1 - t) * math.log(1 - p) for t, p in zip(t_row, p_row)) / len(p_row)
                for t_row, p_row in zip(y_true, y_pred)]

    def backward(self, output, y):
        """dinputs (n x k) = -(y/ŷ − (1 − y)/(1 − ŷ)) / k / n, ŷ clipped (no / n with
        ``reduction="sum"``). (lesson 10)"""
        y_true = check_binary_targets("BinaryCrossEntropy.backward", output, y)
        y_pred = clip(output, EPSILON, 1 - EPSILON)
        samples, outputs = self.batch_divisor(len(output)), len(output[0])
        self.dinputs = [[-(t / p - (1 - t) / (1 - p)) / outputs / samples for t, p in zip(t_row, p_row)]
                        for t_row, p_row in zip(y_true, y_pred)]
        return self.dinputs


class MeanSquaredError(Loss):
    """(y − ŷ)² averaged over a sample's k outputs: the regression loss (lesson 09).

    ``half=True`` is the half squared error ½·(y − ŷ)², whose slope is just
    (ŷ − y) / k / n: the "delta = y_hat − y" that many tutorials start their
    backward pass with. Same minimum, half the slope: a tutorial's learning rate lr
    with that delta is barenn's lr with ``half=True``, or lr / 2 without.
    ``reduction="sum"`` drops the / n (see the module docstring).
    """

    def __init__(self, reduction="mean", half=False):
        super().__init__(reduction)
        self.half = check_bool(type(self).__name__, "half", half)

    def forward(self, output, y):
        """Per-sample losses (a list of n floats): the mean of (y − ŷ)² (times ½ with half).
        (Lesson 09.)"""
        y_true = check_value_targets("MeanSquaredError.forward", output, y)
        factor = 0.5 if self.half else 1.0
        return [factor * sum((t - p) * (t - p) for t, p in zip(t_row, p_row)) / len(p_row)
                for t_row, p_row in zip(y_true, output)]

    def backward(self, output, y):
        """dinputs (n x k) = -2·(y − ŷ) / k / n; with ``half=True`` -(y − ŷ) / k / n (lesson 09)."""
        y_true = check_value_targets("MeanSquaredError.backward", output, y)
        factor = 1.0 if self.half else 2.0
        samples, outputs = self.batch_divisor(len(output)), len(output[0])
        self.dinputs = [[-factor * (t - p) / outputs / samples for t, p in zip(t_row, p_row)]
                        for t_row, p_row in zip(y_true, output)]
        return self.dinputs

    def settings(self):
        settings = super().settings()
        if self.half:
            settings["half"] = True
        return settings


class MeanAbsoluteError(Loss):
    """|y − ŷ| averaged over a sample's k outputs. Slope: sign(ŷ − y) / k / n (0 where
    ŷ = y exactly, where |·| has no slope)."""

    def forward(self, output, y):
        """Per-sample losses (a list of n floats)."""
        y_true = check_value_targets("MeanAbsoluteError.forward", output, y)
        return [sum(abs(t - p) for t, p in zip(t_row, p_row)) / len(p_row) for t_row, p_row in zip(y_true, output)]

    def backward(self, output, y):
        """dinputs (n x k) = sign(ŷ − y) / k / n (no / n with ``reduction="sum"``)."""
        y_true = check_value_targets("MeanAbsoluteError.backward", output, y)
        samples, outputs = self.batch_divisor(len(output)), len(output[0])
        self.dinputs = [[sign(p - t) / outputs / samples for t, p in zip(t_row, p_row)]
                        for t_row, p_row in zip(y_true, output)]
        return self.dinputs


def accuracy(output, y):
    """The fraction of samples whose largest output is at the true class (0.0 to 1.0).

    ``output`` is n x k scores or probabilities (k >= 2); ``y`` class indices or
    one-hot rows (the true class is then the row's argmax). For a one-column sigmoid
    output, compare ``Sigmoid().predictions(output)`` with the 0/1 targets instead.

    >>> accuracy([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], [0, 1, 1])
    1.0
    """
    rows, cols = check_inputs("accuracy", output, name="outputs")
    if cols < 2:
        raise ShapeError(f"accuracy: needs one column per class (at least 2), got {rows}x{cols}; "
                         "for a single sigmoid output threshold it with Sigmoid().predictions")
    y_true = check_class_targets("accuracy", output, y)
    return sum(p == t for p, t in zip(argmax(output), argmax(y_true))) / len(output)
