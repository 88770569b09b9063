"""The deep ReLU regressor of write-up 004, fitted to noisy sinc(x) as its author did.

The author's network: layer sizes [1, 50, 50, 50, 50, 50, 50, 50, 50, 50, 1] (nine
hidden ReLU layers of 50, a linear output), weights ``randn * sqrt(4 / (fan_in +
fan_out))``, biases zero; the backward pass starts from ``delta = y_hat - y``;
mini-batch SGD, batches of 20 drawn from a fresh shuffle every epoch, each step
``w -= lr * grad / batch_size`` with lr = 0.01, for 1,000 epochs; the loss of every
batch goes into a list (``training_loss.append(loss)``), as does a validation loss;
a line every 100 epochs. He fits 500 noisy samples of sinc(x). The write-up
publishes no loss figures, only that the fit "worked out quite well"; this script
prints its own losses and checks the fit against the noiseless curve.

Every conversion from the author's code to barenn, and why the math is the same:

1. Init. ``np.random.randn(k, m) * np.sqrt(4 / (k + m))`` is
   ``Dense(k, m, init="he_fan_avg")`` (σ = √(4 / (k + m)); the author calls it He
   initialization, but He's own σ is √(2 / k), barenn's "he").
2. The loss slope. The author's delta, y_hat - y, summed over the batch and then
   divided by the batch size, is the slope of the *half* squared error
   ½(y_hat - y)² averaged over the batch: ``MeanSquaredError(half=True)``. barenn's
   plain ``MeanSquaredError()`` has slope 2(y_hat - y)/n, twice as steep, so the
   author's literal learning rate 0.01 with it is a step twice his size (that is
   the port that blows up). With half=True, ``SGD(learning_rate=0.01)`` is his step.
3. The printed loss. The author prints ``np.mean((y_hat - y)**2)``, the full squared
   error, while training on its half; barenn's half loss is halved too, so this
   script doubles it back before printing (``2 * history.batch_loss``).
4. The per-batch record: ``fit(..., record_batches=True)`` fills
   ``history.batch_loss`` with each batch's loss before its update, his
   ``training_loss`` list.
5. Batches: ``fit(..., batch_size=20)`` shuffles every epoch (seeded, from
   ``--seed``); 500 samples are 25 batches of 20 exactly, so the author's dropping
   of a partial last batch never comes up.
6. Data. He says only "500 noisy samples of sinc(x)". barenn.datasets.sinc draws
   500 on [-10, 10] with noise 0.1 (barenn's choice, stated there); the
   validation set is 100 more from a different seed. His validation loss is
   measured per batch on matching slices; barenn's fit measures it on the whole
   validation set after each epoch.

Run from a clone (no install needed):

    python examples/deep_sinc_regressor.py [--epochs 1000] [--seed 0] [--quick]

--quick trains 20 epochs.
"""

import argparse
import math
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import Linear, ReLU
from barenn.datasets import sinc
from barenn.layers import Dense
from barenn.losses import MeanSquaredError
from barenn.network import Network
from barenn.optimizers import SGD
from barenn.rng import NumpyLegacy

LAYER_SIZES = [1, 50, 50, 50, 50, 50, 50, 50, 50, 50, 1]
LEARNING_RATE = 0.01
EPOCHS = 1000
BATCH_SIZE = 20
SAMPLES = 500
QUICK_EPOCHS = 20


def build(rng):
    layers = []
    for i in range(len(LAYER_SIZES) - 1):
        layers.append(Dense(LAYER_SIZES[i], LAYER_SIZES[i + 1], init="he_fan_avg", rng=rng))
        layers.append(ReLU() if i < len(LAYER_SIZES) - 2 else Linear())
    return Network(layers, loss=MeanSquaredError(half=True),
                   optimizer=SGD(learning_rate=LEARNING_RATE))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help=f"default {EPOCHS}, the author's")
    parser.add_argument("--seed", type=int, default=0, help="seed of the init, data and shuffles")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EPOCHS} epochs")
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (QUICK_EPOCHS if args.quick else EPOCHS)

    X, y = sinc(SAMPLES, seed=args.seed)
    X_val, y_val = sinc(100, seed=args.seed + 1)
    network = build(NumpyLegacy(args.seed))
    print(f"{len(X)} training and {len(X_val)} validation samples of noisy sinc(x); "
          f"{network.parameter_count():,} parameters; {epochs} epochs")
    started = time.perf_counter()
    batches = SAMPLES // BATCH_SIZE

    def report(epoch, history):
        if epoch % 100 == 0 or epoch == epochs - 1:
            last_batch = 2 * history.batch_loss[-1]   # the full squared error he prints
            print(f"Epoch {epoch}, Loss: {last_batch:.6f}   (validation {2 * history.val_loss[-1]:.6f}, "
                  f"{time.perf_counter() - started:.0f} s)", flush=True)

    history = network.fit(X, y, epochs=epochs, batch_size=BATCH_SIZE, validation=(X_val, y_val),
                          seed=args.seed, verbose=0, record_batches=True, on_epoch=report)
    assert len(history.batch_loss) == epochs * batches
    # How close is the fit to the curve itself (no noise)? 200 points on [-10, 10].
    grid = [[-10 + 20 * i / 199] for i in range(200)]
    truth = [math.sin(x[0]) / x[0] if x[0] else 1.0 for x in grid]
    fitted = [row[0] for row in network.predict(grid)]
    rmse = math.sqrt(sum((f - t) ** 2 for f, t in zip(fitted, truth)) / len(truth))
    first = sum(history.batch_loss[:batches]) * 2 / batches
    last = sum(history.batch_loss[-batches:]) * 2 / batches
    print(f"\nper-batch losses recorded: {len(history.batch_loss)} ({batches} a epoch)")
    print(f"mean squared error over the batches of the first epoch: {first:.4f}, of the last: {last:.4f}")
    print(f"validation mean squared error after the last epoch: {2 * history.val_loss[-1]:.4f} "
          f"(the noise alone gives about 0.1**2 = 0.0100)")
    print(f"distance from the noiseless sin(x)/x on [-10, 10]: RMSE {rmse:.4f}")
    print("the author publishes no figures for this run, only that the fit worked well")
    print(f"({epochs} epochs, {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
