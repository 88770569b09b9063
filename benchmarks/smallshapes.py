"""Small matrices: which kernel barenn.fast.matrix picks, and what a small network step can cost.

Run from the repository root (no install needed)::

    python benchmarks/smallshapes.py              # about a minute
    python benchmarks/smallshapes.py --rounds 9   # steadier minimums on a busy machine

Small networks (the spiral's 2-64-3, the moons MLP(2, [16, 16, 1]) of
benchmarks/engines.py) multiply matrices with an inner size of 1 to 3, rows of
16, and gradients in which whole rows are zero. For those shapes the time goes
into the Python-level loop around each product, not into the products, so the
choice of kernel matters more than for big ones. Part 1 times each choice that
``barenn.fast.matrix`` makes against the alternative it turned down, on the shapes
those networks use:

* rows of 16 with half zeros (ReLU outputs): the dense reduction vs the sparse
  form (why ``SPARSE_MIN_INNER`` is 32);
* an inner size of 3 (dinputs = dvalues · weightsᵀ of a 64 -> 3 layer): the
  inline kernel of ``dot_transposed`` vs one ``sumprod`` per element;
* a layer's forward with an inner size of 2: ``dot_add_row`` vs ``dot`` then
  ``add_row``;
* a Dense backward through the ReLU before it: ``dot_transposed_where`` vs
  ``dot_transposed`` then the ReLU's backward;
* dweights = inputsᵀ · dvalues when 69 % of the samples have a zero gradient
  (the hinge loss of benchmarks/engines.py once most margins are met): rows of
  zeros left out vs not.

Part 2 is the floor of the moons MLP step of benchmarks/engines.py: the same
forward, hinge loss, backward and gradient step written out straight (no checks,
no objects, every product with the best kernel, zero rows skipped, the ReLUs
folded into the products), next to the matrix engine's step through the layers as
benchmarks/engines.py takes it and the scalar engine's step. The straight-line
step bounds what any version of the matrix engine can reach on this interpreter
and machine, so scalar / straight line is the largest speed-up over the scalar
engine the matrix engine could show.

Times are CPU seconds of this process (``time.process_time``; other programs
busy on the machine do not count), minimums over rounds in which the
contenders take turns. Every pair is checked to give the same numbers.
"""

import argparse
import gc
import math
import os
import platform
import random
import sys
import time
from operator import mul

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# noqa: E402 below: imported after the path set-up, so no install is needed.
from barenn import matrix as reference  # noqa: E402
from barenn.fast import matrix  # noqa: E402  (the kernels, and the knobs that choose them)
from barenn.activations import ReLU  # noqa: E402
from barenn.bridge import scalar_mlp  # noqa: E402
from barenn.datasets import moons  # noqa: E402
from barenn.layers import Dense  # noqa: E402
from engines import LEARNING_RATE, build_layers, matrix_step, scalar_step  # noqa: E402

if matrix.HAS_MATH_SUMPROD:
    sumprod = math.sumprod
else:
    def sumprod(u, v):
        """sum(map(mul)): what barenn.matrix uses before Python 3.12."""
        return sum(map(mul, u, v))


def best_of(runs, rounds, repeat):
    """{name: seconds per call}: the minimum over ``rounds`` of ``repeat`` calls each,
    the contenders taking turns within each round."""
    best = dict.fromkeys(runs, math.inf)
    for _ in range(rounds):
        for name, run in runs.items():
            gc.collect()
            start = time.process_time()
            for _ in range(repeat):
                run()
            best[name] = min(best[name], (time.process_time() - start) / repeat)
    return best


def random_matrix(rng, rows, cols, zero_share=0.0):
    return [[0.0 if rng.random() < zero_share else rng.uniform(-1.0, 1.0) for _ in range(cols)]
            for _ in range(rows)]


def with_knobs(function, **knobs):
    """``function`` run with some barenn.matrix settings changed for the call."""
    def run():
        saved = {name: getattr(matrix, name) for name in knobs}
        for name, value in knobs.items():
            setattr(matrix, name, value)
        try:
            return function()
        finally:
            for name, value in saved.items():
                setattr(matrix, name, value)
    return run


def relu_mask(d, z):
    return [[v if x > 0.0 else 0.0 for v, x in zip(dr, zr)] for dr, zr in zip(d, z)]


def kernel_cases(rng):
    """(what, chosen name, {name: function}) for part 1."""
    cases = []

    h = random_matrix(rng, 100, 16, 0.5)  # ReLU outputs, rows of 16
    w = random_matrix(rng, 16, 16)
    cases.append(("(100x16, half zeros) @ (16x16)", "dense", {
        "dense": lambda: matrix.dot(h, w),
        "sparse": with_knobs(lambda: matrix.dot(h, w), SPARSE_MIN_INNER=1, SPARSE_ZERO_SHARE=0.3),
    }))

    dz = random_matrix(rng, 300, 3)
    w2 = random_matrix(rng, 64, 3)
    cases.append(("dot_transposed (300x3, 64x3)", "inline", {
        "inline": lambda: matrix.dot_transposed(dz, w2),
        "sumprod": with_knobs(lambda: matrix.dot_transposed(dz, w2), SMALL_INNER=0),
    }))

    x = random_matrix(rng, 300, 2)
    w1 = random_matrix(rng, 2, 64)
    b1 = random_matrix(rng, 1, 64)
    cases.append(("(300x2) @ (2x64) + bias", "dot_add_row", {
        "dot_add_row": lambda: matrix.dot_add_row(x, w1, b1),
        "dot, add_row": lambda: reference.add_row(matrix.dot(x, w1), b1),
    }))

    z1 = random_matrix(rng, 300, 64)
    cases.append(("Dense(64, 3) + ReLU backward", "dot_transposed_where", {
        "dot_transposed_where": lambda: matrix.dot_transposed_where(dz, w2, z1),
        "dot_transposed, mask": lambda: relu_mask(matrix.dot_transposed(dz, w2), z1),
    }))

    hT = reference.transpose(random_matrix(rng, 100, 16, 0.5))
    dv = [[0.0] * 16 if rng.random() < 0.69 else random_matrix(rng, 1, 16, 0.5)[0]
          for _ in range(100)]
    cases.append(("(16x100) @ (100x16), 69% zero rows", "left out", {
        "left out": lambda: matrix.dot(hT, dv),
        "kept": with_knobs(lambda: matrix.dot(hT, dv), ZERO_ROWS_SHARE=2.0),
    }))
    return cases


def part_one(rounds):
    rng = random.Random(0)
    print("Part 1: kernel choices on small shapes (CPU ms per call, minimum of "
          f"{rounds} rounds)")
    header = f"{'shape':<38}  {'barenn uses':<22}  {'ms':>7}  {'turned down':<22}  {'ms':>7}  {'ratio':>5}"
    print(header)
    print("-" * len(header))
    for what, chosen, runs in kernel_cases(rng):
        results = {name: run() for name, run in runs.items()}
        first = results[chosen]
        for name, result in results.items():
            worst = max((abs(p - q) for r, s in zip(first, result) for p, q in zip(r, s)), default=0.0)
            assert worst <= 1e-12, (what, name, worst)
        times = best_of(runs, rounds, repeat=20)
        other = next(name for name in runs if name != chosen)
        print(f"{what:<38}  {chosen:<22}  {times[chosen] * 1e3:>7.3f}  {other:<22}  "
              f"{times[other] * 1e3:>7.3f}  {times[other] / times[chosen]:>5.2f}")


class StraightStep:
    """The moons MLP(2, [16, 16, 1]) hinge-loss step of benchmarks/engines.py,
    written out with the best kernel for each product and no checks.

    Parameters as plain lists (weights k x m, biases as flat lists). Samples whose
    margin is met (zero gradient) are left out of the backward pass at once, and
    each ReLU is folded into the product before it.
    """

    def __init__(self, layers):
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        self.W = [[list(r) for r in layer.weights] for layer in dense]
        self.b = [list(layer.biases[0]) for layer in dense]

    def step(self, X, y):
        (W1, W2, W3), (b1, b2, b3) = self.W, self.b
        n = len(X)
        u0, u1 = W1
        z1 = [[x0 * a + x1 * c + d for a, c, d in zip(u0, u1, b1)] for x0, x1 in X]
        h1 = [[v if v > 0.0 else 0.0 for v in r] for r in z1]
        W2_columns = list(zip(*W2))
        z2 = [[sumprod(r, col) + d for col, d in zip(W2_columns, b2)] for r in h1]
        h2 = [[v if v > 0.0 else 0.0 for v in r] for r in z2]
        w3 = [r[0] for r in W3]
        scores = [sumprod(r, w3) + b3[0] for r in h2]
        margins = [1.0 - t * s for t, s in zip(y, scores)]
        loss = sum(m if m > 0.0 else 0.0 for m in margins) / n
        # d(mean hinge)/d(score) = -y/n where the margin is violated; the rest add nothing.
        live = [i for i, m in enumerate(margins) if m > 0.0]
        if not live:  # every margin met: every gradient is zero, nothing changes
            return loss
        ds = [-y[i] / n for i in live]
        dW3 = [[sum(h2[i][j] * d for i, d in zip(live, ds))] for j in range(len(w3))]
        db3 = [sum(ds)]
        dz2 = [[d * w if z > 0.0 else 0.0 for w, z in zip(w3, z2[i])] for i, d in zip(live, ds)]
        dz2_columns = list(zip(*dz2))
        dW2 = [[sumprod(hc, dc) for dc in dz2_columns] for hc in zip(*[h1[i] for i in live])]
        db2 = [sum(c) for c in dz2_columns]
        dz1 = [[sumprod(d, wr) if z > 0.0 else 0.0 for wr, z in zip(W2, z1[i])]
               for d, i in zip(dz2, live)]
        dz1_columns = list(zip(*dz1))
        dW1 = [[sumprod(xc, dc) for dc in dz1_columns] for xc in zip(*[X[i] for i in live])]
        db1 = [sum(c) for c in dz1_columns]
        lr = LEARNING_RATE
        self.W = [[[w - lr * g for w, g in zip(wr, gr)] for wr, gr in zip(W, dW)]
                  for W, dW in ((W1, dW1), (W2, dW2), (W3, dW3))]
        self.b = [[c - lr * g for c, g in zip(b, db)] for b, db in ((b1, db1), (b2, db2), (b3, db3))]
        return loss


def part_two(rounds, scalar_steps):
    X, labels = moons(samples=50, noise=0.1, seed=0)
    y = [1.0 if label == 1 else -1.0 for label in labels]
    layers = build_layers(0)
    model, _ = scalar_mlp(layers)
    straight = StraightStep(layers)
    # Warm-up steps on both matrix versions, checking that they stay together.
    for _ in range(20):
        a, b = matrix_step(layers, X, y), straight.step(X, y)
        assert abs(a - b) <= 1e-12, (a, b)
    live = sum(1.0 - t * r[0] > 0 for t, r in zip(y, layers[-1].output))
    times = best_of({"matrix engine (layers)": lambda: matrix_step(layers, X, y),
                     "straight line": lambda: straight.step(X, y)}, rounds, repeat=50)
    start = time.process_time()
    for _ in range(scalar_steps):
        scalar_step(model, X, y)
    scalar = (time.process_time() - start) / scalar_steps

    print()
    print(f"Part 2: the moons MLP(2, [16, 16, 1]) step of benchmarks/engines.py (CPU ms per "
          f"step; {live} of {len(X)} samples with a non-zero gradient after the warm-up)")
    header = f"{'version':<26}  {'ms / step':>9}  {'scalar / this':>13}"
    print(header)
    print("-" * len(header))
    print(f"{'scalar engine (Value)':<26}  {scalar * 1e3:>9.2f}  {1.0:>13.1f}   "
          f"(mean of {scalar_steps} steps)")
    for name, seconds in times.items():
        print(f"{name:<26}  {seconds * 1e3:>9.3f}  {scalar / seconds:>13.1f}")
    print(f"A 100x faster matrix step would take {scalar / 100 * 1e3:.2f} ms; the straight "
          f"line, with no checks at all, takes {times['straight line'] * 1e3:.2f} ms.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (default 5)")
    parser.add_argument("--scalar-steps", type=int, default=5,
                        help="scalar-engine steps to time in part 2 (default 5)")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, math.sumprod "
          f"{'yes' if matrix.HAS_MATH_SUMPROD else 'no (sum(map(mul)) instead)'}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    print()
    part_one(args.rounds)
    part_two(args.rounds, args.scalar_steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
