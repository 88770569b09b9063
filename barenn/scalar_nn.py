"""Neurons and layers built from :class:`barenn.autograd.Value` (lesson 08, scalar autograd).

This is the second engine: every weight is a ``Value`` and every multiplication and
addition of a forward pass is a node of a graph, so ``loss.backward()`` fills in the
gradient of every weight. It works one sample at a time (a sample is a list of numbers
or Values) and is slow next to the matrix engine (``barenn.layers``), but every number
in it can be followed by hand. ``barenn.mlp.MLP`` stacks these layers (or the fast
tier's, ``barenn.fast.scalar``, which make each weighted sum one node).

>>> neuron = Neuron(2, seed=0)
>>> out = neuron([1.0, -2.0])
>>> [v.op for v in out.topological_order() if v.op]    # w1*x1 + w2*x2 + b, then tanh
['*', '*', '+', '+', 'tanh']
>>> len(Layer(3, 4, seed=0).parameters())              # (3 + 1) * 4
16
"""

from barenn.autograd import Value
from barenn.checks import check_choice, check_int
from barenn.scalar_checks import check_parameter_count, check_sample
from barenn.rng import make_rng

__all__ = ["ACTIVATIONS", "Module", "Neuron", "Layer", "example_neuron"]

# Activation name -> the Value method that applies it ('linear' leaves the sum as it is:
# +v is v itself).
ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": Value.__pos__,
}


class Module:
    """What Neuron, Layer and MLP share: a list of parameters, and zeroing their grads.

    A subclass defines :meth:`parameters`; :meth:`zero_grad` works on whatever it returns.
    """

    def parameters(self):
        """Every Value this module learns (none for the base class)."""
        return []

    def zero_grad(self):
        """Set ``grad`` to 0.0 on every parameter (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One neuron: ``activation(w1*x1 + w2*x2 + ... + wn*xn + b)`` on one sample (lesson 08).

    ``weights`` is a list of ``n_inputs`` Values, ``bias`` one Value, all drawn uniformly
    from [-1, 1) (``2 * random() - 1``, the very number ``random.uniform(-1, 1)`` gives)
    with ``random.Random(seed)``, the given ``rng``, or, with neither, the ``random``
    module itself (barenn.rng.make_rng).
    ``activation`` is one of ``'tanh'``, ``'relu'``, ``'sigmoid'``, ``'linear'``.
    """

    def __init__(self, n_inputs, activation="tanh", seed=None, rng=None):
        check_int("Neuron", "n_inputs", n_inputs, low=1)
        self.activation = check_choice("Neuron", "activation", activation, tuple(ACTIVATIONS))
        rng = make_rng(seed, rng, owner="Neuron")
        # uniform on [-1, 1) from rng.random() alone, so any generator with random() works
        self.weights = [Value(2.0 * rng.random() - 1.0, f"w{i + 1}") for i in range(n_inputs)]
        self.bias = Value(2.0 * rng.random() - 1.0, "b")

    def __call__(self, inputs):
        """The neuron's output (a Value) for one sample ``inputs`` (numbers or Values):
        one node per multiplication and per addition, the graph lesson 08 draws."""
        check_sample("Neuron", inputs, len(self.weights))
        total = self.weights[0] * inputs[0]
        for w, x in zip(self.weights[1:], inputs[1:]):
            total = total + w * x
        total = total + self.bias
        return ACTIVATIONS[self.activation](total)

    def parameters(self):
        """The weights, then the bias: a list of ``n_inputs + 1`` Values."""
        return self.weights + [self.bias]

    def __repr__(self):
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"


class Layer(Module):
    """``n_neurons`` neurons that all see the same sample; returns a list of their outputs
    (lesson 08). ``neuron`` is the kind of neuron it is made of."""

    neuron = Neuron

    def __init__(self, n_inputs, n_neurons, activation="tanh", seed=None, rng=None):
        check_parameter_count("Layer", [n_inputs, n_neurons], activation, tuple(ACTIVATIONS))
        rng = make_rng(seed, rng, owner="Layer")
        self.neurons = [self.neuron(n_inputs, activation, rng=rng) for _ in range(n_neurons)]

    def __call__(self, inputs):
        """A list of ``n_neurons`` Values, even when there is only one neuron (lesson 08)."""
        return [neuron(inputs) for neuron in self.neurons]

    def parameters(self):
        """Each neuron's weights and bias, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        n = self.neurons[0]
        return f"Layer({len(n.weights)}, {len(self.neurons)}, activation={n.activation!r})"


def example_neuron():
    """The one-neuron graph of lesson 08, after ``backward()``: o = tanh(x1*w1 + x2*w2 + b).

    x1 = 2, x2 = 0, w1 = -3, w2 = 1, and b is picked so that n = x1*w1 + x2*w2 + b
    is 0.8814, where tanh(n) = 1/sqrt(2) and so do/dn = 1 - o**2 = 0.5: slopes easy
    to check by eye. ``python -m barenn graph`` draws it (with barenn.graph).

    >>> o = example_neuron()
    >>> round(o.data, 4), [v.label for v in o.topological_order()][-2:]
    (0.7071, ['n', 'o'])
    """
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o
