"""Turn a validated case into the tidy evidence table the engine scores.

One row per item per scenario. ``base`` is the case as sourced; every other scenario is the
base rows with the scenario's changes applied in order. Each row remembers which changes
touched it, so every number downstream can name the assumption it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .loader import Case
from .models import (
    Assume,
    Assumption,
    BandsMapping,
    CategoriesMapping,
    DropItem,
    Item,
    LinearMapping,
    Mapping,
    Rubric,
    Scenario,
    SetConfidence,
    SetValue,
    SetWeight,
    ShiftValue,
)

BASE = "base"

ITEM_COLUMNS = [
    "scenario", "item", "factor", "indicator", "value", "confidence", "grade", "reliability",
    "best_source", "observed", "age_days", "assumption", "value_changes", "confidence_changes",
]


@dataclass(frozen=True)
class Tables:
    """The engine's inputs: item rows and factor-weight rows, for every scenario."""

    items: pd.DataFrame
    weights: pd.DataFrame
    drops: pd.DataFrame  # scenario, factor, item, change: items a scenario removed


def change_id(scenario: str, index: int) -> str:
    return f"{scenario}/change/{index + 1}"


def best_source(item_sources: list[tuple[str, str]], rubric: Rubric) -> tuple[str, str]:
    """(source id, grade) of the most reliable source an item cites; the first cited wins ties."""
    return max(item_sources, key=lambda sg: rubric.reliability[sg[1]])


def _base_rows(case: Case) -> list[dict[str, object]]:
    grades = {s.id: s.reliability for s in case.sources}
    rows = []
    for item in case.items:
        src, grade = best_source([(r.source, grades[r.source]) for r in item.sources], case.rubric)
        rows.append(_row(BASE, item, grade, src, case, assumption=False))
    return rows


def _row(scenario: str, item: Item | Assumption, grade: str, src: str | None, case: Case,
         assumption: bool) -> dict[str, object]:
    observed = item.observed or case.meta.as_of
    return {
        "scenario": scenario, "item": item.id, "factor": item.factor,
        "indicator": item.indicator, "value": item.value, "confidence": float(item.confidence),
        "grade": grade, "reliability": float(case.rubric.reliability[grade]),
        "best_source": src, "observed": observed,
        "age_days": float((case.meta.as_of - observed).days),
        "assumption": assumption, "value_changes": (), "confidence_changes": (),
    }


def _overlay(base: list[dict[str, object]], sc: Scenario,
             case: Case) -> tuple[list[dict[str, object]], dict[str, tuple[float, str]],
                                  list[dict[str, object]]]:
    rows = {str(r["item"]): {**r, "scenario": sc.id} for r in base}
    weight_changes: dict[str, tuple[float, str]] = {}
    drops: list[dict[str, object]] = []
    for i, change in enumerate(sc.changes):
        cid = change_id(sc.id, i)
        if isinstance(change, SetWeight):
            weight_changes[change.factor] = (float(change.weight), cid)
        elif isinstance(change, Assume):
            grade = case.rubric.assumption_grade
            assert grade is not None  # checked when the case was loaded
            row = _row(sc.id, change.item, grade, None, case, assumption=True)
            row["value_changes"] = (cid,)
            rows[change.item.id] = row
        elif isinstance(change, DropItem):
            gone = rows.pop(change.item)
            drops.append({"scenario": sc.id, "factor": gone["factor"], "item": change.item,
                          "change": cid})
        elif isinstance(change, SetValue):
            row = rows[change.item]
            row["value"] = change.value
            row["value_changes"] = (*row["value_changes"], cid)  # type: ignore[misc]
        elif isinstance(change, ShiftValue):
            row = rows[change.item]
            row["value"] = float(row["value"]) + float(change.by)  # type: ignore[arg-type]
            row["value_changes"] = (*row["value_changes"], cid)  # type: ignore[misc]
        elif isinstance(change, SetConfidence):
            row = rows[change.item]
            row["confidence"] = float(change.confidence)
            row["confidence_changes"] = (*row["confidence_changes"], cid)  # type: ignore[misc]
    return list(rows.values()), weight_changes, drops


def build_tables(case: Case) -> Tables:
    """The tidy item table and the factor-weight table for base and every scenario."""
    base = _base_rows(case)
    rubric_weights = {f.id: float(f.weight) for f in case.rubric.factors}
    rows = list(base)
    drops: list[dict[str, object]] = []
    weight_rows = [
        {"scenario": BASE, "factor": f, "weight": w, "weight_change": None}
        for f, w in rubric_weights.items()
    ]
    for sc in case.scenarios:
        sc_rows, changes, sc_drops = _overlay(base, sc, case)
        rows += sc_rows
        drops += sc_drops
        for f, w in rubric_weights.items():
            new_w, cid = changes.get(f, (w, None))
            weight_rows.append({"scenario": sc.id, "factor": f, "weight": new_w,
                                "weight_change": cid})
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    items["score"] = map_values(items, case.rubric)
    drop_frame = pd.DataFrame(drops, columns=["scenario", "factor", "item", "change"])
    return Tables(items, pd.DataFrame(weight_rows), drop_frame)


def apply_mapping(mapping: Mapping, values: pd.Series) -> np.ndarray:
    """Map raw indicator values onto the scale (vectorised over one indicator's rows)."""
    if isinstance(mapping, CategoriesMapping):
        return values.map(lambda v: float(mapping.categories[v])).to_numpy(dtype=float)
    x = values.to_numpy(dtype=float)
    if isinstance(mapping, LinearMapping):
        (lo, hi), (a, b) = mapping.input, mapping.output
        t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
        return np.asarray(a + t * (b - a), dtype=float)
    assert isinstance(mapping, BandsMapping)
    edges = np.array([s.below for s in mapping.steps[:-1]], dtype=float)
    scores = np.array([s.score for s in mapping.steps], dtype=float)
    return np.asarray(scores[np.searchsorted(edges, x, side="right")], dtype=float)


def map_values(items: pd.DataFrame, rubric: Rubric) -> pd.Series:
    """Each row's value on the scale: the value itself, or its indicator's mapping of it."""
    out = pd.Series(np.nan, index=items.index, dtype=float)
    direct = items["indicator"].isna()
    out[direct] = items.loc[direct, "value"].astype(float)
    mappings = {(f.id, i.id): i.mapping for f in rubric.factors for i in f.indicators}
    for (factor, indicator), group in items[~direct].groupby(["factor", "indicator"]):
        out[group.index] = apply_mapping(mappings[(str(factor), str(indicator))], group["value"])
    return out
