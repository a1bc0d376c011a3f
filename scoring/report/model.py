"""The report model: everything the HTML report shows, built in Python before rendering.

The template only displays these objects; it computes nothing. Every number is a
:class:`Num` that carries its trace id (the anchor it links to), its display string and its
full-precision value, read from the result's trace records. docs/report.md documents each
field of :class:`ReportPage` (a test checks that it documents every one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from ..analysis.result import Result
from ..formats.checks_judgement import scale_text
from ..formats.models import Gate, Rubric
from ..method.kernel import BASE
from ..trace.core import TraceRecord
from ..trace.records import band_rule, mapping_text
from ..version import __version__
from .evidence_table import (
    FACTOR_QUANTITIES,
    ITEM_QUANTITIES,
    FactorGroup,
    ItemInScenario,
    ItemRow,
    Quantity,
    cells,
    short_title,
)
from .parts import Cell, Derivation, Link, Num, SourceRefView

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.verify import Verification
    from .changes import WhatChanged
    from .robustness import Robustness
    from .trend import Trend

SAFE_SCHEMES = ("http", "https", "mailto")
WATERFALL_WIDTH = 480  # px of the waterfall of a scenario's change against base
CHART_WIDTH = 640  # px of the 0..scale-max axis in the contribution charts
N_PALETTE = 8


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


@dataclass(frozen=True)
class ShareRow:
    """One change's Shapley share of a scenario's change against base, and its bar in the
    waterfall (px): from the running total before it to the one after it."""

    change: Link
    op: str
    share: Num
    x: float
    width: float
    y: int
    up: bool


@dataclass(frozen=True)
class ItemView:
    id: str
    factor: str
    claim: str
    value: str
    indicator: str | None
    confidence: str
    observed: str
    excerpt: str | None
    sources: tuple[SourceRefView, ...]
    verification: str  # the excerpt's status in words (verified / unverifiable / FAILED / ...)


@dataclass(frozen=True)
class FigureView:
    """A reported figure of the case (``figure/<id>``)."""

    id: str
    figure: str
    name: str
    period: str
    value: Num
    unit: str | None
    observed: str
    claim: str | None
    excerpt: str | None
    sources: tuple[SourceRefView, ...]


@dataclass(frozen=True)
class MeasureView:
    """A measure of the rubric (``rubric/measure/<id>``), its value for the case and the
    factor it scores (whose row is ``item/<id>``)."""

    id: str
    name: str
    formula: str
    value: Num
    factor: Link | None


@dataclass(frozen=True)
class SourceView:
    id: str
    title: str
    title_en: str | None  # an English gloss of a title in another language
    age_days: int | None  # the case's as_of minus the source's date
    publisher: str | None
    date: str | None
    language: str
    kind: str
    reliability: str
    multiplier: Num
    url: str | None  # kept only when http, https or mailto
    url_text: str | None  # shown (not linked) when the scheme is not allowed
    cited_as: str | None
    notes: str | None
    cited_by: tuple[Link, ...]


@dataclass(frozen=True)
class AssumptionView:
    id: str
    scenario: str
    factor: str
    value: str
    claim: str
    rationale: str
    change: Link


@dataclass(frozen=True)
class DerivationGroup:
    title: str
    id: str
    entries: tuple[Derivation, ...]


@dataclass(frozen=True)
class RubricFactorView:
    id: str
    name: str
    description: str | None
    weight: Num
    polarity: str
    aggregation: str
    missing: str
    indicators: tuple[tuple[str, str, str], ...]  # (anchor id, name, mapping text)


@dataclass(frozen=True)
class BandView:
    name: str
    min: str
    max: str
    description: str | None


@dataclass(frozen=True)
class Formula:
    name: str
    formula: str
    example: Num
    expression: str


@dataclass(frozen=True)
class InputView:
    role: str
    path: str
    sha256: str


@dataclass(frozen=True)
class PeerCell:
    """One score of one scenario among the case's peers (``None``: the case has no such
    score, an excluded factor)."""

    rank: Num | None
    n: int
    percentile: Num | None
    median: Num | None


@dataclass(frozen=True)
class PeerRow:
    what: str  # "Composite" or the factor's name
    cells: tuple[PeerCell, ...]  # one per scenario, base first


@dataclass(frozen=True)
class PeersView:
    """The case among its peer group (``analysis/peers.py``): per score and scenario."""

    group: str
    scenarios: tuple[str, ...]
    rows: tuple[PeerRow, ...]


@dataclass(frozen=True)
class ReportPage:
    title: str
    entity: str
    ticker: str | None
    case_id: str
    description: str | None
    as_of: str
    rubric_id: str
    rubric_version: str
    rubric_title: str
    scale: str
    scenarios: tuple[ScenarioView, ...]
    palette: tuple[tuple[int, str], ...]  # (palette index, factor name) legend
    items: tuple[ItemView, ...]
    evidence: tuple[FactorGroup, ...]  # the one evidence table, by factor
    assumptions: tuple[AssumptionView, ...]
    sources: tuple[SourceView, ...]
    figures: tuple[FigureView, ...]
    measures: tuple[MeasureView, ...]
    intercept: Num | None  # a points composite's
    band_rule: str
    rubric_factors: tuple[RubricFactorView, ...]
    bands: tuple[BandView, ...]
    reliability: tuple[tuple[str, Num], ...]
    half_life: Num | None
    formulas: tuple[Formula, ...]
    derivations: tuple[DerivationGroup, ...]
    inputs: tuple[InputView, ...]
    engine_version: str
    generated_at: str | None
    chart_width: int
    band_ticks: tuple[tuple[float, str], ...]  # (x px, label) on the chart axis
    rubric_sha256: str
    changes: WhatChanged | None
    gates: tuple[tuple[str, str, str, str | None], ...]  # (id, when, then, description)
    snapshots: tuple[tuple[str, str, str, str], ...] | None  # (source, path, status, note)
    integrity: tuple[tuple[str, str], ...]  # (anchor id, rule in words) for the rubric's
    # max_age_days, contested_spread and min_coverage
    override_policy: str
    reason_codes: tuple[tuple[str, str], ...]
    trend: Trend | None = None  # the case at several as-of dates, when asked for
    peers: PeersView | None = None  # the case among its peer group, in a universe


def safe_url(url: str | None) -> str | None:
    """The URL if its scheme is http, https or mailto; None for anything else
    (javascript:, data:, file:, relative paths...)."""
    if not url:
        return None
    text = url.strip()
    if any(ord(ch) < 32 for ch in text):
        return None
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    return text if scheme in SAFE_SCHEMES else None


def _texts(column: pd.Series) -> list[str]:
    """``column.astype(str)`` as a list, without pandas' string conversion of the column."""
    return [str(x) for x in column.tolist()]


def _flags(column: pd.Series) -> list[bool]:
    return [bool(x) for x in column.tolist()]


class _Builder:
    def __init__(self, result: Result) -> None:
        self.result = result
        self.trace = result.trace
        self.case = result.case
        self.sids = result.scenario_ids
        # what the evidence table shows of each scenario: its items' and factors' numbers
        self._shown = {sc: (f"{sc}/item/", f"{sc}/factor/") for sc in self.sids}
        # A number is shown in its table and linked from every derivation that uses it: its
        # Num is made once.
        self._nums: dict[str, Num] = {}
        self._refs: dict[str, Num | Link] = {}
        self._links: dict[str, Link] = {}
        # The frames' rows by (scenario, factor), read column by column once, not filtered
        # per scenario and factor.
        fac = result.frames.factors
        self._factor_rows = {
            (str(sc), str(f)): (bool(ev), bool(imp), wc, int(n))
            for sc, f, ev, imp, wc, n in zip(fac["scenario"], fac["factor"], fac["has_evidence"],
                                             fac["imputed"], fac["weight_change"],
                                             fac["n_items"], strict=True)}
        self._item_rows: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        its = result.frames.items
        for row in zip(_texts(its["scenario"]), _texts(its["factor"]), _texts(its["item"]),
                       _flags(its["assumption"]), its["value_changes"].tolist(),
                       its["confidence_changes"].tolist(), _texts(its["grade"]),
                       _flags(its["stale"]), strict=True):
            self._item_rows.setdefault((row[0], row[1]), []).append(row[2:])
        drops = result.frames.drops
        self._drops: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for sc, f, item, change in zip(_texts(drops["scenario"]), _texts(drops["factor"]),
                                       _texts(drops["item"]), _texts(drops["change"]),
                                       strict=True):
            self._drops.setdefault((sc, f), []).append((item, change))

    def num(self, rid: str) -> Num:
        n = self._nums.get(rid)
        return self._num_of(self.trace[rid]) if n is None else n

    def _num_of(self, rec: TraceRecord) -> Num:
        n = self._nums.get(rec.id)
        if n is None:
            raw = "" if rec.value is None else (
                rec.value if isinstance(rec.value, str) else repr(float(rec.value)))
            n = self._nums[rec.id] = Num(rec.id, rec.display, raw, self._assumed(rec))
        return n

    def _assumed(self, rec: TraceRecord) -> bool:
        """Whether a number depends on an assumption or a scenario change: it rests on one
        (``assumptions``) and its value is not what the same number is in base. A scenario's
        coverage of 100 %, or a factor no change touched, equals base and is not marked."""
        if not rec.assumptions:
            return False
        head, _, rest = rec.id.partition("/")
        twin = self.trace.get(f"{BASE}/{rest}") if head != BASE and rest else None
        return twin is None or twin.value != rec.value

    def ref(self, rid: str) -> Num | Link:
        x = self._refs.get(rid)
        if x is None:
            rec = self.trace[rid]
            if rec.kind == "number":
                x = self.num(rid)
            else:
                x = Link(rid, rid if rec.kind != "band" else f"{rid} = {rec.display}")
            self._refs[rid] = x
        return x

    # ------------------------------------------------------------------ scenarios
    def scenario(self, sc: str) -> ScenarioView:
        from .robustness import build_robustness

        c = self.case
        meta = next((s for s in c.scenarios if s.id == sc), None)
        factor_rows = []
        for f in c.rubric.factors:
            has_evidence, imputed, wchange, n_items = self._factor_rows[(sc, f.id)]
            status = ("evidence" if has_evidence else "imputed" if imputed else "excluded")
            spread_id = f"{sc}/factor/{f.id}/spread"
            spread = self.trace.get(spread_id)
            sides = spread.detail if spread is not None else {}
            contested = bool(sides.get("contested", False))

            def links(ids: list[str], sc: str = sc) -> tuple[Link, ...]:
                return tuple(Link(self._origin(sc, i), i) for i in ids)

            p = f"{sc}/factor/{f.id}"
            factor_rows.append(FactorRow(
                f.id, f.name, f.polarity, self.num(f"{p}/weight"),
                self._norm(sc, f.id), self.num(f"{p}/score"),
                self.num(f"{p}/contribution"), n_items, status,
                (Link(wchange, wchange),) if isinstance(wchange, str) else (),
                self.num(spread_id) if spread is not None else None, contested,
                links(sides.get("higher_risk_items", [])) if contested else (),
                links(sides.get("lower_risk_items", [])) if contested else (),
                self.cell(f"{p}/weight", self._factor_local),
                self.cell(f"{p}/normalised_weight", self._factor_local)
                if f"{p}/normalised_weight" in self.trace else None,
                self.cell(f"{p}/contribution", self._factor_local)))
        changes = tuple(
            ChangeView(f"{sc}/change/{i + 1}", ch.op, _change_summary(ch.model_dump()),
                       ch.rationale)
            for i, ch in enumerate(meta.changes)) if meta else ()
        view = ScenarioView(
            sc, meta.name if meta else "Base (as sourced)",
            meta.narrative if meta else (c.meta.base_narrative or "The case as sourced."),
            self.num(f"{sc}/composite"), self.result.band(sc), f"{sc}/band",
            self.num(f"{sc}/coverage"),
            self.num(f"{sc}/change_vs_base") if sc != BASE else None,
            tuple(factor_rows), self.segments(sc), changes,
            bool(self.trace[f"{sc}/composite"].assumptions),
            build_robustness(self.result, sc, self.num,
                             lambda rid: self.cell(rid, _everything_local)),
            self.num(f"{sc}/indicated_composite"), *self.judgement(sc),
            *self.attribution(sc, meta))
        margin, nearest, chances, drivers = self.first_screen(sc, meta)
        return dataclasses.replace(view, margin=margin, nearest=nearest, chances=chances,
                                   drivers=drivers, indicated_cell=self.cell(
                                       f"{sc}/indicated_composite", self._factor_local))

    def cell(self, rid: str, local: Callable[[str, str], bool]) -> Cell:
        """The derivation in place of one number (a cell of one scenario)."""
        c = cells(self.trace, [rid], local, self._num_of, self.ref)[0]
        assert c is not None
        return c

    @staticmethod
    def _factor_local(rid: str, i: str) -> bool:
        """In a scenario's factor table, the factors' weights, normalised weights, scores and
        contributions are shown (the scores link onward to the evidence table)."""
        return i.startswith(rid.partition("/")[0] + "/factor/")

    def first_screen(self, sc: str, meta: Any) -> tuple[Num | None, str | None,
                                             tuple[tuple[str, Num], ...],
                                             tuple[tuple[Link, Num], ...]]:
        """What a reviewer asks first of a scenario: how far from the next band, how sure
        (the Monte Carlo's share of draws per band), and what drives it (for a scenario its
        largest shares of the change against base; for base its largest contributions)."""
        rid = f"{sc}/band_margin"
        margin = self.num(rid) if rid in self.trace else None
        nearest = str(self.trace[rid].detail["nearest_band"]) if rid in self.trace else None
        sim = self.result.simulations.get(sc)
        chances = tuple((band, self.num(f"{sc}/simulation/band/{band}"))
                        for band, p in (sim.band_probability if sim else ()) if p > 0)
        att = self.result.attributions.get(sc)
        if att is not None:
            tails = [p.rsplit("/", 1)[-1] for p in att.players]
            ops = {f"{sc}/change/{i + 1}": ch.op for i, ch in enumerate(meta.changes)}
            pairs = [(Link(p if t != "overrides" else f"scenario/{sc}",
                           f"change {t} ({ops.get(p, 'overrides')})"),
                      f"{sc}/attribution/{t}", abs(v))
                     for p, t, v in zip(att.players, tails, att.values.tolist(), strict=True)]
        else:
            names = {f.id: f.name for f in self.case.rubric.factors}
            pairs = []
            for f in self.case.rubric.factors:
                cid = f"{sc}/factor/{f.id}/contribution"
                value = self.trace[cid].value
                if isinstance(value, float):
                    pairs.append((Link(f"rubric/factor/{f.id}", names[f.id]), cid, abs(value)))
        top = sorted(pairs, key=lambda t: -t[2])[:3]
        return margin, nearest, chances, tuple((link, self.num(rid)) for link, rid, _ in top)

    def attribution(self, sc: str, meta: Any) -> tuple[tuple[ShareRow, ...], int]:
        """The scenario's shares (``<sc>/attribution/<n>``) as rows and waterfall bars."""
        att = self.result.attributions.get(sc)
        if att is None or meta is None:
            return (), 0
        base = float(att.composites[0])
        ends = base + np.cumsum(att.values)
        starts = np.concatenate([[base], ends[:-1]])
        lo = float(min(base, starts.min(initial=base), ends.min(initial=base)))
        hi = float(max(base, starts.max(initial=base), ends.max(initial=base)))
        width = hi - lo or 1.0

        def px(v: float) -> float:
            return round((v - lo) / width * WATERFALL_WIDTH, 3)

        rows = []
        ops = {f"{sc}/change/{i + 1}": ch.op for i, ch in enumerate(meta.changes)}
        for k, (player, a, b) in enumerate(zip(att.players, starts.tolist(), ends.tolist(),
                                                strict=True)):
            tail = player.rsplit("/", 1)[-1]
            rows.append(ShareRow(Link(player if tail != "overrides" else f"scenario/{sc}",
                                      player), ops.get(player, "overrides"),
                                 self.num(f"{sc}/attribution/{tail}"), px(min(a, b)),
                                 max(round(abs(px(b) - px(a)), 3), 1.0), 18 * k + 4, b >= a))
        return tuple(rows), 18 * len(rows) + 8

    def judgement(self, sc: str) -> tuple[tuple[GateView, ...], tuple[OverrideView, ...]]:
        j = self.result.judgements.get(sc)
        if j is None:
            return (), ()
        gates = {g.id: g for g in self.case.rubric.gates}
        codes = self.case.rubric.overrides.reason_codes
        gviews, oviews = [], []
        for st in j.steps:
            if st.kind == "gate":
                after = self.num(f"{sc}/gate/{st.id}") if st.fired else None
                moved_band = st.band_rule is not None and j.band != j.band_of_final
                gviews.append(GateView(st.id, gates[st.id].description, st.fired, st.detail,
                                       after, st.band_rule,
                                       st.fired and (st.before != st.after or moved_band)))
            else:
                entry = self.trace[f"{sc}/override/{st.id}/entry"]
                d = entry.detail
                moves = ", ".join(m for m in (
                    f"{d['points']:+g} points" if d.get("points") is not None else "",
                    f"{d['bands']:+d} bands" if d.get("bands") else "") if m)
                oviews.append(OverrideView(entry.id, str(d["reason_code"]),
                                           codes.get(str(d["reason_code"]), ""),
                                           str(d["author"]), str(d["rationale"]), moves,
                                           self.num(f"{sc}/override/{st.id}")))
        return tuple(gviews), tuple(oviews)

    def _origin(self, sc: str, item: str) -> str:
        rid = f"{sc}/assumption/{item}"
        return rid if rid in self.trace else f"item/{item}"

    def _norm(self, sc: str, factor: str) -> Num:
        rid = f"{sc}/factor/{factor}/normalised_weight"
        return self.num(rid) if rid in self.trace else self.num(f"{sc}/factor/{factor}/weight")

    def segments(self, sc: str) -> tuple[Segment, ...]:
        scale = self.case.rubric.scale
        if scale.lo != 0 or scale.hi == math.inf or self.case.rubric.composite == "points":
            return ()  # contributions of either sign on no fixed width: the table shows them
        hi = scale.hi
        x = 0.0
        out = []
        for k, f in enumerate(self.case.rubric.factors):
            n = self.num(f"{sc}/factor/{f.id}/contribution")
            value = float(n.raw) if n.raw else 0.0
            width = value / hi * CHART_WIDTH
            if width > 0:
                out.append(Segment(round(x, 3), round(width, 3), k % N_PALETTE, f.name, n))
            x += width
        return tuple(out)

    # ------------------------------------------------------------------ the evidence table
    def evidence_table(self, items: tuple[ItemView, ...]) -> tuple[FactorGroup, ...]:
        """The one evidence table: per factor, its score in each scenario, then each of its
        items once (as sourced, then the scenarios' assumptions) with its numbers in every
        scenario and, folded, how each is computed."""
        sids = self.sids
        views = {v.id: v for v in items}
        trace = self.trace
        out = []
        for f in self.case.rubric.factors:
            rows: dict[str, dict[str, tuple[Any, ...]]] = {}
            for sc in sids:
                for row in self._item_rows.get((sc, f.id), ()):
                    rows.setdefault(row[0], {})[sc] = row
            drops = {(sc, item): change for sc in sids
                     for item, change in self._drops.get((sc, f.id), ())}
            order = [v.id for v in items if v.factor == f.id]
            order += [i for i in rows if i not in views]
            item_rows = tuple(self._item_row(item, rows.get(item, {}), drops, views.get(item))
                              for item in order)

            def factor_local(rid: str, i: str, f: str = f.id) -> bool:
                sc = rid.partition("/")[0]
                return i.startswith((f"{sc}/item/", f"{sc}/factor/{f}/"))

            quantities = tuple(
                Quantity(label, next(trace[i].formula for i in ids if i is not None),
                         cells(trace, ids, factor_local, self._num_of, self.ref))
                for q, label in FACTOR_QUANTITIES
                for ids in [[f"{sc}/factor/{f.id}/{q}" if f"{sc}/factor/{f.id}/{q}" in trace
                             else None for sc in sids]]
                if any(i is not None for i in ids))
            out.append(FactorGroup(f.id, f.name, f.aggregation, f.polarity, quantities,
                                   item_rows))
        return tuple(out)

    def _item_row(self, item: str, rows: dict[str, tuple[Any, ...]],
                  drops: dict[tuple[str, str], str], view: ItemView | None) -> ItemRow:
        sids = self.sids
        trace = self.trace
        assumed = [f"{sc}/assumption/{item}" for sc in sids
                   if f"{sc}/assumption/{item}" in trace]
        assumption = view is None and bool(assumed)
        # an item as sourced; a scenario's assumption; or a measure's row (item/<measure>,
        # whose anchor is in the measures table)
        origin = assumed[0] if assumption else f"item/{item}"
        per: list[ItemInScenario | Link | None] = []
        for sc in sids:
            row = rows.get(sc)
            if row is not None:
                p = f"{sc}/item/{item}"
                per.append(ItemInScenario(
                    self.num(f"{p}/risk_value"), self.num(f"{p}/effective_weight"),
                    tuple(self._link(c) for c in (*row[2], *row[3]))))
            else:
                change = drops.get((sc, item))
                per.append(self._link(change) if change else None)

        shown = self._shown

        def local(rid: str, i: str) -> bool:
            """The evidence table shows the items' and the factors' numbers."""
            sc = rid[:rid.index("/")]
            return i == origin or i.startswith(shown[sc]) or i == f"{sc}/indicated_composite"

        quantities = []
        for q, label in (*ITEM_QUANTITIES, ("at_stake", "points at stake")):
            ids = [(f"{sc}/sensitivity/item/{item}/at_stake" if q == "at_stake"
                    else f"{sc}/item/{item}/{q}") for sc in sids]
            ids_in = [i if i in trace else None for i in ids]
            present = [i for i in ids_in if i is not None]
            if present:
                quantities.append(Quantity(label, trace[present[0]].formula,
                                           cells(trace, ids_in, local, self._num_of, self.ref)))
        stale = any(bool(r[5]) for r in rows.values())
        if view is not None:
            facts = (f"as sourced: value {view.value}"
                     + (f" (indicator {view.indicator})" if view.indicator else "")
                     + f" · confidence {view.confidence} · observed {view.observed}")
            return ItemRow(origin, Link(origin, item), view.claim, view.excerpt,
                           view.verification if view.excerpt else None, facts, view.sources,
                           tuple(per), tuple(quantities), False, stale)
        return ItemRow(None, Link(origin, item), trace[origin].label, None, None,
                       "assumed by a scenario, not sourced" if assumption else
                       "the rubric's measure of the reported figures", (), tuple(per),
                       tuple(quantities), assumption, stale)

    # ------------------------------------------------------------------ evidence & sources
    def items(self, verification: Verification | None) -> tuple[ItemView, ...]:
        titles = {s.id: s.title for s in self.case.sources}
        out = []
        for it in self.case.items:
            check = verification.status_of(it.id) if verification else None
            if not it.excerpt:
                status = "no excerpt"
            elif verification is None:
                status = "not checked in this run"
            elif check is None or check.status == "unverifiable":
                status = "unverifiable: no snapshot of a cited source at hand"
            elif check.status == "verified":
                status = f"verified in the snapshot of {', '.join(check.against)}"
            else:
                status = f"FAILED: not found in the snapshot of {', '.join(check.against)}"
            out.append(ItemView(
                it.id, it.factor, it.claim, str(it.value), it.indicator, str(it.confidence),
                str(it.observed), it.excerpt,
                tuple(SourceRefView(Link(f"source/{r.source}", r.source), r.locator,
                                    short_title(titles.get(r.source, "")),
                                    Link(f"source/{r.via}", r.via) if r.via else None)
                      for r in it.sources), status))
        return tuple(out)

    def figures(self) -> tuple[FigureView, ...]:
        names = {f.id: f.name for f in self.case.rubric.figures}
        figs, cites = self.case.evidence.figures, self.case.evidence.figure_refs
        out = []
        for k, (fid, fig, period, unit, observed, claim, excerpt) in enumerate(zip(
                figs["id"].tolist(), figs["figure"].tolist(), figs["period"].tolist(),
                figs["unit"].tolist(), figs["observed"].tolist(), figs["claim"].tolist(),
                figs["excerpt"].tolist(), strict=True)):
            mine = cites[cites["item"].to_numpy() == k]
            out.append(FigureView(
                fid, fig, names.get(fig, fig), period, self.num(f"figure/{fid}"), unit,
                observed, claim, excerpt,
                tuple(SourceRefView(Link(f"source/{s}", s), loc) for s, loc in zip(
                    mine["source"].tolist(), mine["locator"].tolist(), strict=True))))
        return tuple(out)

    def measures(self) -> tuple[MeasureView, ...]:
        scores = {f.measure: f for f in self.case.rubric.factors if f.measure}
        return tuple(MeasureView(
            m.id, m.name, m.formula, self.num(f"measure/{m.id}"),
            Link(f"rubric/factor/{scores[m.id].id}", scores[m.id].name) if m.id in scores
            else None) for m in self.case.rubric.measures if f"measure/{m.id}" in self.trace)

    def sources(self) -> tuple[SourceView, ...]:
        cited: dict[str, list[str]] = {}
        for it in self.case.items:
            for sid in (x for r in it.sources for x in (r.source, r.via) if x):
                cited.setdefault(sid, [])
                if it.id not in cited[sid]:
                    cited[sid].append(it.id)
        figs, cites = self.case.evidence.figures, self.case.evidence.figure_refs
        for k, s in zip(cites["item"].tolist(), cites["source"].tolist(), strict=True):
            rid = f"figure:{figs['id'].iloc[k]}"
            if rid not in cited.setdefault(s, []):
                cited[s].append(rid)
        out = []
        for s in self.case.sources:
            url = safe_url(s.url)
            out.append(SourceView(
                s.id, s.title, s.title_en,
                (self.case.meta.as_of - s.date).days if s.date else None,
                s.publisher, str(s.date) if s.date else None, s.language, s.kind,
                s.reliability, _rubric_num(self.trace[f"rubric/reliability/{s.reliability}"]),
                url, None if url or not s.url else s.url, s.cited_as, s.notes,
                tuple(Link(f"figure/{i[7:]}", i[7:]) if i.startswith("figure:")
                      else Link(f"item/{i}", i) for i in cited.get(s.id, []))))
        return tuple(out)

    def assumptions(self) -> tuple[AssumptionView, ...]:
        out = []
        for sc in self.case.scenarios:
            for i, ch in enumerate(sc.changes):
                if ch.op == "assume":
                    a = ch.item
                    cid = f"{sc.id}/change/{i + 1}"
                    out.append(AssumptionView(f"{sc.id}/assumption/{a.id}", sc.id, a.factor,
                                              str(a.value), a.claim, ch.rationale,
                                              Link(cid, cid)))
        return tuple(out)

    # ------------------------------------------------------------------ method & derivations
    def rubric_factors(self) -> tuple[RubricFactorView, ...]:
        out = []
        for f in self.case.rubric.factors:
            rec = self.trace[f"rubric/factor/{f.id}"]
            out.append(RubricFactorView(
                f.id, f.name, f.description, _rubric_num(self.trace[f"rubric/factor/{f.id}/weight"]),
                f.polarity, f.aggregation, str(rec.detail["missing"]),
                tuple((f"rubric/indicator/{f.id}/{i.id}", i.name, mapping_text(i.mapping))
                      for i in f.indicators)))
        return tuple(out)

    def formulas(self) -> tuple[Formula, ...]:
        first = self.case.rubric.factors[0].id
        item = str(self.result.frames.items["item"].iloc[0])  # the first row of base
        picks = [
            ("Effective weight", f"{BASE}/item/{item}/effective_weight"),
            ("Recency decay", f"{BASE}/item/{item}/decay"),
            ("Risk value", f"{BASE}/item/{item}/risk_value"),
            ("Factor score", f"{BASE}/factor/{first}/score"),
            ("Normalised weight", f"{BASE}/factor/{first}/normalised_weight")
            if self.case.rubric.composite == "weighted_mean"
            else ("Weight", f"{BASE}/factor/{first}/weight"),
            ("Contribution", f"{BASE}/factor/{first}/contribution"),
            ("Indicated composite", f"{BASE}/indicated_composite"),
            ("Composite", f"{BASE}/composite"),
            ("Coverage", f"{BASE}/coverage"),
        ]
        return tuple(Formula(name, self.trace[rid].formula, self.num(rid),
                             self.trace[rid].expression)
                     for name, rid in picks if rid in self.trace)

    def peers(self) -> PeersView | None:
        """The case's rank, percentile and group median per score and scenario: the numbers
        of its ``SC/peer/...`` records (their derivations are in the appendix)."""
        peers = self.result.peers
        if peers is None:
            return None
        trace = self.trace

        def cell(sc: str, head: str) -> PeerCell:
            rank = f"{sc}/peer/{head}/rank"
            if rank not in trace:
                return PeerCell(None, 0, None, None)
            n = int(trace[rank].detail["n"])
            return PeerCell(self.num(rank), n, self.num(f"{sc}/peer/{head}/percentile"),
                            self.num(f"{sc}/peer/{head}/median"))

        heads = [("Composite", "composite")] + [(f.name, f"factor/{f.id}")
                                                for f in self.case.rubric.factors]
        return PeersView(peers.group, tuple(self.sids), tuple(
            PeerRow(what, tuple(cell(sc, head) for sc in self.sids)) for what, head in heads))

    def derivations(self, homed: set[str]) -> tuple[DerivationGroup, ...]:
        """The derivations of the numbers that are not shown in place (``homed``: those that
        are), grouped by scenario."""
        groups: dict[str, list[Derivation]] = {}
        for rec in self.trace.values():
            if (rec.kind == "number" or rec.kind == "band") and rec.id not in homed:
                groups.setdefault(rec.id.split("/", 1)[0], []).append(self.derivation(rec))
        names = {BASE: "Base"} | {s.id: s.name for s in self.case.scenarios}
        return tuple(DerivationGroup(names.get(k, k), f"derivations-{k}", tuple(v))
                     for k, v in groups.items())

    def derivation(self, rec: TraceRecord) -> Derivation:
        refs = self._refs
        return Derivation(rec.id, rec.label, self._num_of(rec), rec.op, rec.formula,
                          rec.expression, tuple([refs.get(i) or self.ref(i) for i in rec.inputs]),
                          tuple([self._link(a) for a in rec.assumptions]))

    def _link(self, rid: str) -> Link:
        """A link to ``rid`` named by its id (one per id)."""
        x = self._links.get(rid)
        if x is None:
            x = self._links[rid] = Link(rid, rid)
        return x


def _rubric_num(rec: TraceRecord) -> Num:
    value = rec.value
    raw = repr(float(value)) if isinstance(value, (int, float)) else str(value)
    return Num(rec.id, rec.display, raw, False)


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


def build_report(result: Result, generated_at: dt.datetime | None = None,
                 changes: WhatChanged | None = None,
                 verification: Verification | None = None,
                 trend: Trend | None = None) -> ReportPage:
    """The complete report model of ``result`` (with a "What changed" section when
    ``changes`` is given)."""
    from ..formats.stamps import rubric_sha256

    b = _Builder(result)
    case, rubric = result.case, result.case.rubric
    items = b.items(verification)
    evidence = b.evidence_table(items)
    scenarios = tuple(b.scenario(sc) for sc in b.sids)
    homed = _homes(scenarios, evidence)
    hi = rubric.scale.hi
    hl = "rubric/half_life_days"
    return ReportPage(
        title=case.meta.title or f"{case.meta.entity}: risk score",
        entity=case.meta.entity, ticker=case.meta.ticker, case_id=case.meta.id,
        description=case.meta.description, as_of=str(case.meta.as_of),
        rubric_id=rubric.id, rubric_version=rubric.version, rubric_title=rubric.title,
        scale=scale_text(rubric)[1:-1].replace(", ", "–"),
        scenarios=scenarios,
        palette=tuple((k % N_PALETTE, f.name) for k, f in enumerate(rubric.factors)),
        items=items, evidence=evidence, assumptions=b.assumptions(), sources=b.sources(),
        figures=b.figures(), measures=b.measures(),
        intercept=b.num("rubric/intercept") if "rubric/intercept" in result.trace else None,
        band_rule=band_rule(rubric),
        rubric_factors=b.rubric_factors(),
        bands=tuple(BandView(x.name, str(x.min), str(x.max), x.description) for x in rubric.bands),
        reliability=tuple((g, _rubric_num(result.trace[f"rubric/reliability/{g}"]))
                          for g in rubric.reliability),
        half_life=_rubric_num(result.trace[hl]) if hl in result.trace else None,
        formulas=b.formulas(), derivations=b.derivations(homed),
        inputs=tuple(InputView(i.role, i.path, i.sha256) for i in case.inputs),
        engine_version=__version__,
        generated_at=generated_at.isoformat() if generated_at else None,
        chart_width=CHART_WIDTH,
        band_ticks=tuple((round(float(x.min) / hi * CHART_WIDTH, 3), x.name)
                         for x in rubric.bands if x.min is not None and math.isfinite(hi)),
        rubric_sha256=rubric_sha256(result.case),
        changes=changes, trend=trend,
        gates=tuple((g.id, _when(g), _then(g), g.description) for g in rubric.gates),
        integrity=_integrity(rubric),
        snapshots=tuple((s.source, s.path, s.status, s.note)
                        for s in verification.snapshots) if verification else None,
        override_policy=(f"an analyst may move a final composite by at most "
                         f"±{rubric.overrides.max_points:g} points and a band by at most "
                         f"±{rubric.overrides.max_bands}, with a reason code below"
                         if rubric.overrides.reason_codes else
                         "this rubric allows no overrides"),
        reason_codes=tuple(rubric.overrides.reason_codes.items()),
        peers=b.peers(),
    )


def _everything_local(rid: str, i: str) -> bool:
    """In the break-even and tornado tables every operand is written into the expression and
    the table's caption says where each comes from: no input is linked from a cell."""
    return True


def _homes(scenarios: tuple[ScenarioView, ...], evidence: tuple[FactorGroup, ...]) -> set[str]:
    """The trace ids whose derivation the page shows in place: each scenario's composite (its
    factor table), the cells of the factor tables and of the evidence table."""
    out = {f"{sc.id}/composite" for sc in scenarios}
    found: list[Cell | None] = []
    for sc in scenarios:
        found.append(sc.indicated_cell)
        for f in sc.factors:
            found += (f.weight_cell, f.normalised_cell, f.contribution_cell)
        if sc.robustness is not None:
            for b in sc.robustness.break_evens:
                found += (b.down_score, b.down_weight, b.up_score, b.up_weight)
            for t in sc.robustness.tornado:
                found += (t.low_cell, t.high_cell)
    for g in evidence:
        found += [c for q in g.quantities for c in q.cells]
        found += [c for r in g.rows for q in r.quantities for c in q.cells]
    out.update(i for c in found if c is not None for i in c.ids)
    return out


def _integrity(rubric: Rubric) -> tuple[tuple[str, str], ...]:
    out = []
    if rubric.max_age_days is not None:
        what = "excluded (weight 0)" if rubric.stale == "exclude" else "kept and flagged"
        out.append(("rubric/max_age_days", f"Evidence older than {rubric.max_age_days:g} days "
                                           f"at the as-of date is stale: {what}."))
    if rubric.contested_spread is not None:
        out.append(("rubric/contested_spread",
                    f"A factor whose items' risk values spread more than "
                    f"{rubric.contested_spread:g} points is contested."))
    if rubric.min_coverage is not None:
        out.append(("rubric/min_coverage",
                    f"Below {rubric.min_coverage:.0%} coverage a scenario's band reads "
                    "'Insufficient evidence'."))
    return tuple(out)


def _when(g: Gate) -> str:
    parts = []
    if g.when.at_least is not None:
        parts.append(f"{g.when.factor} score ≥ {g.when.at_least:g}")
    if g.when.at_most is not None:
        parts.append(f"{g.when.factor} score ≤ {g.when.at_most:g}")
    return " and ".join(parts)


def _then(g: Gate) -> str:
    t = g.then
    labels = (("composite_at_least", "composite at least {}"),
              ("composite_at_most", "composite at most {}"),
              ("band_at_least", "band at least {}"), ("band_at_most", "band at most {}"),
              ("band", "band is {} (knock-out)"))
    return "; ".join(text.format(getattr(t, key)) for key, text in labels
                     if getattr(t, key) is not None)
