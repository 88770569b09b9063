"""The scalar autograd write-up (002), run on barenn's Value and MLP.

The author builds a Value class (+, *, **, tanh, exp, backward through a topological
sort), checks one tanh neuron by hand and against PyTorch, then builds Neuron,
Layer and MLP from Values and fits MLP(3, [4, 4, 1]) (tanh everywhere, weights and
biases uniform on [-1, 1)) to four samples with targets 1, -1, -1, 1: squared error
summed over the samples, 50 steps of ``p.data += -0.1 * p.grad``. His figures,
printed below beside ours:

    the neuron: o = 0.7071, x1.grad = -1.5, w1.grad = 1.0, x2.grad = 0.5, w2.grad = 0.0
    the loop:   step 0 loss 3.6406853121192033 ... step 49 loss 0.0057135993366707865
    inference:  MLP on [4.0, 5.0, -3.0] -> 0.9658818961790056

Every conversion from the author's code to barenn, and why the math is the same:

1. Imports only: ``from barenn.autograd import Value`` and
   ``from barenn.mlp import MLP``. The training loop below is his, line for
   line: a list of predictions, ``sum(...)`` of squared errors (``sum`` starts from
   the int 0, and ``0 + Value`` works), zeroing every ``p.grad``, ``loss.backward()``
   and the manual update.
2. ``MLP(3, [4, 4, 1])`` returns a single Value for one output, as his does
   (``outs[0] if len(outs) == 1``); barenn's default activation is tanh on every
   layer, his only one.
3. His ``_backward`` is barenn's public ``backward_step()``: each node's own piece
   of the chain rule. Part 1 calls it node by node, from the output back, the way
   he does by hand before writing ``backward()``; barenn's ``backward()`` is that
   same loop over the nodes in reverse topological order.
4. Random numbers: his ``random.uniform(-1, 1)`` per weight, then the bias, is what
   barenn's unseeded Neuron draws (2 * random() - 1 is the same float), in the same
   order. He calls no ``random.seed``, so his exact numbers cannot be repeated; we
   call ``random.seed(--seed)`` first, and the same seed gives the same run every
   time. Our losses therefore start elsewhere than his, and the comparison is of
   the behaviour (the loss falls below 0.01, the prediction for [4, 5, -3] is
   near 1), not of digits.
5. One node per neuron sum: barenn makes w1*x1 + ... + wn*xn + b one graph node
   (same number, same gradients; ``MLP(..., fast=False)`` gives his graph of
   separate ``*`` and ``+`` nodes, with identical losses).

Run from a clone (no install needed):

    python examples/scalar_autograd.py [--seed 0] [--steps 50] [--quick]

--quick runs 10 steps.
"""

import argparse
import random
import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.autograd import Value
from barenn.mlp import MLP

AUTHOR_NEURON = {"o": 0.7071, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
AUTHOR_LOSSES = {0: 3.6406853121192033, 9: 0.11522009736067115, 49: 0.0057135993366707865}
AUTHOR_PREDICTION = 0.9658818961790056
STEPS = 50


def neuron_by_hand():
    """Part 1: the tanh neuron, its backward steps called one node at a time."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0                       # d o / d o
    for node in (o, n, x1w1x2w2, x2w2, x1w1):   # reverse topological order, by hand
        node.backward_step()
    print("Part 1: one neuron, backward_step() called node by node")
    ours = {"o": o.data, "x1": x1.grad, "w1": w1.grad, "x2": x2.grad, "w2": w2.grad}
    for name, theirs in AUTHOR_NEURON.items():
        label = "o" if name == "o" else f"{name}.grad"
        print(f"  {label:8} author {theirs:8.4f}   barenn {ours[name]:8.4f}")
    return ours


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random.seed at the top (default 0)")
    parser.add_argument("--steps", type=int, default=None, help=f"default {STEPS}, the author's")
    parser.add_argument("--quick", action="store_true", help="10 steps")
    args = parser.parse_args(argv)
    steps = args.steps if args.steps is not None else (10 if args.quick else STEPS)

    neuron_by_hand()

    print(f"\nPart 2: MLP(3, [4, 4, 1]) on the four samples, {steps} steps "
          f"(random.seed({args.seed}); the author did not seed)")
    random.seed(args.seed)
    # --- from here on, the author's code with barenn's imports ---
    xs = [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0]  # desired targets
    n = MLP(3, [4, 4, 1])
    print(f"{'step':>6}  {'author':>22}  {'barenn':>22}")
    for k in range(steps):
        # forward pass
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        # update
        for p in n.parameters():
            p.data += -0.1 * p.grad
        if k in AUTHOR_LOSSES or k == steps - 1 or k % 10 == 0:
            theirs = f"{AUTHOR_LOSSES[k]:.16f}" if k in AUTHOR_LOSSES else ""
            print(f"{k:>6}  {theirs:>22}  {loss.data:>22.16f}")
    prediction = n([4.0, 5.0, -3.0])
    # --- end of the author's code ---
    print(f"\nprediction for [4.0, 5.0, -3.0]: author {AUTHOR_PREDICTION:.4f}, barenn {prediction.data:.4f}")
    print(f"final loss below 0.01: author yes (0.0057), barenn {'yes' if loss.data < 0.01 else 'no'} "
          f"({loss.data:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
