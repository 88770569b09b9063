"""The scalar engine as micrograd-style tutorials use it: per-node backward steps,
sum() over Values, a one-output MLP returning a Value, and random.seed at the top."""

import random

from barenn.autograd import Value
from barenn.datasets import moons
from barenn.mlp import MLP


def test_backward_is_the_loop_of_backward_steps():
    x1, w1, x2, w2 = Value(2.0), Value(-3.0), Value(0.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    # by hand, as the scalar-autograd write-up does it: each node's own step, in reverse
    o.grad = 1.0
    for node in reversed(o.topological_order()):
        node.backward_step()
    by_hand = [v.grad for v in (x1, w1, x2, w2, b, n)]
    for v in o.topological_order():
        v.grad = 0.0
    o.backward()
    assert [v.grad for v in (x1, w1, x2, w2, b, n)] == by_hand
    assert round(n.grad, 4) == 0.5 and round(w1.grad, 4) == 1.0


def test_a_backward_step_touches_only_the_nodes_inputs():
    a, b = Value(2.0), Value(5.0)
    c = a * b
    d = c + a
    d.grad = 1.0
    d.backward_step()
    assert (c.grad, a.grad, b.grad) == (1.0, 1.0, 0.0)
    c.backward_step()
    assert (a.grad, b.grad) == (6.0, 2.0)


def test_backward_twice_doubles_every_leaf_gradient():
    a = Value(3.0)
    b = a * a + a
    b.backward()
    assert a.grad == 7.0 and b.grad == 1.0
    b.backward()
    assert a.grad == 14.0 and b.grad == 1.0   # as in PyTorch: leaves add up


def test_sum_over_values_starts_from_the_int_zero():
    values = [Value(1.5), Value(2.0), Value(-0.5)]
    total = sum(values)
    assert isinstance(total, Value) and total.data == 3.0
    total.backward()
    assert [v.grad for v in values] == [1.0, 1.0, 1.0]


def test_the_four_sample_target_loop_as_the_write_up_spells_it():
    random.seed(0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = MLP(3, [4, 4, 1])
    losses = []
    for _ in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert losses[-1] < losses[0]
    random.seed(0)
    again = MLP(3, [4, 4, 1])
    assert isinstance(again(xs[0]), Value)


def test_the_moons_notebook_loop_runs_with_only_its_imports_changed():
    random.seed(1337)
    X, y = moons(20, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y]   # the notebook's labels are -1 / 1
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    first, _ = loss()
    for k in range(5):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    assert loss()[0].data < first.data


def _mlp_grads(fast):
    model = MLP(3, [5, 4, 1], activation="relu", output_activation="tanh", seed=3, fast=fast)
    xs = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    loss = sum((model([Value(v) for v in x]) - t) ** 2 for x, t in zip(xs, [1.0, -1.0]))
    loss.backward()
    return loss, [p.grad for p in model.parameters()]


def test_one_node_per_weighted_sum_gives_the_same_numbers_with_fewer_nodes():
    fused_loss, fused = _mlp_grads(True)
    chain_loss, chain = _mlp_grads(False)
    assert fused_loss.data == chain_loss.data
    assert all(abs(a - b) <= 1e-12 * max(1.0, abs(b)) for a, b in zip(fused, chain))
    def operations(loss):
        return sum(1 for node in loss.topological_order() if node.op)
    assert operations(fused_loss) * 3 < operations(chain_loss)


def test_weighted_sum_by_hand():
    from barenn.fast.scalar import weighted_sum

    w = [Value(0.5), Value(-2.0), Value(1.0)]
    x = [Value(4.0), 3.0, Value(-1.0)]
    b = Value(0.25)
    s = weighted_sum(w, x, b)
    assert s.op == "w·x+b"
    assert s.data == 0.5 * 4.0 + -2.0 * 3.0 + 1.0 * -1.0 + 0.25
    assert s.inputs == (w[0], w[1], w[2], x[0], x[2], b)
    assert s.local_derivatives == (4.0, 3.0, -1.0, 0.5, 1.0, 1.0)
    s.grad = 2.0
    s.backward_step()
    assert [v.grad for v in w] == [8.0, 6.0, -2.0] and x[0].grad == 1.0 and b.grad == 2.0


def test_the_benchmark_runs_without_micrograd(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "scalar_loop.py"
    spec = importlib.util.spec_from_file_location("scalar_loop", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--steps", "2", "--no-micrograd"]) == 0
    out = capsys.readouterr().out
    assert "barenn, gc on" in out and "garbage collector on / off" in out


def test_weighted_sum_and_one_node_refuse_bad_arguments():
    import pytest

    from barenn.fast.scalar import weighted_sum

    with pytest.raises(ValueError, match="weighted_sum: expected a sample of 2 inputs, got 1"):
        weighted_sum([Value(1.0), Value(2.0)], [1.0], Value(0.0))
    with pytest.raises(TypeError, match="weighted_sum"):
        weighted_sum([Value(1.0)], ["x"], Value(0.0))
    with pytest.raises(TypeError, match="MLP: fast must be True or False"):
        MLP(2, [2], fast="yes")
