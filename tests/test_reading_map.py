"""README's "Reading the code" map is true: the files and functions it names exist,
their lengths are the ones it gives, and each function's docstring names its lesson."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"`(?P<path>[\w/.]+\.py)` \((?P<lines>\d+)\): (?P<names>.*)")
NAME = re.compile(r"`(?P<name>[\w.]+)` \((?P<lines>\d+)\)")


def map_rows():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reading the code", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| (\d\d) [^|]+\| (.+) \|$", line)
        if match:
            rows.append((match.group(1), match.group(2).split("<br>")))
    return rows


def find(tree, dotted):
    node = tree
    for part in dotted.split("."):
        node = next(n for n in node.body
                    if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part)
    return node


def test_the_map_covers_every_lesson():
    numbers = [number for number, _ in map_rows()]
    lessons = sorted(p.name[:2] for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    assert numbers == lessons


@pytest.mark.parametrize("number, entries", map_rows())
def test_each_entry_is_true(number, entries):
    for entry in entries:
        match = ENTRY.fullmatch(entry.strip())
        assert match, entry
        source = (ROOT / match["path"]).read_text(encoding="utf-8")
        assert len(source.splitlines()) == int(match["lines"]), (
            f"{match['path']} has {len(source.splitlines())} lines; README says {match['lines']}")
        tree = ast.parse(source)
        names = NAME.findall(match["names"])
        assert names, entry
        for name, lines in names:
            node = find(tree, name)
            assert node.end_lineno - node.lineno + 1 == int(lines), (
                f"{name} is {node.end_lineno - node.lineno + 1} lines; README says {lines}")
            doc = ast.get_docstring(node) or ""
            assert re.search(rf"[Ll]essons? (\d\d(, | and ))*{number}\b", doc), (
                f"the docstring of {name} does not name lesson {number}")


# --- formulas first: what a learner meets at the top of each function the map names ---------

CHECK_NAME = re.compile(r"^(_?check_\w*|matrix_shape)$")


def called_name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else (func.attr if isinstance(func, ast.Attribute) else "")


def is_argument_check(statement, parameters):
    """A statement that checks the function's arguments: a call to a check_* function
    handed one of the parameters (self included), or an ``if`` on a parameter that
    only raises. (A check of what the formula computed, such as a NaN loss, is not
    an argument check.)"""
    if isinstance(statement, ast.If) and all(isinstance(s, ast.Raise) for s in statement.body):
        tested = {n.id for n in ast.walk(statement.test) if isinstance(n, ast.Name)}
        return bool(tested & parameters)
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and CHECK_NAME.match(called_name(node)):
            handed = {n.id for arg in node.args + [k.value for k in node.keywords]
                      for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if handed & parameters:
                return True
    return False


def named_functions():
    for number, entries in map_rows():
        for entry in entries:
            match = ENTRY.fullmatch(entry.strip())
            tree = ast.parse((ROOT / match["path"]).read_text(encoding="utf-8"))
            for name, _ in NAME.findall(match["names"]):
                yield pytest.param(find(tree, name), id=f"{number}-{name}")


@pytest.mark.parametrize("function", list(named_functions()))
def test_one_check_line_then_the_formula(function):
    """Each function the map names: at most one line checking its arguments, first,
    then the formula's lines, with no check between them and no formula carried by a
    lambda or a nested function."""
    assert isinstance(function, ast.FunctionDef), f"{function.name}: name a function or method"
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
    checks = [is_argument_check(statement, parameters) for statement in body]
    leading = next((i for i, is_check in enumerate(checks) if not is_check), len(checks))
    assert leading <= 1, f"{function.name} opens with {leading} check lines"
    assert not any(checks[leading:]), (
        f"{function.name} checks an argument after its formula lines began (line "
        f"{body[leading + checks[leading:].index(True)].lineno})")
    for node in ast.walk(function):
        assert not isinstance(node, ast.Lambda), f"{function.name} has a lambda (line {node.lineno})"
        assert node is function or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)), (
            f"{function.name} has a nested function {node.name} (line {node.lineno})")
