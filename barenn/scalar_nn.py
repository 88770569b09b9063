"""Neurons, layers and multi-layer perceptrons built from :class:`barenn.autograd.Value`
(taught in lesson 08, scalar autograd).

This is the second engine: every weight is a ``Value`` and every multiplication and
addition of a forward pass is a node of a graph, so ``loss.backward()`` fills in the
gradient of every weight. It works one sample at a time (a sample is a list of numbers)
and is slow next to the matrix engine (``barenn.layers``), but every number in it can be
followed by hand.

>>> model = MLP(3, [4, 4, 1], seed=0)
>>> type(model([2.0, 3.0, -1.0])).__name__    # one output: a single Value
'Value'
>>> len(MLP(3, [4, 2], seed=0)([2.0, 3.0, -1.0]))   # several: a list of Values
2
>>> len(model.parameters())                  # (3+1)*4 + (4+1)*4 + (4+1)*1
41
"""

from barenn.autograd import Value, weighted_sum
from barenn.checks import MAX_SIZE, check_bool, check_choice, check_int, check_type
from barenn.rng import make_rng

__all__ = ["ACTIVATIONS", "Module", "Neuron", "Layer", "MLP", "example_neuron"]

# Activation name -> the Value method that applies it (None: leave the sum as it is).
ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _check_parameter_count(owner, count):
    """Refuse a model too big to build before building any of it."""
    if count > MAX_SIZE:
        raise ValueError(f"{owner}: the model would have {count:,} weights and biases; "
                         f"at most {MAX_SIZE:,}")


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
    """One neuron: ``activation(w1*x1 + w2*x2 + ... + wn*xn + b)`` on one sample
    (lesson 08).

    ``weights`` is a list of ``n_inputs`` Values, ``bias`` one Value, all drawn uniformly
    from [-1, 1) (``2 * random() - 1``, the very number ``random.uniform(-1, 1)`` gives)
    with ``random.Random(seed)``, the given ``rng``, or, with neither, the ``random``
    module itself (barenn.rng.make_rng).
    ``activation`` is one of ``'tanh'``, ``'relu'``, ``'sigmoid'``, ``'linear'``.

    ``one_node=True`` (the default) makes the weighted sum w1*x1 + ... + wn*xn + b
    one graph node (``barenn.autograd.weighted_sum``): the same number and the same
    gradients as 2n + 1 separate ``*`` and ``+`` nodes, with ten times fewer objects
    for Python to make and for its garbage collector to walk (the reason a training
    step is fast). ``one_node=False`` builds the separate nodes, one per
    multiplication and addition, the graph lesson 08 draws.
    """

    def __init__(self, n_inputs, activation="tanh", seed=None, rng=None, one_node=True):
        check_int("Neuron", "n_inputs", n_inputs, low=1)
        self.activation = check_choice("Neuron", "activation", activation, tuple(ACTIVATIONS))
        self.one_node = check_bool("Neuron", "one_node", one_node)
        rng = make_rng(seed, rng, owner="Neuron")
        # uniform on [-1, 1) from rng.random() alone, so any generator with random() works
        self.weights = [Value(2.0 * rng.random() - 1.0, f"w{i + 1}") for i in range(n_inputs)]
        self.bias = Value(2.0 * rng.random() - 1.0, "b")

    def __call__(self, inputs):
        """The neuron's output (a Value) for one sample ``inputs`` (numbers or Values)."""
        weights = self.weights
        check_type("Neuron", "inputs", inputs, (list, tuple), "one sample: a list of numbers or Values")
        if len(inputs) != len(weights):
            raise ValueError(
                f"Neuron: expected a sample of {len(weights)} inputs, got {len(inputs)}"
            )
        if self.one_node:
            total = weighted_sum(weights, inputs, self.bias)
        else:
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

    def __repr__(self):
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"


class Layer(Module):
    """``n_neurons`` neurons that all see the same sample; returns a list of their outputs
    (lesson 08)."""

    def __init__(self, n_inputs, n_neurons, activation="tanh", seed=None, rng=None, one_node=True):
        check_int("Layer", "n_inputs", n_inputs, low=1)
        check_int("Layer", "n_neurons", n_neurons, low=1)
        check_choice("Layer", "activation", activation, tuple(ACTIVATIONS))
        _check_parameter_count("Layer", (n_inputs + 1) * n_neurons)
        check_bool("Layer", "one_node", one_node)
        rng = make_rng(seed, rng, owner="Layer")
        self.neurons = [Neuron(n_inputs, activation, rng=rng, one_node=one_node)
                        for _ in range(n_neurons)]

    def __call__(self, inputs):
        """A list of ``n_neurons`` Values, even when there is only one neuron."""
        return [neuron(inputs) for neuron in self.neurons]

    def parameters(self):
        """Each neuron's weights and bias, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        n = self.neurons[0]
        return f"Layer({len(n.weights)}, {len(self.neurons)}, activation={n.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(n_inputs, [size1, size2, ...])`` (lesson 08).

    ``activation`` is used by every layer, except that the last layer uses
    ``output_activation`` when one is given (e.g. ``'linear'`` for a raw score). Or pass
    ``activation`` as a list with one name per layer. Calling the model on one sample
    (a list of ``n_inputs`` numbers or Values) returns the last layer's outputs: a
    single Value when the last layer has one neuron (so ``sum((model(x) - y)**2 ...)``
    works as in micrograd-style tutorials), else a list of Values.
    ``outputs(sample)`` always returns the list. ``one_node``: see :class:`Neuron`.

    Without ``seed`` or ``rng`` the weights come from the ``random`` module, so
    ``random.seed(1337)`` at the top of a script makes them the same every run.
    """

    def __init__(self, n_inputs, sizes, activation="tanh", output_activation=None,
                 seed=None, rng=None, one_node=True):
        check_int("MLP", "n_inputs", n_inputs, low=1)
        sizes = list(check_type("MLP", "sizes", sizes, (list, tuple, range), "a list of layer sizes"))
        if not sizes:
            raise ValueError("MLP: sizes must be a list of at least one layer size, got []")
        for i, size in enumerate(sizes):
            check_int("MLP", f"sizes[{i}]", size, low=1)
        if isinstance(activation, str):
            activations = [activation] * len(sizes)
        else:
            check_type("MLP", "activation", activation, (list, tuple),
                       "an activation name or a list of them")
            activations = list(activation)
            if len(activations) != len(sizes):
                raise ValueError(
                    f"MLP: {len(sizes)} layers but {len(activations)} activations {activations!r}"
                )
        if output_activation is not None:
            activations[-1] = output_activation
        for i, name in enumerate(activations):
            if i == len(activations) - 1 and output_activation is not None:
                argument = "output_activation"
            else:
                argument = "activation" if isinstance(activation, str) else f"activation[{i}]"
            check_choice("MLP", argument, name, tuple(ACTIVATIONS))
        widths = [n_inputs] + sizes
        _check_parameter_count("MLP", sum((widths[i] + 1) * widths[i + 1]
                                          for i in range(len(sizes))))
        check_bool("MLP", "one_node", one_node)
        rng = make_rng(seed, rng, owner="MLP")
        self.layers = [
            Layer(widths[i], widths[i + 1], activations[i], rng=rng, one_node=one_node)
            for i in range(len(sizes))
        ]

    def __call__(self, inputs):
        """The output for one sample: a Value if the last layer has one neuron, else a list."""
        outputs = self.outputs(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def outputs(self, inputs):
        """The last layer's outputs for one sample, always as a list of Values."""
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs

    def parameters(self):
        """Every weight and bias, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP([{', '.join(map(repr, self.layers))}])"


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
