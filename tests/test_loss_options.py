"""Loss options: reduction="mean"|"sum" on every loss, half squared error, and the
per-batch loss record of fit(record_batches=True)."""

import pytest

from barenn import check
from barenn.activations import Linear, ReLU, Softmax
from barenn.history import History
from barenn.layers import Dense
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.network import Network
from barenn.optimizers import SGD

OUT = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.25, 0.25, 0.5]]
CLASSES = [0, 1, 2, 1]
VALUES = [[1.0, 0.0, 0.5], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def _close(a, b):
    return all(x == pytest.approx(y, rel=1e-12, abs=1e-15) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


@pytest.mark.parametrize("make, y", [
    (CategoricalCrossEntropy, CLASSES),
    (BinaryCrossEntropy, VALUES),
    (MeanSquaredError, VALUES),
    (MeanAbsoluteError, VALUES),
    (lambda **kw: MeanSquaredError(half=True, **kw), VALUES),
])
def test_sum_is_n_times_the_mean_for_loss_and_slopes(make, y):
    mean, total = make(), make(reduction="sum")
    n = len(OUT)
    assert total.calculate(OUT, y) == pytest.approx(n * mean.calculate(OUT, y), rel=1e-12)
    assert _close(total.backward(OUT, y), [[n * v for v in r] for r in mean.backward(OUT, y)])
    assert "reduction='sum'" in repr(total) and "reduction" not in repr(mean)


def test_the_fused_loss_sums_too():
    scores = [[1.0, 2.0, 0.5], [0.2, -1.0, 0.3]]
    mean, total = SoftmaxCrossEntropy(), SoftmaxCrossEntropy(reduction="sum")
    assert total.forward(scores, [1, 2]) == pytest.approx(2 * mean.forward(scores, [1, 2]))
    assert _close(total.backward(total.output, [1, 2]),
                  [[2 * v for v in r] for r in mean.backward(mean.output, [1, 2])])


def test_half_squared_error_value_and_slope_by_hand():
    loss = MeanSquaredError(half=True)
    out, y = [[3.0], [1.0]], [[1.0], [2.0]]
    # ½((3-1)² + (1-2)²) / 2 = ½ (4 + 1) / 2 = 1.25
    assert loss.calculate(out, y) == 1.25
    # (ŷ - y) / n
    assert loss.backward(out, y) == [[1.0], [-0.5]]
    assert MeanSquaredError().backward(out, y) == [[2.0], [-1.0]]
    assert repr(loss) == "MeanSquaredError(half=True)"
    assert MeanSquaredError(reduction="sum", half=True).backward(out, y) == [[2.0], [-1.0]]


@pytest.mark.parametrize("loss", [MeanSquaredError(half=True), MeanSquaredError(reduction="sum"),
                                  MeanAbsoluteError(reduction="sum"),
                                  BinaryCrossEntropy(reduction="sum")])
def test_slopes_match_central_differences(loss):
    out = [[0.3, 0.6], [0.8, 0.1], [0.45, 0.55]]
    y = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    analytic = loss.backward(out, y)
    numeric = check.numeric_gradient(lambda: loss.calculate(out, y), out)
    assert check.compare(analytic, numeric).passed


@pytest.mark.parametrize("bad, error", [("total", ValueError), (None, TypeError)])
def test_bad_reduction(bad, error):
    for make in (CategoricalCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy):
        with pytest.raises(error, match="reduction"):
            make(reduction=bad)
    with pytest.raises(TypeError, match="MeanSquaredError: half"):
        MeanSquaredError(half=1)


def test_sum_with_lr_equals_mean_with_lr_times_n_in_training():
    # The column-vector tutorial's rule: summed gradients and lr = mean and lr * n.
    X = [[0.1 * i, 0.2 * (i % 3)] for i in range(8)]
    y = [i % 3 for i in range(8)]

    def trained(loss, lr):
        net = Network([Dense(2, 5, seed=1), ReLU(), Dense(5, 3, seed=2), Softmax()],
                      loss=loss, optimizer=SGD(lr), fuse=False)
        net.fit(X, y, epochs=3, batch_size=4, shuffle=False, verbose=0, fast=False)
        return net.layers[0].weights

    assert _close(trained(CategoricalCrossEntropy(reduction="sum"), 0.01),
                  trained(CategoricalCrossEntropy(), 0.04))


def test_fit_records_every_batch_loss_when_asked():
    X = [[i / 10] for i in range(10)]
    y = [[2 * i / 10] for i in range(10)]

    def net():
        return Network([Dense(1, 4, seed=3), ReLU(), Dense(4, 1, seed=4), Linear()],
                       loss=MeanSquaredError(half=True), optimizer=SGD(0.05))

    plain = net().fit(X, y, epochs=3, batch_size=4, seed=1, verbose=0)
    assert plain.batch_loss == []
    for fast in (True, False):
        history = net().fit(X, y, epochs=3, batch_size=4, seed=1, verbose=0, record_batches=True,
                            fast=fast)
        assert len(history.batch_loss) == 3 * 3
        assert history.loss == plain.loss
        # the epoch figure is the size-weighted mean of its batches (4, 4, 2 samples)
        first = history.batch_loss[:3]
        assert history.data_loss[0] == pytest.approx((4 * first[0] + 4 * first[1] + 2 * first[2]) / 10)
        again = History.from_dict(history.to_dict())
        assert again == history and again.batch_loss == history.batch_loss
    with pytest.raises(TypeError, match="record_batches"):
        net().fit(X, y, epochs=1, verbose=0, record_batches="yes")
