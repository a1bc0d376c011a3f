"""Build the trace records of a scored case from the engine's frames.

Nothing here computes a score: every value is read from the frames the method (``method/kernel.py``) produced;
this module only writes down, for each one, what it was made from.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..display import exact
from ..formats.checks_judgement import scale_text
from ..formats.loader import Case
from ..formats.measures import Measured, outside
from ..formats.models import (
    Assume,
    BandsMapping,
    CategoriesMapping,
    Impute,
    LinearMapping,
    LogMapping,
    Mapping,
    Rubric,
)
from ..formats.tables import change_id
from ..method import expr
from ..method.judge import band_index
from ..method.kernel import BASE, Frames
from ..method.weights import TINY
from .core import TraceRecord
from .judgements import Judgement

R = TraceRecord


def mapping_text(m: Mapping) -> str:
    """A one-line description of an indicator mapping."""
    if isinstance(m, LinearMapping):
        return (f"linear: [{m.input[0]}, {m.input[1]}] -> [{m.output[0]}, {m.output[1]}], "
                + ("clamped" if m.clamp else "not clamped"))
    if isinstance(m, CategoriesMapping):
        return "categories: " + ", ".join(f"{k} -> {v}" for k, v in m.categories.items())
    if isinstance(m, LogMapping):
        return f"log: log(1 + x) / log(1 + max(x, {m.threshold}))"
    assert isinstance(m, BandsMapping)
    word = "at or below" if m.at_threshold == "below" else "below"
    return "bands: " + ", ".join(
        f"{word} {s.below} -> {s.score}" if s.below is not None else f"otherwise -> {s.score}"
        for s in m.steps
    )


def _mapping_detail(mapping: Mapping) -> dict[str, Any]:
    """A mapping as written: a linear mapping's ``clamp`` only when it is off."""
    data = mapping.model_dump()
    for key, default in (("clamp", True), ("at_threshold", "above")):  # new keys, shown only
        if data.get(key) == default:  # when set otherwise (older outputs stay as they were)
            del data[key]
    return data


def measure_records(case: Case, measured: Measured) -> list[TraceRecord]:
    """The case's reported figures (``figure/<id>``, citing their sources), the rubric's
    figures and measures (``rubric/figure/<id>``, ``rubric/measure/<id>``), each measure's
    value (``measure/<id>``: its formula with the values put in, down to the figures), and
    the row of a factor scored by a measure (``item/<measure>``)."""
    rub = case.rubric
    out = []
    for spec in rub.figures:
        out.append(R(f"rubric/figure/{spec.id}", "rubric", spec.name, spec.id,
                     detail={"unit": spec.unit, "description": spec.description}))
    for m in rub.measures:
        out.append(R(f"rubric/measure/{m.id}", "rubric", m.name, m.formula,
                     detail={"formula": m.formula, "unit": m.unit,
                             "description": m.description}))
    figs = case.evidence.figures
    cites = case.evidence.figure_refs
    record_of: dict[tuple[str, bool], str] = {}
    for k, row in enumerate(_rows(figs)):
        mine = cites[cites["item"].to_numpy() == k]
        refs = [{"source": s, "locator": loc, **({"via": v} if v is not None else {})}
                for s, loc, v in zip(mine["source"].tolist(), mine["locator"].tolist(),
                                     mine["via"].tolist(), strict=True)]
        rid = f"figure/{row.id}"
        record_of[(str(row.figure), bool(row.prior))] = rid
        out.append(R(rid, "figure", row.claim or f"{row.figure} ({row.period})",
                     float(row.value), unit="raw",
                     inputs=tuple(dict.fromkeys(f"source/{s}" for r in refs
                                                for s in (r["source"], r.get("via")) if s)),
                     detail={"figure": row.figure, "period": row.period, "unit": row.unit,
                             "currency": row.currency, "observed": row.observed,
                             "sources": refs, "claim": row.claim, "excerpt": row.excerpt}))
    names = {m.id: m.name for m in rub.measures}
    for mid in measured.order:
        tree = measured.trees[mid]
        inputs = [f"rubric/measure/{mid}"]

        def put(node: expr.Node, inputs: list[str] = inputs) -> str:
            prior = node.kind == "prior"
            if node.text in measured.trees:
                inputs.append(f"measure/{node.text}")
                x, fault = measured.values[node.text][0], measured.faults[node.text][0]
            else:
                rid = record_of.get((node.text, prior))
                if rid is not None:
                    inputs.append(rid)
                x = (measured.priors if prior else measured.values)[node.text][0]
                fault = expr.OK if x == x else expr.MISSING
            if fault != expr.OK:
                return f"[{'prior ' if prior else ''}{node.text}: not reported]" \
                    if fault == expr.MISSING and node.text not in measured.trees \
                    else f"[{node.text}: not computed]"
            return f"({exact(float(x))})" if x < 0 else exact(float(x))

        filled = expr.show(tree, put)
        x, fault = float(measured.values[mid][0]), int(measured.faults[mid][0])
        ok = fault == expr.OK
        out.append(R(f"measure/{mid}", "number", names[mid],
                     x if ok else f"not computed: {expr.FAULTS[fault]}", unit="raw",
                     op="formula", formula=f"{mid} = {expr.show(tree)}",
                     expression=f"{filled} = {exact(x)}" if ok else
                     f"{filled}: {expr.FAULTS[fault]}",
                     inputs=tuple(dict.fromkeys(inputs))))
    for f in rub.factors:
        if f.measure is None:
            continue
        x, fault = float(measured.values[f.measure][0]), int(measured.faults[f.measure][0])
        ok = fault == expr.OK
        off = ok and bool(outside(np.array([x]), rub)[0])
        out.append(R(f"item/{f.measure}", "item",
                     f"{names[f.measure]} (measure {f.measure}, scores {f.name})",
                     (f"missing: {exact(x)} is outside the scale {scale_text(rub)}" if off
                      else x) if ok else f"missing: {expr.FAULTS[fault]}", unit="points",
                     inputs=(f"measure/{f.measure}",),
                     detail={"measure": f.measure, "factor": f.id,
                             "claim": f"{names[f.measure]}, computed by the rubric's formula "
                                      "from the case's reported figures"}))
    return out


def _margin_records(sc: str, c: float, rubric: Rubric) -> list[TraceRecord]:
    """``<sc>/band_margin``: how far the composite is from the nearest edge of the band it
    falls in (the band of C, before any band rule of a gate or an override), in points."""
    k = int(band_index(np.array([c]), rubric)[0])
    band = rubric.bands[k]
    edges = [(float(band.min), rubric.bands[k - 1].name) if band.min is not None and k > 0
             else None,
             (float(band.max), rubric.bands[k + 1].name)
             if band.max is not None and k + 1 < len(rubric.bands) else None]
    sides = [(abs(c - e), e, name) for e, name in (x for x in edges if x is not None)]
    if not sides:  # one band holds every score: no edge to be near
        return []
    d, edge, name = min(sides)
    terms = " and ".join(f"|{exact(c)} - {exact(e)}| = {exact(abs(c - e))}"
                         for _, e, _ in sides)
    return [R(f"{sc}/band_margin", "number",
              f"Distance of the composite to the nearest band edge ({sc}): {name} at "
              f"{edge:g}", d, unit="points", op="distance",
              formula="the smaller distance from C to an edge of the band C falls in "
                      "(an edge with a band beyond it)",
              expression=f"{terms}: the nearest is {name} at {edge:g}, {exact(d)} away",
              inputs=(f"{sc}/composite", "rubric/bands"),
              detail={"band": band.name, "nearest_band": name, "edge": edge})]


def band_rule(rubric: Rubric) -> str:
    """Which band holds a composite, in words (``band_edge``)."""
    if rubric.band_edge == "max":
        return "a band holds (min, max]; the first band also holds its min"
    return "a band holds [min, max); the last band also holds its max"


def leaf_records(case: Case, measured: Measured | None = None) -> list[TraceRecord]:
    """Records for what the numbers rest on: case, rubric entries, sources, items, scenarios."""
    rub = case.rubric
    out = [
        R("case/as_of", "case", "As-of date of the case", str(case.meta.as_of),
          detail={"entity": case.meta.entity}),
        R("rubric/scale", "rubric", "Scale of every score",
          f"{rub.scale.min}-{rub.scale.max}" if rub.scale.min is not None
          and rub.scale.max is not None else scale_text(rub),
          detail={"min": rub.scale.min, "max": rub.scale.max}),
        R("rubric/bands", "rubric", "Bands", ", ".join(b.name for b in rub.bands),
          detail={"bands": [b.model_dump() for b in rub.bands], "rule": band_rule(rub)}),
    ]
    if rub.composite == "points":
        out.append(R("rubric/intercept", "rubric", "Intercept of the points composite",
                     float(rub.intercept), unit="points"))
    if rub.half_life_days is not None:
        out.append(R("rubric/half_life_days", "rubric", "Evidence half-life (days)",
                     float(rub.half_life_days), unit="days"))
    for grade, mult in rub.reliability.items():
        out.append(R(f"rubric/reliability/{grade}", "rubric", f"Reliability grade {grade}",
                     float(mult), unit="fraction"))
    for f in rub.factors:
        out.append(R(f"rubric/factor/{f.id}", "rubric", f.name, f.polarity,
                     detail={"name": f.name, "polarity": f.polarity,
                             "aggregation": f.aggregation, "description": f.description,
                             "missing": "exclude" if f.missing == "exclude" else
                             f"impute {f.missing.impute}"}))
        out.append(R(f"rubric/factor/{f.id}/weight", "rubric", f"Rubric weight: {f.name}",
                     float(f.weight), unit="fraction"))
        if isinstance(f.missing, Impute):
            out.append(R(f"rubric/factor/{f.id}/impute", "rubric",
                         f"Imputed score when {f.name} has no evidence",
                         float(f.missing.impute), unit="points"))
        for ind in f.indicators:
            out.append(R(f"rubric/indicator/{f.id}/{ind.id}", "rubric", ind.name,
                         mapping_text(ind.mapping),
                         detail={"unit": ind.unit, "description": ind.description,
                                 "mapping": _mapping_detail(ind.mapping)}))
    for g in rub.gates:
        out.append(R(f"rubric/gate/{g.id}", "rubric", g.description or f"Gate {g.id}", g.id,
                     detail=g.model_dump(mode="json")))
    for key, label in (("max_age_days", "Maximum evidence age (days)"),
                       ("contested_spread", "Spread above which a factor is contested"),
                       ("min_coverage", "Minimum coverage for a band")):
        value = getattr(rub, key)
        if value is not None:
            out.append(R(f"rubric/{key}", "rubric", label, float(value),
                         unit="fraction" if key == "min_coverage" else "points",
                         detail={"stale": rub.stale} if key == "max_age_days" else {}))
    out.append(R("rubric/overrides", "rubric", "Override policy",
                 f"±{rub.overrides.max_points:g} points, ±{rub.overrides.max_bands} bands",
                 detail=rub.overrides.model_dump(mode="json")))
    for s in case.sources:
        out.append(R(f"source/{s.id}", "source", s.title, s.reliability,
                     detail=s.model_dump(mode="json")))
    for it in case.items:
        out.append(R(f"item/{it.id}", "item", it.claim, it.value if isinstance(it.value, str)
                     else float(it.value), unit="raw" if it.indicator else "points",
                     inputs=tuple(dict.fromkeys(f"source/{s}" for r in it.sources
                                                for s in (r.source, r.via) if s)),
                     detail=it.model_dump(mode="json")))
    if measured is not None:
        out += measure_records(case, measured)
    for sc in case.scenarios:
        out.append(R(f"scenario/{sc.id}", "scenario", sc.name, sc.id,
                     detail={"narrative": sc.narrative}))
        for i, ch in enumerate(sc.changes):
            cid = change_id(sc.id, i)
            data = ch.model_dump(mode="json")
            out.append(R(cid, "change", f"{sc.name}: {ch.op}", ch.op, detail=data))
            if isinstance(ch, Assume):
                out.append(R(f"{sc.id}/assumption/{ch.item.id}", "assumption", ch.item.claim,
                             ch.item.value if isinstance(ch.item.value, str)
                             else float(ch.item.value),
                             inputs=(cid,), detail={**data["item"], "rationale": ch.rationale}))
    return out


def _exact(column: pd.Series | list[float]) -> list[str]:
    """``exact`` of every value of a column, in one pass."""
    return [f"{v:.10g}" for v in (column if isinstance(column, list) else column.tolist())]


def _item_records(items: pd.DataFrame, its: _Rows, case: Case,
                  factor_names: dict[str, str]) -> Iterator[list[TraceRecord]]:
    """The records of each item row of ``items`` (in row order; ``its``: the same rows'
    ids): each column is read, and each text written, once for all the rows; then one
    record per number is made, row by row as they are asked for."""
    rub = case.rubric
    hl = rub.half_life_days
    strength = {f.id: f.polarity == "strength" for f in rub.factors}
    lo, hi = rub.scale.min, rub.scale.max  # as written (strength needs a closed scale)
    as_of = case.meta.as_of
    cols = {name: items[name].tolist() for name in (
        "scenario", "item", "factor", "indicator", "value", "grade", "best_source", "best_via",
        "observed",
        "assumption", "value_changes", "confidence_changes", "confidence", "reliability",
        "age_days", "decay", "stale", "kept", "effective_weight", "relative_weight", "share",
        "risk_value", "score")}
    x_score, x_conf, x_rel = _exact(items["score"]), _exact(items["confidence"]), \
        _exact(items["reliability"])
    x_decay, x_w, x_risk = _exact(items["decay"]), _exact(items["effective_weight"]), \
        _exact(items["risk_value"])
    x_share, x_rw = _exact(items["share"]), _exact(items["relative_weight"])
    hl_text = exact(float(hl)) if hl else ""
    for (sc, iid, f, indicator, raw_value, grade, best, via, observed, assumption, value_changes,
         confidence_changes, confidence, reliability, age, decay, stale, kept, w, rw, share,
         risk, score, xs, xc, xr, xd, xw, xk, xsh, xrw, p, w_id, risk_id) in zip(
            *cols.values(), x_score, x_conf, x_rel, x_decay, x_w, x_risk, x_share, x_rw,
            its.prefix, its.w_id, its.risk_id, strict=True):
        origin = f"{sc}/assumption/{iid}" if assumption else f"item/{iid}"
        value = raw_value if isinstance(raw_value, str) else \
            "not computed" if raw_value is None else float(raw_value)  # (a measure's)
        # An assumption's first change is the "assume" itself, already upstream of its leaf.
        changes = tuple(value_changes[1:] if assumption else value_changes)
        if changes:
            op, expr = "scenario change", " -> ".join(changes) + f" gives {value}"
        else:
            op, expr = "input", f"{value} as {'assumed' if assumption else 'sourced'}"
        has_indicator = isinstance(indicator, str)
        vid, cid, rid = f"{p}/value", f"{p}/confidence", f"{p}/reliability"
        aid, did = f"{p}/age_days", f"{p}/decay"
        recs = [R(vid, "number", f"Value of {iid}", value,
                  unit="raw" if has_indicator else "points", op=op, expression=expr,
                  inputs=(origin, *changes))]
        score_id = vid
        if has_indicator:
            score_id = f"{p}/score"
            recs.append(R(score_id, "number", f"Score of {iid} via indicator {indicator}",
                          score, unit="points", op="mapping", formula="score = mapping(value)",
                          expression=f"mapping({value}) = {xs}",
                          inputs=(vid, f"rubric/indicator/{f}/{indicator}")))
        recs.append(R(cid, "number", f"Confidence in {iid}", confidence,
                      unit="fraction", op="input" if not confidence_changes else "scenario change",
                      expression=xc, inputs=(origin, *confidence_changes)))
        has_best = isinstance(best, str)
        if grade is None:  # a factor's measure: computed from figures, which cite sources
            recs.append(R(rid, "number", f"Reliability of {iid}", reliability,
                          unit="fraction", op="constant",
                          formula="1: a measure's value is the rubric's formula of the case's "
                                  "figures (their sources are in its derivation)",
                          expression=xr, inputs=(origin,)))
        else:
            relayed = has_best and isinstance(via, str)
            decided = (f"best source {best}, read via {via}: the weaker of the two grades"
                       if relayed else f"best source {best}" if has_best
                       else "assumption grade")
            recs.append(R(rid, "number", f"Reliability of {iid}", reliability,
                          unit="fraction", op="lookup",
                          expression=f"grade {grade} ({decided}) = {xr}",
                          inputs=(f"rubric/reliability/{grade}",
                                  *((f"source/{best}",) if has_best else ()),
                                  *((f"source/{via}",) if relayed else ()), origin)))
        recs.append(R(aid, "number", f"Age of {iid} at the as-of date", age,
                      unit="days", op="difference", formula="age = as_of - observed",
                      expression=f"{as_of} - {observed} = {int(age)} days",
                      inputs=("case/as_of", origin)))
        recs.append(R(did, "number", f"Recency decay of {iid}", decay,
                      unit="fraction", op="power" if hl else "constant",
                      formula="decay = 0.5 ^ (age / half_life_days)" if hl
                      else "decay = 1 (no half-life)",
                      expression=f"0.5 ^ ({int(age)} / {hl_text}) = {xd}" if hl else "1",
                      inputs=(aid, "rubric/half_life_days") if hl else ()))
        stale_note = (" x 0 (stale: older than max_age_days, excluded)" if stale and kept == 0
                      else " (stale: older than max_age_days, kept and flagged)" if stale
                      else "")
        recs.append(R(w_id, "number", f"Effective weight of {iid}", w,
                      unit="fraction", op="product", formula="w = confidence x reliability x decay",
                      expression=f"{xc} x {xr} x {xd}{stale_note} = {xw}",
                      inputs=(cid, rid, did,
                              *(("rubric/max_age_days",) if stale else ()))))
        if strength[f]:
            recs.append(R(risk_id, "number", f"Risk value of {iid} ({factor_names[f]})",
                          risk, unit="points", op="flip",
                          formula="r = scale_min + scale_max - score (strength: high means "
                                  "less risk)", expression=f"{lo} + {hi} - {xs} = {xk}",
                          inputs=(score_id, f"rubric/factor/{f}", "rubric/scale")))
        else:
            recs.append(R(risk_id, "number", f"Risk value of {iid} ({factor_names[f]})",
                          risk, unit="points", op="same", formula="r = score (risk polarity)",
                          expression=xk, inputs=(score_id, f"rubric/factor/{f}", "rubric/scale")))
        shown, how = ((xrw, " (w relative to the factor's largest weight)")
                      if rw > 0 and w < TINY else (xw, ""))
        recs.append(R(f"{p}/share", "number", f"Share of {iid} in {factor_names[f]}", share,
                      unit="fraction", op="ratio", formula="share = w / sum(w)",
                      expression=f"{shown} / sum(w) = {xsh}{how}",
                      inputs=(w_id, f"{sc}/factor/{f}/total_weight")))
        yield recs


ROWS_AT_ONCE = 8192  # item rows whose columns are read into Python lists at a time


class _Rows:
    """The item columns the records read, as lists, for some rows of the item frame (a
    chunk of a scenario's rows, or one (scenario, factor) group): read only for the rows
    being written, never for the whole frame at once. The ids of the item records that
    factor records cite are made once per row and shared. ``columns``: those columns of the
    whole frame as arrays (:func:`_row_columns`), ``rows`` the positions to read."""

    def __init__(self, columns: dict[str, np.ndarray], rows: np.ndarray) -> None:
        self.item = columns["item"][rows].tolist()
        self.prefix = [f"{sc}/item/{i}" for sc, i in zip(columns["scenario"][rows].tolist(),
                                                         self.item, strict=True)]
        self.w_id = [f"{p}/effective_weight" for p in self.prefix]
        self.risk_id = [f"{p}/risk_value" for p in self.prefix]
        self.w = columns["effective_weight"][rows].tolist()
        self.rw = columns["relative_weight"][rows].tolist()
        self.counted = columns["counted"][rows].tolist()
        self.risk = columns["risk_value"][rows].tolist()
        self.x_w = _exact(self.w)
        self.x_rw = _exact(self.rw)
        self.x_risk = _exact(self.risk)


def _row_columns(items: pd.DataFrame) -> dict[str, np.ndarray]:
    """The item frame's columns that :class:`_Rows` reads, as arrays, taken once: a
    (scenario, factor) group's rows are then picked by position (numpy), not by a pandas
    ``iloc`` of the whole frame per group (that was 40 % of a 50-item case's records)."""
    out = {c: items[c].to_numpy() for c in ("scenario", "effective_weight", "relative_weight",
                                              "counted", "risk_value")}
    out["item"] = items["item"].astype(str).to_numpy(dtype=object)
    return out


def _groups(items: pd.DataFrame) -> tuple[dict[tuple[str, str], np.ndarray],
                                          dict[str, np.ndarray]]:
    """Each (scenario, factor) group's and each scenario's row positions (in row order):
    grouped once, never filtered per factor."""
    scenario = items["scenario"].astype(str).to_numpy(dtype=object)
    factor = items["factor"].astype(str).to_numpy(dtype=object)
    groups: dict[tuple[str, str], list[int]] = {}
    by_scenario: dict[str, list[int]] = {}
    for k, (sc, f) in enumerate(zip(scenario.tolist(), factor.tolist(), strict=True)):
        groups.setdefault((sc, f), []).append(k)
        by_scenario.setdefault(sc, []).append(k)
    return ({k: np.array(v, dtype=np.intp) for k, v in groups.items()},
            {k: np.array(v, dtype=np.intp) for k, v in by_scenario.items()})


def _factor_records(fr: Any, its: _Rows, dropped: tuple[str, ...], case: Case, name: str,
                    included: list[tuple[str, float]]) -> list[TraceRecord]:
    """The records of one factor row; ``its``: the rows of its items."""
    sc, f = fr.scenario, fr.factor
    rows = range(len(its.item))
    p = f"{sc}/factor/{f}"
    note = f"; items dropped by {', '.join(dropped)}" if dropped else ""
    out = [R(f"{p}/total_weight", "number", f"Sum of effective weights: {name}",
             float(fr.total_weight), unit="fraction", op="sum", formula="sum(w_i)",
             expression=" + ".join(its.x_w[k] for k in rows) or "0",
             inputs=tuple(its.w_id[k] for k in rows))]
    wsrc = (fr.weight_change,) if isinstance(fr.weight_change, str) else (f"rubric/factor/{f}/weight",)
    out.append(R(f"{p}/weight", "number", f"Weight of {name}", float(fr.weight), unit="fraction",
                 op="scenario change" if isinstance(fr.weight_change, str) else "input",
                 expression=exact(fr.weight), inputs=wsrc))
    if fr.has_evidence:
        agg = fr.aggregation
        if agg == "weighted_mean":
            x_w, total, formula = its.x_w, exact(fr.total_weight), "F = sum(w_i x r_i) / sum(w_i)"
            # An item's plain effective weight too small for a float to hold exactly: the
            # derivation shows the weights relative to the factor's largest (weights.py).
            if any(its.rw[k] > 0 and its.w[k] < TINY for k in rows):
                x_w = its.x_rw
                total = exact(float(np.asarray([its.rw[k] for k in rows]).sum()))
                formula += ("; w_i relative to the factor's largest weight, because the plain "
                            "weights are too small for a float (docs/method.md)")
            terms = " + ".join(f"{x_w[k]} x {its.x_risk[k]}" for k in rows)
            expr = f"({terms}) / {total} = {exact(fr.score)}"
        else:
            expr = f"{agg}({', '.join(its.x_risk[k] for k in rows)}) = {exact(fr.score)}"
            formula = f"F = {agg}(r_i)"
        inputs = tuple(x for k in rows for x in (its.w_id[k], its.risk_id[k]))
        score = R(f"{p}/score", "number", f"Factor score: {name}", float(fr.score), unit="points",
                  op=agg, formula=formula, expression=expr + note,
                  inputs=(*inputs, f"{p}/total_weight", *dropped))
    elif fr.imputed:
        score = R(f"{p}/score", "number", f"Factor score: {name} (imputed, no evidence)",
                  float(fr.score), unit="points", op="impute",
                  expression=f"no evidence; imputed {exact(fr.score)}{note}",
                  inputs=(f"rubric/factor/{f}/impute", *dropped))
    else:
        score = R(f"{p}/score", "number", f"Factor score: {name} (no evidence, excluded)", None,
                  unit="points", op="excluded",
                  expression="no evidence; the factor drops out and the other weights "
                             f"renormalise{note}",
                  inputs=(f"rubric/factor/{f}", *dropped))
    out.append(score)
    if fr.has_evidence:
        live = [k for k in rows if its.counted[k]]
        risks = [its.risk[k] for k in live]
        limit = case.rubric.contested_spread
        out.append(R(f"{p}/spread", "number", f"Spread of the evidence on {name}",
                     float(fr.spread), unit="points", op="spread",
                     formula="max(r_i) - min(r_i) over items with weight",
                     expression=f"{exact(float(max(risks)))} - "
                                f"{exact(float(min(risks)))} = {exact(fr.spread)}"
                                + (f"; above contested_spread {limit}: CONTESTED"
                                   if fr.contested else ""),
                     inputs=tuple(its.risk_id[k] for k in live)
                     + (("rubric/contested_spread",) if limit is not None else ()),
                     detail={"contested": bool(fr.contested),
                             "higher_risk_items": [its.item[k] for k in live
                                                   if its.risk[k] > fr.score],
                             "lower_risk_items": [its.item[k] for k in live
                                                  if its.risk[k] <= fr.score]}))
    weights = [f"{sc}/factor/{g}/weight" for g, _ in included]
    wsum = " + ".join(exact(w) for _, w in included)
    if case.rubric.composite == "weighted_mean":
        out.append(R(f"{p}/normalised_weight", "number", f"Normalised weight of {name}",
                     float(fr.normalised_weight), unit="fraction", op="ratio",
                     formula="W_f / sum(W) over included factors",
                     expression=(f"{exact(fr.weight)} / ({wsum}) = {exact(fr.normalised_weight)}"
                                 if fr.included else "excluded: 0"),
                     inputs=tuple(weights) if fr.included else (f"{p}/score",)))
        cexpr = f"{exact(fr.normalised_weight)} x {exact(fr.score)}"
        cin = (f"{p}/normalised_weight", f"{p}/score")
        cformula = "c_f = normalised W_f x F_f"
    else:
        cexpr = f"{exact(fr.weight)} x {exact(fr.score)}"
        cin = (f"{p}/weight", f"{p}/score")
        cformula = "c_f = W_f x F_f"
    out.append(R(f"{p}/contribution", "number", f"Contribution of {name} to the composite",
                 float(fr.contribution), unit="points", op="product", formula=cformula,
                 expression=f"{cexpr} = {exact(fr.contribution)}" if fr.included
                 else "excluded: 0", inputs=cin))
    return out


@functools.cache
def _row_type(columns: tuple[str, ...]) -> Any:
    return collections.namedtuple("Row", columns, rename=True)


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as named tuples (typed Any: their fields are the frame's columns), the values
    ``itertuples`` gives, read column by column; the tuple type made once per set of
    columns, not once per frame."""
    columns = [str(c) for c in frame.columns]
    return map(_row_type(tuple(columns))._make,
               zip(*(frame[c].tolist() for c in frame.columns), strict=True))


def _judgement_records(sc: str, j: Judgement, case: Case) -> tuple[list[TraceRecord], str,
                                                                    list[str]]:
    """Records of the gates that fired and the overrides, the id of the last step, and the
    ids the band depends on beyond the composite."""
    out: list[TraceRecord] = []
    prev = f"{sc}/indicated_composite"
    band_inputs: list[str] = []
    gates = {g.id: g for g in case.rubric.gates}
    overrides = list(case.meta.overrides) if sc == BASE else next(
        s.overrides for s in case.scenarios if s.id == sc)
    for step in j.steps:
        if step.kind == "gate" and not step.fired:
            continue
        if step.kind == "gate":
            g = gates[step.id]
            rid = f"{sc}/gate/{step.id}"
            rules = [f"composite at least {g.then.composite_at_least}"
                     if g.then.composite_at_least is not None else "",
                     f"composite at most {g.then.composite_at_most}"
                     if g.then.composite_at_most is not None else "", step.band_rule or ""]
            what = "; ".join(r for r in rules if r)
            out.append(R(rid, "number", f"After gate {step.id} ({sc})", step.after,
                         unit="points", op="gate", formula="gate: when a factor score crosses "
                         "a threshold, floor/cap the composite or the band",
                         expression=f"triggered: {step.detail}; so {what}; composite "
                                    f"{exact(step.before)} -> {exact(step.after)}",
                         inputs=(prev, f"rubric/gate/{step.id}",
                                 f"{sc}/factor/{g.when.factor}/score")))
        else:
            k = int(step.id)
            ov = overrides[k - 1]
            entry = f"{sc}/override/{k}/entry"
            out.append(R(entry, "change", f"Override {k} ({sc}): {ov.reason_code}",
                         ov.reason_code, detail=ov.model_dump(mode="json")))
            rid = f"{sc}/override/{k}"
            moves = ", ".join(m for m in (f"{ov.points:+g} points" if ov.points is not None
                                          else "", step.band_rule or "") if m)
            out.append(R(rid, "number", f"After override {k} ({sc})", step.after,
                         unit="points", op="override",
                         formula="an analyst's bounded move, with a reason code",
                         expression=f"{moves} ({step.detail}): composite {exact(step.before)}"
                                    f" -> {exact(step.after)}",
                         inputs=(prev, entry, "rubric/overrides")))
        if step.band_rule:
            band_inputs.append(rid)
        prev = rid
    return out, prev, band_inputs


def scenario_records(frames: Frames, case: Case,
                     judgements: dict[str, Judgement] | None = None) -> list[TraceRecord]:
    """Records of every computed number, scenario by scenario."""
    return list(scenario_record_stream(frames, case, judgements))


def scenario_record_stream(frames: Frames, case: Case,
                           judgements: dict[str, Judgement] | None = None
                           ) -> Iterator[TraceRecord]:
    """The records of :func:`scenario_records`, in the same order, made as they are asked
    for: a large case's million records are never all held (the JSON export writes each
    as it comes)."""
    names = {f.id: f.name for f in case.rubric.factors}
    items = frames.items
    # One pass per level: item rows a chunk at a time, then factor rows grouped once by
    # scenario.
    groups, by_scenario = _groups(items)
    columns = _row_columns(items)
    drop_groups: dict[tuple[str, str], tuple[str, ...]] = {}
    for d in _rows(frames.drops):
        key = (str(d.scenario), str(d.factor))
        drop_groups[key] = (*drop_groups.get(key, ()), str(d.change))
    fac_groups: dict[str, list[Any]] = {}
    for fr in _rows(frames.factors):
        fac_groups.setdefault(str(fr.scenario), []).append(fr)
    for s in _rows(frames.scenarios):
        sc = s.scenario
        mine = by_scenario.get(sc, np.zeros(0, dtype=np.intp))
        for a in range(0, len(mine), ROWS_AT_ONCE):
            chunk = items.iloc[mine[a:a + ROWS_AT_ONCE]]
            for recs in _item_records(chunk, _Rows(columns, mine[a:a + ROWS_AT_ONCE]), case,
                                      names):
                yield from recs
        facs = fac_groups.get(sc, [])
        included = [(str(fr.factor), fr.weight) for fr in facs if fr.included]
        for fr in facs:
            rows = groups.get((sc, fr.factor), np.zeros(0, dtype=np.intp))
            yield from _factor_records(fr, _Rows(columns, rows),
                                       drop_groups.get((sc, fr.factor), ()), case,
                                       names[fr.factor], included)
        contribs = [f"{sc}/factor/{f}/contribution" for f, _ in included]
        origin = (f"scenario/{sc}",) if sc != BASE else ()
        indicated = float(getattr(s, "indicated", s.composite))
        points = case.rubric.composite == "points"
        terms = [exact(fr.contribution) for fr in facs if fr.included]
        yield (R(f"{sc}/indicated_composite", "number",
                     f"Indicated composite, from the factor scores ({sc})",
                     indicated, unit="points", op="sum",
                     formula="C = intercept + sum(c_f)" if points else "C = sum(c_f)",
                     expression=" + ".join([exact(float(case.rubric.intercept))] * points
                                           + terms) + f" = {exact(indicated)}"
                     + (f" (held within the scale {scale_text(case.rubric)})"
                        if points and not math.isinf(case.rubric.scale.hi - case.rubric.scale.lo)
                        else ""),
                     inputs=(*(("rubric/intercept",) if points else ()), *contribs, *origin)))
        steps, last, band_inputs = ([], f"{sc}/indicated_composite", []) \
            if judgements is None else _judgement_records(sc, judgements[sc], case)
        yield from steps
        yield (R(f"{sc}/composite", "number", f"Composite risk score ({sc})",
                     float(s.composite), unit="points",
                     op="same" if not steps else "after gates and overrides",
                     formula="the indicated composite after the rubric's gates and the "
                             "analyst's overrides",
                     expression=(f"no gate fired and no override: {exact(s.composite)}"
                                 if not steps else f"{exact(indicated)} -> "
                                 f"{exact(float(s.composite))}"),
                     inputs=(last,)))
        all_w = [f"{sc}/factor/{fr.factor}/weight" for fr in facs]

        def size(w: float, points: bool = points) -> str:  # a coefficient counts by its size
            return exact(abs(w)) if points else exact(w)

        with_evidence = " + ".join(size(fr.weight) for fr in facs if fr.has_sourced_evidence)
        yield (R(f"{sc}/coverage", "number", f"Evidence coverage ({sc})", float(s.coverage),
                     unit="percent", op="ratio",
                     formula=("sum(|W_f| with sourced evidence) / sum(|W_f| all factors)"
                              if points else
                              "sum(W_f with sourced evidence) / sum(W_f all factors)"),
                     expression=(f"({with_evidence}) / "
                                 f"({' + '.join(size(fr.weight) for fr in facs)}) = "
                                 f"{exact(s.coverage)}"),
                     inputs=tuple(all_w)))
        if sc != BASE:
            yield (R(f"{sc}/change_vs_base", "number", f"Change of the composite against base ({sc})",
                         float(s.change_vs_base), unit="delta", op="difference",
                         formula="C(scenario) - C(base)",
                         expression=(f"{exact(s.composite)} - {exact(s.composite - s.change_vs_base)} = "
                                     f"{exact(s.change_vs_base)}"),
                         inputs=(f"{sc}/composite", f"{BASE}/composite")))
        yield from _margin_records(sc, float(s.composite), case.rubric)
        thin = bool(s.insufficient)  # the method decided (judge.py); not decided again here
        yield (R(f"{sc}/band", "band", f"Band ({sc})", str(s.band), op="lookup",
                     formula=f"band whose {'(min, max]' if case.rubric.band_edge == 'max' else '[min, max)'} "
                             "holds C, then band gates and overrides; 'Insufficient evidence' "
                             "when coverage is below min_coverage",
                     expression=(f"coverage {exact(s.coverage)} < min_coverage "
                                 f"{case.rubric.min_coverage} -> {s.band}" if thin else
                                 f"C = {exact(s.composite)} -> {s.band}" + (
                                     f" (after {', '.join(band_inputs)})" if band_inputs else "")),
                     inputs=(f"{sc}/composite", "rubric/bands", *band_inputs,
                             *((f"{sc}/coverage", "rubric/min_coverage") if thin else ()))))
