"""MLP: a multi-layer perceptron of Values, the scalar engine's whole network (lesson 08).

``MLP(n_inputs, [size1, size2, ...])`` stacks ``Layer``s of ``Neuron``s. It sits above
both tiers and chooses, here and nowhere else, which layers it is made of: the fast
tier's (``barenn.fast.scalar``: each neuron's weighted sum one graph node) by
default, or with ``fast=False`` the reference ``barenn.scalar_nn`` layers, one node
per multiplication and addition, the graph lesson 08 draws. Both give the same
outputs and gradients (to the last digit or so; ``python -m barenn check``).

>>> model = MLP(3, [4, 4, 1], seed=0)
>>> type(model([2.0, 3.0, -1.0])).__name__    # one output: a single Value
'Value'
>>> len(MLP(3, [4, 2], seed=0)([2.0, 3.0, -1.0]))   # several: a list of Values
2
>>> len(model.parameters())                  # (3+1)*4 + (4+1)*4 + (4+1)*1
41
"""

from barenn import scalar_nn
from barenn.scalar_checks import check_mlp
from barenn.fast import scalar as fast_scalar
from barenn.rng import make_rng

__all__ = ["MLP"]


class MLP(scalar_nn.Module):
    """A multi-layer perceptron: ``MLP(n_inputs, [size1, size2, ...])`` (lesson 08).

    ``activation`` is used by every layer, except that the last layer uses
    ``output_activation`` when one is given (e.g. ``'linear'`` for a raw score). Or pass
    ``activation`` as a list with one name per layer. Calling the model on one sample
    (a list of ``n_inputs`` numbers or Values) returns the last layer's outputs: a
    single Value when the last layer has one neuron (so ``sum((model(x) - y)**2 ...)``
    works as in micrograd-style tutorials), else a list of Values.
    ``outputs(sample)`` always returns the list. ``fast``: see the module docstring.

    Without ``seed`` or ``rng`` the weights come from the ``random`` module, so
    ``random.seed(1337)`` at the top of a script makes them the same every run.
    """

    def __init__(self, n_inputs, sizes, activation="tanh", output_activation=None,
                 seed=None, rng=None, fast=True):
        activations = check_mlp(n_inputs, sizes, activation, output_activation, fast,
                                tuple(scalar_nn.ACTIVATIONS))
        layer = fast_scalar.Layer if fast else scalar_nn.Layer
        rng = make_rng(seed, rng, owner="MLP")
        widths = [n_inputs] + list(sizes)
        self.fast = fast
        self.layers = [layer(widths[i], widths[i + 1], activations[i], rng=rng)
                       for i in range(len(activations))]

    def __call__(self, inputs):
        """The output for one sample: a Value if the last layer has one neuron, else a list."""
        outputs = self.outputs(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def outputs(self, inputs):
        """The last layer's outputs for one sample, always as a list of Values (lesson 08)."""
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs

    def parameters(self):
        """Every weight and bias, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP([{', '.join(map(repr, self.layers))}])"
