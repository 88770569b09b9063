"""The command line: help, version, and one plain line with status 2 for user mistakes."""

import subprocess
import sys
from pathlib import Path

import pytest

import barenn
from barenn import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "barenn", *args],
        cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=600,
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"barenn {barenn.__version__}"


@pytest.mark.parametrize("command", ["", "tour", "lessons", "lesson", "check", "train", "data", "predict",
                                     "graph", "explore"])
def test_help_on_every_command(command):
    result = run(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: barenn" in result.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["train", "nosuchset"], "'nosuchset' is neither a built-in dataset"),
        (["train", "spiral", "--epochs", "ten"], "expected a whole number, got 'ten'"),
        (["train", "spiral", "--epochs", "0"], "expected a whole number >= 1, got 0"),
        (["train", "spiral", "--lr", "fast"], "expected a number, got 'fast'"),
        (["train", "spiral", "--layers", "64,x"], "expected hidden layer sizes like 64,64"),
        (["lesson", "99"], "there is no lesson 99"),
        (["predict", "missing-model.json", "in.csv"], "model file not found: missing-model.json"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_user_mistakes_get_one_line_and_status_2(args, expected):
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("barenn: ")
    assert expected in lines[0]


def test_main_returns_2_in_process(capsys):
    assert cli.main(["train", "nosuchset"]) == 2
    assert "nosuchset" in capsys.readouterr().err


def test_check_command_passes_every_row():
    result = run("check", "--seed", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fused softmax+CE vs Jacobian path" in result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    passed, total = summary.split()[0], summary.split()[2]
    assert summary == f"{total} of {total} checks passed" and passed == total


def test_lessons_lists_every_lesson_with_one_line():
    result = run("lessons")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    files = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    assert len(lines) == len(files)
    for line, path in zip(lines, files):
        assert line.split()[0] == str(int(path.name[:2]))


def test_train_save_plot_report_then_predict(tmp_path):
    import json
    import xml.etree.ElementTree as ET

    model, plot, report = tmp_path / "m.json", tmp_path / "p.svg", tmp_path / "r.html"
    result = run("train", "moons", "--layers", "8", "--epochs", "40", "--lr", "0.05", "--seed", "1",
                 "--save", str(model), "--plot", str(plot), "--report", str(report), "--quiet")
    assert result.returncode == 0, result.stderr
    last = [line for line in result.stdout.splitlines() if line.startswith("test accuracy")][-1]
    accuracy = float(last.split()[2])
    assert accuracy >= 0.8, last  # two moons are easy; 40 full-batch Adam steps get most points
    assert json.loads(model.read_text())["format"] == "barenn.network"
    svg = ET.parse(plot).getroot()
    assert svg.tag.endswith("svg") and len(list(svg.iter("{http://www.w3.org/2000/svg}circle"))) > 0
    html = report.read_text()
    assert "training on moons" in html and "<svg" in html and "test accuracy" in html
    assert "val_" not in html and "validation" in html

    inputs = tmp_path / "in.csv"
    inputs.write_text("x1,x2\n-1.0,0.2\n2.0,0.2\n0.5,-0.4\n")
    predicted = run("predict", str(model), str(inputs))
    assert predicted.returncode == 0, predicted.stderr
    labels = predicted.stdout.split()
    assert len(labels) == 3 and set(labels) <= {"0", "1"}

    from barenn.network import Network

    net = Network.load(model)
    assert [str(c) for c in net.predict_classes([[-1.0, 0.2], [2.0, 0.2], [0.5, -0.4]])] == labels


def test_predict_refuses_bad_input(tmp_path):
    model = tmp_path / "m.json"
    assert run("train", "xor", "--epochs", "2", "--save", str(model), "--quiet").returncode == 0
    wide = tmp_path / "wide.csv"
    wide.write_text("1,2,3\n")
    words = tmp_path / "words.csv"
    words.write_text("1,2\n3,four\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "barenn.network", "version": 1, "layers": [')
    for args, expected in [
        ((str(model), str(wide)), "every row needs 2 values"),
        ((str(model), str(words)), "row 2: expected numbers"),
        ((str(model), str(tmp_path / "none.csv")), "no such file"),
        ((str(broken), str(wide)), f"cannot load {broken}"),
    ]:
        result = run("predict", *args)
        assert result.returncode == 2, result.stderr
        assert expected in result.stderr and "Traceback" not in result.stderr


def test_train_regression_prints_its_loss(tmp_path):
    result = run("train", "sine", "--layers", "16", "--epochs", "5", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "test RMSE" in result.stdout and "R^2" in result.stdout
    assert "baseline, predicting the training mean" in result.stdout


def test_graph_writes_svg_and_dot(tmp_path):
    out = tmp_path / "g.svg"
    result = run("graph", "--out", str(out))
    assert result.returncode == 0 and out.exists()
    dot = run("graph", "--dot")
    assert dot.returncode == 0 and dot.stdout.startswith("digraph")


@pytest.mark.parametrize("dataset", [d for d in cli.DATASETS if d != "mnist"])
def test_every_builtin_dataset_trains(dataset):
    result = run("train", dataset, "--layers", "4", "--epochs", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(("test accuracy", "test RMSE"))


def test_mnist_without_files_is_a_user_error(tmp_path):
    result = run("train", "mnist", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(tmp_path) in result.stderr


def write_csv(path, rows, header):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def test_csv_classifier_with_string_labels_then_predict_by_name(tmp_path):
    import random

    rng = random.Random(0)
    rows = []
    for _ in range(150):
        x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        rows.append([round(1000 + 500 * x, 3), round(y, 3), "inside" if x * x + y * y < 0.5 else "outside"])
    data = write_csv(tmp_path / "ring.csv", rows, ["income", "score", "where"])
    model = tmp_path / "ring.json"
    result = run("train", str(data), "--save", str(model), "--quiet", "--epochs", "200")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "96 training, 24 validation and 30 test samples, 2 features, 2 classes" in out
    line = out.strip().splitlines()
    final = [l for l in line if l.startswith("test accuracy")][0]
    assert float(final.split()[2]) >= 0.8, out
    assert "baseline, always the most common class" in final
    # predict: columns by name, any order, extra columns ignored
    new = tmp_path / "new.csv"
    new.write_text("note,score,income\na,0.0,1000\nb,0.9,1900\n")
    predicted = run("predict", str(model), str(new))
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.split() == ["inside", "outside"]
    saved = tmp_path / "preds.csv"
    assert run("predict", str(model), str(new), "--out", str(saved)).returncode == 0
    assert saved.read_text() == "where\ninside\noutside\n"


def test_csv_integer_labels_keep_their_names(tmp_path):
    rows = [[i % 10, (i * 7) % 10, 3 if i % 10 < 5 else 8] for i in range(80)]
    data = write_csv(tmp_path / "ints.csv", rows, ["a", "b", "digit"])
    model = tmp_path / "m.json"
    assert run("train", str(data), "--save", str(model), "--quiet", "--epochs", "100").returncode == 0
    predicted = run("predict", str(model), str(data))
    assert predicted.returncode == 0 and set(predicted.stdout.split()) <= {"3", "8"}


def test_csv_regression_reports_rmse_r2_and_predicts_values(tmp_path):
    import random

    rng = random.Random(1)
    rows = []
    for _ in range(200):
        size, rooms = rng.uniform(30, 200), rng.randint(1, 6)
        rows.append([round(size, 2), rooms, round(1000 * size + 5000 * rooms + rng.gauss(0, 2000), 2)])
    data = write_csv(tmp_path / "houses.csv", rows, ["size", "rooms", "price"])
    model = tmp_path / "m.json"
    result = run("train", str(data), "--target", "price", "--save", str(model), "--quiet",
                 "--epochs", "300", "--plot", str(tmp_path), "--report", str(tmp_path))
    assert result.returncode == 0, result.stderr
    final = [l for l in result.stdout.splitlines() if l.startswith("test RMSE")][0]
    r2 = float(final.split()[4].rstrip(","))
    assert r2 > 0.9, final
    svg = (tmp_path / "houses-seed0.svg").read_text()
    assert "accuracy" not in svg and "mean squared error" in svg
    html = (tmp_path / "houses-seed0.html").read_text()
    assert "R^2" in html and "validation accuracy" not in html and "test accuracy" not in html
    new = tmp_path / "new.csv"
    new.write_text("rooms,size\n3,100\n")
    predicted = run("predict", str(model), str(new))
    value = float(predicted.stdout)
    assert abs(value - 115000) < 15000, value


def test_data_writes_a_builtin_dataset_as_csv_that_trains(tmp_path):
    out = tmp_path / "new" / "xor.csv"
    result = run("data", "xor", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines()[0] == "x1,x2,class"
    from barenn.csvdata import load_csv

    table = load_csv(out)
    assert table.classes == ["0", "1"] and len(table.X) == len(table.y) > 0
    sine = run("data", "sine", "--out", str(tmp_path))
    assert sine.returncode == 0 and (tmp_path / "sine.csv").read_text().startswith("x1,y\n")
    mnist = run("data", "mnist")
    assert mnist.returncode == 2 and "invalid choice: 'mnist'" in mnist.stderr


def test_predict_into_a_closed_pipe_stops_quietly(tmp_path):
    model = tmp_path / "m.json"
    data = tmp_path / "xor.csv"
    assert run("data", "xor", "--out", str(data)).returncode == 0
    assert run("train", str(data), "--epochs", "2", "--quiet", "--save", str(model)).returncode == 0
    reader = subprocess.Popen([sys.executable, "-m", "barenn", "predict", str(model), str(data)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.readline()
    reader.stdout.close()
    _, err = reader.communicate(timeout=300)
    assert b"Traceback" not in err


def write_idx(folder, kind, images, labels, side=4):
    import gzip
    import struct

    names = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}[kind]
    pixels = b"".join(bytes(image) for image in images)
    (folder / (names[0] + ".gz")).write_bytes(
        gzip.compress(struct.pack(">IIII", 2051, len(images), side, side) + pixels))
    (folder / names[1]).write_bytes(struct.pack(">II", 2049, len(labels)) + bytes(labels))


def test_mnist_layout_trains_on_train_files_and_scores_the_test_files(tmp_path):
    import random

    rng = random.Random(0)

    def sample(label):  # class 0 lights the top half, class 1 the bottom half
        return [rng.randint(150, 255) if (i < 8) == (label == 0) else rng.randint(0, 40)
                for i in range(16)], label

    train = [sample(i % 2) for i in range(60)]
    test = [sample(i % 2) for i in range(14)]
    write_idx(tmp_path, "train", [s[0] for s in train], [s[1] for s in train])
    write_idx(tmp_path, "test", [s[0] for s in test], [s[1] for s in test])
    result = run("train", "mnist", "--data", str(tmp_path), "--epochs", "3", "--layers", "8",
                 "--batch-size", "8", "--lr", "0.05")
    assert result.returncode == 0, result.stderr
    assert "mnist: 54 training, 6 validation and 14 test samples, 16 features" in result.stdout
    assert "epoch 3/3" in result.stderr and "epoch 0/" not in result.stderr
    final = result.stdout.strip().splitlines()[-1]
    assert final.startswith("test accuracy") and float(final.split()[2]) >= 0.9, final
    limited = run("train", "mnist", "--data", str(tmp_path), "--epochs", "1", "--limit", "20",
                  "--test-limit", "5", "--quiet", "--workers", "2", "--batch-size", "4")
    assert limited.returncode == 0, limited.stderr
    assert "18 training, 2 validation and 5 test samples" in limited.stdout


def test_patience_stops_early_and_keeps_the_best_weights(tmp_path, capsys):
    import json

    model = tmp_path / "m.json"
    assert cli.main(["train", "xor", "--epochs", "400", "--patience", "5", "--lr", "0.2",
                     "--quiet", "--save", str(model)]) == 0
    out = capsys.readouterr().out
    line = [l for l in out.splitlines() if l.startswith(("stopped after", "trained"))][0]
    assert line.startswith("stopped after") and "kept the weights of epoch" in line, out
    stopped = int(line.split()[2])
    kept = int(line.split("epoch ")[1].split()[0])
    assert stopped < 400 and kept == stopped - 5
    assert json.loads(model.read_text())["epochs_trained"] == stopped


@pytest.mark.skipif(not __import__("os").environ.get("BARENN_SLOW_TESTS"),
                    reason="trains the spiral and sine defaults (about a minute): BARENN_SLOW_TESTS=1")
def test_the_defaults_reach_the_readme_figures():
    spiral = run("train", "spiral", "--quiet").stdout.strip().splitlines()[-1]
    assert float(spiral.split()[2]) >= 0.80, spiral
    sine = run("train", "sine", "--quiet").stdout.strip().splitlines()[-1]
    assert float(sine.split()[2].rstrip(",")) ** 2 <= 0.01, sine


def test_idx_folders_with_other_image_sizes(tmp_path):
    import random

    rng = random.Random(2)
    train = [([rng.randint(0, 255) for _ in range(9)], i % 10) for i in range(40)]
    test = [([rng.randint(0, 255) for _ in range(9)], i % 10) for i in range(6)]
    write_idx(tmp_path, "train", [s[0] for s in train], [s[1] for s in train], side=3)
    write_idx(tmp_path, "test", [s[0] for s in test], [s[1] for s in test], side=3)
    result = run("train", "mnist", "--data", str(tmp_path), "--epochs", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "9 features, 10 classes" in result.stdout
    other = tmp_path / "other"
    other.mkdir()
    write_idx(other, "train", [s[0] for s in train], [s[1] for s in train], side=3)
    write_idx(other, "test", [[0] * 16], [1], side=4)
    mismatch = run("train", "mnist", "--data", str(other), "--epochs", "1", "--quiet")
    assert mismatch.returncode == 2 and "the training images are 3x3 but the test images 4x4" in mismatch.stderr


def test_mnist_defaults_use_every_image_and_stop_on_validation(tmp_path, capsys, monkeypatch):
    from barenn import cli_train
    from fake_mnist import write_idx as write_fake

    write_fake(tmp_path, "train", 120, seed=1)
    write_fake(tmp_path, "test", 20, seed=2)
    # a small cap, to see it at work on a small folder (MNIST's 60,000 hold out 5,000)
    monkeypatch.setattr(cli_train, "MNIST_VALIDATION", 8)
    monkeypatch.setattr(cli_train, "auto_workers", lambda: 2)
    assert cli.main(["train", "mnist", "--data", str(tmp_path), "--epochs", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "mnist: 112 training, 8 validation and 20 test samples, 784 features" in out
    settings = cli_train.DEFAULTS["mnist"]
    assert (f"training for up to 2 epochs (stopping when the validation loss has not improved "
            f"for {settings['patience']} epochs), batch size {settings['batch_size']}, "
            f"2 worker processes") in out


def test_auto_workers_follow_the_cores_within_bounds(monkeypatch):
    from barenn import cli_train

    for cores, expected in [(1, 1), (2, 2), (3, 3), (16, cli_train.MAX_AUTO_WORKERS)]:
        monkeypatch.setattr(cli_train.os, "sched_getaffinity", lambda pid: set(range(cores)),
                            raising=False)
        assert cli_train.auto_workers() == expected
    monkeypatch.delattr(cli_train.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(cli_train.os, "cpu_count", lambda: None)
    assert cli_train.auto_workers() == 1
