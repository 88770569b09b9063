"""Lesson 13, PyTorch side by side: with torch, every gradient and every updated weight
agrees within 1e-9; without it, one line, status 0, and the tour skips the lesson.

"Without torch" is made real two ways: ``python -S`` (no site-packages, so an
installed torch is out of reach; the lesson finds barenn next to it), and a folder
on PYTHONPATH whose torch.py raises ImportError (torch present but unusable).
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from barenn import cli

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "13_pytorch_side_by_side.py"
HAS_TORCH = importlib.util.find_spec("torch") is not None
MESSAGE = ("Lesson 13 compares barenn with PyTorch, which is not installed: "
           "pip install torch\n")


def run(*python_args, env_extra=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(env_extra or {}, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, *python_args, str(LESSON)], cwd=cwd or ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          stdin=subprocess.DEVNULL, timeout=300)


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch)")
def test_every_gradient_and_updated_weight_agrees_within_1e_9():
    result = run()
    assert result.returncode == 0, result.stderr
    found = dict(re.findall(r"^✓ (.+) agree \(largest difference (\S+)\)$", result.stdout,
                            re.MULTILINE))
    gradients = ["dscores and scores.grad",
                 "dense2.dweights and linear2.weight.grad.T",
                 "dense2.dbiases and linear2.bias.grad",
                 "dense2.dinputs and relu(h).grad",
                 "relu.dinputs and h.grad",
                 "dense1.dweights and linear1.weight.grad.T",
                 "dense1.dbiases and linear1.bias.grad"]
    updated = [f"new dense{n}.{w} and linear{n}.{t}" for n in (1, 2)
               for w, t in (("weights", "weight.T"), ("biases", "bias"))]
    for name in ["dense1.weights and linear1.weight.T", "the two losses", *gradients, *updated]:
        assert name in found, f"no line for {name!r} in:\n{result.stdout}"
        assert float(found[name]) <= 1e-9, (name, found[name])
    assert float(found["dense1.weights and linear1.weight.T"]) == 0  # copied, not computed
    assert "What you saw" in result.stdout


@pytest.mark.parametrize("how", ["python -S", "torch.py raises ImportError"])
def test_without_torch_one_line_and_status_0(how, tmp_path):
    if how == "python -S":
        result = run("-S", cwd=tmp_path)
    else:
        (tmp_path / "torch.py").write_text("raise ImportError('no torch here (a test)')\n")
        result = run(env_extra={"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == MESSAGE
    assert result.stderr == ""


def test_its_notebook_without_torch_says_so_and_ends(tmp_path):
    from barenn.notebooks import lesson_notebook

    notebook = tmp_path / "13.ipynb"
    notebook.write_text(json.dumps(lesson_notebook(LESSON)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    runner = Path(__file__).resolve().parent / "notebook_runner.py"
    ran = subprocess.run([sys.executable, "-S", str(runner), str(notebook),
                          str(tmp_path / "r.json")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["status"] == 0 and result["error"] is None
    printed = [c["text"] for c in result["cells"] if c["type"] == "code" and c["text"]]
    assert printed == [MESSAGE]
    assert result["cells"][-1]["text"] == MESSAGE  # the run stopped there


def test_the_tour_and_the_list_skip_it_without_torch(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real_find_spec(name, *a))
    monkeypatch.setattr(cli, "lesson_files", lambda: [(13, LESSON)])
    monkeypatch.setattr(cli, "_run_lesson", lambda *a: pytest.fail("the lesson was run"))
    assert cli.main(["tour", "--no-pause"]) == 0
    out = capsys.readouterr().out
    assert "[1/1] lesson 13 needs torch, which is not installed: skipped (pip install torch)" in out
    assert out.rstrip().endswith("That was the whole tour. `python -m barenn lessons` lists the "
                                 "lessons again.")
    assert cli.main(["lessons"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(needs torch)")


def test_the_lesson_declares_what_it_needs():
    from barenn.notebooks import lesson_requires

    assert lesson_requires(LESSON) == "torch"
    assert [p.name for p in ROOT.glob("lessons/*.py") if lesson_requires(p)] == [LESSON.name]
    # torch is imported by lesson 13 only, and only inside a function
    for path in [*ROOT.glob("barenn/**/*.py"), *ROOT.glob("lessons/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^(import torch|from torch)", text, re.MULTILINE), path
