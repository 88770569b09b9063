"""Pictures of a Value graph: Graphviz DOT text, and an SVG drawn here in pure Python.

Both show the same thing as the usual hand drawing of a computation: one box per Value
(its label, ``data`` and ``grad``) and, in front of every computed Value, a small oval
with the operation that made it. Arrows run left to right from inputs to results.

It reads a graph only through each node's ``label``, ``data``, ``grad``, ``op``,
``inputs`` and ``topological_order()``, and imports nothing of the scalar engine, so
``barenn.autograd`` can use it: a notebook shows a Value as this picture
(``Value._repr_svg_``, which calls ``notebook_svg``).

>>> from barenn.autograd import Value
>>> a, b = Value(2.0, "a"), Value(-3.0, "b")
>>> c = a * b
>>> c.label = "c"
>>> print(to_dot(c))
digraph {
  rankdir=LR;
  node [fontname="monospace"];
  v0 [shape=record, label="{ a | data 2.0000 | grad 0.0000 }"];
  v1 [shape=record, label="{ b | data -3.0000 | grad 0.0000 }"];
  v2 [shape=record, label="{ c | data -6.0000 | grad 0.0000 }"];
  v2_op [shape=ellipse, label="*"];
  v2_op -> v2;
  v0 -> v2_op;
  v1 -> v2_op;
}
"""

from xml.sax.saxutils import escape

from barenn._files import atomic_write_text
from barenn.checks import check_int, describe

__all__ = ["to_dot", "to_svg", "notebook_svg", "layout"]

# Drawing sizes in SVG user units (pixels). Text is monospace, about 0.6 em per character.
_FONT_SIZE = 12
_CHAR_WIDTH = 7.3
_BOX_HEIGHT = 26
_ROW_GAP = 18
_COLUMN_GAP = 34
_MARGIN = 12

# Above this many Values a notebook shows the plain repr instead of a huge picture.
NOTEBOOK_MAX_NODES = 400


def check_root(owner, root):
    """``root`` if it looks like a Value (what this module reads of one); else a TypeError."""
    if not all(hasattr(root, name) for name in ("label", "data", "grad", "op", "inputs",
                                                "topological_order")):
        raise TypeError(f"{owner}: root must be a Value, got {describe(root)}")
    return root


def _number(x):
    """A fixed, readable rendering of a float for pictures: 4 decimals, or 4 significant
    digits for very large or tiny magnitudes."""
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x != 0 and not 1e-4 <= abs(x) < 1e6:
        return f"{x:.4g}"
    return f"{x:.4f}"


def _graph_nodes(owner, root):
    """The Values of ``root``'s graph in topological order, once every label and
    operation in it is checked to be a string (a label is assigned freely,
    ``c.label = ...``, and only drawing needs it to be text)."""
    nodes = check_root(owner, root).topological_order()
    for i, node in enumerate(nodes):
        for field in ("label", "op"):
            text = getattr(node, field)
            if not isinstance(text, str):
                raise TypeError(f"{owner}: every Value drawn needs a text {field}; value {i} "
                                f"of the graph ({_number(node.data)}) has {field} {describe(text)}")
    return nodes


def _fields(node):
    """The three texts shown in a value box: label, data, grad."""
    return node.label, f"data {_number(node.data)}", f"grad {_number(node.grad)}"


def _dot_escape(text):
    """Escape the characters that mean something inside a DOT record label."""
    for c in '\\{}|<>"':
        text = text.replace(c, "\\" + c)
    return text


def to_dot(root, path=None):
    """Graphviz DOT text for the graph that made ``root`` (a Value); every edge is listed,
    a Value used twice by one operation gives two edges. Returns the text; with a
    ``path``, writes it there atomically instead and returns the path (a string).
    Render it with ``dot -Tsvg`` if Graphviz is installed; barenn itself does not need
    it (see :func:`to_svg`)."""
    nodes = _graph_nodes("to_dot", root)
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    lines = ["digraph {", "  rankdir=LR;", '  node [fontname="monospace"];']
    for node in nodes:
        label = " | ".join(_dot_escape(text) for text in _fields(node))
        lines.append(f'  {ids[node]} [shape=record, label="{{ {label} }}"];')
        if node.op:
            lines.append(f'  {ids[node]}_op [shape=ellipse, label="{_dot_escape(node.op)}"];')
            lines.append(f"  {ids[node]}_op -> {ids[node]};")
            for child in node.inputs:
                lines.append(f"  {ids[child]} -> {ids[node]}_op;")
    lines.append("}")
    text = "\n".join(lines)
    if path is not None:
        return atomic_write_text(path, text + "\n")
    return text


def layout(root):
    """Place every Value of the graph on a grid of columns, left to right by depth.

    Returns ``(nodes, column, row)``: the Values in topological order, and dicts giving
    each Value's column and row. ``root`` is in the last column. A Value sits one step
    left of its nearest use that keeps every arrow pointing right (so a weight is drawn
    next to the multiplication that uses it, not far away at the left edge). Columns
    count Values only; the operation ovals go between columns.
    """
    nodes = _graph_nodes("layout", root)
    # Distance from the root, along the longest path: results come after their inputs.
    depth = {root: 0}
    for node in reversed(nodes):
        d = depth[node] + 1
        for child in node.inputs:
            if depth.get(child, -1) < d:
                depth[child] = d
    deepest = max(depth.values())
    column = {node: deepest - depth[node] for node in nodes}

    # Rows: fill the columns from the root leftwards; inside a column, order Values by
    # the mean row of the Values that use them (fewer crossing arrows), ties by the order
    # in which a walk from the root first meets them.
    first_met = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node in first_met:
            continue
        first_met[node] = len(first_met)
        stack.extend(reversed(node.inputs))
    users = {node: [] for node in nodes}
    for node in nodes:
        for child in node.inputs:
            users[child].append(node)
    by_column = {}
    for node in nodes:
        by_column.setdefault(column[node], []).append(node)
    row = {}
    for col in sorted(by_column, reverse=True):
        def key(node):
            placed = [row[u] for u in users[node]]
            mean = sum(placed) / len(placed) if placed else 0.0
            return (mean, first_met[node])
        members = sorted(by_column[col], key=key)
        # Centre each column on the rows of the columns already placed.
        for i, node in enumerate(members):
            row[node] = i - (len(members) - 1) / 2.0
    return nodes, column, row


def to_svg(root, path=None):
    """Draw the graph that made ``root`` as SVG text (pure Python, no Graphviz).

    Value boxes show label, data and grad; operation ovals sit in front of the Values they
    made. Each box and oval is a ``<g>`` with an ``id`` and a ``<title>`` naming it.
    Returns the SVG text; with a ``path``, writes it there atomically instead and returns
    the path (a string).
    """
    _graph_nodes("to_svg", root)
    nodes, column, row = layout(root)
    index = {node: i for i, node in enumerate(nodes)}

    # One width for every box and one for every oval, so the columns line up.
    widest = max(len(text) for node in nodes for text in _fields(node))
    field_w = widest * _CHAR_WIDTH + 12
    box_w = 3 * field_w
    ops = [node.op for node in nodes if node.op]
    op_w = max([len(op) * _CHAR_WIDTH + 18 for op in ops] + [_BOX_HEIGHT])
    step_x = box_w + op_w + 2 * _COLUMN_GAP
    step_y = _BOX_HEIGHT + _ROW_GAP

    top = min(row.values())
    n_columns = max(column.values()) + 1
    n_rows = max(row.values()) - top + 1
    # Each column: an operation oval, a gap, the value boxes, a gap to the next column.
    width = 2 * _MARGIN + op_w + _COLUMN_GAP + (n_columns - 1) * step_x + box_w
    height = _MARGIN * 2 + n_rows * step_y - _ROW_GAP

    def box_left(node):
        return _MARGIN + op_w + _COLUMN_GAP + column[node] * step_x

    def centre_y(node):
        return _MARGIN + (row[node] - top) * step_y + _BOX_HEIGHT / 2.0

    def op_centre_x(node):
        return box_left(node) - _COLUMN_GAP - op_w / 2.0

    def curve(x1, y1, x2, y2):
        bend = (x2 - x1) / 2.0
        return (f'<path class="edge" d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} '
                f'{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" marker-end="url(#arrow)"/>')

    parts = [
        # width 100 % with a viewBox: the picture shrinks to the window, never wider
        # than its natural size (max-width), and keeps its proportions.
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'style="max-width: {width:.0f}px; height: auto" font-family="monospace" font-size="{_FONT_SIZE}">',
        "<title>computation graph</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        "<style>.edge{fill:none;stroke:#555;stroke-width:1.2}"
        ".box{fill:#fff;stroke:#333}.op{fill:#eef3ff;stroke:#335}"
        ".leaf .box{fill:#f4f9ee}text{dominant-baseline:central;text-anchor:middle}</style>",
    ]
    # Arrows first, so boxes are drawn on top of them.
    for node in nodes:
        if not node.op:
            continue
        ox, oy = op_centre_x(node), centre_y(node)
        parts.append(curve(ox + op_w / 2.0, oy, box_left(node), oy))
        inputs = node.inputs
        for j, child in enumerate(inputs):
            # Two inputs arrive a little above and below the middle, so a Value used
            # twice (a + a) shows two arrows instead of one drawn over the other.
            dy = (j - 0.5) * 8.0 if len(inputs) == 2 else 0.0
            parts.append(curve(box_left(child) + box_w, centre_y(child), ox - op_w / 2.0, oy + dy))
    for node in nodes:
        i = index[node]
        x, y = box_left(node), centre_y(node)
        label, data, grad = _fields(node)
        name = node.label or f"value {i}"
        kind = "value" if node.op else "value leaf"
        parts.append(f'<g id="v{i}" class="{kind}"><title>{escape(name)}: {escape(data)}, '
                     f'{escape(grad)}</title>')
        parts.append(f'<rect class="box" x="{x:.1f}" y="{y - _BOX_HEIGHT / 2.0:.1f}" '
                     f'width="{box_w:.1f}" height="{_BOX_HEIGHT}" rx="3"/>')
        for k, text in enumerate((label, data, grad)):
            if k:
                sx = x + k * field_w
                parts.append(f'<line x1="{sx:.1f}" y1="{y - _BOX_HEIGHT / 2.0:.1f}" '
                             f'x2="{sx:.1f}" y2="{y + _BOX_HEIGHT / 2.0:.1f}" stroke="#333"/>')
            parts.append(f'<text x="{x + (k + 0.5) * field_w:.1f}" y="{y:.1f}">{escape(text)}</text>')
        parts.append("</g>")
        if node.op:
            ox = op_centre_x(node)
            parts.append(f'<g id="v{i}_op" class="operation"><title>{escape(node.op)} makes '
                         f'{escape(name)}</title>')
            parts.append(f'<ellipse class="op" cx="{ox:.1f}" cy="{y:.1f}" rx="{op_w / 2.0:.1f}" '
                         f'ry="{_BOX_HEIGHT / 2.0:.1f}"/>')
            parts.append(f'<text x="{ox:.1f}" y="{y:.1f}">{escape(node.op)}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    text = "\n".join(parts) + "\n"
    if path is not None:
        return atomic_write_text(path, text)
    return text


def notebook_svg(root, max_nodes=NOTEBOOK_MAX_NODES):
    """SVG text for a notebook, or None (show the repr instead) for graphs with more than
    ``max_nodes`` Values, which would be too big to read and slow to render."""
    check_root("notebook_svg", root)
    check_int("notebook_svg", "max_nodes", max_nodes, low=1)
    if len(root.topological_order()) > max_nodes:
        return None
    return to_svg(root)
