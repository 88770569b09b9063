"""Neurons, layers and multi-layer perceptrons built from :class:`barenn.autograd.Value`.

This is the second engine: every weight is a ``Value`` and every multiplication and
addition of a forward pass is a node of a graph, so ``loss.backward()`` fills in the
gradient of every weight. It works one sample at a time (a sample is a list of numbers)
and is slow next to the matrix engine (``barenn.layers``), but every number in it can be
followed by hand.

>>> model = MLP(3, [4, 4, 1], seed=0)
>>> out = model([2.0, 3.0, -1.0])
>>> len(out), type(out[0]).__name__          # a one-neuron layer still returns a list
(1, 'Value')
>>> len(model.parameters())                  # (3+1)*4 + (4+1)*4 + (4+1)*1
41
"""

from barenn.autograd import Value
from barenn.rng import make_rng

__all__ = ["ACTIVATIONS", "Neuron", "Layer", "MLP"]

# Activation name -> the Value method that applies it (None: leave the sum as it is).
ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; expected one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return activation


def _check_count(n, what):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive whole number, got {n!r}")
    return n


class Neuron:
    """One neuron: ``activation(w1*x1 + w2*x2 + ... + wn*xn + b)`` on one sample.

    ``weights`` is a list of ``n_inputs`` Values, ``bias`` one Value, all drawn uniformly
    from [-1, 1) with ``random.Random(seed)`` or the given ``rng`` (barenn.rng.make_rng).
    ``activation`` is one of ``'tanh'``, ``'relu'``, ``'sigmoid'``, ``'linear'``.
    """

    def __init__(self, n_inputs, activation="tanh", seed=None, rng=None):
        _check_count(n_inputs, "n_inputs")
        self.activation = _check_activation(activation)
        rng = make_rng(seed, rng)
        # uniform on [-1, 1) from rng.random() alone, so any generator with random() works
        self.weights = [Value(2.0 * rng.random() - 1.0, f"w{i + 1}") for i in range(n_inputs)]
        self.bias = Value(2.0 * rng.random() - 1.0, "b")

    def __call__(self, inputs):
        """The neuron's output (a Value) for one sample ``inputs`` (numbers or Values)."""
        weights = self.weights
        if len(inputs) != len(weights):
            raise ValueError(
                f"Neuron: expected a sample of {len(weights)} inputs, got {len(inputs)}"
            )
        # The weighted sum first, then the bias, as in the picture of a neuron.
        total = weights[0] * inputs[0]
        for i in range(1, len(weights)):
            total = total + weights[i] * inputs[i]
        total = total + self.bias
        apply = ACTIVATIONS[self.activation]
        return total if apply is None else apply(total)

    def parameters(self):
        """The weights, then the bias: a list of ``n_inputs + 1`` Values."""
        return self.weights + [self.bias]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def __repr__(self):
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"


class Layer:
    """``n_neurons`` neurons that all see the same sample; returns a list of their outputs."""

    def __init__(self, n_inputs, n_neurons, activation="tanh", seed=None, rng=None):
        _check_count(n_neurons, "n_neurons")
        rng = make_rng(seed, rng)
        self.neurons = [Neuron(n_inputs, activation, rng=rng) for _ in range(n_neurons)]

    def __call__(self, inputs):
        """A list of ``n_neurons`` Values, even when there is only one neuron."""
        return [neuron(inputs) for neuron in self.neurons]

    def parameters(self):
        """Each neuron's weights and bias, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def __repr__(self):
        n = self.neurons[0]
        return f"Layer({len(n.weights)}, {len(self.neurons)}, activation={n.activation!r})"


class MLP:
    """A multi-layer perceptron: ``MLP(n_inputs, [size1, size2, ...])``.

    ``activation`` is used by every layer, except that the last layer uses
    ``output_activation`` when one is given (e.g. ``'linear'`` for a raw score). Or pass
    ``activation`` as a list with one name per layer. Calling the model on one sample
    (a list of ``n_inputs`` numbers) returns the last layer's outputs as a list.
    """

    def __init__(self, n_inputs, sizes, activation="tanh", output_activation=None,
                 seed=None, rng=None):
        _check_count(n_inputs, "n_inputs")
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP needs at least one layer size, got []")
        if isinstance(activation, str):
            activations = [activation] * len(sizes)
        else:
            activations = list(activation)
            if len(activations) != len(sizes):
                raise ValueError(
                    f"MLP: {len(sizes)} layers but {len(activations)} activations {activations!r}"
                )
        if output_activation is not None:
            activations[-1] = output_activation
        rng = make_rng(seed, rng)
        widths = [n_inputs] + sizes
        self.layers = [
            Layer(widths[i], widths[i + 1], activations[i], rng=rng) for i in range(len(sizes))
        ]

    def __call__(self, inputs):
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs

    def parameters(self):
        """Every weight and bias, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def __repr__(self):
        return f"MLP([{', '.join(map(repr, self.layers))}])"
