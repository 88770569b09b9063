"""Tests for barenn.parallel: workers=2 trains exactly like workers=1, and workers
always go away (after errors, a worker's death, Ctrl-C or a hang)."""

import multiprocessing
import os
import random
import time

import pytest

from barenn.activations import ReLU, Sigmoid, Softmax
from barenn.datasets import spiral
from barenn.layers import Dense, Dropout
from barenn.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError
from barenn.network import Network, TrainingDiverged
from barenn.optimizers import SGD, Adam
from barenn.fast.parallel import GradientPool, WorkerError, pack, split, unpack
from barenn.realdata import MnistImages


def no_workers_left():
    """True once every child process of this test process has gone (waits up to 5 s)."""
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def classifier(n_inputs=2, dropout=0.2, l2=1e-3, seed=1, optimizer=None):
    layers = [Dense(n_inputs, 16, init="he", seed=seed, weight_regularizer_l2=l2), ReLU()]
    if dropout:
        layers.append(Dropout(dropout, seed=seed + 10))
    layers += [Dense(16, 3, seed=seed + 1), Softmax()]
    return Network(layers, CategoricalCrossEntropy(), optimizer or Adam(learning_rate=0.05))


def parameters(net):
    return [v for layer in net.trainable_layers()
            for m in (layer.weights, layer.biases) for r in m for v in r]


def largest_difference(a, b):
    assert len(a) == len(b)
    return max(abs(u - v) for u, v in zip(a, b))


@pytest.fixture(scope="module")
def data():
    return spiral(25, 3, seed=3)  # 75 points


def test_split_pack_unpack():
    assert split(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert split([4, 5], 3) == [[4], [5], []]
    assert split(range(10, 14), 2) == [range(10, 12), range(12, 14)]
    a, b = [[1.5, -2.0], [3.25, 0.0], [1e-300, 7.0]], [[0.1, 0.2, 0.3]]
    assert unpack(pack([a, b]), [(3, 2), (1, 3)]) == [a, b]
    with pytest.raises(ValueError, match="unpack"):
        unpack(pack([a]), [(2, 2)])


@pytest.mark.parametrize("batch_size", [16, None])
def test_two_workers_give_the_weights_of_one(data, batch_size):
    # Dropout, an L2 penalty, validation and a last batch smaller than the others
    # (75 = 4 * 16 + 11): every part of a step goes through the workers.
    X, y = data
    serial, parallel = classifier(), classifier()
    h1 = serial.fit(X, y, epochs=4, batch_size=batch_size, validation=(X, y), verbose=0)
    h2 = parallel.fit(X, y, epochs=4, batch_size=batch_size, validation=(X, y), verbose=0,
                      workers=2)
    assert no_workers_left()
    assert largest_difference(parameters(serial), parameters(parallel)) < 1e-9
    assert parameters(serial) != parameters(classifier())  # training did move them
    for field in ("loss", "regularization_loss", "accuracy", "val_loss", "val_accuracy"):
        assert largest_difference(getattr(h1, field), getattr(h2, field)) < 1e-9, field
    assert h1.learning_rate == h2.learning_rate
    assert serial.optimizer.iterations == parallel.optimizer.iterations
    # The parent's Dropout generator advanced exactly as in the serial run.
    assert serial.layers[2].rng.getstate() == parallel.layers[2].rng.getstate()


def test_three_workers_and_resuming_match_one_long_serial_run(data):
    X, y = data
    serial, parallel = classifier(optimizer=SGD(0.5, momentum=0.5)), \
        classifier(optimizer=SGD(0.5, momentum=0.5))
    serial.fit(X, y, epochs=4, batch_size=20, verbose=0)
    parallel.fit(X, y, epochs=2, batch_size=20, verbose=0, workers=3)
    history = parallel.fit(X, y, epochs=2, batch_size=20, verbose=0, workers=3)
    assert history.epoch == [2, 3]
    assert largest_difference(parameters(serial), parameters(parallel)) < 1e-9


def test_binary_and_regression_networks_in_parallel():
    rng = random.Random(4)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(40)]
    y_bin = [[1 if a * b > 0 else 0] for a, b in X]
    y_reg = [[a * a - b] for a, b in X]
    for loss, last, y in ((BinaryCrossEntropy(), Sigmoid(), y_bin),
                          (MeanSquaredError(), None, y_reg)):
        nets = []
        for _ in range(2):
            layers = [Dense(2, 8, init="he", seed=2), ReLU(), Dense(8, 1, seed=3)]
            nets.append(Network(layers + ([last] if last else []), loss, Adam(0.02)))
        h1 = nets[0].fit(X, y, epochs=3, batch_size=13, verbose=0)
        h2 = nets[1].fit(X, y, epochs=3, batch_size=13, verbose=0, workers=2)
        assert largest_difference(parameters(nets[0]), parameters(nets[1])) < 1e-9
        assert largest_difference(h1.accuracy, h2.accuracy) < 1e-9
    assert no_workers_left()


def synthetic_images(n, seed=0, pixels=16):
    """n sparse 4x4 'images' of bytes (most pixels 0) and labels 0..2."""
    rng = random.Random(seed)
    data = bytearray()
    labels = []
    for _ in range(n):
        label = rng.randrange(3)
        image = [0] * pixels
        for p in range(label * 4, label * 4 + 6):
            if rng.random() < 0.7:
                image[p % pixels] = rng.randrange(1, 256)
        data += bytes(image)
        labels.append(label)
    return MnistImages(bytes(data), rows=4, cols=4), labels


def test_a_data_source_in_workers_equals_float_rows():
    images, labels = synthetic_images(60)
    rows = images.batch(range(len(images)))
    from_rows, from_source = classifier(16, dropout=0), classifier(16, dropout=0)
    from_rows.fit(rows, labels, epochs=3, batch_size=16, verbose=0)
    from_source.fit(images, labels, epochs=3, batch_size=16, verbose=0, workers=2,
                    validation=(images, labels))
    assert largest_difference(parameters(from_rows), parameters(from_source)) < 1e-9


def test_a_failing_worker_raises_its_error_and_every_worker_stops(data):
    X, _ = data
    bad_labels = [5] * len(X)  # class 5 of 3
    net = classifier()
    with pytest.raises(ValueError) as caught:
        net.fit(X, bad_labels, epochs=1, batch_size=20, verbose=0, workers=2)
    assert isinstance(caught.value.__cause__, WorkerError)
    assert "worker" in str(caught.value.__cause__)
    assert no_workers_left()


class DyingSource:
    """A data source that kills the worker process that reads it."""

    def __init__(self, rows, parent):
        self.rows, self.parent = rows, parent

    def __len__(self):
        return len(self.rows)

    def batch(self, indices):
        if os.getpid() != self.parent:
            os._exit(3)
        return [self.rows[i] for i in indices]


def test_a_dead_worker_is_reported_not_waited_for(data):
    X, y = data
    net = classifier()
    with pytest.raises(WorkerError, match="stopped unexpectedly.*exit code 3"):
        net.fit(DyingSource(X, os.getpid()), y, epochs=1, batch_size=20, verbose=0, workers=2)
    assert no_workers_left()


class SlowSource(DyingSource):
    def batch(self, indices):
        if os.getpid() != self.parent:
            time.sleep(60)
        return [self.rows[i] for i in indices]


def test_a_hanging_worker_times_out_and_is_terminated(data):
    X, y = data
    net = classifier()
    started = time.monotonic()
    with pytest.raises(WorkerError, match="no answer within 1 seconds"):
        with GradientPool(net, SlowSource(X, os.getpid()), y, 2, timeout=1.0) as pool:
            pool.train_step(list(range(20)))
    assert time.monotonic() - started < 20
    assert no_workers_left()


def test_keyboard_interrupt_in_the_parent_stops_the_workers(data, monkeypatch):
    X, y = data
    net = classifier()
    calls = []

    def interrupted_step(layers):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        Adam.step(net.optimizer, layers)

    monkeypatch.setattr(net.optimizer, "step", interrupted_step)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y, epochs=2, batch_size=10, verbose=0, workers=2)
    assert len(calls) == 2
    assert no_workers_left()


def test_divergence_in_workers_is_reported_like_in_one_process(data):
    X, y = data
    net = classifier(optimizer=SGD(learning_rate=1e300), dropout=0)
    with pytest.raises(TrainingDiverged, match="training diverged at epoch"):
        net.fit(X, y, epochs=3, batch_size=25, verbose=0, workers=2)
    assert no_workers_left()


def test_workers_need_a_network_that_can_be_described(data):
    class Doubler:
        def forward(self, inputs, training=True):
            return [[2 * v for v in r] for r in inputs]

        def backward(self, dvalues):
            return [[2 * v for v in r] for r in dvalues]

    X, y = data
    net = Network([Doubler(), Dense(2, 3, seed=1), Softmax()], CategoricalCrossEntropy(), Adam())
    with pytest.raises(ValueError, match="workers > 1.*cannot save a layer"):
        net.fit(X, y, epochs=1, verbose=0, workers=2)
    with pytest.raises(ValueError, match="workers must be a whole number in \\[1, 64\\]"):
        net.fit(X, y, epochs=1, verbose=0, workers=0)
    assert no_workers_left()


def test_workers_start_with_spawn_too(data):
    X, y = data
    net, twin = classifier(), classifier()
    net.fit(X, y, epochs=1, batch_size=25, verbose=0, shuffle=False)
    with GradientPool(twin, X, y, 2, start_method="spawn", timeout=60) as pool:
        for indices in (range(0, 25), range(25, 50), range(50, 75)):
            pool.train_step(list(indices))
    assert largest_difference(parameters(net), parameters(twin)) < 1e-9
    assert no_workers_left()


ORPHAN_SCRIPT = """
import os, sys
sys.path.insert(0, {root!r})
from barenn.activations import ReLU, Softmax
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.fast.parallel import GradientPool
net = Network([Dense(2, 4, seed=1), ReLU(), Dense(4, 2, seed=2), Softmax()],
              CategoricalCrossEntropy(), Adam())
pool = GradientPool(net, [[0.0, 1.0], [1.0, 0.0]], [0, 1], 2)
with open({pids!r}, "w") as f:
    f.write(" ".join(str(p.pid) for p in pool.processes))
os._exit(1)  # the parent vanishes without closing anything
"""


def gone(pid):
    """True if the process has ended (a zombie waiting to be reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to watch the workers")
def test_workers_end_when_the_parent_vanishes(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    script, pid_file = tmp_path / "orphans.py", tmp_path / "pids.txt"
    script.write_text(ORPHAN_SCRIPT.format(root=root, pids=str(pid_file)), encoding="utf-8")
    with open(tmp_path / "stderr.txt", "w") as stderr:  # no pipe the workers could hold open
        result = subprocess.run([sys.executable, str(script)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr, timeout=60)
    assert result.returncode == 1, (tmp_path / "stderr.txt").read_text()
    pids = [int(p) for p in pid_file.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while not all(map(gone, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in pids if not gone(pid)]
    for pid in survivors:  # leave nothing running, even when the test fails
        os.kill(pid, 9)
    assert not survivors
