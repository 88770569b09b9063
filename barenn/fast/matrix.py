"""The fast tier's matrix products: the same numbers as ``barenn.matrix``, sooner.

``barenn.matrix.dot`` is the formula a learner reads: transpose the right matrix
once, then one sum of products per element. The functions here give the same
results (up to rounding: sums may be formed in another order or over the non-zero
terms only) and pick a kernel by shape:

* ``dot(a, b)``: an inline sum for an inner size of 1 to 3; rows of zeros cost
  nothing; mostly-zero rows (MNIST pixels, one-hot rows, ReLU outputs) are reduced
  over their non-zero entries only (the rows of ``b`` facing them gathered once and
  zipped into shortened columns); rows of zeros of ``b`` are left out;
* ``dot_add_row(a, b, r)``: ``add_row(dot(a, b), r)`` in one pass (a layer's
  forward);
* ``dot_transposed(a, bt)``: ``dot(a, transpose(bt))`` without the transpose
  (``dinputs = dvalues @ weights.T``);
* ``dot_transposed_where(a, bt, where)``: ``dot_transposed`` computed only where
  ``where > 0`` (a Dense layer's backward and the ReLU before it, in one pass).

``python -m barenn check`` and tests/test_fast_matrix.py prove each equal to the
reference; benchmarks/matmul.py and benchmarks/smallshapes.py measure why each
choice was made.

>>> dot([[1, 2], [3, 4]], [[5, 6], [7, 8]])
[[19, 22], [43, 50]]
"""

import math
from itertools import chain, compress
from numbers import Number
from operator import add as _add, itemgetter, mul as _mul

from barenn.checks import (
    ShapeError,
    check_numbers,
    matrix_shape,
    naming_non_numbers,
    non_number_error,
)
from barenn.matrix import HAS_MATH_SUMPROD, format_shape


def _sum_map_mul(u, v):
    return sum(map(_mul, u, v))


# The C-level reduction of one row against one column, unchecked: the callers
# check shapes and name a bad entry when the arithmetic fails.
_sumprod = math.sumprod if HAS_MATH_SUMPROD else _sum_map_mul

__all__ = ["dot", "dot_add_row", "dot_transposed", "dot_transposed_where",
           "SPARSE_ZERO_SHARE", "SPARSE_MIN_COLUMNS", "SPARSE_MIN_INNER", "SMALL_INNER",
           "FEW_COLUMNS", "ZERO_ROWS_SHARE"]

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

# Products with up to this many columns write a row's reductions out in one
# list display (see _few_columns_product); the kernel is written for 1 to 3.
FEW_COLUMNS = 3

# dot leaves out the rows of its right matrix that are all zeros (and the
# matching columns of the left one) when at least this share of them are: in
# dweights = inputsᵀ · dvalues they are the samples whose gradient is zero (a
# hinge loss whose margin is met, say). Leaving out costs a pass to check and
# gather what is kept. Measured on (16x100)·(100x16), time left out / kept:
# with sum(map(mul)) 0.99 at 10 % zero rows, 0.91 at 20 %, 0.67 at 50 %; with
# math.sumprod 1.09 at 10 %, 1.05 at 20 %, 0.83 at 50 %.
ZERO_ROWS_SHARE = 0.3 if HAS_MATH_SUMPROD else 0.1


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
    if m <= FEW_COLUMNS:
        return _few_columns_product(a, columns)
    if not HAS_MATH_SUMPROD:
        # The same reduction written out, saving a Python call per element.
        return [[sum(map(_mul, r, c)) for c in columns] if any(r) else _zero_row(r, m)
                for r in a]
    return [[_sumprod(r, c) for c in columns] if any(r) else _zero_row(r, m) for r in a]


def _few_columns_product(a, columns):
    """``_dense_product`` for 1 to ``FEW_COLUMNS`` columns (a last layer's weight
    gradient, 3 classes): the m reductions of a row written out in one list
    display, with no loop over the columns. The same calls in the same order, so
    the same numbers; 2-4 % faster on (300x64)@(64x3) on 3.11 to 3.13, which
    takes dot/best there from 0.95 to 0.98 and more (benchmarks/matmul.py)."""
    if not HAS_MATH_SUMPROD:  # written out, as in _dense_product
        if len(columns) == 1:
            (c0,) = columns
            return [[sum(map(_mul, r, c0))] if any(r) else _zero_row(r, 1) for r in a]
        if len(columns) == 2:
            c0, c1 = columns
            return [[sum(map(_mul, r, c0)), sum(map(_mul, r, c1))] if any(r) else _zero_row(r, 2)
                    for r in a]
        c0, c1, c2 = columns
        return [[sum(map(_mul, r, c0)), sum(map(_mul, r, c1)), sum(map(_mul, r, c2))]
                if any(r) else _zero_row(r, 3) for r in a]
    if len(columns) == 1:
        (c0,) = columns
        return [[_sumprod(r, c0)] if any(r) else _zero_row(r, 1) for r in a]
    if len(columns) == 2:
        c0, c1 = columns
        return [[_sumprod(r, c0), _sumprod(r, c1)] if any(r) else _zero_row(r, 2) for r in a]
    c0, c1, c2 = columns
    return [[_sumprod(r, c0), _sumprod(r, c1), _sumprod(r, c2)] if any(r) else _zero_row(r, 3)
            for r in a]


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


def _sparse_row(r, columns, b=None):
    """One row of a product computed from the non-zero entries of ``r`` only.

    ``itemgetter`` gathers those entries from every column in C, so the work
    shrinks with the number of non-zeros. Given ``b`` itself (the rows whose
    columns ``columns`` are), it gathers the rows of ``b`` facing the non-zeros
    once, and ``zip`` turns them into the shortened columns: the very same
    tuples (so the same sums), built about 1.5x faster than one ``itemgetter``
    call per column (benchmarks/mnist.py, ``--kernels``).
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
        if b is not None:
            shortened = zip(*gather(b))
        else:
            shortened = map(gather, columns)
        if not HAS_MATH_SUMPROD:  # written out, as in _dense_product
            return [sum(map(_mul, values, c)) for c in shortened]
        return [_sumprod(values, c) for c in shortened]
    # itemgetter of one index returns a value, not a tuple
    (t,) = where
    x = r[t]
    if not isinstance(x, Number):  # 'ab' * 2 would repeat a string, not raise
        raise TypeError("not a number")
    if b is not None:
        return [x * v for v in b[t]]
    return [x * c[t] for c in columns]


def _product(a, columns, b=None):
    """``a`` times the matrix whose columns are ``columns`` (and, if given, whose
    rows are ``b``: the sparse rows then gather whole rows of ``b``)."""
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
    return [_sparse_row(r, columns, b) if s else next(dense_rows) for r, s in zip(a, is_sparse)]


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
    check_numbers(right, op, "right matrix")
    if set(map(type, chain.from_iterable(right))) != {float}:
        check_numbers(a, op, "left matrix")
    named = (("left matrix", a), ("right matrix", right), *extra)
    return naming_non_numbers(op, named, kernel, *args)


def _dot_shapes(op, a, b):
    """(n, k, m) of the product ``a @ b``, or the ShapeError/TypeError naming ``op``."""
    n, k = matrix_shape(a, op, "left matrix")
    k2, m = matrix_shape(b, op, "right matrix")
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
    barenn.checks.ShapeError: dot: cannot multiply 1x2 by 1x2 (inner sizes 2 and 1 differ)
    """
    n, k, m = _dot_shapes("dot", a, b)
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot", a, b, _dot_small_inner, a, b)
    named = (("left matrix", a), ("right matrix", b))
    live = list(compress(range(k), map(any, b)))
    if k and len(live) <= (1 - ZERO_ROWS_SHARE) * k:
        return naming_non_numbers("dot", named, _product_of_live_rows, a, b, live)
    return naming_non_numbers("dot", named, _product, a, list(zip(*b)), b)


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
    return _product(a_live, list(zip(*b_live)), b_live)


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
    rows, cols = matrix_shape(r, "dot_add_row", "row")
    if rows != 1 or cols != m:
        raise ShapeError(
            f"dot_add_row: cannot add a {rows}x{cols} row to the {n}x{m} product "
            f"(expected a 1x{m} row)"
        )
    check_numbers(r, "dot_add_row", "row")
    bias = r[0]
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot_add_row", a, b, _dot_small_inner_add_row, a, b, bias,
                                    extra=(("row", r),))
    product = naming_non_numbers("dot_add_row", (("left matrix", a), ("right matrix", b)),
                                  _product, a, list(zip(*b)), b)
    try:
        return [list(map(_add, x, bias)) for x in product]
    except TypeError:  # numbers that do not add up (a Decimal and a float)
        raise non_number_error("dot_add_row", ("row", r)) from None


def dot_transposed(a, bt):
    """``a @ transpose(bt)`` without building the transpose.

    (n x k) with (m x k) gives n x m. The rows of ``bt`` are exactly the columns a
    product needs, so the backward pass ``dinputs = dvalues @ weights.T`` costs no
    transposition at all (an inner size of 1 to 3 is multiplied out inline, as
    in ``dot``). With k = 0 every element is an empty sum: an n x m matrix of 0.0.

    >>> dot_transposed([[1, 2]], [[3, 4], [5, 6]])
    [[11, 17]]
    """
    n, k = matrix_shape(a, "dot_transposed", "left matrix")
    m, k2 = matrix_shape(bt, "dot_transposed", "right matrix")
    if k != k2:
        raise ShapeError(
            f"dot_transposed: cannot multiply {n}x{k} by the transpose of {m}x{k2} "
            f"(inner sizes {k} and {k2} differ)"
        )
    if 1 <= k <= SMALL_INNER:
        return _checked_small_inner("dot_transposed", a, bt, _dot_transposed_small_inner, a, bt)
    return naming_non_numbers("dot_transposed", (("left matrix", a), ("right matrix", bt)),
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
    if not HAS_MATH_SUMPROD:  # written out, as in _dense_product
        return [[sum(map(_mul, r, c)) if z > 0.0 else 0.0 for c, z in zip(bt, zr)]
                if any(r) else _zero_row(r, m) for r, zr in zip(a, where)]
    return [[_sumprod(r, c) if z > 0.0 else 0.0 for c, z in zip(bt, zr)]
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
    n, k = matrix_shape(a, op, "left matrix")
    m, k2 = matrix_shape(bt, op, "right matrix")
    if k != k2:
        raise ShapeError(
            f"{op}: cannot multiply {n}x{k} by the transpose of {m}x{k2} "
            f"(inner sizes {k} and {k2} differ)"
        )
    expected = (n, m) if n else (0, 0)  # a 0 x m matrix is written [], like 0x0
    got = matrix_shape(where, op, "mask")
    if got != expected:
        raise ShapeError(f"{op}: the mask is {format_shape(got)} "
                         f"but the product is {format_shape(expected)}")
    # A product left out never meets its elements: check a and bt outright (they
    # are the narrow gradient and the weights). The mask is checked where it is
    # compared with 0.0, and by sum in the rows that are not compared.
    check_numbers(a, op, "left matrix")
    check_numbers(bt, op, "right matrix")
    named = (("left matrix", a), ("right matrix", bt), ("mask", where))
    if k == 0:
        check_numbers(where, op, "mask")
        return [[0.0] * m for _ in a]
    kernel = (_dot_transposed_where_small_inner if k <= SMALL_INNER
              else _dot_transposed_where_product)
    result = naming_non_numbers(op, named, kernel, a, bt, where)
    # Rows of zeros in a gave zeros without looking at their mask rows.
    unseen = [zr for r, zr in zip(a, where) if not any(r)]
    naming_non_numbers(op, (("mask", where),), sum, chain.from_iterable(unseen))
    return result
