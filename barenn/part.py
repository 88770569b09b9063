"""What every part of the matrix engine shares: the names it stores, and its defaults.

A part (a layer such as ``Dense`` or ``Dropout``, or an activation such as ``ReLU``)
has two methods that matter, written in its own class:

* ``forward(inputs, training=True)`` stores ``self.inputs`` and ``self.output`` and
  returns the output; ``inputs`` is a batch, n samples x k values (a list of rows);
* ``backward(dvalues)`` takes dL/d(output), same shape as the output, and stores and
  returns ``self.dinputs`` = dL/d(inputs).

``Part`` only gives what they share: those three names (None before the first
pass), a ``repr``, ``params()`` (nothing to learn, unless the part says otherwise)
and ``predictions`` (the output's values, unless the part says otherwise).
"""

from barenn.matrix import copy

__all__ = ["Part"]


class Part:
    """The shared defaults of layers and activations (see the module docstring)."""

    inputs = None    # the last forward's inputs (n x k)
    output = None    # the last forward's output
    dinputs = None   # the last backward's dL/d(inputs), shaped like inputs

    def __repr__(self):
        return f"{type(self).__name__}()"

    def params(self):
        """Learnable parameters: none (``barenn.layers.Dense.params`` lists its own)."""
        return []

    def predictions(self, output):
        """The network's answer for this output: the values themselves (a copy)."""
        return copy(output)
