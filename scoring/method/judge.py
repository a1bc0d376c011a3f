"""Gates, analyst overrides and the coverage floor: from the indicated composite to the final
composite and band, for every (case, scenario) pair at once (docs/method.md, steps 8 and 9).

Rating committees do not average everything away. After the composite is computed from the
factor scores (the *indicated* composite), the rubric's gates are applied in their order,
then each pair's overrides in theirs:

* a gate fires when its condition holds on a factor score (``at_least`` / ``at_most``, both
  inclusive); it can floor or cap the composite (``composite_at_least`` /
  ``composite_at_most``), floor or cap the band (``band_at_least`` / ``band_at_most``) or
  force one (``band``: a knock-out);
* an override moves the composite by ``points`` (held on the scale) and/or the band by
  ``bands`` steps, with a reason code, an author and a rationale.

The final band is the band of the final composite, held within the band floors and caps,
then forced, then moved by the overrides' band steps; a coverage below ``min_coverage``
gives "Insufficient evidence" instead. Loops run over gates and over override positions,
never over pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .params import BandLike, GateLike, OverrideLike, RubricLike

INSUFFICIENT = "Insufficient evidence"


def band_index(values: np.ndarray, rubric: RubricLike) -> np.ndarray:
    """Index of each value's band. With ``band_edge: min`` (the default) a band holds
    [min, max) and the last band also its max; with ``band_edge: max`` a band holds
    (min, max] and the first band also its min. Beyond the ends of the scale: the first or
    the last band."""
    bands: Sequence[BandLike] = rubric.bands
    starts = np.array([b.min for b in bands[1:]], dtype=float)
    side: Literal["left", "right"] = "left" if rubric.band_edge == "max" else "right"
    return np.searchsorted(starts, values, side=side)


def band_of(values: np.ndarray, rubric: RubricLike) -> np.ndarray:
    """Band name of each value (see :func:`band_index`)."""
    names = np.array([b.name for b in rubric.bands], dtype=object)
    return np.asarray(names[band_index(np.asarray(values, dtype=float), rubric)])


def gate_fires(gate: GateLike, score: np.ndarray, included: np.ndarray) -> np.ndarray:
    """Whether ``gate`` fires for each pair, given its factor's score column (both bounds
    inclusive; a factor without a score never fires a gate)."""
    fired = included.copy()
    if gate.when.at_least is not None:
        fired &= score >= float(gate.when.at_least)
    if gate.when.at_most is not None:
        fired &= score <= float(gate.when.at_most)
    return fired


@dataclass(frozen=True)
class Judged:
    """The judgement of every pair: ``final`` composite, ``natural`` band (of the final
    composite), ``band`` (after band rules, overrides and the coverage floor),
    ``insufficient`` (coverage below min_coverage); per gate, in rubric order, whether it
    ``fired`` and the composite ``before``/``after`` it (pairs × gates); per override
    position, the composite before/after it (pairs × max overrides, NaN where a pair has
    fewer)."""

    final: np.ndarray
    natural: np.ndarray
    band: np.ndarray
    insufficient: np.ndarray
    fired: np.ndarray
    gate_before: np.ndarray
    gate_after: np.ndarray
    override_before: np.ndarray
    override_after: np.ndarray


def judge(rubric: RubricLike, indicated: np.ndarray, score: np.ndarray, included: np.ndarray,
          coverage: np.ndarray, overrides: Mapping[int, Sequence[OverrideLike]]) -> Judged:
    """Gates, then overrides (``overrides``: by pair row), then the coverage floor."""
    names = [b.name for b in rubric.bands]
    factors = [f.id for f in rubric.factors]
    n = len(indicated)
    c = np.asarray(indicated, dtype=float).copy()
    floor = np.zeros(n, dtype=np.int64)
    cap = np.full(n, len(names) - 1, dtype=np.int64)
    forced = np.full(n, -1, dtype=np.int64)
    n_g = len(rubric.gates)
    fired = np.zeros((n, n_g), dtype=bool)
    before, after = np.zeros((n, n_g)), np.zeros((n, n_g))
    for k, gate in enumerate(rubric.gates):
        j = factors.index(gate.when.factor)
        on = gate_fires(gate, score[:, j], included[:, j])
        fired[:, k] = on
        before[:, k] = c
        t = gate.then
        if t.composite_at_least is not None:
            c = np.where(on, np.maximum(c, float(t.composite_at_least)), c)
        if t.composite_at_most is not None:
            c = np.where(on, np.minimum(c, float(t.composite_at_most)), c)
        if t.band_at_least is not None:
            floor = np.where(on, np.maximum(floor, names.index(t.band_at_least)), floor)
        if t.band_at_most is not None:
            cap = np.where(on, np.minimum(cap, names.index(t.band_at_most)), cap)
        if t.band is not None:
            forced = np.where(on, names.index(t.band), forced)
        after[:, k] = c
    c, shift, ov_before, ov_after = _overrides(rubric, c, overrides)
    natural = band_index(c, rubric)
    held = np.minimum(np.maximum(natural, floor), cap)
    held = np.where(forced >= 0, forced, held)
    held = np.clip(held + shift, 0, len(names) - 1)
    labels = np.array(names, dtype=object)
    band = labels[held]
    insufficient = np.zeros(n, dtype=bool)
    if rubric.min_coverage is not None:
        # A composite built on too little evidence gets no band that looks certain; coverage
        # exactly at min_coverage is enough.
        insufficient = np.asarray(coverage, dtype=float) < float(rubric.min_coverage)
        band = np.where(insufficient, INSUFFICIENT, band)
    return Judged(c, labels[natural], np.asarray(band, dtype=object), insufficient, fired,
                  before, after, ov_before, ov_after)


def _overrides(rubric: RubricLike, c: np.ndarray, overrides: Mapping[int, Sequence[OverrideLike]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Apply override positions 1, 2, ... in turn, each to every pair that has one there."""
    n = len(c)
    depth = max((len(v) for v in overrides.values()), default=0)
    points = np.full((n, depth), np.nan)
    bands = np.zeros((n, depth), dtype=np.int64)
    for row, ovs in overrides.items():
        for k, ov in enumerate(ovs):
            points[row, k] = 0.0 if ov.points is None else float(ov.points)
            bands[row, k] = ov.bands or 0
    lo, hi = rubric.scale.lo, rubric.scale.hi
    before, after = np.full((n, depth), np.nan), np.full((n, depth), np.nan)
    for k in range(depth):
        has = ~np.isnan(points[:, k])
        before[:, k] = np.where(has, c, np.nan)
        c = np.where(has, np.clip(c + np.nan_to_num(points[:, k]), lo, hi), c)
        after[:, k] = np.where(has, c, np.nan)
    return c, bands.sum(axis=1), before, after
