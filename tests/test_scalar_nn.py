"""barenn.scalar_nn: Neuron, Layer, MLP on the scalar engine."""

import math
import random

import pytest

from barenn import check
from barenn.autograd import Value
from barenn.mlp import MLP
from barenn.scalar_nn import Layer, Module, Neuron, example_neuron

# The seed text's tiny binary target: 4 samples of 3 features.
XS = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
YS = [1.0, -1.0, -1.0, 1.0]


def squared_loss(model, xs=XS, ys=YS):
    return sum((model(x) - y) ** 2 for x, y in zip(xs, ys))


def test_neuron_computes_its_formula_for_every_activation():
    x = [0.5, -1.5, 2.0]
    expected_functions = {
        "tanh": math.tanh,
        "relu": lambda z: max(0.0, z),
        "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
        "linear": lambda z: z,
    }
    for name, function in expected_functions.items():
        neuron = Neuron(3, activation=name, seed=7)
        z = sum(w.data * xi for w, xi in zip(neuron.weights, x)) + neuron.bias.data
        assert neuron(x).data == pytest.approx(function(z), rel=1e-12, abs=1e-15)


def test_neuron_gradients_by_hand():
    neuron = Neuron(2, activation="tanh", seed=1)
    neuron.weights[0].data, neuron.weights[1].data, neuron.bias.data = -3.0, 1.0, 6.8813735870195432
    out = neuron([2.0, 0.0])
    out.backward()
    assert out.data == pytest.approx(math.sqrt(0.5))  # tanh(0.8813...) = 1/sqrt(2)
    dn = 1 - out.data ** 2                                # = 0.5
    assert neuron.weights[0].grad == pytest.approx(dn * 2.0)
    assert neuron.weights[1].grad == pytest.approx(dn * 0.0)
    assert neuron.bias.grad == pytest.approx(dn)


def test_inputs_may_be_values_and_get_gradients():
    neuron = Neuron(2, activation="linear", seed=3)
    x = [Value(1.0), Value(-2.0)]
    neuron(x).backward()
    assert [xi.grad for xi in x] == [w.data for w in neuron.weights]


def test_a_one_neuron_layer_returns_a_list_but_a_one_output_mlp_a_value():
    layer = Layer(3, 1, seed=0)
    out = layer([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    model = MLP(3, [4, 4, 1], seed=0)
    single = model([1.0, 2.0, 3.0])
    assert isinstance(single, Value)
    listed = model.outputs([1.0, 2.0, 3.0])
    assert len(listed) == 1 and listed[0].data == single.data
    assert len(MLP(3, [4, 2], seed=0)([1.0, 2.0, 3.0])) == 2


def test_parameters_and_their_count():
    model = MLP(3, [4, 4, 1], seed=0)
    params = model.parameters()
    assert len(params) == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1
    assert len(set(params)) == len(params)
    assert all(isinstance(p, Value) for p in params)
    first = model.layers[0].neurons[0]
    assert params[:4] == first.weights + [first.bias]


def test_seeded_initialisation_is_reproducible():
    def weights(model):
        return [p.data for p in model.parameters()]
    assert weights(MLP(3, [4, 1], seed=5)) == weights(MLP(3, [4, 1], seed=5))
    assert weights(MLP(3, [4, 1], seed=5)) != weights(MLP(3, [4, 1], seed=6))
    assert weights(MLP(3, [4, 1], rng=random.Random(5))) == weights(MLP(3, [4, 1], seed=5))
    assert all(-1.0 <= w < 1.0 for w in weights(MLP(3, [8, 8], seed=2)))


def test_activations_per_layer():
    model = MLP(2, [3, 3, 1], activation="relu", output_activation="linear", seed=0)
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", "linear"]
    model = MLP(2, [3, 1], activation=["sigmoid", "tanh"], seed=0)
    assert [layer.neurons[0].activation for layer in model.layers] == ["sigmoid", "tanh"]
    with pytest.raises(ValueError, match="2 layers but 1 activations"):
        MLP(2, [3, 1], activation=["relu"])


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="Neuron: activation must be one of 'tanh'.*got 'softplus'"):
        Neuron(2, activation="softplus")
    with pytest.raises(ValueError, match="Neuron: n_inputs must be a whole number >= 1, got 0"):
        Neuron(0)
    with pytest.raises(TypeError, match="Layer: n_neurons must be a whole number >= 1, got 2.5"):
        Layer(2, 2.5)
    with pytest.raises(ValueError, match="MLP: sizes must be a list of at least one layer size"):
        MLP(2, [])
    with pytest.raises(ValueError, match="expected a sample of 3 inputs, got 2"):
        MLP(3, [2])([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^Neuron: inputs must hold numbers or Values, got 'two' \(str\)$"):
        Neuron(2, seed=0)([1.0, "two"])
    with pytest.raises(TypeError, match=r"^Neuron: inputs must hold numbers or Values, got 'two' \(str\)$"):
        MLP(2, [1], seed=0, fast=False)([1.0, "two"])


@pytest.mark.parametrize("make, error, owner, argument", [
    (lambda: Neuron(2.5), TypeError, "Neuron", "n_inputs"),
    (lambda: Neuron(True), TypeError, "Neuron", "n_inputs"),
    (lambda: Neuron(-1), ValueError, "Neuron", "n_inputs"),
    (lambda: Neuron(2**64), ValueError, "Neuron", "n_inputs"),
    (lambda: Neuron(2, activation=None), TypeError, "Neuron", "activation"),
    (lambda: Neuron(2, seed={}), TypeError, "Neuron", "seed"),
    (lambda: Neuron(2, rng=5), TypeError, "Neuron", "rng"),
    (lambda: Layer(0, 2), ValueError, "Layer", "n_inputs"),
    (lambda: Layer(2, "3"), TypeError, "Layer", "n_neurons"),
    (lambda: Layer(2, 2**64), ValueError, "Layer", "n_neurons"),
    (lambda: Layer(10**5, 10**5), ValueError, "Layer", "weights and biases"),
    (lambda: Layer(2, 2, activation="softplus"), ValueError, "Layer", "activation"),
    (lambda: MLP(2**64, [4, 1]), ValueError, "MLP", "n_inputs"),
    (lambda: MLP(2.0, [4, 1]), TypeError, "MLP", "n_inputs"),
    (lambda: MLP(2, 4), TypeError, "MLP", "sizes"),
    (lambda: MLP(2, [4, 0]), ValueError, "MLP", "sizes[1]"),
    (lambda: MLP(2, [4, 2**64]), ValueError, "MLP", "sizes[1]"),
    (lambda: MLP(10**4, [10**4, 1]), ValueError, "MLP", "weights and biases"),
    (lambda: MLP(2, [4, 1], activation=["tanh", "x"]), ValueError, "MLP", "activation[1]"),
    (lambda: MLP(2, [4, 1], output_activation="x"), ValueError, "MLP", "output_activation"),
    (lambda: MLP(2, [4, 1], activation=7), TypeError, "MLP", "activation"),
    (lambda: MLP(2, [4, 1], seed=[1]), TypeError, "MLP", "seed"),
])
def test_bad_arguments_name_the_class_and_the_argument(make, error, owner, argument):
    """The same mistake gets the same exception type and message style (barenn.checks)."""
    with pytest.raises(error) as info:
        make()
    assert str(info.value).startswith(f"{owner}: ")
    assert argument in str(info.value)


def test_neuron_layer_and_mlp_share_one_base():
    model = MLP(2, [3, 1], seed=0)
    assert all(isinstance(m, Module) for m in (model, model.layers[0], model.layers[0].neurons[0]))
    for cls in (Neuron, Layer, MLP):
        assert "zero_grad" not in vars(cls)  # inherited from Module, written once
    for p in model.parameters():
        p.grad = 1.0
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert Module().parameters() == []


def test_example_neuron_lives_in_scalar_nn():
    o = example_neuron()
    assert o.label == "o" and abs(o.data - 2 ** -0.5) < 1e-12
    grads = {v.label: v.grad for v in o.topological_order()}
    assert grads["n"] == pytest.approx(0.5) and grads["w1"] == pytest.approx(1.0)
    assert grads["x1"] == pytest.approx(-1.5) and grads["w2"] == 0.0


def test_mlp_gradients_match_central_differences():
    model = MLP(3, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=11)
    params = model.parameters()
    model.zero_grad()
    squared_loss(model).backward()
    analytic = [p.grad for p in params]
    # barenn.check nudges the entries of a 1 x n matrix; copy them into the model first
    point = [[p.data for p in params]]

    def loss_at_point():
        for p, x in zip(params, point[0]):
            p.data = x
        return squared_loss(model).data

    numeric = check.numeric_gradient(loss_at_point, point)[0]
    loss_at_point()  # put the original weights back
    comparison = check.compare(analytic, numeric)  # check.py's tolerances
    assert comparison.passed, comparison


def test_zero_grad_resets_every_parameter():
    model = MLP(3, [4, 1], seed=0)
    squared_loss(model).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    squared_loss(model).backward()
    model.layers[0].zero_grad()
    assert all(p.grad == 0.0 for p in model.layers[0].parameters())
    assert any(p.grad != 0.0 for p in model.layers[1].parameters())


def test_the_seed_binary_target_trains_below_0_01_within_100_steps():
    model = MLP(3, [4, 4, 1], seed=0)
    start = squared_loss(model).data
    for _ in range(100):
        loss = squared_loss(model)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    final = squared_loss(model).data
    assert start > 1.0
    assert final < 0.01
    predictions = [model(x).data for x in XS]
    assert [math.copysign(1.0, p) for p in predictions] == YS
