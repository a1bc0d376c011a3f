"""Concept maps: which XBRL concepts a rubric's figure is read from (docs/filings.md).

A map (``rubrics/maps/us-gaap.yaml``) lists figures, each with the kind of period it is of
(``instant``: a balance-sheet date; ``duration``: a fiscal year; ``cover``: a cover-page
fact of the annual filing, such as the public float; ``opening``: a balance-sheet figure at
the end of the year before, the year's opening balance), its unit, and an ordered list of
concepts (``Assets``, or ``dei:EntityPublicFloat`` for another taxonomy than the map's)
with a sign. It is validated like any other file: every problem at ``file:line:col``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from ..display import display_path
from ..errors import InputError, Problem
from .loader import validate_doc
from .models import Id, Strict, Text
from .yamlio import load_yaml

Concept = Annotated[str, Field(pattern=r"^([A-Za-z][A-Za-z0-9-]*:)?[A-Za-z][A-Za-z0-9_]*$",
                               max_length=200)]


class ConceptRef(Strict):
    concept: Concept
    sign: Literal[1, -1] = 1


class MappedFigure(Strict):
    id: Id
    period: Literal["instant", "duration", "cover", "opening"]
    unit: Text
    concepts: list[ConceptRef] = Field(min_length=1, max_length=50)


class BalanceSheet(Strict):
    assets: Id
    liabilities: Id
    equity: Id
    tolerance: Annotated[float, Field(ge=0, le=0.1)]


class ConceptMap(Strict):
    taxonomy: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]*$", max_length=40)]
    description: str | None = None
    figures: list[MappedFigure] = Field(min_length=1)
    balance_sheet: BalanceSheet | None = None

    def figure(self, figure_id: str) -> MappedFigure | None:
        return next((f for f in self.figures if f.id == figure_id), None)

    def qualified(self, ref: ConceptRef) -> tuple[str, str]:
        """(taxonomy, concept) of a concept of the map."""
        taxonomy, _, name = ref.concept.rpartition(":")
        return (taxonomy or self.taxonomy, name)


def load_map(path: Path) -> ConceptMap:
    """Read and check the concept map at ``path``; raises InputError with every problem."""
    shown = display_path(path)
    doc = load_yaml(path, shown)
    problems: list[Problem] = []
    model = validate_doc(ConceptMap, doc, problems)
    if model is None:
        raise InputError(problems)
    seen: set[str] = set()
    for k, fig in enumerate(model.figures):
        if fig.id in seen:
            line, col = doc.where(("figures", k, "id"))
            problems.append(Problem(shown, line, col, f"figures[{k}].id",
                                    f"figure {fig.id!r} is mapped twice"))
        seen.add(fig.id)
    if model.balance_sheet is not None:
        for name in ("assets", "liabilities", "equity"):
            ref = getattr(model.balance_sheet, name)
            if ref not in seen:
                line, col = doc.where(("balance_sheet", name))
                problems.append(Problem(shown, line, col, f"balance_sheet.{name}",
                                        f"{ref!r} is not a figure of this map"))
    if problems:
        raise InputError(problems)
    return model
