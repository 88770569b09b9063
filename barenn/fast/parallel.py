"""Data-parallel training (fast tier): worker processes share each batch, the parent steps.

Pure Python runs on one core per process, so a second core is only of use to a
second process. ``Network.fit(..., workers=2)`` uses a ``GradientPool``:

1. at the start, each worker gets the network's description (``to_dict``, plain
   data) and the training data, once;
2. for every batch the parent cuts the batch's indices into ``workers``
   consecutive parts and sends each worker its part with the current weights,
   packed once per batch as the bytes of an ``array('d')`` (8 bytes a number,
   no per-number pickling);
3. each worker runs forward, loss and backward on its part and sends back its
   gradients weighted by part size / batch size (again as array bytes), its
   mean loss and its right answers;
4. the parent adds the weighted gradients up in worker order: the gradient of
   the mean loss over the whole batch, what one process computes on the whole
   batch, up to rounding;
5. the parent's optimizer takes one step with that gradient (on flat lists,
   ``barenn.fast.optimizers.step_flat``), and the new weights go out with the
   next batch.

The optimizer and its state live in the parent only, so saving, resuming and
the learning-rate schedule are the same as without workers.

Dropout stays deterministic: a Dropout layer in a worker draws its mask from
numbers the parent drew, from the parent's own Dropout generator, in the order
one process would have used them for the whole batch (``_Replay``).

Processes start with multiprocessing's default start method (fork on Linux,
spawn on macOS and Windows; the worker code is importable, so both work; scripts
that use workers need the usual ``if __name__ == "__main__":`` guard for spawn).
Workers ignore Ctrl-C: the parent gets the KeyboardInterrupt and ends them. If a
worker fails, its exception is raised in the parent (with the worker's traceback
as the cause); if it dies, the parent says so instead of waiting forever.

Whether it pays: every batch costs the parent a weighted sum of the gradients,
the optimizer step and packing the weights (about 100,000 numbers for
784-128-10), all of which the workers wait for; larger batches spread that
over more samples. ``benchmarks/mnist.py`` measures it.
"""

import multiprocessing
import signal
import traceback
from array import array
from itertools import chain
from operator import add
from multiprocessing.connection import wait

from barenn.checks import TrainingDiverged, check_int, check_loss, check_type, describe
from barenn.fast.optimizers import step_flat
from barenn.fast.training import backward, forward
from barenn.layers import Dropout
from barenn.sources import take_rows

__all__ = ["GradientPool", "WorkerError", "split", "pack", "unpack"]

START_TIMEOUT = 120.0  # seconds a worker may take to start and say it is ready
STOP_TIMEOUT = 5.0     # seconds a worker gets to finish after "stop" before it is terminated


class WorkerError(RuntimeError):
    """A worker process failed or vanished; the message says which and how."""


def split(indices, parts):
    """``indices`` cut into ``parts`` consecutive pieces as equal as possible
    (earlier pieces one longer when it does not divide); empty pieces are kept.

    >>> split(list(range(7)), 3)
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    check_type("split", "indices", indices, (list, tuple, range), "a list of sample indices")
    check_int("split", "parts", parts, low=1, high=64)
    n = len(indices)
    size, extra = divmod(n, parts)
    pieces, start = [], 0
    for k in range(parts):
        stop = start + size + (1 if k < extra else 0)
        pieces.append(indices[start:stop])
        start = stop
    return pieces


def pack(matrices):
    """The numbers of ``matrices`` (row by row, one matrix after another) as the
    bytes of an ``array('d')``: what crosses between processes."""
    check_type("pack", "matrices", matrices, (list, tuple), "a list of matrices")
    numbers = array("d")
    try:
        for m in matrices:
            for r in m:
                if type(r) is list:
                    numbers.fromlist(r)  # a row at a time: about twice as fast as one long chain
                else:
                    numbers.extend(r)
    except TypeError:
        raise TypeError(f"pack: matrices must be a list of matrices of numbers, got "
                        f"{describe(matrices)}") from None
    return numbers.tobytes()


def unpack(data, shapes):
    """The matrices that ``pack`` made, given their shapes [(rows, cols), ...]."""
    check_type("unpack", "data", data, (bytes, bytearray), "the bytes pack made")
    check_type("unpack", "shapes", shapes, (list, tuple), "a list of (rows, cols) pairs")
    numbers = array("d")
    try:
        numbers.frombytes(data)
    except ValueError:
        raise ValueError(f"unpack: {len(data)} bytes is not a whole number of 8-byte floats") from None
    matrices, offset = [], 0
    for pair in shapes:
        check_type("unpack", "shapes", pair, (list, tuple), "a list of (rows, cols) pairs")
        if len(pair) != 2:
            raise ValueError(f"unpack: each shape must be a (rows, cols) pair, got {describe(pair)}")
        rows, cols = check_int("unpack", "rows", pair[0], low=0), check_int("unpack", "cols", pair[1], low=0)
        matrices.append([numbers[offset + i * cols: offset + (i + 1) * cols].tolist()
                         for i in range(rows)])
        offset += rows * cols
    if offset != len(numbers):
        raise ValueError(f"unpack: {len(numbers)} numbers for shapes totalling {offset}")
    return matrices


class _Replay:
    """Stands in for a Dropout layer's generator in a worker: ``random()`` hands
    out, in order, the numbers the parent drew for this worker's rows."""

    def __init__(self, numbers):
        self._next = iter(numbers).__next__

    def random(self):
        try:
            return self._next()
        except StopIteration:
            raise WorkerError("a Dropout layer asked for more random numbers than the "
                              "parent drew for it") from None


def _parameters(network):
    """[(layer, name), ...] of every parameter, in the order they are packed."""
    return [(layer, p[0]) for layer in network.trainable_layers() for p in layer.params()]


def _dropout_widths(network):
    """[(layer index, values per sample), ...] for each Dropout that draws a mask."""
    found, width = [], network.input_size()
    for index, layer in enumerate(network.layers):
        if isinstance(layer, Dropout) and layer.rate > 0:
            if width is None:
                raise ValueError(f"workers > 1: cannot tell how wide the input of layer "
                                 f"{index} {layer!r} is")
            found.append((index, width))
        width = getattr(layer, "n_neurons", width)
    return found


# --- the worker process --------------------------------------------------------------------------

def _worker_main(conn, spec, parent_end=None):
    """Entry point of a worker: build the network, then answer jobs until "stop".

    ``parent_end``: the parent's end of this worker's pipe, which a forked child
    holds a copy of; closing it lets the worker see the parent vanish (EOF).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if parent_end is not None:
        parent_end.close()
    try:
        state = _WorkerState(spec)
    except BaseException as error:  # noqa: BLE001 - report anything to the parent
        _send_error(conn, error)
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job[0] == "stop":
            return
        try:
            reply = state.run(job)
        except OverflowError as error:
            reply = ("overflow", str(error))
        except BaseException as error:  # noqa: BLE001
            _send_error(conn, error)
            return
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


def _send_error(conn, error):
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        conn.send(("error", error, text))
    except Exception:  # noqa: BLE001 - the exception itself would not pickle
        try:
            conn.send(("error", None, text))
        except (EOFError, OSError):
            pass


class _WorkerState:
    """What a worker keeps between jobs: its copy of the network and the data."""

    def __init__(self, spec):
        # The network's class comes with the job (pickled by name), so this module
        # needs no import of barenn.network, which imports it.
        self.network = spec["network_class"].from_dict(spec["network"],
                                                       source="the parent's network")
        self.X, self.y = spec["X"], spec["y"]
        self.targets = self.network.accuracy_targets(self.y)
        self.validation = spec["validation"]
        self.parameters = _parameters(self.network)
        self.shapes = spec["shapes"]
        self.dropouts = [self.network.layers[index] for index, _ in spec["dropouts"]]

    def set_weights(self, data):
        for (layer, name), matrix in zip(self.parameters, unpack(data, self.shapes)):
            setattr(layer, name, matrix)

    def run(self, job):
        kind, weights, *rest = job
        if weights is not None:
            self.set_weights(weights)
        net = self.network
        if kind == "train":
            indices, share, masks = rest
            for layer, numbers in zip(self.dropouts, masks):
                values = array("d")
                values.frombytes(numbers)
                layer.rng = _Replay(values)
            X_b = take_rows(self.X, indices)
            y_b = [self.y[i] for i in indices]
            t_b = [self.targets[i] for i in indices]
            output = forward(net, X_b, training=True)
            loss = net.loss.calculate(output, y_b)
            hits, count = net.count_correct(output, t_b)
            backward(net, output, y_b)
            grads = [getattr(layer, "d" + name) for layer, name in self.parameters]
            if share == 1.0:
                numbers = array("d", chain.from_iterable(chain.from_iterable(grads)))
            else:  # this part's weight in the batch's mean, applied here, in parallel
                flat = chain.from_iterable(chain.from_iterable(grads))
                numbers = array("d", [share * g for g in flat])
            return ("train", loss, hits, count, numbers.tobytes())
        if kind == "measure":
            start, stop = rest
            X_val, y_val = self.validation
            rows = take_rows(X_val, range(start, stop))
            output = forward(net, rows, training=False)
            labels = list(y_val[start:stop])
            loss = net.loss.calculate(output, labels)
            hits, count = net.count_correct(output, net.accuracy_targets(labels))
            return ("measure", loss, hits, count)
        raise ValueError(f"unknown job {kind!r}")


# --- the parent's side ---------------------------------------------------------------------------

class GradientPool:
    """Worker processes that compute gradients for a Network's batches.

    network:    the Network being trained (its optimizer stays here, in the parent).
    X, y:       the training data (rows or a data source, and the labels), sent to
                each worker once.
    workers:    how many processes (>= 1).
    validation: optional (X_val, y_val), measured in parts by ``measure_validation``.
    start_method: a multiprocessing start method ("fork", "spawn", ...) or None for
                the default.
    timeout:    seconds to wait for any one answer (None: as long as the workers
                live; a dead worker is noticed either way).

    Use as a context manager, or call ``close()``: it stops the workers.
    """

    def __init__(self, network, X, y, workers, validation=None, start_method=None, timeout=None):
        check_int("GradientPool", "workers", workers, low=1, high=64)
        try:
            description = network.to_dict(include_optimizer=False)
        except ValueError as error:
            raise ValueError(f"workers > 1 sends the network to the worker processes as "
                             f"data, and this one cannot be described: {error}") from None
        self.network = network
        self.timeout = timeout
        self.parameters = _parameters(network)
        self.shapes = [(len(m), len(m[0])) for m in self._values()]
        self.dropouts = _dropout_widths(network)
        self.validation_size = len(validation[0]) if validation is not None else 0
        spec = {"network": description, "network_class": type(network), "X": X, "y": list(y), "validation": validation,
                "shapes": self.shapes, "dropouts": self.dropouts}
        context = multiprocessing.get_context(start_method)
        forked = context.get_start_method() == "fork"
        self.processes, self.connections = [], []
        try:
            for k in range(workers):
                parent_end, child_end = context.Pipe()
                args = (child_end, spec, parent_end if forked else None)
                process = context.Process(target=_worker_main, args=args,
                                          name=f"barenn-worker-{k}", daemon=True)
                process.start()
                child_end.close()  # the child has its own copy; ours would hide its death
                self.processes.append(process)
                self.connections.append(parent_end)
            for k in range(workers):
                self._receive(k, "ready", START_TIMEOUT)
        except BaseException:
            self.close(abort=True)
            raise

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        self.close(abort=error is not None)

    def __len__(self):
        return len(self.processes)

    def _values(self):
        return [getattr(layer, name) for layer, name in self.parameters]

    # --- talking to the workers

    def _send(self, k, message):
        try:
            self.connections[k].send(message)
        except (EOFError, OSError, BrokenPipeError):
            raise self._death(k) from None

    def _death(self, k):
        process = self.processes[k]
        process.join(0.5)
        return WorkerError(f"worker {k} ({process.name}) stopped unexpectedly "
                           f"(exit code {process.exitcode})")

    def _receive(self, k, expected, timeout=None):
        """The next message of worker k (waiting at most ``timeout`` seconds)."""
        conn, process = self.connections[k], self.processes[k]
        timeout = self.timeout if timeout is None else timeout
        while not conn.poll():
            ready = wait([conn, process.sentinel], timeout)
            if not ready:
                raise WorkerError(f"worker {k} gave no answer within {timeout:g} seconds")
            if conn not in ready and process.sentinel in ready and not conn.poll():
                raise self._death(k)
        try:
            message = conn.recv()
        except (EOFError, OSError):
            raise self._death(k) from None
        if message[0] == "error":
            _, error, text = message
            cause = WorkerError(f"worker {k} failed:\n{text}")
            if isinstance(error, BaseException):
                raise error from cause
            raise cause
        if message[0] != expected and message[0] != "overflow":
            raise WorkerError(f"worker {k} sent {message[0]!r}, expected {expected!r}")
        return message

    # --- the jobs

    def train_step(self, indices):
        """One batch: gradients from the workers, their weighted sum, one optimizer step.

        The per-batch step of ``Network.fit`` with workers; returns (data loss,
        regularization loss, right answers, answers) like the step in one process.
        Raises TrainingDiverged (without a place: fit adds it) on a NaN or infinite
        loss, or when a worker's numbers overflowed.
        """
        network = self.network
        n = len(indices)
        parts = split(list(indices), len(self.processes))
        masks = self._draw_masks(parts)
        weights = pack(self._values())
        # a summed loss adds the parts up; a mean weighs each by its share of the batch
        summed = getattr(network.loss, "reduction", "mean") == "sum"
        busy = []
        for k, part in enumerate(parts):
            if part:
                self._send(k, ("train", weights, part, 1.0 if summed else len(part) / n, masks[k]))
                busy.append(k)
        loss = 0.0
        hits = count = 0
        total = None
        overflow = None
        for k in busy:  # a fixed order: the sum is the same in every run
            message = self._receive(k, "train")
            if message[0] == "overflow":
                overflow = overflow or message[1]
                continue
            _, part_loss, part_hits, part_count, grads = message
            loss += part_loss if summed else part_loss * len(parts[k]) / n
            hits += part_hits
            count += part_count
            numbers = array("d")
            numbers.frombytes(grads)  # already weighted by its share of the batch
            total = numbers.tolist() if total is None else list(map(add, total, numbers))
        if overflow is not None:
            raise TrainingDiverged(f"a number overflowed ({overflow})")
        reg_loss = network.regularization_loss()
        check_loss(loss, reg_loss)
        gradients, offset = [], 0
        for (layer, name), (rows, cols) in zip(self.parameters, self.shapes):
            gradient = total[offset: offset + rows * cols]
            # the matrices too, as the step in one process leaves them (cheap: slices)
            setattr(layer, "d" + name, [gradient[i: i + cols] for i in range(0, rows * cols, cols)])
            gradients.append(gradient)
            offset += rows * cols
        # The update on the flat gradients (fast tier): no matrices to flatten again.
        step_flat(network.optimizer, self.parameters, gradients)
        return loss, reg_loss, hits, count

    def _draw_masks(self, parts):
        """For each worker, the bytes of the numbers each Dropout draws for its rows.

        The parent's Dropout generators draw for the whole batch, row after row,
        exactly as one process would; each worker gets the slice for its rows.
        """
        masks = [[] for _ in parts]
        for index, width in self.dropouts:
            draw = self.network.layers[index].rng.random
            for k, part in enumerate(parts):
                numbers = array("d", [draw() for _ in range(len(part) * width)])
                masks[k].append(numbers.tobytes())
        return masks

    def measure_validation(self):
        """(mean loss, accuracy) on the validation set, each worker measuring a part."""
        n = self.validation_size
        if not n:
            raise ValueError("GradientPool: no validation data was given")
        weights = pack(self._values())
        ranges = split(range(n), len(self.processes))
        busy = []
        for k, part in enumerate(ranges):
            if len(part):
                self._send(k, ("measure", weights, part.start, part.stop))
                busy.append(k)
        loss, hits, count = 0.0, 0, 0
        for k in busy:
            _, part_loss, part_hits, part_count = self._receive(k, "measure")
            loss += part_loss * len(ranges[k]) / n
            hits += part_hits
            count += part_count
        return loss, hits / count

    def close(self, abort=False):
        """Stop the workers: ask them to finish (or, with abort, terminate them at
        once), wait a little, terminate whatever still runs. Safe to call twice."""
        for k, process in enumerate(self.processes):
            if not abort and process.is_alive():
                try:
                    self.connections[k].send(("stop",))
                except (EOFError, OSError):
                    pass
        for process in self.processes:
            if abort:
                process.terminate()
            process.join(STOP_TIMEOUT if not abort else 1.0)
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join()
        for conn in self.connections:
            conn.close()
        self.processes, self.connections = [], []
