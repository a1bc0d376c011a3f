"""The pieces every page model is made of: a displayed number linked to its derivation, a
link to a record that is not a number, and a derivation. Page models (``model.py``,
``changes.py``, ``robustness.py``) build from these; templates only display them."""

from __future__ import annotations

from dataclasses import dataclass


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
