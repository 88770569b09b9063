"""Pictures with the standard library only: SVG charts, terminal charts, an HTML report.

Every SVG/HTML function returns the text it made and, when given ``path``, also
writes it there atomically (``barenn._files.atomic_write_text``). Nothing here
needs a browser or a plotting package; an SVG is just text with coordinates.

- ``line_chart_svg(series)``: curves such as loss per epoch, with axes, "nice" ticks
  (steps of 1, 2 or 5 times a power of ten), axis labels, a title and a legend.
- ``terminal_chart(series)``: the same idea in Unicode characters for a terminal.
- ``scatter_svg(X, y, predict=...)``: 2-D points coloured by class, with the
  classifier's decision regions shaded behind them.
- ``digits_grid_svg(images, ...)`` and ``terminal_digit(image)``: small grey images.
- ``html_report(title, sections)``: one self-contained page (SVGs, a metrics table, text).
- ``history_series(history)``: the per-epoch lists of a training History, ready to plot.

Coordinates: SVG puts (0, 0) at the top-left corner and y grows downwards, so
every y value is flipped when it is mapped onto the picture.
"""

import html
import math
import shutil
from numbers import Real

from barenn._files import atomic_write_text
from barenn.checks import DATA_LIMIT, MAX_SIZE, check_bool, check_int, check_number, check_type, describe

__all__ = [
    "PALETTE",
    "nice_ticks",
    "line_chart_svg",
    "terminal_chart",
    "scatter_svg",
    "digits_grid_svg",
    "terminal_digit",
    "html_report",
    "history_series",
]

# Ten colours that stay distinguishable on white (the "tab10" set used by many
# plotting tools). Series and classes take them in order and wrap around.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)

FONT_SIZE = 12
# A conservative average width of one character of a 12 px sans-serif font, used to
# reserve room for labels (SVG cannot measure text before it is drawn).
CHAR_WIDTH = 7.0

# Marker characters for several series in a terminal chart (one character a cell).
TERMINAL_MARKERS = ("•", "+", "×", "o", "*", "#", "%", "@")
SHADES = " ░▒▓█"

# The narrowest and widest ranges an axis can show: 1-2-5 steps of narrower ones
# underflow to 0 (a division by zero), of wider ones overflow to infinity.
MIN_SPAN, MAX_SPAN = 1e-300, 1e300
FLOAT_MAX = 1.7976931348623157e308
# The most ticks nice_ticks is asked for: more than any axis can label (and a
# target of millions would take seconds to list).
MAX_TICKS = 1000

# The order in which history_series lists the well-known History fields.
HISTORY_FIELDS = ("loss", "val_loss", "accuracy", "val_accuracy", "learning_rate")


# --------------------------------------------------------------------------- numbers

def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _finite(value):
    """A real number a float holds, neither NaN nor infinite (an int of 400 digits
    is not: it is too large for a float)."""
    if not _is_number(value):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _too_large(value):
    """An int too large for a float (10**400): refused, never drawn as a gap."""
    return isinstance(value, int) and not _finite(value)


def _nice_step(span, target):
    """The 1-2-5 step (1, 2 or 5 times a power of ten) that splits ``span`` into
    the number of intervals closest to ``target`` (the larger step on a tie)."""
    exponent = math.floor(math.log10(span / max(1, target)))
    candidates = [m * 10.0 ** e for e in (exponent - 1, exponent, exponent + 1) for m in (1, 2, 5)]
    return min(candidates, key=lambda step: (abs(span / step - target), -step))


def _widen(low, high):
    """Give a zero-width range some width, so mapping never divides by zero."""
    if high > low:
        return low, high
    pad = abs(low) * 0.1 if abs(low) * 0.1 >= MIN_SPAN else 1.0
    return low - pad, high + pad


def nice_ticks(low, high, target=5, extend=False):
    """Tick positions at a 1-2-5 step covering [low, high]; return (ticks, step).

    With ``extend`` the first and last ticks enclose the range (use them as the
    axis ends); otherwise only ticks inside the range are returned.

    >>> nice_ticks(0, 1)[0]
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(0.13, 0.91, extend=True)[0]
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(3, 47, target=4)[0]
    [10.0, 20.0, 30.0, 40.0]
    """
    low = check_number("nice_ticks", "low", low)
    high = check_number("nice_ticks", "high", high)
    check_int("nice_ticks", "target", target, low=1, high=MAX_TICKS)
    check_bool("nice_ticks", "extend", extend)
    low, high = _widen(min(low, high), max(low, high))
    if not MIN_SPAN <= high - low <= MAX_SPAN:
        raise ValueError(f"nice_ticks: the range {low!r} to {high!r} is too "
                         f"{'narrow' if high - low < MIN_SPAN else 'wide'} to draw; its width must "
                         f"be from {MIN_SPAN:g} to {MAX_SPAN:g}")
    step = _nice_step(high - low, target)
    # Integers k with k * step as the ticks: no drift from repeated additions.
    if extend:
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    else:
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    digits = max(0, -math.floor(math.log10(step))) + 2
    ticks = [round(k * step, digits) + 0.0 for k in range(first, last + 1)]
    return ticks, step


def _format_general(value):
    """A short label for any number: 0.001, 250, 1e-05 becomes 1e-5."""
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return "0" if text in ("-0", "0") else text


def _tick_labels(ticks, step):
    """Labels with just enough decimals for a tick step (0.2 -> one decimal)."""
    biggest = max((abs(t) for t in ticks), default=0.0)
    if step < 1e-4 or biggest >= 1e6:
        return [_format_general(t) for t in ticks]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    labels = [f"{t:.{decimals}f}" for t in ticks]
    return ["0" if set(label) <= set("-0.") else label for label in labels]


def _log_ticks(low, high, pixels):
    """Ticks for a logarithmic axis over positive [low, high] drawn ``pixels`` tall.

    Every decade (1 x 10^k) inside the range gets a tick; when they are too close
    for a label each, only every n-th decade is labelled. With room to spare the
    richer sets 1, 2, 5 x 10^k and then 1..9 x 10^k are used, keeping neighbouring
    labels at least 20 pixels apart. Returns (ticks, labels).
    """
    log_low, log_high = math.log10(low), math.log10(high)
    per_decade = pixels / max(log_high - log_low, 1e-12)
    every = max(1, math.ceil(20 * 2.5 / per_decade))  # decades between labelled ticks

    def ticks_for(mantissas):
        ticks = []
        for exponent in range(math.floor(log_low), math.ceil(log_high) + 1):
            for m in mantissas:
                value = float(f"{m}e{exponent}")  # exact decimal, unlike m * 10.0 ** exponent
                if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                    ticks.append(value)
        return ticks

    def min_gap(ticks):
        return min(math.log10(b / a) * per_decade for a, b in zip(ticks, ticks[1:]))

    best = ticks_for((1,))
    labels = [_format_general(t) if round(math.log10(t)) % every == 0 else "" for t in best]
    for mantissas in ((1, 2, 5), range(1, 10)):
        richer = ticks_for(mantissas)
        if len(richer) > len(best) and (len(richer) < 2 or min_gap(richer) >= 20):
            best, labels = richer, [_format_general(t) for t in richer]
    if len(best) < 2:  # a narrow range with no round values inside: linear ticks
        best = [t for t in nice_ticks(low, high, max(2, int(pixels // 55)))[0] if t > 0]
        labels = [_format_general(t) for t in best]
    return best, labels


def _scale(low, high, start, end, log=False):
    """A function mapping data values in [low, high] to pixels from ``start`` to ``end``."""
    if log:
        low, high = math.log10(low), math.log10(high)
    low, high = _widen(low, high)
    factor = (end - start) / (high - low)
    if log:
        return lambda value: start + (math.log10(value) - low) * factor
    return lambda value: start + (value - low) * factor


# --------------------------------------------------------------------------- SVG pieces

def _px(value):
    """A coordinate as short text: 12.5, 40, never 40.00000001."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x, y, content, anchor="start", size=None, weight=None, fill="#222", extra=""):
    attributes = f'x="{_px(x)}" y="{_px(y)}"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    if size:
        attributes += f' font-size="{size}"'
    if weight:
        attributes += f' font-weight="{weight}"'
    if fill != "#222":
        attributes += f' fill="{fill}"'
    return f"<text {attributes}{extra}>{html.escape(str(content))}</text>"


def _svg_document(width, height, title, body):
    # width 100 % and a viewBox: the picture scales with the window (or the page's
    # column) and keeps its proportions; max-width keeps a small chart from being
    # blown up on a wide screen.
    header = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'viewBox="0 0 {_px(width)} {_px(height)}" style="max-width: {_px(width)}px; height: auto" '
        f'font-family="Helvetica, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="#222" role="img">'
    )
    parts = [header]
    if title:
        parts.append(f"<title>{html.escape(title)}</title>")
    parts.append(f'<rect x="0" y="0" width="{_px(width)}" height="{_px(height)}" fill="#ffffff"/>')
    parts.extend(body)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _text_width(text, size=FONT_SIZE):
    return len(str(text)) * CHAR_WIDTH * size / FONT_SIZE


def _finish(text, path):
    if path is not None:
        atomic_write_text(path, text)
    return text


def _axes(box, x_ticks, x_labels, y_ticks, y_labels, x_map, y_map, x_label, y_label):
    """Grid lines, the frame, tick marks and labels, and the two axis titles."""
    left, top, right, bottom = box
    parts = ['<g class="grid" stroke="#e6e6e6" stroke-width="1">']
    for t in x_ticks:
        parts.append(f'<line x1="{_px(x_map(t))}" y1="{_px(top)}" x2="{_px(x_map(t))}" y2="{_px(bottom)}"/>')
    for t in y_ticks:
        parts.append(f'<line x1="{_px(left)}" y1="{_px(y_map(t))}" x2="{_px(right)}" y2="{_px(y_map(t))}"/>')
    parts.append("</g>")
    parts.append(
        f'<rect x="{_px(left)}" y="{_px(top)}" width="{_px(right - left)}" height="{_px(bottom - top)}" '
        'fill="none" stroke="#444" stroke-width="1"/>'
    )
    parts.append('<g class="ticks" stroke="#444" stroke-width="1">')
    for t in x_ticks:
        parts.append(f'<line x1="{_px(x_map(t))}" y1="{_px(bottom)}" x2="{_px(x_map(t))}" y2="{_px(bottom + 5)}"/>')
    for t in y_ticks:
        parts.append(f'<line x1="{_px(left - 5)}" y1="{_px(y_map(t))}" x2="{_px(left)}" y2="{_px(y_map(t))}"/>')
    parts.append("</g>")
    for t, label in zip(x_ticks, x_labels):
        parts.append(_text(x_map(t), bottom + 19, label, anchor="middle", extra=' class="tick"'))
    for t, label in zip(y_ticks, y_labels):
        parts.append(_text(left - 8, y_map(t) + 4, label, anchor="end", extra=' class="tick"'))
    if x_label:
        parts.append(_text((left + right) / 2, bottom + 40, x_label, anchor="middle", extra=' class="axis-label"'))
    if y_label:
        middle = (top + bottom) / 2
        parts.append(_text(0, 0, y_label, anchor="middle",
                           extra=f' class="axis-label" transform="translate(16 {_px(middle)}) rotate(-90)"'))
    return parts


def _legend_layout(names, width, column_room, side_fraction=0.3):
    """Where legend entries go: a column right of the plot, or rows below it.

    The column is used when it takes at most ``side_fraction`` of the width and
    its entries fit in ``column_room`` pixels of height.

    Returns (side_width, below_height, positions) where positions are (dx, dy)
    offsets of each entry from the legend's top-left corner.
    """
    entry_widths = [28 + _text_width(name) for name in names]
    column_width = max(entry_widths) + 16
    if column_width <= width * side_fraction and 18 * len(names) <= column_room:
        return column_width, 0, [(0, 18 * i) for i in range(len(names))]
    positions, x, y, usable = [], 0.0, 0.0, width - 40
    for w in entry_widths:
        if x > 0 and x + w > usable:
            x, y = 0.0, y + 18
        positions.append((x, y))
        x += w + 16
    return 0, y + 18 + 8, positions


def _legend(names, colours, origin, positions, kind="line"):
    ox, oy = origin
    parts = ['<g class="legend">']
    for name, colour, (dx, dy) in zip(names, colours, positions):
        x, y = ox + dx, oy + dy
        if kind == "line":
            parts.append(f'<line x1="{_px(x)}" y1="{_px(y)}" x2="{_px(x + 20)}" y2="{_px(y)}" '
                         f'stroke="{colour}" stroke-width="3"/>')
        else:
            parts.append(f'<rect x="{_px(x + 4)}" y="{_px(y - 6)}" width="12" height="12" fill="{colour}" '
                         'stroke="#333" stroke-width="0.5"/>')
        parts.append(_text(x + 28, y + 4, name))
    parts.append("</g>")
    return parts


# --------------------------------------------------------------------------- line chart

def _check_picture(caller, width, height, title, x_label, y_label):
    """The arguments every SVG chart shares: a size in pixels and three texts."""
    check_int(caller, "width", width, low=1, high=100_000)
    check_int(caller, "height", height, low=1, high=100_000)
    for name, text in (("title", title), ("x_label", x_label), ("y_label", y_label)):
        check_type(caller, name, text, str, "a string")


def _series_points(series, caller):
    """Check a dict of series; return [(name, runs)] where runs are lists of (x, y).

    A run is a stretch of drawable points; a missing or non-finite value (None,
    NaN, inf) ends the run, so the line shows a gap instead of a false segment.
    """
    check_type(caller, "series", series, dict, "a dict of name -> list of values")
    if not series:
        raise ValueError(f"{caller}: no series to draw (the dict is empty)")
    result = []
    for name, values in series.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{caller}: series {name!r} must be a list of numbers or (x, y) pairs, "
                            f"got {type(values).__name__}")
        values = list(values)
        if not values:
            raise ValueError(f"{caller}: series {name!r} is empty")
        runs, run = [], []
        for index, item in enumerate(values):
            if isinstance(item, (tuple, list)):
                if len(item) != 2:
                    raise ValueError(f"{caller}: series {name!r} item {index} should be an (x, y) pair, "
                                     f"got {len(item)} values")
                x, y = item
            else:
                x, y = index, item
            for value in (x, y):
                if value is not None and not _is_number(value):
                    raise TypeError(f"{caller}: series {name!r} item {index} is not a number: {value!r}")
                if _too_large(value):
                    raise ValueError(f"{caller}: series {name!r} item {index} is an int too large "
                                     f"for a float (at most about {FLOAT_MAX:.3g})")
            if _finite(x) and _finite(y):
                run.append((float(x), float(y)))
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        result.append((str(name), runs))
    return result


def _common_label(names):
    """A y-axis label for curves named ``names``: "loss" for loss and val_loss, ..."""
    for word in ("loss", "accuracy", "learning_rate"):
        if names and all(word in str(name) for name in names):
            return word.replace("_", " ")
    return str(names[0]) if len(set(names)) == 1 else "value"


def line_chart_svg(series, path=None, title="", x_label="epoch", y_label="",
                   width=640, height=400, log_y=False):
    """Draw one or more curves as an SVG line chart; return the SVG text.

    series: dict name -> list of y values (x is the index 0, 1, 2, ...) or list of
        (x, y) pairs. Missing or non-finite points (None, NaN, inf) leave a gap;
        with ``log_y`` so do values <= 0. A point with no neighbours is drawn as a dot.
    path: when given, the SVG is also written there (atomically).
    width, height: picture size in pixels. log_y: logarithmic y axis.

    >>> svg = line_chart_svg({"loss": [1.0, 0.5, 0.25]}, title="Loss")
    >>> svg.startswith("<svg") and ">Loss</text>" in svg
    True
    """
    _check_picture("line_chart_svg", width, height, title, x_label, y_label)
    check_bool("line_chart_svg", "log_y", log_y)
    named_runs = _series_points(series, "line_chart_svg")
    if not y_label:  # every axis gets a label: what the curves have in common
        y_label = _common_label([name for name, _ in named_runs])
    if log_y:  # a logarithm needs positive values: split runs where they are not
        positive = []
        for name, runs in named_runs:
            kept = []
            for run in runs:
                piece = []
                for x, y in run:
                    if y > 0:
                        piece.append((x, y))
                    elif piece:
                        kept.append(piece)
                        piece = []
                if piece:
                    kept.append(piece)
            positive.append((name, kept))
        named_runs = positive
    points = [p for _, runs in named_runs for run in runs for p in run]
    if not points:
        what = "finite positive" if log_y else "finite"
        raise ValueError(f"line_chart_svg: no {what} points to draw in series {', '.join(repr(n) for n, _ in named_runs)}")
    names = [name if runs else f"{name} (no finite values)" for name, runs in named_runs]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]

    # Layout: legend first (it decides the right or bottom margin), then the axes.
    top = 44 if title else 16
    side_width, below_height, positions = _legend_layout(names, width, height - top - 60)
    bottom_margin = 30 + (24 if x_label else 0) + below_height
    plot_top, plot_bottom = top, height - bottom_margin
    if plot_bottom - plot_top < 40:
        raise ValueError(f"line_chart_svg: height {height} leaves no room for the plot")

    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x_low, x_high = min(xs), max(xs)
    if x_low == x_high:  # one x value: centre it (half a step either side for epochs)
        x_low, x_high = _widen(x_low, x_high) if not float(x_low).is_integer() else (x_low - 0.5, x_high + 0.5)
    y_target = max(2, int((plot_bottom - plot_top) // 55))
    if log_y:
        y_low, y_high = min(ys), max(ys)
        if y_high <= y_low:
            y_low, y_high = y_low / 2, y_high * 2
        pad = (y_high / y_low) ** 0.04  # 4 % of the height in log space on each side
        y_low, y_high = y_low / pad, y_high * pad
        y_ticks, y_labels = _log_ticks(y_low, y_high, plot_bottom - plot_top)
    else:
        # A 4 % margin keeps the lowest and highest points off the frame.
        y_low, y_high = _widen(min(ys), max(ys))
        margin = (y_high - y_low) * 0.04
        y_low, y_high = y_low - margin, y_high + margin
        y_ticks, y_step = nice_ticks(y_low, y_high, y_target)
        y_labels = _tick_labels(y_ticks, y_step)

    left = 14 + max(_text_width(label) for label in y_labels) + (24 if y_label else 0)
    right = width - 16 - side_width
    if right - left < 60:
        raise ValueError(f"line_chart_svg: width {width} leaves no room for the plot")
    integer_x = all(float(x).is_integer() for x in xs)
    x_target = max(2, int((right - left) // 80))
    while True:  # fewer ticks until the labels do not touch
        x_ticks, x_step = nice_ticks(x_low, x_high, x_target)
        if integer_x and x_step < 1:
            x_ticks, x_step = [float(t) for t in range(math.ceil(x_low), math.floor(x_high) + 1)], 1.0
        x_labels = _tick_labels(x_ticks, x_step)
        spacing = (right - left) * x_step / (x_high - x_low)
        if x_target <= 2 or max(_text_width(label) for label in x_labels) + 10 <= spacing:
            break
        x_target -= 1

    x_map = _scale(x_low, x_high, left, right)
    y_map = _scale(y_low, y_high, plot_bottom, plot_top, log=log_y)
    body = []
    if title:
        body.append(_text(width / 2, 26, title, anchor="middle", size=16, weight="bold", extra=' class="title"'))
    body += _axes((left, plot_top, right, plot_bottom), x_ticks, x_labels, y_ticks, y_labels,
                  x_map, y_map, x_label, y_label)
    for (name, runs), colour in zip(named_runs, colours):
        body.append(f'<g class="series" stroke="{colour}" fill="{colour}">')
        for run in runs:
            if len(run) == 1:
                x, y = run[0]
                body.append(f'<circle cx="{_px(x_map(x))}" cy="{_px(y_map(y))}" r="3" stroke="none"/>')
                continue
            d = " ".join(f"{'M' if i == 0 else 'L'}{_px(x_map(x))} {_px(y_map(y))}" for i, (x, y) in enumerate(run))
            body.append(f'<path d="{d}" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>')
        body.append("</g>")
    if side_width:
        origin = (right + 16, plot_top + 10)
    else:
        origin = (left, height - below_height + 6)
    body += _legend(names, colours, origin, positions)
    return _finish(_svg_document(width, height, title, body), path)


# --------------------------------------------------------------------------- terminal chart

_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] in a cell


def _line_cells(a, b):
    """The integer grid cells on the straight segment from cell a to cell b (both included)."""
    (c0, r0), (c1, r1) = a, b
    steps = max(abs(c1 - c0), abs(r1 - r0))
    if steps == 0:
        return [a]
    return [(round(c0 + (c1 - c0) * i / steps), round(r0 + (r1 - r0) * i / steps)) for i in range(steps + 1)]


def terminal_chart(series, width=None, height=15, x_label="epoch"):
    """Draw curves with Unicode characters for a terminal; return the text.

    series: like ``line_chart_svg`` (dict name -> y values or (x, y) pairs).
    width: characters per line; None means the terminal's width (shutil.get_terminal_size).
    height: total number of lines, legend included.

    One series is drawn with braille dots (2 x 4 dots a character, the finest
    grid a terminal offers); several are drawn with one marker character each
    (•, +, ×, ...) so they can be told apart without colour. The y axis shows the
    largest and smallest value, the bottom line the first and last x.
    """
    named_runs = _series_points(series, "terminal_chart")
    points = [p for _, runs in named_runs for run in runs for p in run]
    if not points:
        raise ValueError("terminal_chart: no finite points to draw")
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns - 1  # the last column can wrap
    check_int("terminal_chart", "width", width, low=1, high=10_000)
    check_int("terminal_chart", "height", height, low=1, high=10_000)
    check_type("terminal_chart", "x_label", x_label, str, "a string")
    braille = len(named_runs) == 1
    marks = ["⠒⠒" if braille else TERMINAL_MARKERS[i % len(TERMINAL_MARKERS)] for i in range(len(named_runs))]
    legend_items = [f"{mark} {name}" if runs else f"{mark} {name} (no finite values)"
                    for mark, (name, runs) in zip(marks, named_runs)]
    legend_lines, line = [], ""
    for item in legend_items:
        if len(item) > width:  # a name longer than the line: shorten it visibly
            item = item[:width - 1] + "…"
        if line and len(line) + 3 + len(item) > width:
            legend_lines.append(line)
            line = ""
        line = f"{line}   {item}" if line else item
    legend_lines.append(line)

    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x_low, x_high = _widen(min(xs), max(xs))
    y_low, y_high = _widen(min(ys), max(ys))
    top_label, bottom_label = _format_general(y_high), _format_general(y_low)
    label_width = max(len(top_label), len(bottom_label))
    columns = width - label_width - 2
    rows = height - 2 - len(legend_lines)
    if columns < 10:
        raise ValueError(f"terminal_chart: width {width} is too narrow (need at least {label_width + 12})")
    if rows < 2:
        raise ValueError(f"terminal_chart: height {height} is too small (need at least {len(legend_lines) + 4})")

    # Dots per character: braille has 2 columns x 4 rows of dots; markers one.
    dots_x, dots_y = (2, 4) if braille else (1, 1)
    grid_w, grid_h = columns * dots_x, rows * dots_y

    def to_dot(x, y):
        col = round((x - x_low) / (x_high - x_low) * (grid_w - 1))
        row = round((y_high - y) / (y_high - y_low) * (grid_h - 1))
        return col, row

    canvas = [[" "] * columns for _ in range(rows)]
    bits = [[0] * columns for _ in range(rows)]
    for mark, (_, runs) in zip(marks, named_runs):
        for run in runs:
            dots = [to_dot(x, y) for x, y in run]
            cells = []
            for a, b in zip(dots, dots[1:]):
                cells += _line_cells(a, b)
            if len(dots) == 1:
                cells = dots
            for col, row in cells:
                if braille:
                    bits[row // 4][col // 2] |= _BRAILLE_BITS[row % 4][col % 2]
                else:
                    canvas[row][col] = mark
    if braille:
        canvas = [[chr(0x2800 + b) if b else " " for b in line] for line in bits]

    lines = []
    for r in range(rows):
        label = top_label if r == 0 else bottom_label if r == rows - 1 else ""
        tick = "┤" if label else "│"
        lines.append(f"{label:>{label_width}} {tick}" + "".join(canvas[r]))
    lines.append(" " * (label_width + 1) + "└" + "─" * columns)
    first, last = _format_general(min(xs)), _format_general(max(xs))
    if min(xs) == max(xs):  # one x value, drawn in the middle: label it there
        axis = " " * ((columns - len(first)) // 2) + first + (f" ({x_label})" if x_label else "")
    else:
        axis = first + " " * max(1, columns - len(first) - len(last)) + last
    if x_label and min(xs) != max(xs) and len(x_label) + 2 <= columns - len(first) - len(last):
        middle = (columns - len(x_label)) // 2
        axis = axis[:middle] + x_label + axis[middle + len(x_label):]
    lines.append(" " * (label_width + 2) + axis[:columns])
    lines += legend_lines
    return "\n".join(lines)


# --------------------------------------------------------------------------- scatter and decision regions

def _class_index(value, caller, where):
    """A class label as an int: accepts 2, 2.0 and [2] (an n x 1 target row)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(f"{caller}: {where} has {len(value)} values; pass class indices "
                             "(for one-hot rows use barenn.matrix.argmax)")
        value = value[0]
    whole = _finite(value) and float(value).is_integer() and value >= 0
    if whole and value <= MAX_SIZE:
        return int(value)
    if whole or (_too_large(value) and value > 0):
        raise ValueError(f"{caller}: {where} should be a class index of at most {MAX_SIZE:,}, got "
                         f"{'an int too large for a float' if _too_large(value) else describe(value)}")
    raise ValueError(f"{caller}: {where} should be a class index (0, 1, 2, ...), got {describe(value)}")


def _lighten(colour, amount):
    """Mix a #rrggbb colour with white; amount 0 keeps it, 1 gives white."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def scatter_svg(X, y, path=None, predict=None, resolution=80, title="", x_label="x1", y_label="x2",
                width=560, height=480, class_names=None, marked=None):
    """Plot 2-D points coloured by class; shade decision regions when ``predict`` is given.

    X: n x 2 matrix (list of [x1, x2] rows). y: n class indices (ints, or n x 1 rows).
    predict: optional function taking a list of [x1, x2] rows and returning one class
        index per row; it is called once on a ``resolution`` x ``resolution`` grid of
        cell centres and each cell is filled with a light version of its class colour.
    class_names: optional labels for the legend (default "class 0", "class 1", ...).
    marked: optional indices of samples (rows of X) to draw with a dark ring around
        them, e.g. the ones a network gets wrong.
    Returns the SVG text (and writes it to ``path`` when given).
    """
    caller = "scatter_svg"
    _check_picture(caller, width, height, title, x_label, y_label)
    # resolution x resolution grid points go to predict: at most MAX_SIZE of them
    check_int(caller, "resolution", resolution, low=2, high=10_000)
    if predict is not None and not callable(predict):
        raise TypeError(f"{caller}: predict must be a function or None, got {describe(predict)}")
    check_type(caller, "X", X, (list, tuple), "a non-empty n x 2 matrix (list of [x1, x2] rows)")
    if not X:
        raise ValueError(f"{caller}: X must be a non-empty n x 2 matrix (list of [x1, x2] rows)")
    for i, row in enumerate(X):
        if not isinstance(row, (list, tuple)) or len(row) != 2:
            size = len(row) if isinstance(row, (list, tuple)) else type(row).__name__
            raise ValueError(f"{caller}: X must be n x 2; row {i} has {size} values")
        if not (_finite(row[0]) and _finite(row[1])) or max(abs(row[0]), abs(row[1])) > DATA_LIMIT:
            raise ValueError(f"{caller}: X row {i} must hold two finite numbers of size at most "
                             f"{DATA_LIMIT:g}, got {describe(row)}")
    check_type(caller, "y", y, (list, tuple), "a list of class indices")
    if len(y) != len(X):
        raise ValueError(f"{caller}: X has {len(X)} rows but y has {len(y)} labels")
    labels = [_class_index(v, caller, f"y[{i}]") for i, v in enumerate(y)]
    rings = []
    if marked is not None:
        check_type(caller, "marked", marked, (list, tuple, range, set, frozenset),
                   "a list of sample indices (rows of X)")
        for index in marked:
            if isinstance(index, bool) or not isinstance(index, int) or not -len(X) <= index < len(X):
                raise ValueError(f"{caller}: marked must hold indices of rows of X (0..{len(X) - 1}), "
                                 f"got {describe(index)}")
            rings.append(index % len(X))

    x_low, x_high = _widen(min(r[0] for r in X), max(r[0] for r in X))
    y_low, y_high = _widen(min(r[1] for r in X), max(r[1] for r in X))
    pad_x, pad_y = (x_high - x_low) * 0.05, (y_high - y_low) * 0.05
    x_low, x_high, y_low, y_high = x_low - pad_x, x_high + pad_x, y_low - pad_y, y_high + pad_y

    regions = None
    if predict is not None:
        cell_w, cell_h = (x_high - x_low) / resolution, (y_high - y_low) / resolution
        grid = [[x_low + (i + 0.5) * cell_w, y_low + (j + 0.5) * cell_h]
                for j in range(resolution) for i in range(resolution)]
        predicted = predict(grid)
        predicted = list(predicted) if not isinstance(predicted, list) else predicted
        if len(predicted) != len(grid):
            raise ValueError(f"{caller}: predict returned {len(predicted)} values for {len(grid)} grid points")
        regions = [_class_index(v, caller, f"predict(...)[{k}]") for k, v in enumerate(predicted)]

    classes = sorted(set(labels) | set(regions or ()))
    if class_names is not None:
        check_type(caller, "class_names", class_names, (list, tuple), "a list of class names")
        if len(class_names) <= classes[-1]:
            raise ValueError(f"{caller}: {len(class_names)} class_names for class indices up to {classes[-1]}")
        names = [str(class_names[c]) for c in classes]
    else:
        names = [f"class {c}" for c in classes]
    colour_of = {c: PALETTE[c % len(PALETTE)] for c in classes}

    top = 44 if title else 16
    side_width, below_height, positions = _legend_layout(names, width, height - top - 60)
    plot_bottom = height - (30 + (24 if x_label else 0) + below_height)
    y_ticks, y_step = nice_ticks(y_low, y_high, max(2, int((plot_bottom - top) // 55)))
    y_labels = _tick_labels(y_ticks, y_step)
    left = 14 + max(_text_width(label) for label in y_labels) + (24 if y_label else 0)
    right = width - 16 - side_width
    if right - left < 60 or plot_bottom - top < 60:
        raise ValueError(f"{caller}: {width} x {height} pixels leave no room for the plot")
    x_target = max(2, int((right - left) // 80))
    x_ticks, x_step = nice_ticks(x_low, x_high, x_target)
    x_labels = _tick_labels(x_ticks, x_step)
    x_map = _scale(x_low, x_high, left, right)
    y_map = _scale(y_low, y_high, plot_bottom, top)

    body = []
    if title:
        body.append(_text(width / 2, 26, title, anchor="middle", size=16, weight="bold", extra=' class="title"'))
    if regions is not None:
        # One rectangle per run of equal cells in a grid row keeps the file small;
        # crispEdges stops anti-aliasing from drawing faint seams between them.
        body.append('<g class="regions" shape-rendering="crispEdges" stroke="none">')
        column_px = (right - left) / resolution
        row_px = (plot_bottom - top) / resolution
        for j in range(resolution):
            row = regions[j * resolution:(j + 1) * resolution]
            start = 0
            for i in range(1, resolution + 1):
                if i == resolution or row[i] != row[start]:
                    x0 = left + start * column_px
                    y0 = plot_bottom - (j + 1) * row_px
                    body.append(f'<rect x="{_px(x0)}" y="{_px(y0)}" width="{_px((i - start) * column_px)}" '
                                f'height="{_px(row_px)}" fill="{_lighten(colour_of[row[start]], 0.72)}"/>')
                    start = i
        body.append("</g>")
    axes = _axes((left, top, right, plot_bottom), x_ticks, x_labels, y_ticks, y_labels,
                 x_map, y_map, x_label, y_label)
    if regions is not None:  # keep the shading visible: no grid lines over it
        end_of_grid = axes.index("</g>")
        axes = axes[end_of_grid + 1:]
    body += axes
    body.append('<g class="points" stroke="#ffffff" stroke-width="0.8">')
    for (a, b), c in zip(X, labels):
        body.append(f'<circle cx="{_px(x_map(a))}" cy="{_px(y_map(b))}" r="3.5" fill="{colour_of[c]}"/>')
    body.append("</g>")
    if rings:
        body.append('<g class="marked" fill="none" stroke="#111" stroke-width="1.5">')
        for index in sorted(set(rings)):
            a, b = X[index]
            body.append(f'<circle cx="{_px(x_map(a))}" cy="{_px(y_map(b))}" r="7"/>')
        body.append("</g>")
    origin = (right + 16, top + 10) if side_width else (left, height - below_height + 6)
    body += _legend(names, [colour_of[c] for c in classes], origin, positions, kind="box")
    return _finish(_svg_document(width, height, title, body), path)


# --------------------------------------------------------------------------- digit images

def _image_side(image, side, caller, where):
    """Check one image (flat list, or list of rows) and return (flat pixels, side)."""
    if not isinstance(image, (list, tuple)) or not image:
        raise ValueError(f"{caller}: {where} must be a non-empty list of pixel values")
    if isinstance(image[0], (list, tuple)):  # side x side rows: flatten
        for r, row in enumerate(image):
            if not isinstance(row, (list, tuple)):
                raise ValueError(f"{caller}: {where} row 0 is a list of pixels but row {r} is "
                                 f"{describe(row)}; give a flat list of pixels or a list of rows")
        image = [value for row in image for value in row]
    n = len(image)
    if side is None:
        side = math.isqrt(n)
        if side * side != n:
            raise ValueError(f"{caller}: {where} has {n} pixels, not a square number (64 for 8x8, "
                             "784 for 28x28); pass side= for other shapes")
    elif side * side != n:
        raise ValueError(f"{caller}: {where} has {n} pixels but side={side} needs {side * side}")
    for k, value in enumerate(image):
        if not _is_number(value) or not (0.0 <= value <= 1.0):
            raise ValueError(f"{caller}: {where} pixel {k} is {value!r}; pixels must be numbers in [0, 1] "
                             "(divide 0-255 or 0-16 values by their maximum first)")
    return image, side


def digits_grid_svg(images, true_labels=None, predicted_labels=None, side=None, columns=10, path=None,
                    title="", pixel_size=None):
    """Draw small grey images in a grid with captions; return the SVG text.

    images: list of images, each a flat list of side*side floats in [0, 1] (1 = ink,
        drawn dark) or a side x side list of rows; side is inferred from the length.
    true_labels / predicted_labels: optional, one per image. With both, a caption
        reads "7" when right and "7 (true 9)" in red when wrong; with one, just it.
    columns: images per row. pixel_size: screen pixels per image pixel (default
        so that every image is about 56 px wide).
    """
    caller = "digits_grid_svg"
    check_int(caller, "columns", columns, low=1)
    if side is not None:
        check_int(caller, "side", side, low=1, high=10_000)
    if pixel_size is not None:
        check_int(caller, "pixel_size", pixel_size, low=1, high=1000)
    check_type(caller, "title", title, str, "a string")
    check_type(caller, "images", images, (list, tuple), "a non-empty list of images")
    if not images:
        raise ValueError(f"{caller}: images must be a non-empty list of images")
    flat = []
    for i, image in enumerate(images):
        pixels, image_side = _image_side(image, side, caller, f"image {i}")
        if flat and image_side != flat[0][1]:
            raise ValueError(f"{caller}: image {i} is {image_side}x{image_side} but image 0 is "
                             f"{flat[0][1]}x{flat[0][1]}")
        flat.append((pixels, image_side))
    side = flat[0][1]
    for name, labels in (("true_labels", true_labels), ("predicted_labels", predicted_labels)):
        if labels is not None:
            check_type(caller, name, labels, (list, tuple), "a list with one label per image")
        if labels is not None and len(labels) != len(images):
            raise ValueError(f"{caller}: {len(images)} images but {len(labels)} {name}")

    captions = []
    for i in range(len(images)):
        truth = None if true_labels is None else true_labels[i]
        guess = None if predicted_labels is None else predicted_labels[i]
        if truth is not None and guess is not None:
            wrong = guess != truth
            captions.append((f"{guess} (true {truth})" if wrong else f"{guess}", wrong))
        elif truth is not None or guess is not None:
            captions.append((f"{truth if guess is None else guess}", False))
        else:
            captions.append(None)

    scale = pixel_size or max(1, round(56 / side))
    image_px = side * scale
    caption_size = 11
    caption_px = max((_text_width(c[0], caption_size) for c in captions if c), default=0)
    cell_w = max(image_px, caption_px) + 14
    cell_h = image_px + (18 if any(captions) else 0) + 10
    columns = min(columns, len(images))
    rows = math.ceil(len(images) / columns)
    top = 40 if title else 8
    width = columns * cell_w + 12
    height = top + rows * cell_h + 4

    body = []
    if title:
        body.append(_text(width / 2, 26, title, anchor="middle", size=16, weight="bold", extra=' class="title"'))
    for i, ((pixels, _), caption) in enumerate(zip(flat, captions)):
        col, row = i % columns, i // columns
        x0 = 6 + col * cell_w + (cell_w - image_px) / 2
        y0 = top + row * cell_h
        body.append(f'<g class="digit" transform="translate({_px(x0)} {_px(y0)})">')
        body.append(f'<rect x="0" y="0" width="{image_px}" height="{image_px}" fill="#ffffff" '
                    'stroke="#bbbbbb" stroke-width="1"/>')
        body.append(f'<g transform="scale({scale})" shape-rendering="crispEdges" stroke="none">')
        for r in range(side):
            # Equal neighbours in a row share one rectangle; blank paper needs none.
            shades = [round(255 * (1 - v)) for v in pixels[r * side:(r + 1) * side]]
            start = 0
            for c in range(1, side + 1):
                if c == side or shades[c] != shades[start]:
                    if shades[start] < 250:
                        grey = "#" + f"{shades[start]:02x}" * 3
                        body.append(f'<rect x="{start}" y="{r}" width="{c - start}" height="1" fill="{grey}"/>')
                    start = c
        body.append("</g>")
        if caption:
            text, wrong = caption
            body.append(_text(image_px / 2, image_px + 15, text, anchor="middle", size=caption_size,
                              fill="#d62728" if wrong else "#222",
                              weight="bold" if wrong else None, extra=' class="caption"'))
        body.append("</g>")
    return _finish(_svg_document(width, height, title, body), path)


def terminal_digit(image, side=None, wide=True):
    """Draw one image with shade characters " ░▒▓█" (0 = blank, 1 = full block).

    Each pixel takes two characters when ``wide`` (terminal cells are about twice
    as tall as wide, so this keeps the digit's proportions). Returns side lines.

    >>> print(terminal_digit([0, 1, 0.5, 0.3]))
      ██
    ▒▒░░
    """
    if side is not None:
        check_int("terminal_digit", "side", side, low=1, high=10_000)
    check_bool("terminal_digit", "wide", wide)
    pixels, side = _image_side(image, side, "terminal_digit", "the image")
    repeat = 2 if wide else 1
    lines = []
    for r in range(side):
        row = pixels[r * side:(r + 1) * side]
        lines.append("".join(SHADES[min(len(SHADES) - 1, int(v * len(SHADES)))] * repeat for v in row))
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML report

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .3em; }
h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3em .8em; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
"""


def _metric_text(value):
    """A number to 4 significant digits (0.566667 -> 0.5667); whole numbers as they are."""
    if _is_number(value) and not float(value).is_integer():
        return f"{value:.4g}"
    return str(value)


def _section_html(content):
    """HTML for one piece of a section: an SVG (inlined), a dict (table) or text (pre)."""
    if isinstance(content, (list, tuple)):
        return "\n".join(_section_html(part) for part in content)
    if isinstance(content, dict):
        rows = []
        for key, value in content.items():
            cls = ' class="number"' if _is_number(value) else ""
            rows.append(f"<tr><th>{html.escape(str(key))}</th><td{cls}>{html.escape(_metric_text(value))}</td></tr>")
        return "<table>\n" + "\n".join(rows) + "\n</table>"
    text = str(content)
    stripped = text.lstrip()
    if stripped.startswith("<?xml"):
        stripped = stripped[stripped.index("?>") + 2:].lstrip()
    if stripped.startswith("<svg"):
        # Trusted markup: an SVG made by this module. Anything else is escaped.
        return f'<figure>{stripped.rstrip()}</figure>'
    return f"<pre>{html.escape(text)}</pre>"


def html_report(title, sections, path=None):
    """Build one self-contained HTML page; return it (and write it to ``path``).

    sections: a list of (heading, content) pairs, or a dict heading -> content.
        content is an SVG string from this module (inlined as is), a dict of
        metrics (a two-column table), any other text (shown preformatted,
        escaped), or a list of these. Headings and text are HTML-escaped.
    The page has no external files or scripts, and is also well-formed XML.
    """
    check_type("html_report", "sections", sections, (list, tuple, dict),
               "a list of (heading, content) pairs or a dict heading -> content")
    items = list(sections.items()) if isinstance(sections, dict) else list(sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        f"<title>{html.escape(str(title))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(str(title))}</h1>",
    ]
    for index, item in enumerate(items):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ValueError(f"html_report: section {index} should be a (heading, content) pair")
        heading, content = item
        parts.append("<section>")
        if heading:
            parts.append(f"<h2>{html.escape(str(heading))}</h2>")
        parts.append(_section_html(content))
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return _finish("\n".join(parts) + "\n", path)


# --------------------------------------------------------------------------- training history

def history_series(history, names=None):
    """The non-empty per-epoch lists of a training history, as a dict for plotting.

    history: a dict of lists; or an object with a ``.history`` dict (or list of
        per-epoch dicts); or an object with list attributes ``loss``, ``val_loss``,
        ``accuracy``, ``val_accuracy``, ``learning_rate``.
    names: optional list of the fields to keep (default: all of them).
    Values that are not lists (an epoch count, say) are left out.

    >>> history_series({"loss": [0.9, 0.4], "val_loss": [], "epochs": 2})
    {'loss': [0.9, 0.4]}
    """
    if isinstance(history, dict):
        source = history
    elif isinstance(getattr(history, "history", None), (dict, list)):
        source = history.history
    else:
        source = {name: getattr(history, name) for name in HISTORY_FIELDS if hasattr(history, name)}
        if not source:
            raise TypeError(f"history_series: history must be a dict of lists or a History, "
                            f"got {describe(history)}")
    if isinstance(source, list):  # one dict per epoch -> one list per field
        by_field = {}
        for index, epoch in enumerate(source):
            if not isinstance(epoch, dict):
                raise TypeError("history_series: a list history must hold one dict per epoch")
            for key, value in epoch.items():
                # None marks epochs that lack the field, so x stays the epoch number.
                column = by_field.setdefault(key, [])
                column.extend([None] * (index - len(column)))
                column.append(value)
        source = by_field
    if names is not None:
        check_type("history_series", "names", names, (list, tuple), "a list of field names")
    if not isinstance(source, dict):
        raise TypeError(f"history_series: history must be a dict of lists or a History, "
                        f"got {describe(history)}")
    wanted = list(names) if names is not None else list(source)
    series = {}
    for name in wanted:
        values = source.get(name)
        if isinstance(values, (list, tuple)) and values:
            series[name] = list(values)
    if not series:
        looked = ", ".join(wanted) if wanted else ", ".join(HISTORY_FIELDS)
        raise ValueError(f"history_series: nothing to plot (no non-empty list among: {looked})")
    return series


# --------------------------------------------------------------------------- notebooks

def history_html(history):
    """HTML showing a training History in a notebook (``History._repr_html_``): the
    training and validation loss over the epochs, and the last epoch's figures."""
    epochs = getattr(history, "epoch", None)
    if not isinstance(epochs, list):
        raise TypeError(f"history_html: history must be a History, got {describe(history)}")
    if not epochs:
        return "<p>History (no epochs yet)</p>"
    x = [e + 1 for e in epochs]
    series = {"training loss": list(zip(x, history.loss))}
    if history.val_loss:
        series["validation loss"] = list(zip(x, history.val_loss))
    chart = line_chart_svg(series, title=f"training history: {len(epochs)} epochs",
                           x_label="epoch", y_label="loss", width=480, height=300)
    return chart + _section_html({name.replace("val_", "validation ").replace("_", " "): value
                                  for name, value in history.last().items()})


def network_html(network):
    """HTML showing a Network in a notebook (``Network._repr_html_``): its summary table."""
    summary = getattr(network, "summary", None)
    if not callable(summary):
        raise TypeError(f"network_html: network must be a Network, got {describe(network)}")
    return f"<pre>{html.escape(summary())}</pre>"
