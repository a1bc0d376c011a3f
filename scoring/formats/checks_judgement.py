"""Rules for gates (in the rubric) and overrides (in case.yaml and scenarios.yaml)."""

from __future__ import annotations

from ..errors import Problem
from .models import Override, Rubric
from .yamlio import PathKey, YamlDoc


def scale_text(rubric: Rubric) -> str:
    """The scale as messages show it: ``[0, 100]``; an open side is ``-inf`` or ``inf``."""
    lo = "-inf" if rubric.scale.min is None else rubric.scale.min
    hi = "inf" if rubric.scale.max is None else rubric.scale.max
    return f"[{lo}, {hi}]"


def check_gates(rubric: Rubric, doc: YamlDoc) -> list[Problem]:
    out: list[Problem] = []
    factors = {f.id for f in rubric.factors}
    bands = [b.name for b in rubric.bands]
    lo, hi = rubric.scale.lo, rubric.scale.hi
    seen: dict[str, int] = {}
    for i, gate in enumerate(rubric.gates):
        loc: PathKey = ("gates", i)
        if gate.id in seen:
            out.append(doc.problem((*loc, "id"), f"duplicate gate id {gate.id!r} "
                                                 f"(first at gates[{seen[gate.id]}])"))
        seen.setdefault(gate.id, i)
        if gate.when.factor not in factors:
            out.append(doc.problem((*loc, "when", "factor"),
                                   f"unknown factor {gate.when.factor!r}"))
        if gate.when.at_least is None and gate.when.at_most is None:
            out.append(doc.problem((*loc, "when"), "a gate needs at_least and/or at_most"))
        t = gate.then
        if all(v is None for v in t.model_dump().values()):
            out.append(doc.problem((*loc, "then"), "a gate must do something: set "
                                                   "composite_at_least, composite_at_most, "
                                                   "band_at_least, band_at_most or band"))
        for key in ("band_at_least", "band_at_most", "band"):
            name = getattr(t, key)
            if name is not None and name not in bands:
                out.append(doc.problem((*loc, "then", key),
                                       f"unknown band {name!r} (bands: {', '.join(bands)})"))
        for key in ("composite_at_least", "composite_at_most"):
            v = getattr(t, key)
            if v is not None and not lo <= v <= hi:
                out.append(doc.problem((*loc, "then", key),
                                       f"{v} is outside the scale {scale_text(rubric)}"))
    for fid, (a, b) in rubric.weight_ranges.items():
        if fid not in factors:
            out.append(doc.problem(("weight_ranges", fid), f"unknown factor {fid!r}"))
        elif not 0 < a <= b:
            out.append(doc.problem(("weight_ranges", fid),
                                   f"a weight range needs 0 < low <= high, not [{a}, {b}]"))
    policy = rubric.overrides
    if policy.max_points > (hi - lo):
        out.append(doc.problem(("overrides", "max_points"),
                               f"max_points {policy.max_points} is larger than the scale"))
    return out


def check_overrides(rubric: Rubric, overrides: list[Override], doc: YamlDoc,
                    loc: PathKey) -> list[Problem]:
    """Each override within the rubric's bounds, with a known reason code; the total of a
    scenario's overrides within the bounds too."""
    out: list[Problem] = []
    policy = rubric.overrides
    codes = policy.reason_codes
    for k, ov in enumerate(overrides):
        oloc: PathKey = (*loc, k)
        if ov.points is None and not ov.bands:
            out.append(doc.problem(oloc, "an override needs points and/or bands"))
        if ov.reason_code not in codes:
            known = ", ".join(codes) or "none: the rubric allows no overrides"
            out.append(doc.problem((*oloc, "reason_code"),
                                   f"unknown reason code {ov.reason_code!r} (known: {known})"))
        if ov.points is not None and abs(ov.points) > policy.max_points:
            out.append(doc.problem((*oloc, "points"),
                                   f"override of {ov.points:+g} points is beyond the rubric's "
                                   f"bound of ±{policy.max_points:g}"))
        if ov.bands is not None and abs(ov.bands) > policy.max_bands:
            out.append(doc.problem((*oloc, "bands"),
                                   f"override of {ov.bands:+d} bands is beyond the rubric's "
                                   f"bound of ±{policy.max_bands}"))
    total_points = sum(abs(o.points or 0) for o in overrides)
    total_bands = sum(abs(o.bands or 0) for o in overrides)
    if len(overrides) > 1 and (total_points > policy.max_points or total_bands > policy.max_bands):
        out.append(doc.problem(loc, f"together these overrides move {total_points:g} points "
                                    f"and {total_bands} bands, beyond the rubric's bounds "
                                    f"(±{policy.max_points:g} points, ±{policy.max_bands} bands)"))
    return out
