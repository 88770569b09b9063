"""Activation functions: the non-linear step after a Dense layer.

Every activation works on a batch (a list of rows, one row per sample) and has the
same small interface as the layers, so a network can treat them all alike:

* ``forward(inputs, training=True)`` stores ``self.inputs`` and ``self.output`` and
  returns the output (same shape as the inputs). ``training`` is accepted and ignored:
  no activation behaves differently at inference time.
* ``backward(dvalues)`` takes dL/d(output) (same shape as the output), stores
  ``self.dinputs`` = dL/d(inputs) and returns it.
* ``predictions(output)`` turns this activation's output into the network's answer
  (class indices for ``Softmax``, 0/1 for ``Sigmoid``, the values themselves otherwise).
* ``params()`` returns ``[]``: activations have nothing to learn.

Inputs are never modified; every result is a new list of lists.

>>> relu = ReLU()
>>> relu.forward([[1.0, -2.0, 3.0]])
[[1.0, 0.0, 3.0]]
>>> relu.backward([[10.0, 10.0, 10.0]])
[[10.0, 0.0, 10.0]]
"""

import math

from barenn.checks import ShapeError, check_batch, check_dvalues, entry_error
from barenn.matrix import argmax, column, copy, diagflat, dot, outer, subtract

__all__ = ["ReLU", "Sigmoid", "Tanh", "Softmax", "Linear", "softmax_jacobian", "sigmoid"]


def sigmoid(x):
    """1 / (1 + e^-x) for one number, without overflow for any size of ``x``.

    ``math.exp(-x)`` overflows once -x passes about 709, so for negative x use the
    equal form e^x / (1 + e^x), whose exponent is then negative (it only underflows
    harmlessly to 0).

    >>> sigmoid(0.0), sigmoid(1e6), sigmoid(-1e6)
    (0.5, 1.0, 0.0)
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Activation:
    """What every activation shares: stored tensors and the uniform interface."""

    # True when ``_backward`` does arithmetic with every element of dvalues, so a
    # non-number fails there by itself and needs no check of its own beforehand.
    backward_touches_every_dvalue = True

    def __init__(self):
        self.inputs = None
        self.output = None
        self.dinputs = None

    def __repr__(self):
        return f"{type(self).__name__}()"

    def params(self):
        """Learnable parameters: none (see ``barenn.layers.Dense.params``)."""
        return []

    def predictions(self, output):
        """The network's answer for this output: the values themselves (a copy)."""
        return copy(output)

    def forward(self, inputs, training=True):
        """Apply the activation to every sample of ``inputs`` (n x k); return n x k."""
        name = f"{type(self).__name__}.forward"
        check_batch(name, inputs)
        try:
            output = self._forward(inputs)
        except TypeError:
            raise entry_error(name, inputs) from None
        self.inputs = inputs
        self.output = output
        return output

    def backward(self, dvalues):
        """Given dL/d(output) (n x k), set and return ``self.dinputs`` (n x k)."""
        check_dvalues(f"{type(self).__name__}.backward", dvalues, self.output,
                      check_numbers=not self.backward_touches_every_dvalue)
        try:
            self.dinputs = self._backward(dvalues)
        except TypeError:
            raise entry_error(f"{type(self).__name__}.backward", dvalues, "dvalues") from None
        return self.dinputs


class ReLU(Activation):
    """max(0, x) element by element; its slope is 1 where x > 0 and 0 elsewhere.

    At exactly x = 0 the slope is taken as 0 (no gradient flows), as in the walkthrough.
    """

    # backward passes some dvalues on untouched and drops the others: check them.
    backward_touches_every_dvalue = False

    # Comparing with 0.0 rather than 0: a float against a float is the comparison
    # CPython 3.11+ specializes, a third faster per element than float against int.

    def _forward(self, inputs):
        return [[x if x > 0.0 else 0.0 for x in r] for r in inputs]

    def _backward(self, dvalues):
        return [[d if x > 0.0 else 0.0 for d, x in zip(dr, xr)]
                for dr, xr in zip(dvalues, self.inputs)]


class Sigmoid(Activation):
    """σ(x) = 1 / (1 + e^-x) element by element: squashes any number into (0, 1).

    Its slope is σ(x)·(1 − σ(x)), computed from the stored output. Safe for any x
    (see ``sigmoid``). ``predictions`` thresholds at 0.5, for binary classifiers.
    """

    def _forward(self, inputs):
        return [[sigmoid(x) for x in r] for r in inputs]

    def _backward(self, dvalues):
        return [[d * s * (1.0 - s) for d, s in zip(dr, sr)]
                for dr, sr in zip(dvalues, self.output)]

    def predictions(self, output):
        """1 where the output is above 0.5, else 0 (ints, same shape as output)."""
        return [[1 if s > 0.5 else 0 for s in r] for r in output]


class Tanh(Activation):
    """tanh(x) element by element: squashes into (−1, 1); slope 1 − tanh(x)²."""

    def _forward(self, inputs):
        return [[math.tanh(x) for x in r] for r in inputs]

    def _backward(self, dvalues):
        return [[d * (1.0 - t * t) for d, t in zip(dr, tr)]
                for dr, tr in zip(dvalues, self.output)]


class Linear(Activation):
    """The identity, f(x) = x: the output of a regression network. Slope 1."""

    def _forward(self, inputs):
        return [[x + 0.0 for x in r] for r in inputs]

    def _backward(self, dvalues):
        return [[d + 0.0 for d in r] for r in dvalues]


def softmax_jacobian(s):
    """The Jacobian ds_i/dz_j = s_i·(δ_ij − s_j) = diag(s) − s·sᵀ of one softmax output.

    ``s`` is one sample's softmax output as a plain vector (a list of k numbers); the
    result is a k x k matrix whose row i holds the slopes of s_i with respect to every
    input z_j. It is symmetric, and each row sums to 0 when s sums to 1.

    >>> softmax_jacobian([0.5, 0.5])
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    if not isinstance(s, (list, tuple)) or any(isinstance(x, (list, tuple)) for x in s):
        raise TypeError("softmax_jacobian: expected one sample's softmax output as a "
                        f"vector (a list of numbers), got {type(s).__name__} {s!r:.60}")
    if not s:
        raise ShapeError("softmax_jacobian: got an empty vector")
    try:
        return subtract(diagflat(s), outer(s, s))
    except TypeError:
        raise entry_error("softmax_jacobian", [list(s)], "s") from None


class Softmax(Activation):
    """Each row z becomes probabilities s_j = e^(z_j) / Σ_k e^(z_k) (rows sum to 1).

    The row's largest value is subtracted before exponentiating: the result is the
    same (the factor e^-max cancels) but e^(z − max) ≤ 1 can never overflow.

    ``backward`` goes through each sample's full Jacobian (``softmax_jacobian``):
    dinputs_row = dvalues_row · J. That is the general, slow path; when softmax feeds
    categorical cross-entropy, ``barenn.losses.SoftmaxCrossEntropy`` gives the same
    numbers directly as (ŷ − y) / n. ``predictions`` is the argmax of each row.
    """

    def _forward(self, inputs):
        exp = math.exp
        output = []
        for r in inputs:
            top = max(r)
            exps = [exp(x - top) for x in r]
            total = sum(exps)
            output.append([e / total for e in exps])
        return output

    def _backward(self, dvalues):
        dinputs = []
        for s, dv in zip(self.output, dvalues):
            jacobian = softmax_jacobian(s)
            # The Jacobian is symmetric, so J · dvᵀ (the walkthrough's order) is the
            # same column as dv · J; computing J · dvᵀ keeps the textbook form.
            dinputs.append([g[0] for g in dot(jacobian, column(dv))])
        return dinputs

    def predictions(self, output):
        """The index of the largest probability in each row (a list of ints)."""
        return argmax(output)
