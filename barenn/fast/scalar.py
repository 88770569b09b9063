"""The scalar engine's fast tier: one graph node for a neuron's whole weighted sum.

``barenn.scalar_nn.Neuron`` (the reference) makes 2n + 1 nodes for
w1*x1 + ... + wn*xn + b, one per multiplication and addition. ``weighted_sum`` here
makes one node with the same inputs and the same local derivatives (the x's for the
weights, the w's for the inputs that are Values, 1 for the bias), so every gradient
is the same, and the sum is added in the same order (w1*x1 + w2*x2 + ... + b), so
it is the same float too. Why: a training step of the moons
MLP(2, [16, 16, 1]) on 100 points makes about 100,000 two-input nodes the other way,
and Python makes, and its garbage collector walks, every one of them; one node per
neuron is about ten times fewer objects. ``barenn.mlp.MLP`` uses these layers unless
told ``fast=False``; ``python -m barenn check`` compares the two.
"""

from barenn.autograd import Value
from barenn.scalar_checks import check_weighted_sum, sample_number
from barenn.scalar_nn import ACTIVATIONS
from barenn.scalar_nn import Layer as ReferenceLayer
from barenn.scalar_nn import Neuron as ReferenceNeuron

__all__ = ["weighted_sum", "Neuron", "Layer"]


def weighted_sum(weights, inputs, bias):
    """w1*x1 + ... + wn*xn + b as one Value node (op ``"w·x+b"``).

    ``weights`` and ``bias`` are Values; ``inputs`` numbers or Values (plain numbers
    are constants: no edge, no gradient).

    >>> w, b = [Value(2.0), Value(-1.0)], Value(0.5)
    >>> x = [Value(3.0), 4.0]
    >>> s = weighted_sum(w, x, b)
    >>> s.data
    2.5
    >>> s.backward()
    >>> [v.grad for v in w], x[0].grad, b.grad
    ([3.0, 4.0], 2.0, 1.0)
    """
    check_weighted_sum(weights, inputs, bias, Value)
    w_data = [w.data for w in weights]
    x_data = [x.data if type(x) is Value else sample_number("weighted_sum", x) for x in inputs]
    total, nodes, slopes = 0.0, list(weights), x_data[:]
    for x, w, x_number in zip(inputs, w_data, x_data):
        total += w * x_number          # left to right, as the reference adds its nodes
        if type(x) is Value:           # an input that is a Value gets an edge, slope w
            nodes.append(x)
            slopes.append(w)
    nodes.append(bias)
    slopes.append(1.0)
    return Value(total + bias.data, "", "w·x+b", tuple(nodes), tuple(slopes))


class Neuron(ReferenceNeuron):
    """``barenn.scalar_nn.Neuron`` whose weighted sum is one node (``weighted_sum``)."""

    def __call__(self, inputs):
        return ACTIVATIONS[self.activation](weighted_sum(self.weights, inputs, self.bias))


class Layer(ReferenceLayer):
    """``barenn.scalar_nn.Layer`` made of the fast ``Neuron``."""

    neuron = Neuron
