"""Your own data: a CSV file with a header row, read into features and a target.

``load_csv(path, target=None, task=None)`` returns a ``CsvData``: ``X`` (rows of
floats), ``y`` (class indices for a classifier, one-value rows for a regression),
``features`` (the feature columns' names), ``target`` (the target column's name),
``classes`` (the class names, as text, in index order; None for a regression) and
``task`` ("classification" or "regression")::

    X, y, features, target, classes, task = load_csv("iris.csv")

What a file may be:

* UTF-8 text (a byte-order mark is skipped), lines ending in ``\\n`` or ``\\r\\n``;
* a header row of column names, then one row per sample; blank lines are skipped;
* fields separated by commas, semicolons or tabs: the header row decides, whichever
  of the three splits it into the most fields;
* fields may be quoted ("a, b" is one field; "" inside quotes is one quote);
* feature cells are numbers written with a decimal point (1.5, -2e3). A decimal
  comma (1,5) is not read as a number; categories (red, blue) in a feature column
  are refused: encode them as numbers first. Missing cells (blank, NA, NaN, null)
  are refused, never guessed.

The target column is the last one unless named. Text labels, or whole numbers
with at most ``MAX_CLASSES`` distinct values, make a classifier; other numbers a
regression (``task`` overrides the guess). Every problem is a ``CsvError`` (a
ValueError) whose message names the file, the row (counted as a spreadsheet
does: the header is row 1) and the column.

``Scaling`` standardizes features with the training split's mean and standard
deviation (and a regression's target likewise); ``Network`` keeps it in
``network.preprocessing`` so a saved model applies it again in ``predict``.
"""

import csv
import io
import math
import os

from barenn._files import open_regular
from barenn.checks import MAX_SIZE, check_choice, check_path, check_type, describe

__all__ = ["CsvError", "CsvData", "load_csv", "read_table", "read_columns", "MAX_CLASSES",
           "MISSING", "TASKS", "Scaling", "guess_task", "preprocessing", "predict_rows"]

MAX_CLASSES = 20          # whole-number targets with more distinct values are a regression
MAX_BYTES = 2 * 10 ** 9   # far beyond what pure Python trains on
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
TASKS = ("classification", "regression")
DELIMITERS = (",", ";", "\t")


class CsvError(ValueError):
    """A CSV file barenn cannot use; the message names the file, row and column."""


class CsvData(tuple):
    """(X, y, features, target, classes, task): see the module docstring."""

    __slots__ = ()
    _fields = ("X", "y", "features", "target", "classes", "task")

    def __new__(cls, X, y, features, target, classes, task):
        return super().__new__(cls, (X, y, features, target, classes, task))

    X = property(lambda self: self[0])
    y = property(lambda self: self[1])
    features = property(lambda self: self[2])
    target = property(lambda self: self[3])
    classes = property(lambda self: self[4])
    task = property(lambda self: self[5])

    def __repr__(self):
        kind = (f"{len(self.classes)} classes" if self.classes is not None else "regression")
        return (f"CsvData({len(self.X)} rows, features={self.features!r}, "
                f"target={self.target!r}, {kind})")


def _read_text(path, owner):
    path = check_path(owner, "path", path)
    try:
        with open_regular(path, owner) as f:
            raw = f.read(MAX_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        raise CsvError(str(error)) from None
    if len(raw) > MAX_BYTES:
        raise CsvError(f"{owner}: {path} is larger than {MAX_BYTES:,} bytes")
    if b"\0" in raw[:65536]:
        raise CsvError(f"{owner}: {path} is not a text file (it holds NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvError(f"{owner}: {path} is not UTF-8 text (byte {error.start + 1} "
                       f"is {raw[error.start]:#04x}); save it as UTF-8 CSV") from None
    if not text.strip():
        raise CsvError(f"{owner}: {path} is empty; it needs a header row and data rows")
    return path, text


def delimiter_of(first_line):
    """The delimiter (of DELIMITERS) that splits the header line ``first_line`` into the
    most fields: what ``read_table`` uses, and ``barenn predict`` to write alike."""
    counts = [(len(next(csv.reader([first_line], delimiter=d))), -i, d)
              for i, d in enumerate(DELIMITERS)]
    return max(counts)[2]


def read_table(path, owner="read_table"):
    """(header, rows, row_numbers) of the CSV file at ``path``: cells as stripped
    strings, every row as long as the header; blank lines skipped. Raises CsvError."""
    path, text = _read_text(path, owner)
    first = text.lstrip("\r\n").splitlines()[0]
    delimiter = delimiter_of(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                        skipinitialspace=True)
    header, rows, numbers = None, [], []
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                header_line = reader.line_num
                continue
            if len(row) != len(header):
                raise CsvError(f"{owner}: {path}, row {reader.line_num}: {len(row)} field"
                               f"{'s' if len(row) != 1 else ''}, but the header (row "
                               f"{header_line}) has {len(header)}")
            rows.append([cell.strip() for cell in row])
            numbers.append(reader.line_num)
            if len(rows) > MAX_SIZE:
                raise CsvError(f"{owner}: {path} has more than {MAX_SIZE:,} rows")
    except csv.Error as error:
        raise CsvError(f"{owner}: {path}, row {reader.line_num}: not valid CSV ({error})") from None
    # A trailing delimiter on every line (some exports write one) makes an empty last
    # column: drop it when the header and every row leave it empty.
    while (header is not None and len(header) > 1 and not header[-1]
           and all(not row[-1] for row in rows)):
        header = header[:-1]
        rows = [row[:-1] for row in rows]
    if header is None:
        raise CsvError(f"{owner}: {path} is empty; it needs a header row and data rows")
    for i, name in enumerate(header):
        if not name:
            hint = (" (an unnamed first column is often a row index, as pandas writes by "
                    "default: drop it, or save with index=False)" if i == 0 else "")
            raise CsvError(f"{owner}: {path}, row {header_line}: column {i + 1} of the header "
                           f"has no name; the first row must name every column{hint}")
        if header.index(name) != i:
            raise CsvError(f"{owner}: {path}, row {header_line}: two columns are named {name!r}")
    numeric = [name for name in header if _number_or_none(name) is not None]
    if len(numeric) == len(header):
        raise CsvError(f"{owner}: {path}, row {header_line}: the first row holds only numbers; "
                       "it must be a header of column names")
    if 2 * len(numeric) >= len(header):
        raise CsvError(f"{owner}: {path}, row {header_line}: the first row looks like data "
                       f"({', '.join(repr(n) for n in header[:4])}{', ...' if len(header) > 4 else ''}), "
                       "not column names; add a header row naming every column")
    if not rows:
        raise CsvError(f"{owner}: {path} has a header but no data rows")
    return header, rows, numbers


def _number_or_none(cell):
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(owner, path, header, rows, numbers, column):
    """The column's cells as floats, or a CsvError naming the first bad cell."""
    values = []
    name = header[column]
    for row, line in zip(rows, numbers):
        cell = row[column]
        value = _number_or_none(cell)
        if value is None or abs(value) > 1e100:
            where = f"{owner}: {path}, row {line}, column {name!r}"
            if cell.lower() in MISSING:
                raise CsvError(f"{where}: the cell is empty or missing ({cell!r}); "
                               "fill in or drop the rows with missing values")
            if _number_or_none(cell.replace(",", ".")) is not None:
                raise CsvError(f"{where}: {cell!r} has a comma inside a number (a decimal "
                               "comma or a thousands separator); write numbers as 1500.5")
            try:
                float(cell)
                reason = "a number barenn cannot train on (infinite or larger than 1e100)"
            except ValueError:
                reason = ("not a number; feature columns must hold numbers (encode "
                          "categories as numbers, or drop the column)")
            raise CsvError(f"{where}: {cell!r} is {reason}")
        values.append(value)
    return values


def guess_task(labels):
    """"classification" if ``labels`` (strings) are text or whole numbers with at
    most MAX_CLASSES distinct values, else "regression"."""
    check_type("guess_task", "labels", labels, (list, tuple), "a list of the target's cells (str)")
    if not labels or not all(isinstance(cell, str) for cell in labels):
        raise ValueError("guess_task: labels must be a non-empty list of str cells")
    values = [_number_or_none(cell) for cell in labels]
    if any(v is None for v in values):
        return "classification"
    if all(v == int(v) for v in values) and len(set(values)) <= MAX_CLASSES:
        return "classification"
    return "regression"


def _class_order(labels):
    distinct = set(labels)
    values = {label: _number_or_none(label) for label in distinct}
    if all(v is not None for v in values.values()):
        return sorted(distinct, key=lambda label: (values[label], label))
    return sorted(distinct)


def load_csv(path, target=None, task=None):
    """Read a CSV file of features and a target (see the module docstring).

    target: the target column's name (default: the last column).
    task: "classification", "regression" or None to guess from the target.
    Returns a ``CsvData`` (X, y, features, target, classes, task).
    """
    owner = "load_csv"
    if target is not None:
        check_type(owner, "target", target, str, "a column name (str)")
    if task is not None:
        check_choice(owner, "task", task, TASKS)
    header, rows, numbers = read_table(path, owner)
    path = os.fspath(path)
    if len(header) < 2:
        raise CsvError(f"{owner}: {path} has one column ({header[0]!r}); it needs at least "
                       "one feature column and a target column")
    if target is None:
        t = len(header) - 1
    elif target in header:
        t = header.index(target)
    else:
        raise CsvError(f"{owner}: {path} has no column {target!r}; its columns are "
                       + ", ".join(repr(n) for n in header))
    features = [name for i, name in enumerate(header) if i != t]
    columns = [_numbers(owner, path, header, rows, numbers, i)
               for i in range(len(header)) if i != t]
    X = [list(row) for row in zip(*columns)]
    labels = [row[t] for row in rows]
    for label, line in zip(labels, numbers):
        if label.lower() in MISSING:
            raise CsvError(f"{owner}: {path}, row {line}, column {header[t]!r}: the target is "
                           f"empty or missing ({label!r}); drop the rows without a target")
    task = task or guess_task(labels)
    if task == "regression":
        y = [[value] for value in _numbers(owner, path, header, rows, numbers, t)]
        if len({row[0] for row in y}) < 2:
            raise CsvError(f"{owner}: {path}, column {header[t]!r}: every target is "
                           f"{y[0][0]:g}; there is nothing to learn")
        return CsvData(X, y, features, header[t], None, task)
    classes = _class_order(labels)
    if len(classes) < 2:
        raise CsvError(f"{owner}: {path}, column {header[t]!r}: every row has the class "
                       f"{classes[0]!r}; a classifier needs at least two classes")
    if len(classes) > 1000:
        raise CsvError(f"{owner}: {path}, column {header[t]!r}: {len(classes):,} distinct "
                       "classes; at most 1,000 (is it a regression target? use --task regression)")
    index = {name: i for i, name in enumerate(classes)}
    return CsvData(X, [index[label] for label in labels], features, header[t], classes, task)


def read_columns(path, names, owner="read_columns"):
    """(X, row_numbers): the columns ``names`` of the CSV file at ``path`` as rows
    of floats, in the order of ``names`` (the file's column order and any extra
    columns do not matter; a missing column is a CsvError)."""
    check_type(owner, "names", names, (list, tuple), "a list of column names (str)")
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{owner}: names must be a non-empty list of column names (str)")
    header, rows, numbers = read_table(path, owner)
    path = os.fspath(path)
    missing = [n for n in names if n not in header]
    if missing:
        raise CsvError(f"{owner}: {path} has no column{'s' if len(missing) > 1 else ''} "
                       + ", ".join(repr(n) for n in missing)
                       + "; the model needs " + ", ".join(repr(n) for n in names))
    columns = [_numbers(owner, path, header, rows, numbers, header.index(n)) for n in names]
    return [list(row) for row in zip(*columns)], numbers


class Scaling:
    """Standardization: x' = (x - mean) / std per column (std 0 is taken as 1).

    ``Scaling.fit(rows)`` measures the columns; ``apply(rows)`` and ``undo(rows)``
    map rows there and back. ``to_dict``/``from_dict`` for saving.
    """

    def __init__(self, mean, std):
        check_type("Scaling", "mean", mean, (list, tuple), "a list of numbers")
        check_type("Scaling", "std", std, (list, tuple), "a list of numbers")
        if len(mean) != len(std) or not mean:
            raise ValueError(f"Scaling: mean and std must be equally long and not empty, "
                             f"got {len(mean)} and {len(std)}")
        for name, values in (("mean", mean), ("std", std)):
            for v in values:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise ValueError(f"Scaling: {name} must hold finite numbers, got {describe(v)}")
        if any(s <= 0 for s in std):
            raise ValueError("Scaling: std must hold numbers > 0")
        self.mean = [float(v) for v in mean]
        self.std = [float(v) for v in std]

    @classmethod
    def fit(cls, rows):
        """The Scaling of the columns of ``rows`` (a non-empty matrix of finite numbers)."""
        n = cls._check_rows("Scaling.fit", rows, None)
        columns = list(zip(*rows))
        mean = [math.fsum(c) / n for c in columns]
        std = [math.sqrt(math.fsum((v - m) ** 2 for v in c) / n) for c, m in zip(columns, mean)]
        return cls(mean, [s if s > 1e-12 * max(1.0, abs(m)) else 1.0 for s, m in zip(std, mean)])

    @staticmethod
    def _check_rows(owner, rows, width):
        from barenn.checks import check_finite_rows

        check_type(owner, "rows", rows, (list, tuple), "a list of rows of numbers")
        if not rows or not all(isinstance(r, (list, tuple)) and r for r in rows):
            raise ValueError(f"{owner}: rows must be a non-empty list of non-empty rows")
        widths = {len(r) for r in rows}
        if len(widths) != 1 or (width is not None and widths != {width}):
            raise ValueError(f"{owner}: every row must have {width or 'the same number of'} values, "
                             f"got rows of {sorted(widths)}")
        check_finite_rows(owner, "rows", rows)
        return len(rows)

    def apply(self, rows):
        """``rows`` standardized: (x - mean) / std per column."""
        self._check_rows("Scaling.apply", rows, len(self.mean))
        return [[(v - m) / s for v, m, s in zip(row, self.mean, self.std)] for row in rows]

    def undo(self, rows):
        """Standardized ``rows`` back in their own units: x * std + mean."""
        self._check_rows("Scaling.undo", rows, len(self.mean))
        return [[v * s + m for v, m, s in zip(row, self.mean, self.std)] for row in rows]

    def to_dict(self):
        return {"mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, data):
        check_type("Scaling.from_dict", "data", data, dict, "a dict with mean and std")
        return cls(data.get("mean"), data.get("std"))

    def __repr__(self):
        return f"Scaling({len(self.mean)} columns)"


def preprocessing(features, scaling, target, classes=None, target_scaling=None):
    """The plain-data record a Network keeps in ``network.preprocessing`` (and a
    saved model in its file): feature names, their Scaling, the target's name, the
    class names (classifier) or the target's Scaling (regression)."""
    check_type("preprocessing", "features", features, (list, tuple), "a list of column names")
    check_type("preprocessing", "scaling", scaling, Scaling, "a Scaling")
    check_type("preprocessing", "target", target, str, "a column name (str)")
    if classes is not None:
        check_type("preprocessing", "classes", classes, (list, tuple), "a list of class names")
    if target_scaling is not None:
        check_type("preprocessing", "target_scaling", target_scaling, Scaling, "a Scaling or None")
    return {"features": list(features), "scaling": scaling.to_dict(), "target": target,
            "classes": None if classes is None else list(classes),
            "target_scaling": None if target_scaling is None else target_scaling.to_dict()}


def predict_rows(network, X):
    """Predictions for raw feature rows ``X`` (in the order of the model's
    features): class names for a classifier, target values for a regression, after
    the scaling the network was trained with (``network.preprocessing``; a model
    without one gets ``X`` as it is and answers class indices or output rows)."""
    if not callable(getattr(network, "is_classifier", None)):
        raise TypeError(f"predict_rows: network must be a Network, got {describe(network)}")
    record = getattr(network, "preprocessing", None)
    if record is None:
        if network.is_classifier():
            return network.predict_classes(X)
        return network.predict(X)
    rows = Scaling.from_dict(record["scaling"]).apply(X)
    if record.get("classes") is not None:
        return [record["classes"][i] for i in network.predict_classes(rows)]
    out = network.predict(rows)
    if record.get("target_scaling") is not None:
        out = Scaling.from_dict(record["target_scaling"]).undo(out)
    return [r[0] if len(r) == 1 else r for r in out]
