"""Progress of a training run, written to stderr while ``Network.fit`` works.

Three modes, chosen by ``verbose`` and by where stderr goes:

* ``verbose=0``: nothing at all.
* ``verbose=1`` and stderr is a terminal: one line that keeps being rewritten
  (``\\r``), at most about ten times a second, showing the epoch, the batch, a bar,
  the loss and accuracy so far, the speed and the time left. A newline ends it
  when training ends.
* ``verbose=1`` and stderr is a file or a pipe (a log, CI, a test), or
  ``verbose=2``: a plain line every ``every`` epochs (and for the last epoch),
  which reads well in a log and never needs rewriting.

Progress only reports; it never changes the numbers of the training run.
"""

import math
import shutil
import sys
import time

from barenn.checks import check_choice, check_int, check_number, describe

__all__ = ["Progress", "format_duration"]

REDRAW_SECONDS = 0.1  # about ten redraws a second: smooth to watch, cheap to print
BAR_WIDTH = 10


def format_duration(seconds):
    """A duration as ``m:ss`` or ``h:mm:ss`` (``?`` when it cannot be known yet).

    >>> format_duration(5.4), format_duration(75), format_duration(3725)
    ('0:05', '1:15', '1:02:05')
    """
    if seconds is None:
        return "?"
    check_number("format_duration", "seconds", seconds, finite=False)
    if not math.isfinite(seconds) or seconds < 0 or seconds > 1e12:
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _is_terminal(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _metric(value, digits=4):
    return "-" if value is None else f"{value:.{digits}f}"


def _check_figures(owner, **figures):
    """Each figure is None or a real number (NaN and infinity are shown as they are)."""
    for name, value in figures.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        check_number(owner, name, value, finite=False)


class Progress:
    """Reports a training run of ``epochs`` epochs of ``batches`` batches each.

    first_epoch: the number of the first epoch (epochs count from 0, and a resumed
                 network goes on counting where it stopped).
    verbose:     0 silent, 1 bar on a terminal else lines, 2 always lines.
    every:       print a line every this many epochs (lines mode); None picks about
                 ten lines per run.
    stream:      where to write; None means ``sys.stderr`` at the time of the call.
    clock:       a function returning seconds (``time.monotonic``), replaceable in tests.

    ``fit`` calls ``batch(...)`` after each batch, ``epoch(...)`` after each epoch
    and ``close()`` at the end (also when training stops with an error).
    """

    def __init__(self, epochs, batches=1, first_epoch=0, verbose=1, every=None, stream=None,
                 clock=time.monotonic):
        check_int("Progress", "epochs", epochs, low=0, high=None)
        check_int("Progress", "batches", batches, low=1, high=None)
        check_int("Progress", "first_epoch", first_epoch, low=0, high=None)
        check_choice("Progress", "verbose", verbose, (0, 1, 2))
        if every is not None:
            check_int("Progress", "every", every, low=1, high=None)
        if not callable(clock):
            raise TypeError(f"Progress: clock must be a function returning seconds, got {describe(clock)}")
        self.stream = sys.stderr if stream is None else stream
        if verbose == 0:
            self.mode = "off"
        elif verbose == 1 and _is_terminal(self.stream):
            self.mode = "bar"
        else:
            self.mode = "lines"
        self.epochs = epochs
        self.batches = batches
        self.first_epoch = first_epoch
        self.last_epoch = first_epoch + epochs - 1
        self.every = every if every is not None else max(1, epochs // 10)
        self.clock = clock
        self.started = clock()
        self._last_draw = None
        self._drawn_width = 0
        self._state = {"epoch": first_epoch, "batch": 0, "loss": None, "accuracy": None}

    # --- what fit calls ----------------------------------------------------------------

    def batch(self, epoch, batch, loss, accuracy):
        """Batch number ``batch`` (1-based) of ``epoch`` is done; loss/accuracy so far."""
        check_int("Progress.batch", "epoch", epoch, low=0, high=None)
        check_int("Progress.batch", "batch", batch, low=0, high=None)
        _check_figures("Progress.batch", loss=loss, accuracy=accuracy)
        if self.mode != "bar":
            return
        self._state.update(epoch=epoch, batch=batch, loss=loss, accuracy=accuracy)
        self._draw()

    def epoch(self, epoch, loss, accuracy, learning_rate=None, val_loss=None, val_accuracy=None):
        """Epoch ``epoch`` is done, with these figures."""
        check_int("Progress.epoch", "epoch", epoch, low=0, high=None)
        _check_figures("Progress.epoch", loss=loss, accuracy=accuracy, learning_rate=learning_rate,
                       val_loss=val_loss, val_accuracy=val_accuracy)
        if self.mode == "off":
            return
        self._state.update(epoch=epoch, batch=self.batches, loss=loss, accuracy=accuracy)
        if self.mode == "bar":
            self._draw()
        elif (epoch - self.first_epoch) % self.every == 0 or epoch == self.last_epoch:
            self._write(self.line(epoch, loss, accuracy, learning_rate, val_loss, val_accuracy) + "\n")

    def close(self):
        """Finish: in bar mode draw the final state and end the line."""
        if self.mode == "bar" and self._last_draw is not None:
            self._draw(force=True)
            self._write("\n")
            self._last_draw = None

    # --- the text ------------------------------------------------------------------------

    def timing(self, epoch, batch):
        """(epochs per second, seconds left) from the work done up to ``epoch``/``batch``."""
        check_int("Progress.timing", "epoch", epoch, low=0)
        check_int("Progress.timing", "batch", batch, low=0)
        elapsed = self.clock() - self.started
        done = (epoch - self.first_epoch) + batch / self.batches  # epochs, fractional
        if done <= 0 or elapsed <= 0:
            return None, None
        rate = done / elapsed
        return rate, (self.epochs - done) / rate

    def line(self, epoch, loss, accuracy, learning_rate=None, val_loss=None, val_accuracy=None):
        """One plain report line for an epoch (the lines mode's format)."""
        check_int("Progress.line", "epoch", epoch, low=0, high=None)
        _check_figures("Progress.line", loss=loss, accuracy=accuracy, learning_rate=learning_rate,
                       val_loss=val_loss, val_accuracy=val_accuracy)
        parts = [f"epoch {epoch + 1}/{self.last_epoch + 1}", f"loss {_metric(loss)}",
                 f"acc {_metric(accuracy, 3)}"]
        if learning_rate is not None:
            parts.append(f"lr {learning_rate:.4g}")
        if val_loss is not None:
            parts.append(f"val_loss {_metric(val_loss)}")
        if val_accuracy is not None:
            parts.append(f"val_acc {_metric(val_accuracy, 3)}")
        _, left = self.timing(epoch + 1, 0)
        elapsed = self.clock() - self.started
        parts.append(f"({elapsed:.1f} s, {format_duration(left)} left)")
        return "  ".join(parts)

    def bar(self, width=None):
        """The terminal line: epoch, batch, a bar over the whole run, figures, speed.

        When the line is wider than ``width`` characters the bar is left out first.
        """
        if width is not None:
            check_int("Progress.bar", "width", width, low=1, high=None)
        s = self._state
        epoch, batch = s["epoch"], s["batch"]
        rate, left = self.timing(epoch, batch)
        done = (epoch - self.first_epoch) + batch / self.batches
        filled = min(BAR_WIDTH, int(BAR_WIDTH * done / self.epochs)) if self.epochs else BAR_WIDTH
        if rate is None:
            speed = "-"
        elif rate >= 1:
            speed = f"{rate:.1f} epochs/s"
        else:
            speed = f"{1 / rate:.1f} s/epoch"
        head = f"epoch {epoch + 1}/{self.last_epoch + 1} batch {batch}/{self.batches}"
        tail = (f"loss {_metric(s['loss'])} acc {_metric(s['accuracy'], 3)}  {speed}  "
                f"{format_duration(left)} left")
        line = f"{head} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {tail}"
        if width is not None and len(line) > width:
            line = f"{head} {tail}"[:width]
        return line

    # --- writing -----------------------------------------------------------------------------

    def _draw(self, force=False):
        now = self.clock()
        if not force and self._last_draw is not None and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        width = shutil.get_terminal_size((80, 24)).columns - 1  # the last column may wrap
        text = self.bar(max(width, 10))
        # Pad with spaces so a shorter line fully covers the longer one before it.
        self._write("\r" + text + " " * max(0, self._drawn_width - len(text)))
        self._drawn_width = len(text)

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()
