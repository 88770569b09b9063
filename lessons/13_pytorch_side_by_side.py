"""PyTorch side by side: lesson 06's spiral network, one training step in each library.

The place to go after barenn is a library such as PyTorch. Here lesson 06's network
(Dense(2, 64), ReLU, Dense(64, 3), softmax with cross-entropy, Adam) is built twice
from the same starting weights, in barenn and in PyTorch, both in float64. One
training step runs on each: forward, loss, backward, one Adam update. Every
intermediate result, every gradient and every updated weight is compared, and the
names are matched up: Dense is nn.Linear with its weights transposed,
SoftmaxCrossEntropy is nn.CrossEntropyLoss, Adam is torch.optim.Adam.

This lesson is optional: it needs PyTorch (pip install torch). Without it, it says
so in one line and stops; the tour skips it.

Run from the repository root:
    python lessons/13_pytorch_side_by_side.py [--step]
"""

import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU
from barenn.datasets import spiral
from barenn.layers import Dense
from barenn.lesson import Lesson
from barenn.losses import SoftmaxCrossEntropy
from barenn.matrix import transpose
from barenn.optimizers import Adam
from barenn.rng import NumpyLegacy

REQUIRES = "torch"   # an optional lesson: `barenn tour` skips it when torch is missing
TOLERANCE = 1e-9     # both sides compute in float64; only rounding may differ
LEARNING_RATE, DECAY = 0.05, 5e-7   # lesson 06's Adam
EPSILON, BETAS = 1e-7, (0.9, 0.999)  # barenn's Adam defaults (PyTorch's eps is 1e-8)

MAPPING = """\
barenn                            PyTorch
Dense(2, 64)                      nn.Linear(2, 64)
  .weights      (2x64)              .weight (64x2): the transpose
  .biases       (1x64)              .bias   (64)
ReLU()                            nn.ReLU()
SoftmaxCrossEntropy()             nn.CrossEntropyLoss() (softmax inside)
  .backward(y_hat, y) = dinputs     scores.grad after loss.backward()
dweights, dbiases                 weight.grad.T, bias.grad
a layer's dinputs                 .grad of its input (retain_grad())
Adam(learning_rate=0.05,          torch.optim.Adam(lr=0.05,
     epsilon=1e-7)                     eps=1e-7, betas=(0.9, 0.999))"""


def import_torch():
    """PyTorch if it is installed, else None (barenn itself never needs it)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_network(torch, dense1, dense2):
    """Lesson 06's network in PyTorch (lesson 13), float64, with the starting weights
    of barenn's ``dense1`` and ``dense2``: nn.Linear keeps its weights as
    (outputs x inputs), the transpose of Dense's (inputs x outputs)."""
    linears = []
    for dense in (dense1, dense2):
        inputs, outputs = len(dense.weights), len(dense.weights[0])
        linear = torch.nn.Linear(inputs, outputs, dtype=torch.float64)
        with torch.no_grad():  # setting weights is not part of the graph
            linear.weight.copy_(torch.tensor(transpose(dense.weights), dtype=torch.float64))
            linear.bias.copy_(torch.tensor(dense.biases[0], dtype=torch.float64))
        linears.append(linear)
    return linears


def main(argv=None):
    torch = import_torch()
    if torch is None:
        print("Lesson 13 compares barenn with PyTorch, which is not installed: "
              "pip install torch")
        return 0
    lesson = Lesson("Lesson 13: PyTorch side by side", argv)

    lesson.step("The same network twice, from the same starting weights")
    lesson.say("""
        The data and starting weights of lesson 06, from NumpyLegacy(0): the
        spiral's 300 points, then Dense(2, 64) and Dense(64, 3). nn.Linear layers
        get copies of those weights, transposed, in float64 (PyTorch's default is
        float32, good to about 7 digits; barenn's floats are Python's float64).""")
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    dense1, relu, dense2 = Dense(2, 64, rng=rng), ReLU(), Dense(64, 3, rng=rng)
    loss_function = SoftmaxCrossEntropy()
    optimizer = Adam(learning_rate=LEARNING_RATE, decay=DECAY, epsilon=EPSILON,
                     beta_1=BETAS[0], beta_2=BETAS[1])
    linear1, linear2 = torch_network(torch, dense1, dense2)
    print(f"torch {torch.__version__}; the names, side by side:")
    lesson.block(MAPPING)
    lesson.agree("dense1.weights and linear1.weight.T", dense1.weights,
                 linear1.weight.detach().T.tolist(), tol=0)

    lesson.step("Forward: the same scores and the same loss")
    dense1.forward(X)
    relu.forward(dense1.output)
    dense2.forward(relu.output)
    loss = loss_function.forward(dense2.output, y)

    inputs = torch.tensor(X, dtype=torch.float64)
    targets = torch.tensor(y, dtype=torch.long)
    hidden = linear1(inputs)
    activated = torch.nn.ReLU()(hidden)
    scores = linear2(activated)
    for tensor in (hidden, activated, scores):  # keep their gradients to compare
        tensor.retain_grad()
    torch_loss = torch.nn.CrossEntropyLoss()(scores, targets)
    print(f"loss: barenn {loss:.17g}")
    print(f"      torch  {torch_loss.item():.17g}")
    lesson.agree("dense1.output and linear1(X)", dense1.output, hidden.tolist(), tol=TOLERANCE)
    lesson.agree("dense2.output and the scores", dense2.output, scores.tolist(),
                 tol=TOLERANCE)
    lesson.agree("the two losses", loss, torch_loss.item(), tol=TOLERANCE)

    lesson.step("Backward: every gradient")
    lesson.say("""
        barenn goes back layer by layer, each backward() handing its dinputs to
        the layer before; PyTorch's loss.backward() fills .grad of every
        parameter (and of the tensors we asked to keep). A gradient has the shape
        of its parameter, so nn.Linear's weight.grad is the transpose of dweights.""")
    dvalues = loss_function.backward(loss_function.output, y)
    dvalues = dense2.backward(dvalues)
    dvalues = relu.backward(dvalues)
    dense1.backward(dvalues)
    torch_loss.backward()
    pairs = [
        ("dscores and scores.grad", loss_function.dinputs, scores.grad),
        ("dense2.dweights and linear2.weight.grad.T", dense2.dweights, linear2.weight.grad.T),
        ("dense2.dbiases and linear2.bias.grad", dense2.dbiases, [linear2.bias.grad]),
        ("dense2.dinputs and relu(h).grad", dense2.dinputs, activated.grad),
        ("relu.dinputs and h.grad", relu.dinputs, hidden.grad),
        ("dense1.dweights and linear1.weight.grad.T", dense1.dweights, linear1.weight.grad.T),
        ("dense1.dbiases and linear1.bias.grad", dense1.dbiases, [linear1.bias.grad]),
    ]
    for name, mine, theirs in pairs:
        theirs = [t.tolist() for t in theirs] if isinstance(theirs, list) else theirs.tolist()
        lesson.agree(name, mine, theirs, tol=TOLERANCE)

    lesson.step("One Adam step on each")
    lesson.tell(f"""
        torch.optim.Adam with barenn's settings: lr={LEARNING_RATE}, betas={BETAS},
        eps={EPSILON:g}. barenn's decay={DECAY:g} lowers the rate only from the
        second step on (lr / (1 + decay * steps so far)), so it plays no part here;
        PyTorch would do it with a LambdaLR scheduler.""")
    optimizer.step([dense1, dense2])
    torch_optimizer = torch.optim.Adam([*linear1.parameters(), *linear2.parameters()],
                                       lr=LEARNING_RATE, betas=BETAS, eps=EPSILON)
    torch_optimizer.step()
    layers = ((1, dense1, linear1), (2, dense2, linear2))
    for number, dense, linear in layers:
        lesson.agree(f"new dense{number}.weights and linear{number}.weight.T",
                     dense.weights, linear.weight.detach().T.tolist(), tol=TOLERANCE)
        lesson.agree(f"new dense{number}.biases and linear{number}.bias",
                     dense.biases, [linear.bias.detach().tolist()], tol=TOLERANCE)
    # The bias whose updated values differ most, with its two gradients.
    gap, mine, theirs = max(
        (abs(a - b), g, t) for _, dense, linear in layers
        for a, b, g, t in zip(dense.biases[0], linear.bias.detach().tolist(),
                              dense.dbiases[0], linear.bias.grad.tolist()))
    # Adam's first step is lr * g / (|g| + eps); its slope in g is lr * eps / (|g| + eps)^2.
    slope = LEARNING_RATE * EPSILON / (abs(mine) + EPSILON) ** 2
    lesson.tell(f"""
        The largest difference, {gap:.1e}, is in a bias with a small gradient:
        {mine:.4e} in barenn, {theirs:.4e} in PyTorch, {abs(mine - theirs):.1e}
        apart. Adam's first step is lr * g / (|g| + eps), and there a change dg
        in g moves it by lr * eps / (|g| + eps)^2 * dg = {slope:.1e} * dg, which is
        {slope * abs(mine - theirs):.1e}: the rounding of the gradient, magnified.
        Still far inside the tolerance of {TOLERANCE:g}.""")

    lesson.recap("""
        - Dense is nn.Linear with its weights transposed; dweights is
          weight.grad.T and dbiases is bias.grad
        - SoftmaxCrossEntropy is nn.CrossEntropyLoss: raw scores in, the
          gradient (y_hat - y) / n out
        - the same Adam, the same numbers: in float64 the two libraries differ
          only in the last bits""",
                 "that was the last lesson; `python -m barenn lessons` lists them "
                 "all, and PyTorch's own tutorials take it from here.")


if __name__ == "__main__":
    sys.exit(main())
