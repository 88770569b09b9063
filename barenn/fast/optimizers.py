"""The fast tier's optimizer step: the reference update rules, each parameter as one flat list.

``barenn.optimizers`` (the reference) updates a parameter matrix row by row: one
comprehension per row and rule, each with its own zip. ``step(optimizer, layers)``
here does what ``optimizer.step(layers)`` does, with the same calls around the
update (``pre_update_params``, ``state_for``, ``post_update_params``), but each
parameter, its gradient and its slots (``"momentum"``, ``"cache"``) are first laid
out as one flat list, updated in one comprehension per rule, and cut back into
rows. The new matrices and slot matrices are put where the reference puts them
(``setattr(layer, name, ...)``, ``state[slot] = ...``), so saving, resuming and
the learning-rate schedule see no difference.

Adam's last line is written with the constants folded: ``w - a·m / (√v·r + ε)``
with ``a = lr / (1 - β1^t)`` and ``r = 1 / √(1 - β2^t)``, the reference's
``w - lr·(m / (1 - β1^t)) / (√(v / (1 - β2^t)) + ε)`` with three operations fewer
per number: the same value, rounded differently (about 1e-16 relative per step).
What it saves is the work per row: an Adam step on the spiral's 2-64-3 network
(rows of 3 and 64) takes 139-148 us instead of 188-192 (3.11-3.13, best of 200).
On 784-128-10 (rows of 128, 101,770 numbers) it saves next to nothing: 32.6
against 32.9 ms (3.12, load 3.9); the arithmetic itself, three comprehensions
over every number, is what a ``GradientPool``'s parent waits for there.

Only the four optimizers of ``barenn.optimizers`` (their exact classes) are
known here; any other optimizer (a subclass with its own ``update``, or one whose
``step`` was replaced on the object) takes its own ``step``. ``python -m barenn check`` compares each rule with the reference
("fast = reference" rows).
"""

import math
from itertools import chain

from barenn.checks import check_type
from barenn.optimizers import SGD, AdaGrad, Adam, RMSProp

__all__ = ["step", "step_flat", "flat_update", "RULES"]

sqrt = math.sqrt


def _sgd(optimizer, w, g, state):
    lr = optimizer.current_learning_rate
    if not optimizer.momentum:
        return [wi - lr * gi for wi, gi in zip(w, g)]
    mu = optimizer.momentum
    velocity = state["momentum"] = [mu * v - lr * gi for v, gi in zip(state["momentum"], g)]
    return [wi + v for wi, v in zip(w, velocity)]


def _adagrad(optimizer, w, g, state):
    lr, eps = optimizer.current_learning_rate, optimizer.epsilon
    cache = state["cache"] = [c + gi * gi for c, gi in zip(state["cache"], g)]
    return [wi - lr * gi / (sqrt(c) + eps) for wi, gi, c in zip(w, g, cache)]


def _rmsprop(optimizer, w, g, state):
    lr, eps, rho = optimizer.current_learning_rate, optimizer.epsilon, optimizer.rho
    fresh = 1 - rho
    cache = state["cache"] = [rho * c + fresh * gi * gi for c, gi in zip(state["cache"], g)]
    return [wi - lr * gi / (sqrt(c) + eps) for wi, gi, c in zip(w, g, cache)]


def _adam(optimizer, w, g, state):
    lr, eps = optimizer.current_learning_rate, optimizer.epsilon
    b1, b2 = optimizer.beta_1, optimizer.beta_2
    t = optimizer.iterations + 1
    fresh1, fresh2 = 1 - b1, 1 - b2
    m = state["momentum"] = [b1 * mi + fresh1 * gi for mi, gi in zip(state["momentum"], g)]
    v = state["cache"] = [b2 * vi + fresh2 * gi * gi for vi, gi in zip(state["cache"], g)]
    # lr·(m / c1) / (√(v / c2) + ε) = a·m / (√v·r + ε), a = lr / c1, r = 1 / √c2
    a, r = lr / (1 - b1 ** t), 1 / sqrt(1 - b2 ** t)
    return [wi - a * mi / (sqrt(vi) * r + eps) for wi, mi, vi in zip(w, m, v)]


# optimizer class -> (update rule on flat lists, the slots it reads and writes)
RULES = {
    SGD: (_sgd, lambda optimizer: ("momentum",) if optimizer.momentum else ()),
    AdaGrad: (_adagrad, lambda optimizer: ("cache",)),
    RMSProp: (_rmsprop, lambda optimizer: ("cache",)),
    Adam: (_adam, lambda optimizer: ("momentum", "cache")),
}


def _rule_of(optimizer):
    """(rule, slots) of ``optimizer``, or None: only for the exact classes in RULES,
    and only if no method of the step was replaced on the object itself (a
    wrapped ``step`` or ``update`` is the caller's to run)."""
    known = RULES.get(type(optimizer))
    if known is None or not _OWN_METHODS.isdisjoint(vars(optimizer)):
        return None
    return known[0], known[1](optimizer)


_OWN_METHODS = {"step", "update", "update_params", "pre_update_params", "post_update_params",
                "state_for"}


def flat_update(optimizer, value, grad, state):
    """The new value of one parameter, all three as flat lists of numbers.

    ``state``: {slot name: flat list} for the slots the rule uses; replaced by
    the new slot lists. Uses ``optimizer.current_learning_rate`` and
    ``iterations`` as they stand (call between pre_ and post_update_params).
    """
    rule = RULES.get(type(optimizer))
    if rule is None:
        raise TypeError(f"flat_update: no flat rule for {type(optimizer).__name__}; "
                        f"known: {', '.join(cls.__name__ for cls in RULES)}")
    return rule[0](optimizer, value, grad, state)


def _rows(flat, cols):
    return [flat[i: i + cols] for i in range(0, len(flat), cols)]


def _flat(matrix):
    return list(chain.from_iterable(matrix))


def step_flat(optimizer, parameters, gradients):
    """``optimizer.step`` for the parameters ``[(layer, name), ...]`` whose
    gradients are ``gradients``, one flat list each (row by row, the shape of
    ``getattr(layer, name)``). Returns None; the layers hold the new matrices.
    An optimizer without a flat rule gets the gradients as matrices in
    ``layer.d<name>`` and takes its own ``step``."""
    known = _rule_of(optimizer)
    if known is None:
        _own_step(optimizer, parameters, gradients)
        return
    rule, slots = known
    optimizer.pre_update_params()
    updates = []
    try:
        for (layer, name), grad in zip(parameters, gradients):
            value = getattr(layer, name)
            matrices = optimizer.state_for(layer, name, value)
            state = {slot: _flat(matrices[slot]) for slot in slots}
            updates.append((layer, name, len(value[0]), matrices, state,
                            rule(optimizer, _flat(value), grad, state)))
    except TypeError:
        # Something that is not a number: nothing is changed yet, so let the
        # reference step say what and where.
        _own_step(optimizer, parameters, gradients)
        return
    # Every parameter computed: only now replace them (and their slots).
    for layer, name, cols, matrices, state, new in updates:
        for slot in slots:
            matrices[slot] = _rows(state[slot], cols)
        setattr(layer, name, _rows(new, cols))
    optimizer.post_update_params()


def _own_step(optimizer, parameters, gradients):
    """The gradients as matrices in ``layer.d<name>``, then ``optimizer.step``."""
    layers = []
    for (layer, name), grad in zip(parameters, gradients):
        setattr(layer, "d" + name, _rows(grad, len(getattr(layer, name)[0])))
        if layer not in layers:
            layers.append(layer)
    optimizer.step(layers)


def step(optimizer, layers):
    """``optimizer.step(layers)`` on the fast tier: the same new parameters and
    state (within rounding), from each layer's ``params()`` and their gradients.
    Anything unusual (an optimizer without a flat rule, a missing or misshapen
    gradient, an empty matrix) goes to ``optimizer.step``, which names it."""
    check_type(f"{type(optimizer).__name__}.step", "layers", layers, (list, tuple), "a list of layers")
    if _rule_of(optimizer) is None:
        optimizer.step(layers)
        return
    parameters, gradients = [], []
    for layer in layers:
        for name, value, grad in getattr(layer, "params", list)():
            if (grad is None or not value or not value[0]
                    or not isinstance(grad, list) or len(grad) != len(value)):
                optimizer.step(layers)
                return
            try:
                flat = _flat(grad)
            except TypeError:  # a row that is not a list of numbers
                optimizer.step(layers)
                return
            if len(flat) != len(value) * len(value[0]) or len(grad[0]) != len(value[0]):
                optimizer.step(layers)  # ragged or another width: the reference says so
                return
            parameters.append((layer, name))
            gradients.append(flat)
    step_flat(optimizer, parameters, gradients)
