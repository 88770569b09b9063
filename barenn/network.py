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

Training is one step repeated: ``train_step`` runs forward, loss, backward and the
optimizer's update on one batch (lesson 07 writes it out by hand), and ``fit``
loops it over the batches of every epoch, recording a ``History``. ``fit``,
``evaluate`` and ``predict`` run on the fast tier by default (``barenn.fast``: the
same steps with faster kernels, equal within 1e-9 relative, as ``python -m barenn
check`` shows); ``fast=False`` (or ``BARENN_REFERENCE=1``) runs ``train_step`` and
``forward`` themselves, validation included. ``Network.tier`` is the one place that
chooses.

An epoch's ``data_loss`` and ``accuracy`` are measured on each batch before its
update (for a full batch, epoch 0 shows the untrained network, as in the
walkthrough's ``epoch: 0, loss: 1.099``), averaged over the batches by size.
Validation figures are measured after the epoch, in inference mode. Epochs go on
counting over later ``fit`` calls and through ``save``/``load``.

A final Softmax with categorical cross-entropy is fused for the backward pass
(``loss_gradient``: (ŷ − y)/n, lesson 03); ``Network(..., fuse=False)`` keeps the
two steps apart. Accuracy follows the task (``barenn.accuracy``).
"""

import os
from collections import namedtuple

from barenn import fast as fast_tier
from barenn.accuracy import (
    ACCURACY_KINDS,
    accuracy_kind_for,
    accuracy_targets,
    count_correct,
    regression_precision,
)
from barenn.activations import Softmax
from barenn.checks import (
    TrainingDiverged,
    check_bool,
    check_choice,
    check_int,
    check_layer_widths,
    check_layers,
    check_loss,
    check_loss_object,
    check_number,
    check_type,
)
from barenn.fitting import TrainingRun
from barenn.history import History, TrainStep
from barenn.layers import regularization_loss
from barenn.losses import CategoricalCrossEntropy, SoftmaxCrossEntropy
from barenn.matrix import argmax
from barenn.saving import FORMAT, FORMAT_VERSION, network_from_dict, network_to_dict, read_json, write_json
from barenn.sources import SOURCE_CHUNK, check_data, is_source, take_rows

__all__ = ["Network", "History", "TrainStep", "Evaluation", "Tier", "TrainingDiverged", "FORMAT",
           "FORMAT_VERSION", "reference_by_default"]

Evaluation = namedtuple("Evaluation", "loss accuracy")
Tier = namedtuple("Tier", "fast forward train_step")
Tier.__doc__ = ("What ``Network.tier`` returns: fast (True/False) and the two functions that "
                "run, each called as ``f(network, ...)``.")
Evaluation.__doc__ = "What ``Network.evaluate`` returns: the mean data loss and the accuracy (0..1)."


def reference_by_default():
    """True when the environment variable ``BARENN_REFERENCE`` is set (to anything but
    "" or "0"): ``fit`` then trains on the reference tier unless told ``fast=True``."""
    return os.environ.get("BARENN_REFERENCE", "") not in ("", "0")


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
        check_layers("Network", layers)
        check_loss_object("Network", loss)
        if accuracy is not None:
            check_choice("Network", "accuracy", accuracy, ACCURACY_KINDS)
        check_number("Network", "precision_divisor", precision_divisor, low=0, low_open=True)
        check_bool("Network", "fuse", fuse)
        self.layers = list(layers)
        self.loss = loss
        self.optimizer = optimizer
        self.precision_divisor = precision_divisor
        self.regression_precision = None  # set by the first fit of a regression network
        self.epochs_trained = 0
        self._first_loss = None  # set by fit
        check_layer_widths("Network", self.layers)

        last = self.layers[-1]
        if isinstance(loss, SoftmaxCrossEntropy) and not isinstance(last, Softmax):
            raise ValueError("Network: SoftmaxCrossEntropy needs Softmax() as the last layer; "
                             "or simply use Softmax() with CategoricalCrossEntropy(): the "
                             "network fuses them by itself")
        fusable = isinstance(last, Softmax) and isinstance(loss, (CategoricalCrossEntropy,
                                                                  SoftmaxCrossEntropy))
        # the fused step averages or sums over the batch as the loss itself does
        self.fused = (SoftmaxCrossEntropy(reduction=getattr(loss, "reduction", "mean"))
                      if (fuse and fusable) else None)
        self.accuracy_kind = accuracy or accuracy_kind_for(loss, last)

    # --- structure ----------------------------------------------------------------------------

    def input_size(self):
        """Features each sample must have (the first Dense's n_inputs), or None if unknown."""
        return next((layer.n_inputs for layer in self.layers if hasattr(layer, "n_inputs")), None)

    def output_size(self):
        """Values each sample comes out with (the last Dense's n_neurons), or None."""
        return next((layer.n_neurons for layer in reversed(self.layers)
                     if hasattr(layer, "n_neurons")), None)

    def is_classifier(self):
        """True for categorical and binary networks (predict_classes makes sense)."""
        return self.accuracy_kind in ("categorical", "binary")

    def trainable_layers(self):
        """The layers with parameters, in order (what the optimizer updates)."""
        return [layer for layer in self.layers if getattr(layer, "params", lambda: [])()]

    def parameter_count(self):
        """Total number of learned numbers in the network."""
        return sum(parameter_count(layer) for layer in self.layers)

    def summary(self):
        """A text table: each layer, its output shape (n = samples) and parameter count."""
        rows = [("#", "layer", "output shape", "parameters")]
        width = self.input_size()
        for i, layer in enumerate(self.layers):
            width = getattr(layer, "n_neurons", width)
            rows.append((str(i), repr(layer), f"n x {width if width is not None else '?'}",
                         f"{parameter_count(layer):,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        line = lambda r: (f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
                          f"{r[3]:>{widths[3]}}").rstrip()
        rule = "-" * len(line(rows[0]))
        text = [line(rows[0]), rule] + [line(r) for r in rows[1:]] + [rule]
        text.append(f"total parameters: {self.parameter_count():,}")
        loss = repr(self.loss)
        if self.fused is not None:
            loss += " (fused with the Softmax for the backward pass)"
        text += [f"loss: {loss}", f"accuracy: {self.accuracy_kind}", f"optimizer: {self.optimizer!r}"]
        return "\n".join(text)

    def _repr_html_(self):  # a notebook shows the summary table (barenn.plot.network_html)
        from barenn.plot import network_html

        return network_html(self)

    def __repr__(self):
        return (f"Network([{', '.join(repr(layer) for layer in self.layers)}], "
                f"loss={self.loss!r}, optimizer={self.optimizer!r})")

    # --- the passes (lessons 06 and 07) ---------------------------------------------------------

    def forward(self, X, training=False):
        """Run X (n x k) through every layer; return the last output (n x m).

        training=True switches Dropout on (and is what training uses); predictions use False.
        Lesson 06 (a full network) follows a batch through.
        """
        output = X
        for layer in self.layers:
            output = layer.forward(output, training=training)
        return output

    def loss_gradient(self, output, y):
        """The first step of the backward pass: dL/d(something) where backward starts.

        Fused (a final Softmax with categorical cross-entropy): (ŷ − y)/n, the
        gradient at the Softmax's *input*, from ``SoftmaxCrossEntropy.backward``
        (lesson 03 shows why the Jacobian product collapses to this). Otherwise the
        loss's own gradient with respect to the network's output.
        ``backward_layers()`` says which layers the backward pass then goes through.
        """
        try:
            if self.fused is not None:
                return self.fused.backward(output, y)
            return self.loss.backward(output, y)
        except OverflowError:  # an int too large for a float (10**400) in output or y
            raise ValueError("Network.loss_gradient: a number in the output or the targets "
                             "is too large for a float") from None

    def backward_layers(self):
        """The layers the backward pass walks (in reverse): all of them, or all but
        the final Softmax when ``loss_gradient`` already went through it."""
        return self.layers[:-1] if self.fused is not None else self.layers

    def backward(self, output, y):
        """Backpropagate from the loss of ``output`` (the last forward's) against ``y``.

        Sets every layer's gradients (dweights, dbiases, dinputs) and returns the
        gradient with respect to the network's inputs (n x k). Lessons 06 and 07.
        """
        dvalues = self.loss_gradient(output, y)
        for layer in reversed(self.backward_layers()):
            dvalues = layer.backward(dvalues)
        return dvalues

    def regularization_loss(self):
        """The sum of every layer's regularization penalty (0.0 without regularizers)."""
        return sum(regularization_loss(layer) for layer in self.layers)

    def train_step(self, X_batch, y_batch):
        """One step of training on one batch: forward, loss, backward, update.

        X_batch: n x k inputs; y_batch: their n targets. Returns
        ``TrainStep(data_loss, regularization_loss, output)``, the figures measured
        before the update. Lesson 07 (the training loop) writes these lines out.
        Raises TrainingDiverged, before any update, when the loss is NaN or infinite.
        """
        if self.optimizer is None:
            raise ValueError("Network.train_step: no optimizer; pass optimizer=Adam(...) "
                             "(or another) to Network, or set network.optimizer")
        output = self.forward(X_batch, training=True)               # 1. forward
        data_loss = self.loss.calculate(output, y_batch)            # 2. loss
        reg_loss = self.regularization_loss()
        check_loss(data_loss, reg_loss)
        self.backward(output, y_batch)                              # 3. backward
        self.optimizer.step(self.trainable_layers())                # 4. update
        return TrainStep(data_loss, reg_loss, output)

    # --- data and accuracy ------------------------------------------------------------------------

    def check_data(self, where, X, y=None, names=("X", "y")):
        """The number of samples in X (rows or a data source), after checking that X
        fits the first layer and that y (if given) has one entry per sample."""
        return check_data(where, X, y, names, self.input_size())

    def accuracy_targets(self, y):
        """``y`` in the form ``count_correct`` compares against (``barenn.accuracy``)."""
        return accuracy_targets(self.accuracy_kind, y)

    def count_correct(self, output, targets, precision=None):
        """(right answers, answers) of one batch (``barenn.accuracy.count_correct``);
        ``precision`` defaults to the network's regression precision."""
        precision = self.regression_precision if precision is None else precision
        return count_correct(self.accuracy_kind, output, targets, precision)

    # --- training -------------------------------------------------------------------------------------

    def fit(self, X, y, epochs, batch_size=None, validation=None, every=None, seed=0, verbose=1,
            shuffle=True, rng=None, workers=1, fast=None, on_epoch=None, record_batches=False):
        """Train for ``epochs`` epochs; return a History of per-epoch figures.

        The loop over ``train_step`` that lesson 07 (the training loop) writes out;
        ``barenn.fitting.TrainingRun`` does the rest (checks, batches, workers,
        progress, the History).

        X: n x k inputs, as rows or as a data source (``barenn.sources``).
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
        workers: processes that share each batch (``barenn.fast.parallel``, fast
            tier only); 1 trains here in this process. Same weights either way, up
            to rounding.
        fast: True trains and validates on the fast tier (``barenn.fast``), False on
            the reference tier (``train_step`` and ``forward`` themselves); None:
            fast unless the environment sets ``BARENN_REFERENCE=1`` (``tier``).
        on_epoch: a function called as ``on_epoch(epoch, history)`` after each epoch.
        record_batches: True also keeps every batch's data loss, measured before its
            update, in ``history.batch_loss`` (one entry per batch, in order).

        Raises TrainingDiverged (a ValueError) naming the epoch and batch, the value
        and a smaller learning rate to try, when the loss or a weight becomes NaN or
        infinite, when the loss grows past 1e6 times its first value in this fit
        (``checks.LOSS_GROWTH_LIMIT``), or when a weight or bias grows past 1e8 in
        size (``checks.PARAMETER_LIMIT``, checked after each epoch). X and y must be
        finite and at most 1e100 in size (``checks.DATA_LIMIT``): a NaN or infinity
        is refused before training with its row and column.
        """
        run = TrainingRun(self, X, y, epochs, self.tier(fast, "Network.fit"), batch_size,
                          validation, every, seed, verbose, shuffle, rng, workers, on_epoch,
                          record_batches)
        with run:
            for epoch in run.epochs():
                for batch, indices in enumerate(run.batches(epoch)):
                    run.train_step(epoch, batch, indices)   # forward, loss, backward, update
                run.end_epoch(epoch)                        # checks, validation, history
        return run.history

    def tier(self, fast=None, owner="Network"):
        """Which tier runs, chosen here and nowhere else: ``Tier(fast, forward,
        train_step)`` with the reference tier's ``Network.forward`` and
        ``Network.train_step`` (fast=False) or ``barenn.fast``'s (fast=True).
        fast=None: the fast tier unless ``BARENN_REFERENCE=1`` (``reference_by_default``)."""
        if fast is None:
            fast = not reference_by_default()
        if check_bool(owner, "fast", fast):
            return Tier(True, fast_tier.forward, fast_tier.train_step)
        return Tier(False, Network.forward, Network.train_step)

    def divergence(self, epoch, batch, n_batches, what):
        """The TrainingDiverged error for ``what`` happening at ``epoch`` (and ``batch``,
        counted from 0, of ``n_batches``), with advice about the learning rate."""
        check_int("Network.divergence", "epoch", epoch, low=0, high=None)
        if batch is not None:
            check_int("Network.divergence", "batch", batch, low=0, high=None)
        if n_batches is not None:
            check_int("Network.divergence", "n_batches", n_batches, low=1, high=None)
        check_type("Network.divergence", "what", what, str, "a str saying what happened")
        where = f"epoch {epoch}"
        if batch is not None and n_batches and n_batches > 1:
            where += f", batch {batch + 1} of {n_batches}"
        lr = getattr(self.optimizer, "learning_rate", None)
        advice = (f"the learning rate ({lr:g}) is probably too large; try a smaller one, "
                  f"e.g. {lr / 10:g}" if lr else "try a smaller learning rate")
        return TrainingDiverged(f"training diverged at {where}: {what}; {advice}",
                                epoch=epoch, batch=None if batch is None else batch + 1)

    # --- using a trained network ---------------------------------------------------------------------

    def predict(self, X, batch_size=None, fast=None):
        """The network's outputs for X (n x k) in inference mode: n x m (probabilities
        after a Softmax, values for regression). ``batch_size`` limits memory use;
        ``fast`` chooses the tier as in ``fit``."""
        forward = self.tier(fast, "Network.predict").forward
        self.check_data("Network.predict", X)
        if batch_size is not None:
            check_int("Network.predict", "batch_size", batch_size, low=1)
        source = is_source(X)
        if source and batch_size is None:
            batch_size = SOURCE_CHUNK  # floats for a chunk at a time, never for all of it
        if batch_size is None or (batch_size >= len(X) and not source):
            return forward(self, X, training=False)
        output = []
        for start in range(0, len(X), batch_size):
            stop = min(start + batch_size, len(X))
            output.extend(forward(self, take_rows(X, range(start, stop)), training=False))
        return output

    def predict_classes(self, X, batch_size=None, fast=None):
        """Class answers: the argmax index per sample (categorical), or 0/1 per output
        (binary: a flat list for a one-output network, else n x m rows)."""
        if not self.is_classifier():
            raise ValueError("Network.predict_classes: this is a regression network "
                             "(no classes); use predict")
        output = self.predict(X, batch_size, fast)
        if self.accuracy_kind == "categorical":
            return argmax(output)
        if len(output[0]) == 1:
            return [1 if r[0] > 0.5 else 0 for r in output]
        return [[1 if p > 0.5 else 0 for p in r] for r in output]

    def evaluate(self, X, y, batch_size=None, fast=None):
        """``Evaluation(loss, accuracy)`` on (X, y) in inference mode; the loss is the
        mean data loss (no regularization), the accuracy as in fit; ``fast`` chooses
        the tier as in ``fit``."""
        self.check_data("Network.evaluate", X, y)
        output = self.predict(X, batch_size, fast)
        targets = self.accuracy_targets(y)
        precision = self.regression_precision
        if self.accuracy_kind == "regression" and precision is None:
            precision = regression_precision(targets, self.precision_divisor)
        hits, count = self.count_correct(output, targets, precision)
        return Evaluation(self.loss.calculate(output, y), hits / count)

    # --- saving and loading (the format: barenn.saving) ---------------------------------------

    def to_dict(self, include_optimizer=True):
        """The whole network as plain data (what ``save`` writes as JSON; format in
        ``barenn.saving``). include_optimizer: also the optimizer's state (iterations,
        momentum, caches) so that training resumes exactly; its settings are always kept."""
        return network_to_dict(self, include_optimizer)

    def save(self, path, include_optimizer=True):
        """Write the network to ``path`` as JSON (atomically: temp file, then rename).

        Weights are written exactly, so ``load`` gives identical predictions.
        Returns the path.
        """
        return write_json(path, self.to_dict(include_optimizer))

    @classmethod
    def from_dict(cls, data, source="the data"):
        """Rebuild a network from ``to_dict`` output; errors (ValueError) name ``source``."""
        return network_from_dict(cls, data, source)

    @classmethod
    def load(cls, path):
        """The network saved at ``path`` (see ``save``), ready to predict or to go on training.

        A truncated, corrupt or unknown file raises ValueError naming the path; a
        missing file raises FileNotFoundError.
        """
        return cls.from_dict(read_json(path), source=str(path))


def parameter_count(layer):
    """How many numbers ``layer`` learns (0 for activations)."""
    count = getattr(layer, "parameter_count", None)
    if callable(count):
        return count()
    return sum(len(p[1]) * (len(p[1][0]) if p[1] else 0)
               for p in getattr(layer, "params", lambda: [])())
