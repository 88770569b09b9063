"""Layers with something to learn or to switch off: ``Dense`` and ``Dropout``.

Both follow the interface every part of the matrix engine shares (``barenn.part``):
``forward(inputs, training=True)`` stores ``self.inputs`` and ``self.output`` and
returns the output, ``backward(dvalues)`` stores and returns ``self.dinputs``;
``Dense`` also sets ``dweights`` and ``dbiases``, and lists what an optimizer may
change in ``params()``. Each method is one line that checks its arguments, then the
walkthrough's lines. Inputs are never modified; every result is a new list of lists.

>>> layer = Dense(2, 3, seed=0)
>>> layer.weights = [[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]
>>> layer.forward([[1.0, 1.0]])
[[3.0, 1.0, -0.5]]
>>> layer.backward([[1.0, 1.0, 1.0]])
[[0.0, 3.5]]
>>> layer.dweights, layer.dbiases
([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0]])
"""

from collections import namedtuple

from barenn.checks import check_dvalues, check_inputs, check_number, check_penalties
from barenn.initializers import INIT_KINDS, INITIALIZERS, init_spec, initial_weights
from barenn.matrix import add, add_row, apply, copy, dot, multiply, scale, sign, sum_all, sum_columns, transpose, zeros
from barenn.part import Part
from barenn.rng import make_rng

__all__ = ["Dense", "Dropout", "Param", "INITIALIZERS", "INIT_KINDS", "initial_weights",
           "regularization_loss", "add_penalty_slope"]


class Dense(Part):
    """A fully connected layer: output = inputs · weights + biases (lessons 01 and 02).

    n_inputs:  features per sample coming in (k).
    n_neurons: neurons, i.e. values per sample going out (m).
    init:      how to draw the starting weights: "walkthrough" (σ = 0.01, the
               default), "he", "xavier"/"glorot", "he_fan_avg", ("normal", σ),
               ("uniform", a) or a function (see ``barenn.initializers``).
    seed, rng: where the random numbers come from (``barenn.rng.make_rng``: ``rng``
               if given, else ``random.Random(seed)``, else the ``random`` module).
               The weights are drawn row by row, the order of numpy's
               ``σ * np.random.randn(k, m)``, so ``rng=barenn.rng.NumpyLegacy(0)``
               reproduces a numpy-seeded network.
    weight_regularizer_l1, weight_regularizer_l2, bias_regularizer_l1,
    bias_regularizer_l2: penalty strengths λ ≥ 0 (lesson 05). The penalty
               λ1·Σ|w| + λ2·Σw² (likewise for biases) is ``regularization_loss(layer)``;
               ``backward`` adds its slope to dweights and dbiases.

    Shapes: weights k x m, biases 1 x m (zeros at the start); forward takes n x k and
    gives n x m; backward takes dvalues n x m and sets dweights k x m, dbiases 1 x m,
    dinputs n x k.
    """

    def __init__(self, n_inputs, n_neurons, init="walkthrough", seed=None, rng=None,
                 weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0):
        check_penalties("Dense", weight_regularizer_l1, weight_regularizer_l2,
                        bias_regularizer_l1, bias_regularizer_l2)
        self.init = init_spec(init)
        self.weights = initial_weights(self.init, n_inputs, n_neurons, make_rng(seed, rng, owner="Dense"),
                                       owner="Dense")
        self.biases = zeros(1, n_neurons)
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2
        self.dweights = None
        self.dbiases = None

    def forward(self, inputs, training=True):
        """output = inputs · weights + biases: (n x n_inputs) -> (n x n_neurons).

        Lesson 02 (a batch through a layer) does this product by hand.
        ``training`` is accepted for a uniform interface and ignored.
        """
        check_inputs("Dense.forward", inputs, self.n_inputs, columns_name="n_inputs")
        self.inputs = inputs
        self.output = add_row(dot(inputs, self.weights), self.biases)
        return self.output

    def backward(self, dvalues):
        """dvalues (n x n_neurons) -> dweights, dbiases, and dinputs (returned).

        The three lines of lesson 02 (a batch through a layer): each weight's slope
        summed over the batch, the column sums, and the gradient passed on to the
        layer before; then the regularization slopes (lesson 05).
        """
        check_dvalues("Dense.backward", dvalues, self.output)
        self.dweights = dot(transpose(self.inputs), dvalues)
        self.dbiases = sum_columns(dvalues)
        self.dinputs = dot(dvalues, transpose(self.weights))
        self.add_penalty_slopes()
        return self.dinputs

    def add_penalty_slopes(self):
        """Add the slopes of the L1 and L2 penalties, λ1·sign(p) + 2·λ2·p, to dweights
        and dbiases (lesson 05, regularization; nothing when every λ is 0)."""
        self.dweights = add_penalty_slope(self.dweights, self.weights,
                                          self.weight_regularizer_l1, self.weight_regularizer_l2)
        self.dbiases = add_penalty_slope(self.dbiases, self.biases,
                                         self.bias_regularizer_l1, self.bias_regularizer_l2)

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
        init = getattr(self.init, "__name__", None) if callable(self.init) else None
        return f"Dense({self.n_inputs}, {self.n_neurons}, init={init or repr(self.init)}{extras})"

    def parameter_count(self):
        """How many numbers the layer learns: k·m weights plus m biases."""
        return self.n_inputs * self.n_neurons + self.n_neurons

    def params(self):
        """The learnable parameters as ``[Param("weights", weights, dweights),
        Param("biases", biases, dbiases)]`` (see ``Param``).

        An optimizer reads the gradient from ``p.grad`` (set by the last
        ``backward``), sets the new value with ``setattr(layer, p.name, new_matrix)``
        and keys its own state (momentum, caches) by ``(layer, p.name)``. Call
        ``params()`` again after each ``backward``: the gradients are new lists.
        """
        return [Param("weights", self.weights, self.dweights),
                Param("biases", self.biases, self.dbiases)]


def add_penalty_slope(gradient, values, l1, l2):
    """gradient + λ1·sign(values) + 2·λ2·values: the slope of the L1 and L2 penalties
    added to a parameter's gradient (terms with λ = 0 skipped). Lesson 05."""
    if l1:
        gradient = add(gradient, scale(apply(sign, values), l1))
    if l2:
        gradient = add(gradient, scale(values, 2 * l2))
    return gradient


def regularization_loss(layer):
    """The penalty a layer adds to the loss: λ1·Σ|w| + λ2·Σw² + λ1b·Σ|b| + λ2b·Σb² (lesson 05).

    Works for any part: layers without regularizers (activations, Dropout, a Dense
    with every λ = 0) give 0.0. Reported next to the data loss; its slope is added
    by ``Dense.backward``.
    """
    total = 0.0
    for attribute, prefix in (("weights", "weight"), ("biases", "bias")):
        l1 = getattr(layer, prefix + "_regularizer_l1", 0)
        l2 = getattr(layer, prefix + "_regularizer_l2", 0)
        values = getattr(layer, attribute, None)
        if l1 and values is not None:
            total += l1 * sum_all(apply(abs, values))
        if l2 and values is not None:
            total += l2 * sum_all(multiply(values, values))
    return total


class Dropout(Part):
    """Switch off a random fraction ``rate`` of the values while training (lesson 05).

    rate:      fraction dropped, 0 <= rate < 1. Each value is kept with probability
               q = 1 − rate, and kept values are divided by q, so every value's
               expected size is unchanged and nothing needs rescaling at inference.
    seed, rng: the random source (``barenn.rng.make_rng``); one ``rng.random()`` per
               value, row by row: ``random() < q`` keeps it.

    forward draws a fresh mask (``self.mask``, n x k, entries 0 or 1/q) and returns
    inputs · mask, element by element; with ``training=False`` (or rate 0) it is the
    identity and ``self.mask`` is None. backward multiplies dvalues by the same mask.
    """

    def __init__(self, rate, seed=None, rng=None):
        self.rate = check_number("Dropout", "rate", rate, low=0, high=1, high_open=True)
        self.rng = make_rng(seed, rng)
        self.mask = None

    def __repr__(self):
        return f"Dropout({self.rate!r})"

    def forward(self, inputs, training=True):
        """A fresh random mask times the inputs (training), or the inputs (inference).
        (Lesson 05.)"""
        check_inputs("Dropout.forward", inputs)
        self.inputs = inputs
        keep = 1.0 - self.rate
        self.mask = ([[1.0 / keep if self.rng.random() < keep else 0.0 for _ in row] for row in inputs]
                     if training and self.rate > 0 else None)
        self.output = copy(inputs) if self.mask is None else multiply(inputs, self.mask)
        return self.output

    def backward(self, dvalues):
        """dinputs = dvalues · mask, element by element (the last forward's mask) (lesson 05)."""
        check_dvalues("Dropout.backward", dvalues, self.output)
        self.dinputs = copy(dvalues) if self.mask is None else multiply(dvalues, self.mask)
        return self.dinputs


Param = namedtuple("Param", "name value grad")
Param.__doc__ = """One learnable parameter of a layer, as listed by ``params()``.

name:  the layer attribute that holds it ("weights" or "biases"), so
       ``setattr(layer, name, new_matrix)`` replaces it.
value: the parameter matrix itself (the very list the layer uses, not a copy).
grad:  the matching gradient from the last ``backward`` (``dweights`` or
       ``dbiases``, same shape as value), or None before any backward.
"""
