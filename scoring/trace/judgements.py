"""The gates and overrides of one scenario as steps, for trace records and the report: a view
over the method's judgement arrays (``method/judge.py``), which it never recomputes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..display import exact, format_score
from ..formats.models import Gate, Override, Rubric
from ..method.judge import gate_fires
from ..method.kernel import Frames


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


def condition(gate: Gate, value: float | None, name: str, decimals: int = 2) -> str:
    """What a gate's condition says of the factor score, as a true statement in words:
    "trust issues 70.80 is below 80" when it does not hold, "... is at least 80" when it
    does. Which bound holds is decided by the method's own rule (``judge.gate_fires``), one
    bound at a time; the score is shown by the display rule, with more digits where rounding
    would show the threshold itself."""
    if value is None:
        return f"{name} has no score"
    parts = []
    for key, held, missed in (("at_least", "at least", "below"), ("at_most", "at most", "above")):
        bound = getattr(gate.when, key)
        if bound is None:
            continue
        one = gate.model_copy(update={"when": gate.when.model_copy(update={
            "at_least": bound if key == "at_least" else None,
            "at_most": bound if key == "at_most" else None})})
        holds = bool(gate_fires(one, np.array([value]), np.array([True]))[0])
        parts.append((holds, f"{held} {bound:g}", f"{missed} {bound:g}", float(bound)))
    every = all(p[0] for p in parts)
    shown = format_score(value, "points", decimals)
    if any(float(shown) == p[3] != value for p in parts):  # 79.996 shown as 80.00
        shown = exact(value)
    words = [p[1] for p in parts] if every else [p[2] for p in parts if not p[0]]
    return f"{name} {shown} is {' and '.join(words)}"


def band_rule(gate: Gate) -> str | None:
    t = gate.then
    if t.band is not None:
        return f"band is {t.band}"
    if t.band_at_least is not None:
        return f"band at least {t.band_at_least}"
    if t.band_at_most is not None:
        return f"band at most {t.band_at_most}"
    return None


def judgements(frames: Frames, rubric: Rubric,
               overrides: dict[str, list[Override]]) -> dict[str, Judgement]:
    """Each scenario's judgement (one case: the frames' pairs are its scenarios)."""
    j = frames.judged
    fac = frames.factors
    by_scenario: dict[str, dict[str, float | None]] = {}  # factor scores, read once
    for s, f, v, inc in zip(fac["scenario"].tolist(), fac["factor"].tolist(),
                            fac["score"].tolist(), fac["included"].tolist(), strict=True):
        by_scenario.setdefault(str(s), {})[str(f)] = float(v) if inc else None
    indicated = frames.scenarios["indicated"].to_numpy()
    names = {f.id: f.name for f in rubric.factors}
    out = {}
    for row, sc in enumerate(frames.scenarios["scenario"].astype(str)):
        scores = by_scenario.get(sc, {})
        steps = []
        for k, gate in enumerate(rubric.gates):
            value = scores[gate.when.factor]
            fired = bool(j.fired[row, k])
            steps.append(Step("gate", gate.id, fired, float(j.gate_before[row, k]),
                              float(j.gate_after[row, k]), band_rule(gate) if fired else None,
                              condition(gate, value, names[gate.when.factor].lower(),
                                        rubric.decimals)))
        for k, ov in enumerate(overrides.get(sc, []), 1):
            steps.append(Step("override", str(k), True, float(j.override_before[row, k - 1]),
                              float(j.override_after[row, k - 1]),
                              f"band moved {ov.bands:+d}" if ov.bands else None,
                              f"{ov.reason_code} by {ov.author}"))
        out[sc] = Judgement(float(indicated[row]),
                            float(j.final[row]), str(j.natural[row]), str(j.band[row]),
                            tuple(steps))
    return out
