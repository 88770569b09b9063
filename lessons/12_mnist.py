"""MNIST in pure Python: 60,000 handwritten digits of 28x28 pixels, and how to be quick.

MNIST is the classic benchmark: 60,000 training and 10,000 test images of
handwritten digits, 784 pixels each. A 784-128-10 network has 101,770 numbers to
learn, and one epoch multiplies pixels by weights billions of times. Done naively
in pure Python that takes about an hour an epoch; this lesson shows the tricks
that bring it down to minutes:

* most pixels are 0 (background), and 0 times a weight adds nothing, so the
  products skip them (for the forward pass and for the weight gradient);
* the first layer's dinputs (the gradient with respect to the pixels) is never
  used, so it is not computed;
* images stay bytes until a batch needs floats;
* with ``workers=2`` two processes share every batch (two cores, twice the work).

It also shows how to choose honestly: 5,000 of the training images are held out
as a validation set, which alone decides when to stop; the 10,000 official test
images are scored once, at the end.

The files are not part of barenn. The lesson reads them from ``--data DIR``, or
the directory in the BARENN_MNIST environment variable, or ../shared/datasets/mnist
next to the repository when that exists; without them it says how to get them.

Run from the repository root:
    python lessons/12_mnist.py [--step] [--quick] [--data DIR] [--epochs N] [--workers N]
"""

import argparse
import math
import os
import random
import sys
import time
from operator import itemgetter, mul
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU, Softmax
from barenn.datasets import load_mnist
from barenn.layers import Dense
from barenn.lesson import Lesson
from barenn.losses import CategoricalCrossEntropy
from barenn.fast import dot as fast_dot
from barenn.fast import dot_transposed
from barenn.fast import forward as fast_forward
from barenn.matrix import dot, transpose
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import terminal_digit
from barenn.realdata import MNIST_FILES

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "mnist"
FULL_EPOCHS = 8       # at most; the validation set decides when to stop
VALIDATION = 5000     # training images held out to decide (--quick: a fifth of them)
STOP_AT = 0.98        # stop once the validation accuracy reaches this ...
PATIENCE = 2          # ... or after this many epochs without a better one
QUICK_TRAIN, QUICK_TEST = 1000, 300   # --quick: the first images only, one epoch
BATCH_SIZE = 400
QUICK_BATCH_SIZE = 50  # --quick: more, smaller updates on its few images
LEARNING_RATE = 0.01
DECAY = 5e-3
HIDDEN = 128

# The fastest plain reduction over two rows: math.sumprod (Python 3.12+), else
# sum(map(mul, ...)). Both run in C, with no Python step per element.
if hasattr(math, "sumprod"):
    def row_times_column(row, col):
        return math.sumprod(row, col)
else:
    def row_times_column(row, col):
        return sum(map(mul, row, col))


class EnoughEpochs(Exception):
    """Raised after an epoch to end training early: the validation set has spoken."""


def at_least_one(text):
    """A whole number >= 1, for --epochs and --workers."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def mnist_options(parser):
    parser.add_argument("--data", metavar="DIR",
                        help="directory with the four MNIST files (default: $BARENN_MNIST, "
                             "then ../shared/datasets/mnist)")
    parser.add_argument("--epochs", type=at_least_one, default=None,
                        help=f"at most this many epochs over the training set (default "
                             f"{FULL_EPOCHS}; --quick: 1); the validation set may stop sooner")
    parser.add_argument("--workers", type=at_least_one, default=None,
                        help="processes that share each batch (default: 2 when the machine has "
                             "2 or more cores; --quick: 1)")


def find_data(given):
    """The directory to read: --data, else $BARENN_MNIST, else ../shared/datasets/mnist."""
    if given:
        return given, "--data"
    if os.environ.get("BARENN_MNIST"):
        return os.environ["BARENN_MNIST"], "BARENN_MNIST"
    return str(SHARED), "the default place next to the repository"


def has_mnist(directory):
    names = [name for pair in MNIST_FILES.values() for name in pair]
    return all(os.path.isfile(os.path.join(directory, name))
               or os.path.isfile(os.path.join(directory, name + ".gz")) for name in names)


def explain_missing(directory, how):
    names = [name + ".gz" for pair in MNIST_FILES.values() for name in pair]
    print(f"No MNIST files in {os.path.abspath(directory)} ({how}).")
    print()
    print("This lesson needs the four MNIST files (about 11 MB, gzip-compressed):")
    for name in names:
        print(f"    {name}")
    print()
    print("Get them in one of two ways:")
    print("  1. let barenn download and verify them (needs a network connection):")
    print("         python -c \"from barenn.realdata import download_mnist; "
          "download_mnist('mnist', log=print)\"")
    print("  2. or copy them by hand into a directory (compressed or not).")
    print("Then run:  python lessons/12_mnist.py --data mnist")
    print("       or: BARENN_MNIST=mnist python lessons/12_mnist.py")


def dense_product(rows, columns):
    """Every row against every column, zeros and all: rows x columns numbers."""
    return [[row_times_column(r, c) for c in columns] for r in rows]


def sparse_product(rows, columns):
    """The same product from each row's non-zero entries only.

    itemgetter(*where) picks the entries at ``where`` out of any sequence, in C, so
    each reduction runs over the non-zero pixels alone.
    """
    out = []
    for r in rows:
        where = [i for i, v in enumerate(r) if v != 0.0]
        if len(where) < 2:  # itemgetter of one index gives a value, not a tuple
            out.append([row_times_column(r, c) for c in columns])
            continue
        pick = itemgetter(*where)
        values = pick(r)
        out.append([row_times_column(values, pick(c)) for c in columns])
    return out


def digit_picture(image, side=28):
    """terminal_digit at half size (each 2x2 block of pixels averaged, so a 28x28
    image takes 28 columns), without the blank rows above and below the ink."""
    half = side // 2
    small = [sum(image[(2 * r + dr) * side + 2 * c + dc] for dr in (0, 1) for dc in (0, 1)) / 4
             for r in range(half) for c in range(half)]
    lines = terminal_digit(small, side=half).split("\n")
    inked = [i for i, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[inked[0]:inked[-1] + 1]) if inked else "(blank)"


def side_by_side(blocks, gap="    "):
    """Several multi-line text blocks printed next to each other."""
    split = [b.split("\n") for b in blocks]
    widths = [max(len(line) for line in lines) for lines in split]
    return "\n".join(gap.join((lines[i] if i < len(lines) else "").ljust(w)
                              for lines, w in zip(split, widths)).rstrip()
                     for i in range(max(len(lines) for lines in split)))


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def largest_difference(a, b):
    return max(abs(u - v) for ra, rb in zip(a, b) for u, v in zip(ra, rb))


def main(argv=None):
    lesson_began = time.perf_counter()
    lesson = Lesson("Lesson 12: MNIST in pure Python", argv, options=mnist_options)
    chosen = lesson.args
    directory, how = find_data(chosen.data)
    if not has_mnist(directory):
        explain_missing(directory, how)
        return 0

    lesson.step("Reading the files: images stay bytes")
    limit_train = QUICK_TRAIN if lesson.quick else None
    limit_test = QUICK_TEST if lesson.quick else None
    try:
        (images, labels), seconds = timed(load_mnist, directory, "train", limit_train)
        test_images, test_labels = load_mnist(directory, "test", limit_test)
    except (OSError, ValueError) as error:
        print(f"cannot read MNIST from {os.path.abspath(directory)}: {error}")
        return 1
    print(f"read {len(images)} training and {len(test_images)} test images, "
          f"{images.rows}x{images.cols} pixels, in {seconds:.1f} s")
    source = os.path.abspath(directory)
    print(f"from {source}" if len(source) < 74 else f"from\n  {source}")
    if lesson.quick:
        print("(--quick: the first images of each set only)")
    floats_mb = len(images) * images.pixels * 8 / 1e6
    print(f"the training pixels take {images.nbytes / 1e6:.1f} MB as bytes; as lists of "
          f"floats at least {floats_mb:.0f} MB")
    print("(8 bytes a list slot)")
    lesson.say("""
        So fit() is given the images themselves (an MnistImages): it asks for one
        batch at a time as floats, images.batch(indices), each pixel byte / 255.""")

    lesson.step("Most pixels are 0")
    zero_bytes = images.data.count(0)
    share = zero_bytes / images.nbytes
    print(f"{share:.1%} of all training pixels are exactly 0 (on average "
          f"{images.pixels * (1 - share):.0f} of {images.pixels} carry ink)")
    lesson.say(f"""
        A neuron's input is a sum of pixel x weight over all pixels; a 0 pixel adds
        nothing to it. Skipping the zeros leaves {1 - share:.0%} of the multiplications.""")
    print(f"the first training image, a {labels[0]} (drawn at half size):")
    print(digit_picture(images.row(0)))

    lesson.step("Skipping zeros: the same product, measured")
    batch_size = min(lesson.pick(200, 50), len(images))
    X = images.batch(range(batch_size))
    layer = Dense(images.pixels, HIDDEN, init="he", seed=1)
    columns = transpose(layer.weights)  # the 128 weight columns, each 784 long
    dense, dense_s = timed(dense_product, X, columns)
    sparse, sparse_s = timed(sparse_product, X, columns)
    reference, reference_s = timed(dot, X, layer.weights)
    library, library_s = timed(fast_dot, X, layer.weights)
    print(f"one batch of {batch_size} images times the {images.pixels}x{HIDDEN} weights:")
    print(f"  every pixel (dense):         {dense_s:7.3f} s")
    print(f"  non-zero pixels only:        {sparse_s:7.3f} s  "
          f"({dense_s / sparse_s:.1f}x faster)")
    print(f"  barenn.matrix.dot:           {reference_s:7.3f} s  (the reference: every pixel)")
    print(f"  barenn.fast.dot:             {library_s:7.3f} s  (picks the sparse form itself)")
    lesson.agree("the dense and the sparse products", dense, sparse, tol=1e-12)
    lesson.agree("the dense product and barenn.fast.dot", dense, library, tol=1e-12)
    lesson.say("""
        The backward pass has two more products of the same size. The weight
        gradient, dweights = inputsᵀ · dvalues, runs over the same pixels, so it
        skips the zeros too (each row of inputsᵀ is one pixel across the batch).
        The third, dinputs = dvalues · weightsᵀ, would tell how the loss changes
        with each pixel: no layer comes before the first one to use that, so the
        network asks the first Dense for no dinputs at all.""")
    dvalues = [[(i * 7 + j * 3) % 11 / 11 - 0.5 for j in range(HIDDEN)] for i in range(batch_size)]
    _, dweights_s = timed(dot, transpose(X), dvalues)
    _, dinputs_s = timed(dot_transposed, dvalues, layer.weights)
    print(f"  dweights (zeros skipped):    {dweights_s:7.3f} s")
    print(f"  dinputs (not computed):      {dinputs_s:7.3f} s saved per batch")

    epochs = chosen.epochs or lesson.pick(FULL_EPOCHS, 1)
    workers = chosen.workers or (1 if lesson.quick else min(2, os.cpu_count() or 1))
    lesson.step("Holding out a validation set: the test set decides nothing")
    held = lesson.pick(VALIDATION, len(images) // 5)
    order = list(range(len(images)))
    random.Random("barenn-mnist-validation:1").shuffle(order)  # benchmarks/mnist.py's split
    held_out, kept = sorted(order[:held]), sorted(order[held:])
    val_images, val_labels = images.select(held_out), [labels[i] for i in held_out]
    train_images, train_labels = images.select(kept), [labels[i] for i in kept]
    print(f"training on {len(train_images)} images; {len(val_images)} held out for validation")
    lesson.say(f"""
        Stopping when the TEST accuracy looks good would choose the recipe on the
        test set, and its figure would flatter us. So {len(val_images)} training
        images are held out: after each epoch they are measured, and they alone
        decide when to stop (at {STOP_AT:.0%}, or after {PATIENCE} epochs with no
        better figure, or after {epochs}); the best epoch's weights are kept. The
        test images are scored once, at the very end.""")

    lesson.step(f"Training 784-{HIDDEN}-10 (at most {epochs} epoch(s), {workers} worker(s))")
    network = Network([Dense(images.pixels, HIDDEN, init="he", seed=1), ReLU(),
                       Dense(HIDDEN, 10, init="he", seed=2), Softmax()],
                      loss=CategoricalCrossEntropy(),
                      optimizer=Adam(learning_rate=LEARNING_RATE, decay=DECAY))
    lesson.block(network.summary())
    batch_size = lesson.pick(BATCH_SIZE, QUICK_BATCH_SIZE)
    batches = -(-len(train_images) // batch_size)
    lesson.say(f"""
        Batches of {batch_size} ({batches} Adam updates an epoch, learning rate {LEARNING_RATE},
        decaying); large batches suit pure Python, as each update touches all
        {network.parameter_count():,} parameters.""")
    if workers > 1:
        lesson.say(f"""
            With {workers} workers each process takes 1/{workers} of every batch; the
            parent adds their gradients and takes the Adam step (barenn.fast.parallel).
            One fit() call trains every epoch, so the workers start once.""")
    print(f"{'epoch':>5}  {'loss':>7}  {'train acc':>9}  {'val acc':>7}  {'seconds':>7}")
    best = {"accuracy": -1.0, "epoch": 0, "weights": None}
    clock = [time.perf_counter()]

    def on_epoch(epoch, history):
        accuracy = history.val_accuracy[-1]
        print(f"{epoch + 1:>5}  {history.loss[-1]:>7.4f}  {history.accuracy[-1]:>9.4f}  "
              f"{accuracy:>7.4f}  {time.perf_counter() - clock[0]:>7.1f}", flush=True)
        clock[0] = time.perf_counter()
        if accuracy > best["accuracy"]:
            best.update(accuracy=accuracy, epoch=epoch + 1,
                        weights=[([r[:] for r in layer.weights], [r[:] for r in layer.biases])
                                 for layer in network.trainable_layers()])
        if accuracy >= STOP_AT or epoch + 1 - best["epoch"] >= PATIENCE:
            raise EnoughEpochs  # ends fit (and stops its workers); caught below

    try:
        network.fit(train_images, train_labels, epochs=epochs, batch_size=batch_size,
                    validation=(val_images, val_labels), seed=1,
                    verbose=0 if lesson.quick else 1, workers=workers, on_epoch=on_epoch)
    except EnoughEpochs:
        pass
    for layer, (weights, biases) in zip(network.trainable_layers(), best["weights"]):
        layer.weights, layer.biases = weights, biases
    print(f"chosen on validation: the weights after epoch {best['epoch']} "
          f"(validation accuracy {best['accuracy']:.4f})")
    lesson.step("The test set, scored once, and digits it gets wrong")
    # the fast tier's forward pass, a thousand images at a time (same answers as
    # network.predict_classes, sooner)
    predicted = []
    for start in range(0, len(test_images), 1000):
        rows = test_images.batch(range(start, min(start + 1000, len(test_images))))
        predicted += [max(range(10), key=row.__getitem__) for row in fast_forward(network, rows)]
    right = sum(p == t for p, t in zip(predicted, test_labels))
    print(f"test accuracy after {best['epoch']} epoch(s): {right / len(test_labels):.4f} "
          f"(scored once; {time.perf_counter() - lesson_began:.0f} s since the lesson began)")
    if lesson.quick:
        print("(--quick trains on a small part of the data; run without it for the real")
        print("figures)")
    wrong = [i for i, (t, p) in enumerate(zip(test_labels, predicted)) if t != p]
    if wrong:
        print(f"{len(wrong)} of {len(test_images)} test images misclassified; the first "
              f"{min(2, len(wrong))}:")
        print(side_by_side([f"image {i}: {predicted[i]} (true {test_labels[i]})\n"
                            + digit_picture(test_images.row(i)) for i in wrong[:2]]))
    else:
        print(f"0 of {len(test_images)} test images misclassified")

    lesson.recap("""
        - images stay bytes until a batch needs floats (barenn/realdata.py)
        - zeros skipped in the products, no dinputs for the first layer,
          batches shared by processes: barenn/fast (dot, training, parallel)
        - the reference tier (barenn/matrix.py, layers.py) gives the same
          numbers, up to rounding, slower""",
                 "lesson 13 (optional, it needs PyTorch) builds lesson 06's network "
                 "in PyTorch and checks every gradient against barenn's.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
