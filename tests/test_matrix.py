"""Tests for barenn.matrix (the reference) and barenn.fast.matrix (the kernels).

Every helper by hand, every error, and every dot kernel of the fast tier.

The expected values are worked out by hand in the comments. The dot kernels are
checked against a plain triple loop on random matrices (fixed seeds), with each
path forced in turn through the module's knobs: ``sumprod`` (math.sumprod on
3.12+, the sum(map(mul)) fallback before), ``SPARSE_ZERO_SHARE`` and
``SPARSE_MIN_COLUMNS``, so one run covers the paths of every Python version.
"""

import copy as copy_module
import math
import random
from fractions import Fraction
from operator import mul

import pytest

from barenn import matrix as reference
from barenn.checks import describe
from barenn.fast import matrix  # the kernels and their knobs, monkeypatched below
from barenn.fast.matrix import dot, dot_add_row, dot_transposed, dot_transposed_where
from barenn.matrix import (
    ShapeError, add, add_row, apply, argmax, clip, column, copy, diagflat, divide,
    flatten, format_shape, full, identity, max_abs, mean, multiply, outer, row,
    scale, shape, subtract, sum_all, sum_columns, sum_rows, transpose, zeros,
)

A23 = [[1, 2, 3], [4, 5, 6]]


# --- building matrices ------------------------------------------------------------------

def test_shape_counts_rows_and_columns():
    assert shape(A23) == (2, 3)
    assert shape([[7]]) == (1, 1)
    assert shape([]) == (0, 0)
    assert shape([[], []]) == (2, 0)
    assert shape(((1, 2), (3, 4), (5, 6))) == (3, 2)  # tuples of tuples are matrices too


def test_shape_accepts_list_subclasses():
    class Row(list):
        pass

    assert shape([Row([1, 2]), Row([3, 4])]) == (2, 2)


def test_zeros_full_identity():
    assert zeros(2, 3) == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    assert zeros(0, 3) == []
    assert zeros(2, 0) == [[], []]
    assert full(2, 2, 7) == [[7, 7], [7, 7]]
    assert identity(3) == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert identity(1) == [[1.0]]
    assert identity(0) == []


def test_zeros_rows_are_separate_lists():
    m = zeros(2, 2)
    m[0][0] = 5.0
    assert m[1][0] == 0.0
    f = full(2, 2, 1)
    f[0][1] = 9
    assert f[1][1] == 1


def test_copy_row_column_flatten():
    m = [[1, 2], [3, 4]]
    c = copy(m)
    assert c == m and c is not m and all(r is not s for r, s in zip(c, m))
    assert row([1, 2, 3]) == [[1, 2, 3]]
    assert column([1, 2, 3]) == [[1], [2], [3]]
    assert flatten(A23) == [1, 2, 3, 4, 5, 6]
    assert flatten([]) == [] and flatten([[], []]) == []
    assert row([]) == [[]] and column([]) == []


def test_transpose():
    assert transpose(A23) == [[1, 4], [2, 5], [3, 6]]
    assert transpose([[1, 2, 3]]) == [[1], [2], [3]]
    assert transpose([[9]]) == [[9]]
    assert transpose([]) == []
    assert transpose([[], []]) == []  # 0 x 2 has no rows to write down
    assert transpose(transpose(A23)) == A23


def test_format_shape():
    assert format_shape((3, 4)) == "3x4"
    assert format_shape((0, 0)) == "0x0"


# --- products by hand --------------------------------------------------------------------

def test_dot_by_hand():
    # [1 2] [5 6]   [1*5+2*7 1*6+2*8]   [19 22]
    # [3 4] [7 8] = [3*5+4*7 3*6+4*8] = [43 50]
    assert dot([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]
    # 2x3 @ 3x2: [1 2 3].[7 9 11] = 58, [1 2 3].[8 10 12] = 64,
    #            [4 5 6].[7 9 11] = 139, [4 5 6].[8 10 12] = 154
    assert dot(A23, [[7, 8], [9, 10], [11, 12]]) == [[58, 64], [139, 154]]
    # the walkthrough's batch through 3 neurons, first sample: 1*0.2 + 2*0.8 + 3*-0.5 + 2.5*1.0 = 2.8
    inputs = [[1.0, 2.0, 3.0, 2.5]]
    weights = transpose([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]])
    out = dot(inputs, weights)
    assert out[0] == pytest.approx([2.8, -1.79, 1.885], rel=1e-15)


def test_dot_one_by_one_and_vectors_as_matrices():
    assert dot([[3]], [[4]]) == [[12]]
    assert dot([[1, 2, 3]], [[1], [0], [-1]]) == [[-2]]  # 1x3 @ 3x1 is 1x1, never a bare number
    assert dot([[1], [2]], [[3, 4]]) == [[3, 4], [6, 8]]  # 2x1 @ 1x2: the outer product


def test_dot_empty():
    assert dot([], []) == []
    assert dot([[], []], []) == [[], []]  # 2x0 @ 0x0 is 2x0
    assert dot_transposed([], []) == []
    # k = 0: every element is an empty sum, so a 2x3 matrix of zeros
    assert dot_transposed([[], []], [[], [], []]) == [[0.0] * 3, [0.0] * 3]
    assert dot([[1, 2]], [[], []]) == [[]]  # 1x2 @ 2x0 is 1x0
    assert dot([[1, 2, 3, 4, 5]], [[]] * 5) == [[]]  # the same through the wide-inner path


def test_dot_transposed_by_hand():
    # [1 2] against rows [3 4] and [5 6]: 1*3+2*4 = 11, 1*5+2*6 = 17
    assert dot_transposed([[1, 2]], [[3, 4], [5, 6]]) == [[11, 17]]
    b = [[7, 8], [9, 10], [11, 12]]
    assert dot_transposed(A23, transpose(b)) == dot(A23, b)


def test_dot_add_row_by_hand():
    # [1 2] [5 6]   [19 22]            [119 222]
    # [3 4] [7 8] = [43 50], + [100 200] = [143 250]
    assert dot_add_row([[1, 2], [3, 4]], [[5, 6], [7, 8]], [[100, 200]]) == [[119, 222], [143, 250]]
    # inner size 4 (the reduction path): [1 2 3 4].[1 1 1 1] = 10, + 0.5
    assert dot_add_row([[1, 2, 3, 4]], [[1.0]] * 4, [[0.5]]) == [[10.5]]
    assert dot_add_row([[2]], [[3]], [[-6]]) == [[0]]
    assert dot_add_row([], [], [[]]) == []
    assert dot_add_row([[1, 2]], [[], []], [[]]) == [[]]  # 1x2 @ 2x0 + 1x0


@pytest.mark.parametrize("k", [1, 2, 3, 4, 40])
def test_dot_add_row_gives_the_numbers_of_dot_then_add_row(k):
    # The same sums in the same order: equal to the last bit, not just close.
    rng = random.Random(k)
    a, b = random_matrix(rng, 9, k, 0.3), random_matrix(rng, k, 20)
    bias = random_matrix(rng, 1, 20)
    assert dot_add_row(a, b, bias) == add_row(dot(a, b), bias)
    ai, bi, biasi = random_matrix(rng, 5, k, ints=True), random_matrix(rng, k, 3, ints=True), [[1, -2, 3]]
    assert dot_add_row(ai, bi, biasi) == add_row(triple_loop(ai, bi), biasi)  # exact


def test_dot_add_row_errors():
    with pytest.raises(ShapeError, match=r"^dot_add_row: cannot multiply 1x3 by 2x2 \(inner sizes 3 and 2 differ\)$"):
        dot_add_row([[1, 2, 3]], [[1, 2], [3, 4]], [[1, 1]])
    with pytest.raises(ShapeError, match=r"^dot_add_row: cannot add a 1x3 row to the 1x2 product \(expected a 1x2 row\)$"):
        dot_add_row([[1, 2]], [[1, 2], [3, 4]], [[1, 1, 1]])
    with pytest.raises(ShapeError, match=r"^dot_add_row: cannot add a 2x2 row"):
        dot_add_row([[1, 2]], [[1, 2], [3, 4]], [[1, 1], [1, 1]])
    for k in (2, 5):  # the inline path and the reduction path
        with pytest.raises(TypeError, match=r"^dot_add_row: the row must hold real numbers, but row 0, column 1 is 'x' \(str\)$"):
            dot_add_row([[1.0] * k], [[1.0, 2.0]] * k, [[0.0, "x"]])
        with pytest.raises(TypeError, match=r"^dot_add_row: expected the row as a list of rows"):
            dot_add_row([[1.0] * k], [[1.0, 2.0]] * k, [0.0, 1.0])
    from decimal import Decimal
    with pytest.raises(TypeError, match=r"^dot_add_row: the row must hold real numbers, but row 0, column 0 is Decimal"):
        dot_add_row([[1.0, 2.0]], [[1.0], [2.0]], [[Decimal(1)]])


def test_outer_and_diagflat():
    assert outer([1, 2], [3, 4, 5]) == [[3, 4, 5], [6, 8, 10]]
    assert outer([2], [3]) == [[6]]
    assert outer([], [1, 2]) == []
    assert diagflat([1, 2, 3]) == [[1, 0.0, 0.0], [0.0, 2, 0.0], [0.0, 0.0, 3]]
    assert diagflat([5]) == [[5]]
    assert diagflat([]) == []


# --- elementwise -------------------------------------------------------------------------

def test_elementwise_by_hand():
    a, b = [[1, 2], [3, 4]], [[10, 20], [30, 40]]
    assert add(a, b) == [[11, 22], [33, 44]]
    assert subtract(a, b) == [[-9, -18], [-27, -36]]
    assert multiply(a, b) == [[10, 40], [90, 160]]
    assert divide(b, a) == [[10.0, 10.0], [10.0, 10.0]]
    assert divide([[1]], [[4]]) == [[0.25]]
    assert add([], []) == [] and multiply([[], []], [[], []]) == [[], []]


def test_scale_add_row_apply_clip():
    assert scale([[1, -2], [3, 0]], 0.5) == [[0.5, -1.0], [1.5, 0.0]]
    assert scale([[3]], 0) == [[0]]
    # the bias row is added to every sample
    assert add_row([[1, 2], [3, 4], [5, 6]], [[10, 20]]) == [[11, 22], [13, 24], [15, 26]]
    assert add_row([[1]], [[2]]) == [[3]]
    assert add_row([], [[]]) == []
    assert apply(abs, [[-1, 2], [3, -4]]) == [[1, 2], [3, 4]]
    assert apply(math.exp, [[0.0]]) == [[1.0]]
    assert clip([[-5, 0.5, 5]], 0, 1) == [[0, 0.5, 1]]
    assert clip([[1e-9, 1.0]], 1e-7, 1 - 1e-7) == [[1e-7, 1 - 1e-7]]


# --- reductions --------------------------------------------------------------------------

def test_sums_and_mean():
    assert sum_columns(A23) == [[5, 7, 9]]  # keeps the 1 x n shape of a bias gradient
    assert sum_rows(A23) == [[6], [15]]
    assert sum_all(A23) == 21
    assert mean(A23) == 3.5
    assert sum_columns([[2]]) == [[2]] and sum_rows([[2]]) == [[2]] and mean([[2]]) == 2.0
    assert sum_columns([]) == [[]]
    assert sum_rows([]) == [] and sum_rows([[], []]) == [[0], [0]]
    assert sum_all([]) == 0


def test_max_abs_and_argmax():
    assert max_abs([[1, -7], [3, 2]]) == 7
    assert max_abs([]) == 0.0 and max_abs([[], []]) == 0.0
    assert argmax([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4], [0.3, 0.3, 0.3]]) == [1, 0, 0]  # ties: first
    assert argmax([[4]]) == [0]
    assert argmax([]) == []
    assert argmax([[-3, -1, -2], [2, 5, 5], (1, 0, 1)]) == [1, 1, 0]  # negatives, ties, a tuple row
    nan = float("nan")
    assert argmax([[1.0, nan, 3.0], [nan, 1.0, 0.5]]) == [2, 0]  # as max() sees it: nan is never larger


# --- errors ------------------------------------------------------------------------------

def test_dot_shape_error_names_the_op_and_both_shapes():
    with pytest.raises(ShapeError) as caught:
        dot([[1.0] * 4] * 3, [[1.0] * 3] * 3)
    assert str(caught.value) == "dot: cannot multiply 3x4 by 3x3 (inner sizes 4 and 3 differ)"
    assert isinstance(caught.value, ValueError)
    with pytest.raises(ShapeError, match=r"^dot: cannot multiply 0x0 by 1x1 \(inner sizes 0 and 1 differ\)$"):
        dot([], [[1]])


def test_dot_transposed_shape_error():
    with pytest.raises(ShapeError) as caught:
        dot_transposed([[1, 2, 3]], [[1, 2]])
    assert str(caught.value) == (
        "dot_transposed: cannot multiply 1x3 by the transpose of 1x2 (inner sizes 3 and 2 differ)"
    )


def test_elementwise_and_add_row_shape_errors():
    with pytest.raises(ShapeError, match=r"^add: shapes 2x3 and 3x2 differ"):
        add(A23, transpose(A23))
    for op in (subtract, multiply, divide):
        with pytest.raises(ShapeError, match=rf"^{op.__name__}: shapes 1x2 and 1x3 differ"):
            op([[1, 2]], [[1, 2, 3]])
    with pytest.raises(ShapeError, match=r"^add_row: cannot add a 1x2 row to a 2x3 matrix \(expected a 1x3 row\)"):
        add_row(A23, [[1, 2]])
    with pytest.raises(ShapeError, match=r"^add_row: cannot add a 2x3 row to a 2x3 matrix"):
        add_row(A23, A23)


RAGGED = [[1, 2], [3, 4], [5]]

# Every function that takes a matrix, as (name, call with the matrix in every slot).
MATRIX_OPS = [
    ("shape", lambda m: shape(m)),
    ("copy", lambda m: copy(m)),
    ("flatten", lambda m: flatten(m)),
    ("transpose", lambda m: transpose(m)),
    ("dot", lambda m: dot(m, [[1], [1]])),
    ("dot", lambda m: dot([[1, 1]], m)),
    ("dot_transposed", lambda m: dot_transposed(m, [[1, 1]])),
    ("dot_transposed", lambda m: dot_transposed([[1, 1]], m)),
    ("dot_add_row", lambda m: dot_add_row(m, [[1], [1]], [[1]])),
    ("dot_add_row", lambda m: dot_add_row([[1, 1]], m, [[1, 1]])),
    ("dot_transposed_where", lambda m: dot_transposed_where(m, [[1, 1]], [[1.0]] * 3)),
    ("dot_transposed_where", lambda m: dot_transposed_where([[1, 1]], m, [[1.0] * 3])),
    ("dot_transposed_where", lambda m: dot_transposed_where([[1, 1]] * 3, [[1, 1]] * 2, m)),
    ("add", lambda m: add(m, m)),
    ("subtract", lambda m: subtract(m, m)),
    ("multiply", lambda m: multiply(m, m)),
    ("divide", lambda m: divide(m, m)),
    ("scale", lambda m: scale(m, 2)),
    ("add_row", lambda m: add_row(m, [[1, 1]])),
    ("apply", lambda m: apply(abs, m)),
    ("clip", lambda m: clip(m, 0, 1)),
    ("sum_columns", lambda m: sum_columns(m)),
    ("sum_rows", lambda m: sum_rows(m)),
    ("sum_all", lambda m: sum_all(m)),
    ("mean", lambda m: mean(m)),
    ("max_abs", lambda m: max_abs(m)),
    ("argmax", lambda m: argmax(m)),
]


@pytest.mark.parametrize("name, call", MATRIX_OPS)
def test_ragged_rows_are_named(name, call):
    with pytest.raises(ShapeError) as caught:
        call(RAGGED)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "ragged" in message and "row 2 has 1 elements but row 0 has 2" in message


@pytest.mark.parametrize("name, call", MATRIX_OPS)
def test_a_vector_where_a_matrix_belongs(name, call):
    with pytest.raises(TypeError, match=rf"^{name}: expected the .* as a list of rows, but its row 0 is 1 \(int\)"):
        call([1, 2])
    with pytest.raises(TypeError, match=rf"^{name}: expected the .* as a list of rows, got 5 \(int\)"):
        call(5)


def test_a_bad_row_later_on_is_named():
    with pytest.raises(TypeError, match=r"^sum_rows: row 1 of the matrix is 'ab' \(str\), not a list"):
        sum_rows([[1, 2], "ab"])
    with pytest.raises(TypeError, match=r"^dot: row 2 of the left matrix is None \(NoneType\)"):
        dot([[1, 2], [3, 4], None], [[1], [2]])
    # a mapping has a length but is not a row
    with pytest.raises(TypeError, match=r"^dot: row 1 of the right matrix is \{0: 1\} \(dict\)"):
        dot([[1, 1]], [[5], {0: 1}])


# Every function that needs numbers, with a non-number planted at row 1, column 0.
NUMBER_OPS = [
    ("add", lambda m: add(m, [[1, 1], [1, 1]]), "first matrix"),
    ("add", lambda m: add([[1, 1], [1, 1]], m), "second matrix"),
    ("subtract", lambda m: subtract(m, m), "first matrix"),
    ("multiply", lambda m: multiply(m, m), "first matrix"),
    ("divide", lambda m: divide([[1, 1], [1, 1]], m), "second matrix"),
    ("scale", lambda m: scale(m, 2), "matrix"),
    ("add_row", lambda m: add_row(m, [[1, 1]]), "matrix"),
    ("clip", lambda m: clip(m, 0, 1), "matrix"),
    ("sum_columns", lambda m: sum_columns(m), "matrix"),
    ("sum_rows", lambda m: sum_rows(m), "matrix"),
    ("sum_all", lambda m: sum_all(m), "matrix"),
    ("mean", lambda m: mean(m), "matrix"),
    ("max_abs", lambda m: max_abs(m), "matrix"),
    ("argmax", lambda m: argmax(m), "matrix"),
    ("dot", lambda m: dot(m, [[1], [1]]), "left matrix"),
    ("dot", lambda m: dot([[1, 1]], m), "right matrix"),
    ("dot_transposed", lambda m: dot_transposed(m, [[1, 1]]), "left matrix"),
    ("dot_transposed", lambda m: dot_transposed([[1, 1]], m), "right matrix"),
    ("dot_add_row", lambda m: dot_add_row(m, [[1], [1]], [[1]]), "left matrix"),
    ("dot_add_row", lambda m: dot_add_row(m, [[1.0], [1.0]], [[1.0]]), "left matrix"),
    ("dot_add_row", lambda m: dot_add_row([[1, 1]], m, [[1, 1]]), "right matrix"),
    ("dot_add_row", lambda m: dot_add_row([[1.0] * 4], m * 2, [[1.0, 1.0]]), "right matrix"),
    ("dot_transposed_where", lambda m: dot_transposed_where(m, [[1.0, 1.0]], [[1.0], [-1.0]]), "left matrix"),
    ("dot_transposed_where", lambda m: dot_transposed_where([r * 2 for r in m], [[1.0] * 4], [[-1.0]] * 2), "left matrix"),
    ("dot_transposed_where", lambda m: dot_transposed_where([[1.0, 1.0]], m, [[-1.0, -1.0]]), "right matrix"),
    ("dot_transposed_where", lambda m: dot_transposed_where([[1.0, 1.0]] * 2, [[1.0, 1.0]] * 2, m), "mask"),
    ("dot_transposed_where", lambda m: dot_transposed_where([[0.0] * 4] * 2, [[1.0] * 4] * 2, m), "mask"),
]


@pytest.mark.parametrize("bad", ["x", None, [1], "", (), "7"])
@pytest.mark.parametrize("name, call, which", NUMBER_OPS)
def test_non_numbers_are_named_with_their_position(name, call, which, bad):
    m = [[1, 2], [bad, 4]]
    with pytest.raises(TypeError) as caught:
        call(m)
    message = str(caught.value)
    assert message.startswith(f"{name}: the {which} must hold real numbers, but row 1, column 0 is ")
    assert repr(bad) in message


def test_non_numbers_in_vectors_and_scalars():
    with pytest.raises(TypeError, match=r"^outer: the second vector must hold real numbers, but position 1 is 'a' \(str\)"):
        outer([1, 2], [3, "a"])
    with pytest.raises(TypeError, match=r"^diagflat: the vector must hold real numbers, but position 0 is None \(NoneType\)"):
        diagflat([None, 1])
    with pytest.raises(TypeError, match=r"^outer: expected the first vector as a list of numbers, got 3 \(int\)"):
        outer(3, [1])
    with pytest.raises(TypeError, match=r"^diagflat: expected the vector as a list of numbers"):
        diagflat(4)
    with pytest.raises(TypeError, match=r"^row: expected the vector"):
        row(1.5)
    with pytest.raises(TypeError, match=r"^column: expected the vector"):
        column(None)
    with pytest.raises(TypeError, match=r"^scale: the factor must be a number, got '2' \(str\)"):
        scale([[1]], "2")
    with pytest.raises(TypeError, match=r"^full: value must be a number, got None"):
        full(1, 1, None)
    with pytest.raises(TypeError, match=r"^clip: low must be a number"):
        clip([[1]], "0", 1)
    with pytest.raises(TypeError, match=r"^apply: the first argument must be a function, got 3 \(int\)"):
        apply(3, [[1]])


@pytest.mark.parametrize("call, error, message", [
    (lambda: zeros(-1, 2), ValueError, r"^zeros: rows must be a whole number >= 0, got -1 \(int\)$"),
    (lambda: zeros(2, 1.5), TypeError, r"^zeros: cols must be a whole number >= 0, got 1.5 \(float\)$"),
    (lambda: zeros(True, 2), TypeError, r"^zeros: rows must be a whole number >= 0, got True \(bool\)$"),
    (lambda: zeros("2", 2), TypeError, r"^zeros: rows must be a whole number >= 0, got '2' \(str\)$"),
    (lambda: full(2, -3, 0.0), ValueError, r"^full: cols must be a whole number >= 0, got -3"),
    (lambda: identity(-1), ValueError, r"^identity: n must be a whole number >= 0, got -1"),
    (lambda: identity(2.0), TypeError, r"^identity: n must be a whole number >= 0, got 2.0"),
    (lambda: zeros(2 ** 64, 3), ValueError, r"^zeros: rows must be at most 100,000,000, got 18,446,744"),
])
def test_bad_sizes(call, error, message):
    # wrong type: TypeError; wrong value: ValueError (barenn.checks, the same everywhere)
    with pytest.raises(error, match=message):
        call()


def test_other_value_errors():
    with pytest.raises(ZeroDivisionError, match=r"^divide: the divisor is 0 at row 1, column 0$"):
        divide([[1, 2], [3, 4]], [[1, 1], [0, 1]])
    with pytest.raises(ValueError, match=r"^mean: the matrix is 0x0; an empty matrix has no mean$"):
        mean([])
    with pytest.raises(ValueError, match=r"^mean: the matrix is 2x0"):
        mean([[], []])
    with pytest.raises(ShapeError, match=r"^argmax: the matrix is 2x0; an empty row has no largest element$"):
        argmax([[], []])
    with pytest.raises(ValueError, match=r"^clip: low \(2\) must not be greater than high \(1\)$"):
        clip([[1]], 2, 1)


def test_numbers_that_do_not_mix_get_a_clear_message():
    from decimal import Decimal

    # a Decimal is not a real number to barenn (it does not mix with floats)
    with pytest.raises(TypeError, match=r"^add: the first matrix must hold real numbers, but row 0, column 0 is Decimal\('1'\) \(Decimal\)$"):
        add([[Decimal(1), 1.5]], [[1, 1]])


# --- inputs are never changed; results are new lists --------------------------------------

def _calls():
    """(name, function, arguments) for every public function that takes a matrix."""
    a = [[1.0, -2.0, 0.0, 4.0], [0.0, 0.0, 0.0, 3.0], [5.0, 6.0, -7.0, 8.0]]  # 3x4, mixed zeros
    b = [[0.5] * 20, [0.0] * 20, [-1.0] * 20, [2.0] * 20]  # 4x20: wide enough to look for zeros
    small = [[1.0, 2.0], [3.0, 4.0]]
    return [
        ("shape", shape, (a,)), ("copy", copy, (a,)), ("flatten", flatten, (a,)),
        ("transpose", transpose, (a,)), ("dot", dot, (a, b)), ("dot small inner", dot, (small, small)),
        ("dot_transposed", dot_transposed, (a, a)), ("add", add, (a, a)),
        ("dot_add_row", dot_add_row, (a, b, [[1.0] * 20])),
        ("dot_add_row small inner", dot_add_row, (small, small, [[1.0, 2.0]])),
        ("dot_transposed_where", dot_transposed_where, (a, a, [[1.0, -1.0, 0.0]] * 3)),
        ("dot_transposed_where small inner", dot_transposed_where,
         (small, small, [[1.0, -1.0], [0.5, 0.5]])),
        ("dot_transposed small inner", dot_transposed, (small, [[1.0, 2.0], [0.0, 3.0], [4.0, 5.0]])),
        ("subtract", subtract, (a, a)), ("multiply", multiply, (a, a)),
        ("divide", divide, (small, small)), ("scale", scale, (a, 3)),
        ("add_row", add_row, (a, [[1.0, 2.0, 3.0, 4.0]])), ("apply", apply, (abs, a)),
        ("clip", clip, (a, -1, 1)), ("sum_columns", sum_columns, (a,)), ("sum_rows", sum_rows, (a,)),
        ("sum_all", sum_all, (a,)), ("mean", mean, (a,)), ("max_abs", max_abs, (a,)),
        ("argmax", argmax, (a,)), ("outer", outer, ([1.0, 2.0], [3.0, 4.0])),
        ("diagflat", diagflat, ([1.0, 2.0],)), ("row", row, ([1.0, 2.0],)),
        ("column", column, ([1.0, 2.0],)),
    ]


@pytest.mark.parametrize("name, function, args", _calls(), ids=[c[0] for c in _calls()])
def test_inputs_are_never_mutated_and_results_share_no_rows(name, function, args):
    before = copy_module.deepcopy(args)
    result = function(*args)
    assert args == before
    if isinstance(result, list):
        input_lists = {id(x) for arg in args if isinstance(arg, list) for x in [arg, *arg]}
        assert id(result) not in input_lists
        assert not any(id(r) in input_lists for r in result if isinstance(r, list))


def test_dot_with_the_identity_copies():
    a = [[1.0, 2.0], [3.0, 4.0]]
    out = dot(a, identity(2))
    assert out == a
    out[0][0] = 99.0
    assert a[0][0] == 1.0


# --- every dot kernel agrees with the triple loop -------------------------------------------

def triple_loop(a, b):
    """The reference: the formula as it reads, sum over t of a[i][t] * b[t][j]."""
    n, k, m = len(a), len(b), len(b[0]) if b else 0
    out = [[0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            s = 0
            for t in range(k):
                s += a[i][t] * b[t][j]
            out[i][j] = s
    return out


def assert_close_to_reference(got, a, b):
    """Each element within 1e-12 relative to its scale, sum over t of |a[i][t] * b[t][j]|.

    That sum is the size the rounding error of any summation order is measured
    against (a result near 0 by cancellation has no relative digits to compare),
    and 1e-12 of it is still far tighter than any mistake in a kernel.
    """
    expected = triple_loop(a, b)
    assert shape(got) == shape(expected)
    for i, (got_row, expected_row) in enumerate(zip(got, expected)):
        for j, (g, e) in enumerate(zip(got_row, expected_row)):
            size = sum(abs(a[i][t] * b[t][j]) for t in range(len(b)))
            assert abs(g - e) <= 1e-12 * size, (i, j, g, e)


def random_matrix(rng, rows, cols, zero_share=0.0, ints=False):
    def value():
        if rng.random() < zero_share:
            return 0 if ints else 0.0
        if ints:
            return rng.choice([-9, -4, -1, 1, 2, 3, 7])
        return rng.uniform(-2.0, 2.0)
    return [[value() for _ in range(cols)] for _ in range(rows)]


def mixed_rows(rng, cols):
    """Rows with every kind of sparsity: none, half, most, exactly one and no non-zeros."""
    rows = [random_matrix(rng, 1, cols, share)[0] for share in (0.0, 0.5, 0.8, 0.95)]
    one = [0.0] * cols
    one[rng.randrange(cols)] = rng.uniform(-2.0, 2.0)
    last = [0.0] * cols
    last[-1] = 3.0  # the only non-zero at the very end, where the every-4th sample cannot see it
    return rows + [one, last, [0.0] * cols]


def _fsum_sumprod(u, v):
    """A third reduction, neither math.sumprod nor the fallback: exercises the generic branch."""
    return math.fsum(map(mul, u, v))


SUMPRODS = [("fallback sum(map(mul))", matrix._sum_map_mul), ("fsum", _fsum_sumprod)]
if hasattr(math, "sumprod"):
    SUMPRODS.insert(0, ("math.sumprod", math.sumprod))

# (name, SPARSE_ZERO_SHARE, SPARSE_MIN_COLUMNS): which rows take the sparse path.
# Where SPARSE_MIN_COLUMNS is set, SPARSE_MIN_INNER is set to 1 as well, so that
# short rows are inspected (and steered) too.
PATHS = [
    ("chosen per row", None, None),
    ("every row sparse", 0.0, 1),
    ("every row dense", 2.0, 1),
    ("never inspected", None, 10**9),
]


@pytest.fixture(params=SUMPRODS, ids=[s[0] for s in SUMPRODS])
def reduction(request, monkeypatch):
    monkeypatch.setattr(matrix, "_sumprod", request.param[1])
    return request.param[0]


@pytest.fixture(params=PATHS, ids=[p[0] for p in PATHS])
def path(request, monkeypatch):
    name, share, min_columns = request.param
    if share is not None:
        monkeypatch.setattr(matrix, "SPARSE_ZERO_SHARE", share)
    if min_columns is not None:
        monkeypatch.setattr(matrix, "SPARSE_MIN_COLUMNS", min_columns)
        monkeypatch.setattr(matrix, "SPARSE_MIN_INNER", 1)
    return name


def test_the_module_uses_math_sumprod_where_it_exists():
    assert matrix.HAS_MATH_SUMPROD == hasattr(math, "sumprod")
    assert matrix._sumprod is (math.sumprod if hasattr(math, "sumprod") else matrix._sum_map_mul)
    assert reference.sumprod([1, 2, 3], [4, 5, 6]) == 32
    with pytest.raises(ValueError, match=r"^sumprod: the first vector must hold numbers a float can hold"):
        reference.sumprod([10**400], [1.0])
    with pytest.raises(TypeError, match=r"^sumprod: the second vector must hold real numbers"):
        reference.sumprod([2**64], [[1.0]])


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("m", [1, 5, 40])
def test_small_inner_kernel(k, m):
    rng = random.Random(100 * k + m)
    a, b = random_matrix(rng, 7, k), random_matrix(rng, k, m)
    assert_close_to_reference(dot(a, b), a, b)
    assert_close_to_reference(dot_transposed(a, transpose(b)), a, b)
    ai, bi = random_matrix(rng, 7, k, 0.3, ints=True), random_matrix(rng, k, m, ints=True)
    assert dot(ai, bi) == triple_loop(ai, bi)  # integers: exact
    assert dot_transposed(ai, transpose(bi)) == triple_loop(ai, bi)


def test_small_inner_dot_transposed_names_a_non_number_of_its_right_matrix():
    # The kernel works on the columns of bt, but the message names bt's own row and column.
    for bad in ("x", None, [1.0]):
        bt = [[1.0, 2.0], [3.0, 4.0], [5.0, bad]]
        with pytest.raises(TypeError) as caught:
            dot_transposed([[1.0, 1.0]], bt)
        assert str(caught.value) == (f"dot_transposed: the right matrix must hold real numbers, "
                                     f"but row 2, column 1 is {describe(bad)}")


@pytest.mark.parametrize("n, k, m", [(9, 4, 1), (7, 6, 2), (9, 4, 3), (6, 17, 15), (5, 30, 16), (8, 64, 40), (3, 150, 20)])
def test_dense_and_sparse_kernels_agree_with_the_triple_loop(reduction, path, n, k, m):
    rng = random.Random(n * 10007 + k * 101 + m)
    b = random_matrix(rng, k, m)
    for a in (random_matrix(rng, n, k), random_matrix(rng, n, k, 0.8), mixed_rows(rng, k)):
        assert_close_to_reference(dot(a, b), a, b)
        assert_close_to_reference(dot_transposed(a, transpose(b)), a, b)
    # integers (and ints times floats) take the same paths
    ai, bi = random_matrix(rng, n, k, 0.6, ints=True), random_matrix(rng, k, m, ints=True)
    assert dot(ai, bi) == triple_loop(ai, bi)
    assert dot_transposed(ai, transpose(bi)) == triple_loop(ai, bi)
    assert_close_to_reference(dot(ai, b), ai, b)


def test_dot_transposed_equals_dot_of_the_transpose(reduction, path):
    rng = random.Random(7)
    for n, k, m in [(5, 1, 3), (4, 2, 30), (6, 3, 2), (7, 50, 25), (3, 8, 64)]:
        a = mixed_rows(rng, k) + random_matrix(rng, n, k, 0.4)
        bt = random_matrix(rng, m, k)
        via_dot = dot(a, transpose(bt))
        direct = dot_transposed(a, bt)
        assert_close_to_reference(direct, a, transpose(bt))
        for x, y in zip(flatten(via_dot), flatten(direct)):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def test_exact_numbers_stay_exact(reduction, path):
    # Fractions go through every path without rounding, so the kernels must agree exactly.
    if reduction == "fsum":
        pytest.skip("fsum rounds to float")
    rng = random.Random(11)
    a = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) if rng.random() < 0.4 else Fraction(0)
          for _ in range(24)] for _ in range(6)]
    b = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(20)] for _ in range(24)]
    assert dot(a, b) == triple_loop(a, b)
    assert dot_transposed(a, transpose(b)) == triple_loop(a, b)


def test_the_paths_are_really_taken(monkeypatch):
    """Guard for the tests above: the knobs do steer rows to the kernel they claim."""
    calls = []
    real = matrix._sparse_row
    monkeypatch.setattr(matrix, "_sparse_row", lambda r, columns, b=None: calls.append(1) or real(r, columns, b))
    rng = random.Random(3)
    b = random_matrix(rng, 40, 20)
    dense = random_matrix(rng, 1, 40)[0]  # no zeros
    sparse = [0.0] * 40
    sparse[1], sparse[2] = 0.5, -1.5  # 95 % zeros
    a = [dense, sparse, dense]

    dot(a, b)  # default thresholds: only the mostly-zero row goes sparse
    assert len(calls) == 1
    calls.clear()
    monkeypatch.setattr(matrix, "SPARSE_ZERO_SHARE", 0.0)
    dot(a, b)
    assert len(calls) == 3
    calls.clear()
    monkeypatch.setattr(matrix, "SPARSE_MIN_COLUMNS", 21)  # b has 20 columns: rows not inspected
    dot(a, b)
    assert calls == []
    monkeypatch.setattr(matrix, "SPARSE_MIN_COLUMNS", 16)
    monkeypatch.setattr(matrix, "SPARSE_MIN_INNER", 41)  # rows of 40 are too short to inspect
    dot(a, b)
    assert calls == []
    monkeypatch.setattr(matrix, "SPARSE_MIN_INNER", 40)
    dot(a, b)
    assert len(calls) == 3


def test_short_rows_are_not_inspected_by_default(monkeypatch):
    calls = []
    real = matrix._sparse_row
    monkeypatch.setattr(matrix, "_sparse_row", lambda r, columns, b=None: calls.append(1) or real(r, columns, b))
    short = [[0.0] * 15 + [1.0]] * 3  # 94 % zeros, but only 16 long: dense is cheaper
    b = random_matrix(random.Random(5), 16, 20)
    assert matrix.SPARSE_MIN_INNER > 16
    assert_close_to_reference(dot(short, b), short, b)
    assert calls == []


def test_dot_on_tuples_and_bools():
    a = ((1, 0, 0, 2, 0), (0, 0, 0, 0, 1))
    b = tuple(tuple(range(t, t + 20)) for t in range(5))
    assert dot(a, b) == triple_loop(a, b)
    # a bool is not taken for a number (True is 1 to Python, but never a pixel or a weight)
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 0 is True \(bool\)$"):
        dot([[True, False]], [[2, 3], [4, 5]])
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 0 is True \(bool\)$"):
        reference.dot([[True, False]], [[2, 3], [4, 5]])


# --- non-numbers on every dot path ----------------------------------------------------------

@pytest.mark.parametrize("share, min_columns", [(None, None), (0.0, 1), (2.0, 1), (None, 10**9)],
                         ids=["chosen per row", "every row sparse", "every row dense", "never inspected"])
@pytest.mark.parametrize("bad", ["ab", None, "", [], [1.0], "0"])
@pytest.mark.parametrize("where", ["one non-zero", "many non-zeros", "dense row", "small inner"])
@pytest.mark.parametrize("b_value", [2, 2.0], ids=["int b", "float b"])
def test_dot_names_a_non_number_in_the_left_matrix(reduction, monkeypatch, share, min_columns, bad, where,
                                                   b_value):
    if share is not None:
        monkeypatch.setattr(matrix, "SPARSE_ZERO_SHARE", share)
    if min_columns is not None:
        monkeypatch.setattr(matrix, "SPARSE_MIN_COLUMNS", min_columns)
        monkeypatch.setattr(matrix, "SPARSE_MIN_INNER", 1)
    k = 2 if where == "small inner" else 40
    r = [0.0] * k
    if where == "many non-zeros":
        r[5] = r[20] = 1.5
    elif where == "dense row" or where == "small inner":
        r = [1.0] * k
    r[3 % k] = bad
    a = [[1.0] * k, r]
    b = [[b_value] * 20 for _ in range(k)]  # 2 * 'ab' does not fail by itself; 2.0 * 'ab' does
    for op, call in (("dot", lambda: dot(a, b)), ("dot_transposed", lambda: dot_transposed(a, transpose(b)))):
        with pytest.raises(TypeError) as caught:
            call()
        assert str(caught.value) == (
            f"{op}: the left matrix must hold real numbers, but row 1, column {3 % k} "
            f"is {describe(bad)}"
        )


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["every row sparse", "every row dense"])
def test_dot_names_a_non_number_in_the_right_matrix_even_where_it_meets_only_zeros(share, monkeypatch):
    monkeypatch.setattr(matrix, "SPARSE_ZERO_SHARE", share)
    a = [[0.0, 1.0] + [0.0] * 38] * 3  # column 0 of a is all zeros: b's row 0 is never needed
    b = [[1.0] * 20 for _ in range(40)]
    b[0][7] = "w"
    with pytest.raises(TypeError, match=r"^dot: the right matrix must hold real numbers, but row 0, column 7 is 'w' \(str\)$"):
        dot(a, b)
    with pytest.raises(TypeError, match=r"^dot_transposed: the right matrix must hold real numbers, but row 7, column 0 is 'w' \(str\)$"):
        dot_transposed(a, transpose(b))


def test_dot_checks_elements_even_when_nothing_is_multiplied():
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 0 is 'a' \(str\)$"):
        dot([["a"], [1]], [[]])  # 2x1 @ 1x0
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 0 is 'a' \(str\)$"):
        dot([["a", 1, 2, 3, 4]], [[]] * 5)  # 1x5 @ 5x0
    with pytest.raises(TypeError, match=r"^dot: the right matrix must hold real numbers, but row 0, column 0 is None \(NoneType\)$"):
        dot([[0.0, 0.0]], [[None, 1], [2, 3]])


# --- rows of zeros ------------------------------------------------------------------------

def _with_zero_rows(rng, rows, cols, share):
    """A random matrix in which about ``share`` of the rows are all zeros."""
    return [[0.0] * cols if rng.random() < share else random_matrix(rng, 1, cols)[0]
            for _ in range(rows)]


@pytest.mark.parametrize("k", [4, 5, 12, 40])
@pytest.mark.parametrize("share", [0.0, 0.3, 0.7, 1.0])
@pytest.mark.parametrize("knob", [None, 0.0], ids=["default share", "always left out"])
def test_zero_rows_of_the_right_matrix_are_left_out_with_the_same_result(reduction, k, share, knob,
                                                                         monkeypatch):
    # dweights = inputsᵀ · dvalues where many samples have a zero gradient
    if knob is not None:
        monkeypatch.setattr(matrix, "ZERO_ROWS_SHARE", knob)
    rng = random.Random(int(k * 10 + share * 100))
    a = random_matrix(rng, 6, k, 0.3)
    b = _with_zero_rows(rng, k, 7, share)
    assert_close_to_reference(dot(a, b), a, b)
    ai = random_matrix(rng, 6, k, ints=True)
    bi = [[0] * 5 if rng.random() < share else random_matrix(rng, 1, 5, ints=True)[0] for _ in range(k)]
    assert dot(ai, bi) == triple_loop(ai, bi)


def test_zero_rows_take_their_own_path(monkeypatch):
    calls = []
    real = matrix._product_of_live_rows
    monkeypatch.setattr(matrix, "_product_of_live_rows",
                        lambda a, b, live: calls.append(list(live)) or real(a, b, live))
    monkeypatch.setattr(matrix, "ZERO_ROWS_SHARE", 0.2)
    a = [[1.0] * 10, [2.0] * 10]
    b = [[1.0, 2.0]] * 10
    dot(a, b)
    assert calls == []  # no zero rows
    b[3] = [0.0, 0.0]
    b[7] = [0, 0]  # integer zeros are zeros too
    assert dot(a, b) == [[8.0, 16.0], [16.0, 32.0]]
    assert calls == [[0, 1, 2, 4, 5, 6, 8, 9]]
    calls.clear()
    monkeypatch.setattr(matrix, "ZERO_ROWS_SHARE", 0.5)  # 2 of 10 rows are not enough now
    dot(a, b)
    assert calls == []


@pytest.mark.parametrize("k", [5, 40])
def test_zero_rows_still_check_every_element(k, monkeypatch):
    monkeypatch.setattr(matrix, "ZERO_ROWS_SHARE", 0.1)  # the zero rows below are left out
    b = [[0.0, 0.0] for _ in range(k)]
    b[1] = [1.0, 1.0]
    # a non-number in a column of a that faces a zero row of b is never multiplied
    a = [[1.0] * k, [1.0] * k]
    a[1][2] = "x"
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 1, column 2 is 'x' \(str\)$"):
        dot(a, b)
    # a falsy non-number hiding in an otherwise zero row of b
    a[1][2] = 1.0
    b[4] = [0.0, None]
    with pytest.raises(TypeError, match=r"^dot: the right matrix must hold real numbers, but row 4, column 1 is None \(NoneType\)$"):
        dot(a, b)
    # every row of b zero: still a product of the right shape, of zeros
    assert dot(a, [[0.0, 0.0]] * k) == [[0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("k", [5, 40])
def test_zero_rows_of_the_left_matrix_give_zero_rows(reduction, k):
    rng = random.Random(k)
    b = random_matrix(rng, k, 6)
    a = [[0.0] * k, random_matrix(rng, 1, k)[0], [0] * k]
    got = dot(a, b)
    assert got[0] == [0.0] * 6 and got[2] == [0.0] * 6
    assert_close_to_reference(got, a, b)
    for bad in (None, "", []):
        with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 1 is .*$"):
            dot([[0.0, bad] + [0.0] * (k - 2)], b)
    # no row of a meets b, yet b's elements are checked
    b[2][3] = "w"
    with pytest.raises(TypeError, match=r"^dot: the right matrix must hold real numbers, but row 2, column 3 is 'w' \(str\)$"):
        dot([[0.0] * k], b)


# --- dot_transposed_where: the Dense + ReLU backward pass ----------------------------------

def _masked(full, where):
    return [[f if z > 0 else 0.0 for f, z in zip(fr, zr)] for fr, zr in zip(full, where)]


def test_dot_transposed_where_by_hand():
    # [1 2] against [3 4] and [5 6]: 11 and 17; the mask keeps the first only
    assert dot_transposed_where([[1, 2]], [[3, 4], [5, 6]], [[0.5, -1.0]]) == [[11, 0.0]]
    # a mask of exactly 0 blocks too (ReLU's slope at 0 is taken as 0)
    assert dot_transposed_where([[1.0] * 4], [[1.0] * 4, [2.0] * 4], [[0.0, 3.0]]) == [[0.0, 8.0]]
    assert dot_transposed_where([], [], []) == []
    assert dot_transposed_where([[], []], [[], [], []], [[1, 1, 1], [1, 1, 1]]) == [[0.0] * 3] * 2


@pytest.mark.parametrize("k", [1, 2, 3, 5, 40])
def test_dot_transposed_where_is_dot_transposed_masked(reduction, k):
    rng = random.Random(k)
    for zero_share in (0.0, 0.5):
        a = random_matrix(rng, 8, k, zero_share)
        a[3] = [0.0] * k  # a row of zeros (a sample with no gradient)
        bt = random_matrix(rng, 20, k)
        where = random_matrix(rng, 8, 20, 0.2)  # some exact zeros: blocked
        # the very numbers of dot_transposed, not just close ones
        assert dot_transposed_where(a, bt, where) == _masked(dot_transposed(a, bt), where)
    ai, bti = random_matrix(rng, 5, k, 0.3, ints=True), random_matrix(rng, 4, k, ints=True)
    where = random_matrix(rng, 5, 4, ints=True)
    assert dot_transposed_where(ai, bti, where) == _masked(triple_loop(ai, transpose(bti)), where)


def test_dot_transposed_where_errors():
    with pytest.raises(ShapeError, match=r"^dot_transposed_where: cannot multiply 1x3 by the transpose of 2x2 \(inner sizes 3 and 2 differ\)$"):
        dot_transposed_where([[1, 2, 3]], [[1, 2], [3, 4]], [[1, 1]])
    with pytest.raises(ShapeError, match=r"^dot_transposed_where: the mask is 2x1 but the product is 1x2$"):
        dot_transposed_where([[1, 2]], [[1, 2], [3, 4]], [[1], [1]])
    # elements that no product meets are still checked: a, bt, and the mask of a zero row
    for k in (2, 5):
        with pytest.raises(TypeError, match=r"^dot_transposed_where: the left matrix must hold real numbers, but row 0, column 1 is 'x' \(str\)$"):
            dot_transposed_where([[1.0, "x"] + [1.0] * (k - 2)], [[1.0] * k], [[-1.0]])
        with pytest.raises(TypeError, match=r"^dot_transposed_where: the right matrix must hold real numbers, but row 1, column 0 is None \(NoneType\)$"):
            dot_transposed_where([[1.0] * k], [[1.0] * k, [None] + [1.0] * (k - 1)], [[1.0, -1.0]])
    for k in (2, 5):  # the row of zeros in a is not multiplied, its mask row is still checked
        with pytest.raises(TypeError, match=r"^dot_transposed_where: the mask must hold real numbers, but row 1, column 1 is 'm' \(str\)$"):
            dot_transposed_where([[1.0] * k, [0.0] * k], [[1.0] * k] * 2, [[1.0, 1.0], [1.0, "m"]])


# --- the reference dot: the formula, and the same numbers as the fast kernels -----------

def test_reference_dot_by_hand_and_its_errors():
    assert reference.dot([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]
    assert reference.dot([[1, 2, 3]], [[1], [0], [-1]]) == [[-2]]
    assert reference.dot([], []) == []
    assert reference.dot([[], []], []) == [[], []]
    with pytest.raises(ShapeError, match=r"^dot: cannot multiply 1x2 by 1x2 \(inner sizes 2 and 1 differ\)$"):
        reference.dot([[1, 2]], [[1, 2]])
    with pytest.raises(TypeError, match=r"^dot: the left matrix must hold real numbers, but row 0, column 1 is 'x' \(str\)$"):
        reference.dot([[1, "x"]], [[1], [2]])
    with pytest.raises(TypeError, match=r"^dot: the right matrix must hold real numbers, but row 1, column 0 is None \(NoneType\)$"):
        reference.dot([[1, 2]], [[1], [None]])


@pytest.mark.parametrize("k", [1, 2, 3, 5, 40])
@pytest.mark.parametrize("zeros_share", [0.0, 0.8])
def test_reference_dot_equals_the_triple_loop_and_the_fast_dot(k, zeros_share):
    rng = random.Random(k)
    a = [[0 if rng.random() < zeros_share else rng.randint(-9, 9) for _ in range(k)] for _ in range(7)]
    b = [[rng.randint(-9, 9) for _ in range(20)] for _ in range(k)]
    assert reference.dot(a, b) == triple_loop(a, b) == dot(a, b)  # integers: exact
    af = [[x / 7 for x in r] for r in a]
    bf = [[x / 3 for x in r] for r in b]
    for mine, theirs in zip(dot(af, bf), reference.dot(af, bf)):
        assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12)
