"""The report's "What changed" section: a baseline comparison as linked, derivable numbers.

Built from a :class:`~scoring.diff.CaseDiff` (no arithmetic here beyond writing the diff's
own operands into expressions). Every number gets an id under ``changed/`` and a derivation
entry whose inputs link to this report's records (new run) or to baseline leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.diff import CaseDiff, FactorDiff, ScenarioDiff
from ..display import exact, format_score
from .parts import Derivation, Link, Num


@dataclass(frozen=True)
class FactorChangeRow:
    factor: str
    old_score: Num | None
    new_score: Num | None
    score_effect: Num
    weight_effect: Num
    coverage_effect: Num
    total: Num
    items: tuple[tuple[str, Num], ...]  # (what happened, change in factor score)


@dataclass(frozen=True)
class ScenarioChange:
    scenario: str
    old_composite: Num
    new_composite: Num
    old_band: str
    new_band: str
    total: Num
    score_effect: Num
    weight_effect: Num
    coverage_effect: Num
    factors: tuple[FactorChangeRow, ...]


@dataclass(frozen=True)
class WhatChanged:
    baseline: str
    scenarios: tuple[ScenarioChange, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    rubric_changes: tuple[tuple[str, str, str, str], ...]  # entry, old, new, bump
    rubric_bump: str
    derivations: tuple[Derivation, ...]


class _Changes:
    def __init__(self) -> None:
        self.derivations: list[Derivation] = []

    def num(self, rid: str, label: str, value: float, op: str, formula: str, expression: str,
            inputs: tuple[Num | Link, ...] = (), unit: str = "delta") -> Num:
        n = Num(rid, format_score(value, unit), repr(float(value)), False)
        self.derivations.append(Derivation(rid, label, n, op, formula, expression, inputs, ()))
        return n

    def leaf(self, rid: str, label: str, value: float, unit: str = "points") -> Num:
        return self.num(rid, label, value, "baseline", "", "as computed by the baseline run",
                        unit=unit)


def _current(rid: str, value: float, unit: str = "points") -> Num:
    """A link to a number of this report's own (new) run."""
    return Num(rid, format_score(value, unit), repr(float(value)), False)


def _factor(c: _Changes, sc: str, fd: FactorDiff, present: set[str]) -> FactorChangeRow:
    p = f"changed/{sc}/factor/{fd.factor}"
    old = c.leaf(f"{p}/old_score", f"Baseline factor score: {fd.factor}", fd.old_score) \
        if fd.old_score is not None else None
    new = _current(f"{sc}/factor/{fd.factor}/score", fd.new_score) \
        if fd.new_score is not None else None
    mid = fd.mid_score
    if fd.n_old is not None and mid is not None and fd.old_score is not None:
        s_expr = f"{exact(fd.n_old)} x ({exact(mid)} - {exact(fd.old_score)})"
    else:
        s_expr = "not counted in the baseline: 0"
    score_e = c.num(f"{p}/score_effect", f"Score effect: {fd.factor}", fd.score_effect,
                    "product", "n_old x (F_new - F_old)",
                    f"{s_expr} = {exact(fd.score_effect)}",
                    tuple(x for x in (new, old) if x is not None))
    if fd.n_old is not None and fd.n_mid is not None and mid is not None:
        w_expr = f"({exact(fd.n_mid)} - {exact(fd.n_old)}) x {exact(mid)}"
    else:
        w_expr = "not counted in the baseline: 0"
    weight_e = c.num(f"{p}/weight_effect", f"Weight effect: {fd.factor}", fd.weight_effect,
                     "product", "(n_mid - n_old) x F_new", f"{w_expr} = {exact(fd.weight_effect)}")
    parts = []
    if fd.n_new is not None and fd.new_score is not None:
        parts.append(f"{exact(fd.n_new)} x {exact(fd.new_score)}")
    if fd.n_mid is not None and mid is not None:
        parts.append(f"- {exact(fd.n_mid)} x {exact(mid)}")
    cover_e = c.num(f"{p}/coverage_effect", f"Coverage effect: {fd.factor}", fd.coverage_effect,
                    "difference", "n_new x F_new - n_mid x F_new",
                    f"{' '.join(parts) or '0'} = {exact(fd.coverage_effect)}")
    total = c.num(f"{p}/total", f"Total effect: {fd.factor}", fd.total, "sum",
                  "score + weight + coverage effects",
                  f"{exact(fd.score_effect)} + {exact(fd.weight_effect)} + "
                  f"{exact(fd.coverage_effect)} = {exact(fd.total)}",
                  (score_e, weight_e, cover_e))
    items = []
    for k, e in enumerate(fd.items, 1):
        why = f" ({', '.join(e.reasons)})" if e.reasons else ""
        what = f"{', '.join(e.items)} {e.kind}{why}"
        # Items removed since the baseline have no anchor in this report.
        links = tuple(Link(f"item/{i}", i) for i in e.items if i in present)
        items.append((what, c.num(f"{p}/item_step/{k}", f"Factor score change: {what}",
                                  e.delta, "difference", "F after this step - F before it",
                                  f"step {k} of the item walk: {exact(e.delta)}", links)))
    return FactorChangeRow(fd.factor, old, new, score_e, weight_e, cover_e, total, tuple(items))


def _scenario(c: _Changes, sd: ScenarioDiff, present: set[str]) -> ScenarioChange:
    sc = sd.scenario
    p = f"changed/{sc}"
    old = c.leaf(f"{p}/old_composite", f"Baseline composite ({sc})", sd.old_composite)
    new = _current(f"{sc}/composite", sd.new_composite)
    factors = tuple(_factor(c, sc, fd, present) for fd in sd.factors)
    effects = {}
    for part in ("score_effect", "weight_effect", "coverage_effect"):
        values = [getattr(fd, part) for fd in sd.factors]
        effects[part] = c.num(f"{p}/{part}", f"{part.replace('_', ' ').capitalize()} ({sc})",
                              getattr(sd, part), "sum", f"sum of the factors' {part}",
                              " + ".join(exact(v) for v in values) + f" = {exact(getattr(sd, part))}",
                              tuple(getattr(fr, part) for fr in factors))
    total = c.num(f"{p}/total", f"Change of the composite ({sc})", sd.total, "difference",
                  "C_new - C_old",
                  f"{exact(sd.new_composite)} - {exact(sd.old_composite)} = {exact(sd.total)} "
                  f"(parts sum to it; residual {sd.residual:.1e})",
                  (new, old, effects["score_effect"], effects["weight_effect"],
                   effects["coverage_effect"]))
    return ScenarioChange(sc, old, new, sd.old_band, sd.new_band, total,
                          effects["score_effect"], effects["weight_effect"],
                          effects["coverage_effect"], factors)


def build_changes(diff: CaseDiff, baseline: str, present: set[str]) -> WhatChanged:
    """The "What changed" section for a diff against ``baseline`` (a label); ``present``
    holds the ids of the current case's items (the only ones this report can link to)."""
    c = _Changes()
    scenarios = tuple(_scenario(c, sd, present) for sd in diff.scenarios)
    return WhatChanged(baseline, scenarios, diff.only_old, diff.only_new,
                       tuple((r.entry, r.old, r.new, r.level) for r in diff.rubric_changes),
                       diff.rubric_bump, tuple(c.derivations))
