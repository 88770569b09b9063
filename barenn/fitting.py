"""What ``Network.fit`` does around its loop, kept out of the loop's way.

``Network.fit`` is lesson 07's loop: for each epoch, for each batch, one training
step; then the epoch's figures. Everything else a long run needs lives here, in
``TrainingRun``: checking the arguments, cutting the shuffled batches, the worker
pool, the progress line, the divergence checks and the ``History``::

    run = TrainingRun(network, X, y, epochs, tier, batch_size=32)
    with run:                                    # closes the pool and the progress line
        for epoch in run.epochs():
            for batch, indices in enumerate(run.batches(epoch)):
                run.train_step(epoch, batch, indices)
            run.end_epoch(epoch)
    run.history

``tier`` is ``Network.tier(fast)``: which ``train_step`` and ``forward`` run (the
reference tier's or ``barenn.fast``'s). The run never chooses it.

An epoch's ``data_loss`` and ``accuracy`` are measured on each batch before its
update, averaged over the batches by size (for one batch, that batch's own
figures, as in the walkthrough's ``epoch: 0, loss: 1.099``). Validation figures
are measured after the epoch, in inference mode, on the same tier.
"""

import random

from barenn import fast as fast_tier
from barenn.accuracy import regression_precision
from barenn.checks import (
    TrainingDiverged,
    check_bool,
    check_callable,
    check_int,
    check_loss_growth,
    check_parameter_sizes,
)
from barenn.history import History
from barenn.progress import Progress
from barenn.rng import shuffle as shuffle_in_place
from barenn.sources import batch_indices, is_source, take_rows

__all__ = ["TrainingRun", "epoch_order"]


class TrainingRun:
    """One call of ``Network.fit``: its checked settings, its batches and its figures.

    The arguments are ``Network.fit``'s (see its docstring); ``tier`` is the
    network's ``tier(fast)``. Use it as a context manager: leaving the ``with``
    block ends the worker processes and the progress line, at once on an error.
    """

    def __init__(self, network, X, y, epochs, tier, batch_size=None, validation=None, every=None,
                 seed=0, verbose=1, shuffle=True, rng=None, workers=1, on_epoch=None,
                 record_batches=False):
        where = "Network.fit"
        if network.optimizer is None:
            raise ValueError(f"{where}: no optimizer; pass optimizer=Adam(...) (or another) "
                             "to Network, or set network.optimizer")
        check_int(where, "epochs", epochs, low=0)
        check_int(where, "workers", workers, low=1, high=64)
        if workers > 1 and not tier.fast:
            raise ValueError(f"{where}: workers={workers} train on the fast tier in worker "
                             "processes; the reference tier (fast=False) trains in this "
                             "process: use workers=1")
        if batch_size is not None:
            check_int(where, "batch_size", batch_size, low=1)
        check_bool(where, "shuffle", shuffle)
        check_bool(where, "record_batches", record_batches)
        check_callable(where, "on_epoch", on_epoch, none=True)
        self.n = network.check_data(where, X, y)
        if validation is not None:
            if not isinstance(validation, (list, tuple)) or len(validation) != 2:
                raise TypeError(f"{where}: validation must be a pair (X_val, y_val)")
            network.check_data(where, *validation, names=("X_val", "y_val"))

        self.network, self.X, self.y, self.tier = network, X, y, tier
        self.targets = network.accuracy_targets(y)
        if network.accuracy_kind == "regression" and network.regression_precision is None:
            network.regression_precision = regression_precision(self.targets, network.precision_divisor)
        self.batch_size = self.n if batch_size is None else min(batch_size, self.n)
        self.n_batches = -(-self.n // self.batch_size)
        self.shuffle = shuffle and self.n_batches > 1
        self.seed = seed
        self.rng = random.Random() if seed is None and rng is None else rng  # no seed: a fresh order
        self.validation, self.on_epoch, self.record_batches = validation, on_epoch, record_batches
        self.first = network.epochs_trained
        self.count = epochs
        self.first_loss = None  # the first batch's loss: the yardstick of check_loss_growth
        self.history = History()
        self.progress = Progress(epochs, self.n_batches, first_epoch=self.first, verbose=verbose,
                                 every=every)
        self.pool = None
        if workers > 1 and epochs > 0:
            self.pool = fast_tier.GradientPool(network, X, y, workers, validation=validation)
        self.sums = None

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if self.pool is not None:
            self.pool.close(abort=error is not None)  # on an error: stop the workers now
        self.progress.close()
        return False

    # --- what the loop asks for -----------------------------------------------------------

    def epochs(self):
        """The epoch numbers to train: they go on counting over later ``fit`` calls."""
        return range(self.first, self.first + self.count)

    def batches(self, epoch):
        """The index lists of this epoch's batches (shuffled unless shuffle=False)."""
        self.sums = [0.0, 0.0, 0, 0, 0]  # loss·size, regularization·size, right, answers, seen
        order = epoch_order(self.n, epoch, self.seed, self.rng) if self.shuffle else None
        return batch_indices(self.n, self.batch_size, order)

    def train_step(self, epoch, batch, indices):
        """One training step on the samples ``indices`` (the tier's ``train_step``, or
        the worker pool's), its figures added to the epoch's sums. A NaN, infinite or
        exploding loss stops training with a TrainingDiverged naming epoch and batch."""
        try:
            data_loss, reg_loss, right, answers = self.step(indices)
            if self.first_loss is None:
                self.first_loss = data_loss + reg_loss
            check_loss_growth(data_loss + reg_loss, self.first_loss)
        except TrainingDiverged as error:
            if error.epoch is not None:
                raise
            raise self.network.divergence(epoch, batch, self.n_batches, str(error)) from None
        except OverflowError as error:
            raise self.network.divergence(epoch, batch, self.n_batches,
                                          f"a number overflowed ({error})") from None
        if self.record_batches:
            self.history.record_batch(data_loss)
        size, sums = len(indices), self.sums
        sums[0] += data_loss * size
        sums[1] += reg_loss * size
        sums[2] += right
        sums[3] += answers
        sums[4] += size
        self.last = (data_loss, reg_loss)
        self.progress.batch(epoch, batch + 1, (sums[0] + sums[1]) / sums[4], sums[2] / sums[3])

    def step(self, indices):
        """(data loss, regularization loss, right answers, answers) of one step."""
        if self.pool is not None:
            return self.pool.train_step(indices)
        X, y, targets = self.X, self.y, self.targets
        if len(indices) != self.n or is_source(X) or indices != range(self.n):
            X = take_rows(X, indices)  # floats from a data source only now
            y, targets = [y[i] for i in indices], [targets[i] for i in indices]
        result = self.tier.train_step(self.network, X, y)
        right, answers = self.network.count_correct(result.output, targets)
        return result.data_loss, result.regularization_loss, right, answers

    def end_epoch(self, epoch):
        """After the epoch's batches: stop if a weight went NaN, infinite or too large,
        measure validation, record the epoch in the history and report it."""
        network, sums = self.network, self.sums
        try:
            check_parameter_sizes(network.trainable_layers())
        except TrainingDiverged as error:
            raise network.divergence(epoch, None, None, str(error)) from None
        # one batch: its own means (the walkthrough's figures); several: means over samples
        data_loss, reg_loss = self.last if self.n_batches == 1 else (sums[0] / sums[4],
                                                                     sums[1] / sums[4])
        accuracy = sums[2] / sums[3]
        val_loss = val_accuracy = None
        if self.pool is not None and self.validation is not None:
            val_loss, val_accuracy = self.pool.measure_validation()
        elif self.validation is not None:
            val_loss, val_accuracy = network.evaluate(*self.validation, fast=self.tier.fast)
        rate = network.optimizer.current_learning_rate
        self.history.record(epoch, data_loss, reg_loss, accuracy, rate, val_loss, val_accuracy)
        network.epochs_trained = epoch + 1
        self.progress.epoch(epoch, data_loss + reg_loss, accuracy, rate, val_loss, val_accuracy)
        if self.on_epoch is not None:
            self.on_epoch(epoch, self.history)


def epoch_order(n, epoch, seed, rng=None):
    """The order of the n samples in this epoch: always shuffled from 0..n-1, so
    that without ``rng`` it depends on (seed, epoch) alone (resuming is exact)."""
    generator = rng if rng is not None else random.Random(f"barenn.fit:{seed}:{epoch}")
    order = list(range(n))
    shuffle_in_place(order, generator)
    return order
