"""Tests for barenn.network: training, the fused loss, modes, accuracy rules, errors."""

import math

import pytest

from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.datasets import spiral
from barenn.layers import Dense, Dropout
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.matrix import ShapeError
from barenn.network import Evaluation, History, Network, TrainingDiverged
from barenn.optimizers import SGD, Adam


def classifier(hidden=16, dropout=None, optimizer=None, fuse=True, l2=0.0, seed=1):
    layers = [Dense(2, hidden, init="he", seed=seed, weight_regularizer_l2=l2), ReLU()]
    if dropout:
        layers.append(Dropout(dropout, seed=seed + 10))
    layers += [Dense(hidden, 3, seed=seed + 1), Softmax()]
    return Network(layers, CategoricalCrossEntropy(),
                   optimizer or Adam(learning_rate=0.05, decay=1e-3), fuse=fuse)


@pytest.fixture(scope="module")
def data():
    return spiral(20, 3, seed=3)  # 60 points, 3 classes


def test_training_lowers_the_loss(data):
    X, y = data
    net = classifier(hidden=32, optimizer=Adam(learning_rate=0.1))
    history = net.fit(X, y, epochs=60, verbose=0)
    assert len(history) == 60 and history.epoch == list(range(60))
    assert history.loss[-1] < 0.75 * history.loss[0]
    assert history.accuracy[-1] > 0.5 > history.accuracy[0]  # chance is 1/3
    assert net.optimizer.iterations == 60


def test_epoch_zero_is_the_untrained_network(data):
    X, y = data
    net = classifier()
    before = CategoricalCrossEntropy().calculate(net.predict(X), y)
    start = net.evaluate(X, y)
    history = net.fit(X, y, epochs=1, verbose=0)
    assert history.data_loss[0] == before == start.loss
    assert history.accuracy[0] == start.accuracy
    assert net.evaluate(X, y).loss != before  # the weights moved


def test_fused_and_unfused_backward_give_the_same_gradients(data):
    X, y = data
    fused, plain = classifier(fuse=True), classifier(fuse=False)
    assert fused.fused is not None and plain.fused is None
    grads = []
    for net in (fused, plain):
        output = net.forward(X, training=True)
        dinputs = net.backward(output, y)
        grads.append((dinputs, [(layer.dweights, layer.dbiases) for layer in net.trainable_layers()]))
    (d1, layers1), (d2, layers2) = grads
    for row1, row2 in zip(d1, d2):
        assert row1 == pytest.approx(row2, rel=1e-9, abs=1e-15)
    for (w1, b1), (w2, b2) in zip(layers1, layers2):
        for r1, r2 in zip(w1 + b1, w2 + b2):
            assert r1 == pytest.approx(r2, rel=1e-9, abs=1e-15)


def test_fused_network_still_predicts_probabilities(data):
    X, _ = data
    output = classifier().predict(X)
    assert len(output) == 60 and all(len(r) == 3 for r in output)
    assert all(abs(sum(r) - 1.0) < 1e-12 and min(r) > 0 for r in output)


def test_dropout_is_off_at_inference(data):
    X, y = data
    with_dropout, without = classifier(dropout=0.5), classifier()
    assert with_dropout.predict(X) == without.predict(X)
    assert with_dropout.predict(X) == with_dropout.predict(X)
    assert with_dropout.forward(X, training=True) != without.forward(X, training=True)


def test_same_seed_same_history(data):
    X, y = data
    runs = [classifier(dropout=0.2).fit(X, y, epochs=8, batch_size=16, seed=7, verbose=0,
                                        validation=(X[:30], y[:30]))
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0].to_dict() == runs[1].to_dict()
    other = classifier(dropout=0.2).fit(X, y, epochs=8, batch_size=16, seed=8, verbose=0)
    assert other.loss != runs[0].loss


def test_minibatches_update_once_per_batch_and_cover_the_set(data):
    X, y = data
    net = classifier()
    history = net.fit(X, y, epochs=2, batch_size=25, verbose=0)  # 25 + 25 + 10
    assert net.optimizer.iterations == 6
    whole = classifier().fit(X, y, epochs=2, batch_size=60, verbose=0)
    assert whole == classifier().fit(X, y, epochs=2, verbose=0)
    assert history.loss != whole.loss


def test_history_fields_and_validation(data):
    X, y = data
    net = classifier(l2=1e-3)
    history = net.fit(X, y, epochs=5, validation=(X, y), verbose=0)
    assert isinstance(history, History)
    d = history.to_dict()
    assert set(d) == set(History.FIELDS)
    assert all(len(v) == 5 for v in d.values())
    for total, data_loss, reg in zip(history.loss, history.data_loss, history.regularization_loss):
        assert reg > 0 and total == data_loss + reg
    assert history.learning_rate == [0.05 / (1 + 1e-3 * t) for t in range(5)]
    # validation is measured after the epoch's update, in inference mode
    assert history.val_loss[-1] == net.evaluate(X, y).loss
    assert history.val_accuracy[-1] == net.evaluate(X, y).accuracy
    assert History.from_dict(d) == history
    assert history.last()["epoch"] == 4
    without = classifier().fit(X, y, epochs=2, verbose=0)
    assert without.val_loss == [] and without.val_accuracy == []


def test_epochs_continue_over_fits_and_match_one_long_fit(data):
    X, y = data
    one = classifier()
    long = one.fit(X, y, epochs=6, batch_size=20, verbose=0)
    two = classifier()
    first = two.fit(X, y, epochs=4, batch_size=20, verbose=0)
    second = two.fit(X, y, epochs=2, batch_size=20, verbose=0)
    assert second.epoch == [4, 5]
    assert first.loss + second.loss == long.loss
    assert two.predict(X) == one.predict(X)


def test_nan_stops_training_naming_the_epoch():
    X = [[i / 10] for i in range(20)]
    y = [[2 * x[0] + 1] for x in X]
    net = Network([Dense(1, 8, seed=1, init="he"), ReLU(), Dense(8, 1, seed=2), Linear()],
                  MeanSquaredError(), SGD(learning_rate=50.0))
    with pytest.raises(TrainingDiverged) as caught:
        net.fit(X, y, epochs=200, verbose=0)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, FloatingPointError)
    assert f"epoch {error.epoch}" in str(error)
    assert 0 < error.epoch < 200
    assert "smaller" in str(error) and "learning rate" in str(error)
    net = Network([Dense(1, 8, seed=1, init="he"), ReLU(), Dense(8, 1, seed=2), Linear()],
                  MeanSquaredError(), SGD(learning_rate=50.0))
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, batch \d of 4"):
        net.fit(X, y, epochs=200, batch_size=5, verbose=0)


def test_summary_counts_parameters():
    net = Network([Dense(2, 64), ReLU(), Dense(64, 3), Softmax()], CategoricalCrossEntropy(),
                  Adam(learning_rate=0.05))
    text = net.summary()
    lines = text.splitlines()
    dense_lines = [line for line in lines if line.lstrip()[:1].isdigit() and "Dense" in line]
    assert dense_lines[0].endswith(" 192") and "n x 64" in dense_lines[0]  # 2*64 + 64
    assert dense_lines[1].endswith(" 195") and "n x 3" in dense_lines[1]   # 64*3 + 3
    assert "total parameters: 387" in text
    assert "fused" in text and "Adam" in text
    assert net.parameter_count() == 387


def test_evaluate_and_predict_shapes(data):
    X, y = data
    net = classifier()
    result = net.evaluate(X, y)
    assert isinstance(result, Evaluation) and result == (result.loss, result.accuracy)
    assert 0.0 <= result.accuracy <= 1.0 and result.loss > 0
    assert net.evaluate(X, y, batch_size=7).accuracy == result.accuracy
    assert net.evaluate(X, y, batch_size=7).loss == pytest.approx(result.loss, rel=1e-12)
    classes = net.predict_classes(X)
    assert len(classes) == 60 and set(classes) <= {0, 1, 2}
    assert net.predict(X, batch_size=7) == net.predict(X)
    assert net.input_size() == 2 and net.output_size() == 3 and net.is_classifier()


def test_one_hot_labels_give_the_same_figures(data):
    X, y = data
    one_hot = [[1.0 if c == k else 0.0 for c in range(3)] for k in y]
    a = classifier().fit(X, y, epochs=3, verbose=0)
    b = classifier().fit(X, one_hot, epochs=3, verbose=0)
    assert a.accuracy == b.accuracy
    assert a.loss == pytest.approx(b.loss, rel=1e-12)


def identity_network(activation, loss, **kwargs):
    """One input, one output, output = activation(x): weights 1, bias 0."""
    layer = Dense(1, 1)
    layer.weights, layer.biases = [[1.0]], [[0.0]]
    return Network([layer, activation], loss, **kwargs)


def test_regression_accuracy_is_within_std_over_250():
    y = [0.0, 2.0, 4.0, 6.0]                  # population std = sqrt(5)
    offsets = [0.0, 0.005, 0.02, -0.001]      # 0.02 is outside sqrt(5)/250 = 0.00894
    X = [[t + d] for t, d in zip(y, offsets)]
    net = identity_network(Linear(), MeanSquaredError())
    assert net.accuracy_kind == "regression" and not net.is_classifier()
    result = net.evaluate(X, y)
    assert result.accuracy == 0.75
    assert result.loss == pytest.approx(sum(d * d for d in offsets) / 4)
    loose = identity_network(Linear(), MeanAbsoluteError(), precision_divisor=100)
    assert loose.evaluate(X, [[t] for t in y]).accuracy == 1.0   # sqrt(5)/100 = 0.0224
    with pytest.raises(ValueError, match="regression"):
        net.predict_classes(X)


def test_regression_precision_is_fixed_by_the_first_fit():
    X = [[i / 20] for i in range(40)]
    y = [[math.sin(3 * x[0])] for x in X]
    net = Network([Dense(1, 16, init="he", seed=4), Tanh(), Dense(16, 1, seed=5), Linear()],
                  MeanSquaredError(), Adam(learning_rate=0.02))
    history = net.fit(X, y, epochs=40, verbose=0)
    values = [t[0] for t in y]
    mean = sum(values) / 40
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / 40)
    assert net.regression_precision == std / 250
    assert history.loss[-1] < history.loss[0] / 2
    subset = net.evaluate(X[:5], y[:5])  # judged with the training precision, not the subset's
    out = net.predict(X[:5])
    assert subset.accuracy == sum(abs(o[0] - t[0]) < std / 250 for o, t in zip(out, y[:5])) / 5


def test_binary_accuracy_thresholds_at_one_half():
    X = [[2.0], [-1.0], [0.5], [-3.0]]
    y = [1, 1, 1, 0]
    net = identity_network(Sigmoid(), BinaryCrossEntropy())
    assert net.accuracy_kind == "binary" and net.is_classifier()
    assert net.predict_classes(X) == [1, 0, 1, 0]
    assert net.evaluate(X, y).accuracy == 0.75
    assert net.evaluate(X, [[t] for t in y]).accuracy == 0.75


def test_binary_classifier_learns():
    X = [[x / 10, (x % 7) / 7] for x in range(-20, 20)]
    y = [[1 if r[0] + 0.3 * r[1] > 0.1 else 0] for r in X]
    net = Network([Dense(2, 8, init="he", seed=2), ReLU(), Dense(8, 1, seed=3), Sigmoid()],
                  BinaryCrossEntropy(), Adam(learning_rate=0.05))
    history = net.fit(X, y, epochs=60, verbose=0)
    assert history.loss[-1] < history.loss[0] and history.accuracy[-1] >= 0.9


def test_softmax_cross_entropy_as_the_loss_is_fused_too(data):
    X, y = data
    net = Network([Dense(2, 3, seed=1), Softmax()], SoftmaxCrossEntropy(), Adam())
    assert net.fused is not None and net.accuracy_kind == "categorical"
    with pytest.raises(ValueError, match="Softmax"):
        Network([Dense(2, 3, seed=1)], SoftmaxCrossEntropy())


def test_bad_construction_is_explained():
    with pytest.raises(ValueError, match="no layers"):
        Network([], CategoricalCrossEntropy())
    with pytest.raises(ValueError, match="a loss is needed"):
        Network([Dense(2, 3)], None)
    with pytest.raises(TypeError, match=r"CategoricalCrossEntropy\(\)"):
        Network([Dense(2, 3)], CategoricalCrossEntropy)
    with pytest.raises(TypeError, match=r"layer 1 is the class ReLU"):
        Network([Dense(2, 3), ReLU], MeanSquaredError())
    with pytest.raises(ShapeError, match="layer 2 .* expects 4 inputs, but layer 0 .* gives 3"):
        Network([Dense(2, 3), ReLU(), Dense(4, 1)], MeanSquaredError())
    with pytest.raises(ValueError, match="accuracy"):
        Network([Dense(2, 3)], MeanSquaredError(), accuracy="fuzzy")


def test_bad_data_is_explained(data):
    X, y = data
    net = classifier()
    with pytest.raises(ValueError, match="X has 60 samples but y has 59"):
        net.fit(X, y[:-1], epochs=1, verbose=0)
    with pytest.raises(ShapeError, match=r"3 features per sample .* expects 2"):
        net.fit([r + [0.0] for r in X], y, epochs=1, verbose=0)
    with pytest.raises(ShapeError, match="3 features"):
        net.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(ShapeError, match="ragged"):
        net.predict([[1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match="empty"):
        net.predict([])
    with pytest.raises(ValueError, match="batch_size"):
        net.fit(X, y, epochs=1, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="epochs"):
        net.fit(X, y, epochs=-1, verbose=0)
    with pytest.raises(ValueError, match="X_val has 2 samples but y_val has 1"):
        net.fit(X, y, epochs=1, validation=(X[:2], y[:1]), verbose=0)
    with pytest.raises(ValueError, match="no optimizer"):
        Network([Dense(2, 3), Softmax()], CategoricalCrossEntropy()).fit(X, y, epochs=1)


def test_history_plot_and_chart(data, tmp_path):
    X, y = data
    history = classifier().fit(X, y, epochs=4, validation=(X, y), verbose=0)
    svg = history.plot(tmp_path / "history.svg")
    assert (tmp_path / "history.svg").read_text(encoding="utf-8") == svg
    assert svg.startswith("<svg") and "val_loss" in svg
    text = history.chart(width=60, height=10)
    assert isinstance(text, str) and "loss" in text
    with pytest.raises(ValueError, match="unknown field"):
        history.series(["speed"])


# --- data sources and the first layer without dinputs -----------------------------------------

def tiny_images(n=50, seed=0):
    """n sparse 4x4 byte images (an MnistImages, no files) and labels 0..2."""
    import random

    from barenn.realdata import MnistImages

    rng = random.Random(seed)
    data, labels = bytearray(), []
    for _ in range(n):
        label = rng.randrange(3)
        image = [0] * 16
        for p in range(label * 5, label * 5 + 6):
            if rng.random() < 0.7:
                image[p] = rng.randrange(1, 256)
        data += bytes(image)
        labels.append(label)
    return MnistImages(bytes(data), rows=4, cols=4), labels


def image_classifier(dropout=False):
    layers = [Dense(16, 12, init="he", seed=4), ReLU()]
    if dropout:
        layers.append(Dropout(0.25, seed=8))
    layers += [Dense(12, 3, seed=5), Softmax()]
    return Network(layers, CategoricalCrossEntropy(), Adam(learning_rate=0.02))


class CountingSource:
    """A data source that remembers the largest batch it was asked for."""

    def __init__(self, images):
        self.images, self.largest = images, 0

    def __len__(self):
        return len(self.images)

    def batch(self, indices):
        self.largest = max(self.largest, len(indices))
        return self.images.batch(indices)


@pytest.mark.parametrize("dropout", [False, True])
def test_fit_from_a_data_source_equals_fit_from_float_rows(dropout):
    images, labels = tiny_images()
    rows = images.batch(range(len(images)))
    a, b = image_classifier(dropout), image_classifier(dropout)
    source = CountingSource(images)
    h1 = a.fit(rows, labels, epochs=3, batch_size=8, validation=(rows, labels), verbose=0)
    h2 = b.fit(source, labels, epochs=3, batch_size=8, validation=(images, labels), verbose=0)
    assert h1 == h2  # the very same numbers, not just close ones
    assert [layer.weights for layer in a.trainable_layers()] == \
        [layer.weights for layer in b.trainable_layers()]
    assert source.largest == 8  # floats were made one batch at a time
    chunks = CountingSource(images)
    b.predict(chunks, batch_size=7)
    assert chunks.largest == 7
    assert a.evaluate(rows, labels) == b.evaluate(source, labels)
    assert a.predict(rows) == b.predict(source) == b.predict(source, batch_size=7)
    assert b.predict_classes(images) == a.predict_classes(rows)


def test_a_bad_data_source_is_explained():
    images, labels = tiny_images(10)
    net = Network([Dense(9, 3, seed=1), Softmax()], CategoricalCrossEntropy(), Adam())
    with pytest.raises(ShapeError, match=r"X has 16 features per sample \(10x16\).*expects 9"):
        net.fit(images, labels, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        image_classifier().fit(images, labels[:9], epochs=1, verbose=0)


