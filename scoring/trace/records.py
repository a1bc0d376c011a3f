"""Build the trace records of a scored case from the engine's frames.

Nothing here computes a score: every value is read from the frames the method (``method/kernel.py``) produced;
this module only writes down, for each one, what it was made from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from ..display import exact
from ..formats.loader import Case
from ..formats.models import Assume, BandsMapping, CategoriesMapping, Impute, LinearMapping, Mapping
from ..formats.tables import change_id
from ..method.kernel import BASE, Frames
from ..method.weights import TINY
from .core import TraceRecord
from .judgements import Judgement

R = TraceRecord


def mapping_text(m: Mapping) -> str:
    """A one-line description of an indicator mapping."""
    if isinstance(m, LinearMapping):
        return (f"linear: [{m.input[0]}, {m.input[1]}] -> [{m.output[0]}, {m.output[1]}], "
                "clamped")
    if isinstance(m, CategoriesMapping):
        return "categories: " + ", ".join(f"{k} -> {v}" for k, v in m.categories.items())
    assert isinstance(m, BandsMapping)
    return "bands: " + ", ".join(
        f"below {s.below} -> {s.score}" if s.below is not None else f"otherwise -> {s.score}"
        for s in m.steps
    )


def leaf_records(case: Case) -> list[TraceRecord]:
    """Records for what the numbers rest on: case, rubric entries, sources, items, scenarios."""
    rub = case.rubric
    out = [
        R("case/as_of", "case", "As-of date of the case", str(case.meta.as_of),
          detail={"entity": case.meta.entity}),
        R("rubric/scale", "rubric", "Scale of every score", f"{rub.scale.min}-{rub.scale.max}",
          detail={"min": rub.scale.min, "max": rub.scale.max}),
        R("rubric/bands", "rubric", "Bands", ", ".join(b.name for b in rub.bands),
          detail={"bands": [b.model_dump() for b in rub.bands],
                  "rule": "a band holds [min, max); the last band also holds its max"}),
    ]
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
                                 "mapping": ind.mapping.model_dump()}))
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
                     inputs=tuple(dict.fromkeys(f"source/{r.source}" for r in it.sources)),
                     detail=it.model_dump(mode="json")))
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


def _item_records(row: Any, case: Case, factor_names: dict[str, str]) -> list[TraceRecord]:
    sc, iid, f = row.scenario, row.item, row.factor
    p = f"{sc}/item/{iid}"
    origin = f"{sc}/assumption/{iid}" if row.assumption else f"item/{iid}"
    out: list[TraceRecord] = []
    value = row.value if isinstance(row.value, str) else float(row.value)
    # An assumption's first change is the "assume" itself, already upstream of its leaf.
    changes = tuple(row.value_changes[1:] if row.assumption else row.value_changes)
    if changes:
        op, expr = "scenario change", " -> ".join(changes) + f" gives {value}"
    else:
        op, expr = "input", f"{value} as {'assumed' if row.assumption else 'sourced'}"
    out.append(R(f"{p}/value", "number", f"Value of {iid}", value,
                 unit="raw" if isinstance(row.indicator, str) else "points", op=op,
                 expression=expr,
                 inputs=(origin, *changes)))
    score_id = f"{p}/value"
    if isinstance(row.indicator, str):
        score_id = f"{p}/score"
        ind = f"rubric/indicator/{f}/{row.indicator}"
        out.append(R(score_id, "number", f"Score of {iid} via indicator {row.indicator}",
                     float(row.score), unit="points", op="mapping",
                     formula="score = mapping(value)",
                     expression=f"mapping({value}) = {exact(row.score)}",
                     inputs=(f"{p}/value", ind)))
    conf_in = (origin, *row.confidence_changes)
    out.append(R(f"{p}/confidence", "number", f"Confidence in {iid}", float(row.confidence),
                 unit="fraction", op="input" if not row.confidence_changes else "scenario change",
                 expression=f"{exact(row.confidence)}", inputs=conf_in))
    rel_in = (f"rubric/reliability/{row.grade}",
              *((f"source/{row.best_source}",) if isinstance(row.best_source, str) else ()),
              origin)
    who = (f"best source {row.best_source}" if isinstance(row.best_source, str)
           else "assumption grade")
    out.append(R(f"{p}/reliability", "number", f"Reliability of {iid}", float(row.reliability),
                 unit="fraction", op="lookup",
                 expression=f"grade {row.grade} ({who}) = {exact(row.reliability)}",
                 inputs=rel_in))
    out.append(R(f"{p}/age_days", "number", f"Age of {iid} at the as-of date",
                 float(row.age_days), unit="days", op="difference",
                 formula="age = as_of - observed",
                 expression=f"{case.meta.as_of} - {row.observed} = {int(row.age_days)} days",
                 inputs=("case/as_of", origin)))
    hl = case.rubric.half_life_days
    out.append(R(f"{p}/decay", "number", f"Recency decay of {iid}", float(row.decay),
                 unit="fraction", op="power" if hl else "constant",
                 formula="decay = 0.5 ^ (age / half_life_days)" if hl else "decay = 1 (no half-life)",
                 expression=(f"0.5 ^ ({int(row.age_days)} / {exact(float(hl))}) = "
                             f"{exact(row.decay)}") if hl else "1",
                 inputs=(f"{p}/age_days", "rubric/half_life_days") if hl else ()))
    excluded = bool(row.stale) and row.kept == 0
    stale_note = (" x 0 (stale: older than max_age_days, excluded)" if excluded else
                  " (stale: older than max_age_days, kept and flagged)" if row.stale else "")
    out.append(R(f"{p}/effective_weight", "number", f"Effective weight of {iid}",
                 float(row.effective_weight), unit="fraction", op="product",
                 formula="w = confidence x reliability x decay",
                 expression=(f"{exact(row.confidence)} x {exact(row.reliability)} x "
                             f"{exact(row.decay)}{stale_note} = {exact(row.effective_weight)}"),
                 inputs=(f"{p}/confidence", f"{p}/reliability", f"{p}/decay",
                         *(("rubric/max_age_days",) if row.stale else ()))))
    pol = case.rubric.factors[[x.id for x in case.rubric.factors].index(f)].polarity
    lo, hi = case.rubric.scale.min, case.rubric.scale.max
    if pol == "strength":
        formula = "r = scale_min + scale_max - score (strength: high means less risk)"
        expr = f"{lo} + {hi} - {exact(row.score)} = {exact(row.risk_value)}"
    else:
        formula, expr = "r = score (risk polarity)", f"{exact(row.risk_value)}"
    out.append(R(f"{p}/risk_value", "number", f"Risk value of {iid} ({factor_names[f]})",
                 float(row.risk_value), unit="points", op="flip" if pol == "strength" else "same",
                 formula=formula, expression=expr,
                 inputs=(score_id, f"rubric/factor/{f}", "rubric/scale")))
    shown, how = ((row.relative_weight, " (w relative to the factor's largest weight)")
                  if row.relative_weight > 0 and row.effective_weight < TINY
                  else (row.effective_weight, ""))
    out.append(R(f"{p}/share", "number", f"Share of {iid} in {factor_names[f]}",
                 float(row.share), unit="fraction", op="ratio", formula="share = w / sum(w)",
                 expression=f"{exact(shown)} / sum(w) = {exact(row.share)}{how}",
                 inputs=(f"{p}/effective_weight", f"{sc}/factor/{f}/total_weight")))
    return out


def _underflows(its: pd.DataFrame) -> bool:
    """Whether an item's plain effective weight is too small for a float to hold exactly
    (then derivations show the weights relative to the factor's largest; weights.py)."""
    w = its["effective_weight"]
    return bool(((its["relative_weight"] > 0) & (w < TINY)).any())


def _factor_records(fr: Any, its: pd.DataFrame, dropped: tuple[str, ...], case: Case,
                    name: str, included: pd.DataFrame) -> list[TraceRecord]:
    sc, f = fr.scenario, fr.factor
    p = f"{sc}/factor/{f}"
    note = f"; items dropped by {', '.join(dropped)}" if dropped else ""
    ids = [f"{sc}/item/{i}" for i in its["item"]]
    out = [R(f"{p}/total_weight", "number", f"Sum of effective weights: {name}",
             float(fr.total_weight), unit="fraction", op="sum", formula="sum(w_i)",
             expression=" + ".join(exact(w) for w in its["effective_weight"]) or "0",
             inputs=tuple(f"{i}/effective_weight" for i in ids))]
    wsrc = (fr.weight_change,) if isinstance(fr.weight_change, str) else (f"rubric/factor/{f}/weight",)
    out.append(R(f"{p}/weight", "number", f"Weight of {name}", float(fr.weight), unit="fraction",
                 op="scenario change" if isinstance(fr.weight_change, str) else "input",
                 expression=exact(fr.weight), inputs=wsrc))
    if fr.has_evidence:
        agg = fr.aggregation
        if agg == "weighted_mean":
            w_col, total, formula = "effective_weight", fr.total_weight, "F = sum(w_i x r_i) / sum(w_i)"
            if _underflows(its):
                w_col, total = "relative_weight", float(its["relative_weight"].sum())
                formula += ("; w_i relative to the factor's largest weight, because the plain "
                            "weights are too small for a float (docs/method.md)")
            pairs = zip(its[w_col], its["risk_value"], strict=True)
            terms = " + ".join(f"{exact(w)} x {exact(r)}" for w, r in pairs)
            expr = f"({terms}) / {exact(total)} = {exact(fr.score)}"
        else:
            expr = f"{agg}({', '.join(exact(r) for r in its['risk_value'])}) = {exact(fr.score)}"
            formula = f"F = {agg}(r_i)"
        inputs = tuple(x for i in ids for x in (f"{i}/effective_weight", f"{i}/risk_value"))
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
        live = its[its["relative_weight"] > 0]
        hi_side = live[live["risk_value"] > fr.score]["item"].tolist()
        lo_side = live[live["risk_value"] <= fr.score]["item"].tolist()
        limit = case.rubric.contested_spread
        out.append(R(f"{p}/spread", "number", f"Spread of the evidence on {name}",
                     float(fr.spread), unit="points", op="spread",
                     formula="max(r_i) - min(r_i) over items with weight",
                     expression=f"{exact(float(live['risk_value'].max()))} - "
                                f"{exact(float(live['risk_value'].min()))} = {exact(fr.spread)}"
                                + (f"; above contested_spread {limit}: CONTESTED"
                                   if fr.contested else ""),
                     inputs=tuple(f"{sc}/item/{i}/risk_value" for i in live["item"])
                     + (("rubric/contested_spread",) if limit is not None else ()),
                     detail={"contested": bool(fr.contested), "higher_risk_items": hi_side,
                             "lower_risk_items": lo_side}))
    weights = [f"{sc}/factor/{g}/weight" for g in included["factor"]]
    wsum = " + ".join(exact(w) for w in included["weight"])
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


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as named tuples (typed Any: their fields are the frame's columns)."""
    return frame.itertuples(index=False)


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
                         expression=f"fired because {step.detail}: {what}; composite "
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
    names = {f.id: f.name for f in case.rubric.factors}
    out: list[TraceRecord] = []
    # Group once: filtering the item table per factor and scenario is the slow way.
    item_groups = {(str(k[0]), str(k[1])): g for k, g in
                   frames.items.groupby(["scenario", "factor"], sort=False)}
    empty = frames.items.iloc[0:0]
    drop_groups: dict[tuple[str, str], tuple[str, ...]] = {}
    for d in _rows(frames.drops):
        key = (str(d.scenario), str(d.factor))
        drop_groups[key] = (*drop_groups.get(key, ()), str(d.change))
    for s in _rows(frames.scenarios):
        sc = s.scenario
        for row in _rows(frames.items[frames.items["scenario"] == sc]):
            out += _item_records(row, case, names)
        facs = frames.factors[frames.factors["scenario"] == sc]
        included = facs[facs["included"]]
        for fr in _rows(facs):
            out += _factor_records(fr, item_groups.get((sc, fr.factor), empty),
                                   drop_groups.get((sc, fr.factor), ()), case,
                                   names[fr.factor], included)
        contribs = [f"{sc}/factor/{f}/contribution" for f in included["factor"]]
        origin = (f"scenario/{sc}",) if sc != BASE else ()
        indicated = float(getattr(s, "indicated", s.composite))
        out.append(R(f"{sc}/indicated_composite", "number",
                     f"Indicated composite, from the factor scores ({sc})",
                     indicated, unit="points", op="sum", formula="C = sum(c_f)",
                     expression=" + ".join(exact(c) for c in included["contribution"])
                     + f" = {exact(indicated)}", inputs=(*contribs, *origin)))
        steps, last, band_inputs = ([], f"{sc}/indicated_composite", []) \
            if judgements is None else _judgement_records(sc, judgements[sc], case)
        out += steps
        out.append(R(f"{sc}/composite", "number", f"Composite risk score ({sc})",
                     float(s.composite), unit="points",
                     op="same" if not steps else "after gates and overrides",
                     formula="the indicated composite after the rubric's gates and the "
                             "analyst's overrides",
                     expression=(f"no gate fired and no override: {exact(s.composite)}"
                                 if not steps else f"{exact(indicated)} -> "
                                 f"{exact(float(s.composite))}"),
                     inputs=(last,)))
        all_w = [f"{sc}/factor/{f}/weight" for f in facs["factor"]]
        ev = facs[facs["has_sourced_evidence"]]
        out.append(R(f"{sc}/coverage", "number", f"Evidence coverage ({sc})", float(s.coverage),
                     unit="percent", op="ratio",
                     formula="sum(W_f with sourced evidence) / sum(W_f all factors)",
                     expression=(f"({' + '.join(exact(w) for w in ev['weight'])}) / "
                                 f"({' + '.join(exact(w) for w in facs['weight'])}) = "
                                 f"{exact(s.coverage)}"),
                     inputs=tuple(all_w)))
        if sc != BASE:
            out.append(R(f"{sc}/change_vs_base", "number", f"Change of the composite against base ({sc})",
                         float(s.change_vs_base), unit="delta", op="difference",
                         formula="C(scenario) - C(base)",
                         expression=(f"{exact(s.composite)} - {exact(s.composite - s.change_vs_base)} = "
                                     f"{exact(s.change_vs_base)}"),
                         inputs=(f"{sc}/composite", f"{BASE}/composite")))
        thin = case.rubric.min_coverage is not None and s.coverage < case.rubric.min_coverage
        out.append(R(f"{sc}/band", "band", f"Band ({sc})", str(s.band), op="lookup",
                     formula="band whose [min, max) holds C, then band gates and overrides; "
                             "'Insufficient evidence' when coverage is below min_coverage",
                     expression=(f"coverage {exact(s.coverage)} < min_coverage "
                                 f"{case.rubric.min_coverage} -> {s.band}" if thin else
                                 f"C = {exact(s.composite)} -> {s.band}" + (
                                     f" (after {', '.join(band_inputs)})" if band_inputs else "")),
                     inputs=(f"{sc}/composite", "rubric/bands", *band_inputs,
                             *((f"{sc}/coverage", "rubric/min_coverage") if thin else ()))))
    return out
