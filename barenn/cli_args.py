"""The command line's argument types and output paths (``barenn.cli``).

Every argument is checked by the parser, with the bounds that refuse at once what
could never finish; every output path is checked before any work starts and without
creating anything. A problem is a ``UserError``: one line, exit status 2.
"""

import argparse
import math
import os
from pathlib import Path

__all__ = ["UserError", "RunFailed", "OneLineParser", "MAX_EPOCHS", "MAX_WIDTH", "MAX_PARAMETERS", "whole_number",
           "seed_number", "number_in", "non_negative", "learning_rate", "layer_sizes",
           "file_name", "output_path", "plain", "write_or_fail"]


class UserError(Exception):
    """A mistake in what the user asked for: reported in one line, exit status 2."""


class RunFailed(Exception):
    """A run that could not finish (training diverged): one line, exit status 1."""



class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes are a UserError (one line) instead of usage
    text and sys.exit: the caller prints it and returns status 2."""

    def error(self, message):
        raise UserError(f"{message} (see '{self.prog} --help')")


# Upper bounds that refuse at once what could never finish (or fit in memory).
MAX_EPOCHS = 1_000_000
MAX_WIDTH = 10_000           # neurons in one hidden layer
MAX_PARAMETERS = 10_000_000  # learned numbers in the whole network


def _shown(text):
    """``text`` for a message: itself, or its length when it is too long for one line."""
    text = text.strip()
    return repr(text) if len(text) <= 30 else f"{text[:12]!r}... ({len(text):,} characters)"


def whole_number(low, high):
    """An argparse type: a whole number from ``low`` to ``high`` (both included)."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            if text.strip().lstrip("+-").isdigit():  # more digits than int() converts (4300)
                raise argparse.ArgumentTypeError(f"expected a whole number from {low:,} to "
                                                 f"{high:,}, got {_shown(text)}") from None
            raise argparse.ArgumentTypeError(f"expected a whole number, got {_shown(text)}") from None
        if value < low:
            shown = value if len(text.strip()) <= 30 else _shown(text)
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low:,}, got {shown}")
        if value > high:
            shown = f"{value:,}" if len(text.strip()) <= 30 else _shown(text)
            raise argparse.ArgumentTypeError(f"expected a whole number from {low:,} to {high:,}, "
                                             f"got {shown}")
        return value
    return parse


# Seeds: what random.Random and every barenn seed take, up to a 64-bit integer.
seed_number = whole_number(0, 2 ** 63 - 1)


def number_in(low, high, low_open=False):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {_shown(text)}") from None
        sign = ">" if low_open else ">="
        if not math.isfinite(value) or (value <= low if low_open else value < low) or value > high:
            raise argparse.ArgumentTypeError(f"expected a finite number {sign} {low:g} and at most "
                                             f"{high:g}, got {_shown(text)}")
        return value
    return parse


non_negative = number_in(0, 1e300)
learning_rate = number_in(0, 1e9, low_open=True)


def layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected hidden layer sizes like 64,64, got {_shown(text)}"
        ) from None
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected hidden layer sizes >= 1 like 64,64, got {_shown(text)}")
    if any(s > MAX_WIDTH for s in sizes) or len(sizes) > 100:
        raise argparse.ArgumentTypeError(f"expected at most 100 hidden layers of at most "
                                         f"{MAX_WIDTH:,} neurons, got {_shown(text)}")
    return sizes


def file_name(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name, got an empty one")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a file name cannot hold a NUL character")
    return text


def output_path(option, value, default_name, folder_ok=True, make_parents=True):
    """Where ``option`` writes: ``value`` itself, or ``value/default_name`` for a folder.

    Checked before any work (so a run never trains for minutes and then fails to
    save) and without creating anything: a UserError says what is wrong.
    """
    from barenn._files import check_write_target

    path = Path(value)
    if path.is_dir():
        if not folder_ok:
            raise UserError(f"{option} {value}: it is a folder; give a file name such as "
                            f"{path / default_name}")
        path = path / default_name
    text = str(path)
    try:
        check_write_target(text, option, make_parents=False)
    except FileNotFoundError:
        if not make_parents:
            raise UserError(f"{option} {value}: the folder {path.parent} does not exist "
                            "(create it first)") from None
        ancestor = path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UserError(f"{option} {value}: {ancestor} is a file, not a folder") from None
        if not os.access(ancestor, os.W_OK):
            raise UserError(f"{option} {value}: cannot create folders in {ancestor} "
                            "(permission denied)") from None
    except (OSError, ValueError, TypeError) as error:
        raise UserError(plain(error)) from None
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{option} {value}: the file is read-only")
    if not path.exists() and path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        raise UserError(f"{option} {value}: cannot write in {path.parent} (permission denied)")
    return text


def plain(error):
    """An error's message without a leading 'owner: ' repeated by barenn's checks."""
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def write_or_fail(option, path, write):
    """Run ``write()``; a failure to write is one line."""
    try:
        write()
    except (OSError, ValueError) as error:
        raise UserError(f"{option}: cannot write {path}: {plain(error)}") from None
