"""Monte Carlo over the evidence: how likely is each band, given what we are unsure of?

Each draw perturbs every item's risk value by a normal error whose standard deviation
follows from the item's confidence, ``sd_i = (1 − confidence_i) × max_sd`` (clipped to the
scale), and optionally draws each factor's weight uniformly within a range. Factor scores
and composites are then recomputed for all draws at once (numpy, no per-draw loop). Seeded:
the same inputs and seed give the same numbers. With every confidence at 1 and no weight
ranges, every draw equals the point score.

Effective weights (confidence × reliability × decay) are not drawn: they say how much an
item counts, not how wrong it may be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formats.models import Impute, Rubric
from ..method.judge import band_of

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20260309
MAX_SD_SHARE = 0.25  # max_sd = 25 % of the scale's range when the rubric sets none
BLOCK_VALUES = 1 << 21  # item values drawn at once (16 MiB of float64)


@dataclass(frozen=True)
class Simulation:
    scenario: str
    draws: int
    seed: int
    max_sd: float
    p05: float
    p50: float
    p95: float
    mean: float
    band_probability: tuple[tuple[str, float], ...]  # in the rubric's band order

    def probability(self, band: str) -> float:
        return dict(self.band_probability)[band]


def _factor_scores(r: np.ndarray, w: np.ndarray, codes: np.ndarray, n_factors: int,
                   aggregation: list[str]) -> np.ndarray:
    """(draws × factors) factor scores; NaN where a factor has no weight."""
    draws = r.shape[0]
    out = np.full((draws, n_factors), np.nan)
    # Sums by numpy's own reductions, not a matrix product: BLAS may sum in a different order
    # on another CPU or release, and the report must be byte-identical everywhere.
    wsum = np.bincount(codes, weights=w, minlength=n_factors)
    for k in range(n_factors):
        if wsum[k] <= 0:
            continue
        if aggregation[k] == "weighted_mean":
            member = codes == k
            out[:, k] = (r[:, member] * w[member]).sum(axis=1) / wsum[k]
        else:
            cols = r[:, (codes == k) & (w > 0)]
            out[:, k] = cols.max(axis=1) if aggregation[k] == "max" else cols.min(axis=1)
    return out


def simulate(rubric: Rubric, items: pd.DataFrame, factors: pd.DataFrame, scenario: str,
             draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
             weight_ranges: dict[str, tuple[float, float]] | None = None,
             max_sd: float | None = None) -> Simulation:
    """Simulate one scenario's indicated composite ``draws`` times."""
    lo, hi = float(rubric.scale.min), float(rubric.scale.max)
    sd_max = (hi - lo) * MAX_SD_SHARE if max_sd is None else max_sd
    its = items[items["scenario"] == scenario]
    fac = factors[factors["scenario"] == scenario].set_index("factor")
    order = [f.id for f in rubric.factors]
    codes = its["factor"].map({f: k for k, f in enumerate(order)}).to_numpy(dtype=int)
    w = its["relative_weight"].to_numpy(dtype=float)
    r0 = its["risk_value"].to_numpy(dtype=float)
    sd = (1.0 - its["confidence"].to_numpy(dtype=float)) * sd_max
    rng = np.random.default_rng(seed)
    aggregation: list[str] = [f.aggregation for f in rubric.factors]
    # Draws in blocks of at most BLOCK_VALUES item values, so that memory stays proportional
    # to the case, not to draws × items; the generator yields the same numbers in the same
    # order as one (draws × items) call would.
    block = max(1, BLOCK_VALUES // max(1, len(r0)))
    scores = np.concatenate([
        _factor_scores(np.clip(r0 + rng.standard_normal((min(block, draws - start), len(r0)))
                               * sd, lo, hi), w, codes, len(order), aggregation)
        for start in range(0, draws, block)])
    for k, f in enumerate(rubric.factors):
        if isinstance(f.missing, Impute):
            scores[:, k] = np.where(np.isnan(scores[:, k]), float(f.missing.impute), scores[:, k])
    weights = np.tile(fac.loc[order, "weight"].to_numpy(dtype=float), (draws, 1))
    for k, fid in enumerate(order):
        if weight_ranges and fid in weight_ranges:
            a, b = weight_ranges[fid]
            weights[:, k] = rng.uniform(a, b, draws)
    included = ~np.isnan(scores)
    weights = np.where(included, weights, 0.0)
    terms = np.where(included, weights * np.nan_to_num(scores), 0.0)
    if rubric.composite == "weighted_sum":
        composite = terms.sum(axis=1)
    else:
        composite = terms.sum(axis=1) / weights.sum(axis=1)
    bands = band_of(composite, rubric.bands)
    names = [b.name for b in rubric.bands]
    counts = pd.Series(bands).value_counts()
    probs = tuple((n, float(counts.get(n, 0)) / draws) for n in names)
    p05, p50, p95 = np.percentile(composite, [5, 50, 95])
    return Simulation(scenario, draws, seed, sd_max, float(p05), float(p50), float(p95),
                      float(composite.mean()), probs)
