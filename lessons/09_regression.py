"""Regression: a deep ReLU network learns the curve sin(x)/x from noisy samples.

Not every network picks a class. A regression network outputs a number: here, for
an x in [-10, 10], its guess of sinc(x) = sin(x)/x, learned from 400 samples with
noise added. Several ReLU layers stacked need the right starting weights (He
initialization) or the signal fades away layer by layer; the output layer has no
activation at all (linear), and the loss is the mean squared error. Training goes
through shuffled mini-batches, and a validation set the network never trains on
tells whether it learns the curve or the noise. Why the first epoch's training loss
is ten times its validation loss is measured rather than guessed.

Run from the repository root:
    python lessons/09_regression.py [--step] [--quick] [--out DIR]
"""

import math
import os
import random
import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import Linear, ReLU
from barenn.datasets import sinc, train_test_split
from barenn.layers import Dense
from barenn.lesson import Lesson, fmt
from barenn.losses import MeanSquaredError
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import line_chart_svg

DEFAULT_OUT = "barenn-out"
PICTURE = "09_sinc_fit.svg"
FULL_EPOCHS = 60
QUICK_EPOCHS = 4
HIDDEN = [32, 32, 32]   # three hidden ReLU layers
BATCH_SIZE = 20         # as in the deep-regressor text
NOISE = 0.1


def spread(matrix):
    """Root mean square of all the values: how big the signal is."""
    values = [v for r in matrix for v in r]
    return math.sqrt(sum(v * v for v in values) / len(values))


def main(argv=None):
    lesson = Lesson("Lesson 09: regression with a deep ReLU network", argv, out=DEFAULT_OUT)

    lesson.step("Why deep ReLU networks need He initialization")
    lesson.tell("""
        Spread = root mean square. A Dense layer with k inputs adds up k
        products: its output's size grows
        with sqrt(k) times the weights' spread, and ReLU then halves the mean
        square. He initialization's standard deviation sqrt(2 / k) makes up for
        both, layer after layer; the walkthrough's 0.01 * N(0, 1), fine for one
        hidden layer, shrinks the signal at every layer.""")
    k = 32
    lesson.show(f"He's standard deviation for k = {k} inputs: sqrt(2 / {k})", math.sqrt(2 / k))
    draws = random.Random(0)
    inputs = [[draws.gauss(0.0, 1.0) for _ in range(k)] for _ in range(200)]
    print(f"200 samples of {k} features (spread {spread(inputs):.3f}) through ten "
          "Dense + ReLU layers:")
    print(f"{'layer':>5}  {'0.01 * N(0, 1)':>14}  {'He':>8}")
    small, he = inputs, inputs
    for i in range(1, 11):
        small = ReLU().forward(Dense(k, k, init="walkthrough", seed=i).forward(small))
        he = ReLU().forward(Dense(k, k, init="he", seed=i).forward(he))
        print(f"{i:>5}  {spread(small):>14.3g}  {spread(he):>8.3f}")
    lesson.say("""
        With 0.01 the spread falls about 25-fold per layer, to almost nothing
        (and the gradients with it); He keeps it near where it started.""")

    lesson.step("Noisy samples of sinc(x)")
    X, y = sinc(500, noise=NOISE, seed=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_fraction=0.2, seed=1)
    lesson.say(f"""
        500 points x evenly spread over [-10, 10], y = sin(x)/x plus noise with
        standard deviation {NOISE}. sinc(0) = 1: the curve does not pass through the
        origin, which a network can only reach thanks to its biases. A random fifth
        of the points is set aside for validation.""")
    print(f"{len(X_train)} training points, {len(X_val)} validation points")
    for (x,), (target,) in list(zip(X_train, y_train))[:3]:
        print(f"x = {x:7.3f}   sinc(x) = {math.sin(x) / x:7.4f}   noisy y = {target:7.4f}")

    lesson.step("The network")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    layers, width = [], 1
    for i, size in enumerate(HIDDEN):
        layers += [Dense(width, size, init="he", seed=10 + i), ReLU()]
        width = size
    layers += [Dense(width, 1, init="he", seed=10 + len(HIDDEN)), Linear()]
    network = Network(layers, loss=MeanSquaredError(),
                      optimizer=Adam(learning_rate=0.01, decay=1e-2))
    lesson.block(network.summary())

    lesson.step("Training on mini-batches")
    lesson.say(f"""
        Mini-batches of {BATCH_SIZE}: each epoch shuffles the training points and makes
        one Adam step per batch of {BATCH_SIZE}, {len(X_train) // BATCH_SIZE} steps an epoch.
        The deep-regressor text trains nine layers of 50 with plain SGD for 1000
        epochs; in pure Python we take a smaller stack and Adam, which gets there in
        far fewer epochs. After every epoch the validation loss is measured.""")
    untrained = network.evaluate(X_train, y_train).loss
    first = network.fit(X_train, y_train, epochs=1, batch_size=BATCH_SIZE,
                        validation=(X_val, y_val), seed=0, verbose=0)
    after_first = network.evaluate(X_train, y_train).loss
    rest = network.fit(X_train, y_train, epochs=epochs - 1, batch_size=BATCH_SIZE,
                       validation=(X_val, y_val), seed=0, verbose=0)
    train_losses, val_losses = first.loss + rest.loss, first.val_loss + rest.val_loss
    every = max(1, epochs // 6)
    print(f"{'epoch':>5}  {'train loss':>10}  {'validation loss':>15}")
    for epoch in range(epochs):
        if epoch % every == 0 or epoch == epochs - 1:
            print(f"{epoch:>5}  {train_losses[epoch]:>10.4f}  {val_losses[epoch]:>15.4f}")

    lesson.step("Why epoch 0's training loss is so much higher")
    lesson.say("""
        fit's training loss for an epoch is the mean of its batches' losses, each
        measured just before that batch's update; the validation loss is
        measured once, after the epoch's last update. In epoch 0 the weights
        change the most between those moments:""")
    print(f"training loss of the untrained network:     {untrained:.4f}")
    print(f"epoch 0's training loss, as fit reports it: {train_losses[0]:.4f}")
    print(f"training loss after epoch 0's updates:      {after_first:.4f}")
    print(f"validation loss after epoch 0's updates:    {val_losses[0]:.4f}")
    lesson.tell(f"""
        The untrained network is far off ({untrained:.4f}), and the first batches
        are measured with weights close to it, so they pull the epoch's mean up to
        {train_losses[0]:.4f}. Measured at the same moment as the validation loss,
        the training loss is {after_first:.4f} against {val_losses[0]:.4f}:
        {"close" if abs(after_first - val_losses[0]) < 0.5 * val_losses[0] else "still apart"}.
        Later epochs change the weights less, so the two kinds of figure differ
        less; the validation points are different points, so they can also end up
        a little above or below.""")

    lesson.step("How good is the fit?")
    train = network.evaluate(X_train, y_train)
    val = network.evaluate(X_val, y_val)
    lesson.show("train loss (MSE)", train.loss)
    lesson.show("validation loss (MSE)", val.loss)
    predictions = network.predict(X_val)
    by_hand = sum((p[0] - t[0]) ** 2 for p, t in zip(predictions, y_val)) / len(y_val)
    lesson.agree("the validation MSE by hand and evaluate()", by_hand, val.loss)
    lesson.say(f"""
        The noise alone costs about {NOISE}^2 = {fmt(NOISE ** 2)} in mean squared error:
        no network can predict the noise, so that is the floor. A validation loss near
        it means the curve is learned; a training loss far below it would mean the
        noise is being memorized.""")
    grid = [[-10 + 20 * i / 200] for i in range(201)]
    curve = network.predict(grid)
    truth = [math.sin(x) / x if x else 1.0 for (x,) in grid]
    off = math.sqrt(sum((c[0] - t) ** 2 for c, t in zip(curve, truth)) / len(grid))
    print(f"root mean square distance from the true sinc curve on [-10, 10]: {off:.4f}")
    path = os.path.join(lesson.out, PICTURE)
    points = []
    for (x,), (target,) in zip(X_train, y_train):
        points += [(x, target), (x, None)]  # a gap after each point: drawn as dots
    line_chart_svg({"training points": points,
                    "sin(x)/x": list(zip((x for (x,) in grid), truth)),
                    "network": list(zip((x for (x,) in grid), (c[0] for c in curve)))},
                   path=path, title=f"sinc(x) learned from noisy points, {epochs} epochs",
                   x_label="x", y_label="y")
    lesson.wrote(path)

    lesson.recap("""
        - deep ReLU stacks need He initialization (barenn/layers.py: Dense,
          init="he") or the signal fades layer by layer
        - a Linear output and the mean squared error (barenn/losses.py:
          MeanSquaredError) make a network that outputs numbers
        - fit's per-epoch training loss is an average over a moving network""",
                 "lesson 10: two classes, one sigmoid output and binary "
                 "cross-entropy.")


if __name__ == "__main__":
    main()
