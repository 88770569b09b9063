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
from itertools import chain, compress
from numbers import Number
from operator import add as _add, itemgetter, mul as _mul, sub as _sub, truediv as _truediv

from barenn.checks import ShapeError

__all__ = [
    "ShapeError", "shape", "zeros", "full", "identity", "copy", "row", "column", "flatten",
    "transpose", "dot", "dot_add_row", "dot_transposed", "dot_transposed_where",
    "add", "subtract", "multiply", "divide", "scale", "add_row", "apply",
    "sum_columns", "sum_rows", "sum_all", "mean", "outer", "diagflat",
    "argmax", "clip", "max_abs", "format_shape",
]




# --- the fastest readable dot product of two sequences --------------------------
# math.sumprod (Python 3.12+) runs the whole reduction in C; before 3.12 the best
# pure-Python equivalent is sum(map(mul, u, v)), which still never enters the
# interpreter loop per element. An index-based loop is several times slower.
def _sumprod_fallback(u, v):
    """Sum of products of two equal-length sequences (``math.sumprod`` before 3.12)."""
    return sum(map(_mul, u, v))


HAS_MATH_SUMPROD = hasattr(math, "sumprod")
sumprod = math.sumprod if HAS_MATH_SUMPROD else _sumprod_fallback

# A row of the left matrix is multiplied in its sparse form (only its non-zero
# entries, gathered with itemgetter) when at least this share of it is zeros.
# Measured (benchmarks/matmul.py and a sweep over zero shares): the sparse form
# wins from about 30 % zeros with sum(map(mul)), but only from about 60 % with
# math.sumprod, whose dense reduction is much faster.
SPARSE_ZERO_SHARE = 0.6 if HAS_MATH_SUMPROD else 0.3

# Rows are only inspected for zeros when the product has at least this many
# columns: the look at a row must be cheap next to the row's m reductions, and a
# product with only a few columns cannot win it back.
SPARSE_MIN_COLUMNS = 16

# ... and when the rows are at least this long. Gathering the non-zero entries of
# a short row costs more than the multiplications it saves: on rows of 16 with
# half of them zeros (ReLU outputs), the sparse form takes 1.55x the time of the
# dense one with math.sumprod and 1.04x with sum(map(mul)) (benchmarks/
# smallshapes.py); a sweep over row lengths put the break-even near 32 (even with
# sumprod at 80 % zeros, 0.8x with sum(map(mul)) at 50 %).
SPARSE_MIN_INNER = 32

# Inner sizes up to this are multiplied out inline (see _dot_small_inner).
SMALL_INNER = 3

# dot leaves out the rows of its right matrix that are all zeros (and the
# matching columns of the left one) when at least this share of them are: in
# dweights = inputsᵀ · dvalues they are the samples whose gradient is zero (a
# hinge loss whose margin is met, say). Leaving out costs a pass to check and
# gather what is kept. Measured on (16x100)·(100x16), time left out / kept:
# with sum(map(mul)) 0.99 at 10 % zero rows, 0.91 at 20 %, 0.67 at 50 %; with
# math.sumprod 1.09 at 10 %, 1.05 at 20 %, 0.83 at 50 %.
ZERO_ROWS_SHARE = 0.3 if HAS_MATH_SUMPROD else 0.1


def format_shape(dims):
    """``(3, 4)`` -> ``'3x4'``."""
    return "x".join(str(d) for d in dims)


def _describe(value):
    return f"{value!r} ({type(value).__name__})" if len(repr(value)) <= 40 else type(value).__name__


def _shape(m, op, name="matrix"):
    """Shape of ``m`` as (rows, cols), or a clear error naming ``op``."""
    if not isinstance(m, (list, tuple)):
        raise TypeError(f"{op}: expected the {name} as a list of rows, got {_describe(m)}")
    if not m:
        return (0, 0)
    # The common case in one C-level pass each: all rows plain lists of one
    # length (counting is a third cheaper than building sets). Anything else
    # (tuples too) takes the loop below, which names a bad row.
    n, first = len(m), m[0]
    if list(map(type, m)).count(list) == n and list(map(len, m)).count(len(first)) == n:
        return (n, len(first))
    if not isinstance(first, (list, tuple)):
        raise TypeError(
            f"{op}: expected the {name} as a list of rows, but its row 0 is {_describe(first)}; "
            f"write a vector v as [v] for a 1 x n matrix"
        )
    cols = len(first)
    for i, r in enumerate(m):
        if not isinstance(r, (list, tuple)):
            raise TypeError(f"{op}: row {i} of the {name} is {_describe(r)}, not a list of numbers")
        if len(r) != cols:
            raise ShapeError(
                f"{op}: the {name} is ragged: row {i} has {len(r)} elements but row 0 has {cols} "
                f"(every row of a matrix must have the same length)"
            )
    return (len(m), cols)


def _is_number(value):
    """A real number (a scalar argument such as a factor or a bound must be one)."""
    return isinstance(value, Number) and not isinstance(value, complex)


def _type_error(op, *named):
    """The TypeError for the first non-number among the named matrices.

    ``named`` holds (name, matrix) pairs of matrices whose shape is already known
    to be fine. If every element is a number after all (say a Decimal that will
    not add to a float), the error says that the values do not combine.
    """
    for name, m in named:
        for i, r in enumerate(m):
            for j, v in enumerate(r):
                if not isinstance(v, Number):
                    where = f"position {j}" if "vector" in name else f"row {i}, column {j}"
                    return TypeError(
                        f"{op}: every element must be a number, but the {name} has "
                        f"{_describe(v)} at {where}"
                    )
    names = " and ".join(name for name, _ in named)
    return TypeError(f"{op}: the numbers in the {names} cannot be added and multiplied together")


def _check_numbers(m, op, name):
    """Raise the TypeError of ``_type_error`` unless every element of ``m`` is a number.

    ``sum`` is the cheapest complete check: it runs in C and raises TypeError for
    anything that cannot be added (a string, None, a nested list), where the
    arithmetic itself might not ('a' * 2 is 'aa').
    """
    try:
        sum(chain.from_iterable(m))
    except TypeError:
        raise _type_error(op, (name, m)) from None


def _matrix(m, op, name="matrix"):
    """Shape of ``m`` after checking it is a matrix of numbers."""
    dims = _shape(m, op, name)
    _check_numbers(m, op, name)
    return dims


def _check_number(value, op, what):
    if not _is_number(value):
        raise TypeError(f"{op}: {what} must be a number, got {_describe(value)}")


def _check_size(value, op, what):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{op}: {what} must be a whole number >= 0, got {_describe(value)}")


# --- building matrices -------------------------------------------------------------

def shape(m):
    """(rows, columns) of a matrix; rejects ragged rows, naming the first bad row.

    >>> shape([[1, 2, 3], [4, 5, 6]])
    (2, 3)
    >>> shape([])
    (0, 0)
    """
    return _shape(m, "shape")


def full(rows, cols, value):
    """A rows x cols matrix with every element ``value``."""
    _check_size(rows, "full", "rows")
    _check_size(cols, "full", "cols")
    _check_number(value, "full", "value")
    return [[value] * cols for _ in range(rows)]


def zeros(rows, cols):
    """A rows x cols matrix of ``0.0``.

    >>> zeros(2, 3)
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    _check_size(rows, "zeros", "rows")
    _check_size(cols, "zeros", "cols")
    return [[0.0] * cols for _ in range(rows)]


def identity(n):
    """The n x n identity matrix (floats).

    >>> identity(2)
    [[1.0, 0.0], [0.0, 1.0]]
    """
    _check_size(n, "identity", "n")
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def copy(m):
    """A new matrix with the same elements (rows are new lists)."""
    _shape(m, "copy")
    return [list(r) for r in m]


def row(vector):
    """A vector as a 1 x n matrix: ``[1, 2]`` -> ``[[1, 2]]``."""
    if not isinstance(vector, (list, tuple)):
        raise TypeError(f"row: expected a vector (a list of numbers), got {_describe(vector)}")
    return [list(vector)]


def column(vector):
    """A vector as an n x 1 matrix: ``[1, 2]`` -> ``[[1], [2]]``."""
    if not isinstance(vector, (list, tuple)):
        raise TypeError(f"column: expected a vector (a list of numbers), got {_describe(vector)}")
    return [[v] for v in vector]


def flatten(m):
    """All elements, row by row, as one list."""
    _shape(m, "flatten")
    return [v for r in m for v in r]


def transpose(m):
    """Rows become columns: an n x k matrix becomes k x n.

    An n x 0 matrix becomes ``[]``: a 0 x n matrix has no rows to write down.

    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    """
    rows, cols = _shape(m, "transpose")
    if rows == 0:
        return []
    return [list(c) for c in zip(*m)]


# --- products ----------------------------------------------------------------------
# Checking every element before a product would cost a pass over both matrices,
# a good share of the product itself. So dot and dot_transposed check the shapes
# first and let the arithmetic check the elements: sumprod raises TypeError for
# anything that is not a number, and dot then names the culprit. Where a kernel
# skips elements, or could multiply without failing ('a' * 2 is 'aa'), the
# elements are checked on their own.

def _dense_product(a, columns):
    """Every row of ``a`` against every column: one C-level reduction per element.

    A row of zeros (say a sample whose gradient is zero) gives a row of zeros
    with no reductions at all. Looking costs next to nothing for the other rows:
    ``any`` stops at the first non-zero element.
    """
    m = len(columns)
    if not any(map(any, a)):
        # No row meets the columns, so nothing checks their elements: do it here.
        sum(chain.from_iterable(columns))
    if sumprod is _sumprod_fallback:
        # The same reduction written out, saving a Python call per element.
        return [[sum(map(_mul, r, c)) for c in columns] if any(r) else _zero_row(r, m)
                for r in a]
    return [[sumprod(r, c) for c in columns] if any(r) else _zero_row(r, m) for r in a]


def _zero_row(r, m):
    """The m zeros of the product row of ``r``, a row with no true element.

    Something falsy that is not a zero (None, '', []) would be skipped silently;
    raise TypeError instead, and let dot name it. (count(0.0) rather than
    count(0): comparing two floats is faster, and 0 == 0.0, so integer zeros
    count too.)
    """
    if r.count(0.0) != len(r):
        raise TypeError("not a number")
    return [0.0] * m


def _sparse_row(r, columns):
    """One row of a product computed from the non-zero entries of ``r`` only.

    ``itemgetter`` gathers those entries from every column in C, so the work
    shrinks with the number of non-zeros.
    """
    where = list(compress(range(len(r)), r))
    if not where:
        return _zero_row(r, len(columns))
    if len(where) + r.count(0.0) != len(r):
        # Something falsy that is not a zero (None, '', []) would be skipped
        # silently; fail instead, and let dot name it.
        raise TypeError("not a number")
    if len(where) > 1:
        gather = itemgetter(*where)
        values = gather(r)
        if sumprod is _sumprod_fallback:  # written out, as in _dense_product
            return [sum(map(_mul, values, gather(c))) for c in columns]
        return [sumprod(values, gather(c)) for c in columns]
    # itemgetter of one index returns a value, not a tuple
    (t,) = where
    x = r[t]
    if not isinstance(x, Number):  # 'ab' * 2 would repeat a string, not raise
        raise TypeError("not a number")
    return [x * c[t] for c in columns]


def _product(a, columns):
    """``a`` times the matrix whose columns are ``columns``."""
    if not columns or not columns[0]:
        # Nothing to multiply (m = 0 or k = 0): every element is an empty sum.
        # The elements must still be numbers.
        sum(chain.from_iterable(a))
        sum(chain.from_iterable(columns))
        return [[0.0] * len(columns) for _ in a]
    if len(columns) < SPARSE_MIN_COLUMNS or len(columns[0]) < SPARSE_MIN_INNER:
        return _dense_product(a, columns)
    # Wide enough for a look at each row: mostly-zero rows (MNIST pixels, one-hot
    # rows, ReLU outputs) are reduced over their non-zero entries only. A row is
    # judged by every 4th element: counting all of them would cost about as much
    # as one of its reductions. (count(0.0): see _zero_row.)
    dense_below = SPARSE_ZERO_SHARE * len(range(0, len(columns[0]), 4))
    is_sparse = [r[::4].count(0.0) >= dense_below for r in a]
    if not any(is_sparse):
        return _dense_product(a, columns)
    if all(is_sparse):
        # Sparse rows leave out the parts of the columns that face their zeros,
        # so check the columns once here (TypeError if they hold a non-number).
        # With any dense row, the dense product multiplies, so checks, them all.
        sum(chain.from_iterable(columns))
    dense_rows = iter(_dense_product([r for r, s in zip(a, is_sparse) if not s], columns))
    return [_sparse_row(r, columns) if s else next(dense_rows) for r, s in zip(a, is_sparse)]


def _dot_small_inner(a, b):
    """Product for an inner size of 1, 2 or 3 (e.g. 2-D points into a layer).

    With so few terms a per-element reduction call costs more than the arithmetic;
    one comprehension over the output row does the k multiplications inline.
    """
    if len(b) == 1:
        (b0,) = b
        return [[x0 * u for u in b0] for (x0,) in a]
    if len(b) == 2:
        b0, b1 = b
        return [[x0 * u + x1 * v for u, v in zip(b0, b1)] for x0, x1 in a]
    b0, b1, b2 = b
    return [[x0 * u + x1 * v + x2 * w for u, v, w in zip(b0, b1, b2)] for x0, x1, x2 in a]


def _dot_transposed_small_inner(a, bt):
    """``a @ transpose(bt)`` for an inner size of 1, 2 or 3, inline like
    ``_dot_small_inner``: each row of ``bt`` holds the k numbers one column needs,
    unpacked straight from the row (a tenth faster than zipping the columns)."""
    if len(a[0]) == 1:
        return [[x0 * u for (u,) in bt] for (x0,) in a]
    if len(a[0]) == 2:
        return [[x0 * u + x1 * v for u, v in bt] for x0, x1 in a]
    return [[x0 * u + x1 * v + x2 * w for u, v, w in bt] for x0, x1, x2 in a]


def _dot_small_inner_add_row(a, b, bias):
    """``_dot_small_inner(a, b)`` with the vector ``bias`` added to every row, in the
    same pass. The sums are formed in the same order (products first, then the
    bias), so the numbers are exactly those of ``add_row(dot(a, b), [bias])``."""
    if len(b) == 1:
        (b0,) = b
        return [[x0 * u + c for u, c in zip(b0, bias)] for (x0,) in a]
    if len(b) == 2:
        b0, b1 = b
        return [[x0 * u + x1 * v + c for u, v, c in zip(b0, b1, bias)] for x0, x1 in a]
    b0, b1, b2 = b
    return [[x0 * u + x1 * v + x2 * w + c for u, v, w, c in zip(b0, b1, b2, bias)]
            for x0, x1, x2 in a]


def _naming_non_numbers(op, named, kernel, *args):
    """``kernel(*args)``; a TypeError from inside becomes one naming the first
    element that is not a number in the (name, matrix) pairs ``named``."""
    try:
        return kernel(*args)
    except TypeError:
        raise _type_error(op, *named) from None


def _checked_small_inner(op, a, right, kernel, *args, extra=()):
    """``kernel(*args)``, a small-inner product of ``a`` and the right matrix
    ``right`` (as the caller was given it), with every element checked. ``extra``:
    more (name, matrix) pairs the kernel uses, already checked, for the message
    when numbers do not mix.

    The right matrix is small (k <= 3 rows or columns): check it outright. If all
    its elements are floats, every element of ``a`` meets a float in the kernel,
    and anything but a number times a float raises TypeError, so the product
    itself checks ``a``. Otherwise check ``a`` first: 'a' * 2 is 'aa', not an error.
    """
    _check_numbers(right, op, "right matrix")
    if set(map(type, chain.from_iterable(right))) != {float}:
        _check_numbers(a, op, "left matrix")
    named = (("left matrix", a), ("right matrix", right), *extra)
    return _naming_non_numbers(op, named, kernel, *args)


def _dot_shapes(op, a, b):
    """(n, k, m) of the product ``a @ b``, or the ShapeError/TypeError naming ``op``."""
    n, k = _shape(a, op, "left matrix")
    k2, m = _shape(b, op, "right matrix")
    if k != k2:
        raise ShapeError(
            f"{op}: cannot multiply {n}x{k} by {k2}x{m} (inner sizes {k} and {k2} differ)"
        )
    return n, k, m


def dot(a, b):
    """Matrix product ``a @ b``: (n x k) times (k x m) gives n x m.

    Element [i][j] is the sum over t of a[i][t] * b[t][j]. The kernel is chosen by
    shape (see DESIGN.md and benchmarks/matmul.py): an inline sum for an inner size
    of 1 to 3; otherwise ``b`` is transposed once and each row of ``a`` is reduced
    against each column of ``b`` with ``sumprod``; when ``b`` has at least
    ``SPARSE_MIN_COLUMNS`` columns and the rows are at least ``SPARSE_MIN_INNER``
    long, rows of ``a`` with at least a ``SPARSE_ZERO_SHARE`` of zeros are reduced
    over their non-zero entries only.
    All paths give the same numbers up to rounding. (One exception, for inf and
    nan in ``b``: a row of zeros, and the zeros of a sparse row, are skipped, so
    0 * inf counts as 0, not nan.)
    An element that is not a number raises TypeError naming where it sits.

    Empty matrices: ``[]`` is 0x0, so ``dot([], [])`` is ``[]`` and an n x 0
    matrix times ``[]`` is n x 0 (``[[], ...]``).

    >>> dot([[1, 2, 3]], [[1], [0], [-1]])
    [[-2]]
    >>> dot([[1, 2]], [[1, 2]])
    Traceback (most recent call last):
    ...
    barenn.matrix.ShapeError: dot: cannot multiply 1x2 by 1x2 (inner sizes 2 and 1 differ)
    """
    n, k, m = _dot_shapes("dot", a, b)
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot", a, b, _dot_small_inner, a, b)
    named = (("left matrix", a), ("right matrix", b))
    live = list(compress(range(k), map(any, b)))
    if k and len(live) <= (1 - ZERO_ROWS_SHARE) * k:
        return _naming_non_numbers("dot", named, _product_of_live_rows, a, b, live)
    return _naming_non_numbers("dot", named, _product, a, list(zip(*b)))


def _product_of_live_rows(a, b, live):
    """``a @ b`` from the inner indices ``live`` only: the rows of ``b`` that are
    not all zeros, and the matching columns of ``a``. (A zero row t of b makes
    every a[i][t] * b[t][j] zero: those terms add nothing.)"""
    m = len(b[0])
    for t in set(range(len(b))) - set(live):
        _zero_row(b[t], m)  # really zeros, not None or ''
    # The columns of a that are left out are never multiplied: check them here
    # (and all of b, which the small-inner kernel may not).
    sum(chain.from_iterable(a))
    sum(chain.from_iterable(b))
    if not live:
        return [[0.0] * m for _ in a]
    if len(live) == 1:  # itemgetter of one index returns a value, not a tuple
        (t,) = live
        a_live = [[r[t]] for r in a]
    else:
        a_live = list(map(itemgetter(*live), a))
    b_live = [b[t] for t in live]
    if len(live) <= SMALL_INNER:
        return _dot_small_inner(a_live, b_live)
    return _product(a_live, list(zip(*b_live)))


def dot_add_row(a, b, r):
    """``add_row(dot(a, b), r)`` in one pass: a layer's ``inputs · weights + biases``.

    (n x k) times (k x m), plus the 1 x m row ``r`` added to every row of the
    product, gives n x m, with the same numbers as the two calls. For an inner
    size of 1 to 3 the bias is added inside the product's own comprehension,
    which saves a whole pass over the n x m result (about a quarter of the
    time of a 300x2 by 2x64 product); otherwise the product dominates and the row
    is added afterwards.

    >>> dot_add_row([[1, 2], [3, 4]], [[1, 0], [0, 1]], [[10, 20]])
    [[11, 22], [13, 24]]
    """
    n, k, m = _dot_shapes("dot_add_row", a, b)
    rows, cols = _shape(r, "dot_add_row", "row")
    if rows != 1 or cols != m:
        raise ShapeError(
            f"dot_add_row: cannot add a {rows}x{cols} row to the {n}x{m} product "
            f"(expected a 1x{m} row)"
        )
    _check_numbers(r, "dot_add_row", "row")
    bias = r[0]
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot_add_row", a, b, _dot_small_inner_add_row, a, b, bias,
                                    extra=(("row", r),))
    product = _naming_non_numbers("dot_add_row", (("left matrix", a), ("right matrix", b)),
                                  _product, a, list(zip(*b)))
    try:
        return [list(map(_add, x, bias)) for x in product]
    except TypeError:  # numbers that do not add up (a Decimal and a float)
        raise _type_error("dot_add_row", ("row", r)) from None


def dot_transposed(a, bt):
    """``a @ transpose(bt)`` without building the transpose.

    (n x k) with (m x k) gives n x m. The rows of ``bt`` are exactly the columns a
    product needs, so the backward pass ``dinputs = dvalues @ weights.T`` costs no
    transposition at all (an inner size of 1 to 3 is multiplied out inline, as
    in ``dot``). With k = 0 every element is an empty sum: an n x m matrix of 0.0.

    >>> dot_transposed([[1, 2]], [[3, 4], [5, 6]])
    [[11, 17]]
    """
    n, k = _shape(a, "dot_transposed", "left matrix")
    m, k2 = _shape(bt, "dot_transposed", "right matrix")
    if k != k2:
        raise ShapeError(
            f"dot_transposed: cannot multiply {n}x{k} by the transpose of {m}x{k2} "
            f"(inner sizes {k} and {k2} differ)"
        )
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot_transposed", a, bt, _dot_transposed_small_inner, a, bt)
    return _naming_non_numbers("dot_transposed", (("left matrix", a), ("right matrix", bt)),
                               _product, a, bt)


def _dot_transposed_where_small_inner(a, bt, where):
    """``_dot_transposed_small_inner`` computing only where ``where`` is positive.

    A row of zeros in ``a`` gives zeros without a look at its mask row (the
    caller has checked that every element of ``a`` is a number, so a row with no
    true element is a row of zeros).
    """
    zeros = [0.0] * len(bt)
    if len(a[0]) == 1:
        return [[x0 * u if z > 0.0 else 0.0 for (u,), z in zip(bt, zr)] if x0 else zeros[:]
                for (x0,), zr in zip(a, where)]
    if len(a[0]) == 2:
        return [[x0 * u + x1 * v if z > 0.0 else 0.0 for (u, v), z in zip(bt, zr)]
                if x0 or x1 else zeros[:] for (x0, x1), zr in zip(a, where)]
    return [[x0 * u + x1 * v + x2 * w if z > 0.0 else 0.0 for (u, v, w), z in zip(bt, zr)]
            if x0 or x1 or x2 else zeros[:] for (x0, x1, x2), zr in zip(a, where)]


def _dot_transposed_where_product(a, bt, where):
    """Each row of ``a`` against each row of ``bt`` by ``sumprod``, only where
    ``where`` is positive; a row of zeros gives zeros (as in ``_dense_product``)."""
    m = len(bt)
    if sumprod is _sumprod_fallback:  # written out, as in _dense_product
        return [[sum(map(_mul, r, c)) if z > 0.0 else 0.0 for c, z in zip(bt, zr)]
                if any(r) else _zero_row(r, m) for r, zr in zip(a, where)]
    return [[sumprod(r, c) if z > 0.0 else 0.0 for c, z in zip(bt, zr)]
            if any(r) else _zero_row(r, m) for r, zr in zip(a, where)]


def dot_transposed_where(a, bt, where):
    """``dot_transposed(a, bt)``, computed only where ``where`` is positive; 0.0 elsewhere.

    (n x k) with (m x k), and ``where`` n x m, gives n x m. Element [i][j] is the
    number ``dot_transposed`` gives if ``where[i][j] > 0``, else 0.0.

    It is the backward pass of a Dense layer and the ReLU before it in one:
    the ReLU lets a gradient through only where its input was positive, so the
    products it would set to zero are never computed (in a ReLU layer about half
    of them), and there is no second pass over the result.

    >>> dot_transposed_where([[1, 2]], [[3, 4], [5, 6]], [[0.5, -1.0]])
    [[11, 0.0]]
    """
    op = "dot_transposed_where"
    n, k = _shape(a, op, "left matrix")
    m, k2 = _shape(bt, op, "right matrix")
    if k != k2:
        raise ShapeError(
            f"{op}: cannot multiply {n}x{k} by the transpose of {m}x{k2} "
            f"(inner sizes {k} and {k2} differ)"
        )
    expected = (n, m) if n else (0, 0)  # a 0 x m matrix is written [], like 0x0
    got = _shape(where, op, "mask")
    if got != expected:
        raise ShapeError(f"{op}: the mask is {format_shape(got)} "
                         f"but the product is {format_shape(expected)}")
    # A product left out never meets its elements: check a and bt outright (they
    # are the narrow gradient and the weights). The mask is checked where it is
    # compared with 0.0, and by sum in the rows that are not compared.
    _check_numbers(a, op, "left matrix")
    _check_numbers(bt, op, "right matrix")
    named = (("left matrix", a), ("right matrix", bt), ("mask", where))
    if k == 0:
        _check_numbers(where, op, "mask")
        return [[0.0] * m for _ in a]
    kernel = (_dot_transposed_where_small_inner if k <= SMALL_INNER
              else _dot_transposed_where_product)
    result = _naming_non_numbers(op, named, kernel, a, bt, where)
    # Rows of zeros in a gave zeros without looking at their mask rows.
    unseen = [zr for r, zr in zip(a, where) if not any(r)]
    _naming_non_numbers(op, (("mask", where),), sum, chain.from_iterable(unseen))
    return result


def outer(u, v):
    """Outer product of two vectors: ``result[i][j] = u[i] * v[j]``.

    >>> outer([1, 2], [3, 4, 5])
    [[3, 4, 5], [6, 8, 10]]
    """
    for name, vec in (("first vector", u), ("second vector", v)):
        if not isinstance(vec, (list, tuple)):
            raise TypeError(f"outer: expected the {name} as a list of numbers, got {_describe(vec)}")
        _matrix([vec], "outer", name)
    return [[x * y for y in v] for x in u]


def diagflat(v):
    """A square matrix with ``v`` on its diagonal and zeros elsewhere.

    >>> diagflat([1, 2])
    [[1, 0.0], [0.0, 2]]
    """
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"diagflat: expected a vector (a list of numbers), got {_describe(v)}")
    _matrix([v], "diagflat", "vector")
    n = len(v)
    return [[v[i] if i == j else 0.0 for j in range(n)] for i in range(n)]


# --- elementwise ---------------------------------------------------------------------

def _elementwise(op_name, operator, a, b):
    sa = _matrix(a, op_name, "first matrix")
    sb = _matrix(b, op_name, "second matrix")
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
    _matrix(m, "scale")
    _check_number(k, "scale", "the factor")
    return [[k * v for v in r] for r in m]


def add_row(m, r):
    """Add the 1 x n row ``r`` to every row of the n-column matrix ``m`` (the bias).

    >>> add_row([[1, 2], [3, 4]], [[10, 20]])
    [[11, 22], [13, 24]]
    """
    rows, cols = _matrix(m, "add_row", "matrix")
    rr, rc = _matrix(r, "add_row", "row")
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
        raise TypeError(f"apply: the first argument must be a function, got {_describe(function)}")
    _shape(m, "apply")
    return [list(map(function, r)) for r in m]


def clip(m, low, high):
    """Every element limited to ``[low, high]``."""
    _matrix(m, "clip")
    _check_number(low, "clip", "low")
    _check_number(high, "clip", "high")
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
    return _naming_non_numbers(op, (("matrix", m),), compute)


def sum_columns(m):
    """The sum of each column, as a 1 x n matrix (``dbiases = sum_columns(dvalues)``).

    >>> sum_columns([[1, 2, 3], [4, 5, 6]])
    [[5, 7, 9]]
    """
    rows, cols = _shape(m, "sum_columns")
    if rows == 0:
        return [[]]
    return _reduce("sum_columns", m, lambda: [[sum(c) for c in zip(*m)]])


def sum_rows(m):
    """The sum of each row, as an n x 1 matrix.

    >>> sum_rows([[1, 2, 3], [4, 5, 6]])
    [[6], [15]]
    """
    _shape(m, "sum_rows")
    return _reduce("sum_rows", m, lambda: [[sum(r)] for r in m])


def sum_all(m):
    """The sum of every element (0 for an empty matrix)."""
    _shape(m, "sum_all")
    return _reduce("sum_all", m, lambda: sum(map(sum, m)))


def mean(m):
    """The mean of every element; an empty matrix has none and raises ValueError."""
    rows, cols = _shape(m, "mean")
    if rows * cols == 0:
        raise ValueError(f"mean: the matrix is {rows}x{cols}; an empty matrix has no mean")
    return _reduce("mean", m, lambda: sum(map(sum, m))) / (rows * cols)


def max_abs(m):
    """The largest absolute value of any element (0.0 for an empty matrix)."""
    _shape(m, "max_abs")
    return _reduce("max_abs", m, lambda: max((max(map(abs, r)) for r in m if r), default=0.0))


def argmax(m):
    """Index of the largest element of each row (the first one on ties).

    >>> argmax([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4]])
    [1, 0]
    """
    rows, cols = _matrix(m, "argmax")
    if rows and cols == 0:
        raise ShapeError(f"argmax: the matrix is {rows}x0; an empty row has no largest element")
    # max and index both run in C; index finds the first element equal to the
    # largest, so ties go to the first (twice as fast as max with a key).
    return [r.index(max(r)) for r in m]
