"""See every number: the data behind ``python -m barenn explore``, and the page itself.

``explore_data(network, X, y, steps, learning_rate)`` trains a copy of a small
network for ``steps`` steps of plain SGD on one batch (X, y) and records every
number of every step, computed by barenn's own parts:

* forward, layer by layer: each neuron's weighted sum z (``Dense.forward``) and
  its activation a (``ReLU``/``Tanh``/``Sigmoid``/``Linear``/``Softmax.forward``);
* the loss of each sample and their mean (``barenn.losses``);
* backward, last layer first: dL/da, dL/dz (a fused Softmax + categorical
  cross-entropy gives (ŷ − y)/n through ``SoftmaxCrossEntropy.backward``), dL/dw
  and dL/db (``Dense.backward``); a hidden layer's dL/da is the next layer's
  dinputs;
* the update: old weight, learning rate x gradient, new weight (``SGD.step``).

Every number comes with the formula that made it, numbers plugged in, as a string.
The result is plain dicts and lists (JSON-ready). ``write_page(path, data)`` writes
one self-contained HTML file (inline SVG, CSS and a small script that only displays
the embedded numbers; no network access) from ``barenn/data/explore_template.html``.

Shapes: X is n samples x k features; a quantity ``{"v": matrix, "f": formulas,
"rows": labels, "cols": labels, "name": str}`` holds a matrix and one formula string
per entry. Per-sample quantities (z, a, dL/dz, dL/da) have one row per sample;
dL/dw is n_inputs x n_neurons, dL/db 1 x n_neurons, like the layer's weights and biases.
"""

import copy
import html
import json
import math
import random
from pathlib import Path

from barenn._files import atomic_write_text
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.checks import check_int, check_number, check_numbers, check_type, describe
from barenn.layers import Dense
from barenn.losses import (BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError,
                           SoftmaxCrossEntropy)
from barenn.optimizers import SGD
from barenn.sources import check_data

__all__ = ["MAX_PARAMETERS", "MAX_STEPS", "default_network", "sample_batch",
           "explore_data", "render_page", "write_page"]

MAX_PARAMETERS = 100  # every weight is drawn and tabulated: keep it small enough to read
MAX_STEPS = 20
MAX_SAMPLES = 64  # samples in the batch: each is a column of every table
TEMPLATE = Path(__file__).resolve().parent / "data" / "explore_template.html"
ACTIVATIONS = (ReLU, Tanh, Sigmoid, Linear, Softmax)


def default_network(seed=0):
    """The 2-3-2 classifier: Dense(2, 3), Tanh, Dense(3, 2), Softmax, cross-entropy."""
    from barenn.network import Network

    check_int("default_network", "seed", seed, high=None)
    return Network([Dense(2, 3, init="xavier", seed=seed), Tanh(),
                    Dense(3, 2, init="xavier", seed=seed + 1), Softmax()],
                   loss=CategoricalCrossEntropy())


def sample_batch(network, samples=4, seed=0):
    """(X, y): ``samples`` points of a built-in data set that fits ``network``.

    2 inputs and k >= 2 softmax outputs: moons (k = 2) or spiral with k classes,
    the classes taken in turn; 2 inputs and 1 sigmoid output: moons with 0/1
    targets; 1 input and 1 output: noisy sinc. Otherwise ValueError.
    """
    from barenn import datasets

    samples = check_int("sample_batch", "samples", samples, low=1, high=MAX_SAMPLES)
    check_int("sample_batch", "seed", seed, high=None)
    stages, loss = _parts("sample_batch", network)
    n_in, n_out = stages[0][0].n_inputs, stages[-1][0].n_neurons
    rng = random.Random(seed)
    if n_in == 2 and isinstance(loss, CategoricalCrossEntropy) and n_out >= 2:
        X, y = datasets.moons(seed=seed) if n_out == 2 else datasets.spiral(classes=n_out, seed=seed)
        by_class = [[i for i, label in enumerate(y) if label == c] for c in range(n_out)]
        for members in by_class:
            rng.shuffle(members)
        picked = [by_class[i % n_out][i // n_out] for i in range(samples)]
        return [X[i] for i in picked], [y[i] for i in picked]
    if n_in == 2 and isinstance(loss, BinaryCrossEntropy) and n_out == 1:
        X, y = datasets.moons(seed=seed)
        picked = rng.sample(range(len(X)), samples)
        return [X[i] for i in picked], [[float(y[i])] for i in picked]
    if n_in == 1 and n_out == 1 and isinstance(loss, MeanSquaredError):
        X, y = datasets.sinc(samples=100, seed=seed)
        picked = sorted(rng.sample(range(len(X)), samples))
        return [X[i] for i in picked], [y[i] for i in picked]
    raise ValueError(f"sample_batch: no built-in data set fits a network with {n_in} inputs, "
                     f"{n_out} outputs and {type(loss).__name__}; expected 2 inputs (a classifier) "
                     "or 1 input and 1 output (regression)")


def _parts(where, network):
    """[(dense, activation or None), ...] and the loss; ValueError for what explore cannot show."""
    layers = getattr(network, "layers", None)
    if not isinstance(layers, list):
        raise TypeError(f"{where}: network must be a barenn Network, got {type(network).__name__}")
    stages = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Dense):
            if any(getattr(layer, f"{p}_regularizer_{k}") for p in ("weight", "bias") for k in ("l1", "l2")):
                raise ValueError(f"{where}: layer {i} {layer!r} has regularization; explore shows "
                                 "plain gradients only, expected a Dense layer without regularizers")
            stages.append([layer, None])
        elif isinstance(layer, ACTIVATIONS) and stages and stages[-1][1] is None:
            stages[-1][1] = layer
        else:
            raise ValueError(f"{where}: cannot show layer {i} {layer!r}; expected Dense layers, "
                             "each followed by at most one of ReLU, Tanh, Sigmoid, Linear, Softmax")
    count = sum(dense.parameter_count() for dense, _ in stages)
    if count > MAX_PARAMETERS:
        raise ValueError(f"{where}: the network has {count} parameters; explore shows every number "
                         f"and takes at most {MAX_PARAMETERS}")
    loss = network.loss
    if isinstance(loss, SoftmaxCrossEntropy):
        loss = CategoricalCrossEntropy()
    if not isinstance(loss, (CategoricalCrossEntropy, MeanSquaredError, BinaryCrossEntropy)):
        raise ValueError(f"{where}: cannot show the loss {loss!r}; expected CategoricalCrossEntropy, "
                         "BinaryCrossEntropy or MeanSquaredError")
    for i, (_, act) in enumerate(stages):
        if isinstance(act, Softmax) and (i != len(stages) - 1 or not isinstance(loss, CategoricalCrossEntropy)):
            raise ValueError(f"{where}: Softmax must be the last layer, followed by categorical "
                             "cross-entropy (explore shows the fused gradient (ŷ − y)/n)")
    return stages, loss


# --- formatting the formulas -------------------------------------------------------------------

def fmt(x):
    """A number as the page shows it: 4 decimals, or 3 significant digits when tiny.

    >>> fmt(0.5), fmt(-0.123456), fmt(-1.2e-05)
    ('0.5000', '-0.1235', '-1.20e-05')
    """
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4f}"


def _p(x):
    """fmt(x), in parentheses when negative (so products read clearly)."""
    return f"({fmt(x)})" if x < 0 else fmt(x)


def _quantity(name, values, formulas, rows, cols):
    return {"name": name, "v": values, "f": formulas, "rows": rows, "cols": cols}


def _labels(word, count):
    return [f"{word} {i + 1}" for i in range(count)]


def _activation_name(act):
    return "identity" if act is None else type(act).__name__


def _activation_formula(act, z_row, j, a):
    z = z_row[j]
    if isinstance(act, ReLU):
        return f"a = max(0, z) = max(0, {fmt(z)}) = {fmt(a)}"
    if isinstance(act, Tanh):
        return f"a = tanh(z) = tanh({fmt(z)}) = {fmt(a)}"
    if isinstance(act, Sigmoid):
        return f"a = 1 / (1 + e^(−z)) = 1 / (1 + e^(−{_p(z)})) = {fmt(a)}"
    if isinstance(act, Softmax):
        top = max(z_row)
        exps = [math.exp(v - top) for v in z_row]
        terms = " + ".join(f"e^({fmt(v)} − {fmt(top)})" for v in z_row)
        return (f"ŷ{j + 1} = e^(z{j + 1} − max z) / Σk e^(zk − max z) = e^({fmt(z)} − {fmt(top)}) / "
                f"({terms}) = {fmt(exps[j])} / {fmt(sum(exps))} = {fmt(a)}")
    return f"a = z = {fmt(a)}"


def _loss_formula(loss, out_row, target, value):
    if isinstance(loss, CategoricalCrossEntropy):
        return f"L = −log(ŷ of the true class {target + 1}) = −log({fmt(out_row[target])}) = {fmt(value)}"
    k = len(out_row)
    if isinstance(loss, MeanSquaredError):
        terms = " + ".join(f"({fmt(t)} − {_p(p)})²" for p, t in zip(out_row, target))
        return f"L = Σj (yj − ŷj)² / {k} = ({terms}) / {k} = {fmt(value)}"
    terms = " + ".join(f"{fmt(t)}·log({fmt(p)}) + (1 − {fmt(t)})·log(1 − {fmt(p)})"
                       for p, t in zip(out_row, target))
    return f"L = −Σj (yj·log ŷj + (1 − yj)·log(1 − ŷj)) / {k} = −({terms}) / {k} = {fmt(value)}"


def _loss_slope_formula(loss, out_row, target, j, n, value):
    p = out_row[j]
    if isinstance(loss, CategoricalCrossEntropy):
        t = 1 if j == target else 0
        return f"dL/dŷ = −y / ŷ / n = −{t} / {fmt(p)} / {n} = {fmt(value)}"
    k = len(out_row)
    t = target[j]
    if isinstance(loss, MeanSquaredError):
        return f"dL/dŷ = −2·(y − ŷ) / k / n = −2·({fmt(t)} − {_p(p)}) / {k} / {n} = {fmt(value)}"
    return (f"dL/dŷ = −(y/ŷ − (1 − y)/(1 − ŷ)) / k / n = −({fmt(t)}/{fmt(p)} − (1 − {fmt(t)})/"
            f"(1 − {fmt(p)})) / {k} / {n} = {fmt(value)}")


def _dz_formula(act, fused, a, z, da, dz, target, n):
    if fused:
        return f"dL/dz = (ŷ − y) / n = ({fmt(a)} − {target}) / {n} = {fmt(dz)}"
    if isinstance(act, ReLU):
        return f"dL/dz = dL/da · (1 if z > 0 else 0) = {_p(da)} · {1 if z > 0 else 0} = {fmt(dz)}   (z = {fmt(z)})"
    if isinstance(act, Tanh):
        return f"dL/dz = dL/da · (1 − a²) = {_p(da)} · (1 − {_p(a)}²) = {fmt(dz)}"
    if isinstance(act, Sigmoid):
        return f"dL/dz = dL/da · a·(1 − a) = {_p(da)} · {fmt(a)}·(1 − {fmt(a)}) = {fmt(dz)}"
    return f"dL/dz = dL/da · 1 = {fmt(dz)}"


# --- the data -----------------------------------------------------------------------------------

def explore_data(network, X, y, steps=3, learning_rate=0.5):
    """Every number of ``steps`` full-batch SGD steps on (X, y), with formulas (see module doc).

    network: a ``barenn.network.Network`` of Dense layers, each followed by at most
    one activation, with at most ``MAX_PARAMETERS`` parameters; it is copied, not changed.
    X: n x k inputs; y: class indices (categorical cross-entropy) or n x m target rows.
    Returns a dict: "layers" (sizes and activations), "X", "y", "learning_rate",
    "steps" (one dict per step: "forward", "loss", "backward", "update") and "frames",
    the order in which the page shows them.
    """
    where = "explore_data"
    input_size = getattr(network, "input_size", None)
    check_data(where, X, y, features=input_size() if callable(input_size) else None)
    # check_data leaves entries that are not numbers to the layers; name them here,
    # before float() meets them
    check_numbers(X, where, "X")
    check_type(where, "y", y, (list, tuple), "a list with one target per sample")
    check_numbers([t if isinstance(t, (list, tuple)) else [t] for t in y], where, "y")
    steps = check_int(where, "steps", steps, low=1, high=MAX_STEPS)
    learning_rate = check_number(where, "learning_rate", learning_rate, low=0, low_open=True)
    check_type(where, "X", X, (list, tuple), "a list of rows, one per sample")
    stages, loss = _parts(where, copy.deepcopy(network))
    fused = isinstance(stages[-1][1], Softmax)
    n = len(X)
    if isinstance(loss, CategoricalCrossEntropy):
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in y):
            raise TypeError(f"{where}: y must be class indices (ints) for categorical cross-entropy, "
                            f"got {y!r:.80}")
    elif y and not isinstance(y[0], (list, tuple)):
        y = [[t] for t in y]  # one output: a flat list of targets
    denses = [dense for dense, _ in stages]
    optimizer = SGD(learning_rate=learning_rate)
    names = ["x"] + ["a"] * len(stages)
    data = {
        "layers": [{"n_inputs": d.n_inputs, "n_neurons": d.n_neurons,
                    "activation": _activation_name(act)} for d, act in stages],
        "loss": type(loss).__name__, "fused": fused, "learning_rate": learning_rate,
        "X": _quantity("input x", [list(map(float, r)) for r in X],
                       [[f"x{j + 1} of sample {i + 1}, from the data set" for j in range(len(r))]
                        for i, r in enumerate(X)], _labels("sample", n), _labels("x", len(X[0]))),
        "y": list(y), "steps": [],
    }
    for step in range(steps):
        record = {"forward": [], "backward": [None] * len(stages), "update": []}
        a = X
        for li, (dense, act) in enumerate(stages):
            inputs = a
            z = dense.forward(inputs)
            a = act.forward(z) if act is not None else [list(r) for r in z]
            w, b, prev = dense.weights, dense.biases, names[li]
            z_f = [[f"z{j + 1} = " + " + ".join(f"{prev}{i + 1}·w{i + 1},{j + 1}" for i in range(len(w)))
                    + f" + b{j + 1} = " + " + ".join(f"{_p(x)}·{_p(w[i][j])}" for i, x in enumerate(row))
                    + f" + {_p(b[0][j])} = {fmt(z[s][j])}" for j in range(len(w[0]))]
                   for s, row in enumerate(inputs)]
            a_f = [[_activation_formula(act, z[s], j, a[s][j]) for j in range(len(z[0]))] for s in range(n)]
            neurons, samples = _labels("neuron", dense.n_neurons), _labels("sample", n)
            record["forward"].append({
                "w": _quantity(f"weights w of layer {li + 1}", copy.deepcopy(w),
                               [[f"w{i + 1},{j + 1} links input {i + 1} to neuron {j + 1}" for j in range(len(w[0]))]
                                for i in range(len(w))], _labels("input", len(w)), neurons),
                "z": _quantity(f"weighted sum z, layer {li + 1}", z, z_f, samples, neurons),
                "a": _quantity(f"activation a = {_activation_name(act)}(z), layer {li + 1}", a, a_f,
                               samples, neurons)})
        per_sample = loss.forward(a, y)
        mean = loss.calculate(a, y)
        record["loss"] = {
            "per_sample": _quantity("loss of each sample", [[v] for v in per_sample],
                                    [[_loss_formula(loss, a[s], y[s], v)] for s, v in enumerate(per_sample)],
                                    _labels("sample", n), ["L"]),
            "mean": _quantity("mean loss over the batch", [[mean]],
                              [[f"L = (" + " + ".join(fmt(v) for v in per_sample) + f") / {n} = {fmt(mean)}"]],
                              ["batch"], ["L"])}
        da = loss.backward(a, y)
        da_f = [[_loss_slope_formula(loss, a[s], y[s], j, n, da[s][j]) for j in range(len(a[0]))]
                for s in range(n)]
        for li in reversed(range(len(stages))):
            dense, act = stages[li]
            out, z = record["forward"][li]["a"]["v"], record["forward"][li]["z"]["v"]
            last_fused = fused and li == len(stages) - 1
            if last_fused:  # Softmax + cross-entropy as one step: (ŷ − y) / n
                dz = SoftmaxCrossEntropy().backward(out, y)
            elif act is not None:
                dz = act.backward(da)
            else:
                dz = [list(r) for r in da]
            dz_f = [[_dz_formula(act, last_fused, out[s][j], z[s][j], da[s][j], dz[s][j],
                                 (1 if j == y[s] else 0) if last_fused else None, n)
                     for j in range(len(dz[0]))] for s in range(n)]
            dense.backward(dz)
            inputs, prev = dense.inputs, names[li]
            dw, db = dense.dweights, dense.dbiases
            dw_f = [[f"dL/dw{i + 1},{j + 1} = Σ over samples {prev}{i + 1}·dL/dz{j + 1} = "
                     + " + ".join(f"{_p(inputs[s][i])}·{_p(dz[s][j])}" for s in range(n))
                     + f" = {fmt(dw[i][j])}   (dL/dz already holds the 1/n of the mean loss)"
                     for j in range(len(dw[0]))] for i in range(len(dw))]
            db_f = [[f"dL/db{j + 1} = Σ over samples dL/dz{j + 1} = "
                     + " + ".join(_p(dz[s][j]) for s in range(n)) + f" = {fmt(db[0][j])}"
                     for j in range(len(db[0]))]]
            neurons, samples = _labels("neuron", dense.n_neurons), _labels("sample", n)
            a_word = "dL/dŷ, from the loss" if li == len(stages) - 1 else "dL/da, from the layer above"
            record["backward"][li] = {
                "da": _quantity(f"{a_word} (layer {li + 1})", da, da_f, samples, neurons),
                "dz": _quantity(f"dL/dz, layer {li + 1}", dz, dz_f, samples, neurons),
                "dw": _quantity(f"dL/dw, layer {li + 1}", dw, dw_f, _labels("input", dense.n_inputs), neurons),
                "db": _quantity(f"dL/db, layer {li + 1}", db, db_f, ["bias"], neurons)}
            if li > 0:  # dinputs of this layer = dL/da of the layer below
                w = dense.weights
                da = dense.dinputs
                da_f = [[f"dL/da{i + 1} = Σk dL/dzk·w{i + 1},k = "
                         + " + ".join(f"{_p(dz[s][k])}·{_p(w[i][k])}" for k in range(len(w[0])))
                         + f" = {fmt(da[s][i])}" for i in range(len(w))] for s in range(n)]
        old = [(copy.deepcopy(d.weights), copy.deepcopy(d.biases)) for d in denses]
        optimizer.step(denses)
        for li, dense in enumerate(denses):
            record["update"].append(_update(li, old[li], dense, learning_rate))
        data["steps"].append(record)
    data["frames"] = _frames(data)
    return data


def _update(li, old, dense, lr):
    """Old value, lr x gradient and new value of every weight and bias of one layer."""
    part = {}
    for key, before, grad, after, symbol in (("w", old[0], dense.dweights, dense.weights, "w"),
                                            ("b", old[1], dense.dbiases, dense.biases, "b")):
        rows = _labels("input", len(before)) if key == "w" else ["bias"]
        cols = _labels("neuron", len(before[0]))
        step = [[lr * g for g in r] for r in grad]
        where = lambda i, j: f"{i + 1},{j + 1}" if key == "w" else f"{j + 1}"
        part[key + "_old"] = _quantity(f"old {symbol}, layer {li + 1}", before,
                                       [[f"{symbol}{where(i, j)} before the step" for j in range(len(r))]
                                        for i, r in enumerate(before)], rows, cols)
        part[key + "_step"] = _quantity(
            f"learning rate × d{symbol}, layer {li + 1}", step,
            [[f"lr·dL/d{symbol}{where(i, j)} = {fmt(lr)}·{_p(grad[i][j])} = {fmt(step[i][j])}"
              for j in range(len(r))] for i, r in enumerate(grad)], rows, cols)
        part[key + "_new"] = _quantity(
            f"new {symbol}, layer {li + 1}", after,
            [[f"{symbol}{where(i, j)} new = {symbol} − lr·dL/d{symbol} = {fmt(before[i][j])} − "
              f"{_p(step[i][j])} = {fmt(after[i][j])}" for j in range(len(r))]
             for i, r in enumerate(after)], rows, cols)
    return part


def _frames(data):
    """The page's screens in order: per step, forward layer by layer, the loss,
    backward from the last layer, the update. Each names its tables by path."""
    frames, count = [], len(data["layers"])
    for s in range(len(data["steps"])):
        base = f"steps.{s}"
        head = f"Step {s + 1} of {len(data['steps'])}"
        for li in range(count):
            act = data["layers"][li]["activation"]
            frames.append({
                "step": s, "kind": "forward", "layer": li,
                "title": f"{head} · Forward, layer {li + 1}",
                "text": f"Each neuron adds up its inputs times its weights plus its bias (z), "
                        f"then applies {act} (a).",
                "legend": "circles: the activation a of each neuron (or the input x) · "
                          "lines: the weights w of this layer",
                "tables": [f"{base}.forward.{li}.z", f"{base}.forward.{li}.a"],
                "nodes": [f"{base}.forward.{k}.a" for k in range(li + 1)],
                "edges": {str(li): f"{base}.forward.{li}.w"}})
        frames.append({
            "step": s, "kind": "loss", "layer": count - 1,
            "title": f"{head} · Loss",
            "text": f"{data['loss']} compares each sample's output with its target; "
                    "training lowers the mean.",
            "legend": "circles: the activation a of each neuron; the last column is the output ŷ",
            "tables": [f"{base}.loss.per_sample", f"{base}.loss.mean"],
            "nodes": [f"{base}.forward.{k}.a" for k in range(count)], "edges": {}})
        for li in reversed(range(count)):
            frames.append({
                "step": s, "kind": "backward", "layer": li,
                "title": f"{head} · Backward, layer {li + 1}",
                "text": "The gradient flows back: dL/da arrives, dL/dz goes through the activation's "
                        "slope, dL/dw and dL/db are summed over the batch.",
                "legend": f"orange circles: dL/dz of layer {li + 1} · lines: dL/dw of layer {li + 1} · "
                          "other circles: the forward values a",
                "tables": [f"{base}.backward.{li}.{q}" for q in ("da", "dz", "dw", "db")],
                "nodes": {**{str(k + 1): f"{base}.forward.{k}.a" for k in range(li)},
                          str(li + 1): f"{base}.backward.{li}.dz"},
                "edges": {str(li): f"{base}.backward.{li}.dw"}})
        frames.append({
            "step": s, "kind": "update", "layer": None,
            "title": f"{head} · Update (SGD, learning rate {fmt(data['learning_rate'])})",
            "text": "Every weight and bias moves against its gradient: new = old − lr × gradient.",
            "legend": "lines: the new weights",
            "tables": [f"{base}.update.{li}.{q}" for li in range(count)
                       for q in ("w_old", "w_step", "w_new", "b_old", "b_step", "b_new")],
            "nodes": [], "edges": {str(li): f"{base}.update.{li}.w_new" for li in range(count)}})
    for frame in frames:  # nodes: {column: path}, column 0 the inputs
        if isinstance(frame["nodes"], list):
            frame["nodes"] = {str(k + 1): path for k, path in enumerate(frame["nodes"])}
        frame["nodes"]["0"] = "X"
    return frames


# --- the page -----------------------------------------------------------------------------------

def _diagram(layers):
    """Inline SVG of the network: a column of circles per layer, a line per weight."""
    sizes = [layers[0]["n_inputs"]] + [layer["n_neurons"] for layer in layers]
    gap_x, gap_y, radius = 270, 92, 34
    width = gap_x * (len(sizes) - 1) + 160
    height = gap_y * max(sizes) + 40
    place = lambda c, j: (80 + c * gap_x, height / 2 + (j - (sizes[c] - 1) / 2) * gap_y)
    parts = [f'<svg id="diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'role="img" aria-label="the network">']
    for c in range(1, len(sizes)):
        for i in range(sizes[c - 1]):
            for j in range(sizes[c]):
                (x1, y1), (x2, y2) = place(c - 1, i), place(c, j)
                # Each destination neuron's labels at their own distance along the lines,
                # so that labels of crossing lines do not sit on top of each other.
                t = 0.25 + 0.43 * (j / (sizes[c] - 1) if sizes[c] > 1 else 0.5)
                parts.append(f'<line class="edge" data-col="{c - 1}" x1="{x1:.0f}" y1="{y1:.0f}" '
                             f'x2="{x2:.0f}" y2="{y2:.0f}"/>')
                parts.append(f'<text class="elabel num" id="e-{c - 1}-{i}-{j}" x="{x1 + t * (x2 - x1):.0f}" '
                             f'y="{y1 + t * (y2 - y1) - 3:.0f}"></text>')
    for c, size in enumerate(sizes):
        for j in range(size):
            x, y = place(c, j)
            label = f"x{j + 1}" if c == 0 else f"L{c} n{j + 1}"
            parts.append(f'<circle class="node" data-col="{c}" cx="{x:.0f}" cy="{y:.0f}" r="{radius}"/>')
            parts.append(f'<text class="nname" x="{x:.0f}" y="{y - radius - 5:.0f}">{label}</text>')
            parts.append(f'<text class="nlabel num" id="n-{c}-{j}" x="{x:.0f}" y="{y + 4:.0f}"></text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _is_size(n):
    # the page draws one circle per neuron: a size beyond a page's room is refused
    return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_PARAMETERS


def render_page(data, title="barenn explore"):
    """The whole HTML page (a str) for ``explore_data``'s result."""
    check_type("render_page", "title", title, str, "a str")
    check_type("render_page", "data", data, dict, "explore_data()'s result")
    layers = data.get("layers")
    if not (isinstance(layers, list) and layers and all(
            isinstance(layer, dict) and all(_is_size(layer.get(key)) for key in ("n_inputs", "n_neurons"))
            for layer in layers)):
        got = describe(layers) if "layers" in data else "no layers"
        raise ValueError("render_page: data must be explore_data()'s result, whose 'layers' is a "
                         "non-empty list of {'n_inputs': int, 'n_neurons': int, ...} of at most "
                         f"{MAX_PARAMETERS} neurons each; got {got}")
    try:
        payload = json.dumps(data, allow_nan=False, ensure_ascii=False).replace("</", "<\\/")
    except (TypeError, ValueError) as error:
        raise type(error)(f"render_page: data must be explore_data()'s result, finite numbers "
                          f"and text only: {error}") from None
    template = TEMPLATE.read_text(encoding="utf-8")
    return (template.replace("{{TITLE}}", html.escape(title))
            .replace("{{DIAGRAM}}", _diagram(data["layers"]))
            .replace("{{DATA}}", payload))


def write_page(path, data, title="barenn explore"):
    """Write the page for ``data`` to ``path`` atomically; return the path as a str."""
    return atomic_write_text(path, render_page(data, title))
