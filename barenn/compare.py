"""How far apart are two results? ``compare`` and the row type of the check table.

Used by ``barenn.check`` (every part's backward against numeric slopes) and by
``barenn.bridge`` (the scalar engine against the matrix engine); it depends on
nothing else in barenn but its error types, so both can import it.

Two results agree entry by entry when |a − b| <= atol + rtol·max(|a|, |b|), the rule
of ``math.isclose`` with an absolute floor.

>>> compare([[1.0, 2.0]], [[1.0, 2.0000001]]).passed
True
>>> compare(1.0, 1.5)
Comparison(max_abs=0.5, max_rel=0.3333333333333333, passed=False)
"""

import math
from collections import namedtuple

from barenn.checks import ShapeError, check_number, describe

__all__ = ["ATOL", "RTOL", "Comparison", "CheckRow", "compare"]

# The default tolerances, made for comparing an analytic gradient with a central
# difference (see barenn.check): ATOL covers entries that are ~0, where a relative
# difference means nothing; RTOL is 10^4 times the expected numeric error of a
# central difference with ε = 1e-6, and still 10^4 times smaller than a wrong factor
# (like a missing 2).
ATOL = 1e-7
RTOL = 1e-5

Comparison = namedtuple("Comparison", "max_abs max_rel passed")
Comparison.__doc__ = """How far two results are apart (see ``compare``).

max_abs: the largest |a − b| over all entries.
max_rel: the largest |a − b| / max(|a|, |b|) (0 where both are 0).
passed:  True when every entry satisfies |a − b| <= atol + rtol·max(|a|, |b|).
"""

CheckRow = namedtuple("CheckRow", "name max_abs max_rel passed")
CheckRow.__doc__ = """One line of the check table: which part, how far apart, verdict."""


def as_matrix(where, x, name="a"):
    """``(matrix, description)`` for a number, a vector (list of numbers) or a matrix.

    A number becomes a 1x1 matrix and a vector a 1xn one; the description ("a number",
    "a vector of 3", "a 2x3 matrix") is for error messages. Ragged rows raise
    ShapeError, anything else (an entry that is not a number) TypeError, both naming
    ``where`` and the argument ``name``.

    >>> as_matrix("compare", [1.0, 2.0])
    ([[1.0, 2.0]], 'a vector of 2')
    """
    if _is_number(x):
        return [[x]], "a number"
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (list, tuple)):
        _check_entries(where, name, [x])
        return [list(x)], f"a vector of {len(x)}"
    if isinstance(x, (list, tuple)):
        cols = len(x[0]) if x else 0
        for i, r in enumerate(x):
            if not isinstance(r, (list, tuple)):
                raise TypeError(f"{where}: row {i} of the matrix must be a list, got {describe(r)}")
            if len(r) != cols:
                raise ShapeError(f"{where}: the matrix is ragged: row {i} has {len(r)} elements "
                                 f"but row 0 has {cols}")
        _check_entries(where, name, x, matrix=True)
        return x, f"a {len(x)}x{cols} matrix"
    raise TypeError(f"{where}: a and b must be numbers, vectors or matrices, got {describe(x)}")


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check_entries(where, name, rows, matrix=False):
    """TypeError naming the first entry of ``rows`` that is not a number."""
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if not _is_number(v):
                at = f"[{i}][{j}]" if matrix else f"[{j}]"
                raise TypeError(f"{where}: {name}{at} must be a number, got {describe(v)}")


def compare(a, b, atol=ATOL, rtol=RTOL):
    """Compare two numbers, vectors or matrices of the same shape -> ``Comparison``.

    A NaN or infinity on either side counts as a failure (max_abs and max_rel are
    then NaN). Different shapes raise ShapeError.
    """
    check_number("compare", "atol", atol, low=0)
    check_number("compare", "rtol", rtol, low=0)
    try:
        return _compare(a, b, atol, rtol)
    except OverflowError:  # an int too large for a float (10**400)
        raise ValueError("compare: a number is too large for a float") from None


def _compare(a, b, atol, rtol):
    ma, what_a = as_matrix("compare", a, "a")
    mb, what_b = as_matrix("compare", b, "b")
    if what_a != what_b:
        raise ShapeError(f"compare: cannot compare {what_a} with {what_b}")
    max_abs = max_rel = 0.0
    passed = True
    for ra, rb in zip(ma, mb):
        for x, y in zip(ra, rb):
            diff = abs(x - y)
            size = max(abs(x), abs(y))
            if math.isnan(diff) or math.isinf(size):
                return Comparison(math.nan, math.nan, False)
            max_abs = max(max_abs, diff)
            if size > 0:
                max_rel = max(max_rel, diff / size)
            if diff > atol + rtol * size:
                passed = False
    return Comparison(max_abs, max_rel, passed)
