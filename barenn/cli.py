"""The command line: ``python -m barenn COMMAND`` (or ``barenn COMMAND`` once installed).

Commands::

    tour                 every lesson in order, pausing between them in a terminal
    lessons              the numbered list of lessons
    lesson N             run one lesson (--step pauses inside it, --quick trains less, --out DIR for pictures)
    check                analytic vs numeric gradients for every part, and engine cross-checks
    train DATASET|FILE   train a network on a built-in dataset or a CSV file; save, plot, report
    data DATASET         write a built-in dataset as a CSV file
    predict MODEL INPUT  one prediction a line (class names or values) for the rows of a CSV file
    graph                draw the computation graph of one neuron (SVG or DOT)
    explore              an HTML page stepping through every number of a few training steps

A mistake in what the user typed or gave as input (an unknown dataset, a bad number,
a missing or malformed file, a path that cannot be written) prints one plain line and
exits with status 2; a run that fails (training diverges) one line and status 1;
never a traceback.
"""

import argparse
import csv
import math
import os
import subprocess
import sys
from pathlib import Path

from barenn import __version__
from barenn.checks import TrainingDiverged

# Lessons are scripts to read, kept at the top of a clone (lessons/); an installed
# package carries the same files as barenn/lessons (setup.cfg maps them there).
PACKAGE_DIR = Path(__file__).resolve().parent
LESSON_PLACES = (PACKAGE_DIR / "lessons", PACKAGE_DIR.parent / "lessons")


def lessons_dir():
    """The folder of the lesson scripts: the installed package's, else the clone's."""
    for place in LESSON_PLACES:
        if place.is_dir() and any(place.glob("[0-9][0-9]_*.py")):
            return place
    return None

DATASETS = ("spiral", "vertical", "sine", "sinc", "moons", "xor", "circles", "digits", "mnist")
REGRESSION = {"sine", "sinc"}
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
# The learning rate is left off the charts: it lives on another scale than loss.
CURVES = ["loss", "val_loss", "accuracy", "val_accuracy"]


class UserError(Exception):
    """A mistake in what the user asked for: reported in one line, exit status 2."""


class RunFailed(Exception):
    """A run that could not finish (training diverged): one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one plain line instead of usage + error
        raise UserError(f"{message} (see '{self.prog} --help')")


# --- lessons -----------------------------------------------------------------------------

def lesson_files():
    """The lesson scripts in order: [(number, path), ...]."""
    folder = lessons_dir()
    if folder is None:
        raise UserError(
            "no lessons found (looked in " + " and ".join(str(p) for p in LESSON_PLACES)
            + "); reinstall barenn, or run it from a clone of the repository"
        )
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.py")):
        found.append((int(path.name[:2]), path))
    return found


def lesson_summary(path):
    """The first line of a lesson's docstring (its one-line description)."""
    import ast

    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else path.stem


def _run_lesson(path, extra):
    return subprocess.call([sys.executable, str(path), *extra])


def cmd_lessons(args):
    for number, path in lesson_files():
        print(f"{number:2d}  {lesson_summary(path)}")
    return 0


def cmd_lesson(args):
    lessons = dict(lesson_files())
    if args.number not in lessons:
        available = ", ".join(str(n) for n in lessons) or "none yet"
        raise UserError(f"there is no lesson {args.number}; the lessons are: {available}")
    extra = (["--step"] if args.step else []) + (["--quick"] if args.quick else [])
    if args.out is not None:
        if Path(args.out).exists() and not Path(args.out).is_dir():
            raise UserError(f"--out {args.out}: it is a file; give a folder for the lesson's pictures")
        _output("--out", str(Path(args.out) / "picture.svg"), "picture.svg")
        extra += ["--out", args.out]
    return _run_lesson(lessons[args.number], extra)


def cmd_tour(args):
    lessons = lesson_files()
    interactive = sys.stdin.isatty() and not args.no_pause
    print(f"The barenn tour: {len(lessons)} lessons, each a short script in lessons/.")
    print("It runs every lesson in its quick form; run one alone (barenn lesson N) for the full one.")
    for i, (number, path) in enumerate(lessons):
        print()
        print(f"[{i + 1}/{len(lessons)}] python {Path('lessons', path.name)} --quick")
        print(flush=True)
        extra = ["--quick"] + (["--step"] if args.step else [])
        status = _run_lesson(path, extra)
        if status != 0:
            print(f"lesson {number:02d} failed with status {status}", file=sys.stderr)
            return status
        if interactive and i + 1 < len(lessons):
            try:
                answer = input(f"\nEnter for lesson {lessons[i + 1][0]:02d}, q to stop: ")
            except EOFError:
                answer = ""
            if answer.strip().lower().startswith("q"):
                return 0
    print("\nThat was the whole tour. `python -m barenn lessons` lists the lessons again.")
    return 0


# --- check and graph ---------------------------------------------------------------------

def cmd_check(args):
    from barenn import check

    return check.main(["--seed", str(args.seed)])


def cmd_graph(args):
    from barenn.graph import to_dot, to_svg
    from barenn.scalar_nn import example_neuron

    o = example_neuron()
    if args.dot:
        print(to_dot(o))
        return 0
    out = _output("--out", args.out, "graph.svg")
    _write("--out", out, lambda: to_svg(o, out))
    path = out
    print(f"wrote {path}: the graph of o = tanh(x1*w1 + x2*w2 + b) with data and gradients")
    return 0


# --- arguments ------------------------------------------------------------------------------

# Upper bounds that refuse at once what could never finish (or fit in memory).
MAX_EPOCHS = 1_000_000
MAX_WIDTH = 10_000           # neurons in one hidden layer
MAX_PARAMETERS = 10_000_000  # learned numbers in the whole network


def _whole(low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high:,}, got {value:,}")
        return value
    return parse


_positive_int = _whole(1, None)


def _seed(text):
    value = _whole(0, 2 ** 63 - 1)(text)
    return value


def _number_in(low, high, low_open=False):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        sign = ">" if low_open else ">="
        if not math.isfinite(value) or (value <= low if low_open else value < low) or value > high:
            raise argparse.ArgumentTypeError(f"expected a finite number {sign} {low:g} and at most "
                                             f"{high:g}, got {text!r}")
        return value
    return parse


_number = _number_in(0, 1e300)
_learning_rate = _number_in(0, 1e9, low_open=True)


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected hidden layer sizes like 64,64, got {text!r}"
        ) from None
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected hidden layer sizes >= 1 like 64,64, got {text!r}")
    if any(s > MAX_WIDTH for s in sizes) or len(sizes) > 100:
        raise argparse.ArgumentTypeError(f"expected at most 100 hidden layers of at most "
                                         f"{MAX_WIDTH:,} neurons, got {text!r}")
    return sizes


def _nonempty(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name, got an empty one")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a file name cannot hold a NUL character")
    return text


def _output(option, value, default_name, folder_ok=True, make_parents=True):
    """Where ``option`` writes: ``value`` itself, or ``value/default_name`` for a folder.

    Checked before any work (so a run never trains for minutes and then fails to
    save) and without creating anything: a UserError says what is wrong.
    """
    from barenn._files import check_write_target

    path = Path(value)
    if path.is_dir():
        if not folder_ok:
            raise UserError(f"{option} {value}: it is a folder; give a file name such as "
                            f"{path / default_name}")
        path = path / default_name
    text = str(path)
    try:
        check_write_target(text, option, make_parents=False)
    except FileNotFoundError:
        if not make_parents:
            raise UserError(f"{option} {value}: the folder {path.parent} does not exist "
                            "(create it first)") from None
        ancestor = path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UserError(f"{option} {value}: {ancestor} is a file, not a folder") from None
        if not os.access(ancestor, os.W_OK):
            raise UserError(f"{option} {value}: cannot create folders in {ancestor} "
                            "(permission denied)") from None
    except (OSError, ValueError, TypeError) as error:
        raise UserError(_plain(error)) from None
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{option} {value}: the file is read-only")
    if not path.exists() and path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        raise UserError(f"{option} {value}: cannot write in {path.parent} (permission denied)")
    return text


def _plain(error):
    """An error's message without a leading 'owner: ' repeated by barenn's checks."""
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def _write(option, path, write):
    """Run ``write()``; a failure to write is one line."""
    try:
        write()
    except (OSError, ValueError) as error:
        raise UserError(f"{option}: cannot write {path}: {_plain(error)}") from None


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


def _split(X, y, kind, seed, test=0.2, val=0.2):
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
                        f"test sets: {_plain(error)}") from None
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
        images, labels, _, _ = _mnist_files(data_dir, limit, 1)
        return images.batch(range(len(images))), labels, "classification"
    return load_builtin(name, seed)


def _mnist_files(data_dir, limit, test_limit):
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
        raise UserError(_plain(error).replace("load_mnist: ", "")) from None
    return images, labels, test_images, test_labels


def prepare_mnist(args):
    limit = args.limit or MNIST_TRAIN
    images, labels, test_images, test_labels = _mnist_files(args.data, limit, args.test_limit)
    from barenn.datasets import train_test_split

    order = list(range(len(images)))
    if len(order) < 10:
        raise UserError(f"mnist: {len(order)} training images are too few (at least 10)")
    train_idx, val_idx, _, _ = train_test_split(order, order, 0.1, seed=args.seed)
    labels = list(labels)
    return Data("mnist", "classification",
                images.select(train_idx), [labels[i] for i in train_idx],
                images.select(val_idx), [labels[i] for i in val_idx],
                test_images, list(test_labels), [f"pixel {i}" for i in range(images.pixels)],
                classes=[str(c) for c in range(10)])


def prepare_builtin(args):
    X, y, kind = load_builtin(args.dataset, args.seed)
    return Data(args.dataset, kind, *_split(X, y, kind, args.seed),
                features=[f"x{i + 1}" for i in range(len(X[0]))])


def prepare_csv(args):
    from barenn import csvdata

    try:
        table = csvdata.load_csv(args.dataset, target=args.target, task=args.task)
    except csvdata.CsvError as error:
        raise UserError(_plain(error).replace("load_csv: ", "")) from None
    X_train, y_train, X_val, y_val, X_test, y_test = _split(table.X, table.y, table.task, args.seed)
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
DEFAULT = {"layers": [64], "epochs": 300, "lr": None, "batch_size": None, "patience": None}
DEFAULTS = {
    "spiral": {"layers": [64], "epochs": 500, "lr": 0.02},
    "vertical": {"epochs": 300},
    "moons": {"epochs": 300},
    "xor": {"epochs": 300},
    "circles": {"epochs": 300},
    "sine": {"layers": [32, 32], "epochs": 100, "lr": 0.005, "batch_size": 32},
    "sinc": {"layers": [32, 32], "epochs": 300, "lr": 0.005, "batch_size": 32, "patience": 50},
    "digits": {"epochs": 15, "batch_size": 64},
    "mnist": {"layers": [128], "epochs": 3, "batch_size": 64, "lr": 0.001},
    "csv": {"epochs": 500, "patience": 50},
}
# Points drawn for the generated datasets (their functions' own default is 100 per
# class): more points make the test figure steadier and a fairer picture of what
# the network learned.
BUILTIN_SIZES = {"spiral": {"samples": 300}}
CSV_LARGE_EPOCHS, CSV_LARGE_PATIENCE = 100, 10  # a CSV file of over 1,000 training rows
MNIST_TRAIN = 10_000  # training images read by default (--limit): minutes, not an hour


class _Stop(Exception):
    """Raised from fit's on_epoch to end training early (--patience)."""


def _parameter_count(n_inputs, hidden, n_outputs):
    widths = [n_inputs, *hidden, n_outputs]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def _weights(net):
    return [([list(r) for r in layer.weights], [list(r) for r in layer.biases])
            for layer in net.layers if hasattr(layer, "weights")]


def _restore(net, saved):
    dense = [layer for layer in net.layers if hasattr(layer, "weights")]
    for layer, (weights, biases) in zip(dense, saved):
        layer.weights, layer.biases = weights, biases


def _settings(args):
    key = "csv" if args.csv else args.dataset
    chosen = {**DEFAULT, **DEFAULTS.get(key, {})}
    for name in chosen:
        given = getattr(args, name)
        if given is not None:
            chosen[name] = given
    return chosen


def _fmt(value):
    """Four significant digits, as in the report."""
    return f"{value:.4g}"


def _regression_figures(predictions, targets, baseline):
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
    settings = _settings(args)
    run_name = f"{Path(args.dataset).stem if args.csv else args.dataset}-seed{args.seed}"
    save = _output("--save", args.save, f"{run_name}.json", folder_ok=False,
                   make_parents=False) if args.save is not None else None
    plot = _output("--plot", args.plot, f"{run_name}.svg") if args.plot is not None else None
    report = _output("--report", args.report, f"{run_name}.html") if args.report is not None else None

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
    count = _parameter_count(n_inputs, settings["layers"], n_outputs)
    if count > MAX_PARAMETERS:
        raise UserError(f"--layers {','.join(map(str, settings['layers']))}: the network would have "
                        f"{count:,} parameters; at most {MAX_PARAMETERS:,}")
    net = build_network(n_inputs, n_outputs, settings["layers"], args.activation, data.kind,
                        args.optimizer, settings["lr"], args.decay, args.seed)
    if data.preprocessing is not None:
        net.preprocessing = data.preprocessing
    what = (f"{len(data.classes) if data.classes else n_outputs} classes"
            if data.kind == "classification" else "regression")
    print(f"{data.name}: {len(data.X_train)} training, {len(data.X_val)} validation and "
          f"{len(data.X_test)} test samples, {n_inputs} feature{'s' if n_inputs != 1 else ''}, {what}")
    if args.csv:
        print(f"features (standardized with the training split's mean and std): "
              + ", ".join(data.features))
    print(net.summary())
    # Small sets train best a whole set per step; large ones need many steps an epoch.
    batch_size = settings["batch_size"] or (None if len(data.X_train) <= 1000 else 64)
    epochs, patience = settings["epochs"], settings["patience"]
    print(f"training for {epochs} epochs"
          + (f" (stopping when the validation loss has not improved for {patience} epochs)"
             if patience else "")
          + f", batch size {batch_size or 'the whole set'}; progress on stderr", flush=True)

    forecast = _forecast(net, data, batch_size, epochs)
    if forecast is not None and forecast >= 5:
        print(f"expect about {_duration(forecast)} for {epochs} epochs (timed on "
              f"{min(len(data.X_train), max(256, batch_size or 0))} samples here{'; --patience may stop sooner' if patience else ''})", flush=True)
    best = {"loss": math.inf, "epoch": None, "weights": None}
    seen = {}

    def on_epoch(epoch, history):
        seen["history"] = history
        if patience is None or not history.val_loss:
            return
        loss = history.val_loss[-1]
        if loss < best["loss"]:
            best.update(loss=loss, epoch=epoch, weights=_weights(net))
        elif epoch - best["epoch"] >= patience:
            raise _Stop

    import time

    started = time.monotonic()
    stopped = False
    try:
        history = net.fit(data.X_train, data.y_train, epochs=epochs, batch_size=batch_size,
                          validation=(data.X_val, data.y_val), seed=args.seed,
                          every=max(1, epochs // 10), verbose=0 if args.quiet else 1,
                          workers=args.workers, on_epoch=on_epoch)
    except _Stop:
        history, stopped = seen["history"], True
    except TrainingDiverged as error:
        raise RunFailed(f"{_plain(error)} (no model was saved)") from None
    except ValueError as error:  # data the network cannot take (checked by fit)
        raise UserError(f"{data.name}: {_plain(error)}") from None
    elapsed = time.monotonic() - started
    if best["weights"] is not None:
        _restore(net, best["weights"])
        print(f"{'stopped after' if stopped else 'trained'} {len(history)} epochs in {elapsed:.1f} s; "
              f"kept the weights of epoch {best['epoch'] + 1} (the lowest validation loss, "
              f"{_fmt(best['loss'])})")
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
        rmse, r2, base, base_r2 = _regression_figures(out, data.y_test, train_mean)
        print(f"test RMSE {_fmt(rmse)}, R^2 {_fmt(r2)} (baseline, predicting the training "
              f"mean: RMSE {_fmt(base)}, R^2 {_fmt(base_r2)})")
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
        print(f"test accuracy {_fmt(result.accuracy)} (baseline, always the most common class "
              f"{name!r}: {_fmt(baseline)}), test loss {_fmt(result.loss)}")
        metrics.update({"test accuracy": result.accuracy, "test loss": result.loss,
                        "baseline accuracy (the most common class)": baseline})

    if save:
        _write("--save", save, lambda: net.save(save))
        print(f"saved the model to {save}")
    if plot:
        from barenn.plot import line_chart_svg, scatter_svg

        if data.kind == "classification" and n_inputs == 2 and not args.csv:
            picture = lambda: scatter_svg(data.X_test, data.y_test, path=plot,
                                          predict=net.predict_classes, x_label="x1", y_label="x2",
                                          title=f"{data.name}: test points and decision regions")
        else:
            series, y_label = _curves(history, data)
            picture = lambda: line_chart_svg(series, path=plot, title=f"{data.name}: learning curves",
                                             y_label=y_label, log_y=data.kind == "regression")
        _write("--plot", plot, picture)
        print(f"wrote {plot}")
    if report:
        from barenn.plot import html_report, line_chart_svg

        series, y_label = _curves(history, data)
        charts = [line_chart_svg(series, title="loss: training and validation", y_label=y_label,
                                 log_y=data.kind == "regression")]
        if data.kind == "regression":
            r2 = _validation_r2(history, data)
            if r2:
                charts.append(line_chart_svg({"validation R^2": r2}, title="validation R^2",
                                             y_label="R^2"))
        else:
            charts.append(line_chart_svg(
                {"training accuracy": history.accuracy, "validation accuracy": history.val_accuracy},
                title="accuracy: training and validation", y_label="accuracy"))
        _write("--report", report, lambda: html_report(
            f"barenn: training on {data.name}",
            [("Learning curves", charts), ("Final metrics", metrics), ("Network", net.summary())],
            path=report))
        print(f"wrote {report}")
    return 0


def _forecast(net, data, batch_size, epochs):
    """Seconds ``epochs`` epochs should take, from one timed epoch of up to 256
    samples (in batches of ``batch_size``) on a copy of ``net``."""
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
    return epochs * per_sample * (n + len(data.X_val) / 3) + per_sample * len(data.X_test) / 3


def _duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def _curves(history, data):
    label = "loss (mean squared error)" if data.kind == "regression" else "loss (cross-entropy)"
    if data.kind == "regression" and data.target_scaling is not None:
        label = "loss (mean squared error, standardized target)"
    series = {"training loss": list(zip([e + 1 for e in history.epoch], history.loss)),
              "validation loss": list(zip([e + 1 for e in history.epoch], history.val_loss))}
    return series, label


def _validation_r2(history, data):
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


# --- data ------------------------------------------------------------------------------------

def cmd_data(args):
    """Write a built-in dataset as a CSV file: the format ``train FILE.csv`` reads."""
    out = _output("--out", args.out or f"{args.name}.csv", f"{args.name}.csv")
    X, y, kind = load_builtin(args.name, args.seed)
    features = [f"x{i + 1}" for i in range(len(X[0]))]
    target = "y" if kind == "regression" else "class"
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(features + [target])
    for row, label in zip(X, y):
        writer.writerow([repr(v) for v in row] + ([repr(v) for v in label] if kind == "regression"
                                                   else [label]))
    from barenn._files import atomic_write_text

    _write("--out", out, lambda: atomic_write_text(out, buffer.getvalue(), owner="data"))
    print(f"wrote {out}: {len(X)} rows, columns {', '.join(features + [target])}")
    return 0


# --- predict ---------------------------------------------------------------------------------

def _load_model(path, option="MODEL"):
    from barenn.network import Network

    if not path:
        raise UserError(f"{option}: empty file name")
    if not os.path.exists(path):
        raise UserError(f"model file not found: {path}")
    try:
        return Network.load(path)
    except (OSError, ValueError) as error:
        raise UserError(_plain(error).replace("Network.load: ", "")) from None


def _read_number_rows(path):
    """Rows of bare numbers (an optional header row is skipped): for models saved
    without feature names."""
    from barenn.csvdata import CsvError, read_table

    rows, numbers = [], []
    try:
        header, table, lines = read_table(path, "predict")
    except CsvError as error:
        if "only numbers" not in str(error):
            raise UserError(_plain(error).replace("predict: ", "")) from None
        # no header: every line is data
        from barenn.csvdata import _delimiter

        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
        delimiter = _delimiter(text.lstrip("\r\n").splitlines()[0])
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delimiter, skipinitialspace=True)
            table, lines = [], []
            for row in reader:
                if row and any(c.strip() for c in row):
                    table.append([c.strip() for c in row])
                    lines.append(reader.line_num)
    for row, line in zip(table, lines):
        try:
            values = [float(cell) for cell in row]
        except ValueError:
            raise UserError(f"{path}, row {line}: expected numbers separated by commas, got {row}") from None
        if not all(math.isfinite(v) for v in values):
            raise UserError(f"{path}, row {line}: NaN or infinity is not an input")
        rows.append(values)
        numbers.append(line)
    return rows, numbers


def cmd_predict(args):
    from barenn import csvdata

    net = _load_model(args.model)
    out = _output("--out", args.out, "predictions.csv", folder_ok=True) if args.out is not None else None
    record = getattr(net, "preprocessing", None)
    if record is not None:
        try:
            rows, _ = csvdata.read_columns(args.input, record["features"], owner="predict")
        except csvdata.CsvError as error:
            raise UserError(_plain(error).replace("predict: ", "")) from None
        name = record["target"]
    else:
        rows, _ = _read_number_rows(args.input)
        widths = {len(r) for r in rows}
        expected = net.input_size()
        if widths != {expected}:
            raise UserError(f"{args.input}: every row needs {expected} values, found rows of "
                            f"{sorted(widths)}")
        name = "class" if net.is_classifier() else "prediction"
    answers = csvdata.predict_rows(net, rows)
    lines = [",".join(repr(v) for v in a) if isinstance(a, list) else
             (repr(a) if isinstance(a, float) else str(a)) for a in answers]
    if out:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([name])
        for answer in answers:
            writer.writerow(answer if isinstance(answer, list) else [answer])
        from barenn._files import atomic_write_text

        _write("--out", out, lambda: atomic_write_text(out, buffer.getvalue(), owner="predict"))
        print(f"wrote {len(lines)} predictions of {name!r} to {out}")
    else:
        for line in lines:
            print(line)
    return 0


# --- explore ------------------------------------------------------------------------------

def cmd_explore(args):
    from barenn import explore

    if args.steps > explore.MAX_STEPS:
        raise UserError(f"argument --steps: at most {explore.MAX_STEPS} steps fit on one page, got {args.steps}")
    if args.samples > 64:
        raise UserError(f"argument --samples: at most 64 samples fit on one page, got {args.samples}")
    if args.model:
        if not os.path.exists(args.model):
            raise UserError(f"model file not found: {args.model}")
        from barenn.network import Network

        try:
            net = Network.load(args.model)
        except (ValueError, OSError) as error:
            raise UserError(str(error)) from None
        name = f"explore-{Path(args.model).stem}-seed{args.seed}-steps{args.steps}.html"
    else:
        net = explore.default_network(seed=args.seed)
        name = f"explore-seed{args.seed}-steps{args.steps}.html"
    try:
        X, y = explore.sample_batch(net, samples=args.samples, seed=args.seed)
        data = explore.explore_data(net, X, y, steps=args.steps, learning_rate=args.lr)
    except ValueError as error:
        raise UserError(str(error).replace("sample_batch: ", "").replace("explore_data: ", "")) from None
    out = _output("--out", args.out, name)
    try:
        explore.write_page(out, data, title=f"barenn explore: {args.steps} training "
                           f"step{'s' if args.steps != 1 else ''} of {args.model or 'a 2-3-2 classifier'}")
    except (OSError, ValueError) as error:
        raise UserError(f"--out: cannot write {out}: {_plain(error)}") from None
    print(f"wrote {out}: {args.steps} step{'s' if args.steps != 1 else ''} of forward, loss, "
          f"backward and update on {len(X)} samples; open it in a browser")
    return 0


# --- the parser ----------------------------------------------------------------------------

def make_parser():
    parser = _Parser(prog="barenn", description="barenn: a neural network you can read, in pure Python.")
    parser.add_argument("--version", action="version", version=f"barenn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("tour", help="every lesson in order, pausing between them")
    p.add_argument("--step", action="store_true", help="also pause between the steps inside each lesson")
    p.add_argument("--no-pause", action="store_true", help="never wait for Enter between lessons")
    p.set_defaults(run=cmd_tour)

    p = sub.add_parser("lessons", help="list the lessons")
    p.set_defaults(run=cmd_lessons)

    p = sub.add_parser("lesson", help="run one lesson")
    p.add_argument("number", type=_positive_int, help="the lesson number, e.g. 3")
    p.add_argument("--step", action="store_true", help="pause for Enter between steps")
    p.add_argument("--quick", action="store_true", help="train for fewer epochs")
    p.add_argument("--out", metavar="DIR", type=_nonempty,
                   help="where a lesson that draws pictures writes them (default ./barenn-out/)")
    p.set_defaults(run=cmd_lesson)

    p = sub.add_parser("check", help="gradient checks and engine cross-checks")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test inputs")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("train", help="train a network on a built-in dataset or a CSV file")
    p.add_argument("dataset", metavar="DATASET|FILE.csv",
                   help="a built-in dataset (" + ", ".join(DATASETS) + ") or a CSV file with a header row")
    p.add_argument("--target", metavar="COLUMN", help="CSV: the column to predict (default: the last)")
    p.add_argument("--task", choices=("classification", "regression"),
                   help="CSV: override the guess (text or few whole numbers: classes; else regression)")
    p.add_argument("--layers", type=_layer_sizes, default=None, help="hidden layer sizes, e.g. 64,64 "
                   "(default per dataset)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="relu")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    p.add_argument("--lr", type=_learning_rate, default=None, help="learning rate (default per dataset)")
    p.add_argument("--decay", type=_number_in(0, 1e6), default=0.0, help="learning-rate decay")
    p.add_argument("--epochs", type=_whole(1, MAX_EPOCHS), default=None, help="default per dataset")
    p.add_argument("--patience", type=_whole(1, MAX_EPOCHS), default=None,
                   help="stop when the validation loss has not improved for N epochs and keep the "
                   "best weights (default: off; 50 for a CSV file)")
    p.add_argument("--batch-size", type=_whole(1, 10 ** 8), default=None,
                   help="default: the whole set up to 1000 samples, else 64")
    p.add_argument("--workers", type=_whole(1, 64), default=1,
                   help="processes sharing each batch (default 1)")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--data", metavar="DIR", type=_nonempty,
                   help="mnist: the folder of the four IDX files (or set BARENN_MNIST)")
    p.add_argument("--limit", type=_whole(1, 10 ** 8), default=None,
                   help=f"mnist: training images to read (default {MNIST_TRAIN:,})")
    p.add_argument("--test-limit", type=_whole(1, 10 ** 8), default=None,
                   help="mnist: test images to score (default: all of the test file)")
    p.add_argument("--save", metavar="MODEL.json", type=_nonempty, help="save the trained model as JSON "
                   "(its folder must exist)")
    p.add_argument("--plot", metavar="OUT.svg", type=_nonempty,
                   help="draw decision regions (2-D data) or learning curves; a folder gets DATASET-seedN.svg")
    p.add_argument("--report", metavar="OUT.html", type=_nonempty,
                   help="write a one-page HTML training report; a folder gets DATASET-seedN.html")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("data", help="write a built-in dataset as a CSV file (what train FILE.csv reads)")
    p.add_argument("name", choices=[d for d in DATASETS if d != "mnist"], metavar="DATASET",
                   help=", ".join(d for d in DATASETS if d != "mnist"))
    p.add_argument("--out", metavar="FILE.csv", type=_nonempty,
                   help="where to write it, or a folder (default DATASET.csv)")
    p.add_argument("--seed", type=_seed, default=0)
    p.set_defaults(run=cmd_data)

    p = sub.add_parser("predict", help="predict the rows of a CSV file with a saved model")
    p.add_argument("model", metavar="MODEL.json")
    p.add_argument("input", metavar="INPUT.csv")
    p.add_argument("--out", metavar="PREDICTIONS.csv", type=_nonempty,
                   help="write the predictions as a one-column CSV instead of printing them")
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser("graph", help="draw the computation graph of one neuron")
    p.add_argument("--out", default="graph.svg", type=_nonempty,
                   help="where to write the SVG, or a folder (default graph.svg)")
    p.add_argument("--dot", action="store_true", help="print Graphviz DOT text instead")
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser("explore", help="an HTML page that steps through forward, backward and update")
    p.add_argument("--model", metavar="MODEL.json", help="a saved model of at most 100 parameters "
                   "(default: a 2-3-2 classifier)")
    p.add_argument("--steps", type=_positive_int, default=3, help="training steps to show (default 3, at most 20)")
    p.add_argument("--samples", type=_positive_int, default=4, help="samples in the batch (default 4, at most 64)")
    p.add_argument("--out", default="explore.html", type=_nonempty, help="the page to write, or a directory (default explore.html)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and the samples")
    p.add_argument("--lr", type=_learning_rate, default=0.5, help="SGD learning rate (default 0.5)")
    p.set_defaults(run=cmd_explore)
    return parser


def main(argv=None):
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 0
        return args.run(args)
    except UserError as error:
        print(f"barenn: {error}", file=sys.stderr)
        return 2
    except RunFailed as error:
        print(f"barenn: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("barenn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`barenn predict ... | head`): stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


if __name__ == "__main__":
    sys.exit(main())
