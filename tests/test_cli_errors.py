"""Every command-line mistake is one line on stderr: status 2 for what the user typed
or gave as input, 1 for a run that fails (training diverges); never a traceback,
and nothing written. All files live in tmp_path."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from barenn import cli

ROOT = Path(__file__).resolve().parent.parent

GOOD_CSV = "a,b,kind\n" + "".join(f"{i % 7},{(i * 3) % 5},{'yes' if i % 2 else 'no'}\n"
                                  for i in range(40))
BAD_CSVS = {
    "empty.csv": "",
    "short_row.csv": "a,b,kind\n1,2,x\n3,4\n",
    "word.csv": "a,b,kind\n1,two,x\n3,4,y\n",
    "blank.csv": "a,b,kind\n1,,x\n3,4,y\n",
    "nan.csv": "a,b,kind\n1,NaN,x\n3,4,y\n",
    "one_class.csv": "a,b,kind\n1,2,x\n3,4,x\n",
}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """tmp_path as the working folder, with a good CSV, a saved model, a folder and a file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(GOOD_CSV)
    (tmp_path / "folder").mkdir()
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 8)
    for name, text in BAD_CSVS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "nested.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "huge.json").write_text('{"format": "barenn.network", "version": 1, "x": 1' + "0" * 400 + "}")
    assert cli.main(["train", "ok.csv", "--epochs", "2", "--quiet", "--save", "model.json"]) == 0
    return tmp_path


def snapshot(folder):
    return {p.relative_to(folder): (p.stat().st_size if p.is_file() else None) for p in folder.rglob("*")}


TABLE = [
    # (argv, words in the one line)  -- status 2 unless given
    (["train", "xor", "--epochs", "1", "--save", "folder"], "it is a folder"),
    (["train", "xor", "--epochs", "1", "--save", "ok.csv/m.json"], "not a folder"),
    (["train", "xor", "--epochs", "1", "--save", "missing/m.json"], "does not exist (create it first)"),
    (["train", "xor", "--epochs", "1", "--save", ""], "expected a file name, got an empty one"),
    (["train", "xor", "--epochs", "1", "--report", "ok.csv/r.html"], "not a folder"),
    (["train", "xor", "--epochs", "1", "--plot", "ok.csv/p.svg"], "not a folder"),
    (["train", "xor", "--epochs", "1", "--plot", ""], "expected a file name"),
    (["graph", "--out", ""], "expected a file name"),
    (["graph", "--out", "ok.csv/g.svg"], "not a folder"),
    (["explore", "--out", ""], "expected a file name"),
    (["lesson", "7", "--out", "ok.csv"], "it is a file; give a folder"),
    (["lesson", "7", "--out", ""], "expected a file name"),
    (["train", "moons", "--lr", "0"], "expected a finite number > 0"),
    (["train", "moons", "--lr", "-1"], "expected a finite number > 0"),
    (["train", "moons", "--lr", "nan"], "expected a finite number > 0"),
    (["train", "moons", "--epochs", "10000000"], "expected a whole number from 1 to 1,000,000"),
    (["train", "moons", "--layers", "100000000"], "at most 100 hidden layers of at most 10,000"),
    (["train", "moons", "--layers", "5000,5000"], "parameters; at most 10,000,000"),
    (["train", "moons", "--workers", "0"], "expected a whole number >= 1"),
    (["train", "moons", "--workers", "65"], "from 1 to 64"),
    (["train", "moons", "--batch-size", "0"], "expected a whole number >= 1"),
    (["train", "moons", "--seed", "-1"], "expected a whole number >= 0"),
    (["train", "moons", "--decay", "-1"], "expected a finite number >= 0"),
    (["train", "moons", "--patience", "0"], "expected a whole number >= 1"),
    (["train", "moons", "--target", "a"], "--target and --task are for a CSV file"),
    (["train", "moons", "--data", "folder"], "are for mnist only"),
    (["train", "mnist", "--data", "ok.csv"], "not a folder"),
    (["train", "mnist", "--data", "nowhere"], "does not exist"),
    (["train", "mnist", "--data", "folder"], "MNIST train file not found"),
    (["train", "nosuchset"], "'nosuchset' is neither a built-in dataset"),
    (["train", "missing.csv"], "no such file: missing.csv"),
    (["train", "folder/"], "it is a folder"),
    (["train", "binary.csv"], "not a text file"),
    (["train", "ok.csv", "--target", "price"], "has no column 'price'"),
    (["train", "ok.csv", "--task", "regression"], "'no' is not a number"),
    (["train", "empty.csv"], "empty.csv is empty"),
    (["train", "short_row.csv"], "short_row.csv, row 3: 2 fields"),
    (["train", "word.csv"], "word.csv, row 2, column 'b': 'two' is not a number"),
    (["train", "blank.csv"], "blank.csv, row 2, column 'b': the cell is empty or missing"),
    (["train", "nan.csv"], "nan.csv, row 2, column 'b': the cell is empty or missing ('NaN')"),
    (["train", "one_class.csv"], "every row has the class 'x'"),
    (["predict", "folder", "ok.csv"], "it is a folder"),
    (["predict", "", "ok.csv"], "empty file name"),
    (["predict", "nested.json", "ok.csv"], "nested too deeply"),
    (["predict", "huge.json", "ok.csv"], "too large for a float"),
    (["predict", "ok.csv", "ok.csv"], "not valid JSON"),
    (["predict", "model.json", "word.csv"], "word.csv, row 2, column 'b': 'two' is not a number"),
    (["predict", "model.json", "binary.csv"], "not a text file"),
    (["predict", "model.json", "missing.csv"], "no such file"),
    (["predict", "model.json", "empty.csv"], "is empty"),
    (["predict", "model.json", "ok.csv", "--out", ""], "expected a file name"),
    (["predict", "model.json", "ok.csv", "--out", "ok.csv/p.csv"], "not a folder"),
    (["train", "sine", "--lr", "1e6", "--epochs", "20", "--quiet"], "training diverged at epoch", 1),
]


@pytest.mark.parametrize("row", TABLE, ids=[" ".join(r[0]) or "''" for r in TABLE])
def test_one_line_and_nothing_written(place, capsys, row):
    argv, words, status = (*row, 2) if len(row) == 2 else row
    before = snapshot(place)
    assert cli.main(argv) == status
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("barenn: ") and words in lines[0], lines[0]
    assert snapshot(place) == before


def test_a_missing_column_in_predict_is_named(place, capsys):
    (place / "other.csv").write_text("b,c\n1,2\n")
    assert cli.main(["predict", "model.json", "other.csv"]) == 2
    err = capsys.readouterr().err
    assert "has no column 'a'" in err and "the model needs 'a', 'b'" in err


def test_outputs_given_a_folder_are_named_for_the_run(place, capsys):
    assert cli.main(["graph", "--out", "folder"]) == 0
    assert (place / "folder" / "graph.svg").is_file()
    assert cli.main(["train", "xor", "--epochs", "3", "--quiet", "--plot", "folder",
                     "--report", "folder"]) == 0
    assert (place / "folder" / "xor-seed0.svg").is_file()
    assert (place / "folder" / "xor-seed0.html").is_file()
    # pictures may create their folder; models may not
    assert cli.main(["train", "xor", "--epochs", "1", "--quiet", "--plot", "new/p.svg"]) == 0
    assert (place / "new" / "p.svg").is_file()


def test_divergence_in_a_subprocess_is_one_line_with_status_1(tmp_path):
    result = subprocess.run([sys.executable, "-m", "barenn", "train", "sine", "--lr", "1e6",
                             "--epochs", "20", "--quiet"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "diverged" in lines[0] and "loss" in lines[0]


def test_a_bad_json_model_names_the_file(place, capsys):
    (place / "truncated.json").write_text(json.dumps({"format": "barenn.network"})[:-3])
    assert cli.main(["predict", "truncated.json", "ok.csv"]) == 2
    assert "truncated.json" in capsys.readouterr().err


# --- every numeric option of every command: bounded by argparse (issue 21) -----------------

import argparse  # noqa: E402

from barenn import check, cli_args  # noqa: E402

# What each command needs before its options (its required positional arguments).
REQUIRED = {"train": ["xor"], "data": ["xor"], "predict": ["model.json", "in.csv"]}
# Arguments parsed as text that is not a number (names, paths, choices).
TEXT_TYPES = (None, cli_args.file_name)
BAD_NUMBERS = {"negative": "-1", "huge": str(10 ** 400), "huge float": "1e400",
               "beyond 2**63": str(2 ** 64), "non-number": "ten"}


def _parsers():
    """(command, parser) for every command of ``barenn``, and ``check.main``'s own."""
    parser = cli.make_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [*sub.choices.items(), ("check.main", check.make_parser())]


def _numeric_options():
    """(command, option or positional name) for every argument parsed as a number."""
    found = []
    for command, parser in _parsers():
        for action in parser._actions:
            if action.type not in TEXT_TYPES:
                found.append((command, action.option_strings[-1] if action.option_strings
                              else action.dest))
    return found


NUMERIC = _numeric_options()


def _argv(command, option, value):
    if command == "check.main":
        return [option, value]
    head = [command, *REQUIRED.get(command, [])]
    return head + ([option, value] if option.startswith("-") else [value])


def test_every_argument_is_text_or_a_bounded_number():
    """A guard: a new option must parse with a bounded type from barenn.cli_args (never
    bare int or float), and a command with required arguments must be in REQUIRED, so
    that the test below covers it."""
    for command, parser in _parsers():
        for action in parser._actions:
            if action.type in TEXT_TYPES:
                continue
            name = action.option_strings or [action.dest]
            assert action.type not in (int, float), f"{command} {name[-1]}: unbounded {action.type}"
            assert getattr(action.type, "__module__", "") == "barenn.cli_args", (command, name)
        positional = [a.dest for a in parser._actions if not a.option_strings
                      and a.type in TEXT_TYPES and a.nargs is None and a.dest != "help"]
        assert len(REQUIRED.get(command, [])) == len(positional), (command, positional)
    options = {option for _, option in NUMERIC}
    assert {"--seed", "--epochs", "--lr", "--layers", "--steps", "number"} <= options
    assert ("check", "--seed") in NUMERIC and ("check.main", "--seed") in NUMERIC


@pytest.mark.parametrize("kind", sorted(BAD_NUMBERS))
@pytest.mark.parametrize("command, option", NUMERIC, ids=[f"{c} {o}" for c, o in NUMERIC])
def test_a_bad_number_is_one_line_and_status_2(tmp_path, monkeypatch, capsys, command, option, kind):
    monkeypatch.chdir(tmp_path)
    for name in dir(cli):  # any command that runs is work done after the parser
        if name.startswith("cmd_"):
            monkeypatch.setattr(cli, name, lambda args: pytest.fail("a command ran"))
    monkeypatch.setattr(check, "run_checks", lambda seed: pytest.fail("the checks ran"))
    argv = _argv(command, option, BAD_NUMBERS[kind])
    status = check.main(argv) if command == "check.main" else cli.main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == 2 and len(lines) == 1, err
    assert lines[0].startswith("barenn") and f"argument {option}" in lines[0], lines[0]
    assert len(lines[0]) < 300 and not list(tmp_path.iterdir())


@pytest.mark.parametrize("argv, words", [
    (["check", "--seed", "-1"], "argument --seed: expected a whole number >= 0, got -1"),
    (["train", "xor", "--epochs", str(10 ** 400)], "expected a whole number from 1 to 1,000,000, "
                                                   "got '100000000000'... (401 characters)"),
    (["explore", "--seed", "1e400"], "argument --seed: expected a whole number, got '1e400'"),
])
def test_bad_numbers_in_a_subprocess(tmp_path, argv, words):
    result = subprocess.run([sys.executable, "-m", "barenn", *argv], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert not list(tmp_path.iterdir())
