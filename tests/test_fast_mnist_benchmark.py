"""benchmarks/mnist.py chooses its recipe and its epochs on a validation split only.

The official test images are scored once, after training: these tests run the
benchmark on tiny IDX files (tmp_path, no /work/shared) and check that nothing
reads the test set before the choice is made, and that --search never reads it.
"""

import importlib.util
from pathlib import Path

import pytest

from barenn.realdata import MnistImages
from fake_mnist import images_and_labels, write_idx

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("mnist_benchmark", ROOT / "benchmarks" / "mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Spy(MnistImages):
    """MnistImages that log every batch read (and fail if the log says so)."""

    def __init__(self, images, log, name):
        super().__init__(images.data, images.rows, images.cols)
        self.log, self.name = log, name

    def batch(self, indices):
        self.log.append(self.name)
        return super().batch(indices)


def test_split_validation_is_disjoint_seeded_and_complete(bench):
    pixels, labels = images_and_labels(50, seed=1)
    images = MnistImages(pixels, 28, 28)
    X, y, X_val, y_val = bench.split_validation(images, labels, 10, seed=3)
    assert (len(X), len(y), len(X_val), len(y_val)) == (40, 40, 10, 10)
    again = bench.split_validation(images, labels, 10, seed=3)
    assert again[2].data == X_val.data and again[0].data == X.data
    rows = {X.image(i) for i in range(40)} | {X_val.image(i) for i in range(10)}
    assert rows <= {images.image(i) for i in range(50)}
    assert sorted(y + y_val) == sorted(labels)
    with pytest.raises(ValueError):
        bench.split_validation(images, labels, 50, seed=3)


def test_training_stops_on_validation_and_keeps_the_best_epoch(bench):
    pixels, labels = images_and_labels(120, seed=2)
    images = MnistImages(pixels, 28, 28)
    X, y, X_val, y_val = bench.split_validation(images, labels, 30, seed=1)
    recipe = bench.Recipe(30, 0.01, 0.0)
    network = bench.build(recipe, 784, 16, seed=1)
    seen = []
    epoch, val, rows = bench.train_on_validation(network, recipe, (X, y), (X_val, y_val), 1,
                                                 max_epochs=6, stop_at=0.5, on_row=seen.append)
    assert rows == seen and 1 <= len(rows) <= 6
    assert val == max(r["validation"] for r in rows)
    assert rows[epoch - 1]["validation"] == val
    if val >= 0.5:
        assert len(rows) == next(r["epoch"] for r in rows if r["validation"] >= 0.5)
    # the network is left with the best epoch's weights
    assert bench.accuracy(network, X_val, y_val) == pytest.approx(val)


def test_choose_recipe_ranks_on_validation(bench):
    pixels, labels = images_and_labels(100, seed=4)
    images = MnistImages(pixels, 28, 28)
    X, y, X_val, y_val = bench.split_validation(images, labels, 25, seed=1)
    candidates = [bench.Recipe(25, 1e-6, 0.0), bench.Recipe(25, 0.02, 0.0)]
    lines = []
    best, results = bench.choose_recipe(candidates, (X, y), (X_val, y_val), 1, 2, 784, hidden=16,
                                        report=lines.append)
    assert [r[0] for r in results] == candidates and len(lines) == 2
    assert best == max(results, key=lambda r: r[2])[0]
    assert best == candidates[1]  # a learning rate of 1e-6 learns next to nothing


def test_the_test_set_is_read_once_after_the_choice(bench, tmp_path, monkeypatch, capsys):
    write_idx(tmp_path, "train", 150, seed=1)
    write_idx(tmp_path, "test", 40, seed=2)
    log = []
    real_load, real_train = bench.load_mnist, bench.train_on_validation

    def load(directory, kind="train", limit=None):
        images, labels = real_load(directory, kind, limit)
        return Spy(images, log, kind), labels

    def train(*args, **kwargs):
        log.append("train starts")
        result = real_train(*args, **kwargs)
        log.append("chosen")
        return result

    monkeypatch.setattr(bench, "load_mnist", load)
    monkeypatch.setattr(bench, "train_on_validation", train)
    assert bench.main(["--data", str(tmp_path), "--workers", "1", "--validation", "30",
                       "--max-epochs", "2", "--batch-size", "40", "--hidden", "16"]) == 0
    out = capsys.readouterr().out
    assert "TEST accuracy" in out and "chosen on validation: epoch" in out
    chosen = log.index("chosen")
    assert "test" not in log[:chosen]  # nothing read the test images before the choice
    assert log[chosen + 1:] == ["test"]  # then one read, by the final score


def test_search_never_reads_the_test_files(bench, tmp_path, monkeypatch, capsys):
    write_idx(tmp_path, "train", 120, seed=1)
    write_idx(tmp_path, "test", 20, seed=2)
    real_load = bench.load_mnist

    def load(directory, kind="train", limit=None):
        assert kind == "train", "--search read the test set"
        return real_load(directory, kind, limit)

    monkeypatch.setattr(bench, "load_mnist", load)
    monkeypatch.setattr(bench, "CANDIDATES", [bench.Recipe(30, 0.01, 0.0), bench.Recipe(60, 0.02, 0.0)])
    assert bench.main(["--data", str(tmp_path), "--search", "--workers", "1", "--validation", "30",
                       "--search-epochs", "1", "--hidden", "16"]) == 0
    assert "chosen: --batch-size" in capsys.readouterr().out


def test_without_files_the_benchmark_skips(bench, tmp_path, capsys):
    assert bench.main(["--data", str(tmp_path)]) == 0
    assert "skipped: no MNIST files" in capsys.readouterr().out
