"""Many validated cases -> one tidy table with a ``case`` column, for the batch scorer.

The rows are the ones ``table.build_tables`` makes for each case (one per item per scenario,
``base`` first, each scenario's changes applied in order; docs/method.md, steps 0 and 10),
gathered column by column for all cases at once so that the batch scorer (``batch.py``) can
score a whole universe in one vectorised pass. Trace bookkeeping (which change touched which
row, dropped items) is left out: batch mode builds no trace records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .loader import Case
from .models import Assume, DropItem, Override, Rubric, SetConfidence, SetValue, SetWeight, ShiftValue
from .table import BASE, map_values

# One item row: item, factor, indicator, value, confidence, reliability, age_days, assumption.
Row = tuple[str, str, str | None, object, float, float, float, bool]
ROW_COLUMNS = ("item", "factor", "indicator", "value", "confidence", "reliability", "age_days",
               "assumption")


@dataclass(frozen=True)
class BatchTable:
    """The batch scorer's input for cases that share one rubric.

    ``items``: one row per case, scenario and item, with categorical ``case``, ``scenario`` and
    ``factor`` columns (factor categories in rubric order) and the float columns ``score``
    (the value on the scale, after any indicator mapping), ``confidence``, ``reliability``,
    ``age_days`` and the boolean ``assumption``. ``weights``: one row per case, scenario and
    factor with the factor weight ``W_f`` in that scenario; its (case, scenario) pairs are the
    ones scored. ``cases``: one row per case (``case``, ``entity``, ``as_of``) in load order.
    """

    rubric: Rubric
    items: pd.DataFrame
    weights: pd.DataFrame
    cases: pd.DataFrame
    overrides: dict[tuple[str, str], tuple[Override, ...]] = field(default_factory=dict)


@dataclass
class TableBuilder:
    """Collects cases that share ``rubric`` (see :meth:`add`), then :meth:`build` s the table."""

    rubric: Rubric
    _rows: dict[str, list[object]] = field(default_factory=dict)
    _weights: dict[str, list[object]] = field(default_factory=dict)
    _cases: dict[str, list[object]] = field(default_factory=dict)
    _overrides: dict[tuple[str, str], tuple[Override, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rows = {c: [] for c in ("case", "scenario", *ROW_COLUMNS)}
        self._weights = {c: [] for c in ("case", "scenario", "factor", "weight")}
        self._cases = {c: [] for c in ("case", "entity", "as_of")}

    def add(self, case: Case) -> None:
        """Add every scenario of ``case`` (base first, then the order of scenarios.yaml)."""
        cid = case.meta.id
        for column, value in (("case", cid), ("entity", case.meta.entity),
                              ("as_of", case.meta.as_of)):
            self._cases[column].append(value)
        base = base_rows(case)
        for sid, ovs in ((BASE, case.meta.overrides),
                         *((s.id, s.overrides) for s in case.scenarios)):
            if ovs:
                self._overrides[(cid, sid)] = tuple(ovs)
        rubric_weights = {f.id: float(f.weight) for f in case.rubric.factors}
        self._extend(cid, BASE, base, rubric_weights)
        for sc in case.scenarios:
            weights = dict(rubric_weights)
            rows = base
            if any(not isinstance(ch, SetWeight) for ch in sc.changes):
                rows = overlay_rows(base, sc.changes, case)
            for ch in sc.changes:
                if isinstance(ch, SetWeight):
                    weights[ch.factor] = float(ch.weight)
            self._extend(cid, sc.id, rows, weights)

    def _extend(self, cid: str, scenario: str, rows: list[Row],
                weights: dict[str, float]) -> None:
        n = len(rows)
        self._rows["case"].extend([cid] * n)
        self._rows["scenario"].extend([scenario] * n)
        for k, column in enumerate(ROW_COLUMNS):
            self._rows[column].extend([r[k] for r in rows])
        w = self._weights
        w["case"].extend([cid] * len(weights))
        w["scenario"].extend([scenario] * len(weights))
        w["factor"].extend(weights)
        w["weight"].extend(weights.values())

    def build(self) -> BatchTable:
        """The tidy tables of every case added so far."""
        case_ids = pd.Index(self._cases["case"])
        factors = [f.id for f in self.rubric.factors]
        scenarios = list(dict.fromkeys(self._weights["scenario"]))
        cols = self._rows
        items = pd.DataFrame({
            "case": pd.Categorical(cols["case"], categories=case_ids),
            "scenario": pd.Categorical(cols["scenario"], categories=scenarios),
            "item": cols["item"],
            "factor": pd.Categorical(cols["factor"], categories=factors),
            "indicator": cols["indicator"],
            "value": pd.Series(cols["value"], dtype=object),
            "confidence": np.asarray(cols["confidence"], dtype=float),
            "reliability": np.asarray(cols["reliability"], dtype=float),
            "age_days": np.asarray(cols["age_days"], dtype=float),
            "assumption": np.asarray(cols["assumption"], dtype=bool),
        })
        items["score"] = map_values(items, self.rubric).to_numpy(dtype=float)
        items = items.drop(columns=["indicator", "value"])
        w = self._weights
        weights = pd.DataFrame({
            "case": pd.Categorical(w["case"], categories=case_ids),
            "scenario": pd.Categorical(w["scenario"], categories=scenarios),
            "factor": pd.Categorical(w["factor"], categories=factors),
            "weight": np.asarray(w["weight"], dtype=float),
        })
        return BatchTable(self.rubric, items, weights, pd.DataFrame(self._cases),
                          dict(self._overrides))


def base_rows(case: Case) -> list[Row]:
    """The base rows of ``case``: each item weighed by the best grade among its sources (the
    first cited wins a tie, as in ``table.best_source``)."""
    rel = case.rubric.reliability
    grades = {s.id: s.reliability for s in case.sources}
    as_of = case.meta.as_of
    rows: list[Row] = []
    for it in case.items:
        best = max(float(rel[grades[r.source]]) for r in it.sources)
        rows.append((it.id, it.factor, it.indicator, it.value, float(it.confidence), best,
                     float((as_of - it.observed).days), False))
    return rows


def overlay_rows(base: list[Row], changes: Sequence[object], case: Case) -> list[Row]:
    """The rows of a scenario: ``base`` with ``changes`` applied in order (as ``table.py``)."""
    rows = {r[0]: r for r in base}
    for ch in changes:
        if isinstance(ch, Assume):
            a, grade = ch.item, case.rubric.assumption_grade
            assert grade is not None  # checked when the case was loaded
            observed = a.observed or case.meta.as_of
            rows[a.id] = (a.id, a.factor, a.indicator, a.value, float(a.confidence),
                          float(case.rubric.reliability[grade]),
                          float((case.meta.as_of - observed).days), True)
        elif isinstance(ch, DropItem):
            del rows[ch.item]
        elif isinstance(ch, SetValue):
            rows[ch.item] = (*rows[ch.item][:3], ch.value, *rows[ch.item][4:])
        elif isinstance(ch, ShiftValue):
            r = rows[ch.item]
            rows[ch.item] = (*r[:3], float(r[3]) + float(ch.by), *r[4:])  # type: ignore[arg-type]
        elif isinstance(ch, SetConfidence):
            r = rows[ch.item]
            rows[ch.item] = (*r[:4], float(ch.confidence), *r[5:])
    return list(rows.values())
