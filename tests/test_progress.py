"""Tests for barenn.progress and the progress output of Network.fit."""

import io
import re

import pytest

from barenn.activations import ReLU, Softmax
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.progress import Progress, format_duration

X = [[0.1 * i, (-1) ** i * 0.05 * i] for i in range(12)]
Y = [i % 3 for i in range(12)]


def network():
    return Network([Dense(2, 4, seed=1), ReLU(), Dense(4, 3, seed=2), Softmax()],
                   CategoricalCrossEntropy(), Adam(learning_rate=0.05))


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_verbose_zero_is_silent(capsys):
    network().fit(X, Y, epochs=5, verbose=0)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_not_a_terminal_gives_a_line_every_n_epochs(capsys):
    history = network().fit(X, Y, epochs=10, every=3, validation=(X, Y))
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    # epochs count from 0 inside (History.epoch); the lines number them from 1
    assert [re.match(r"epoch (\d+)/10 ", line).group(1) for line in lines] == ["1", "4", "7", "10"]
    assert "\r" not in captured.err
    last = lines[-1]
    assert f"loss {history.loss[-1]:.4f}" in last and f"acc {history.accuracy[-1]:.3f}" in last
    assert f"val_loss {history.val_loss[-1]:.4f}" in last and "left)" in last


def test_default_every_gives_about_ten_lines_and_the_last(capsys):
    network().fit(X, Y, epochs=40, batch_size=5)
    lines = capsys.readouterr().err.splitlines()
    assert [int(line.split()[1].split("/")[0]) for line in lines] == list(range(1, 41, 4)) + [40]


def test_a_terminal_gets_one_rewritten_line_throttled(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    stream, clock = Terminal(), Clock()
    progress = Progress(epochs=2, batches=4, verbose=1, stream=stream, clock=clock)
    assert progress.mode == "bar"
    for epoch in range(2):
        for batch in range(1, 5):
            clock.now += 0.03  # 0.12 s an epoch: faster than the redraw limit
            progress.batch(epoch, batch, 1.0 / batch, 0.25 * batch)
        progress.epoch(epoch, 0.5, 0.75, 0.05)
    progress.close()
    text = stream.getvalue()
    draws = text.count("\r")
    assert 2 <= draws <= 4  # 0.24 s of work, at most one draw per 0.1 s, plus the final one
    assert text.endswith("\n") and text.count("\n") == 1
    final = text.rsplit("\r", 1)[1]
    assert final.startswith("epoch 2/2 batch 4/4 [##########]")
    assert "loss 0.5000 acc 0.750" in final and "epochs/s" in final and "0:00 left" in final


def test_bar_shows_time_left_from_the_rate(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    stream, clock = Terminal(), Clock()
    progress = Progress(epochs=10, batches=2, verbose=1, stream=stream, clock=clock)
    clock.now += 4.0
    progress.batch(1, 2, 0.9, 0.5)  # 2 of 10 epochs done in 4 s: 0.5 epochs/s, 16 s left
    line = stream.getvalue()
    assert "epoch 2/10 batch 2/2 [##........]" in line
    assert "2.0 s/epoch" in line and "0:16 left" in line
    narrow = progress.bar(width=60)
    assert "[" not in narrow and narrow.startswith("epoch 2/10 batch 2/2 loss 0.9000")


def test_verbose_two_prints_lines_even_on_a_terminal():
    stream = Terminal()
    progress = Progress(epochs=3, verbose=2, every=1, stream=stream, clock=Clock())
    assert progress.mode == "lines"
    for epoch in range(3):
        progress.epoch(epoch, 0.5, 0.5)
    progress.close()
    assert stream.getvalue().count("\n") == 3 and "\r" not in stream.getvalue()


def test_fit_on_a_terminal_ends_with_a_newline(monkeypatch):
    stream = Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    network().fit(X, Y, epochs=3)
    text = stream.getvalue()
    assert text.startswith("\repoch 1/3") and text.endswith("\n")


def test_the_line_is_closed_when_training_fails(monkeypatch):
    from barenn.activations import Linear
    from barenn.losses import MeanSquaredError
    from barenn.network import TrainingDiverged
    from barenn.optimizers import SGD

    stream = Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    net = Network([Dense(1, 8, seed=1, init="he"), ReLU(), Dense(8, 1, seed=2), Linear()],
                  MeanSquaredError(), SGD(learning_rate=50.0))
    inputs = [[i / 10] for i in range(20)]
    with pytest.raises(TrainingDiverged):
        net.fit(inputs, [[2 * x[0] + 1] for x in inputs], epochs=200)
    text = stream.getvalue()
    assert text.startswith("\repoch 1/200") and text.endswith("\n") and text.count("\n") == 1


@pytest.mark.parametrize("kwargs, error, argument", [
    (dict(epochs=3, verbose=3), ValueError, "verbose"),
    (dict(epochs=3, verbose="1"), TypeError, "verbose"),
    (dict(epochs=3, verbose=True), TypeError, "verbose"),
    (dict(epochs=3, every=0), ValueError, "every"),
    (dict(epochs=3, every=1.5), TypeError, "every"),
    (dict(epochs=-1), ValueError, "epochs"),
    (dict(epochs=3.0), TypeError, "epochs"),
    (dict(epochs=3, batches=0), ValueError, "batches"),
    (dict(epochs=3, first_epoch=None), TypeError, "first_epoch"),
    (dict(epochs=3, clock=5), TypeError, "clock"),
])
def test_bad_arguments(kwargs, error, argument):
    with pytest.raises(error, match=f"^Progress: {argument} must be "):
        Progress(**kwargs)


def test_format_duration():
    assert format_duration(0) == "0:00"
    assert format_duration(59.6) == "1:00"
    assert format_duration(3600) == "1:00:00"
    assert format_duration(None) == "?" and format_duration(float("inf")) == "?"
