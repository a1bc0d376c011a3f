"""Steps 3 to 6 of the method on arrays: factor scores from group sums, and composites from
(rows × factors) matrices. The kernel calls them on its (case, scenario) pairs; the Monte
Carlo and the sensitivity analyses call them on their draws and variants, so no analysis
re-implements a step.

Every sum of the method is compensated (Kahan), term by term in row order: group sums over
items (:func:`sum_groups`) and row sums over factors (:func:`sum_rows`) do the same
arithmetic, so a number is the same whichever path computes it, and as close to the exact
sum as float64 allows.
"""

from __future__ import annotations

import numpy as np


def sum_rows(x: np.ndarray) -> np.ndarray:
    """Row sums of a (rows × terms) matrix, term by term with Kahan compensation."""
    if x.shape[0] == 1:  # one row (a group's own sum): the same arithmetic on Python floats
        return np.array([_kahan(np.asarray(x[0], dtype=float).tolist())])
    total, comp = np.zeros(x.shape[0]), np.zeros(x.shape[0])
    y, t = np.empty(x.shape[0]), np.empty(x.shape[0])
    for k in range(x.shape[1]):  # in place: y = x_k - comp; t = total + y; comp = (t - total) - y
        np.subtract(x[:, k], comp, out=y)
        np.add(total, y, out=t)
        np.subtract(t, total, out=comp)
        np.subtract(comp, y, out=comp)
        total, t = t, total
    return total


def _kahan(terms: list[float]) -> float:
    total = comp = 0.0
    for x in terms:
        y = x - comp
        t = total + y
        comp = (t - total) - y
        total = t
    return total


def sum_groups(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Sums of the rows of ``values`` (n, or n × columns) by group code 0..size-1, each
    group's rows in their order with Kahan compensation (0 for a group without rows). Loops
    over the position within a group, vectorised over groups."""
    values = np.asarray(values, dtype=float)
    shape = (size, *values.shape[1:])
    total, comp = np.zeros(shape), np.zeros(shape)
    if len(groups) == 0:
        return total
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups, minlength=size)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for k in range(int(counts.max())):
        live = np.flatnonzero(counts > k)
        y = values[order[starts[live] + k]] - comp[live]
        t = total[live] + y
        comp[live] = (t - total[live]) - y
        total[live] = t
    return total


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


def composites(weight: np.ndarray, score: np.ndarray, included: np.ndarray, method: str
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(included weight total, normalised weights, contributions, composite) of each row of
    (rows × factors) matrices. ``weighted_mean``: ``C = Σ W_f F_f / Σ W_f`` over included
    factors, held within their scores' range; ``weighted_sum``: ``C = Σ W_f F_f``."""
    included_weight = np.where(included, weight, 0.0)
    total = sum_rows(included_weight)
    normalised = np.where(included, weight / np.where(total > 0, total, 1.0)[:, None], 0.0)
    if method == "weighted_mean":
        contribution = np.where(included, normalised * score, 0.0)
    else:
        contribution = np.where(included, weight * score, 0.0)
    composite = sum_rows(contribution)
    if method == "weighted_mean":  # held within its terms' range, as factor scores are
        low, high = _extremes(np.where(included, score, np.inf), np.where(included, score, -np.inf))
        composite = np.where(included.any(axis=1), np.clip(composite, low, high), composite)
    return total, normalised, contribution, composite
