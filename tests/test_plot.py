"""Tests for barenn.plot: the SVGs parse as XML and hold what they claim."""

import math
import os
import random
import re
import xml.etree.ElementTree as ET

import pytest

from barenn import plot

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg_text):
    root = ET.fromstring(svg_text)
    assert root.tag == SVG + "svg"
    return root


def texts(root):
    return [el.text for el in root.iter(SVG + "text")]


def elements(root, tag):
    return list(root.iter(SVG + tag))


def group(root, cls):
    found = [g for g in root.iter(SVG + "g") if g.get("class") == cls]
    return found[0] if found else None


def path_points(d):
    """[(x, y), ...] from an 'M x y L x y ...' path."""
    return [(float(a), float(b)) for a, b in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", d)]


# --------------------------------------------------------------------------- ticks

def test_nice_ticks_use_1_2_5_steps_and_cover_the_range():
    rng = random.Random(3)
    for _ in range(300):
        low = rng.uniform(-1000, 1000) * 10 ** rng.randint(-6, 3)
        high = low + rng.uniform(1e-3, 50) * 10 ** rng.randint(-6, 3)
        ticks, step = plot.nice_ticks(low, high, target=5, extend=True)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-9
        assert ticks[0] <= low + 1e-9 * abs(low) and ticks[-1] >= high - 1e-9 * abs(high)
        assert 3 <= len(ticks) - 1 <= 9
        for a, b in zip(ticks, ticks[1:]):
            # exact up to float rounding at the ticks' magnitude
            assert b - a == pytest.approx(step, abs=8 * math.ulp(max(abs(a), abs(b))))
        inside, _ = plot.nice_ticks(low, high, target=5)
        assert all(low - 1e-9 * abs(low) <= t <= high + 1e-9 * abs(high) for t in inside)


def test_nice_ticks_of_a_single_value_do_not_divide_by_zero():
    ticks, step = plot.nice_ticks(2.0, 2.0)
    assert step > 0 and ticks[0] < 2.0 < ticks[-1]
    ticks, step = plot.nice_ticks(0.0, 0.0)
    assert ticks[0] < 0.0 < ticks[-1]
    with pytest.raises(ValueError, match="finite"):
        plot.nice_ticks(0.0, float("inf"))


# --------------------------------------------------------------------------- line chart

def test_line_chart_has_title_labels_legend_and_ticks():
    series = {"loss": [1.2, 0.8, 0.5, 0.4, 0.35], "val_loss": [1.3, 0.9, 0.7, 0.65, 0.66]}
    root = parse(plot.line_chart_svg(series, title="Training & test", y_label="loss"))
    found = texts(root)
    for expected in ("Training & test", "epoch", "loss", "val_loss"):
        assert expected in found
    assert root.find(SVG + "title").text == "Training & test"
    tick_texts = [el.text for el in root.iter(SVG + "text") if el.get("class") == "tick"]
    values = [float(t) for t in tick_texts]
    assert len(values) >= 6  # at least a few on each axis
    assert set(range(5)) <= set(values)  # integer epochs 0..4 labelled
    paths = elements(root, "path")
    assert len(paths) == 2
    assert [len(path_points(p.get("d"))) for p in paths] == [5, 5]
    assert len({g.get("stroke") for g in root.iter(SVG + "g") if g.get("class") == "series"}) == 2


def test_line_chart_positions_match_the_tick_labels():
    # The points y = 0 and y = 10 must sit exactly at the labelled ticks "0" and "10".
    root = parse(plot.line_chart_svg({"s": [0, 5, 10]}))
    tick_y = {el.text: float(el.get("y")) - 4 for el in root.iter(SVG + "text")
              if el.get("class") == "tick" and el.get("text-anchor") == "end"}
    tick_x = {el.text: float(el.get("x")) for el in root.iter(SVG + "text")
              if el.get("class") == "tick" and el.get("text-anchor") == "middle"}
    (p0, p1, p2) = path_points(elements(root, "path")[0].get("d"))
    assert p0[1] == pytest.approx(tick_y["0"], abs=0.02)
    assert p2[1] == pytest.approx(tick_y["10"], abs=0.02)
    assert p1[1] == pytest.approx((p0[1] + p2[1]) / 2, abs=0.02)
    assert p0[0] == pytest.approx(tick_x["0"], abs=0.02) and p2[0] == pytest.approx(tick_x["2"], abs=0.02)
    assert p0[1] > p2[1]  # larger values are drawn higher up (smaller SVG y)


def test_line_chart_accepts_xy_pairs():
    root = parse(plot.line_chart_svg({"curve": [(-3.0, 9.0), (0.0, 0.0), (3.0, 9.0)]}))
    points = path_points(elements(root, "path")[0].get("d"))
    assert points[0][1] == pytest.approx(points[2][1]) and points[1][1] > points[0][1]
    assert "-2" in texts(root) or "-3" in texts(root)


def test_nan_and_inf_leave_gaps_and_lone_points_become_dots():
    nan, inf = float("nan"), float("inf")
    root = parse(plot.line_chart_svg({"a": [1.0, 2.0, nan, 3.0, 4.0, inf, 5.0], "b": [None, 2.0, 1.0]}))
    svg_text = ET.tostring(root, encoding="unicode")
    assert "nan" not in svg_text.lower() and "inf" not in svg_text.lower()
    paths = [path_points(p.get("d")) for p in elements(root, "path")]
    assert sorted(len(p) for p in paths) == [2, 2, 2]  # a: two runs of 2; b: one run of 2
    assert len(elements(root, "circle")) == 1  # the lone 5.0 after inf


def test_single_point_and_flat_line_are_drawn_inside_the_frame():
    root = parse(plot.line_chart_svg({"one": [3.0], "flat": [2.0, 2.0, 2.0]}))
    frame = [r for r in elements(root, "rect") if r.get("fill") == "none"][0]
    top = float(frame.get("y"))
    bottom = top + float(frame.get("height"))
    (circle,) = elements(root, "circle")
    flat = path_points(elements(root, "path")[0].get("d"))
    assert len({y for _, y in flat}) == 1
    for y in (float(circle.get("cy")), flat[0][1]):
        assert top < y < bottom
    assert float(circle.get("cy")) < flat[0][1]  # 3 is above 2
    assert not any(math.isnan(float(v)) for el in root.iter() for k, v in el.attrib.items()
                   if k in ("x", "y", "cx", "cy", "x1", "y1"))


def test_line_chart_log_scale():
    losses = [2.0 * 0.5 ** e for e in range(12)]  # 2 down to about 0.001
    root = parse(plot.line_chart_svg({"loss": losses + [0.0]}, log_y=True))
    labels = [el.text for el in root.iter(SVG + "text")
              if el.get("class") == "tick" and el.get("text-anchor") == "end"]
    assert "1" in labels and "0.01" in labels
    ys = [y for _, y in path_points(elements(root, "path")[0].get("d"))]
    assert len(ys) == 12  # the 0.0 is skipped on a log axis
    gaps = [b - a for a, b in zip(ys, ys[1:])]
    assert max(gaps) == pytest.approx(min(gaps), abs=0.02)  # halving is a constant step
    with pytest.raises(ValueError, match="positive"):
        plot.line_chart_svg({"loss": [0.0, -1.0]}, log_y=True)


def test_long_legends_move_below_the_plot_and_stay_inside_the_picture():
    names = [f"a very long series name number {i}" for i in range(6)]
    root = parse(plot.line_chart_svg({n: [i, i + 1] for i, n in enumerate(names)}, width=500, height=400))
    legend = group(root, "legend")
    legend_texts = [t for t in legend.iter(SVG + "text")]
    assert [t.text for t in legend_texts] == names
    for t in legend_texts:
        assert 0 <= float(t.get("x")) and float(t.get("x")) + 7 * len(t.text) <= 500
        assert 0 <= float(t.get("y")) <= 400
    frame = [r for r in elements(root, "rect") if r.get("fill") == "none"][0]
    frame_bottom = float(frame.get("y")) + float(frame.get("height"))
    assert all(float(t.get("y")) > frame_bottom for t in legend_texts)


def test_line_chart_errors():
    with pytest.raises(ValueError, match="empty"):
        plot.line_chart_svg({})
    with pytest.raises(ValueError, match="'loss' is empty"):
        plot.line_chart_svg({"loss": []})
    with pytest.raises(ValueError, match="no finite points"):
        plot.line_chart_svg({"loss": [float("nan"), float("inf")]})
    with pytest.raises(TypeError, match="dict"):
        plot.line_chart_svg([1, 2, 3])
    with pytest.raises(TypeError, match="not a number"):
        plot.line_chart_svg({"loss": [1.0, "x"]})
    with pytest.raises(ValueError, match=r"\(x, y\) pair"):
        plot.line_chart_svg({"loss": [(1, 2, 3)]})
    with pytest.raises(ValueError, match="height"):
        plot.line_chart_svg({"loss": [1, 2]}, height=60)


def test_a_series_with_no_finite_values_is_named_in_the_legend():
    root = parse(plot.line_chart_svg({"loss": [1.0, 0.5], "broken": [float("nan")]}))
    assert "broken (no finite values)" in texts(root)


def test_written_atomically_and_same_text_returned(tmp_path):
    target = tmp_path / "sub" / "chart.svg"
    text = plot.line_chart_svg({"loss": [1, 0.5]}, path=target)
    assert target.read_text(encoding="utf-8") == text
    text2 = plot.line_chart_svg({"loss": [3, 2, 1]}, path=target)
    assert target.read_text(encoding="utf-8") == text2 != text
    assert os.listdir(target.parent) == ["chart.svg"]  # no temporary files left behind
    assert plot.line_chart_svg({"loss": [3, 2, 1]}) == text2  # deterministic


# --------------------------------------------------------------------------- terminal chart

def test_terminal_chart_size_and_labels():
    chart = plot.terminal_chart({"loss": [1.5, 1.0, 0.7, 0.5, 0.45]}, width=60, height=12)
    lines = chart.split("\n")
    assert len(lines) == 12
    assert all(len(line) <= 60 for line in lines)
    assert lines[0].lstrip().startswith("1.5") and lines[-4].lstrip().startswith("0.45")
    assert "loss" in lines[-1] and "epoch" in lines[-2]
    body = "".join(lines[:-3])
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in body)  # braille dots
    # a falling curve: the top row is drawn at the left, the bottom row at the right
    top_row, bottom_row = lines[0].split("┤")[1], lines[-4].split("┤")[1]
    assert top_row[0] != " " and top_row.rstrip() != "" and len(top_row.rstrip()) < 30
    assert bottom_row[-1] != " " and bottom_row.strip() and bottom_row.index(bottom_row.strip()[0]) > 30


def test_terminal_chart_several_series_use_distinct_markers(monkeypatch):
    monkeypatch.setattr(plot.shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((50, 20)))
    series = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.3, 0.6, 0.9], "lr": [float("nan"), 0.5, 0.5]}
    chart = plot.terminal_chart(series, height=10)
    lines = chart.split("\n")
    assert len(lines) == 10 and all(len(line) <= 49 for line in lines)
    legend = lines[-1]
    for marker, name in zip(plot.TERMINAL_MARKERS, series):
        assert f"{marker} {name}" in legend
        assert marker in "".join(lines[:-3])
    assert lines[0].lstrip().startswith("1")  # the largest value of all series
    assert lines[-4].lstrip().startswith("0.3")


def test_terminal_chart_flat_and_single_point_and_errors():
    flat = plot.terminal_chart({"flat": [2.0, 2.0, 2.0]}, width=40, height=8).split("\n")
    assert len(flat) == 8
    one = plot.terminal_chart({"one": [7.0]}, width=40, height=8).split("\n")
    assert sum(0x2800 < ord(ch) <= 0x28FF for ch in "".join(one[:-3])) == 1  # one dot
    assert one[-1] == "⠒⠒ one"
    assert one[-2].split() == ["0", "(epoch)"]
    narrow = plot.terminal_chart({"x": [(-123456.5, 1), (123456.5, 2)]}, width=16, height=6, x_label="a long label")
    assert all(len(line) <= 16 for line in narrow.split("\n"))
    with pytest.raises(ValueError, match="narrow"):
        plot.terminal_chart({"a": [1, 2]}, width=8)
    with pytest.raises(ValueError, match="small"):
        plot.terminal_chart({"a": [1, 2]}, width=40, height=3)
    with pytest.raises(ValueError, match="no finite"):
        plot.terminal_chart({"a": [float("nan")]}, width=40)
    with pytest.raises(ValueError, match="empty"):
        plot.terminal_chart({}, width=40)


# --------------------------------------------------------------------------- scatter

def _blobs(n_per_class=15, seed=0):
    rng = random.Random(seed)
    X, y = [], []
    for c, (cx, cy) in enumerate([(-1.0, 0.0), (1.0, 0.5), (0.0, 2.0)]):
        for _ in range(n_per_class):
            X.append([cx + rng.gauss(0, 0.3), cy + rng.gauss(0, 0.3)])
            y.append(c)
    return X, y


def test_scatter_draws_one_circle_per_point_coloured_by_class():
    X, y = _blobs()
    root = parse(plot.scatter_svg(X, y, title="blobs"))
    circles = elements(root, "circle")
    assert len(circles) == len(X)
    for c in range(3):
        assert sum(ci.get("fill") == plot.PALETTE[c] for ci in circles) == y.count(c)
    assert {"blobs", "class 0", "class 1", "class 2", "x1", "x2"} <= set(texts(root))
    assert group(root, "regions") is None
    # the leftmost point of class 0 is drawn left of the rightmost point of class 1
    xs = [float(ci.get("cx")) for ci in circles]
    assert xs[min(range(len(X)), key=lambda i: X[i][0])] == min(xs)


def test_scatter_shades_decision_regions_from_predict():
    X, y = _blobs()
    calls = []

    def predict(rows):
        calls.append(rows)
        return [0 if a < 0 else 1 for a, _ in rows]  # left half class 0, right half class 1

    root = parse(plot.scatter_svg(X, y, predict=predict, resolution=10))
    assert len(calls) == 1 and len(calls[0]) == 100 and all(len(r) == 2 for r in calls[0])
    rects = list(group(root, "regions").iter(SVG + "rect"))
    assert len(rects) == 20  # each of 10 grid rows: one run of 0s, one run of 1s
    fills = {r.get("fill") for r in rects}
    assert fills == {plot._lighten(plot.PALETTE[0], 0.72), plot._lighten(plot.PALETTE[1], 0.72)}
    left_fill = min(rects, key=lambda r: float(r.get("x"))).get("fill")
    assert left_fill == plot._lighten(plot.PALETTE[0], 0.72)
    assert len(elements(root, "circle")) == len(X)
    # the regions are drawn before (under) the points
    order = [el for el in root.iter() if el.get("class") in ("regions", "points")]
    assert [el.get("class") for el in order] == ["regions", "points"]


def test_scatter_accepts_column_targets_and_class_names(tmp_path):
    X = [[0, 0], [1, 1], [2, 0]]
    root = parse(plot.scatter_svg(X, [[0], [1], [1]], class_names=["no", "yes"], path=tmp_path / "s.svg"))
    assert {"no", "yes"} <= set(texts(root))
    assert os.listdir(tmp_path) == ["s.svg"]


def test_scatter_errors():
    X, y = _blobs(2)
    with pytest.raises(ValueError, match="n x 2; row 1 has 3"):
        plot.scatter_svg([[0, 0], [1, 2, 3]], [0, 1])
    with pytest.raises(ValueError, match="has 6 rows but y has 5"):
        plot.scatter_svg(X, y[:-1])
    with pytest.raises(ValueError, match="non-empty"):
        plot.scatter_svg([], [])
    with pytest.raises(ValueError, match="class index"):
        plot.scatter_svg(X, [0.5] * len(X))
    with pytest.raises(ValueError, match="argmax"):
        plot.scatter_svg(X, [[1, 0, 0]] * len(X))
    with pytest.raises(ValueError, match="predict returned 3 values"):
        plot.scatter_svg(X, y, predict=lambda rows: [0, 1, 2], resolution=4)
    with pytest.raises(ValueError, match="finite"):
        plot.scatter_svg([[0, float("nan")], [1, 1]], [0, 1])


# --------------------------------------------------------------------------- digits

def _fake_digit(k, side=8):
    """A deterministic test image: a diagonal stroke whose position depends on k."""
    return [1.0 if (r + c + k) % side == 0 else (0.5 if r == k % side else 0.0)
            for r in range(side) for c in range(side)]


def test_digits_grid_has_a_caption_per_image_and_marks_mistakes():
    images = [_fake_digit(k) for k in range(13)]
    truth = [k % 10 for k in range(13)]
    guess = [t if k % 4 else (t + 1) % 10 for k, t in enumerate(truth)]
    root = parse(plot.digits_grid_svg(images, truth, guess, columns=5))
    captions = [t for t in root.iter(SVG + "text") if t.get("class") == "caption"]
    assert len(captions) == len(images)
    wrong = [t for t in captions if t.get("fill") == "#d62728"]
    assert len(wrong) == sum(g != t for g, t in zip(guess, truth))
    assert "1 (true 0)" in [t.text for t in wrong]
    assert all("true" not in t.text for t in captions if t not in wrong)
    digits = [g for g in root.iter(SVG + "g") if g.get("class") == "digit"]
    assert len(digits) == 13
    # 5 columns -> 3 rows of images
    ys = sorted({float(re.search(r"translate\(\S+ (\S+)\)", g.get("transform")).group(1)) for g in digits})
    assert len(ys) == 3


def test_digits_pixels_are_grey_levels():
    image = [0.0] * 64
    image[0], image[9] = 1.0, 0.5
    root = parse(plot.digits_grid_svg([image], true_labels=[3]))
    pixels = [r for r in root.iter(SVG + "rect") if r.get("height") == "1"]
    fills = sorted(r.get("fill") for r in pixels)
    assert fills == ["#000000", "#808080"]  # ink black, half grey, blank paper not drawn
    assert [t.text for t in root.iter(SVG + "text")] == ["3"]


def test_digits_side_inferred_for_mnist_size():
    images = [_fake_digit(k, side=28) for k in range(3)]
    root = parse(plot.digits_grid_svg(images, predicted_labels=[4, 5, 6]))
    assert [t.text for t in root.iter(SVG + "text")] == ["4", "5", "6"]
    scales = {g.get("transform") for g in root.iter(SVG + "g") if (g.get("transform") or "").startswith("scale")}
    assert scales == {"scale(2)"}  # 28 px images drawn at 2x


def test_digits_errors():
    with pytest.raises(ValueError, match="not a square"):
        plot.digits_grid_svg([[0.0] * 63])
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        plot.digits_grid_svg([[16.0] * 64])
    with pytest.raises(ValueError, match="2 images but 1 true_labels"):
        plot.digits_grid_svg([[0.0] * 64] * 2, true_labels=[1])
    with pytest.raises(ValueError, match="image 1 is 28x28"):
        plot.digits_grid_svg([[0.0] * 64, [0.0] * 784])
    with pytest.raises(ValueError, match="non-empty"):
        plot.digits_grid_svg([])


def test_terminal_digit():
    image = _fake_digit(0)
    lines = plot.terminal_digit(image).split("\n")
    assert len(lines) == 8 and all(len(line) == 16 for line in lines)
    assert lines[0][:2] == "██" and lines[1][:2] == "  " and lines[0][2:4] == "▒▒"
    narrow = plot.terminal_digit([[0.0, 0.3], [0.6, 1.0]], wide=False)
    assert narrow == " ░\n▓█"
    with pytest.raises(ValueError, match="side=3 needs 9"):
        plot.terminal_digit([0.0] * 8, side=3)


# --------------------------------------------------------------------------- HTML report

def test_html_report_is_self_contained_and_escaped(tmp_path):
    chart = plot.line_chart_svg({"loss": [1.0, 0.5]}, title="Loss")
    page = plot.html_report(
        "Run <1> & \"friends\"",
        [("Curves", chart), ("Final metrics", {"accuracy": 0.91333333, "loss<": 0.25, "epochs": 10}),
         ("Summary", "Dense(2, 64)\n<script>alert(1)</script>")],
        path=tmp_path / "report.html",
    )
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == page
    assert os.listdir(tmp_path) == ["report.html"]
    root = ET.fromstring(page)  # the page is well-formed XML too
    assert root.tag == "html"
    assert root.find("head/title").text == 'Run <1> & "friends"'
    assert "Run &lt;1&gt; &amp; &quot;friends&quot;" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    svgs = list(root.iter(SVG + "svg"))
    assert len(svgs) == 1 and "Loss" in texts(svgs[0])
    cells = [(tr.find("th").text, tr.find("td").text) for tr in root.iter("tr")]
    assert cells == [("accuracy", "0.9133"), ("loss<", "0.25"), ("epochs", "10")]
    assert [h.text for h in root.iter("h2")] == ["Curves", "Final metrics", "Summary"]
    assert "src=" not in page and "href=" not in page  # nothing external


def test_html_report_accepts_a_dict_and_lists_and_rejects_bad_sections():
    page = plot.html_report("t", {"Both": ["some text", {"a": 1}]})
    root = ET.fromstring(page)
    assert root.find(".//pre").text == "some text" and len(list(root.iter("tr"))) == 1
    with pytest.raises(ValueError, match="section 0"):
        plot.html_report("t", ["just a string"])


# --------------------------------------------------------------------------- history

class _AttributeHistory:
    def __init__(self):
        self.loss = [1.0, 0.7, 0.5]
        self.accuracy = [0.4, 0.6, 0.8]
        self.val_loss = []
        self.val_accuracy = []
        self.learning_rate = [0.1, 0.1, 0.1]


class _DictHistory:
    def __init__(self):
        self.history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": []}


def test_history_series_from_attributes_dicts_and_epoch_records():
    assert plot.history_series(_AttributeHistory()) == {
        "loss": [1.0, 0.7, 0.5], "accuracy": [0.4, 0.6, 0.8], "learning_rate": [0.1, 0.1, 0.1]}
    assert plot.history_series(_DictHistory()) == {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
    assert plot.history_series({"loss": [2, 1], "epochs": 2}) == {"loss": [2, 1]}
    records = {"history": [{"loss": 1.0}, {"loss": 0.5, "val_loss": 0.7}]}
    assert plot.history_series(type("H", (), records)()) == {"loss": [1.0, 0.5], "val_loss": [None, 0.7]}
    assert plot.history_series(_AttributeHistory(), names=["loss"]) == {"loss": [1.0, 0.7, 0.5]}
    with pytest.raises(ValueError, match="nothing to plot"):
        plot.history_series({"loss": []})


def test_history_plots_as_a_line_chart_and_in_the_terminal():
    series = plot.history_series(_AttributeHistory())
    root = parse(plot.line_chart_svg(series))
    assert {"loss", "accuracy", "learning_rate"} <= set(texts(root))
    chart = plot.terminal_chart(series, width=50, height=10)
    assert "loss" in chart and "learning_rate" in chart


@pytest.mark.parametrize("call, error, function, argument", [
    (lambda: plot.nice_ticks("0", 1), TypeError, "nice_ticks", "low"),
    (lambda: plot.nice_ticks(0, float("inf")), ValueError, "nice_ticks", "high"),
    (lambda: plot.nice_ticks(0, 1, target=0), ValueError, "nice_ticks", "target"),
    (lambda: plot.line_chart_svg({"a": [1, 2]}, width=2.5), TypeError, "line_chart_svg", "width"),
    (lambda: plot.line_chart_svg({"a": [1, 2]}, height=2**64), ValueError, "line_chart_svg", "height"),
    (lambda: plot.line_chart_svg({"a": [1, 2]}, title=None), TypeError, "line_chart_svg", "title"),
    (lambda: plot.line_chart_svg({"a": [1, 2]}, log_y="yes"), TypeError, "line_chart_svg", "log_y"),
    (lambda: plot.terminal_chart({"a": [1, 2]}, width=40.0), TypeError, "terminal_chart", "width"),
    (lambda: plot.terminal_chart({"a": [1, 2]}, width=40, height=2**64), ValueError,
     "terminal_chart", "height"),
    (lambda: plot.scatter_svg([[0, 0], [1, 1]], [0, 1], resolution=1), ValueError, "scatter_svg",
     "resolution"),
    (lambda: plot.scatter_svg([[0, 0], [1, 1]], [0, 1], resolution=2**64), ValueError, "scatter_svg",
     "resolution"),
    (lambda: plot.scatter_svg([[0, 0], [1, 1]], [0, 1], predict=3), TypeError, "scatter_svg", "predict"),
    (lambda: plot.digits_grid_svg([[0.0] * 64], columns=0), ValueError, "digits_grid_svg", "columns"),
    (lambda: plot.digits_grid_svg([[0.0] * 64], columns=2.0), TypeError, "digits_grid_svg", "columns"),
    (lambda: plot.digits_grid_svg([[0.0] * 64], pixel_size=-1), ValueError, "digits_grid_svg",
     "pixel_size"),
    (lambda: plot.terminal_digit([0.0] * 4, wide=1), TypeError, "terminal_digit", "wide"),
    (lambda: plot.terminal_digit([0.0] * 4, side="2"), TypeError, "terminal_digit", "side"),
    (lambda: plot.line_chart_svg([1, 2]), TypeError, "line_chart_svg", "series"),
    (lambda: plot.scatter_svg(5, [0]), TypeError, "scatter_svg", "X"),
    (lambda: plot.scatter_svg([[0, 0]], 0), TypeError, "scatter_svg", "y"),
    (lambda: plot.digits_grid_svg("image"), TypeError, "digits_grid_svg", "images"),
])
def test_bad_arguments_name_the_function_and_the_argument(call, error, function, argument):
    """One way to check arguments (barenn.checks): same exception type, same message style."""
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(f"{function}: {argument} must be "), str(info.value)


def test_svgs_scale_with_the_window():
    from barenn.graph import to_svg
    from barenn.scalar_nn import example_neuron

    for svg in (plot.line_chart_svg({"loss": [1.0, 0.5]}, width=500, height=300),
                plot.scatter_svg([[0.0, 1.0], [1.0, 0.0]], [0, 1]),
                to_svg(example_neuron())):
        root = parse(svg)
        assert root.get("width") == "100%" and root.get("height") is None
        assert root.get("viewBox").startswith("0 0 ") and "max-width" in root.get("style")


def test_log_axes_tick_at_every_decade():
    ticks, labels = plot._log_ticks(1e-6, 1.0, 100)  # six decades in 100 pixels: crowded
    assert ticks == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert 2 <= sum(1 for label in labels if label) < len(ticks)  # some left unlabelled
    roomy, roomy_labels = plot._log_ticks(1e-3, 1.0, 600)
    assert {1e-3, 1e-2, 1e-1, 1.0} <= set(roomy) and all(roomy_labels)


def test_scatter_marks_samples_with_rings():
    X, y = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [0, 1, 0]
    root = parse(plot.scatter_svg(X, y, marked=[2, -1]))
    rings = [g for g in root.iter(SVG + "g") if g.get("class") == "marked"]
    assert len(rings) == 1 and len(list(rings[0])) == 1  # index 2 and -1 are the same sample
    with pytest.raises(ValueError, match="scatter_svg: marked must hold indices"):
        plot.scatter_svg(X, y, marked=[3])
    with pytest.raises(TypeError, match="scatter_svg: marked must be"):
        plot.scatter_svg(X, y, marked=1)


def test_report_rounds_to_four_significant_digits():
    page = plot.html_report("t", {"m": {"test accuracy": 0.566667, "epochs": 30}})
    assert "0.5667" in page and "0.566667" not in page and ">30<" in page


@pytest.mark.parametrize("call, error, words", [
    (lambda: plot.history_series({"loss": [1.0]}, names=3), TypeError, "history_series: names"),
    (lambda: plot.history_series(5), TypeError, "history_series: history"),
    (lambda: plot.html_report("t", 5), TypeError, "html_report: sections"),
    (lambda: plot.digits_grid_svg([[0.0] * 4], true_labels=3), TypeError, "digits_grid_svg: true_labels"),
    (lambda: plot.scatter_svg([[0.0, 1.0]], [0], class_names=2.5), TypeError, "scatter_svg: class_names"),
])
def test_plot_functions_name_themselves_for_odd_arguments(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_every_chart_axis_has_a_label():
    svg = plot.line_chart_svg({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    texts = [t.text for t in parse(svg).iter(SVG + "text")]
    assert "loss" in texts and "epoch" in texts


def test_history_and_network_show_themselves_in_a_notebook():
    from barenn.cli import build_network
    from barenn.datasets import xor

    X, y = xor(samples=20, seed=0)
    net = build_network(2, 2, [4], "relu", "classification", "adam", None, 0.0, 0)
    history = net.fit(X, y, epochs=3, validation=(X, y), verbose=0)
    page = history._repr_html_()
    assert page.startswith("<svg") and "validation loss" in page and "val_" not in page
    assert "Dense(2, 4" in net._repr_html_() and net._repr_html_().startswith("<pre>")
    from barenn.history import History

    assert "no epochs" in History()._repr_html_()
    with pytest.raises(TypeError, match="history_html: history must be a History"):
        plot.history_html(5)
    with pytest.raises(TypeError, match="network_html: network must be a Network"):
        plot.network_html(5)
