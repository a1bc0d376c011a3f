"""The scoring method (docs/method.md, steps 1 to 9) over any number of cases at once.

Per (case, scenario) pair s, item i of factor f, with the rubric's scale [lo, hi]:

1. ``decay_i = 0.5 ** (age_i / half_life_days)`` (1 when the rubric sets no half-life);
   ``effective_weight_i = confidence_i * reliability_i * decay_i`` (0 for an excluded stale
   item); aggregation uses weights relative to the factor's largest (``weights.py``)
2. ``risk_value_i = score_i`` (polarity risk) or ``lo + hi - score_i`` (polarity strength)
3. ``factor score F_f = sum(w_i * r_i) / sum(w_i)`` (or max / min of r_i over items with
   weight), held within its terms' range
4. missing evidence: the factor is excluded, or scored at its ``impute`` value
5. ``composite C = sum(W_f * F_f) / sum(W_f)`` over included factors (weighted_mean), or
   ``sum(W_f * F_f)`` (weighted_sum); ``contribution c_f`` is the summand, so sum(c_f) = C
6. ``coverage = sum(W_f with sourced evidence) / sum(W_f all)``
7. gates, overrides, band and the coverage floor (``judge.py``)

Every row carries an integer group code (pair and factor) from the categorical ``case``,
``scenario`` and ``factor`` columns. The rows are laid out once by those codes
(``steps.Groups``, one sort); group sums (compensated, each group's rows in row order) and
extremes then loop over the position within a group, on contiguous slices of all groups at
once. Nothing loops over cases, scenarios or items.
Pure: no file I/O, no click, no jinja2. All arithmetic is float64; nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from ..errors import ScoringError
from .judge import Judged, judge
from .params import OverrideLike, RubricLike
from .steps import Groups, composites, counted, factor_scores, sum_rows
from .weights import item_weights, relative_weights

BASE = "base"


class NoEvidence(ScoringError):
    """A scenario has no factor with evidence (or an imputed score) to build a composite from."""

    slug = "no-evidence"


@dataclass(frozen=True)
class Frames:
    """Every number of the scored pairs, one frame per level (columns: docs/method.md).

    ``items``: one row per case, scenario and item; ``factors``: one per case, scenario and
    factor (rubric order); ``scenarios``: one per (case, scenario) pair, in the order of the
    weight table; ``drops``: items a scenario removed; ``judged``: the gates and overrides of
    each pair (rows as in ``scenarios``)."""

    items: pd.DataFrame
    factors: pd.DataFrame
    scenarios: pd.DataFrame
    drops: pd.DataFrame
    judged: Judged


def codes(column: pd.Series) -> np.ndarray:
    return np.asarray(column.cat.codes, dtype=np.int64)


def _joined(frame: pd.DataFrame, **columns: np.ndarray | ExtensionArray) -> pd.DataFrame:
    """``frame`` with ``columns`` set: replaced where it has them, the others added at its
    end in the order given; one concatenation rather than one insertion per column. Copies
    nothing: the frame's columns are shared (copy on write) and the new ones are the
    arrays given, not one block made of them."""
    existing = [name for name in columns if name in frame.columns]
    if existing:
        frame = frame.copy(deep=False)
        for name in existing:
            frame[name] = columns.pop(name)
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index, copy=False)], axis=1)


def score(items: pd.DataFrame, weights: pd.DataFrame, rubric: RubricLike,
          overrides: Mapping[tuple[str, str], Sequence[OverrideLike]] | None = None,
          drops: pd.DataFrame | None = None) -> Frames:
    """Score every (case, scenario) pair of ``weights`` from the rows of ``items``.

    ``items``: categorical ``case``, ``scenario`` and ``factor`` (categories in rubric order)
    and the float columns ``score`` (on the scale), ``confidence``, ``reliability``,
    ``age_days`` and the boolean ``assumption``; other columns pass through. ``weights``: one
    row per pair and factor (every factor of every pair) with ``weight`` (W_f), categories
    shared with ``items``. ``overrides`` by (case, scenario)."""
    n_c = len(weights["case"].cat.categories)
    n_s = len(weights["scenario"].cat.categories)
    n_f = len(rubric.factors)
    size = n_c * n_s * n_f
    g = codes(items["case"])  # (case × n_s + scenario) × n_f + factor, in place
    g *= n_s
    g += items["scenario"].cat.codes.to_numpy()
    g *= n_f
    g += items["factor"].cat.codes.to_numpy()
    groups = Groups(g, size)  # laid out once for every sum and extreme over items
    its, rw, relative_total = _score_items(items, rubric, g, groups)
    del g
    fac, pair_of_row = _score_factors(its, groups, rw, relative_total, weights, rubric, n_s,
                                      n_f)
    scen, fac = _composites(fac, pair_of_row, weights, rubric, n_s)
    fac, scen, judged = _judge(fac, scen, rubric, dict(overrides or {}), n_f)
    empty = pd.DataFrame({"case": [], "scenario": [], "factor": [], "item": [], "change": []})
    return Frames(its, fac, scen, empty if drops is None else drops, judged)


def _score_items(items: pd.DataFrame, rubric: RubricLike, g: np.ndarray, groups: Groups
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Steps 1 and 2 per item row (group code ``g``: pair and factor), and each row's share
    of its factor; and the relative weights laid out by ``groups`` and their sum by group."""
    w = item_weights(items["confidence"].to_numpy(dtype=float),
                     items["reliability"].to_numpy(dtype=float),
                     items["age_days"].to_numpy(dtype=float), rubric.half_life_days,
                     rubric.max_age_days, rubric.stale == "exclude")
    rw = relative_weights(w, g, groups.size)
    laid = groups.take(rw)
    relative_total = groups.sums(laid)
    # share = rw / total where the factor's total is above 0, else 0 (in one buffer)
    share = relative_total[g]
    none = ~(share > 0)
    share[none] = 1.0
    np.divide(rw, share, out=share)
    share[none] = 0.0
    out = _joined(
        items, decay=w.decay, stale=w.stale,
        # Stale items count for nothing when the rubric says so; otherwise only flagged.
        kept=w.kept, effective_weight=w.effective_weight, relative_weight=rw,
        counted=counted(rw),  # takes part in max, min and the spread
        risk_value=_risk_values(items, rubric), share=share)
    return out, laid, relative_total


def _risk_values(items: pd.DataFrame, rubric: RubricLike) -> np.ndarray:
    """Step 2: ``lo + hi - score`` for a factor of polarity strength, else the score."""
    strength = np.array([f.polarity == "strength" for f in rubric.factors])
    lo, hi = rubric.scale.lo, rubric.scale.hi
    value = items["score"].to_numpy(dtype=float)
    out = value.copy()
    np.subtract(lo + hi, value, out=out, where=strength[items["factor"].cat.codes.to_numpy()])
    return out


def _score_factors(its: pd.DataFrame, groups: Groups, rw: np.ndarray, relative_total: np.ndarray,
                   weights: pd.DataFrame, rubric: RubricLike, n_s: int, n_f: int
                   ) -> tuple[pd.DataFrame, np.ndarray]:
    """Steps 3 and 4: one row per weight row (pair and factor). ``rw``: relative weights laid
    out by ``groups``, ``relative_total``: their sums."""
    # Item columns laid out as rw is (steps.Groups): a product or a choice per row is the
    # same number in any order.
    pair = codes(weights["case"]) * n_s + codes(weights["scenario"])
    fg = pair * n_f + codes(weights["factor"])
    total_weight = groups.sums(groups.take(its["effective_weight"].to_numpy()))[fg]
    sourced = np.where(groups.take(its["assumption"].to_numpy(dtype=bool)), 0.0, rw)
    sourced_weight = groups.sums(sourced)[fg]
    del sourced
    risk = groups.take(its["risk_value"].to_numpy())
    weighted_risk = groups.sums(rw * risk)[fg]
    risk[~counted(rw)] = np.nan  # max, min and spread over counted items only
    high, low = groups.extremes(risk)
    del risk
    rel_total, hi, lo = relative_total[fg], high[fg], low[fg]
    slot = codes(weights["factor"])
    how = [f.aggregation for f in rubric.factors]
    aggregation = np.array(how)[slot]  # fixed-width strings: compared in one pass
    impute = np.array([np.nan if f.impute is None else f.impute for f in rubric.factors])[slot]
    # Relative weights: the same mean as sum(w·r) / sum(w), without underflow (weights.py).
    score, has, imputed, included = factor_scores(weighted_risk, rel_total, lo, hi,
                                                  aggregation, impute)
    spread = np.where(has, hi - lo, np.nan)
    limit = np.inf if rubric.contested_spread is None else float(rubric.contested_spread)
    out = _joined(
        weights, n_items=groups.counts[fg].astype(np.int64), total_weight=total_weight,
        has_sourced_evidence=sourced_weight > 0, has_evidence=rel_total > 0,
        # the column's strings taken from the rubric's few, not made from each row's
        aggregation=pd.array(how, dtype="str").take(slot), imputed=imputed, score=score,
        included=included, spread=spread, contested=np.nan_to_num(spread, nan=0.0) > limit)
    return out, pair


def _composites(fac: pd.DataFrame, pair: np.ndarray, weights: pd.DataFrame, rubric: RubricLike,
                n_s: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps 5 and 6: normalised weights and contributions per factor row; composite and
    coverage per pair (pairs in the order they first appear in ``weights``), from (pairs ×
    factors) matrices (``steps.composites``)."""
    rows_of_pair = np.bincount(pair)
    first = np.full(len(rows_of_pair), len(pair))
    np.minimum.at(first, pair, np.arange(len(pair)))  # each pair's first row
    pairs = np.flatnonzero(rows_of_pair)
    first = first[pairs]
    order = pairs[np.argsort(first, kind="stable")]  # pairs as they come
    row_of = np.full(len(rows_of_pair), -1, dtype=np.int64)
    row_of[order] = np.arange(len(order))
    rows, slot = row_of[pair], codes(fac["factor"])
    shape = (len(order), len(rubric.factors))

    def matrix(column: str, fill: float | bool) -> np.ndarray:
        out = np.full(shape, fill, dtype=type(fill))
        out[rows, slot] = fac[column].to_numpy()
        return out

    weight, score = matrix("weight", 0.0), matrix("score", np.nan)
    included = matrix("included", False)
    total, normalised, contribution, composite = composites(weight, score, included,
                                                            rubric.composite,
                                                            float(rubric.intercept),
                                                            (rubric.scale.lo, rubric.scale.hi))
    fac = _joined(fac, included_weight_total=total[rows],
                  normalised_weight=normalised[rows, slot],
                  contribution=contribution[rows, slot])
    first_rows = np.sort(first)
    # Coverage counts a points composite's coefficients by their size, whatever their sign.
    weight = np.abs(weight) if rubric.composite == "points" else weight
    scen = pd.DataFrame({
        **{column: pd.Categorical.from_codes(codes(weights[column])[first_rows],
                                             categories=weights[column].cat.categories)
           for column in ("case", "scenario")},
        "composite": composite,
        "weight_with_evidence": sum_rows(np.where(matrix("has_sourced_evidence", False),
                                                  weight, 0.0)),
        "weight_total": sum_rows(weight),
        "factors_included": included.sum(axis=1).astype(np.int64),
    })
    _check_evidence(scen)
    scen["coverage"] = scen["weight_with_evidence"] / scen["weight_total"]
    return scen, fac


def _check_evidence(scen: pd.DataFrame) -> None:
    """Raise NoEvidence naming the pairs that have no composite (one case: its scenarios)."""
    empty = scen[scen["factors_included"] == 0]
    if empty.empty:
        return
    if scen["case"].nunique() == 1:
        where = "scenario " + ", ".join(empty["scenario"].astype(str).tolist())
    else:
        names = [f"{c} {s}" for c, s in zip(empty["case"].astype(str)[:10],
                                             empty["scenario"].astype(str)[:10], strict=True)]
        more = f" and {len(empty) - 10} more" if len(empty) > 10 else ""
        where = f"case and scenario {', '.join(names)}{more}"
    raise NoEvidence(f"{where}: no factor has evidence or an imputed score, so there is no "
                     "composite to compute")


def _judge(fac: pd.DataFrame, scen: pd.DataFrame, rubric: RubricLike,
           overrides: dict[tuple[str, str], Sequence[OverrideLike]], n_f: int
           ) -> tuple[pd.DataFrame, pd.DataFrame, Judged]:
    """Step 7 on every pair; the band and change against base are the final ones."""
    n_s = len(scen["scenario"].cat.categories)
    scen_pair = codes(scen["case"]) * n_s + codes(scen["scenario"])
    row_of = np.full(len(scen["case"].cat.categories) * n_s, -1, dtype=np.int64)
    row_of[scen_pair] = np.arange(len(scen))
    rows = row_of[codes(fac["case"]) * n_s + codes(fac["scenario"])]
    slot = codes(fac["factor"])
    score = np.full((len(scen), n_f), np.nan)
    included = np.zeros((len(scen), n_f), dtype=bool)
    score[rows, slot] = fac["score"].to_numpy(dtype=float)
    included[rows, slot] = fac["included"].to_numpy(dtype=bool)
    by_row: dict[int, Sequence[OverrideLike]] = {}
    if overrides:  # few pairs carry overrides: find their rows by name
        cats = {c: k for k, c in enumerate(scen["case"].cat.categories)}
        scats = {c: k for k, c in enumerate(scen["scenario"].cat.categories)}
        for (case, scenario), ovs in overrides.items():
            if ovs and case in cats and scenario in scats:
                row = int(row_of[cats[case] * n_s + scats[scenario]])
                if row >= 0:
                    by_row[row] = ovs
    judged = judge(rubric, scen["composite"].to_numpy(dtype=float), score, included,
                   scen["coverage"].to_numpy(dtype=float), by_row)
    case_code = codes(scen["case"])
    categories = list(scen["scenario"].cat.categories)
    is_base = codes(scen["scenario"]) == (categories.index(BASE) if BASE in categories else -1)
    base = np.full(len(scen["case"].cat.categories), np.nan)  # NaN where a case has no base
    base[case_code[is_base]] = judged.final[is_base]
    scen = _joined(scen, indicated=scen["composite"].to_numpy(), composite=judged.final,
                   band=judged.band, insufficient=judged.insufficient,
                   change_vs_base=judged.final - base[case_code])
    return fac, scen, judged


def frames_of(frames: Frames, case: str) -> Frames:
    """The frames of one case of ``frames`` (a view for its trace and pages; nothing is
    scored again), with ``case`` categories of that case alone."""
    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return frame
        col = frame["case"]
        out = frame[(col == case).to_numpy()].reset_index(drop=True)
        if isinstance(col.dtype, pd.CategoricalDtype):
            out["case"] = pd.Categorical([case] * len(out), categories=[case])
        return out

    rows = np.flatnonzero((frames.scenarios["case"] == case).to_numpy())
    j = frames.judged
    judged = Judged(*(np.asarray(a)[rows] for a in (
        j.final, j.natural, j.band, j.insufficient, j.fired, j.gate_before, j.gate_after,
        j.override_before, j.override_after)))
    return Frames(mine(frames.items), mine(frames.factors), mine(frames.scenarios),
                  mine(frames.drops), judged)
