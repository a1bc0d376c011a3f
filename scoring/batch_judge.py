"""Gates, overrides and the coverage floor for many cases at once (docs/method.md).

The same rules as ``gates.apply`` and ``engine.score_composites``: each gate of the rubric, in
order, tests a factor score of every (case, scenario) at once and floors or caps the composite
or the band; the final band is the band of the final composite held within the band floors and
caps (or forced). The rare (case, scenario) pairs that carry analyst overrides are redone one
by one with ``gates.apply`` itself, so that overrides keep their exact single-case meaning.
Then a coverage below the rubric's ``min_coverage`` gives the band "Insufficient evidence".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .engine import INSUFFICIENT, band_of
from .gates import apply
from .models import Override, Rubric


def _gates(rubric: Rubric, composite: np.ndarray, score: np.ndarray,
           included: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(final composite, band index) after the rubric's gates, for every row."""
    names = [b.name for b in rubric.bands]
    factors = [f.id for f in rubric.factors]
    c = composite.copy()
    floor = np.zeros(len(c), dtype=int)
    cap = np.full(len(c), len(names) - 1)
    forced = np.full(len(c), -1)
    for gate in rubric.gates:
        j = factors.index(gate.when.factor)
        fired = included[:, j].copy()
        if gate.when.at_least is not None:
            fired &= score[:, j] >= gate.when.at_least
        if gate.when.at_most is not None:
            fired &= score[:, j] <= gate.when.at_most
        t = gate.then
        if t.composite_at_least is not None:
            c = np.where(fired, np.maximum(c, float(t.composite_at_least)), c)
        if t.composite_at_most is not None:
            c = np.where(fired, np.minimum(c, float(t.composite_at_most)), c)
        if t.band_at_least is not None:
            floor = np.where(fired, np.maximum(floor, names.index(t.band_at_least)), floor)
        if t.band_at_most is not None:
            cap = np.where(fired, np.minimum(cap, names.index(t.band_at_most)), cap)
        if t.band is not None:
            forced = np.where(fired, names.index(t.band), forced)
    natural = np.searchsorted(np.array([b.min for b in rubric.bands[1:]], dtype=float), c,
                              side="right")
    k = np.minimum(np.maximum(natural, floor), cap)
    return c, np.where(forced >= 0, forced, k)


def judge_batch(rubric: Rubric, composite: np.ndarray, score: np.ndarray, included: np.ndarray,
                coverage: np.ndarray, overrides: Mapping[int, Sequence[Override]]
                ) -> tuple[np.ndarray, np.ndarray]:
    """(final composite, band name) of every row; ``overrides`` by row index."""
    if rubric.gates:
        final, k = _gates(rubric, composite, score, included)
        band = np.array([b.name for b in rubric.bands], dtype=object)[k]
    else:
        final, band = composite.copy(), band_of(composite, rubric.bands)
    factors = [f.id for f in rubric.factors]
    for row, ovs in overrides.items():
        scores = {f: (float(score[row, j]) if included[row, j] else None)
                  for j, f in enumerate(factors)}
        j = apply(rubric, float(composite[row]), scores, list(ovs))
        final[row], band[row] = j.final, j.band
    if rubric.min_coverage is not None:
        band = np.where(coverage < float(rubric.min_coverage), INSUFFICIENT, band)
    return final, np.asarray(band)
