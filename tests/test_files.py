"""Atomic writes: the whole file or the old one, never a torn one, with ordinary permissions."""

import os
import stat

import pytest

from barenn._files import atomic_write_bytes, atomic_write_text


def test_writes_text_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "sub" / "model.json"  # pictures and reports: the folder is made
    assert atomic_write_text(path, "{}\n") == str(path)
    assert path.read_text() == "{}\n"
    assert os.listdir(path.parent) == ["model.json"]


def test_new_file_gets_the_umask_mode_and_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "a.txt"
    old = os.umask(0o022)
    try:
        atomic_write_bytes(path, b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o600)
    atomic_write_bytes(path, b"y")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes() == b"y"


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old")
    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.txt"]
