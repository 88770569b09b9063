"""MNIST with the layer-class network of write-up 003, run on barenn.

The author's network: 784 -> 128 -> ReLU -> 64 -> ReLU -> 10 -> Softmax, every
weight ``0.10 * np.random.randn(inputs, neurons)``, biases zero, categorical
cross-entropy, Adam with learning rate 0.001, trained on the *whole* training set
at once (one forward, one backward, one Adam step per epoch) in a loop
``for epoch in range(epochs + 1)``. The author reports (printed below beside ours):

    Final accuracy: 0.9777666666666667      (training set, last epoch's forward pass)
    Final loss: 0.07874550094797444
    Test Accuracy: 0.9691

Every conversion from the author's code to barenn, and why the math is the same:

1. Layers. The author's ``DenseLayer`` already uses barenn's convention (inputs x
   neurons weights, ``output = input @ weights + biases``, the same three backward
   lines), so ``Dense(784, 128)`` is his layer. His init ``0.10 * randn`` is
   ``Dense(..., init=("normal", 0.1))``; drawn from ``barenn.rng.NumpyLegacy(--seed)``
   in his order it equals what numpy gives after ``np.random.seed(--seed)`` (the
   author does not say which seed, if any, he used).
2. Softmax and cross-entropy. The author runs ``loss.backward`` and then the
   softmax's own backward (the Jacobian). barenn fuses the two into (ŷ - y)/n,
   which lesson 03 shows equal to the Jacobian path up to rounding.
3. Adam: ``Adam(learning_rate=0.001)``, with the walkthrough's defaults
   (beta_1 0.9, beta_2 0.999, epsilon 1e-7), which his ``Optimizer_Adam`` follows.
4. Full batch: ``fit(images, labels, epochs=E + 1)`` with no batch size is one step
   per epoch on all 60,000 images. fit's accuracy and loss for an epoch come from
   that epoch's forward pass before its update, which is what his last
   ``Final accuracy`` / ``Final loss`` lines print.
5. Data. The author reads a ``mnist.csv`` and splits it himself; we read the
   official IDX files: the 60,000 training images, and the 10,000 t10k images for
   the test (never a slice of the training set). Pixels are divided by 255 (his
   write-up does not show his scaling; this is the usual one).
6. Epochs. The write-up does not say how many epochs ran. The default here, 500,
   is our choice, not his: a full-batch Adam run at learning rate 0.001 needs
   hundreds of steps to reach figures like his. In pure Python a full-batch epoch
   over 60,000 images takes minutes, so the default run takes hours; ``--epochs``
   picks a shorter run.

Run from a clone (no install needed):

    python examples/layer_classes_mnist.py [--data DIR] [--epochs 500] [--every 10] [--seed 0] [--quick]

--quick trains 3 epochs on the first 2,000 training images and tests on the first
500: a smoke test of the wiring, not the author's figures.
"""

import argparse
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU, Softmax
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.rng import NumpyLegacy

import _mnist

EPOCHS = 500
LEARNING_RATE = 0.001
INIT = ("normal", 0.1)
AUTHOR_TRAIN_ACCURACY = 0.9777666666666667
AUTHOR_LOSS = 0.07874550094797444
AUTHOR_TEST_ACCURACY = 0.9691
QUICK_TRAIN, QUICK_TEST, QUICK_EPOCHS = 2000, 500, 3


def build(rng):
    """The author's three layers, their weights drawn in his order from ``rng``."""
    return Network([Dense(784, 128, init=INIT, rng=rng), ReLU(),
                    Dense(128, 64, init=INIT, rng=rng), ReLU(),
                    Dense(64, 10, init=INIT, rng=rng), Softmax()],
                   loss=CategoricalCrossEntropy(), optimizer=Adam(learning_rate=LEARNING_RATE))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(_mnist.DEFAULT),
                        help="folder with the four MNIST IDX files (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"the author's `epochs` (his loop runs epochs + 1 steps; default {EPOCHS})")
    parser.add_argument("--every", type=int, default=10, help="print every this many epochs")
    parser.add_argument("--seed", type=int, default=0, help="numpy-style seed of the init (default 0)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_EPOCHS} epochs on the first {QUICK_TRAIN} training and "
                             f"{QUICK_TEST} test images")
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (QUICK_EPOCHS if args.quick else EPOCHS)
    data = _mnist.read(args.data, *((QUICK_TRAIN, QUICK_TEST) if args.quick else (None, None)))
    if data is None:
        return 0
    images, labels, test_images, test_labels = data
    print(f"{len(images)} training images, {len(test_images)} test images (t10k), "
          f"full batch, {epochs + 1} Adam steps"
          + (" -- --quick: a smoke test, not the author's figures" if args.quick else ""))
    network = build(NumpyLegacy(args.seed))
    print(network.summary())
    started = time.perf_counter()

    def report(epoch, history):
        if epoch % args.every == 0 or epoch == epochs:
            print(f"Epoch: {epoch}, Loss: {history.loss[-1]}, Accuracy: {history.accuracy[-1]}  "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)

    history = network.fit(images, labels, epochs=epochs + 1, verbose=0, on_epoch=report)
    predicted = network.predict_classes(test_images, batch_size=1000)
    test_accuracy = sum(p == t for p, t in zip(predicted, test_labels)) / len(test_labels)
    print(f"\n{'':16}{'author':>20}  {'barenn':>20}")
    print(f"{'Final accuracy:':16}{AUTHOR_TRAIN_ACCURACY:>20.4f}  {history.accuracy[-1]:>20.4f}")
    print(f"{'Final loss:':16}{AUTHOR_LOSS:>20.4f}  {history.loss[-1]:>20.4f}")
    print(f"{'Test Accuracy:':16}{AUTHOR_TEST_ACCURACY:>20.4f}  {test_accuracy:>20.4f}")
    print(f"({epochs + 1} full-batch steps on {len(images)} images, "
          f"{time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
