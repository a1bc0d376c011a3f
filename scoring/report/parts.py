"""The pieces every page model is made of: a displayed number linked to its derivation, a
link to a record that is not a number, and a derivation. Page models (``model.py``,
``changes.py``, ``robustness.py``) build from these; templates only display them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


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
