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

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..formats.models import Rubric
from ..method.judge import band_index
from ..method.steps import composites, counted, factor_scores, sum_rows

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


def _sums(r: np.ndarray, w: np.ndarray, codes: np.ndarray, n_factors: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per draw and factor: Σ w·r, Σ w, and the lowest and highest risk value of the items
    with weight (the group sums of the method, item by item in table order)."""
    draws = r.shape[0]
    weighted = np.zeros((draws, n_factors))
    total = np.zeros(n_factors)
    lowest = np.full((draws, n_factors), np.nan)
    highest = np.full((draws, n_factors), np.nan)
    for k in range(n_factors):
        member = codes == k
        weighted[:, k] = sum_rows(r[:, member] * w[member])
        total[k] = sum_rows(w[member][None, :])[0]
        taking_part = member & counted(w)
        if taking_part.any():
            lowest[:, k] = r[:, taking_part].min(axis=1)
            highest[:, k] = r[:, taking_part].max(axis=1)
    return weighted, np.broadcast_to(total, (draws, n_factors)), lowest, highest


def _drawn(rng: np.random.Generator, n: int, r0: np.ndarray, sd: np.ndarray, lo: float,
           hi: float) -> np.ndarray:
    """``n`` draws of the items' risk values: ``clip(r0 + z·sd, lo, hi)``, z standard normal
    (computed in place: the same numbers without two temporary draws × items arrays)."""
    z = rng.standard_normal((n, len(r0)))
    z *= sd
    z += r0
    return np.clip(z, lo, hi, out=z)


@functools.lru_cache(maxsize=1)
def _standard_normals(seed: int, draws: int, n: int) -> tuple[np.ndarray, Mapping[str, Any]]:
    """The first ``draws`` × ``n`` standard normals of a generator seeded with ``seed``
    (read-only) and the generator's state after them. Each scenario seeds its own generator
    with the same seed, so scenarios with as many items draw the same block: it is drawn
    once (and kept until a block of another seed or shape is asked for)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, n))
    z.flags.writeable = False
    return z, rng.bit_generator.state


def simulate(rubric: Rubric, items: pd.DataFrame, factors: pd.DataFrame, scenario: str,
             draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
             weight_ranges: dict[str, tuple[float, float]] | None = None,
             max_sd: float | None = None) -> Simulation:
    """Simulate one scenario's indicated composite ``draws`` times: each draw's factor scores
    and composite come from the method's own steps (``method/steps.py``)."""
    lo, hi = float(rubric.scale.min), float(rubric.scale.max)
    sd_max = (hi - lo) * MAX_SD_SHARE if max_sd is None else max_sd
    order = [f.id for f in rubric.factors]
    slot = {f: k for k, f in enumerate(order)}
    # The scenario's item rows and factor weights, read as arrays (no frames filtered).
    mine = (items["scenario"].astype(str) == scenario).to_numpy()
    codes = np.array([slot[str(f)] for f in items["factor"].to_numpy()[mine]], dtype=int)
    w = items["relative_weight"].to_numpy(dtype=float)[mine]
    r0 = items["risk_value"].to_numpy(dtype=float)[mine]
    sd = (1.0 - items["confidence"].to_numpy(dtype=float)[mine]) * sd_max
    theirs = (factors["scenario"].astype(str) == scenario).to_numpy()
    weight_of = {str(f): x for f, x in zip(factors["factor"].to_numpy()[theirs],
                                           factors["weight"].to_numpy(dtype=float)[theirs],
                                           strict=True)}
    rng = np.random.default_rng(seed)
    aggregation = np.array([f.aggregation for f in rubric.factors], dtype=object)
    impute = np.array([np.nan if f.impute is None else f.impute for f in rubric.factors])
    # Draws in blocks of at most BLOCK_VALUES item values, so that memory stays proportional
    # to the case, not to draws × items; the generator yields the same numbers in the same
    # order as one (draws × items) call would.
    block = max(1, BLOCK_VALUES // max(1, len(r0)))
    if 0 < draws <= block:  # one block: the one every scenario with as many items draws
        z, state = _standard_normals(seed, draws, len(r0))
        rng.bit_generator.state = state  # as if this generator had drawn them
        values = z * sd
        values += r0
        blocks = [np.clip(values, lo, hi, out=values)]
    else:
        blocks = [_drawn(rng, min(block, draws - start), r0, sd, lo, hi)
                  for start in range(0, draws, block)]
    parts = [factor_scores(*_sums(r, w, codes, len(order)), aggregation, impute) for r in blocks]
    scores = np.concatenate([p[0] for p in parts])
    included = np.concatenate([p[3] for p in parts])
    weights = np.tile(np.array([weight_of[f] for f in order]), (draws, 1))
    for k, fid in enumerate(order):
        if weight_ranges and fid in weight_ranges:
            a, b = weight_ranges[fid]
            weights[:, k] = rng.uniform(a, b, draws)
    composite = composites(weights, scores, included, rubric.composite)[3]
    counts = np.bincount(band_index(composite, rubric.bands), minlength=len(rubric.bands))
    probs = tuple((b.name, float(n) / draws) for b, n in zip(rubric.bands, counts, strict=True))
    p05, p50, p95 = np.percentile(composite, [5, 50, 95])
    return Simulation(scenario, draws, seed, sd_max, float(p05), float(p50), float(p95),
                      float(composite.mean()), probs)
