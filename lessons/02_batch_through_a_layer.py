"""A batch of samples through a layer of neurons, forward and back.

Three samples with four features each go through a layer of three neurons. Every
gradient of the layer is first added up with plain loops, one product at a time, and
then computed as a matrix product:

    dweights = inputs^T . dvalues    (4x3)
    dbiases  = column sums of dvalues (1x3)
    dinputs  = dvalues . weights^T   (3x4)

and finally by barenn's Dense layer. All three must agree.

Run from the repository root:  python lessons/02_batch_through_a_layer.py [--step]
"""

import sys
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn.layers import Dense
from barenn.lesson import Lesson
from barenn.matrix import add_row, dot, shape, sum_columns, transpose


def main(argv=None):
    lesson = Lesson("Lesson 02: a batch through a layer", argv)

    lesson.step("The batch, the weights and the biases")
    inputs = [[1.0, 2.0, 3.0, 2.5],
              [2.0, 5.0, -1.0, 2.0],
              [-1.5, 2.7, 3.3, -0.8]]
    lesson.show("inputs: one row per sample, one column per feature", inputs)
    # Written the way one usually reads a neuron: one row of four weights per neuron.
    weights_per_neuron = [[0.2, 0.8, -0.5, 1.0],
                          [0.5, -0.91, 0.26, -0.5],
                          [-0.26, -0.27, 0.17, 0.87]]
    lesson.show("each neuron's weights, one row per neuron", weights_per_neuron)
    lesson.say("""
        barenn stores a layer's weights the other way round, n_inputs x n_neurons:
        one column per neuron. Then inputs (3x4) times weights (4x3) needs no
        transpose in the forward pass. So we transpose the rows above once:""")
    weights = transpose(weights_per_neuron)
    lesson.show("weights", weights)
    biases = [[2.0, 3.0, 0.5]]
    lesson.show("biases", biases)

    lesson.step("Forward: output = inputs . weights + biases")
    n_samples, n_inputs = shape(inputs)
    n_neurons = len(biases[0])
    output_by_hand = [[sum(inputs[s][i] * weights[i][j] for i in range(n_inputs))
                       + biases[0][j] for j in range(n_neurons)]
                      for s in range(n_samples)]
    lesson.show("output by hand, one row per sample, one column per neuron", output_by_hand)
    output = add_row(dot(inputs, weights), biases)
    lesson.agree("output by hand and by dot + add_row", output_by_hand, output)

    lesson.step("The same product with one column per sample")
    lesson.say("""
        Many texts write a layer as W x + b: W has one row per neuron and x is
        one sample as a column, so a batch has one column per sample (X^T, if X
        is our inputs). barenn keeps samples as rows and stores W transposed,
        so it computes X . weights + b. Same numbers: (W . X^T)^T = X . W^T, and
        W^T is barenn's weights.""")
    columns = add_row(transpose(dot(weights_per_neuron, transpose(inputs))), biases)
    lesson.show("transpose(W . X^T) + b, W one row per neuron", columns)
    lesson.agree("the column convention and barenn's rows", columns, output)

    lesson.step("The gradient arriving from the next layer")
    lesson.say("""
        dvalues[s][j] is how much the cost changes per unit of neuron j's output on
        sample s. It has the output's shape. We pick easy numbers: every neuron gets
        1 on the first sample, 2 on the second and 3 on the third.""")
    dvalues = [[1.0, 1.0, 1.0],
               [2.0, 2.0, 2.0],
               [3.0, 3.0, 3.0]]
    lesson.show("dvalues", dvalues)

    lesson.step("dweights with loops")
    lesson.say("""
        Weight i of neuron j multiplies feature i, so its slope on sample s is
        inputs[s][i] * dvalues[s][j]. One weight serves every sample, so we add the
        slopes over the batch.""")
    dweights_loops = [[0.0] * n_neurons for _ in range(n_inputs)]
    for i in range(n_inputs):
        for j in range(n_neurons):
            for s in range(n_samples):
                dweights_loops[i][j] += inputs[s][i] * dvalues[s][j]
    lesson.show("dweights (loops)", dweights_loops)
    dweights = dot(transpose(inputs), dvalues)
    lesson.show("dweights = dot(transpose(inputs), dvalues)", dweights)
    lesson.agree("dweights by loops and by dot", dweights_loops, dweights)

    lesson.step("dbiases with loops")
    lesson.say("""
        A bias moves its neuron's output one for one, so its slope is dvalues itself,
        added over the batch: a sum down each column. It stays a 1x3 row, the shape of
        the biases it will update.""")
    dbiases_loops = [[0.0] * n_neurons]
    for j in range(n_neurons):
        for s in range(n_samples):
            dbiases_loops[0][j] += dvalues[s][j]
    lesson.show("dbiases (loops)", dbiases_loops)
    dbiases = sum_columns(dvalues)
    lesson.show("dbiases = sum_columns(dvalues)", dbiases)
    lesson.agree("dbiases by loops and by sum_columns", dbiases_loops, dbiases)

    lesson.step("dinputs with loops")
    lesson.say("""
        Feature i of sample s feeds every neuron j, with weight weights[i][j]. Its
        slope adds up what comes back from all the neurons: the sum over j of
        dvalues[s][j] * weights[i][j]. Samples stay apart: each keeps its own row,
        which the layer before needs for its own dweights.""")
    dinputs_loops = [[0.0] * n_inputs for _ in range(n_samples)]
    for s in range(n_samples):
        for i in range(n_inputs):
            for j in range(n_neurons):
                dinputs_loops[s][i] += dvalues[s][j] * weights[i][j]
    lesson.show("dinputs (loops)", dinputs_loops)
    dinputs = dot(dvalues, transpose(weights))
    lesson.show("dinputs = dot(dvalues, transpose(weights))", dinputs)
    lesson.agree("dinputs by loops and by dot", dinputs_loops, dinputs)

    lesson.step("The same layer in barenn: Dense(4, 3)")
    layer = Dense(4, 3)
    layer.weights = weights
    layer.biases = biases
    layer.forward(inputs)
    layer.backward(dvalues)
    lesson.show("layer.output", layer.output)
    lesson.agree("output by hand and from Dense.forward", output_by_hand, layer.output)
    lesson.show("layer.dweights", layer.dweights)
    lesson.agree("dweights by loops and from Dense.backward", dweights_loops, layer.dweights)

    lesson.step("Dense(4, 3)'s dbiases and dinputs")
    lesson.show("layer.dbiases", layer.dbiases)
    lesson.agree("dbiases by loops and from Dense.backward", dbiases_loops, layer.dbiases)
    lesson.show("layer.dinputs", layer.dinputs)
    lesson.agree("dinputs by loops and from Dense.backward", dinputs_loops, layer.dinputs)

    lesson.recap("""
        - a batch goes through a layer as one product: inputs . weights + biases
        - dweights = inputs^T . dvalues, dbiases = column sums of dvalues,
          dinputs = dvalues . weights^T: sums over the batch, done by dot
        - barenn/layers.py, Dense.forward and Dense.backward, is these lines;
          barenn/matrix.py has dot and transpose""",
                 "lesson 03: softmax, whose derivative is a whole matrix, and why "
                 "it is fused with the loss.")


if __name__ == "__main__":
    main()
