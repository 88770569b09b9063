"""A scalar autograd engine: one neuron as a graph of single operations.

One neuron with two inputs and tanh, o = tanh(x1*w1 + x2*w2 + b), is written out one
operation at a time. We compute every value and every gradient by hand with the chain
rule, then let barenn's Value build the same graph and run backward(), then push the
same neuron through the matrix engine (Dense + Tanh), and check that all of them
agree. Then the scalar walkthrough's first graph, L = (a*b + c) * f, and its
gradients. Last, the neuron's graph is drawn as an SVG picture, with no tools
beyond Python.

Run from the repository root:  python lessons/08_scalar_autograd.py [--step] [--out DIR]
"""

import math
import os
import sys
import textwrap
from pathlib import Path

try:
    import barenn  # noqa: F401
except ImportError:  # run from a clone without installing: use the package next door
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from barenn import bridge, graph
from barenn.activations import Tanh
from barenn.autograd import Value
from barenn.check import numeric_gradient
from barenn.layers import Dense
from barenn.lesson import Lesson, fmt
from barenn.losses import MeanSquaredError
from barenn.matrix import column

DEFAULT_OUT = "barenn-out"
PICTURE = "08_neuron_graph.svg"


def build_neuron(x1, x2, w1, w2, b):
    """The neuron as a labelled graph of Values: returns every node by name."""
    nodes = {"x1": Value(x1, "x1"), "x2": Value(x2, "x2"),
             "w1": Value(w1, "w1"), "w2": Value(w2, "w2"), "b": Value(b, "b")}
    nodes["x1*w1"] = nodes["x1"] * nodes["w1"]
    nodes["x2*w2"] = nodes["x2"] * nodes["w2"]
    nodes["s"] = nodes["x1*w1"] + nodes["x2*w2"]
    nodes["n"] = nodes["s"] + nodes["b"]
    nodes["o"] = nodes["n"].tanh()
    for name, node in nodes.items():
        node.label = LABELS.get(name, name)
    return nodes


# A node is labelled by what it computes; the text calls this one s for short.
LABELS = {"s": "x1*w1 + x2*w2"}


def main(argv=None):
    lesson = Lesson("Lesson 08: a scalar autograd engine", argv, out=DEFAULT_OUT)

    lesson.step("The forward pass, one operation at a time")
    lesson.say("""
        The neuron o = tanh(x1*w1 + x2*w2 + b), split into the single operations a
        computer does. Every intermediate result gets a name, so we can talk about how
        the output depends on it. The bias is picked so that n = 0.8814, where
        tanh(n) = 1/sqrt(2): that makes the slopes below easy to check by eye.""")
    x1, x2 = 2.0, 0.0
    w1, w2 = -3.0, 1.0
    b = 6.8813735870195432
    for name, v in (("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b)):
        lesson.show(name, v)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = math.tanh(n)
    lesson.show("x1*w1", x1w1)
    lesson.show("x2*w2", x2w2)
    lesson.show("s = x1*w1 + x2*w2", s)
    lesson.show("n = s + b", n)
    lesson.show("o = tanh(n)", o)

    lesson.step("Every gradient by hand, from the output back to the inputs")
    lesson.say("""
        do/do = 1 to start. Going back one operation at a time, each node's gradient
        is (the gradient of the node it feeds) times (the local slope of that
        operation), the chain rule:
          tanh:  d tanh(n)/dn = 1 - tanh(n)^2 = 1 - o^2
          +:     the slope is 1 for both inputs, so + copies the gradient back
          *:     d(x*w)/dx = w and d(x*w)/dw = x, so * swaps the two values""")
    do = 1.0
    dn = do * (1 - o * o)
    ds = dn * 1.0
    db = dn * 1.0
    dx1w1 = ds * 1.0
    dx2w2 = ds * 1.0
    dx1, dw1 = dx1w1 * w1, dx1w1 * x1
    dx2, dw2 = dx2w2 * w2, dx2w2 * x2
    hand = {"o": do, "n": dn, "s": ds, "b": db, "x1*w1": dx1w1, "x2*w2": dx2w2,
            "x1": dx1, "w1": dw1, "x2": dx2, "w2": dw2}
    lesson.show("do/dn = 1 - o^2", dn)
    lesson.show("do/ds = do/dn * 1", ds)
    lesson.show("do/db = do/dn * 1", db)
    lesson.show("do/d(x1*w1) = do/ds * 1", dx1w1)
    lesson.show("do/d(x2*w2) = do/ds * 1", dx2w2)
    lesson.show("do/dx1 = do/d(x1*w1) * w1", dx1)
    lesson.show("do/dw1 = do/d(x1*w1) * x1", dw1)
    lesson.show("do/dx2 = do/d(x2*w2) * w2", dx2)
    lesson.show("do/dw2 = do/d(x2*w2) * x2", dw2)
    lesson.say("""
        w2 gets no gradient: its input x2 is 0, so nudging w2 changes nothing. x2 does
        get one (its weight is 1), even though its value is 0.""")

    lesson.step("The same graph with barenn's Value")
    lesson.say("""
        A Value remembers the operation that made it, its inputs, and the local slope
        with respect to each input, worked out while computing forward. Nothing is
        computed backward yet: every grad is still 0.""")
    nodes = build_neuron(x1, x2, w1, w2, b)
    out = nodes["o"]
    for name in ("x1*w1", "x2*w2", "s", "n", "o"):
        node = nodes[name]
        slopes = ", ".join(fmt(d) for d in node.local_derivatives)
        print(f"{name:6} = {fmt(node.data):>8}  made by {node.op!r:7} "
              f"local slopes [{slopes}]")
    lesson.agree("the forward values by hand and by Value",
                 [x1w1, x2w2, s, n, o],
                 [nodes[k].data for k in ("x1*w1", "x2*w2", "s", "n", "o")])

    lesson.step("backward(): the chain rule in reverse topological order")
    lesson.say("""
        backward() asks topological_order() for a list in which every node comes
        after its inputs, then walks it from the end: each node passes its
        gradient times each local slope to its inputs. A node is visited only
        after everything that uses it, so its gradient is complete by then.""")
    out.backward()
    order = out.topological_order()
    print(textwrap.fill("topological_order(): " + ", ".join(node.label for node in order),
                        width=78, subsequent_indent="  "))
    print("backward visits them in reverse:")
    name_of = {id(node): name for name, node in nodes.items()}
    for node in reversed(order):
        lesson.show(f"{name_of[id(node)]}.grad", node.grad)
    names = list(hand)
    lesson.agree("the gradients by hand and by backward()",
                 [hand[k] for k in names], [nodes[k].grad for k in names])

    lesson.step("A check that needs no calculus: nudge each input")
    lesson.say("""
        Nudge one leaf up and down by a tiny h and watch o move: (o(+h) - o(-h)) / 2h
        is its slope. barenn.check.numeric_gradient does this for every entry.""")
    leaves = [[x1, x2, w1, w2, b]]

    def forward():
        p = leaves[0]
        return build_neuron(*p)["o"].data

    numeric = numeric_gradient(forward, leaves)
    lesson.show("numeric slopes of x1, x2, w1, w2, b", numeric[0], digits=6)
    lesson.agree("backward() and central differences",
                 [nodes[k].grad for k in ("x1", "x2", "w1", "w2", "b")], numeric[0], tol=1e-8)

    lesson.step("The same neuron in the matrix engine: Dense(2, 1) and Tanh")
    lesson.say("""
        The matrix engine holds the two weights as a 2x1 column and the sample as a
        1x2 row. Its backward takes dvalues = do/do = [[1]] and returns dweights,
        dbiases and dinputs, all at once, with matrix products instead of a graph.""")
    dense = Dense(2, 1)
    dense.weights = column([w1, w2])
    dense.biases = [[b]]
    tanh = Tanh()
    output = tanh.forward(dense.forward([[x1, x2]]))
    lesson.show("Tanh(Dense([[x1, x2]]))", output)
    tanh.backward([[1.0]])
    dense.backward(tanh.dinputs)
    lesson.show("dense.dweights", dense.dweights)
    lesson.show("dense.dbiases", dense.dbiases)
    lesson.show("dense.dinputs", dense.dinputs)
    lesson.agree("o from Value and from the matrix engine", out.data, output[0][0])
    lesson.agree("w1.grad, w2.grad and dweights", column([nodes["w1"].grad, nodes["w2"].grad]),
                 dense.dweights)
    lesson.agree("b.grad and dbiases", [[nodes["b"].grad]], dense.dbiases)
    lesson.agree("x1.grad, x2.grad and dinputs", [[nodes["x1"].grad, nodes["x2"].grad]],
                 dense.dinputs)

    lesson.step("Both engines on a loss, through barenn.bridge")
    lesson.say("""
        barenn.bridge does this for whole networks: it builds a scalar MLP with
        exactly the weights of a Dense stack and compares the losses and every
        gradient. Here with the loss (o - 0.25)^2:""")
    target = 0.25
    result = bridge.compare_engines([dense, Tanh()], MeanSquaredError(), [[x1, x2]], [target])
    (matrix_dweights, matrix_dbiases), = result.matrix_gradients
    (scalar_dweights, scalar_dbiases), = result.scalar_gradients
    lesson.show("loss (o - 0.25)^2, matrix engine", result.matrix_loss)
    lesson.show("loss (o - 0.25)^2, scalar engine", result.scalar_loss)
    lesson.show("dweights of that loss, matrix engine", matrix_dweights)
    lesson.show("dweights of that loss, scalar engine", scalar_dweights)
    lesson.agree("the two engines' losses", result.matrix_loss, result.scalar_loss, tol=1e-9)
    lesson.agree("the two engines' dweights", matrix_dweights, scalar_dweights, tol=1e-9)
    lesson.agree("the two engines' dbiases", matrix_dbiases, scalar_dbiases, tol=1e-9)

    lesson.step("The walkthrough's first graph: L = (a*b + c) * f")
    lesson.say("""
        The same engine on the graph the scalar walkthrough starts with:
        e = a*b, d = e + c, L = d * f, for a = 2, b = -3, c = 10, f = -2. By the
        chain rule: dL/df = d, dL/dd = f, and + passes that on to e and c;
        * swaps, so dL/da = dL/de * b and dL/db = dL/de * a.""")
    a, b_, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b_
    e.label = "e = a*b"
    d = e + c
    d.label = "d = e + c"
    loss = d * f
    loss.label = "L = d*f"
    loss.backward()
    print(f"e = {fmt(e.data)}, d = {fmt(d.data)}, L = {fmt(loss.data)}")
    by_hand = {"f": d.data, "d": f.data, "c": f.data, "e": f.data,
               "a": f.data * b_.data, "b": f.data * a.data}
    made = {"f": f, "d": d, "c": c, "e": e, "a": a, "b": b_}
    print(f"{'node':>4}  {'by hand':>7}  {'.grad':>5}")
    for k, v in by_hand.items():
        print(f"{k:>4}  {fmt(v):>7}  {fmt(made[k].grad):>5}")
    lesson.agree("the gradients by hand and by backward()", list(by_hand.values()),
                 [made[k].grad for k in by_hand])

    lesson.step("A picture of the graph")
    nodes_drawn = out.topological_order()
    path = graph.to_svg(out, os.path.join(lesson.out, PICTURE))
    lesson.wrote(path)
    print(f"{len(nodes_drawn)} values, {sum(1 for v in nodes_drawn if v.op)} operations; "
          "open it in a browser.")
    print("Each box shows label | data | grad.")
    lesson.say("""
        barenn.graph.to_dot(out) gives the same graph as Graphviz DOT text
        (barenn/graph.py draws both).""")

    lesson.recap("""
        - every operation records its inputs and local slopes
          (barenn/autograd.py: Value.__mul__, __add__, tanh)
        - backward() walks topological_order() in reverse, multiplying slopes
          (barenn/autograd.py: Value.backward)
        - the matrix engine's Dense.backward gives the same numbers""",
                 "lesson 09: a network that outputs a number instead of a class: "
                 "regression.")


if __name__ == "__main__":
    main()
