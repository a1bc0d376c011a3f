"""The scoring method (docs/method.md), once, vectorised over cases, scenarios and items.

``tables`` turns validated cases into the tidy item and weight tables (scenario overlays
applied); ``kernel.score`` scores any number of cases in one pass; ``judge`` applies gates,
overrides and the coverage floor; ``weights`` computes item weights that cannot underflow.
A single case is a universe of one: it goes through exactly this code.
"""

from __future__ import annotations

from .kernel import Frames, score
from .tables import Tables


def score_tables(tables: Tables) -> Frames:
    """Score every case and scenario of ``tables`` in one pass."""
    return score(tables.items, tables.weights, tables.rubric, tables.overrides, tables.drops)
