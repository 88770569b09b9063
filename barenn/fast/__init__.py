"""The fast tier: the reference tier's functions under the same names, tuned for speed.

barenn is read first and run second. The reference tier (``barenn.matrix``,
``barenn.layers``, ``barenn.activations``, ``barenn.losses``,
``barenn.optimizers``, ``Network.train_step`` and ``Network.forward``,
``barenn.autograd`` and ``barenn.scalar_nn``) is what the lessons point to; this
package holds what makes training fast:

* ``barenn.fast.matrix``: ``dot`` with kernels chosen by shape, plus the fused
  ``dot_add_row``, ``dot_transposed`` and ``dot_transposed_where``;
* ``barenn.fast.training``: ``forward``, ``backward`` and ``train_step`` for a
  Network (Dense forward in one pass, ReLU + Dense backward fused, no dinputs for
  the first layer);
* ``barenn.fast.optimizers``: ``step(optimizer, layers)``, the four optimizers'
  update rules over each parameter as one flat list (``step_flat`` for a
  gradient that is flat already, as a ``GradientPool`` has it);
* ``barenn.fast.parallel``: ``GradientPool``, worker processes that share each batch;
* ``barenn.fast.scalar``: a scalar neuron's weighted sum as one graph node.

Who uses it: ``Network.tier`` chooses, in one place, between this package's
``forward``/``train_step`` and the reference ones, for ``fit`` (validation included),
``evaluate`` and ``predict``: this tier unless ``fast=False`` or
``BARENN_REFERENCE=1``. ``barenn.mlp.MLP`` uses ``scalar.Layer`` unless
``fast=False``.

The proof that they agree, ``barenn.agreement`` (the "fast = reference" rows of
``python -m barenn check``), sits above both tiers, next to ``barenn.check``: it
needs a whole ``Network``, and nothing in this package imports ``barenn.network``.
Every function here gives the reference's numbers within 1e-9 relative (usually to
the last digit or the last few). This package imports the reference tier; the
reference never imports it.
"""

from barenn.fast.matrix import dot, dot_add_row, dot_transposed, dot_transposed_where
from barenn.fast.parallel import GradientPool, WorkerError
from barenn.fast.training import (
    backward,
    backward_layers,
    dense_backward,
    dense_forward,
    forward,
    forward_layers,
    loss_and_gradient,
    relu_backward_through,
    train_step,
)

__all__ = ["dot", "dot_add_row", "dot_transposed", "dot_transposed_where", "forward",
           "backward", "train_step", "loss_and_gradient", "forward_layers", "backward_layers", "dense_forward", "dense_backward",
           "relu_backward_through", "GradientPool", "WorkerError"]
