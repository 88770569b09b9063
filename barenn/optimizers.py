"""Optimizers: turn the gradients of a backward pass into better weights (lesson 04).

After ``backward``, every layer with something to learn lists it through
``layer.params()`` as ``(name, value, grad)`` triples (``Dense`` gives its
``weights``/``dweights`` and ``biases``/``dbiases``). An optimizer changes each
value a little against its gradient. One training step is three calls, as in the
walkthrough::

    optimizer.pre_update_params()        # lr for this step, after decay
    for layer in trainable_layers:
        optimizer.update_params(layer)   # new weights and biases
    optimizer.post_update_params()       # one more iteration done

``optimizer.step(layers)`` does exactly those three things.

Decay: every optimizer takes ``decay`` and uses, at iteration t (0, 1, 2, ...),
``current_learning_rate = learning_rate / (1 + decay * t)``.

State: momentum and caches belong to the optimizer, not to the layers. They live
in ``optimizer.state``, one dict of matrices per parameter, keyed by
``(id(layer), parameter name)``; ``optimizer.owners`` keeps each layer it has
seen, so the ids stay valid. ``barenn.saving`` writes all of it as JSON and puts
it back, so training can stop and resume with the very same numbers.

Updates build new matrices (``setattr(layer, name, new)``); nothing is changed in
place, so a matrix you kept from before a step still holds the old values.

>>> from barenn.layers import Dense
>>> layer = Dense(1, 1, seed=0)
>>> layer.weights, layer.dweights = [[1.0]], [[0.5]]
>>> layer.biases, layer.dbiases = [[0.0]], [[-1.0]]
>>> SGD(learning_rate=0.1).step([layer])
>>> layer.weights, layer.biases
([[0.95]], [[0.1]])
"""

import math

from barenn.checks import check_optimizer_params, check_setting, check_type, check_update, matrix_shape

__all__ = ["Optimizer", "SGD", "AdaGrad", "RMSProp", "Adam", "OPTIMIZERS", "SETTING_RANGES"]


class Optimizer:
    """What every optimizer shares: decay, the iteration count, per-parameter state.

    A subclass passes its settings to ``__init__`` by name, lists in ``slots`` the
    matrices it keeps per parameter, and writes ``update(weights, dweights, state)``,
    which returns the new weights and stores the new slot matrices in ``state``.
    """

    slots = ()

    def __init__(self, learning_rate, decay=0.0, **more):
        """Check each setting against ``SETTING_RANGES`` and keep it as an attribute."""
        settings = {"learning_rate": learning_rate, "decay": decay, **more}
        for name, value in settings.items():
            setattr(self, name, check_setting(type(self).__name__, name, value, SETTING_RANGES))
        self.settings = tuple(settings)
        self.current_learning_rate = self.learning_rate
        self.iterations = 0
        self.state = {}    # (id(layer), parameter name) -> {slot name: matrix}
        self.owners = {}   # id(layer) -> layer, in the order first updated

    def pre_update_params(self):
        """Set the learning rate for this step: lr / (1 + decay · iterations)."""
        self.current_learning_rate = self.learning_rate / (1.0 + self.decay * self.iterations)

    def update_params(self, layer):
        """Replace each parameter of ``layer`` by its updated value.

        Uses the gradients from the layer's last ``backward`` (``layer.params()``).
        Layers without ``params`` (activations, losses) are left alone.
        """
        for name, value, grad in check_optimizer_params(type(self).__name__, layer):
            state = self.state_for(layer, name, value)
            setattr(layer, name, self.update(value, grad, state))

    def post_update_params(self):
        """Count the step (the decay and Adam's bias correction depend on it)."""
        self.iterations += 1

    def step(self, layers):
        """One whole update of every layer in ``layers``: pre, update each, post."""
        check_type(f"{type(self).__name__}.step", "layers", layers, (list, tuple), "a list of layers")
        self.pre_update_params()
        for layer in layers:
            self.update_params(layer)
        self.post_update_params()

    def update(self, weights, dweights, state):
        """The update rule: return the new weights (and store new slots in ``state``)."""
        raise NotImplementedError

    def state_for(self, layer, name, value):
        """The dict of slot matrices (momentum, cache) kept for ``layer``'s parameter
        ``name``; zeros shaped like ``value`` the first time it is asked for."""
        key = (id(layer), name)
        if key not in self.state:
            check_type(f"{type(self).__name__}.state_for", "name", name, str,
                       "a parameter name such as 'weights'")
            rows, cols = matrix_shape(value, f"{type(self).__name__}.state_for", "value")
            self.owners.setdefault(id(layer), layer)
            self.state[key] = {slot: [[0.0] * cols for _ in range(rows)] for slot in self.slots}
        return self.state[key]

    def config(self):
        """The constructor's arguments as a dict: ``type(opt)(**opt.config())`` is a twin."""
        return {name: getattr(self, name) for name in self.settings}

    def __repr__(self):
        args = ", ".join(f"{name}={value!r}" for name, value in self.config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    momentum:      μ in [0, 1); 0 is plain SGD. The velocity v starts at zero.
    """

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate=learning_rate, decay=decay, momentum=momentum)

    @property
    def slots(self):
        return ("momentum",) if self.momentum else ()

    def update(self, weights, dweights, state):
        """w ← w − lr·g; with momentum μ: v ← μ·v − lr·g, w ← w + v (lesson 04)."""
        check_update(self, weights, dweights, state)
        lr, mu = self.current_learning_rate, self.momentum
        if not mu:
            # w ← w − lr·g
            return [[w - lr * g for w, g in zip(w_row, g_row)]
                    for w_row, g_row in zip(weights, dweights)]
        # v ← μ·v − lr·g ;  w ← w + v
        velocity = [[mu * v - lr * g for v, g in zip(v_row, g_row)]
                    for v_row, g_row in zip(state["momentum"], dweights)]
        state["momentum"] = velocity
        return [[w + v for w, v in zip(w_row, v_row)] for w_row, v_row in zip(weights, velocity)]


class AdaGrad(Optimizer):
    """Adaptive gradient: each parameter's step shrinks as its squared gradients add up
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite while the cache is still 0.
    """

    slots = ("cache",)

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate=learning_rate, decay=decay, epsilon=epsilon)

    def update(self, weights, dweights, state):
        """cache ← cache + g²; w ← w − lr·g / (√cache + ε) (lesson 04)."""
        check_update(self, weights, dweights, state)
        lr, eps = self.current_learning_rate, self.epsilon
        # cache ← cache + g²
        cache = [[c + g * g for c, g in zip(c_row, g_row)]
                 for c_row, g_row in zip(state["cache"], dweights)]
        state["cache"] = cache
        # w ← w − lr·g / (√cache + ε)
        return [[w - lr * g / (math.sqrt(c) + eps) for w, g, c in zip(w_row, g_row, c_row)]
                for w_row, g_row, c_row in zip(weights, dweights, cache)]


class RMSProp(Optimizer):
    """Root mean square propagation: AdaGrad with a moving average as the cache
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite. rho: how much of the old cache stays, in [0, 1).
    """

    slots = ("cache",)

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate=learning_rate, decay=decay, epsilon=epsilon, rho=rho)

    def update(self, weights, dweights, state):
        """cache ← ρ·cache + (1 − ρ)·g²; w ← w − lr·g / (√cache + ε) (lesson 04)."""
        check_update(self, weights, dweights, state)
        lr, eps, rho = self.current_learning_rate, self.epsilon, self.rho
        # cache ← ρ·cache + (1 − ρ)·g²
        cache = [[rho * c + (1 - rho) * g * g for c, g in zip(c_row, g_row)]
                 for c_row, g_row in zip(state["cache"], dweights)]
        state["cache"] = cache
        # w ← w − lr·g / (√cache + ε)
        return [[w - lr * g / (math.sqrt(c) + eps) for w, g, c in zip(w_row, g_row, c_row)]
                for w_row, g_row, c_row in zip(weights, dweights, cache)]


class Adam(Optimizer):
    """Adaptive moment estimation: momentum plus an RMSProp cache, both bias-corrected
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite.
    beta_1:        how much of the old momentum m stays, in [0, 1).
    beta_2:        how much of the old cache v stays, in [0, 1).
    Both averages start at zero, so early on they are too small; dividing by
    1 − β^t (t = iterations + 1) corrects that: m_hat and v_hat.
    """

    slots = ("momentum", "cache")

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate=learning_rate, decay=decay, epsilon=epsilon,
                         beta_1=beta_1, beta_2=beta_2)

    def update(self, weights, dweights, state):
        """m and v as moving averages of g and g², bias-corrected to m_hat and v_hat;
        w ← w − lr·m_hat / (√v_hat + ε) (lesson 04)."""
        check_update(self, weights, dweights, state)
        lr, eps, b1, b2 = self.current_learning_rate, self.epsilon, self.beta_1, self.beta_2
        t = self.iterations + 1
        # m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
        m = [[b1 * m_old + (1 - b1) * g for m_old, g in zip(m_row, g_row)]
             for m_row, g_row in zip(state["momentum"], dweights)]
        v = [[b2 * v_old + (1 - b2) * g * g for v_old, g in zip(v_row, g_row)]
             for v_row, g_row in zip(state["cache"], dweights)]
        state["momentum"], state["cache"] = m, v
        # m_hat = m / (1 − β1^t) ;  v_hat = v / (1 − β2^t)
        m_correction, v_correction = 1 - b1 ** t, 1 - b2 ** t
        m_hat = [[m_ij / m_correction for m_ij in m_row] for m_row in m]
        v_hat = [[v_ij / v_correction for v_ij in v_row] for v_row in v]
        # w ← w − lr·m_hat / (√v_hat + ε)
        return [[w - lr * mh / (math.sqrt(vh) + eps) for w, mh, vh in zip(w_row, mh_row, vh_row)]
                for w_row, mh_row, vh_row in zip(weights, m_hat, v_hat)]


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, AdaGrad, RMSProp, Adam)}

# The range each setting must lie in (check_number's keyword arguments).
SETTING_RANGES = {
    "learning_rate": {"low": 0, "low_open": True},
    "decay": {"low": 0},
    "momentum": {"low": 0, "high": 1, "high_open": True},
    "epsilon": {"low": 0, "low_open": True},
    "rho": {"low": 0, "high": 1, "high_open": True},
    "beta_1": {"low": 0, "high": 1, "high_open": True},
    "beta_2": {"low": 0, "high": 1, "high_open": True},
}
