"""The two tiers keep apart: fast=False runs no fast-tier function at all, the house's
imports point one way (no circle, lazy or not), and one mistake reads one way
everywhere in the reference tier."""

import ast
import importlib
import inspect
import pathlib
import re

import pytest

import barenn
from barenn.activations import ReLU, Sigmoid, Softmax, Tanh
from barenn.datasets import spiral
from barenn.layers import Dense, Dropout
from barenn.losses import CategoricalCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy
from barenn.matrix import dot, sum_columns
from barenn.network import Network
from barenn.optimizers import Adam

ROOT = pathlib.Path(barenn.__file__).parent
FAST_MODULES = ["barenn.fast", "barenn.fast.matrix", "barenn.fast.training", "barenn.fast.parallel",
                "barenn.fast.optimizers", "barenn.fast.scalar"]


class FastTierCalled(AssertionError):
    pass


def poison_fast_tier(monkeypatch):
    """Replace every function and class of every barenn.fast module by one that raises."""
    for name in FAST_MODULES:
        module = importlib.import_module(name)
        for attr, value in list(vars(module).items()):
            if (inspect.isfunction(value) or inspect.isclass(value)) and not attr.startswith("__"):
                def trap(*args, _name=f"{name}.{attr}", **kwargs):
                    raise FastTierCalled(f"{_name} ran")
                monkeypatch.setattr(module, attr, trap)


def small_net():
    return Network([Dense(2, 8, seed=1), ReLU(), Dropout(0.1, seed=3), Dense(8, 3, seed=2), Softmax()],
                   CategoricalCrossEntropy(), Adam(learning_rate=0.02))


def test_fast_false_runs_no_fast_function(monkeypatch):
    X, y = spiral(20, 3, seed=0)
    X_val, y_val = spiral(10, 3, seed=1)
    monkeypatch.delenv("BARENN_REFERENCE", raising=False)
    expected = small_net()
    expected_history = expected.fit(X, y, epochs=3, batch_size=16, validation=(X_val, y_val),
                                    verbose=0, fast=False)
    poison_fast_tier(monkeypatch)
    net = small_net()
    history = net.fit(X, y, epochs=3, batch_size=16, validation=(X_val, y_val), verbose=0, fast=False)
    assert history.val_loss == expected_history.val_loss and len(history.val_loss) == 3
    assert net.evaluate(X_val, y_val, fast=False) == expected.evaluate(X_val, y_val, fast=False)
    assert net.predict(X_val, batch_size=7, fast=False) == expected.predict(X_val, fast=False)
    assert net.predict_classes(X_val, fast=False) == expected.predict_classes(X_val, fast=False)
    # the trap bites: the default tier is the fast one
    with pytest.raises(FastTierCalled):
        small_net().fit(X, y, epochs=1, verbose=0)
    with pytest.raises(FastTierCalled):
        net.predict(X_val)


def test_the_environment_switch_reaches_validation_and_predict(monkeypatch):
    X, y = spiral(10, 3, seed=0)
    monkeypatch.setenv("BARENN_REFERENCE", "1")
    poison_fast_tier(monkeypatch)
    net = small_net()
    net.fit(X, y, epochs=2, validation=(X, y), verbose=0)
    net.evaluate(X, y)
    net.predict_classes(X)


def test_workers_need_the_fast_tier():
    X, y = spiral(10, 3, seed=0)
    with pytest.raises(ValueError, match=r"^Network.fit: workers=2 train on the fast tier .*use workers=1$"):
        small_net().fit(X, y, epochs=1, verbose=0, workers=2, fast=False)


def test_the_tier_is_chosen_in_one_place(monkeypatch):
    monkeypatch.delenv("BARENN_REFERENCE", raising=False)
    net = small_net()
    assert net.tier().fast and not net.tier(False).fast
    assert net.tier(False).train_step is Network.train_step
    assert net.tier(True).forward is barenn.fast.forward
    source = (ROOT / "network.py").read_text(encoding="utf-8") + (ROOT / "fitting.py").read_text(encoding="utf-8")
    # the only reads of the environment switch and of fast_tier.forward/train_step are in tier()
    assert source.count("reference_by_default()") == 2  # its definition, and its one use
    assert source.count("fast_tier.forward") == 1 and source.count("fast_tier.train_step") == 1


# --- the house: imports point down -------------------------------------------------------

def barenn_imports(path):
    """Every barenn module ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("barenn"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("barenn"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if (ROOT.parent / (full.replace(".", "/") + ".py")).exists()
                          or (ROOT.parent / full.replace(".", "/")).is_dir() else node.module)
    return found


def module_graph():
    graph = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = barenn_imports(path) - {name}
    return graph


def test_nothing_under_fast_imports_the_network_or_what_sits_on_it():
    above = {"barenn.network", "barenn.fitting", "barenn.agreement", "barenn.check", "barenn.cli"}
    for name, imports in module_graph().items():
        if name.startswith("barenn.fast"):
            assert not imports & above, (name, imports & above)


def test_no_import_circles_lazy_or_not():
    graph = module_graph()
    # a package imports its submodules; its submodules importing the package's names
    # through "from barenn.fast import x" is counted as importing the package.
    state = {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(graph.get(name, ())):
            if other not in graph or (other == "barenn" and name != "barenn"):
                continue
            if state.get(other) == "open":
                raise AssertionError("import circle: " + " -> ".join(path + [other]))
            if other not in state:
                visit(other, path + [other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


# --- one mistake, one wording --------------------------------------------------------------

WORDING = re.compile(r"^(?P<op>[\w.]+): (?:the )?(?P<name>[\w ]+) must hold real numbers, "
                     r"but row 0, column 1 is 'a' \(str\)$")


def bad_batch():
    return [[0.5, "a"], [1.0, 2.0]]


@pytest.mark.parametrize("call, op", [
    (lambda: dot(bad_batch(), [[1.0], [2.0]]), "dot"),
    (lambda: sum_columns(bad_batch()), "sum_columns"),
    (lambda: Dense(2, 3, seed=0).forward(bad_batch()), "Dense.forward"),
    (lambda: ReLU().forward(bad_batch()), "ReLU.forward"),
    (lambda: Sigmoid().forward(bad_batch()), "Sigmoid.forward"),
    (lambda: Tanh().forward(bad_batch()), "Tanh.forward"),
    (lambda: Softmax().forward(bad_batch()), "Softmax.forward"),
    (lambda: Dropout(0.5, seed=0).forward(bad_batch(), training=True), "Dropout.forward"),
    (lambda: CategoricalCrossEntropy().forward(bad_batch(), [0, 1]), "CategoricalCrossEntropy.forward"),
    (lambda: SoftmaxCrossEntropy().backward(bad_batch(), [0, 1]), "SoftmaxCrossEntropy.backward"),
    (lambda: MeanSquaredError().forward(bad_batch(), [[0.0, 1.0], [1.0, 0.0]]), "MeanSquaredError.forward"),
])
def test_the_same_bad_value_reads_the_same_everywhere(call, op):
    with pytest.raises(TypeError) as caught:
        call()
    match = WORDING.match(str(caught.value))
    assert match, str(caught.value)
    assert match["op"] == op
