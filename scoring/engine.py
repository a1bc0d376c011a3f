"""The scoring method (docs/method.md), as group-wise numpy/pandas arithmetic.

Pure: takes the tidy tables from ``table.py`` and the rubric, returns frames. No file I/O, no
click, no jinja2. All arithmetic is float64; nothing is rounded here.

Per scenario s, item i of factor f, with the rubric's scale [lo, hi]:

1. ``decay_i = 0.5 ** (age_i / half_life_days)`` (1 when the rubric sets no half-life)
   ``effective_weight_i = confidence_i * reliability_i * decay_i``
2. ``risk_value_i = score_i`` (polarity risk) or ``lo + hi - score_i`` (polarity strength)
3. ``factor score F_f = sum(w_i * r_i) / sum(w_i)`` (or max / min of r_i)
4. ``composite C = sum(W_f * F_f) / sum(W_f)`` over included factors (weighted_mean), or
   ``sum(W_f * F_f)`` (weighted_sum); ``contribution c_f`` is the summand, so sum(c_f) = C.
5. band of C; ``coverage = sum(W_f with sourced evidence) / sum(W_f all)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ScoringError
from .models import Band, Impute, Rubric
from .table import Tables
from .weights import item_weights, relative_weights

INSUFFICIENT = "Insufficient evidence"


class NoEvidence(ScoringError):
    """A scenario has no factor with evidence (or an imputed score) to build a composite from."""

    slug = "no-evidence"


@dataclass(frozen=True)
class Frames:
    """Every number of a scored case, one frame per level. Columns are documented in
    docs/method.md; names match the trace ids."""

    items: pd.DataFrame
    factors: pd.DataFrame
    scenarios: pd.DataFrame
    drops: pd.DataFrame


def band_of(values: np.ndarray, bands: list[Band]) -> np.ndarray:
    """Band name for each value. A band holds [min, max); the last band also holds its max."""
    starts = np.array([b.min for b in bands[1:]], dtype=float)
    idx = np.searchsorted(starts, values, side="right")
    names = np.array([b.name for b in bands], dtype=object)
    return np.asarray(names[idx])


def score_items(items: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Add decay, effective_weight, relative_weight, risk_value and share columns
    (vectorised)."""
    out = items.copy()
    groups = out.groupby(["scenario", "factor"], sort=False).ngroup().to_numpy()
    w = item_weights(out["confidence"].to_numpy(dtype=float),
                     out["reliability"].to_numpy(dtype=float),
                     out["age_days"].to_numpy(dtype=float), rubric.half_life_days,
                     rubric.max_age_days, rubric.stale == "exclude")
    out["decay"] = w.decay
    out["stale"] = w.stale
    # Stale items count for nothing when the rubric says so; otherwise they are only flagged.
    out["kept"] = w.kept
    out["effective_weight"] = w.effective_weight
    out["relative_weight"] = relative_weights(w, groups, int(groups.max(initial=-1)) + 1)
    polarity = {f.id: f.polarity for f in rubric.factors}
    strength = out["factor"].map(polarity).eq("strength").to_numpy()
    lo, hi = float(rubric.scale.min), float(rubric.scale.max)
    score = out["score"].to_numpy(dtype=float)
    out["risk_value"] = np.where(strength, lo + hi - score, score)
    out["weighted_risk"] = out["relative_weight"] * out["risk_value"]
    # Items with no weight (confidence 0) take no part in max/min either.
    out["counted_risk"] = out["risk_value"].where(out["relative_weight"] > 0)
    out["sourced_weight"] = out["relative_weight"].where(~out["assumption"].astype(bool), 0.0)
    totals = out.groupby(["scenario", "factor"])["relative_weight"].transform("sum")
    out["share"] = np.where(totals > 0, out["relative_weight"] / totals.where(totals > 0, 1.0),
                            0.0)
    return out


def score_factors(items: pd.DataFrame, weights: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """One row per scenario and factor: aggregated score, whether it had evidence, weights."""
    grouped = items.groupby(["scenario", "factor"], sort=False)
    agg = grouped.agg(
        total_weight=("effective_weight", "sum"),
        relative_total=("relative_weight", "sum"),
        weighted_risk=("weighted_risk", "sum"),
        max_risk=("counted_risk", "max"),
        min_risk=("counted_risk", "min"),
        sourced_weight=("sourced_weight", "sum"),
        n_items=("item", "size"),
    ).reset_index()
    out = weights.merge(agg, on=["scenario", "factor"], how="left")
    out["n_items"] = out["n_items"].fillna(0).astype(int)
    out["total_weight"] = out["total_weight"].fillna(0.0)
    relative_total = out["relative_total"].fillna(0.0)
    out["sourced_weight"] = out["sourced_weight"].fillna(0.0)
    out["has_sourced_evidence"] = out["sourced_weight"] > 0
    aggregation = out["factor"].map({f.id: f.aggregation for f in rubric.factors})
    # Relative weights: the same mean as sum(w·r) / sum(w), without underflow (weights.py).
    mean = out["weighted_risk"] / relative_total.where(relative_total > 0)
    # A weighted mean lies between its smallest and largest term; rounding can put it a few
    # ulps outside (100.00000000000001 from two 100s), so hold it there.
    mean = mean.clip(lower=out["min_risk"], upper=out["max_risk"])
    out["aggregation"] = aggregation
    out["has_evidence"] = relative_total > 0
    score = np.select(
        [aggregation.eq("max"), aggregation.eq("min")],
        [out["max_risk"], out["min_risk"]],
        default=mean,
    )
    impute = out["factor"].map(
        {f.id: float(f.missing.impute) if isinstance(f.missing, Impute) else np.nan
         for f in rubric.factors}
    )
    out["imputed"] = ~out["has_evidence"] & impute.notna()
    out["score"] = np.where(out["has_evidence"], score, impute)
    out["included"] = out["has_evidence"] | out["imputed"]
    spread = out["max_risk"] - out["min_risk"]
    out["spread"] = spread.where(out["has_evidence"])
    limit = np.inf if rubric.contested_spread is None else float(rubric.contested_spread)
    out["contested"] = out["spread"].fillna(0.0) > limit
    return out.drop(columns=["weighted_risk", "relative_total", "max_risk", "min_risk"])


def score_composites(factors: pd.DataFrame, rubric: Rubric,
                     scenario_order: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalised weights and contributions per factor; composite, coverage, band and change
    against the first scenario (base) per scenario."""
    f = factors.copy()
    by = f.groupby("scenario", sort=False)
    included_w = f["weight"].where(f["included"], 0.0)
    f["included_weight_total"] = included_w.groupby(f["scenario"]).transform("sum")
    f["normalised_weight"] = np.where(f["included"],
                                      f["weight"] / f["included_weight_total"].where(
                                          f["included_weight_total"] > 0, 1.0), 0.0)
    if rubric.composite == "weighted_mean":
        f["contribution"] = np.where(f["included"], f["normalised_weight"] * f["score"], 0.0)
    else:
        f["contribution"] = np.where(f["included"], f["weight"] * f["score"], 0.0)
    # Coverage counts sourced evidence only: a factor held up by assumptions alone is scored
    # but is not "covered".
    evidence_w = f["weight"].where(f["has_sourced_evidence"], 0.0)
    lowest = f["score"].where(f["included"]).groupby(f["scenario"], sort=False).min()
    highest = f["score"].where(f["included"]).groupby(f["scenario"], sort=False).max()
    composite = f.groupby("scenario", sort=False)["contribution"].sum()
    if rubric.composite == "weighted_mean":  # same reason as for factor scores
        composite = composite.clip(lower=lowest, upper=highest)
    s = pd.DataFrame({
        "composite": composite,
        "weight_with_evidence": evidence_w.groupby(f["scenario"], sort=False).sum(),
        "weight_total": by["weight"].sum(),
        "factors_included": by["included"].sum(),
    }).reindex(scenario_order)
    empty = s.index[s["factors_included"] == 0].tolist()
    if empty:
        raise NoEvidence(f"scenario {', '.join(empty)}: no factor has evidence or an imputed "
                         "score, so there is no composite to compute")
    s["coverage"] = s["weight_with_evidence"] / s["weight_total"]
    s["change_vs_base"] = s["composite"] - s["composite"].iloc[0]
    s["band"] = band_of(s["composite"].to_numpy(dtype=float), rubric.bands)
    if rubric.min_coverage is not None:
        # A composite built on too little evidence gets no band that looks certain.
        s["band"] = np.where(s["coverage"] < float(rubric.min_coverage), INSUFFICIENT, s["band"])
    return f, s.reset_index(names="scenario")


def run(tables: Tables, rubric: Rubric, scenario_order: list[str]) -> Frames:
    """Score every scenario in the tables."""
    items = score_items(tables.items, rubric)
    factors = score_factors(items, tables.weights, rubric)
    factors, scenarios = score_composites(factors, rubric, scenario_order)
    return Frames(items, factors, scenarios, tables.drops)
