"""Group sums and extremes (``steps.Groups``) against the plain definition, bit for bit: each
group's rows in row order, one compensated (Kahan) step a row."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.method.steps import Groups, sum_rows


def kahan(terms: list[float]) -> float:
    total = comp = 0.0
    for x in terms:
        y = x - comp
        t = total + y
        comp = (t - total) - y
        total = t
    return total


def bits(x: np.ndarray) -> list[int]:
    return np.asarray(x, dtype=float).view(np.int64).tolist()


def test_a_hand_checked_layout() -> None:
    # group 1 has three rows, group 0 one, group 2 none, group 3 two
    g = Groups(np.array([1, 3, 1, 0, 3, 1]), 4)
    assert g.counts.tolist() == [1, 3, 0, 2]
    # first rows of groups 1, 3, 0; second rows of 1, 3; the third row of 1
    assert g.place.tolist() == [0, 1, 3, 2, 4, 5]
    laid = g.take(np.array([1.0, 10.0, 2.0, 100.0, 20.0, 3.0]))
    assert laid.tolist() == [1.0, 10.0, 100.0, 2.0, 20.0, 3.0]
    assert g.sums(laid).tolist() == [100, 6, 0, 30]


def test_sums_keep_row_order_where_order_changes_the_sum() -> None:
    # compensation cannot keep a 1 beside 1e100: 1 + 1e100 + 1 - 1e100 is 0 in this order,
    # 1 in the other
    values = np.array([1.0, 1e100, 1.0, -1e100])
    one = Groups(np.zeros(4, dtype=np.int64), 1)
    assert one.sums(one.take(values)).tolist() == [kahan(values.tolist())] == [0.0]
    assert one.sums(one.take(values[::-1])).tolist() == [kahan(values[::-1].tolist())] == [1.0]


def test_extremes_skip_nan_and_leave_empty_groups_nan() -> None:
    g = Groups(np.array([0, 0, 1, 0, 2]), 4)
    high, low = g.extremes(g.take(np.array([np.nan, 3.0, np.nan, 5.0, -1.0])))
    assert bits(high) == bits(np.array([5.0, np.nan, -1.0, np.nan]))
    assert bits(low) == bits(np.array([3.0, np.nan, -1.0, np.nan]))


def test_of_equal_extremes_the_later_row_wins() -> None:
    g = Groups(np.array([0, 0, 1, 1]), 2)
    high, low = g.extremes(g.take(np.array([0.0, -0.0, -0.0, 0.0])))
    assert bits(high) == bits(low) == bits(np.array([-0.0, 0.0]))


def test_no_rows_and_no_groups() -> None:
    for size in (3, 0):
        g = Groups(np.array([], dtype=np.int64), size)
        assert g.sums(g.take(np.array([]))).tolist() == [0.0] * size
        assert [np.isnan(x).tolist() for x in g.extremes(g.take(np.array([])))] == [[True] * size] * 2


floats = st.floats(min_value=-1e300, max_value=1e300)  # no overflow in a sum of 60


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), floats | st.sampled_from([0.0, -0.0, 1e300])),
                max_size=60))
def test_sums_and_extremes_are_the_plain_definition(rows: list[tuple[int, float]]) -> None:
    size = 7
    codes = np.array([c for c, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=float)
    g = Groups(codes, size)
    members = [[v for c, v in rows if c == k] for k in range(size)]
    laid = g.take(values)
    assert bits(g.sums(laid)) == bits(np.array([kahan(m) for m in members]))
    for ufunc, got in zip((np.fmax, np.fmin), g.extremes(laid), strict=True):
        expected = np.full(size, np.nan)
        ufunc.at(expected, codes, values)  # what the kernel used before Groups
        assert bits(got) == bits(expected)
    matrix = np.array([[v, -v, v / 3] for _, v in rows] or np.zeros((0, 3)))
    assert bits(sum_rows(matrix.T)) == bits(np.array([kahan(r) for r in matrix.T.tolist()]))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(17, 60), st.integers(0, 400))
def test_many_groups_and_a_long_tail_are_the_definition(seed: int, size: int,
                                                         long: int) -> None:
    """More groups than ``steps.TAIL`` (a loop over positions on arrays) and a few long ones
    (finished on Python floats): the same sums and extremes as one Kahan step a row and
    ``np.fmax.at``/``np.fmin.at``."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size)
    lengths[rng.integers(0, size, 3)] += long  # a few groups much longer than the rest
    codes = rng.permutation(np.repeat(np.arange(size), lengths))
    values = rng.normal(0, 1, len(codes)) * 10.0 ** rng.integers(-8, 9, len(codes))
    values[rng.random(len(codes)) < 0.05] = np.nan
    values[rng.random(len(codes)) < 0.05] = 0.0
    g = Groups(codes, size)
    laid = g.take(values)
    finite = np.where(np.isnan(values), 0.0, values)
    sums = g.sums(g.take(finite))
    want = [kahan(finite[codes == k].tolist()) for k in range(size)]
    assert bits(sums) == bits(np.array(want))
    high, low = g.extremes(laid)
    want_high, want_low = np.full(size, np.nan), np.full(size, np.nan)
    np.fmax.at(want_high, codes, values)
    np.fmin.at(want_low, codes, values)
    assert bits(high) == bits(want_high) and bits(low) == bits(want_low)


def test_terms_added_a_block_at_a_time_are_the_whole_sum() -> None:
    # Given a term at a time (add_terms going on from its own sums) the row sums are the
    # same arithmetic as sum_rows over every term at once: the plain definition, row by row,
    # in an order where the order changes the sum.
    from scoring.method.steps import add_terms

    x = np.array([[1.0, 1e100, 1.0, -1e100], [-1e100, 1.0, 1e100, 1.0]])  # (rows × terms)
    whole = sum_rows(x)
    assert whole.tolist() == [kahan(row) for row in x.tolist()] == [0.0, 1.0]
    sums = None
    for k in range(4):
        sums = add_terms(x.T[k:k + 1], sums)
    assert sums is not None and sums[0].tolist() == whole.tolist()
    assert add_terms(x.T[2:], add_terms(x.T[:2]))[0].tolist() == whole.tolist()
