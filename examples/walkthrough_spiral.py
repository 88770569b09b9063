"""The main walkthrough's spiral classifier (write-up 000), trained as its author did.

The author's network: 300 spiral points in 3 classes (``spiral_data(100, 3)`` after
``nnfs.init()``, i.e. ``np.random.seed(0)``), Dense(2, 64) -> ReLU -> Dense(64, 3)
-> Softmax, categorical cross-entropy, plain SGD with learning rate 1.0 (no decay,
no momentum) on the whole set at once, epochs 0 to 10,000. The write-up prints

    epoch: 0,loss: 1.099,accuracy: 0.360
    epoch: 10000,loss: 0.860,accuracy: 0.600

and so does this script, beside its own lines.

Every conversion from the author's code to barenn, and why the math is the same:

1. Random numbers. The author's data and weights come from numpy's legacy
   generator after ``np.random.seed(0)``. ``barenn.rng.NumpyLegacy(0)`` is that
   stream rebuilt with the standard library (same Mersenne Twister state, same
   polar-method Gaussians), so drawing in the author's order (the data, then
   Dense(2, 64), then Dense(64, 3), each weight ``0.01 * randn``, biases zero) gives
   the author's very numbers. That is why epoch 0 matches to every printed digit.
2. One epoch = one full-batch step: ``fit(X, y, epochs=10001)`` with no batch size.
   fit reports each epoch's loss and accuracy from that epoch's forward pass, before
   its update, which is where the author's loop prints them too.
3. Optimizer: ``SGD(learning_rate=1.0)``, the author's ``Optimizer_SGD()`` default.
4. Loss: ``CategoricalCrossEntropy()`` after ``Softmax()``; barenn fuses the two for
   the backward pass, (ŷ - y)/n, as the author's combined class does.
5. Precision: ``nnfs.init()`` makes numpy compute in float32 (about 7 significant
   digits); barenn computes in Python's float64. Epoch 0 is one forward pass and
   agrees to every printed digit. Epoch 10,000 does not, and cannot: at learning
   rate 1.0 this network's path through 10,000 full steps depends on the last bit
   of every sum. barenn itself shows it: on Python 3.11 (dot products summed with
   ``sum(map(mul, ...))``) it prints ``loss: 0.839,accuracy: 0.627``, on 3.12
   (``math.sumprod``, rounded differently in the last bit) ``loss: 0.779,accuracy:
   0.677``, both from the very same starting numbers. The author's float32 run is
   a third such path. The script prints both lines and says which differ.

Run from a clone (no install needed):

    python examples/walkthrough_spiral.py [--epochs 10000] [--every 1000] [--quick]

--quick stops at epoch 200 (epoch 0 is still the author's).
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
from barenn.datasets import spiral
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import SGD
from barenn.rng import NumpyLegacy

AUTHOR = {0: "epoch: 0,loss: 1.099,accuracy: 0.360",
          10000: "epoch: 10000,loss: 0.860,accuracy: 0.600"}
LAST_EPOCH = 10000
QUICK_LAST_EPOCH = 200


def line(epoch, loss, accuracy):
    """The author's print format, spaces and all."""
    return f"epoch: {epoch},loss: {loss:.3f},accuracy: {accuracy:.3f}"


def build():
    """The author's data and network, drawn from numpy's stream in the author's order."""
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    network = Network([Dense(2, 64, rng=rng), ReLU(), Dense(64, 3, rng=rng), Softmax()],
                      loss=CategoricalCrossEntropy(), optimizer=SGD(learning_rate=1.0))
    return network, X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"last epoch to print (default {LAST_EPOCH}, the author's)")
    parser.add_argument("--every", type=int, default=1000, help="print every this many epochs")
    parser.add_argument("--quick", action="store_true", help=f"stop at epoch {QUICK_LAST_EPOCH}")
    args = parser.parse_args(argv)
    last = args.epochs if args.epochs is not None else (QUICK_LAST_EPOCH if args.quick else LAST_EPOCH)

    network, X, y = build()
    print(f"{len(X)} spiral points, {network!r}")
    started = time.perf_counter()
    mine = {}

    def report(epoch, history):
        if epoch % args.every == 0 or epoch == last or epoch in AUTHOR:
            mine[epoch] = line(epoch, history.loss[-1], history.accuracy[-1])
            print(mine[epoch], flush=True)

    network.fit(X, y, epochs=last + 1, verbose=0, on_epoch=report)   # epochs 0 .. last
    seconds = time.perf_counter() - started
    print(f"({last + 1} epochs in {seconds:.1f} s)")
    print("\nthe author's lines beside ours:")
    for epoch, theirs in AUTHOR.items():
        if epoch not in mine:
            print(f"  author: {theirs}   (not reached: this run stops at epoch {last})")
            continue
        same = "same" if mine[epoch] == theirs else "differs"
        print(f"  author: {theirs}\n  barenn: {mine[epoch]}   ({same})")
        if same == "differs":
            print(f"  (same start, but {epoch} steps at learning rate 1.0 magnify rounding: the "
                  "author's numpy works in float32, barenn in float64, and even barenn on "
                  "Python 3.11 and 3.12, whose dot products round differently, ends at "
                  "different lines; see the docstring)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
