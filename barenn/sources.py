"""Where training data comes from: a matrix of rows, or a data source.

A *data source* is any object with ``len(source)`` samples and
``source.batch(indices)`` returning those samples as float rows, such as
``barenn.realdata.MnistImages``. A source is turned into floats one batch at a
time, so 60,000 MNIST images stay 47 MB of bytes instead of hundreds of MB of
float rows; the numbers are the same as with the rows.

>>> take_rows([[1.0], [2.0], [3.0]], [2, 0])
[[3.0], [1.0]]
>>> list(batch_indices(5, 2))
[range(0, 2), range(2, 4), range(4, 5)]
"""

import re

from barenn.checks import DATA_LIMIT, ShapeError, check_finite_rows, check_type, describe
from barenn.matrix import format_shape, shape

__all__ = ["is_source", "take_rows", "source_shape", "batch_indices", "check_data", "SOURCE_CHUNK"]

SOURCE_CHUNK = 1000  # samples turned into floats at a time when predicting from a data source


def is_source(X):
    """True for a data source: not a list of rows, but something with ``len()`` and
    ``batch(indices)`` that returns float rows (e.g. ``barenn.realdata.MnistImages``)."""
    return (not isinstance(X, (list, tuple)) and callable(getattr(X, "batch", None))
            and callable(getattr(X, "__len__", None)))


def take_rows(X, indices):
    """The samples of X at ``indices`` as a list of rows (from a source: ``X.batch``,
    whose rows are checked for NaN, infinity and values beyond ``DATA_LIMIT`` here,
    as ``check_data`` checks a matrix of rows once and for all; a source whose
    ``values_are_finite`` is True, such as ``MnistImages``, is trusted)."""
    if is_source(X):
        rows = X.batch(indices)
        if getattr(X, "values_are_finite", False):
            return rows  # bytes / 255 (MnistImages): nothing to check
        try:
            check_finite_rows("data source", "the batch", rows, limit=DATA_LIMIT)
        except ValueError as error:  # name the sample, not the row of the batch
            found = re.search(r"row (\d+)", str(error))
            if found is None:
                raise
            sample = list(indices)[int(found.group(1))]
            raise ValueError(str(error).replace(found.group(0), f"sample {sample}", 1)) from None
        return rows
    check_type("take_rows", "X", X, (list, tuple), "a list of rows or a data source")
    try:
        return [X[i] for i in indices]
    except IndexError:
        raise ValueError(f"take_rows: an index is out of range for the {len(X)} samples of X") from None
    except TypeError:
        raise TypeError(f"take_rows: indices must be whole numbers, got {describe(indices)}") from None


def source_shape(where, X, name):
    """(samples, features) of a data source, checking one sample's row."""
    if not is_source(X):
        raise TypeError(f"{where}: {name} must be a data source with len() and "
                        f"batch(indices), got {describe(X)}")
    rows = len(X)
    if rows == 0:
        return 0, 0
    sample = X.batch([0])
    try:
        one, cols = shape(sample)
    except (ShapeError, TypeError) as error:
        raise TypeError(f"{where}: {name}.batch([0]) must give a list of one row, "
                        f"got something else ({error})") from None
    if one != 1:
        raise ValueError(f"{where}: {name}.batch([0]) must give one row, got "
                         f"{format_shape((one, cols))}")
    return rows, cols


def batch_indices(n, batch_size, order=None):
    """The sample indices of each batch: ranges in order, or slices of ``order``."""
    for start in range(0, n, batch_size):
        if order is None:
            yield range(start, min(start + batch_size, n))
        else:
            yield order[start:start + batch_size]


def check_data(where, X, y=None, names=("X", "y"), features=None):
    """The number of samples in X (rows or a data source), after checking that it
    is not empty, that each sample has ``features`` values (when given), that
    ``y`` (when given) has one entry per sample, and that every value of X and y
    is a finite number at most ``DATA_LIMIT`` (1e100) in size: a NaN is refused
    with its row and column (ReLU would hide it, max(0, NaN) being 0). A data
    source's samples are checked batch by batch (``take_rows``). Errors name ``where``."""
    check_type(where, "names", names, (list, tuple), "a pair of names such as ('X', 'y')")
    if len(names) != 2 or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{where}: names must be a pair of names such as ('X', 'y'), got {names!r}")
    name = names[0]
    if is_source(X):
        rows, cols = source_shape(where, X, name)
    else:
        try:
            rows, cols = shape(X)
        except (ShapeError, TypeError) as error:
            raise type(error)(f"{where}: {name} must be a matrix, one row per sample, or a "
                              f"data source with len() and batch(indices) ({error})") from None
    if rows == 0 or cols == 0:
        raise ValueError(f"{where}: {name} is empty ({rows}x{cols}); "
                         "give at least one sample with at least one feature")
    if features is not None and cols != features:
        raise ShapeError(f"{where}: {name} has {cols} features per sample ({rows}x{cols}) but "
                         f"the network's first layer expects {features}")
    if not is_source(X):
        check_finite_rows(where, name, X, limit=DATA_LIMIT)
    if y is not None:
        check_type(where, names[1], y, (list, tuple),
                   "a list (class indices, one-hot rows or target rows)")
        if len(y) != rows:
            raise ValueError(f"{where}: {name} has {rows} samples but {names[1]} has "
                             f"{len(y)}; they must have one entry per sample")
        check_finite_rows(where, names[1], [t if isinstance(t, (list, tuple)) else [t] for t in y],
                          limit=DATA_LIMIT)
    return rows
