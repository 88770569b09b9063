"""Saving and loading networks: the JSON file format, layer by layer.

A saved network is one JSON object (never pickle: a model file is data, not code)::

    {"format": "barenn.network", "version": 1, "barenn_version": "...",
     "layers": [{"type": "Dense", "n_inputs": 2, "n_neurons": 3, "init": "he",
                 ..., "weights": [[...], [...]], "biases": [[...]]},
                {"type": "ReLU"}, ...],
     "loss": "CategoricalCrossEntropy",
     "accuracy": {"kind": "categorical", "precision_divisor": 250, "precision": null},
     "fuse": true, "epochs_trained": 10,
     "optimizer": {"type": "Adam", "settings": {...}, "iterations": 10, "state": [...]}}

Floats are written with ``repr`` precision, so a loaded network predicts exactly
what the saved one did. ``Network.save``/``Network.load`` (and ``to_dict``/
``from_dict``) use the functions here; files are written atomically.
"""

import json
import math
import os
import random

from barenn import __version__
from barenn._files import atomic_write_text
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.checks import check_int, check_number, check_type
from barenn.layers import Dense, Dropout
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.optimizers import from_state_dict
from barenn.rng import NumpyLegacy

__all__ = ["FORMAT", "FORMAT_VERSION", "LAYER_TYPES", "LOSS_TYPES", "LoadError",
           "layer_to_dict", "layer_from_dict", "type_name", "write_json", "read_json",
           "network_to_dict", "network_from_dict"]

FORMAT = "barenn.network"
FORMAT_VERSION = 1

LAYER_TYPES = {cls.__name__: cls for cls in (Dense, Dropout, ReLU, Sigmoid, Tanh, Softmax, Linear)}
LOSS_TYPES = {cls.__name__: cls for cls in (CategoricalCrossEntropy, BinaryCrossEntropy,
                                            MeanSquaredError, MeanAbsoluteError, SoftmaxCrossEntropy)}


class LoadError(ValueError):
    """A problem inside a saved layer (re-raised naming the file)."""


def type_name(thing, known, what):
    name = type(thing).__name__
    if known.get(name) is not type(thing):
        raise ValueError(f"cannot save a {what} of type {name}; barenn can save "
                         + ", ".join(known))
    return name


RNG_TYPES = {"Random": random.Random, "NumpyLegacy": NumpyLegacy}


def layer_to_dict(index, layer):
    name = type_name(layer, LAYER_TYPES, f"layer (layer {index})")
    entry = {"type": name}
    if isinstance(layer, Dense):
        entry.update(n_inputs=layer.n_inputs, n_neurons=layer.n_neurons, init=layer.init,
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


def layer_from_dict(index, entry):
    if not isinstance(entry, dict):
        raise LoadError(f"layer {index} must be a dict, got {type(entry).__name__}")
    name = entry.get("type")
    if name not in LAYER_TYPES:
        raise LoadError(f"layer {index} has unknown type {name!r}; known: {', '.join(LAYER_TYPES)}")
    try:
        if name == "Dense":
            settings = {key: entry[key] for key in (
                "init", "weight_regularizer_l1", "weight_regularizer_l2",
                "bias_regularizer_l1", "bias_regularizer_l2")}
            rows, cols = entry["n_inputs"], entry["n_neurons"]
            layer = Dense(rows, cols, seed=0, **settings)
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
    except (KeyError, TypeError, ValueError) as error:
        raise LoadError(f"layer {index} ({name}): bad settings ({type(error).__name__}: {error})") from None


def write_json(path, data, what="the network"):
    """Write ``data`` to ``path`` as one line of JSON, atomically; return the path.

    NaN and infinity are refused (JSON has no such numbers): a ValueError says so.
    """
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError:
        raise ValueError(f"cannot save {path}: {what} holds NaN or infinity "
                         "(did training diverge?)") from None
    return atomic_write_text(path, text + "\n")


def read_json(path):
    """The JSON data in the file at ``path``; a file that is not UTF-8 text or not
    valid JSON raises ValueError naming the path (a missing one, FileNotFoundError)."""
    check_type("load", "path", path, (str, bytes, os.PathLike),
               "a file path (str or os.PathLike)")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(f"cannot load {path}: not a text file (not UTF-8)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) else ""
        raise ValueError(f"cannot load {path}: not valid JSON{hint}: {error}") from None
    except RecursionError:
        raise ValueError(f"cannot load {path}: the JSON is nested too deeply") from None


def network_to_dict(network, include_optimizer=True):
    """``network`` (a ``barenn.network.Network``) as plain data, ready for JSON."""
    data = {
        "format": FORMAT, "version": FORMAT_VERSION, "barenn_version": __version__,
        "layers": [layer_to_dict(i, layer) for i, layer in enumerate(network.layers)],
        "loss": type_name(network.loss, LOSS_TYPES, "loss"),
        "accuracy": {"kind": network.accuracy_kind, "precision_divisor": network.precision_divisor,
                     "precision": network.regression_precision},
        "fuse": network.fused is not None,
        "epochs_trained": network.epochs_trained,
        "optimizer": None,
    }
    if network.optimizer is not None:
        state = network.optimizer.state_dict(network.layers)
        if not include_optimizer:
            state = {"type": state["type"], "settings": state["settings"]}
        data["optimizer"] = state
    return data


def network_from_dict(network_class, data, source="the data"):
    """A ``network_class`` (``Network``) rebuilt from ``network_to_dict`` output.

    Anything missing, malformed or unknown raises ValueError naming ``source``.
    """
    def fail(reason):
        return ValueError(f"cannot load {source}: {reason}")

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
        if loss_name not in LOSS_TYPES:
            raise LoadError(f"unknown loss {loss_name!r}; known: {', '.join(LOSS_TYPES)}")
        accuracy = data["accuracy"]
        network = network_class(layers, LOSS_TYPES[loss_name](), accuracy=accuracy["kind"],
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
            network.optimizer = from_state_dict(state, network.layers)
    except (KeyError, TypeError, AttributeError) as error:
        raise fail(f"missing or malformed entry ({type(error).__name__}: {error})") from None
    except ValueError as error:  # LoadError, and the checks of the layers and optimizer
        raise fail(str(error)) from None
    return network
