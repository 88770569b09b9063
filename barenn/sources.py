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

from barenn.checks import ShapeError, check_type
from barenn.matrix import format_shape, shape

__all__ = ["is_source", "take_rows", "source_shape", "batch_indices", "check_data", "SOURCE_CHUNK"]

SOURCE_CHUNK = 1000  # samples turned into floats at a time when predicting from a data source


def is_source(X):
    """True for a data source: not a list of rows, but something with ``len()`` and
    ``batch(indices)`` that returns float rows (e.g. ``barenn.realdata.MnistImages``)."""
    return (not isinstance(X, (list, tuple)) and callable(getattr(X, "batch", None))
            and callable(getattr(X, "__len__", None)))


def take_rows(X, indices):
    """The samples of X at ``indices`` as a list of rows (from a source: ``X.batch``)."""
    if is_source(X):
        return X.batch(indices)
    return [X[i] for i in indices]


def source_shape(where, X, name):
    """(samples, features) of a data source, checking one sample's row."""
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
    is not empty, that each sample has ``features`` values (when given) and that
    ``y`` (when given) has one entry per sample. Errors name ``where``."""
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
    if y is not None:
        check_type(where, names[1], y, (list, tuple),
                   "a list (class indices, one-hot rows or target rows)")
        if len(y) != rows:
            raise ValueError(f"{where}: {name} has {rows} samples but {names[1]} has "
                             f"{len(y)}; they must have one entry per sample")
    return rows
