"""The pieces every page model is made of: a displayed number linked to its derivation, a
link to a record that is not a number, and a derivation. Page models (``model.py``,
``changes.py``, ``robustness.py``) build from these; templates only display them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..trace.core import TraceRecord


def span(lo: float, hi: float, values: Iterable[float]) -> tuple[float, float]:
    """The range a chart draws: the scale, or where the scale is open, the finite values it
    shows (and a width of 1 around a single value)."""
    finite = [v for v in values if math.isfinite(v)]
    if lo == -math.inf:
        lo = min(finite, default=0.0)
    if hi == math.inf:
        hi = max(finite, default=lo + 1.0)
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


@dataclass(frozen=True)
class Num:
    """A displayed number: link target (trace id), shown text and raw value."""

    id: str
    display: str
    raw: str
    assumed: bool


@dataclass(frozen=True)
class Link:
    """A link to a record that is not a number (item, source, change, rubric entry)."""

    id: str
    text: str


@dataclass(frozen=True)
class Cell:
    """A number's derivation shown where the number is, in a table cell: the value, the
    operation with its operands written in, and links to the inputs that the table does not
    show itself. The cell is the anchor of each of its trace ids: of one number, or of the
    same number in adjacent scenarios that derive it alike (the cell then spans their
    columns)."""

    ids: tuple[str, ...]
    value: Num
    op: str  # "input": the value is given (its links say by what), no expression is shown
    expression: str
    inputs: tuple[Num | Link, ...]

    @property
    def span(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Derivation:
    """One traced number, as shown in the derivations appendix."""

    id: str
    label: str
    value: Num
    op: str
    formula: str
    expression: str
    inputs: tuple[Num | Link, ...]
    assumptions: tuple[Link, ...]


@dataclass(frozen=True)
class SourceRefView:
    """A citation as the evidence table shows it: the source, its locator, its title cut
    short, and the source it was read through (a relay), if any."""

    source: Link
    locator: str
    title: str = ""
    via: Link | None = None


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
