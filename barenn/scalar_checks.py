"""The argument checks of the scalar engine (``barenn.autograd``, ``barenn.scalar_nn``,
``barenn.mlp`` and ``barenn.fast.scalar``): the one check line each of their methods
opens with, in the wording of ``barenn.checks``."""

import math
from numbers import Real

from barenn.checks import FLOAT_MAX, MAX_SIZE, check_bool, check_choice, check_int, check_type, describe

__all__ = ["check_value", "check_operand", "check_power", "check_exp", "check_log", "check_sample", "sample_number", "check_weighted_sum", "check_parameter_count", "check_mlp"]

EXP_LIMIT = math.log(FLOAT_MAX)  # exp(x) is a float only for x <= about 709.78


def check_value(data, label):
    """The one check line of ``Value(data, label)``: ``data`` as a float (a real number,
    not a bool, that a float can hold) after checking that ``label`` is a str."""
    check_type("Value", "label", label, str, "a str (a name for pictures and repr)")
    number = check_type("Value", "data", data, Real, "a number (int or float)")
    try:
        return float(number)
    except OverflowError:
        raise ValueError(f"Value: data must be a number a float can hold (at most "
                         f"{FLOAT_MAX:.4g} in size), got {describe(number)}") from None


def check_operand(other, op, value_type, divisor=False):
    """The other operand of ``a op other`` as a Value: itself, or a plain number as a
    constant leaf (so that it shows in the graph). ``divisor=True`` refuses 0."""
    check_type("check_operand", "value_type", value_type, type, "the Value class")
    if not isinstance(other, value_type):
        number = check_type(f"Value {op}", "the other operand", other, Real,
                            "a number (int or float) or a Value")
        other = value_type(check_value(number, ""))
    if divisor and other.data == 0:
        raise ZeroDivisionError(f"Value {op}: division by zero (the divisor is {other.data!r})")
    return other


def check_power(a, exponent, value_type):
    """The exponent of ``a ** exponent`` (a float, or the Value itself) after checking
    that the power and its slopes are real, finite numbers."""
    check_type("check_power", "value_type", value_type, type, "the Value class")
    check_type("check_power", "a", a, Real, "a number (the base)")
    if isinstance(exponent, value_type):
        n = exponent.data
        if a < 0:
            raise ValueError(f"Value **: ({a!r}) ** Value({n!r}): a Value exponent needs a base >= 0, because "
                             "d(a**b)/db = a**b * ln(a) has no real value for a < 0 (for an integer "
                             "power of a negative number use a plain number exponent)")
    else:
        n = float(check_type("Value **", "the exponent", exponent, Real, "a number (int or float) or a Value"))
        if a < 0 and not n.is_integer():
            raise ValueError(f"Value **: ({a!r}) ** {exponent!r} has no real value: a negative base needs "
                             "an integer exponent")
    if a == 0 and n < 0:
        raise ZeroDivisionError(f"Value **: 0.0 ** {describe(exponent)} divides by zero")
    try:
        a ** n, (a ** (n - 1) if a != 0 else 0.0)
    except OverflowError:
        raise OverflowError(f"Value **: ({a!r}) ** {n!r} is too large for a float") from None
    return exponent if isinstance(exponent, value_type) else n


def check_exp(x):
    """``x`` itself if exp(x) is a float; else an OverflowError naming exp and the limit."""
    if type(x) is not float:
        check_type("Value.exp", "data", x, Real, "a number")
    if x > EXP_LIMIT:
        raise OverflowError(f"Value.exp: exp({describe(x)}) is too large for a float "
                            f"(limit about {EXP_LIMIT:.2f})")
    return x


def check_log(x):
    """``x`` itself if it is > 0, where the logarithm is defined; else a ValueError."""
    if type(x) is not float:
        check_type("Value.log", "data", x, Real, "a number")
    if not x > 0:  # also catches NaN
        raise ValueError(f"Value.log: log is defined only for numbers > 0, got {describe(x)}")
    return x


def check_sample(owner, inputs, n, entries=True):
    """One sample for a scalar neuron: a list of ``n`` numbers or Values (each entry
    looked at unless entries=False, for a caller that converts them anyway)."""
    check_type(owner, "inputs", inputs, (list, tuple), "one sample: a list of numbers or Values")
    if len(inputs) != n:
        raise ValueError(f"{owner}: expected a sample of {n} inputs, got {len(inputs)}")
    if entries:
        for x in inputs:
            if not hasattr(x, "inputs"):
                sample_number(owner, x)
    return inputs


def sample_number(owner, x):
    """``x`` as a float, for an entry of a sample that is not a Value: a real number
    (not a bool) that a float can hold, else an error naming ``owner``."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{owner}: inputs must hold numbers or Values, got {describe(x)}")
    try:
        return float(x)
    except OverflowError:
        raise ValueError(f"{owner}: inputs must hold numbers a float can hold (at most "
                         f"{FLOAT_MAX:.4g} in size), got {describe(x)}") from None


def check_weighted_sum(weights, inputs, bias, value_type):
    """``weighted_sum``'s arguments: a list of Values, a sample of as many numbers or
    Values (its entries are converted by the caller), and a Value."""
    check_type("weighted_sum", "value_type", value_type, type, "the Value class")
    check_type("weighted_sum", "weights", weights, (list, tuple), "a list of Values")
    if not all(type(w) is value_type for w in weights):
        bad = next(w for w in weights if type(w) is not value_type)
        raise TypeError(f"weighted_sum: weights must be a list of Values, got {describe(bad)} in it")
    check_type("weighted_sum", "bias", bias, value_type, "a Value")
    check_sample("weighted_sum", inputs, len(weights), entries=False)


def check_parameter_count(owner, widths, activation=None, names=()):
    """Each width a whole number >= 1 and the weights and biases of layers of these
    widths (widths[0] inputs) at most ``MAX_SIZE``, before building any of them;
    ``activation``, if given, one of ``names``."""
    check_type(owner, "widths", widths, (list, tuple), "a list of layer widths")
    for i, width in enumerate(widths):
        check_int(owner, "n_inputs" if i == 0 else ("n_neurons" if len(widths) == 2 else f"sizes[{i - 1}]"),
                  width, low=1)
    if activation is not None:
        check_choice(owner, "activation", activation, names)
    count = sum((widths[i] + 1) * widths[i + 1] for i in range(len(widths) - 1))
    if count > MAX_SIZE:
        raise ValueError(f"{owner}: the model would have {count:,} weights and biases; "
                         f"at most {MAX_SIZE:,}")


def check_mlp(n_inputs, sizes, activation, output_activation, fast, names):
    """``MLP``'s arguments checked; returns one activation name per layer."""
    sizes = list(check_type("MLP", "sizes", sizes, (list, tuple, range), "a list of layer sizes"))
    if not sizes:
        raise ValueError("MLP: sizes must be a list of at least one layer size, got []")
    check_parameter_count("MLP", [n_inputs] + sizes)
    check_bool("MLP", "fast", fast)
    if isinstance(activation, str):
        activations = [activation] * len(sizes)
    else:
        check_type("MLP", "activation", activation, (list, tuple), "an activation name or a list of them")
        activations = list(activation)
        if len(activations) != len(sizes):
            raise ValueError(f"MLP: {len(sizes)} layers but {len(activations)} activations {activations!r}")
    if output_activation is not None:
        activations[-1] = output_activation
    for i, name in enumerate(activations):
        if i == len(activations) - 1 and output_activation is not None:
            argument = "output_activation"
        else:
            argument = "activation" if isinstance(activation, str) else f"activation[{i}]"
        check_choice("MLP", argument, name, names)
    return activations
