"""barenn.autograd.Value: every operation against central differences and closed forms,
the deep chain, reused nodes, gradient accumulation and the errors."""

import math
import random
import sys

import pytest

from barenn import check
from barenn.autograd import Value


def numeric_gradient(f, point):
    """Central differences through barenn.check: d f(point) / d point[i] for every i.

    check.numeric_gradient nudges the entries of a matrix in place, so the point is
    held as a 1 x n matrix and f reads it back from there.
    """
    matrix = [list(point)]
    return check.numeric_gradient(lambda: f(matrix[0]), matrix)[0]


def autograd_gradient(build, point):
    """Value of ``build`` at ``point`` and its gradient from backward()."""
    leaves = [Value(x) for x in point]
    out = build(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def check_against_numeric(build, point, tol=1e-6):
    value, grads = autograd_gradient(build, point)
    expected = numeric_gradient(lambda p: build(*[Value(x) for x in p]).data, point)
    assert check.compare(grads, expected, atol=tol, rtol=tol).passed, (grads, expected)
    return value, grads


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow_value": lambda a, b: a ** b,
}

UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "tanh": lambda a: a.tanh(),
    "relu": lambda a: a.relu(),
    "sigmoid": lambda a: a.sigmoid(),
    "square": lambda a: a ** 2,
    "cube": lambda a: a ** 3,
    "reciprocal": lambda a: a ** -1,
    "sqrt": lambda a: a ** 0.5,
    "pow_-2.5": lambda a: a ** -2.5,
    "radd": lambda a: 2.5 + a,
    "rsub": lambda a: 1 - a,
    "rmul": lambda a: 2 * a,
    "rdiv": lambda a: 1 / a,
    "rpow": lambda a: 2.0 ** a,
    "add_number": lambda a: a + 3,
    "sub_number": lambda a: a - 0.5,
    "mul_number": lambda a: a * -4,
    "div_number": lambda a: a / 8,
}

POSITIVE_ONLY = {"log", "sqrt", "pow_-2.5", "pow_value"}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_operations_match_central_differences(name):
    rng = random.Random(f"binary-{name}")
    for _ in range(5):
        a = rng.uniform(0.2, 2.0) if name in POSITIVE_ONLY else rng.uniform(-2.0, 2.0)
        b = rng.uniform(0.3, 2.0) * rng.choice([-1, 1])
        check_against_numeric(BINARY[name], [a, b])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_operations_match_central_differences(name):
    rng = random.Random(f"unary-{name}")
    for _ in range(5):
        if name in POSITIVE_ONLY or name in ("reciprocal", "rdiv"):
            x = rng.uniform(0.2, 3.0)
        else:
            x = rng.uniform(-3.0, 3.0)
            if name == "relu" and abs(x) < 1e-3:  # no derivative at the kink
                x = 0.5
        check_against_numeric(lambda a: UNARY[name](a), [x])


def test_a_composite_expression_matches_central_differences():
    def build(a, b, c):
        return ((a * b).tanh() + (c / a).exp() - (b ** 2 + 1).log()).sigmoid() * 3 - a.relu()
    check_against_numeric(build, [0.7, -1.3, 0.4])


@pytest.mark.parametrize("x", [-2.5, -0.3, 0.0, 0.8, 4.0])
def test_closed_form_values_and_derivatives(x):
    cases = [
        (lambda v: v.tanh(), math.tanh(x), 1 - math.tanh(x) ** 2),
        (lambda v: v.sigmoid(), 1 / (1 + math.exp(-x)), math.exp(-x) / (1 + math.exp(-x)) ** 2),
        (lambda v: v.exp(), math.exp(x), math.exp(x)),
        (lambda v: v.relu(), max(0.0, x), 1.0 if x > 0 else 0.0),
        (lambda v: v ** 3, x ** 3, 3 * x ** 2),
        (lambda v: -v, -x, -1.0),
        (lambda v: 3 - 2 * v, 3 - 2 * x, -2.0),
        (lambda v: v * v, x * x, 2 * x),
    ]
    for build, value, derivative in cases:
        v = Value(x)
        out = build(v)
        out.backward()
        assert out.data == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert v.grad == pytest.approx(derivative, rel=1e-12, abs=1e-12)


def test_log_and_division_closed_forms():
    x, y = Value(2.5), Value(-4.0)
    out = x.log() + x / y
    out.backward()
    assert out.data == pytest.approx(math.log(2.5) - 2.5 / 4.0)
    assert x.grad == pytest.approx(1 / 2.5 + 1 / -4.0)
    assert y.grad == pytest.approx(-2.5 / 16.0)


def test_value_exponent_gets_both_gradients():
    a, b = Value(3.0), Value(2.0)
    out = a ** b
    out.backward()
    assert out.data == 9.0
    assert a.grad == pytest.approx(2.0 * 3.0)           # b * a**(b-1)
    assert b.grad == pytest.approx(9.0 * math.log(3.0))  # a**b * ln a


def test_the_seed_neuron_gradients():
    # x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6: n = 0, o = tanh(0) = 0, do/dn = 1
    x1, x2, w1, w2, b = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.0)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == 0.0
    assert (x1.grad, w1.grad, x2.grad, w2.grad, b.grad) == (-3.0, 2.0, 1.0, 0.0, 1.0)


def test_a_chain_of_100000_operations_at_the_default_recursion_limit():
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # CPython's default, whatever the test runner set
    try:
        _deep_chains()
    finally:
        sys.setrecursionlimit(previous)


def _deep_chains():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + x
    y.backward()
    assert y.data == pytest.approx(0.5 * 100_001)
    assert x.grad == 100_001.0
    assert len(y.topological_order()) == 100_001
    # a deep chain of one-input operations too
    z = x
    for _ in range(100_000):
        z = -z
    z.backward()
    assert x.grad == 100_001.0 + 1.0  # (-1)**100000 added to what was there


def test_a_reused_intermediate_gets_every_contribution():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert c.data == 4.0
    assert a.grad == 4.0
    assert b.grad == 2.0
    # a node used on both sides of one multiplication
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0
    # diamond: one value feeding two branches that meet again
    p = Value(0.3)
    q = p.tanh()
    r = q * p + q.exp()
    r.backward()
    t = math.tanh(0.3)
    assert p.grad == pytest.approx((1 - t * t) * 0.3 + t + math.exp(t) * (1 - t * t))


def test_backward_twice_accumulates_and_zero_grad_resets():
    a, b = Value(2.0), Value(-1.5)
    c = a * b + a
    c.backward()
    first = (a.grad, b.grad, c.grad)
    assert first == (-0.5, 2.0, 1.0)
    c.backward()
    # the leaves add up (not pushed through twice); the result's grad is this pass's own
    assert (a.grad, b.grad, c.grad) == (2 * first[0], 2 * first[1], 1.0)
    c.zero_grad()
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, 0.0)
    c.backward()
    assert (a.grad, b.grad, c.grad) == first


def test_gradients_of_two_results_sharing_inputs_add_up():
    a = Value(1.5)
    f = a * a
    g = a.exp()
    f.backward()
    g.backward()
    assert a.grad == pytest.approx(2 * 1.5 + math.exp(1.5))


def test_backward_takes_an_upstream_gradient():
    a = Value(2.0)
    out = a * 3
    out.backward(0.5)
    assert a.grad == 1.5


@pytest.mark.parametrize("bad", ["1", None, [1.0], (1.0,), {"x": 1}, True, 1j])
def test_bad_operands_raise_a_clear_type_error(bad):
    v = Value(1.0)
    for op in (lambda: v + bad, lambda: v - bad, lambda: v * bad, lambda: v / bad,
               lambda: v ** bad, lambda: bad + v, lambda: bad * v, lambda: bad - v,
               lambda: bad / v, lambda: Value(bad)):
        with pytest.raises(TypeError, match=r"^Value.*: (the other operand|the exponent|data) must be a number"):
            op()


def test_numbers_of_other_real_types_are_accepted():
    from fractions import Fraction
    assert (Value(Fraction(1, 4)) + 1).data == 1.25
    assert Value(3).data == 3.0 and type(Value(3).data) is float


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_a_non_positive_number_is_a_clear_error(x):
    with pytest.raises(ValueError, match="log is defined only for numbers > 0"):
        Value(x).log()


def test_numerically_unsafe_spots():
    with pytest.raises(OverflowError, match="exp"):
        Value(710.0).exp()
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    # sigmoid and tanh never overflow
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).tanh().data == 1.0
    # sqrt at 0: value 0, derivative +inf (vertical tangent), stated in _power_dbase
    z = Value(0.0)
    out = z ** 0.5
    out.backward()
    assert out.data == 0.0 and z.grad == math.inf


def test_negative_base_powers():
    # integer exponents of negative numbers are fine
    a = Value(-2.0)
    out = a ** 3
    out.backward()
    assert out.data == -8.0 and a.grad == 12.0
    # a non-integer exponent has no real value
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        Value(-8.0) ** (1 / 3)
    # a Value exponent needs ln(base), so a negative base is refused
    with pytest.raises(ValueError, match="Value exponent needs a base >= 0"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="Value exponent needs a base >= 0"):
        (-2.0) ** Value(2.0)


def test_value_is_small_and_stores_local_derivatives_not_closures():
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.anything_else = 1
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    assert c.op == "*"
    assert c.inputs == (a, b)
    assert c.local_derivatives == (-3.0, 2.0)
    t = a.tanh()
    assert t.inputs == (a,) and t.local_derivatives == (pytest.approx(1 - math.tanh(2.0) ** 2),)
    assert a.inputs == () and a.op == ""
    assert not any(callable(getattr(c, name)) for name in Value.__slots__)


def test_repr_and_float():
    v = Value(2.0, "x")
    assert repr(v) == "Value('x', data=2.0, grad=0.0)"
    assert float(v) == 2.0
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


def test_topological_order_puts_inputs_before_results():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d.tanh() * c
    order = e.topological_order()
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is e
    assert len(order) == len(set(order)) == 6
    for node in order:
        for child in node.inputs:
            assert position[child] < position[node]


@pytest.mark.parametrize("gradient, error", [("1", TypeError), (None, TypeError),
                                             (math.nan, ValueError), (math.inf, ValueError)])
def test_backward_checks_its_gradient(gradient, error):
    with pytest.raises(error, match="^Value.backward: gradient must be a finite number"):
        (Value(2.0) * 3).backward(gradient)
