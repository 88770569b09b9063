"""One neuron, backpropagation by hand.

One sample with three features goes through one neuron and a ReLU. We work out how
the output changes when each weight, the bias or each input is nudged (the chain
rule, one factor at a time), take one gradient step that lowers the output, and then
let barenn's Dense layer and ReLU do the same and check they agree.

Run from the repository root:  python lessons/01_one_neuron.py [--step]
"""

import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.activations import ReLU
from barenn.layers import Dense
from barenn.lesson import Lesson, fmt
from barenn.matrix import column, scale, subtract


def main(argv=None):
    lesson = Lesson("Lesson 01: one neuron, backpropagation by hand", argv)

    lesson.step("The forward pass, by hand")
    x = [1.0, -2.0, 3.0]   # one sample, three features
    w = [-3.0, -1.0, 2.0]  # one weight per feature
    b = 1.0
    lesson.show("x", x)
    lesson.show("w", w)
    lesson.show("b", b)
    p0 = x[0] * w[0]
    p1 = x[1] * w[1]
    p2 = x[2] * w[2]
    print(f"products: p0 = x0*w0 = {fmt(p0)}, p1 = x1*w1 = {fmt(p1)}, p2 = x2*w2 = {fmt(p2)}")
    z = p0 + p1 + p2 + b
    lesson.show("z = p0 + p1 + p2 + b", z)
    relu = max(z, 0.0)
    lesson.show("ReLU(z) = max(z, 0)", relu)

    lesson.step("Every partial derivative, by hand")
    lesson.say("""
        Say the layer after this neuron hands back dvalue = 1: a small change in the
        neuron's output changes the cost by the same amount. The chain rule multiplies
        the slopes met on the way back from the output to each weight.""")
    dvalue = 1.0
    drelu_dz = dvalue * (1.0 if z > 0 else 0.0)  # ReLU passes the slope on where z > 0
    lesson.show("dvalue (from the next layer)", dvalue)
    lesson.show("drelu_dz = dvalue * (1 if z > 0 else 0)", drelu_dz)
    # z = x0*w0 + x1*w1 + x2*w2 + b: nudging w_i moves z by x_i, nudging x_i by w_i,
    # and nudging b moves z one for one.
    dz_dw = [x[0], x[1], x[2]]
    dz_dx = [w[0], w[1], w[2]]
    dz_db = 1.0
    lesson.show("dz_dw = x", dz_dw)
    lesson.show("dz_dx = w", dz_dx)
    lesson.show("dz_db", dz_db)
    dw = [drelu_dz * dz_dw[0], drelu_dz * dz_dw[1], drelu_dz * dz_dw[2]]
    dx = [drelu_dz * dz_dx[0], drelu_dz * dz_dx[1], drelu_dz * dz_dx[2]]
    db = drelu_dz * dz_db
    lesson.show("dw = drelu_dz * dz_dw", dw)
    lesson.show("dx = drelu_dz * dz_dx", dx)
    lesson.show("db = drelu_dz * dz_db", db)
    lesson.say("""
        dw and db tell how to change this neuron's own parameters; dx is what it hands
        back to whatever produced x (the layer before), which continues the chain.""")

    lesson.step("One gradient step lowers the output")
    learning_rate = 0.001
    lesson.show("learning_rate", learning_rate)
    new_w = [w[0] - learning_rate * dw[0], w[1] - learning_rate * dw[1],
             w[2] - learning_rate * dw[2]]
    new_b = b - learning_rate * db
    lesson.show("w - learning_rate * dw", new_w)
    lesson.show("b - learning_rate * db", new_b)
    new_z = x[0] * new_w[0] + x[1] * new_w[1] + x[2] * new_w[2] + new_b
    new_relu = max(new_z, 0.0)
    print(f"output before the step: {fmt(relu)}")
    print(f"output after the step:  {fmt(new_relu)}")
    # Moving every parameter against its slope lowers z by learning_rate times the
    # sum of the squared slopes (to first order; here z is linear, so exactly).
    predicted = learning_rate * (dw[0] ** 2 + dw[1] ** 2 + dw[2] ** 2 + db ** 2)
    print(f"lower by {fmt(relu - new_relu)} = learning_rate * (dw0^2 + dw1^2 + dw2^2 + db^2)"
          f" = {fmt(predicted)}")

    lesson.step("The same neuron with barenn: Dense(3, 1) and ReLU")
    lesson.say("""
        barenn keeps a layer's weights as n_inputs x n_neurons, so one neuron's three
        weights form a 3x1 column, and the sample is a 1x3 batch of one row.""")
    dense = Dense(3, 1)
    dense.weights = column(w)
    dense.biases = [[b]]
    activation = ReLU()
    lesson.show("dense.weights", dense.weights)
    lesson.show("dense.biases", dense.biases)
    output = activation.forward(dense.forward([x]))
    lesson.show("ReLU(Dense(x))", output)
    lesson.agree("z by hand and from Dense.forward", z, dense.output[0][0])
    lesson.agree("ReLU by hand and from ReLU.forward", relu, output[0][0])

    lesson.step("Backward with barenn: ReLU.backward, then Dense.backward")
    activation.backward([[dvalue]])
    dense.backward(activation.dinputs)
    lesson.show("dense.dweights", dense.dweights)
    lesson.show("dense.dbiases", dense.dbiases)
    lesson.show("dense.dinputs", dense.dinputs)
    lesson.agree("dw by hand and dweights from Dense.backward", column(dw), dense.dweights)
    lesson.agree("db by hand and dbiases from Dense.backward", [[db]], dense.dbiases)
    lesson.agree("dx by hand and dinputs from Dense.backward", [dx], dense.dinputs)

    lesson.step("The gradient step with barenn")
    dense.weights = subtract(dense.weights, scale(dense.dweights, learning_rate))
    dense.biases = subtract(dense.biases, scale(dense.dbiases, learning_rate))
    after = activation.forward(dense.forward([x]))
    lesson.show("output after the step", after)
    lesson.agree("the stepped output by hand and by barenn", new_relu, after[0][0])

    lesson.recap("""
        - a neuron is a weighted sum plus a bias, then an activation
        - each weight's slope is its input times the slope that arrives
          from above; each input's slope is its weight times the same
        - barenn/layers.py (Dense.forward, Dense.backward) and
          barenn/activations.py (ReLU) compute exactly these numbers""",
                 "lesson 02: a whole batch of samples through a layer of neurons, "
                 "the same sums as matrix products.")


if __name__ == "__main__":
    main()
