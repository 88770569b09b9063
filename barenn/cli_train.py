"""``barenn train``: data splits, per-dataset defaults, patience, the test figures.

``cmd_train`` is what ``python -m barenn train DATASET|FILE.csv`` runs (``barenn.cli``
builds the parser): it checks every output path first, reads the data
(``prepare_builtin``, ``prepare_csv``, ``prepare_mnist``), builds the network, times a
short trial, trains with a validation set, and prints the test figure beside a
baseline; then it saves, plots and reports.
"""

import math
import os
from pathlib import Path

from barenn.checks import TrainingDiverged
from barenn.cli_args import (MAX_PARAMETERS, RunFailed, UserError, output_path, plain,
                             write_or_fail)

DATASETS = ("spiral", "vertical", "sine", "sinc", "moons", "xor", "circles", "digits", "mnist")
REGRESSION = {"sine", "sinc"}
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")
ACTIVATIONS = ("relu", "tanh", "sigmoid")


# --- data ---------------------------------------------------------------------------------

class Data:
    """What train needs: splits, kind, names, and how to describe them."""

    def __init__(self, name, kind, X_train, y_train, X_val, y_val, X_test, y_test,
                 features, classes=None, preprocessing=None, target_scaling=None):
        self.name, self.kind = name, kind
        self.X_train, self.y_train = X_train, y_train
        self.X_val, self.y_val = X_val, y_val
        self.X_test, self.y_test = X_test, y_test
        self.features, self.classes = features, classes
        self.preprocessing = preprocessing
        self.target_scaling = target_scaling

    def n_outputs(self):
        if self.kind == "regression":
            return len(self.y_train[0])
        return len(self.classes) if self.classes else max(max(self.y_train), max(self.y_test)) + 1


def split_rows(X, y, kind, seed, test=0.2, val=0.2):
    """(train, validation, test) pairs: ``test`` of the rows for the test figures,
    then ``val`` of the rest to watch during training (stratified for classes)."""
    from barenn.datasets import train_test_split

    stratify = kind == "classification"
    try:
        X_rest, X_test, y_rest, y_test = train_test_split(X, y, test, stratify=stratify, seed=seed)
        X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, val, stratify=stratify,
                                                          seed=seed + 1)
    except ValueError as error:
        raise UserError(f"too few rows ({len(X)}) to split into training, validation and "
                        f"test sets: {plain(error)}") from None
    return X_train, y_train, X_val, y_val, X_test, y_test


def load_builtin(name, seed):
    """(X, y, kind) for a built-in dataset (not mnist)."""
    from barenn import datasets

    if name == "digits":
        from barenn.realdata import load_digits

        X, y = load_digits()
    elif name == "sine":  # a clean curve: nothing random to seed
        X, y = datasets.sine()
    else:
        X, y = getattr(datasets, name)(seed=seed, **BUILTIN_SIZES.get(name, {}))
    return X, y, "regression" if name in REGRESSION else "classification"


def load_dataset(name, seed, data_dir=None, limit=None):
    """(X, y, kind) for a built-in dataset; kind is 'classification' or 'regression'.
    (mnist: its training images as float rows; ``train`` itself keeps them as bytes.)"""
    if name == "mnist":
        images, labels, _, _ = mnist_files(data_dir, limit, 1)
        return images.batch(range(len(images))), labels, "classification"
    return load_builtin(name, seed)


def mnist_files(data_dir, limit, test_limit):
    from barenn.realdata import load_mnist

    directory = data_dir or os.environ.get("BARENN_MNIST")
    if not directory:
        raise UserError("mnist needs its files: pass --data DIR (a folder holding "
                        "train-images-idx3-ubyte[.gz] and the three other IDX files), "
                        "or set BARENN_MNIST")
    if not os.path.isdir(directory):
        what = "does not exist" if not os.path.exists(directory) else "is a file, not a folder"
        raise UserError(f"--data {directory}: {what}; give the folder that holds the four "
                        "MNIST IDX files")
    try:
        images, labels = load_mnist(directory, kind="train", limit=limit)
        test_images, test_labels = load_mnist(directory, kind="test", limit=test_limit)
    except (OSError, ValueError) as error:
        raise UserError(plain(error).replace("load_mnist: ", "")) from None
    return images, labels, test_images, test_labels


def prepare_mnist(args):
    limit = args.limit or MNIST_TRAIN
    images, labels, test_images, test_labels = mnist_files(args.data, limit, args.test_limit)
    from barenn.datasets import train_test_split

    order = list(range(len(images)))
    if len(order) < 10:
        raise UserError(f"mnist: {len(order)} training images are too few (at least 10)")
    if len(test_images) == 0:
        raise UserError("mnist: the test files hold no images")
    if (test_images.rows, test_images.cols) != (images.rows, images.cols):
        raise UserError(f"mnist: the training images are {images.rows}x{images.cols} but the "
                        f"test images {test_images.rows}x{test_images.cols}")
    share = min(0.1, MNIST_VALIDATION / len(order))
    train_idx, val_idx, _, _ = train_test_split(order, order, share, seed=args.seed)
    labels = list(labels)
    return Data("mnist", "classification",
                images.select(train_idx), [labels[i] for i in train_idx],
                images.select(val_idx), [labels[i] for i in val_idx],
                test_images, list(test_labels), [f"pixel {i}" for i in range(images.pixels)],
                classes=[str(c) for c in range(max(max(labels), max(test_labels)) + 1)])


def prepare_builtin(args):
    X, y, kind = load_builtin(args.dataset, args.seed)
    return Data(args.dataset, kind, *split_rows(X, y, kind, args.seed),
                features=[f"x{i + 1}" for i in range(len(X[0]))])


def prepare_csv(args):
    from barenn import csvdata

    try:
        table = csvdata.load_csv(args.dataset, target=args.target, task=args.task)
    except csvdata.CsvError as error:
        raise UserError(plain(error).replace("load_csv: ", "")) from None
    X_train, y_train, X_val, y_val, X_test, y_test = split_rows(table.X, table.y, table.task, args.seed)
    scaling = csvdata.Scaling.fit(X_train)
    target_scaling = None
    if table.task == "regression":
        target_scaling = csvdata.Scaling.fit(y_train)
        y_train, y_val = target_scaling.apply(y_train), target_scaling.apply(y_val)
    record = csvdata.preprocessing(table.features, scaling, table.target, table.classes,
                                   target_scaling)
    name = Path(args.dataset).name
    return Data(name, table.task, scaling.apply(X_train), y_train, scaling.apply(X_val), y_val,
                scaling.apply(X_test), y_test, table.features, table.classes, record,
                target_scaling)


def build_network(n_inputs, n_outputs, hidden, activation, kind, optimizer, lr, decay, seed):
    """A dense network: hidden layers with ``activation``, then the output layer."""
    from barenn import activations, layers, losses, network, optimizers

    hidden_activation = {"relu": activations.ReLU, "tanh": activations.Tanh,
                         "sigmoid": activations.Sigmoid}[activation]
    init = "he" if activation == "relu" else "xavier"
    stack, width = [], n_inputs
    for i, size in enumerate(hidden):
        stack += [layers.Dense(width, size, init=init, seed=seed + i), hidden_activation()]
        width = size
    stack.append(layers.Dense(width, n_outputs, init="xavier", seed=seed + len(hidden)))
    if kind == "regression":
        stack.append(activations.Linear())
        loss = losses.MeanSquaredError()
    else:
        stack.append(activations.Softmax())
        loss = losses.CategoricalCrossEntropy()
    defaults = {"sgd": 1.0, "adagrad": 1.0, "rmsprop": 0.001, "adam": 0.02}
    make = {"sgd": optimizers.SGD, "adagrad": optimizers.AdaGrad,
            "rmsprop": optimizers.RMSProp, "adam": optimizers.Adam}[optimizer]
    opt = make(learning_rate=defaults[optimizer] if lr is None else lr, decay=decay)
    return network.Network(stack, loss=loss, optimizer=opt)



# --- train -----------------------------------------------------------------------------------

# Defaults per dataset, measured to reach close to what much longer training reaches
# (README, "The command line"). Anything not named takes DEFAULT's value.
DEFAULT = {"layers": [64], "epochs": 300, "lr": None, "decay": 0.0, "batch_size": None,
           "patience": None, "workers": 1}
DEFAULTS = {
    "spiral": {"layers": [64], "epochs": 500, "lr": 0.02},
    "vertical": {"epochs": 300},
    "moons": {"epochs": 300},
    "xor": {"epochs": 300},
    "circles": {"epochs": 300},
    "sine": {"layers": [32, 32], "epochs": 100, "lr": 0.005, "batch_size": 32},
    "sinc": {"layers": [32, 32], "epochs": 300, "lr": 0.005, "batch_size": 32, "patience": 50},
    "digits": {"epochs": 15, "batch_size": 64},
    # benchmarks/mnist.py's recipe (chosen by its search on validation only); up
    # to 6 epochs, stopping when the validation loss has not improved for 2, with
    # as many workers as cores (up to MAX_AUTO_WORKERS)
    "mnist": {"layers": [128], "epochs": 6, "batch_size": 400, "lr": 0.01, "decay": 1e-3,
              "patience": 2, "workers": "auto"},
    "csv": {"epochs": 500, "patience": 50},
}
# Points drawn for the generated datasets (their functions' own default is 100 per
# class): more points make the test figure steadier and a fairer picture of what
# the network learned.
BUILTIN_SIZES = {"spiral": {"samples": 300}}
CSV_LARGE_EPOCHS, CSV_LARGE_PATIENCE = 100, 10  # a CSV file of over 1,000 training rows
MNIST_TRAIN = None  # training images read by default (--limit): all of them
# mnist: the validation part carved from the training file, at most this many
# images (as benchmarks/mnist.py holds out), else a tenth of a small folder
MNIST_VALIDATION = 5_000
# "auto" workers: one per core, no more than this: beyond it the parent's share of
# each step (the optimizer over ~100,000 numbers) outweighs another worker
MAX_AUTO_WORKERS = 4


class StopTraining(Exception):
    """Raised from fit's on_epoch to end training early (--patience)."""


def parameter_count(n_inputs, hidden, n_outputs):
    widths = [n_inputs, *hidden, n_outputs]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def copy_weights(net):
    return [([list(r) for r in layer.weights], [list(r) for r in layer.biases])
            for layer in net.layers if hasattr(layer, "weights")]


def restore_weights(net, saved):
    dense = [layer for layer in net.layers if hasattr(layer, "weights")]
    for layer, (weights, biases) in zip(dense, saved):
        layer.weights, layer.biases = weights, biases


def settings_for(args):
    key = "csv" if args.csv else args.dataset
    chosen = {**DEFAULT, **DEFAULTS.get(key, {})}
    for name in chosen:
        given = getattr(args, name, None)
        if given is not None:
            chosen[name] = given
    if chosen["workers"] == "auto":
        chosen["workers"] = auto_workers()
    return chosen


def auto_workers():
    """One worker per core this process may run on (``os.sched_getaffinity`` where
    the system has it, which counts a container's cores, else ``os.cpu_count``),
    at least 1 and at most MAX_AUTO_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_WORKERS))


def fmt(value):
    """Four significant digits, as in the report."""
    return f"{value:.4g}"


def regression_figures(predictions, targets, baseline):
    """(RMSE, R^2, baseline RMSE, baseline R^2) over every output value; the baseline
    predicts ``baseline`` (the training targets' mean per output) for every sample."""
    pairs = [(p, t, b) for prow, trow in zip(predictions, targets)
             for p, t, b in zip(prow, trow, baseline)]
    n = len(pairs)
    mean = math.fsum(t for _, t, _ in pairs) / n
    sse = math.fsum((p - t) ** 2 for p, t, _ in pairs)
    sse_base = math.fsum((b - t) ** 2 for _, t, b in pairs)
    sst = math.fsum((t - mean) ** 2 for _, t, _ in pairs)
    r2 = (lambda e: 1 - e / sst) if sst > 0 else (lambda e: float("nan"))
    return math.sqrt(sse / n), r2(sse), math.sqrt(sse_base / n), r2(sse_base)


def cmd_train(args):
    args.csv = args.dataset.lower().endswith((".csv", ".tsv", ".txt")) or os.sep in args.dataset \
        or (args.dataset not in DATASETS and os.path.exists(args.dataset))
    if not args.csv and args.dataset not in DATASETS:
        raise UserError(f"train: {args.dataset!r} is neither a built-in dataset ("
                        + ", ".join(DATASETS) + ") nor a CSV file (name it FILE.csv)")
    if not args.csv and (args.target or args.task):
        raise UserError("--target and --task are for a CSV file; built-in datasets know theirs")
    if args.dataset != "mnist" and (args.data or args.limit or args.test_limit):
        raise UserError("--data, --limit and --test-limit are for mnist only")
    settings = settings_for(args)
    run_name = f"{Path(args.dataset).stem if args.csv else args.dataset}-seed{args.seed}"
    save = output_path("--save", args.save, f"{run_name}.json", folder_ok=False,
                   make_parents=False) if args.save is not None else None
    plot = output_path("--plot", args.plot, f"{run_name}.svg") if args.plot is not None else None
    report = output_path("--report", args.report, f"{run_name}.html") if args.report is not None else None

    if args.csv:
        data = prepare_csv(args)
    elif args.dataset == "mnist":
        data = prepare_mnist(args)
    else:
        data = prepare_builtin(args)
    if args.csv and args.epochs is None and len(data.X_train) > 1000:
        # many rows: batches of 64 make many updates an epoch, so fewer epochs do
        settings["epochs"] = CSV_LARGE_EPOCHS
        if args.patience is None:
            settings["patience"] = CSV_LARGE_PATIENCE
    n_inputs, n_outputs = len(data.features), data.n_outputs()
    count = parameter_count(n_inputs, settings["layers"], n_outputs)
    if count > MAX_PARAMETERS:
        raise UserError(f"--layers {','.join(map(str, settings['layers']))}: the network would have "
                        f"{count:,} parameters; at most {MAX_PARAMETERS:,}")
    net = build_network(n_inputs, n_outputs, settings["layers"], args.activation, data.kind,
                        args.optimizer, settings["lr"], settings["decay"], args.seed)
    if data.preprocessing is not None:
        net.preprocessing = data.preprocessing
    what = (f"{len(data.classes) if data.classes else n_outputs} classes"
            if data.kind == "classification" else "regression")
    print(f"{data.name}: {len(data.X_train)} training, {len(data.X_val)} validation and "
          f"{len(data.X_test)} test samples, {n_inputs} feature{'s' if n_inputs != 1 else ''}, {what}")
    if args.csv:
        shown = data.features if len(data.features) <= 12 else data.features[:10] + [
            f"... ({len(data.features)} in all)"]
        print("features (standardized with the training split's mean and std): " + ", ".join(shown))
    print(net.summary())
    # Small sets train best a whole set per step; large ones need many steps an epoch.
    batch_size = settings["batch_size"] or (None if len(data.X_train) <= 1000 else 64)
    epochs, patience, workers = settings["epochs"], settings["patience"], settings["workers"]
    print(f"training for {'up to ' if patience else ''}{epochs} epochs"
          + (f" (stopping when the validation loss has not improved for {patience} epochs)"
             if patience else "")
          + f", batch size {batch_size or 'the whole set'}"
          + (f", {workers} worker processes" if workers > 1 else "")
          + "; progress on stderr", flush=True)

    expected = forecast(net, data, batch_size, epochs, workers)
    if expected is not None and expected >= 5:
        print(f"expect about {duration(expected)} for {epochs} epochs (timed on "
              f"{min(len(data.X_train), max(256, batch_size or 0))} samples here{'; --patience may stop sooner' if patience else ''})", flush=True)
    best = {"loss": math.inf, "epoch": None, "weights": None}
    seen = {}

    def on_epoch(epoch, history):
        seen["history"] = history
        if patience is None or not history.val_loss:
            return
        loss = history.val_loss[-1]
        if loss < best["loss"]:
            best.update(loss=loss, epoch=epoch, weights=copy_weights(net))
        elif epoch - best["epoch"] >= patience:
            raise StopTraining

    import time

    started = time.monotonic()
    stopped = False
    try:
        history = net.fit(data.X_train, data.y_train, epochs=epochs, batch_size=batch_size,
                          validation=(data.X_val, data.y_val), seed=args.seed,
                          every=max(1, epochs // 10), verbose=0 if args.quiet else 1,
                          workers=workers, on_epoch=on_epoch)
    except StopTraining:
        history, stopped = seen["history"], True
    except TrainingDiverged as error:
        raise RunFailed(f"{plain(error)} (no model was saved)") from None
    except ValueError as error:  # data the network cannot take (checked by fit)
        raise UserError(f"{data.name}: {plain(error)}") from None
    elapsed = time.monotonic() - started
    if best["weights"] is not None:
        restore_weights(net, best["weights"])
        print(f"{'stopped after' if stopped else 'trained'} {len(history)} epochs in {elapsed:.1f} s; "
              f"kept the weights of epoch {best['epoch'] + 1} (the lowest validation loss, "
              f"{fmt(best['loss'])})")
    else:
        print(f"trained {len(history)} epochs in {elapsed:.1f} s")

    metrics = {"dataset": data.name, "epochs": len(history), "training samples": len(data.X_train),
               "validation samples": len(data.X_val), "test samples": len(data.X_test),
               "seconds": round(elapsed, 1)}
    if data.kind == "regression":
        out = net.predict(data.X_test)
        if data.target_scaling is not None:
            out = data.target_scaling.undo(out)
        if data.target_scaling is not None:
            train_mean = data.target_scaling.mean
        else:
            train_mean = [math.fsum(col) / len(data.y_train) for col in zip(*data.y_train)]
        rmse, r2, base, base_r2 = regression_figures(out, data.y_test, train_mean)
        print(f"test RMSE {fmt(rmse)}, R^2 {fmt(r2)} (baseline, predicting the training "
              f"mean: RMSE {fmt(base)}, R^2 {fmt(base_r2)})")
        metrics.update({"test RMSE": rmse, "test R^2": r2,
                        "baseline RMSE (predicting the training mean)": base,
                        "baseline R^2": base_r2})
    else:
        result = net.evaluate(data.X_test, data.y_test)
        counts = {}
        for label in data.y_train:
            counts[label] = counts.get(label, 0) + 1
        majority = max(counts, key=lambda c: (counts[c], -c))
        baseline = sum(1 for label in data.y_test if label == majority) / len(data.y_test)
        name = data.classes[majority] if data.classes else str(majority)
        print(f"test accuracy {fmt(result.accuracy)} (baseline, always the most common class "
              f"{name!r}: {fmt(baseline)}), test loss {fmt(result.loss)}")
        metrics.update({"test accuracy": result.accuracy, "test loss": result.loss,
                        "baseline accuracy (the most common class)": baseline})

    if save:
        write_or_fail("--save", save, lambda: net.save(save))
        print(f"saved the model to {save}")
    if plot:
        from barenn.plot import line_chart_svg, scatter_svg

        if data.kind == "classification" and n_inputs == 2 and not args.csv:
            picture = lambda: scatter_svg(data.X_test, data.y_test, path=plot,
                                          predict=net.predict_classes, x_label="x1", y_label="x2",
                                          title=f"{data.name}: test points and decision regions")
        else:
            series, y_label = curves(history, data)
            picture = lambda: line_chart_svg(series, path=plot, title=f"{data.name}: learning curves",
                                             y_label=y_label, log_y=data.kind == "regression")
        write_or_fail("--plot", plot, picture)
        print(f"wrote {plot}")
    if report:
        from barenn.plot import html_report, line_chart_svg

        series, y_label = curves(history, data)
        charts = [line_chart_svg(series, title="loss: training and validation", y_label=y_label,
                                 log_y=data.kind == "regression")]
        if data.kind == "regression":
            r2 = validation_r2(history, data)
            if r2:
                charts.append(line_chart_svg({"validation R^2": r2}, title="validation R^2",
                                             y_label="R^2"))
        else:
            charts.append(line_chart_svg(
                {"training accuracy": history.accuracy, "validation accuracy": history.val_accuracy},
                title="accuracy: training and validation", y_label="accuracy"))
        write_or_fail("--report", report, lambda: html_report(
            f"barenn: training on {data.name}",
            [("Learning curves", charts), ("Final metrics", metrics), ("Network", net.summary())],
            path=report))
        print(f"wrote {report}")
    return 0


def forecast(net, data, batch_size, epochs, workers=1):
    """Seconds ``epochs`` epochs should take, from one timed epoch of up to 256
    samples (in batches of ``batch_size``) on a copy of ``net``, in this process;
    ``workers`` processes share the training and the validation part of it."""
    import copy
    import time

    from barenn.sources import take_rows

    n = len(data.X_train)
    size = min(n, max(256, batch_size or 0))
    trial = copy.deepcopy(net)
    rows = range(size)
    X = take_rows(data.X_train, rows)
    y = [data.y_train[i] for i in rows]
    started = time.monotonic()
    try:
        trial.fit(X, y, epochs=1, verbose=0, batch_size=batch_size)
    except ValueError:
        return None
    per_sample = (time.monotonic() - started) / size
    # an epoch trains on every sample and measures the validation set (about a third
    # of a training step per sample: a forward pass only)
    return (epochs * per_sample * (n + len(data.X_val) / 3) / workers
            + per_sample * len(data.X_test) / 3)


def duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def curves(history, data):
    label = "loss (mean squared error)" if data.kind == "regression" else "loss (cross-entropy)"
    if data.kind == "regression" and data.target_scaling is not None:
        label = "loss (mean squared error, standardized target)"
    series = {"training loss": list(zip([e + 1 for e in history.epoch], history.loss)),
              "validation loss": list(zip([e + 1 for e in history.epoch], history.val_loss))}
    return series, label


def validation_r2(history, data):
    """Per-epoch validation R^2 = 1 - MSE / variance of the validation targets."""
    values = [v for row in data.y_val for v in row]
    mean = math.fsum(values) / len(values)
    variance = math.fsum((v - mean) ** 2 for v in values) / len(values)
    if variance <= 0 or not history.val_loss:
        return None
    outputs = len(data.y_val[0])
    # MeanSquaredError averages over the outputs of a sample, then over samples.
    return [(e + 1, 1 - loss / variance) for e, loss in zip(history.epoch, history.val_loss)] \
        if outputs == 1 else None
