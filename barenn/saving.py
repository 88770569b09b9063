"""Saving and loading networks: the JSON file format, layer by layer.

A saved network is one JSON object (never pickle: a model file is data, not code)::

    {"format": "barenn.network", "version": 1, "barenn_version": "...",
     "layers": [{"type": "Dense", "n_inputs": 2, "n_neurons": 3, "init": "he",
                 ..., "weights": [[...], [...]], "biases": [[...]]},
                {"type": "ReLU"}, ...],
     "loss": "CategoricalCrossEntropy",
     "accuracy": {"kind": "categorical", "precision_divisor": 250, "precision": null},
     "fuse": true, "epochs_trained": 10,
     "optimizer": {"type": "Adam", "settings": {...}, "iterations": 10, "state": [...]},
     "preprocessing": {"features": ["x1", ...], "scaling": {"mean": [...], "std": [...]},
                       "target": "species", "classes": ["setosa", ...], "target_scaling": null}}

"preprocessing" is there only for a model trained from a CSV file
(``barenn.csvdata``): the feature names and standardization that ``predict`` applies
again, and the class names (or a regression target's scaling). Files without it
load as before.

Floats are written with ``repr`` precision, so a loaded network predicts exactly
what the saved one did. ``Network.save``/``Network.load`` (and ``to_dict``/
``from_dict``) use the functions here; files are written atomically.
"""

import json
import math
import os
import random

from barenn import __version__
from barenn._files import atomic_write_text, check_write_target, open_regular
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.checks import check_int, check_number, check_type, describe
from barenn.layers import Dense, Dropout
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.optimizers import OPTIMIZERS
from barenn.rng import NumpyLegacy

__all__ = ["FORMAT", "FORMAT_VERSION", "LAYER_TYPES", "LOSS_TYPES", "LoadError",
           "layer_to_dict", "layer_from_dict", "type_name", "write_json", "read_json",
           "network_to_dict", "network_from_dict", "preprocessing_from_dict"]

FORMAT = "barenn.network"
FORMAT_VERSION = 1

LAYER_TYPES = {cls.__name__: cls for cls in (Dense, Dropout, ReLU, Sigmoid, Tanh, Softmax, Linear)}
LOSS_TYPES = {cls.__name__: cls for cls in (CategoricalCrossEntropy, BinaryCrossEntropy,
                                            MeanSquaredError, MeanAbsoluteError, SoftmaxCrossEntropy)}


class LoadError(ValueError):
    """A problem inside a saved layer (re-raised naming the file)."""


def type_name(thing, known, what):
    """The name under which ``thing`` is saved: its class's, if ``known`` (name ->
    class) holds that very class; else a ValueError listing what can be saved."""
    if not isinstance(known, dict):
        raise TypeError(f"type_name: known must be a dict of name -> class, got {describe(known)}")
    name = type(thing).__name__
    if known.get(name) is not type(thing):
        raise ValueError(f"cannot save a {what} of type {name}; barenn can save "
                         + ", ".join(known))
    return name


RNG_TYPES = {"Random": random.Random, "NumpyLegacy": NumpyLegacy}


def layer_to_dict(index, layer):
    """One layer as plain data (``index`` is its place in the network, for messages)."""
    name = type_name(layer, LAYER_TYPES, f"layer (layer {index})")
    entry = {"type": name}
    if isinstance(layer, Dense):
        entry.update(n_inputs=layer.n_inputs, n_neurons=layer.n_neurons, init=_init_to_data(layer.init),
                     weight_regularizer_l1=layer.weight_regularizer_l1,
                     weight_regularizer_l2=layer.weight_regularizer_l2,
                     bias_regularizer_l1=layer.bias_regularizer_l1,
                     bias_regularizer_l2=layer.bias_regularizer_l2,
                     weights=[list(r) for r in layer.weights],
                     biases=[list(r) for r in layer.biases])
    elif isinstance(layer, Dropout):
        entry["rate"] = layer.rate
        rng = getattr(layer, "rng", None)
        rng_type = type(rng).__name__
        if RNG_TYPES.get(rng_type) is type(rng):  # keeps resumed dropout masks identical
            version, internal, cached = rng.getstate()
            entry["rng"] = {"type": rng_type, "state": [version, list(internal), cached]}
    return entry


def matrix_from(index, what, m, rows, cols):
    if not isinstance(m, list) or not all(isinstance(r, list) for r in m):
        raise LoadError(f"layer {index}: {what} must be a list of rows")
    got_cols = {len(r) for r in m}
    if len(m) != rows or got_cols != {cols}:
        got = f"{len(m)}x{got_cols.pop()}" if len(got_cols) == 1 else f"{len(m)} ragged rows"
        raise LoadError(f"layer {index}: {what} must be {rows}x{cols} for its settings, got {got}")
    for r in m:
        for v in r:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise LoadError(f"layer {index}: {what} holds {v!r}, not a finite number")
    return [[float(v) for v in r] for r in m]


def _init_to_data(init):
    """A Dense layer's ``init`` as JSON can hold it: a name, [kind, number], or
    "custom" for a function (its weights are saved anyway)."""
    if isinstance(init, tuple):
        return list(init)  # ("normal", 0.1) -> ["normal", 0.1]; Dense accepts the list
    return init if isinstance(init, (str, list)) else "custom"


def loss_from(name, settings):
    """A new loss of the saved type with its saved settings (``Loss.settings()``)."""
    check_type("loss", "loss_settings", settings, dict, "a dict of loss settings")
    try:
        return LOSS_TYPES[name](**settings)
    except TypeError as error:
        raise LoadError(f"loss {name}: bad settings {settings!r} ({error})") from None


def layer_from_dict(index, entry):
    if not isinstance(entry, dict):
        raise LoadError(f"layer {index} must be a dict, got {type(entry).__name__}")
    name = entry.get("type")
    if not isinstance(name, str) or name not in LAYER_TYPES:
        raise LoadError(f"layer {index} has unknown type {name!r}; known: {', '.join(LAYER_TYPES)}")
    try:
        if name == "Dense":
            settings = {key: entry[key] for key in (
                "init", "weight_regularizer_l1", "weight_regularizer_l2",
                "bias_regularizer_l1", "bias_regularizer_l2")}
            rows, cols = entry["n_inputs"], entry["n_neurons"]
            init = settings.pop("init")
            # "custom": the weights came from a function, which JSON cannot hold; the
            # weights themselves are saved, so any init will do to build the layer
            layer = Dense(rows, cols, seed=0, init="walkthrough" if init == "custom" else init,
                          **settings)
            if init == "custom":
                layer.init = "custom"
            layer.weights = matrix_from(index, "weights", entry["weights"], rows, cols)
            layer.biases = matrix_from(index, "biases", entry["biases"], 1, cols)
            return layer
        if name == "Dropout":
            layer = Dropout(entry["rate"])
            saved = entry.get("rng")
            if saved is not None:
                rng = RNG_TYPES[saved["type"]]()
                version, internal, cached = saved["state"]
                rng.setstate((version, tuple(internal), cached))
                layer.rng = rng
            return layer
        return LAYER_TYPES[name]()
    except LoadError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as error:
        raise LoadError(f"layer {index} ({name}): bad settings ({type(error).__name__}: {error})") from None


def write_json(path, data, what="the network", owner="Network.save"):
    """Write ``data`` to ``path`` as one line of JSON, atomically; return the path.

    NaN and infinity are refused (JSON has no such numbers): a ValueError says so.
    The target follows the rules of ``barenn._files`` with ``make_parents=False``:
    its folder must exist, a symlink is written through, and a folder, fifo or
    device is refused.
    """
    check_write_target(path, owner)  # a bad path fails before the work of encoding
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError as error:
        if "JSON compliant" not in str(error):
            raise ValueError(f"{owner}: cannot save {path}: {error}") from None
        raise ValueError(f"{owner}: cannot save {path}: {what} holds NaN or infinity "
                         "(did training diverge?)") from None
    except (TypeError, RecursionError) as error:
        raise ValueError(f"{owner}: cannot save {path}: {what} is not plain data "
                         f"({type(error).__name__}: {error})") from None
    return atomic_write_text(path, text + "\n", owner=owner, make_parents=False)


def read_json(path, owner="Network.load"):
    """The JSON data in the file at ``path``; a file that is not UTF-8 text or not
    valid JSON raises ValueError naming the path (a missing one, FileNotFoundError;
    a folder, IsADirectoryError; a fifo or device, ValueError: only regular files
    are read). Numbers too large for a float (10**400) are refused here."""
    with open_regular(path, owner) as f:
        raw = f.read()
    path = os.fspath(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{owner}: cannot load {path}: not a text file (not UTF-8)") from None
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) else ""
        raise ValueError(f"{owner}: cannot load {path}: not valid JSON{hint}: {error}") from None
    except RecursionError:
        raise ValueError(f"{owner}: cannot load {path}: the JSON is nested too deeply") from None
    except ValueError as error:  # _parse_int, _refuse_constant, the digit limit of int()
        raise ValueError(f"{owner}: cannot load {path}: {error}") from None


def _parse_int(text):
    """A JSON integer, refused if no float can hold it (the weights become floats)."""
    if len(text.lstrip("-")) > 300:
        raise ValueError(f"a number of {len(text.lstrip('-'))} digits is too large for a float")
    return int(text)


def _parse_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:20]} is too large for a float")
    return number


def _refuse_constant(name):
    raise ValueError(f"the file holds {name}, which is not a finite number")


def network_to_dict(network, include_optimizer=True):
    """``network`` (a ``barenn.network.Network``) as plain data, ready for JSON."""
    if not all(hasattr(network, name) for name in ("layers", "loss", "optimizer", "fused")):
        raise TypeError(f"network_to_dict: network must be a Network, got {describe(network)}")
    data = {
        "format": FORMAT, "version": FORMAT_VERSION, "barenn_version": __version__,
        "layers": [layer_to_dict(i, layer) for i, layer in enumerate(network.layers)],
        "loss": type_name(network.loss, LOSS_TYPES, "loss"),
        "accuracy": {"kind": network.accuracy_kind, "precision_divisor": network.precision_divisor,
                     "precision": network.regression_precision},
        "fuse": network.fused is not None,
        "epochs_trained": network.epochs_trained,
        "loss_settings": network.loss.settings() if callable(getattr(network.loss, "settings", None)) else {},
        "optimizer": None,
    }
    if network.optimizer is not None:
        state = optimizer_state_dict(network.optimizer, network.layers)
        if not include_optimizer:
            state = {"type": state["type"], "settings": state["settings"]}
        data["optimizer"] = state
    record = getattr(network, "preprocessing", None)
    if record is not None:
        data["preprocessing"] = record
    return data


def _numbers_list(what, values, length):
    if not isinstance(values, list) or len(values) != length:
        raise LoadError(f"preprocessing: {what} must be a list of {length} numbers")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise LoadError(f"preprocessing: {what} holds {v!r}, not a finite number")
    return [float(v) for v in values]


def _scaling_from(what, entry, length):
    if not isinstance(entry, dict):
        raise LoadError(f"preprocessing: {what} must be a dict with mean and std")
    mean = _numbers_list(f"{what} mean", entry.get("mean"), length)
    std = _numbers_list(f"{what} std", entry.get("std"), length)
    if any(s <= 0 for s in std):
        raise LoadError(f"preprocessing: {what} std must hold numbers > 0")
    return {"mean": mean, "std": std}


def preprocessing_from_dict(record, network):
    """The checked "preprocessing" record of a saved model (see the module docstring)."""
    if not all(callable(getattr(network, name, None))
               for name in ("input_size", "output_size", "is_classifier")):
        raise TypeError(f"preprocessing_from_dict: network must be a Network, got {describe(network)}")
    if not isinstance(record, dict):
        raise LoadError(f"preprocessing: the record must be a dict, got {describe(record)}")
    features = record.get("features")
    n_in, n_out = network.input_size(), network.output_size()
    if (not isinstance(features, list) or not all(isinstance(f, str) for f in features)
            or len(features) != n_in):
        raise LoadError(f"preprocessing: features must be a list of {n_in} column names")
    target = record.get("target")
    if not isinstance(target, str):
        raise LoadError("preprocessing: target must be a column name")
    classes = record.get("classes")
    if classes is not None:
        if (not isinstance(classes, list) or not all(isinstance(c, str) for c in classes)
                or len(classes) != n_out or not network.is_classifier()):
            raise LoadError(f"preprocessing: classes must be a list of {n_out} class names "
                            "(for a classifier)")
        classes = list(classes)
    target_scaling = record.get("target_scaling")
    if target_scaling is not None:
        target_scaling = _scaling_from("target_scaling", target_scaling, n_out)
    return {"features": list(features), "scaling": _scaling_from("scaling", record.get("scaling"), n_in),
            "target": target, "classes": classes, "target_scaling": target_scaling}


def network_from_dict(network_class, data, source="the data"):
    """A ``network_class`` (``Network``) rebuilt from ``network_to_dict`` output.

    Anything missing, malformed or unknown raises ValueError naming ``source``.
    """
    def fail(reason):
        return ValueError(f"cannot load {source}: {reason}")

    if not isinstance(network_class, type):
        raise TypeError(f"network_from_dict: network_class must be a class (Network), "
                        f"got {describe(network_class)}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f"not a barenn network file (expected \"format\": \"{FORMAT}\")")
    if data.get("version") != FORMAT_VERSION:
        raise fail(f"unknown format version {data.get('version')!r} (this barenn reads "
                   f"version {FORMAT_VERSION})")
    try:
        entries = data["layers"]
        if not isinstance(entries, list) or not entries:
            raise LoadError("\"layers\" must be a non-empty list")
        layers = [layer_from_dict(i, entry) for i, entry in enumerate(entries)]
        loss_name = data["loss"]
        if not isinstance(loss_name, str) or loss_name not in LOSS_TYPES:
            raise LoadError(f"unknown loss {loss_name!r}; known: {', '.join(LOSS_TYPES)}")
        accuracy = data["accuracy"]
        network = network_class(layers, loss_from(loss_name, data.get("loss_settings", {})), accuracy=accuracy["kind"],
                                precision_divisor=accuracy["precision_divisor"],
                                fuse=bool(data.get("fuse", True)))
        precision = accuracy.get("precision")
        if precision is not None:
            check_number("accuracy", "precision", precision)
        network.regression_precision = precision
        network.epochs_trained = check_int("network", "epochs_trained",
                                           data.get("epochs_trained", 0), low=0)
        if data.get("optimizer") is not None:
            state = dict(data["optimizer"])
            state.setdefault("iterations", 0)
            state.setdefault("current_learning_rate", state.get("settings", {}).get("learning_rate"))
            state.setdefault("state", [])
            network.optimizer = optimizer_from_state_dict(state, network.layers)
        if data.get("preprocessing") is not None:
            network.preprocessing = preprocessing_from_dict(data["preprocessing"], network)
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise fail(f"missing or malformed entry ({type(error).__name__}: {error})") from None
    except (OverflowError, RecursionError) as error:
        raise fail(f"a value is out of range ({type(error).__name__}: {error})") from None
    except ValueError as error:  # LoadError, and the checks of the layers and optimizer
        raise fail(str(error)) from None
    return network


# --- an optimizer's state: settings, iteration count, momentum and caches ---------------

def optimizer_state_dict(optimizer, layers=None):
    """Everything needed to resume ``optimizer``: settings, iterations, learning rate
    and the slot matrices of every parameter, as plain JSON-ready data.

    ``layers`` is the list that numbers the layers (e.g. ``network.layers``); each
    state entry records its layer's position in it. By default the layers are
    numbered in the order the optimizer first updated them.
    """
    check_type("optimizer_state_dict", "optimizer", optimizer, tuple(OPTIMIZERS.values()),
               "an optimizer (SGD, AdaGrad, RMSProp or Adam)")
    if layers is None:
        layers = list(optimizer.owners.values())
    check_type("optimizer_state_dict", "layers", layers, (list, tuple), "a list of layers or None")
    position = {id(layer): i for i, layer in enumerate(layers)}
    entries = []
    for (layer_id, name), slots in optimizer.state.items():
        if layer_id not in position:
            raise ValueError(f"optimizer_state_dict: the optimizer holds state for "
                             f"{optimizer.owners[layer_id]!r}, which is not among the given layers")
        entries.append({"layer": position[layer_id], "parameter": name,
                        **{slot: [list(r) for r in m] for slot, m in slots.items()}})
    entries.sort(key=lambda e: (e["layer"], e["parameter"]))
    return {"type": type(optimizer).__name__, "settings": optimizer.config(),
            "iterations": optimizer.iterations,
            "current_learning_rate": optimizer.current_learning_rate, "state": entries}


def optimizer_from_state_dict(data, layers=None):
    """A new optimizer of the saved type holding everything ``optimizer_state_dict``
    recorded; ``layers`` numbered the same way. Raises ValueError if the data does
    not fit the layers (unknown position or parameter, wrong shape)."""
    owner = "optimizer_from_state_dict"
    check_type(owner, "data", data, dict, "a dict from optimizer_state_dict()")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in OPTIMIZERS:
        raise ValueError(f"{owner}: unknown optimizer {kind!r}; expected one of {', '.join(OPTIMIZERS)}")
    settings = data.get("settings")
    if not isinstance(settings, dict):
        raise ValueError(f"{owner}: {kind} settings must be a dict, got {type(settings).__name__}")
    try:
        optimizer = OPTIMIZERS[kind](**settings)  # checks every setting
    except TypeError as error:
        raise ValueError(f"{owner}: bad {kind} settings {settings!r} ({error})") from None
    optimizer.iterations = check_int(owner, "iterations", data.get("iterations"), low=0, high=None)
    optimizer.current_learning_rate = check_number(
        owner, "current_learning_rate", data.get("current_learning_rate"), low=0, low_open=True)
    entries = data.get("state", [])
    if not isinstance(entries, list):
        raise ValueError(f"{owner}: state must be a list, got {type(entries).__name__}")
    if entries and layers is None:
        raise ValueError(f"{owner}: pass the layers the state belongs to")
    for entry in entries:
        layer, name, value = _state_entry_target(owner, entry, layers)
        optimizer.state[(id(layer), name)] = {
            slot: matrix_from(entry["layer"], f"the optimizer's {slot} of {name}", entry.get(slot),
                              len(value), len(value[0]))
            for slot in optimizer.slots}
        optimizer.owners.setdefault(id(layer), layer)
    return optimizer


def _state_entry_target(owner, entry, layers):
    """The (layer, parameter name, parameter value) a saved state entry belongs to."""
    if not isinstance(entry, dict):
        raise ValueError(f"{owner}: each state entry must be a dict, got {type(entry).__name__}")
    index, name = entry.get("layer"), entry.get("parameter")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(layers):
        raise ValueError(f"{owner}: state entry names layer {index!r}, but there are "
                         f"{len(layers)} layers")
    layer = layers[index]
    params = {p[0]: p[1] for p in getattr(layer, "params", lambda: [])()}
    if name not in params:
        raise ValueError(f"{owner}: layer {index} ({layer!r}) has no parameter {name!r}")
    return layer, name, params[name]
