"""Validated cases -> the tidy tables the method scores (docs/method.md, steps 0 and 10).

One row per case, scenario and item. ``base`` is the case as sourced; every other scenario
is the base rows with the scenario's changes applied in order. Each row remembers which
changes touched it (``value_changes``, ``confidence_changes``), each weight row which change
set it (``weight_change``), and ``drops`` lists the items a scenario removed, so every number
downstream can name the assumption it rests on. One case and ten thousand go through the
same builder: :func:`build_tables` is :class:`TableBuilder` with one case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..method.kernel import BASE, Frames, score
from .models import (
    Assume,
    BandsMapping,
    CategoriesMapping,
    DropItem,
    LinearMapping,
    Mapping,
    Override,
    Rubric,
    SetConfidence,
    SetValue,
    SetWeight,
    ShiftValue,
)

if TYPE_CHECKING:
    from .loader import Case

# One item row, in this order (see ROW_COLUMNS).
Row = tuple[str, str, str | None, object, float, str, float, str | None, dt.date, float, bool,
            tuple[str, ...], tuple[str, ...]]
ROW_COLUMNS = ("item", "factor", "indicator", "value", "confidence", "grade", "reliability",
               "best_source", "observed", "age_days", "assumption", "value_changes",
               "confidence_changes")
_VALUE, _CONFIDENCE, _VALUE_CHANGES, _CONFIDENCE_CHANGES = 3, 4, 11, 12


def change_id(scenario: str, index: int) -> str:
    return f"{scenario}/change/{index + 1}"


@dataclass(frozen=True)
class Tables:
    """The method's input for cases that share one rubric.

    ``items``: one row per case, scenario and item, with categorical ``case``, ``scenario``
    and ``factor`` (factor categories in rubric order), the columns of ``ROW_COLUMNS`` and
    ``score`` (the value on the scale, after any indicator mapping). ``weights``: one row per
    case, scenario and factor with ``weight`` (W_f) and ``weight_change`` (the change that
    set it, or None); its (case, scenario) pairs are the ones scored. ``drops``: ``case``,
    ``scenario``, ``factor``, ``item``, ``change``. ``cases``: ``case``, ``entity``,
    ``as_of``, in the order added. ``overrides``: by (case, scenario)."""

    rubric: Rubric
    items: pd.DataFrame
    weights: pd.DataFrame
    drops: pd.DataFrame
    cases: pd.DataFrame
    overrides: dict[tuple[str, str], tuple[Override, ...]] = field(default_factory=dict)


@dataclass
class TableBuilder:
    """Collects cases that share ``rubric`` (see :meth:`add`), then :meth:`build` s the
    tables. Rows are gathered column by column; no frame is built per case."""

    rubric: Rubric
    _rows: dict[str, list[object]] = field(default_factory=dict)
    _weights: dict[str, list[object]] = field(default_factory=dict)
    _drops: dict[str, list[object]] = field(default_factory=dict)
    _cases: dict[str, list[object]] = field(default_factory=dict)
    _overrides: dict[tuple[str, str], tuple[Override, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rows = {c: [] for c in ("case", "scenario", *ROW_COLUMNS)}
        self._weights = {c: [] for c in ("case", "scenario", "factor", "weight",
                                         "weight_change")}
        self._drops = {c: [] for c in ("case", "scenario", "factor", "item", "change")}
        self._cases = {c: [] for c in ("case", "entity", "as_of")}

    def add(self, case: Case) -> None:
        """Add every scenario of ``case`` (base first, then the order of scenarios.yaml)."""
        cid = case.meta.id
        for column, value in (("case", cid), ("entity", case.meta.entity),
                              ("as_of", case.meta.as_of)):
            self._cases[column].append(value)
        for sid, ovs in ((BASE, case.meta.overrides),
                         *((s.id, s.overrides) for s in case.scenarios)):
            if ovs:
                self._overrides[(cid, sid)] = tuple(ovs)
        base = base_rows(case)
        rubric_weights = {f.id: float(f.weight) for f in case.rubric.factors}
        self._extend(cid, BASE, base, {f: (w, None) for f, w in rubric_weights.items()})
        for sc in case.scenarios:
            weights: dict[str, tuple[float, str | None]] = {
                f: (w, None) for f, w in rubric_weights.items()}
            for i, ch in enumerate(sc.changes):
                if isinstance(ch, SetWeight):
                    weights[ch.factor] = (float(ch.weight), change_id(sc.id, i))
            rows, drops = overlay_rows(base, sc.id, sc.changes, case)
            for factor, item, change in drops:
                for column, value in (("case", cid), ("scenario", sc.id), ("factor", factor),
                                      ("item", item), ("change", change)):
                    self._drops[column].append(value)
            self._extend(cid, sc.id, rows, weights)

    def _extend(self, cid: str, scenario: str, rows: list[Row],
                weights: dict[str, tuple[float, str | None]]) -> None:
        n = len(rows)
        self._rows["case"].extend([cid] * n)
        self._rows["scenario"].extend([scenario] * n)
        for k, column in enumerate(ROW_COLUMNS):
            self._rows[column].extend([r[k] for r in rows])
        w = self._weights
        w["case"].extend([cid] * len(weights))
        w["scenario"].extend([scenario] * len(weights))
        w["factor"].extend(weights)
        w["weight"].extend(v for v, _ in weights.values())
        w["weight_change"].extend(c for _, c in weights.values())

    def build(self) -> Tables:
        """The tidy tables of every case added so far."""
        case_ids = pd.Index(self._cases["case"])
        factors = [f.id for f in self.rubric.factors]
        scenarios = list(dict.fromkeys(self._weights["scenario"]))

        def categorical(values: list[object], categories: Any) -> Any:
            return pd.Categorical(values, categories=categories)

        cols = self._rows
        items = pd.DataFrame({
            "case": categorical(cols["case"], case_ids),
            "scenario": categorical(cols["scenario"], scenarios),
            "item": pd.Series(cols["item"], dtype=object),
            "factor": categorical(cols["factor"], factors),
            "indicator": pd.Series(cols["indicator"], dtype=object),
            "value": pd.Series(cols["value"], dtype=object),
            "confidence": np.asarray(cols["confidence"], dtype=float),
            "grade": pd.Series(cols["grade"], dtype=object),
            "reliability": np.asarray(cols["reliability"], dtype=float),
            "best_source": pd.Series(cols["best_source"], dtype=object),
            "observed": pd.Series(cols["observed"], dtype=object),
            "age_days": np.asarray(cols["age_days"], dtype=float),
            "assumption": np.asarray(cols["assumption"], dtype=bool),
            "value_changes": pd.Series(cols["value_changes"], dtype=object),
            "confidence_changes": pd.Series(cols["confidence_changes"], dtype=object),
        })
        items["score"] = map_values(items, self.rubric)
        w = self._weights
        weights = pd.DataFrame({
            "case": categorical(w["case"], case_ids),
            "scenario": categorical(w["scenario"], scenarios),
            "factor": categorical(w["factor"], factors),
            "weight": np.asarray(w["weight"], dtype=float),
            "weight_change": pd.Series(w["weight_change"], dtype=object),
        })
        d = self._drops
        drops = pd.DataFrame({
            "case": categorical(d["case"], case_ids),
            "scenario": categorical(d["scenario"], scenarios),
            "factor": pd.Series(d["factor"], dtype=object),
            "item": pd.Series(d["item"], dtype=object),
            "change": pd.Series(d["change"], dtype=object),
        })
        return Tables(self.rubric, items, weights, drops, pd.DataFrame(self._cases),
                      dict(self._overrides))


def score_tables(tables: Tables) -> Frames:
    """Score every case and scenario of ``tables`` in one pass of the method."""
    return score(tables.items, tables.weights, tables.rubric, tables.overrides, tables.drops)


def build_tables(case: Case) -> Tables:
    """The tables of one case: a universe of one."""
    builder = TableBuilder(case.rubric)
    builder.add(case)
    return builder.build()


def base_rows(case: Case) -> list[Row]:
    """The base rows of ``case``: each item weighed by the best grade among its sources (the
    first cited wins a tie)."""
    rel = case.rubric.reliability
    grades = {s.id: s.reliability for s in case.sources}
    as_of = case.meta.as_of
    rows: list[Row] = []
    for it in case.items:
        src, grade = max(((r.source, grades[r.source]) for r in it.sources),
                         key=lambda sg: rel[sg[1]])
        rows.append((it.id, it.factor, it.indicator, it.value, float(it.confidence), grade,
                     float(rel[grade]), src, it.observed, float((as_of - it.observed).days),
                     False, (), ()))
    return rows


def overlay_rows(base: list[Row], scenario: str, changes: Sequence[object], case: Case
                 ) -> tuple[list[Row], list[tuple[str, str, str]]]:
    """The rows of a scenario: ``base`` with ``changes`` applied in order, and the items it
    dropped as (factor, item, change id)."""
    rows = {r[0]: r for r in base}
    drops: list[tuple[str, str, str]] = []
    for i, ch in enumerate(changes):
        cid = change_id(scenario, i)
        if isinstance(ch, Assume):
            a, grade = ch.item, case.rubric.assumption_grade
            assert grade is not None  # checked when the case was loaded
            observed = a.observed or case.meta.as_of
            rows[a.id] = (a.id, a.factor, a.indicator, a.value, float(a.confidence), grade,
                          float(case.rubric.reliability[grade]), None, observed,
                          float((case.meta.as_of - observed).days), True, (cid,), ())
        elif isinstance(ch, DropItem):
            gone = rows.pop(ch.item)
            drops.append((gone[1], ch.item, cid))
        elif isinstance(ch, SetValue | ShiftValue):
            r: Any = rows[ch.item]
            value = ch.value if isinstance(ch, SetValue) else float(r[_VALUE]) + float(ch.by)
            rows[ch.item] = (*r[:_VALUE], value, *r[_VALUE + 1:_VALUE_CHANGES],
                             (*r[_VALUE_CHANGES], cid), r[_CONFIDENCE_CHANGES])
        elif isinstance(ch, SetConfidence):
            r = rows[ch.item]
            rows[ch.item] = (*r[:_CONFIDENCE], float(ch.confidence),
                             *r[_CONFIDENCE + 1:_CONFIDENCE_CHANGES],
                             (*r[_CONFIDENCE_CHANGES], cid))
    return list(rows.values()), drops


def apply_mapping(mapping: Mapping, values: pd.Series) -> np.ndarray:
    """Map raw indicator values onto the scale (vectorised over one indicator's rows)."""
    if isinstance(mapping, CategoriesMapping):
        table = {k: float(v) for k, v in mapping.categories.items()}
        return values.map(table).to_numpy(dtype=float)
    x = values.to_numpy(dtype=float)
    if isinstance(mapping, LinearMapping):
        (lo, hi), (a, b) = mapping.input, mapping.output
        t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
        return np.asarray(a + t * (b - a), dtype=float)
    assert isinstance(mapping, BandsMapping)
    edges = np.array([s.below for s in mapping.steps[:-1]], dtype=float)
    scores = np.array([s.score for s in mapping.steps], dtype=float)
    return np.asarray(scores[np.searchsorted(edges, x, side="right")], dtype=float)


def map_values(items: pd.DataFrame, rubric: Rubric) -> np.ndarray:
    """Each row's value on the scale: the value itself, or its indicator's mapping of it."""
    out = np.full(len(items), np.nan)
    direct = items["indicator"].isna().to_numpy()
    out[direct] = items.loc[direct, "value"].to_numpy(dtype=float)
    mappings = {(f.id, i.id): i.mapping for f in rubric.factors for i in f.indicators}
    mapped = items.reset_index(drop=True)[~direct]
    for (factor, indicator), group in mapped.groupby([mapped["factor"].astype(str),
                                                      mapped["indicator"].astype(str)]):
        out[group.index.to_numpy()] = apply_mapping(mappings[(str(factor), str(indicator))],
                                                    group["value"])
    return out
