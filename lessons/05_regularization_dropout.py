"""Regularization and dropout: keeping a network from memorizing its training data.

A big enough network can learn its training points by heart, noise and all, and then
does worse on points it has not seen. We first compute an L1/L2 penalty and a
dropout mask by hand and check barenn's Dense and Dropout agree. Then one small
noisy data set is learned four times, with and without an L2 penalty and dropout,
and each network is scored on the points it trained on and on fresh points from the
same distribution: the gap between the two is what regularization narrows.

Run from the repository root:
    python lessons/05_regularization_dropout.py [--step] [--quick] [--out DIR]
"""

import os
import random
import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU, Softmax
from barenn.datasets import moons
from barenn.layers import Dense, Dropout, regularization_loss
from barenn.lesson import Lesson, fmt
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import line_chart_svg

DEFAULT_OUT = "barenn-out"
PICTURE = "05_validation_loss.svg"

FULL_EPOCHS = 300
QUICK_EPOCHS = 25
CHUNK = 25           # the validation loss is measured every CHUNK epochs
L2 = 1e-3            # lambda of the L2 penalty, on weights and biases of both layers
DROPOUT = 0.2        # share of the hidden layer's outputs switched off in training

SETTINGS = [
    ("no regularization", 0.0, 0.0),
    ("L2", L2, 0.0),
    ("dropout", 0.0, DROPOUT),
    ("L2 + dropout", L2, DROPOUT),
]


def build(l2, rate):
    """2-64-2 with He-initialized weights; every run starts from the same weights."""
    layers = [Dense(2, 64, init="he", seed=3, weight_regularizer_l2=l2, bias_regularizer_l2=l2),
              ReLU()]
    if rate:
        layers.append(Dropout(rate, seed=4))
    layers += [Dense(64, 2, init="he", seed=5, weight_regularizer_l2=l2, bias_regularizer_l2=l2),
               Softmax()]
    return Network(layers, loss=CategoricalCrossEntropy(),
                   optimizer=Adam(learning_rate=0.02, decay=5e-5))


def main(argv=None):
    lesson = Lesson("Lesson 05: regularization and dropout", argv, out=DEFAULT_OUT)

    lesson.step("L1 and L2 penalties, by hand and by Dense")
    lesson.say("""
        Regularization adds a price for large weights to the loss:
        L1 = lambda1 * sum(|w|) and L2 = lambda2 * sum(w^2). Its slope, lambda1 * sign(w)
        + 2 * lambda2 * w, is added to every weight's gradient, so each step also pulls
        the weights a little towards 0. Large weights are how a network bends its
        boundary sharply around single points.""")
    w = [[0.5, -1.0], [2.0, 0.0]]
    l1, l2 = 0.01, 0.001
    lesson.show("weights", w)
    lesson.show("lambda1", l1)
    lesson.show("lambda2", l2)
    flat = [v for r in w for v in r]
    penalty = l1 * sum(abs(v) for v in flat) + l2 * sum(v * v for v in flat)
    print(f"penalty = {fmt(l1)} * {fmt(sum(abs(v) for v in flat))} + "
          f"{fmt(l2)} * {fmt(sum(v * v for v in flat))} = {fmt(penalty, 6)}")
    slope = [[l1 * ((v > 0) - (v < 0)) + 2 * l2 * v for v in r] for r in w]
    lesson.show("slope of the penalty", slope, digits=6)
    layer = Dense(2, 2, weight_regularizer_l1=l1, weight_regularizer_l2=l2)
    layer.weights = [list(r) for r in w]
    lesson.agree("the penalty by hand and regularization_loss(layer)", penalty,
                 regularization_loss(layer))
    layer.forward([[1.0, 1.0]])
    layer.backward([[0.0, 0.0]])  # no data gradient at all: only the penalty's slope is left
    lesson.agree("the slope by hand and Dense.backward's dweights", slope, layer.dweights)

    lesson.step("Dropout, by hand and by barenn")
    lesson.say("""
        While training, dropout switches off each value with probability rate and
        divides the survivors by 1 - rate, so the expected size of every value stays
        the same. Each step sees a different thinned network, so no neuron can rely on
        one particular other neuron. At inference nothing is dropped.""")
    rate = 0.2
    values = [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]]
    draws = random.Random(8)  # the same draws Dropout(rate, seed=8) will make
    mask = [[1 / (1 - rate) if draws.random() < 1 - rate else 0.0 for _ in r] for r in values]
    lesson.show("values", values)
    lesson.show("mask (0 or 1/(1 - rate) = 1.25)", mask)
    dropout = Dropout(rate, seed=8)
    dropped = dropout.forward(values)
    lesson.agree("the mask by hand and Dropout's", mask, dropout.mask)
    lesson.show("Dropout.forward(values) in training", dropped)
    lesson.agree("Dropout at inference and the values", values,
                 dropout.forward(values, training=False))
    kept = sum(1 for v in mask[0] if v)
    print(f"{kept} of {len(mask[0])} kept this time; on average {fmt(1 - rate)} of them are")

    lesson.step("Four networks on one small, noisy data set")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    X, y = moons(30, noise=0.35, seed=1)
    X_val, y_val = moons(200, noise=0.35, seed=2)
    lesson.say(f"""
        Two interleaved half moons with a lot of noise: only 60 training points (seed 1),
        and 400 fresh validation points from the same recipe (seed 2) that the networks
        never train on. Each network is 2-64-2 with softmax, starts from the same
        weights and trains {epochs} epochs with Adam; the settings differ only in
        L2 = {L2} (on weights and biases) and dropout = {DROPOUT} after the hidden layer.""")
    rows = []
    for name, l2, rate in SETTINGS:
        network = build(l2, rate)
        val_losses = []
        for _ in range(0, epochs, CHUNK):
            network.fit(X, y, epochs=min(CHUNK, epochs - network.epochs_trained), verbose=0)
            val_losses.append((network.epochs_trained, network.evaluate(X_val, y_val).loss))
        train = network.evaluate(X, y)
        val = network.evaluate(X_val, y_val)
        lowest_epoch, lowest = min(val_losses, key=lambda pair: pair[1])
        rows.append((name, train, val, lowest_epoch, lowest, val_losses))
        curve = ", ".join(f"{loss:.3f}" for _, loss in val_losses)
        print(f"{name}: validation loss every {CHUNK} epochs: {curve}")

    lesson.step("Training against validation")
    lesson.say("""
        Both sets are scored in inference mode (no dropout) after the last update; the
        losses are the data loss alone, without the penalty, so they compare.""")
    header = (f"{'':<18}  {'train acc':>9}  {'val acc':>7}  {'gap':>6}  {'train loss':>10}  "
              f"{'val loss':>8}  lowest val loss")
    print(header)
    print("-" * len(header))
    for name, train, val, lowest_epoch, lowest, _ in rows:
        print(f"{name:<18}  {train.accuracy:>9.3f}  {val.accuracy:>7.3f}  "
              f"{train.accuracy - val.accuracy:>6.3f}  {train.loss:>10.3f}  {val.loss:>8.3f}  "
              f"{lowest:.3f} after {lowest_epoch} epochs")
    plain = rows[0]
    print(f"gap without regularization: {plain[1].accuracy - plain[2].accuracy:.3f}; "
          + ", ".join(f"with {name}: {train.accuracy - val.accuracy:.3f}"
                      for name, train, val, _, _, _ in rows[1:]))
    if lesson.quick:
        lesson.say("""
            (--quick: too few epochs for the networks to start memorizing; run it
            without --quick to see the gap open up.)""")
    else:
        lesson.say("""
            Without regularization the network fits the training points best and the
            fresh points worst: its validation loss bottoms out early and then climbs
            while the training loss keeps falling, the sign of memorizing. The penalty
            keeps the weights small and the boundary smooth: a little worse on the
            training points, better on new ones, and the gap nearly closes. Dropout
            works in the same direction by a different route.""")
    path = os.path.join(lesson.out, PICTURE)
    line_chart_svg({name: curve for name, *_, curve in rows}, path=path,
                   title="Moons, 60 training points: validation loss",
                   x_label="epochs trained", y_label="validation loss")
    print(f"wrote {os.path.abspath(path)}")


if __name__ == "__main__":
    main()
