"""The argument checks every part of barenn uses, and the errors they raise.

One mistake reads the same wherever it is made:

* a value of the wrong type raises ``TypeError``;
* a value of the right type but out of range raises ``ValueError``;
* matrices that do not fit together raise ``ShapeError`` (a ``ValueError``).

Every message names the function or class, the argument, what it got and what it
expected::

    Dense: n_inputs must be a whole number >= 1, got 2.5 (float)

>>> check_int("Dense", "n_inputs", 3, low=1)
3
>>> check_int("Dense", "n_inputs", 2.5, low=1)
Traceback (most recent call last):
...
TypeError: Dense: n_inputs must be a whole number >= 1, got 2.5 (float)
>>> check_number("SGD", "learning_rate", 0, low=0, low_open=True)
Traceback (most recent call last):
...
ValueError: SGD: learning_rate must be a finite number > 0, got 0 (int)
"""

import math
from itertools import chain
from numbers import Number, Real

__all__ = [
    "ShapeError", "TrainingDiverged", "MAX_SIZE", "describe",
    "check_int", "check_number", "check_choice", "check_type", "check_bool",
    "matrix_shape", "check_matrix", "check_numbers", "non_number_error", "naming_non_numbers", "is_number",
    "check_batch", "entry_error", "check_dvalues", "check_loss",
]

# The largest count of anything barenn is asked to make (samples, neurons, rows, the
# elements of one matrix): far beyond what pure Python can train, far below what would
# exhaust memory before the first error could be shown.
MAX_SIZE = 10 ** 8


class ShapeError(ValueError):
    """Two matrices (or a matrix and what an operation needs) do not fit together."""


class TrainingDiverged(ValueError, FloatingPointError):
    """Training produced NaN, infinity or a number out of any sane range.

    ``epoch`` and ``batch`` say where (``batch`` counts from 1; None when the whole
    epoch was one batch or the problem showed after the epoch).
    """

    def __init__(self, message, epoch=None, batch=None):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch


def describe(value):
    """``value`` for an error message: its repr (shortened) and its type.

    >>> describe(2.5)
    '2.5 (float)'
    >>> describe("x" * 100)
    'a str of length 100'
    """
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = None
    kind = type(value).__name__
    if text is None or len(text) > 40:
        size = f" of length {len(value)}" if isinstance(value, (str, bytes, list, tuple, dict)) else ""
        return f"a {kind}{size}"
    return f"{text} ({kind})"


def _bounds(low, high, low_open=False, high_open=False):
    """'>= 1', '> 0', 'in [0, 1)', ... for a message."""
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f"in {left}{low!r}, {high!r}{right}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low!r}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high!r}"
    return ""


def check_int(owner, name, value, low=None, high=MAX_SIZE):
    """``value`` if it is a whole number (an int, not a bool) in [low, high].

    Wrong type: TypeError; out of range: ValueError. ``high`` defaults to
    ``MAX_SIZE``, so a size too large for memory is refused before any work.
    """
    expected = " ".join(filter(None, ("a whole number", _bounds(low, high if high != MAX_SIZE else None))))
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    if low is not None and value < low:
        raise ValueError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    if high is not None and value > high:
        limit = f"at most {high:,}" if high == MAX_SIZE else _bounds(low, high)
        raise ValueError(f"{owner}: {name} must be {limit}, got {value:,}")
    return value


def check_number(owner, name, value, low=None, high=None, low_open=False, high_open=False,
                 finite=True):
    """``value`` as a float if it is a real number (not a bool) within the bounds.

    ``low_open``/``high_open`` exclude the bound itself. NaN is always refused;
    infinity unless ``finite=False``. A number too large for a float (an int of
    400 digits) is a ValueError, not an OverflowError.
    """
    word = "a finite number" if finite else "a number"
    expected = " ".join(filter(None, (word, _bounds(low, high, low_open, high_open))))
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{owner}: {name} must be {expected}, got a number too large "
                         f"for a float") from None
    bad = math.isnan(number) or (finite and math.isinf(number))
    if low is not None:
        bad = bad or (number <= low if low_open else number < low)
    if high is not None:
        bad = bad or (number >= high if high_open else number > high)
    if bad:
        raise ValueError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    return number


def check_choice(owner, name, value, choices):
    """``value`` if it is one of ``choices``; else a ValueError listing them
    (a TypeError when it is not even of the choices' type)."""
    listed = ", ".join(repr(c) for c in choices)
    kinds = {type(c) for c in choices}
    if not any(isinstance(value, k) for k in kinds) or isinstance(value, bool) and bool not in kinds:
        raise TypeError(f"{owner}: {name} must be one of {listed}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"{owner}: {name} must be one of {listed}, got {describe(value)}")
    return value


def check_type(owner, name, value, types, expected):
    """``value`` if it is an instance of ``types``; else a TypeError saying
    ``expected`` (words such as "a list of rows")."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    return value


def check_bool(owner, name, value):
    """``value`` if it is True or False (not 0, 1 or None)."""
    if not isinstance(value, bool):
        raise TypeError(f"{owner}: {name} must be True or False, got {describe(value)}")
    return value


def _as_tuple(types):
    return types if isinstance(types, tuple) else (types,)


# --- matrices: shapes and elements (used by barenn.matrix and the fast tier) ---------

def matrix_shape(m, op, name="matrix"):
    """Shape of ``m`` as (rows, cols), or a clear error naming ``op``."""
    if not isinstance(m, (list, tuple)):
        raise TypeError(f"{op}: expected the {name} as a list of rows, got {describe(m)}")
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
            f"{op}: expected the {name} as a list of rows, but its row 0 is {describe(first)}; "
            f"write a vector v as [v] for a 1 x n matrix"
        )
    cols = len(first)
    for i, r in enumerate(m):
        if not isinstance(r, (list, tuple)):
            raise TypeError(f"{op}: row {i} of the {name} is {describe(r)}, not a list of numbers")
        if len(r) != cols:
            raise ShapeError(
                f"{op}: the {name} is ragged: row {i} has {len(r)} elements but row 0 has {cols} "
                f"(every row of a matrix must have the same length)"
            )
    return (len(m), cols)


def is_number(value):
    """A real number (a scalar argument such as a factor or a bound must be one)."""
    return isinstance(value, Number) and not isinstance(value, complex)


def non_number_error(op, *named):
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
                        f"{describe(v)} at {where}"
                    )
    names = " and ".join(name for name, _ in named)
    return TypeError(f"{op}: the numbers in the {names} cannot be added and multiplied together")


def check_numbers(m, op, name):
    """Raise the TypeError of ``non_number_error`` unless every element of ``m`` is a number.

    ``sum`` is the cheapest complete check: it runs in C and raises TypeError for
    anything that cannot be added (a string, None, a nested list), where the
    arithmetic itself might not ('a' * 2 is 'aa').
    """
    try:
        sum(chain.from_iterable(m))
    except TypeError:
        raise non_number_error(op, (name, m)) from None


def check_matrix(m, op, name="matrix"):
    """Shape of ``m`` after checking it is a matrix of numbers."""
    dims = matrix_shape(m, op, name)
    check_numbers(m, op, name)
    return dims


def naming_non_numbers(op, named, kernel, *args):
    """``kernel(*args)``; a TypeError from inside becomes one naming the first
    element that is not a number in the (name, matrix) pairs ``named``."""
    try:
        return kernel(*args)
    except TypeError:
        raise non_number_error(op, *named) from None


# --- batches: what layers, activations and losses are handed --------------------------

def check_batch(where, m, columns=None):
    """Shape of the batch ``m`` after checking it is a usable batch for ``where``.

    Raises ShapeError for ragged or empty batches, or (if ``columns`` is given) when
    the number of columns differs. Shared by the layers, activations and losses so
    every part words these errors the same way.
    """
    rows, cols = batch_dims(where, m)
    if rows == 0 or cols == 0:
        raise ShapeError(f"{where}: got an empty batch ({rows}x{cols}); "
                         "a batch needs at least one sample with at least one value")
    if columns is not None and cols != columns:
        raise ShapeError(f"{where}: expected {columns} columns, got a {rows}x{cols} matrix")
    return rows, cols


def batch_dims(where, m):
    """``matrix_shape(m, "shape")``, with errors that also name the part that was handed ``m``."""
    try:
        return matrix_shape(m, "shape")
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    except TypeError as error:
        raise TypeError(f"{where}: {error}") from None


def entry_error(where, m, what="inputs"):
    """A TypeError naming the first entry of ``m`` that is not a real number."""
    for i, r in enumerate(m):
        for j, x in enumerate(r):
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                return TypeError(f"{where}: {what} must be real numbers; "
                                 f"entry [{i}][{j}] is {x!r} ({type(x).__name__})")
    return TypeError(f"{where}: {what} must be real numbers")


def check_dvalues(where, dvalues, output, check_numbers=True):
    """Check that ``dvalues`` has the shape of the output it is the gradient of.

    check_numbers=False leaves out the check that every element is a number, for
    a backward pass whose arithmetic touches every element of dvalues anyway (a
    non-number then raises TypeError there, to be named by ``entry_error``).
    """
    if output is None:
        raise RuntimeError(f"{where}: call forward() before backward()")
    expected = (len(output), len(output[0]))  # forward made it: a non-empty matrix
    got = batch_dims(where, dvalues)
    if got != expected:
        raise ShapeError(f"{where}: dvalues must have the output's shape "
                         f"{expected[0]}x{expected[1]}, got {got[0]}x{got[1]}")
    if check_numbers:
        # One sum over all elements (in C) rejects non-numbers even where a
        # backward pass would not touch them (ReLU ignores dvalues wherever its
        # input was <= 0).
        try:
            sum(chain.from_iterable(dvalues))
        except TypeError:
            raise entry_error(where, dvalues, "dvalues") from None


# --- training ------------------------------------------------------------------------

def check_loss(data_loss, regularization_loss=0.0):
    """Raise TrainingDiverged (with no place yet: ``Network.fit`` adds the epoch and
    batch) when the loss of a training step is NaN or infinite."""
    if not (math.isfinite(data_loss) and math.isfinite(regularization_loss)):
        raise TrainingDiverged(f"the loss is {data_loss + regularization_loss}")
