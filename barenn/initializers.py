"""How a Dense layer draws its starting weights (its ``init`` argument).

By name, each weight from N(0, σ²):

* "walkthrough": σ = 0.01, the walkthrough's ``0.01 * randn``: small enough that a
  fresh network's softmax outputs are nearly uniform (loss ≈ ln 3 = 1.099 on 3 classes);
* "he": σ = √(2 / n_inputs), keeps the variance of ReLU activations steady;
* "xavier" (alias "glorot"): σ = √(2 / (n_inputs + n_neurons)), the normal Glorot form;
* "he_fan_avg": σ = √(4 / (n_inputs + n_neurons)), He's factor 2 over the average of
  the two fans (Keras' VarianceScaling(scale=2, mode="fan_avg"), as used by a deep
  ReLU regressor written from Prince's "Understanding Deep Learning").

With a number: ``("normal", σ)`` draws N(0, σ²) (``0.1 * randn`` is ("normal", 0.1));
``("uniform", a)`` draws uniformly from [-a, a). Or a function
``init(rng, n_inputs, n_neurons)`` that returns the n_inputs x n_neurons weights.

>>> import random
>>> [[round(w, 4) for w in row] for row in initial_weights("he", 2, 3, random.Random(0))]
[[0.9417, -1.3966, -0.6797], [0.3705, -1.0163, -0.0721]]
"""

import math

from barenn.checks import ShapeError, check_choice, check_int, check_number, describe

__all__ = ["INITIALIZERS", "INIT_KINDS", "init_spec", "initial_weights"]

# Standard deviation of the normal distribution each named initializer draws from.
INITIALIZERS = {
    "walkthrough": lambda n_in, n_out: 0.01,
    "he": lambda n_in, n_out: math.sqrt(2.0 / n_in),
    "xavier": lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
    "glorot": lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
    "he_fan_avg": lambda n_in, n_out: math.sqrt(4.0 / (n_in + n_out)),
}

# The initializers that take a number: ("normal", σ) and ("uniform", a).
INIT_KINDS = ("normal", "uniform")


def init_spec(init, owner="Dense"):
    """``init`` checked: a name, a (kind, number) tuple (a list becomes a tuple), or a
    function (kept as given). Errors name ``owner``."""
    if callable(init) and not isinstance(init, (str, list, tuple)):
        return init
    if isinstance(init, (list, tuple)):
        if len(init) != 2 or not isinstance(init[0], str):
            raise ValueError(f"{owner}: init must be a name, (\"normal\", std), (\"uniform\", bound) "
                             f"or a function (rng, n_inputs, n_neurons) -> weights, got {init!r}")
        kind = check_choice(owner, "init[0]", init[0], INIT_KINDS)
        return (kind, check_number(owner, "init[1]", init[1], low=0, low_open=True))
    return check_choice(owner, "init", init, tuple(INITIALIZERS))


def initial_weights(init, n_inputs, n_neurons, rng, owner="initial_weights"):
    """The n_inputs x n_neurons starting weights that ``init`` describes (see the module).

    Drawn row by row, left to right (numpy's order for an (n_inputs, n_neurons)
    array): normal ones with ``rng.gauss(0, σ)``, uniform ones as
    ``-a + 2a * rng.random()`` (numpy's and Python's ``uniform(-a, a)`` formula).
    A function is called as ``init(rng, n_inputs, n_neurons)`` and must return the
    n_inputs x n_neurons weights (a list of lists, or anything with ``tolist()``).
    Errors name ``owner``.
    """
    init = init_spec(init, owner)
    check_int(owner, "n_inputs", n_inputs, low=1)
    check_int(owner, "n_neurons", n_neurons, low=1)
    check_int(owner, "n_inputs x n_neurons", n_inputs * n_neurons, low=1)
    if not (callable(getattr(rng, "gauss", None)) and callable(getattr(rng, "random", None))):
        raise TypeError(f"{owner}: rng must be a random.Random (or have gauss() and "
                        f"random()), got {describe(rng)}")
    if isinstance(init, tuple) and init[0] == "uniform":
        low, width = -init[1], 2.0 * init[1]
        return [[low + width * rng.random() for _ in range(n_neurons)] for _ in range(n_inputs)]
    if callable(init):
        return _weights_from_function(init, n_inputs, n_neurons, rng, owner)
    sigma = init[1] if isinstance(init, tuple) else INITIALIZERS[init](n_inputs, n_neurons)
    return [[rng.gauss(0.0, sigma) for _ in range(n_neurons)] for _ in range(n_inputs)]


def _weights_from_function(init, n_inputs, n_neurons, rng, owner):
    """``init(rng, n_inputs, n_neurons)``, checked to be n_inputs x n_neurons numbers."""
    weights = init(rng, n_inputs, n_neurons)
    weights = weights.tolist() if hasattr(weights, "tolist") else weights
    if (not isinstance(weights, (list, tuple)) or len(weights) != n_inputs
            or any(not isinstance(r, (list, tuple)) or len(r) != n_neurons for r in weights)):
        raise ShapeError(f"{owner}: the init function must return {n_inputs}x{n_neurons} weights "
                         "(n_inputs rows of n_neurons numbers; transpose a neurons x inputs "
                         "matrix first)")
    try:
        return [[float(check_number(owner, "an initial weight", w)) for w in r] for r in weights]
    except TypeError:
        raise TypeError(f"{owner}: the init function must return numbers") from None
