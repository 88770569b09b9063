"""Matrices as lists of rows: the algebra every other part of barenn stands on.

A matrix is a ``list`` of rows, each row a ``list`` of numbers, all rows the same
length. Rows are samples: a batch of 3 samples with 4 features is a 3x4 matrix::

    inputs = [[1.0, 2.0, 3.0, 2.5],
              [2.0, 5.0, -1.0, 2.0],
              [-1.5, 2.7, 3.3, -0.8]]

A vector (one sample, one gradient) is a plain list where a function says so;
``row(v)`` makes it a 1 x n matrix and ``column(v)`` an n x 1 one.

Rules every function here keeps:

- inputs are never changed; every result is a new list of new lists;
- shapes are checked first, and a mismatch raises ``ShapeError`` (a ``ValueError``)
  naming the operation and both shapes;
- an element that is not a number raises ``TypeError`` naming the operation and
  where the element sits;
- empty matrices are allowed: ``[]`` is 0x0 and ``[[], []]`` is 2x0. A 1x1 matrix
  ``[[x]]`` is a matrix like any other, never silently a number.

>>> dot([[1, 2], [3, 4]], [[5, 6], [7, 8]])
[[19, 22], [43, 50]]
>>> sum_columns([[1, 2], [3, 4]])
[[4, 6]]
"""

import math
from operator import add as _add, mul as _mul, sub as _sub, truediv as _truediv

from barenn.checks import (
    ShapeError,
    check_int,
    check_matrix,
    check_number,
    describe,
    matrix_shape,
    naming_non_numbers,
)

__all__ = [
    "ShapeError", "shape", "zeros", "full", "identity", "copy", "row", "column", "flatten",
    "transpose", "dot",
    "add", "subtract", "multiply", "divide", "scale", "add_row", "apply",
    "sum_columns", "sum_rows", "sum_all", "mean", "outer", "diagflat",
    "argmax", "clip", "max_abs", "format_shape", "sumprod",
]


# --- the fastest readable dot product of two sequences --------------------------
# math.sumprod (Python 3.12+) runs the whole reduction in C; before 3.12 the best
# pure-Python equivalent is sum(map(mul, u, v)), which still never enters the
# interpreter loop per element. An index-based loop is several times slower.
def sumprod_fallback(u, v):
    """Sum of products of two equal-length sequences (``math.sumprod`` before 3.12)."""
    return sum(map(_mul, u, v))


HAS_MATH_SUMPROD = hasattr(math, "sumprod")
sumprod = math.sumprod if HAS_MATH_SUMPROD else sumprod_fallback


def format_shape(dims):
    """``(3, 4)`` -> ``'3x4'``."""
    return "x".join(str(d) for d in dims)


# --- building matrices -------------------------------------------------------------

def shape(m):
    """(rows, columns) of a matrix; rejects ragged rows, naming the first bad row.

    >>> shape([[1, 2, 3], [4, 5, 6]])
    (2, 3)
    >>> shape([])
    (0, 0)
    """
    return matrix_shape(m, "shape")


def full(rows, cols, value):
    """A rows x cols matrix with every element ``value``."""
    check_int("full", "rows", rows, low=0)
    check_int("full", "cols", cols, low=0)
    check_number("full", "value", value, finite=False)
    return [[value] * cols for _ in range(rows)]


def zeros(rows, cols):
    """A rows x cols matrix of ``0.0``.

    >>> zeros(2, 3)
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    check_int("zeros", "rows", rows, low=0)
    check_int("zeros", "cols", cols, low=0)
    return [[0.0] * cols for _ in range(rows)]


def identity(n):
    """The n x n identity matrix (floats).

    >>> identity(2)
    [[1.0, 0.0], [0.0, 1.0]]
    """
    check_int("identity", "n", n, low=0)
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def copy(m):
    """A new matrix with the same elements (rows are new lists)."""
    matrix_shape(m, "copy")
    return [list(r) for r in m]


def row(vector):
    """A vector as a 1 x n matrix: ``[1, 2]`` -> ``[[1, 2]]``."""
    if not isinstance(vector, (list, tuple)):
        raise TypeError(f"row: expected a vector (a list of numbers), got {describe(vector)}")
    return [list(vector)]


def column(vector):
    """A vector as an n x 1 matrix: ``[1, 2]`` -> ``[[1], [2]]``."""
    if not isinstance(vector, (list, tuple)):
        raise TypeError(f"column: expected a vector (a list of numbers), got {describe(vector)}")
    return [[v] for v in vector]


def flatten(m):
    """All elements, row by row, as one list."""
    matrix_shape(m, "flatten")
    return [v for r in m for v in r]


def transpose(m):
    """Rows become columns: an n x k matrix becomes k x n.

    An n x 0 matrix becomes ``[]``: a 0 x n matrix has no rows to write down.

    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    """
    rows, cols = matrix_shape(m, "transpose")
    if rows == 0:
        return []
    return [list(c) for c in zip(*m)]


# --- the product ------------------------------------------------------------------

def dot(a, b):
    """Matrix product ``a @ b``: (n x k) times (k x m) gives n x m.

    Element [i][j] is the sum of products of row i of ``a`` with column j of ``b``:
    sum over t of a[i][t] * b[t][j]. Lesson 02 (a batch through a layer) computes
    it by hand; a Dense layer's forward pass is ``dot(inputs, weights)`` plus the
    biases.

    ``b`` is transposed once, so each of its columns is a list, and every element
    is then one ``sumprod`` (a C-level sum of products) of a row and a column.
    That is also the fastest dense product plain CPython has; ``barenn.fast.dot``
    adds tricks for special shapes (mostly-zero rows, tiny inner sizes) and gives
    the same numbers up to rounding.

    An element that is not a number raises TypeError naming where it sits.
    Empty matrices: ``[]`` is 0x0, so ``dot([], [])`` is ``[]``.

    >>> dot([[1, 2, 3]], [[1], [0], [-1]])
    [[-2]]
    >>> dot([[1, 2]], [[1, 2]])
    Traceback (most recent call last):
    ...
    barenn.checks.ShapeError: dot: cannot multiply 1x2 by 1x2 (inner sizes 2 and 1 differ)
    """
    n, k = check_matrix(a, "dot", "left matrix")
    k2, m = check_matrix(b, "dot", "right matrix")
    if k != k2:
        raise ShapeError(f"dot: cannot multiply {n}x{k} by {k2}x{m} (inner sizes {k} and {k2} differ)")
    if k == 0:
        return [[0.0] * m for _ in a]  # every element is an empty sum
    columns = transpose(b)
    return naming_non_numbers("dot", (("left matrix", a), ("right matrix", b)),
                              lambda: [[sumprod(r, c) for c in columns] for r in a])


def outer(u, v):
    """Outer product of two vectors: ``result[i][j] = u[i] * v[j]``.

    >>> outer([1, 2], [3, 4, 5])
    [[3, 4, 5], [6, 8, 10]]
    """
    for name, vec in (("first vector", u), ("second vector", v)):
        if not isinstance(vec, (list, tuple)):
            raise TypeError(f"outer: expected the {name} as a list of numbers, got {describe(vec)}")
        check_matrix([vec], "outer", name)
    return [[x * y for y in v] for x in u]


def diagflat(v):
    """A square matrix with ``v`` on its diagonal and zeros elsewhere.

    >>> diagflat([1, 2])
    [[1, 0.0], [0.0, 2]]
    """
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"diagflat: expected a vector (a list of numbers), got {describe(v)}")
    check_matrix([v], "diagflat", "vector")
    n = len(v)
    return [[v[i] if i == j else 0.0 for j in range(n)] for i in range(n)]


# --- elementwise ---------------------------------------------------------------------

def _elementwise(op_name, operator, a, b):
    sa = check_matrix(a, op_name, "first matrix")
    sb = check_matrix(b, op_name, "second matrix")
    if sa != sb:
        raise ShapeError(
            f"{op_name}: shapes {format_shape(sa)} and {format_shape(sb)} differ "
            f"(elementwise operations need equal shapes; add_row broadcasts a 1 x n row)"
        )
    return [list(map(operator, r, s)) for r, s in zip(a, b)]


def add(a, b):
    """Elementwise sum of two matrices of the same shape."""
    return _elementwise("add", _add, a, b)


def subtract(a, b):
    """Elementwise ``a - b`` for two matrices of the same shape."""
    return _elementwise("subtract", _sub, a, b)


def multiply(a, b):
    """Elementwise (Hadamard) product of two matrices of the same shape."""
    return _elementwise("multiply", _mul, a, b)


def divide(a, b):
    """Elementwise ``a / b``; a zero in ``b`` raises ZeroDivisionError naming where."""
    try:
        return _elementwise("divide", _truediv, a, b)
    except ZeroDivisionError:
        i, j = next((i, j) for i, r in enumerate(b) for j, v in enumerate(r) if v == 0)
        raise ZeroDivisionError(f"divide: the divisor is 0 at row {i}, column {j}") from None


def scale(m, k):
    """Every element times the number ``k``.

    >>> scale([[1, -2]], 0.5)
    [[0.5, -1.0]]
    """
    check_matrix(m, "scale")
    check_number("scale", "the factor", k, finite=False)
    return [[k * v for v in r] for r in m]


def add_row(m, r):
    """Add the 1 x n row ``r`` to every row of the n-column matrix ``m`` (the bias).

    >>> add_row([[1, 2], [3, 4]], [[10, 20]])
    [[11, 22], [13, 24]]
    """
    rows, cols = check_matrix(m, "add_row", "matrix")
    rr, rc = check_matrix(r, "add_row", "row")
    if rr != 1 or rc != cols:
        raise ShapeError(
            f"add_row: cannot add a {rr}x{rc} row to a {rows}x{cols} matrix "
            f"(expected a 1x{cols} row)"
        )
    bias = r[0]
    return [list(map(_add, x, bias)) for x in m]


def apply(function, m):
    """``function`` applied to every element: ``apply(math.exp, m)``.

    >>> apply(abs, [[-1, 2], [3, -4]])
    [[1, 2], [3, 4]]
    """
    if not callable(function):
        raise TypeError(f"apply: the first argument must be a function, got {describe(function)}")
    matrix_shape(m, "apply")
    return [list(map(function, r)) for r in m]


def clip(m, low, high):
    """Every element limited to ``[low, high]``."""
    check_matrix(m, "clip")
    check_number("clip", "low", low, finite=False)
    check_number("clip", "high", high, finite=False)
    if low > high:
        raise ValueError(f"clip: low ({low}) must not be greater than high ({high})")
    return [[low if v < low else high if v > high else v for v in r] for r in m]


# --- reductions ------------------------------------------------------------------------

# The sums below check their elements by doing the arithmetic: sum and abs raise
# TypeError for anything that is not a number (sum(['a']) fails, unlike 'a' * 2),
# and the error then names the first non-number. A separate pass just to check
# would cost nearly as much as the sums themselves.

def _reduce(op, m, compute):
    """``compute()``, a reduction of ``m``; a TypeError becomes one naming ``op`` and
    the first element of ``m`` that is not a number."""
    return naming_non_numbers(op, (("matrix", m),), compute)


def sum_columns(m):
    """The sum of each column, as a 1 x n matrix (``dbiases = sum_columns(dvalues)``).

    >>> sum_columns([[1, 2, 3], [4, 5, 6]])
    [[5, 7, 9]]
    """
    rows, cols = matrix_shape(m, "sum_columns")
    if rows == 0:
        return [[]]
    return _reduce("sum_columns", m, lambda: [[sum(c) for c in zip(*m)]])


def sum_rows(m):
    """The sum of each row, as an n x 1 matrix.

    >>> sum_rows([[1, 2, 3], [4, 5, 6]])
    [[6], [15]]
    """
    matrix_shape(m, "sum_rows")
    return _reduce("sum_rows", m, lambda: [[sum(r)] for r in m])


def sum_all(m):
    """The sum of every element (0 for an empty matrix)."""
    matrix_shape(m, "sum_all")
    return _reduce("sum_all", m, lambda: sum(map(sum, m)))


def mean(m):
    """The mean of every element; an empty matrix has none and raises ValueError."""
    rows, cols = matrix_shape(m, "mean")
    if rows * cols == 0:
        raise ValueError(f"mean: the matrix is {rows}x{cols}; an empty matrix has no mean")
    return _reduce("mean", m, lambda: sum(map(sum, m))) / (rows * cols)


def max_abs(m):
    """The largest absolute value of any element (0.0 for an empty matrix)."""
    matrix_shape(m, "max_abs")
    return _reduce("max_abs", m, lambda: max((max(map(abs, r)) for r in m if r), default=0.0))


def argmax(m):
    """Index of the largest element of each row (the first one on ties).

    >>> argmax([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4]])
    [1, 0]
    """
    rows, cols = check_matrix(m, "argmax")
    if rows and cols == 0:
        raise ShapeError(f"argmax: the matrix is {rows}x0; an empty row has no largest element")
    # max and index both run in C; index finds the first element equal to the
    # largest, so ties go to the first (twice as fast as max with a key).
    return [r.index(max(r)) for r in m]
