"""barenn.bridge: the scalar engine and the matrix engine agree on the same network."""

import math

import pytest

from barenn import bridge, check
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.layers import Dense, Dropout
from barenn.losses import MeanSquaredError, SoftmaxCrossEntropy


@pytest.mark.parametrize("output", bridge.CHECK_OUTPUTS)
@pytest.mark.parametrize("seed", range(8))
def test_random_networks_and_batches_agree_within_1e_9(output, seed):
    layers, loss, inputs, y = bridge.random_case(f"test-{seed}", output=output)
    result = bridge.compare_engines(layers, loss, inputs, y)
    assert math.isfinite(result.matrix_loss) and result.matrix_loss > 0
    assert abs(result.matrix_loss - result.scalar_loss) <= bridge.TOLERANCE
    assert len(result.matrix_gradients) == len(result.scalar_gradients) == \
        sum(isinstance(layer, Dense) for layer in layers)
    for dense, (mw, mb), (sw, sb) in zip([l for l in layers if isinstance(l, Dense)],
                                         result.matrix_gradients, result.scalar_gradients):
        assert len(sw) == dense.n_inputs and len(sw[0]) == dense.n_neurons
        assert len(sb) == 1 and len(sb[0]) == dense.n_neurons
        for m, s in ((mw, sw), (mb, sb)):
            for mr, sr in zip(m, s):
                for a, b in zip(mr, sr):
                    assert abs(a - b) <= bridge.TOLERANCE
    assert result.max_difference <= bridge.TOLERANCE
    # and the gradients are not trivially zero
    assert any(abs(g) > 1e-6 for mw, _ in result.matrix_gradients for r in mw for g in r)


def test_every_hidden_activation_is_covered():
    for activation in ("tanh", "relu", "sigmoid", "linear"):
        layers, loss, inputs, y = bridge.random_case(f"only-{activation}",
                                                     activations=(activation,))
        assert bridge.compare_engines(layers, loss, inputs, y).max_difference <= bridge.TOLERANCE


def test_regularization_penalties_agree():
    hidden = Dense(3, 4, init="he", seed=3, weight_regularizer_l1=0.01,
                   weight_regularizer_l2=0.02, bias_regularizer_l1=0.03, bias_regularizer_l2=0.04)
    hidden.biases = [[0.1, -0.2, 0.3, 0.0]]  # a zero bias: |b| has slope 0 there in both
    output = Dense(4, 2, init="he", seed=4, weight_regularizer_l2=0.5)
    inputs = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]]
    y = [[0.1, 0.2], [-0.4, 0.3]]
    result = bridge.compare_engines([hidden, ReLU(), output], MeanSquaredError(), inputs, y)
    assert result.max_difference <= bridge.TOLERANCE
    plain = bridge.compare_engines(
        [_copy_dense(hidden), ReLU(), _copy_dense(output)], MeanSquaredError(), inputs, y)
    assert result.matrix_loss > plain.matrix_loss  # the penalties were really included


def _copy_dense(dense):
    copy = Dense(dense.n_inputs, dense.n_neurons)
    copy.weights = [list(r) for r in dense.weights]
    copy.biases = [list(dense.biases[0])]
    return copy


def test_scalar_mlp_has_exactly_the_matrix_weights():
    first, second = Dense(3, 2, init="he", seed=1), Dense(2, 4, init="he", seed=2)
    second.biases = [[0.5, -0.5, 1.5, 2.5]]
    model, softmax_output = bridge.scalar_mlp([first, Tanh(), second, Softmax()])
    assert softmax_output
    assert [n.activation for n in model.layers[0].neurons] == ["tanh"] * 2
    assert [n.activation for n in model.layers[1].neurons] == ["linear"] * 4
    for dense, layer in zip((first, second), model.layers):
        for j, neuron in enumerate(layer.neurons):
            assert [w.data for w in neuron.weights] == [r[j] for r in dense.weights]
            assert neuron.bias.data == dense.biases[0][j]
    # a Dense with no activation after it is linear
    model, softmax_output = bridge.scalar_mlp([Dense(2, 2, seed=0)])
    assert not softmax_output and model.layers[0].neurons[0].activation == "linear"


def test_a_wrong_backward_is_caught(monkeypatch):
    layers, loss, inputs, y = bridge.random_case("wrong", activations=("tanh",))
    assert bridge.compare_engines(layers, loss, inputs, y).max_difference <= bridge.TOLERANCE
    # the slope of tanh written as 1 - tanh(x) instead of 1 - tanh(x)**2
    def wrong_backward(self, dvalues):
        self.dinputs = [[d * (1.0 - t) for d, t in zip(dr, tr)] for dr, tr in zip(dvalues, self.output)]
        return self.dinputs
    monkeypatch.setattr(Tanh, "backward", wrong_backward)
    assert bridge.compare_engines(layers, loss, inputs, y).max_difference > 1e-3


def test_the_matrix_weights_are_not_changed():
    layers, loss, inputs, y = bridge.random_case("unchanged", output="fused")
    before = [[list(r) for r in l.weights] for l in layers if isinstance(l, Dense)]
    bridge.compare_engines(layers, loss, inputs, y)
    assert before == [l.weights for l in layers if isinstance(l, Dense)]
    assert isinstance(loss, SoftmaxCrossEntropy)


def test_stacks_the_scalar_engine_cannot_mirror_are_refused():
    with pytest.raises(ValueError, match="must start with a Dense"):
        bridge.split_stack([ReLU(), Dense(2, 2)])
    with pytest.raises(ValueError, match="Dropout"):
        bridge.split_stack([Dense(2, 2), Dropout(0.5, seed=0), Dense(2, 1)])
    with pytest.raises(ValueError, match="follows another activation"):
        bridge.split_stack([Dense(2, 2), ReLU(), Tanh()])
    with pytest.raises(ValueError, match="Softmax may only follow the last Dense"):
        bridge.split_stack([Dense(2, 2), Softmax(), Dense(2, 2)])
    with pytest.raises(ValueError, match="expects 3 inputs but the layer before gives 2"):
        bridge.split_stack([Dense(2, 2), Linear(), Dense(3, 1)])
    with pytest.raises(ValueError, match="random_case: output must be one of 'mse'"):
        bridge.random_case(0, output="hinge")


def test_clipped_probabilities_are_refused_not_silently_different():
    out = Dense(1, 1)
    out.weights, out.biases = [[1.0]], [[40.0]]  # sigmoid(41) rounds to 1 - 1e-18
    from barenn.losses import BinaryCrossEntropy
    with pytest.raises(ValueError, match="clips it"):
        bridge.compare_engines([out, Sigmoid()], BinaryCrossEntropy(), [[1.0]], [[1.0]])


def test_the_check_row():
    row = bridge.engines_check_row(seed=0, cases=2)
    assert isinstance(row, check.CheckRow)
    assert row.name == "scalar engine vs matrix engine"
    assert row.passed and row.max_abs <= bridge.TOLERANCE


@pytest.mark.parametrize("call, error, function, argument", [
    (lambda: bridge.random_case(0, output=None), TypeError, "random_case", "output"),
    (lambda: bridge.random_case(0, activations=("tanh", "swish")), ValueError, "random_case",
     "activations[1]"),
    (lambda: bridge.random_case({}), TypeError, "random_case", "seed"),
    (lambda: bridge.engines_check_row(cases=0), ValueError, "engines_check_row", "cases"),
    (lambda: bridge.engines_check_row(cases=2**64), ValueError, "engines_check_row", "cases"),
    (lambda: bridge.engines_check_row(cases=1.5), TypeError, "engines_check_row", "cases"),
])
def test_bad_arguments_name_the_function_and_the_argument(call, error, function, argument):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(f"{function}: {argument} must be "), str(info.value)
