"""Real handwritten digits: the bundled 8x8 set and MNIST from its IDX files.

Two data sets, both digits 0-9:

* ``load_digits()`` reads the small UCI "Optical Recognition of Handwritten
  Digits" set that ships inside barenn (1,797 images of 8x8 = 64 pixels). No
  network, nothing outside the package. See ``barenn/data/README.md`` for its
  origin and credit.
* ``load_mnist(directory)`` reads MNIST (60,000 training and 10,000 test images
  of 28x28 = 784 pixels) from the four standard IDX files, which you fetch once
  with ``download_mnist(directory)`` or copy there by hand.

MNIST is big for pure Python, so its images stay compact: one ``bytes`` object
with one byte (0..255) per pixel, wrapped in ``MnistImages``. The 60,000
training images take 47,040,000 bytes (about 47 MB). Floats are made only for
the batch you ask for with ``MnistImages.batch(indices)``.

The IDX format (all numbers big-endian, after gunzip if the file is gzipped):

* images: int32 magic 2051, int32 count, int32 rows, int32 cols, then
  count * rows * cols unsigned bytes, one image after another, row by row.
* labels: int32 magic 2049, int32 count, then count unsigned bytes 0..9.

Every check failure raises an error that names the file and what is wrong.
"""

import gzip
import hashlib
import http.client
import importlib.resources
import os
import struct
import urllib.error
import urllib.request
import zlib

from barenn._files import atomic_write_bytes, open_regular
from barenn.checks import check_choice, check_int, check_number, check_path, describe

__all__ = [
    "load_digits",
    "load_mnist",
    "download_mnist",
    "read_idx_images",
    "read_idx_labels",
    "MnistImages",
    "ImageIndexError",
    "DownloadError",
    "OfflineError",
    "ChecksumError",
    "MNIST_FILES",
    "MNIST_SHA256",
    "MNIST_URL",
    "DIGITS_SHAPE",
]

# ----------------------------------------------------------------------------
# The bundled 8x8 digits
# ----------------------------------------------------------------------------

DIGITS_SHAPE = (1797, 64)
"""(samples, features) of the bundled digits set."""

_DIGITS_RESOURCE = ("data", "digits.csv.gz")

# Pixel values are 0..16, and dividing by 16 (a power of two) is exact in binary
# floating point, so this table holds exactly value/16 for every possible value.
_SIXTEENTHS = [value / 16 for value in range(17)]


def load_digits(path=None):
    """Return the bundled 8x8 handwritten digits as ``(X, y)`` (lesson 11, real digits).

    X is a 1797 x 64 matrix (list of rows, one row per image): the 8x8 pixels
    of each image row by row, each the count of "on" cells (0..16) divided by 16,
    so every value is in [0, 1]. y is a list of 1797 ints, the digits 0..9.

    ``path`` reads another file in the same format (gzip or plain text, one image a
    line: 64 pixel integers 0..16 and then the label 0..9, comma-separated)
    instead of the copy bundled with barenn.

    Raises ValueError naming the file and the line if the file is damaged.

    >>> X, y = load_digits()
    >>> len(X), len(X[0]), len(y)
    (1797, 64, 1797)
    >>> min(min(row) for row in X), max(max(row) for row in X)
    (0.0, 1.0)
    >>> sorted(set(y))
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    name, raw = _digits_file(path)
    return _parse_digits(raw, name, expected=DIGITS_SHAPE[0] if path is None else None)


def _digits_file(path):
    """(name, bytes) of the digits file: the copy bundled with barenn (path None) or
    the file at ``path``."""
    if path is not None:
        name = check_path("load_digits", "path", path)
        with open_regular(name, "load_digits") as f:
            return name, f.read()
    resource = importlib.resources.files("barenn")
    for part in _DIGITS_RESOURCE:
        resource = resource.joinpath(part)
    try:
        return str(resource), resource.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"the digits file bundled with barenn is missing: {resource} "
                                "(reinstall barenn to get it back)") from None


def _parse_digits(raw, name, expected=None):
    """Parse digits CSV bytes (gzip or plain); return (X, y). ``name`` is for messages;
    ``expected``: the number of images the bundled file must hold."""
    text = _decode_digits_text(raw, name)
    n_values = DIGITS_SHAPE[1] + 1
    X, y = [], []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    for number, line in enumerate(lines, start=1):
        fields = line.rstrip("\r").split(",")
        if len(fields) != n_values:
            raise ValueError(
                f"{name} line {number}: expected {n_values} comma-separated integers "
                f"(64 pixels and a label), found {len(fields)} fields"
            )
        try:
            values = [int(field) for field in fields]
        except ValueError:
            bad = next(f for f in fields if not _is_int(f))
            raise ValueError(f"{name} line {number}: {bad!r} is not an integer") from None
        *pixels, label = values
        for column, value in enumerate(pixels, start=1):
            if not 0 <= value <= 16:
                raise ValueError(
                    f"{name} line {number}: pixel {column} is {value}, expected 0..16"
                )
        if not 0 <= label <= 9:
            raise ValueError(f"{name} line {number}: label is {label}, expected 0..9")
        X.append([_SIXTEENTHS[value] for value in pixels])
        y.append(label)
    if not X:
        raise ValueError(f"{name}: the file holds no images")
    if expected is not None and len(X) != expected:
        raise ValueError(f"{name}: expected {expected} images, found {len(X)} "
                         "(the bundled file is damaged; reinstall barenn)")
    return X, y


def _decode_digits_text(raw, name):
    if raw[:2] == _GZIP_MAGIC:
        raw = _gunzip(raw, name)
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValueError(f"{name} line {line}: byte {raw[error.start]:#04x} is not ASCII text") from None


def _is_int(text):
    try:
        int(text)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------
# MNIST: IDX files
# ----------------------------------------------------------------------------

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""kind -> (images file name, labels file name), without the optional ``.gz``."""

_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes (0x08), 3 dimensions
_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes (0x08), 1 dimension
_GZIP_MAGIC = b"\x1f\x8b"
_N_CLASSES = 10

# Every byte value 0..255 mapped once to its float in [0, 1]. Rows built from this
# table share these 256 float objects, so a float row costs one list slot
# (8 bytes) per pixel instead of a new 24-byte float object per pixel.
_BYTE_TO_UNIT = [value / 255 for value in range(256)]

_CHUNK = 1 << 16  # bytes per read when streaming (downloads, hashing, skipping)
_BIG_CHUNK = 1 << 22  # bytes per read when keeping the data (fewer, larger pieces)


def _indices(owner, indices):
    """``indices`` if it can be iterated over; else a TypeError naming ``owner``."""
    try:
        iter(indices)
    except TypeError:
        raise TypeError(f"{owner}: indices must be a list or range of image indices, "
                        f"got {describe(indices)}") from None
    return indices


class ImageIndexError(IndexError, ValueError):
    """An image index out of range (an IndexError as for a list, and a ValueError
    like every other barenn error about an argument)."""


class MnistImages:
    """A stack of equally sized 8-bit grey images kept as one ``bytes`` object.

    Image ``i`` is the ``pixels = rows * cols`` bytes starting at ``i * pixels``,
    row by row, 0 = background, 255 = ink. Memory: one byte per pixel, so the
    60,000 MNIST training images take 47,040,000 bytes (~47 MB). The same set as
    Python float rows would take about 380 MB even with shared float objects
    (8 bytes per list slot) and about 1.5 GB with a new float per pixel, which is
    why floats are made only per batch:

    >>> images = MnistImages(bytes([0, 255, 51, 0, 0, 0, 0, 0]), rows=2, cols=2)
    >>> len(images), images.rows, images.cols, images.pixels
    (2, 2, 2, 4)
    >>> images.batch([0])
    [[0.0, 1.0, 0.2, 0.0]]
    >>> list(images.image(0))
    [0, 255, 51, 0]
    """

    # Every value is a byte / 255: finite and in [0, 1], so barenn.sources.take_rows
    # need not check a batch for NaN or infinity.
    values_are_finite = True

    def __init__(self, data, rows, cols, source=None):
        """Wrap ``data`` (bytes-like, len a multiple of rows*cols) as images of rows x cols."""
        check_int("MnistImages", "rows", rows, low=1)
        check_int("MnistImages", "cols", cols, low=1)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"MnistImages: data must be bytes (one byte per pixel), got {describe(data)}")
        data = bytes(data)
        pixels = rows * cols
        if len(data) % pixels:
            raise ValueError(
                f"MnistImages: {len(data)} bytes is not a whole number of {rows}x{cols} images"
            )
        self._data = data
        self._count = len(data) // pixels
        self.rows = rows
        self.cols = cols
        self.pixels = pixels
        self.source = source

    def __len__(self):
        return self._count

    def __repr__(self):
        origin = f" from {self.source!r}" if self.source else ""
        return f"MnistImages({self._count} images of {self.rows}x{self.cols}{origin})"

    @property
    def data(self):
        """All pixels as one read-only ``bytes`` object (len(self) * pixels bytes)."""
        return self._data

    @property
    def nbytes(self):
        """Size of the pixel data in bytes (one byte per pixel)."""
        return len(self._data)

    def image(self, index):
        """The raw pixels of one image: ``pixels`` bytes, each 0..255."""
        start = self._offset(index)
        return self._data[start : start + self.pixels]

    def row(self, index):
        """One image as a list of ``pixels`` floats in [0, 1] (byte / 255)."""
        return self.batch((index,))[0]

    def batch(self, indices):
        """The images at ``indices`` (a list, range, ...) as float rows in [0, 1].

        Returns a len(indices) x pixels matrix (list of rows): a batch ready for
        a network's first layer. Each value is byte / 255.
        """
        data, pixels, table = self._data, self.pixels, _BYTE_TO_UNIT
        lookup = table.__getitem__
        rows = []
        for index in _indices("MnistImages.batch", indices):
            start = self._offset(index)
            rows.append(list(map(lookup, data[start : start + pixels])))
        return rows

    def select(self, indices):
        """A new, compact ``MnistImages`` holding copies of the images at ``indices``."""
        pixels = self.pixels
        parts = []
        for index in _indices("MnistImages.select", indices):
            start = self._offset(index)
            parts.append(self._data[start : start + pixels])
        return MnistImages(b"".join(parts), self.rows, self.cols, source=self.source)

    def _offset(self, index):
        """Byte offset of image ``index`` (negative counts from the end, like lists)."""
        if isinstance(index, bool) or not hasattr(index, "__index__"):
            raise TypeError(f"MnistImages: image index must be a whole number, got {describe(index)}")
        given = index.__index__()
        count = self._count
        index = given + count if given < 0 else given
        if not 0 <= index < count:
            raise ImageIndexError(f"MnistImages: image index {given:,} is out of range for "
                                  f"{count} images (0..{count - 1}, or -{count}..-1 from the end)")
        return index * self.pixels


def load_mnist(directory, kind="train", limit=None):
    """Read MNIST's images and labels of one ``kind`` from the IDX files in ``directory``
    (lesson 12, MNIST).

    kind: "train" reads train-images-idx3-ubyte and train-labels-idx1-ubyte
    (60,000 images), "test" reads t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte
    (10,000). Each may be gzip-compressed with a ``.gz`` name or uncompressed
    (if both exist, the uncompressed one is read).
    limit: keep only the first ``limit`` images and labels (None keeps all; a
    limit above the count keeps all). The rest of the file is still read and
    checked, but not kept.

    Returns ``(images, labels)``: images an ``MnistImages`` (len n, rows = cols = 28
    for MNIST; ``images.batch(indices)`` gives float rows in [0, 1]), labels a
    list of n ints 0..9.

    Raises FileNotFoundError if a file is missing, ValueError if a file is
    truncated or corrupt or the two files disagree; the message names the file.
    """
    _check_mnist_arguments(directory, kind, limit)
    image_name, label_name = MNIST_FILES[kind]
    image_path = _find_idx(directory, image_name, kind)
    label_path = _find_idx(directory, label_name, kind)
    n_images, images = _read_images(image_path, limit)
    n_labels, labels = _read_labels(label_path, limit)
    if n_images != n_labels:
        raise ValueError(
            f"MNIST {kind} files disagree: {image_path} holds {n_images} images but "
            f"{label_path} holds {n_labels} labels"
        )
    return images, labels


def _check_mnist_arguments(directory, kind, limit):
    check_path("load_mnist", "directory", directory)
    check_choice("load_mnist", "kind", kind, tuple(MNIST_FILES))
    _check_limit(limit, "load_mnist")


def read_idx_images(path, limit=None):
    """Read an IDX image file (magic 2051, gzip or not) into an ``MnistImages``.

    limit: keep only the first ``limit`` images (None keeps all); the rest of the
    file is still read and checked but never held in memory.
    """
    _check_limit(limit, "read_idx_images")
    return _read_images(check_path("read_idx_images", "path", path), limit)[1]


def read_idx_labels(path, limit=None):
    """Read an IDX label file (magic 2049, gzip or not) into a list of ints 0..9.

    limit: keep only the first ``limit`` labels (None keeps all); all are checked.
    """
    _check_limit(limit, "read_idx_labels")
    return _read_labels(check_path("read_idx_labels", "path", path), limit)[1]


def _read_images(path, limit):
    """(count in the file, MnistImages of the first ``limit`` images) of an IDX image file."""
    (count, rows, cols), body = _read_idx(path, _IMAGES_MAGIC, 3, "image", limit)
    return count, MnistImages(body, rows, cols, source=path)


def _read_labels(path, limit):
    """(count in the file, list of the first ``limit`` labels) of an IDX label file."""
    (count,), labels = _read_idx(path, _LABELS_MAGIC, 1, "label", None)
    if labels and max(labels) >= _N_CLASSES:
        position = next(i for i, label in enumerate(labels) if label >= _N_CLASSES)
        raise ValueError(
            f"{path}: corrupt: label {position} is {labels[position]}, "
            f"expected 0..{_N_CLASSES - 1}"
        )
    return count, list(labels if limit is None else labels[:limit])


def _read_idx(path, expected_magic, n_dims, what, limit):
    """Check and read an IDX file of unsigned bytes with ``n_dims`` dimensions.

    Returns (dims, body): the header's sizes (count first) and the bytes of the
    first ``limit`` items (all if None). The file is read as a stream, gunzipped
    on the fly if it starts with the gzip magic bytes, so memory holds the kept
    bytes only; the items beyond ``limit`` are read in chunks and dropped, which
    still proves the file long enough (and, for gzip, checks its CRC).
    """
    header_size = 4 + 4 * n_dims
    with _open_idx(path, "read_idx_images" if what == "image" else "read_idx_labels") as f:
        header = _read_checked(f, header_size, path)
        if len(header) < header_size:
            raise ValueError(
                f"{path}: truncated: {len(header)} bytes is too short for the "
                f"{header_size}-byte IDX {what} header"
            )
        magic, *dims = struct.unpack(">" + "I" * (1 + n_dims), header)
        if magic != expected_magic:
            raise ValueError(f"{path}: {_describe_bad_magic(magic, expected_magic, what)}")
        count, *item_dims = dims
        item_size = 1
        for size in item_dims:
            item_size *= size
        if item_size < 1:
            shape = "x".join(map(str, item_dims))
            raise ValueError(
                f"{path}: corrupt: header gives an image size of {shape}; both must be at least 1"
            )
        keep = count if limit is None else min(count, limit)
        expected = header_size + count * item_size
        if n_dims == 3:
            promise = f"{count} images of {item_dims[0]}x{item_dims[1]}"
        else:
            promise = f"{count} labels"

        def truncated(received, after=""):
            return ValueError(
                f"{path}: truncated: the header promises {promise} ({expected} bytes "
                f"with the header) but the file holds only {received} bytes{after}"
            )

        def too_long():
            return ValueError(
                f"{path}: corrupt: the file goes on after the {promise} the header announces"
            )

        if not isinstance(f, gzip.GzipFile):
            # A plain file's size is known, so a lying header is caught before reading.
            size = os.fstat(f.fileno()).st_size
            if size < expected:
                raise truncated(size)
            if size > expected:
                raise too_long()
            return [count, *item_dims], f.read(keep * item_size)
        # A gzip stream's length is known only by reading it, so read in chunks:
        # asking for a corrupt header's huge size in one go would try to allocate it.
        parts, left = [], keep * item_size
        while left:
            chunk = _read_checked(f, min(left, _BIG_CHUNK), path)
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        body = b"".join(parts)
        del parts
        received = header_size + len(body)
        if not left:
            remaining = (count - keep) * item_size  # read past the kept items to check the length
            while remaining:
                chunk = _read_checked(f, min(remaining, _CHUNK), path)
                if not chunk:
                    break
                received += len(chunk)
                remaining -= len(chunk)
        if received < expected:
            raise truncated(received, " after gunzip")
        if _read_checked(f, 1, path):
            raise too_long()
    return [count, *item_dims], body


def _check_limit(limit, caller):
    """None, or a whole number >= 0 (no upper bound: a limit above the count keeps all)."""
    if limit is not None:
        check_int(caller, "limit", limit, low=0, high=None)


def _find_idx(directory, name, kind):
    """Path of ``name`` or ``name.gz`` in ``directory``; FileNotFoundError naming both."""
    directory = os.fspath(directory)
    plain = os.path.join(directory, name)
    packed = plain + ".gz"
    for candidate in (plain, packed):
        if os.path.isfile(candidate):
            return candidate
    where = os.path.abspath(directory)
    hint = (
        f"MNIST {kind} file not found: neither {name}.gz nor {name} is in {where}. "
        f"Put the four files {', '.join(_all_mnist_names('.gz'))} there "
        "(gzip-compressed or not), or call barenn.realdata.download_mnist"
        f"({directory!r}) on a machine with a network."
    )
    if not os.path.isdir(directory):
        hint = f"MNIST directory {where} does not exist. " + hint
    hint = "load_mnist: " + hint
    raise FileNotFoundError(hint)


def _all_mnist_names(suffix=""):
    return [name + suffix for pair in MNIST_FILES.values() for name in pair]


def _open_idx(path, owner="read_idx_images"):
    """Open ``path`` for reading bytes, through gzip if it starts with the gzip magic."""
    with open_regular(path, owner) as f:  # a fifo or device is refused, never read
        packed = f.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if packed else open(path, "rb")


def _read_checked(f, size, path):
    """Read up to ``size`` bytes; gzip damage becomes a ValueError naming ``path``."""
    try:
        return f.read(size)
    except EOFError:
        raise ValueError(f"{path}: truncated: the gzip data ends before its end marker") from None
    except (OSError, zlib.error) as error:
        raise ValueError(f"{path}: corrupt gzip data ({error})") from None


def _gunzip(raw, name):
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise ValueError(f"{name}: truncated: the gzip data ends before its end marker") from None
    except (OSError, zlib.error) as error:
        raise ValueError(f"{name}: corrupt gzip data ({error})") from None


def _describe_bad_magic(magic, expected, what):
    text = f"bad magic number {magic} (expected {expected} for an IDX {what} file)"
    other = {_IMAGES_MAGIC: "an image file", _LABELS_MAGIC: "a label file"}.get(magic)
    if other:
        text += f"; it looks like {other}, so the files may be swapped"
    elif magic >> 16 == 0x1F8B:
        text += "; it still looks gzip-compressed"
    return text


# ----------------------------------------------------------------------------
# MNIST: download
# ----------------------------------------------------------------------------

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
"""Default mirror for ``download_mnist`` (the one torchvision uses); any URL serving the
four standard .gz files works as ``base_url``."""

MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
"""SHA-256 of the four canonical gzip-compressed MNIST files (whose MD5s are the
well-known f68b3c2d..., d53e105e..., 9fb629c4..., ec29112d...)."""



class DownloadError(OSError):
    """A file could not be downloaded (HTTP error, cut-short body, no network, bad sum)."""


class OfflineError(DownloadError):
    """The server could not be reached at all: no network, refused, or timed out."""


class ChecksumError(DownloadError):
    """A downloaded file's SHA-256 differs from the known one; it was not saved."""


def download_mnist(directory, base_url=MNIST_URL, files=None, sums=None, timeout=30.0, log=None):
    """Download the MNIST files into ``directory`` and verify their SHA-256.

    files: the file names to fetch (default the four ``.gz`` names of MNIST_SHA256),
    each from ``base_url`` + name. sums: name -> expected SHA-256 hex digest
    (default MNIST_SHA256); every file needs one. timeout: seconds to wait on the
    network per connection or read. log: a function given one line of progress
    text per file (e.g. ``print``), or None for silence.

    A file already present with the right SHA-256 is kept and not fetched again.
    Each download is held in memory, verified, and only then written (atomically,
    via a temporary file in ``directory``), so a failed or wrong download leaves
    nothing new on disk. Returns the list of file paths, in ``files`` order.

    Raises OfflineError (with instructions for putting the files in place by
    hand) when the server cannot be reached, ChecksumError when a file's SHA-256
    is wrong, and DownloadError for HTTP errors and cut-short downloads.
    """
    directory = check_path("download_mnist", "directory", directory)
    check_number("download_mnist", "timeout", timeout, low=0, low_open=True)
    if log is not None and not callable(log):
        raise TypeError(f"download_mnist: log must be a function or None, got {describe(log)}")
    names = list(MNIST_SHA256) if files is None else list(files)
    known = MNIST_SHA256 if sums is None else {k: str(v).lower() for k, v in sums.items()}
    for name in names:
        if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError(f"download_mnist: file names must be plain names, got {name!r}")
        if name not in known:
            raise ValueError(f"download_mnist: no SHA-256 known for {name!r}; pass it in sums=")
    say = log if log is not None else (lambda text: None)
    paths = []
    for name in names:
        path = os.path.join(directory, name)
        expected = known[name]
        if os.path.isfile(path):
            actual = _sha256_file(path)
            if actual == expected:
                say(f"{name}: already present, SHA-256 verified")
                paths.append(path)
                continue
            say(f"{name}: present but its SHA-256 is wrong; downloading it again")
        url = base_url.rstrip("/") + "/" + name
        say(f"{name}: downloading {url}")
        body = _fetch(url, timeout, directory, names)
        actual = hashlib.sha256(body).hexdigest()
        if actual != expected:
            raise ChecksumError(
                f"{name} from {url} has the wrong SHA-256: expected {expected}, "
                f"got {actual}; the file was not saved"
            )
        atomic_write_bytes(path, body, owner="download_mnist")
        say(f"{name}: saved {len(body)} bytes, SHA-256 verified")
        paths.append(path)
    return paths


def _fetch(url, timeout, directory, names):
    """The body at ``url`` as bytes; errors say what failed and how to go on."""
    opener = urllib.request.build_opener()  # built per call so proxy settings are current
    try:
        with opener.open(url, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            chunks, received = [], 0
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
    except urllib.error.HTTPError as error:
        raise DownloadError(
            f"could not download {url}: the server answered HTTP {error.code} {error.reason}; "
            "check base_url"
        ) from None
    except urllib.error.URLError as error:
        raise OfflineError(_offline_message(url, error.reason, directory, names)) from None
    except http.client.IncompleteRead as error:
        raise DownloadError(
            f"download of {url} was cut short: got {len(error.partial)} bytes, "
            f"{error.expected} more were expected; nothing was saved, try again"
        ) from None
    except OSError as error:  # timeouts and dropped connections while reading
        raise OfflineError(_offline_message(url, error, directory, names)) from None
    if announced is not None and announced.strip().isdigit() and received < int(announced):
        raise DownloadError(
            f"download of {url} was cut short: the server announced {int(announced)} bytes "
            f"but sent only {received}; nothing was saved, try again"
        )
    return b"".join(chunks)


def _offline_message(url, reason, directory, names):
    where = os.path.abspath(directory)
    listing = "\n".join(f"  {name}" for name in names)
    return (
        f"could not reach {url} ({reason}). This machine seems to be offline, or the "
        "server is unreachable.\n"
        f"To use MNIST without a network, copy these files by hand into {where}:\n"
        f"{listing}\n"
        "(gzip-compressed as named, or gunzipped without the .gz; both are read), "
        f"then call barenn.realdata.load_mnist({directory!r})."
    )


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
