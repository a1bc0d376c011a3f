"""Item weights (steps 1 and 3 of docs/method.md), one implementation for one case and many.

``effective_weight = confidence × reliability × decay``, with ``decay = 0.5 ** (age /
half_life)``. A weighted mean does not change when every weight is scaled by the same
positive number, so the method must not either: tiny confidences (5e-324) or a short
half-life on old evidence would underflow a plain float product to zero or to a few
subnormal digits, silently reweighting or dropping items. Here each weight is carried as a
mantissa and a power of two (``w = mantissa × 2**exponent``, which cannot underflow), and
factor aggregation uses ``relative_weight``, each weight divided by the power of two of the
largest weight of its group. Dividing by a power of two is exact, so wherever the plain
product is a normal float the results are bit for bit those of ``sum(w·r) / sum(w)``.

Pure numpy: no pandas, no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TINY = np.finfo(float).tiny  # the smallest normal float64


@dataclass(frozen=True)
class ItemWeights:
    """Per item: ``decay``, ``stale``, ``kept`` (0 or 1), ``effective_weight`` (the plain
    product, as shown; it may round to 0 in extreme cases), and ``mantissa`` and
    ``exponent`` with ``effective_weight == mantissa * 2**exponent`` exactly (no underflow)."""

    decay: np.ndarray
    stale: np.ndarray
    kept: np.ndarray
    effective_weight: np.ndarray
    mantissa: np.ndarray
    exponent: np.ndarray


def item_weights(confidence: np.ndarray, reliability: np.ndarray, age_days: np.ndarray,
                 half_life_days: float | None, max_age_days: float | None,
                 exclude_stale: bool) -> ItemWeights:
    """Decay, staleness and effective weight of every item (vectorised). Products are formed
    in place, factor after factor in the order written, and each temporary is dropped as soon
    as it is used: at a million items every array counts."""
    age = np.asarray(age_days, dtype=float)
    if half_life_days is None:
        decay = np.ones(len(age))
        t = np.zeros(len(age))
    else:
        t = age / float(half_life_days)
        decay = np.power(0.5, t)
    # decay = 0.5**t = 0.5**frac(t) × 2**-floor(t) where 0.5**t itself underflows (computed
    # for those items only: few or none)
    split = np.flatnonzero(~(decay >= TINY))
    t = t[split]
    whole = np.floor(t)
    # An item is stale strictly after max_age_days: an item exactly max_age_days old is kept.
    stale = np.zeros(len(age), dtype=bool) if max_age_days is None else age > float(max_age_days)
    kept = np.where(stale & exclude_stale, 0.0, 1.0)
    conf = np.asarray(confidence, dtype=float)
    rel = np.asarray(reliability, dtype=float)
    effective = conf * rel
    effective *= decay
    effective *= kept
    # mantissa × 2**exponent = m_c·m_r·m_d·kept × 2**(e_c + e_r + e_d)
    product, e = np.frexp(conf)
    exponent = e.astype(np.int64)
    m, e = np.frexp(rel)
    product *= m
    exponent += e
    m, e = np.frexp(decay)
    m[split], e[split] = np.frexp(np.power(0.5, t - whole))
    product *= m
    exponent += e
    exponent[split] -= whole.astype(np.int64)
    product *= kept
    del m, e
    mantissa, e = np.frexp(product)
    exponent += e
    return ItemWeights(decay, stale, kept, effective, mantissa, exponent)


def relative_weights(w: ItemWeights, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Each item's weight divided by the power of two of its group's largest weight, in
    (0, 1] (0 for an item with no weight). Exact wherever the plain weights are normal."""
    live = w.mantissa > 0
    top = np.full(n_groups, np.iinfo(np.int64).min)
    np.maximum.at(top, groups[live], w.exponent[live])
    shift = top[groups]
    np.subtract(w.exponent, shift, out=shift)
    shift[~live] = 0
    out: np.ndarray = np.ldexp(w.mantissa, shift.astype(np.int32))
    out[~live] = 0.0
    return out
