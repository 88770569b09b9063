"""The softmax Jacobian, and why softmax + cross-entropy are fused.

Softmax turns a row of scores into probabilities. Each output depends on every
input, so its derivative is a matrix, the Jacobian diag(s) - s s^T. Backpropagating
cross-entropy through that matrix, sample by sample, gives the same numbers as the
one-line shortcut (y_hat - y) / n: we multiply it out for one sample and watch the
terms cancel, check both paths on a batch, then time them.

Run from the repository root:  python lessons/03_softmax_jacobian.py [--step] [--quick]
"""

import random
import sys
import time
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import Softmax, softmax_jacobian
from barenn.lesson import Lesson, fmt
from barenn.losses import CategoricalCrossEntropy, SoftmaxCrossEntropy


def best_time(function, repeats):
    """The shortest of ``repeats`` timed calls, in seconds (other programs running on
    the machine can only add time, so the minimum is the fairest estimate)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None):
    lesson = Lesson("Lesson 03: the softmax Jacobian and the fused gradient", argv)

    lesson.step("The Jacobian of one softmax output, by hand")
    s = [0.7, 0.1, 0.2]
    lesson.show("s", s)
    lesson.say("""
        ds_i/dz_j = s_i * (1 - s_j) when i = j, and s_i * (0 - s_j) otherwise.
        With delta_ij = 1 on the diagonal and 0 elsewhere: s_i * (delta_ij - s_j),
        which as matrices is diag(s) - s s^T.""")
    k = len(s)
    jacobian_by_hand = [[s[i] * ((1.0 if i == j else 0.0) - s[j]) for j in range(k)]
                        for i in range(k)]
    lesson.show("Jacobian by hand", jacobian_by_hand)
    print("column sums: " + ", ".join(fmt(sum(r[j] for r in jacobian_by_hand))
                                      for j in range(k)))
    lesson.say("""
        Column j says how every s_i moves when z_j moves. The s_i always add up
        to 1, so those moves cancel: each column adds up to 0. (This matrix is
        symmetric, s_i * s_j either way round, so its rows add up to 0 too.)""")

    lesson.step("The same Jacobian with barenn")
    jacobian = softmax_jacobian(s)
    lesson.show("softmax_jacobian(s)", jacobian)
    lesson.agree("the Jacobian by hand and softmax_jacobian", jacobian_by_hand, jacobian)

    lesson.step("A batch of softmax outputs and their targets")
    softmax_outputs = [[0.7, 0.1, 0.2],
                       [0.1, 0.5, 0.4],
                       [0.02, 0.9, 0.08]]
    targets = [0, 1, 1]  # the true class of each sample
    lesson.show("y_hat, the softmax outputs", softmax_outputs)
    lesson.show("targets", targets)
    n = len(softmax_outputs)
    one_hot = [[1.0 if j == t else 0.0 for j in range(3)] for t in targets]
    lesson.show("the same targets one-hot: a 1 at the true class", one_hot)
    lesson.say("""
        A one-hot row is the probabilities a perfect network would give. barenn's
        losses take either form; y in (y_hat - y) below is the one-hot one.""")
    lesson.agree("the loss with class indices and with one-hot rows",
                 CategoricalCrossEntropy().calculate(softmax_outputs, targets),
                 CategoricalCrossEntropy().calculate(softmax_outputs, one_hot))

    lesson.step("Path 1: cross-entropy's gradient, then back through each Jacobian")
    loss = CategoricalCrossEntropy()
    dvalues = loss.backward(softmax_outputs, targets)
    lesson.say("""
        The loss of a sample is -log(y_hat[k]) at its true class k, so its slope is
        -1 / y_hat[k] there and 0 elsewhere, divided by n because the loss is the mean
        over the batch.""")
    lesson.show("dvalues from CategoricalCrossEntropy.backward", dvalues)
    softmax = Softmax()
    softmax.output = softmax_outputs  # as if forward had produced these probabilities
    dinputs_jacobian = softmax.backward(dvalues)
    lesson.show("dinputs from Softmax.backward, each row of dvalues times its Jacobian",
                dinputs_jacobian)

    lesson.step("Why the Jacobian path collapses, on the first sample")
    lesson.say("""
        Softmax.backward gives dinputs[j] = sum over i of dvalues[i] * J[i][j]:
        down column j of the Jacobian, weighted by the loss's slopes. Those are
        0 except at the true class k, so only row k of J is left:
          dinputs[j] = (-1 / (n * s_k)) * s_k * (delta_kj - s_j)
                     = (s_j - delta_kj) / n       (the s_k cancels)""")
    first, true_class = softmax_outputs[0], targets[0]
    print(f"sample 0: s = {first}, true class k = {true_class}, n = {n}")
    print(f"dvalues[k] = -1 / (n * s_k) = -1 / ({n} * {fmt(first[true_class])}) = "
          f"{fmt(dvalues[0][true_class])}")
    jacobian_0 = softmax_jacobian(first)
    for j in range(len(first)):
        product = dvalues[0][true_class] * jacobian_0[true_class][j]
        delta = 1 if j == true_class else 0
        print(f"j = {j}: {fmt(dvalues[0][true_class])} * J[{true_class}][{j}] "
              f"= {fmt(dvalues[0][true_class])} * {fmt(jacobian_0[true_class][j])} "
              f"= {fmt(product)}   (s_{j} - {delta}) / {n} = "
              f"{fmt((first[j] - delta) / n)}")
    lesson.agree("row 0 of the Jacobian path and (s - y) / n", dinputs_jacobian[0],
                 [(first[j] - (j == true_class)) / n for j in range(len(first))])

    lesson.step("Path 2: the fused gradient (y_hat - y) / n")
    lesson.say("""
        So the chain through the Jacobian is y_hat minus the one-hot target,
        over n, and can be computed as that directly. By hand:""")
    dinputs_by_hand = [[(softmax_outputs[i][j] - (1.0 if j == targets[i] else 0.0)) / n
                        for j in range(3)] for i in range(n)]
    lesson.show("(y_hat - y) / n by hand", dinputs_by_hand)
    fused = SoftmaxCrossEntropy()
    dinputs_fused = fused.backward(softmax_outputs, targets)
    lesson.show("dinputs from SoftmaxCrossEntropy.backward", dinputs_fused)
    lesson.agree("the fused gradient by hand and by barenn", dinputs_by_hand, dinputs_fused)

    lesson.step("Both paths give the same dinputs")
    lesson.agree("the Jacobian path and the fused path", dinputs_jacobian, dinputs_fused,
                 tol=1e-12)
    lesson.say("""
        The difference that is left, if any, is rounding: the two paths do different
        arithmetic, so the last bits of a float can differ.""")

    lesson.step("How much faster is the fused path?")
    rng = random.Random(3)
    samples, classes = 300, 3  # the size of the spiral data set trained on later
    scores = [[rng.gauss(0.0, 1.0) for _ in range(classes)] for _ in range(samples)]
    big_outputs = Softmax().forward(scores)
    big_targets = [rng.randrange(classes) for _ in range(samples)]
    repeats = lesson.pick(10, 3)
    print(f"a batch of {samples} samples x {classes} classes, best of {repeats} runs each")

    def jacobian_path():
        softmax.output = big_outputs
        softmax.backward(loss.backward(big_outputs, big_targets))

    def fused_path():
        fused.backward(big_outputs, big_targets)

    slow = best_time(jacobian_path, repeats)
    fast = best_time(fused_path, repeats)
    print(f"Jacobian path, per batch: {fmt(slow * 1000, 3)} ms")
    print(f"fused path, per batch:    {fmt(fast * 1000, 3)} ms")
    print(f"fused path: {slow / fast:.1f}x faster")
    lesson.say("""
        The Jacobian path builds a k x k matrix and multiplies by it for every
        sample; the fused path does one subtraction per number.""")

    lesson.recap("""
        - softmax's derivative is a matrix, diag(s) - s s^T, whose columns add
          up to 0 (barenn/activations.py: softmax_jacobian, Softmax.backward)
        - with cross-entropy after it, only one row of it matters and s_k
          cancels: (y_hat - y) / n (barenn/losses.py: SoftmaxCrossEntropy)
        - the same numbers either way, and the fused way is the faster""",
                 "lesson 04: what the optimizer does with these gradients.")


if __name__ == "__main__":
    main()
