"""Gradient checks: is every ``backward`` the true slope of its ``forward``?

The idea is the definition of a derivative. Nudge one input x by a tiny ε up and
down and watch the output f: (f(x + ε) − f(x − ε)) / 2ε is the slope at x, with an
error that shrinks like ε² (the central difference). ``numeric_gradient`` does that
for every entry of a matrix; ``check_layer`` and ``check_loss`` compare the result
with what a part's ``backward`` computed analytically; ``compare`` reports how far
two results are apart. ``run_checks`` runs one row per part of the matrix engine,
and ``main`` (``python -m barenn check``) prints them as a table.

To check a part with several outputs we reduce them to one number with fixed random
weights G (same shape as the output): f = Σ output · G. Then df/d(output) = G, so
``backward(G)`` must give exactly df/d(inputs) and df/d(parameters).

``run_checks`` also runs the scalar engine against the matrix engine
(``barenn.bridge.engines_check_row``), and any row function added with
``register_check``.

>>> from barenn.activations import Tanh
>>> row = check_layer(Tanh(), [[0.5, -1.0], [2.0, 0.1]], seed=1)
>>> row.name, row.passed
('Tanh', True)
"""

import inspect
import math
import random
import sys

from barenn.activations import Linear, ReLU, Sigmoid, Softmax, Tanh
from barenn.layers import Dense, Dropout, regularization_loss
from barenn.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from barenn.bridge import engines_check_row
from barenn.agreement import TOLERANCE as FAST_TOLERANCE, fast_check_rows
from barenn.checks import (
    ShapeError,
    check_callable,
    check_finite_rows,
    check_int,
    check_matrix,
    check_loss_object,
    check_number,
    check_type,
    describe,
)
from barenn.rng import make_rng
from barenn.compare import ATOL, RTOL, CheckRow, Comparison, compare
from barenn.matrix import copy, multiply, shape, sum_all

__all__ = [
    "ATOL",
    "RTOL",
    "EPS",
    "FUSED_ATOL",
    "FUSED_RTOL",
    "Comparison",
    "CheckRow",
    "EXTRA_CHECKS",
    "compare",
    "numeric_gradient",
    "check_layer",
    "check_loss",
    "check_fused_softmax",
    "register_check",
    "run_checks",
    "format_table",
    "main",
]

# Step of the central difference. Its error has two sources: truncation, about
# ε²·f'''/6 (1e-12 here), and rounding, about 1e-16·|f| / ε (1e-10 for |f| ~ 1).
# ε = 1e-6 keeps both far below the tolerances.
EPS = 1e-6

# Two gradients agree entry by entry when |a − b| <= ATOL + RTOL·max(|a|, |b|):
# barenn.compare's defaults (ATOL = 1e-7, RTOL = 1e-5; see there why).
# Two exact formulas for the same slope (fused softmax+CE vs the Jacobian path)
# differ only by rounding, so that row is held to nearly machine precision.
FUSED_ATOL = 1e-12
FUSED_RTOL = 1e-9

def numeric_gradient(f, matrix, eps=EPS):
    """d f() / d matrix[i][j] for every entry, by central differences.

    ``f`` takes no arguments and returns a number that depends on ``matrix``; each
    entry of ``matrix`` is set to x + ε and x − ε in place, in turn, and always put
    back to its original value (even if ``f`` raises). Returns a new matrix of the
    same shape.

    >>> w = [[3.0, -1.0]]
    >>> g = numeric_gradient(lambda: w[0][0] ** 2 + 5 * w[0][1], w)
    >>> [round(x, 6) for x in g[0]], w
    ([6.0, 5.0], [[3.0, -1.0]])
    """
    check_callable("numeric_gradient", "f", f)
    rows, cols = check_matrix(matrix, "numeric_gradient")
    if rows == 0 or cols == 0:
        raise ShapeError("numeric_gradient: got an empty matrix")
    check_finite_rows("numeric_gradient", "matrix", matrix)
    eps = check_number("numeric_gradient", "eps", eps, low=0, low_open=True)
    gradient = []
    for r in matrix:
        gradient_row = []
        for j, original in enumerate(r):
            up, down = original + eps, original - eps
            if up == down:
                raise ValueError(f"numeric_gradient: eps={eps!r} is too small to change "
                                 f"{original!r}; use a larger step (the default is {EPS})")
            try:
                r[j] = up
                f_up = check_number("numeric_gradient", "f()", f(), finite=False)
                r[j] = down
                f_down = check_number("numeric_gradient", "f()", f(), finite=False)
            finally:
                r[j] = original
            # Divide by the step actually taken: (x + ε) − (x − ε) is not exactly 2ε
            # in floating point.
            gradient_row.append((f_up - f_down) / (up - down))
        gradient.append(gradient_row)
    return gradient


def _random_matrix(rng, rows, cols, low=-1.0, high=1.0):
    return [[rng.uniform(low, high) for _ in range(cols)] for _ in range(rows)]


def _combine(name, comparisons):
    """One CheckRow summing up several comparisons (worst differences, all must pass)."""
    return CheckRow(name,
                    max(c.max_abs for c in comparisons),
                    max(c.max_rel for c in comparisons),
                    all(c.passed for c in comparisons))


def check_layer(part, inputs, dvalues=None, seed=0, eps=EPS, name=None,
                before_forward=None, atol=ATOL, rtol=RTOL):
    """Check a layer's or activation's ``backward`` against numeric slopes -> CheckRow.

    part:     anything with ``forward(inputs)`` and ``backward(dvalues)`` setting
              ``dinputs``, and optionally ``params()`` (``barenn.layers.Param``s),
              whose gradients are checked too. The objective is
              f = Σ forward(inputs)·G + regularization_loss(part), so regularization
              slopes are checked along with the rest.
    inputs:   a batch (n x k); it is copied, never modified.
    dvalues:  G, the upstream gradient (n x outputs); random in [-1, 1) from
              ``seed`` if None.
    before_forward: called before every forward pass; use it to make a random
              part repeatable (e.g. ``lambda: dropout.rng.seed(7)`` fixes the mask).
    name:     the row's name (default: the part's class name).
    """
    if not (callable(getattr(part, "forward", None)) and callable(getattr(part, "backward", None))):
        raise TypeError(f"check_layer: part must be a layer or activation (with forward and "
                        f"backward), got {describe(part)}")
    check_callable("check_layer", "before_forward", before_forward, none=True)
    x = copy(inputs)
    reset = before_forward or (lambda: None)

    reset()
    output = part.forward(x)
    if dvalues is None:
        rows, cols = shape(output)
        dvalues = _random_matrix(make_rng(seed, owner="check_layer"), rows, cols)
    analytic_inputs = copy(part.backward(dvalues))
    parameters = [(p.name, p.value, copy(p.grad)) for p in part.params()]

    def objective():
        reset()
        return sum_all(multiply(part.forward(x), dvalues)) + regularization_loss(part)

    comparisons = [compare(analytic_inputs, numeric_gradient(objective, x, eps), atol, rtol)]
    for _, value, gradient in parameters:
        comparisons.append(compare(gradient, numeric_gradient(objective, value, eps), atol, rtol))
    return _combine(name or type(part).__name__, comparisons)


def check_loss(loss, output, y, eps=EPS, name=None, atol=ATOL, rtol=RTOL):
    """Check a loss's ``backward(output, y)`` against the numeric slope of its mean.

    For ``SoftmaxCrossEntropy``, ``output`` is the raw scores fed to its softmax: the
    objective is ``forward(scores, y)`` and the analytic side
    ``backward(softmax(scores), y)``. For every other loss the objective is
    ``calculate(output, y)``. ``output`` is copied, never modified.
    """
    check_loss_object("check_loss", loss)
    x = copy(output)
    if isinstance(loss, SoftmaxCrossEntropy):
        loss.forward(x, y)
        analytic = copy(loss.backward(loss.output, y))
        objective = lambda: loss.forward(x, y)
    else:
        analytic = copy(loss.backward(x, y))
        objective = lambda: loss.calculate(x, y)
    comparison = compare(analytic, numeric_gradient(objective, x, eps), atol, rtol)
    return _combine(name or type(loss).__name__, [comparison])


# The walkthrough's own example: softmax outputs of three samples, true classes 0, 1, 1.
WALKTHROUGH_OUTPUTS = [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
WALKTHROUGH_TARGETS = [0, 1, 1]


def _jacobian_path(softmax_outputs, y):
    """dL/dz the long way: cross-entropy's slope, then each sample's softmax Jacobian."""
    cross_entropy = CategoricalCrossEntropy()
    softmax = Softmax()
    softmax.output = softmax_outputs  # as if forward had produced these outputs
    return softmax.backward(cross_entropy.backward(softmax_outputs, y))


def check_fused_softmax(seed=0, atol=FUSED_ATOL, rtol=FUSED_RTOL):
    """"fused softmax+CE vs Jacobian path": (ŷ − y)/n against Softmax.backward of
    CategoricalCrossEntropy.backward, on the walkthrough's batch and on random
    scores. Both are exact formulas, so the tolerance is near machine precision.
    """
    rng = make_rng(seed, owner="check_fused_softmax")
    check_number("check_fused_softmax", "atol", atol, low=0)
    check_number("check_fused_softmax", "rtol", rtol, low=0)
    rows, classes = rng.randint(2, 6), rng.randint(2, 6)
    scores = _random_matrix(rng, rows, classes, -2.0, 2.0)
    labels = [rng.randrange(classes) for _ in range(rows)]
    cases = [(WALKTHROUGH_OUTPUTS, WALKTHROUGH_TARGETS),
             (Softmax().forward(scores), labels)]
    comparisons = []
    for outputs, y in cases:
        fused = SoftmaxCrossEntropy().backward(outputs, y)
        comparisons.append(compare(fused, _jacobian_path(outputs, y), atol, rtol))
    return _combine("fused softmax+CE vs Jacobian path", comparisons)


def _builtin_rows(seed):
    """One CheckRow per part of the matrix engine, on random shapes drawn from ``seed``."""
    rng = random.Random(seed)
    n = rng.randint(1, 5)  # samples
    k = rng.randint(1, 6)  # features
    m = rng.randint(1, 5)  # neurons / outputs
    classes = rng.randint(2, 5)
    rows = []

    inputs = _random_matrix(rng, n, k)
    rows.append(check_layer(Dense(k, m, init="he", seed=seed), inputs, seed=seed))

    regularized = Dense(k, m, init="he", seed=seed + 1,
                        weight_regularizer_l1=0.01, weight_regularizer_l2=0.02,
                        bias_regularizer_l1=0.03, bias_regularizer_l2=0.04)
    # Non-zero biases, so that the L1 slope sign(b) is exercised on both sides.
    regularized.biases = _random_matrix(rng, 1, m)
    rows.append(check_layer(regularized, inputs, seed=seed, name="Dense + L1/L2 regularization"))

    for part, low, high in ((ReLU(), -1.0, 1.0), (Sigmoid(), -3.0, 3.0), (Tanh(), -2.0, 2.0),
                            (Softmax(), -2.0, 2.0), (Linear(), -1.0, 1.0)):
        width = classes if isinstance(part, Softmax) else k
        rows.append(check_layer(part, _random_matrix(rng, n, width, low, high), seed=seed))

    dropout = Dropout(0.4, seed=seed)
    rows.append(check_layer(dropout, _random_matrix(rng, n, k), seed=seed,
                            before_forward=lambda: dropout.rng.seed(seed),
                            name="Dropout (fixed mask)"))

    probabilities = Softmax().forward(_random_matrix(rng, n, classes))
    labels = [rng.randrange(classes) for _ in range(n)]
    one_hot = [[1.0 if j == label else 0.0 for j in range(classes)] for label in labels]
    rows.append(check_loss(CategoricalCrossEntropy(), probabilities, labels,
                           name="CategoricalCrossEntropy (class indices)"))
    rows.append(check_loss(CategoricalCrossEntropy(), probabilities, one_hot,
                           name="CategoricalCrossEntropy (one-hot)"))

    rows.append(check_loss(BinaryCrossEntropy(), _random_matrix(rng, n, m, 0.1, 0.9),
                           [[float(rng.random() < 0.5) for _ in range(m)] for _ in range(n)]))
    rows.append(check_loss(MeanSquaredError(), _random_matrix(rng, n, m), _random_matrix(rng, n, m)))
    rows.append(check_loss(MeanAbsoluteError(), _random_matrix(rng, n, m), _random_matrix(rng, n, m)))
    rows.append(check_loss(SoftmaxCrossEntropy(), _random_matrix(rng, n, classes, -2.0, 2.0), labels,
                           name="SoftmaxCrossEntropy (fused)"))
    rows.append(check_fused_softmax(seed))
    return rows


# ---------------------------------------------------------------------------------
# Extra rows: a function returning a CheckRow (or a list of them), added with
# ``register_check``, is run by ``run_checks`` after barenn's own rows, as
# ``function(seed=seed)`` if it has a ``seed`` parameter, else ``function()``.
# A row function that raises shows up as a failed row naming the error.
# ---------------------------------------------------------------------------------

EXTRA_CHECKS = []


def register_check(function):
    """Add ``function`` (-> CheckRow or list of CheckRows) to the checks
    ``run_checks`` runs. It is called with ``seed=`` (run_checks' seed) if it has a
    parameter named ``seed``, else with no arguments. Registering the same function
    twice adds it once. Returns the function, so it can be used as a decorator."""
    if not callable(function):
        raise TypeError(f"register_check: function must be callable, got {describe(function)}")
    if function not in EXTRA_CHECKS:
        EXTRA_CHECKS.append(function)
    return function


def _takes_seed(function):
    try:
        return "seed" in inspect.signature(function).parameters
    except (TypeError, ValueError):  # some builtins have no signature
        return False


def _extra_rows(seed):
    rows = []
    for function in EXTRA_CHECKS:
        label = getattr(function, "__name__", repr(function))
        try:
            result = function(seed=seed) if _takes_seed(function) else function()
        except Exception as error:  # a broken extra check must show, not hide the table
            rows.append(CheckRow(f"{label}: {type(error).__name__}: {error}",
                                 math.nan, math.nan, False))
            continue
        rows.extend(result if isinstance(result, list) else [result])
    return rows


def run_checks(seed=0):
    """Every check: one ``CheckRow(name, max_abs, max_rel, passed)`` per part of the
    matrix engine (Dense with and without regularization, each activation, Dropout
    with a fixed mask, each loss), "fused softmax+CE vs Jacobian path", "scalar engine
    vs matrix engine", the "fast = reference" rows (``barenn.agreement``: the fast
    tier against the reference, call for call and for whole training runs), then any
    extra rows (see ``register_check``). Shapes and values are drawn from ``seed``."""
    check_int("run_checks", "seed", seed, high=None)
    rows = _builtin_rows(seed)
    rows.append(engines_check_row(seed))
    rows += [CheckRow(*row) for row in fast_check_rows(seed)]
    rows += _extra_rows(seed)
    return rows


def _number(x):
    return "nan" if math.isnan(x) else f"{x:.2e}"


def format_table(rows):
    """The rows as aligned text lines (a header, one line per row, a summary); each
    row a CheckRow (name, max_abs, max_rel, passed)."""
    check_type("format_table", "rows", rows, (list, tuple), "a list of CheckRow")
    for i, r in enumerate(rows):
        if not all(hasattr(r, field) for field in ("name", "max_abs", "max_rel", "passed")):
            raise TypeError(f"format_table: row {i} must be a CheckRow (name, max_abs, "
                            f"max_rel, passed), got {describe(r)}")
    width = max([len("part")] + [len(r.name) for r in rows])
    lines = [f"{'part':<{width}}  {'max abs diff':>12}  {'max rel diff':>12}  result",
             "-" * (width + 36)]
    for r in rows:
        lines.append(f"{r.name:<{width}}  {_number(r.max_abs):>12}  {_number(r.max_rel):>12}  "
                     + ("ok" if r.passed else "FAILED"))
    passed = sum(r.passed for r in rows)
    lines.append(f"{passed} of {len(rows)} checks passed")
    return lines


def make_parser():
    """The parser of ``python -m barenn check``: its mistakes are one line (status 2)."""
    from barenn.cli_args import OneLineParser, seed_number

    parser = OneLineParser(
        prog="python -m barenn check",
        description="Check every part's analytic gradient against central differences, "
                    "and the fast tier against the reference tier.")
    parser.add_argument("--seed", type=seed_number, default=0,
                        help="seed for the random shapes and values (default 0)")
    return parser


def main(argv=None):
    """``python -m barenn check [--seed N]``: print the table; return 0 if every row
    passed, 1 if one failed, 2 (after one line on stderr) for a bad command line."""
    from barenn.cli_args import UserError

    try:
        args = make_parser().parse_args(argv)
    except UserError as error:
        print(f"barenn check: {error}", file=sys.stderr)
        return 2
    rows = run_checks(args.seed)
    print(f"Gradient checks (seed {args.seed}): each part's backward vs central differences "
          f"with eps={EPS:g};")
    print(f"a row passes when every entry has |a-b| <= {ATOL:g} + {RTOL:g}*max(|a|,|b|) "
          f"(the fused-vs-Jacobian row: {FUSED_ATOL:g} + {FUSED_RTOL:g}*max(|a|,|b|)).")
    print(f"The 'fast = reference' rows run barenn.fast and the reference tier on the same "
          f"inputs;\neach passes when the largest relative difference is <= {FAST_TOLERANCE:g}.")
    for line in format_table(rows):
        print(line)
    return 0 if all(r.passed for r in rows) else 1
