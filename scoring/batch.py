"""The scoring method (docs/method.md) for many cases at once, in one vectorised pass.

``engine.py`` scores one case with pandas group-bys over (scenario, factor). Here a whole
universe is scored from the tidy table of ``batch_table.py``: every row gets an integer group
code for its (case, scenario, factor) from the categorical codes, group sums are
``np.bincount`` and group extremes ``np.maximum.at``, and the factor-level arrays are reshaped
to (case x scenario, factor) so that composites and coverage are row sums. There is no loop
over cases. The numbers are the engine's (tests/test_batch.py checks them to 1e-9); batch mode
builds no trace records: reports trace one case at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .batch_judge import judge_batch
from .batch_table import BatchTable
from .engine import NoEvidence
from .models import Impute, Rubric
from .table import BASE
from .weights import item_weights, relative_weights


@dataclass(frozen=True)
class BatchScores:
    """Scores of many cases. ``scenarios``: one row per case and scenario (``case``,
    ``scenario``, ``composite``, ``band``, ``coverage``, ``change_vs_base`` and ``indicated``,
    the composite before gates and overrides). ``factors``: one
    row per case, scenario and factor (``score``, NaN when the factor is excluded; ``weight``;
    ``included``; ``has_sourced_evidence``)."""

    scenarios: pd.DataFrame
    factors: pd.DataFrame


@dataclass(frozen=True)
class _Groups:
    """Per (case, scenario, factor) group sums (of relative weights, weights.py) and
    extremes, flat arrays of n_cs * n_f."""

    total_weight: np.ndarray
    weighted_risk: np.ndarray
    sourced_weight: np.ndarray
    max_risk: np.ndarray
    min_risk: np.ndarray


def _codes(column: pd.Series) -> np.ndarray:
    return np.asarray(column.cat.codes, dtype=np.int64)


def _group_sums(table: BatchTable, n_s: int, n_f: int) -> _Groups:
    """Steps 1 to 3 per row, then the group sums (docs/method.md)."""
    items, rubric = table.items, table.rubric
    g = (_codes(items["case"]) * n_s + _codes(items["scenario"])) * n_f + _codes(items["factor"])
    size = len(table.cases) * n_s * n_f
    weights = item_weights(items["confidence"].to_numpy(dtype=float),
                           items["reliability"].to_numpy(dtype=float),
                           items["age_days"].to_numpy(dtype=float), rubric.half_life_days,
                           rubric.max_age_days, rubric.stale == "exclude")
    # Relative to each group's largest weight: the same means, without underflow (weights.py).
    w = relative_weights(weights, g, size)
    strength = np.array([f.polarity == "strength" for f in rubric.factors])
    lo, hi = float(rubric.scale.min), float(rubric.scale.max)
    score = items["score"].to_numpy()
    r = np.where(strength[_codes(items["factor"])], lo + hi - score, score)
    counted = w > 0  # items with no weight take no part in max/min either
    highest = np.full(size, -np.inf)
    np.maximum.at(highest, g, np.where(counted, r, -np.inf))
    lowest = np.full(size, np.inf)
    np.minimum.at(lowest, g, np.where(counted, r, np.inf))
    sourced = np.where(items["assumption"].to_numpy(), 0.0, w)
    return _Groups(np.bincount(g, w, size), np.bincount(g, w * r, size),
                   np.bincount(g, sourced, size), highest, lowest)


def _factor_scores(groups: _Groups, rubric: Rubric) -> tuple[np.ndarray, np.ndarray]:
    """(score, included) per group, shaped (n_cs, n_f): steps 4 and 5."""
    n_f = len(rubric.factors)
    tw = groups.total_weight.reshape(-1, n_f)
    has = tw > 0
    hi, lo = groups.max_risk.reshape(-1, n_f), groups.min_risk.reshape(-1, n_f)
    with np.errstate(invalid="ignore"):
        mean = groups.weighted_risk.reshape(-1, n_f) / np.where(has, tw, 1.0)
        # Held within its terms' range, as in the engine (a few ulps can fall outside).
        mean = np.where(has, np.clip(mean, lo, hi), np.nan)
    agg = np.array([f.aggregation for f in rubric.factors])
    score = np.where(agg == "max", hi, np.where(agg == "min", lo, mean))
    impute = np.array([float(f.missing.impute) if isinstance(f.missing, Impute) else np.nan
                       for f in rubric.factors])
    score = np.where(has, score, impute)
    return score, np.asarray(has | ~np.isnan(impute))


def _weights(table: BatchTable, n_s: int, n_f: int) -> tuple[np.ndarray, np.ndarray]:
    """(W_f per group shaped (n_cs, n_f), which (case, scenario) pairs exist)."""
    wt = table.weights
    g = (_codes(wt["case"]) * n_s + _codes(wt["scenario"])) * n_f + _codes(wt["factor"])
    size = len(table.cases) * n_s * n_f
    weight = np.zeros(size)
    weight[g] = wt["weight"].to_numpy()
    exists = np.zeros(size, dtype=bool)
    exists[g] = True
    return weight.reshape(-1, n_f), np.asarray(exists.reshape(-1, n_f).any(axis=1))


def score_table(table: BatchTable) -> BatchScores:
    """Score every case and scenario of ``table`` (steps 1 to 9 of docs/method.md)."""
    rubric = table.rubric
    scenarios = list(table.weights["scenario"].cat.categories)
    n_c, n_s, n_f = len(table.cases), len(scenarios), len(rubric.factors)
    groups = _group_sums(table, n_s, n_f)
    score, included = _factor_scores(groups, rubric)
    weight, exists = _weights(table, n_s, n_f)
    incl_w = np.where(included, weight, 0.0)
    total = incl_w.sum(axis=1)
    _check_evidence(table, scenarios, exists & (total == 0))
    if rubric.composite == "weighted_mean":
        safe = np.where(total > 0, total, 1.0)[:, None]
        contribution = np.where(included, weight / safe * score, 0.0)
    else:
        contribution = np.where(included, weight * score, 0.0)
    composite = contribution.sum(axis=1)
    if rubric.composite == "weighted_mean":  # held within its terms' range, as in the engine
        lowest = np.where(included, score, np.inf).min(axis=1)
        highest = np.where(included, score, -np.inf).max(axis=1)
        composite = np.where(exists, np.clip(composite, lowest, highest), np.nan)
    sourced = groups.sourced_weight.reshape(-1, n_f) > 0
    cases = table.cases["case"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(sourced, weight, 0.0).sum(axis=1) / weight.sum(axis=1)
    overrides = {int(k): table.overrides[(str(cases[k // n_s]), scenarios[k % n_s])]
                 for k in np.flatnonzero(exists)
                 if (str(cases[k // n_s]), scenarios[k % n_s]) in table.overrides}
    final, band = judge_batch(rubric, composite, score, included, coverage, overrides)
    base = final.reshape(n_c, n_s)[:, scenarios.index(BASE)]
    change = final - np.repeat(base, n_s)
    return BatchScores(
        _scenario_frame(table, scenarios, exists, composite, final, band, coverage, change),
        _factor_frame(table, scenarios, exists, score, included, weight, sourced))


def _check_evidence(table: BatchTable, scenarios: list[str], empty: np.ndarray) -> None:
    """Raise NoEvidence naming the (case, scenario) pairs that have no composite."""
    if not empty.any():
        return
    where = np.flatnonzero(empty)
    cases = table.cases["case"].to_numpy()
    names = [f"{cases[k // len(scenarios)]} {scenarios[k % len(scenarios)]}" for k in where[:10]]
    more = f" and {len(where) - 10} more" if len(where) > 10 else ""
    raise NoEvidence(f"case and scenario {', '.join(names)}{more}: no factor has evidence or an "
                     "imputed score, so there is no composite to compute")


def _pairs(table: BatchTable, scenarios: list[str], repeat: int = 1) -> tuple[Any, Any]:
    """(case, scenario) columns of every pair, case-major, each pair ``repeat`` times."""
    n_c, n_s = len(table.cases), len(scenarios)
    cases = pd.Categorical.from_codes(np.repeat(np.arange(n_c), n_s * repeat),
                                      categories=table.items["case"].cat.categories)
    scen = pd.Categorical.from_codes(np.tile(np.repeat(np.arange(n_s), repeat), n_c),
                                     categories=pd.Index(scenarios))
    return cases, scen


def _scenario_frame(table: BatchTable, scenarios: list[str], exists: np.ndarray,
                    indicated: np.ndarray, final: np.ndarray, band: np.ndarray,
                    coverage: np.ndarray, change: np.ndarray) -> pd.DataFrame:
    cases, scen = _pairs(table, scenarios)
    out = pd.DataFrame({"case": cases, "scenario": scen, "composite": final, "band": band,
                        "coverage": coverage, "change_vs_base": change,
                        "indicated": indicated})
    return out[exists].reset_index(drop=True)


def _factor_frame(table: BatchTable, scenarios: list[str], exists: np.ndarray,
                  score: np.ndarray, included: np.ndarray, weight: np.ndarray,
                  sourced: np.ndarray) -> pd.DataFrame:
    n_f = len(table.rubric.factors)
    cases, scen = _pairs(table, scenarios, n_f)
    keep = np.repeat(exists, n_f)
    factors = pd.Categorical.from_codes(np.tile(np.arange(n_f), len(exists)),
                                        categories=pd.Index([f.id for f in table.rubric.factors]))
    out = pd.DataFrame({
        "case": cases, "scenario": scen, "factor": factors,
        "score": np.where(included, score, np.nan).ravel(), "weight": weight.ravel(),
        "included": included.ravel(), "has_sourced_evidence": sourced.ravel(),
    })
    return out[keep].reset_index(drop=True)
