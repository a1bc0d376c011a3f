"""A case's history (``scoring history``) as text, CSV, JSON or Parquet.

The numbers are the method's, read from :class:`~scoring.analysis.history.History`; each
step between two dates is the ``scoring diff`` split of that step, shown compactly (its
parts, then each factor that moved with the items the walk credits).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from ..analysis.diff import CaseDiff
from ..analysis.history import History, Restated
from ..csvout import csv_text
from ..display import escape_controls as esc
from ..display import format_score
from ..output import dumps_json
from ..version import __version__
from .text import table


def render_history(history: History, fmt: str) -> str | bytes:
    """``fmt``: table (text), csv, json (text) or parquet (bytes)."""
    if fmt == "parquet":
        from .portfolio import render_parquet

        return render_parquet(history.summary_table())
    if fmt == "csv":
        return csv_text(history.summary_table())
    if fmt == "json":
        return render_json(history)
    return render_text(history)


def render_text(history: History) -> str:
    case, rubric = history.case, history.case.rubric
    d = rubric.decimals
    rows = [[r.case.meta.as_of.isoformat(), s, format_score(r.composite(s), "points", d),
             r.band(s), format_score(r.coverage(s), "percent")]
            for r in history.results for s in r.scenario_ids]
    out = [f"{esc(case.meta.entity)} — history over {len(history.dates)} as-of dates — rubric "
           f"{rubric.id} {rubric.version} at every date\n",
           table(["as of", "scenario", "composite", "band", "coverage"], rows)]
    dates = [x.isoformat() for x in history.dates]
    for s in history.results[-1].scenario_ids:
        out.append(table([f"factor score ({s})", *dates], [
            [f.id, *[format_score(r.factor_score(s, f.id), "points", d)
                     if s in r.scenario_ids else "" for r in history.results]]
            for f in rubric.factors]))
    for when, changes in zip(dates, history.unobserved, strict=True):
        if changes:
            out.append(f"Not yet observed on {when}, so these scenario changes changed "
                       "nothing then: " + ", ".join(f"{u.change} ({esc(u.item)})"
                                                    for u in changes) + "\n")
    for k, step in enumerate(history.steps):
        arrived = history.arrived(k)
        restated = history.restated[k] if history.restated else ()
        out.append(f"From {dates[k]} to {dates[k + 1]}: "
                   + (f"{len(arrived)} items arrived ({esc(', '.join(arrived))})"
                      if arrived else "no item arrived") + "; the others aged.\n"
                   + "".join(_restated(history, r, restated, step, d) for r in restated)
                   + _step(step, d))
    if history.later:
        out.append(f"Restated after {dates[-1]}, so not yet known then (the earlier value "
                   "counts at that date):\n"
                   + "".join(_restated(history, r, (), None, d) for r in history.later))
    out.append("n/a: no evidence at that date (factor excluded, weights renormalised).\n"
               "Each step is the exact split of scoring diff (docs/expectations.md): parts add "
               "up to the change.\n")
    return "\n".join(out)


def figure_value(x: float) -> str:
    """A reported figure as written in the filings' messages: 1,010 or 5.3."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def _cited(history: History, source: str) -> str:
    src = history.case.evidence.sources
    title = src.loc[src["id"] == source, "title"]
    return esc(f"{source}: {title.iloc[0]}" if len(title) else source)


def restated_text(history: History, r: Restated) -> str:
    """``total_assets FY2022 (X_total_assets_FY2022) restated on 2024-05-02: 1,000
    (SOURCE: its title) -> 1,010 (SOURCE: its title)``."""
    return (f"{esc(r.name)} {esc(r.period)} ({esc(r.figure)}) restated on {r.new_observed}: "
            f"{figure_value(r.old_value)} ({_cited(history, r.old_source)}) -> "
            f"{figure_value(r.new_value)} ({_cited(history, r.new_source)})")


def _restated(history: History, r: Restated, others: tuple[Restated, ...],
              step: CaseDiff | None, decimals: int) -> str:
    """One restatement of a step, with what it moved: the factors reading the figure whose
    score changed in the step, per scenario (shared with the other figures restated in the
    step that those factors read too)."""
    line = "  restated: " + restated_text(history, r)
    if step is None:
        return line + "\n"
    if not r.factors:
        return line + "; no factor reads it\n"
    moved = []
    for sd in step.scenarios:
        for f in sd.factors:
            if f.factor in r.factors and (f.total != 0 or f.old_score != f.new_score):
                old, new = (format_score(x, "points", decimals) if x is not None else "n/a"
                            for x in (f.old_score, f.new_score))
                moved.append(f"{esc(sd.scenario)}: {esc(f.factor)} {old} -> {new} "
                             f"({format_score(f.total, 'delta', decimals)} on the composite)")
    shared = sorted({o.figure for o in others if o is not r and set(o.factors) & set(r.factors)})
    if not moved:
        return line + f"; it moves no score (read by {esc(', '.join(r.factors))})\n"
    return (line + "; it moves " + "; ".join(moved)
            + (f" (with {esc(', '.join(shared))}, restated then too)" if shared else "")
            + "\n")


def _step(step: CaseDiff, decimals: int) -> str:
    def pts(x: float | None) -> str:
        return "n/a" if x is None else format_score(x, "points", decimals)

    def delta(x: float) -> str:
        return format_score(x, "delta", decimals)

    lines = []
    for sd in step.scenarios:
        lines.append(f"  {esc(sd.scenario)}: {pts(sd.old_composite)} -> "
                     f"{pts(sd.new_composite)} ({delta(sd.total)}) = factor scores "
                     f"{delta(sd.score_effect)}, weights {delta(sd.weight_effect)}, coverage "
                     f"{delta(sd.coverage_effect)}, gates and overrides "
                     f"{delta(sd.judgement_effect)}; band {esc(sd.old_band)} -> "
                     f"{esc(sd.new_band)}")
        for f in sd.factors:
            if f.total == 0 and f.old_score == f.new_score:
                continue
            items = "; ".join(
                f"{', '.join(e.items)} {e.kind}"
                + (f" ({', '.join(e.reasons)})" if e.reasons else "") + f" {delta(e.delta)}"
                for e in f.items if e.delta != 0)
            lines.append(f"    {esc(f.factor)} {pts(f.old_score)} -> {pts(f.new_score)}: "
                         f"{delta(f.total)}" + (f" [{esc(items)}]" if items else ""))
    return "\n".join(lines) + "\n"


def render_json(history: History) -> str:
    """``{format_version, engine_version, case, entity, dates: [{as_of, rubric,
    unobserved_changes, scenarios: [{id, composite, band, coverage, change_vs_base,
    factors}]}], steps: [{from, to, arrived, restated, diff}], restated_later}``; ``diff``
    is ``scoring diff --format json`` of the step; ``restated``: the figures restated in the
    step, ``restated_later``: those restated after the last date."""
    rubric = history.case.rubric
    dates = []
    for r, unobserved in zip(history.results, history.unobserved, strict=True):
        table_ = r.summary_table()
        change = dict(zip(r.frames.scenarios["scenario"].astype(str),
                          r.frames.scenarios["change_vs_base"].astype(float), strict=True))
        dates.append({
            "as_of": r.case.meta.as_of.isoformat(),
            "rubric": {"id": rubric.id, "version": rubric.version},
            "unobserved_changes": [{"scenario": u.scenario, "change": u.change,
                                    "item": u.item} for u in unobserved],
            "scenarios": [{
                "id": str(rec["scenario"]), "composite": float(rec["composite"]),
                "band": str(rec["band"]), "coverage": float(rec["coverage"]),
                "change_vs_base": change[str(rec["scenario"])],
                "factors": {f.id: None if np.isnan(rec[f.id]) else float(rec[f.id])
                            for f in rubric.factors}} for rec in table_.to_dict("records")]})
    steps = [{"from": history.dates[k].isoformat(), "to": history.dates[k + 1].isoformat(),
              "arrived": list(history.arrived(k)),
              "restated": [asdict(r) for r in (history.restated[k] if history.restated
                                               else ())],
              "diff": asdict(step)}
             for k, step in enumerate(history.steps)]
    return dumps_json({"format_version": 1, "engine_version": __version__,
                       "case": history.case.meta.id, "entity": history.case.meta.entity,
                       "dates": dates, "steps": steps,
                       "restated_later": [asdict(r) for r in history.later]})
