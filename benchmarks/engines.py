"""The scalar engine next to the matrix engine, on the same training step.

Run from the repository root (no install needed)::

    python benchmarks/engines.py              # about 10 s
    python benchmarks/engines.py --steps 20   # more scalar steps: a steadier mean

The network is MLP(2, [16, 16, 1]): 2 inputs, two hidden layers of 16 ReLU neurons and
one linear output (a score), on 100 two-moons points with labels -1 / +1. The loss is
the mean hinge loss max(0, 1 - y * score) over the full batch, and a step is
forward + backward + a plain gradient step (learning rate 0.05) on every weight.

Both engines start from the very same weights (Dense layers with He initialization,
copied into the scalar MLP by barenn.bridge.scalar_mlp) and take the same steps, so
their losses must stay equal; the table shows both. It reports seconds per step for
each engine (mean and best over the measured steps, the first step being a warm-up),
the ratio, and the scalar engine's operations per second (Value nodes made by an
operation, forward and backward both counted once per node).
"""

import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

# noqa: E402 below: imported after the path set-up, so no install is needed.
from barenn.activations import Linear, ReLU  # noqa: E402
from barenn.bridge import scalar_mlp  # noqa: E402
from barenn.datasets import moons  # noqa: E402
from barenn.fast import backward_layers, forward_layers  # noqa: E402
from barenn.layers import Dense  # noqa: E402

LEARNING_RATE = 0.05


def build_layers(seed):
    """Dense(2,16) ReLU Dense(16,16) ReLU Dense(16,1) Linear, He init from ``seed``."""
    return [Dense(2, 16, init="he", seed=seed), ReLU(),
            Dense(16, 16, init="he", seed=seed + 1), ReLU(),
            Dense(16, 1, init="he", seed=seed + 2), Linear()]


def matrix_step(layers, X, y):
    """One full-batch hinge-loss step on the matrix engine (its fast tier, as
    ``Network.fit`` runs it: ReLU and Dense fused backward, no dinputs for the
    first layer); returns the loss."""
    output = forward_layers(layers, X)  # the fast tier, as Network.fit uses it
    n = len(X)
    margins = [1.0 - t * row[0] for t, row in zip(y, output)]
    loss = sum(m if m > 0 else 0.0 for m in margins) / n
    # d(mean hinge)/d(score_i) = -y_i / n where the margin is violated, else 0
    dvalues = [[-t / n if m > 0 else 0.0] for t, m in zip(y, margins)]
    backward_layers(layers, dvalues)
    for layer in layers:
        if isinstance(layer, Dense):
            layer.weights = [[w - LEARNING_RATE * d for w, d in zip(wr, dr)]
                             for wr, dr in zip(layer.weights, layer.dweights)]
            layer.biases = [[b - LEARNING_RATE * d
                             for b, d in zip(layer.biases[0], layer.dbiases[0])]]
    return loss


def scalar_loss(model, X, y):
    """The mean hinge loss as a Value: the root of one graph for the whole batch."""
    losses = [(1.0 + (-t) * model(x)).relu() for x, t in zip(X, y)]
    total = losses[0]
    for sample_loss in losses[1:]:
        total = total + sample_loss
    return total / len(losses)


def scalar_step(model, X, y):
    """The same step on the scalar engine; returns the loss (a float). The graph is
    dropped when the step returns, as in a training loop."""
    loss = scalar_loss(model, X, y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= LEARNING_RATE * p.grad
    return loss.data


def count_operations(model, X, y):
    """Value nodes made by an operation (not leaves) in one step's graph."""
    return sum(1 for node in scalar_loss(model, X, y).topological_order() if node.op)


def timed(step, count):
    """Run ``step()`` once to warm up, then ``count`` times; (results, seconds each).

    Seconds are CPU time of this process (``time.process_time``), so other programs
    busy on the same machine do not inflate them.
    """
    results = [step()]
    seconds = []
    for _ in range(count):
        start = time.process_time()
        results.append(step())
        seconds.append(time.process_time() - start)
    return results, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=10,
                        help="scalar-engine steps to time after one warm-up (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data and weights")
    args = parser.parse_args(argv)

    X, labels = moons(samples=50, noise=0.1, seed=args.seed)  # 2 x 50 = 100 points
    y = [1.0 if label == 1 else -1.0 for label in labels]

    layers = build_layers(args.seed)
    model, _ = scalar_mlp(layers)  # exactly the same starting weights

    operations = count_operations(model, X, y)
    scalar_losses, scalar_seconds = timed(lambda: scalar_step(model, X, y), args.steps)
    # The matrix engine is timed on many more steps (it is far faster): first the
    # same number of steps, to compare losses step by step, then more for the timing.
    matrix_steps = max(args.steps, 200)
    matrix_results, matrix_seconds = timed(lambda: matrix_step(layers, X, y), matrix_steps)
    matrix_losses = matrix_results[:len(scalar_losses)]
    largest = max(abs(a - b) for a, b in zip(scalar_losses, matrix_losses))

    scalar_mean = sum(scalar_seconds) / len(scalar_seconds)
    matrix_mean = sum(matrix_seconds) / len(matrix_seconds)
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.system()}); "
          f"MLP(2, [16, 16, 1]) on {len(X)} moons points, hinge loss, full batch")
    print()
    header = f"{'engine':<8}  {'steps':>5}  {'mean s/step':>11}  {'best s/step':>11}  " \
             f"{'first loss':>10}  {'last loss':>9}"
    print(header)
    print("-" * len(header))
    for name, results, seconds in (("scalar", scalar_losses, scalar_seconds),
                                   ("matrix", matrix_losses, matrix_seconds)):
        print(f"{name:<8}  {len(seconds):>5}  {sum(seconds) / len(seconds):>11.6f}  "
              f"{min(seconds):>11.6f}  {results[0]:>10.6f}  {results[-1]:>9.6f}")
    print()
    print(f"matrix engine is {scalar_mean / matrix_mean:.0f}x faster per step "
          f"(mean {scalar_mean:.4f} s vs {matrix_mean:.6f} s)")
    print(f"scalar engine: {operations} operations per step, "
          f"{operations / scalar_mean:,.0f} operations per second (forward + backward + update)")
    print(f"largest difference between the two engines' losses over {len(scalar_losses)} "
          f"steps: {largest:.1e}")
    ratio = scalar_mean / matrix_mean
    print(f"targets of issue 4: scalar step under 0.5 s: {'yes' if scalar_mean < 0.5 else 'NO'}"
          f" ({scalar_mean:.3f} s); matrix engine at least 100x faster: "
          f"{'yes' if ratio >= 100 else 'NO'} ({ratio:.0f}x)")
    return 0 if largest <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
