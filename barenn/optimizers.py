"""Optimizers: turn the gradients of a backward pass into better weights.

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
``(id(layer), parameter name)`` (the optimizer keeps a reference to each layer
it has seen, so the ids stay valid). ``state_dict(layers)`` gives all of it as
plain JSON-ready data and ``load_state_dict(data, layers)`` puts it back, so
training can be stopped, saved and resumed with the very same numbers.

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

from barenn.checks import OrderError, ShapeError, check_matrix, check_number, check_type, matrix_shape
from barenn.matrix import format_shape

__all__ = ["Optimizer", "SGD", "AdaGrad", "RMSProp", "Adam", "OPTIMIZERS", "from_state_dict"]

sqrt = math.sqrt


def _zeros_like(m):
    return [[0.0] * len(r) for r in m]


def _shape_of(m):
    return (len(m), len(m[0]) if m else 0)


class Optimizer:
    """What every optimizer shares: decay, the iteration count, per-parameter state.

    Subclasses set ``settings`` (the constructor's argument names, saved by
    ``state_dict``), ``slots`` (the names of the matrices kept per parameter) and
    write ``update(value, grad, state)``, which returns the new value and stores
    the new slot matrices in ``state``.
    """

    settings = ("learning_rate", "decay")
    slots = ()

    def __init__(self, learning_rate, decay):
        owner = type(self).__name__
        self.learning_rate = check_number(owner, "learning_rate", learning_rate, low=0, low_open=True)
        self.decay = check_number(owner, "decay", decay, low=0)
        self.current_learning_rate = self.learning_rate
        self.iterations = 0
        self.state = {}      # (id(layer), parameter name) -> {slot name: matrix}
        self._layers = {}    # id(layer) -> layer, in the order first updated

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.settings)
        return f"{type(self).__name__}({args})"

    def config(self):
        """The constructor's arguments as a dict: ``type(opt)(**opt.config())`` is a twin."""
        return {name: getattr(self, name) for name in self.settings}

    # --- the three calls of one step ------------------------------------------------

    def pre_update_params(self):
        """Set the learning rate for this step: lr / (1 + decay · iterations)."""
        self.current_learning_rate = self.learning_rate / (1.0 + self.decay * self.iterations)

    def update_params(self, layer):
        """Replace each parameter of ``layer`` by its updated value.

        Uses the gradients from the layer's last ``backward`` (``layer.params()``).
        Layers without ``params`` (activations, losses) are left alone.
        """
        params = getattr(layer, "params", None)
        if params is None:
            return
        for name, value, grad in params():
            if grad is None:
                raise OrderError(f"{type(self).__name__}: {layer!r} has no gradient for {name}; "
                                 "run backward() before updating")
            if _shape_of(grad) != _shape_of(value):
                raise ShapeError(f"{type(self).__name__}: the gradient of {name} in {layer!r} is "
                                 f"{format_shape(_shape_of(grad))} but {name} is "
                                 f"{format_shape(_shape_of(value))}")
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

    def update(self, value, grad, state):
        """The update rule: return the new value (and store new slots in ``state``)."""
        raise NotImplementedError

    def check_update(self, weights, dweights, state):
        """What ``update`` is handed, checked: two matrices of numbers of one shape and a
        dict holding this optimizer's slots (each of that shape). ``update_params``
        always hands it such; a direct call gets a TypeError or ValueError naming
        the optimizer instead of an error from inside the arithmetic."""
        owner = f"{type(self).__name__}.update"
        dims = check_matrix(weights, owner, "weights")
        if check_matrix(dweights, owner, "gradient") != dims:
            raise ShapeError(f"{owner}: the gradient must have the shape of the weights "
                             f"({format_shape(dims)})")
        check_type(owner, "state", state, dict, "a dict of slot matrices")
        for slot in self.slots:
            if slot not in state:
                raise ValueError(f"{owner}: state has no {slot!r} matrix; "
                                 f"{type(self).__name__} keeps {', '.join(self.slots)}")
            if matrix_shape(state[slot], owner, slot) != dims:
                raise ShapeError(f"{owner}: the {slot} matrix must have the shape of the weights")

    def state_for(self, layer, name, value):
        """The dict of slot matrices (momentum, cache) kept for ``layer``'s parameter
        ``name``; zeros shaped like ``value`` the first time it is asked for."""
        key = (id(layer), name)
        state = self.state.get(key)
        if state is None:
            owner = f"{type(self).__name__}.state_for"
            check_type(owner, "name", name, str, "a parameter name such as 'weights'")
            matrix_shape(value, owner, "value")
            self._layers.setdefault(id(layer), layer)
            state = self.state[key] = {slot: _zeros_like(value) for slot in self.slots}
        return state

    # --- saving and restoring ---------------------------------------------------------

    def state_dict(self, layers=None):
        """Everything needed to resume: settings, iterations, learning rate and state.

        ``layers`` is the list that numbers the layers (e.g. ``network.layers``);
        each state entry records its layer's position in it. By default the layers
        are numbered in the order this optimizer first updated them. The result is
        plain lists, dicts and numbers (``json.dumps`` writes it as is).
        """
        if layers is None:
            layers = list(self._layers.values())
        check_type(f"{type(self).__name__}.state_dict", "layers", layers, (list, tuple),
                   "a list of layers or None")
        position = {id(layer): i for i, layer in enumerate(layers)}
        entries = []
        for (layer_id, name), slots in self.state.items():
            if layer_id not in position:
                raise ValueError(f"{type(self).__name__}.state_dict: the optimizer holds state for "
                                 f"{self._layers[layer_id]!r}, which is not among the given layers")
            entries.append({"layer": position[layer_id], "parameter": name,
                            **{slot: [list(r) for r in m] for slot, m in slots.items()}})
        entries.sort(key=lambda e: (e["layer"], e["parameter"]))
        return {"type": type(self).__name__, "settings": self.config(),
                "iterations": self.iterations,
                "current_learning_rate": self.current_learning_rate, "state": entries}

    def load_state_dict(self, data, layers=None):
        """Restore what ``state_dict`` gave; ``layers`` numbered the same way.

        Settings, iteration count, learning rate and every state matrix are
        replaced. Raises ValueError if the data is for another optimizer or does
        not fit the layers (unknown position or parameter, wrong shape).
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(data, dict):
            raise ValueError(f"{owner}: expected a dict from state_dict(), got {type(data).__name__}")
        if data.get("type") != type(self).__name__:
            raise ValueError(f"{owner}: the data is for optimizer {data.get('type')!r}, "
                             f"not {type(self).__name__}")
        settings = data.get("settings", {})
        if not isinstance(settings, dict) or set(settings) != set(self.settings):
            raise ValueError(f"{owner}: expected settings {sorted(self.settings)}, got {settings!r}")
        twin = type(self)(**settings)  # validates every setting
        iterations = data.get("iterations")
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
            raise ValueError(f"{owner}: iterations must be a whole number >= 0, got {iterations!r}")
        current = check_number(owner, "current_learning_rate", data.get("current_learning_rate"),
                               low=0, low_open=True)
        entries = data.get("state", [])
        if not isinstance(entries, list):
            raise ValueError(f"{owner}: state must be a list, got {type(entries).__name__}")
        if entries and layers is None:
            raise ValueError(f"{owner}: pass the layers the state belongs to")
        state, seen = {}, {}
        for entry in entries:
            layer, name, value = self._entry_target(owner, entry, layers)
            slots = {}
            for slot in self.slots:
                slots[slot] = _checked_matrix(owner, f"{slot} of {name} of layer {entry['layer']}",
                                              entry.get(slot), _shape_of(value))
            state[(id(layer), name)] = slots
            seen.setdefault(id(layer), layer)
        for name in self.settings:
            setattr(self, name, getattr(twin, name))
        self.iterations = iterations
        self.current_learning_rate = current
        self.state = state
        self._layers = seen

    def _entry_target(self, owner, entry, layers):
        if not isinstance(entry, dict):
            raise ValueError(f"{owner}: each state entry must be a dict, got {type(entry).__name__}")
        index, name = entry.get("layer"), entry.get("parameter")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(layers):
            raise ValueError(f"{owner}: state entry names layer {index!r}, but there are "
                             f"{len(layers)} layers")
        layer = layers[index]
        params = {p[0]: p[1] for p in getattr(layer, "params", lambda: [])()}
        if name not in params:
            raise ValueError(f"{owner}: layer {index} ({layer!r}) has no parameter {name!r}")
        return layer, name, params[name]


def _checked_matrix(owner, what, m, dims):
    """``m`` as a fresh list of float rows, after checking its type and shape."""
    if not isinstance(m, list) or not all(isinstance(r, list) for r in m):
        raise ValueError(f"{owner}: {what} must be a list of rows, got {type(m).__name__}")
    if len(m) != dims[0] or any(len(r) != dims[1] for r in m):
        rows = len(m)
        cols = "ragged" if len({len(r) for r in m}) > 1 else (len(m[0]) if m else 0)
        raise ValueError(f"{owner}: {what} must be {format_shape(dims)}, got {rows}x{cols}")
    for r in m:
        for v in r:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"{owner}: {what} holds {v!r}, not a number")
    return [[float(v) for v in r] for r in m]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    momentum:      μ in [0, 1); 0 is plain SGD. The velocity v starts at zero.
    """

    settings = ("learning_rate", "decay", "momentum")

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = check_number("SGD", "momentum", momentum, low=0, high=1, high_open=True)

    @property
    def slots(self):
        return ("momentum",) if self.momentum else ()

    def update(self, weights, dweights, state):
        self.check_update(weights, dweights, state)
        lr = self.current_learning_rate
        if not self.momentum:
            # w ← w − lr·g
            return [[w - lr * g for w, g in zip(wr, gr)] for wr, gr in zip(weights, dweights)]
        # v ← μ·v − lr·g ;  w ← w + v
        mu = self.momentum
        velocity = [[mu * v - lr * g for v, g in zip(vr, gr)]
                    for vr, gr in zip(state["momentum"], dweights)]
        state["momentum"] = velocity
        return [[w + v for w, v in zip(wr, vr)] for wr, vr in zip(weights, velocity)]


class AdaGrad(Optimizer):
    """Adaptive gradient: each parameter's step shrinks as its squared gradients add up
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite while the cache is still 0.
    """

    settings = ("learning_rate", "decay", "epsilon")
    slots = ("cache",)

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = check_number("AdaGrad", "epsilon", epsilon, low=0, low_open=True)

    def update(self, weights, dweights, state):
        self.check_update(weights, dweights, state)
        lr, eps = self.current_learning_rate, self.epsilon
        # c ← c + g² ;  w ← w − lr·g / (√c + ε)
        cache = [[c + g * g for c, g in zip(cr, gr)] for cr, gr in zip(state["cache"], dweights)]
        state["cache"] = cache
        return [[w - lr * g / (sqrt(c) + eps) for w, g, c in zip(wr, gr, cr)]
                for wr, gr, cr in zip(weights, dweights, cache)]


class RMSProp(Optimizer):
    """Root mean square propagation: AdaGrad with a moving average as the cache
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite. rho: how much of the old cache stays, in [0, 1).
    """

    settings = ("learning_rate", "decay", "epsilon", "rho")
    slots = ("cache",)

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = check_number("RMSProp", "epsilon", epsilon, low=0, low_open=True)
        self.rho = check_number("RMSProp", "rho", rho, low=0, high=1, high_open=True)

    def update(self, weights, dweights, state):
        self.check_update(weights, dweights, state)
        lr, eps, rho = self.current_learning_rate, self.epsilon, self.rho
        fresh = 1 - rho  # worked out once, not per element (the same number either way)
        # c ← ρ·c + (1 − ρ)·g² ;  w ← w − lr·g / (√c + ε)
        cache = [[rho * c + fresh * g * g for c, g in zip(cr, gr)]
                 for cr, gr in zip(state["cache"], dweights)]
        state["cache"] = cache
        return [[w - lr * g / (sqrt(c) + eps) for w, g, c in zip(wr, gr, cr)]
                for wr, gr, cr in zip(weights, dweights, cache)]


class Adam(Optimizer):
    """Adaptive moment estimation: momentum plus an RMSProp cache, both bias-corrected
    (lesson 04, optimizers).

    learning_rate: step size (> 0). decay: see the module docstring.
    epsilon:       keeps the division finite.
    beta_1:        how much of the old momentum stays, in [0, 1).
    beta_2:        how much of the old cache stays, in [0, 1).
    Both averages start at zero, so early on they are too small; dividing by
    1 − β^t (t = iterations + 1) corrects that.
    """

    settings = ("learning_rate", "decay", "epsilon", "beta_1", "beta_2")
    slots = ("momentum", "cache")

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = check_number("Adam", "epsilon", epsilon, low=0, low_open=True)
        self.beta_1 = check_number("Adam", "beta_1", beta_1, low=0, high=1, high_open=True)
        self.beta_2 = check_number("Adam", "beta_2", beta_2, low=0, high=1, high_open=True)

    def update(self, weights, dweights, state):
        self.check_update(weights, dweights, state)
        lr, eps, b1, b2 = self.current_learning_rate, self.epsilon, self.beta_1, self.beta_2
        t = self.iterations + 1
        # 1 − β1 and 1 − β2 worked out once, not per element (the same numbers either
        # way): the update of a 32x32 matrix takes a sixth less time.
        fresh1, fresh2 = 1 - b1, 1 - b2
        # m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
        m = [[b1 * mi + fresh1 * g for mi, g in zip(mr, gr)]
             for mr, gr in zip(state["momentum"], dweights)]
        v = [[b2 * vi + fresh2 * g * g for vi, g in zip(vr, gr)]
             for vr, gr in zip(state["cache"], dweights)]
        state["momentum"], state["cache"] = m, v
        # m̂ = m / (1 − β1^t) ;  v̂ = v / (1 − β2^t) ;  w ← w − lr·m̂ / (√v̂ + ε)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        return [[w - lr * (mi / c1) / (sqrt(vi / c2) + eps) for w, mi, vi in zip(wr, mr, vr)]
                for wr, mr, vr in zip(weights, m, v)]


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, AdaGrad, RMSProp, Adam)}


def from_state_dict(data, layers=None):
    """A new optimizer of the saved type with everything ``state_dict`` recorded."""
    check_type("from_state_dict", "data", data, dict, "a dict from state_dict()")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in OPTIMIZERS:
        raise ValueError(f"from_state_dict: unknown optimizer {kind!r}; expected one of "
                         f"{', '.join(OPTIMIZERS)}")
    settings = data.get("settings")
    if not isinstance(settings, dict):
        raise ValueError(f"from_state_dict: {kind} settings must be a dict, got "
                         f"{type(settings).__name__}")
    try:
        optimizer = OPTIMIZERS[kind](**settings)
    except TypeError as error:
        raise ValueError(f"from_state_dict: bad {kind} settings {settings!r} ({error})") from None
    optimizer.load_state_dict(data, layers)
    return optimizer
