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
from numbers import Real

__all__ = [
    "ShapeError", "TrainingDiverged", "MAX_SIZE", "describe",
    "check_int", "check_number", "check_choice", "check_type", "check_bool",
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
