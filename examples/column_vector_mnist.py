"""MNIST with the column-vector network of write-up 001, run on barenn.

The author's network: 784 -> 64 -> 32 -> 10, sigmoid on both hidden layers, softmax
output, cross-entropy; weights and biases uniform on [-1, 1); plain gradient
descent with learning rate 0.001 on each batch of 200 images, whose per-image
gradients are *added up* before the step; 4 epochs over the 60,000 training images
in file order; pixels divided by 255. The author reports (printed below beside ours):

    Epoch 1, current loss: 289370.97397839575      (total loss before epoch 1)
    Epoch 2, current loss: 30748.213928195135
    Epoch 3, current loss: 27350.06052039953
    Epoch 4, current loss: 26453.471591585298
    Final loss: 26031.953678489383
    train 52384 / 60000 = 87.31 %, test 8746 / 10000 = 87.46 %

Every conversion from the author's code to barenn, and why the math is the same:

1. Column vectors -> rows. The author computes ``a = sigmoid(W @ x + b)`` with x a
   784 x 1 column and W a (neurons x inputs) matrix. barenn puts a sample in a row:
   ``a = sigmoid(x @ weights + biases)`` with weights (inputs x neurons). The two
   are transposes of each other, ``weights = W.T``, and every product is the same
   sum of the same terms. The init function below draws W in the author's shape and
   order, then hands barenn its transpose.
2. Uniform init by hand. ``np.random.uniform(-1, 1, size=(out, in))`` for every
   weight matrix, then the same for every bias column: ``Dense(init=function)``
   draws the weights (``init=("uniform", 1)`` would too, but in barenn's row order),
   and the biases are set right after, drawn in the author's order (all weights of
   all layers first, then all biases). The author seeds nothing, so no run can
   repeat his numbers; we draw from ``barenn.rng.NumpyLegacy(--seed)``, the stream
   numpy would give after ``np.random.seed(--seed)``.
3. Summed gradients. The author adds each image's gradient to an accumulator and
   steps with ``lr * sum`` every 200 images. barenn's losses average over the
   batch by default; ``CategoricalCrossEntropy(reduction="sum")`` adds instead, so
   ``SGD(learning_rate=0.001)`` makes the author's very step. (Equivalently: the
   default mean with learning rate 0.001 * 200 = 0.2. Keeping the mean *and* 0.001
   is a 200 times smaller step, which is why a literal port stays far behind.)
4. The softmax Jacobian. The author multiplies dL/dŷ = -y/ŷ by the full softmax
   Jacobian diag(ŷ) - ŷŷᵀ. ``Network(..., fuse=False)`` does the same two steps
   (``CategoricalCrossEntropy.backward`` then ``Softmax.backward``); barenn's fused
   shortcut (ŷ - y) gives the same numbers up to rounding (lesson 03).
5. Batches in file order: ``fit(..., batch_size=200, shuffle=False)``. 60,000 is
   300 batches of 200 exactly, so no partial batch is left over.
6. The "current loss" the author prints is the cross-entropy *summed* over all
   60,000 training images, measured before each epoch; with reduction="sum",
   ``network.evaluate(images, labels)`` gives that sum directly. barenn clips
   probabilities to [1e-7, 1 - 1e-7] before the log; the author does not (his
   sigmoid overflows once, harmlessly).
7. Accuracy is scored on the official 10,000 t10k test images and on all 60,000
   training images, like the author's two loops.

Run from a clone (no install needed):

    python examples/column_vector_mnist.py [--data DIR] [--epochs 4] [--seed 0] [--quick]

--quick trains on the first 2,000 training images and tests on the first 500:
a smoke test of the wiring, not the author's figures.
"""

import argparse
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import Sigmoid, Softmax
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import SGD
from barenn.rng import NumpyLegacy

import _mnist

SIZES = [784, 64, 32, 10]
LEARNING_RATE = 0.001
BATCH_SIZE = 200
EPOCHS = 4
AUTHOR_LOSSES = [289370.97397839575, 30748.213928195135, 27350.06052039953,
                 26453.471591585298]
AUTHOR_FINAL_LOSS = 26031.953678489383
AUTHOR_TRAIN = (52384, 60000)
AUTHOR_TEST = (8746, 10000)
QUICK_TRAIN, QUICK_TEST = 2000, 500


def build(rng):
    """The author's network with the author's random numbers, in his order."""
    def column_vector_uniform(generator, n_inputs, n_neurons):
        # W has the author's shape (neurons x inputs), drawn row by row like numpy ...
        W = [[generator.uniform(-1.0, 1.0) for _ in range(n_inputs)] for _ in range(n_neurons)]
        return [list(column) for column in zip(*W)]   # ... and barenn takes W.T

    layers = []
    for i in range(1, len(SIZES)):
        layers.append(Dense(SIZES[i - 1], SIZES[i], init=column_vector_uniform, rng=rng))
        layers.append(Sigmoid() if i < len(SIZES) - 1 else Softmax())
    for dense in layers[::2]:   # then every bias column, np.random.uniform(-1, 1, (out, 1))
        dense.biases = [[rng.uniform(-1.0, 1.0) for _ in range(dense.n_neurons)]]
    return Network(layers, loss=CategoricalCrossEntropy(reduction="sum"),
                   optimizer=SGD(learning_rate=LEARNING_RATE), fuse=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(_mnist.DEFAULT),
                        help="folder with the four MNIST IDX files (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="default: %(default)s, the author's")
    parser.add_argument("--seed", type=int, default=0, help="numpy-style seed of the init (default 0)")
    parser.add_argument("--quick", action="store_true",
                        help=f"first {QUICK_TRAIN} training and {QUICK_TEST} test images only")
    args = parser.parse_args(argv)
    data = _mnist.read(args.data, *((QUICK_TRAIN, QUICK_TEST) if args.quick else (None, None)))
    if data is None:
        return 0
    images, labels, test_images, test_labels = data
    print(f"{len(images)} training images, {len(test_images)} test images (t10k)"
          + (" -- --quick: a smoke test, not the author's figures" if args.quick else ""))

    network = build(NumpyLegacy(args.seed))
    print(network.summary())
    started = time.perf_counter()
    print(f"\n{'':22}{'author':>20}  {'barenn':>20}")
    for epoch in range(args.epochs):
        total = network.evaluate(images, labels).loss   # a sum: reduction="sum"
        author = f"{AUTHOR_LOSSES[epoch]:.2f}" if epoch < len(AUTHOR_LOSSES) else "-"
        print(f"Epoch {epoch + 1}, current loss: {author:>20}  {total:>20.2f}", flush=True)
        network.fit(images, labels, epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    final = network.evaluate(images, labels).loss
    print(f"Final loss:           {AUTHOR_FINAL_LOSS:>20.2f}  {final:>20.2f}")

    def score(x, y):
        right = sum(p == t for p, t in zip(network.predict_classes(x), y))
        return right, len(y)

    for name, (right, count), (a_right, a_count) in (
            ("train", score(images, labels), AUTHOR_TRAIN),
            ("test", score(test_images, test_labels), AUTHOR_TEST)):
        print(f"{name:5} accuracy: author {a_right} / {a_count} = {100 * a_right / a_count:.2f} %, "
              f"barenn {right} / {count} = {100 * right / count:.2f} %")
    print(f"({args.epochs} epochs, {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
