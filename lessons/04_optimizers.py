"""Optimizers: six ways to turn gradients into better weights, raced on one problem.

Backpropagation tells every weight which way is downhill; the optimizer decides how
far to step. We first work out each update rule on a single weight by hand and check
barenn's optimizers do the same. Then plain SGD, SGD with learning-rate decay, SGD
with decay and momentum, AdaGrad, RMSProp and Adam each train the walkthrough's
2-64-3 spiral network from the very same starting weights, and we compare where
they got: a table of the final loss and accuracy, and every loss curve on one chart.

Run from the repository root:
    python lessons/04_optimizers.py [--step] [--quick] [--out DIR]
"""

import math
import os
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
from barenn.lesson import Lesson, fmt
from barenn.losses import CategoricalCrossEntropy
from barenn.matrix import copy
from barenn.network import Network
from barenn.optimizers import SGD, AdaGrad, Adam, RMSProp
from barenn.plot import line_chart_svg
from barenn.rng import NumpyLegacy

DEFAULT_OUT = "barenn-out"
PICTURE = "04_optimizer_losses.svg"
FULL_EPOCHS = 100
QUICK_EPOCHS = 10

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


def main(argv=None):
    lesson = Lesson("Lesson 04: optimizers", argv, out=DEFAULT_OUT)

    lesson.step("Each update rule on one weight, by hand and by barenn")
    lesson.say("""
        Take one weight w = 1 and pretend backward gave it the gradients 0.5, then 0.5,
        then -0.25 on three steps. Plain SGD steps by learning_rate * gradient. Decay
        shrinks the rate as steps go by: lr / (1 + decay * step). Momentum keeps a
        share of the previous step, so steps in a steady direction grow. AdaGrad
        divides by the root of the sum of all squared gradients so far, RMSProp by a
        moving average of them, and Adam combines a moving average of the gradient
        (momentum) with RMSProp's divisor.""")
    w0, gradients = 1.0, [0.5, 0.5, -0.25]
    for name, make in CONTENDERS:
        mine = by_hand(name, w0, gradients)
        print(f"{name + ':':<24} " + "  ->  ".join(fmt(w, 6) for w in [w0] + mine))
        lesson.agree(f"    {name} by hand and by barenn", mine, with_barenn(make, w0, gradients))
    lesson.say("""
        Note the adaptive ones: AdaGrad's first step is lr * g / |g| = lr whatever the
        gradient's size, and Adam's first step is lr too. They step by the gradient's
        sign and its consistency, not its size.""")

    lesson.step("The race: same data, same starting weights")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    start1, start2 = Dense(2, 64, rng=rng), Dense(64, 3, rng=rng)
    lesson.say(f"""
        The walkthrough's spiral (300 points, 3 classes) and its 2-64-3 network, the
        starting weights drawn once. Each optimizer gets fresh copies of those very
        weights, so any difference below is the optimizer's doing. {epochs} epochs
        each, full batch (one update per epoch).""")
    results = []
    for name, make in CONTENDERS:
        first, second = Dense(2, 64), Dense(64, 3)
        first.weights, second.weights = copy(start1.weights), copy(start2.weights)
        network = Network([first, ReLU(), second, Softmax()], loss=CategoricalCrossEntropy(),
                          optimizer=make())
        began = time.perf_counter()
        history = network.fit(X, y, epochs=epochs, verbose=0)
        final = network.evaluate(X, y)
        print(f"{name:<24} trained ({time.perf_counter() - began:.1f} seconds)")
        results.append((name, network.optimizer, history, final))

    lesson.step("Where each optimizer got to")
    lesson.say("""
        The final loss and accuracy are measured after the last update (evaluate);
        "highest" is the largest loss met on the way, "last lr" the rate of the last
        step, after decay.""")
    header = (f"{'optimizer':<24}  {'settings':<44}  {'loss':>6}  {'accuracy':>8}  "
              f"{'highest':>7}  {'last lr':>8}")
    print(header)
    print("-" * len(header))
    for name, optimizer, history, final in results:
        settings = repr(optimizer).split("(", 1)[1].rstrip(")")
        settings = ", ".join(part for part in settings.split(", ")
                             if not part.startswith(("epsilon", "beta_")))
        print(f"{name:<24}  {settings:<44}  {final.loss:>6.3f}  {final.accuracy:>8.3f}  "
              f"{max(history.loss):>7.3f}  {history.learning_rate[-1]:>8.4g}")
    best = min(results, key=lambda r: r[3].loss)
    print(f"lowest final loss: {best[0]}")
    if lesson.quick:
        lesson.say("""
            (--quick: a few epochs only, too few to tell the optimizers apart; run it
            without --quick for the real race.)""")
    lesson.say("""
        What the full run shows: plain SGD, with or without decay, has hardly left
        ln 3 = 1.099, the loss of a network that guesses; over so few steps decay has
        barely shrunk the rate (it pays off late in long runs, where smaller steps
        settle into a minimum instead of bouncing around it). Momentum lets steps grow
        along directions the gradient keeps pointing in, which matters more the longer
        one trains. AdaGrad and RMSProp first move every weight by about the same large
        amount, whatever its gradient, so their loss jumps up before it comes down
        (the "highest" column). Adam's first steps are the learning rate, 0.05, and
        with momentum on top of its per-weight step sizes it gets furthest.""")

    lesson.step("Every loss curve on one chart")
    path = os.path.join(lesson.out, PICTURE)
    line_chart_svg({name: history.loss for name, _, history, _ in results}, path=path,
                   title="Spiral 2-64-3: loss per epoch, same starting weights",
                   x_label="epoch", y_label="loss (log scale)", log_y=True)
    print(f"wrote {os.path.abspath(path)}")
    lesson.say("""
        Open it in a browser: one line per optimizer, epoch on the x axis. The loss
        axis is logarithmic, so the early jumps and the slow final descent both fit.""")


if __name__ == "__main__":
    main()
