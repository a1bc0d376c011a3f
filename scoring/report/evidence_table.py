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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..trace.core import TraceRecord
from .parts import Cell, Link, Num, SourceRefView

# An item's numbers in the order a reviewer recomputes them: value -> score -> risk value;
# confidence x reliability x decay (from the age) -> effective weight -> share; and the points
# of the composite the item holds up.
ITEM_QUANTITIES = (("value", "value"), ("score", "score"), ("risk_value", "risk value"),
                   ("confidence", "confidence"), ("reliability", "reliability"),
                   ("age_days", "age (days)"), ("decay", "decay"),
                   ("effective_weight", "effective weight"), ("share", "share"))
FACTOR_QUANTITIES = (("score", "factor score"), ("total_weight", "sum of effective weights"),
                     ("spread", "spread of risk values"))
TITLE_CHARS = 40  # a source's title beside its id is cut to this many characters


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


def cells(trace: Mapping[str, TraceRecord], ids: Sequence[str | None],
          local: Callable[[str, str], bool], num: Callable[[TraceRecord], Num],
          ref: Callable[[str], Num | Link]) -> tuple[Cell | None, ...]:
    """The cells of one quantity across scenarios (``ids``: its trace id in each scenario, or
    None where it has none). Adjacent scenarios whose records agree (value, expression, the
    inputs shown as links and the assumed flag) share one cell. ``local(record_id, input)``
    says whether an input is shown by the table itself (no link needed)."""
    out: list[Cell | None] = []
    last_key: object = None
    for rid in ids:
        rec = trace.get(rid) if rid is not None else None
        if rid is None or rec is None:
            out.append(None)
            last_key = None
            continue
        n = num(rec)
        links = tuple(i for i in rec.inputs if not local(rid, i))
        key = (n.raw, n.display, n.assumed, rec.op, rec.expression, links)
        prev = out[-1] if out else None
        if prev is not None and key == last_key:
            out[-1] = Cell((*prev.ids, rid), prev.value, prev.op, prev.expression, prev.inputs)
        else:
            out.append(Cell((rid,), n, rec.op, rec.expression, tuple(ref(i) for i in links)))
        last_key = key
    return tuple(out)


def short_title(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"
