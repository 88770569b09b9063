"""Optimizers: six ways to turn gradients into better weights, raced on one problem.

Backpropagation tells every weight which way is downhill; the optimizer decides how
far to step. We first work out each update rule on a single weight by hand and check
barenn's optimizers do the same. Then plain SGD, SGD with learning-rate decay, SGD
with decay and momentum, AdaGrad, RMSProp and Adam each train the walkthrough's
2-64-3 spiral network from the very same starting weights, and we compare where
they got: a table of the final loss and accuracy, and every loss curve on one chart.
Last, a learning rate too large: the loss grows every step until a weight leaves
the sane range, and barenn stops the training with TrainingDiverged.

Run from the repository root:
    python lessons/04_optimizers.py [--step] [--quick] [--out DIR]
"""

import math
import os
import sys
import textwrap
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import Linear, ReLU, Softmax
from barenn.datasets import spiral
from barenn.layers import Dense
from barenn.lesson import Lesson, fmt
from barenn.checks import LOSS_GROWTH_LIMIT, PARAMETER_LIMIT, TrainingDiverged
from barenn.losses import CategoricalCrossEntropy, MeanSquaredError
from barenn.matrix import copy
from barenn.network import Network
from barenn.optimizers import SGD, AdaGrad, Adam, RMSProp
from barenn.plot import line_chart_svg
from barenn.rng import NumpyLegacy

DEFAULT_OUT = "barenn-out"
PICTURE = "04_optimizer_losses.svg"
FULL_EPOCHS = 1000
QUICK_EPOCHS = 100

# (name in the table, how to make it). Each gets settings that suit it on this
# problem: SGD a large rate, the adaptive ones (which scale every step) small ones.
CONTENDERS = [
    ("SGD", lambda: SGD(learning_rate=1.0)),
    ("SGD + decay", lambda: SGD(learning_rate=1.0, decay=1e-3)),
    ("SGD + decay + momentum", lambda: SGD(learning_rate=1.0, decay=1e-3, momentum=0.9)),
    ("AdaGrad", lambda: AdaGrad(learning_rate=1.0, decay=1e-4)),
    ("RMSProp", lambda: RMSProp(learning_rate=0.02, decay=1e-5, rho=0.999)),
    ("Adam", lambda: Adam(learning_rate=0.05, decay=5e-7)),
]


# --- the update rules on one number, in plain Python ----------------------------------

def by_hand(name, w, gradients):
    """Apply ``name``'s update rule to the single weight ``w`` once per gradient.

    Returns the weight after each step. Settings as in CONTENDERS; epsilon = 1e-7.
    """
    eps = 1e-7
    after = []
    velocity = cache = momentum = 0.0
    for t, g in enumerate(gradients):  # t = steps already taken (the optimizer's iterations)
        if name == "SGD":
            w = w - 1.0 * g
        elif name == "SGD + decay":
            lr = 1.0 / (1 + 1e-3 * t)
            w = w - lr * g
        elif name == "SGD + decay + momentum":
            lr = 1.0 / (1 + 1e-3 * t)
            velocity = 0.9 * velocity - lr * g      # remember a share of the last step
            w = w + velocity
        elif name == "AdaGrad":
            lr = 1.0 / (1 + 1e-4 * t)
            cache = cache + g * g                   # every squared gradient so far
            w = w - lr * g / (math.sqrt(cache) + eps)
        elif name == "RMSProp":
            lr = 0.02 / (1 + 1e-5 * t)
            cache = 0.999 * cache + (1 - 0.999) * g * g   # a moving average instead
            w = w - lr * g / (math.sqrt(cache) + eps)
        elif name == "Adam":
            lr = 0.05 / (1 + 5e-7 * t)
            momentum = 0.9 * momentum + (1 - 0.9) * g
            cache = 0.999 * cache + (1 - 0.999) * g * g
            m_hat = momentum / (1 - 0.9 ** (t + 1))      # both averages start at 0:
            c_hat = cache / (1 - 0.999 ** (t + 1))       # correct for that early on
            w = w - lr * m_hat / (math.sqrt(c_hat) + eps)
        after.append(w)
    return after


def with_barenn(make_optimizer, w, gradients):
    """The same steps through a barenn optimizer and a 1x1 Dense layer."""
    layer = Dense(1, 1)
    layer.weights = [[w]]
    optimizer = make_optimizer()
    after = []
    for g in gradients:
        layer.dweights, layer.dbiases = [[g]], [[0.0]]  # as if backward had just run
        optimizer.step([layer])
        after.append(layer.weights[0][0])
    return after


def settings(optimizer):
    """The optimizer's settings as text, without the ones left at their defaults."""
    text = repr(optimizer).split("(", 1)[1].rstrip(")")
    return ", ".join(part for part in text.split(", ")
                     if not part.startswith(("epsilon", "beta_")) and part not in
                     ("decay=0.0", "momentum=0.0"))


def line_data():
    """21 points on the line y = 2x + 1, x from -1 to 1 (mean of x = 0)."""
    X = [[i / 10] for i in range(-10, 11)]
    return X, [[2 * x + 1] for (x,) in X]


def train_a_line(learning_rate, epochs):
    """Fit y = 2x + 1 with one Dense(1, 1) and plain SGD; return (losses, error)."""
    X, y = line_data()
    network = Network([Dense(1, 1, seed=0), Linear()], loss=MeanSquaredError(),
                      optimizer=SGD(learning_rate=learning_rate))
    losses = []
    try:
        for _ in range(epochs):
            losses += network.fit(X, y, epochs=1, verbose=0).loss
    except TrainingDiverged as error:
        return losses, error
    return losses, None


def main(argv=None):
    lesson = Lesson("Lesson 04: optimizers", argv, out=DEFAULT_OUT)

    lesson.step("Each update rule on one weight, by hand and by barenn")
    lesson.say("""
        One weight w = 1, and say backward gave it the gradients 0.5, 0.5, -0.25
        on three steps. SGD steps by learning_rate * gradient; decay shrinks the
        rate, lr / (1 + decay * step); momentum adds a share of the last step.
        AdaGrad divides by the root of the sum of all squared gradients so far,
        RMSProp by a moving average of them; Adam adds momentum to RMSProp.""")
    w0, gradients = 1.0, [0.5, 0.5, -0.25]
    for name, make in CONTENDERS:
        mine = by_hand(name, w0, gradients)
        print(f"{name + ':':<24} " + "  ->  ".join(fmt(w, 6) for w in [w0] + mine))
        lesson.agree(f"  {name} by hand and barenn", mine, with_barenn(make, w0, gradients))
    lesson.say("""
        AdaGrad's first step is lr * g / |g| = lr whatever the gradient's size, and
        Adam's first step is lr too: they step by the gradient's sign and how
        steady it is, not by its size. (barenn/optimizers.py: each class's update.)""")

    lesson.step("The race: same data, same starting weights")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    start1, start2 = Dense(2, 64, rng=rng), Dense(64, 3, rng=rng)
    lesson.say(f"""
        The walkthrough's spiral and 2-64-3 network, the starting weights drawn
        once; each optimizer gets fresh copies of them, so any difference below
        is the optimizer's doing. {epochs} epochs each, one update per epoch.""")
    results = []
    began = time.perf_counter()
    for name, make in CONTENDERS:
        first, second = Dense(2, 64), Dense(64, 3)
        first.weights, second.weights = copy(start1.weights), copy(start2.weights)
        network = Network([first, ReLU(), second, Softmax()], loss=CategoricalCrossEntropy(),
                          optimizer=make())
        history = network.fit(X, y, epochs=epochs, verbose=0)
        final = network.evaluate(X, y)
        print(f"{name + ':':<24} {settings(network.optimizer)}")
        results.append((name, network.optimizer, history, final))
    print(f"(trained in {time.perf_counter() - began:.1f} seconds)")

    lesson.step("Where each optimizer got to")
    lesson.say("""
        Loss and accuracy after the last update (evaluate); "highest" is the
        largest loss met on the way, "last lr" the rate of the last step.""")
    header = f"{'optimizer':<24}  {'loss':>6}  {'accuracy':>8}  {'highest':>7}  {'last lr':>8}"
    print(header)
    print("-" * len(header))
    for name, optimizer, history, final in results:
        print(f"{name:<24}  {final.loss:>6.3f}  {final.accuracy:>8.3f}  "
              f"{max(history.loss):>7.3f}  {history.learning_rate[-1]:>8.4g}")
    best = min(results, key=lambda r: r[3].loss)
    print(f"lowest final loss: {best[0]}")
    loss = {name: final.loss for name, _, _, final in results}
    start = results[0][2].loss[0]
    lesson.tell(f"""
        Plain SGD went from {start:.3f} to {loss["SGD"]:.3f}. With decay it ends at
        {loss["SGD + decay"]:.3f}, {_compare(loss["SGD + decay"], loss["SGD"])} plain
        SGD: decay only makes the steps smaller, which pays off near a minimum, not
        on the way down. Momentum ends at {loss["SGD + decay + momentum"]:.3f},
        {_compare(loss["SGD + decay + momentum"], loss["SGD + decay"])} SGD + decay
        without it: the steps grow along the directions the gradient keeps pointing
        in.""")
    jumped = [(name, max(history.loss)) for name, _, history, _ in results
              if max(history.loss) > 2 * start]
    if jumped:
        lesson.tell(f"""
            {" and ".join(name for name, _ in jumped)} divide each step by the
            size of the gradients seen so far, so the first steps are large for
            every weight, whatever its gradient (on the one weight above: AdaGrad
            1.0, RMSProp 0.63), and the loss jumps (to
            {" and ".join(f"{h:.3f}" for _, h in jumped)}, see "highest") before it
            comes down.""")
    lesson.tell(f"""
        Lowest of all: {best[0]}, at {best[3].loss:.3f}.""")

    lesson.step("Every loss curve on one chart")
    path = os.path.join(lesson.out, PICTURE)
    line_chart_svg({name: history.loss for name, _, history, _ in results}, path=path,
                   title="Spiral 2-64-3: loss per epoch, same starting weights",
                   x_label="epoch", y_label="loss (log scale)", log_y=True)
    lesson.wrote(path)
    lesson.say("""
        Open it in a browser: one line per optimizer, epoch on the x axis. The loss
        axis is logarithmic, so the early jumps and the slow final descent both fit.""")

    lesson.step("A learning rate too large")
    lesson.say("""
        A smaller problem, to see it clearly: one Dense(1, 1) learns the line
        y = 2x + 1 from 21 points (x from -1 to 1) with plain SGD and the mean
        squared error. The bias's gradient is 2 * (mean error), so each step
        multiplies the bias's error by (1 - 2 * lr): below lr = 1 it shrinks,
        above 1 it flips sign and grows.""")
    calm, _ = train_a_line(0.5, 6)
    wild, error = train_a_line(2.0, 1000)
    print("lr 0.5, loss of epochs 0-5: " + ", ".join(f"{v:.4g}" for v in calm))
    print("lr 2.0, loss of epochs 0-5: " + ", ".join(f"{v:.4g}" for v in wild[:6]))
    last = min(20, len(wild) - 1)
    ratios = [b / a for a, b in zip(wild[10:last], wild[11:last + 1])]
    print(f"lr 2.0, each loss over the one before, epochs 10-{last}: "
          f"{min(ratios):.3f} to {max(ratios):.3f}")
    lesson.tell(f"""
        With lr 2 the bias's error is multiplied by 1 - 2 * 2 = -3 every step, so
        the loss by 9.""")

    lesson.step("How fit stops a run that diverges")
    if error is not None:
        print(f"After {len(wild)} epochs, fit stopped with TrainingDiverged:")
        print(textwrap.fill(str(error), width=76, initial_indent="  ",
                            subsequent_indent="  "))
    lesson.tell(f"""
        Network.fit checks the loss after every step and the weights after every
        epoch. It stops at a NaN or an infinity, at a loss more than
        {LOSS_GROWTH_LIMIT:g} times the first of the run, or at a weight beyond
        {PARAMETER_LIMIT:g} in size, naming the epoch and a smaller rate to try
        (barenn/checks.py; the error is barenn.checks.TrainingDiverged). Here each
        fit call is one epoch, so the loss has no time to grow a million-fold
        within one call: the weights' limit stops it.""")

    lesson.recap("""
        - the update rules of SGD, decay, momentum, AdaGrad, RMSProp and Adam, by
          hand and in barenn/optimizers.py
        - the same network from the same weights, six optimizers, six results
        - too large a learning rate makes every step overshoot more: divergence""",
                 "lesson 05: a network that learns its training points too well, "
                 "and how L1/L2 penalties, dropout and noise hold it back.")


def _compare(a, b):
    """How loss ``a`` compares with loss ``b``, in words (to the printed 3 decimals)."""
    if round(a, 3) == round(b, 3):
        return "the same as"
    return "lower than" if a < b else "higher than"


if __name__ == "__main__":
    main()
