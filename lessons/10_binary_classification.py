"""Binary classification: one sigmoid output and binary cross-entropy.

When there are only two classes, one output neuron is enough: a sigmoid squashes its
score into a probability p of "class 1", and 1 - p is the probability of class 0.
We work out the sigmoid, the binary cross-entropy and the gradient for one sample by
hand and check barenn agrees, then train a small network on the two-moons data,
read its answers with a threshold of 0.5 and draw them, test points marked. Last,
two sigmoid outputs answer two independent yes/no questions at once.

Run from the repository root:
    python lessons/10_binary_classification.py [--step] [--quick] [--out DIR]
"""

import math
import os
import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU, Sigmoid
from barenn.datasets import moons, train_test_split
from barenn.layers import Dense
from barenn.lesson import Lesson
from barenn.losses import BinaryCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import scatter_svg

DEFAULT_OUT = "barenn-out"
PICTURE = "10_moons_regions.svg"
FULL_EPOCHS = 150
QUICK_EPOCHS = 20


def main(argv=None):
    lesson = Lesson("Lesson 10: binary classification", argv, out=DEFAULT_OUT)

    lesson.step("Sigmoid and binary cross-entropy for one sample, by hand")
    lesson.say("""
        The last neuron's score z becomes p = 1 / (1 + e^-z). For a sample whose
        true class is y (0 or 1), binary cross-entropy is
        -(y * ln p + (1 - y) * ln(1 - p)): -ln p when y = 1, -ln(1 - p) when y = 0.""")
    z, target = 0.8, 1
    p = 1 / (1 + math.exp(-z))
    loss = -(target * math.log(p) + (1 - target) * math.log(1 - p))
    lesson.show("z", z)
    lesson.show("y", target)
    lesson.show("p = sigmoid(z)", p, digits=6)
    lesson.show("loss = -ln p", loss, digits=6)
    lesson.say("""
        Backward, step by step: the loss's slope in p is -(y/p - (1 - y)/(1 - p)), the
        sigmoid's slope in z is p * (1 - p), and their product simplifies to p - y,
        just like softmax with cross-entropy gives y_hat - y.""")
    dloss_dp = -(target / p - (1 - target) / (1 - p))
    dp_dz = p * (1 - p)
    lesson.show("dloss/dp", dloss_dp, digits=6)
    lesson.show("dp/dz = p * (1 - p)", dp_dz, digits=6)
    lesson.show("dloss/dz = dloss/dp * dp/dz", dloss_dp * dp_dz, digits=6)
    lesson.show("p - y", p - target, digits=6)
    sigmoid, bce = Sigmoid(), BinaryCrossEntropy()
    output = sigmoid.forward([[z]])
    lesson.agree("p by hand and Sigmoid.forward", p, output[0][0])
    lesson.agree("the loss by hand and BinaryCrossEntropy", loss, bce.calculate(output, [target]))
    dz = sigmoid.backward(bce.backward(output, [target]))
    lesson.agree("p - y and the gradient barenn backpropagates", p - target, dz[0][0])

    lesson.step("Two moons")
    X, y = moons(100, noise=0.15, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25,
                                                        stratify=True, seed=1)
    lesson.say("""
        Two interleaved half circles, 100 points each, a little noise. No straight
        line separates them, so the network needs hidden layers. A quarter of the
        points (stratified: both classes alike) are kept back to test on.""")
    print(f"{len(X_train)} training points, {len(X_test)} test points; "
          f"class 1 is {sum(y_train)} of the training points")

    lesson.step("The network: ReLU layers, then one sigmoid output")
    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    network = Network([Dense(2, 16, init="he", seed=1), ReLU(),
                       Dense(16, 16, init="he", seed=2), ReLU(),
                       Dense(16, 1, init="xavier", seed=3), Sigmoid()],
                      loss=BinaryCrossEntropy(), optimizer=Adam(learning_rate=0.02, decay=1e-4))
    lesson.block(network.summary())
    history = network.fit(X_train, y_train, epochs=epochs, verbose=0)
    for epoch in sorted({0, epochs // 3, 2 * epochs // 3, epochs - 1}):
        print(f"epoch {epoch:>4}: loss {history.loss[epoch]:.4f}, "
              f"accuracy {history.accuracy[epoch]:.3f}")

    lesson.step("Answers by threshold: p > 0.5 means class 1")
    probabilities = [r[0] for r in network.predict(X_test)]
    answers = [1 if q > 0.5 else 0 for q in probabilities]
    for point, q, answer, truth in list(zip(X_test, probabilities, answers, y_test))[:5]:
        print(f"point ({point[0]:6.3f}, {point[1]:6.3f}): p = {q:.3f} -> class {answer} "
              f"(true class {truth})")
    right = sum(a == t for a, t in zip(answers, y_test))
    print(f"{right} of {len(y_test)} test points right by hand")
    lesson.agree("our thresholded answers and predict_classes", answers,
                 network.predict_classes(X_test))
    train = network.evaluate(X_train, y_train)
    test = network.evaluate(X_test, y_test)
    lesson.agree("the test accuracy by hand and evaluate()", right / len(y_test), test.accuracy)
    lesson.show("training accuracy", train.accuracy)
    lesson.show("test accuracy", test.accuracy)
    lesson.show("test loss", test.loss)
    path = os.path.join(lesson.out, PICTURE)
    # Test points get classes 2 and 3, so they are drawn in colours of their own.
    scatter_svg(X_train + X_test, list(y_train) + [t + 2 for t in y_test], path=path,
                predict=network.predict_classes, resolution=60,
                class_names=["class 0, trained on", "class 1, trained on",
                             "class 0, test", "class 1, test"],
                title=f"Two moons: where p > 0.5 after {epochs} epochs")
    lesson.wrote(path)
    print("(the shading is the network's answer; test points in colours of their own)")

    lesson.step("Several yes/no questions at once: one sigmoid per output")
    lesson.say("""
        Softmax makes its outputs compete: they add up to 1, one class wins.
        Sigmoid outputs are independent, so a network with several of them
        answers several yes/no questions about the same sample (multi-label).
        Two questions for each point: is it in moon 1? is x1 > 0.5? Binary
        cross-entropy is averaged over both outputs.""")
    two = [[t, 1 if x1 > 0.5 else 0] for (x1, _), t in zip(X_train, y_train)]
    two_test = [[t, 1 if x1 > 0.5 else 0] for (x1, _), t in zip(X_test, y_test)]
    multi = Network([Dense(2, 16, init="he", seed=1), ReLU(),
                     Dense(16, 16, init="he", seed=2), ReLU(),
                     Dense(16, 2, init="xavier", seed=3), Sigmoid()],
                    loss=BinaryCrossEntropy(), optimizer=Adam(learning_rate=0.02, decay=1e-4))
    multi.fit(X_train, two, epochs=epochs, verbose=0)
    outputs = multi.predict(X_test)
    for point, (p1, p2), answer in list(zip(X_test, outputs, two_test))[:3]:
        print(f"({point[0]:6.3f}, {point[1]:6.3f}): p = {p1:.3f}, {p2:.3f} "
              f"(sum {p1 + p2:.3f}), true {answer[0]}, {answer[1]}")
    answers = multi.predict_classes(X_test)
    for k, question in enumerate(("moon 1?", "x1 > 0.5?")):
        right = sum(a[k] == t[k] for a, t in zip(answers, two_test))
        print(f"{question:<10} {right} of {len(two_test)} test points right")

    lesson.recap("""
        - one sigmoid output and binary cross-entropy: the gradient at the
          score is p - y (barenn/activations.py: Sigmoid; barenn/losses.py:
          BinaryCrossEntropy)
        - the answer is a threshold on p; test points measure the boundary
        - several sigmoid outputs answer several independent questions""",
                 "lesson 11: real handwritten digits, ten classes, and a look at "
                 "the mistakes.")


if __name__ == "__main__":
    main()
