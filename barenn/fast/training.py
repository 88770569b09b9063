"""The fast tier's training step: the reference step's four parts, with faster kernels.

``Network.train_step`` (the reference) runs forward, loss, backward and update
through each layer's own methods. ``train_step(network, X, y)`` here does the
same four parts and returns the same figures (within rounding, checked by
``python -m barenn check``), faster:

* a Dense layer's forward adds the biases inside the product's own pass
  (``barenn.fast.matrix.dot_add_row``);
* a Dense layer's forward and its weight gradient reduce over the non-zero
  inputs only (``barenn.fast.matrix.dot``: MNIST pixels are mostly 0; the
  weight gradient takes each pixel over the samples where it is not 0), and
  ``dot_transposed`` for dinputs, with no transpose built;
* a ReLU followed by a Dense layer goes backward in one pass
  (``relu_backward_through``): the products the ReLU would zero are never made;
* the first layer with parameters computes no dinputs: nothing uses the
  gradient with respect to the data, and for 784 pixels it is the costliest
  product of a step;
* the optimizer updates each parameter as one flat list
  (``barenn.fast.optimizers.step``).

Layers it does not know (custom ones) go through their own methods, as in the
reference. It reads the network only through public names.
"""

import math

from barenn.activations import ReLU, Softmax
from barenn.checks import (
    OrderError,
    ShapeError,
    check_batch,
    check_dvalues,
    check_layers,
    check_loss,
    check_type,
    describe,
    entry_error,
)
from barenn.fast.matrix import dot, dot_add_row, dot_transposed, dot_transposed_where
from barenn.fast.optimizers import step as optimizer_step
from barenn.history import TrainStep
from barenn.layers import Dense, add_penalty_slope
from barenn.losses import EPSILON
from barenn.targets import class_targets
from barenn.matrix import sum_columns, transpose

__all__ = ["train_step", "forward", "backward", "loss_and_gradient", "forward_layers", "backward_layers",
           "dense_forward", "dense_backward", "relu_backward_through"]


def _check_network(owner, network):
    if not all(hasattr(network, name) for name in ("layers", "loss", "optimizer", "backward_layers")):
        raise TypeError(f"{owner}: network must be a Network, got {describe(network)}")


def _check_layer_list(owner, layers):
    check_type(owner, "layers", layers, (list, tuple), "a list of layers")
    if layers:
        check_layers(owner, layers)


def dense_forward(layer, inputs):
    """``layer.forward(inputs)`` for a Dense layer: inputs · weights + biases in one pass."""
    check_type("dense_forward", "layer", layer, Dense, "a Dense layer")
    rows, cols = check_batch("Dense.forward", inputs)
    if cols != layer.n_inputs:
        raise ShapeError(f"Dense.forward: this layer expects n_inputs={layer.n_inputs} "
                         f"features per sample, got a {rows}x{cols} batch")
    try:
        output = dot_add_row(inputs, layer.weights, layer.biases)
    except TypeError:
        raise entry_error("Dense.forward", inputs) from None
    layer.inputs = inputs
    layer.output = output
    return output


def dense_backward(layer, dvalues, need_dinputs=True):
    """``layer.backward(dvalues)`` for a Dense layer; need_dinputs=False leaves
    dinputs out (``layer.dinputs`` and the result are then None)."""
    check_type("dense_backward", "layer", layer, Dense, "a Dense layer")
    check_dvalues("Dense.backward", dvalues, layer.output, entries=False)
    try:
        dweights = dot(transpose(layer.inputs), dvalues)
        dbiases = sum_columns(dvalues)
        layer.dinputs = dot_transposed(dvalues, layer.weights) if need_dinputs else None
    except TypeError:
        raise entry_error("Dense.backward", dvalues, "dvalues") from None
    layer.dweights = add_penalty_slope(dweights, layer.weights,
                                       layer.weight_regularizer_l1, layer.weight_regularizer_l2)
    layer.dbiases = add_penalty_slope(dbiases, layer.biases,
                                      layer.bias_regularizer_l1, layer.bias_regularizer_l2)
    return layer.dinputs


def relu_backward_through(relu, dense, dvalues):
    """The ReLU's backward pass taken through ``dense``, the Dense layer right after it.

    ``dvalues`` is dL/d(dense's output). The result equals
    ``relu.backward(dense.backward(dvalues))``, computed in one pass that makes a
    product only where the ReLU's input was positive. Sets and returns
    ``relu.dinputs`` (dense's own gradients come from ``dense_backward``).
    """
    where = "ReLU.backward"
    check_type("relu_backward_through", "relu", relu, ReLU, "a ReLU")
    check_type("relu_backward_through", "dense", dense, Dense, "a Dense layer")
    if relu.inputs is None:
        raise OrderError(f"{where}: call forward() before backward()")
    try:
        relu.dinputs = dot_transposed_where(dvalues, dense.weights, relu.inputs)
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    except TypeError:
        raise entry_error(where, dvalues, "dvalues") from None
    return relu.dinputs


def forward_layers(layers, X, training=False):
    """X through ``layers`` in order (each layer's ``forward``; Dense ones by
    ``dense_forward``, a ReLU or Softmax right after a Dense by ``_relu_of_floats``
    or ``_softmax_of_floats``); returns the last output."""
    _check_layer_list("forward_layers", layers)
    output, before = X, None
    for layer in layers:
        if type(layer) is Dense:
            output = dense_forward(layer, output)
        elif type(layer) is ReLU and type(before) is Dense:
            output = _relu_of_floats(layer, output)
        elif type(layer) is Softmax and type(before) is Dense:
            output = _softmax_of_floats(layer, output)
        else:
            output = layer.forward(output, training=training)
        before = layer
    return output


def _softmax_of_floats(softmax, inputs):
    """``softmax.forward(inputs)`` for the output of a Dense layer (floats by
    construction, nothing to check): the reference's numbers, e^(z − max) over its
    row sum, one row at a time."""
    exp = math.exp
    output = []
    for row in inputs:
        top = max(row)
        exp_values = [exp(x - top) for x in row]
        total = sum(exp_values)
        output.append([e / total for e in exp_values])
    softmax.inputs = inputs
    softmax.output = output
    return output


def _relu_of_floats(relu, inputs):
    """``relu.forward(inputs)`` for the output of a Dense layer, which is floats by
    construction: nothing to check, and ``x if x > 0.0 else 0.0`` (a float compared
    with a float, which CPython specializes) instead of a call to ``max`` each."""
    relu.inputs = inputs
    relu.output = [[x if x > 0.0 else 0.0 for x in row] for row in inputs]
    return relu.output


def backward_layers(layers, dvalues):
    """``dvalues`` (dL/d(the last layer's output)) back through ``layers`` in
    reverse, setting the same dweights and dbiases as each layer's ``backward``:
    a ReLU and the Dense after it in one pass, and no dinputs below the first layer
    with parameters (nothing uses them). Returns None."""
    _check_layer_list("backward_layers", layers)
    stop = next((i for i, layer in enumerate(layers) if getattr(layer, "params", list)()),
                len(layers))
    index = len(layers) - 1
    while index >= stop:
        layer = layers[index]
        before = layers[index - 1] if index > stop else None
        if type(layer) is Dense and type(before) is ReLU:
            dense_backward(layer, dvalues, need_dinputs=False)
            dvalues = relu_backward_through(before, layer, dvalues)
            index -= 2
        elif type(layer) is Dense:
            dvalues = dense_backward(layer, dvalues, need_dinputs=index > stop)
            index -= 1
        else:
            dvalues = layer.backward(dvalues)
            index -= 1
    return None


def forward(network, X, training=False):
    """``network.forward(X, training)`` with the fast Dense forward."""
    _check_network("forward", network)
    return forward_layers(network.layers, X, training)


def backward(network, output, y):
    """``network.backward(output, y)`` for training: the same gradients (dweights,
    dbiases) in every layer with parameters (see ``backward_layers``); returns None."""
    _check_network("backward", network)
    return backward_layers(network.backward_layers(), network.loss_gradient(output, y))


def loss_and_gradient(network, output, y):
    """(data loss, dvalues) of ``output`` against ``y``: ``network.loss.calculate`` and
    ``network.loss_gradient``, the same numbers.

    For a final Softmax fused with categorical cross-entropy and labels that are
    class indices, both come from one pass over the softmax outputs, with no
    one-hot rows built: the one-hot sum -Σ t·log p has the single term -log p_k
    (p clipped to [1e-7, 1 - 1e-7]), and (p − t)/n is p/n everywhere but at the
    true class, where it is (p_k − 1)/n.
    """
    _check_network("loss_and_gradient", network)
    fused = network.fused
    indices = None
    if fused is not None and isinstance(y, list) and output and isinstance(output, list):
        indices, _ = class_targets("SoftmaxCrossEntropy.backward", y, len(output), len(output[0]))
    if indices is None:
        return network.loss.calculate(output, y), network.loss_gradient(output, y)
    low, high = EPSILON, 1 - EPSILON
    sample_losses = []
    for row, k in zip(output, indices):
        p = row[k]
        sample_losses.append(-math.log(low if p < low else high if p > high else p))
    total = sum(sample_losses)
    data_loss = total if network.loss.reduction == "sum" else total / len(sample_losses)
    n = fused.loss.batch_divisor(len(output))
    dvalues = []
    for row, k in zip(output, indices):
        drow = [p / n for p in row]
        drow[k] = (row[k] - 1.0) / n
        dvalues.append(drow)
    fused.dinputs = dvalues
    return data_loss, dvalues


def train_step(network, X_batch, y_batch):
    """``network.train_step(X_batch, y_batch)`` on the fast tier: forward, loss,
    backward, update; returns the same ``TrainStep(data_loss, regularization_loss,
    output)``. Raises TrainingDiverged, before any update, on a NaN or infinite loss."""
    _check_network("train_step", network)
    if network.optimizer is None:
        raise ValueError("Network.train_step: no optimizer; pass optimizer=Adam(...) "
                         "(or another) to Network, or set network.optimizer")
    output = forward(network, X_batch, training=True)
    data_loss, dvalues = loss_and_gradient(network, output, y_batch)
    reg_loss = network.regularization_loss()
    check_loss(data_loss, reg_loss)
    backward_layers(network.backward_layers(), dvalues)
    optimizer_step(network.optimizer, network.trainable_layers())
    return TrainStep(data_loss, reg_loss, output)
