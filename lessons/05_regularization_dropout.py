"""Regularization and dropout: keeping a network from memorizing its training data.

A big enough network can learn its training points by heart, noise and all, and then
does worse on points it has not seen. We first compute an L1/L2 penalty and a
dropout mask by hand and check barenn's Dense and Dropout agree. Then one small
noisy data set is learned five times: plainly, with an L2 penalty, with dropout,
with both, and with noise added to the training points afresh every epoch (data
augmentation). Each network is scored on the points it trained on and on fresh
points from the same distribution; the table shows which of them narrow the gap
between the two, and the text says so only where the numbers do.

Run from the repository root:
    python lessons/05_regularization_dropout.py [--step] [--quick] [--out DIR]
"""

import os
import random
import sys
import textwrap
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
QUICK_EPOCHS = 150
CHUNK = 25           # the validation loss is measured every CHUNK epochs
L2 = 1e-3            # lambda of the L2 penalty, on weights and biases of both layers
DROPOUT = 0.2        # share of the hidden layer's outputs switched off in training
NOISE = 0.2          # standard deviation of the noise added to the training points

SETTINGS = [  # (name, L2, dropout rate, noise)
    ("no regularization", 0.0, 0.0, 0.0),
    ("L2", L2, 0.0, 0.0),
    ("dropout", 0.0, DROPOUT, 0.0),
    ("L2 + dropout", L2, DROPOUT, 0.0),
    ("noise", 0.0, 0.0, NOISE),
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
        L1 = lambda1 * sum(|w|) and L2 = lambda2 * sum(w^2). Its slope,
        lambda1 * sign(w) + 2 * lambda2 * w, is added to every weight's gradient,
        so each step also pulls the weights a little towards 0. Large weights
        are how a network bends its boundary sharply around single points.""")
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
    lesson.agree("the penalty by hand and regularization_loss", penalty,
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

    lesson.step("Five networks on one small, noisy data set")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    X, y = moons(30, noise=0.35, seed=1)
    X_val, y_val = moons(200, noise=0.35, seed=2)
    lesson.say(f"""
        Two interleaved half moons, very noisy: 60 training points (seed 1), and
        400 fresh validation points (seed 2) never trained on. Each network is
        2-64-2 with softmax, starts from the same weights and trains {epochs}
        epochs with Adam. They differ only in L2 = {L2} (weights and biases),
        dropout = {DROPOUT} after the hidden layer, or noise: every epoch each
        training point moves by a fresh N(0, {NOISE}) draw, so the network never
        sees the same point twice and cannot learn them one by one.""")
    rows = []
    for name, l2, rate, noise in SETTINGS:
        network = build(l2, rate)
        jitter = random.Random(7)
        val_losses = []
        while network.epochs_trained < epochs:
            if noise:  # data augmentation: new noisy copies of the points each epoch
                X_epoch = [[v + jitter.gauss(0.0, noise) for v in r] for r in X]
                network.fit(X_epoch, y, epochs=1, verbose=0)
            else:
                network.fit(X, y, epochs=1, verbose=0)
            if network.epochs_trained % CHUNK == 0:
                val_losses.append((network.epochs_trained,
                                   network.evaluate(X_val, y_val).loss))
        train = network.evaluate(X, y)
        val = network.evaluate(X_val, y_val)
        best_epoch, best = min(val_losses, key=lambda pair: pair[1])
        rows.append((name, train, val, best_epoch, best, val_losses))
    print(f"(validation loss measured every {CHUNK} epochs; curves in the picture)")

    lesson.step("Training against validation")
    lesson.say("""
        Both sets scored in inference mode (no dropout) after the last update;
        the losses are the data loss alone, without the penalty. "best val" is
        the lowest validation loss met, "at" its epoch.""")
    header = (f"{'':<17} {'train acc':>9} {'val acc':>7} {'gap':>6} {'train loss':>10} "
              f"{'val loss':>8} {'best val':>8} {'at':>4}")
    print(header)
    print("-" * len(header))
    for name, train, val, best_epoch, best, _ in rows:
        print(f"{name:<17} {train.accuracy:>9.3f} {val.accuracy:>7.3f} "
              f"{train.accuracy - val.accuracy:>6.3f} {train.loss:>10.3f} {val.loss:>8.3f} "
              f"{best:>8.3f} {best_epoch:>4}")
    path = os.path.join(lesson.out, PICTURE)
    line_chart_svg({name: curve for name, *_, curve in rows}, path=path,
                   title="Moons, 60 training points: validation loss",
                   x_label="epochs trained", y_label="validation loss")
    lesson.wrote(path)

    plain = rows[0]
    plain_gap = round(plain[1].accuracy - plain[2].accuracy, 3)
    lower_train = all(train.accuracy < plain[1].accuracy for _, train, *_ in rows[1:])
    narrowed = [name for name, train, val, *_ in rows[1:]
                if round(train.accuracy - val.accuracy, 3) < plain_gap]
    lesson.tell(f"""
        The penalty keeps the weights small and the boundary smooth; dropout
        keeps any neuron from relying on another; noise blurs the points so
        there is nothing exact to memorize.
        {"Each gives up some training accuracy for it." if lower_train else ""}""")


    lesson.step("What the table says")
    lesson.tell(f"""
        Without regularization: training accuracy {plain[1].accuracy:.3f}, validation
        {plain[2].accuracy:.3f}, a gap of {plain_gap:.3f}. Its validation loss was
        lowest at epoch {plain[3]} ({plain[4]:.3f}) and ended at {plain[2].loss:.3f}
        {"after rising again: the sign that it has begun to memorize" if
         plain[2].loss > plain[4] else "(still falling: no memorizing yet)"}.""")
    for name, train, val, _, _, _ in rows[1:]:
        gap = round(train.accuracy - val.accuracy, 3)
        verdict = ("narrows" if gap < plain_gap else "widens" if gap > plain_gap
                   else "leaves")
        print(textwrap.fill(
            f"- {name} {verdict} the gap ({gap:.3f}), validation loss {val.loss:.3f} "
            f"({'lower' if round(val.loss, 3) < round(plain[2].loss, 3) else 'not lower'}"
            f" than without)", width=78, subsequent_indent="  "))
    lesson.recap(f"""
        - L1/L2 add lambda * sum(|w|) or lambda * sum(w^2) to the loss and its
          slope to dweights (barenn/layers.py: Dense, regularization_loss)
        - dropout zeroes a random share of values while training and scales
          the rest (barenn/layers.py: Dropout)
        - on fresh points, {len(narrowed)} of the {len(rows) - 1} narrow the gap""",
                 "lesson 06: the walkthrough's whole spiral classifier, trained end "
                 "to end by Network.fit.")

if __name__ == "__main__":
    main()
