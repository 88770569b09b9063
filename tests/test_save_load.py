"""Tests for Network.save / Network.load: exact round trips, resuming, damaged files."""

import json
import os

import pytest

from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.datasets import spiral
from barenn.layers import Dense, Dropout
from barenn.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError
from barenn.network import FORMAT_VERSION, Network
from barenn.optimizers import SGD, AdaGrad, Adam, RMSProp
from barenn.rng import NumpyLegacy


def make_classifier(optimizer=None):
    return Network([Dense(2, 12, init="he", seed=1, weight_regularizer_l2=1e-4,
                          bias_regularizer_l1=1e-5),
                    ReLU(), Dropout(0.1, seed=5), Dense(12, 6, init="xavier", seed=2), Tanh(),
                    Dense(6, 3, seed=3), Softmax()],
                   CategoricalCrossEntropy(), optimizer or Adam(learning_rate=0.03, decay=1e-3))


@pytest.fixture(scope="module")
def data():
    return spiral(15, 3, seed=4)


def test_loaded_network_predicts_bit_for_bit(data, tmp_path):
    X, y = data
    net = make_classifier()
    net.fit(X, y, epochs=5, batch_size=16, verbose=0)
    path = net.save(tmp_path / "model.json")
    loaded = Network.load(path)
    assert loaded.predict(X) == net.predict(X)          # exact float equality
    assert loaded.evaluate(X, y) == net.evaluate(X, y)
    assert [repr(layer) for layer in loaded.layers] == [repr(layer) for layer in net.layers]
    assert loaded.summary() == net.summary()
    assert loaded.epochs_trained == 5
    assert loaded.layers[0].weight_regularizer_l2 == 1e-4
    assert loaded.layers[2].rate == 0.1


def test_file_is_plain_json_with_a_version(data, tmp_path):
    X, y = data
    path = tmp_path / "model.json"
    make_classifier().save(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format"] == "barenn.network" and saved["version"] == FORMAT_VERSION
    assert [entry["type"] for entry in saved["layers"]] == [
        "Dense", "ReLU", "Dropout", "Dense", "Tanh", "Dense", "Softmax"]
    assert saved["layers"][0]["n_inputs"] == 2 and len(saved["layers"][0]["weights"]) == 2
    assert saved["loss"] == "CategoricalCrossEntropy"
    assert saved["optimizer"]["type"] == "Adam"
    assert [name for name in os.listdir(tmp_path)] == ["model.json"]  # no temp file left


@pytest.mark.parametrize("optimizer", [
    SGD(learning_rate=0.5, decay=0.01, momentum=0.9), AdaGrad(learning_rate=0.3),
    RMSProp(learning_rate=0.01), Adam(learning_rate=0.03, decay=1e-3)], ids=lambda o: type(o).__name__)
def test_resumed_training_equals_uninterrupted_training(data, tmp_path, optimizer):
    X, y = data
    config = optimizer.config()
    straight = make_classifier(type(optimizer)(**config))
    full = straight.fit(X, y, epochs=6, batch_size=16, seed=3, verbose=0)

    first = make_classifier(type(optimizer)(**config))
    part1 = first.fit(X, y, epochs=3, batch_size=16, seed=3, verbose=0)
    first.save(tmp_path / "half.json")
    resumed = Network.load(tmp_path / "half.json")
    part2 = resumed.fit(X, y, epochs=3, batch_size=16, seed=3, verbose=0)

    assert part2.epoch == [3, 4, 5]
    assert part1.to_dict()["loss"] + part2.to_dict()["loss"] == full.loss
    assert resumed.predict(X) == straight.predict(X)
    assert resumed.optimizer.iterations == straight.optimizer.iterations


def test_without_optimizer_state_training_starts_fresh(data, tmp_path):
    X, y = data
    net = make_classifier()
    net.fit(X, y, epochs=2, verbose=0)
    net.save(tmp_path / "light.json", include_optimizer=False)
    saved = json.loads((tmp_path / "light.json").read_text(encoding="utf-8"))
    assert set(saved["optimizer"]) == {"type", "settings"}
    loaded = Network.load(tmp_path / "light.json")
    assert loaded.optimizer.config() == net.optimizer.config()
    assert loaded.optimizer.iterations == 0 and loaded.optimizer.state == {}
    assert loaded.predict(X) == net.predict(X)


def test_regression_and_binary_networks_round_trip(tmp_path):
    X = [[i / 10] for i in range(12)]
    y = [[x[0] * 0.5 - 0.2] for x in X]
    net = Network([Dense(1, 4, init="he", seed=1), ReLU(), Dense(4, 1, seed=2), Linear()],
                  MeanSquaredError(), SGD(learning_rate=0.05), precision_divisor=100)
    net.fit(X, y, epochs=3, verbose=0)
    net.save(tmp_path / "reg.json")
    loaded = Network.load(tmp_path / "reg.json")
    assert loaded.regression_precision == net.regression_precision
    assert loaded.precision_divisor == 100 and loaded.accuracy_kind == "regression"
    assert loaded.evaluate(X, y) == net.evaluate(X, y)

    binary = Network([Dense(1, 1, seed=3), Sigmoid()], BinaryCrossEntropy())
    binary.save(tmp_path / "bin.json")
    loaded = Network.load(tmp_path / "bin.json")
    assert loaded.optimizer is None and loaded.accuracy_kind == "binary"
    assert loaded.predict(X) == binary.predict(X)


def test_dropout_generator_state_is_kept(tmp_path):
    net = Network([Dense(2, 4, seed=1), Dropout(0.5, rng=NumpyLegacy(7)), Dense(4, 1, seed=2)],
                  MeanSquaredError())
    net.layers[1].rng.random()
    net.save(tmp_path / "drop.json")
    loaded = Network.load(tmp_path / "drop.json")
    assert type(loaded.layers[1].rng) is NumpyLegacy
    assert loaded.layers[1].rng.random() == net.layers[1].rng.random()


def test_saving_nan_weights_is_refused(tmp_path):
    net = make_classifier()
    net.layers[0].weights[0][0] = float("nan")
    with pytest.raises(ValueError, match="NaN or infinity"):
        net.save(tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


def test_save_replaces_an_existing_file(data, tmp_path):
    X, y = data
    path = tmp_path / "model.json"
    path.write_text("old contents", encoding="utf-8")
    net = make_classifier()
    net.save(path)
    assert Network.load(path).predict(X) == net.predict(X)


@pytest.fixture()
def saved(data, tmp_path):
    path = tmp_path / "model.json"
    net = make_classifier()
    net.fit(*data, epochs=1, verbose=0)  # so that the optimizer has state to damage
    net.save(path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_truncated_file_is_refused_naming_it(saved):
    path, _ = saved
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ValueError, match="truncated") as caught:
        Network.load(path)
    assert str(path) in str(caught.value)


def test_corrupt_files_are_refused_naming_them(saved, tmp_path):
    path, data = saved
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(ValueError, match="garbage.json"):
        Network.load(garbage)
    text = tmp_path / "text.json"
    text.write_text("this is not json", encoding="utf-8")
    with pytest.raises(ValueError, match="text.json: not valid JSON"):
        Network.load(text)
    other = write(tmp_path / "other.json", {"hello": "world"})
    with pytest.raises(ValueError, match="other.json: not a barenn network file"):
        Network.load(other)


@pytest.mark.parametrize("damage, message", [
    (lambda d: d.update(version=99), "unknown format version 99"),
    (lambda d: d["layers"][1].update(type="Swish"), "layer 1 has unknown type 'Swish'"),
    (lambda d: d["layers"][0]["weights"].pop(), "layer 0: weights must be 2x12 .* got 1x12"),
    (lambda d: d["layers"][3]["biases"][0].append(0.0), "layer 3: biases must be 1x6 .* got 1x7"),
    (lambda d: d["layers"][0]["weights"][0].__setitem__(0, "x"), "holds 'x', not a finite number"),
    (lambda d: d["layers"][3].update(n_inputs=5), "layer 3: weights must be 5x6"),
    (lambda d: d["layers"].pop(3), "layer 4 .* expects 6 inputs, but layer 0 .* gives 12"),
    (lambda d: d.update(loss="Hinge"), "unknown loss 'Hinge'"),
    (lambda d: d["optimizer"].update(type="Nadam"), "unknown optimizer 'Nadam'"),
    (lambda d: d["optimizer"]["state"][0].update(momentum=[[1.0]]),
     "layer 0: the optimizer.s momentum of biases must be 1x12 for its settings, got 1x1"),
    (lambda d: d.pop("layers"), "missing or malformed"),
    (lambda d: d["layers"][2].update(rate=1.5), r"layer 2 \(Dropout\): bad settings"),
])
def test_damaged_contents_are_refused_naming_the_file(saved, damage, message):
    path, data = saved
    damage(data)
    write(path, data)
    with pytest.raises(ValueError, match=message) as caught:
        Network.load(path)
    assert str(caught.value).startswith(f"cannot load {path}")


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Network.load(tmp_path / "nowhere.json")


def test_layers_barenn_cannot_save_are_refused(tmp_path):
    class Custom(ReLU):
        pass

    net = Network([Dense(2, 2, seed=1), Custom()], MeanSquaredError())
    with pytest.raises(ValueError, match="Custom"):
        net.save(tmp_path / "custom.json")
