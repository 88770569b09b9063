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
