"""Real digits: the bundled 8x8 handwritten digits, a 64-64-10 network, a test set.

Until now every data set was made up. These are 1,797 real handwritten digits
(UCI "Optical Recognition of Handwritten Digits", bundled with barenn), each 8x8
pixels. We keep a quarter of them aside as a test set the network never trains
on, train a network with 64 inputs, 64 hidden ReLU neurons and 10 softmax outputs,
and then look at what it gets wrong: accuracy on the test set, a confusion matrix
(whose largest column and row the closing words name), and the misclassified
digits themselves, in the terminal and as an SVG picture, captioned alike.

Run from the repository root:
    python lessons/11_real_digits.py [--step] [--quick] [--out DIR]
"""

import os
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU, Softmax
from barenn.datasets import load_digits, train_test_split
from barenn.layers import Dense
from barenn.lesson import Lesson
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.plot import digits_grid_svg, terminal_digit

DEFAULT_OUT = "barenn-out"
PICTURE = "11_misclassified_digits.svg"
FULL_EPOCHS = 16
QUICK_EPOCHS = 2
BATCH_SIZE = 64
LEARNING_RATE = 0.01
DECAY = 1e-3
SHOWN_IN_TERMINAL = 3


def confusion_matrix(true_labels, predicted_labels, classes=10):
    """counts[t][p]: how many samples of true class t were answered p."""
    counts = [[0] * classes for _ in range(classes)]
    for t, p in zip(true_labels, predicted_labels):
        counts[t][p] += 1
    return counts


def format_confusion(counts):
    """The confusion matrix as a text table: rows = true digit, columns = answer."""
    width = max(3, len(str(max(max(r) for r in counts))) + 1)
    lines = ["true \\ answer " + "".join(f"{c:>{width}}" for c in range(len(counts)))]
    for t, r in enumerate(counts):
        cells = "".join(f"{(v if v else '.'):>{width}}" for v in r)
        lines.append(f"{t:>13} {cells}")
    return "\n".join(lines)


def side_by_side(blocks, gap="   "):
    """Several multi-line text blocks printed next to each other."""
    split = [b.split("\n") for b in blocks]
    widths = [max(len(line) for line in lines) for lines in split]
    height = max(len(lines) for lines in split)
    rows = []
    for i in range(height):
        rows.append(gap.join((lines[i] if i < len(lines) else "").ljust(w)
                             for lines, w in zip(split, widths)).rstrip())
    return "\n".join(rows)


def main(argv=None):
    lesson = Lesson("Lesson 11: real digits, 8x8 pixels", argv, out=DEFAULT_OUT)
    started = time.perf_counter()

    lesson.step("The data: 1,797 digits of 8x8 pixels")
    X, y = load_digits()
    lesson.say("""
        Each image is 8 rows of 8 pixels, stored as one row of 64 numbers: how much
        ink each pixel holds, from 0 (blank) to 1 (full). The label is the digit.""")
    print(f"{len(X)} images, {len(X[0])} pixels each, digits {min(y)}..{max(y)}")
    print(f"{'digit':<8}" + "".join(f"{d:>6}" for d in range(10)))
    print(f"{'images':<8}" + "".join(f"{y.count(d):>6}" for d in range(10)))
    zero_share = sum(row.count(0.0) for row in X) / (len(X) * len(X[0]))
    print(f"share of pixels that are exactly 0: {zero_share:.1%}")
    print(f"the first image, a {y[0]}:")
    print(terminal_digit(X[0]))
    lesson.show("its first two pixel rows", [X[0][:8], X[0][8:16]], digits=4)

    lesson.step("A test set the network never trains on")
    lesson.say("""
        A network can learn its training images by heart; what counts is how it does
        on images it has not seen. So a quarter of the images go aside as a test set.
        The split is stratified: each digit is split 75/25 on its own, so both sides
        keep the same mix of digits.""")
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25,
                                                        stratify=True, seed=0)
    print(f"training images: {len(X_train)}, test images: {len(X_test)}")
    print("share of each digit in each set:")
    print(f"{'digit':<8}" + "".join(f"{d:>6}" for d in range(10)))
    for name, labels in (("training", y_train), ("test", y_test)):
        print(f"{name:<8}" + "".join(f"{labels.count(d) / len(labels):>6.3f}"
                                     for d in range(10)))

    lesson.step("The network: 64 inputs, 64 hidden ReLU neurons, 10 softmax outputs")
    network = Network([Dense(64, 64, init="he", seed=1), ReLU(),
                       Dense(64, 10, init="he", seed=2), Softmax()],
                      loss=CategoricalCrossEntropy(),
                      optimizer=Adam(learning_rate=LEARNING_RATE, decay=DECAY))
    lesson.block(network.summary())
    lesson.say("""
        He initialization (weights drawn with standard deviation sqrt(2 / 64)) suits
        ReLU layers. The output has one neuron per digit; softmax turns the ten
        scores into probabilities, and the answer is the most probable digit.""")

    epochs = lesson.pick(FULL_EPOCHS, QUICK_EPOCHS)
    lesson.step(f"Training: {epochs} epochs of mini-batches of {BATCH_SIZE}")
    lesson.say(f"""
        Adam (learning_rate={LEARNING_RATE}, decay={DECAY}) updates the weights after
        every batch of {BATCH_SIZE} training images: {-(-len(X_train) // BATCH_SIZE)}
        updates an epoch. After each epoch the test set is measured (only measured:
        its images never change the weights).""")
    training_started = time.perf_counter()
    history = network.fit(X_train, y_train, epochs=epochs, batch_size=BATCH_SIZE,
                          validation=(X_test, y_test), seed=0, verbose=0)
    training_seconds = time.perf_counter() - training_started
    for epoch, loss, acc, val_acc in zip(history.epoch, history.loss, history.accuracy,
                                         history.val_accuracy):
        print(f"epoch {epoch + 1:>2}: loss {loss:.4f}, training accuracy {acc:.4f}, "
              f"test accuracy {val_acc:.4f}")
    print(f"training took {training_seconds:.1f} s "
          f"({len(X_train) * epochs / training_seconds:.0f} images a second)")

    lesson.step("Test accuracy and the confusion matrix")
    result = network.evaluate(X_test, y_test)
    predicted = network.predict_classes(X_test)
    counts = confusion_matrix(y_test, predicted)
    print(f"test accuracy: {result.accuracy:.4f} "
          f"({sum(counts[d][d] for d in range(10))} of {len(y_test)} right)")
    print(f"test loss: {result.loss:.4f}")
    lesson.say("""
        Row t, column p counts the test images of digit t that the network called p.
        The diagonal holds the right answers; everything off it is a mistake, and its
        place says which digits get mixed up.""")
    print(format_confusion(counts))
    total = sum(map(sum, counts))
    right = sum(counts[d][d] for d in range(10))
    print(f"sum of all cells: {total} (one per test image)")
    lesson.agree("diagonal / total and evaluate()'s accuracy", right / total, result.accuracy)
    mixups = sorted(((counts[t][p], t, p) for t in range(10) for p in range(10) if t != p),
                    reverse=True)
    worst = [f"{t} taken for {p} ({n}x)" for n, t, p in mixups[:3] if n]
    print("top mix-ups: " + (", ".join(worst) if worst else "none"))
    mistakes = total - right
    said = [sum(counts[t][p] for t in range(10) if t != p) for p in range(10)]
    missed = [sum(counts[t][p] for p in range(10) if t != p) for t in range(10)]

    lesson.step("What the network gets wrong")
    wrong = [i for i, (t, p) in enumerate(zip(y_test, predicted)) if t != p]
    print(f"{len(wrong)} misclassified test images")
    if wrong:
        probabilities = network.predict([X_test[i] for i in wrong])
        blocks, sure = [], []
        for i, p in zip(wrong[:SHOWN_IN_TERMINAL], probabilities):
            answer = predicted[i]
            blocks.append(f"{answer} (true {y_test[i]})\n" + terminal_digit(X_test[i]))
            sure.append(f"{p[answer]:.0%}")
        print("the first ones, captioned answer (true digit) as in the picture:")
        print(side_by_side(blocks))
        print(f"the probability the network gave its wrong answer: {', '.join(sure)}")

    lesson.step("What the confusion matrix says")
    if wrong:
        def tops(counts_per_digit):  # the digits with the largest count (ties: all)
            most = max(counts_per_digit)
            return " and ".join(str(d) for d in range(10) if counts_per_digit[d] == most), most
        said_digits, said_most = tops(said)
        missed_digits, missed_most = tops(missed)
        worst_n = mixups[0][0]
        worst_pairs = " and ".join(f"{t} taken for {p}" for n, t, p in sorted(
            mixups, key=lambda m: (m[1], m[2])) if n == worst_n)
        each = lambda digits: " each" if " and " in digits else ""
        plural = lambda word, digits: word + ("s" if " and " in digits else "")
        lesson.tell(f"""
            Of the {mistakes} mistakes, the answer most often given to another
            digit: {said_digits}, {said_most} times{each(said_digits)} ({plural("column",
            said_digits)} {said_digits}, off the diagonal). The digit most often
            called something else: {missed_digits}, {missed_most} times{each(missed_digits)}
            ({plural("row", missed_digits)} {missed_digits}). The worst single mix-up:
            {worst_pairs}, {worst_n} times{each(worst_pairs)}.""")
        path = os.path.join(lesson.out, PICTURE)
        shown = wrong[:40]
        digits_grid_svg([X_test[i] for i in shown], true_labels=[y_test[i] for i in shown],
                        predicted_labels=[predicted[i] for i in shown], path=path,
                        title=f"Misclassified test digits ({len(wrong)} of {len(y_test)}), "
                              "captions: answer (true digit)")
        lesson.wrote(path)
    print(f"the whole lesson took {time.perf_counter() - started:.1f} s")

    lesson.recap("""
        - a test set the network never trains on says how it does on new images
        - the confusion matrix says which digits it mixes up, and the pictures
          of its mistakes show why
        - the same Network.fit (barenn/network.py) as for the spiral, with
          mini-batches""",
                 "lesson 12: MNIST, 60,000 digits of 28x28 pixels, and what makes "
                 "pure Python fast enough for them.")


if __name__ == "__main__":
    main()
