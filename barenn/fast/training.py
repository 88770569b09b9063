"""The fast tier's training step: the reference step's four parts, with faster kernels.

``Network.train_step`` (the reference) runs forward, loss, backward and update
through each layer's own methods. ``train_step(network, X, y)`` here does the
same four parts and returns the same figures (within rounding, checked by
``python -m barenn check``), faster:

* a Dense layer's forward adds the biases inside the product's own pass
  (``barenn.fast.matrix.dot_add_row``);
* a Dense layer's backward uses ``barenn.fast.matrix.dot``, which reduces each
  input feature over its non-zero samples only (MNIST pixels are mostly 0), and
  ``dot_transposed`` for dinputs, with no transpose built;
* a ReLU followed by a Dense layer goes backward in one pass
  (``relu_backward_through``): the products the ReLU would zero are never made;
* the first layer with parameters computes no dinputs: nothing uses the
  gradient with respect to the data, and for 784 pixels it is the costliest
  product of a step.

Layers it does not know (custom ones) go through their own methods, as in the
reference. It reads the network only through public names.
"""

from barenn.activations import ReLU
from barenn.checks import ShapeError, check_batch, check_dvalues, check_loss, entry_error
from barenn.fast.matrix import dot, dot_add_row, dot_transposed, dot_transposed_where
from barenn.history import TrainStep
from barenn.layers import Dense, add_penalty_slope
from barenn.matrix import sum_columns, transpose

__all__ = ["train_step", "forward", "backward", "dense_forward", "dense_backward",
           "relu_backward_through"]


def dense_forward(layer, inputs):
    """``layer.forward(inputs)`` for a Dense layer: inputs · weights + biases in one pass."""
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
    check_dvalues("Dense.backward", dvalues, layer.output, check_numbers=False)
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
    if relu.inputs is None:
        raise RuntimeError(f"{where}: call forward() before backward()")
    try:
        relu.dinputs = dot_transposed_where(dvalues, dense.weights, relu.inputs)
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    except TypeError:
        raise entry_error(where, dvalues, "dvalues") from None
    return relu.dinputs


def forward(network, X, training=False):
    """``network.forward(X, training)`` with the fast Dense forward."""
    output = X
    for layer in network.layers:
        if type(layer) is Dense:
            output = dense_forward(layer, output)
        else:
            output = layer.forward(output, training=training)
    return output


def backward(network, output, y):
    """``network.backward(output, y)`` for training: the same gradients (dweights,
    dbiases) in every layer with parameters, ReLU + Dense fused, and no dinputs
    below the first layer with parameters (returns None)."""
    dvalues = network.loss_gradient(output, y)
    layers = network.backward_layers()
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


def train_step(network, X_batch, y_batch):
    """``network.train_step(X_batch, y_batch)`` on the fast tier: forward, loss,
    backward, update; returns the same ``TrainStep(data_loss, regularization_loss,
    output)``. Raises TrainingDiverged, before any update, on a NaN or infinite loss."""
    if network.optimizer is None:
        raise ValueError("Network.train_step: no optimizer; pass optimizer=Adam(...) "
                         "(or another) to Network, or set network.optimizer")
    output = forward(network, X_batch, training=True)
    data_loss = network.loss.calculate(output, y_batch)
    reg_loss = network.regularization_loss()
    check_loss(data_loss, reg_loss)
    backward(network, output, y_batch)
    network.optimizer.step(network.trainable_layers())
    return TrainStep(data_loss, reg_loss, output)
