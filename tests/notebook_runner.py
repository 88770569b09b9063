"""Run a notebook's code cells in order, the way Jupyter would, with the standard library.

    python tests/notebook_runner.py NOTEBOOK.ipynb RESULT.json

Every code cell runs in one fresh namespace (``__name__ == "__main__"``), its source
registered with linecache as IPython does (so ``inspect.getsource`` finds functions
defined in a cell). What a cell prints is captured; a cell's last expression, when not
None, is kept apart as its result (Jupyter's ``Out[n]``); the kernel's ``display``
is a stand-in that records the SVG or HTML of what it is given. The run stops at the
first exception: ``LessonEnded`` (a lesson's early end) and ``SystemExit`` give the
status, anything else status 1 and its traceback.

RESULT.json: {"status", "error", "cells": [{"kind", "type", "text"}], "pictures":
[{"cell", "mime", "chars"}], "results": [{"cell", "repr"}]}. For a markdown cell
"text" is its source, for a code cell what it printed.
"""

import ast
import builtins
import contextlib
import io
import json
import linecache
import sys
import traceback


def install_display(pictures, current):
    """A stand-in for the ``display`` a Jupyter kernel puts among the builtins: it
    records what it is asked to show."""
    def display(*objects):
        for obj in objects:
            for method, mime in (("_repr_svg_", "image/svg+xml"), ("_repr_html_", "text/html")):
                show = getattr(obj, method, None)
                text = show() if show else None
                if text:
                    assert text.lstrip().startswith("<"), f"{method} gave {text[:40]!r}"
                    pictures.append({"cell": current[0], "mime": mime, "chars": len(text)})
                    break
            else:
                print(repr(obj))
    builtins.display = display


def run_cell(source, name, namespace):
    """Run ``source`` like a notebook cell; return the value of its last expression."""
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    tree = ast.parse(source, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), name, "eval"), namespace)
    return None


def run(notebook):
    cells, pictures, results = [], [], []
    current = [0]
    install_display(pictures, current)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    status, error = 0, None
    for index, cell in enumerate(notebook["cells"]):
        kind = cell.get("metadata", {}).get("barenn", {}).get("kind")
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            cells.append({"kind": kind, "type": cell["cell_type"], "text": source})
            continue
        current[0] = index
        printed = io.StringIO()
        stop = False
        try:
            with contextlib.redirect_stdout(printed):
                value = run_cell(source, f"<cell {index}>", namespace)
            if value is not None:
                results.append({"cell": index, "repr": repr(value)})
        except SystemExit as end:  # e.g. lesson.agree finding a difference
            stop, code = True, end.code
            status = 0 if code is None else code if isinstance(code, int) else 1
            error = None if isinstance(code, int) or code is None else str(code)
        except Exception as problem:  # noqa: BLE001 - reported, as a notebook shows it
            stop = True
            if type(problem).__name__ == "LessonEnded":
                status = problem.status
            else:
                status, error = 1, traceback.format_exc()
        cells.append({"kind": kind, "type": "code", "text": printed.getvalue()})
        if stop:
            break
    return {"status": status, "error": error, "cells": cells, "pictures": pictures,
            "results": results}


def main(argv):
    notebook_path, result_path = argv
    with open(notebook_path, encoding="utf-8") as f:
        notebook = json.load(f)
    result = run(notebook)
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
