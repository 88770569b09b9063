"""Activation functions: the non-linear step after a Dense layer.

Every activation works on a batch (a list of rows, one row per sample) and has the
interface of every part (``barenn.part``): ``forward(inputs, training=True)`` stores
``self.inputs`` and ``self.output`` and returns the output (same shape as the
inputs; ``training`` is accepted and ignored), ``backward(dvalues)`` stores and
returns ``self.dinputs``. ``predictions(output)`` turns the output into the
network's answer (class indices for ``Softmax``, 0/1 for ``Sigmoid``, the values
themselves otherwise). Each method is one line that checks its arguments, then the
formula. Inputs are never modified; every result is a new list of lists.

>>> relu = ReLU()
>>> relu.forward([[1.0, -2.0, 3.0]])
[[1.0, 0.0, 3.0]]
>>> relu.backward([[10.0, 10.0, 10.0]])
[[10.0, 0.0, 10.0]]
"""

import math

from barenn.checks import check_dvalues, check_inputs, check_jacobian_input, check_number
from barenn.matrix import argmax, copy, diagflat, outer, subtract, sumprod
from barenn.part import Part

__all__ = ["ReLU", "Sigmoid", "Tanh", "Softmax", "Linear", "softmax_jacobian", "sigmoid"]


class ReLU(Part):
    """max(0, x) element by element; its slope is 1 where x > 0 and 0 elsewhere
    (lesson 01 takes it by hand; lesson 06 uses it in a network).

    At exactly x = 0 the slope is taken as 0 (no gradient flows), as in the walkthrough.
    """

    def forward(self, inputs, training=True):
        """output = max(0, inputs), element by element (n x k -> n x k) (lesson 01)."""
        check_inputs("ReLU.forward", inputs)
        self.inputs = inputs
        self.output = [[max(0.0, x) for x in row] for row in inputs]
        return self.output

    def backward(self, dvalues):
        """dinputs = dvalues where the input was > 0, else 0 (lesson 01)."""
        check_dvalues("ReLU.backward", dvalues, self.output)
        self.dinputs = [[d if x > 0 else 0.0 for d, x in zip(d_row, x_row)]
                        for d_row, x_row in zip(dvalues, self.inputs)]
        return self.dinputs


def softmax_jacobian(s):
    """The Jacobian ds_i/dz_j = s_i·(δ_ij − s_j) = diag(s) − s·sᵀ of one softmax output.

    ``s`` is one sample's softmax output as a plain vector (a list of k numbers); the
    result is a k x k matrix whose row i holds the slopes of s_i with respect to every
    input z_j. It is symmetric, and each row sums to 0 when s sums to 1. Lesson 03
    builds it by hand and multiplies the loss gradient through it.

    >>> softmax_jacobian([0.5, 0.5])
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    check_jacobian_input("softmax_jacobian", s)
    return subtract(diagflat(s), outer(s, s))


class Softmax(Part):
    """Each row z becomes probabilities s_j = e^(z_j) / Σ_k e^(z_k) (rows sum to 1).

    The row's largest value is subtracted before exponentiating: the result is the
    same (the factor e^-max cancels) but e^(z − max) ≤ 1 can never overflow.
    ``backward`` goes through each sample's full Jacobian (``softmax_jacobian``);
    when softmax feeds categorical cross-entropy, ``barenn.losses.SoftmaxCrossEntropy``
    gives the same numbers directly as (ŷ − y) / n. Lesson 03 compares the two.
    ``predictions`` is the argmax of each row.
    """

    def forward(self, inputs, training=True):
        """Each row of inputs (n x k) as probabilities (n x k) (lesson 03)."""
        check_inputs("Softmax.forward", inputs)
        self.inputs = inputs
        exp_values = [[math.exp(x - top) for x in row] for row, top in zip(inputs, map(max, inputs))]
        self.output = [[e / total for e in row] for row, total in zip(exp_values, map(sum, exp_values))]
        return self.output

    def backward(self, dvalues):
        """Each sample's dinputs row = J · dvalues row, J its ``softmax_jacobian`` (lesson 03)."""
        check_dvalues("Softmax.backward", dvalues, self.output)
        # row i of J · dv is the sum of products of J's row i with dv (J is symmetric,
        # so this is also dv · J)
        self.dinputs = [[sumprod(jacobian_row, dv) for jacobian_row in softmax_jacobian(s)]
                        for s, dv in zip(self.output, dvalues)]
        return self.dinputs

    def predictions(self, output):
        """The index of the largest probability in each row (a list of ints)."""
        return argmax(output)


class Sigmoid(Part):
    """σ(x) = 1 / (1 + e^-x) element by element: squashes any number into (0, 1).

    Its slope is σ(x)·(1 − σ(x)), computed from the stored output. Safe for any x
    (see ``sigmoid``). ``predictions`` thresholds at 0.5, for binary classifiers.
    Lesson 10 (binary classification) trains with it.
    """

    def forward(self, inputs, training=True):
        """output = σ(inputs), element by element (lesson 10)."""
        check_inputs("Sigmoid.forward", inputs)
        self.inputs = inputs
        self.output = [[sigmoid(x) for x in row] for row in inputs]
        return self.output

    def backward(self, dvalues):
        """dinputs = dvalues · σ · (1 − σ), element by element (lesson 10)."""
        check_dvalues("Sigmoid.backward", dvalues, self.output)
        self.dinputs = [[d * s * (1.0 - s) for d, s in zip(d_row, s_row)]
                        for d_row, s_row in zip(dvalues, self.output)]
        return self.dinputs

    def predictions(self, output):
        """1 where the output is above 0.5, else 0 (ints, same shape as output)."""
        check_inputs("Sigmoid.predictions", output, name="output")
        return [[1 if s > 0.5 else 0 for s in row] for row in output]


class Tanh(Part):
    """tanh(x) element by element: squashes into (−1, 1); slope 1 − tanh(x)²."""

    def forward(self, inputs, training=True):
        """output = tanh(inputs), element by element."""
        check_inputs("Tanh.forward", inputs)
        self.inputs = inputs
        self.output = [[math.tanh(x) for x in row] for row in inputs]
        return self.output

    def backward(self, dvalues):
        """dinputs = dvalues · (1 − tanh²), element by element."""
        check_dvalues("Tanh.backward", dvalues, self.output)
        self.dinputs = [[d * (1.0 - t * t) for d, t in zip(d_row, t_row)]
                        for d_row, t_row in zip(dvalues, self.output)]
        return self.dinputs


class Linear(Part):
    """The identity, f(x) = x: the output of a regression network (lesson 09). Slope 1."""

    def forward(self, inputs, training=True):
        """output = inputs (a copy) (lesson 09)."""
        check_inputs("Linear.forward", inputs)
        self.inputs = inputs
        self.output = copy(inputs)
        return self.output

    def backward(self, dvalues):
        """dinputs = dvalues (a copy): the slope of x is 1 (lesson 09)."""
        check_dvalues("Linear.backward", dvalues, self.output)
        self.dinputs = copy(dvalues)
        return self.dinputs


def sigmoid(x):
    """1 / (1 + e^-x) for one number, without overflow for any size of ``x``.

    ``math.exp(-x)`` overflows once -x passes about 709, so for negative x use the
    equal form e^x / (1 + e^x), whose exponent is then negative (it only underflows
    harmlessly to 0).

    >>> sigmoid(0.0), sigmoid(1e6), sigmoid(-1e6)
    (0.5, 1.0, 0.0)
    """
    if type(x) is not float:  # Sigmoid.forward has checked its floats already
        check_number("sigmoid", "x", x, finite=False)
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
