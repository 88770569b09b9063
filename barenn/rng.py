"""Random numbers: a book-compatible generator and the ``seed=`` / ``rng=`` convention.

Everything random in barenn takes either a ``seed`` or an ``rng`` (a
``random.Random`` or anything with the same ``random()`` and ``gauss(mu, sigma)``
methods); :func:`make_rng` turns that pair into one generator. With neither, barenn
draws from the ``random`` module itself, so a script that calls ``random.seed(1337)``
at its top gets the same weights every run, as it would with its own
``random.uniform`` calls. An explicit ``seed`` or ``rng`` never touches the module's
stream.

:class:`NumpyLegacy` exists for one reason: the walkthrough's printed figures
(``loss: 1.099, acc: 0.360`` at epoch 0 of the spiral network) come from numpy's
legacy generator after ``np.random.seed(0)``. To reproduce them exactly without
numpy we need the very same stream of numbers. That turns out to be possible with
the standard library alone:

* Both numpy and CPython use the Mersenne Twister MT19937. They differ only in how
  an integer seed becomes the 624-word state: numpy calls the reference
  ``init_genrand(seed)``, CPython's ``seed()`` calls ``init_by_array([seed])``.
  So we compute the ``init_genrand`` state ourselves and load it with ``setstate``.
* A uniform double is built identically by both (``genrand_res53``: 27 + 26 bits
  of two 32-bit draws), so the inherited C ``random()`` is already numpy's
  ``random_sample`` / ``rand``.
* Gaussians differ: numpy's legacy ``randn`` uses Marsaglia's polar method and
  caches the second value of each pair. We override ``gauss`` with that method
  and keep the cached value in the slot ``random.Random`` already has for its own
  Gaussian cache (``gauss_next``), so ``seed``, ``getstate``, ``setstate``,
  ``copy.copy`` and ``copy.deepcopy`` carry the cache along with no extra code.

Only ``random``, ``gauss``, ``standard_normal``, ``rand``, ``randn``, ``shuffle``
and ``permutation`` follow numpy. The other inherited methods (``randint``,
``choice``, ``uniform``, ...) use CPython's algorithms on the same stream.

>>> r = NumpyLegacy(0)
>>> r.random()
0.5488135039273248
>>> r.seed(0); r.standard_normal()
1.764052345967664
"""

import math
import os
import random

from barenn.checks import MAX_SIZE, check_int, check_number, check_type, describe

__all__ = ["NumpyLegacy", "SEED_TYPES", "SHARED_RANDOM", "SharedRandom", "make_rng", "shuffle"]

# MT19937 constants from the reference implementation (Matsumoto & Nishimura).
_STATE_WORDS = 624
_INIT_MULTIPLIER = 1812433253
_MASK32 = 0xFFFFFFFF


def _init_genrand(seed):
    """The 624-word MT19937 state that the reference ``init_genrand(seed)`` builds."""
    state = [seed]
    for i in range(1, _STATE_WORDS):
        previous = state[-1]
        state.append((_INIT_MULTIPLIER * (previous ^ (previous >> 30)) + i) & _MASK32)
    return state


class NumpyLegacy(random.Random):
    """A ``random.Random`` whose numbers equal numpy's after ``np.random.seed(seed)``.

    ``seed`` is an integer in 0 .. 2**32 - 1 (numpy's own range), or None for a
    fresh seed taken from the operating system (then there is no numpy stream to
    match, only independence from everything else).

    Matching calls (numpy on the left, this class on the right)::

        np.random.seed(s)            rng = NumpyLegacy(s)   or  rng.seed(s)
        np.random.rand()             rng.random()
        np.random.rand(r, c)         rng.rand(r, c)          (list of r rows)
        np.random.randn()            rng.standard_normal()   or  rng.gauss()
        np.random.normal(m, s)       rng.gauss(m, s)
        np.random.randn(r, c)        rng.randn(r, c)         (list of r rows)
        np.random.shuffle(a)         rng.shuffle(a)          (a list, in place)
        np.random.permutation(n)     rng.permutation(n)      (a list of ints)
    """

    def __new__(cls, seed=0):
        # On Python 3.10 the C-level Random.__new__ seeds with the constructor's
        # argument (the CPython way) before __init__ runs; hand it a harmless 0 so
        # every seed is checked, and applied, by our seed() alone.
        return super().__new__(cls, 0)

    def __init__(self, seed=0):
        super().__init__(seed)  # random.Random.__init__ calls self.seed(seed)

    def seed(self, seed=0):  # noqa: D401 - same name as random.Random.seed on purpose
        """Restart the stream exactly as ``np.random.seed(seed)`` would (cache cleared)."""
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little")
        # numpy's own range, 0 .. 2**32 - 1
        check_int("NumpyLegacy", "seed", seed, low=0, high=_MASK32)
        # Index 624 means "the state is fresh: twist before the first draw", which
        # is where init_genrand leaves the generator. gauss_next None = no cached
        # Gaussian, as numpy's seed() clears its has_gauss flag.
        self.setstate((self.VERSION, tuple(_init_genrand(seed)) + (_STATE_WORDS,), None))

    def setstate(self, state):
        """Restore a state from ``getstate()``; lists are accepted too, so JSON round-trips work."""
        try:
            version, internal, cached = state
            internal = tuple(internal)
        except (TypeError, ValueError):
            raise TypeError(
                "NumpyLegacy.setstate expects (version, 625 ints, cached gaussian or None) as returned by getstate()"
            ) from None
        super().setstate((version, internal, cached))

    # random() is inherited unchanged: CPython's C implementation is genrand_res53,
    # (a * 2**26 + b) / 2**53 with a = draw >> 5 and b = draw >> 6, which is the
    # very formula numpy uses for random_sample.

    def gauss(self, mu=0.0, sigma=1.0):
        """One normal number, ``mu + sigma * z``, z from numpy's legacy polar method.

        The polar method makes two independent normals from one accepted point of
        the unit disc; the second (``f * x1``) is cached and returned, unscaled, by
        the next call, exactly as numpy does. ``mu + sigma * z`` is also numpy's
        order of operations in ``np.random.normal``.
        """
        if type(mu) is not float or type(sigma) is not float:  # floats are the usual case
            mu = check_number("NumpyLegacy.gauss", "mu", mu)
            sigma = check_number("NumpyLegacy.gauss", "sigma", sigma)
        z = self.gauss_next
        if z is not None:
            self.gauss_next = None
            return mu + sigma * z
        while True:
            x1 = 2.0 * self.random() - 1.0
            x2 = 2.0 * self.random() - 1.0
            r2 = x1 * x1 + x2 * x2
            # Reject points outside the disc, and the centre, where log(0) fails.
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self.gauss_next = f * x1
        return mu + sigma * (f * x2)

    def standard_normal(self):
        """One N(0, 1) number: ``np.random.randn()``."""
        return self.gauss()

    def rand(self, rows, cols):
        """A rows x cols matrix of uniform numbers in [0, 1), filled row by row like numpy."""
        _check_shape("NumpyLegacy.rand", rows, cols)
        return [[self.random() for _ in range(cols)] for _ in range(rows)]

    def randn(self, rows, cols):
        """A rows x cols matrix of N(0, 1) numbers, filled row by row like ``np.random.randn``."""
        _check_shape("NumpyLegacy.randn", rows, cols)
        return [[self.gauss() for _ in range(cols)] for _ in range(rows)]

    def _interval(self, top):
        """A uniform int in 0 .. top, numpy's legacy ``random_interval``.

        Draw 32-bit words, keep only as many low bits as ``top`` needs, and retry
        until the value is at most ``top`` (no modulo bias).
        """
        if top == 0:
            return 0
        mask = (1 << top.bit_length()) - 1
        while True:
            value = self.getrandbits(32) & mask
            if value <= top:
                return value

    def shuffle(self, x):
        """Shuffle the list ``x`` in place exactly as ``np.random.shuffle`` would.

        Fisher-Yates from the end, each swap partner drawn by numpy's masked
        rejection (so the stream position matches numpy's afterwards too).
        """
        if len(x) > _MASK32:
            raise ValueError("NumpyLegacy.shuffle: list too long for 32-bit draws")
        for i in reversed(range(1, len(x))):
            j = self._interval(i)
            x[i], x[j] = x[j], x[i]

    def permutation(self, n):
        """A shuffled ``list(range(n))``: ``np.random.permutation(n)``."""
        check_int("NumpyLegacy.permutation", "n", n, low=0)
        items = list(range(n))
        self.shuffle(items)
        return items


def _check_shape(owner, rows, cols):
    check_int(owner, "rows", rows, low=0)
    check_int(owner, "cols", cols, low=0)
    if rows * cols > MAX_SIZE:
        raise ValueError(f"{owner}: rows x cols must be at most {MAX_SIZE:,} numbers, "
                         f"got {rows:,} x {cols:,}")


# What random.Random accepts as a seed (None aside).
SEED_TYPES = (int, float, str, bytes, bytearray)


class SharedRandom:
    """The ``random`` module's own generator, behind the methods barenn uses.

    ``random.random()``, ``random.gauss()`` ... are methods of one hidden
    ``random.Random`` that ``random.seed()`` seeds; this object forwards to them, so
    barenn's unseeded draws are the very draws a tutorial's ``random.uniform`` calls
    would make. It holds no state of its own: copies (``copy.deepcopy`` of a layer)
    still draw from the module.
    """

    def random(self):
        return random.random()

    def gauss(self, mu=0.0, sigma=1.0):
        return random.gauss(mu, sigma)

    def uniform(self, a, b):
        return random.uniform(a, b)

    def randint(self, a, b):
        return random.randint(a, b)

    def randrange(self, *args):
        return random.randrange(*args)

    def choice(self, items):
        return random.choice(items)

    def sample(self, items, k):
        return random.sample(items, k)

    def shuffle(self, items):
        random.shuffle(items)

    def getstate(self):
        return random.getstate()

    def setstate(self, state):
        random.setstate(state)

    def __repr__(self):
        return "SharedRandom()"


SHARED_RANDOM = SharedRandom()


def make_rng(seed=None, rng=None, owner="make_rng", needs=("random",)):
    """The generator to use: ``rng`` itself if given, else ``random.Random(seed)``
    for a given ``seed``, else the ``random`` module (its shared generator).

    The one place that implements the convention "every random thing takes
    ``seed=`` or ``rng=``". When both are given, ``rng`` wins: passing an rng is how
    a caller threads one stream through several steps (data, then weights, ...).
    With neither, the numbers come from the ``random`` module's own generator, the
    one ``random.seed(...)`` seeds: a tutorial script that seeds at its top is
    reproducible on barenn too (and one that does not seed gets fresh numbers).
    ``seed`` must be None, a whole number or a string (anything else is a TypeError
    even when ``rng`` is given); ``owner``, the function or class the caller is,
    names it in the error messages (as everywhere in barenn, see barenn.checks).
    ``needs`` names the methods the caller will use: a given ``rng`` lacking one of
    them is a TypeError here, before any work, not an AttributeError halfway.

    >>> make_rng(seed=3).random() == make_rng(seed=3).random()
    True
    >>> r = NumpyLegacy(0); make_rng(seed=5, rng=r) is r
    True
    >>> random.seed(1337); a = make_rng().random()
    >>> random.seed(1337); a == random.random()
    True
    """
    if seed is not None:
        check_type(owner, "seed", seed, SEED_TYPES, "None, a whole number or a string")
    if isinstance(needs, str) or not isinstance(needs, (list, tuple)) or not all(
            isinstance(name, str) and name for name in needs):
        raise TypeError(f"make_rng: needs must be a list or tuple of method names, "
                        f"got {describe(needs)}")
    if rng is None:
        # No seed: the random module's shared generator, so random.seed() decides.
        return SHARED_RANDOM if seed is None else random.Random(seed)
    missing = [name for name in needs if not callable(getattr(rng, name, None))]
    if missing:
        methods = ", ".join(f"{name}()" for name in needs)
        raise TypeError(f"{owner}: rng must be a random.Random or have the methods {methods}; "
                        f"{describe(rng)} has no {', '.join(f'{m}()' for m in missing)}")
    return rng


def shuffle(items, rng):
    """Shuffle the list ``items`` in place with ``rng``.

    Uses ``rng.shuffle`` when the generator has one (so ``NumpyLegacy`` shuffles
    the way numpy does and ``random.Random`` its own way); otherwise a
    Fisher-Yates shuffle driven by ``rng.random()`` alone.
    """
    check_type("shuffle", "items", items, list, "a list")
    if not (callable(getattr(rng, "shuffle", None)) or callable(getattr(rng, "random", None))):
        raise TypeError(f"shuffle: rng must be a random.Random (or have shuffle() or random()), "
                        f"got {describe(rng)}")
    method = getattr(rng, "shuffle", None)
    if callable(method):
        method(items)
        return
    for i in reversed(range(1, len(items))):
        # min() guards against a generator whose random() can return 1.0.
        j = min(int(rng.random() * (i + 1)), i)
        items[i], items[j] = items[j], items[i]
