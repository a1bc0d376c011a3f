"""Steps 3 to 6 of the method on arrays: factor scores from group sums, and composites from
(rows × factors) matrices. The kernel calls them on its (case, scenario) pairs; the Monte
Carlo and the sensitivity analyses call them on their draws and variants, so no analysis
re-implements a step.

Every sum of the method is compensated (Kahan), term by term in row order: group sums over
items (:meth:`Groups.sums`) and row sums over factors (:func:`sum_rows`) are the same
arithmetic (one function, ``_sum_terms``), so a number is the same whichever path computes
it, and as close to the exact sum as float64 allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

# Below this many groups still with rows, a loop over positions costs more in numpy calls
# than finishing each of those groups on Python floats (the same arithmetic): one factor
# with a hundred thousand items would otherwise take a hundred thousand numpy steps.
TAIL = 16


def sum_rows(x: np.ndarray) -> np.ndarray:
    """Row sums of a (rows × terms) matrix, term by term with Kahan compensation."""
    if x.shape[0] == 1:  # one row (a group's own sum): the same arithmetic on Python floats
        return np.array([_kahan(np.asarray(x[0], dtype=float).tolist())[0]])
    return _sum_terms((x[:, k] for k in range(x.shape[1])), x.shape[0])[0]


RowSums = tuple[np.ndarray, np.ndarray]  # Kahan sums and their compensations


def add_terms(terms: np.ndarray, sums: RowSums | None = None) -> RowSums:
    """``sum_rows`` given its terms a block at a time: the rows of the (terms × rows) matrix
    ``terms`` are the next terms of every row's sum, added after those already in ``sums``
    (None: none yet). The same arithmetic, term for term, as one ``sum_rows`` of all the
    terms; returns the sums so far with their compensations, to go on adding."""
    return _sum_terms(iter(terms), terms.shape[1], sums)


def _sum_terms(terms: Iterable[np.ndarray], n: int, start: RowSums | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Kahan sums of ``n`` rows given term by term: the k-th array of ``terms`` holds the k-th
    terms of the first rows (as many as it is long; never more than the array before), so a
    row's sum ends with its last term; going on from the sums and compensations ``start``.
    Works in place in four buffers of ``n``. Returns the sums and their compensations (to go
    on adding to them)."""
    if start is None:
        total, comp = np.zeros(n), np.zeros(n)
    else:
        total, comp = start[0].copy(), start[1].copy()
    y, t = np.empty(n), np.empty(n)
    for x in terms:  # y = x_k - comp; t = total + y; comp = (t - total) - y
        m = len(x)
        if m == n:  # every row has this term (a matrix's column): no slices to make
            np.subtract(x, comp, out=y)
            np.add(total, y, out=t)
            np.subtract(t, total, out=comp)
            np.subtract(comp, y, out=comp)
            total, t = t, total
            continue
        np.subtract(x, comp[:m], out=y[:m])
        np.add(total[:m], y[:m], out=t[:m])
        np.subtract(t[:m], total[:m], out=comp[:m])
        np.subtract(comp[:m], y[:m], out=comp[:m])
        t[m:] = total[m:]  # rows that have no more terms keep their sums
        total, t = t, total
    return total, comp


def _kahan(terms: list[float], total: float = 0.0, comp: float = 0.0) -> tuple[float, float]:
    """The Kahan sum of ``terms`` on Python floats, going on from ``total`` and ``comp``
    (the steps of ``_sum_terms``, one term at a time); and its compensation."""
    for x in terms:
        y = x - comp
        t = total + y
        comp = (t - total) - y
        total = t
    return total, comp


class Groups:
    """The rows of groups with codes 0..size-1, laid out to work on them a position at a
    time (``take``): every group's first row, then every group's second row, and so on,
    groups ordered by decreasing number of rows (ties by code). The k-th rows of the groups
    that have one are then one contiguous run, and those groups come first in that order, so
    each step of a loop over positions works on slices, not on scattered rows.

    Built with one stable sort of the group codes; a group's rows keep their row order."""

    def __init__(self, groups: np.ndarray, size: int) -> None:
        groups = np.asarray(groups)
        self.size = size
        self.counts = np.bincount(groups, minlength=size)
        # stable sort by decreasing count, on the smallest unsigned key (numpy sorts keys of
        # 16 bits or fewer by radix: every universe whose groups have under 65 536 rows)
        key = self.counts.max(initial=0) - self.counts
        ranked = np.argsort(key.astype(np.min_scalar_type(key.max(initial=0))), kind="stable")
        self.rank = np.empty(size, dtype=np.intp)  # each group's place in that order
        self.rank[ranked] = np.arange(size)
        self.ranked_counts = self.counts[ranked].tolist()  # rows of the j-th group in order
        # live[k]: how many groups have a k-th row (counting from 0)
        live = size - np.cumsum(np.bincount(self.counts))[:-1]
        self.bounds = np.concatenate([[0], np.cumsum(live)]).tolist()
        order = np.argsort(groups, kind="stable")  # rows group by group, in row order
        # each of those rows' position within its group, then its place in the layout
        at = np.arange(len(groups))
        at -= np.repeat(np.cumsum(self.counts) - self.counts, self.counts)
        at = np.asarray(self.bounds, dtype=np.intp)[at]
        at += np.repeat(self.rank, self.counts)
        self.place = np.empty(len(groups), dtype=np.intp)  # each row's place in the layout
        self.place[order] = at
        # From position ``split`` on, at most TAIL groups have rows left (the first ``tail``
        # in layout order): each of them is finished on Python floats.
        live = np.diff(self.bounds)
        self.split = next((k for k, m in enumerate(live.tolist()) if m <= TAIL), len(live))
        self.tail = int(live[self.split]) if self.split < len(live) else 0

    def take(self, values: np.ndarray) -> np.ndarray:
        """``values`` (one per row) laid out."""
        out = np.empty(len(self.place), dtype=np.asarray(values).dtype)
        out[self.place] = values  # a scatter: reads the rows in order, writes few streams
        return out

    def _terms(self, laid: np.ndarray, stop: int | None = None) -> Iterator[np.ndarray]:
        """The k-th values of the groups that have a k-th row, k = 0, 1, ... (up to position
        ``stop``)."""
        cut = slice(None) if stop is None else slice(stop + 1)
        bounds = self.bounds[cut]
        return (laid[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True))

    def _rest(self, laid: np.ndarray, j: int, start: int) -> list[float]:
        """The values of the ``j``-th group (in layout order) from position ``start`` on."""
        at = np.asarray(self.bounds[start:self.ranked_counts[j]], dtype=np.intp) + j
        return [float(x) for x in laid[at].tolist()]

    def sums(self, laid: np.ndarray) -> np.ndarray:
        """Each group's sum of values laid out by ``take``, its rows in their order with Kahan
        compensation (0 for a group without rows), by group code."""
        split = self.split
        total, comp = _sum_terms(self._terms(laid, split), self.size)
        for j in range(self.tail):
            total[j], _ = _kahan(self._rest(laid, j, split), float(total[j]), float(comp[j]))
        return total[self.rank]

    def extremes(self, laid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each group's largest and smallest of values laid out by ``take``, NaN skipped (NaN
        where a group has no other value), by group code. Of equal values (0.0 and -0.0) the
        later row's, as ``np.fmax.at`` and ``np.fmin.at`` give: ``np.fmax`` on arrays does
        not say which it keeps."""
        high, low = np.full(self.size, np.nan), np.full(self.size, np.nan)
        split = self.split
        for x in self._terms(laid, split):
            h, lo = high[:len(x)], low[:len(x)]
            np.copyto(h, x, where=(x >= h) | np.isnan(h))
            np.copyto(lo, x, where=(x <= lo) | np.isnan(lo))
        for j in range(self.tail):  # the same choices on Python floats
            h_, l_ = float(high[j]), float(low[j])
            for v in self._rest(laid, j, split):
                if v >= h_ or h_ != h_:
                    h_ = v
                if v <= l_ or l_ != l_:
                    l_ = v
            high[j], low[j] = h_, l_
        return high[self.rank], low[self.rank]


def counted(weight: np.ndarray) -> np.ndarray:
    """Which items take part in a factor's max, min and spread: those with a weight above 0
    (an item with confidence 0, or a stale item excluded, counts for nothing)."""
    return np.asarray(weight > 0)


def factor_scores(weighted_risk: np.ndarray, weight_total: np.ndarray, lowest: np.ndarray,
                  highest: np.ndarray, aggregation: np.ndarray, impute: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(score, has_evidence, imputed, included) of factors from their group sums: the
    weighted mean ``Σ(w·r) / Σw`` held within its terms' range, or the max / min of the
    counted risk values; a factor without evidence takes its ``impute`` value (NaN: it is
    excluded). ``aggregation`` and ``impute`` broadcast along the last axis."""
    has = weight_total > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        # A weighted mean lies between its smallest and largest term; rounding can put it a
        # few ulps outside (100.00000000000001 from two 100s), so hold it there.
        mean = np.clip(weighted_risk / np.where(has, weight_total, np.nan), lowest, highest)
    value = np.where(aggregation == "max", highest, np.where(aggregation == "min", lowest, mean))
    missing = np.isnan(impute)
    return np.where(has, value, impute), has, ~has & ~missing, has | ~missing


def _extremes(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's smallest of ``low`` and largest of ``high`` (rows × factors), column by
    column: the same numbers as ``min(axis=1)`` / ``max(axis=1)``, without numpy's slow
    reduction over a short last axis."""
    if low.shape[1] == 0:  # no factor: what numpy says of an empty reduction
        return low.min(axis=1), high.max(axis=1)
    lowest, highest = low[:, 0].copy(), high[:, 0].copy()
    for k in range(1, low.shape[1]):
        np.minimum(lowest, low[:, k], out=lowest)
        np.maximum(highest, high[:, k], out=highest)
    return lowest, highest


def composites(weight: np.ndarray, score: np.ndarray, included: np.ndarray, method: str,
               intercept: float = 0.0, scale: tuple[float, float] = (-np.inf, np.inf)
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(included weight total, normalised weights, contributions, composite) of each row of
    (rows × factors) matrices. ``weighted_mean``: ``C = Σ W_f F_f / Σ W_f`` over included
    factors, held within their scores' range; ``weighted_sum``: ``C = Σ W_f F_f``;
    ``points``: ``C = intercept + Σ W_f F_f`` (coefficients W_f of either sign; the
    intercept is the first term of the sum, then the contributions in factor order), held
    within the rubric's ``scale`` where it is closed (the criticality score's [0, 1])."""
    included_weight = np.where(included, weight, 0.0)
    total = sum_rows(included_weight)
    with np.errstate(invalid="ignore", divide="ignore"):  # points: weights may sum to 0
        normalised = np.where(included, weight / np.where(total != 0, total, 1.0)[:, None],
                              0.0)
    if method == "weighted_mean":
        contribution = np.where(included, normalised * score, 0.0)
    else:
        contribution = np.where(included, weight * score, 0.0)
    if method == "points":
        terms = np.concatenate([np.full((len(contribution), 1), float(intercept)),
                                contribution], axis=1)
        composite = np.clip(sum_rows(terms), scale[0], scale[1])
    else:
        composite = sum_rows(contribution)
    if method == "weighted_mean":  # held within its terms' range, as factor scores are
        low, high = _extremes(np.where(included, score, np.inf), np.where(included, score, -np.inf))
        composite = np.where(included.any(axis=1), np.clip(composite, low, high), composite)
    return total, normalised, contribution, composite
