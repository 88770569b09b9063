"""The command line: ``python -m barenn COMMAND`` (or ``barenn COMMAND`` once installed).

Commands::

    tour                 every lesson in order, pausing between them in a terminal
    lessons              the numbered list of lessons
    lesson N             run one lesson (--step pauses inside it, --quick trains less, --out DIR for pictures)
    check                analytic vs numeric gradients for every part, and engine cross-checks
    train DATASET        train a network on a built-in dataset; save it, plot it, report it
    predict MODEL INPUT  one prediction a line for the rows of a CSV file
    graph                draw the computation graph of one neuron (SVG or DOT)
    explore              an HTML page stepping through every number of a few training steps

A mistake in what the user typed (an unknown dataset, a bad number, a missing file)
prints one plain line and exits with status 2, never a traceback.
"""

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

from barenn import __version__

# Lessons live next to the package in a clone (they are scripts to read, not a
# module to import); an installed wheel has none and says so.
LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"

DATASETS = ("spiral", "vertical", "sine", "sinc", "moons", "xor", "circles", "digits", "mnist")
REGRESSION = {"sine", "sinc"}
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
# The learning rate is left off the charts: it lives on another scale than loss.
CURVES = ["loss", "val_loss", "accuracy", "val_accuracy"]


class UserError(Exception):
    """A mistake in what the user asked for: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one plain line instead of usage + error
        raise UserError(f"{message} (see '{self.prog} --help')")


# --- lessons -----------------------------------------------------------------------------

def lesson_files():
    """The lesson scripts in order: [(number, path), ...]."""
    if not LESSONS_DIR.is_dir():
        raise UserError(
            f"no lessons found at {LESSONS_DIR}: the lessons ship with the source, "
            f"so run barenn from a clone of the repository"
        )
    found = []
    for path in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.py")):
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
        extra += ["--out", args.out]
    return _run_lesson(lessons[args.number], extra)


def cmd_tour(args):
    lessons = lesson_files()
    interactive = sys.stdin.isatty() and not args.no_pause
    print(f"The barenn tour: {len(lessons)} lessons, each a short script in lessons/.")
    print("It runs every lesson in its quick form; run one alone (barenn lesson N) for the full one.")
    for i, (number, path) in enumerate(lessons):
        print()
        print(f"[{i + 1}/{len(lessons)}] python {path.relative_to(LESSONS_DIR.parent)} --quick")
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
    path = to_svg(o, args.out)
    print(f"wrote {path}: the graph of o = tanh(x1*w1 + x2*w2 + b) with data and gradients")
    return 0


# --- train and predict -------------------------------------------------------------------

def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _number(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected hidden layer sizes like 64,64, got {text!r}"
        ) from None
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected hidden layer sizes >= 1 like 64,64, got {text!r}")
    return sizes


def load_dataset(name, seed, data_dir=None, limit=None):
    """(X, y, kind) for a built-in dataset; kind is 'classification' or 'regression'."""
    from barenn import datasets

    if name == "digits":
        from barenn.realdata import load_digits

        X, y = load_digits()
    elif name == "mnist":
        from barenn.realdata import load_mnist

        directory = data_dir or os.environ.get("BARENN_MNIST")
        if not directory:
            raise UserError("mnist needs its files: pass --data DIR (or set BARENN_MNIST)")
        try:
            images, labels = load_mnist(directory, kind="train", limit=limit or 10000)
        except (FileNotFoundError, ValueError) as error:
            raise UserError(str(error)) from None
        X, y = images.batch(range(len(images))), list(labels)
    elif name == "sine":  # a clean curve: nothing random to seed
        X, y = datasets.sine()
    else:
        X, y = getattr(datasets, name)(seed=seed)
    return X, y, "regression" if name in REGRESSION else "classification"


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


def cmd_train(args):
    from barenn.datasets import train_test_split

    X, y, kind = load_dataset(args.dataset, args.seed, args.data, args.limit)
    if kind == "regression":
        X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=args.seed)
        n_outputs = len(y[0])
    else:
        X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, stratify=True, seed=args.seed)
        n_outputs = max(y) + 1
    net = build_network(len(X[0]), n_outputs, args.layers, args.activation, kind,
                        args.optimizer, args.lr, args.decay, args.seed)
    features = len(X[0])
    print(f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples, "
          f"{features} feature{'s' if features != 1 else ''}")
    print(net.summary())
    # Small sets train best a whole set per step; large ones need many steps an epoch.
    batch_size = args.batch_size or (None if len(X_train) <= 1000 else 64)
    history = net.fit(X_train, y_train, epochs=args.epochs, batch_size=batch_size,
                      validation=(X_test, y_test), seed=args.seed,
                      every=max(1, args.epochs // 10), verbose=0 if args.quiet else 1)
    result = net.evaluate(X_test, y_test)
    if kind == "regression":
        print(f"test loss (mean squared error) {result.loss:.4f}")
    else:
        print(f"test loss {result.loss:.4f}, test accuracy {result.accuracy:.4f}")
    if args.save:
        net.save(args.save)
        print(f"saved the model to {args.save}")
    if args.plot:
        if kind == "classification" and len(X[0]) == 2:
            from barenn.plot import scatter_svg

            scatter_svg(X_test, y_test, path=args.plot, predict=net.predict_classes,
                        title=f"{args.dataset}: test points and decision regions")
        else:
            history.plot(args.plot, names=CURVES)
        print(f"wrote {args.plot}")
    if args.report:
        from barenn.plot import history_series, html_report, line_chart_svg

        metrics = {"epochs": args.epochs, "training samples": len(X_train),
                   "test samples": len(X_test), "test loss": round(result.loss, 6)}
        if kind == "classification":
            metrics["test accuracy"] = round(result.accuracy, 6)
        html_report(
            f"barenn: training on {args.dataset}",
            [("Learning curves", line_chart_svg(history_series(history, names=CURVES),
                                                 title="loss and accuracy")),
             ("Final metrics", metrics),
             ("Network", net.summary())],
            path=args.report,
        )
        print(f"wrote {args.report}")
    return 0


def _read_csv_rows(path):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            raw = [r for r in csv.reader(f) if r and any(cell.strip() for cell in r)]
    except FileNotFoundError:
        raise UserError(f"input file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path}: {error}") from None
    rows = []
    for line, r in enumerate(raw, start=1):
        try:
            rows.append([float(cell) for cell in r])
        except ValueError:
            if line == 1:  # a header row
                continue
            raise UserError(f"{path}, row {line}: expected numbers separated by commas, got {r}") from None
    if not rows:
        raise UserError(f"{path} holds no rows of numbers")
    return rows


def cmd_predict(args):
    if not os.path.exists(args.model):
        raise UserError(f"model file not found: {args.model}")
    from barenn.network import Network

    try:
        net = Network.load(args.model)
    except ValueError as error:
        raise UserError(str(error)) from None
    rows = _read_csv_rows(args.input)
    widths = {len(r) for r in rows}
    expected = net.input_size() if hasattr(net, "input_size") else None
    if len(widths) != 1 or (expected is not None and widths != {expected}):
        raise UserError(
            f"{args.input}: every row needs {expected if expected is not None else 'the same number of'} "
            f"values, found rows of {sorted(widths)}"
        )
    if net.is_classifier():
        for label in net.predict_classes(rows):
            print(label)
    else:
        for out in net.predict(rows):
            print(",".join(repr(v) for v in out))
    return 0


# --- explore ------------------------------------------------------------------------------

def _learning_rate(text):
    value = _number(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


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
    out = Path(args.out)
    if out.is_dir():
        out = out / name
    try:
        explore.write_page(out, data, title=f"barenn explore: {args.steps} training "
                           f"step{'s' if args.steps != 1 else ''} of {args.model or 'a 2-3-2 classifier'}")
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror or error}") from None
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
    p.add_argument("--out", metavar="DIR",
                   help="where a lesson that draws pictures writes them (default ./barenn-out/)")
    p.set_defaults(run=cmd_lesson)

    p = sub.add_parser("check", help="gradient checks and engine cross-checks")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test inputs")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("train", help="train a network on a built-in dataset")
    p.add_argument("dataset", choices=DATASETS, metavar="DATASET", help=", ".join(DATASETS))
    p.add_argument("--layers", type=_layer_sizes, default=[64], help="hidden layer sizes (default 64)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="relu")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    p.add_argument("--lr", type=_number, default=None, help="learning rate (default per optimizer)")
    p.add_argument("--decay", type=_number, default=0.0, help="learning-rate decay")
    p.add_argument("--epochs", type=_positive_int, default=200)
    p.add_argument("--batch-size", type=_positive_int, default=None,
                   help="default: the whole set up to 1000 samples, else 64")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", help="directory of the MNIST files (mnist only)")
    p.add_argument("--limit", type=_positive_int, default=None, help="use at most this many MNIST images")
    p.add_argument("--save", metavar="MODEL.json", help="save the trained model as JSON")
    p.add_argument("--plot", metavar="OUT.svg", help="draw decision regions (2-D data) or learning curves")
    p.add_argument("--report", metavar="OUT.html", help="write a one-page HTML training report")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("predict", help="predict the rows of a CSV file with a saved model")
    p.add_argument("model", metavar="MODEL.json")
    p.add_argument("input", metavar="INPUT.csv")
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser("graph", help="draw the computation graph of one neuron")
    p.add_argument("--out", default="graph.svg", help="where to write the SVG (default graph.svg)")
    p.add_argument("--dot", action="store_true", help="print Graphviz DOT text instead")
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser("explore", help="an HTML page that steps through forward, backward and update")
    p.add_argument("--model", metavar="MODEL.json", help="a saved model of at most 100 parameters "
                   "(default: a 2-3-2 classifier)")
    p.add_argument("--steps", type=_positive_int, default=3, help="training steps to show (default 3, at most 20)")
    p.add_argument("--samples", type=_positive_int, default=4, help="samples in the batch (default 4, at most 64)")
    p.add_argument("--out", default="explore.html", help="the page to write, or a directory (default explore.html)")
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
    except KeyboardInterrupt:
        print("barenn: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
