"""Tests for barenn.optimizers: each update rule against the formula worked by hand.

The expected numbers are written out from the formulas in the test itself (a few
parameters, one or two steps), never by calling optimizer code.
"""

import json
import math
from collections import namedtuple

import pytest

from barenn.matrix import ShapeError
from barenn.optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, RMSProp
from barenn.saving import optimizer_from_state_dict, optimizer_state_dict

Param = namedtuple("Param", "name value grad")


class Stub:
    """A layer with a 1x3 weight row and a 1x1 bias: just enough for an optimizer."""

    def __init__(self, weights=(1.0, -2.0, 0.5), bias=0.25):
        self.weights = [list(weights)]
        self.biases = [[bias]]
        self.dweights = None
        self.dbiases = None

    def params(self):
        return [Param("weights", self.weights, self.dweights),
                Param("biases", self.biases, self.dbiases)]

    def set_grads(self, dweights, dbias):
        self.dweights = [list(dweights)]
        self.dbiases = [[dbias]]


G1 = (0.2, -0.4, 1.0)   # first gradient of the weights
G2 = (-0.1, 0.3, 0.5)   # second gradient
B1, B2 = 0.6, -0.2      # bias gradients
W0 = (1.0, -2.0, 0.5)


def two_steps(optimizer, layer=None):
    layer = layer or Stub()
    snapshots = []
    for g, b in ((G1, B1), (G2, B2)):
        layer.set_grads(g, b)
        optimizer.step([layer])
        snapshots.append((layer.weights[0][:], layer.biases[0][0]))
    return layer, snapshots


def test_sgd_plain_step_is_w_minus_lr_g():
    layer, ((w1, b1), (w2, b2)) = two_steps(SGD(learning_rate=0.1))
    assert w1 == [W0[i] - 0.1 * G1[i] for i in range(3)]
    assert w1 == pytest.approx([0.98, -1.96, 0.4])
    assert b1 == 0.25 - 0.1 * B1
    assert w2 == [w1[i] - 0.1 * G2[i] for i in range(3)]
    assert b2 == b1 - 0.1 * B2


def test_sgd_decay_uses_lr_over_one_plus_decay_times_iterations():
    opt = SGD(learning_rate=1.0, decay=0.5)
    layer, ((w1, _), (w2, _)) = two_steps(opt)
    # step 0: lr = 1 / (1 + 0.5*0) = 1 ; step 1: lr = 1 / (1 + 0.5*1) = 2/3
    assert w1 == [W0[i] - 1.0 * G1[i] for i in range(3)]
    assert w2 == [w1[i] - (1.0 / 1.5) * G2[i] for i in range(3)]
    assert opt.current_learning_rate == 1.0 / 1.5
    assert opt.iterations == 2
    opt.pre_update_params()
    assert opt.current_learning_rate == pytest.approx(0.5)  # 1 / (1 + 0.5*2)


def test_decay_schedule_over_many_steps():
    opt = Adam(learning_rate=0.05, decay=5e-7)
    rates = []
    for _ in range(4):
        opt.pre_update_params()
        rates.append(opt.current_learning_rate)
        opt.post_update_params()
    assert rates == [0.05 / (1 + 5e-7 * t) for t in range(4)]
    assert rates[0] == 0.05 and rates[3] < rates[2] < rates[1] < rates[0]


def test_sgd_momentum_velocity_carries_over():
    lr, mu = 0.1, 0.9
    opt = SGD(learning_rate=lr, momentum=mu)
    layer, ((w1, b1), (w2, b2)) = two_steps(opt)
    v1 = [mu * 0.0 - lr * g for g in G1]
    assert w1 == [W0[i] + v1[i] for i in range(3)]
    v2 = [mu * v1[i] - lr * G2[i] for i in range(3)]
    assert w2 == [w1[i] + v2[i] for i in range(3)]
    assert w2 == pytest.approx([1.0 - 0.02 - 0.018 + 0.01, -2.0 + 0.04 + 0.036 - 0.03,
                                0.5 - 0.1 - 0.09 - 0.05])
    vb1 = -lr * B1
    assert b2 == b1 + (mu * vb1 - lr * B2)
    # the velocity lives in the optimizer, keyed by layer and parameter
    assert opt.state[(id(layer), "weights")]["momentum"] == [v2]
    assert set(vars(layer)) == {"weights", "biases", "dweights", "dbiases"}


def test_adagrad_cache_accumulates_squares():
    lr, eps = 0.5, 1e-7
    layer, ((w1, b1), (w2, b2)) = two_steps(AdaGrad(learning_rate=lr))
    c1 = [g * g for g in G1]
    assert w1 == [W0[i] - lr * G1[i] / (math.sqrt(c1[i]) + eps) for i in range(3)]
    # first step of AdaGrad moves each weight by about lr in the gradient's direction
    assert w1 == pytest.approx([0.5, -1.5, 0.0], abs=1e-5)
    c2 = [c1[i] + G2[i] ** 2 for i in range(3)]
    assert w2 == [w1[i] - lr * G2[i] / (math.sqrt(c2[i]) + eps) for i in range(3)]
    cb = B1 ** 2 + B2 ** 2
    assert b2 == b1 - lr * B2 / (math.sqrt(cb) + eps)


def test_rmsprop_cache_is_a_moving_average():
    lr, eps, rho = 0.01, 1e-7, 0.9
    layer, ((w1, b1), (w2, b2)) = two_steps(RMSProp(learning_rate=lr, rho=rho))
    c1 = [rho * 0.0 + (1 - rho) * g * g for g in G1]
    assert w1 == [W0[i] - lr * G1[i] / (math.sqrt(c1[i]) + eps) for i in range(3)]
    # sqrt(0.1 g^2) = 0.316 |g|, so the first step is lr / 0.316 = 0.0316 per weight
    assert w1 == pytest.approx([1.0 - 0.0316228, -2.0 + 0.0316228, 0.5 - 0.0316228], abs=1e-6)
    c2 = [rho * c1[i] + (1 - rho) * G2[i] ** 2 for i in range(3)]
    assert w2 == [w1[i] - lr * G2[i] / (math.sqrt(c2[i]) + eps) for i in range(3)]
    cb1 = (1 - rho) * B1 ** 2
    cb2 = rho * cb1 + (1 - rho) * B2 ** 2
    assert b2 == b1 - lr * B2 / (math.sqrt(cb2) + eps)


def test_adam_bias_corrected_step():
    lr, eps, b1_, b2_ = 0.05, 1e-7, 0.9, 0.999
    opt = Adam(learning_rate=lr)
    layer, ((w1, b1), (w2, b2)) = two_steps(opt)
    m1 = [(1 - b1_) * g for g in G1]
    v1 = [(1 - b2_) * g * g for g in G1]
    expected1 = [W0[i] - lr * (m1[i] / (1 - b1_ ** 1)) / (math.sqrt(v1[i] / (1 - b2_ ** 1)) + eps)
                 for i in range(3)]
    assert w1 == pytest.approx(expected1, rel=1e-15, abs=1e-15)
    # after bias correction m̂ = g and v̂ = g², so the first step is lr·sign(g)
    assert w1 == pytest.approx([W0[i] - lr * math.copysign(1, G1[i]) for i in range(3)], abs=1e-6)
    m2 = [b1_ * m1[i] + (1 - b1_) * G2[i] for i in range(3)]
    v2 = [b2_ * v1[i] + (1 - b2_) * G2[i] ** 2 for i in range(3)]
    expected2 = [w1[i] - lr * (m2[i] / (1 - b1_ ** 2)) / (math.sqrt(v2[i] / (1 - b2_ ** 2)) + eps)
                 for i in range(3)]
    assert w2 == pytest.approx(expected2, rel=1e-15, abs=1e-15)
    mb = b1_ * (1 - b1_) * B1 + (1 - b1_) * B2
    vb = b2_ * (1 - b2_) * B1 ** 2 + (1 - b2_) * B2 ** 2
    assert b2 == pytest.approx(b1 - lr * (mb / (1 - b1_ ** 2)) / (math.sqrt(vb / (1 - b2_ ** 2)) + eps),
                               rel=1e-15)
    state = opt.state[(id(layer), "weights")]
    assert state["momentum"][0] == pytest.approx(m2, rel=1e-15)
    assert state["cache"][0] == pytest.approx(v2, rel=1e-15)


def test_state_is_kept_per_parameter_and_per_layer():
    opt = Adam(learning_rate=0.01)
    a, b = Stub(), Stub(weights=(3.0, 3.0, 3.0))
    a.set_grads(G1, B1)
    b.set_grads(G2, B2)
    opt.step([a, b])
    assert set(opt.state) == {(id(a), "weights"), (id(a), "biases"),
                              (id(b), "weights"), (id(b), "biases")}
    assert opt.state[(id(a), "weights")]["momentum"] == [[(1 - 0.9) * g for g in G1]]
    assert opt.state[(id(b), "weights")]["momentum"] == [[(1 - 0.9) * g for g in G2]]
    assert opt.state[(id(a), "biases")]["cache"] == [[(1 - 0.999) * B1 * B1]]
    # plain SGD keeps nothing
    sgd = SGD()
    sgd.step([a])
    assert all(slots == {} for slots in sgd.state.values())


def test_updates_replace_matrices_and_leave_old_ones_alone():
    layer = Stub()
    old = layer.weights
    layer.set_grads(G1, B1)
    SGD(learning_rate=0.1).step([layer])
    assert old == [list(W0)]
    assert layer.weights is not old


@pytest.mark.parametrize("make", [
    lambda: SGD(learning_rate=0.3, decay=0.01, momentum=0.8),
    lambda: AdaGrad(learning_rate=0.3, decay=0.01),
    lambda: RMSProp(learning_rate=0.01, decay=0.01, rho=0.95),
    lambda: Adam(learning_rate=0.02, decay=0.01, beta_1=0.8, beta_2=0.99),
])
def test_optimizer_state_dict_round_trip_resumes_identically(make):
    grads = [((0.1 * k, -0.2 * k, 0.3), 0.05 * k) for k in range(1, 6)]
    straight, layer = make(), Stub()
    for g, b in grads:
        layer.set_grads(g, b)
        straight.step([layer])

    first, half = make(), Stub()
    for g, b in grads[:3]:
        half.set_grads(g, b)
        first.step([half])
    saved = json.loads(json.dumps(optimizer_state_dict(first, [half])))
    resumed_layer = Stub(weights=half.weights[0], bias=half.biases[0][0])
    resumed = optimizer_from_state_dict(saved, [resumed_layer])
    assert type(resumed) is type(first) and resumed.config() == first.config()
    assert resumed.iterations == 3
    for g, b in grads[3:]:
        resumed_layer.set_grads(g, b)
        resumed.step([resumed_layer])
    assert resumed_layer.weights == layer.weights
    assert resumed_layer.biases == layer.biases
    assert resumed.current_learning_rate == straight.current_learning_rate


def test_optimizer_state_dict_numbers_layers_by_position():
    opt = SGD(learning_rate=0.1, momentum=0.5)
    a, b = Stub(), Stub()
    b.set_grads(G2, B2)
    opt.step([b])
    data = optimizer_state_dict(opt, ["an activation", b])
    assert {(e["layer"], e["parameter"]) for e in data["state"]} == {(1, "weights"), (1, "biases")}
    with pytest.raises(ValueError, match="not among the given layers"):
        optimizer_state_dict(opt, [a])


def test_optimizer_from_state_dict_refuses_mismatches():
    opt = Adam()
    layer = Stub()
    layer.set_grads(G1, B1)
    opt.step([layer])
    data = optimizer_state_dict(opt, [layer])
    with pytest.raises(ValueError, match="pass the layers"):
        optimizer_from_state_dict(data)
    wrong = json.loads(json.dumps(data))
    wrong["state"][0]["momentum"] = [[0.0, 0.0]]
    with pytest.raises(ValueError, match="must be 1x"):
        optimizer_from_state_dict(wrong, [layer])
    wrong = json.loads(json.dumps(data))
    wrong["state"][0]["layer"] = 4
    with pytest.raises(ValueError, match="layer 4"):
        optimizer_from_state_dict(wrong, [layer])
    with pytest.raises(ValueError, match="unknown optimizer 'Nadam'"):
        optimizer_from_state_dict({"type": "Nadam"})


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(learning_rate=0), "learning_rate"),
    (lambda: SGD(learning_rate=-1), "learning_rate"),
    (lambda: SGD(decay=-0.1), "decay"),
    (lambda: SGD(momentum=1.0), "momentum"),
    (lambda: AdaGrad(epsilon=0), "epsilon"),
    (lambda: RMSProp(rho=float("nan")), "rho"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: Adam(beta_2=-0.5), "beta_2"),
    (lambda: Adam(learning_rate=float("inf")), "learning_rate"),
])
def test_bad_settings_are_refused_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_non_number_setting_is_a_type_error():
    with pytest.raises(TypeError, match="learning_rate must be a finite number > 0, got '0.01' \\(str\\)"):
        Adam(learning_rate="0.01")


def test_missing_or_misshapen_gradient():
    layer = Stub()
    with pytest.raises(RuntimeError, match="run backward"):
        SGD().step([layer])
    layer.dweights, layer.dbiases = [[1.0, 2.0]], [[0.0]]
    with pytest.raises(ShapeError, match="1x2 but weights is 1x3"):
        SGD().step([layer])


def test_layers_without_parameters_are_skipped():
    class Activation:
        def params(self):
            return []

    layer = Stub()
    layer.set_grads(G1, B1)
    opt = SGD(learning_rate=0.1)
    opt.step([Activation(), object(), layer])
    assert layer.weights == [[W0[i] - 0.1 * G1[i] for i in range(3)]]


def test_works_on_a_dense_layer():
    from barenn.layers import Dense

    layer = Dense(2, 2, seed=1)
    before = [r[:] for r in layer.weights]
    layer.forward([[1.0, 2.0]])
    layer.backward([[0.5, -0.5]])
    Adam(learning_rate=0.1).step([layer])
    # dweights = inputsᵀ·dvalues = [[0.5, -0.5], [1, -1]]: Adam's first step is lr·sign
    assert layer.weights[0] == pytest.approx([before[0][0] - 0.1, before[0][1] + 0.1], abs=1e-6)
    assert layer.weights[1] == pytest.approx([before[1][0] - 0.1, before[1][1] + 0.1], abs=1e-6)
    assert layer.biases[0] == pytest.approx([-0.1, 0.1], abs=1e-6)


def test_registry_and_repr():
    assert set(OPTIMIZERS) == {"SGD", "AdaGrad", "RMSProp", "Adam"}
    assert repr(SGD(0.5, momentum=0.9)) == "SGD(learning_rate=0.5, decay=0.0, momentum=0.9)"
    assert Adam(0.05, 5e-7).config() == {"learning_rate": 0.05, "decay": 5e-7, "epsilon": 1e-7,
                                         "beta_1": 0.9, "beta_2": 0.999}
