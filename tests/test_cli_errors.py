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
