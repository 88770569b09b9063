"""The Network: layers, a loss and an optimizer, trained together.

>>> from barenn.layers import Dense
>>> from barenn.activations import ReLU, Softmax
>>> from barenn.losses import CategoricalCrossEntropy
>>> from barenn.optimizers import Adam
>>> net = Network([Dense(2, 8, seed=1), ReLU(), Dense(8, 2, seed=2), Softmax()],
...               loss=CategoricalCrossEntropy(), optimizer=Adam(learning_rate=0.05))
>>> X, y = [[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]], [0, 1, 0, 1]
>>> history = net.fit(X, y, epochs=30, verbose=0)
>>> history.loss[-1] < history.loss[0]
True
>>> net.predict_classes(X)
[0, 1, 0, 1]

One epoch of ``fit`` is, for each batch (the whole set when ``batch_size`` is None):

1. forward through every layer in training mode (``Dropout`` active);
2. the data loss (mean over the batch), the regularization loss, the accuracy;
3. backward from the loss to the first layer;
4. ``optimizer.step`` on the layers that have parameters.

Figures: an epoch's ``data_loss`` and ``accuracy`` are measured during that epoch,
on each batch before its update (for a full batch, epoch 0 shows the untrained
network, as in the walkthrough's ``epoch: 0, loss: 1.099``). When there are
several batches they are averaged, each weighted by its number of samples.
``loss`` is ``data_loss + regularization_loss``. Validation figures are measured
after the epoch's last update, in inference mode, without regularization.

Epochs count from 0 and go on counting over later ``fit`` calls (and through
``save``/``load``), so a resumed run continues the numbering.

Inputs ``X`` are a matrix (a list of rows) or a *data source*: any object with
``len(source)`` samples and ``source.batch(indices)`` returning those samples as
float rows, such as ``barenn.realdata.MnistImages``. A source is turned into
floats one batch at a time, so 60,000 MNIST images stay 47 MB of bytes instead
of hundreds of MB of float rows; the numbers are the same as with the rows.

``fit(..., workers=2)`` trains data-parallel in worker processes
(``barenn.parallel``): each worker computes the gradients of its share of every
batch, the parent adds them up in a fixed order (weighted so the sum is the
gradient of the batch's mean loss), takes one optimizer step and sends the new
weights out. The result equals ``workers=1`` up to rounding.

Softmax followed by categorical cross-entropy is fused for the backward pass:
``barenn.losses.SoftmaxCrossEntropy`` gives the gradient at the Softmax's input
directly as (ŷ − y)/n, skipping the per-sample Jacobian. ``predict`` still returns
the probabilities. ``Network(..., fuse=False)`` keeps the two steps separate (they
agree, see the tests; the fused one is faster).

Accuracy depends on the task (``accuracy=None`` picks it from the loss):

* ``"categorical"`` (categorical cross-entropy): the argmax of each output row
  against the class index (labels as ints or one-hot rows);
* ``"binary"`` (binary cross-entropy after a Sigmoid): each output > 0.5 against
  its 0/1 target;
* ``"regression"`` (mean squared or absolute error): each output within
  ``precision`` of its target, where precision = std(y) / ``precision_divisor``
  (250 by default, as in the walkthrough), fixed from the training targets of the
  first ``fit``.
"""

import inspect
import json
import math
import random
from collections import namedtuple
from operator import eq

from barenn import __version__
from barenn._files import atomic_write_text
from barenn.checks import TrainingDiverged
from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.layers import Dense, Dropout, regularization_loss
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.matrix import ShapeError, argmax, format_shape, shape
from barenn.optimizers import from_state_dict
from barenn.progress import Progress
from barenn.rng import NumpyLegacy, shuffle as shuffle_in_place

__all__ = ["Network", "History", "Evaluation", "TrainingDiverged", "FORMAT", "FORMAT_VERSION"]

FORMAT = "barenn.network"
FORMAT_VERSION = 1

LAYER_TYPES = {cls.__name__: cls for cls in (Dense, Dropout, ReLU, Sigmoid, Tanh, Softmax, Linear)}
LOSS_TYPES = {cls.__name__: cls for cls in (CategoricalCrossEntropy, BinaryCrossEntropy,
                                            MeanSquaredError, MeanAbsoluteError, SoftmaxCrossEntropy)}
ACCURACY_KINDS = ("categorical", "binary", "regression")

Evaluation = namedtuple("Evaluation", "loss accuracy")
Evaluation.__doc__ = "What ``Network.evaluate`` returns: the mean data loss and the accuracy (0..1)."


class History:
    """Per-epoch figures of a training run: one list per field, one entry per epoch.

    Fields (``History.FIELDS``): ``epoch`` (its number), ``loss`` (data +
    regularization), ``data_loss``, ``regularization_loss``, ``accuracy``,
    ``learning_rate`` (the optimizer's rate at the epoch's last update), and
    ``val_loss`` / ``val_accuracy`` (empty lists when fit had no validation).
    Two runs with the same seed give equal Histories (``==`` compares the lists).
    """

    FIELDS = ("epoch", "loss", "data_loss", "regularization_loss", "accuracy", "learning_rate",
              "val_loss", "val_accuracy")

    def __init__(self):
        for name in self.FIELDS:
            setattr(self, name, [])

    def record(self, epoch, data_loss, regularization_loss, accuracy, learning_rate,
               val_loss=None, val_accuracy=None):
        """Append one epoch's figures (validation ones only when given)."""
        self.epoch.append(epoch)
        self.loss.append(data_loss + regularization_loss)
        self.data_loss.append(data_loss)
        self.regularization_loss.append(regularization_loss)
        self.accuracy.append(accuracy)
        self.learning_rate.append(learning_rate)
        if val_loss is not None:
            self.val_loss.append(val_loss)
            self.val_accuracy.append(val_accuracy)

    def __len__(self):
        return len(self.epoch)

    def __eq__(self, other):
        return isinstance(other, History) and self.to_dict() == other.to_dict()

    def __repr__(self):
        if not self.epoch:
            return "History(no epochs)"
        return (f"History({len(self)} epochs, last: epoch {self.epoch[-1]}, "
                f"loss {self.loss[-1]:.4f}, accuracy {self.accuracy[-1]:.4f})")

    def to_dict(self):
        """``{field: list}`` for every field (new lists), e.g. for ``json.dumps``."""
        return {name: list(getattr(self, name)) for name in self.FIELDS}

    @classmethod
    def from_dict(cls, data):
        """The History that ``to_dict`` described."""
        history = cls()
        for name in cls.FIELDS:
            setattr(history, name, list(data.get(name, [])))
        return history

    def last(self):
        """The last epoch's figures as a dict (fields without a value left out)."""
        if not self.epoch:
            raise ValueError("History.last: no epochs recorded")
        return {name: getattr(self, name)[-1] for name in self.FIELDS if getattr(self, name)}

    def series(self, names=None):
        """``{name: [(epoch, value), ...]}`` of the non-empty fields in ``names``
        (default: loss, accuracy, val_loss, val_accuracy), ready for barenn.plot."""
        names = names or ("loss", "val_loss", "accuracy", "val_accuracy")
        for name in names:
            if name not in self.FIELDS or name == "epoch":
                raise ValueError(f"History: unknown field {name!r}; choose from "
                                 + ", ".join(self.FIELDS[1:]))
        return {name: list(zip(self.epoch, getattr(self, name)))
                for name in names if getattr(self, name)}

    def plot(self, path=None, names=None, title="training history", log_y=False):
        """An SVG line chart of the fields in ``names`` over the epochs; returns the SVG
        text and writes it to ``path`` (atomically) when given."""
        from barenn.plot import line_chart_svg

        return line_chart_svg(self.series(names), path=path, title=title, x_label="epoch",
                              log_y=log_y)

    def chart(self, names=None, width=None, height=15):
        """The same curves drawn with Unicode characters for the terminal (a string)."""
        from barenn.plot import terminal_chart

        return terminal_chart(self.series(names), width=width, height=height)


def _is_class(thing):
    return isinstance(thing, type)


def _finite_matrix(m):
    # sum() runs in C; NaN and infinity survive a sum, so one check per row is enough
    # (an overflowing sum of huge finite values is reported too, and is no better).
    return all(math.isfinite(sum(r)) for r in m)


class Network:
    """A stack of layers trained with a loss and an optimizer.

    layers:            list of layers and activations, applied in order (Dense, Dropout,
                       ReLU, Sigmoid, Tanh, Softmax, Linear, or anything with the same
                       ``forward(inputs, training)`` / ``backward(dvalues)`` interface).
    loss:              a loss instance (``CategoricalCrossEntropy()``, ...).
    optimizer:         an optimizer instance, needed by ``fit`` (may be set later).
    accuracy:          "categorical", "binary", "regression", or None to choose from the
                       loss (see the module docstring).
    precision_divisor: regression accuracy counts an output right when it is within
                       std(y) / precision_divisor of the target.
    fuse:              fuse a final Softmax with categorical cross-entropy for the
                       backward pass (True) or keep them apart (False).

    Shapes: inputs X are n x k (k = the first Dense layer's n_inputs); outputs n x m.
    """

    def __init__(self, layers, loss, optimizer=None, accuracy=None, precision_divisor=250,
                 fuse=True):
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"Network: layers must be a list of layers, got {type(layers).__name__}")
        if not layers:
            raise ValueError("Network: no layers given; a network needs at least one layer, "
                             "e.g. [Dense(2, 3), Softmax()]")
        for i, layer in enumerate(layers):
            if _is_class(layer):
                raise TypeError(f"Network: layer {i} is the class {layer.__name__}; "
                                f"pass an instance such as {layer.__name__}(...)")
            if not (callable(getattr(layer, "forward", None))
                    and callable(getattr(layer, "backward", None))):
                raise TypeError(f"Network: layer {i} ({layer!r}) has no forward/backward methods")
        if loss is None:
            raise ValueError("Network: a loss is needed, e.g. loss=CategoricalCrossEntropy()")
        if _is_class(loss):
            raise TypeError(f"Network: the loss is the class {loss.__name__}; "
                            f"pass an instance: {loss.__name__}()")
        if not (callable(getattr(loss, "calculate", None)) and callable(getattr(loss, "backward", None))):
            raise TypeError(f"Network: the loss {loss!r} has no calculate/backward methods")
        if accuracy is not None and accuracy not in ACCURACY_KINDS:
            raise ValueError(f"Network: accuracy must be one of {', '.join(ACCURACY_KINDS)} "
                             f"or None, got {accuracy!r}")
        if isinstance(precision_divisor, bool) or not isinstance(precision_divisor, (int, float)) \
                or not precision_divisor > 0 or math.isinf(precision_divisor):
            raise ValueError(f"Network: precision_divisor must be a positive number, "
                             f"got {precision_divisor!r}")
        self.layers = list(layers)
        self.loss = loss
        self.optimizer = optimizer
        self.precision_divisor = precision_divisor
        self.regression_precision = None  # set by the first fit of a regression network
        self.epochs_trained = 0
        self._check_widths()

        last = self.layers[-1]
        if isinstance(loss, SoftmaxCrossEntropy) and not isinstance(last, Softmax):
            raise ValueError("Network: SoftmaxCrossEntropy needs Softmax() as the last layer; "
                             "or simply use Softmax() with CategoricalCrossEntropy(): the "
                             "network fuses them by itself")
        fusable = isinstance(last, Softmax) and isinstance(loss, (CategoricalCrossEntropy,
                                                                  SoftmaxCrossEntropy))
        self.fused = SoftmaxCrossEntropy() if (fuse and fusable) else None
        self.accuracy_kind = accuracy or self._guess_accuracy_kind()

    # --- structure ----------------------------------------------------------------------------

    def _check_widths(self):
        width, source = None, None
        for i, layer in enumerate(self.layers):
            n_in = getattr(layer, "n_inputs", None)
            if n_in is None:
                continue
            if width is not None and n_in != width:
                raise ShapeError(f"Network: layer {i} {layer!r} expects {n_in} inputs, but layer "
                                 f"{source} {self.layers[source]!r} gives {width}")
            width, source = layer.n_neurons, i

    def _guess_accuracy_kind(self):
        if isinstance(self.loss, (CategoricalCrossEntropy, SoftmaxCrossEntropy)):
            return "categorical"
        if isinstance(self.loss, BinaryCrossEntropy):
            return "binary"
        if isinstance(self.loss, (MeanSquaredError, MeanAbsoluteError)):
            return "regression"
        last = self.layers[-1]
        if isinstance(last, Softmax):
            return "categorical"
        if isinstance(last, Sigmoid):
            return "binary"
        return "regression"

    def input_size(self):
        """Features each sample must have (the first Dense's n_inputs), or None if unknown."""
        for layer in self.layers:
            n_in = getattr(layer, "n_inputs", None)
            if n_in is not None:
                return n_in
        return None

    def output_size(self):
        """Values each sample comes out with (the last Dense's n_neurons), or None."""
        for layer in reversed(self.layers):
            n_out = getattr(layer, "n_neurons", None)
            if n_out is not None:
                return n_out
        return None

    def is_classifier(self):
        """True for categorical and binary networks (predict_classes makes sense)."""
        return self.accuracy_kind in ("categorical", "binary")

    def trainable_layers(self):
        """The layers with parameters, in order (what the optimizer updates)."""
        return [layer for layer in self.layers if getattr(layer, "params", lambda: [])()]

    def parameter_count(self):
        """Total number of learned numbers in the network."""
        return sum(_parameter_count(layer) for layer in self.layers)

    def summary(self):
        """A text table: each layer, its output shape (n = samples) and parameter count."""
        rows = [("#", "layer", "output shape", "parameters")]
        width = self.input_size()
        for i, layer in enumerate(self.layers):
            width = getattr(layer, "n_neurons", width)
            rows.append((str(i), repr(layer), f"n x {width if width is not None else '?'}",
                         f"{_parameter_count(layer):,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        line = lambda r: (f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
                          f"{r[3]:>{widths[3]}}").rstrip()
        rule = "-" * len(line(rows[0]))
        text = [line(rows[0]), rule] + [line(r) for r in rows[1:]] + [rule]
        text.append(f"total parameters: {self.parameter_count():,}")
        loss = repr(self.loss)
        if self.fused is not None:
            loss += " (fused with the Softmax for the backward pass)"
        text.append(f"loss: {loss}")
        text.append(f"accuracy: {self.accuracy_kind}")
        text.append(f"optimizer: {self.optimizer!r}")
        return "\n".join(text)

    def __repr__(self):
        return (f"Network([{', '.join(repr(layer) for layer in self.layers)}], "
                f"loss={self.loss!r}, optimizer={self.optimizer!r})")

    # --- the passes -------------------------------------------------------------------------------

    def forward(self, X, training=False):
        """Run X (n x k) through every layer; return the last output (n x m).

        training=True switches Dropout on (and is what fit uses); predictions use False.
        """
        output = X
        for layer in self.layers:
            output = layer.forward(output, training=training)
        return output

    def backward(self, output, y, need_dinputs=True):
        """Backpropagate from the loss of ``output`` (the last forward's) against ``y``.

        Sets every layer's gradients (dweights, dbiases, dinputs) and returns the
        gradient with respect to the network's inputs (n x k). With a fused
        Softmax + cross-entropy the first step is (ŷ − y)/n at the Softmax's input.

        need_dinputs=False (what ``fit`` uses) stops at the first layer with
        parameters and asks it for no dinputs (``Dense.backward(...,
        need_dinputs=False)``): nothing uses the gradient with respect to the data,
        and for 784 pixels it is the costliest product of a step. Returns None then.

        A ReLU followed by a Dense layer is taken in one step, like the fused
        Softmax + cross-entropy: the Dense layer sets its dweights and dbiases
        (and no dinputs), and ``ReLU.backward_through`` computes the ReLU's
        dinputs straight from the Dense layer's dvalues, only where the ReLU's
        input was positive. Same numbers, about half the products.
        """
        if self.fused is not None:
            dinputs = self.fused.backward(output, y)
            last = len(self.layers) - 2
        else:
            dinputs = self.loss.backward(output, y)
            last = len(self.layers) - 1
        stop = 0 if need_dinputs else self._first_trainable()
        index = last
        while index >= stop:
            layer = self.layers[index]
            if index == stop and not need_dinputs:
                if _accepts_need_dinputs(layer):
                    return layer.backward(dinputs, need_dinputs=False)
                layer.backward(dinputs)
                return None
            before = self.layers[index - 1] if index > stop else None
            if type(layer) is Dense and type(before) is ReLU:
                layer.backward(dinputs, need_dinputs=False)
                dinputs = before.backward_through(layer, dinputs)
                index -= 2
                continue
            dinputs = layer.backward(dinputs)
            index -= 1
        return dinputs

    def _first_trainable(self):
        """Index of the first layer with parameters (0 if none has any)."""
        for index, layer in enumerate(self.layers):
            if getattr(layer, "params", lambda: [])():
                return index
        return 0

    def regularization_loss(self):
        """The sum of every layer's regularization penalty (0.0 without regularizers)."""
        return sum(regularization_loss(layer) for layer in self.layers)

    # --- checking data -----------------------------------------------------------------------------

    def _check_X(self, where, X, name="X"):
        if is_source(X):
            rows, cols = _source_shape(where, X, name)
        else:
            try:
                rows, cols = shape(X)
            except (ShapeError, TypeError) as error:
                raise type(error)(f"{where}: {name} must be a matrix, one row per sample, or a "
                                  f"data source with len() and batch(indices) ({error})") from None
        if rows == 0 or cols == 0:
            raise ValueError(f"{where}: {name} is empty ({rows}x{cols}); "
                             "give at least one sample with at least one feature")
        expected = self.input_size()
        if expected is not None and cols != expected:
            first = next(layer for layer in self.layers if getattr(layer, "n_inputs", None))
            raise ShapeError(f"{where}: {name} has {cols} features per sample ({rows}x{cols}) but "
                             f"the first layer {first!r} expects {expected}")
        return rows

    def _check_Xy(self, where, X, y, names=("X", "y")):
        rows = self._check_X(where, X, names[0])
        if not isinstance(y, (list, tuple)):
            raise TypeError(f"{where}: {names[1]} must be a list (class indices, one-hot rows or "
                            f"target rows), got {type(y).__name__}")
        if len(y) != rows:
            raise ValueError(f"{where}: {names[0]} has {rows} samples but {names[1]} has {len(y)}; "
                             "they must have one entry per sample")
        return rows

    def _targets(self, y):
        """``y`` in the form the accuracy compares against (see ``_hits``)."""
        if self.accuracy_kind == "categorical":
            if isinstance(y[0], (list, tuple)):
                return argmax([list(r) for r in y])
            return list(y)
        if isinstance(y[0], (list, tuple)):
            return y
        return [[t] for t in y]

    def _precision(self, targets):
        values = [t for r in targets for t in r]
        average = sum(values) / len(values)
        spread = math.sqrt(sum((t - average) ** 2 for t in values) / len(values))
        return spread / self.precision_divisor

    def _hits(self, output, targets, precision):
        """(right answers, answers) of one batch: argmax, threshold or tolerance."""
        kind = self.accuracy_kind
        if kind == "categorical":
            return sum(map(eq, argmax(output), targets)), len(targets)
        count = len(output) * len(output[0])
        if kind == "binary":
            hits = sum((p > 0.5) == (t == 1) for r, tr in zip(output, targets) for p, t in zip(r, tr))
        else:
            hits = sum(abs(p - t) < precision for r, tr in zip(output, targets) for p, t in zip(r, tr))
        return hits, count

    # --- training -------------------------------------------------------------------------------------

    def fit(self, X, y, epochs, batch_size=None, validation=None, every=None, seed=0, verbose=1,
            shuffle=True, rng=None, workers=1):
        """Train for ``epochs`` epochs; return a History of per-epoch figures.

        X: n x k inputs, as rows or as a data source (``len`` and ``batch(indices)``,
        e.g. ``MnistImages``: floats are made one batch at a time).
        y: class indices or one-hot rows (categorical), 0/1 targets
        (binary: a list, or n x m rows), target rows or a list (regression).
        batch_size: samples per update; None = the whole set (one update an epoch).
        validation: optional (X_val, y_val), measured after each epoch.
        every: with a non-terminal stderr, print a line every this many epochs
            (None: about ten lines). verbose: 0 silent, 1 progress, 2 lines always.
        seed, rng: the order of the samples when batches are shuffled. Each epoch's
            order comes from (seed, epoch number), so a resumed run shuffles exactly
            like an uninterrupted one; pass ``rng`` to draw from one generator instead
            (seed=None without rng: a different order every run).
        shuffle: False keeps the samples in order.
        workers: processes that share each batch (``barenn.parallel``); 1 trains
            here in this process. Same weights either way, up to rounding; the
            validation figures are measured by the workers too.

        Raises TrainingDiverged (a ValueError) naming the epoch and batch if the loss,
        the outputs or the weights become NaN or infinite.
        """
        if self.optimizer is None:
            raise ValueError("Network.fit: no optimizer; pass optimizer=Adam(...) (or another) "
                             "to Network, or set network.optimizer")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"Network.fit: epochs must be a whole number >= 0, got {epochs!r}")
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"Network.fit: workers must be a whole number >= 1, got {workers!r}")
        n = self._check_Xy("Network.fit", X, y)
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                       or batch_size < 1):
            raise ValueError(f"Network.fit: batch_size must be a whole number >= 1 or None, "
                             f"got {batch_size!r}")
        if validation is not None:
            if not isinstance(validation, (list, tuple)) or len(validation) != 2:
                raise TypeError("Network.fit: validation must be a pair (X_val, y_val)")
            X_val, y_val = validation
            self._check_Xy("Network.fit", X_val, y_val, names=("X_val", "y_val"))
            val_targets = self._targets(y_val)

        targets = self._targets(y)
        if self.accuracy_kind == "regression" and self.regression_precision is None:
            self.regression_precision = self._precision(targets)
        batch_size = n if batch_size is None else min(batch_size, n)
        n_batches = -(-n // batch_size)
        if seed is None and rng is None:
            rng = random.Random()  # no seed: a fresh order every run, on purpose
        trainable = self.trainable_layers()
        first = self.epochs_trained
        history = History()
        pool = None
        progress = Progress(epochs, n_batches, first_epoch=first, verbose=verbose, every=every)
        try:
            if workers > 1 and epochs > 0:
                from barenn.parallel import GradientPool  # only when asked: it starts processes

                pool = GradientPool(self, X, y, workers, validation=validation)
                step = pool.train_step
            else:
                step = self._serial_step(X, y, targets, n)
            for epoch in range(first, first + epochs):
                order = self._epoch_order(n, epoch, seed, rng) if shuffle and n_batches > 1 else None
                batches = _batch_indices(n, batch_size, order)
                data_loss, reg_loss, accuracy = self._train_epoch(epoch, batches, n_batches,
                                                                  trainable, progress, step)
                self._check_parameters(epoch, trainable)
                val_loss = val_accuracy = None
                if pool is not None and validation is not None:
                    val_loss, val_accuracy = pool.measure_validation()
                elif validation is not None:
                    val_loss, val_accuracy = self._measure(X_val, y_val, val_targets, None)
                rate = self.optimizer.current_learning_rate
                history.record(epoch, data_loss, reg_loss, accuracy, rate, val_loss, val_accuracy)
                self.epochs_trained = epoch + 1
                progress.epoch(epoch, data_loss + reg_loss, accuracy, rate, val_loss, val_accuracy)
        except BaseException:
            if pool is not None:
                pool.close(abort=True)  # stop the workers now, whatever they are doing
            raise
        finally:
            if pool is not None:
                pool.close()
            progress.close()
        return history

    @staticmethod
    def _epoch_order(n, epoch, seed, rng):
        """The order of the n samples in this epoch.

        Always shuffled from 0..n-1, so that without ``rng`` an epoch's order depends
        on (seed, epoch) alone, not on the epochs before it (resuming is exact).
        """
        generator = rng if rng is not None else random.Random(f"barenn.fit:{seed}:{epoch}")
        order = list(range(n))
        shuffle_in_place(order, generator)
        return order

    def _train_epoch(self, epoch, batches, n_batches, trainable, progress, step):
        """One pass over the batches; returns (data loss, regularization loss, accuracy).

        ``batches`` gives each batch's sample indices; ``step(indices, trainable,
        regularized, where)`` trains on one batch (here, or in worker processes).
        With one batch the losses are that batch's own means (exactly the
        walkthrough's figures); with several, means over the samples.
        """
        regularized = [layer for layer in self.layers if _has_regularizer(layer)]
        loss_sum = reg_sum = 0.0
        hits = count = seen = 0
        for b, indices in enumerate(batches):
            data_loss, reg_loss, right, answers = step(indices, trainable, regularized,
                                                       (epoch, b, n_batches))
            size = len(indices)
            loss_sum += data_loss * size
            reg_sum += reg_loss * size
            seen += size
            hits += right
            count += answers
            progress.batch(epoch, b + 1, (loss_sum + reg_sum) / seen, hits / count)
        if n_batches == 1:
            return data_loss, reg_loss, hits / count
        return loss_sum / seen, reg_sum / seen, hits / count

    def _serial_step(self, X, y, targets, n):
        """The ``step`` of ``_train_epoch`` that trains in this process: it takes a
        batch's indices, makes its rows (floats from a data source only now) and
        calls ``_train_step``."""
        def step(indices, trainable, regularized, where):
            if len(indices) == n and not is_source(X) and indices == range(n):
                X_b, y_b, t_b = X, y, targets  # the whole set in order: no copies
            else:
                X_b = take_rows(X, indices)
                y_b, t_b = [y[i] for i in indices], [targets[i] for i in indices]
            return self._train_step(X_b, y_b, t_b, trainable, regularized, where)
        return step

    def _train_step(self, X_b, y_b, t_b, trainable, regularized, where):
        """Forward, loss, accuracy, backward and update on one batch.

        Returns (data loss, regularization loss, right answers, answers).
        ``where`` = (epoch, batch index, batches) for the divergence message.
        """
        try:
            output = self.forward(X_b, training=True)
            data_loss = self.loss.calculate(output, y_b)
            reg_loss = sum(map(regularization_loss, regularized)) if regularized else 0.0
            if not (math.isfinite(data_loss) and math.isfinite(reg_loss)):
                raise self._diverged(*where, f"the loss is {data_loss + reg_loss}")
            right, answers = self._hits(output, t_b, self.regression_precision)
            self.backward(output, y_b, need_dinputs=False)
            self.optimizer.step(trainable)
        except OverflowError as error:
            raise self._diverged(*where, f"a number overflowed ({error})") from None
        return data_loss, reg_loss, right, answers

    def _check_parameters(self, epoch, trainable):
        """Stop if the last update left a NaN or infinity in any parameter."""
        for layer in trainable:
            for name, value, _ in layer.params():
                if not _finite_matrix(value):
                    raise self._diverged(epoch, None, None,
                                         f"the {name} of {layer!r} became NaN or infinite")

    def _diverged(self, epoch, batch, n_batches, what):
        where = f"epoch {epoch}"
        if batch is not None and n_batches and n_batches > 1:
            where += f", batch {batch + 1} of {n_batches}"
        lr = getattr(self.optimizer, "learning_rate", None)
        advice = (f"the learning rate ({lr:g}) is probably too large; try a smaller one, "
                  f"e.g. {lr / 10:g}" if lr else "try a smaller learning rate")
        return TrainingDiverged(f"training diverged at {where}: {what}; {advice}",
                                epoch=epoch, batch=None if batch is None else batch + 1)

    # --- using a trained network ---------------------------------------------------------------------

    def _batched_forward(self, X, batch_size):
        source = is_source(X)
        if source and batch_size is None:
            batch_size = SOURCE_CHUNK  # floats for a chunk at a time, never for all of it
        if batch_size is None or (batch_size >= len(X) and not source):
            return self.forward(X, training=False)
        output = []
        for start in range(0, len(X), batch_size):
            stop = min(start + batch_size, len(X))
            rows = X.batch(range(start, stop)) if source else X[start:stop]
            output.extend(self.forward(rows, training=False))
        return output

    def _measure(self, X, y, targets, batch_size):
        output = self._batched_forward(X, batch_size)
        loss = self.loss.calculate(output, y)
        precision = self.regression_precision
        if self.accuracy_kind == "regression" and precision is None:
            precision = self._precision(targets)
        hits, count = self._hits(output, targets, precision)
        return loss, hits / count

    def predict(self, X, batch_size=None):
        """The network's outputs for X (n x k) in inference mode: n x m (probabilities
        after a Softmax, values for regression). ``batch_size`` limits memory use."""
        self._check_X("Network.predict", X)
        return self._batched_forward(X, batch_size)

    def predict_classes(self, X, batch_size=None):
        """Class answers: the argmax index per sample (categorical), or 0/1 per output
        (binary: a flat list for a one-output network, else n x m rows)."""
        if not self.is_classifier():
            raise ValueError("Network.predict_classes: this is a regression network "
                             "(no classes); use predict")
        output = self.predict(X, batch_size)
        if self.accuracy_kind == "categorical":
            return argmax(output)
        if len(output[0]) == 1:
            return [1 if r[0] > 0.5 else 0 for r in output]
        return [[1 if p > 0.5 else 0 for p in r] for r in output]

    def evaluate(self, X, y, batch_size=None):
        """``Evaluation(loss, accuracy)`` on (X, y) in inference mode; the loss is the
        mean data loss (no regularization), the accuracy as in fit."""
        self._check_Xy("Network.evaluate", X, y)
        loss, accuracy = self._measure(X, y, self._targets(y), batch_size)
        return Evaluation(loss, accuracy)

    # --- saving and loading ----------------------------------------------------------------------------

    def to_dict(self, include_optimizer=True):
        """The whole network as plain data (what ``save`` writes as JSON).

        include_optimizer: also the optimizer's state (iterations, momentum,
        caches) so that training resumes exactly; its settings are always kept.
        """
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "barenn_version": __version__,
            "layers": [_layer_to_dict(i, layer) for i, layer in enumerate(self.layers)],
            "loss": _type_name(self.loss, LOSS_TYPES, "loss"),
            "accuracy": {"kind": self.accuracy_kind, "precision_divisor": self.precision_divisor,
                         "precision": self.regression_precision},
            "fuse": self.fused is not None,
            "epochs_trained": self.epochs_trained,
            "optimizer": None,
        }
        if self.optimizer is not None:
            state = self.optimizer.state_dict(self.layers)
            if not include_optimizer:
                state = {"type": state["type"], "settings": state["settings"]}
            data["optimizer"] = state
        return data

    def save(self, path, include_optimizer=True):
        """Write the network to ``path`` as JSON (atomically: temp file, then rename).

        The file holds a format version, each layer's type and settings, the weights
        and biases (floats written exactly, so ``load`` gives identical predictions),
        the loss, and the optimizer's settings and (with include_optimizer) its
        state. Returns the path.
        """
        data = self.to_dict(include_optimizer)
        try:
            text = json.dumps(data, allow_nan=False)
        except ValueError:
            raise ValueError(f"cannot save {path}: the network holds NaN or infinity "
                             "(did training diverge?)") from None
        return atomic_write_text(path, text + "\n")

    @classmethod
    def from_dict(cls, data, source="the data"):
        """Rebuild a network from ``to_dict`` output; errors (ValueError) name ``source``."""
        def fail(reason):
            return ValueError(f"cannot load {source}: {reason}")

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise fail(f"not a barenn network file (expected \"format\": \"{FORMAT}\")")
        version = data.get("version")
        if version != FORMAT_VERSION:
            raise fail(f"unknown format version {version!r} (this barenn reads version "
                       f"{FORMAT_VERSION})")
        try:
            entries = data["layers"]
            if not isinstance(entries, list) or not entries:
                raise _LoadError("\"layers\" must be a non-empty list")
            layers = [_layer_from_dict(i, entry) for i, entry in enumerate(entries)]
            loss_name = data["loss"]
            if loss_name not in LOSS_TYPES:
                raise _LoadError(f"unknown loss {loss_name!r}; known: {', '.join(LOSS_TYPES)}")
            accuracy = data["accuracy"]
            network = cls(layers, LOSS_TYPES[loss_name](), accuracy=accuracy["kind"],
                          precision_divisor=accuracy["precision_divisor"],
                          fuse=bool(data.get("fuse", True)))
            precision = accuracy.get("precision")
            if precision is not None and (isinstance(precision, bool)
                                          or not isinstance(precision, (int, float))):
                raise _LoadError(f"accuracy precision must be a number, got {precision!r}")
            network.regression_precision = precision
            epochs = data.get("epochs_trained", 0)
            if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
                raise _LoadError(f"epochs_trained must be a whole number >= 0, got {epochs!r}")
            network.epochs_trained = epochs
            if data.get("optimizer") is not None:
                state = dict(data["optimizer"])
                state.setdefault("iterations", 0)
                state.setdefault("current_learning_rate", state.get("settings", {}).get("learning_rate"))
                state.setdefault("state", [])
                network.optimizer = from_state_dict(state, network.layers)
        except (KeyError, TypeError, AttributeError) as error:
            raise fail(f"missing or malformed entry ({type(error).__name__}: {error})") from None
        except ValueError as error:  # _LoadError, and the checks of the layers and optimizer
            raise fail(str(error)) from None
        return network

    @classmethod
    def load(cls, path):
        """The network saved at ``path`` (see ``save``), ready to predict or to go on training.

        A truncated, corrupt or unknown file raises ValueError naming the path; a
        missing file raises FileNotFoundError.
        """
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            raise ValueError(f"cannot load {path}: not a text file (not UTF-8)") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) else ""
            raise ValueError(f"cannot load {path}: not valid JSON{hint}: {error}") from None
        return cls.from_dict(data, source=str(path))


# --- helpers for saving and loading -----------------------------------------------------------------------

class _LoadError(ValueError):
    """A problem inside a saved layer (re-raised naming the file)."""


def _type_name(thing, known, what):
    name = type(thing).__name__
    if known.get(name) is not type(thing):
        raise ValueError(f"cannot save a {what} of type {name}; barenn can save "
                         + ", ".join(known))
    return name


def _parameter_count(layer):
    count = getattr(layer, "parameter_count", None)
    if callable(count):
        return count()
    return sum(len(p[1]) * (len(p[1][0]) if p[1] else 0)
               for p in getattr(layer, "params", lambda: [])())


_RNG_TYPES = {"Random": random.Random, "NumpyLegacy": NumpyLegacy}


def _layer_to_dict(index, layer):
    name = _type_name(layer, LAYER_TYPES, f"layer (layer {index})")
    entry = {"type": name}
    if isinstance(layer, Dense):
        entry.update(n_inputs=layer.n_inputs, n_neurons=layer.n_neurons, init=layer.init,
                     weight_regularizer_l1=layer.weight_regularizer_l1,
                     weight_regularizer_l2=layer.weight_regularizer_l2,
                     bias_regularizer_l1=layer.bias_regularizer_l1,
                     bias_regularizer_l2=layer.bias_regularizer_l2,
                     weights=[list(r) for r in layer.weights],
                     biases=[list(r) for r in layer.biases])
    elif isinstance(layer, Dropout):
        entry["rate"] = layer.rate
        rng = getattr(layer, "rng", None)
        rng_type = type(rng).__name__
        if _RNG_TYPES.get(rng_type) is type(rng):  # keeps resumed dropout masks identical
            version, internal, cached = rng.getstate()
            entry["rng"] = {"type": rng_type, "state": [version, list(internal), cached]}
    return entry


def _matrix_from(index, what, m, rows, cols):
    if not isinstance(m, list) or not all(isinstance(r, list) for r in m):
        raise _LoadError(f"layer {index}: {what} must be a list of rows")
    got_cols = {len(r) for r in m}
    if len(m) != rows or got_cols != {cols}:
        got = f"{len(m)}x{got_cols.pop()}" if len(got_cols) == 1 else f"{len(m)} ragged rows"
        raise _LoadError(f"layer {index}: {what} must be {rows}x{cols} for its settings, got {got}")
    for r in m:
        for v in r:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise _LoadError(f"layer {index}: {what} holds {v!r}, not a finite number")
    return [[float(v) for v in r] for r in m]


def _layer_from_dict(index, entry):
    if not isinstance(entry, dict):
        raise _LoadError(f"layer {index} must be a dict, got {type(entry).__name__}")
    name = entry.get("type")
    if name not in LAYER_TYPES:
        raise _LoadError(f"layer {index} has unknown type {name!r}; known: {', '.join(LAYER_TYPES)}")
    try:
        if name == "Dense":
            settings = {key: entry[key] for key in (
                "init", "weight_regularizer_l1", "weight_regularizer_l2",
                "bias_regularizer_l1", "bias_regularizer_l2")}
            rows, cols = entry["n_inputs"], entry["n_neurons"]
            layer = Dense(rows, cols, seed=0, **settings)
            layer.weights = _matrix_from(index, "weights", entry["weights"], rows, cols)
            layer.biases = _matrix_from(index, "biases", entry["biases"], 1, cols)
            return layer
        if name == "Dropout":
            layer = Dropout(entry["rate"])
            saved = entry.get("rng")
            if saved is not None:
                rng = _RNG_TYPES[saved["type"]]()
                version, internal, cached = saved["state"]
                rng.setstate((version, tuple(internal), cached))
                layer.rng = rng
            return layer
        return LAYER_TYPES[name]()
    except _LoadError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise _LoadError(f"layer {index} ({name}): bad settings ({type(error).__name__}: {error})") from None


# --- data: rows or a data source ----------------------------------------------------------------------

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


def _source_shape(where, X, name):
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


def _batch_indices(n, batch_size, order=None):
    """The sample indices of each batch: ranges in order, or slices of ``order``."""
    for start in range(0, n, batch_size):
        if order is None:
            yield range(start, min(start + batch_size, n))
        else:
            yield order[start:start + batch_size]


def _accepts_need_dinputs(layer):
    """Whether ``layer.backward`` takes ``need_dinputs`` (Dense does; a custom layer may not)."""
    try:
        return "need_dinputs" in inspect.signature(layer.backward).parameters
    except (TypeError, ValueError):  # no signature to inspect
        return False


def _has_regularizer(layer):
    return any(getattr(layer, f"{part}_regularizer_{kind}", 0)
               for part in ("weight", "bias") for kind in ("l1", "l2"))
