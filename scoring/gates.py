"""Non-compensatory rules and analyst overrides: from the indicated composite to the final one.

Rating committees do not average everything away. After the composite is computed from the
factor scores (the *indicated* composite), the rubric's gates are applied in their order,
then the scenario's overrides:

* a gate fires when its condition holds on a factor score (``at_least`` / ``at_most``);
  it can floor or cap the composite (``composite_at_least`` / ``composite_at_most``), floor
  or cap the band (``band_at_least`` / ``band_at_most``) or force one (``band``: a
  knock-out);
* an override moves the composite by ``points`` (at most the rubric's ``max_points`` in
  absolute value) and/or the band by ``bands`` steps (at most ``max_bands``), with a reason
  code from the rubric's list, an author and a rationale.

The final band is the band of the final composite, then raised/lowered to honour band
floors, caps, forced bands and band overrides, in that order. Pure: numbers in, steps out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .engine import INSUFFICIENT, band_of
from .models import Gate, Override, Rubric


@dataclass(frozen=True)
class Step:
    """One gate or override that changed (or pinned) the composite or band."""

    kind: str  # "gate" or "override"
    id: str  # gate id, or the override's index ("1", "2", ...)
    fired: bool
    before: float
    after: float
    band_rule: str | None  # e.g. "band at least High"
    detail: str  # the condition that held, in words


@dataclass(frozen=True)
class Judgement:
    indicated: float
    final: float
    band_of_final: str
    band: str
    steps: tuple[Step, ...]


def _condition(gate: Gate, scores: dict[str, float | None]) -> tuple[bool, str]:
    value = scores.get(gate.when.factor)
    if value is None:
        return False, f"{gate.when.factor} has no score"
    held = True
    parts = []
    if gate.when.at_least is not None:
        held = held and value >= gate.when.at_least
        parts.append(f"{gate.when.factor} = {value:.10g} >= {gate.when.at_least:g}")
    if gate.when.at_most is not None:
        held = held and value <= gate.when.at_most
        parts.append(f"{gate.when.factor} = {value:.10g} <= {gate.when.at_most:g}")
    return held, " and ".join(parts)


def _band_rule(gate: Gate) -> str | None:
    t = gate.then
    if t.band is not None:
        return f"band is {t.band}"
    if t.band_at_least is not None:
        return f"band at least {t.band_at_least}"
    if t.band_at_most is not None:
        return f"band at most {t.band_at_most}"
    return None


def apply(rubric: Rubric, indicated: float, scores: dict[str, float | None],
          overrides: list[Override]) -> Judgement:
    """Gates in rubric order, then overrides; the final composite and band."""
    names = [b.name for b in rubric.bands]
    lo, hi = float(rubric.scale.min), float(rubric.scale.max)
    c = indicated
    steps: list[Step] = []
    floor, cap, forced = 0, len(names) - 1, None
    for gate in rubric.gates:
        fired, why = _condition(gate, scores)
        before = c
        if fired:
            t = gate.then
            if t.composite_at_least is not None:
                c = max(c, float(t.composite_at_least))
            if t.composite_at_most is not None:
                c = min(c, float(t.composite_at_most))
            if t.band_at_least is not None:
                floor = max(floor, names.index(t.band_at_least))
            if t.band_at_most is not None:
                cap = min(cap, names.index(t.band_at_most))
            if t.band is not None:
                forced = names.index(t.band)
        steps.append(Step("gate", gate.id, fired, before, c, _band_rule(gate) if fired else None,
                          why))
    shift = 0
    for k, ov in enumerate(overrides, 1):
        before = c
        if ov.points is not None:
            c = float(np.clip(c + float(ov.points), lo, hi))
        shift += ov.bands or 0
        rule = f"band moved {ov.bands:+d}" if ov.bands else None
        steps.append(Step("override", str(k), True, before, c, rule,
                          f"{ov.reason_code} by {ov.author}"))
    natural = str(band_of(np.array([c]), rubric.bands)[0])
    k = names.index(natural)
    k = min(max(k, floor), cap)
    if forced is not None:
        k = forced
    k = min(max(k + shift, 0), len(names) - 1)
    return Judgement(indicated, c, natural, names[k], tuple(steps))


def judge(scenarios: pd.DataFrame, factors: pd.DataFrame, rubric: Rubric,
          overrides: dict[str, list[Override]]) -> tuple[pd.DataFrame, dict[str, Judgement]]:
    """Apply gates and overrides to every scenario of the engine's frames: the scenarios frame
    gains ``indicated`` (the composite from the factor scores) while ``composite``, ``band``
    and ``change_vs_base`` become the final ones."""
    out = scenarios.copy()
    judgements: dict[str, Judgement] = {}
    finals, bands = [], []
    row: Any
    for row in out.itertuples(index=False):
        sc = str(row.scenario)
        f = factors[factors["scenario"] == sc]
        scores = {str(k): (float(v) if inc else None)
                  for k, v, inc in zip(f["factor"], f["score"], f["included"], strict=True)}
        j = apply(rubric, float(row.composite), scores, overrides.get(sc, []))
        judgements[sc] = j
        finals.append(j.final)
        thin = rubric.min_coverage is not None and float(row.coverage) < rubric.min_coverage
        bands.append(INSUFFICIENT if thin else j.band)
    out["indicated"] = out["composite"]
    out["composite"] = finals
    out["band"] = bands
    out["change_vs_base"] = out["composite"] - out["composite"].iloc[0]
    return out, judgements
