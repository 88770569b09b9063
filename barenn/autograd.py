"""A scalar that remembers how it was made: the second engine's building block (lesson 08).

A :class:`Value` holds one number (``data``), the gradient of some final result with
respect to it (``grad``), the operation that made it (``op``), the values it was made
from (``inputs``) and, for each of those, the *local derivative* of this value with
respect to that input (``local_derivatives``). Each operation works out its local
derivatives right where it computes its result, so ``backward()`` only has to apply
the chain rule::

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

Accumulation rule, as in PyTorch: ``backward()`` *adds* to the ``grad`` of every leaf
(a Value made by you, not by an operation), so calling it twice doubles the leaves'
gradients, and the gradients of two results that share leaves add up;
``zero_grad()`` sets them back to 0. A computed value's ``grad`` is the last
pass's own.

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

Pictures: ``barenn.graph.to_svg(value)``; a notebook shows a Value's graph by itself.
"""

import math

from barenn.checks import check_number
from barenn.scalar_checks import check_exp, check_log, check_operand, check_power, check_value
from barenn.graph import notebook_svg

__all__ = ["Value"]


class Value:
    """One number in a computation graph, with its gradient (lesson 08, scalar autograd).

    ``Value(data, label="")``: ``data`` is any real number (kept as a float), ``label``
    a name (a str) used in ``repr`` and in graph pictures. ``grad`` starts at 0.0 and is
    filled in by :meth:`backward` of a value computed from this one. An operation makes
    its result with ``op``, ``inputs`` and ``local_derivatives`` too.

    Supported: ``+ - * /`` and ``**`` with plain numbers on either side or with other
    Values, unary minus, and the methods :meth:`exp`, :meth:`log`, :meth:`tanh`,
    :meth:`relu`, :meth:`sigmoid`. Anything else raises ``TypeError``.
    """

    __slots__ = ("data", "grad", "label", "op", "inputs", "local_derivatives")

    def __init__(self, data, label="", op="", inputs=(), local_derivatives=()):
        self.data = data if type(data) is float and type(label) is str else check_value(data, label)
        self.grad = 0.0
        self.label = label
        self.op = op                                  # "" for a leaf
        self.inputs = inputs                          # the Values this one was made from
        self.local_derivatives = local_derivatives    # d(self)/d(input), one per input

    def __repr__(self):
        name = f"{self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    def __float__(self):
        return self.data

    def _repr_svg_(self):
        """A notebook's picture of the graph that made this value (None when it is too
        big to read: the notebook shows the repr instead)."""
        return notebook_svg(self)

    # ---- arithmetic: each operation computes its result and its local derivatives ----

    def __add__(self, other):
        other = check_operand(other, "+", Value)
        # d(a+b)/da = 1, d(a+b)/db = 1
        return Value(self.data + other.data, "", "+", (self, other), (1.0, 1.0))

    def __sub__(self, other):
        other = check_operand(other, "-", Value)
        # d(a-b)/da = 1, d(a-b)/db = -1
        return Value(self.data - other.data, "", "-", (self, other), (1.0, -1.0))

    def __mul__(self, other):
        """self * other, with local derivatives other and self (lesson 08)."""
        other = check_operand(other, "*", Value)
        # d(a*b)/da = b, d(a*b)/db = a
        return Value(self.data * other.data, "", "*", (self, other), (other.data, self.data))

    def __truediv__(self, other):
        other = check_operand(other, "/", Value, divisor=True)
        a, b = self.data, other.data
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b**2
        return Value(a / b, "", "/", (self, other), (1.0 / b, -(a / b) / b))

    def __neg__(self):
        # d(-a)/da = -1
        return Value(-self.data, "", "neg", (self,), (-1.0,))

    def __pow__(self, other):
        n = check_power(self.data, other, Value)   # a float, or a Value exponent
        if isinstance(n, Value):
            return self._pow_value(n)
        # d(a**n)/da = n * a**(n-1)
        return Value(self.data ** n, "", f"**{other!r}", (self,), (power_slope(self.data, n),))

    def _pow_value(self, exponent):
        """self ** exponent where the exponent is itself a Value (both get gradients)."""
        a, b = self.data, check_power(self.data, exponent, Value).data
        # d(a**b)/da = b * a**(b-1);  d(a**b)/db = a**b * ln(a), which goes to 0 at a = 0 for b > 0
        dexponent = a ** b * math.log(a) if a > 0 else (0.0 if b > 0 else -math.inf)
        return Value(a ** b, "", "**", (self, exponent), (power_slope(a, b), dexponent))

    # other + self, other - self, ... with a plain number on the left
    def __radd__(self, other):
        return check_operand(other, "+", Value) + self

    def __rsub__(self, other):
        return check_operand(other, "-", Value) - self

    def __rmul__(self, other):
        return check_operand(other, "*", Value) * self

    def __rtruediv__(self, other):
        return check_operand(other, "/", Value) / self

    def __rpow__(self, other):
        return check_operand(other, "**", Value)._pow_value(self)

    def __pos__(self):
        return self

    # ---- functions ----

    def exp(self):
        """e ** self; raises OverflowError above about 709.78 (beyond the float range)."""
        out = math.exp(check_exp(self.data))
        # d(e**x)/dx = e**x
        return Value(out, "", "exp", (self,), (out,))

    def log(self):
        """Natural logarithm; raises ValueError for data <= 0, where it is not defined."""
        x = check_log(self.data)
        # d(ln x)/dx = 1/x
        return Value(math.log(x), "", "log", (self,), (1.0 / x,))

    def tanh(self):
        """Hyperbolic tangent, in (-1, 1) (lesson 08)."""
        t = math.tanh(self.data)
        # d(tanh x)/dx = 1 - tanh(x)**2
        return Value(t, "", "tanh", (self,), (1.0 - t * t,))

    def relu(self):
        """max(0, self)."""
        x = self.data
        # d(relu x)/dx = 1 for x > 0, else 0 (we take 0 at x = 0 itself)
        return Value(x if x > 0 else 0.0, "", "relu", (self,), (1.0 if x > 0 else 0.0,))

    def sigmoid(self):
        """1 / (1 + e**-self), in (0, 1)."""
        x = self.data
        # written with e**x for x < 0, so that e**-x never overflows
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        # d(sigmoid x)/dx = sigmoid(x) * (1 - sigmoid(x))
        return Value(s, "", "sigmoid", (self,), (s * (1.0 - s),))

    # ---- the graph ----

    def topological_order(self):
        """Every Value this one depends on, each once, inputs before results; self last
        (lesson 08).

        A loop with a stack instead of recursion, so a chain of 100,000 operations
        works: a node goes on the stack twice, first to push its inputs, then (once
        they are all placed) to be placed itself.
        """
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, inputs_placed = stack.pop()
            if inputs_placed:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend([(child, False) for child in reversed(node.inputs) if child not in seen])
        return order

    def backward_step(self):
        """This node's own piece of the chain rule: pass ``grad`` on to its inputs (lesson 08).

        For each input, ``input.grad += (d self / d input) * self.grad``, with the local
        derivative worked out when the node was made. Calling it on every node, from
        the result back to the leaves, is exactly what :meth:`backward` does::

            >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
            >>> c = a * b
            >>> c.grad = 1.0          # d c / d c
            >>> c.backward_step()     # a.grad += b * 1, b.grad += a * 1
            >>> a.grad, b.grad
            (-3.0, 2.0)
        """
        for child, local_derivative in zip(self.inputs, self.local_derivatives):
            child.grad += local_derivative * self.grad

    def backward(self, gradient=1.0):
        """Add d(self)/d(leaf) * gradient to ``grad`` of every leaf self was made from:
        the chain rule, backwards through the graph (lesson 08).

        ``gradient`` is d(final)/d(self), 1.0 when self is the final result (the loss).
        The computed values start this pass from 0 (so that none pushes an earlier
        pass's gradient on again); the leaves keep adding up (see the module docstring).
        """
        gradient = check_number("Value.backward", "gradient", gradient)
        order = self.topological_order()
        for node in order:
            if node.inputs:
                node.grad = 0.0
        self.grad += gradient
        for node in reversed(order):   # self first, the leaves last
            node.backward_step()

    def zero_grad(self):
        """Set ``grad`` to 0.0 on this value and on every value it was made from."""
        for node in self.topological_order():
            node.grad = 0.0


def power_slope(a, n):
    """d(a**n)/da = n * a**(n-1), with the edge cases spelled out: 0 for n = 0 (a**0 is
    the constant 1), and +inf at a = 0 for 0 < n < 1 (the curve is vertical there,
    like sqrt at 0)."""
    if n == 0:
        return 0.0
    if a == 0 and n < 1:
        return math.inf
    return n * a ** (n - 1)
