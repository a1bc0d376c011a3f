"""How robust is a band? Break-evens, points at stake per item, and a tornado.

Pure functions over a scored result's frames. For a ``weighted_mean`` composite
``C = Σ n_f F_f`` (``n_f`` the normalised weights of the included factors), and a band
boundary ``B``:

* factor-score break-even: ``ΔF_f = (B − C) / n_f`` (``weighted_sum``: ``(B − C) / W_f``);
* weight break-even: the weight ``W'_f`` at which ``C = B`` with the other weights fixed:
  ``W'_f = (B·S_W − S_WF) / (F_f − B)`` where ``S_W = Σ_{g≠f} W_g``, ``S_WF = Σ_{g≠f} W_g F_g``
  (``weighted_sum``: ``W'_f = W_f + (B − C) / F_f``); none when no positive weight reaches B;
* points at stake for item i: ``C − C_without_i`` (the composite with the item dropped);
* tornado: the composite with each factor's weight moved by ±``weight_step`` (renormalised)
  and its score by ± one band width (clamped to the scale), sorted by swing.

Break-evens move one thing at a time and do not re-apply gates or overrides: they describe
the indicated composite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formats.models import Impute, Rubric
from ..method.judge import band_of
from ..method.steps import composites, counted, factor_scores, sum_rows

WEIGHT_STEP = 0.2  # tornado: weights moved by ±20 %


@dataclass(frozen=True)
class BreakEven:
    factor: str
    direction: str  # "up" (to the next band above) or "down"
    boundary: float
    target_band: str
    score_change: float | None  # ΔF_f; None when F_f would leave the scale
    score_needed: float | None  # F_f + ΔF_f
    weight_needed: float | None  # W'_f; None when no positive weight reaches the boundary
    n: float  # the factor's normalised weight (weighted_sum: its weight)
    unbounded_change: float  # (B − C) / n, whether or not it stays on the scale


@dataclass(frozen=True)
class ItemStake:
    item: str
    factor: str
    composite_without: float | None  # None when no factor would be left
    at_stake: float | None  # C − C_without


@dataclass(frozen=True)
class TornadoBar:
    factor: str
    kind: str  # "weight" or "score"
    low: float  # composite at the low setting
    high: float  # composite at the high setting
    low_setting: float
    high_setting: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


@dataclass(frozen=True)
class ScenarioSensitivity:
    scenario: str
    composite: float
    band: str
    band_low: float
    band_high: float
    break_evens: tuple[BreakEven, ...]
    stakes: tuple[ItemStake, ...]
    tornado: tuple[TornadoBar, ...]


def _composite(weights: pd.Series, scores: pd.Series, rubric: Rubric) -> float:
    """The composite of the included factors' weights and scores (the method's own step)."""
    return float(_composites(weights.to_numpy(dtype=float)[None, :],
                             scores.to_numpy(dtype=float)[None, :], rubric)[0])


def _composites(w: np.ndarray, s: np.ndarray, rubric: Rubric) -> np.ndarray:
    """Composites of (variants × factors) matrices of weights and scores; a weight of 0
    leaves its factor out (a points composite's coefficients may be below 0)."""
    included = w != 0 if rubric.composite == "points" else w > 0
    return composites(w, s, included, rubric.composite, float(rubric.intercept),
                      (rubric.scale.lo, rubric.scale.hi))[3]


def _boundaries(rubric: Rubric, c: float) -> tuple[float, float, str | None, str | None, str]:
    names = [b.name for b in rubric.bands]
    band = str(band_of(np.array([c]), rubric)[0])
    k = names.index(band)
    edges = rubric.bands[k]
    lo = -math.inf if edges.min is None else float(edges.min)
    hi = math.inf if edges.max is None else float(edges.max)
    up = names[k + 1] if k + 1 < len(names) else None
    down = names[k - 1] if k > 0 else None
    return lo, hi, up, down, band


def break_evens(rubric: Rubric, weights: pd.Series, scores: pd.Series) -> tuple[BreakEven, ...]:
    """Break-evens of every included factor toward the band above and the band below."""
    method = rubric.composite
    c = _composite(weights, scores, rubric)
    lo, hi, up, down, _ = _boundaries(rubric, c)
    smin, smax = rubric.scale.lo, rubric.scale.hi
    total_w = float(weights.sum())
    total_wf = float((weights * scores).sum())
    rows = list(zip([str(f) for f in weights.index], weights.to_numpy(dtype=float).tolist(),
                    scores.to_numpy(dtype=float).tolist(), strict=True))
    out = []
    for direction, boundary, target in (("up", hi, up), ("down", lo, down)):
        if target is None:
            continue
        for f, w, fs in rows:
            n = w if method != "weighted_mean" else w / total_w
            # a weight so small that its share is 0 (5e-324 of 3): no score change moves C
            delta = (boundary - c) / n if n != 0 else math.copysign(math.inf, boundary - c)
            needed = fs + delta
            ok = math.isfinite(needed) and smin <= needed <= smax
            if method != "weighted_mean":
                wn = w + (boundary - c) / fs if fs != 0 else None
            else:
                sw, swf = total_w - w, total_wf - w * fs
                wn = (boundary * sw - swf) / (fs - boundary) if fs != boundary else None
            out.append(BreakEven(f, direction, boundary, target, delta if ok else None,
                                 needed if ok else None,
                                 wn if wn is not None and wn > 0 else None, n, delta))
    return tuple(out)


def _leave_one_out(values: np.ndarray, live: np.ndarray, sign: float) -> np.ndarray:
    """For each row, the largest of ``sign * value`` over the other live rows (-inf: none)."""
    value = np.where(live, sign * values, -np.inf)
    order = np.argsort(-value, kind="stable")
    best = value[order[0]] if len(value) else -np.inf
    second = value[order[1]] if len(value) > 1 else -np.inf
    # Leaving out the only row holding the best leaves the second best; any other row, the best.
    alone = live & (value == best) & (np.count_nonzero(value == best) == 1)
    return np.where(alone, second, best)


def _factor_without(w: np.ndarray, r: np.ndarray, aggregation: str) -> np.ndarray:
    """Each item's factor score with that item left out (NaN when nothing would be left),
    for all items of a factor at once (relative weights ``w``, risk values ``r``): the
    method's own factor-score step (``steps.factor_scores``) on the group's sums less the
    item's own terms and on the extremes of the other items."""
    live = counted(w)
    highest = _leave_one_out(r, live, 1.0)
    lowest = -_leave_one_out(r, live, -1.0)
    with np.errstate(invalid="ignore"):
        highest = np.where(np.isfinite(highest), highest, np.nan)
        lowest = np.where(np.isfinite(lowest), lowest, np.nan)
    total_w = sum_rows(w[None, :])[0]
    total_wr = sum_rows((w * r)[None, :])[0]
    score, has, _, _ = factor_scores(total_wr - w * r, total_w - w, lowest, highest,
                                     np.array(aggregation, dtype=object), np.array(np.nan))
    return np.asarray(np.where(has, score, np.nan), dtype=float)


def item_stakes(rubric: Rubric, items: pd.DataFrame, weights: pd.Series, scores: pd.Series,
                rows: np.ndarray | None = None) -> tuple[ItemStake, ...]:
    """Points of composite each item of a scenario (the ``rows`` of ``items``; all of them
    when None) holds up: the composite of the included factors' ``weights`` and ``scores``
    with and without it (one matrix of every item's variant: its factor's score with the
    item left out)."""
    c = _composite(weights, scores, rubric)
    spec = {f.id: f for f in rubric.factors}
    w0, s0 = weights.to_numpy(dtype=float), scores.to_numpy(dtype=float)
    names = [str(f) for f in scores.index]
    pick = slice(None) if rows is None else rows
    ids = np.array([str(i) for i in items["item"].to_numpy(dtype=object)[pick]], dtype=object)
    fids = np.array([str(f) for f in items["factor"].to_numpy(dtype=object)[pick]],
                    dtype=object)
    w_all = items["relative_weight"].to_numpy(dtype=float)[pick]
    r_all = items["risk_value"].to_numpy(dtype=float)[pick]
    out: list[ItemStake] = []
    varied: list[tuple[str, str]] = []  # (item, factor) of each variant: items whose factor counts
    column: list[np.ndarray] = []  # each variant's factor (its column) ...
    score: list[np.ndarray] = []  # ... and that factor's score without the item
    for fid in dict.fromkeys(fids.tolist()):
        mine = np.flatnonzero(fids == fid)
        if fid not in names:
            # the factor has no weight in the composite: its items hold up nothing
            out.extend(ItemStake(i, fid, c, 0.0) for i in ids[mine].tolist())
            continue
        without = _factor_without(w_all[mine], r_all[mine], spec[fid].aggregation)
        missing = spec[fid].missing
        if isinstance(missing, Impute):
            without = np.where(np.isfinite(without), without, float(missing.impute))
        varied += [(i, fid) for i in ids[mine].tolist()]
        column.append(np.full(len(mine), names.index(fid)))
        score.append(without)
    if varied:
        k, without = np.concatenate(column), np.concatenate(score)
        at = np.arange(len(varied))
        s = np.tile(s0, (len(varied), 1))
        w = np.tile(w0, (len(varied), 1))
        gone = ~np.isfinite(without)  # the factor drops out: weights renormalise
        s[at, k] = np.where(gone, 0.0, without)
        w[at, k] = np.where(gone, 0.0, w0[k])
        cw = _composites(w, s, rubric)
        left = np.asarray((w > 0).any(axis=1), dtype=bool)
        out.extend(ItemStake(i, fid, x if ok else None, c - x if ok else None)
                   for (i, fid), x, ok in zip(varied, cw.tolist(), left.tolist(), strict=True))
    return tuple(sorted(out, key=lambda x: (-abs(x.at_stake or 0.0), x.item)))


def tornado(rubric: Rubric, weights: pd.Series, scores: pd.Series, band_width: float,
            step: float = WEIGHT_STEP) -> tuple[TornadoBar, ...]:
    smin, smax = rubric.scale.lo, rubric.scale.hi
    # Four variants per factor (weight low, weight high, score low, score high), one matrix.
    w0, s0 = weights.to_numpy(dtype=float), scores.to_numpy(dtype=float)
    n = len(w0)
    w = np.tile(w0, (4 * n, 1))
    s = np.tile(s0, (4 * n, 1))
    at = np.arange(n)
    lo_w, hi_w = w0 * (1 - step), w0 * (1 + step)
    lo_s, hi_s = np.maximum(smin, s0 - band_width), np.minimum(smax, s0 + band_width)
    w[4 * at, at], w[4 * at + 1, at] = lo_w, hi_w
    s[4 * at + 2, at], s[4 * at + 3, at] = lo_s, hi_s
    c = _composites(w, s, rubric).reshape(n, 4)
    bars = []
    for k, f in enumerate(weights.index):
        bars.append(TornadoBar(str(f), "weight", float(c[k, 0]), float(c[k, 1]),
                               float(lo_w[k]), float(hi_w[k])))
        bars.append(TornadoBar(str(f), "score", float(c[k, 2]), float(c[k, 3]),
                               float(lo_s[k]), float(hi_s[k])))
    return tuple(sorted(bars, key=lambda b: (-b.swing, b.factor, b.kind)))


def analyse(rubric: Rubric, items: pd.DataFrame, factors: pd.DataFrame,
            scenario: str) -> ScenarioSensitivity:
    """Break-evens, item stakes and tornado of one scenario's indicated composite."""
    fac = np.flatnonzero((factors["scenario"].to_numpy(dtype=object) == scenario)
                         & factors["included"].to_numpy(dtype=bool))
    names = pd.Index([str(f) for f in factors["factor"].to_numpy(dtype=object)[fac]],
                     name="factor")
    weights = pd.Series(factors["weight"].to_numpy(dtype=float)[fac], index=names)
    scores = pd.Series(factors["score"].to_numpy(dtype=float)[fac], index=names)
    its = np.flatnonzero(items["scenario"].to_numpy(dtype=object) == scenario)
    c = _composite(weights, scores, rubric)
    lo, hi, _, _, band = _boundaries(rubric, c)
    return ScenarioSensitivity(
        scenario, c, band, lo, hi, break_evens(rubric, weights, scores),
        item_stakes(rubric, items, weights, scores, its),
        tornado(rubric, weights, scores, _width(rubric, lo, hi)))


def _width(rubric: Rubric, lo: float, hi: float) -> float:
    """How far the tornado moves a factor score: the width of the composite's band, or of
    the widest closed band when that band is open (1 when none is closed)."""
    if math.isfinite(hi - lo):
        return hi - lo
    closed = [float(b.max) - float(b.min) for b in rubric.bands
              if b.min is not None and b.max is not None]
    return max(closed, default=1.0)
