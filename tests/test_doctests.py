"""Run the examples in the docstrings of every barenn module.

Modules are found with pkgutil, so a new module is covered as soon as it exists.
Every module must import (using nothing but the standard library); a module whose
examples fail, fails.
``barenn.__main__`` is left out: importing it runs the command line.
"""

import contextlib
import doctest
import importlib
import io
import pkgutil

import pytest

import barenn

MODULES = sorted(
    ["barenn"] + [
        info.name for info in pkgutil.walk_packages(barenn.__path__, prefix="barenn.")
        if info.name.rsplit(".", 1)[-1] != "__main__"
    ]
)

_results = {}


def run_doctests(name):
    """(failed, attempted, report) for one module, run once per test session.

    Fails the test if the module does not import.
    """
    if name not in _results:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - reported below, naming the module
            _results[name] = error
        else:
            report = io.StringIO()
            with contextlib.redirect_stdout(report):
                failed, attempted = doctest.testmod(module, verbose=False, report=True)
            _results[name] = (failed, attempted, report.getvalue())
    result = _results[name]
    if isinstance(result, Exception):
        pytest.fail(f"{name} does not import: {type(result).__name__}: {result}")
    return result


def test_modules_were_found():
    assert "barenn.matrix" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    failed, attempted, report = run_doctests(name)
    assert failed == 0, f"{failed} of {attempted} examples failed in {name}:\n{report}"


def test_at_least_one_example_ran():
    attempted = 0
    for name in MODULES:
        attempted += run_doctests(name)[1]
    assert attempted > 0
    # barenn.matrix is the foundation everything imports; it must import and carry examples
    assert run_doctests("barenn.matrix")[1] >= 10
