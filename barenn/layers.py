"""Layers with something to learn or to switch off: ``Dense`` and ``Dropout``.

Both follow the interface every part of the matrix engine shares (see also
``barenn.activations``):

* ``forward(inputs, training=True)`` stores ``self.inputs`` and ``self.output`` and
  returns the output. ``inputs`` is a batch, n samples x k features (a list of rows).
* ``backward(dvalues)`` takes dL/d(output), same shape as the output, and stores and
  returns ``self.dinputs`` = dL/d(inputs). ``Dense`` also sets ``dweights`` and
  ``dbiases``.
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

from barenn.checks import (
    describe,
    ShapeError,
    check_batch,
    check_choice,
    check_dvalues,
    check_int,
    check_number,
    entry_error,
)
from barenn.matrix import (
    add,
    add_row,
    apply,
    copy,
    dot,
    multiply,
    scale,
    sum_all,
    sum_columns,
    transpose,
    zeros,
)
from barenn.rng import make_rng

__all__ = ["Dense", "Dropout", "Param", "INITIALIZERS", "INIT_KINDS", "initial_weights",
           "regularization_loss", "add_penalty_slope"]

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
    # He's factor 2 over the average of the two fans: σ = √(4 / (k + m)), the normal
    # used by a deep ReLU regressor written from Prince's "Understanding Deep Learning"
    # (Keras: VarianceScaling(scale=2, mode="fan_avg", distribution="untruncated_normal")).
    "he_fan_avg": lambda n_in, n_out: math.sqrt(4.0 / (n_in + n_out)),
}

# The initializers that take a number: ("normal", σ) draws N(0, σ²),
# ("uniform", a) draws uniformly from [-a, a).
INIT_KINDS = ("normal", "uniform")


def _init_spec(init):
    """``init`` checked: a name, a (kind, number) tuple, or a function (kept as given)."""
    if callable(init) and not isinstance(init, (str, list, tuple)):
        return init
    if isinstance(init, (list, tuple)):
        if len(init) != 2 or not isinstance(init[0], str):
            raise ValueError("Dense: init must be a name, (\"normal\", std), (\"uniform\", bound) "
                             f"or a function (rng, n_inputs, n_neurons) -> weights, got {init!r}")
        kind = check_choice("Dense", "init[0]", init[0], INIT_KINDS)
        number = check_number("Dense", "init[1]", init[1], low=0, low_open=True)
        return (kind, number)
    return check_choice("Dense", "init", init, tuple(INITIALIZERS))


def initial_weights(init, n_inputs, n_neurons, rng):
    """The n_inputs x n_neurons starting weights that ``init`` describes (see ``Dense``).

    Drawn row by row, left to right (numpy's order for an (n_inputs, n_neurons)
    array): normal ones with ``rng.gauss(0, σ)``, uniform ones as
    ``-a + 2a * rng.random()`` (numpy's and Python's ``uniform(-a, a)`` formula).
    A function is called as ``init(rng, n_inputs, n_neurons)`` and must return the
    n_inputs x n_neurons weights (a list of lists, or anything with ``tolist()``).
    """
    init = _init_spec(init)
    check_int("initial_weights", "n_inputs", n_inputs, low=1)
    check_int("initial_weights", "n_neurons", n_neurons, low=1)
    check_int("initial_weights", "n_inputs x n_neurons", n_inputs * n_neurons, low=1)
    if not (callable(getattr(rng, "gauss", None)) and callable(getattr(rng, "random", None))):
        raise TypeError(f"initial_weights: rng must be a random.Random (or have gauss() and "
                        f"random()), got {describe(rng)}")
    if isinstance(init, tuple) and init[0] == "uniform":
        low, width = -init[1], 2.0 * init[1]
        return [[low + width * rng.random() for _ in range(n_neurons)] for _ in range(n_inputs)]
    if callable(init) and not isinstance(init, (str, tuple)):
        weights = init(rng, n_inputs, n_neurons)
        weights = weights.tolist() if hasattr(weights, "tolist") else weights
        if (not isinstance(weights, (list, tuple)) or len(weights) != n_inputs
                or any(not isinstance(r, (list, tuple)) or len(r) != n_neurons for r in weights)):
            raise ShapeError(f"Dense: the init function must return {n_inputs}x{n_neurons} weights "
                             "(n_inputs rows of n_neurons numbers; transpose a neurons x inputs "
                             "matrix first)")
        try:
            return [[float(check_number("Dense", "an initial weight", w)) for w in r] for r in weights]
        except TypeError:
            raise TypeError("Dense: the init function must return numbers") from None
    sigma = init[1] if isinstance(init, tuple) else INITIALIZERS[init](n_inputs, n_neurons)
    return [[rng.gauss(0.0, sigma) for _ in range(n_neurons)] for _ in range(n_inputs)]


def _sign(x):
    """-1, 0 or 1. The L1 penalty |w| has no slope at w = 0; 0 is the choice that
    matches the central-difference slope there (and leaves zero biases alone)."""
    return (x > 0) - (x < 0)


def _penalty(name, value):
    """A regularization strength: a finite number >= 0 (kept as given)."""
    check_number("Dense", name, value, low=0)
    return value


class Dense:
    """A fully connected layer: output = inputs · weights + biases.

    n_inputs:  features per sample coming in (k).
    n_neurons: neurons, i.e. values per sample going out (m).
    init:      how to draw the starting weights. By name, each from N(0, σ²):
               "walkthrough" σ = 0.01 (the walkthrough's ``0.01 * randn``),
               "he" σ = √(2 / n_inputs), "xavier" (alias "glorot") σ = √(2 / (k + m)),
               "he_fan_avg" σ = √(4 / (k + m)). With a number: ("normal", σ), e.g.
               ("normal", 0.1) for ``0.1 * randn``; ("uniform", a) for uniform on
               [-a, a), e.g. ("uniform", 1) for ``np.random.uniform(-1, 1)``. Or a
               function ``init(rng, n_inputs, n_neurons)`` returning the k x m weights.
    seed, rng: where the random numbers come from (``barenn.rng.make_rng``: ``rng``
               if given, else ``random.Random(seed)``, else the ``random`` module,
               so ``random.seed(...)`` decides). The weights are drawn row by row
               with ``rng.gauss(0, σ)``, the order of numpy's
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
        check_int("Dense", "n_inputs", n_inputs, low=1)
        check_int("Dense", "n_neurons", n_neurons, low=1)
        check_int("Dense", "n_inputs x n_neurons", n_inputs * n_neurons, low=1)
        self.init = _init_spec(init)
        self.weight_regularizer_l1 = _penalty("weight_regularizer_l1", weight_regularizer_l1)
        self.weight_regularizer_l2 = _penalty("weight_regularizer_l2", weight_regularizer_l2)
        self.bias_regularizer_l1 = _penalty("bias_regularizer_l1", bias_regularizer_l1)
        self.bias_regularizer_l2 = _penalty("bias_regularizer_l2", bias_regularizer_l2)

        generator = make_rng(seed, rng, owner="Dense")
        # Row by row, left to right: the order numpy fills randn(n_inputs, n_neurons).
        self.weights = initial_weights(self.init, n_inputs, n_neurons, generator)
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
        init = getattr(self.init, "__name__", None) if callable(self.init) else None
        init = init or repr(self.init)
        return f"Dense({self.n_inputs}, {self.n_neurons}, init={init}{extras})"

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
        """output = inputs · weights + biases: (n x n_inputs) -> (n x n_neurons).

        Lesson 02 (a batch through a layer) does this product by hand.
        ``training`` is accepted for a uniform interface and ignored.
        """
        rows, cols = check_batch("Dense.forward", inputs)
        if cols != self.n_inputs:
            raise ShapeError(f"Dense.forward: this layer expects n_inputs={self.n_inputs} "
                             f"features per sample, got a {rows}x{cols} batch")
        try:
            output = add_row(dot(inputs, self.weights), self.biases)
        except TypeError:
            raise entry_error("Dense.forward", inputs) from None
        self.inputs = inputs
        self.output = output
        return output

    def backward(self, dvalues):
        """dvalues (n x n_neurons) -> dweights, dbiases, and dinputs (returned).

        The three lines of lesson 02 (a batch through a layer)::

            dweights = inputsᵀ · dvalues    each weight's slope, summed over the batch
            dbiases  = column sums of dvalues
            dinputs  = dvalues · weightsᵀ   passed on to the layer before

        plus the regularization slopes λ1·sign(p) + 2·λ2·p on weights and biases
        (lesson 05). Shapes: dweights k x m, dbiases 1 x m, dinputs n x k.
        """
        check_dvalues("Dense.backward", dvalues, self.output)
        self.dweights = add_penalty_slope(dot(transpose(self.inputs), dvalues), self.weights,
                                          self.weight_regularizer_l1, self.weight_regularizer_l2)
        self.dbiases = add_penalty_slope(sum_columns(dvalues), self.biases,
                                         self.bias_regularizer_l1, self.bias_regularizer_l2)
        self.dinputs = dot(dvalues, transpose(self.weights))
        return self.dinputs


def add_penalty_slope(gradient, values, l1, l2):
    """gradient + λ1·sign(values) + 2·λ2·values: the slope of the L1 and L2 penalties
    added to a parameter's gradient (terms with λ = 0 skipped). Lesson 05."""
    if l1:
        gradient = add(gradient, scale(apply(_sign, values), l1))
    if l2:
        gradient = add(gradient, scale(values, 2 * l2))
    return gradient


def regularization_loss(layer):
    """The penalty a layer adds to the loss: λ1·Σ|w| + λ2·Σw² + λ1b·Σ|b| + λ2b·Σb² (lesson 05).

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


class Dropout:
    """Switch off a random fraction ``rate`` of the values while training.

    rate:      fraction dropped, 0 <= rate < 1. Each value is kept with probability
               q = 1 − rate, and kept values are divided by q, so every value's
               expected size is unchanged and nothing needs rescaling at inference.
    seed, rng: the random source (``barenn.rng.make_rng``); one ``rng.random()`` per
               value, row by row: ``random() < q`` keeps it.

    forward(inputs, training=True) draws a fresh mask (``self.mask``, n x k, entries
    0 or 1/q) and returns the elementwise product inputs[i][j] * mask[i][j]; with
    ``training=False`` it is the identity (``self.mask`` = None). backward multiplies
    dvalues elementwise by the same mask, since each output is mask[i][j] * input[i][j].
    Lesson 05 (regularization and dropout) shows it at work.
    """

    def __init__(self, rate, seed=None, rng=None):
        check_number("Dropout", "rate", rate, low=0, high=1, high_open=True)
        self.rate = rate
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
        check_batch("Dropout.forward", inputs)
        if not training or self.rate == 0:
            self.mask = None
            try:
                output = [[x + 0.0 for x in r] for r in inputs]
            except TypeError:
                raise entry_error("Dropout.forward", inputs) from None
        else:
            keep = 1.0 - self.rate
            kept_value = 1.0 / keep
            draw = self.rng.random
            self.mask = [[kept_value if draw() < keep else 0.0 for _ in r] for r in inputs]
            try:
                output = multiply(inputs, self.mask)
            except TypeError:
                raise entry_error("Dropout.forward", inputs) from None
        self.inputs = inputs
        self.output = output
        return output

    def backward(self, dvalues):
        """dinputs = dvalues · mask (the same mask as the last forward)."""
        check_dvalues("Dropout.backward", dvalues, self.output)
        try:
            if self.mask is None:
                self.dinputs = copy(dvalues)
            else:
                self.dinputs = multiply(dvalues, self.mask)
        except TypeError:
            raise entry_error("Dropout.backward", dvalues, "dvalues") from None
        return self.dinputs
