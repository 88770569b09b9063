"""Dense(init=...): names, ("normal", std), ("uniform", bound), functions; and where
unseeded random numbers come from (the random module, so random.seed decides)."""

import math
import random

import pytest

from barenn.checks import ShapeError
from barenn.layers import Dense, initial_weights
from barenn.rng import NumpyLegacy, make_rng
from barenn.mlp import MLP


def _numpy_randn(seed, rows, cols):
    rng = NumpyLegacy(seed)
    return [[rng.gauss() for _ in range(cols)] for _ in range(rows)]


def test_normal_with_a_std_is_std_times_numpys_randn():
    # np.random.seed(3); 0.1 * np.random.randn(4, 5), drawn with the same stream
    layer = Dense(4, 5, init=("normal", 0.1), rng=NumpyLegacy(3))
    expected = [[0.1 * z for z in row] for row in _numpy_randn(3, 4, 5)]
    assert layer.weights == expected
    assert layer.init == ("normal", 0.1)


def test_uniform_with_a_bound_matches_numpys_uniform_formula():
    layer = Dense(3, 2, init=("uniform", 1), rng=NumpyLegacy(0))
    rng = NumpyLegacy(0)
    # np.random.uniform(-1, 1, (3, 2)) is -1 + 2 * random_sample(), row by row
    assert layer.weights == [[-1 + 2 * rng.random() for _ in range(2)] for _ in range(3)]
    assert all(-1 <= w < 1 for row in layer.weights for w in row)
    wide = Dense(50, 40, init=("uniform", 0.5), seed=1)
    values = [w for row in wide.weights for w in row]
    assert -0.5 <= min(values) < -0.45 and 0.45 < max(values) < 0.5


@pytest.mark.parametrize("name, std", [
    ("he", lambda k, m: math.sqrt(2 / k)),
    ("xavier", lambda k, m: math.sqrt(2 / (k + m))),
    ("glorot", lambda k, m: math.sqrt(2 / (k + m))),
    ("he_fan_avg", lambda k, m: math.sqrt(4 / (k + m))),
])
def test_named_normals_use_their_std(name, std):
    layer = Dense(6, 7, init=name, rng=NumpyLegacy(5))
    sigma = std(6, 7)
    assert layer.weights == [[sigma * z for z in row] for row in _numpy_randn(5, 6, 7)]


def test_he_fan_avg_std_is_the_sqrt_of_4_over_the_fan_sum():
    values = [w for row in Dense(300, 300, init="he_fan_avg", seed=0).weights for w in row]
    std = math.sqrt(sum(v * v for v in values) / len(values))
    assert std == pytest.approx(math.sqrt(4 / 600), rel=0.02)


def test_a_function_gets_the_rng_and_the_shape():
    calls = []

    def column_vector_uniform(rng, n_in, n_out):
        calls.append((n_in, n_out))
        by_neuron = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
        return [list(col) for col in zip(*by_neuron)]   # W (out x in) -> weights (in x out)

    layer = Dense(3, 2, init=column_vector_uniform, seed=4)
    assert calls == [(3, 2)]
    rng = random.Random(4)
    W = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(2)]
    assert layer.weights == [[W[j][i] for j in range(2)] for i in range(3)]
    assert "column_vector_uniform" in repr(layer)


def test_a_function_returning_the_wrong_shape_is_refused():
    with pytest.raises(ShapeError, match="3x2 weights"):
        Dense(3, 2, init=lambda rng, k, m: [[0.0] * k for _ in range(m)])
    with pytest.raises(TypeError, match="Dense"):
        Dense(1, 1, init=lambda rng, k, m: [["x"]])


@pytest.mark.parametrize("init, error, words", [
    ("bogus", ValueError, "Dense: init must be"),
    (("normal",), ValueError, "Dense: init must be a name"),
    (("gamma", 1.0), ValueError, "init[0]"),
    (("normal", 0), ValueError, "init[1]"),
    (("uniform", -1), ValueError, "init[1]"),
    (("normal", "big"), TypeError, "init[1]"),
    (7, TypeError, "Dense: init must be"),
])
def test_bad_inits(init, error, words):
    with pytest.raises(error) as info:
        Dense(2, 2, init=init)
    assert words in str(info.value)


def test_a_list_spec_as_json_gives_back_is_the_same_init():
    a = Dense(2, 3, init=("normal", 0.2), seed=1)
    b = Dense(2, 3, init=["normal", 0.2], seed=1)
    assert a.weights == b.weights and b.init == ("normal", 0.2)


def test_initial_weights_is_public_and_deterministic():
    assert initial_weights("he", 2, 2, random.Random(1)) == initial_weights("he", 2, 2, random.Random(1))


# --- unseeded randomness follows random.seed ------------------------------------------------

def test_unseeded_dense_and_mlp_follow_random_seed():
    random.seed(1337)
    a, m1 = Dense(3, 4), MLP(2, [3, 1])
    random.seed(1337)
    b, m2 = Dense(3, 4), MLP(2, [3, 1])
    assert a.weights == b.weights
    assert [p.data for p in m1.parameters()] == [p.data for p in m2.parameters()]


def test_an_unseeded_neuron_draws_what_random_uniform_would():
    random.seed(7)
    model = MLP(3, [4, 1])
    random.seed(7)
    expected = [random.uniform(-1, 1) for _ in range(len(model.parameters()))]
    assert [p.data for p in model.parameters()] == expected


def test_an_explicit_seed_leaves_the_random_module_alone():
    random.seed(5)
    before = random.getstate()
    Dense(4, 4, seed=3)
    MLP(2, [2], seed=3)
    make_rng(seed=9).random()
    assert random.getstate() == before
    assert Dense(4, 4, seed=3).weights == Dense(4, 4, seed=3).weights


def test_unseeded_layers_can_still_be_copied():
    import copy

    from barenn.layers import Dropout
    layer = Dropout(0.5)
    twin = copy.deepcopy(layer)
    random.seed(2)
    first = layer.forward([[1.0] * 8], training=True)
    random.seed(2)
    assert twin.forward([[1.0] * 8], training=True) == first
