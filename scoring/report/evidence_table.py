"""The report's one evidence table: each item once, grouped by factor, with its numbers in
every scenario side by side, its sources, locator and excerpt; and, folded under each item,
how each of its numbers is computed in each scenario (the derivation in place).

A factor's group opens with its factor score in each scenario (the weighted mean of the rows
below it, with the operands written in), so that from a composite's factor table a reviewer
reaches the items and their sources in one click. Every number of an item and of a factor's
evidence has its anchor here (a :class:`Cell`); where adjacent scenarios derive a number
alike, one cell spans their columns and anchors each scenario's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .numbers import Numbers, flags, texts
from .parts import Cell, Link, Num, SourceRefView, cells
from .sourced import ItemView

if TYPE_CHECKING:
    from ..analysis.result import Result

# An item's numbers in the order a reviewer recomputes them: value -> score -> risk value;
# confidence x reliability x decay (from the age) -> effective weight -> share; and the points
# of the composite the item holds up.
ITEM_QUANTITIES = (("value", "value"), ("score", "score"), ("risk_value", "risk value"),
                   ("confidence", "confidence"), ("reliability", "reliability"),
                   ("age_days", "age (days)"), ("decay", "decay"),
                   ("effective_weight", "effective weight"), ("share", "share"))
FACTOR_QUANTITIES = (("score", "factor score"), ("total_weight", "sum of effective weights"),
                     ("spread", "spread of risk values"))


@dataclass(frozen=True)
class Quantity:
    """One number of an item (or a factor) across the scenarios: its name, the rubric's
    formula, and cells that together span every scenario (None: not in that scenario)."""

    label: str
    formula: str
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class ItemInScenario:
    """An item's headline numbers in one scenario, each linking to its derivation below."""

    risk_value: Num
    effective_weight: Num
    changed_by: tuple[Link, ...]


@dataclass(frozen=True)
class ItemRow:
    anchor: str | None  # item/<id> for an item as sourced; None for a scenario's assumption
    item: Link  # where the item is described (itself, or the Assumptions section)
    claim: str
    excerpt: str | None
    verification: str | None
    facts: str  # value, indicator, confidence and date as sourced, in words
    sources: tuple[SourceRefView, ...]
    # per scenario: its numbers, the change that dropped it (a Link), or None (not in it)
    scenarios: tuple[ItemInScenario | Link | None, ...]
    quantities: tuple[Quantity, ...]
    assumption: bool
    stale: bool


@dataclass(frozen=True)
class FactorGroup:
    id: str
    name: str
    aggregation: str
    polarity: str
    quantities: tuple[Quantity, ...]  # factor score, sum of weights, spread per scenario
    rows: tuple[ItemRow, ...]


def shown_of(sids: tuple[str, ...] | list[str]) -> dict[str, tuple[str, str]]:
    """What the evidence table shows of each scenario: its items' and factors' numbers."""
    return {sc: (f"{sc}/item/", f"{sc}/factor/") for sc in sids}


def _rows(result: Result) -> tuple[dict[tuple[str, str], list[tuple[Any, ...]]],
                                   dict[tuple[str, str], list[tuple[str, str]]]]:
    """The item frame's rows by (scenario, factor), and the items each scenario's changes
    dropped, read column by column once, not filtered per scenario and factor."""
    item_rows: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    its = result.frames.items
    for row in zip(texts(its["scenario"]), texts(its["factor"]), texts(its["item"]),
                   flags(its["assumption"]), its["value_changes"].tolist(),
                   its["confidence_changes"].tolist(), texts(its["grade"]),
                   flags(its["stale"]), strict=True):
        item_rows.setdefault((row[0], row[1]), []).append(row[2:])
    drops = result.frames.drops
    dropped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for sc, f, item, change in zip(texts(drops["scenario"]), texts(drops["factor"]),
                                   texts(drops["item"]), texts(drops["change"]), strict=True):
        dropped.setdefault((sc, f), []).append((item, change))
    return item_rows, dropped


def evidence_groups(n: Numbers, items: tuple[ItemView, ...]) -> tuple[FactorGroup, ...]:
    """The one evidence table: per factor, its score in each scenario, then each of its
    items once (as sourced, then the scenarios' assumptions) with its numbers in every
    scenario and, folded, how each is computed."""
    sids = n.sids
    by_factor, dropped = _rows(n.result)
    shown = shown_of(sids)
    views = {v.id: v for v in items}
    trace = n.trace
    out = []
    for f in n.case.rubric.factors:
        rows: dict[str, dict[str, tuple[Any, ...]]] = {}
        for sc in sids:
            for row in by_factor.get((sc, f.id), ()):
                rows.setdefault(row[0], {})[sc] = row
        drops = {(sc, item): change for sc in sids
                 for item, change in dropped.get((sc, f.id), ())}
        order = [v.id for v in items if v.factor == f.id]
        order += [i for i in rows if i not in views]
        item_rows = tuple(_item_row(n, shown, item, rows.get(item, {}), drops, views.get(item))
                          for item in order)

        def factor_local(rid: str, i: str, f: str = f.id) -> bool:
            sc = rid.partition("/")[0]
            return i.startswith((f"{sc}/item/", f"{sc}/factor/{f}/"))

        quantities = tuple(
            Quantity(label, next(trace[i].formula for i in ids if i is not None),
                     cells(trace, ids, factor_local, n.num_of, n.ref))
            for q, label in FACTOR_QUANTITIES
            for ids in [[f"{sc}/factor/{f.id}/{q}" if f"{sc}/factor/{f.id}/{q}" in trace
                         else None for sc in sids]]
            if any(i is not None for i in ids))
        out.append(FactorGroup(f.id, f.name, f.aggregation, f.polarity, quantities,
                               item_rows))
    return tuple(out)


def _item_row(n: Numbers, shown: dict[str, tuple[str, str]], item: str,
              rows: dict[str, tuple[Any, ...]],
              drops: dict[tuple[str, str], str], view: ItemView | None) -> ItemRow:
    sids = n.sids
    trace = n.trace
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
                n.num(f"{p}/risk_value"), n.num(f"{p}/effective_weight"),
                tuple(n.link(c) for c in (*row[2], *row[3]))))
        else:
            change = drops.get((sc, item))
            per.append(n.link(change) if change else None)

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
                                       cells(trace, ids_in, local, n.num_of, n.ref)))
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
