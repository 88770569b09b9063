"""The README is tested: its two commands, every console block and every python example.

README conventions (see the README itself):
- the first code block holds exactly the two commands a newcomer runs;
- a ```console block lists ``$ command`` lines, each followed by lines of what it
  prints; ``...`` stands for lines left out. Every listed line must appear in the
  command's real output, in order, exactly (trailing spaces aside); a listed line
  that ends in `` ...`` only has to begin the real line (for measured times);
- a ```python block with ``>>>`` examples runs as a doctest.
"""

import doctest
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from barenn.cli import lesson_requires

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = "python -m barenn tour"
TESTS = 'python -m pip install -e ".[test]" && python -m pytest'

BLOCK = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


def blocks(kind):
    return [body for lang, body in BLOCK.findall(README) if lang == kind]


def console_examples():
    examples = []
    for body in blocks("console"):
        command, expected = None, []
        for line in body.splitlines():
            if line.startswith("$ "):
                if command:
                    examples.append((command, expected))
                command, expected = line[2:].strip(), []
            elif command is not None:
                expected.append(line.rstrip())
        if command:
            examples.append((command, expected))
    return examples


def run_command(command):
    args = shlex.split(command)
    assert args[0] == "python", f"README commands start with python: {command}"
    args[0] = sys.executable
    env = dict(os.environ, COLUMNS="100", PYTHONIOENCODING="utf-8")
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900,
                            env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    # paths are shown relative to the repository, as a reader in a clone sees them
    return result.stdout.replace(str(ROOT) + os.sep, "").splitlines()


def assert_lines_in_order(command, expected, actual):
    actual = [line.rstrip() for line in actual]
    position = 0
    for line in expected:
        if line.strip() in ("", "..."):
            continue
        if line.endswith(" ..."):
            prefix = line[:-4]
            found = [i for i in range(position, len(actual)) if actual[i].startswith(prefix)]
        else:
            found = [i for i in range(position, len(actual)) if actual[i] == line]
        if found:
            position = found[0] + 1
        else:
            context = "\n".join(actual[:200])
            pytest.fail(f"README says `{command}` prints\n  {line!r}\nbut it printed:\n{context}")


def test_the_readme_starts_with_the_two_commands():
    first = BLOCK.search(README)
    assert README.index(first.group(0)) < README.index("\n## "), "the two commands come first"
    commands = [line.split("#")[0].strip() for line in first.group(2).splitlines() if line.strip()]
    assert commands == [TOUR, TESTS]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TESTS in ci.splitlines()


def test_the_readme_has_checked_examples():
    assert len(console_examples()) >= 5
    assert any(">>>" in body for body in blocks("python"))


def missing_requirement(command):
    """What an optional lesson the command runs needs and is not installed, or None."""
    lessons = [word for word in shlex.split(command) if re.fullmatch(r"lessons/\d\d_\w+\.py", word)]
    return next((lesson_requires(ROOT / word) for word in lessons if lesson_requires(ROOT / word)),
                None)


@pytest.mark.parametrize("command, expected", console_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_console_example(command, expected):
    if missing_requirement(command):
        pytest.skip(f"{command} needs {missing_requirement(command)}, not installed here")
    assert_lines_in_order(command, expected, run_command(command))


def test_python_examples_run():
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    attempted = 0
    for i, body in enumerate(blocks("python")):
        if ">>>" not in body:
            continue
        test = parser.get_doctest(body, {}, f"README python block {i}", "README.md", 0)
        result = runner.run(test)
        attempted += result.attempted
        assert result.failed == 0, f"README python block {i} failed (see output above)"
    assert attempted > 0


def test_tour_command_runs_every_lesson():
    lines = run_command(TOUR)
    paths = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    lessons = [p.name[:2] for p in paths]
    run = [p.name[:2] for p in paths if not lesson_requires(p)]  # optional ones may be skipped
    headings = [line for line in lines if line.startswith("Lesson ")]
    assert [h.split()[1].rstrip(":") for h in headings] == run
    assert sum(line.startswith("[") and "/" in line for line in lines) == len(lessons)
    assert sum(line.endswith("skipped (pip install torch)") for line in lines) == len(lessons) - len(run)
    assert lines[-1].startswith("That was the whole tour")
