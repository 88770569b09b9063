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
import sys
from itertools import chain
from numbers import Number, Real

__all__ = [
    "ShapeError", "TrainingDiverged", "OrderError", "MAX_SIZE", "describe",
    "check_int", "check_number", "check_choice", "check_type", "check_bool", "check_path",
    "check_callable", "check_finite_rows", "check_size", "too_large_error",
    "PARAMETER_LIMIT", "LOSS_GROWTH_LIMIT", "DATA_LIMIT", "check_parameter_sizes", "check_loss_growth",
    "matrix_shape", "check_matrix", "check_numbers", "non_number_error", "naming_non_numbers", "is_number",
    "FLOAT_MAX", "cell_error", "check_product", "check_same_shape", "check_row_fits", "check_vector", "check_jacobian_input", "check_penalties",
    "check_batch", "check_inputs", "entry_error", "check_dvalues", "check_loss",
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
    if isinstance(value, int) and text is not None and len(text) > 40:
        return f"an int of {len(text.lstrip('-'))} digits"
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


# The largest float; an int beyond it cannot become one (10**400 meets a float: OverflowError).
FLOAT_MAX = sys.float_info.max


def _noun(name):
    """'inputs' stays 'inputs'; 'left matrix' becomes 'the left matrix'."""
    name = str(name)  # a caller's odd label still gives a message, not an AttributeError
    return name if name.endswith("s") or name.startswith("the ") else f"the {name}"


def cell_error(op, name, m):
    """The error for the first entry of the matrix ``m`` (named ``name``) that is not
    a real number barenn can compute with, or None when every entry is one.

    This is the one wording every part uses for the same mistake::

        dot: the left matrix must hold real numbers, but row 0, column 1 is 'a' (str)
        Dense.forward: inputs must hold real numbers, but row 0, column 1 is 'a' (str)

    A real number is an int or a float (or another ``numbers.Real``), never a bool;
    an int too large to become a float (10**400) is a ValueError that gives the limit.
    Rows are assumed to be lists (``matrix_shape`` checked them); a name containing
    "vector" says "position j" instead of "row i, column j".
    """
    for i, r in enumerate(m):
        for j, v in enumerate(r):
            if type(v) is float:
                continue
            where = f"position {j}" if "vector" in name else f"row {i}, column {j}"
            if isinstance(v, bool) or not isinstance(v, Real):
                return TypeError(f"{op}: {_noun(name)} must hold real numbers, but {where} "
                                 f"is {describe(v)}")
            try:
                float(v)
            except OverflowError:
                return ValueError(f"{op}: {_noun(name)} must hold numbers a float can hold "
                                  f"(at most {FLOAT_MAX:.4g} in size), but {where} is an int "
                                  f"of {len(str(abs(v)))} digits")
    return None


def check_numbers(m, op, name):
    """Raise ``cell_error``'s error unless every entry of the matrix ``m`` is a real
    number a float can hold. ``m`` is a list of rows whose shape is already known.

    All-float matrices, the usual case, pass after one C-level pass that lists each
    entry's type; anything else is searched entry by entry for the first bad one.
    """
    kinds = list(map(type, chain.from_iterable(m)))
    if kinds.count(float) != len(kinds):
        error = cell_error(op, name, m)
        if error is not None:
            raise error


def non_number_error(op, *named):
    """The error (``cell_error``'s wording) for the first bad entry among the named
    (name, matrix) pairs. If every entry is a number after all, the error says that
    the values do not combine (a Fraction meeting something it cannot add to)."""
    for name, m in named:
        error = cell_error(op, name, m)
        if error is not None:
            return error
    names = " and ".join(_noun(name) for name, _ in named)
    return TypeError(f"{op}: the numbers in {names} cannot be added and multiplied together")


def too_large_error(op, *named):
    """The ValueError for an int too large for a float among the named (name, matrix)
    pairs (``cell_error``'s wording), or one that says a result overflowed."""
    error = non_number_error(op, *named)
    if isinstance(error, ValueError):
        return error
    names = " and ".join(_noun(name) for name, _ in named)
    return ValueError(f"{op}: the numbers in {names} are too large to compute with")


def check_matrix(m, op, name="matrix"):
    """Shape of ``m`` after checking it is a matrix of real numbers."""
    dims = matrix_shape(m, op, name)
    check_numbers(m, op, name)
    return dims


def naming_non_numbers(op, named, kernel, *args):
    """``kernel(*args)``; a TypeError or OverflowError from inside becomes the error
    that names the first bad entry of the (name, matrix) pairs ``named`` (the fast
    tier uses it: it checks by computing, instead of a separate pass)."""
    try:
        return kernel(*args)
    except TypeError:
        raise non_number_error(op, *named) from None
    except OverflowError:  # an int too large for a float (10**400) met a float
        raise too_large_error(op, *named) from None


def check_product(op, a, b):
    """The one check line of ``dot``: ``a`` (n x k) and ``b`` (k x m) are matrices of
    real numbers whose inner sizes agree. Returns (n, k, m)."""
    n, k = check_matrix(a, op, "left matrix")
    k2, m = check_matrix(b, op, "right matrix")
    if k != k2:
        raise ShapeError(f"{op}: cannot multiply {n}x{k} by {k2}x{m} (inner sizes {k} and {k2} differ)")
    return n, k, m


def check_same_shape(op, a, b):
    """The one check line of an elementwise operation: two matrices of real numbers
    of the same shape. Returns the shape."""
    sa = check_matrix(a, op, "first matrix")
    sb = check_matrix(b, op, "second matrix")
    if sa != sb:
        raise ShapeError(f"{op}: shapes {sa[0]}x{sa[1]} and {sb[0]}x{sb[1]} differ "
                         "(elementwise operations need equal shapes; add_row broadcasts a 1 x n row)")
    return sa


def check_row_fits(op, m, r):
    """The one check line of ``add_row``: ``m`` is n x k and ``r`` is 1 x k, both of
    real numbers. Returns (n, k)."""
    rows, cols = check_matrix(m, op, "matrix")
    rr, rc = check_matrix(r, op, "row")
    if rr != 1 or rc != cols:
        raise ShapeError(f"{op}: cannot add a {rr}x{rc} row to a {rows}x{cols} matrix "
                         f"(expected a 1x{cols} row)")
    return rows, cols


def check_vector(op, name, v, numbers=True):
    """``v`` if it is a vector: a list or tuple of real numbers (of anything, with
    numbers=False), not a matrix."""
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"{op}: expected the {name} as a list of numbers, got {describe(v)}")
    if numbers:
        check_numbers([v], op, name)
    return v


def check_jacobian_input(op, s):
    """The one check line of ``softmax_jacobian``: ``s`` is one sample's softmax
    output, a non-empty vector of real numbers."""
    check_vector(op, "vector s", s)
    if not s:
        raise ShapeError(f"{op}: got an empty vector")


PENALTY_NAMES = ("weight_regularizer_l1", "weight_regularizer_l2", "bias_regularizer_l1",
                 "bias_regularizer_l2")


def check_penalties(owner, *strengths):
    """Each regularization strength (in ``PENALTY_NAMES`` order) is a finite number >= 0."""
    for name, value in zip(PENALTY_NAMES, strengths):
        check_number(owner, name, value, low=0)


# --- optimizers --------------------------------------------------------------------

def check_optimizer_params(owner, layer):
    """``layer``'s (name, value, grad) triples for an optimizer's update (none for a
    layer without ``params``), after checking that backward has run and each
    gradient has its value's shape."""
    params = getattr(layer, "params", None)
    triples = list(params()) if callable(params) else []
    for name, value, grad in triples:
        if grad is None:
            raise OrderError(f"{owner}: {layer!r} has no gradient for {name}; "
                             "run backward() before updating")
        got, expected = matrix_shape(grad, owner, f"gradient of {name}"), matrix_shape(value, owner, name)
        if got != expected:
            raise ShapeError(f"{owner}: the gradient of {name} in {layer!r} is "
                             f"{got[0]}x{got[1]} but {name} is {expected[0]}x{expected[1]}")
    return triples


def check_setting(owner, name, value, ranges):
    """An optimizer's setting ``name`` (one of ``ranges``) as a float within its range
    (``ranges[name]``: ``check_number``'s bounds)."""
    check_choice(owner, "setting", name, tuple(ranges))
    return check_number(owner, name, value, **ranges[name])


def check_update(optimizer, weights, dweights, state):
    """The one check line of an optimizer's ``update``: two matrices of numbers of one
    shape and a dict holding the optimizer's slot matrices, each of that shape.
    ``update_params`` always hands it such; a direct call gets an error naming the
    optimizer instead of one from inside the arithmetic."""
    owner = f"{type(optimizer).__name__}.update"
    dims = check_matrix(weights, owner, "weights")
    if check_matrix(dweights, owner, "gradient") != dims:
        raise ShapeError(f"{owner}: the gradient must have the shape of the weights "
                         f"({dims[0]}x{dims[1]})")
    check_type(owner, "state", state, dict, "a dict of slot matrices")
    for slot in optimizer.slots:
        if slot not in state:
            raise ValueError(f"{owner}: state has no {slot!r} matrix; "
                             f"{type(optimizer).__name__} keeps {', '.join(optimizer.slots)}")
        if check_matrix(state[slot], owner, slot) != dims:
            raise ShapeError(f"{owner}: the {slot} matrix must have the shape of the weights")


# --- batches: what layers, activations and losses are handed --------------------------

def check_batch(where, m, columns=None, columns_name=None):
    """Shape of the batch ``m`` after checking its shape for ``where``: a non-empty
    list of equal rows, with ``columns`` columns if given (``columns_name`` names the
    setting that asks for them, such as "n_inputs"). Entries are not looked at
    (``check_inputs`` does that too)."""
    rows, cols = batch_dims(where, m)
    if rows == 0 or cols == 0:
        raise ShapeError(f"{where}: got an empty batch ({rows}x{cols}); "
                         "a batch needs at least one sample with at least one value")
    if columns is not None and cols != columns and columns_name is not None:
        raise ShapeError(f"{where}: this layer expects {columns_name}={columns} features per "
                         f"sample, got a {rows}x{cols} batch")
    if columns is not None and cols != columns:
        raise ShapeError(f"{where}: expected {columns} columns, got a {rows}x{cols} matrix")
    return rows, cols


def check_inputs(where, inputs, columns=None, name="inputs", columns_name=None):
    """The one check line of a reference forward pass: ``inputs`` is a batch (n x k,
    k = ``columns`` if given) of real numbers. Returns (n, k)."""
    dims = check_batch(where, inputs, columns, columns_name)
    check_numbers(inputs, where, name)
    return dims


def batch_dims(where, m):
    """``matrix_shape(m, "shape")``, with errors that also name the part that was handed ``m``."""
    try:
        return matrix_shape(m, "shape")
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    except TypeError as error:
        raise TypeError(f"{where}: {error}") from None


def entry_error(where, m, what="inputs"):
    """The error naming the first entry of the matrix ``m`` (called ``what``) that is
    not a real number (``cell_error``'s wording)."""
    return non_number_error(where, (what, m))


def check_dvalues(where, dvalues, output, entries=True):
    """The one check line of a reference backward pass: forward has run (``output``
    is its result) and ``dvalues`` has the output's shape and holds real numbers.

    entries=False leaves the entries unchecked, for a fast backward pass whose
    arithmetic touches every entry anyway (and names a bad one with ``entry_error``).
    """
    if not output or not isinstance(output, list):
        raise OrderError(f"{where}: call forward() before backward()")
    expected = (len(output), len(output[0]))  # forward made it: a non-empty matrix
    got = batch_dims(where, dvalues)
    if got != expected:
        raise ShapeError(f"{where}: dvalues must have the output's shape "
                         f"{expected[0]}x{expected[1]}, got {got[0]}x{got[1]}")
    if entries:
        check_numbers(dvalues, where, "dvalues")


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
