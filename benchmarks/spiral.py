"""What does barenn.Network cost, next to the same network written straight through?

Run from the repository root (no install needed)::

    python benchmarks/spiral.py                 # speed table, then the run to 95 % (a few minutes)
    python benchmarks/spiral.py --no-reach      # only the speed table (about a minute)
    python benchmarks/spiral.py --rounds 9      # more rounds: steadier minimums on a busy machine
    python benchmarks/spiral.py --cpu-time      # CPU time: steadier still when others share the CPUs

The network is the walkthrough's: 300 spiral points (3 classes), Dense(2, 64), ReLU,
Dense(64, 3), Softmax with categorical cross-entropy, Adam(learning_rate=0.05,
decay=5e-7), full batch (one update an epoch). Data and starting weights come from
one ``NumpyLegacy(0)`` stream (the walkthrough's numbers), and both versions start
from copies of the same weights.

Two versions of one training epoch are timed in the same run:

* **Network**: ``barenn.network.Network(...).fit(X, y, epochs=K, verbose=0)`` on the fast
  tier (``barenn.fast``, the default), with
  every check, the History and the NaN watch it always does;
* **straight line**: the same forward pass, loss, accuracy, backward pass and Adam
  step written out inline below (``StraightLine.epoch``), with plain list
  comprehensions and the best kernel for each product (an inline sum for an inner
  size of 2 or 3, ``sumprod`` for longer ones: the kernels ``barenn.matrix`` uses),
  no checks, no objects per layer; the bias add and the ReLU's backward folded
  into the products' loops (ReLU compared with 0.0, float against float, the
  comparison CPython specializes);
* **straight line, unfused** (a reference row): the same, but with the bias add
  and the ReLU's backward as separate passes, the way separate layers would do
  them. barenn's fast tier does both folds too (``barenn.fast.dot_add_row`` for a Dense
  forward, ``barenn.fast.relu_backward_through`` in its backward), so this row shows what the
  folds save, and Network / straight line the cost of barenn's checks and
  bookkeeping.

First both versions are checked to compute the same loss and accuracy at epoch 0
(the walkthrough's ``loss: 1.099``, ``accuracy: 0.360``) and after a few epochs.
Then they take turns for ``--rounds`` rounds of ``--epochs`` epochs each (both
continue training, so at every round they are at the same point); the time per
epoch is the minimum over the rounds (load from other programs only ever adds
time). The ratio Network / straight line is barenn's overhead; the goal is 1.15 or
less. A last row times ``fit(fast=False)``, the reference tier (``Network.train_step``
with the reference layers: the code the lessons point to); the goal is within 3x of
the fast tier. Last, each version trains from the start until its accuracy reaches
``--target`` (0.95), printing the epoch and the seconds that took.
"""

import argparse
import copy
import gc
import math
import os
import platform
import sys
import time
from operator import mul

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

# noqa: E402 below: imported after the path set-up, so no install is needed.
from barenn.activations import ReLU, Softmax  # noqa: E402
from barenn.datasets import spiral  # noqa: E402
from barenn.layers import Dense  # noqa: E402
from barenn.losses import CategoricalCrossEntropy  # noqa: E402
from barenn.matrix import HAS_MATH_SUMPROD  # noqa: E402
from barenn.network import Network  # noqa: E402
from barenn.optimizers import Adam  # noqa: E402
from barenn.rng import NumpyLegacy  # noqa: E402

LEARNING_RATE = 0.05
DECAY = 5e-7
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7
CLIP = 1e-7  # predictions are clipped to [1e-7, 1 - 1e-7] before the log, as in barenn.losses


def make_problem():
    """The walkthrough's data and starting weights from one NumpyLegacy(0) stream.

    Returns X (300 x 2), y (300 class indices), W1 (2 x 64), W2 (64 x 3).
    """
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    W1 = Dense(2, 64, rng=rng).weights
    W2 = Dense(64, 3, rng=rng).weights
    return X, y, W1, W2


def make_network(W1, W2):
    """barenn's version, starting from copies of W1 and W2."""
    first, second = Dense(2, 64), Dense(64, 3)
    first.weights, second.weights = copy.deepcopy(W1), copy.deepcopy(W2)
    return Network([first, ReLU(), second, Softmax()], loss=CategoricalCrossEntropy(),
                   optimizer=Adam(learning_rate=LEARNING_RATE, decay=DECAY))


if HAS_MATH_SUMPROD:
    _sumprod = math.sumprod

    def _products(rows, columns):
        """Every row against every column, one C-level reduction per element."""
        return [[_sumprod(r, c) for c in columns] for r in rows]
else:
    def _products(rows, columns):
        """Every row against every column (sum(map(mul)) is sumprod before 3.12)."""
        return [[sum(map(mul, r, c)) for c in columns] for r in rows]


class StraightLine:
    """The 2-64-3 spiral network with Adam, one epoch written out in one method.

    Parameters are plain lists: W1 2 x 64, b1 64, W2 64 x 3, b2 3 (biases as flat
    lists); Adam keeps a momentum m and a cache v of the same shape for each.

    fused=True (the straight line proper) adds the first layer's biases and applies
    the ReLU inside the products' own loops, forward and backward. fused=False
    makes those three separate passes over the 300 x 64 values, as separate layers
    must (Dense adds its biases, then ReLU.forward; ReLU.backward, then
    Dense.backward): the same numbers, a reference for where the time goes.
    """

    def __init__(self, W1, W2, fused=True):
        self.fused = fused
        self.W1 = [list(r) for r in W1]
        self.b1 = [0.0] * len(W1[0])
        self.W2 = [list(r) for r in W2]
        self.b2 = [0.0] * len(W2[0])
        self.adam = {name: ([[0.0] * len(r) for r in p], [[0.0] * len(r) for r in p])
                     for name, p in (("W1", self.W1), ("W2", self.W2))}
        self.adam["b1"] = ([[0.0] * len(self.b1)], [[0.0] * len(self.b1)])
        self.adam["b2"] = ([[0.0] * len(self.b2)], [[0.0] * len(self.b2)])
        self.iterations = 0

    def epoch(self, X, y):
        """One full-batch epoch; returns (loss, accuracy) measured before the update."""
        n = len(X)
        W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2
        exp, log = math.exp, math.log

        # Forward, layer 1: an inner size of 2, so two products inline per element.
        u0, u1 = W1
        if self.fused:
            z1 = [[x0 * a + x1 * b + c for a, b, c in zip(u0, u1, b1)] for x0, x1 in X]
        else:
            z1 = [[x0 * a + x1 * b for a, b in zip(u0, u1)] for x0, x1 in X]
            z1 = [[v + c for v, c in zip(r, b1)] for r in z1]
        h = [[v if v > 0.0 else 0.0 for v in r] for r in z1]
        # Layer 2: an inner size of 64, one sumprod per element against W2's columns.
        W2_columns = list(zip(*W2))
        z2 = [[s + c for s, c in zip(r, b2)] for r in _products(h, W2_columns)]
        # Softmax (largest score subtracted first), loss, accuracy.
        probs = []
        for r in z2:
            top = max(r)
            e = [exp(v - top) for v in r]
            total = sum(e)
            probs.append([v / total for v in e])
        loss = -sum(log(min(max(p[k], CLIP), 1.0 - CLIP)) for p, k in zip(probs, y)) / n
        right = sum(p.index(max(p)) == k for p, k in zip(probs, y))

        # Backward: softmax + cross-entropy fused, dscores = (probs - one_hot(y)) / n.
        dz2 = [[p / n for p in r] for r in probs]
        for r, p, k in zip(dz2, probs, y):
            r[k] = (p[k] - 1.0) / n
        dz2_columns = list(zip(*dz2))
        dW2 = _products(list(zip(*h)), dz2_columns)
        db2 = [sum(c) for c in dz2_columns]
        # dh = dz2 @ W2.T (an inner size of 3, inline: each row of W2 holds the three
        # weights one input needs), through the ReLU at once.
        if self.fused:
            dz1 = [[d0 * a + d1 * b + d2 * c if z > 0.0 else 0.0
                    for (a, b, c), z in zip(W2, zr)] for (d0, d1, d2), zr in zip(dz2, z1)]
        else:
            dh = [[d0 * a + d1 * b + d2 * c for a, b, c in W2] for d0, d1, d2 in dz2]
            dz1 = [[d if z > 0.0 else 0.0 for d, z in zip(dr, zr)] for dr, zr in zip(dh, z1)]
        dz1_columns = list(zip(*dz1))
        dW1 = _products(list(zip(*X)), dz1_columns)
        db1 = [sum(c) for c in dz1_columns]

        # Adam, with bias correction and the walkthrough's decay.
        lr = LEARNING_RATE / (1.0 + DECAY * self.iterations)
        t = self.iterations + 1
        c1, c2 = 1 - BETA_1 ** t, 1 - BETA_2 ** t
        fresh1, fresh2 = 1 - BETA_1, 1 - BETA_2  # once, not per element
        new = {}
        for name, value, grad in (("W1", W1, dW1), ("b1", [b1], [db1]),
                                  ("W2", W2, dW2), ("b2", [b2], [db2])):
            m_old, v_old = self.adam[name]
            m = [[BETA_1 * mi + fresh1 * g for mi, g in zip(mr, gr)]
                 for mr, gr in zip(m_old, grad)]
            v = [[BETA_2 * vi + fresh2 * g * g for vi, g in zip(vr, gr)]
                 for vr, gr in zip(v_old, grad)]
            self.adam[name] = (m, v)
            new[name] = [[w - lr * (mi / c1) / (math.sqrt(vi / c2) + EPSILON)
                          for w, mi, vi in zip(wr, mr, vr)] for wr, mr, vr in zip(value, m, v)]
        self.W1, self.W2 = new["W1"], new["W2"]
        self.b1, self.b2 = new["b1"][0], new["b2"][0]
        self.iterations += 1
        return loss, right / n


def check_agreement(X, y, W1, W2, epochs):
    """Both versions' loss and accuracy for the first ``epochs`` epochs; they must agree.

    The unfused straight line is held to the same numbers as the fused one.
    """
    straight = StraightLine(W1, W2)
    unfused = StraightLine(W1, W2, fused=False)
    network = make_network(W1, W2)
    history = network.fit(X, y, epochs=epochs, verbose=0)
    rows = []
    same_as_unfused = True
    for epoch in range(epochs):
        loss, accuracy = straight.epoch(X, y)
        same_as_unfused &= unfused.epoch(X, y) == (loss, accuracy)
        rows.append((epoch, loss, history.loss[epoch], accuracy, history.accuracy[epoch]))
    worst = max(abs(a - b) for _, a, b, _, _ in rows)
    same_accuracy = all(a == b for *_, a, b in rows)
    return rows, worst, same_accuracy and same_as_unfused


def time_all(X, y, W1, W2, rounds, epochs, clock):
    """Seconds per epoch (minimum over rounds) of each version, taking turns each round."""
    straight = StraightLine(W1, W2)
    unfused = StraightLine(W1, W2, fused=False)
    network = make_network(W1, W2)
    reference = make_network(W1, W2)
    runs = {
        "straight": lambda: [straight.epoch(X, y) for _ in range(epochs)],
        "unfused": lambda: [unfused.epoch(X, y) for _ in range(epochs)],
        "network": lambda: network.fit(X, y, epochs=epochs, verbose=0, fast=True),
        "reference": lambda: reference.fit(X, y, epochs=epochs, verbose=0, fast=False),
    }
    best = dict.fromkeys(runs, math.inf)
    for _ in range(rounds):
        for name, run in runs.items():
            gc.collect()
            start = clock()
            run()
            best[name] = min(best[name], (clock() - start) / epochs)
    return best


def reach_straight(X, y, W1, W2, target, max_epochs, clock=time.perf_counter):
    """(first epoch whose accuracy >= target, seconds of training until then)."""
    straight = StraightLine(W1, W2)
    start = clock()
    for epoch in range(max_epochs):
        _, accuracy = straight.epoch(X, y)
        if accuracy >= target:
            return epoch, clock() - start
    return None, clock() - start


def reach_network(X, y, W1, W2, target, max_epochs, clock=time.perf_counter):
    """The same for the Network: fit one epoch at a time and read its History."""
    network = make_network(W1, W2)
    start = clock()
    for epoch in range(max_epochs):
        history = network.fit(X, y, epochs=1, verbose=0)
        if history.accuracy[-1] >= target:
            return history.epoch[-1], clock() - start
    return None, clock() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (default 5)")
    parser.add_argument("--epochs", type=int, default=40, help="epochs per round (default 40)")
    parser.add_argument("--check-epochs", type=int, default=10,
                        help="epochs over which the two versions must agree (default 10)")
    parser.add_argument("--target", type=float, default=0.95, help="accuracy to reach (default 0.95)")
    parser.add_argument("--max-epochs", type=int, default=10000,
                        help="give up reaching the target after this many epochs (default 10000)")
    parser.add_argument("--no-reach", action="store_true", help="skip the runs to the target accuracy")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with time.process_time (leaves out time other programs get; "
                             "steadier on a busy machine) instead of wall-clock time")
    args = parser.parse_args(argv)
    clock = time.process_time if args.cpu_time else time.perf_counter

    X, y, W1, W2 = make_problem()
    print(f"barenn spiral benchmark: 2-64-3 network, 300 points, full batch, "
          f"Adam(learning_rate={LEARNING_RATE}, decay={DECAY})")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"math.sumprod {'yes' if HAS_MATH_SUMPROD else 'no (sum(map(mul)) instead)'}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    print(f"command: {os.path.basename(sys.executable)} "
          f"{' '.join(['benchmarks/spiral.py'] + sys.argv[1:])}")

    rows, worst, same_accuracy = check_agreement(X, y, W1, W2, args.check_epochs)
    print()
    print("Same numbers? (loss and accuracy before each epoch's update)")
    print(f"{'epoch':>5}  {'straight loss':>18}  {'Network loss':>18}  {'straight acc':>12}  {'Network acc':>11}")
    for epoch, a, b, acc_a, acc_b in rows:
        if epoch in (0, 1, 2) or epoch == len(rows) - 1:
            print(f"{epoch:>5}  {a:>18.15f}  {b:>18.15f}  {acc_a:>12.3f}  {acc_b:>11.3f}")
    print(f"epoch: 0,loss: {rows[0][2]:.3f},accuracy: {rows[0][4]:.3f}   (the walkthrough's line)")
    agree = worst <= 1e-12 and same_accuracy
    print(f"largest loss difference over {len(rows)} epochs: {worst:.1e}; accuracies, and "
          f"the unfused straight line's figures, {'identical' if same_accuracy else 'DIFFERENT'}"
          f" -> {'agree' if agree else 'DO NOT AGREE'}")
    if not agree:
        return 1

    best = time_all(X, y, W1, W2, args.rounds, args.epochs, clock)
    ratio = best["network"] / best["straight"]
    print()
    kind = "CPU" if args.cpu_time else "wall-clock"
    print(f"Time per epoch ({kind}, minimum of {args.rounds} rounds of {args.epochs} epochs each)")
    print(f"{'version':<24}  {'ms / epoch':>10}  {'epochs / s':>10}  {'x straight':>10}")
    for name, label in (("straight", "straight line"), ("unfused", "straight line, unfused"),
                        ("network", "Network.fit"),
                        ("reference", "fit(fast=False)")):
        print(f"{label:<24}  {best[name] * 1e3:>10.2f}  {1 / best[name]:>10.1f}  "
              f"{best[name] / best['straight']:>10.3f}")
    verdict = "within" if ratio <= 1.15 else "OVER"
    print(f"ratio Network / straight line: {ratio:.3f}  ({verdict} the 1.15x goal)")
    tiers = best["reference"] / best["network"]
    print(f"ratio reference tier / fast tier: {tiers:.2f}  "
          f"({'within' if tiers <= 3 else 'OVER'} the 3x goal)")

    if not args.no_reach:
        print()
        print(f"Training from the start until accuracy >= {args.target} ({kind} seconds)")
        print(f"{'version':<14}  {'epoch':>6}  {'seconds':>8}")
        reached = []
        for label, run in (("straight line", reach_straight), ("Network.fit", reach_network)):
            gc.collect()
            epoch, seconds = run(X, y, W1, W2, args.target, args.max_epochs, clock)
            reached.append(epoch)
            shown = "never" if epoch is None else str(epoch)
            print(f"{label:<14}  {shown:>6}  {seconds:>8.1f}", flush=True)
        if reached[0] != reached[1]:
            print("(different epochs: the accuracy hovers just under the target for hundreds of "
                  "epochs, so the last-bit rounding differences of the two versions' sums "
                  "(math.sumprod rounds once, an inline a*b + c*d + e*f rounds at every step) "
                  "move the crossing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
