"""Saving and loading against hostile targets, all made inside tmp_path.

A fifo (os.mkfifo), a folder, a symlink (to a file, dangling, to a folder), a
missing or file-shaped parent folder, a read-only folder (skipped as root, where
chmod does not stop writes), a process killed by SIGKILL in the middle of saves,
and files crafted to break the loader (deep nesting, 10**400, 1e400).
"""

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from barenn import graph
from barenn._files import atomic_write_bytes, atomic_write_text, open_regular, remove_stale_temporaries
from barenn.activations import ReLU, Softmax
from barenn.autograd import Value
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
from barenn.optimizers import Adam
from barenn.realdata import load_digits, read_idx_images
from barenn.saving import read_json, write_json

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo (POSIX)")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def small_net():
    return Network([Dense(2, 3, seed=0), ReLU(), Dense(3, 2, seed=1), Softmax()],
                   CategoricalCrossEntropy(), Adam(learning_rate=0.01))


def temporaries(folder):
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


# --- where a save may write -------------------------------------------------------------

@needs_fifo
def test_save_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"Network.save: cannot write .*pipe: it is a fifo"):
        small_net().save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert temporaries(tmp_path) == []


def test_save_refuses_a_device_and_leaves_it_a_device(tmp_path):
    node = tmp_path / "null"
    try:  # the device node of /dev/null, made here (root only; some containers refuse)
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (AttributeError, PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node in tmp_path: {error}")
    with pytest.raises(ValueError, match="it is a character device, not a regular file"):
        small_net().save(node)
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_save_refuses_a_folder(tmp_path):
    folder = tmp_path / "model.json"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="Network.save: cannot write .*it is a folder"):
        small_net().save(folder)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_save_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert small_net().save(link) == str(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["format"] == "barenn.network"
    assert Network.load(link).predict([[1.0, 2.0]]) == small_net().predict([[1.0, 2.0]])
    assert temporaries(tmp_path) == []


def test_save_through_a_dangling_symlink_creates_the_file_it_names(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    small_net().save(link)
    assert link.is_symlink() and (tmp_path / "new.json").is_file()


def test_save_through_a_symlink_to_a_folder_is_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "folder")
    with pytest.raises(IsADirectoryError):
        small_net().save(link)
    assert link.is_symlink()


def test_save_into_a_missing_folder_names_it_and_creates_nothing(tmp_path):
    target = tmp_path / "no" / "such" / "model.json"
    with pytest.raises(FileNotFoundError, match=r"the folder .*such does not exist"):
        small_net().save(target)
    assert os.listdir(tmp_path) == []


def test_save_below_a_file_is_refused(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(NotADirectoryError, match="plain is not a folder"):
        small_net().save(tmp_path / "plain" / "model.json")


@pytest.mark.parametrize("path", [2, 1, 0, True, False, None, 3.5, b"model.json", ["a"]])
def test_paths_must_be_str_or_pathlike_never_a_file_descriptor(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="must be a file path"):
        small_net().save(path)
    with pytest.raises(TypeError, match="Network.load: path must be a file path"):
        Network.load(path)
    for fd in (0, 1, 2):  # stdin, stdout and stderr are still open
        os.fstat(fd)
    assert os.listdir(tmp_path) == []


def test_an_empty_path_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="path is empty"):
        small_net().save("")
    with pytest.raises(ValueError, match="path is empty"):
        Network.load("")


def test_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes; the rest is tested above")
        with pytest.raises(PermissionError):
            small_net().save(folder / "model.json")
        assert os.listdir(folder) == []
    finally:
        os.chmod(folder, 0o700)


def test_a_failed_write_leaves_no_temporary_and_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        small_net().save(path)
    assert path.read_text() == "old"
    assert temporaries(tmp_path) == []


def test_nan_weights_are_refused_before_anything_is_written(tmp_path):
    net = small_net()
    net.layers[0].weights[0][0] = float("nan")
    with pytest.raises(ValueError, match="holds NaN or infinity"):
        net.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    if os.name != "posix":
        pytest.skip("stale files are found by process id on POSIX only")
    path = tmp_path / "model.json"
    dead = tmp_path / f".model.json.{dead_pid()}.abc123.tmp"
    mine = tmp_path / f".model.json.{os.getpid()}.def456.tmp"       # a write going on now
    parent = tmp_path / f".model.json.{os.getppid()}.ghi789.tmp"    # a live process's
    other = tmp_path / f".other.json.{dead_pid()}.jkl000.tmp"       # another file's
    for p in (dead, mine, parent, other):
        p.write_text("half")
    small_net().save(path)
    assert not dead.exists()
    assert mine.exists() and parent.exists() and other.exists()
    assert remove_stale_temporaries(str(tmp_path / "other.json")) == 1


KILLED_SAVER = """
import sys
from barenn.activations import ReLU, Softmax
from barenn.layers import Dense
from barenn.losses import CategoricalCrossEntropy
from barenn.network import Network
net = Network([Dense(20, 200, seed=0), ReLU(), Dense(200, 3, seed=1), Softmax()],
              CategoricalCrossEntropy())
print("ready", flush=True)
while True:
    net.save(sys.argv[1])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_during_saves_leaves_a_whole_file_and_no_temporaries_after_the_next(tmp_path):
    path = tmp_path / "model.json"
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for delay in (0.05, 0.2, 0.4):
        child = subprocess.Popen([sys.executable, "-c", KILLED_SAVER, str(path)],
                                 stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if path.exists():  # whatever the moment of the kill, the file is whole
            assert Network.load(path).input_size() == 20
    small_net().save(path)
    assert temporaries(tmp_path) == []
    assert Network.load(path).input_size() == 2


# --- what a load may read ---------------------------------------------------------------

@needs_fifo
def test_load_of_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    signal.setitimer(signal.ITIMER_REAL, 5)  # a hang would end the test, not the run
    try:
        with pytest.raises(ValueError, match="Network.load: cannot read .*it is a fifo"):
            Network.load(fifo)
        with pytest.raises(ValueError, match="it is a fifo"):
            read_idx_images(fifo)
        with pytest.raises(ValueError, match="it is a fifo"):
            load_digits(fifo)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def test_load_of_a_folder_or_a_missing_file(tmp_path):
    with pytest.raises(IsADirectoryError, match="Network.load: cannot read"):
        Network.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="Network.load: no such file"):
        Network.load(tmp_path / "missing.json")


def test_deeply_nested_json_is_a_value_error_naming_the_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"cannot load .*deep.json: the JSON is nested too deeply"):
        Network.load(path)


def saved_with(tmp_path, text_of_first_weight):
    path = tmp_path / "model.json"
    small_net().save(path)
    data = json.loads(path.read_text())
    first = data["layers"][0]["weights"][0][0]
    path.write_text(path.read_text().replace(repr(first), text_of_first_weight, 1))
    return path


@pytest.mark.parametrize("number", ["1" + "0" * 400, "-1" + "0" * 400, "1e400", "-1e999",
                                    "NaN", "Infinity", "1" + "0" * 5000])
def test_numbers_too_large_for_a_float_are_a_value_error_naming_the_file(tmp_path, number):
    path = saved_with(tmp_path, number)
    with pytest.raises(ValueError, match=r"cannot load .*model.json"):
        Network.load(path)


def test_a_large_but_finite_integer_weight_loads_as_a_float(tmp_path):
    path = saved_with(tmp_path, "1" + "0" * 20)
    assert Network.load(path).layers[0].weights[0][0] == 1e20


def test_read_json_and_write_json_follow_the_same_rules(tmp_path):
    with pytest.raises(TypeError, match="Network.load: path"):
        read_json(3)
    assert write_json(tmp_path / "a.json", {"a": 1}) == str(tmp_path / "a.json")
    assert read_json(tmp_path / "a.json") == {"a": 1}
    with pytest.raises(ValueError, match="not plain data"):
        write_json(tmp_path / "b.json", {"a": object()})
    assert not (tmp_path / "b.json").exists()


def test_pictures_make_their_folder_model_files_do_not(tmp_path):
    value = Value(2.0) * Value(3.0)
    graph.to_svg(value, tmp_path / "pictures" / "g.svg")  # like the lessons' --out barenn-out
    assert (tmp_path / "pictures" / "g.svg").is_file()
    with pytest.raises(FileNotFoundError):
        small_net().save(tmp_path / "models" / "m.json")
    assert not (tmp_path / "models").exists()


def test_every_writer_uses_the_same_rules(tmp_path):
    (tmp_path / "folder").mkdir()
    value = Value(2.0) * Value(3.0)
    with pytest.raises(IsADirectoryError):
        graph.to_svg(value, tmp_path / "folder")
    (tmp_path / "folder" / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        graph.to_dot(value, tmp_path / "folder" / "file" / "g.dot")
    os.unlink(tmp_path / "folder" / "file")
    with pytest.raises(FileNotFoundError, match="the folder .*missing does not exist"):
        atomic_write_text(tmp_path / "missing" / "x.txt", "x", make_parents=False)
    with pytest.raises(TypeError, match="must be a file path"):
        atomic_write_text(1, "x")
    with pytest.raises(TypeError, match="must be bytes"):
        atomic_write_bytes(tmp_path / "x", "text")
    with pytest.raises(TypeError, match="must be a str"):
        atomic_write_text(tmp_path / "x", b"bytes")
    assert os.listdir(tmp_path) == ["folder"]


@needs_fifo
def test_pictures_pages_and_reports_refuse_a_fifo_too(tmp_path):
    from barenn import explore, plot
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="it is a fifo"):
        plot.line_chart_svg({"loss": [1.0, 0.5]}, path=fifo)
    with pytest.raises(ValueError, match="it is a fifo"):
        graph.to_svg(Value(1.0) * Value(2.0), fifo)
    net = explore.default_network(seed=0)
    X, y = [[0.1, 0.2], [0.3, 0.4]], [0, 1]
    data = explore.explore_data(net, X, y, steps=1)
    with pytest.raises(IsADirectoryError):
        explore.write_page(tmp_path, data)
    with pytest.raises(ValueError, match="it is a fifo"):
        explore.write_page(fifo, data)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and temporaries(tmp_path) == []


def test_open_regular_reads_a_regular_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\x01")
    with open_regular(path, "test") as f:
        assert f.read() == b"\x00\x01"
