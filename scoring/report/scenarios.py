"""Each scenario as the report shows it: its composite and band, the factor table that is the
composite's derivation (weights, normalised weights, scores, contributions, each a cell
anchoring its trace id), the contribution chart, its changes, gates and overrides, its
robustness and its first screen."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from ..method.kernel import BASE
from .first_screen import ShareRow, attribution, first_screen
from .numbers import Numbers, everything_local, factor_local
from .parts import Cell, Link, Num
from .robustness import Robustness, build_robustness

CHART_WIDTH = 640  # px of the 0..scale-max axis in the contribution charts
N_PALETTE = 8


def scenario_views(n: Numbers) -> tuple[ScenarioView, ...]:
    """Every scenario of the result, base first."""
    fac = n.result.frames.factors
    # the factor frame's rows by (scenario, factor), read column by column once
    factor_rows = {
        (str(sc), str(f)): (bool(ev), bool(imp), wc, int(k))
        for sc, f, ev, imp, wc, k in zip(fac["scenario"], fac["factor"], fac["has_evidence"],
                                         fac["imputed"], fac["weight_change"],
                                         fac["n_items"], strict=True)}
    return tuple(scenario(n, sc, factor_rows) for sc in n.sids)


@dataclass(frozen=True)
class Segment:
    """One bar of a contribution chart (geometry precomputed in px)."""

    x: float
    width: float
    palette: int
    factor: str
    value: Num


@dataclass(frozen=True)
class FactorRow:
    id: str
    name: str
    polarity: str
    weight: Num
    normalised_weight: Num
    score: Num
    contribution: Num
    n_items: int
    status: str  # "evidence", "imputed" or "excluded", in words
    weight_changed_by: tuple[Link, ...]
    spread: Num | None
    contested: bool
    higher: tuple[Link, ...]  # when contested: items above the factor score
    lower: tuple[Link, ...]  # ... and at or below it
    # the derivations in place (anchors of the weight, normalised weight and contribution);
    # no normalised-weight cell where the composite has no normalised weights (points)
    weight_cell: Cell | None = None
    normalised_cell: Cell | None = None
    contribution_cell: Cell | None = None


@dataclass(frozen=True)
class ChangeView:
    id: str
    op: str
    summary: str
    rationale: str


@dataclass(frozen=True)
class GateView:
    id: str
    description: str | None
    fired: bool
    detail: str  # the condition, with the factor score written in
    after: Num | None  # the composite after the gate (when it fired)
    band_rule: str | None
    changed: bool = False  # it moved the composite, or its band rule moved the band


@dataclass(frozen=True)
class OverrideView:
    entry_id: str
    reason_code: str
    reason: str
    author: str
    rationale: str
    moves: str
    after: Num


@dataclass(frozen=True)
class ScenarioView:
    id: str
    name: str
    narrative: str
    composite: Num
    band: str
    band_id: str
    coverage: Num
    change_vs_base: Num | None
    factors: tuple[FactorRow, ...]
    segments: tuple[Segment, ...]
    changes: tuple[ChangeView, ...]
    assumed: bool
    robustness: Robustness | None
    indicated: Num
    gates: tuple[GateView, ...]
    overrides: tuple[OverrideView, ...]
    attribution: tuple[ShareRow, ...] = ()  # the change against base, split among changes
    waterfall_height: int = 0
    # the first screen: distance to the nearest band edge (and that band), the simulated
    # chance of each band reached, and the two or three drivers that matter most
    margin: Num | None = None
    nearest: str | None = None
    chances: tuple[tuple[str, Num], ...] = ()
    drivers: tuple[tuple[Link, Num], ...] = ()
    indicated_cell: Cell | None = None  # the anchor of the indicated composite


def scenario(n: Numbers, sc: str,
             frame_rows: dict[tuple[str, str], tuple[bool, bool, Any, int]]) -> ScenarioView:
    c = n.case
    meta = next((s for s in c.scenarios if s.id == sc), None)
    factor_rows = []
    for f in c.rubric.factors:
        has_evidence, imputed, wchange, n_items = frame_rows[(sc, f.id)]
        status = ("evidence" if has_evidence else "imputed" if imputed else "excluded")
        spread_id = f"{sc}/factor/{f.id}/spread"
        spread = n.trace.get(spread_id)
        sides = spread.detail if spread is not None else {}
        contested = bool(sides.get("contested", False))

        def links(ids: list[str], sc: str = sc) -> tuple[Link, ...]:
            return tuple(Link(_origin(n, sc, i), i) for i in ids)

        p = f"{sc}/factor/{f.id}"
        factor_rows.append(FactorRow(
            f.id, f.name, f.polarity, n.num(f"{p}/weight"),
            _norm(n, sc, f.id), n.num(f"{p}/score"),
            n.num(f"{p}/contribution"), n_items, status,
            (Link(wchange, wchange),) if isinstance(wchange, str) else (),
            n.num(spread_id) if spread is not None else None, contested,
            links(sides.get("higher_risk_items", [])) if contested else (),
            links(sides.get("lower_risk_items", [])) if contested else (),
            n.cell(f"{p}/weight", factor_local),
            n.cell(f"{p}/normalised_weight", factor_local)
            if f"{p}/normalised_weight" in n.trace else None,
            n.cell(f"{p}/contribution", factor_local)))
    changes = tuple(
        ChangeView(f"{sc}/change/{i + 1}", ch.op, _change_summary(ch.model_dump()),
                   ch.rationale)
        for i, ch in enumerate(meta.changes)) if meta else ()
    view = ScenarioView(
        sc, meta.name if meta else "Base (as sourced)",
        meta.narrative if meta else (c.meta.base_narrative or "The case as sourced."),
        n.num(f"{sc}/composite"), n.result.band(sc), f"{sc}/band",
        n.num(f"{sc}/coverage"),
        n.num(f"{sc}/change_vs_base") if sc != BASE else None,
        tuple(factor_rows), segments(n, sc), changes,
        bool(n.trace[f"{sc}/composite"].assumptions),
        build_robustness(n.result, sc, n.num,
                         lambda rid: n.cell(rid, everything_local)),
        n.num(f"{sc}/indicated_composite"), *judgement(n, sc),
        *attribution(n, sc, meta))
    margin, nearest, chances, drivers = first_screen(n, sc, meta)
    return dataclasses.replace(view, margin=margin, nearest=nearest, chances=chances,
                               drivers=drivers, indicated_cell=n.cell(
                                   f"{sc}/indicated_composite", factor_local))


def judgement(n: Numbers, sc: str) -> tuple[tuple[GateView, ...], tuple[OverrideView, ...]]:
    j = n.result.judgements.get(sc)
    if j is None:
        return (), ()
    gates = {g.id: g for g in n.case.rubric.gates}
    codes = n.case.rubric.overrides.reason_codes
    gviews, oviews = [], []
    for st in j.steps:
        if st.kind == "gate":
            after = n.num(f"{sc}/gate/{st.id}") if st.fired else None
            moved_band = st.band_rule is not None and j.band != j.band_of_final
            gviews.append(GateView(st.id, gates[st.id].description, st.fired, st.detail,
                                   after, st.band_rule,
                                   st.fired and (st.before != st.after or moved_band)))
        else:
            entry = n.trace[f"{sc}/override/{st.id}/entry"]
            d = entry.detail
            moves = ", ".join(m for m in (
                f"{d['points']:+g} points" if d.get("points") is not None else "",
                f"{d['bands']:+d} bands" if d.get("bands") else "") if m)
            oviews.append(OverrideView(entry.id, str(d["reason_code"]),
                                       codes.get(str(d["reason_code"]), ""),
                                       str(d["author"]), str(d["rationale"]), moves,
                                       n.num(f"{sc}/override/{st.id}")))
    return tuple(gviews), tuple(oviews)


def _origin(n: Numbers, sc: str, item: str) -> str:
    rid = f"{sc}/assumption/{item}"
    return rid if rid in n.trace else f"item/{item}"


def _norm(n: Numbers, sc: str, factor: str) -> Num:
    rid = f"{sc}/factor/{factor}/normalised_weight"
    return n.num(rid) if rid in n.trace else n.num(f"{sc}/factor/{factor}/weight")


def segments(n: Numbers, sc: str) -> tuple[Segment, ...]:
    scale = n.case.rubric.scale
    if scale.lo != 0 or scale.hi == math.inf or n.case.rubric.composite == "points":
        return ()  # contributions of either sign on no fixed width: the table shows them
    hi = scale.hi
    x = 0.0
    out = []
    for k, f in enumerate(n.case.rubric.factors):
        c = n.num(f"{sc}/factor/{f.id}/contribution")
        value = float(c.raw) if c.raw else 0.0
        width = value / hi * CHART_WIDTH
        if width > 0:
            out.append(Segment(round(x, 3), round(width, 3), k % N_PALETTE, f.name, c))
        x += width
    return tuple(out)


def _change_summary(data: dict[str, object]) -> str:
    op = data["op"]
    if op == "set_weight":
        return f"weight of {data['factor']} set to {data['weight']}"
    if op == "drop_item":
        return f"item {data['item']} dropped"
    if op == "set_value":
        return f"value of {data['item']} set to {data['value']}"
    if op == "shift_value":
        return f"value of {data['item']} shifted by {data['by']}"
    if op == "set_confidence":
        return f"confidence in {data['item']} set to {data['confidence']}"
    item = data["item"]
    assert isinstance(item, dict)
    return (f"assumption {item['id']} added to {item['factor']}: value {item['value']}, "
            f"confidence {item['confidence']}")
