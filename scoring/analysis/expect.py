"""Pinned expectations: what a case should score, and whether a fresh run still does.

A case's ``expected.yaml`` (docs/expectations.md) pins, per scenario, the composite, band,
coverage and factor scores: each as a number (held to the file's default tolerance), as
``{value: x, tolerance: t}``, as an interval ``{between: [lo, hi]}``, or (for the band) a
name. ``check`` compares a result with it and returns drift rows; nothing here writes files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

from ..formats.stamps import inputs_sha256, rubric_sha256
from .result import Result

EXPECTED_FILE = "expected.yaml"
DEFAULT_TOLERANCE = 1e-6
HISTORY_LIMIT = 20

Number = StrictFloat | StrictInt


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Approx(_Strict):
    value: Number
    tolerance: Annotated[Number, Field(ge=0)]


class Between(_Strict):
    between: tuple[Number, Number]


Pin = Number | Approx | Between


class ScenarioPins(_Strict):
    composite: Pin | None = None
    band: str | None = None
    coverage: Pin | None = None
    factors: dict[str, Pin | None] = Field(default_factory=dict)


class RubricStamp(_Strict):
    id: str
    version: str
    sha256: str


class HistoryEntry(_Strict):
    reason: str
    rubric_version: str
    inputs_sha256: str
    moved: list[str] = Field(default_factory=list)


class Expectations(_Strict):
    case: str
    rubric: RubricStamp
    inputs_sha256: str
    tolerance: Annotated[Number, Field(ge=0)] = DEFAULT_TOLERANCE
    scenarios: dict[str, ScenarioPins]
    history: list[HistoryEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class Drift:
    """One pinned number compared with a fresh run."""

    case: str
    scenario: str
    id: str
    expected: str
    actual: str
    delta: float | None
    ok: bool


def pin_problems(exp: Expectations, case_id: str | None) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, message) of each pin that could never hold or never fail: an interval whose
    low end is above its high end, or a file that pins another case than ``case_id``."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if case_id is not None and exp.case != case_id:
        out.append((("case",), f"pins case {exp.case!r}, but this folder holds case {case_id!r}"))
    for sc, pins in exp.scenarios.items():
        named: list[tuple[tuple[str | int, ...], Pin | None]] = [
            (("scenarios", sc, "composite"), pins.composite),
            (("scenarios", sc, "coverage"), pins.coverage),
            *((("scenarios", sc, "factors", f), p) for f, p in pins.factors.items())]
        for loc, p in named:
            if isinstance(p, Between) and p.between[0] > p.between[1]:
                out.append(((*loc, "between"), f"interval [{p.between[0]}, {p.between[1]}] is "
                                               "empty: its low end is above its high end"))
    return out


# ----------------------------------------------------------------------------- pin


def pin(result: Result, reason: str = "initial pin",
        tolerance: float = DEFAULT_TOLERANCE) -> Expectations:
    """Expectations that hold exactly for ``result``."""
    scenarios = {}
    for sc in result.scenario_ids:
        scenarios[sc] = ScenarioPins(
            composite=result.composite(sc), band=result.band(sc), coverage=result.coverage(sc),
            factors={f.id: result.factor_score(sc, f.id) for f in result.case.rubric.factors},
        )
    stamp = RubricStamp(id=result.case.rubric.id, version=result.case.rubric.version,
                        sha256=rubric_sha256(result.case))
    inputs = inputs_sha256(result.case)
    return Expectations(case=result.case.meta.id, rubric=stamp, inputs_sha256=inputs,
                        tolerance=tolerance, scenarios=scenarios,
                        history=[HistoryEntry(reason=reason, rubric_version=stamp.version,
                                              inputs_sha256=inputs)])


# ----------------------------------------------------------------------------- check


def _fmt(x: float | None) -> str:
    return "none (factor excluded)" if x is None else f"{x:.10g}"


def _compare(pinned: Pin | None, actual: float | None, default_tol: float) -> tuple[str, float | None, bool]:
    """(expected text, delta, holds) for one pinned number."""
    if pinned is None:
        return "none (factor excluded)", None, actual is None
    if actual is None or not math.isfinite(actual):
        expected = _pin_text(pinned, default_tol)
        return expected, None, False
    if isinstance(pinned, Between):
        lo, hi = pinned.between
        return f"[{lo:g}, {hi:g}]", None, lo <= actual <= hi
    value, tol = ((pinned.value, pinned.tolerance) if isinstance(pinned, Approx)
                  else (pinned, default_tol))
    delta = actual - float(value)
    return _pin_text(pinned, default_tol), delta, abs(delta) <= tol


def _pin_text(pinned: Pin, default_tol: float) -> str:
    if isinstance(pinned, Between):
        return f"[{pinned.between[0]:g}, {pinned.between[1]:g}]"
    if isinstance(pinned, Approx):
        return f"{pinned.value:.10g} ± {pinned.tolerance:g}"
    return f"{pinned:.10g}"


def check(exp: Expectations, result: Result) -> list[Drift]:
    """Every pinned number against ``result``; rows with ``ok`` False are drifts."""
    rows: list[Drift] = []
    case = exp.case
    for sc, pins in exp.scenarios.items():
        if sc not in result.scenario_ids:
            rows.append(Drift(case, sc, f"{sc}/composite", "a scenario", "missing", None, False))
            continue
        numbers: list[tuple[str, Pin | None, float | None]] = []
        if pins.composite is not None:
            numbers.append((f"{sc}/composite", pins.composite, result.composite(sc)))
        if pins.coverage is not None:
            numbers.append((f"{sc}/coverage", pins.coverage, result.coverage(sc)))
        factor_ids = {f.id for f in result.case.rubric.factors}
        for f, pinned in pins.factors.items():
            actual = result.factor_score(sc, f) if f in factor_ids else None
            if f not in factor_ids:
                rows.append(Drift(case, sc, f"{sc}/factor/{f}/score", _fmt_pin(pinned, exp),
                                  "no such factor", None, False))
                continue
            numbers.append((f"{sc}/factor/{f}/score", pinned, actual))
        for rid, pinned, actual in numbers:
            expected, delta, ok = _compare(pinned, actual, float(exp.tolerance))
            rows.append(Drift(case, sc, rid, expected, _fmt(actual), delta, ok))
        if pins.band is not None:
            band = result.band(sc)
            rows.append(Drift(case, sc, f"{sc}/band", pins.band, band, None, band == pins.band))
    return rows


def _fmt_pin(pinned: Pin | None, exp: Expectations) -> str:
    return "none (factor excluded)" if pinned is None else _pin_text(pinned, float(exp.tolerance))


def stamp_notes(exp: Expectations, result: Result) -> list[str]:
    """Sentences saying what the expectations were pinned against, when that differs now."""
    notes = []
    rub = result.case.rubric
    if (exp.rubric.id, exp.rubric.version) != (rub.id, rub.version):
        notes.append(f"pinned against rubric {exp.rubric.id} {exp.rubric.version}; "
                     f"the case now uses {rub.id} {rub.version}")
    elif exp.rubric.sha256 != rubric_sha256(result.case):
        notes.append(f"rubric {rub.id} {rub.version} has changed content since the pin "
                     "but not its version: bump the version (scoring rubric-bump)")
    if exp.inputs_sha256 != inputs_sha256(result.case):
        notes.append("the case's evidence inputs have changed since the pin")
    return notes


# ----------------------------------------------------------------------------- update


def _moved(old: Pin | None, new: float | None) -> Pin | None:
    if new is None:
        return None
    if isinstance(old, Approx):
        return Approx(value=new, tolerance=old.tolerance)
    if isinstance(old, Between) and old.between[0] <= new <= old.between[1]:
        return old
    return new


def update(exp: Expectations, result: Result, reason: str) -> Expectations:
    """``exp`` re-pinned to ``result``: every pinned number takes its new value (keeping its
    form and tolerance; an interval that still holds is kept), stamps are renewed, and the
    reason is added to the history with the ids that moved."""
    drifts = {d.id: d for d in check(exp, result)}
    moved = [f"{d.id}: {d.expected} -> {d.actual}" for d in drifts.values() if not d.ok]
    scenarios = {}
    for sc in result.scenario_ids:
        old = exp.scenarios.get(sc, ScenarioPins())
        keys = old.factors.keys() if sc in exp.scenarios else [f.id for f in result.case.rubric.factors]
        scenarios[sc] = ScenarioPins(
            composite=_moved(old.composite, result.composite(sc))
            if old.composite is not None or sc not in exp.scenarios else None,
            band=result.band(sc) if old.band is not None or sc not in exp.scenarios else None,
            coverage=_moved(old.coverage, result.coverage(sc))
            if old.coverage is not None or sc not in exp.scenarios else None,
            factors={f: _moved(old.factors.get(f), result.factor_score(sc, f))
                     for f in keys if f in {x.id for x in result.case.rubric.factors}},
        )
    rub = result.case.rubric
    inputs = inputs_sha256(result.case)
    entry = HistoryEntry(reason=reason, rubric_version=rub.version, inputs_sha256=inputs,
                         moved=moved)
    return Expectations(case=exp.case,
                        rubric=RubricStamp(id=rub.id, version=rub.version,
                                           sha256=rubric_sha256(result.case)),
                        inputs_sha256=inputs, tolerance=exp.tolerance, scenarios=scenarios,
                        history=[*exp.history, entry][-HISTORY_LIMIT:])


def to_yaml_data(exp: Expectations) -> dict[str, Any]:
    """Plain data for yaml.safe_dump, in the documented key order."""
    data = exp.model_dump(mode="json", exclude_none=False)
    for pins in data["scenarios"].values():
        for key in ("composite", "band", "coverage"):
            if pins[key] is None:
                del pins[key]
    return data
