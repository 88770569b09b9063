"""The scalar engine on the loop people write for it: the moons notebook.

    python benchmarks/scalar_loop.py              # 100 steps; micrograd too if installed
    python benchmarks/scalar_loop.py --steps 10   # fewer steps
    python benchmarks/scalar_loop.py --no-micrograd

The most-used public notebook for a micrograd-style engine trains MLP(2, [16, 16, 1])
(ReLU, ReLU, linear) on 100 two-moons points with a max-margin loss, an L2 term over
``model.parameters()`` and 100 steps of plain SGD whose rate falls from 1.0 to 0.109.
The loop below is that notebook's, word for word apart from the imports: a list of
Values per sample, ``sum()`` of per-sample losses, ``zero_grad``, ``backward``, a
manual update. It runs on barenn's ``Value`` / ``MLP`` and, when the PyPI package
``micrograd`` (the original engine; not a barenn dependency) is installed, on it too,
both starting from the same weights (micrograd's, copied into barenn's model), so
their losses can be compared step by step.

Times are CPU seconds (``time.process_time``), so other processes on the machine
matter less; barenn is timed with the garbage collector on (Python's default) and
off, to show that the collector costs it nothing worth measuring.
"""

import argparse
import gc
import random
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.autograd import Value as BarennValue
from barenn.datasets import moons
from barenn.mlp import MLP as BarennMLP


def notebook_run(Value, model, X, y, steps):
    """The notebook's loss() and training loop; returns (losses, accuracies, CPU seconds)."""

    def loss(batch_size=None):
        Xb, yb = X, y
        inputs = [list(map(Value, xrow)) for xrow in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    losses, accuracies = [], []
    started = time.process_time()
    for k in range(steps):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
        accuracies.append(acc)
    return losses, accuracies, time.process_time() - started


def barenn_model(weights=None):
    random.seed(1337)   # the notebook's seed; barenn's unseeded init draws from it
    model = BarennMLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    if weights is not None:
        for p, w in zip(model.parameters(), weights):
            p.data = w
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--no-micrograd", action="store_true", help="time barenn only")
    args = parser.parse_args(argv)
    X, labels = moons(50, noise=0.1, seed=0)          # 100 points
    y = [2 * t - 1 for t in labels]                   # the notebook's -1 / +1

    micrograd = None
    if not args.no_micrograd:
        try:
            from micrograd.engine import Value as MicroValue
            from micrograd.nn import MLP as MicroMLP
            micrograd = (MicroValue, MicroMLP)
        except ImportError:
            print("micrograd is not installed (pip install micrograd): timing barenn alone")

    weights = None
    if micrograd is not None:
        random.seed(1337)
        micro_model = micrograd[1](2, [16, 16, 1])
        weights = [p.data for p in micro_model.parameters()]
    print(f"MLP(2, [16, 16, 1]) on {len(X)} moons points, max-margin loss + L2, "
          f"{args.steps} steps (CPU seconds; Python {sys.version.split()[0]})")

    results = {}
    for name, collector in (("barenn, gc on", True), ("barenn, gc off", False)):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            results[name] = notebook_run(BarennValue, barenn_model(weights), X, y, args.steps)
        finally:
            gc.enable()
    if micrograd is not None:
        gc.collect()
        results["micrograd 0.1.0"] = notebook_run(micrograd[0], micro_model, X, y, args.steps)

    print(f"{'engine':18} {'seconds':>8} {'per step':>9} {'final loss':>11} {'accuracy':>9}")
    for name, (losses, accuracies, seconds) in results.items():
        print(f"{name:18} {seconds:8.2f} {seconds / args.steps:9.4f} {losses[-1]:11.6f} "
              f"{accuracies[-1]:9.0%}")
    on, off = results["barenn, gc on"][2], results["barenn, gc off"][2]
    print(f"garbage collector on / off: {on / off:.2f}x")
    if micrograd is not None:
        micro = results["micrograd 0.1.0"]
        print(f"micrograd / barenn (gc on): {micro[2] / on:.1f}x")
        gap = max(abs(a - b) for a, b in zip(micro[0], results["barenn, gc on"][0]))
        print(f"largest difference between the two engines' losses over the steps: {gap:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
