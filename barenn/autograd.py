"""A scalar that remembers how it was made: the second engine's building block.

A :class:`Value` holds one number (``data``), the gradient of some final result with
respect to it (``grad``), the operation that produced it (``op``), the one or two values
it was made from (``inputs``) and, for each of those, the *local derivative* of this
value with respect to that input (``local_derivatives``). The local derivatives are
worked out during the forward computation, right where each operation is written, so
``backward()`` only has to apply the chain rule::

    child.grad += (d this / d child) * this.grad

in reverse topological order (every value before the values it was made from).

>>> x1, w1 = Value(2.0, "x1"), Value(-3.0, "w1")
>>> x2, w2 = Value(0.0, "x2"), Value(1.0, "w2")
>>> n = x1 * w1 + x2 * w2 + Value(6.0, "b")
>>> o = n.tanh()
>>> o.data
0.0
>>> o.backward()
>>> x1.grad, w1.grad, x2.grad, w2.grad
(-3.0, 2.0, 1.0, 0.0)

Accumulation rule: ``backward()`` *adds* d(self)/d(node) to every node's ``grad``; it
never overwrites. Calling it twice therefore doubles the gradients (as in PyTorch), and
gradients of two results that share inputs add up. ``zero_grad()`` sets them back to 0.

>>> a = Value(3.0, "a")
>>> b = a * a
>>> b.backward()
>>> a.grad
6.0
>>> b.backward()
>>> a.grad
12.0
>>> b.zero_grad()
>>> a.grad
0.0

A value used twice gets both contributions, because each use is a separate edge:

>>> a = Value(1.0)
>>> b = a + a
>>> c = b + b
>>> c.backward()
>>> a.grad
4.0

Numerically unsafe spots raise clear errors instead of returning junk: ``log`` of a
number <= 0 raises ``ValueError``; ``exp`` beyond the float range raises
``OverflowError``; dividing by zero raises ``ZeroDivisionError``; a negative base with a
non-integer number exponent, or with a ``Value`` exponent (whose derivative needs
``ln(base)``), raises ``ValueError``.

Lesson 08 (scalar autograd) builds this engine step by step. Pictures of a graph are
``barenn.graph.to_svg(value)`` and ``barenn.graph.to_dot(value)``.
"""

import math
import numbers
import operator

from barenn.checks import check_number, check_type

__all__ = ["Value", "WeightedSum", "weighted_sum"]

# exp(x) is finite only for x <= log(largest float), about 709.78.
_EXP_LIMIT = math.log(1.7976931348623157e308)


def _as_float(x, owner, name, expected="a number (int or float) or a Value"):
    """``x`` as a float if it is a real number (not a bool), else barenn.checks' TypeError."""
    value = check_type(owner, name, x, numbers.Real, expected)
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{owner}: {name} is too large for a float") from None


def _as_value(other, op):
    """Wrap a plain number as a constant leaf Value so it shows in the graph."""
    if isinstance(other, Value):
        return other
    return Value(_as_float(other, f"Value {op}", "the other operand"))


def _power_dbase(a, n):
    """d(a**n)/da = n * a**(n-1), with the edge cases at a = 0 spelled out.

    At a = 0 the derivative is 0 for n > 1, 1 for n = 1, and +inf for 0 < n < 1 (the
    curve is vertical there, like sqrt at 0). For n = 0 the function is the constant 1.
    """
    if n == 0:
        return 0.0
    if a == 0 and n < 1:
        return math.inf
    return n * a ** (n - 1)


class Value:
    """One number in a computation graph, with its gradient (taught in lesson 08,
    scalar autograd).

    ``Value(data, label="")``: ``data`` is any real number (stored as a float),
    ``label`` is a name used in ``repr`` and in graph pictures. ``grad`` starts at 0.0
    and is filled in by :meth:`backward` of a value computed from this one.

    Supported: ``+ - * /`` and ``**`` with plain numbers on either side or with other
    Values, unary minus, and the methods :meth:`exp`, :meth:`log`, :meth:`tanh`,
    :meth:`relu`, :meth:`sigmoid`. Anything else raises ``TypeError``.
    """

    # Every operation has one or two inputs, so they are kept in four plain slots
    # (_a, _da, _b, _db) rather than in tuples: a training step on a small MLP builds
    # tens of thousands of Values, and not allocating two tuples per node halves the
    # time of the forward pass. __slots__ (no per-object __dict__) keeps each one small.
    __slots__ = ("data", "grad", "label", "op", "_a", "_da", "_b", "_db")

    def __init__(self, data, label="", _op="", _a=None, _da=0.0, _b=None, _db=0.0):
        if type(data) is not float:
            data = _as_float(data, "Value", "data", "a number (int or float)")
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = _op     # name of the operation that made this value ("" for a leaf)
        self._a = _a      # first input (None for a leaf)
        self._da = _da    # d(self)/d(first input)
        self._b = _b      # second input (None for leaves and one-input operations)
        self._db = _db    # d(self)/d(second input)

    @property
    def inputs(self):
        """The Values this one was made from, in order (a Value used twice appears twice)."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    @property
    def local_derivatives(self):
        """d(self)/d(input) for each of ``inputs``, in the same order."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._da,)
        return (self._da, self._db)

    def __repr__(self):
        name = f"{self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    def __float__(self):
        return self.data

    # ---- arithmetic: each operation computes its result and its local derivatives ----

    def __add__(self, other):
        other = other if type(other) is Value else _as_value(other, "+")
        # d(a+b)/da = 1, d(a+b)/db = 1
        return Value(self.data + other.data, "", "+", self, 1.0, other, 1.0)

    def __radd__(self, other):  # other + self, other a plain number
        return _as_value(other, "+") + self

    def __sub__(self, other):
        other = other if type(other) is Value else _as_value(other, "-")
        # d(a-b)/da = 1, d(a-b)/db = -1
        return Value(self.data - other.data, "", "-", self, 1.0, other, -1.0)

    def __rsub__(self, other):  # other - self
        return _as_value(other, "-") - self

    def __mul__(self, other):
        other = other if type(other) is Value else _as_value(other, "*")
        # d(a*b)/da = b, d(a*b)/db = a
        return Value(self.data * other.data, "", "*", self, other.data, other, self.data)

    def __rmul__(self, other):  # other * self
        return _as_value(other, "*") * self

    def __truediv__(self, other):
        other = other if type(other) is Value else _as_value(other, "/")
        a, b = self.data, other.data
        if b == 0:
            raise ZeroDivisionError(f"Value division by zero: {a!r} / {b!r}")
        out = a / b
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2 = -(a/b)/b
        return Value(out, "", "/", self, 1.0 / b, other, -out / b)

    def __rtruediv__(self, other):  # other / self
        return _as_value(other, "/") / self

    def __neg__(self):
        # d(-a)/da = -1
        return Value(-self.data, "", "neg", self, -1.0)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        n = _as_float(other, "Value **", "the exponent")
        a = self.data
        if a < 0 and not n.is_integer():
            raise ValueError(
                f"({a!r}) ** {other!r} has no real value: a negative base needs an integer exponent"
            )
        if a == 0 and n < 0:
            raise ZeroDivisionError(f"0.0 ** {other!r} divides by zero")
        try:
            out = a ** n
        except OverflowError:
            raise OverflowError(f"({a!r}) ** {other!r} is too large for a float") from None
        # d(a**n)/da = n * a**(n-1)
        return Value(out, "", f"**{other!r}", self, _power_dbase(a, n))

    def _pow_value(self, exponent):
        """self ** exponent where the exponent is itself a Value (both get gradients)."""
        a, b = self.data, exponent.data
        if a < 0:
            raise ValueError(
                f"({a!r}) ** Value({b!r}): a Value exponent needs a base >= 0, because "
                "d(a**b)/db = a**b * ln(a) has no real value for a < 0 "
                "(for an integer power of a negative number use a plain number exponent)"
            )
        if a == 0 and b < 0:
            raise ZeroDivisionError(f"0.0 ** Value({b!r}) divides by zero")
        try:
            out = a ** b
        except OverflowError:
            raise OverflowError(f"({a!r}) ** {b!r} is too large for a float") from None
        # d(a**b)/da = b * a**(b-1);  d(a**b)/db = a**b * ln(a)
        # (at a = 0: a**b * ln(a) -> 0 as a -> 0 for b > 0, and -inf for b = 0)
        if a > 0:
            dexponent = out * math.log(a)
        else:
            dexponent = 0.0 if b > 0 else -math.inf
        return Value(out, "", "**", self, _power_dbase(a, b), exponent, dexponent)

    def __rpow__(self, other):  # number ** self
        return _as_value(other, "**")._pow_value(self)

    # ---- functions ----

    def exp(self):
        """e ** self; raises OverflowError above about 709.78 (beyond the float range)."""
        x = self.data
        if x > _EXP_LIMIT:
            raise OverflowError(f"exp({x!r}) is too large for a float (limit about {_EXP_LIMIT:.2f})")
        out = math.exp(x)
        # d(e**x)/dx = e**x
        return Value(out, "", "exp", self, out)

    def log(self):
        """Natural logarithm; raises ValueError for data <= 0, where it is not defined."""
        x = self.data
        if not x > 0:  # also catches NaN
            raise ValueError(f"log is defined only for numbers > 0, got {x!r}")
        # d(ln x)/dx = 1/x
        return Value(math.log(x), "", "log", self, 1.0 / x)

    def tanh(self):
        """Hyperbolic tangent, in (-1, 1)."""
        t = math.tanh(self.data)  # math.tanh does not overflow, unlike (e^2x - 1)/(e^2x + 1)
        # d(tanh x)/dx = 1 - tanh(x)**2
        return Value(t, "", "tanh", self, 1.0 - t * t)

    def relu(self):
        """max(0, self)."""
        x = self.data
        # d(relu x)/dx = 1 for x > 0, else 0 (we take 0 at x = 0 itself)
        if x > 0:
            return Value(x, "", "relu", self, 1.0)
        return Value(0.0, "", "relu", self, 0.0)

    def sigmoid(self):
        """1 / (1 + e**-self), in (0, 1), computed without overflow for any input."""
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # e**-x would overflow for very negative x; use e**x / (1 + e**x) instead
            e = math.exp(x)
            s = e / (1.0 + e)
        # d(sigmoid x)/dx = sigmoid(x) * (1 - sigmoid(x))
        return Value(s, "", "sigmoid", self, s * (1.0 - s))

    # ---- the graph ----

    def topological_order(self):
        """Every Value this one depends on, each once, inputs before results; self last.

        Iterative depth-first search (no recursion), so a chain of 100,000 operations
        works at the default recursion limit.
        """
        order = []
        seen = set()
        stack = [self]
        push, pop = stack.append, stack.pop
        while stack:
            node = pop()
            if node is None:
                # Everything pushed above the marker (the node's inputs and all they
                # depend on) has been placed, so the node just below it can go now.
                order.append(pop())
                continue
            if node in seen:
                continue
            seen.add(node)
            push(node)
            push(None)  # marker: "place the node below me once my inputs are placed"
            # pushed in reverse, so the first input is placed first
            for child in reversed(node.inputs):
                if child not in seen:
                    push(child)
        return order

    def backward_step(self):
        """This node's own piece of the chain rule: pass ``grad`` on to its inputs
        (lesson 08, scalar autograd).

        For each input, ``input.grad += (d self / d input) * self.grad``, with the local
        derivative worked out when the node was made. Nothing else: no other node is
        touched. Calling it by hand on every node, from the result back to the leaves,
        is exactly what :meth:`backward` does::

            >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
            >>> c = a * b
            >>> c.grad = 1.0          # d c / d c
            >>> c.backward_step()     # a.grad += b * 1, b.grad += a * 1
            >>> a.grad, b.grad
            (-3.0, 2.0)
        """
        g = self.grad
        a = self._a
        if a is not None:
            a.grad += self._da * g
            b = self._b
            if b is not None:
                b.grad += self._db * g

    def backward(self, gradient=1.0):
        """Add d(self)/d(node) * gradient to ``grad`` of every node self was made from
        (the chain rule, backwards through the graph: lesson 08, scalar autograd).

        ``gradient`` is d(final)/d(self), 1.0 when self is the final result (the loss).
        The loop: put the nodes in topological order, set self.grad, then call each
        node's :meth:`backward_step`, from self back to the leaves. Gradients
        accumulate across calls (see the module docstring and :meth:`zero_grad`): the
        grads found before the call are set aside while the pass runs, so that none is
        pushed through the graph twice, and added back at the end.
        """
        gradient = check_number("Value.backward", "gradient", gradient)
        order = self.topological_order()
        earlier = [node.grad for node in order]   # what earlier calls left behind
        for node in order:
            node.grad = 0.0
        self.grad = gradient
        for node in reversed(order):              # self first, the leaves last
            node.backward_step()
        for node, previous in zip(order, earlier):
            node.grad += previous

    def zero_grad(self):
        """Set ``grad`` to 0.0 on this value and on every value it was made from."""
        for node in self.topological_order():
            node.grad = 0.0


class WeightedSum(Value):
    """One node for a neuron's whole weighted sum: w1*x1 + ... + wn*xn + b.

    Built by :func:`weighted_sum`. Its inputs are the weights, the inputs that are
    Values, and the bias; its local derivatives are the matching x's (for the
    weights), w's (for the inputs) and 1 (for the bias): exactly the derivatives the
    2n + 1 separate ``*`` and ``+`` nodes would pass on, so every gradient is the
    same. Why one node: a step of the 100-sample moons MLP(2, [16, 16, 1]) makes
    about 100,000 two-input nodes, and Python's garbage collector walks every one of
    them many times while the graph is alive (they form no cycles, so it never finds
    anything to free). One node per neuron makes about ten times fewer objects.
    """

    __slots__ = ("_inputs", "_derivatives")

    def __init__(self, data, inputs, derivatives, label=""):
        super().__init__(data, label, "w·x+b")
        self._inputs = inputs
        self._derivatives = derivatives

    @property
    def inputs(self):
        return self._inputs

    @property
    def local_derivatives(self):
        return self._derivatives

    def backward_step(self):
        """``input.grad += (d self / d input) * self.grad`` for every input."""
        g = self.grad
        for node, derivative in zip(self._inputs, self._derivatives):
            node.grad += derivative * g


def weighted_sum(weights, inputs, bias):
    """w1*x1 + ... + wn*xn + b as one :class:`WeightedSum` node.

    ``weights`` and ``bias`` are Values; ``inputs`` numbers or Values (plain numbers
    are constants: no node, no gradient). The sum runs left to right and adds the
    bias last, the order of ``w1*x1 + w2*x2 + ... + b`` written with Values, so the
    result is the same float.

    >>> w, b = [Value(2.0), Value(-1.0)], Value(0.5)
    >>> x = [Value(3.0), 4.0]
    >>> s = weighted_sum(w, x, b)
    >>> s.data
    2.5
    >>> s.backward()
    >>> [v.grad for v in w], x[0].grad, b.grad
    ([3.0, 4.0], 2.0, 1.0)
    """
    check_type("weighted_sum", "weights", weights, (list, tuple), "a list of Values")
    check_type("weighted_sum", "inputs", inputs, (list, tuple), "a list of numbers or Values")
    check_type("weighted_sum", "bias", bias, Value, "a Value")
    for w in weights:
        check_type("weighted_sum", "weights", w, Value, "a list of Values")
    w_data = [w.data for w in weights]
    x_data = [x.data if isinstance(x, Value) else _as_float(x, "weighted_sum", "an input")
              for x in inputs]
    if len(w_data) != len(x_data):
        raise ValueError(f"weighted_sum: {len(w_data)} weights but {len(x_data)} inputs")
    total = sum(map(operator.mul, w_data, x_data)) + bias.data
    nodes = list(weights)
    slopes = x_data[:]
    for x, w in zip(inputs, w_data):
        if isinstance(x, Value):
            nodes.append(x)
            slopes.append(w)
    nodes.append(bias)
    slopes.append(1.0)
    return WeightedSum(float(total), tuple(nodes), tuple(slopes))
