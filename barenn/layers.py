"""Layers with something to learn or to switch off: ``Dense`` and ``Dropout``.

Both follow the interface every part of the matrix engine shares (see also
``barenn.activations``):

* ``forward(inputs, training=True)`` stores ``self.inputs`` and ``self.output`` and
  returns the output. ``inputs`` is a batch, n samples x k features (a list of rows).
* ``backward(dvalues)`` takes dL/d(output), same shape as the output, and stores and
  returns ``self.dinputs`` = dL/d(inputs). ``Dense`` also sets ``dweights`` and
  ``dbiases``; ``Dense.backward(dvalues, need_dinputs=False)`` leaves dinputs out
  (a network's first layer has nobody to pass them to).
* ``params()`` lists what an optimizer may change (see ``Dense.params``).

Inputs are never modified; every result is a new list of lists.

>>> layer = Dense(2, 3, seed=0)
>>> layer.weights = [[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]
>>> layer.forward([[1.0, 1.0]])
[[3.0, 1.0, -0.5]]
>>> layer.backward([[1.0, 1.0, 1.0]])
[[0.0, 3.5]]
>>> layer.dweights, layer.dbiases
([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0]])
"""

import math
from collections import namedtuple

from barenn.activations import _batch_shape, _not_numbers, _same_shape
from barenn.matrix import (
    ShapeError,
    add,
    apply,
    copy,
    dot,
    dot_add_row,
    dot_transposed,
    multiply,
    scale,
    sum_all,
    sum_columns,
    transpose,
    zeros,
)
from barenn.rng import make_rng

__all__ = ["Dense", "Dropout", "Param", "INITIALIZERS", "regularization_loss"]

Param = namedtuple("Param", "name value grad")
Param.__doc__ = """One learnable parameter of a layer, as listed by ``params()``.

name:  the layer attribute that holds it ("weights" or "biases"), so
       ``setattr(layer, name, new_matrix)`` replaces it.
value: the parameter matrix itself (the very list the layer uses, not a copy), so
       ``value[i][j] = ...`` changes the layer in place.
grad:  the matching gradient from the last ``backward`` (``dweights`` or
       ``dbiases``, same shape as value), or None before any backward.
"""

# Standard deviation of the normal distribution each initializer draws from.
INITIALIZERS = {
    # The walkthrough's 0.01 * N(0, 1): small enough that a fresh network's softmax
    # outputs are nearly uniform (loss ≈ ln 3 = 1.099 on three classes).
    "walkthrough": lambda n_in, n_out: 0.01,
    # He: keeps the variance of ReLU activations steady from layer to layer.
    "he": lambda n_in, n_out: math.sqrt(2.0 / n_in),
    # Xavier / Glorot (normal form): balances forward and backward variance.
    "xavier": lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
    "glorot": lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
}


def _sign(x):
    """-1, 0 or 1. The L1 penalty |w| has no slope at w = 0; 0 is the choice that
    matches the central-difference slope there (and leaves zero biases alone)."""
    return (x > 0) - (x < 0)


def _count(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Dense: {name} must be a positive int, got {value!r}")
    if value < 1:
        raise ValueError(f"Dense: {name} must be a positive int, got {value}")
    return value


def _penalty(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"Dense: {name} must be a number >= 0, got {value!r}")
    if not value >= 0 or math.isinf(value):  # `not >=` also rejects NaN
        raise ValueError(f"Dense: {name} must be a finite number >= 0, got {value}")
    return value


class Dense:
    """A fully connected layer: output = inputs · weights + biases.

    n_inputs:  features per sample coming in (k).
    n_neurons: neurons, i.e. values per sample going out (m).
    init:      how to draw the starting weights, each from N(0, σ²):
               "walkthrough" σ = 0.01 (the walkthrough's ``0.01 * randn``),
               "he" σ = √(2 / n_inputs), "xavier" (alias "glorot") σ = √(2 / (k + m)).
    seed, rng: where the random numbers come from (``barenn.rng.make_rng``: ``rng``
               if given, else ``random.Random(seed)``). The weights are drawn row by
               row with ``rng.gauss(0, σ)``, the order of numpy's
               ``σ * np.random.randn(k, m)``, so ``rng=barenn.rng.NumpyLegacy(0)``
               reproduces a numpy-seeded network.
    weight_regularizer_l1, weight_regularizer_l2, bias_regularizer_l1,
    bias_regularizer_l2: penalty strengths λ ≥ 0. The penalty
               λ1·Σ|w| + λ2·Σw² (likewise for biases) is reported by
               ``regularization_loss(layer)``, and its slope (λ1·sign(w) + 2·λ2·w) is
               added to dweights / dbiases in ``backward``.

    Shapes: weights k x m, biases 1 x m (zeros at the start); forward takes n x k and
    gives n x m; backward takes dvalues n x m and sets dweights k x m, dbiases 1 x m,
    dinputs n x k.
    """

    def __init__(self, n_inputs, n_neurons, init="walkthrough", seed=None, rng=None,
                 weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0):
        _count("n_inputs", n_inputs)
        _count("n_neurons", n_neurons)
        if init not in INITIALIZERS:
            raise ValueError(f"Dense: unknown init {init!r}; expected one of "
                             + ", ".join(repr(name) for name in INITIALIZERS))
        self.init = init
        self.weight_regularizer_l1 = _penalty("weight_regularizer_l1", weight_regularizer_l1)
        self.weight_regularizer_l2 = _penalty("weight_regularizer_l2", weight_regularizer_l2)
        self.bias_regularizer_l1 = _penalty("bias_regularizer_l1", bias_regularizer_l1)
        self.bias_regularizer_l2 = _penalty("bias_regularizer_l2", bias_regularizer_l2)

        generator = make_rng(seed, rng)
        sigma = INITIALIZERS[init](n_inputs, n_neurons)
        # Row by row, left to right: the order numpy fills randn(n_inputs, n_neurons).
        self.weights = [[generator.gauss(0.0, sigma) for _ in range(n_neurons)]
                        for _ in range(n_inputs)]
        self.biases = zeros(1, n_neurons)

        self.inputs = None
        self.output = None
        self.dweights = None
        self.dbiases = None
        self.dinputs = None

    @property
    def n_inputs(self):
        """Features each sample must have: the number of rows of ``weights``."""
        return len(self.weights)

    @property
    def n_neurons(self):
        """Values each sample comes out with: the number of columns of ``weights``."""
        return len(self.weights[0])

    def __repr__(self):
        extras = "".join(f", {name}={getattr(self, name)!r}" for name in (
            "weight_regularizer_l1", "weight_regularizer_l2",
            "bias_regularizer_l1", "bias_regularizer_l2") if getattr(self, name))
        return f"Dense({self.n_inputs}, {self.n_neurons}, init={self.init!r}{extras})"

    def parameter_count(self):
        """How many numbers the layer learns: k·m weights plus m biases."""
        return self.n_inputs * self.n_neurons + self.n_neurons

    def params(self):
        """The learnable parameters as ``[Param("weights", weights, dweights),
        Param("biases", biases, dbiases)]`` (see ``Param``).

        How an optimizer uses them:

        * read the gradient from ``p.grad`` (set by the last ``backward``);
        * update either in place (``p.value[i][j] -= step``: ``p.value`` *is* the
          layer's matrix) or by assignment (``setattr(layer, p.name, new_matrix)``);
        * key its own state (momentum, caches) by ``(layer, p.name)``, which stays
          valid after an assignment; ``id(p.value)`` does not.

        Call ``params()`` again after each ``backward``: the gradients are new lists
        every time.
        """
        return [Param("weights", self.weights, self.dweights),
                Param("biases", self.biases, self.dbiases)]

    def forward(self, inputs, training=True):
        """inputs (n x n_inputs) · weights + biases -> output (n x n_neurons).

        ``training`` is accepted for a uniform interface and ignored.
        """
        rows, cols = _batch_shape("Dense.forward", inputs)
        if cols != self.n_inputs:
            raise ShapeError(f"Dense.forward: this layer expects n_inputs={self.n_inputs} "
                             f"features per sample, got a {rows}x{cols} batch")
        try:
            output = dot_add_row(inputs, self.weights, self.biases)
        except TypeError:
            raise _not_numbers("Dense.forward", inputs) from None
        self.inputs = inputs
        self.output = output
        return output

    def backward(self, dvalues, need_dinputs=True):
        """dvalues (n x n_neurons) -> dweights, dbiases, and dinputs (returned).

        dweights = inputsᵀ · dvalues   (each weight's slope, summed over the batch)
        dbiases  = column sums of dvalues
        dinputs  = dvalues · weightsᵀ   (passed on to the layer before)
        plus the regularization slopes λ1·sign(p) + 2·λ2·p on weights and biases.

        need_dinputs=False skips dinputs (``self.dinputs`` and the result are then
        None): the first layer of a network has nobody to pass them to, and for
        784 MNIST pixels they would be the most expensive product of the step.
        dweights and dbiases are the same either way.

        Speed: ``dot`` reduces each row of inputsᵀ (one input feature across the
        batch) over its non-zero entries only, so pixels that are 0 in most images
        cost little; the forward pass does the same with each sample's row.
        """
        # dot checks every element of dvalues (naming a non-number) by itself.
        _same_shape("Dense.backward", dvalues, self.output, check_numbers=False)
        try:
            dweights = dot(transpose(self.inputs), dvalues)
            dbiases = sum_columns(dvalues)
            self.dinputs = dot_transposed(dvalues, self.weights) if need_dinputs else None
        except TypeError:
            raise _not_numbers("Dense.backward", dvalues, "dvalues") from None
        self.dweights = _add_penalty_slope(dweights, self.weights,
                                           self.weight_regularizer_l1, self.weight_regularizer_l2)
        self.dbiases = _add_penalty_slope(dbiases, self.biases,
                                          self.bias_regularizer_l1, self.bias_regularizer_l2)
        return self.dinputs


def _add_penalty_slope(gradient, values, l1, l2):
    """gradient + l1·sign(values) + 2·l2·values (terms with λ = 0 skipped)."""
    if l1:
        gradient = add(gradient, scale(apply(_sign, values), l1))
    if l2:
        gradient = add(gradient, scale(values, 2 * l2))
    return gradient


def regularization_loss(layer):
    """The penalty a layer adds to the loss: λ1·Σ|w| + λ2·Σw² + λ1b·Σ|b| + λ2b·Σb².

    Works for any part: layers without regularizers (activations, Dropout, a Dense
    with every λ = 0) give 0.0. Reported next to the data loss; its gradient is
    already added by ``Dense.backward``.
    """
    total = 0.0
    for attribute, prefix in (("weights", "weight"), ("biases", "bias")):
        l1 = getattr(layer, prefix + "_regularizer_l1", 0)
        l2 = getattr(layer, prefix + "_regularizer_l2", 0)
        values = getattr(layer, attribute, None)
        if values is None:
            continue
        if l1:
            total += l1 * sum_all(apply(abs, values))
        if l2:
            total += l2 * sum_all(multiply(values, values))
    return total


def _rate(rate):
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise TypeError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"Dropout: rate must be in [0, 1) (the fraction of values "
                         f"switched off), got {rate}")
    return rate


class Dropout:
    """Switch off a random fraction ``rate`` of the values while training.

    rate:      fraction dropped, 0 <= rate < 1. Each value is kept with probability
               q = 1 − rate, and kept values are divided by q, so every value's
               expected size is unchanged and nothing needs rescaling at inference.
    seed, rng: the random source (``barenn.rng.make_rng``); one ``rng.random()`` per
               value, row by row: ``random() < q`` keeps it.

    forward(inputs, training=True) draws a fresh mask (``self.mask``, n x k, entries
    0 or 1/q) and returns inputs · mask; with ``training=False`` it is the identity
    (``self.mask`` = None). backward multiplies dvalues by the same mask, since each
    output is mask · input.
    """

    def __init__(self, rate, seed=None, rng=None):
        self.rate = _rate(rate)
        self.rng = make_rng(seed, rng)
        self.inputs = None
        self.output = None
        self.mask = None
        self.dinputs = None

    def __repr__(self):
        return f"Dropout({self.rate!r})"

    def params(self):
        """Nothing to learn: ``[]``."""
        return []

    def forward(self, inputs, training=True):
        """Apply a fresh random mask (training) or pass inputs through (inference)."""
        _batch_shape("Dropout.forward", inputs)
        if not training or self.rate == 0:
            self.mask = None
            try:
                output = [[x + 0.0 for x in r] for r in inputs]
            except TypeError:
                raise _not_numbers("Dropout.forward", inputs) from None
        else:
            keep = 1.0 - self.rate
            kept_value = 1.0 / keep
            draw = self.rng.random
            self.mask = [[kept_value if draw() < keep else 0.0 for _ in r] for r in inputs]
            try:
                output = multiply(inputs, self.mask)
            except TypeError:
                raise _not_numbers("Dropout.forward", inputs) from None
        self.inputs = inputs
        self.output = output
        return output

    def backward(self, dvalues):
        """dinputs = dvalues · mask (the same mask as the last forward)."""
        _same_shape("Dropout.backward", dvalues, self.output)
        try:
            if self.mask is None:
                self.dinputs = copy(dvalues)
            else:
                self.dinputs = multiply(dvalues, self.mask)
        except TypeError:
            raise _not_numbers("Dropout.backward", dvalues, "dvalues") from None
        return self.dinputs
