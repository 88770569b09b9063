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
import os
from itertools import chain
from numbers import Number, Real

__all__ = [
    "ShapeError", "TrainingDiverged", "OrderError", "MAX_SIZE", "describe",
    "check_int", "check_number", "check_choice", "check_type", "check_bool", "check_path",
    "check_callable", "check_finite_rows", "check_size", "too_large_error",
    "PARAMETER_LIMIT", "LOSS_GROWTH_LIMIT", "DATA_LIMIT", "check_parameter_sizes", "check_loss_growth",
    "matrix_shape", "check_matrix", "check_numbers", "non_number_error", "naming_non_numbers", "is_number",
    "check_batch", "entry_error", "check_dvalues", "check_loss",
    "check_layers", "check_loss_object", "check_layer_widths",
]

# The largest count of anything barenn is asked to make (samples, neurons, rows, the
# elements of one matrix): far beyond what pure Python can train, far below what would
# exhaust memory before the first error could be shown.
MAX_SIZE = 10 ** 8

# Sane ranges for training (``Network.fit`` stops with TrainingDiverged outside them).
# A weight or bias this large has run away: He or Xavier initial weights are below 1
# and a trained network's rarely pass 100. A loss this many times its first value
# (for the same fit) is growing without bound; a classifier's loss is capped near 16
# by its clipping, so only a regression's can get there. Neither is ever reached by
# the lessons' runs.
PARAMETER_LIMIT = 1e8
LOSS_GROWTH_LIMIT = 1e6
# The largest input or target value barenn trains on: squares and products of
# larger numbers overflow a float (1e155 ** 2 is infinity).
DATA_LIMIT = 1e100


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


class OrderError(ValueError, RuntimeError):
    """A method called before the one it needs (``backward`` before ``forward``).

    A ``ValueError`` like every other barenn error about what was passed (here the
    object itself is not ready), and a ``RuntimeError`` as it always was.
    """


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


def check_size(owner, rows, cols, what="the matrix"):
    """ValueError unless a rows x cols result has at most MAX_SIZE elements: each
    size may be fine while their product would take hours and all the memory."""
    check_int(owner, "rows", rows, low=0, high=None)
    check_int(owner, "cols", cols, low=0, high=None)
    if rows * cols > MAX_SIZE:
        raise ValueError(f"{owner}: {what} would have {rows:,} x {cols:,} = {rows * cols:,} "
                         f"elements; at most {MAX_SIZE:,}")


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


def check_path(owner, name, value):
    """``value`` as a str if it is a file path: a str or an ``os.PathLike`` (never an
    int, which ``open`` would take for a file descriptor, nor a bool or bytes)."""
    expected = "a file path (str or os.PathLike)"
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    text = os.fspath(value)
    if not isinstance(text, str):
        raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")
    if not text:
        raise ValueError(f"{owner}: {name} is empty; give a file name")
    if "\0" in text:
        raise ValueError(f"{owner}: {name} must not contain a NUL character, got {describe(text)}")
    return text


def check_callable(owner, name, value, none=False):
    """``value`` if it can be called (or is None when ``none``); else a TypeError."""
    if (value is None and none) or callable(value):
        return value
    expected = "a function" + (" or None" if none else "")
    raise TypeError(f"{owner}: {name} must be {expected}, got {describe(value)}")


def check_finite_rows(owner, name, rows, start=0, limit=None):
    """Raise ValueError naming the row and column of the first NaN or infinity in
    ``rows`` (a list of rows of numbers; ``start`` is the number of the first row),
    or, with ``limit``, of the first value larger than ``limit`` in size.

    One ``sum`` per row (in C) finds a row with a NaN or infinity, since they
    survive a sum; only such a row is searched value by value. A sum of finite
    numbers can overflow to infinity too (two values of 1e308): that row is then
    named for holding values too large to compute with. Entries that are not
    numbers are left to the type checks that follow.
    """
    isfinite = math.isfinite
    for i, r in enumerate(rows):
        try:
            total = sum(r)
            big = max(map(abs, r)) if limit is not None and r else 0.0
        except OverflowError:  # an int too large for a float (10**400)
            total = big = math.inf
        except TypeError:
            continue
        try:
            fine = isfinite(total) and not big > limit if limit is not None else isfinite(total)
        except OverflowError:  # a sum of ints too large for a float
            fine = False
        if fine:
            continue
        for j, v in enumerate(r):
            try:
                bad = not isfinite(v)
                large = limit is not None and not bad and abs(v) > limit
            except OverflowError:
                raise ValueError(f"{owner}: {name} has a number too large for a float at "
                                 f"row {start + i}, column {j}") from None
            except TypeError:
                continue
            if bad:
                raise ValueError(f"{owner}: {name} has {v!r} at row {start + i}, column {j}; "
                                 "every value must be a finite number")
            if large:
                raise ValueError(f"{owner}: {name} has {v:g} at row {start + i}, column {j}, "
                                 f"beyond the largest value barenn trains on (±{limit:g}: "
                                 "products and squares would overflow); scale the data down")
        raise ValueError(f"{owner}: {name} has numbers too large to compute with in row "
                         f"{start + i} (their sum overflows); scale the data down")


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


def too_large_error(op, *named):
    """The ValueError for the first number too large for a float (an int such as
    10**400) among the named (name, matrix) pairs."""
    for name, m in named:
        for i, r in enumerate(m):
            for j, v in enumerate(r):
                try:
                    float(v)
                except OverflowError:
                    return ValueError(f"{op}: a number in the {name} is too large for a "
                                      f"float, at row {i}, column {j}")
                except (TypeError, ValueError):
                    continue
    names = " and ".join(name for name, _ in named)
    return ValueError(f"{op}: the numbers in the {names} are too large to compute with")


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
    except OverflowError:
        raise too_large_error(op, (name, m)) from None


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
    except OverflowError:  # an int too large for a float (10**400) met a float
        raise too_large_error(op, *named) from None


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
    if not output or not isinstance(output, list):
        raise OrderError(f"{where}: call forward() before backward()")
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

def _check_figure(owner, name, value):
    """A loss figure: a real number, NaN and infinity allowed (they are the news)."""
    if not (isinstance(value, float) and math.isnan(value)):
        check_number(owner, name, value, finite=False)


def check_loss(data_loss, regularization_loss=0.0):
    """Raise TrainingDiverged (with no place yet: ``Network.fit`` adds the epoch and
    batch) when the loss of a training step is NaN or infinite."""
    _check_figure("check_loss", "data_loss", data_loss)
    _check_figure("check_loss", "regularization_loss", regularization_loss)
    if not (math.isfinite(data_loss) and math.isfinite(regularization_loss)):
        raise TrainingDiverged(f"the loss is {data_loss + regularization_loss}")


def check_loss_growth(loss, first_loss):
    """Raise TrainingDiverged (no place yet: ``Network.fit`` adds the epoch and batch)
    when ``loss`` is more than LOSS_GROWTH_LIMIT times ``first_loss`` (the first
    loss of the fit; at least 1.0 is assumed, so a nearly perfect start does not
    make a tiny loss count as growth)."""
    _check_figure("check_loss_growth", "loss", loss)
    check_number("check_loss_growth", "first_loss", first_loss, low=0)
    limit = LOSS_GROWTH_LIMIT * max(first_loss, 1.0)
    if loss > limit:
        raise TrainingDiverged(f"the loss grew to {loss:.4g}, more than {LOSS_GROWTH_LIMIT:g} "
                               f"times its first value ({first_loss:.4g})")


def check_parameter_sizes(layers):
    """Raise TrainingDiverged (no place yet) when a parameter of ``layers`` is NaN,
    infinite or larger in size than PARAMETER_LIMIT; the message names the layer,
    the parameter and the value."""
    check_type("check_parameter_sizes", "layers", layers, (list, tuple), "a list of layers")
    for layer in layers:
        if not callable(getattr(layer, "params", None)):
            raise TypeError(f"check_parameter_sizes: every layer must have params(), "
                            f"got {describe(layer)}")
        for name, value, _ in layer.params():
            # sum() runs in C; NaN and infinity survive a sum, so one check per row will do.
            if not all(math.isfinite(sum(r)) for r in value):
                raise TrainingDiverged(f"the {name} of {layer!r} became NaN or infinite")
            largest = max((max(map(abs, r)) for r in value if r), default=0.0)
            if largest > PARAMETER_LIMIT:
                raise TrainingDiverged(f"the {name} of {layer!r} reached {largest:.4g} in size, "
                                       f"beyond the sane limit of {PARAMETER_LIMIT:g}")


def check_layers(owner, layers):
    """``layers`` if it is a non-empty list of layer objects (instances with
    ``forward`` and ``backward`` methods); else a TypeError or ValueError saying which."""
    check_type(owner, "layers", layers, (list, tuple), "a list of layers")
    if not layers:
        raise ValueError(f"{owner}: no layers given; a network needs at least one layer, "
                         "e.g. [Dense(2, 3), Softmax()]")
    for i, layer in enumerate(layers):
        if isinstance(layer, type):
            raise TypeError(f"{owner}: layer {i} is the class {layer.__name__}; "
                            f"pass an instance such as {layer.__name__}(...)")
        if not (callable(getattr(layer, "forward", None))
                and callable(getattr(layer, "backward", None))):
            raise TypeError(f"{owner}: layer {i} ({layer!r}) has no forward/backward methods")
    return layers


def check_loss_object(owner, loss):
    """``loss`` if it is a loss instance (with ``calculate`` and ``backward``)."""
    if loss is None:
        raise ValueError(f"{owner}: a loss is needed, e.g. loss=CategoricalCrossEntropy()")
    if isinstance(loss, type):
        raise TypeError(f"{owner}: the loss is the class {loss.__name__}; "
                        f"pass an instance: {loss.__name__}()")
    if not (callable(getattr(loss, "calculate", None)) and callable(getattr(loss, "backward", None))):
        raise TypeError(f"{owner}: the loss {loss!r} has no calculate/backward methods")
    return loss


def check_layer_widths(owner, layers):
    """ShapeError unless each layer with ``n_inputs`` takes as many values as the
    layer with ``n_neurons`` before it gives."""
    width, source = None, None
    for i, layer in enumerate(layers):
        n_in = getattr(layer, "n_inputs", None)
        if n_in is None:
            continue
        if width is not None and n_in != width:
            raise ShapeError(f"{owner}: layer {i} {layer!r} expects {n_in} inputs, but layer "
                             f"{source} {layers[source]!r} gives {width}")
        width, source = layer.n_neurons, i
