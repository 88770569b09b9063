"""The fast tier equals the reference tier: call for call, step for step, run for run.

``barenn.fast`` may round differently (sums in another order, or over the non-zero
terms only), never compute something else: every comparison here allows 1e-9
relative at most, the bound ``python -m barenn check`` uses.
"""

import random

import pytest

from barenn import fast
from barenn import matrix as barenn_matrix
from barenn.activations import ReLU, Softmax
from barenn.datasets import spiral
from barenn import agreement
from barenn.fast import optimizers as fast_optimizers, training
from barenn.fast import matrix as fast_matrix
from barenn.layers import Dense, Dropout
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network, reference_by_default
from barenn.optimizers import SGD, Adam
from barenn.saving import optimizer_state_dict

TOL = agreement.TOLERANCE


def spiral_net(optimizer=None, dropout=False):
    layers = [Dense(2, 64, seed=1), ReLU()]
    if dropout:
        layers.append(Dropout(0.1, seed=3))
    layers += [Dense(64, 3, seed=2), Softmax()]
    return Network(layers, CategoricalCrossEntropy(), optimizer or Adam(0.05))


def weights(net):
    return [(layer.weights, layer.biases) for layer in net.trainable_layers()]


def rel(a, b):
    return agreement.largest_relative_difference(a, b)[1]


@pytest.mark.parametrize("seed", [0, 1])
def test_every_agreement_row_passes(seed):
    rows = agreement.fast_check_rows(seed)
    assert len(rows) >= 20
    for row in rows:
        assert row.name.startswith("fast = reference: ")
        assert row.passed, row
        assert row.max_rel <= TOL


def test_a_wrong_fast_kernel_fails_its_row(monkeypatch):
    real = fast_matrix.dot
    monkeypatch.setattr(fast_matrix, "dot", lambda a, b: [[v * (1 + 1e-6) for v in r] for r in real(a, b)])
    rows = {row.name: row for row in agreement._dot_rows(random.Random(0))}
    bad = rows["fast = reference: dot, dense rows"]
    assert not bad.passed and bad.max_rel == pytest.approx(1e-6, rel=1e-3)


def test_largest_relative_difference():
    assert agreement.largest_relative_difference([[1.0, 0.0]], [[1.0, 0.0]]) == (0.0, 0.0)
    assert agreement.largest_relative_difference([[2.0]], [[1.0]]) == (1.0, 0.5)
    assert agreement.largest_relative_difference([[1.0]], [[1.0, 2.0]])[1] == float("inf")


def test_the_reference_train_step_is_forward_loss_backward_update():
    X, y = spiral(50, 3, seed=0)
    net, by_hand = spiral_net(SGD(0.5)), spiral_net(SGD(0.5))
    step = net.train_step(X, y)
    # the same four steps written out with the parts themselves
    output = by_hand.forward(X, training=True)
    loss = by_hand.loss.calculate(output, y)
    by_hand.backward(output, y)
    by_hand.optimizer.step(by_hand.trainable_layers())
    assert step.data_loss == loss and step.output == output and step.regularization_loss == 0.0
    assert weights(net) == weights(by_hand)  # to the last digit


def test_fit_false_is_a_loop_over_train_step():
    X, y = spiral(40, 3, seed=2)
    net, looped = spiral_net(), spiral_net()
    history = net.fit(X, y, epochs=5, verbose=0, fast=False)
    losses = [looped.train_step(X, y).data_loss for _ in range(5)]
    assert history.data_loss == losses
    assert weights(net) == weights(looped)


@pytest.mark.parametrize("batch_size, dropout", [(None, False), (16, False), (16, True)])
def test_fit_fast_equals_fit_reference(batch_size, dropout):
    X, y = spiral(60, 3, seed=4)
    ref, quick = spiral_net(dropout=dropout), spiral_net(dropout=dropout)
    h_ref = ref.fit(X, y, epochs=20, batch_size=batch_size, verbose=0, fast=False,
                    validation=(X[:20], y[:20]))
    h_fast = quick.fit(X, y, epochs=20, batch_size=batch_size, verbose=0, fast=True,
                       validation=(X[:20], y[:20]))
    assert rel(list(h_fast.to_dict().values()), list(h_ref.to_dict().values())) <= TOL
    assert rel(weights(quick), weights(ref)) <= TOL


def test_the_environment_switch(monkeypatch):
    monkeypatch.delenv("BARENN_REFERENCE", raising=False)
    assert not reference_by_default()
    for value, expected in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv("BARENN_REFERENCE", value)
        assert reference_by_default() is expected


def test_fit_uses_the_fast_tier_unless_told(monkeypatch):
    X, y = spiral(20, 3, seed=0)
    import barenn.network as network_module

    calls = []
    real = network_module.fast_tier.train_step
    monkeypatch.setattr(network_module.fast_tier, "train_step",
                        lambda *a: calls.append("fast") or real(*a))
    monkeypatch.delenv("BARENN_REFERENCE", raising=False)
    spiral_net().fit(X, y, epochs=2, verbose=0)
    assert calls == ["fast", "fast"]
    spiral_net().fit(X, y, epochs=2, verbose=0, fast=False)
    assert calls == ["fast", "fast"]
    monkeypatch.setenv("BARENN_REFERENCE", "1")
    spiral_net().fit(X, y, epochs=2, verbose=0)
    assert calls == ["fast", "fast"]
    spiral_net().fit(X, y, epochs=2, verbose=0, fast=True)
    assert calls == ["fast"] * 4
    with pytest.raises(TypeError, match=r"^Network.fit: fast must be True or False, got 1 \(int\)$"):
        spiral_net().fit(X, y, epochs=1, verbose=0, fast=1)


def test_fast_backward_skips_the_first_dinputs_and_fuses_relu():
    X, y = spiral(30, 3, seed=1)
    ref, quick = spiral_net(), spiral_net()
    assert ref.backward(ref.forward(X, training=True), y) is not None
    assert training.backward(quick, training.forward(quick, X, training=True), y) is None
    assert quick.layers[0].dinputs is None      # nobody needs dL/dX
    assert quick.layers[2].dinputs is None      # left to the ReLU's fused pass
    assert rel(quick.layers[1].dinputs, ref.layers[1].dinputs) <= TOL
    assert rel(weights(quick), weights(ref)) == 0.0
    assert rel([(l.dweights, l.dbiases) for l in quick.trainable_layers()],
               [(l.dweights, l.dbiases) for l in ref.trainable_layers()]) <= TOL


def test_dense_backward_without_dinputs_leaves_the_gradients_alone():
    layer = Dense(30, 16, init="he", seed=5, weight_regularizer_l1=1e-3, bias_regularizer_l2=1e-2)
    rng = random.Random(1)
    inputs = [[0.0 if rng.random() < 0.8 else rng.random() for _ in range(30)] for _ in range(8)]
    dvalues = [[rng.gauss(0, 1) for _ in range(16)] for _ in range(8)]
    layer.forward(inputs)
    full = layer.backward(dvalues)
    grads = (layer.dweights, layer.dbiases)
    assert training.dense_backward(layer, dvalues, need_dinputs=False) is None
    assert layer.dinputs is None
    assert rel((layer.dweights, layer.dbiases), grads) <= TOL
    assert rel(training.dense_backward(layer, dvalues), full) <= TOL


def test_fast_names_match_the_reference_signatures():
    import inspect

    from barenn import matrix as reference

    assert inspect.signature(fast.dot) == inspect.signature(reference.dot)
    assert inspect.signature(fast.train_step).parameters.keys() == {"network", "X_batch", "y_batch"}


def test_the_reference_tier_never_imports_the_fast_tier():
    import ast
    import pathlib

    import barenn

    root = pathlib.Path(barenn.__file__).parent
    for name in ("matrix", "layers", "activations", "losses", "optimizers", "autograd", "scalar_nn"):
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("barenn.fast"), name
                assert not any(a.name == "fast" for a in node.names), name


def mnist_like(rng, rows, cols=784, zeros=0.81):
    return [[0.0 if rng.random() < zeros else rng.randrange(1, 256) / 255 for _ in range(cols)]
            for _ in range(rows)]


def test_sparse_rows_gathering_whole_rows_of_b_give_the_per_column_gather_exactly():
    # The sparse kernel gathers the rows of b facing a row's non-zeros once and
    # zips them into columns: the same tuples as one itemgetter call per column,
    # so the very same sums, to the last bit.
    rng = random.Random(5)
    X = mnist_like(rng, 12)
    W = [[rng.uniform(-0.1, 0.1) for _ in range(128)] for _ in range(784)]
    columns = [list(c) for c in zip(*W)]
    X[3] = [0.0] * 784
    X[4] = [0.0] * 784
    X[4][400] = 0.5  # one non-zero
    assert fast_matrix._product(X, columns, W) == fast_matrix._product(X, columns)
    dvalues = [[rng.uniform(-1, 1) for _ in range(128)] for _ in range(12)]
    pixels = [list(c) for c in zip(*X)]
    by_rows = fast_matrix._product(pixels, [list(c) for c in zip(*dvalues)], dvalues)
    assert by_rows == fast_matrix._product(pixels, [list(c) for c in zip(*dvalues)])
    assert rel(fast_matrix.dot(pixels, dvalues), barenn_matrix.dot(pixels, dvalues)) <= TOL


def test_a_first_layer_on_mnist_shaped_input_equals_the_reference():
    rng = random.Random(6)
    X = mnist_like(rng, 40)
    y = [rng.randrange(10) for _ in X]

    def build():
        return Network([Dense(784, 128, init="he", seed=1), ReLU(), Dense(128, 10, init="he", seed=2),
                        Softmax()], CategoricalCrossEntropy(), Adam(0.01, decay=5e-3))
    ref, quick = build(), build()
    for start in (0, 20):
        r = ref.train_step(X[start:start + 20], y[start:start + 20])
        q = fast.train_step(quick, X[start:start + 20], y[start:start + 20])
        assert rel((q.data_loss, q.output), (r.data_loss, r.output)) <= TOL
    assert rel(weights(quick), weights(ref)) <= TOL


# --- barenn.fast.optimizers: the flat step and what it leaves to the reference ----------

def _twin_dense(seed=4):
    a, b = Dense(6, 5, seed=seed), Dense(6, 5, seed=seed)
    for layer in (a, b):
        layer.dweights = [[0.1 * (i - j) for j in range(5)] for i in range(6)]
        layer.dbiases = [[0.05 * j for j in range(5)]]
    return a, b


def test_a_flat_step_leaves_what_the_reference_step_leaves():
    ref_layer, fast_layer = _twin_dense()
    ref_opt, fast_opt = Adam(0.01, decay=1e-2), Adam(0.01, decay=1e-2)
    for _ in range(3):
        ref_opt.step([ref_layer])
        fast_optimizers.step(fast_opt, [fast_layer])
    assert rel((fast_layer.weights, fast_layer.biases), (ref_layer.weights, ref_layer.biases)) <= TOL
    assert (fast_opt.iterations, fast_opt.current_learning_rate) == (3, ref_opt.current_learning_rate)
    saved_ref, saved_fast = optimizer_state_dict(ref_opt, [ref_layer]), optimizer_state_dict(fast_opt, [fast_layer])
    assert rel([e["cache"] for e in saved_fast["state"]], [e["cache"] for e in saved_ref["state"]]) <= TOL
    # new matrices, as the reference makes: a matrix kept from before is unchanged
    kept, copy = fast_layer.weights, [r[:] for r in fast_layer.weights]
    fast_optimizers.step(fast_opt, [fast_layer])
    assert fast_layer.weights is not kept and kept == copy


def test_a_replaced_step_or_a_subclass_is_left_to_the_optimizer():
    layer, _ = _twin_dense()
    opt = SGD(0.1)
    calls = []
    opt.step = lambda layers: calls.append(layers)
    fast_optimizers.step(opt, [layer])
    assert calls == [[layer]]

    class Halving(SGD):
        def update(self, weights, dweights, state):
            return [[w / 2 for w in r] for r in weights]

    before = [r[:] for r in layer.weights]
    fast_optimizers.step(Halving(0.1), [layer])
    assert layer.weights == [[w / 2 for w in r] for r in before]


def test_a_bad_gradient_gets_the_reference_error_and_changes_nothing():
    layer, _ = _twin_dense()
    before = [r[:] for r in layer.weights]
    opt = Adam(0.01)
    layer.dweights[2][3] = "x"
    with pytest.raises(TypeError, match="Adam"):
        fast_optimizers.step(opt, [layer])
    assert layer.weights == before and opt.iterations == 0
    layer.dweights = None
    with pytest.raises(Exception, match="no gradient for weights"):
        fast_optimizers.step(opt, [layer])
