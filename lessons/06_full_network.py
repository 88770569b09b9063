"""A full network: the walkthrough's 2-64-3 spiral classifier, trained end to end.

Three arms of a spiral, 100 points each, are to be told apart by a network with one
hidden layer of 64 ReLU neurons and a softmax output. The data and the starting
weights come from the same random stream as the walkthrough's numpy script, so the
untrained network prints the walkthrough's own first line. Then Adam trains it, one
full pass over the data per update, until it gets 95 % of the points right, and the
regions it gives each class are drawn as a picture.

Run from the repository root:
    python lessons/06_full_network.py [--step] [--quick] [--until ACCURACY] [--out DIR]
"""

import argparse
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
from barenn.losses import CategoricalCrossEntropy, accuracy
from barenn.matrix import copy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import scatter_svg
from barenn.rng import NumpyLegacy

DEFAULT_OUT = "barenn-out"
PICTURE = "06_spiral_regions.svg"
MAX_EPOCHS = 10000   # the walkthrough trains 10 001 epochs; we stop once the target is met
QUICK_EPOCHS = 100   # --quick: enough to see the loss fall, not to reach the target


def walkthrough_line(epoch, loss, acc):
    """The walkthrough's own format, spaces and all: ``epoch: 0,loss: 1.099,accuracy: 0.360``."""
    return f"epoch: {epoch},loss: {loss:.3f},accuracy: {acc:.3f}"


def target_accuracy(text):
    """An accuracy in (0, 1], for --until."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be an accuracy in (0, 1], got {text}")
    return value


def until_option(parser):
    parser.add_argument("--until", type=target_accuracy, default=0.95, metavar="ACCURACY",
                        help="train until the accuracy reaches this (default 0.95)")


def main(argv=None):
    lesson = Lesson("Lesson 06: a full network, the spiral classifier end to end", argv,
                    out=DEFAULT_OUT, options=until_option)

    lesson.step("The data and the starting weights, from numpy's random stream")
    lesson.say("""
        The walkthrough's script calls np.random.seed(0), makes the spiral data, then
        the two layers' weights as 0.01 * randn. barenn.rng.NumpyLegacy(0) produces the
        very same numbers with the standard library, as long as everything draws from
        it in the same order: the data first, then Dense(2, 64), then Dense(64, 3).""")
    rng = NumpyLegacy(0)
    X, y = spiral(100, 3, rng=rng)
    dense1 = Dense(2, 64, rng=rng)
    dense2 = Dense(64, 3, rng=rng)
    print(f"{len(X)} points, 2 coordinates each, classes {sorted(set(y))} "
          f"({y.count(0)}, {y.count(1)} and {y.count(2)} points)")
    lesson.show("the first three points", X[:3])
    lesson.show("dense1.weights, the first 6 of 64 columns", [r[:6] for r in dense1.weights])
    print(f"dense1: {dense1.parameter_count()} parameters, dense2: {dense2.parameter_count()} "
          "(biases start at 0)")

    lesson.step("The network")
    lesson.say("""
        Dense(2, 64) -> ReLU -> Dense(64, 3) -> Softmax, scored with categorical
        cross-entropy. The Network fuses the softmax with the loss for the backward
        pass (the gradient is just y_hat - y, lesson 03).""")
    network = Network([dense1, ReLU(), dense2, Softmax()], loss=CategoricalCrossEntropy(),
                      optimizer=Adam(learning_rate=0.05, decay=5e-7))
    lesson.block(network.summary())

    lesson.step("Epoch 0: the untrained network")
    output = network.forward(X)
    loss0 = network.loss.calculate(output, y)
    accuracy0 = accuracy(output, y)
    print("The walkthrough prints, and so do we:")
    print(walkthrough_line(0, loss0, accuracy0))
    lesson.say("""
        With weights this small every score is close to 0, so the softmax gives each
        class about 1/3 and the loss is about -ln(1/3) = ln 3. The accuracy is whatever
        the tiny random weights happen to favour.""")
    lesson.show("ln 3", math.log(3))
    lesson.show("loss at epoch 0", loss0, digits=6)
    lesson.say("""
        The walkthrough's numpy works in float32 (about 7 significant digits),
        barenn in Python's float64 (about 16). Epoch 0 agrees to every printed
        digit; later epochs need not, as rounding differences grow with every
        update (lesson 07's --walkthrough-10000 run compares the last line).""")

    lesson.step(f"Training with Adam until the accuracy reaches {fmt(lesson.args.until)}")
    limit = lesson.pick(MAX_EPOCHS, QUICK_EPOCHS)
    every = lesson.pick(250, 50)
    lesson.say(f"""
        One epoch = forward over all 300 points, the loss, backward, one Adam step
        (learning_rate=0.05, decay=5e-7). Like the walkthrough, fit() reports each
        epoch's loss and accuracy from its forward pass, before its update, so its
        epoch 0 is the untrained network above. A line every {every} epochs; at most
        {limit} epochs{' (--quick)' if lesson.quick else ''}.""")
    start = time.perf_counter()
    reached = None
    for _ in range(limit):
        # The weights this epoch's figures will describe (its update comes after).
        before = [(copy(layer.weights), copy(layer.biases)) for layer in (dense1, dense2)]
        history = network.fit(X, y, epochs=1, verbose=0)
        epoch, loss, acc = history.epoch[-1], history.loss[-1], history.accuracy[-1]
        if epoch == 0:
            lesson.agree("fit's epoch-0 loss and the one above", loss, loss0)
        if epoch % every == 0 or acc >= lesson.args.until:
            print(walkthrough_line(epoch, loss, acc)
                  + f",lr: {history.learning_rate[-1]:.7f}")
        if acc >= lesson.args.until:
            reached = epoch
            break
    seconds = time.perf_counter() - start
    print(f"(took {seconds:.1f} seconds: {network.epochs_trained / seconds:.0f} epochs a second)")
    if reached is not None:
        print(f"reached accuracy >= {fmt(lesson.args.until)} at epoch {reached}")
        lesson.say(f"""
            That accuracy belongs to the weights before epoch {reached}'s update (the
            update itself may nudge it either way). We keep the network that scored it:
            the weights copied before that epoch go back into the two layers.""")
        for layer, (weights, biases) in zip((dense1, dense2), before):
            layer.weights, layer.biases = weights, biases
    else:
        print(f"accuracy {fmt(history.accuracy[-1])} after {network.epochs_trained} epochs: not "
              f"yet {fmt(lesson.args.until)}" + (" (run without --quick to get there)" if lesson.quick else ""))

    lesson.step("What the trained network does with the plane")
    final = network.evaluate(X, y)
    lesson.say("""
        evaluate() runs the trained network once more on the same points (there is
        no separate test set here; lesson 05 is about that).""")
    lesson.show("final loss", final.loss)
    lesson.show("final accuracy", final.accuracy)
    trained = reached if reached is not None else network.epochs_trained
    path = os.path.join(lesson.out, PICTURE)
    scatter_svg(X, y, path=path, predict=network.predict_classes, resolution=80,
                title=f"Spiral, 2-64-3 network after {trained} epochs "
                      f"(accuracy {final.accuracy:.3f})")
    lesson.wrote(path)
    lesson.say("""
        Each cell of an 80 x 80 grid over the plane is shaded with the class the
        network predicts there, and the 300 training points are drawn on top: three
        interleaved arms, carved out of the plane by 64 bent lines (one per ReLU).""")

    lesson.recap("""
        - numpy's random stream, reproduced, gives the walkthrough's data,
          weights and first line
        - Network (barenn/network.py) strings the layers together; fit trains
          them epoch after epoch and returns the History it printed""",
                 "lesson 07 opens fit up: the training loop written out by hand, "
                 "and the same loop on the scalar engine.")


if __name__ == "__main__":
    main()
