"""The training loop in the open: forward, loss, backward, update, epoch by epoch.

Lessons 04 to 06 call Network.fit and get a trained network back. Here the loop
inside it is written out in this file: forward through each layer, the loss, backward
through each layer in reverse order, then one optimizer update per layer. It trains
the walkthrough's 2-64-3 spiral network with plain SGD, prints the walkthrough's
epoch-0 line, and then checks that Network.fit, from the same seed, produces the
same losses, accuracies and weights to the last digit. Then the same loop on the
scalar engine: a tiny MLP of Values learns four samples (zero the gradients,
forward, loss, backward, update), and we see what goes wrong when the zeroing is
left out.

Run from the repository root:
    python lessons/07_training_loop.py [--step] [--quick] [--walkthrough-10000]
"""

import inspect
import math
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
from barenn.losses import CategoricalCrossEntropy, SoftmaxCrossEntropy, accuracy
from barenn.network import Network
from barenn.optimizers import SGD
from barenn.rng import NumpyLegacy
from barenn.mlp import MLP

FULL_EPOCHS = 1000
QUICK_EPOCHS = 30
WALKTHROUGH_EPOCHS = 10000
LEARNING_RATE = 1.0     # the walkthrough's plain SGD

# The scalar engine's four samples and their targets (the micrograd-style example).
XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]
SCALAR_STEPS = 30
SCALAR_RATE = 0.1
SCALAR_SEED = 0


def walkthrough_line(epoch, loss, acc):
    """The walkthrough's own format: ``epoch: 0,loss: 1.099,accuracy: 0.360``."""
    return f"epoch: {epoch},loss: {loss:.3f},accuracy: {acc:.3f}"


def spiral_and_layers():
    """The walkthrough's data and starting weights, drawn from numpy's stream."""
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    return X, y, Dense(2, 64, rng=rng), Dense(64, 3, rng=rng)


# --- the loop, by hand ----------------------------------------------------------------

def one_epoch(X, y, dense1, relu, dense2, softmax, loss_function, optimizer):
    """One full-batch epoch; returns the loss and accuracy of its forward pass."""
    # 1. forward, layer by layer
    dense1.forward(X)
    relu.forward(dense1.output)
    dense2.forward(relu.output)
    softmax.forward(dense2.output)
    # 2. loss and accuracy of this forward pass (before the update)
    loss = CategoricalCrossEntropy().calculate(softmax.output, y)
    acc = accuracy(softmax.output, y)
    # 3. backward, in reverse; softmax + cross-entropy as one: (y_hat - y) / n
    dvalues = loss_function.backward(softmax.output, y)
    dvalues = dense2.backward(dvalues)
    dvalues = relu.backward(dvalues)
    dense1.backward(dvalues)
    # 4. update: each layer with parameters steps against its gradients
    optimizer.step([dense1, dense2])
    return loss, acc


# --- the scalar engine ----------------------------------------------------------------

def scalar_step(model, zero_grad, rate):
    """One step of the scalar loop; returns (loss, the gradient this step added to the
    first weight, the first weight's .grad afterwards)."""
    parameters = model.parameters()
    first = parameters[0]
    if zero_grad:
        for p in parameters:          # 1. forget last step's gradients
            p.grad = 0.0
    predictions = [model(x) for x in XS]                               # 2. forward
    loss = sum((p - t) ** 2 for p, t in zip(predictions, YS))          # 3. loss
    before = first.grad
    loss.backward()                                                    # 4. backward
    for p in parameters:                                               # 5. update
        p.data -= rate * p.grad
    return loss.data, first.grad - before, first.grad


def size(model):
    """Root of the sum of the squared parameters: how large the weights are."""
    return math.sqrt(sum(p.data * p.data for p in model.parameters()))


def main(argv=None):
    lesson = Lesson("Lesson 07: the training loop in the open", argv, options=lambda p: (
        p.add_argument("--walkthrough-10000", action="store_true",
                       help=f"train {WALKTHROUGH_EPOCHS} epochs like the walkthrough "
                            "(a few minutes)")))
    epochs = WALKTHROUGH_EPOCHS if lesson.args.walkthrough_10000 \
        else lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)

    lesson.step("The pieces: data, four layers, a loss, an optimizer")
    X, y, dense1, dense2 = spiral_and_layers()
    relu, softmax = ReLU(), Softmax()
    loss_function = SoftmaxCrossEntropy()
    optimizer = SGD(learning_rate=LEARNING_RATE)
    lesson.say(f"""
        The spiral of lesson 06 (300 points, 3 classes) and the same starting
        weights from NumpyLegacy(0). No Network this time: four loose layers
        (Dense(2, 64), ReLU, Dense(64, 3), Softmax), the fused softmax +
        cross-entropy for the gradient, and plain SGD with learning rate
        {fmt(LEARNING_RATE)}, the walkthrough's first optimizer.""")

    lesson.step("One epoch, as this file writes it")
    lesson.say("""
        one_epoch from this file (lessons/07_training_loop.py), docstring left
        out: forward, loss, backward in reverse, update.""")
    source = inspect.getsource(one_epoch).splitlines()
    print("\n".join(line for line in source if '"""' not in line))

    lesson.step(f"Running the loop: {epochs} epochs")
    every = max(1, epochs // 10)
    lesson.say(f"""
        Each line is the forward pass before that epoch's update, in the
        walkthrough's format; a line every {every} epochs.""")
    mine = []
    started = time.perf_counter()
    for epoch in range(epochs + 1):
        loss, acc = one_epoch(X, y, dense1, relu, dense2, softmax, loss_function,
                              optimizer)
        mine.append((loss, acc))
        if epoch % every == 0:
            print(walkthrough_line(epoch, loss, acc))
    seconds = time.perf_counter() - started
    print(f"({epochs + 1} epochs took {seconds:.1f} seconds)")
    first_loss, last_loss = mine[0][0], mine[-1][0]
    lesson.tell(f"""
        Epoch 0 is the walkthrough's own first line: an untrained network guesses,
        loss ln 3 = {fmt(math.log(3))}. After {epochs} updates the loss is
        {fmt(last_loss)}, {"lower" if last_loss < first_loss else "not lower"}; plain
        SGD creeps down slowly here (lesson 04 races the faster optimizers).""")
    if epochs == WALKTHROUGH_EPOCHS:
        print("the walkthrough printed: epoch: 10000,loss: 0.860,accuracy: 0.600")
        lesson.tell(f"""
            Ours ends at loss {last_loss:.3f}, accuracy {mine[-1][1]:.3f}. The first
            line agrees to every digit; the last does not, because numpy computes
            in float32 and barenn in float64, and 10,000 updates of plain SGD
            amplify those rounding differences.""")

    lesson.step("Network.fit runs the very same loop")
    lesson.say("""
        The same layers from the same seed, in a Network, trained by fit(...,
        fast=False); fit records each epoch's loss and accuracy as we did.""")
    X2, y2, fresh1, fresh2 = spiral_and_layers()
    network = Network([fresh1, ReLU(), fresh2, Softmax()], loss=CategoricalCrossEntropy(),
                      optimizer=SGD(learning_rate=LEARNING_RATE))
    history = network.fit(X2, y2, epochs=epochs + 1, verbose=0, fast=False)
    last = len(mine) - 1
    print("fit:  " + walkthrough_line(last, history.loss[-1], history.accuracy[-1]))
    print("loop: " + walkthrough_line(last, *mine[-1]))
    lesson.agree(f"all {epochs + 1} losses, loop and fit", [m[0] for m in mine],
                 history.loss, tol=0)
    lesson.agree("all accuracies, loop and fit", [m[1] for m in mine],
                 history.accuracy, tol=0)
    lesson.agree("dense1's weights, loop and fit", dense1.weights, fresh1.weights, tol=0)
    lesson.agree("dense2's weights, loop and fit", dense2.weights, fresh2.weights, tol=0)
    lesson.say("""
        A difference of 0: the same arithmetic in the same order. In the library
        this loop is barenn/network.py: Network.train_step is one epoch's body
        (forward, loss, backward, optimizer.step) and Network.fit the loop.
        fast=False asked fit for that plain arithmetic. By default fit uses
        barenn/fast, quicker code for the same sums, which may round the last
        digit differently:""")
    X3, y3, quick1, quick2 = spiral_and_layers()
    fast = Network([quick1, ReLU(), quick2, Softmax()], loss=CategoricalCrossEntropy(),
                   optimizer=SGD(learning_rate=LEARNING_RATE))
    fast_history = fast.fit(X3, y3, epochs=epochs + 1, verbose=0)
    gaps = [abs(m[0] - loss) for m, loss in zip(mine, fast_history.loss)]
    if max(gaps) <= 1e-9:
        lesson.agree("the losses, loop and fast fit", [m[0] for m in mine],
                     fast_history.loss, tol=1e-9)
    else:  # a long run: rounding differences, once there, grow with every update
        first = next(i for i, gap in enumerate(gaps) if gap > 1e-9)
        print(f"the fast fit's loss first differs from the loop's by more than 1e-9 "
              f"at epoch {first};")
        print(f"the largest difference, over all {len(gaps)} epochs, is {max(gaps):.2g}")

    lesson.step("The same loop on the scalar engine")
    lesson.say(f"""
        An MLP(3, [4, 4, 1]) of Values (barenn/mlp.py), tanh everywhere,
        four samples, the squared error summed over them. Every step: zero each
        parameter's .grad, forward, loss, loss.backward(), and move each
        parameter by -{fmt(SCALAR_RATE)} * grad (scalar_step in this file).""")
    model = MLP(3, [4, 4, 1], seed=SCALAR_SEED)
    forgetful = MLP(3, [4, 4, 1], seed=SCALAR_SEED)   # the same starting weights
    print(f"{len(model.parameters())} parameters; size of the weights at the start "
          f"{size(model):.3f}")
    good, bad = [], []
    for _ in range(SCALAR_STEPS):
        good.append(scalar_step(model, True, SCALAR_RATE) + (size(model),))
        bad.append(scalar_step(forgetful, False, SCALAR_RATE) + (size(forgetful),))
    shown = sorted({0, 1, 2, 3, 4, 5, 10, 20, SCALAR_STEPS - 1})
    print(f"{'step':>4}  {'loss':>7}")
    for k in shown:
        print(f"{k:>4}  {good[k][0]:>7.4f}")
    print(f"predictions now: {', '.join(fmt(model(x).data, 3) for x in XS)}"
          f" (targets {', '.join(fmt(t) for t in YS)})")
    falls = good[-1][0] < good[0][0]
    lesson.tell(f"""
        The loss goes from {fmt(good[0][0])} to {fmt(good[-1][0])}:
        {"it falls, and the predictions approach the targets" if falls
         else "it does not fall"}.""")

    lesson.step("What if the gradients are not zeroed?")
    lesson.say("""
        backward() adds to .grad (a Value used twice gets both contributions), so
        without the zeroing each step's .grad is the sum of every step so far.
        Same start, same rate; the first weight's gradient, and the size of all
        the weights:""")
    print(f"{'step':>4}  {'loss':>7}  {'added this step':>15}  {'.grad holds':>11}  "
          f"{'size':>6}")
    for k in shown:
        loss, added, held, grown = bad[k]
        print(f"{k:>4}  {loss:>7.4f}  {added:>15.4f}  {held:>11.4f}  {grown:>6.2f}")
    lesson.agree(".grad and the sum of the steps' gradients",
                 bad[-1][2], math.fsum(step[1] for step in bad), tol=1e-9)
    grew = bad[-1][3] / bad[0][3]

    lesson.step("Why the weights keep growing")
    lesson.tell(f"""
        The loss reaches {fmt(bad[-1][0])}, yet the weights keep growing: size
        {bad[0][3]:.2f} after step 0, {bad[-1][3]:.2f} after step {SCALAR_STEPS - 1}
        ({grew:.1f}x), against {good[-1][3]:.2f} with zeroing. Once tanh saturates
        the fresh gradients are about 0, but .grad still holds the old sum, so
        every step moves every weight by the same amount again, for ever.""")

    lesson.recap(f"""
        - a training step is forward, loss, backward in reverse, update; an epoch
          here is one step over all 300 points
        - Network.fit is exactly that loop: its {epochs + 1} losses equal ours
        - on the scalar engine the loop must zero .grad first, or old gradients
          keep pushing the weights""",
                 "lesson 08 opens up backward() itself: how the scalar engine orders "
                 "a graph and applies the chain rule node by node.")


if __name__ == "__main__":
    main()
