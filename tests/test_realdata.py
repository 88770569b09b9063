"""Tests for barenn.realdata: bundled digits, IDX reading, and the MNIST downloader.

Every IDX file here is made by the test in tmp_path, and the downloader talks only to
an http.server on 127.0.0.1 started by the test: no real network, no /work/shared.
"""

import collections
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading

import pytest

from barenn import realdata
from barenn.realdata import (
    ChecksumError,
    DownloadError,
    MnistImages,
    OfflineError,
    download_mnist,
    load_digits,
    load_mnist,
    read_idx_images,
    read_idx_labels,
)

# ---------------------------------------------------------------------------
# Bundled digits
# ---------------------------------------------------------------------------

DIGIT_COUNTS = {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_digits_shapes_and_types(digits):
    X, y = digits
    assert len(X) == 1797 and len(y) == 1797
    assert all(len(row) == 64 for row in X)
    assert all(type(v) is float for row in X for v in row)
    assert all(type(label) is int for label in y)


def test_digits_range_is_unit_interval_and_multiples_of_sixteenths(digits):
    X, _ = digits
    values = {v for row in X for v in row}
    assert min(values) == 0.0 and max(values) == 1.0
    assert values <= {k / 16 for k in range(17)}
    # every one of the 17 levels really occurs, so the scaling is not, e.g., /17
    assert len(values) == 17


def test_digits_class_counts(digits):
    _, y = digits
    assert dict(collections.Counter(y)) == DIGIT_COUNTS


def test_digits_match_the_bundled_file_values(digits):
    # First line of the file, read independently of the loader.
    X, y = digits
    here = os.path.dirname(realdata.__file__)
    with gzip.open(os.path.join(here, "data", "digits.csv.gz"), "rt") as f:
        first = [int(v) for v in f.readline().split(",")]
    assert X[0] == [v / 16 for v in first[:64]]
    assert y[0] == first[64]


def test_bundled_file_is_the_credited_copy():
    here = os.path.dirname(realdata.__file__)
    with open(os.path.join(here, "data", "digits.csv.gz"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert digest == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def test_digits_returns_fresh_lists(digits):
    X1, y1 = load_digits()
    X1[0][0] = 99.0
    y1[0] = 99
    X2, y2 = load_digits()
    assert X2[0][0] != 99.0 and y2[0] != 99


def _digit_line(pixels=None, label=3):
    pixels = [0] * 64 if pixels is None else pixels
    return ",".join(map(str, pixels + [label]))


def test_digits_other_file_plain_and_gzip(tmp_path):
    lines = [_digit_line([16] + [0] * 63, 7), _digit_line([8] * 64, 0)]
    text = "\n".join(lines) + "\n"
    plain = tmp_path / "d.csv"
    plain.write_text(text)
    packed = tmp_path / "d.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path in (plain, packed):
        X, y = load_digits(path)
        assert y == [7, 0]
        assert X[0][0] == 1.0 and X[0][1:] == [0.0] * 63
        assert X[1] == [0.5] * 64


@pytest.mark.parametrize(
    "bad_line, message",
    [
        (",".join(["0"] * 64), "line 2: expected 65 comma-separated integers"),
        (",".join(["0"] * 66), "found 66 fields"),
        (_digit_line([0] * 10 + [17] + [0] * 53), "line 2: pixel 11 is 17, expected 0..16"),
        (_digit_line([0] * 63 + [-1]), "pixel 64 is -1"),
        (_digit_line(label=10), "line 2: label is 10, expected 0..9"),
        (_digit_line().replace("0", "x", 1), "line 2: 'x' is not an integer"),
        (_digit_line().replace("0", "1.5", 1), "'1.5' is not an integer"),
    ],
)
def test_digits_damaged_file_names_file_and_line(tmp_path, bad_line, message):
    path = tmp_path / "damaged.csv.gz"
    text = _digit_line() + "\n" + bad_line + "\n" + _digit_line() + "\n"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(ValueError) as info:
        load_digits(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_digits_truncated_gzip_and_binary_garbage(tmp_path):
    good = gzip.compress(((_digit_line() + "\n") * 50).encode())
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="truncated"):
        load_digits(truncated)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(_digit_line().encode() + b"\n\xff\xfe\n")
    with pytest.raises(ValueError, match=r"garbage.csv line 2: byte 0xff is not ASCII"):
        load_digits(garbage)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="holds no images"):
        load_digits(empty)


def test_digits_missing_other_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_digits(tmp_path / "nope.csv.gz")


# ---------------------------------------------------------------------------
# IDX files
# ---------------------------------------------------------------------------


def idx_images(images, rows, cols, magic=2051, count=None):
    """IDX image bytes for a list of images (each a list of rows*cols ints 0..255)."""
    count = len(images) if count is None else count
    header = struct.pack(">IIII", magic, count, rows, cols)
    return header + bytes(v for image in images for v in image)


def idx_labels(labels, magic=2049, count=None):
    count = len(labels) if count is None else count
    return struct.pack(">II", magic, count) + bytes(labels)


def sample_images(n, rows=3, cols=4):
    """n distinct images whose pixels are known: pixel p of image i is (37*i + 11*p) % 256."""
    return [[(37 * i + 11 * p) % 256 for p in range(rows * cols)] for i in range(n)]


def write(path, data, packed):
    path.write_bytes(gzip.compress(data) if packed else data)
    return path


def make_mnist(directory, kind="train", n=5, rows=3, cols=4, packed=True, images=None, labels=None):
    image_name, label_name = realdata.MNIST_FILES[kind]
    suffix = ".gz" if packed else ""
    images = idx_images(sample_images(n, rows, cols), rows, cols) if images is None else images
    labels = idx_labels([(3 * i) % 10 for i in range(n)]) if labels is None else labels
    write(directory / (image_name + suffix), images, packed)
    write(directory / (label_name + suffix), labels, packed)
    return directory / (image_name + suffix), directory / (label_name + suffix)


@pytest.mark.parametrize("packed", [True, False], ids=["gzip", "raw"])
@pytest.mark.parametrize("kind", ["train", "test"])
def test_load_mnist_round_trip(tmp_path, packed, kind):
    make_mnist(tmp_path, kind, n=5, rows=3, cols=4, packed=packed)
    images, labels = load_mnist(tmp_path, kind)
    assert isinstance(images, MnistImages)
    assert (len(images), images.rows, images.cols, images.pixels) == (5, 3, 4, 12)
    assert images.nbytes == 60 and isinstance(images.data, bytes)
    assert labels == [0, 3, 6, 9, 2]
    expected = sample_images(5)
    for i in range(5):
        assert list(images.image(i)) == expected[i]
        assert images.row(i) == [v / 255 for v in expected[i]]
    assert images.batch([4, 0, 4]) == [[v / 255 for v in expected[k]] for k in (4, 0, 4)]
    assert images.batch(range(1, 3)) == [[v / 255 for v in expected[k]] for k in (1, 2)]
    assert images.batch([]) == []


def test_load_mnist_full_byte_range_scales_to_unit_interval(tmp_path):
    all_bytes = [list(range(256))]
    make_mnist(tmp_path, n=1, images=idx_images(all_bytes, 16, 16), labels=idx_labels([1]))
    images, _ = load_mnist(tmp_path)
    row = images.row(0)
    assert row[0] == 0.0 and row[255] == 1.0
    assert row == [v / 255 for v in range(256)]


def test_load_mnist_limit(tmp_path):
    make_mnist(tmp_path, n=6)
    images, labels = load_mnist(tmp_path, limit=2)
    assert len(images) == 2 and labels == [0, 3]
    assert images.nbytes == 2 * 12
    assert list(images.image(1)) == sample_images(2)[1]
    images, labels = load_mnist(tmp_path, limit=100)
    assert len(images) == 6 and len(labels) == 6
    images, labels = load_mnist(tmp_path, limit=0)
    assert len(images) == 0 and labels == []


@pytest.mark.parametrize("limit, error", [(-1, ValueError), (1.5, TypeError), ("3", TypeError),
                                          (True, TypeError)])
def test_load_mnist_bad_limit(tmp_path, limit, error):
    make_mnist(tmp_path)
    with pytest.raises(error, match="load_mnist: limit must be a whole number >= 0"):
        load_mnist(tmp_path, limit=limit)


def test_load_mnist_limit_still_checks_the_whole_file(tmp_path):
    data = idx_images(sample_images(6), 3, 4)
    make_mnist(tmp_path, n=6, images=data[:-5])
    with pytest.raises(ValueError, match="truncated"):
        load_mnist(tmp_path, limit=2)


def test_load_mnist_prefers_uncompressed_and_reads_gzip_by_content(tmp_path):
    make_mnist(tmp_path, n=3, packed=True)
    make_mnist(tmp_path, n=4, packed=False)
    images, labels = load_mnist(tmp_path)
    assert len(images) == 4 and len(labels) == 4
    # A gzip file without the .gz name is still recognised by its first bytes.
    other = tmp_path / "other"
    other.mkdir()
    name_images, name_labels = realdata.MNIST_FILES["train"]
    (other / name_images).write_bytes(gzip.compress(idx_images(sample_images(2), 3, 4)))
    (other / name_labels).write_bytes(idx_labels([1, 2]))
    images, labels = load_mnist(other)
    assert len(images) == 2 and labels == [1, 2]


def test_read_idx_functions_directly(tmp_path):
    images_path = write(tmp_path / "im.gz", idx_images(sample_images(3, 2, 2), 2, 2), True)
    labels_path = write(tmp_path / "lab", idx_labels([9, 8, 7]), False)
    images = read_idx_images(images_path)
    assert len(images) == 3 and images.source == str(images_path)
    assert read_idx_images(images_path, limit=1).data == bytes(sample_images(1, 2, 2)[0])
    assert read_idx_labels(labels_path) == [9, 8, 7]
    assert read_idx_labels(labels_path, limit=2) == [9, 8]


# --- every corruption case --------------------------------------------------


@pytest.mark.parametrize("packed", [True, False], ids=["gzip", "raw"])
@pytest.mark.parametrize(
    "which, make, message",
    [
        ("images", lambda: idx_images(sample_images(5), 3, 4, magic=2049),
         r"bad magic number 2049 \(expected 2051 .*looks like a label file"),
        ("images", lambda: idx_images(sample_images(5), 3, 4, magic=1234),
         r"bad magic number 1234 \(expected 2051 for an IDX image file\)"),
        ("labels", lambda: idx_labels([0] * 5, magic=2051),
         r"bad magic number 2051 \(expected 2049 .*looks like an image file"),
        ("images", lambda: idx_images(sample_images(5), 3, 4, count=6),
         r"truncated: the header promises 6 images of 3x4 \(88 bytes with the header\) "
         r"but the file holds only 76 bytes"),
        ("images", lambda: idx_images(sample_images(5), 3, 4, count=4),
         r"corrupt: the file goes on after the 4 images of 3x4"),
        ("images", lambda: idx_images(sample_images(5), 3, 4)[:-1],
         r"truncated: .* holds only 75 bytes"),
        ("images", lambda: idx_images(sample_images(5), 3, 4)[:10],
         r"truncated: 10 bytes is too short for the 16-byte IDX image header"),
        ("images", lambda: b"",
         r"truncated: 0 bytes is too short"),
        ("images", lambda: idx_images([], 0, 4),
         r"corrupt: header gives an image size of 0x4"),
        ("images", lambda: idx_images(sample_images(5), 3, 4, count=2**32 - 1),
         r"truncated: the header promises 4294967295 images"),
        ("labels", lambda: idx_labels([0] * 5, count=7),
         r"truncated: the header promises 7 labels \(15 bytes with the header\) "
         r"but the file holds only 13 bytes"),
        ("labels", lambda: idx_labels([0] * 5, count=3),
         r"corrupt: the file goes on after the 3 labels"),
        ("labels", lambda: idx_labels([0] * 5)[:6],
         r"too short for the 8-byte IDX label header"),
        ("labels", lambda: idx_labels([1, 2, 12, 3, 4]),
         r"corrupt: label 2 is 12, expected 0..9"),
    ],
)
def test_load_mnist_rejects_corrupt_files(tmp_path, packed, which, make, message):
    good_images = idx_images(sample_images(5), 3, 4)
    good_labels = idx_labels([0] * 5)
    images = make() if which == "images" else good_images
    labels = make() if which == "labels" else good_labels
    images_path, labels_path = make_mnist(tmp_path, images=images, labels=labels, packed=packed)
    with pytest.raises(ValueError, match=message) as info:
        load_mnist(tmp_path)
    bad_path = images_path if which == "images" else labels_path
    assert str(info.value).startswith(str(bad_path) + ": ")
    if packed and "holds only" in message:
        assert "after gunzip" in str(info.value)


def test_load_mnist_count_mismatch_names_both_files(tmp_path):
    images_path, labels_path = make_mnist(tmp_path, n=5, labels=idx_labels([1, 2, 3, 4]))
    with pytest.raises(ValueError) as info:
        load_mnist(tmp_path)
    text = str(info.value)
    assert "disagree" in text and "5 images" in text and "4 labels" in text
    assert str(images_path) in text and str(labels_path) in text


def test_load_mnist_truncated_gzip_stream(tmp_path):
    packed = gzip.compress(idx_images(sample_images(50), 3, 4))
    images_path, _ = make_mnist(tmp_path, n=50)
    images_path.write_bytes(packed[:-20])  # cut inside the compressed data
    with pytest.raises(ValueError, match=r"truncated: the gzip data ends before its end marker") as info:
        load_mnist(tmp_path)
    assert str(images_path) in str(info.value)


def test_load_mnist_corrupt_gzip_crc(tmp_path):
    packed = bytearray(gzip.compress(idx_images(sample_images(5), 3, 4)))
    packed[-8] ^= 0xFF  # the CRC-32 of the trailer
    images_path, _ = make_mnist(tmp_path, n=5)
    images_path.write_bytes(bytes(packed))
    with pytest.raises(ValueError, match=r"corrupt gzip data") as info:
        load_mnist(tmp_path)
    assert str(images_path) in str(info.value)


def test_load_mnist_missing_file_and_directory(tmp_path):
    make_mnist(tmp_path, "train")
    os.remove(tmp_path / "train-labels-idx1-ubyte.gz")
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    text = str(info.value)
    assert "train-labels-idx1-ubyte.gz" in text and str(tmp_path) in text
    assert "download_mnist" in text
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        load_mnist(tmp_path, "test")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_mnist(tmp_path / "absent")


def test_load_mnist_bad_kind(tmp_path):
    with pytest.raises(ValueError, match="load_mnist: kind must be one of 'train', 'test'"):
        load_mnist(tmp_path, "validation")


# --- MnistImages -------------------------------------------------------------


def test_mnist_images_indexing_and_select():
    pixels = sample_images(4, 2, 2)
    images = MnistImages(bytes(v for image in pixels for v in image), 2, 2)
    assert list(images.image(-1)) == pixels[3]
    assert images.batch([-4]) == images.batch([0])
    picked = images.select([3, 1])
    assert len(picked) == 2 and list(picked.image(0)) == pixels[3] and list(picked.image(1)) == pixels[1]
    with pytest.raises(IndexError, match="image index 4 is out of range for 4 images"):
        images.batch([0, 4])
    with pytest.raises(IndexError, match="out of range"):
        images.image(-5)
    with pytest.raises(TypeError, match=r"MnistImages: image index must be a whole number, got 1.0 \(float\)"):
        images.row(1.0)
    with pytest.raises(TypeError, match="must be a whole number"):
        images.batch([True])
    assert "4 images of 2x2" in repr(images)


def test_mnist_images_rejects_bad_shapes():
    with pytest.raises(ValueError, match="not a whole number of 2x2 images"):
        MnistImages(b"\x00" * 5, 2, 2)
    with pytest.raises(ValueError, match="MnistImages: rows must be a whole number >= 1, got 0"):
        MnistImages(b"", 0, 2)
    with pytest.raises(TypeError, match="MnistImages: cols must be a whole number >= 1, got 2.0"):
        MnistImages(b"", 2, 2.0)


# ---------------------------------------------------------------------------
# Downloader, against a local server only
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=False)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) in a thread, serving ``files`` (name -> bytes).

    Names in ``short`` get a Content-Length 1000 bytes larger than the body they send.
    """

    def __init__(self, files, short=()):
        self.files = dict(files)
        self.short = set(short)
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(self.path)
                if name not in server.files:
                    self.send_error(404, "Not Found")
                    return
                body = server.files[name]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                extra = 1000 if name in server.short else 0
                self.send_header("Content-Length", str(len(body) + extra))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def served_files():
    """Four small gzip IDX files under the standard names, and their SHA-256 sums."""
    train_images = gzip.compress(idx_images(sample_images(6, 2, 3), 2, 3))
    train_labels = gzip.compress(idx_labels([1, 2, 3, 4, 5, 6]))
    test_images = gzip.compress(idx_images(sample_images(2, 2, 3), 2, 3))
    test_labels = gzip.compress(idx_labels([7, 8]))
    files = {
        "train-images-idx3-ubyte.gz": train_images,
        "train-labels-idx1-ubyte.gz": train_labels,
        "t10k-images-idx3-ubyte.gz": test_images,
        "t10k-labels-idx1-ubyte.gz": test_labels,
    }
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    return files, sums


def closed_port_url():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def test_download_then_load_and_skip_present(tmp_path, no_proxy):
    files, sums = served_files()
    target = tmp_path / "mnist"
    lines = []
    with Server(files) as server:
        paths = download_mnist(target, base_url=server.url, sums=sums, timeout=5, log=lines.append)
        assert [os.path.basename(p) for p in paths] == list(realdata.MNIST_SHA256)
        for name, data in files.items():
            assert (target / name).read_bytes() == data
        assert sorted(os.listdir(target)) == sorted(files)  # no temporary files left
        assert len(server.requests) == 4
        assert all(r.startswith("/mnist/") for r in server.requests)

        # A second call finds all four present and verified: no request at all.
        download_mnist(target, base_url=server.url, sums=sums, timeout=5, log=lines.append)
        assert len(server.requests) == 4
        assert sum("already present" in line for line in lines) == 4

        # A damaged local file is fetched again and replaced.
        (target / "t10k-labels-idx1-ubyte.gz").write_bytes(b"junk")
        download_mnist(target, base_url=server.url, sums=sums, timeout=5)
        assert len(server.requests) == 5
        assert (target / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]

    images, labels = load_mnist(target, "train")
    assert len(images) == 6 and (images.rows, images.cols) == (2, 3) and labels == [1, 2, 3, 4, 5, 6]
    images, labels = load_mnist(target, "test")
    assert labels == [7, 8]


def test_download_subset_of_files(tmp_path, no_proxy):
    files, sums = served_files()
    with Server(files) as server:
        paths = download_mnist(tmp_path, server.url, files=["t10k-labels-idx1-ubyte.gz"], sums=sums, timeout=5)
    assert paths == [os.path.join(str(tmp_path), "t10k-labels-idx1-ubyte.gz")]
    assert os.listdir(tmp_path) == ["t10k-labels-idx1-ubyte.gz"]


def test_download_wrong_checksum_leaves_nothing(tmp_path, no_proxy):
    files, sums = served_files()
    name = "train-labels-idx1-ubyte.gz"
    wrong = dict(sums, **{name: "0" * 64})
    with Server(files) as server:
        with pytest.raises(ChecksumError) as info:
            download_mnist(tmp_path, server.url, files=[name], sums=wrong, timeout=5)
    text = str(info.value)
    assert name in text and "0" * 64 in text and sums[name] in text
    assert "not saved" in text
    assert os.listdir(tmp_path) == []
    assert isinstance(info.value, DownloadError)


def test_download_truncated_body(tmp_path, no_proxy):
    files, sums = served_files()
    name = "train-images-idx3-ubyte.gz"
    with Server(files, short=[name]) as server:
        with pytest.raises(DownloadError, match="cut short") as info:
            download_mnist(tmp_path, server.url, files=[name], sums=sums, timeout=5)
    text = str(info.value)
    assert name in text
    assert str(len(files[name]) + 1000) in text and str(len(files[name])) in text
    assert not isinstance(info.value, ChecksumError)
    assert os.listdir(tmp_path) == []


def test_download_http_error(tmp_path, no_proxy):
    files, sums = served_files()
    with Server({}) as server:
        with pytest.raises(DownloadError, match="HTTP 404") as info:
            download_mnist(tmp_path, server.url, sums=sums, timeout=5)
    assert not isinstance(info.value, OfflineError)
    assert os.listdir(tmp_path) == []


def test_download_offline_message(tmp_path, no_proxy):
    _, sums = served_files()
    target = tmp_path / "where"
    with pytest.raises(OfflineError) as info:
        download_mnist(target, closed_port_url(), sums=sums, timeout=5)
    text = str(info.value)
    assert "seems to be offline" in text
    assert str(target) in text
    for name in realdata.MNIST_SHA256:
        assert name in text
    assert not target.exists() or os.listdir(target) == []


def test_download_timeout_is_reported_as_offline(tmp_path, no_proxy):
    # A server that accepts the connection but never answers.
    _, sums = served_files()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(OfflineError, match="seems to be offline"):
            download_mnist(tmp_path, url, files=["t10k-labels-idx1-ubyte.gz"], sums=sums, timeout=0.3)


def test_download_argument_checks(tmp_path):
    with pytest.raises(ValueError, match="no SHA-256 known for 'extra.gz'"):
        download_mnist(tmp_path, "http://127.0.0.1:9/", files=["extra.gz"])
    with pytest.raises(ValueError, match="plain names"):
        download_mnist(tmp_path, "http://127.0.0.1:9/", files=["../x"], sums={"../x": "0" * 64})


def test_default_sums_are_the_canonical_ones():
    # The four SHA-256 sums of the canonical files, whose MD5s are well known.
    assert realdata.MNIST_SHA256 == {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    }


def test_datasets_reexports_the_real_data_loaders():
    from barenn import datasets, realdata

    assert datasets.load_digits is realdata.load_digits
    assert datasets.load_mnist is realdata.load_mnist
    assert datasets.download_mnist is realdata.download_mnist


@pytest.mark.parametrize("call, error, function, argument", [
    (lambda d: load_mnist(d, kind=None), TypeError, "load_mnist", "kind"),
    (lambda d: load_mnist(d, limit=2.0), TypeError, "load_mnist", "limit"),
    (lambda d: read_idx_images(d / "x", limit=-1), ValueError, "read_idx_images", "limit"),
    (lambda d: read_idx_labels(d / "x", limit="1"), TypeError, "read_idx_labels", "limit"),
    (lambda d: MnistImages(b"", 2**64, 1), ValueError, "MnistImages", "rows"),
    (lambda d: MnistImages(b"", 1, None), TypeError, "MnistImages", "cols"),
    (lambda d: download_mnist(d, timeout=0), ValueError, "download_mnist", "timeout"),
    (lambda d: download_mnist(d, timeout="5"), TypeError, "download_mnist", "timeout"),
    (lambda d: download_mnist(d, log="print"), TypeError, "download_mnist", "log"),
])
def test_bad_arguments_name_the_function_and_the_argument(tmp_path, call, error, function, argument):
    with pytest.raises(error) as info:
        call(tmp_path)
    assert str(info.value).startswith(f"{function}: {argument} must be "), str(info.value)
