"""The two engines side by side: one network, the same numbers from both.

The matrix engine (``barenn.layers`` / ``activations`` / ``losses``) pushes whole
batches through matrix products and gets its gradients from hand-written ``backward``
methods. The scalar engine (``barenn.scalar_nn`` on ``barenn.autograd.Value``) builds a
graph of single multiplications and additions and gets its gradients from
``backward()``'s chain rule. Nothing is shared between the two computations except the
starting weights, so if the losses and every weight and bias gradient agree, both
engines are right (or wrong in exactly the same way, which is very unlikely).

:func:`compare_engines` does it for any stack of ``Dense`` layers, each followed by an
optional activation (``ReLU``, ``Sigmoid``, ``Tanh``, ``Linear``, and ``Softmax`` after
the last one), with any loss of ``barenn.losses``. :func:`engines_check_row` runs it on
random networks and batches and is the "scalar engine vs matrix engine" row of
``python -m barenn check``.

>>> from barenn.layers import Dense
>>> from barenn.activations import Tanh
>>> from barenn.losses import MeanSquaredError
>>> hidden, output = Dense(2, 3, init="he", seed=1), Dense(3, 1, init="he", seed=2)
>>> result = compare_engines([hidden, Tanh(), output], MeanSquaredError(),
...                          [[0.5, -1.0], [2.0, 0.25]], [0.3, -0.7])
>>> result.max_difference < 1e-12
True
"""

from collections import namedtuple

from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.autograd import Value
from barenn.checks import (
    ShapeError,
    check_batch,
    check_choice,
    check_finite_rows,
    check_int,
    check_loss_object,
    check_type,
    entry_error,
)
from barenn.compare import CheckRow, compare
from barenn.layers import Dense, regularization_loss
from barenn.losses import (
    EPSILON,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
    class_targets,
    value_targets,
)
from barenn.rng import make_rng
from barenn.mlp import MLP

__all__ = [
    "TOLERANCE",
    "EngineComparison",
    "split_stack",
    "scalar_mlp",
    "matrix_run",
    "scalar_run",
    "compare_engines",
    "random_case",
    "engines_check_row",
]

# The engines add the same products in different orders, so they may differ by
# rounding (about 1e-16 per operation); 1e-9 is far above that and far below any real
# mistake.
TOLERANCE = 1e-9

# The kinds of output random_case makes (and engines_check_row checks).
CHECK_OUTPUTS = ("mse", "mae", "bce", "softmax", "fused")

# Matrix-engine activation class -> the scalar engine's name for the same function.
_SCALAR_ACTIVATION = {ReLU: "relu", Sigmoid: "sigmoid", Tanh: "tanh", Linear: "linear"}

EngineComparison = namedtuple(
    "EngineComparison",
    "matrix_loss scalar_loss matrix_gradients scalar_gradients max_difference")
EngineComparison.__doc__ = """What both engines computed for one network and batch.

matrix_loss, scalar_loss: the loss (mean over the batch, plus any regularization).
matrix_gradients, scalar_gradients: one ``(dweights, dbiases)`` pair per Dense layer,
    dweights n_inputs x n_neurons, dbiases 1 x n_neurons, as the matrix engine names them.
max_difference: the largest absolute difference between the two, over the loss and
    every gradient entry.
"""


def split_stack(layers):
    """``[Dense, activation, Dense, ...]`` -> a list of ``(Dense, activation or None)``.

    Every Dense may be followed by one activation; ``Softmax`` may only follow the last
    one. Anything else (Dropout, two activations in a row, a shape mismatch between
    layers) raises ValueError naming the position.
    """
    check_type("split_stack", "layers", layers, (list, tuple), "a list of layers")
    layers = list(layers)
    if not layers or not isinstance(layers[0], Dense):
        raise ValueError("split_stack: the stack must start with a Dense layer, got "
                         + (type(layers[0]).__name__ if layers else "an empty list"))
    pairs = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Dense):
            if pairs and pairs[-1][0].n_neurons != layer.n_inputs:
                raise ValueError(f"split_stack: layer {i} expects {layer.n_inputs} inputs but "
                                 f"the layer before gives {pairs[-1][0].n_neurons}")
            pairs.append((layer, None))
        elif type(layer) in _SCALAR_ACTIVATION or isinstance(layer, Softmax):
            if pairs[-1][1] is not None:
                raise ValueError(f"split_stack: layer {i} ({type(layer).__name__}) follows "
                                 f"another activation; expected a Dense layer")
            pairs[-1] = (pairs[-1][0], layer)
        else:
            raise ValueError(f"split_stack: layer {i} is a {type(layer).__name__}; the scalar "
                             "engine has Dense, ReLU, Sigmoid, Tanh, Linear and Softmax")
    for i, (_, activation) in enumerate(pairs[:-1]):
        if isinstance(activation, Softmax):
            raise ValueError(f"split_stack: Softmax may only follow the last Dense layer, "
                             f"found it after Dense layer {i}")
    return pairs


def scalar_mlp(layers):
    """A scalar ``MLP`` with exactly the weights and biases of a matrix-engine stack.

    Returns ``(model, softmax_output)``: neuron j of layer l gets weight i =
    ``dense.weights[i][j]`` (a column of the matrix) and bias ``dense.biases[0][j]``.
    A final ``Softmax`` is not a per-neuron function, so the last layer is then linear
    and ``softmax_output`` is True (:func:`scalar_run` applies it across the outputs).
    """
    pairs = split_stack(layers)
    names = []
    for _, activation in pairs:
        if activation is None or isinstance(activation, Softmax):
            names.append("linear")
        else:
            names.append(_SCALAR_ACTIVATION[type(activation)])
    model = MLP(pairs[0][0].n_inputs, [dense.n_neurons for dense, _ in pairs],
                activation=names, seed=0)  # the drawn weights are overwritten next
    for (dense, _), layer in zip(pairs, model.layers):
        for j, neuron in enumerate(layer.neurons):
            for i, weight in enumerate(neuron.weights):
                weight.data = float(dense.weights[i][j])
            neuron.bias.data = float(dense.biases[0][j])
    return model, isinstance(pairs[-1][1], Softmax)


def _softmax(scores):
    """Softmax of a list of Values, shifted by the largest (a constant) so exp cannot
    overflow, exactly as the matrix engine's ``Softmax`` does."""
    top = max(s.data for s in scores)
    exps = [(s - top).exp() for s in scores]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    return [e / total for e in exps]


def _absolute(v):
    """|v| from the scalar engine's operations; its slope at 0 is 0, like the matrix
    engine's sign convention for MAE and L1."""
    return v.relu() + (-v).relu()


def _check_probability(p, where):
    if not EPSILON <= p.data <= 1.0 - EPSILON:
        raise ValueError(
            f"{where}: probability {p.data!r} is outside [{EPSILON}, 1 - {EPSILON}], where the "
            "matrix engine clips it, so the two engines differ there by design")


def _sample_losses(loss, outputs, y):
    """The loss of each sample as a Value, following barenn.losses' definitions."""
    rows, cols = len(outputs), len(outputs[0])
    where = f"scalar {type(loss).__name__}"
    if isinstance(loss, (CategoricalCrossEntropy, SoftmaxCrossEntropy)):
        indices, one_hot = class_targets(where, y, rows, cols)
        if one_hot is None:
            one_hot = [[1.0 if j == k else 0.0 for j in range(cols)] for k in indices]
        losses = []
        for probabilities, targets in zip(outputs, one_hot):
            total = Value(0.0)
            for p, t in zip(probabilities, targets):
                if t:
                    _check_probability(p, where)
                    total = total - t * p.log()
            losses.append(total)
        return losses
    targets = value_targets(where, y, rows, cols)
    losses = []
    for row, target in zip(outputs, targets):
        total = Value(0.0)
        for p, t in zip(row, target):
            if isinstance(loss, MeanSquaredError):
                total = total + (p - t) ** 2
            elif isinstance(loss, MeanAbsoluteError):
                total = total + _absolute(p - t)
            elif isinstance(loss, BinaryCrossEntropy):
                _check_probability(p, where)
                total = total - (t * p.log() + (1.0 - t) * (1.0 - p).log())
            else:
                raise ValueError(f"scalar engine: no scalar form of {type(loss).__name__}")
        losses.append(total / cols)
    return losses


def _regularization(pairs, model):
    """The L1/L2 penalties of the Dense layers, as a Value built from the scalar weights."""
    total = Value(0.0)
    for (dense, _), layer in zip(pairs, model.layers):
        weights = [w for neuron in layer.neurons for w in neuron.weights]
        biases = [neuron.bias for neuron in layer.neurons]
        for values, l1, l2 in ((weights, dense.weight_regularizer_l1, dense.weight_regularizer_l2),
                               (biases, dense.bias_regularizer_l1, dense.bias_regularizer_l2)):
            for v in values:
                if l1:
                    total = total + l1 * _absolute(v)
                if l2:
                    total = total + l2 * (v * v)
    return total


def _check_run(owner, loss, inputs, pairs):
    """The loss is a loss object and the inputs a batch of finite numbers that fits
    the first layer."""
    check_loss_object(owner, loss)
    rows, cols = check_batch(owner, inputs)
    if any(isinstance(x, bool) or not isinstance(x, (int, float)) for r in inputs for x in r):
        raise entry_error(owner, inputs)
    check_finite_rows(owner, "inputs", inputs)
    if cols != pairs[0][0].n_inputs:
        raise ShapeError(f"{owner}: the inputs have {cols} values per sample but the first "
                         f"layer expects {pairs[0][0].n_inputs}")


def matrix_run(layers, loss, inputs, y):
    """Forward and backward through the matrix engine.

    Returns ``(loss_value, gradients)``: the mean loss plus the layers' regularization
    penalties, and one ``(dweights, dbiases)`` per Dense layer.
    """
    pairs = split_stack(layers)
    _check_run("matrix_run", loss, inputs, pairs)
    output = inputs
    for dense, activation in pairs:
        output = dense.forward(output)
        if activation is not None:
            output = activation.forward(output)
    if isinstance(loss, SoftmaxCrossEntropy):
        value = loss.forward(output, y)
        dvalues = loss.backward(loss.output, y)
    else:
        value = loss.calculate(output, y)
        dvalues = loss.backward(output, y)
    value += sum(regularization_loss(dense) for dense, _ in pairs)
    for dense, activation in reversed(pairs):
        if activation is not None:
            dvalues = activation.backward(dvalues)
        dvalues = dense.backward(dvalues)
    return value, [(dense.dweights, dense.dbiases) for dense, _ in pairs]


def scalar_run(layers, loss, inputs, y):
    """The same computation on the scalar engine: one graph for the whole batch, then
    ``backward()``. Returns ``(loss_value, gradients)`` shaped like :func:`matrix_run`'s."""
    pairs = split_stack(layers)
    _check_run("scalar_run", loss, inputs, pairs)
    model, softmax_output = scalar_mlp(layers)
    outputs = [model.outputs(sample) for sample in inputs]
    if softmax_output or isinstance(loss, SoftmaxCrossEntropy):
        outputs = [_softmax(row) for row in outputs]
    losses = _sample_losses(loss, outputs, y)
    total = losses[0]
    for sample_loss in losses[1:]:
        total = total + sample_loss
    total = total / len(losses) + _regularization(pairs, model)
    total.backward()
    gradients = []
    for layer in model.layers:
        neurons = layer.neurons
        dweights = [[neuron.weights[i].grad for neuron in neurons]
                    for i in range(len(neurons[0].weights))]
        dbiases = [[neuron.bias.grad for neuron in neurons]]
        gradients.append((dweights, dbiases))
    return total.data, gradients


def compare_engines(layers, loss, inputs, y):
    """Run one batch through both engines; return an :class:`EngineComparison`.

    ``layers``: Dense layers each optionally followed by an activation (see
    :func:`split_stack`); ``loss``: a loss object from ``barenn.losses``; ``inputs``:
    n samples x n_inputs; ``y``: targets in any form the loss accepts. The matrix-engine
    layers are run (so their ``output``/``dweights``... are set) but never changed.
    """
    matrix_loss, matrix_gradients = matrix_run(layers, loss, inputs, y)
    scalar_loss, scalar_gradients = scalar_run(layers, loss, inputs, y)
    largest = abs(matrix_loss - scalar_loss)
    for (mw, mb), (sw, sb) in zip(matrix_gradients, scalar_gradients):
        for m, s in ((mw, sw), (mb, sb)):
            largest = max(largest, compare(m, s).max_abs)
    return EngineComparison(matrix_loss, scalar_loss, matrix_gradients, scalar_gradients, largest)


def random_case(seed, activations=("tanh", "relu", "sigmoid", "linear"), output="mse", rng=None):
    """A random network, batch and loss for the cross-check, all drawn from ``seed``.

    ``output`` picks the last activation and the loss: ``"mse"`` (linear, mean squared
    error), ``"mae"`` (tanh, mean absolute error), ``"bce"`` (sigmoid, binary
    cross-entropy), ``"softmax"`` (Softmax then categorical cross-entropy) or
    ``"fused"`` (``SoftmaxCrossEntropy``). Hidden layers cycle through ``activations``.
    Weights and biases are drawn from [-1, 1] (not the tiny walkthrough init, so every
    activation works away from its linear middle). Returns ``(layers, loss, inputs, y)``.
    ``rng`` (a ``random.Random``, or anything with its ``random``, ``gauss``,
    ``randint``, ``randrange`` and ``uniform`` methods) draws instead of ``seed``.
    """
    check_choice("random_case", "output", output, CHECK_OUTPUTS)
    by_name = {name: cls for cls, name in _SCALAR_ACTIVATION.items()}
    check_type("random_case", "activations", activations, (list, tuple),
               "a list of activation names")
    activations = tuple(activations)
    if not activations:
        raise ValueError("random_case: activations must name at least one activation, got ()")
    for i, name in enumerate(activations):
        check_choice("random_case", f"activations[{i}]", name, tuple(by_name))
    rng = make_rng(seed, rng, owner="random_case",
                   needs=("random", "gauss", "randint", "randrange", "uniform"))
    n_inputs = rng.randint(1, 4)
    hidden = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))]
    n_outputs = rng.randint(2, 3) if output in ("softmax", "fused") else rng.randint(1, 3)
    sizes = hidden + [n_outputs]
    layers = []
    width = n_inputs
    for l, size in enumerate(sizes):
        dense = Dense(width, size, rng=rng)
        dense.weights = [[rng.uniform(-1.0, 1.0) for _ in range(size)] for _ in range(width)]
        dense.biases = [[rng.uniform(-1.0, 1.0) for _ in range(size)]]
        layers.append(dense)
        if l < len(sizes) - 1:
            layers.append(by_name[activations[l % len(activations)]]())
        width = size
    batch = rng.randint(1, 6)
    inputs = [[rng.uniform(-2.0, 2.0) for _ in range(n_inputs)] for _ in range(batch)]
    if output == "mse":
        layers.append(Linear())
        loss = MeanSquaredError()
        y = [[rng.uniform(-1.0, 1.0) for _ in range(n_outputs)] for _ in range(batch)]
    elif output == "mae":
        layers.append(Tanh())
        loss = MeanAbsoluteError()
        y = [[rng.uniform(-1.0, 1.0) for _ in range(n_outputs)] for _ in range(batch)]
    elif output == "bce":
        layers.append(Sigmoid())
        loss = BinaryCrossEntropy()
        y = [[float(rng.random() < 0.5) for _ in range(n_outputs)] for _ in range(batch)]
    elif output == "softmax":
        layers.append(Softmax())
        loss = CategoricalCrossEntropy()
        y = [rng.randrange(n_outputs) for _ in range(batch)]
    elif output == "fused":
        loss = SoftmaxCrossEntropy()
        y = [rng.randrange(n_outputs) for _ in range(batch)]
    return layers, loss, inputs, y


def engines_check_row(seed=0, cases=10):
    """The "scalar engine vs matrix engine" row of ``python -m barenn check``.

    Runs :func:`compare_engines` on ``cases`` random networks and batches for each
    kind of output (see :func:`random_case`), drawn from ``seed``. Passes when the
    losses and every weight and bias gradient agree within ``TOLERANCE`` (absolute).
    Returns a ``barenn.compare.CheckRow``; ``barenn.check.run_checks`` includes it.
    """
    check_int("engines_check_row", "cases", cases, low=1)
    max_abs = max_rel = 0.0
    passed = True
    for k in range(cases):
        for output in CHECK_OUTPUTS:
            case_seed = f"engines-{seed}-{output}-{k}"
            layers, loss, inputs, y = random_case(case_seed, output=output)
            result = compare_engines(layers, loss, inputs, y)
            pairs = [(result.matrix_loss, result.scalar_loss)]
            for (mw, mb), (sw, sb) in zip(result.matrix_gradients, result.scalar_gradients):
                pairs += [(mw, sw), (mb, sb)]
            for a, b in pairs:
                c = compare(a, b, atol=TOLERANCE, rtol=0.0)
                passed = passed and c.passed  # a NaN anywhere fails (and max() would hide it)
                max_abs = max(max_abs, c.max_abs)
                max_rel = max(max_rel, c.max_rel)
    return CheckRow("scalar engine vs matrix engine", max_abs, max_rel, passed)
