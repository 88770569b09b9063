"""How fast is barenn.fast.dot (and the reference barenn.matrix.dot), next to the loops they replace?

Run from the repository root (no install needed)::

    python benchmarks/matmul.py              # 40-50 s
    python benchmarks/matmul.py --all        # also every kernel's rate
    python benchmarks/matmul.py --cpu-time   # steadier while other processes run
    python benchmarks/matmul.py --budget 20  # more rounds per shape

For each shape it times, on the same random matrices (fixed seed):

- ``barenn.fast.dot``, the fast tier's product, with all its shape and type checks;
- ``barenn.matrix.dot``, the reference (transpose once, one sumprod per element),
  shown in its own column ("ref") and not counted among the bare kernels;
- the index-based triple loop ``s += a[i][t] * b[t][j]``, the way the formula reads;
- each bare kernel below (no checks at all), and names the fastest one.

A "MAC" is one multiply-accumulate; an (n x k) @ (k x m) product does n*k*m of
them, so MAC/s compares shapes of any size. Every kernel is timed as a function
of (a, b) returning the full product, transposes included, so each does exactly
the job ``dot`` does; their products are checked against dot's.

Times are minimums over rounds of ``time.perf_counter`` (``--cpu-time``: of
``time.process_time``), after one untimed warm-up run of each kernel. In a round
the kernels take turns, each run with the garbage collector paused (as timeit
does). Rounds continue until the shape's time budget is spent; after two rounds,
kernels 1.25x slower than the fastest drop out, so the budget buys more rounds
for the close contenders. The last columns are dot/best, which barenn aims to
keep at 0.9 or more, and the number of rounds.

On a machine shared with other busy processes, a run of a tenth of a second or
more is rarely left alone, and wall-clock minimums of the big shapes can scatter
by 30 % from one run to the next; repeat the run, or time with --cpu-time, which
leaves out the time the system gives to the other processes.
"""

import argparse
import gc
import math
import os
import platform
import random
import sys
import time
from itertools import compress
from operator import itemgetter, mul

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from barenn.fast import dot  # noqa: E402  (after the path set-up, so no install is needed)
from barenn.matrix import dot as reference_dot  # noqa: E402

HAS_MATH_SUMPROD = hasattr(math, "sumprod")

# (label, n, k, m, share of zeros in the left matrix)
SHAPES = [
    ("(300x2)@(2x64)", 300, 2, 64, 0.0),
    ("(300x64)@(64x3)", 300, 64, 3, 0.0),
    ("(64x784)@(784x128)", 64, 784, 128, 0.0),
    ("(64x784)@(784x128) 80% 0", 64, 784, 128, 0.8),
    ("(128x128)@(128x128)", 128, 128, 128, 0.0),
]

# The triple loop is timed on the first rows only when one run on the whole
# matrix would take longer than TRIPLE_LOOP_BUDGET seconds, and gets as many
# runs (up to 3) as fit in LOOP_SECONDS: it is slow, and one digit of it is enough.
TRIPLE_LOOP_BUDGET = 20.0
LOOP_SECONDS = 3.0
# Rounds go on until a shape has used this many seconds (or MAX_ROUNDS rounds).
SHAPE_BUDGET = 8.0
MAX_ROUNDS = 100
# After PRUNE_AFTER rounds, kernels more than PRUNE times slower than the fastest
# drop out (a contender would have to be slowed down by other processes in every
# one of those rounds to be dropped wrongly).
PRUNE = 1.25
PRUNE_AFTER = 2
# Wall-clock time by default; --cpu-time switches to time.process_time, which
# leaves out the time the operating system gives to other processes.
CLOCK = time.perf_counter


# --- the reference: index-based triple loop -------------------------------------------

def triple_loop(a, b):
    """The product exactly as the formula reads: three nested index loops."""
    n, k, m = len(a), len(b), len(b[0])
    out = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for t in range(k):
                s += a[i][t] * b[t][j]
            out[i][j] = s
    return out


# --- bare kernels: the candidates for "fastest way to do this shape" ---------------

def _sum_map_mul(u, v):
    return sum(map(mul, u, v))


def rowcol_sum_map(a, b):
    """Each row against each column of b (transposed once), reduced by sum(map(mul))."""
    cols = list(zip(*b))
    return [[sum(map(mul, r, c)) for c in cols] for r in a]


def rowcol_sumprod(a, b):
    """Each row against each column of b (transposed once), reduced by math.sumprod."""
    sumprod = math.sumprod
    cols = list(zip(*b))
    return [[sumprod(r, c) for c in cols] for r in a]


def axpy(a, b):
    """Row i of the product is the sum over t of a[i][t] * b[t]: add scaled rows of b,
    skipping the zeros of a."""
    m = len(b[0])
    out = []
    for r in a:
        acc = [0.0] * m
        for x, bt in zip(r, b):
            if x:
                acc = [s + x * y for s, y in zip(acc, bt)]
        out.append(acc)
    return out


def _sparse_gather(reduce):
    def kernel(a, b):
        cols = list(zip(*b))
        out = []
        for r in a:
            where = list(compress(range(len(r)), r))
            if len(where) < 2:  # itemgetter of 0 or 1 index does not return a tuple
                out.append([sum(r[t] * c[t] for t in where) for c in cols])
                continue
            gather = itemgetter(*where)
            values = gather(r)
            out.append([reduce(values, gather(c)) for c in cols])
        return out
    return kernel


sparse_gather_sum_map = _sparse_gather(_sum_map_mul)
sparse_gather_sum_map.__doc__ = "Only the non-zeros of each row, gathered from each column by itemgetter."
if HAS_MATH_SUMPROD:
    sparse_gather_sumprod = _sparse_gather(math.sumprod)


def inline_small_inner(a, b):
    """For an inner size of 1, 2 or 3: one comprehension, the k products written out."""
    if len(b) == 1:
        (b0,) = b
        return [[x0 * u for u in b0] for (x0,) in a]
    if len(b) == 2:
        b0, b1 = b
        return [[x0 * u + x1 * v for u, v in zip(b0, b1)] for x0, x1 in a]
    b0, b1, b2 = b
    return [[x0 * u + x1 * v + x2 * w for u, v, w in zip(b0, b1, b2)] for x0, x1, x2 in a]


def candidates(k):
    """(name, kernel) pairs that apply to an inner size k.

    The reductions use math.sumprod where it exists (3.12+), sum(map(mul))
    before; on 3.12+ sum(map(mul)) is always the slower of the two.
    """
    if HAS_MATH_SUMPROD:
        found = [("row.col math.sumprod", rowcol_sumprod),
                 ("sparse gather math.sumprod", sparse_gather_sumprod)]
    else:
        found = [("row.col sum(map(mul))", rowcol_sum_map),
                 ("sparse gather sum(map(mul))", sparse_gather_sum_map)]
    found.append(("axpy comprehension", axpy))
    if k <= 3:
        found.append(("inline small inner", inline_small_inner))
    return found


# --- measuring ----------------------------------------------------------------------------

def random_matrix(rng, rows, cols, zero_share=0.0):
    return [[0.0 if rng.random() < zero_share else rng.uniform(-1.0, 1.0) for _ in range(cols)]
            for _ in range(rows)]


def once(kernel, a, b):
    """(seconds, product) for one call, with the cyclic garbage collector held off
    (as timeit does): none of the kernels makes cycles, and a collection pass
    started by whatever ran before would otherwise be billed to this kernel."""
    gc.disable()
    try:
        start = CLOCK()
        product = kernel(a, b)
        return CLOCK() - start, product
    finally:
        gc.enable()


def max_difference(x, y):
    """Largest |u - v| over the elements, relative to max(|u|, |v|, 1): the products
    of the uniform(-1, 1) matrices here are of order 1 to 10, and rounding
    differs between kernels."""
    return max((abs(u - v) / max(abs(u), abs(v), 1.0)
                for rx, ry in zip(x, y) for u, v in zip(rx, ry)), default=0.0)


def best_times(kernels, a, b, min_rounds, budget, keep=()):
    """Minimum seconds of each (name, kernel) on a @ b, the number of rounds, and
    each kernel's product.

    Each kernel first runs once untimed (the warm-up that also gives its product):
    since 3.11 the interpreter specializes code as it runs, and a first run also
    grows the memory pools. Then at least ``min_rounds`` timed rounds, and more
    while ``budget`` seconds last: on a shared machine many runs are slowed by
    other processes, and the minimum over many runs is what the kernel itself
    costs. The kernels take turns in each round. After PRUNE_AFTER rounds,
    kernels more than PRUNE times slower than the fastest stop taking part (they
    cannot be the best), except those named in ``keep``, so the budget goes to
    the close contenders.
    """
    products = {name: once(kernel, a, b)[1] for name, kernel in kernels}
    best = {name: math.inf for name, _ in kernels}
    started = time.perf_counter()
    rounds = 0
    running = list(kernels)
    while rounds < min_rounds or (time.perf_counter() - started < budget and rounds < MAX_ROUNDS):
        shift = rounds % len(running)  # a different kernel goes first in each round
        for name, kernel in running[shift:] + running[:shift]:
            best[name] = min(best[name], once(kernel, a, b)[0])
        rounds += 1
        if rounds == PRUNE_AFTER:
            fastest = min(best.values())
            running = [(name, kernel) for name, kernel in running
                       if name in keep or best[name] <= PRUNE * fastest]
    return best, rounds, products


def measure_shape(label, n, k, m, zero_share, min_rounds, budget, rng):
    a = random_matrix(rng, n, k, zero_share)
    b = random_matrix(rng, k, m)
    macs = n * k * m
    timed = [("barenn.fast.dot", dot), ("barenn.matrix.dot", reference_dot)] + candidates(k)
    best, rounds, products = best_times(timed, a, b, min_rounds, budget,
                                        keep=["barenn.fast.dot", "barenn.matrix.dot"])
    for name, product in products.items():
        diff = max_difference(product, products["barenn.fast.dot"])
        if diff > 1e-12:
            raise SystemExit(f"{label}: {name} disagrees with dot (difference {diff:.1e})")

    # The triple loop: up to 3 runs within LOOP_SECONDS, and on the first rows
    # only if one run on the whole matrix would take more than TRIPLE_LOOP_BUDGET.
    one_row = min(once(triple_loop, a[:1], b)[0] for _ in range(2))
    rows = n if one_row * n <= TRIPLE_LOOP_BUDGET else max(1, int(TRIPLE_LOOP_BUDGET / one_row))
    loop_rounds = max(1, min(3, int(LOOP_SECONDS / (one_row * rows))))
    loop = best_times([("loop", triple_loop)], a[:rows], b, loop_rounds, 0.0)[0]
    notes = []
    if rows < n:
        notes.append(f"triple loop timed on the first {rows} of {n} rows")
    if loop_rounds < 3:
        notes.append(f"triple loop: best of {loop_rounds} run{'s' if loop_rounds > 1 else ''} "
                     f"(one takes {one_row * rows:.1f} s)")
    note = "; ".join(notes)

    rates = {name: macs / t for name, t in best.items()}
    bare = {name: rate for name, rate in rates.items() if not name.startswith("barenn.")}
    best_name = max(bare, key=bare.get)
    return {
        "label": label, "dot": rates["barenn.fast.dot"], "ref": rates["barenn.matrix.dot"], "loop": rows * k * m / loop["loop"],
        "best": bare[best_name], "best_name": best_name, "all": rates, "note": note,
        "rounds": rounds,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="at least this many timing rounds per kernel; the minimum is kept "
                             "(default 3)")
    parser.add_argument("--budget", type=float, default=SHAPE_BUDGET,
                        help=f"keep adding rounds until a shape has taken this many seconds "
                             f"(default {SHAPE_BUDGET:g})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random matrices")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with time.process_time (CPU time of this process) instead of "
                             "time.perf_counter: steadier when other processes load the machine")
    parser.add_argument("--all", action="store_true", help="also print every kernel's rate")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    global CLOCK
    CLOCK = time.process_time if args.cpu_time else time.perf_counter

    print(f"Python {platform.python_version()} ({sys.executable}); "
          f"math.sumprod {'exists' if HAS_MATH_SUMPROD else 'does not exist'}; "
          f"clock {CLOCK.__name__}; MAC/s in millions, best of at least {args.rounds} rounds")
    rng = random.Random(args.seed)
    header = (f"{'shape':<27} {'dot':>7} {'ref':>7} {'loop':>7} {'best bare':>9}  {'best kernel':<28} "
              f"{'dot/best':>8} {'rounds':>6}")
    print(header)
    print("-" * len(header))
    results = []
    for label, n, k, m, zero_share in SHAPES:
        r = measure_shape(label, n, k, m, zero_share, args.rounds, args.budget, rng)
        results.append(r)
        print(f"{label:<27} {r['dot'] / 1e6:7.1f} {r['ref'] / 1e6:7.1f} {r['loop'] / 1e6:7.1f} "
              f"{r['best'] / 1e6:9.1f}  "
              f"{r['best_name']:<28} {r['dot'] / r['best']:8.2f} {r['rounds']:6d}", flush=True)
    for r in results:
        if r["note"]:
            print(f"note: {r['label']}: {r['note']}")
    if args.all:
        print()
        for r in results:
            print(r["label"])
            for name, rate in sorted(r["all"].items(), key=lambda item: -item[1]):
                print(f"    {name:<28} {rate / 1e6:8.1f}")
    worst = min(r["dot"] / r["best"] for r in results)
    print(f"lowest dot/best: {worst:.2f} (target 0.95); 'dot' is barenn.fast.dot, 'ref' the "
          f"reference barenn.matrix.dot")


if __name__ == "__main__":
    main()
