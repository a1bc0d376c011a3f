"""Validated cases -> the tidy tables the method scores (docs/method.md, steps 0 and 10).

One row per case, scenario and item. ``base`` is the case as sourced; every other scenario
is the base rows with the scenario's changes applied in order. Each row remembers which
changes touched it (``value_changes``, ``confidence_changes``), each weight row which change
set it (``weight_change``), and ``drops`` lists the items a scenario removed, so every number
downstream can name the assumption it rests on. One case and ten thousand go through the
same builder: :func:`build_tables` takes a :class:`~scoring.formats.loader.CaseSet` (a single
case is a set of one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..method.kernel import BASE, Frames, score
from .loader import Case, CaseSet
from .measures import Measured, measure, outside
from .models import (
    Assume,
    BandsMapping,
    CategoriesMapping,
    DropItem,
    LinearMapping,
    LogMapping,
    Mapping,
    Override,
    Rubric,
    Scenario,
    SetConfidence,
    SetValue,
    SetWeight,
)
from .shift import shift

ROW_COLUMNS = ("item", "factor", "indicator", "value", "confidence", "grade", "reliability",
               "best_source", "best_via", "observed", "age_days", "assumption", "value_changes",
               "confidence_changes")
_NONE: tuple[str, ...] = ()


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
    ``as_of``, ``peer_group``, in the order given. ``overrides``: by (case, scenario)."""

    rubric: Rubric
    items: pd.DataFrame
    weights: pd.DataFrame
    drops: pd.DataFrame
    cases: pd.DataFrame
    overrides: dict[tuple[str, str], tuple[Override, ...]] = field(default_factory=dict)
    measured: Measured | None = None  # the rubric's measures of every case, when it has any


def score_tables(tables: Tables) -> Frames:
    """Score every case and scenario of ``tables`` in one pass of the method."""
    return score(tables.items, tables.weights, tables.rubric, tables.overrides, tables.drops)


Cols = dict[str, np.ndarray]  # rows as columns (numpy arrays of one length)


# What the method reads of an item row (kernel.score); the rest of ROW_COLUMNS is carried
# for the trace and pages of a case.
METHOD_COLUMNS = ("confidence", "reliability", "age_days", "assumption")


def build_tables(cases: CaseSet | Case, lean: bool = False,
                 share_prefixes: bool = False) -> Tables:
    """The tables of cases that share a rubric (a single case is a universe of one): the base
    rows, then each scenario's rows, every change applied to the rows of every case that has
    the scenario at once. Rows of one case, scenario and factor keep the order of the
    evidence, whatever the number of cases. ``lean``: item rows hold only what the method
    reads (``METHOD_COLUMNS`` and ``score``), for scores of many cases without their trace.
    ``share_prefixes`` (with ``lean``): a scenario whose changes, all but its last, are (the
    very objects of) an earlier scenario's gets that scenario's rows with its last change
    applied, not all of its changes again: the subsets of an attribution, built in order."""
    cs = cases if isinstance(cases, CaseSet) else cases.as_set()
    rubric, ev = cs.rubric, cs.evidence
    ids = [m.id for m in cs.metas]
    n = len(ids)
    as_of = np.array([m.as_of for m in cs.metas], dtype="datetime64[D]")
    items = ev.items
    m = len(items)
    factor_ids = [f.id for f in rubric.factors]
    base: Cols = {
        "case": items["case"].to_numpy(dtype=np.int64), "scenario": np.zeros(m, np.int64),
        "item": items["id"].to_numpy(),
        "factor": np.asarray(pd.Categorical(items["factor"].to_numpy(),
                                            categories=factor_ids).codes, dtype=np.int64),
        "indicator": items["indicator"].to_numpy(), "value": items["value"].to_numpy(),
        "confidence": items["confidence"].to_numpy(dtype=float),
        "grade": items["grade"].to_numpy(), "reliability": items["reliability"].to_numpy(),
        "best_source": items["best_source"].to_numpy(), "best_via": items["best_via"].to_numpy(),
        "observed": items["observed"].to_numpy(), "age_days": items["age_days"].to_numpy(),
        "assumption": np.zeros(m, dtype=bool), "value_changes": _repeat(_NONE, m),
        "confidence_changes": _repeat(_NONE, m)}
    base["score"] = map_values(base["factor"], base["indicator"], base["value"], rubric)
    measured = None
    if any(f.measure for f in rubric.factors):
        measured = measure(rubric, ev, n)
        base = {k: np.concatenate([v, rows[k]]) for k, v in base.items()
                for rows in [_measure_rows(measured, rubric, as_of)]}
    if lean:  # what a change or the mapping reads, and what the method reads
        base = {k: v for k, v in base.items()
                if k in ("case", "scenario", "item", "factor", "indicator", "value", "score",
                         *METHOD_COLUMNS)}
    metas, groups, overrides = cs.metas, _groups(cs), _overrides(cs)
    del cases, cs, ev, items  # the evidence's other columns are not needed from here on
    rubric_weights: dict[str, tuple[float, str | None]] = {
        f.id: (float(f.weight), None) for f in rubric.factors}
    scenario_ids = [BASE]
    parts = [base]
    weights: list[tuple[np.ndarray, int, str, dict[str, tuple[float, str | None]]]] = [
        (np.arange(n, dtype=np.int64), 0, BASE, rubric_weights)]
    drops: list[Cols] = []
    code_of = {BASE: 0}
    for codes, scenarios in groups:
        rows_of = _take(base, np.isin(base["case"], codes))
        done: dict[tuple[int, ...], tuple[Scenario, Overlaid]] = {}
        for rank, sc in enumerate(scenarios, start=1):
            if sc.id not in code_of:
                code_of[sc.id] = len(scenario_ids)
                scenario_ids.append(sc.id)
            start = done.get(tuple(map(id, sc.changes[:-1]))) if lean and share_prefixes \
                and sc.changes else None
            rows, w, gone = overlay(rows_of, sc, code_of[sc.id], rubric, codes, as_of, start)
            if lean and share_prefixes:
                done[tuple(map(id, sc.changes))] = (sc, (rows, w, gone))
            parts.append(rows)
            weights.append((codes, rank, sc.id, w))
            drops += gone
    kept = ("factor", *METHOD_COLUMNS) if lean else ROW_COLUMNS
    out = {k: np.concatenate([p[k] for p in parts])
           for k in ("case", "scenario", *kept, "score")}
    del parts
    columns: dict[str, object] = {
        "case": _categorical(out["case"], ids),
        "scenario": _categorical(out["scenario"], scenario_ids)}
    for column in (c for c in ROW_COLUMNS if c in kept):
        values = out.pop(column)
        columns[column] = _categorical(values, factor_ids) if column == "factor" else \
            pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
    columns["score"] = out.pop("score")
    frame = pd.DataFrame(columns, copy=False)  # the arrays made above, not copied into blocks
    return Tables(rubric, frame, _weights(weights, ids, scenario_ids, rubric, n),
                  _drops(drops, ids, scenario_ids), pd.DataFrame({
                      "case": ids, "entity": [meta.entity for meta in metas],
                      "as_of": [meta.as_of for meta in metas],
                      "peer_group": [meta.peer_group for meta in metas]}), overrides, measured)


def _measure_rows(measured: Measured, rubric: Rubric, as_of: np.ndarray) -> Cols:
    """One row per case for each factor scored by a measure: the measure's value as the
    row's value and score, named by the measure's id. Where the value is missing the row has
    confidence 0 (and score 0): it counts for nothing, and the factor follows its missing
    policy. A measure's value is as of its period: no decay (age 0), reliability 1."""
    parts = []
    n = measured.n
    for k, f in enumerate(rubric.factors):
        if f.measure is None:
            continue
        x = measured.values[f.measure]
        # a value off a closed scale is no score (measures.outside says so in the trace)
        ok = (measured.faults[f.measure] == 0) & ~outside(x, rubric)
        parts.append({
            "case": np.arange(n, dtype=np.int64), "scenario": np.zeros(n, np.int64),
            "item": _repeat_obj(f.measure, n), "factor": np.full(n, k, dtype=np.int64),
            "indicator": _repeat_obj(None, n),
            "value": _values(x, ok), "confidence": ok.astype(float),
            "grade": _repeat_obj(None, n), "reliability": np.ones(n),
            "best_source": _repeat_obj(None, n), "best_via": _repeat_obj(None, n),
            "observed": np.datetime_as_string(as_of, unit="D").astype(object),
            "age_days": np.zeros(n), "assumption": np.zeros(n, dtype=bool),
            "value_changes": _repeat(_NONE, n), "confidence_changes": _repeat(_NONE, n),
            "score": np.where(ok, x, 0.0)})
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _take(rows: Cols, which: np.ndarray) -> Cols:
    return {k: v[which] for k, v in rows.items()}


def _categorical(codes: np.ndarray, categories: list[str]) -> Any:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64),
                                     categories=pd.Index(categories, dtype=object))


def _repeat(value: tuple[str, ...], n: int) -> np.ndarray:
    one = np.empty(1, dtype=object)
    one[0] = value
    return one.repeat(n)


def _groups(cs: CaseSet) -> list[tuple[np.ndarray, tuple[Scenario, ...]]]:
    """The cases of ``cs`` grouped by their scenarios (cases of a universe's tables share
    them; case folders with the same scenarios file do too)."""
    by_key: dict[object, list[int]] = {}
    lists: dict[object, tuple[Scenario, ...]] = {}
    same: dict[int, object] = {}
    for k, scenarios in enumerate(cs.scenarios):
        if not scenarios:
            continue
        key = same.get(id(scenarios))
        if key is None:
            key = tuple(s.model_dump_json() for s in scenarios)
            same[id(scenarios)] = key
        by_key.setdefault(key, []).append(k)
        lists[key] = scenarios
    return [(np.asarray(codes, dtype=np.int64), lists[key]) for key, codes in by_key.items()]


# A scenario's rows, its factor weights (and the change that set each), the items it dropped.
Overlaid = tuple[Cols, dict[str, tuple[float, str | None]], list[Cols]]


def overlay(base: Cols, sc: Scenario, code: int, rubric: Rubric, codes: np.ndarray,
            as_of: np.ndarray, start: tuple[Scenario, Overlaid] | None = None) -> Overlaid:
    """The rows of scenario ``sc`` (scenario code ``code``) for the cases ``codes``: ``base``
    (their base rows) with its changes applied in order, each to every case at once; its
    factor weights (and the change that set each); the items it dropped. ``start``: an
    earlier scenario whose changes are ``sc``'s first ones, and its result: only the rest
    are applied to it (a change applies to the rows the changes before it left), its
    changes' ids named as ``sc``'s. Lean rows only (they carry no change tags)."""
    rows = dict(base)
    weights: dict[str, tuple[float, str | None]] = {
        f.id: (float(f.weight), None) for f in rubric.factors}
    factor_ids = [f.id for f in rubric.factors]
    drops: list[Cols] = []
    first = 0
    if start is not None:
        prior, (rows, w0, d0) = start
        assert "value_changes" not in rows
        first = len(prior.changes)
        names = {change_id(prior.id, i): change_id(sc.id, i) for i in range(first)}
        rows = dict(rows)
        weights = {f: (v, None if c is None else names[c]) for f, (v, c) in w0.items()}
        drops = [{**d, "scenario": _repeat_obj(sc.id, len(d["case"])),
                  "change": np.asarray([names[c] for c in d["change"]], dtype=object)}
                 for d in d0]
    for i, ch in enumerate(sc.changes[first:], start=first):
        cid = change_id(sc.id, i)
        if isinstance(ch, SetWeight):
            weights[ch.factor] = (float(ch.weight), cid)
            continue
        if isinstance(ch, Assume):
            new = _assumed(ch, cid, code, rubric, codes, as_of, factor_ids.index(ch.item.factor))
            new["score"] = map_values(new["factor"], new["indicator"], new["value"], rubric)
            rows = {k: np.concatenate([v, new[k]]) for k, v in rows.items()}  # keeps rows' keys
            continue
        hit = rows["item"] == ch.item
        if isinstance(ch, DropItem):
            m = int(hit.sum())
            drops.append({"case": rows["case"][hit], "scenario": _repeat_obj(sc.id, m),
                          "factor": np.asarray(factor_ids, dtype=object)[rows["factor"][hit]],
                          "item": _repeat_obj(ch.item, m), "change": _repeat_obj(cid, m)})
            rows = _take(rows, ~hit)
            continue
        column = "value_changes"
        if isinstance(ch, SetConfidence):
            column = "confidence_changes"
            rows["confidence"] = np.where(hit, float(ch.confidence), rows["confidence"])
        else:  # a new value: its score is mapped again
            values = rows["value"].copy()
            values[hit] = ch.value if isinstance(ch, SetValue) else \
                shift(values[hit], float(ch.by))  # a row's value is a float once shifted
            rows["value"] = values
            scores = rows["score"].copy()
            scores[hit] = map_values(rows["factor"][hit], rows["indicator"][hit], values[hit],
                                     rubric)
            rows["score"] = scores
        if column in rows:  # (lean rows do not say which changes touched them)
            tags = rows[column].copy()
            for r in np.flatnonzero(hit).tolist():  # one row per case: the item is named once
                tags[r] = (*tags[r], cid)
            rows[column] = tags
    rows["scenario"] = np.full(len(rows["case"]), code, dtype=np.int64)
    return rows, weights, drops


def _assumed(ch: Assume, cid: str, code: int, rubric: Rubric, codes: np.ndarray,
             as_of: np.ndarray, factor: int) -> Cols:
    """An assumption's row in every case of ``codes``."""
    a, grade = ch.item, rubric.assumption_grade
    assert grade is not None  # checked when the cases were loaded
    n = len(codes)
    when = as_of[codes] if a.observed is None else \
        np.full(n, np.datetime64(a.observed), dtype="datetime64[D]")
    return {
        "case": codes, "scenario": np.full(n, code, dtype=np.int64),
        "item": _repeat_obj(a.id, n), "factor": np.full(n, factor, dtype=np.int64),
        "indicator": _repeat_obj(a.indicator, n), "value": _repeat_obj(a.value, n),
        "confidence": np.full(n, float(a.confidence)), "grade": _repeat_obj(grade, n),
        "reliability": np.full(n, float(rubric.reliability[grade])),
        "best_source": _repeat_obj(None, n), "best_via": _repeat_obj(None, n),
        "observed": np.datetime_as_string(when, unit="D").astype(object),
        "age_days": (as_of[codes] - when).astype(float), "assumption": np.ones(n, dtype=bool),
        "value_changes": _repeat((cid,), n), "confidence_changes": _repeat(_NONE, n)}


def _values(x: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Numbers as an object column (Python floats), None where ``ok`` is False."""
    out = x.astype(object)
    out[~ok] = None
    return out


def _repeat_obj(value: object, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = [value] * n
    return out


def _weights(weights: list[tuple[np.ndarray, int, str, dict[str, tuple[float, str | None]]]],
             ids: list[str], scenario_ids: list[str], rubric: Rubric, n: int) -> pd.DataFrame:
    """One row per case, scenario and factor, cases in order, each case's scenarios in its
    order (base first)."""
    factors = [f.id for f in rubric.factors]
    n_f = len(factors)
    code_of = {sid: k for k, sid in enumerate(scenario_ids)}
    # one entry per (cases, scenario): its cases' rows are its factors' weights, repeated
    sizes = np.array([len(codes) for codes, _, _, _ in weights], dtype=np.int64) * n_f
    c = np.repeat(np.concatenate([codes for codes, _, _, _ in weights]), n_f)
    ranks = np.repeat(np.array([r for _, r, _, _ in weights], dtype=np.int64), sizes)
    scen = np.repeat(np.array([code_of[sid] for _, _, sid, _ in weights], dtype=np.int64),
                     sizes)
    per_case = sizes // n_f
    value = np.repeat(np.array([[w[f][0] for f in factors] for _, _, _, w in weights],
                               dtype=float).reshape(-1, n_f), per_case, axis=0).ravel()
    change = np.repeat(np.array([[w[f][1] for f in factors] for _, _, _, w in weights],
                                dtype=object).reshape(-1, n_f), per_case, axis=0).ravel()
    factor = np.tile(np.arange(n_f), len(c) // n_f)
    order = np.lexsort((factor, ranks, c))
    return pd.DataFrame({
        "case": _categorical(c[order], categories=ids),
        "scenario": _categorical(scen[order], categories=scenario_ids),
        "factor": _categorical(factor[order], categories=factors),
        "weight": value[order],
        "weight_change": pd.Series(change[order], dtype=object),
    })


def _drops(drops: list[Cols], ids: list[str], scenario_ids: list[str]) -> pd.DataFrame:
    names = ("case", "scenario", "factor", "item", "change")
    d = {k: np.concatenate([p[k] for p in drops]) if drops else
         np.zeros(0, np.int64 if k == "case" else object) for k in names}
    order = np.argsort(d["case"].astype(np.int64), kind="stable")
    return pd.DataFrame({
        "case": _categorical(d["case"][order].astype(np.int64), categories=ids),
        "scenario": pd.Categorical(d["scenario"][order], categories=scenario_ids),
        "factor": pd.Series(d["factor"][order], dtype=object),
        "item": pd.Series(d["item"][order], dtype=object),
        "change": pd.Series(d["change"][order], dtype=object)})


def _overrides(cs: CaseSet) -> dict[tuple[str, str], tuple[Override, ...]]:
    out: dict[tuple[str, str], tuple[Override, ...]] = {}
    for meta, scenarios in zip(cs.metas, cs.scenarios, strict=True):
        for sid, ovs in ((BASE, meta.overrides), *((s.id, s.overrides) for s in scenarios)):
            if ovs:
                out[(meta.id, sid)] = tuple(ovs)
    return out


def apply_mapping(mapping: Mapping, values: np.ndarray) -> np.ndarray:
    """Map raw indicator values (an object array: numbers, or labels) onto the scale,
    vectorised over one indicator's rows."""
    if isinstance(mapping, CategoriesMapping):
        labels = np.array(list(mapping.categories), dtype=str)
        scores = np.array([float(v) for v in mapping.categories.values()])
        order = np.argsort(labels)
        texts = values.astype(str)
        at = np.minimum(np.searchsorted(labels[order], texts), len(labels) - 1)
        found = labels[order][at] == texts
        return np.where(found, scores[order][at], np.nan)
    x = values.astype(float)
    if isinstance(mapping, LinearMapping):
        (lo, hi), (a, b) = mapping.input, mapping.output
        t = (x - lo) / (hi - lo)
        if mapping.clamp:
            t = np.clip(t, 0.0, 1.0)
        return np.asarray(a + t * (b - a), dtype=float)
    if isinstance(mapping, LogMapping):
        threshold = float(mapping.threshold)
        return np.asarray(np.log1p(x) / np.log1p(np.maximum(x, threshold)), dtype=float)
    assert isinstance(mapping, BandsMapping)
    edges = np.array([s.below for s in mapping.steps[:-1]], dtype=float)
    scores = np.array([s.score for s in mapping.steps], dtype=float)
    side: Literal["left", "right"] = "left" if mapping.at_threshold == "below" else "right"
    return np.asarray(scores[np.searchsorted(edges, x, side=side)], dtype=float)


def map_values(factor: np.ndarray, indicator: np.ndarray, value: np.ndarray,
               rubric: Rubric) -> np.ndarray:
    """Each row's value on the scale: the value itself, or its indicator's mapping of it.
    ``factor``: factor positions (codes in rubric order); ``indicator``: ids or None;
    ``value``: numbers and labels."""
    out = np.full(len(value), np.nan)
    has = np.asarray(indicator != None)  # noqa: E711 - elementwise, on an object column
    out[~has] = value[~has].astype(float)
    rows = np.flatnonzero(has)
    if not len(rows):
        return out
    ind_ids, ind_code = np.unique(indicator[rows].astype(str), return_inverse=True)
    key = factor[rows].astype(np.int64) * len(ind_ids) + ind_code.reshape(-1)
    for k in np.unique(key).tolist():  # one mapping at a time, over all its rows
        f, i = divmod(k, len(ind_ids))
        mapping = next(ind.mapping for ind in rubric.factors[f].indicators
                       if ind.id == ind_ids[i])
        mine = rows[key == k]
        out[mine] = apply_mapping(mapping, value[mine])
    return out
