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

from ..formats.models import Rubric
from ..method.judge import band_index
from ..method.steps import RowSums, add_terms, composites, counted, factor_scores, sum_rows

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20260309
MAX_SD_SHARE = 0.25  # max_sd = 25 % of the scale's range when the rubric sets none
BLOCK_VALUES = 1 << 21  # item values drawn at once (16 MiB of float64) ...
MIN_BLOCK_DRAWS = 256  # ... or this many draws at once, whichever is more (block_draws)
CHUNK_VALUES = 1 << 20  # item values copied out of a block at a time (8 MiB)


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


class DrawBuffer:
    """Memory the normal draws are written into, reused from one simulation to the next:
    mapping fresh memory for a (draws × items) block costs about a third of drawing it.
    It remembers what it holds: the scenarios of a case with as many items draw the very
    same numbers (the same seed, the same shape), drawn once."""

    def __init__(self) -> None:
        self._values = np.empty(0)
        self._holds: tuple[int, int, int] | None = None  # (seed, rows, columns) drawn first

    def take(self, rows: int, columns: int) -> np.ndarray:
        """A (rows × columns) C-contiguous float64 array (its contents are whatever was
        there)."""
        self._holds = None
        if self._values.size < rows * columns:
            self._values = np.empty(rows * columns)
        return self._values[:rows * columns].reshape(rows, columns)

    def first_normals(self, seed: int, rows: int, columns: int) -> np.ndarray:
        """The first (rows × columns) standard normals of a generator seeded with ``seed``
        (``default_rng(seed).standard_normal((rows, columns))``): drawn, or held from the
        last call that drew the same. Read only."""
        if self._holds != (seed, rows, columns):
            out = self.take(rows, columns)
            np.random.default_rng(seed).standard_normal((rows, columns), out=out)
            self._holds = (seed, rows, columns)
        return self._values[:rows * columns].reshape(rows, columns)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column of ids as an array of str (the frames hold them as categories)."""
    return np.array([str(x) for x in frame[name].to_numpy(dtype=object)], dtype=object)


def _sums(z: np.ndarray, r0: np.ndarray, sd: np.ndarray, lo: float, hi: float, w: np.ndarray,
          members: list[np.ndarray], live: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per draw and factor: Σ w·r, Σ w, and the lowest and highest risk value of the items
    with weight (the group sums of the method, item by item in table order), where each
    draw's risk values are ``r0 + z·sd`` clipped to [lo, hi]. ``members[k]``: the columns
    of factor ``k``'s items, in table order; ``live``: which items are counted.

    A factor's items are taken a slice at a time (at most CHUNK_VALUES values copied out of
    ``z``), the sums going on from one slice to the next: the same arithmetic, item by item,
    as all the items at once."""
    n_factors, draws = len(members), z.shape[0]
    weighted = np.zeros((n_factors, draws))
    total = np.zeros(n_factors)
    lowest, highest = np.full((n_factors, draws), np.nan), np.full((n_factors, draws), np.nan)
    step = max(1, CHUNK_VALUES // max(1, draws))
    for k, member in enumerate(members):
        if not len(member):
            continue
        taking_part = live[member]
        wk = w[member]
        total[k] = sum_rows(wk[None, :])[0]
        sums: RowSums | None = None
        seen = False  # whether a counted item has been met yet (its extremes start there)
        for a in range(0, len(member), step):
            cols = member[a:a + step]
            # one contiguous row of draws per item, computed in place
            r = z.T[cols]
            np.multiply(r, sd[cols, None], out=r)
            np.add(r, r0[cols, None], out=r)
            np.clip(r, lo, hi, out=r)
            part = taking_part[a:a + step]
            if part.any():
                counted_rows = r if part.all() else r[part]
                if seen:
                    np.minimum(lowest[k], counted_rows.min(axis=0), out=lowest[k])
                    np.maximum(highest[k], counted_rows.max(axis=0), out=highest[k])
                else:
                    np.min(counted_rows, axis=0, out=lowest[k])
                    np.max(counted_rows, axis=0, out=highest[k])
                    seen = True
            np.multiply(r, wk[a:a + step, None], out=r)
            sums = add_terms(r, sums)  # (items × draws): each row the next term of every draw
        assert sums is not None
        weighted[k] = sums[0]
    return weighted.T, np.broadcast_to(total, (draws, n_factors)), lowest.T, highest.T


def block_draws(draws: int, items: int) -> int:
    """How many draws are simulated at once for ``items`` item values per draw: all of them
    where they fit in BLOCK_VALUES values, else as many as fit but never fewer than
    MIN_BLOCK_DRAWS. The sums run item by item over a block's draws: blocks that shrank
    with the case would make that (draws / block) × items steps, quadratic in the items;
    with at least MIN_BLOCK_DRAWS draws a step, it is linear, and the memory of a block
    (MIN_BLOCK_DRAWS × 8 bytes an item) proportional to the case."""
    return max(1, min(draws, max(BLOCK_VALUES // max(1, items), MIN_BLOCK_DRAWS)))


def simulate(rubric: Rubric, items: pd.DataFrame, factors: pd.DataFrame, scenario: str,
             draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
             weight_ranges: dict[str, tuple[float, float]] | None = None,
             max_sd: float | None = None, buffer: DrawBuffer | None = None) -> Simulation:
    """Simulate one scenario's indicated composite ``draws`` times: each draw's factor scores
    and composite come from the method's own steps (``method/steps.py``). ``buffer``: where
    the draws are written, to reuse across the simulations of a case."""
    return simulate_scenarios(rubric, items, factors, [scenario], draws, seed, weight_ranges,
                              max_sd, buffer)[scenario]


@dataclass
class _Drawn:
    """One scenario's items as the draws read them, and its factor scores as drawn."""

    r0: np.ndarray  # risk values
    sd: np.ndarray  # standard deviations
    w: np.ndarray  # relative weights
    live: np.ndarray  # counted items
    members: list[np.ndarray]  # each factor's columns
    scores: np.ndarray  # (draws × factors), each factor's draws contiguous
    included: np.ndarray


def simulate_scenarios(rubric: Rubric, items: pd.DataFrame, factors: pd.DataFrame,
                       scenarios: list[str], draws: int = DEFAULT_DRAWS,
                       seed: int = DEFAULT_SEED,
                       weight_ranges: dict[str, tuple[float, float]] | None = None,
                       max_sd: float | None = None, buffer: DrawBuffer | None = None
                       ) -> dict[str, Simulation]:
    """:func:`simulate` of each of ``scenarios``. Every scenario draws from the same seed, so
    those with as many items draw the very same numbers: they are simulated together, each
    block of normals drawn once for all of them."""
    lo, hi = rubric.scale.lo, rubric.scale.hi
    # an open scale has no width to take a share of: its rubric sets uncertainty_max_sd
    # (checks.check_rubric)
    sd_max = (hi - lo) * MAX_SD_SHARE if max_sd is None else max_sd
    order = [f.id for f in rubric.factors]
    code = {f: k for k, f in enumerate(order)}
    in_scenario, factor = _column(items, "scenario"), _column(items, "factor")
    aggregation = np.array([f.aggregation for f in rubric.factors], dtype=object)
    impute = np.array([np.nan if f.impute is None else f.impute for f in rubric.factors])
    drawn: dict[str, _Drawn] = {}
    for sc in scenarios:
        its = in_scenario == sc
        codes = np.array([code[f] for f in factor[its]], dtype=int)
        w = items["relative_weight"].to_numpy(dtype=float)[its]
        drawn[sc] = _Drawn(items["risk_value"].to_numpy(dtype=float)[its],
                           (1.0 - items["confidence"].to_numpy(dtype=float)[its]) * sd_max,
                           w, counted(w), [np.flatnonzero(codes == k) for k in range(len(order))],
                           np.empty((len(order), draws)).T,
                           np.empty((len(order), draws), dtype=bool).T)
    by_size: dict[int, list[_Drawn]] = {}
    for d in drawn.values():
        by_size.setdefault(len(d.r0), []).append(d)
    buffer = buffer or DrawBuffer()
    ranged: dict[int, dict[str, np.ndarray]] = {}  # each size's drawn weights, by factor

    def score(z: np.ndarray, at: slice, group: list[_Drawn]) -> None:
        for d in group:
            part = factor_scores(*_sums(z, d.r0, d.sd, lo, hi, d.w, d.members, d.live),
                                 aggregation, impute)
            d.scores[at], d.included[at] = part[0], part[3]

    for size, group in by_size.items():
        rng = np.random.default_rng(seed)
        # Draws in blocks (block_draws), so that memory stays proportional to the case, not
        # to draws × items; the generator yields the same numbers in the same order as one
        # (draws × items) call would.
        block = block_draws(draws, size)
        if block == draws and not weight_ranges:
            # one block, and the generator is not read again: the numbers another
            # simulation of as many items drew already (the same seed) are these
            score(buffer.first_normals(seed, draws, size), slice(None), group)
        else:
            normal = buffer.take(block, size)
            for start in range(0, draws, block):
                n = min(block, draws - start)
                score(rng.standard_normal((n, size), out=normal[:n]),
                      slice(start, start + n), group)
        # then each factor's weights, in factor order: the same numbers for every scenario
        # of the group, whose generators stand where this one does
        ranged[size] = {fid: rng.uniform(*weight_ranges[fid], draws) for fid in order
                        if weight_ranges and fid in weight_ranges}
    fac, factor_of = _column(factors, "scenario"), _column(factors, "factor")
    weight_of = factors["weight"].to_numpy(dtype=float)
    out = {}
    for sc in scenarios:
        d, mine = drawn[sc], fac == sc
        weight = dict(zip(factor_of[mine], weight_of[mine], strict=True))
        weights = np.empty((len(order), draws)).T
        weights[:] = [weight[f] for f in order]
        for k, fid in enumerate(order):
            if fid in ranged[len(d.r0)]:
                weights[:, k] = ranged[len(d.r0)][fid]
        composite = composites(weights, d.scores, d.included, rubric.composite,
                               float(rubric.intercept), (lo, hi))[3]
        counts = np.bincount(band_index(composite, rubric), minlength=len(rubric.bands))
        probs = tuple((b.name, float(c) / draws)
                      for b, c in zip(rubric.bands, counts, strict=True))
        p05, p50, p95 = np.percentile(composite, [5, 50, 95])
        out[sc] = Simulation(sc, draws, seed, sd_max, float(p05), float(p50), float(p95),
                             float(composite.mean()), probs)
    return out
