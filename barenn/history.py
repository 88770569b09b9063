"""History: the figures of a training run, epoch by epoch (what ``Network.fit`` returns).

>>> h = History()
>>> h.record(0, data_loss=1.0986, regularization_loss=0.0, accuracy=0.36, learning_rate=1.0)
>>> h.loss, h.accuracy
([1.0986], [0.36])
"""

from collections import namedtuple

from barenn.checks import check_int, check_number, check_type

__all__ = ["History", "TrainStep"]

TrainStep = namedtuple("TrainStep", "data_loss regularization_loss output")
TrainStep.__doc__ = """What one training step returns (``Network.train_step``, ``barenn.fast.train_step``).

data_loss:           the batch's mean loss, measured before the update;
regularization_loss: the layers' L1/L2 penalties before the update (0.0 without);
output:              the network's output for the batch (n x m), before the update.
"""


class History:
    """Per-epoch figures of a training run: one list per field, one entry per epoch.

    Fields (``History.FIELDS``): ``epoch`` (its number), ``loss`` (data +
    regularization), ``data_loss``, ``regularization_loss``, ``accuracy``,
    ``learning_rate`` (the optimizer's rate at the epoch's last update), and
    ``val_loss`` / ``val_accuracy`` (empty lists when fit had no validation).
    Two runs with the same seed give equal Histories (``==`` compares the lists).

    ``batch_loss``: one entry per batch, each batch's data loss measured before its
    update (what a tutorial's ``training_loss.append(loss)`` collects), filled only
    when ``fit(..., record_batches=True)``; otherwise an empty list.
    """

    FIELDS = ("epoch", "loss", "data_loss", "regularization_loss", "accuracy", "learning_rate",
              "val_loss", "val_accuracy")

    def __init__(self):
        for name in self.FIELDS:
            setattr(self, name, [])
        self.batch_loss = []

    def record_batch(self, data_loss):
        """Append one batch's data loss (``fit(..., record_batches=True)`` calls it)."""
        self.batch_loss.append(data_loss)

    def record(self, epoch, data_loss, regularization_loss, accuracy, learning_rate,
               val_loss=None, val_accuracy=None):
        """Append one epoch's figures (validation ones only when given)."""
        check_int("History.record", "epoch", epoch, low=0, high=None)
        for name, value in (("data_loss", data_loss), ("regularization_loss", regularization_loss),
                            ("accuracy", accuracy), ("learning_rate", learning_rate)):
            check_number("History.record", name, value, finite=False)
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
        """``{field: list}`` for every field (new lists), e.g. for ``json.dumps``; plus
        ``"batch_loss"`` when batches were recorded."""
        data = {name: list(getattr(self, name)) for name in self.FIELDS}
        if self.batch_loss:
            data["batch_loss"] = list(self.batch_loss)
        return data

    @classmethod
    def from_dict(cls, data):
        """The History that ``to_dict`` described."""
        check_type("History.from_dict", "data", data, dict, "a dict of lists (History.to_dict())")
        history = cls()
        for name in cls.FIELDS:
            check_type("History.from_dict", f"data[{name!r}]", data.get(name, []), (list, tuple),
                       "a list of numbers")
            setattr(history, name, list(data.get(name, [])))
        check_type("History.from_dict", "data['batch_loss']", data.get("batch_loss", []),
                   (list, tuple), "a list of numbers")
        history.batch_loss = list(data.get("batch_loss", []))
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

    def _repr_html_(self):  # a notebook shows the loss curves (barenn.plot.history_html)
        from barenn.plot import history_html

        return history_html(self)

    def chart(self, names=None, width=None, height=15):
        """The same curves drawn with Unicode characters for the terminal (a string)."""
        from barenn.plot import terminal_chart

        return terminal_chart(self.series(names), width=width, height=height)
