"""MNIST benchmark: 784-128-10, a recipe chosen on a validation split, the test set scored once.

The 60,000 training images are split (seeded) into a training part and a
validation part (--validation, default 5,000). The network trains on the
training part in ONE ``fit`` call (so one worker pool for the whole run: no
re-spawn, no re-sending the data); after every epoch ``on_epoch`` measures the
validation part and prints a row. The recipe (batch size, Adam's learning rate
and decay, hidden width) is fixed before the run, by ``--search`` on the validation part; the
number of epochs is chosen during the run, on the validation part only: training
stops when the validation accuracy reaches --stop-at, or has not improved for
--patience epochs, or after --max-epochs, and the weights of the best validation
epoch are kept. Only then are the 10,000 official test images scored, once, and
the last line gives that accuracy and the total wall time (reading the files
included). The test set decides nothing. (--show-test prints a per-epoch test
accuracy for information; it is still never used to choose.)

The table: epoch, wall seconds since the start, wall and CPU seconds of the
epoch (CPU: parent plus workers, from /proc; wall far above CPU / workers means
other programs shared the cores), training loss, validation accuracy.

    python benchmarks/mnist.py [--workers 2] [--validation 5000] [--max-epochs 4]
                               [--stop-at 0.98] [--patience 2] [--batch-size 400]
                               [--learning-rate 0.01] [--decay 1e-3] [--search]

--search trains each candidate recipe in CANDIDATES for --search-epochs epochs on
the training part (optionally on --limit images only) and ranks them by their best
validation accuracy; it never reads the test files.

The MNIST files are read from --data, else ../shared/datasets/mnist next to the
repository; where they are absent the benchmark says so and exits with status 0.

Measured on the project's 2-core machine (AMD EPYC, KVM), shared with other jobs
(3 other agents: the load average was rarely below 2). CPU = parent + workers.

The recipe search (issue 22), validation only: each candidate trained 2 epochs on
the 55,000 training images (2 workers, CPython 3.12.1, seed 1) and was scored on
the 5,000 held out; nothing read the test files. Commands: /tmp drivers calling
this file's ``train_on_validation`` with each recipe, as ``python
benchmarks/mnist.py --search`` does over these CANDIDATES.

    batch   lr     decay  hidden   val epoch 1  val epoch 2   CPU s (2 epochs)  load
     400   0.01    5e-3    128       0.9514       0.9642          164          2.8-4.6
     200   0.005   2e-3    128       0.9562       0.9652          211          4.6-4.5
     400   0.005   1e-3    128       0.9444       0.9586          160          3.5-4.1
     400   0.01    1e-3    128       0.9558       0.9672   *      152          4.1-2.6
     256   0.004   1e-3    128       0.9526       0.9602          177          2.6-3.1
     400   0.02    2e-3    128       0.9592       0.9654          146          2.6-4.0
     400   0.01    1e-3    100       0.9518       0.9628          139          4.0-4.1
     400   0.02    2e-3    100       0.9548       0.9596          139          4.1-3.4

    * chosen (best after 2 epochs). The old default (first row) lowers the rate
      five times faster (lr / (1 + 5e-3 t): 0.0027 after 4 epochs of 138 steps,
      against 0.0065); half the rate, or batches of 200-256, learn less per epoch;
      a width of 100 saves only about 9 % of the CPU (the parent's share and the
      validation do not shrink) and loses 0.4 % accuracy.

The chosen recipe with the default command (3.12.1, 2 workers), run twice: the
same numbers both times (everything is seeded): validation accuracy by epoch
0.9558 0.9672 0.9702 0.9712; epoch 4 kept; TEST accuracy 0.9757 (the test files
read once, at the end of each run).

    load at start/end   s/epoch wall   CPU s/epoch   total wall   total CPU
      1.12 / 1.72       38.1-39.8 *      66.6-69.1     177.4 s      275.5 s
      1.86 / 4.86       75.6-94.1        74.7-92.6     358.2 s      353.0 s

    * one epoch of the first row met another job: 55.5 s. The load at start was
      falling from this session's earlier runs; the run's own parent and two
      workers count about 2 in the load average. Wall per epoch is about
      (CPU - parent) / 2 + parent: 2 workers at ~30 CPU s each, the parent ~7 s
      (138 steps of Adam over 101,770 numbers, summing and packing).

Earlier measurements (recipe batch 400, Adam lr 0.01, decay 5e-3, up to 8 epochs):

    python  workers  load at start  s/epoch wall  CPU s/epoch  epochs  val acc  TEST   total
    3.12.1     2        1.56            47.9          72.2       1 *   0.9514  0.9557  52 s
    3.12.1     1        2.19            73.1          72.7       1 *   0.9514  0.9557  79 s
    3.11.7     2        1.67            71.7          98.8       1 *   0.9514  0.9557  81 s
    3.12.1     2        5.69 (4.5-8.7)  131-401       110-144    8     0.9760  0.9764  32.2 min
    3.12.1     2        0.51 (0.5-2.5)  52-89         82-101     8     0.9760  0.9764  9.5 min

    * --max-epochs 1: speed only. The full runs gave the validation accuracy by
      epoch 0.9514 0.9642 0.9708 0.9694 0.9730 0.9740 0.9752 0.9760 and kept epoch 8.

Where a worker's time goes (one process, 200-image parts as with 2 workers and
batches of 400, CPU time per image, 3.12, load 5): the first layer's forward
(the sparse rows of pixels against 784x128 weights) 45 %, its weight gradient
45 %, everything else (reading the rows, the second layer, the ReLU, transposes)
10 %. Inside the first layer, math.sumprod over the non-zero pixels is about 60 %
of the time (about 10 ns a multiply-add, the floor of any stdlib reduction here),
gathering the weight rows they face (itemgetter + zip) about 25 %. The parent's
Adam step over 101,770 numbers is ~30 ms a step in list comprehensions, row by row
or flat (barenn.fast.optimizers: 32.6 against 32.9 ms); summing the workers'
gradients and packing the weights add ~10 ms.

lessons/12_mnist.py (no --quick) uses the same split, seeds and stopping rule: it
gave the same validation row and the same 97.64 % on the test set, in 668 s (3.12,
2 workers, load 3.6 falling to 0.5, 64-132 s an epoch).
"""

import argparse
import math
import os
import platform
import random
import sys
import time
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(ROOT))

from barenn.activations import ReLU, Softmax
from barenn.fast import forward as fast_forward
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.realdata import MNIST_FILES, load_mnist
from barenn.sources import take_rows

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "mnist"

Recipe = namedtuple("Recipe", "batch_size learning_rate decay hidden", defaults=(None,))
Recipe.__doc__ = ("What --search chooses: the batch size, Adam's schedule lr / (1 + decay * step) "
                  "and the hidden width (None: --hidden).")

# The candidates --search compares on the validation part (the table in the
# docstring gives what each reached in 2 epochs).
CANDIDATES = [
    Recipe(400, 0.01, 5e-3),
    Recipe(200, 0.005, 2e-3),
    Recipe(400, 0.005, 1e-3),
    Recipe(400, 0.01, 1e-3),
    Recipe(256, 0.004, 1e-3),
    Recipe(400, 0.02, 2e-3),
    Recipe(400, 0.01, 1e-3, hidden=100),
    Recipe(400, 0.02, 2e-3, hidden=100),
]


def options(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), metavar="DIR",
                        help="directory with the four MNIST files (default ../shared/datasets/mnist)")
    parser.add_argument("--workers", default="2", help="comma-separated worker counts to run")
    parser.add_argument("--validation", type=int, default=5000,
                        help="training images held out to choose the recipe and the epochs")
    parser.add_argument("--max-epochs", type=int, default=4)
    parser.add_argument("--stop-at", type=float, default=0.98,
                        help="stop once the validation accuracy reaches this")
    parser.add_argument("--patience", type=int, default=2,
                        help="stop after this many epochs without a better validation accuracy")
    parser.add_argument("--batch-size", type=int, default=400)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--decay", type=float, default=1e-3,
                        help="Adam's learning rate at step t is lr / (1 + decay * t)")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None,
                        help="use the first LIMIT training images only (for trying settings)")
    parser.add_argument("--search", action="store_true",
                        help="rank the CANDIDATES recipes on the validation part instead")
    parser.add_argument("--search-epochs", type=int, default=2)
    parser.add_argument("--show-test", action="store_true",
                        help="also print the test accuracy after each epoch (information only)")
    chosen = parser.parse_args(argv)
    try:
        chosen.workers = [int(w) for w in chosen.workers.split(",")]
    except ValueError:
        parser.error(f"--workers must be comma-separated whole numbers, got {chosen.workers!r}")
    if (chosen.max_epochs < 1 or chosen.batch_size < 1 or min(chosen.workers) < 1
            or chosen.validation < 1 or chosen.patience < 1 or chosen.search_epochs < 1):
        parser.error("--max-epochs, --batch-size, --validation, --patience, --search-epochs and "
                     "every --workers value must be at least 1")
    return chosen


def has_files(directory):
    return all(any(os.path.isfile(os.path.join(directory, name + suffix)) for suffix in ("", ".gz"))
               for pair in MNIST_FILES.values() for name in pair)


def load_average():
    """The 1-minute load average (NaN where the system has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _process_cpu(pid):
    """CPU seconds (user + system) of a running process, from /proc (Linux); 0.0 elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds():
    """CPU seconds so far of this process, its finished children, and its running
    children (the worker processes of a fit in progress)."""
    import multiprocessing
    times = os.times()
    running = sum(_process_cpu(p.pid) for p in multiprocessing.active_children())
    return times.user + times.system + times.children_user + times.children_system + running


def split_validation(images, labels, size, seed):
    """(train images, train labels, validation images, validation labels): ``size``
    images drawn at random (seeded) from the training set are held out."""
    if not 0 < size < len(images):
        raise ValueError(f"--validation must be between 1 and {len(images) - 1}, got {size}")
    order = list(range(len(images)))
    random.Random(f"barenn-mnist-validation:{seed}").shuffle(order)
    held, kept = sorted(order[:size]), sorted(order[size:])
    return (images.select(kept), [labels[i] for i in kept],
            images.select(held), [labels[i] for i in held])


def build(recipe, pixels, hidden, seed):
    """The 784-hidden-10 network (the recipe's width if it names one, else ``hidden``)."""
    hidden = recipe.hidden or hidden
    return Network([Dense(pixels, hidden, init="he", seed=seed), ReLU(),
                    Dense(hidden, 10, init="he", seed=seed + 1), Softmax()],
                   loss=CategoricalCrossEntropy(),
                   optimizer=Adam(learning_rate=recipe.learning_rate, decay=recipe.decay))


def accuracy(network, images, labels, chunk=1000):
    """The share of ``images`` the network classifies right (fast-tier forward, in chunks)."""
    hits = 0
    for start in range(0, len(labels), chunk):
        rows = take_rows(images, range(start, min(start + chunk, len(labels))))
        output = fast_forward(network, rows)
        hits += network.count_correct(output, network.accuracy_targets(labels[start:start + chunk]))[0]
    return hits / len(labels)


class _Stop(Exception):
    """Raised by on_epoch to end the one fit call early (fit stops its workers)."""


def _snapshot(network):
    return [([r[:] for r in layer.weights], [r[:] for r in layer.biases])
            for layer in network.trainable_layers()]


def _restore(network, snapshot):
    for layer, (weights, biases) in zip(network.trainable_layers(), snapshot):
        layer.weights, layer.biases = weights, biases


def train_on_validation(network, recipe, train, validation, workers, max_epochs, stop_at=None,
                        patience=None, seed=1, on_row=None):
    """Train ``network`` in one ``fit`` call; choose the number of epochs on ``validation``.

    train, validation: (images, labels) pairs; nothing else is read. After each
    epoch the validation accuracy is measured (by the workers, with the data they
    already hold); the weights of the best epoch so far are kept. Training stops
    when the validation accuracy reaches ``stop_at``, or after ``patience`` epochs
    without a better one, or after ``max_epochs``; the network is left with the
    best epoch's weights. ``on_row(row)`` gets a dict per epoch. Returns
    (best epoch (1-based), its validation accuracy, the rows).
    """
    rows, best = [], {"accuracy": -1.0, "epoch": 0, "weights": None}
    started = [time.perf_counter(), cpu_seconds()]

    def on_epoch(epoch, history):
        now, cpu = time.perf_counter(), cpu_seconds()
        row = {"epoch": epoch + 1, "wall": now - started[0], "cpu": cpu - started[1],
               "loss": history.loss[-1], "validation": history.val_accuracy[-1]}
        rows.append(row)
        if row["validation"] > best["accuracy"]:
            best.update(accuracy=row["validation"], epoch=row["epoch"], weights=_snapshot(network))
        if on_row is not None:
            on_row(row)
        started[:] = [time.perf_counter(), cpu_seconds()]  # on_row's own time is not the epoch's
        if stop_at is not None and row["validation"] >= stop_at:
            raise _Stop
        if patience is not None and row["epoch"] - best["epoch"] >= patience:
            raise _Stop

    try:
        network.fit(*train, epochs=max_epochs, batch_size=recipe.batch_size,
                    validation=validation, seed=seed, verbose=0, workers=workers,
                    on_epoch=on_epoch)
    except _Stop:
        pass
    _restore(network, best["weights"])
    return best["epoch"], best["accuracy"], rows


def choose_recipe(candidates, train, validation, workers, epochs, pixels, hidden=128, seed=1,
                  report=print):
    """The candidate recipe with the best validation accuracy within ``epochs``
    epochs (ties: the earlier one in the list). Reads ``train`` and ``validation``
    only. Returns (recipe, [(recipe, best epoch, validation accuracy), ...])."""
    results = []
    for recipe in candidates:
        network = build(recipe, pixels, hidden, seed)
        started = cpu_seconds()
        epoch, val, rows = train_on_validation(network, recipe, train, validation, workers, epochs,
                                               seed=seed)
        results.append((recipe, epoch, val))
        by_epoch = " ".join(f"{row['validation']:.4f}" for row in rows)
        report(f"  batch {recipe.batch_size:>4}  lr {recipe.learning_rate:<6g} decay "
               f"{recipe.decay:<6g} hidden {recipe.hidden or hidden:>4}  validation accuracy by "
               f"epoch {by_epoch}; best {val:.4f} (epoch {epoch}); "
               f"{cpu_seconds() - started:.0f} CPU s")
    chosen = max(results, key=lambda r: r[2])[0]  # max keeps the first of equals
    return chosen, results


def header(chosen, recipe):
    print(f"Python {platform.python_version()} ({sys.executable}); "
          f"math.sumprod: {'yes' if hasattr(math, 'sumprod') else 'no (3.11 or older)'}")
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, "
          f"load average at start {load_average():.2f}")
    print(f"network 784-{chosen.hidden}-10 (He init, ReLU, softmax + cross-entropy), Adam "
          f"lr={recipe.learning_rate:g} decay={recipe.decay:g}, batch {recipe.batch_size}, "
          f"seed {chosen.seed}")


def run(chosen, recipe, workers):
    began = time.perf_counter()
    cpu_began = cpu_seconds()
    images, labels = load_mnist(chosen.data, "train", chosen.limit)
    test_images, test_labels = load_mnist(chosen.data, "test")
    X, y, X_val, y_val = split_validation(images, labels, chosen.validation, chosen.seed)
    loaded = time.perf_counter() - began
    network = build(recipe, images.pixels, chosen.hidden, chosen.seed)
    print()
    print(f"workers = {workers}: training on {len(X)} images, validation {len(X_val)} "
          f"(held out of the {len(images)} training images), test {len(test_images)} "
          f"(read and split in {loaded:.1f} s)")
    print(f"stop: validation accuracy >= {chosen.stop_at}, or {chosen.patience} epochs without "
          f"a better one, or {chosen.max_epochs} epochs; keep the best validation epoch")
    test_column = "  test (info)" if chosen.show_test else ""
    print(f"{'epoch':>5}  {'wall':>7}  {'epoch s':>7}  {'cpu s':>7}  {'loss':>7}  "
          f"{'val acc':>7}{test_column}")

    def on_row(row):
        extra = f"  {accuracy(network, test_images, test_labels):>11.4f}" if chosen.show_test else ""
        print(f"{row['epoch']:>5}  {time.perf_counter() - began:>7.1f}  {row['wall']:>7.1f}  "
              f"{row['cpu']:>7.1f}  {row['loss']:>7.4f}  {row['validation']:>7.4f}{extra}",
              flush=True)

    epoch, val, rows = train_on_validation(network, recipe, (X, y), (X_val, y_val), workers,
                                           chosen.max_epochs, chosen.stop_at, chosen.patience,
                                           chosen.seed, on_row)
    # The recipe and the epoch are chosen: now, and only now, the test set.
    test = accuracy(network, test_images, test_labels)
    total = time.perf_counter() - began
    cpu = cpu_seconds() - cpu_began
    epochs = len(rows)
    print(f"chosen on validation: epoch {epoch} of {epochs} (validation accuracy {val:.4f}); "
          f"{sum(r['wall'] for r in rows) / epochs:.1f} s wall, "
          f"{sum(r['cpu'] for r in rows) / epochs:.1f} CPU s per epoch; "
          f"load average now {load_average():.2f}")
    print(f"TEST accuracy {test:.4f} (10,000 official test images, scored once), "
          f"total wall time {total:.1f} s ({total / 60:.2f} min), CPU {cpu:.1f} s")
    return test, total


def main(argv=None):
    chosen = options(argv)
    if not has_files(chosen.data):
        print(f"benchmarks/mnist.py: skipped: no MNIST files in {os.path.abspath(chosen.data)} "
              "(give --data DIR; barenn.realdata.download_mnist fetches them)")
        return 0
    recipe = Recipe(chosen.batch_size, chosen.learning_rate, chosen.decay)
    if chosen.search:
        header(chosen, recipe)
        images, labels = load_mnist(chosen.data, "train", chosen.limit)
        X, y, X_val, y_val = split_validation(images, labels, chosen.validation, chosen.seed)
        print(f"--search: {len(CANDIDATES)} recipes, {chosen.search_epochs} epoch(s) each on "
              f"{len(X)} images, ranked on {len(X_val)} validation images "
              f"({chosen.workers[0]} worker(s)); the test files are not read")
        best, _ = choose_recipe(CANDIDATES, (X, y), (X_val, y_val), chosen.workers[0],
                                chosen.search_epochs, images.pixels, chosen.hidden, chosen.seed)
        print(f"chosen: --batch-size {best.batch_size} --learning-rate {best.learning_rate:g} "
              f"--decay {best.decay:g} --hidden {best.hidden or chosen.hidden}")
        return 0
    header(chosen, recipe)
    for workers in chosen.workers:
        run(chosen, recipe, workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
