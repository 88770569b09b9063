"""barenn.graph: DOT text and the pure-Python SVG of a Value graph."""

import os
import re
import xml.etree.ElementTree as ET

import pytest

from barenn import graph
from barenn.scalar_nn import example_neuron
from barenn.autograd import Value

SVG = "{http://www.w3.org/2000/svg}"


def neuron_graph():
    """The seed's one-neuron graph, labelled, after backward()."""
    return example_neuron()


def test_dot_lists_every_node_and_edge():
    o = neuron_graph()
    text = graph.to_dot(o)
    nodes = o.topological_order()
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    edge_lines = [line.strip() for line in text.splitlines() if "->" in line]
    expected = []
    for node in nodes:
        assert f'{ids[node]} [shape=record, label="{{ {graph._dot_escape(node.label)} |' in text
        if node.op:
            expected.append(f"{ids[node]}_op -> {ids[node]};")
            expected.extend(f"{ids[child]} -> {ids[node]}_op;" for child in node.inputs)
    assert sorted(edge_lines) == sorted(expected)
    assert len(edge_lines) == 5 + 9  # 5 operations: an arrow out of each, and 2 + 2 + 2 + 2 + 1 in
    assert text.startswith("digraph {") and text.rstrip().endswith("}")
    assert "data 0.7071 | grad 1.0000" in text


def test_dot_shows_a_reused_value_twice():
    a = Value(1.0, "a")
    b = a + a
    text = graph.to_dot(b)
    assert text.count("v0 -> v1_op;") == 2


def test_dot_escapes_record_characters():
    v = Value(1.0, "{x|<y>}")
    text = graph.to_dot(v * 2)
    assert r"\{x\|\<y\>\}" in text


def test_svg_is_well_formed_and_names_every_node():
    o = neuron_graph()
    text = graph.to_svg(o)
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg"
    groups = root.findall(f".//{SVG}g")
    values = [g for g in groups if "value" in g.get("class", "").split()]
    operations = [g for g in groups if g.get("class") == "operation"]
    nodes = o.topological_order()
    assert len(values) == len(nodes) == 10
    assert len(operations) == sum(1 for n in nodes if n.op) == 5
    shown = [" ".join(t.text or "" for t in g.iter(SVG + "text")) for g in values]
    for node in nodes:
        assert any(s.startswith(node.label + " ") for s in shown), node.label
    titles = [g.find(SVG + "title").text for g in values]
    assert "o: data 0.7071, grad 1.0000" in titles
    assert "x1: data 2.0000, grad -1.5000" in titles
    ops_shown = sorted(g.find(SVG + "text").text for g in operations)
    assert ops_shown == ["*", "*", "+", "+", "tanh"]
    # every arrow is drawn: one out of each operation plus one per input
    paths = [p for p in root.iter(SVG + "path") if p.get("class") == "edge"]
    assert len(paths) == 5 + 9


def test_svg_escapes_markup_in_labels():
    v = Value(1.0, "<a & b>")
    text = graph.to_svg(v.exp())
    root = ET.fromstring(text)  # would raise on unescaped markup
    assert any(t.text == "<a & b>" for t in root.iter(SVG + "text"))


def test_layout_runs_left_to_right():
    o = neuron_graph()
    nodes, column, row = graph.layout(o)
    assert column[o] == max(column.values())
    for node in nodes:
        for child in node.inputs:
            assert column[child] < column[node]
    # the bias sits next to the addition that uses it, not at the far left
    b = next(n for n in nodes if n.label == "b")
    n = next(n for n in nodes if n.label == "n")
    assert column[b] == column[n] - 1
    # no two values share a place
    assert len({(column[v], row[v]) for v in nodes}) == len(nodes)


def test_svg_is_written_atomically_to_a_path(tmp_path):
    o = neuron_graph()
    target = tmp_path / "pictures" / "neuron.svg"
    written = graph.to_svg(o, target)
    assert written == str(target)
    assert target.read_text(encoding="utf-8") == graph.to_svg(o)
    assert os.listdir(target.parent) == ["neuron.svg"]  # no temporary file left behind
    dot_target = tmp_path / "neuron.dot"
    assert graph.to_dot(o, dot_target) == str(dot_target)
    assert dot_target.read_text(encoding="utf-8") == graph.to_dot(o) + "\n"


def test_notebook_repr_is_svg_for_small_graphs_only():
    o = neuron_graph()
    svg = graph.notebook_svg(o)
    assert svg is not None and ET.fromstring(svg).tag == SVG + "svg"
    big = Value(0.0)
    for _ in range(graph.NOTEBOOK_MAX_NODES):
        big = big + 1.0
    assert graph.notebook_svg(big) is None


def test_numbers_are_rendered_readably():
    assert graph._number(0.70710678) == "0.7071"
    assert graph._number(-3.0) == "-3.0000"
    assert graph._number(1.5e9) == "1.5e+09"
    assert graph._number(2.5e-7) == "2.5e-07"
    assert graph._number(float("nan")) == "nan"
    assert re.fullmatch(r"-?inf", graph._number(float("-inf")))


def test_graph_does_not_import_autograd():
    """No import circle, not even a lazy one: autograd imports graph (a notebook shows
    a Value as its picture), never the other way round."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(graph))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    names |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not any("autograd" in (name or "") for name in names)
    for method in ("to_dot", "to_svg"):
        assert not hasattr(Value, method)


def test_a_value_shows_its_graph_in_a_notebook():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    assert c._repr_svg_() == graph.to_svg(c)
    big = Value(0.0)
    for _ in range(graph.NOTEBOOK_MAX_NODES):
        big = big + 1.0
    assert big._repr_svg_() is None   # too big to read: the notebook shows the repr


def test_graph_has_no_example_neuron():
    assert not hasattr(graph, "example_neuron")


@pytest.mark.parametrize("function", ["to_dot", "to_svg", "layout", "notebook_svg"])
def test_pictures_need_a_value(function):
    with pytest.raises(TypeError, match=f"^{function}: root must be a Value, got 2.0 \\(float\\)"):
        getattr(graph, function)(2.0)


def test_notebook_max_nodes_is_checked():
    with pytest.raises(ValueError, match="notebook_svg: max_nodes must be a whole number >= 1"):
        graph.notebook_svg(Value(1.0), max_nodes=0)
