"""Matrices as lists of rows: the algebra every other part of barenn stands on.

A matrix is a ``list`` of rows, each row a ``list`` of numbers, all rows the same
length. Rows are samples: a batch of 3 samples with 4 features is a 3x4 matrix::

    inputs = [[1.0, 2.0, 3.0, 2.5],
              [2.0, 5.0, -1.0, 2.0],
              [-1.5, 2.7, 3.3, -0.8]]

The three functions lesson 02 (a batch through a layer) computes by hand come
first: ``dot``, ``transpose`` and ``sum_columns``, then ``add_row`` (the biases).
Each is one line that checks its arguments, then the formula.

Rules every function here keeps:

- inputs are never changed; every result is a new list of new lists;
- arguments are checked first (``barenn.checks``): a shape mismatch raises
  ``ShapeError`` (a ``ValueError``) naming the operation and both shapes, an entry
  that is not a real number a ``TypeError`` naming the operation and where it sits;
- empty matrices are allowed: ``[]`` is 0x0 and ``[[], []]`` is 2x0. A 1x1 matrix
  ``[[x]]`` is a matrix like any other, never silently a number.

>>> dot([[1, 2], [3, 4]], [[5, 6], [7, 8]])
[[19, 22], [43, 50]]
>>> sum_columns([[1, 2], [3, 4]])
[[4, 6]]
"""

import math
from operator import mul

from barenn.checks import (
    ShapeError,
    check_callable,
    check_int,
    check_matrix,
    check_number,
    check_product,
    check_row_fits,
    check_same_shape,
    check_size,
    check_vector,
    describe,
    matrix_shape,
)

__all__ = [
    "ShapeError", "ZeroDivisorError", "shape", "zeros", "full", "identity", "copy", "row", "column", "flatten",
    "transpose", "dot",
    "add", "subtract", "multiply", "divide", "scale", "add_row", "apply",
    "sum_columns", "sum_rows", "sum_all", "mean", "outer", "diagflat",
    "argmax", "clip", "max_abs", "format_shape", "sumprod", "sign",
]


# --- lesson 02: the product, the transpose, the column sums, the bias row ----------------

def dot(a, b):
    """Matrix product ``a @ b``: (n x k) times (k x m) gives n x m.

    Element [i][j] is the sum of products of row i of ``a`` with column j of ``b``.
    Lesson 02 (a batch through a layer) computes it by hand; a Dense layer's
    forward pass is ``dot(inputs, weights)`` plus the biases. ``b`` is transposed
    once, so each of its columns is a list, and each element is one ``sumprod``
    of a row and a column. ``barenn.fast.dot`` gives the same numbers, with
    kernels chosen by shape.

    >>> dot([[1, 2, 3]], [[1], [0], [-1]])
    [[-2]]
    >>> dot([[1, 2]], [[1, 2]])
    Traceback (most recent call last):
    ...
    barenn.checks.ShapeError: dot: cannot multiply 1x2 by 1x2 (inner sizes 2 and 1 differ)
    """
    check_product("dot", a, b)
    columns = transpose(b)
    return [[sumprod(row, column) for column in columns] for row in a]


def transpose(m):
    """Rows become columns: an n x k matrix becomes k x n (lesson 02: inputsᵀ, weightsᵀ).

    An n x 0 matrix becomes ``[]``: a 0 x n matrix has no rows to write down.

    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    """
    matrix_shape(m, "transpose")
    return [list(column) for column in zip(*m)]


def sum_columns(m):
    """The sum of each column, as a 1 x n matrix (``dbiases = sum_columns(dvalues)``, lesson 02).

    >>> sum_columns([[1, 2, 3], [4, 5, 6]])
    [[5, 7, 9]]
    """
    check_matrix(m, "sum_columns")
    return [[sum(column) for column in zip(*m)]]


def add_row(m, r):
    """Add the 1 x n row ``r`` to every row of the n-column matrix ``m`` (the biases) (lesson 02).

    >>> add_row([[1, 2], [3, 4]], [[10, 20]])
    [[11, 22], [13, 24]]
    """
    check_row_fits("add_row", m, r)
    return [[x + b for x, b in zip(row, r[0])] for row in m]


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
    check_size("full", check_int("full", "rows", rows, low=0), check_int("full", "cols", cols, low=0))
    check_number("full", "value", value, finite=False)
    return [[value] * cols for _ in range(rows)]


def zeros(rows, cols):
    """A rows x cols matrix of ``0.0``.

    >>> zeros(2, 3)
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    check_size("zeros", check_int("zeros", "rows", rows, low=0), check_int("zeros", "cols", cols, low=0))
    return [[0.0] * cols for _ in range(rows)]


def identity(n):
    """The n x n identity matrix (floats).

    >>> identity(2)
    [[1.0, 0.0], [0.0, 1.0]]
    """
    check_size("identity", check_int("identity", "n", n, low=0), n)
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def copy(m):
    """A new matrix with the same elements (rows are new lists)."""
    matrix_shape(m, "copy")
    return [list(r) for r in m]


def row(vector):
    """A vector as a 1 x n matrix: ``[1, 2]`` -> ``[[1, 2]]``."""
    check_vector("row", "vector", vector, numbers=False)
    return [list(vector)]


def column(vector):
    """A vector as an n x 1 matrix: ``[1, 2]`` -> ``[[1], [2]]``."""
    check_vector("column", "vector", vector, numbers=False)
    return [[v] for v in vector]


def flatten(m):
    """All elements, row by row, as one list."""
    matrix_shape(m, "flatten")
    return [v for r in m for v in r]


def outer(u, v):
    """Outer product of two vectors: ``result[i][j] = u[i] * v[j]``.

    >>> outer([1, 2], [3, 4, 5])
    [[3, 4, 5], [6, 8, 10]]
    """
    check_size("outer", len(check_vector("outer", "first vector", u)),
               len(check_vector("outer", "second vector", v)))
    return [[x * y for y in v] for x in u]


def diagflat(v):
    """A square matrix with ``v`` on its diagonal and zeros elsewhere.

    >>> diagflat([1, 2])
    [[1, 0.0], [0.0, 2]]
    """
    check_size("diagflat", len(check_vector("diagflat", "vector", v)), len(v))
    n = len(v)
    return [[v[i] if i == j else 0.0 for j in range(n)] for i in range(n)]


# --- elementwise ---------------------------------------------------------------------

def add(a, b):
    """Elementwise sum of two matrices of the same shape."""
    check_same_shape("add", a, b)
    return [[x + y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def subtract(a, b):
    """Elementwise ``a - b`` for two matrices of the same shape."""
    check_same_shape("subtract", a, b)
    return [[x - y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def multiply(a, b):
    """Elementwise (Hadamard) product of two matrices of the same shape."""
    check_same_shape("multiply", a, b)
    return [[x * y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


class ZeroDivisorError(ValueError, ZeroDivisionError):
    """``divide`` met a 0 in its divisor (a ValueError like every barenn argument
    error, and a ZeroDivisionError as Python's own division raises)."""


def divide(a, b):
    """Elementwise ``a / b``; a zero in ``b`` raises ZeroDivisorError (a ValueError
    and a ZeroDivisionError) naming where."""
    check_same_shape("divide", a, b)
    for i, r in enumerate(b):
        if 0 in r:
            raise ZeroDivisorError(f"divide: the divisor is 0 at row {i}, column {r.index(0)}")
    return [[x / y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def scale(m, k):
    """Every element times the number ``k``.

    >>> scale([[1, -2]], 0.5)
    [[0.5, -1.0]]
    """
    check_matrix(m, "scale")
    check_number("scale", "the factor", k, finite=False)
    return [[k * v for v in r] for r in m]


def apply(function, m):
    """``function`` applied to every element: ``apply(math.exp, m)``.

    >>> apply(abs, [[-1, 2], [3, -4]])
    [[1, 2], [3, 4]]
    """
    check_callable("apply", "the first argument", function)
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
# Floats follow IEEE arithmetic: a sum that overflows is inf, and NaN stays NaN
# (training notices both: barenn.checks.check_parameter_sizes and check_loss).

def sum_rows(m):
    """The sum of each row, as an n x 1 matrix.

    >>> sum_rows([[1, 2, 3], [4, 5, 6]])
    [[6], [15]]
    """
    check_matrix(m, "sum_rows")
    return [[sum(r)] for r in m]


def sum_all(m):
    """The sum of every element (0 for an empty matrix)."""
    check_matrix(m, "sum_all")
    return sum(sum(r) for r in m)


def mean(m):
    """The mean of every element; an empty matrix has none and raises ValueError."""
    rows, cols = check_matrix(m, "mean")
    if rows * cols == 0:
        raise ValueError(f"mean: the matrix is {rows}x{cols}; an empty matrix has no mean")
    return sum(sum(r) for r in m) / (rows * cols)


def max_abs(m):
    """The largest absolute value of any element (0.0 for an empty matrix)."""
    check_matrix(m, "max_abs")
    return max((abs(v) for r in m for v in r), default=0.0)


def argmax(m):
    """Index of the largest element of each row (the first one on ties).

    >>> argmax([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4]])
    [1, 0]
    """
    rows, cols = check_matrix(m, "argmax")
    if rows and cols == 0:
        raise ShapeError(f"argmax: the matrix is {rows}x0; an empty row has no largest element")
    return [r.index(max(r)) for r in m]


def format_shape(dims):
    """``(3, 4)`` -> ``'3x4'``."""
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"format_shape: dims must be a pair such as (3, 4), got {describe(dims)}")
    return "x".join(str(d) for d in dims)


def sign(x):
    """-1, 0 or 1 for one number. The slope of |x| (L1 penalties, mean absolute error)
    is taken as sign(x); at x = 0, where |x| has no slope, 0 is the choice that matches
    the central-difference slope there (and leaves zero biases alone).

    >>> sign(-2.5), sign(0.0), sign(3)
    (-1, 0, 1)
    """
    if type(x) is not float:  # the callers hand it floats: only anything else is looked at
        check_number("sign", "x", x, finite=False)
    return (x > 0) - (x < 0)


# --- the sum of products of two sequences ----------------------------------------------

def sumprod(u, v):
    """Σ u_t · v_t of two equal-length sequences of numbers: one element of ``dot``.

    ``math.sumprod`` (Python 3.12+) runs the whole reduction in C; before 3.12 it is
    ``sum(map(mul, u, v))``, the same formula. A bad entry is named, not left to
    the arithmetic's own error.

    >>> sumprod([1, 2, 3], [4, 5, 6])
    32
    """
    try:
        return _sumprod_kernel(u, v)
    except (TypeError, ValueError, OverflowError) as error:
        check_vector("sumprod", "first vector", u)
        check_vector("sumprod", "second vector", v)
        if len(u) != len(v):
            raise ShapeError(f"sumprod: the vectors have {len(u)} and {len(v)} numbers; "
                             "they must have the same length") from None
        raise TypeError(f"sumprod: these numbers cannot be multiplied and added ({error})") from None


def _sum_map_mul(u, v):
    return sum(map(mul, u, v))


HAS_MATH_SUMPROD = hasattr(math, "sumprod")
_sumprod_kernel = math.sumprod if HAS_MATH_SUMPROD else _sum_map_mul
