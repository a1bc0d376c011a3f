"""Explain a score change: split each composite's change exactly into parts.

Pure: takes two results (old, new) and returns dataclasses. The method (docs/method.md,
"Explaining a change") walks from the old composite to the new one in three steps and
credits each step's change to the factors; each factor's score change is walked item by
item. Every walk telescopes, so the parts add up to the total to float precision.

1. scores: the old factor set and old weights, with each factor's new score;
2. weights: the same factor set with the new weights (renormalised over the old set);
3. coverage: the new factor set (factors gaining or losing evidence) with the new weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..formats.models import Rubric
from ..method.steps import counted, factor_scores, sum_rows
from .result import Result

ITEM_FIELDS = ("value", "confidence", "observed", "best_source", "best_via", "grade")


@dataclass(frozen=True)
class ItemEffect:
    """The change in a factor score credited to one step of the item walk."""

    items: tuple[str, ...]
    kind: str  # changed, added, removed (or "a+b" when steps had to be merged)
    reasons: tuple[str, ...]
    delta: float


@dataclass(frozen=True)
class FactorDiff:
    factor: str
    old_score: float | None
    new_score: float | None
    old_weight: float | None
    new_weight: float | None
    score_effect: float
    weight_effect: float
    coverage_effect: float
    items: tuple[ItemEffect, ...] = ()
    # The walk's operands: normalised weights before, after the weight step and after the
    # coverage step (None where the factor is not counted), and the score used in between.
    n_old: float | None = None
    n_mid: float | None = None
    n_new: float | None = None
    mid_score: float | None = None

    @property
    def total(self) -> float:
        return self.score_effect + self.weight_effect + self.coverage_effect


@dataclass(frozen=True)
class ScenarioDiff:
    scenario: str
    old_composite: float
    new_composite: float
    old_band: str
    new_band: str
    score_effect: float
    weight_effect: float
    coverage_effect: float
    factors: tuple[FactorDiff, ...]
    judgement_effect: float = 0.0  # change in (final - indicated): gates and overrides

    @property
    def total(self) -> float:
        return self.new_composite - self.old_composite

    @property
    def residual(self) -> float:
        """total minus the sum of the four parts: float rounding only."""
        return self.total - (self.score_effect + self.weight_effect + self.coverage_effect
                             + self.judgement_effect)


@dataclass(frozen=True)
class RubricChange:
    entry: str
    old: str
    new: str
    level: str  # major, minor or patch


@dataclass(frozen=True)
class CaseDiff:
    scenarios: tuple[ScenarioDiff, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    rubric_changes: tuple[RubricChange, ...] = field(default_factory=tuple)
    rubric_bump: str = "none"


# ----------------------------------------------------------------------------- factors


def _aggregate(aggregation: str) -> Callable[[list[tuple[float, float]]], float | None]:
    """A factor's score from (weight, risk value) rows, by the method's own step
    (``steps.factor_scores``); None when no row has weight."""
    def agg(rows: list[tuple[float, float]]) -> float | None:
        w = np.array([x for x, _ in rows], dtype=float)
        r = np.array([x for _, x in rows], dtype=float)
        live = counted(w)
        if not live.any():
            return None
        score, _, _, _ = factor_scores(
            sum_rows((w * r)[None, :]), sum_rows(w[None, :]), np.array([r[live].min()]),
            np.array([r[live].max()]), np.array([aggregation], dtype=object),
            np.array([np.nan]))
        return float(score[0])

    return agg


Rows = dict[tuple[str, str], dict[str, dict[str, Any]]]


def item_rows(result: Result) -> Rows:
    """The item frame's rows by (scenario, factor), each by item id, in the frame's order:
    the frame read once, not filtered per scenario and factor."""
    items = result.frames.items
    out: Rows = {}
    records: list[dict[str, Any]] = items.to_dict("records")  # type: ignore[assignment]
    for row in records:  # the frame's column names are strings
        out.setdefault((str(row["scenario"]), str(row["factor"])), {})[str(row["item"])] = row
    return out


def _reasons(old: dict[str, Any], new: dict[str, Any], old_base: dict[str, Any] | None,
             new_base: dict[str, Any] | None) -> tuple[str, ...]:
    """What differs about an item: its fields, and whether the difference comes from the
    scenario's overlay (the evidence as sourced did not change that field)."""
    out = [f for f in ITEM_FIELDS if str(old[f]) != str(new[f])]
    overlay = tuple(old["value_changes"]) != tuple(new["value_changes"]) or \
        tuple(old["confidence_changes"]) != tuple(new["confidence_changes"])
    if old_base is not None and new_base is not None:
        overlay = overlay or any(str(old_base[f]) == str(new_base[f]) for f in out)
    if overlay:
        out.append("scenario overlay")
    if old["age_days"] != new["age_days"] and "observed" not in out:
        out.append("as-of date")
    return tuple(out) or ("rubric",)


def item_walk(old: Result, new: Result, scenario: str, factor: str,
              aggregation: str, rows: tuple[Rows, Rows] | None = None
              ) -> tuple[ItemEffect, ...]:
    """Walk the factor score from old to new items: changed items (by id), then added, then
    removed; a step whose score is undefined (no weight left) is merged into the next.
    ``rows``: :func:`item_rows` of ``old`` and ``new``, when the caller has them."""
    was, now = rows if rows is not None else (item_rows(old), item_rows(new))
    before, after = was.get((scenario, factor), {}), now.get((scenario, factor), {})
    base_before = was.get(("base", factor), {}) if scenario != "base" else {}
    base_after = now.get(("base", factor), {}) if scenario != "base" else {}
    state = {k: (float(v["effective_weight"]), float(v["risk_value"])) for k, v in before.items()}
    steps: list[tuple[str, str, tuple[str, ...], tuple[float, float] | None]] = []
    for k in sorted(set(before) & set(after)):
        wr = (float(after[k]["effective_weight"]), float(after[k]["risk_value"]))
        if wr != state[k]:
            why = _reasons(before[k], after[k], base_before.get(k), base_after.get(k))
            steps.append((k, "changed", why, wr))
    for k in sorted(set(after) - set(before)):
        steps.append((k, "added", (), (float(after[k]["effective_weight"]),
                                       float(after[k]["risk_value"]))))
    for k in sorted(set(before) - set(after)):
        steps.append((k, "removed", (), None))
    agg = _aggregate(aggregation)
    current = agg(list(state.values()))
    effects: list[ItemEffect] = []
    pending: list[tuple[str, str, tuple[str, ...]]] = []
    for k, kind, reasons, new_wr in steps:
        if new_wr is None:
            del state[k]
        else:
            state[k] = new_wr
        pending.append((k, kind, reasons))
        nxt = agg(list(state.values()))
        if nxt is None or current is None:
            current = nxt if current is None else current
            continue
        kinds = "+".join(dict.fromkeys(p[1] for p in pending))
        why = tuple(dict.fromkeys(r for p in pending for r in p[2]))
        effects.append(ItemEffect(tuple(p[0] for p in pending), kinds, why, nxt - current))
        current, pending = nxt, []
    return tuple(effects)


# ----------------------------------------------------------------------------- composite


def _factor_table(result: Result, scenario: str) -> pd.DataFrame:
    f = result.frames.factors
    return f[f["scenario"] == scenario].set_index("factor")


def scenario_diff(old: Result, new: Result, scenario: str,
                  rows: tuple[Rows, Rows] | None = None) -> ScenarioDiff:
    """The three-step split of one scenario's composite change, by factor (``rows``: as
    for :func:`item_walk`)."""
    rows = rows if rows is not None else (item_rows(old), item_rows(new))
    fo, fn = _factor_table(old, scenario), _factor_table(new, scenario)
    in_old = [f for f in fo.index if bool(_at(fo, f, "included"))]
    in_new = [f for f in fn.index if bool(_at(fn, f, "included"))]
    F0 = {f: float(_at(fo, f, "score")) for f in in_old}
    F1 = {f: float(_at(fn, f, "score")) for f in in_new}
    W0 = {f: float(_at(fo, f, "weight")) for f in in_old}
    W1 = {f: float(_at(fn, f, "weight")) for f in in_new}
    Wt = {f: float(_at(fn, f, "weight")) if f in fn.index else W0[f] for f in in_old}
    Ft = {f: F1.get(f, F0[f]) for f in in_old}  # new score where the factor still counts

    def normalise(w: dict[str, float], rubric: Rubric) -> dict[str, float]:
        if rubric.composite != "weighted_mean":  # a sum (points: coefficients as written)
            return dict(w)
        total = sum(w.values())
        return {f: v / total for f, v in w.items()}

    n0, nw, n1 = normalise(W0, old.case.rubric), normalise(Wt, old.case.rubric), \
        normalise(W1, new.case.rubric)
    factors = []
    order = list(dict.fromkeys([*fo.index, *fn.index]))
    aggregation = {f.id: f.aggregation for f in new.case.rubric.factors}
    for f in order:
        score_e = n0[f] * (Ft[f] - F0[f]) if f in n0 else 0.0
        weight_e = (nw[f] - n0[f]) * Ft[f] if f in n0 else 0.0
        cover_e = (n1[f] * F1[f] if f in n1 else 0.0) - (nw[f] * Ft[f] if f in nw else 0.0)
        both = (f in fo.index and f in fn.index and bool(_at(fo, f, "has_evidence"))
                and bool(_at(fn, f, "has_evidence")))
        items = item_walk(old, new, scenario, f, aggregation[f], rows) if both else ()
        factors.append(FactorDiff(
            f, _score(fo, f), _score(fn, f),
            float(_at(fo, f, "weight")) if f in fo.index else None,
            float(_at(fn, f, "weight")) if f in fn.index else None,
            score_e, weight_e, cover_e, items, n0.get(f), nw.get(f), n1.get(f), Ft.get(f)))
    judged = ((new.composite(scenario) - new.indicated(scenario))
              - (old.composite(scenario) - old.indicated(scenario)))
    return ScenarioDiff(
        scenario, old.composite(scenario), new.composite(scenario), old.band(scenario),
        new.band(scenario), sum(x.score_effect for x in factors),
        sum(x.weight_effect for x in factors), sum(x.coverage_effect for x in factors),
        tuple(factors), judged)


def _at(table: pd.DataFrame, f: str, column: str) -> Any:
    """One cell of a factor table (typed Any: pandas cells have no static type)."""
    return table.at[f, column]


def _score(table: pd.DataFrame, f: str) -> float | None:
    if f not in table.index or not bool(_at(table, f, "included")):
        return None
    return float(_at(table, f, "score"))


# ----------------------------------------------------------------------------- rubric


def _changed(entry: str, old: object, new: object, level: str) -> list[RubricChange]:
    return [] if old == new else [RubricChange(entry, str(old), str(new), level)]


def rubric_changes(old: Rubric, new: Rubric) -> tuple[RubricChange, ...]:
    """Every rubric entry that differs, with the version bump it calls for: ``major`` for
    weights, polarity, composite method and scale; ``minor`` for anything else that can move
    a score; ``patch`` for wording."""
    out: list[RubricChange] = []
    out += _changed("id", old.id, new.id, "major")
    out += _changed("scale", old.scale.model_dump(), new.scale.model_dump(), "major")
    out += _changed("composite", old.composite, new.composite, "major")
    out += _changed("half_life_days", old.half_life_days, new.half_life_days, "minor")
    out += _changed("reliability", old.reliability, new.reliability, "minor")
    out += _changed("assumption_grade", old.assumption_grade, new.assumption_grade, "minor")
    for key in ("max_age_days", "stale", "contested_spread", "min_coverage",
                "uncertainty_max_sd", "weight_ranges"):
        out += _changed(key, getattr(old, key), getattr(new, key), "minor")
    out += _changed("bands", [b.model_dump(exclude={"description"}) for b in old.bands],
                    [b.model_dump(exclude={"description"}) for b in new.bands], "minor")
    out += _changed("bands (descriptions)", [b.description for b in old.bands],
                    [b.description for b in new.bands], "patch")
    og, ng = {g.id: g for g in old.gates}, {g.id: g for g in new.gates}
    for gid in dict.fromkeys([*og, *ng]):
        ga = og[gid].model_dump(exclude={"description"}, exclude_none=True) if gid in og else None
        gb = ng[gid].model_dump(exclude={"description"}, exclude_none=True) if gid in ng else None
        out += _changed(f"gates.{gid}", ga or "absent", gb or "removed", "minor")
    if [g.id for g in old.gates if g.id in ng] != [g.id for g in new.gates if g.id in og]:
        out.append(RubricChange("gates (order)", "", "", "minor"))
    out += _changed("overrides", old.overrides.model_dump(exclude={"reason_codes"}),
                    new.overrides.model_dump(exclude={"reason_codes"}), "minor")
    out += _changed("overrides.reason_codes", old.overrides.reason_codes,
                    new.overrides.reason_codes, "patch")
    out += _changed("title", old.title, new.title, "patch")
    out += _changed("description", old.description, new.description, "patch")
    of, nf = {f.id: f for f in old.factors}, {f.id: f for f in new.factors}
    for fid in dict.fromkeys([*of, *nf]):
        if fid not in nf:
            out.append(RubricChange(f"factors.{fid}", "present", "removed", "major"))
            continue
        if fid not in of:
            out.append(RubricChange(f"factors.{fid}", "absent", "added", "major"))
            continue
        a, b = of[fid], nf[fid]
        p = f"factors.{fid}"
        out += _changed(f"{p}.weight", a.weight, b.weight, "major")
        out += _changed(f"{p}.polarity", a.polarity, b.polarity, "major")
        out += _changed(f"{p}.aggregation", a.aggregation, b.aggregation, "minor")
        out += _changed(f"{p}.missing", a.missing, b.missing, "minor")
        out += _changed(f"{p}.indicators",
                        [i.model_dump(include={"id", "mapping"}) for i in a.indicators],
                        [i.model_dump(include={"id", "mapping"}) for i in b.indicators], "minor")
        out += _changed(f"{p}.name", a.name, b.name, "patch")
        out += _changed(f"{p}.description", a.description, b.description, "patch")
    return tuple(out)


LEVELS = ("none", "patch", "minor", "major")


def proposed_bump(changes: tuple[RubricChange, ...]) -> str:
    return max((c.level for c in changes), key=LEVELS.index, default="none")


def bump_version(version: str, level: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def declared_level(old: str, new: str) -> str:
    """The bump a version change declares (none when equal or lower)."""
    a = tuple(int(x) for x in old.split("."))
    b = tuple(int(x) for x in new.split("."))
    if b[0] > a[0]:
        return "major"
    if b[:1] == a[:1] and b[1] > a[1]:
        return "minor"
    if b[:2] == a[:2] and b[2] > a[2]:
        return "patch"
    return "none"


def case_diff(old: Result, new: Result) -> CaseDiff:
    """Scenario by scenario split of the composite changes, and the rubric's changes."""
    common = [s for s in new.scenario_ids if s in old.scenario_ids]
    changes = rubric_changes(old.case.rubric, new.case.rubric)
    rows = (item_rows(old), item_rows(new))
    return CaseDiff(
        tuple(scenario_diff(old, new, s, rows) for s in common),
        tuple(s for s in old.scenario_ids if s not in common),
        tuple(s for s in new.scenario_ids if s not in common),
        changes, proposed_bump(changes))
