"""Proof that the fast tier computes what the reference tier computes.

``fast_check_rows(seed)`` gives the "fast = reference" rows of
``python -m barenn check``: each compares a fast-tier call with the reference
formula on the same inputs and reports the largest relative difference
(|a - b| / max(|a|, |b|), 0 where both are 0). A row passes at ``TOLERANCE``
(1e-9): the tiers may round differently (a sum formed in another order, or over
the non-zero terms only), never compute something else.

The rows cover ``dot`` on shapes chosen to reach every kernel (inner sizes 1-3,
dense rows, mostly-zero rows, rows of zeros in either matrix), the fused
products, a Dense layer's forward and backward, each optimizer's step on flat
lists, the backward pass of a network
through each activation and loss, a whole training step on the spiral and on
MNIST-shaped sparse input, a 20-epoch ``fit``, and the scalar engine's ``MLP`` with
one node per weighted sum against its per-operation graph.
"""

import math
from collections import namedtuple

from barenn import matrix as reference
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.checks import check_int, describe
from barenn.autograd import Value
from barenn.datasets import moons, spiral
from barenn.fast import matrix as fast_matrix, optimizers as fast_optimizers, training as fast
from barenn.layers import Dense, Dropout
from barenn.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanAbsoluteError, MeanSquaredError
from barenn.mlp import MLP
from barenn.network import Network
from barenn.optimizers import SGD, AdaGrad, Adam, RMSProp
from barenn.rng import make_rng
from barenn.saving import optimizer_state_dict

__all__ = ["TOLERANCE", "AgreementRow", "largest_relative_difference", "fast_check_rows"]

TOLERANCE = 1e-9

AgreementRow = namedtuple("AgreementRow", "name max_abs max_rel passed")
AgreementRow.__doc__ = "One 'fast = reference' row: the part, the largest differences, the verdict."


def _numbers(x):
    """Every number in x (a number, or nested lists of them), in order."""
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _numbers(item)
    else:
        yield x


def largest_relative_difference(a, b):
    """(largest |a - b|, largest |a - b| / max(|a|, |b|)) over matching numbers of
    two equally nested lists; (inf, inf) when their shapes differ, nan on NaN."""
    xs, ys = list(_numbers(a)), list(_numbers(b))
    if len(xs) != len(ys) or _shape(a) != _shape(b):
        return math.inf, math.inf
    worst_abs = worst_rel = 0.0
    try:
        for x, y in zip(xs, ys):
            diff = abs(x - y)
            if math.isnan(diff):
                return math.nan, math.nan
            scale = max(abs(x), abs(y))
            worst_abs = max(worst_abs, diff)
            worst_rel = max(worst_rel, diff / scale if scale else 0.0)
    except OverflowError:
        raise ValueError("largest_relative_difference: a number is too large for a float") from None
    except TypeError:
        raise TypeError("largest_relative_difference: a and b must be numbers or equally "
                        f"nested lists of numbers, got {describe(a)} and {describe(b)}") from None
    return worst_abs, worst_rel


def _shape(x):
    return [_shape(item) for item in x] if isinstance(x, (list, tuple)) else None


def _row(name, pairs):
    """The AgreementRow of ``name`` over (fast, reference) pairs."""
    worst_abs = worst_rel = 0.0
    for mine, theirs in pairs:
        d_abs, d_rel = largest_relative_difference(mine, theirs)
        if math.isnan(d_rel):
            return AgreementRow(name, math.nan, math.nan, False)
        worst_abs, worst_rel = max(worst_abs, d_abs), max(worst_rel, d_rel)
    return AgreementRow(f"fast = reference: {name}", worst_abs, worst_rel, worst_rel <= TOLERANCE)


def _matrix(rng, rows, cols, zeros=0.0, zero_rows=0.0):
    """A random rows x cols matrix; a share ``zeros`` of entries and ``zero_rows`` of rows 0."""
    m = [[0.0 if rng.random() < zeros else rng.uniform(-2.0, 2.0) for _ in range(cols)]
         for _ in range(rows)]
    for r in m:
        if rng.random() < zero_rows:
            r[:] = [0.0] * cols
    return m


# Shapes that reach each kernel of barenn.fast.matrix.dot (see its constants).
DOT_CASES = [
    ("dot, inner size 1", (7, 1, 5), 0.0, 0.0),
    ("dot, inner size 2", (9, 2, 64), 0.0, 0.0),
    ("dot, inner size 3", (9, 3, 8), 0.0, 0.0),
    ("dot, dense rows", (12, 40, 20), 0.0, 0.0),
    ("dot, 3 columns and rows of zeros (a last layer's weight gradient)", (12, 40, 3), 0.0, 0.3),
    ("dot, 2 columns", (12, 40, 2), 0.0, 0.0),
    ("dot, 1 column", (12, 40, 1), 0.0, 0.0),
    ("dot, 80 % zeros per row (sparse kernel)", (12, 64, 24), 0.8, 0.0),
    ("dot, rows of zeros in the left matrix", (12, 40, 20), 0.0, 0.5),
    ("dot, rows of zeros in the right matrix", (12, 40, 20), 0.0, 0.0),
    ("dot, MNIST-like pixels (81 % zeros)", (16, 784, 32), 0.81, 0.0),
    ("dot, rows with one or two non-zeros", (30, 40, 20), 0.96, 0.0),
    ("dot, a first layer's weight gradient (pixels x samples, 81 % zeros)", (784, 40, 24), 0.81, 0.0),
]


def _dot_rows(rng):
    rows = []
    for name, (n, k, m), zeros, zero_rows in DOT_CASES:
        a = _matrix(rng, n, k, zeros, zero_rows)
        b = _matrix(rng, k, m)
        if "right matrix" in name:
            for t in range(0, k, 2):
                b[t] = [0.0] * m
        rows.append(_row(name, [(fast_matrix.dot(a, b), reference.dot(a, b))]))
    pairs_add, pairs_t, pairs_where = [], [], []
    for k in (1, 2, 3, 40):
        a, b = _matrix(rng, 10, k), _matrix(rng, k, 20)
        r = _matrix(rng, 1, 20)
        pairs_add.append((fast_matrix.dot_add_row(a, b, r), reference.add_row(reference.dot(a, b), r)))
        bt = _matrix(rng, 20, k)
        pairs_t.append((fast_matrix.dot_transposed(a, bt), reference.dot(a, reference.transpose(bt))))
        where = _matrix(rng, 10, 20)
        masked = [[v if w > 0.0 else 0.0 for v, w in zip(pr, wr)]
                  for pr, wr in zip(reference.dot(a, reference.transpose(bt)), where)]
        pairs_where.append((fast_matrix.dot_transposed_where(a, bt, where), masked))
    rows.append(_row("dot_add_row = add_row(dot(a, b), r)", pairs_add))
    # A first layer's forward on MNIST-shaped input: sparse rows, 784 -> 128.
    a, b, r = _matrix(rng, 6, 784, zeros=0.81), _matrix(rng, 784, 128), _matrix(rng, 1, 128)
    rows.append(_row("dot_add_row, MNIST-like pixels into 128 neurons",
                     [(fast_matrix.dot_add_row(a, b, r), reference.add_row(reference.dot(a, b), r))]))
    rows.append(_row("dot_transposed = dot(a, transpose(b))", pairs_t))
    rows.append(_row("dot_transposed_where = masked dot", pairs_where))
    return rows


def _dense_rows(rng):
    layer = Dense(30, 12, init="he", rng=rng, weight_regularizer_l1=1e-3, bias_regularizer_l2=1e-2)
    inputs = _matrix(rng, 9, 30, zeros=0.6)
    dvalues = _matrix(rng, 9, 12, zero_rows=0.3)
    out_ref = layer.forward(inputs)
    dinputs_ref = layer.backward(dvalues)
    grads_ref = (layer.dweights, layer.dbiases)
    out_fast = fast.dense_forward(layer, inputs)
    dinputs_fast = fast.dense_backward(layer, dvalues)
    return [_row("Dense forward", [(out_fast, out_ref)]),
            _row("Dense backward", [(dinputs_fast, dinputs_ref),
                                    ((layer.dweights, layer.dbiases), grads_ref)])]


# (row name, hidden activation, output activation, loss, targets kind)
NETWORK_CASES = [
    ("backward through ReLU, fused softmax + cross-entropy", ReLU, Softmax, CategoricalCrossEntropy, "classes"),
    ("backward through Tanh, softmax + cross-entropy unfused", Tanh, Softmax, CategoricalCrossEntropy, "classes-unfused"),
    ("backward through Sigmoid, binary cross-entropy", Sigmoid, Sigmoid, BinaryCrossEntropy, "binary"),
    ("backward through ReLU + Dropout, mean squared error", ReLU, Linear, MeanSquaredError, "values"),
    ("backward through Linear, mean absolute error", Linear, Linear, MeanAbsoluteError, "values"),
]


def _twin_networks(build):
    """Two networks with equal weights (``build()`` twice; it must seed everything)."""
    return build(), build()


def _optimizer_rows(seed):
    """Each optimizer's fast step (``barenn.fast.optimizers.step``) against its own
    ``step``: 30 steps on twin layers with the same random gradients; the new
    parameters, every slot matrix, the iteration count and the learning rate."""
    kinds = [("SGD", lambda: SGD(0.1, decay=1e-2)), ("SGD with momentum", lambda: SGD(0.1, momentum=0.9)),
             ("AdaGrad", lambda: AdaGrad(0.05)), ("RMSProp", lambda: RMSProp(0.01, decay=1e-3)),
             ("Adam", lambda: Adam(0.01, decay=5e-3))]
    rows = []
    for name, make in kinds:
        rng = make_rng(f"agreement-optimizer-{seed}-{name}")
        ref = [Dense(30, 12, rng=rng), Dense(12, 3, rng=rng)]
        quick = [Dense(30, 12, seed=0), Dense(12, 3, seed=0)]  # weights copied below
        for q, r in zip(quick, ref):
            q.weights, q.biases = [row[:] for row in r.weights], [row[:] for row in r.biases]
        ref_opt, quick_opt = make(), make()
        for _ in range(30):
            for q, r in zip(quick, ref):
                r.dweights = _matrix(rng, len(r.weights), len(r.weights[0]), zeros=0.3)
                r.dbiases = _matrix(rng, 1, len(r.biases[0]))
                q.dweights, q.dbiases = [row[:] for row in r.dweights], [row[:] for row in r.dbiases]
            ref_opt.step(ref)
            fast_optimizers.step(quick_opt, quick)
        slots = [[entry[s] for s in ("momentum", "cache") if s in entry]
                 for entry in optimizer_state_dict(ref_opt, ref)["state"]]
        quick_slots = [[entry[s] for s in ("momentum", "cache") if s in entry]
                       for entry in optimizer_state_dict(quick_opt, quick)["state"]]
        counts = [(quick_opt.iterations, quick_opt.current_learning_rate),
                  (ref_opt.iterations, ref_opt.current_learning_rate)]
        rows.append(_row(f"{name}, 30 steps on flat lists (barenn.fast.optimizers)",
                         [([(q.weights, q.biases) for q in quick], [(r.weights, r.biases) for r in ref]),
                          (quick_slots, slots), tuple(counts)]))
    return rows


def _network_rows(seed):
    rows = []
    for name, hidden, last, loss, kind in NETWORK_CASES:
        def build():
            rng = make_rng(f"agreement-{seed}-{name}")
            layers = [Dense(5, 16, init="he", rng=rng), hidden()]
            if "Dropout" in name:
                layers.append(Dropout(0.2, seed=1))
            layers += [Dense(16, 16, init="he", rng=rng), hidden(), Dense(16, 3, rng=rng), last()]
            return Network(layers, loss(), SGD(0.1), fuse=kind != "classes-unfused")
        rng = make_rng(f"agreement-data-{seed}-{name}")
        X = _matrix(rng, 11, 5, zeros=0.2)
        if kind.startswith("classes"):
            y = [rng.randrange(3) for _ in X]
        elif kind == "binary":
            y = [[float(rng.random() < 0.5) for _ in range(3)] for _ in X]
        else:
            y = _matrix(rng, 11, 3)
        ref, quick = _twin_networks(build)
        ref.backward(ref.forward(X, training=True), y)
        fast.backward(quick, fast.forward(quick, X, training=True), y)
        pairs = [((q.dweights, q.dbiases), (r.dweights, r.dbiases))
                 for q, r in zip(quick.trainable_layers(), ref.trainable_layers())]
        rows.append(_row(name, pairs))
    return rows


def _spiral_network(Network, optimizer):
    rng = make_rng(0)
    return Network([Dense(2, 64, rng=rng), ReLU(), Dense(64, 3, rng=rng), Softmax()],
                   CategoricalCrossEntropy(), optimizer)


def _mnist_like_network(Network):
    rng = make_rng(1)
    return Network([Dense(784, 32, init="he", rng=rng), ReLU(), Dense(32, 10, rng=rng), Softmax()],
                   CategoricalCrossEntropy(), Adam(0.01))


def _weights(network):
    return [(layer.weights, layer.biases) for layer in network.trainable_layers()]


def _step_rows(seed):
    X, y = spiral(100, 3, seed=seed)
    ref, quick = _spiral_network(Network, Adam(0.05)), _spiral_network(Network, Adam(0.05))
    r, q = ref.train_step(X, y), fast.train_step(quick, X, y)
    rows = [_row("a train step on the spiral (2-64-3, Adam)",
                 [((q.data_loss, q.output), (r.data_loss, r.output)), (_weights(quick), _weights(ref))])]

    for reduction in ("mean", "sum"):
        net = Network([Dense(2, 8, seed=seed), ReLU(), Dense(8, 3, seed=seed + 1), Softmax()],
                      CategoricalCrossEntropy(reduction=reduction), Adam(0.05))
        output = net.forward(X)
        rows.append(_row(f"loss_and_gradient = calculate, loss_gradient (class indices, {reduction})",
                         [(fast.loss_and_gradient(net, output, y),
                           (net.loss.calculate(output, y), net.loss_gradient(output, y)))]))

    rng = make_rng(f"mnist-like-{seed}")
    # 81 % zeros, as in MNIST's pixels; values in (0, 1] like scaled pixels
    X = [[0.0 if rng.random() < 0.81 else rng.random() for _ in range(784)] for _ in range(32)]
    y = [rng.randrange(10) for _ in X]
    ref, quick = _mnist_like_network(Network), _mnist_like_network(Network)
    r, q = ref.train_step(X, y), fast.train_step(quick, X, y)
    rows.append(_row("a train step on MNIST-shaped sparse input (784-32-10)",
                     [((q.data_loss, q.output), (r.data_loss, r.output)), (_weights(quick), _weights(ref))]))

    X, y = spiral(100, 3, seed=seed)
    ref, quick = _spiral_network(Network, Adam(0.02)), _spiral_network(Network, Adam(0.02))
    h_ref = ref.fit(X, y, epochs=20, batch_size=32, verbose=0, fast=False)
    h_fast = quick.fit(X, y, epochs=20, batch_size=32, verbose=0, fast=True)
    rows.append(_row("a 20-epoch fit on the spiral (batches of 32)",
                     [((h_fast.loss, h_fast.accuracy), (h_ref.loss, h_ref.accuracy)),
                      (_weights(quick), _weights(ref))]))
    return rows


def _scalar_rows(seed):
    """The scalar engine: MLP's default (one node per weighted sum) against the
    reference graph of one node per operation, on a loss over a few samples."""
    X, labels = moons(10, noise=0.1, seed=seed)
    results = []
    for fast_path in (True, False):
        model = MLP(2, [8, 8, 1], activation="relu", output_activation="linear", seed=seed,
                    fast=fast_path)
        scores = [model([Value(x) for x in row]) for row in X]
        loss = sum((1 + -(2 * t - 1) * score).relu() for t, score in zip(labels, scores)) * (1.0 / len(X))
        loss.backward()
        results.append((loss.data, [s.data for s in scores], [p.grad for p in model.parameters()]))
    return [_row("MLP: a node per weighted sum = a node per operation (loss, outputs, grads)",
                 [(results[0], results[1])])]


def fast_check_rows(seed=0):
    """Every "fast = reference" row (see the module docstring), inputs drawn from ``seed``."""
    check_int("fast_check_rows", "seed", seed, low=0, high=None)
    rng = make_rng(f"agreement-{seed}")
    return (_dot_rows(rng) + _dense_rows(rng) + _optimizer_rows(seed) + _network_rows(seed)
            + _step_rows(seed) + _scalar_rows(seed))
