"""Numeric extremes: divergence is stopped with TrainingDiverged on both tiers, and
non-finite or overflowing inputs are refused with a message naming where they are."""

import math

import pytest

from barenn import matrix
from barenn.accuracy import regression_precision
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, sigmoid
from barenn.checks import (
    DATA_LIMIT,
    LOSS_GROWTH_LIMIT,
    PARAMETER_LIMIT,
    OrderError,
    TrainingDiverged,
    check_finite_rows,
    check_loss_growth,
    check_parameter_sizes,
)
from barenn.datasets import sinc, spiral
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy, MeanSquaredError
from barenn.network import Network
from barenn.optimizers import SGD, Adam
from barenn.realdata import MnistImages

X_SPIRAL, Y_SPIRAL = spiral(30, 3, seed=0)
X_SINC, Y_SINC = sinc(60, seed=0)


def classifier(optimizer):
    return Network([Dense(2, 16, seed=0), ReLU(), Dense(16, 3, seed=1), Softmax()],
                   CategoricalCrossEntropy(), optimizer)


def regressor(optimizer):
    return Network([Dense(1, 16, init="he", seed=0), ReLU(), Dense(16, 1, init="he", seed=1),
                    Linear()], MeanSquaredError(), optimizer)


def diverge(make, fast, **fit):
    with pytest.raises(TrainingDiverged) as caught:
        make().fit(**fit, verbose=0, fast=fast)
    return caught.value


# --- training that runs away ---------------------------------------------------------

@pytest.mark.parametrize("fast", [True, False])
def test_sgd_at_a_huge_learning_rate_stops_on_the_weights_size(fast):
    error = diverge(lambda: classifier(SGD(learning_rate=1e6)), fast,
                    X=X_SPIRAL, y=Y_SPIRAL, epochs=30)
    text = str(error)
    assert error.epoch == 1 and "training diverged at epoch 1" in text
    assert "beyond the sane limit of 1e+08" in text and "reached" in text
    assert "the learning rate (1e+06) is probably too large; try a smaller one, e.g. 100000" in text


@pytest.mark.parametrize("fast", [True, False])
def test_adam_at_1e100_stops_in_the_first_epoch(fast):
    error = diverge(lambda: classifier(Adam(learning_rate=1e100)), fast,
                    X=X_SPIRAL, y=Y_SPIRAL, epochs=30)
    assert error.epoch == 0
    assert "the weights of Dense(2, 16" in str(error) and "e+99 in size" in str(error)


@pytest.mark.parametrize("batch_size, where", [(None, "epoch 2:"), (10, "epoch 0, batch 3 of 6:")])
@pytest.mark.parametrize("fast", [True, False])
def test_a_regression_loss_growing_while_finite_stops(fast, batch_size, where):
    error = diverge(lambda: regressor(SGD(learning_rate=0.3)), fast,
                    X=X_SINC, y=Y_SINC, epochs=30, batch_size=batch_size)
    text = str(error)
    assert f"training diverged at {where}" in text
    assert "the loss grew to" in text and "more than 1e+06 times its first value" in text
    assert "try a smaller one, e.g. 0.03" in text


def test_both_tiers_stop_at_the_same_place_with_the_same_message():
    messages = [str(diverge(lambda: regressor(SGD(learning_rate=0.3)), fast,
                            X=X_SINC, y=Y_SINC, epochs=30, batch_size=10))
                for fast in (True, False)]
    assert messages[0] == messages[1]


def test_normal_training_never_meets_the_limits():
    # The settings of lesson 06 (2-64-3 on the spiral, Adam) and a gentle regression.
    net = Network([Dense(2, 64, seed=0), ReLU(), Dense(64, 3, seed=1), Softmax()],
                  CategoricalCrossEntropy(), Adam(learning_rate=0.05, decay=5e-7))
    history = net.fit(X_SPIRAL, Y_SPIRAL, epochs=60, verbose=0)
    assert history.loss[-1] < history.loss[0]
    history = regressor(Adam(learning_rate=0.01)).fit(X_SINC, Y_SINC, epochs=60, verbose=0)
    assert history.loss[-1] < history.loss[0]


def test_the_limits_are_documented_numbers():
    assert (PARAMETER_LIMIT, LOSS_GROWTH_LIMIT, DATA_LIMIT) == (1e8, 1e6, 1e100)


def test_check_loss_growth_and_parameter_sizes():
    check_loss_growth(0.9e6, 0.5)  # a start below 1 counts as 1
    with pytest.raises(TrainingDiverged, match="the loss grew to 1.1e\\+06"):
        check_loss_growth(1.1e6, 0.5)
    check_loss_growth(float("nan"), 1.0)  # NaN is check_loss's news, not this one's
    layer = Dense(2, 2, seed=0)
    check_parameter_sizes([layer])
    layer.biases = [[0.0, -2e8]]
    with pytest.raises(TrainingDiverged, match="the biases of Dense.*reached -?2e\\+08 in size"):
        check_parameter_sizes([layer])
    layer.biases = [[float("inf"), 0.0]]
    with pytest.raises(TrainingDiverged, match="became NaN or infinite"):
        check_parameter_sizes([layer])


# --- data that cannot be trained on ----------------------------------------------------

@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 10 ** 400, 1e160])
@pytest.mark.parametrize("call", ["fit", "predict", "evaluate"])
def test_non_finite_or_huge_inputs_are_refused_with_row_and_column(call, bad):
    net = classifier(Adam(learning_rate=0.01))
    X = [list(r) for r in X_SPIRAL]
    X[7][1] = bad
    args = {"fit": (X, Y_SPIRAL, 1), "predict": (X,), "evaluate": (X, Y_SPIRAL)}[call]
    kwargs = {"verbose": 0} if call == "fit" else {}
    with pytest.raises(ValueError, match=rf"Network.{call}: X has .* at row 7, column 1"):
        getattr(net, call)(*args, **kwargs)


def test_nan_rows_are_no_longer_hidden_by_relu():
    net = classifier(Adam(learning_rate=0.01))
    X = [[float("nan"), float("nan")]] * 3
    with pytest.raises(ValueError, match="Network.evaluate: X has nan at row 0, column 0"):
        net.evaluate(X, [0, 1, 2])


@pytest.mark.parametrize("bad", [float("nan"), 1e160, 10 ** 400])
def test_non_finite_or_huge_targets_are_refused(bad):
    y = [list(r) for r in Y_SINC]
    y[4][0] = bad
    with pytest.raises(ValueError, match=r"Network.fit: y has .* row 4, column 0"):
        regressor(Adam(learning_rate=0.01)).fit(X_SINC, y, epochs=1, verbose=0)


def test_validation_data_is_checked_too():
    X_val = [[0.1, float("inf")]]
    with pytest.raises(ValueError, match="Network.fit: X_val has inf at row 0, column 1"):
        classifier(Adam()).fit(X_SPIRAL, Y_SPIRAL, epochs=1, verbose=0, validation=(X_val, [0]))


class NanSource:
    """A data source whose sample 5 holds a NaN."""

    def __len__(self):
        return 8

    def batch(self, indices):
        return [[float("nan"), 0.0] if i == 5 else [0.1 * i, 0.2] for i in indices]


def test_a_data_source_is_checked_batch_by_batch_naming_the_sample():
    with pytest.raises(ValueError, match="has nan at sample 5, column 0"):
        classifier(Adam()).fit(NanSource(), [0, 1, 2, 0, 1, 2, 0, 1], epochs=1, verbose=0,
                               batch_size=3)


def test_check_finite_rows_reports_overflowing_sums():
    with pytest.raises(ValueError, match="row 1 .*sum overflows"):
        check_finite_rows("f", "X", [[1.0, 2.0], [1e308, 1e308]])
    with pytest.raises(ValueError, match="beyond the largest value barenn trains on"):
        check_finite_rows("f", "X", [[1.0, 2e100]], limit=DATA_LIMIT)
    check_finite_rows("f", "X", [[1.0, "text"]])  # not numbers: left to the type checks


# --- the raw OverflowErrors, now ValueErrors naming the function ----------------

def test_overflowing_numbers_give_value_errors_naming_the_function():
    limit = r"must hold numbers a float can hold \(at most 1.798e\+308 in size\), but row 0, column 0 is an int of 401 digits"
    with pytest.raises(ValueError, match="^mean: the matrix " + limit):
        matrix.mean([[10 ** 400]])
    with pytest.raises(ValueError, match="^Dense.forward: inputs " + limit):
        Dense(2, 3).forward([[10 ** 400, 1]])
    with pytest.raises(ValueError, match="^Sigmoid.forward: inputs " + limit):
        Sigmoid().forward([[10 ** 400]])
    with pytest.raises(ValueError, match="sigmoid: x must be a number, got a number too large for a float"):
        sigmoid(10 ** 400)
    with pytest.raises(ValueError, match="divide: the divisor is 0 at row 0, column 1"):
        matrix.divide([[1.0, 2.0]], [[1.0, 0.0]])
    with pytest.raises(ZeroDivisionError):  # still what it was
        matrix.divide([[1.0]], [[0.0]])


def test_regression_precision_of_huge_targets_does_not_overflow():
    assert regression_precision([[1e200], [-1e200]], 1) == pytest.approx(1e200)
    assert regression_precision([[1.0], [3.0]], 2) == 0.5


def test_backward_before_forward_is_an_order_error_both_value_and_runtime_error():
    with pytest.raises(OrderError, match="call forward\\(\\) before backward\\(\\)"):
        ReLU().backward([[1.0]])
    assert issubclass(OrderError, ValueError) and issubclass(OrderError, RuntimeError)


def test_mnist_image_index_errors_name_the_index_given():
    images = MnistImages(bytes(16), 2, 2)
    with pytest.raises(IndexError, match="MnistImages: image index -5 is out of range for 4 images"):
        images.image(-5)
    with pytest.raises(ValueError):
        images.row(10 ** 400)
    assert math.isfinite(images.row(-1)[0])


# --- sizes: each may be fine while their product is not --------------------------------

@pytest.mark.parametrize("call", [
    lambda: matrix.zeros(10 ** 8, 10 ** 8), lambda: matrix.full(10 ** 6, 10 ** 6, 0.0),
    lambda: matrix.identity(10 ** 8), lambda: matrix.outer([1.0] * 20_000, [1.0] * 20_000),
])
def test_products_of_sizes_are_capped_before_any_work(call):
    with pytest.raises(ValueError, match="elements; at most 100,000,000"):
        call()


def test_mnist_images_are_trusted_as_finite_and_other_sources_checked():
    from barenn.sources import take_rows
    images = MnistImages(bytes(range(12)), 2, 2)
    assert images.values_are_finite and take_rows(images, [2]) == images.batch([2])
    with pytest.raises(ValueError, match="data source: the batch has nan at sample 5"):
        take_rows(NanSource(), [4, 5])
