"""The command line: ``python -m barenn COMMAND`` (or ``barenn COMMAND`` once installed).

Commands::

    tour                 every lesson in order, pausing between them in a terminal
    lessons              the numbered list of lessons
    lesson N             run one lesson (--step pauses inside it, --quick trains less, --out DIR for pictures)
    notebooks            every lesson as a Jupyter notebook (--out DIR, --quick), made from the lesson files
    check                analytic vs numeric gradients for every part, and engine cross-checks
    train DATASET|FILE   train a network on a built-in dataset or a CSV file; save, plot, report
    data DATASET         write a built-in dataset as a CSV file
    predict MODEL INPUT  one prediction a line (class names or values) for the rows of a CSV file
    graph                draw the computation graph of one neuron (SVG or DOT)
    explore              an HTML page stepping through every number of a few training steps

``train`` lives in ``barenn.cli_train``, the argument types and output-path checks
in ``barenn.cli_args``, reading CSV files in ``barenn.csvdata``.

A mistake in what the user typed or gave as input (an unknown dataset, a bad number,
a missing or malformed file, a path that cannot be written) prints one plain line and
exits with status 2; a run that fails (training diverges) one line and status 1;
never a traceback.
"""

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

from barenn import __version__
from barenn.cli_args import (MAX_EPOCHS, OneLineParser, RunFailed, UserError, file_name,
                             learning_rate, layer_sizes, number_in, output_path, plain,
                             seed_number, whole_number, write_or_fail)
# build_network and load_dataset are re-exported: barenn.cli.build_network(...) builds
# the network `train` would (the tests use it).
from barenn.cli_train import (ACTIVATIONS, DATASETS, MNIST_TRAIN, OPTIMIZERS,  # noqa: F401
                              build_network, cmd_train, load_builtin, load_dataset)

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


def lesson_requires(path):
    """The package an optional lesson needs (its ``REQUIRES = "torch"``) when it is not
    installed here, else None."""
    import importlib.util

    from barenn.notebooks import lesson_requires as declared

    package = declared(path)
    if package and importlib.util.find_spec(package) is None:
        return package
    return None


def lesson_summary(path):
    """The first line of a lesson's docstring (its one-line description)."""
    import ast

    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else path.stem


def _run_lesson(path, extra):
    return subprocess.call([sys.executable, str(path), *extra])


def cmd_lessons(args):
    for number, path in lesson_files():
        missing = lesson_requires(path)
        print(f"{number:2d}  {lesson_summary(path)}" + (f" (needs {missing})" if missing else ""))
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
        output_path("--out", str(Path(args.out) / "picture.svg"), "picture.svg")
        extra += ["--out", args.out]
    return _run_lesson(lessons[args.number], extra)


def cmd_tour(args):
    lessons = lesson_files()
    interactive = sys.stdin.isatty() and not args.no_pause
    print(f"The barenn tour: {len(lessons)} lessons, each a short script in lessons/.")
    print("It runs every lesson in its quick form; run one alone (barenn lesson N) for the full one.")
    for i, (number, path) in enumerate(lessons):
        print()
        missing = lesson_requires(path)
        if missing:
            print(f"[{i + 1}/{len(lessons)}] lesson {number:02d} needs {missing}, which is not "
                  f"installed: skipped (pip install {missing})", flush=True)
            continue
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


def cmd_notebooks(args):
    from barenn.notebooks import write_notebooks

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {args.out}: it is a file; give a folder for the notebooks")
    output_path("--out", str(out / "01.ipynb"), "01.ipynb")
    lessons = [path for _, path in lesson_files()]
    argv = ["--quick"] if args.quick else []
    written = []
    write_or_fail("--out", out, lambda: written.extend(write_notebooks(out, lessons, argv)))
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} notebooks{' (--quick)' if args.quick else ''}, made from the lesson "
          "files; open them with Jupyter (the lessons' pictures go to barenn-out/)")
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
    out = output_path("--out", args.out, "graph.svg")
    write_or_fail("--out", out, lambda: to_svg(o, out))
    path = out
    print(f"wrote {path}: the graph of o = tanh(x1*w1 + x2*w2 + b) with data and gradients")
    return 0


# --- data ------------------------------------------------------------------------------------

def cmd_data(args):
    """Write a built-in dataset as a CSV file: the format ``train FILE.csv`` reads."""
    out = output_path("--out", args.out or f"{args.name}.csv", f"{args.name}.csv")
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

    write_or_fail("--out", out, lambda: atomic_write_text(out, buffer.getvalue(), owner="data"))
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
        raise UserError(plain(error).replace("Network.load: ", "")) from None


def _read_number_rows(path):
    """Rows of bare numbers (an optional header row is skipped): for models saved
    without feature names."""
    from barenn.csvdata import CsvError, read_table

    rows, numbers = [], []
    try:
        header, table, lines = read_table(path, "predict")
    except CsvError as error:
        if "only numbers" not in str(error):
            raise UserError(plain(error).replace("predict: ", "")) from None
        # no header: every line is data
        from barenn.csvdata import delimiter_of

        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
        delimiter = delimiter_of(text.lstrip("\r\n").splitlines()[0])
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
    out = output_path("--out", args.out, "predictions.csv", folder_ok=True) if args.out is not None else None
    record = getattr(net, "preprocessing", None)
    if record is not None:
        try:
            rows, _ = csvdata.read_columns(args.input, record["features"], owner="predict")
        except csvdata.CsvError as error:
            raise UserError(plain(error).replace("predict: ", "")) from None
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

        write_or_fail("--out", out, lambda: atomic_write_text(out, buffer.getvalue(), owner="predict"))
        print(f"wrote {len(lines)} predictions of {name!r} to {out}")
    else:
        for line in lines:
            print(line)
    return 0


# --- explore ------------------------------------------------------------------------------

def cmd_explore(args):
    from barenn import explore

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
    out = output_path("--out", args.out, name)
    try:
        explore.write_page(out, data, title=f"barenn explore: {args.steps} training "
                           f"step{'s' if args.steps != 1 else ''} of {args.model or 'a 2-3-2 classifier'}")
    except (OSError, ValueError) as error:
        raise UserError(f"--out: cannot write {out}: {plain(error)}") from None
    print(f"wrote {out}: {args.steps} step{'s' if args.steps != 1 else ''} of forward, loss, "
          f"backward and update on {len(X)} samples; open it in a browser")
    return 0


# --- the parser ----------------------------------------------------------------------------

def make_parser():
    from barenn.explore import MAX_SAMPLES, MAX_STEPS

    parser = OneLineParser(prog="barenn", description="barenn: a neural network you can read, in pure Python.")
    parser.add_argument("--version", action="version", version=f"barenn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    p = sub.add_parser("tour", help="every lesson in order, pausing between them")
    p.add_argument("--step", action="store_true", help="also pause between the steps inside each lesson")
    p.add_argument("--no-pause", action="store_true", help="never wait for Enter between lessons")
    p.set_defaults(run=cmd_tour)

    p = sub.add_parser("lessons", help="list the lessons")
    p.set_defaults(run=cmd_lessons)

    p = sub.add_parser("lesson", help="run one lesson")
    # lesson files are numbered with two digits (lessons/NN_name.py)
    p.add_argument("number", type=whole_number(1, 99), help="the lesson number, e.g. 3")
    p.add_argument("--step", action="store_true", help="pause for Enter between steps")
    p.add_argument("--quick", action="store_true", help="train for fewer epochs")
    p.add_argument("--out", metavar="DIR", type=file_name,
                   help="where a lesson that draws pictures writes them (default ./barenn-out/)")
    p.set_defaults(run=cmd_lesson)

    p = sub.add_parser("notebooks", help="write every lesson as a Jupyter notebook")
    p.add_argument("--out", metavar="DIR", type=file_name, default="barenn-notebooks",
                   help="the folder for the .ipynb files (default ./barenn-notebooks/)")
    p.add_argument("--quick", action="store_true",
                   help="notebooks that run the lessons' quick form (argv = [\"--quick\"])")
    p.set_defaults(run=cmd_notebooks)

    p = sub.add_parser("check", help="gradient checks and engine cross-checks")
    p.add_argument("--seed", type=seed_number, default=0, help="seed of the random test inputs")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("train", help="train a network on a built-in dataset or a CSV file")
    p.add_argument("dataset", metavar="DATASET|FILE.csv",
                   help="a built-in dataset (" + ", ".join(DATASETS) + ") or a CSV file with a header row")
    p.add_argument("--target", metavar="COLUMN", help="CSV: the column to predict (default: the last)")
    p.add_argument("--task", choices=("classification", "regression"),
                   help="CSV: override the guess (text or few whole numbers: classes; else regression)")
    p.add_argument("--layers", type=layer_sizes, default=None, help="hidden layer sizes, e.g. 64,64 "
                   "(default per dataset)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="relu")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    p.add_argument("--lr", type=learning_rate, default=None, help="learning rate (default per dataset)")
    p.add_argument("--decay", type=number_in(0, 1e6), default=None,
                   help="learning-rate decay: lr / (1 + decay * step) (default 0; mnist 1e-3)")
    p.add_argument("--epochs", type=whole_number(1, MAX_EPOCHS), default=None, help="default per dataset")
    p.add_argument("--patience", type=whole_number(1, MAX_EPOCHS), default=None,
                   help="stop when the validation loss has not improved for N epochs and keep the "
                   "best weights (default: off; 50 for a CSV file)")
    p.add_argument("--batch-size", type=whole_number(1, 10 ** 8), default=None,
                   help="default: the whole set up to 1000 samples, else 64")
    p.add_argument("--workers", type=whole_number(1, 64), default=None,
                   help="processes sharing each batch (default 1; mnist: one per core, up to 4)")
    p.add_argument("--seed", type=seed_number, default=0)
    p.add_argument("--data", metavar="DIR", type=file_name,
                   help="mnist: the folder of the four IDX files (or set BARENN_MNIST)")
    p.add_argument("--limit", type=whole_number(1, 10 ** 8), default=None,
                   help="mnist: training images to read (default: all)")
    p.add_argument("--test-limit", type=whole_number(1, 10 ** 8), default=None,
                   help="mnist: test images to score (default: all of the test file)")
    p.add_argument("--save", metavar="MODEL.json", type=file_name, help="save the trained model as JSON "
                   "(its folder must exist)")
    p.add_argument("--plot", metavar="OUT.svg", type=file_name,
                   help="draw decision regions (2-D data) or learning curves; a folder gets DATASET-seedN.svg")
    p.add_argument("--report", metavar="OUT.html", type=file_name,
                   help="write a one-page HTML training report; a folder gets DATASET-seedN.html")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("data", help="write a built-in dataset as a CSV file (what train FILE.csv reads)")
    p.add_argument("name", choices=[d for d in DATASETS if d != "mnist"], metavar="DATASET",
                   help=", ".join(d for d in DATASETS if d != "mnist"))
    p.add_argument("--out", metavar="FILE.csv", type=file_name,
                   help="where to write it, or a folder (default DATASET.csv)")
    p.add_argument("--seed", type=seed_number, default=0)
    p.set_defaults(run=cmd_data)

    p = sub.add_parser("predict", help="predict the rows of a CSV file with a saved model")
    p.add_argument("model", metavar="MODEL.json")
    p.add_argument("input", metavar="INPUT.csv")
    p.add_argument("--out", metavar="PREDICTIONS.csv", type=file_name,
                   help="write the predictions as a one-column CSV instead of printing them")
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser("graph", help="draw the computation graph of one neuron")
    p.add_argument("--out", default="graph.svg", type=file_name,
                   help="where to write the SVG, or a folder (default graph.svg)")
    p.add_argument("--dot", action="store_true", help="print Graphviz DOT text instead")
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser("explore", help="an HTML page that steps through forward, backward and update")
    p.add_argument("--model", metavar="MODEL.json", help="a saved model of at most 100 parameters "
                   "(default: a 2-3-2 classifier)")
    p.add_argument("--steps", type=whole_number(1, MAX_STEPS), default=3,
                   help=f"training steps to show (default 3, at most {MAX_STEPS})")
    p.add_argument("--samples", type=whole_number(1, MAX_SAMPLES), default=4,
                   help=f"samples in the batch (default 4, at most {MAX_SAMPLES})")
    p.add_argument("--out", default="explore.html", type=file_name, help="the page to write, or a directory (default explore.html)")
    p.add_argument("--seed", type=seed_number, default=0, help="seed of the weights and the samples")
    p.add_argument("--lr", type=learning_rate, default=0.5, help="SGD learning rate (default 0.5)")
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
