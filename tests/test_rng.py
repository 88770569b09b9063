"""Tests for barenn.rng: the numpy-compatible stream and make_rng / shuffle.

Reference numbers were produced once with numpy 2.4.6 (legacy ``np.random``
functions) in a throwaway virtual environment outside the repository, e.g.::

    import numpy as np
    np.random.seed(0); print([repr(float(v)) for v in np.random.randn(7)])

and are hard-coded here: barenn itself never imports numpy.

The uniforms are pure integer/float arithmetic and must match bit for bit. The
Gaussians also go through ``log`` and ``sqrt``; CPython's ``math.log`` and numpy
both call the C library's ``log``, so they match bit for bit on the same libm
(glibc here), and are compared exactly too.
"""

import copy
import json
import random

import pytest

from barenn.rng import NumpyLegacy, make_rng, shuffle

# np.random.seed(0); np.random.rand(5)
RAND_SEED0 = [0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047]
# np.random.seed(0); np.random.randn(7)
RANDN_SEED0 = [
    1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458,
    1.8675579901499675, -0.977277879876411, 0.9500884175255894,
]


def test_uniform_stream_matches_numpy_rand():
    rng = NumpyLegacy(0)
    assert [rng.random() for _ in range(5)] == RAND_SEED0


def test_default_seed_is_zero():
    assert NumpyLegacy().random() == RAND_SEED0[0]
    assert NumpyLegacy(seed=0).random() == RAND_SEED0[0]


def test_gaussian_stream_matches_numpy_randn():
    rng = NumpyLegacy(0)
    assert [rng.standard_normal() for _ in range(7)] == RANDN_SEED0


def test_other_seeds_match_numpy():
    # np.random.seed(12345); np.random.randn(3)
    assert NumpyLegacy(12345).randn(1, 3) == [[-0.20470765948471295, 0.47894333805754824, -0.5194387150567381]]
    # np.random.seed(2**32 - 1); np.random.randn(3); np.random.rand()
    rng = NumpyLegacy(2**32 - 1)
    assert rng.randn(1, 3) == [[0.6484086742306527, 0.6693235306338161, -1.0805437227474493]]
    assert rng.random() == 0.9093750727977705


def test_not_the_same_as_python_seeding():
    # Python's own seed(0) uses init_by_array, a different state: the override matters.
    assert random.Random(0).random() != RAND_SEED0[0]


def test_randn_fills_row_by_row_like_numpy():
    # np.random.seed(0); np.random.randn(2, 3)
    assert NumpyLegacy(0).randn(2, 3) == [RANDN_SEED0[0:3], RANDN_SEED0[3:6]]


def test_rand_matrix():
    assert NumpyLegacy(0).rand(2, 2) == [RAND_SEED0[0:2], RAND_SEED0[2:4]]
    assert NumpyLegacy(0).rand(0, 3) == []


def test_gauss_scales_like_numpy_normal():
    # np.random.seed(0); np.random.normal(3.0, 2.0); np.random.normal(3.0, 2.0)
    rng = NumpyLegacy(0)
    assert rng.gauss(3.0, 2.0) == 6.528104691935328
    assert rng.gauss(3.0, 2.0) == 3.8003144167344467


def test_cached_gaussian_survives_a_uniform_draw():
    # np.random.seed(0); randn(); rand(); randn(); randn()
    # The second randn() is the cached half of the first pair, so rand() in between
    # consumes the third uniform, not the first ones.
    rng = NumpyLegacy(0)
    assert rng.gauss() == 1.764052345967664
    assert rng.random() == 0.6027633760716439
    assert rng.gauss() == 0.4001572083672233
    assert rng.gauss() == -2.268328201180374


def test_seed_clears_the_gaussian_cache():
    rng = NumpyLegacy(0)
    rng.gauss()  # leaves the pair's second value cached
    assert rng.gauss_next is not None
    rng.seed(0)
    assert rng.gauss_next is None
    assert rng.gauss() == RANDN_SEED0[0]


def test_getstate_setstate_keep_the_cache():
    rng = NumpyLegacy(0)
    rng.gauss()
    state = rng.getstate()
    first = [rng.gauss() for _ in range(4)]
    rng.setstate(state)
    assert [rng.gauss() for _ in range(4)] == first
    assert first[0] == RANDN_SEED0[1]  # the cached value came back with the state


def test_state_round_trips_through_json():
    rng = NumpyLegacy(7)
    rng.gauss()
    text = json.dumps(rng.getstate())  # no pickle needed: ints and a float
    expected = [rng.gauss() for _ in range(3)] + [rng.random()]
    other = NumpyLegacy(123)
    other.setstate(json.loads(text))  # lists instead of tuples are accepted
    assert [other.gauss() for _ in range(3)] + [other.random()] == expected


def test_setstate_rejects_garbage():
    with pytest.raises(TypeError, match="getstate"):
        NumpyLegacy(0).setstate(5)
    with pytest.raises(TypeError, match="getstate"):
        NumpyLegacy(0).setstate((3, None, None))


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_copies_continue_the_same_stream(copier):
    rng = NumpyLegacy(0)
    rng.gauss()
    twin = copier(rng)
    assert type(twin) is NumpyLegacy
    assert [twin.gauss() for _ in range(3)] == [rng.gauss() for _ in range(3)]


def test_shuffle_and_permutation_match_numpy():
    # np.random.seed(0); np.random.permutation(10); np.random.rand()
    rng = NumpyLegacy(0)
    assert rng.permutation(10) == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
    assert rng.random() == 0.4375872112626925  # same stream position as numpy afterwards
    # np.random.seed(0); keys = np.arange(300); np.random.shuffle(keys); keys[:10]; np.random.rand()
    rng = NumpyLegacy(0)
    keys = list(range(300))
    rng.shuffle(keys)
    assert keys[:10] == [208, 188, 12, 221, 239, 136, 230, 206, 52, 108]
    assert sorted(keys) == list(range(300))
    assert rng.random() == 0.3117958819941026
    # np.random.seed(0); np.random.permutation(70000)[:5] (masks wider than 16 bits)
    assert NumpyLegacy(0).permutation(70000)[:5] == [10840, 56267, 14849, 62726, 47180]


def test_permutation_edge_cases():
    assert NumpyLegacy(0).permutation(0) == []
    assert NumpyLegacy(0).permutation(1) == [0]
    with pytest.raises(ValueError, match="NumpyLegacy.permutation: n must be a whole number >= 0"):
        NumpyLegacy(0).permutation(-1)


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_seed_out_of_numpy_range(bad):
    with pytest.raises(ValueError, match=r"NumpyLegacy: seed must be (a whole number )?in \[0, 4294967295\]"):
        NumpyLegacy(bad)


@pytest.mark.parametrize("bad", [1.5, "0", True, [0]])
def test_seed_of_wrong_type(bad):
    with pytest.raises(TypeError, match="NumpyLegacy: seed must be a whole number"):
        NumpyLegacy(bad)


def test_seed_none_gives_a_working_fresh_stream():
    rng = NumpyLegacy(None)
    values = [rng.random() for _ in range(3)]
    assert all(0.0 <= v < 1.0 for v in values)


@pytest.mark.parametrize("rows, cols, error", [
    (-1, 2, ValueError), (2, -1, ValueError), (1.5, 2, TypeError), (2, None, TypeError),
    (2**64, 1, ValueError), (10**5, 10**5, ValueError),
])
def test_randn_rejects_bad_shapes(rows, cols, error):
    with pytest.raises(error, match="NumpyLegacy.randn: (rows|cols)"):
        NumpyLegacy(0).randn(rows, cols)
    with pytest.raises(error, match="NumpyLegacy.rand: (rows|cols)"):
        NumpyLegacy(0).rand(rows, cols)


def test_make_rng_prefers_the_given_rng():
    rng = NumpyLegacy(0)
    assert make_rng(seed=5, rng=rng) is rng
    assert make_rng(rng=rng) is rng


def test_make_rng_builds_a_seeded_random():
    a, b = make_rng(seed=3), make_rng(seed=3)
    assert type(a) is random.Random
    assert [a.random() for _ in range(3)] == [b.random() for _ in range(3)]
    assert make_rng(seed=3).random() != make_rng(seed=4).random()


def test_make_rng_rejects_non_generators():
    with pytest.raises(TypeError, match="make_rng: rng must be a random.Random"):
        make_rng(rng=42)
    with pytest.raises(TypeError, match="spiral: rng must be a random.Random"):
        make_rng(rng=42, owner="spiral")


@pytest.mark.parametrize("bad", [{}, [1], (1,), object()])
def test_make_rng_rejects_seeds_random_cannot_use(bad):
    with pytest.raises(TypeError, match="Layer: seed must be None, a whole number or a string"):
        make_rng(bad, owner="Layer")


class _UniformOnly:
    """A minimal generator: random() only (no shuffle), from a fixed Random."""

    def __init__(self, seed):
        self._inner = random.Random(seed)

    def random(self):
        return self._inner.random()


def test_shuffle_uses_the_generators_own_shuffle():
    items = list(range(10))
    shuffle(items, NumpyLegacy(0))
    assert items == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]


def test_shuffle_falls_back_to_random_only():
    a, b = list(range(50)), list(range(50))
    shuffle(a, _UniformOnly(1))
    shuffle(b, _UniformOnly(1))
    assert a == b
    assert sorted(a) == list(range(50))
    assert a != list(range(50))
    c = list(range(50))
    shuffle(c, _UniformOnly(2))
    assert c != a
