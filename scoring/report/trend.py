"""The report's trend section: each scenario's composite at several as-of dates.

Built from a :class:`~scoring.analysis.history.History` (one pass of the method over every
date). Each point of a chart is an inline SVG link to its row in the section's table, which
shows the traced number (its id, value and the expression that made it) and the step from
the date before, split as ``scoring diff`` splits a change. No script: the page's CSP
forbids them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..analysis.history import History
from ..display import format_score
from .history import restated_text

WIDTH, HEIGHT, PAD = 640, 160, 28


@dataclass(frozen=True)
class TrendPoint:
    id: str  # the anchor of its row: trend/<date>/<scenario>
    date: str
    x: float
    y: float
    composite: str  # shown
    raw: str  # full precision, in data-value
    band: str
    coverage: str
    trace_id: str  # <scenario>/composite at that date
    expression: str  # how the indicated composite was made, operands written in
    step: str  # the change from the date before, split into its parts ("" for the first)
    arrived: str  # the items observed since the date before
    unobserved: str  # this scenario's changes that changed nothing then
    restated: str = ""  # the figures restated since the date before (restatements.yaml)


@dataclass(frozen=True)
class TrendChart:
    scenario: str
    points: tuple[TrendPoint, ...]
    line: str  # the polyline's points
    ticks: tuple[tuple[float, str], ...]  # (y px, band name) at each band's lower edge


@dataclass(frozen=True)
class Trend:
    dates: tuple[str, ...]
    charts: tuple[TrendChart, ...]
    width: int = WIDTH
    height: int = HEIGHT


def build_trend(history: History) -> Trend:
    rubric = history.case.rubric
    d = rubric.decimals
    composites = [r.composite(s) for r in history.results for s in r.scenario_ids]
    lo, hi = float(rubric.scale.lo), float(rubric.scale.hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):  # an open scale: the values' range
        lo, hi = min(composites), max(composites)
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    first, span = history.dates[0], (history.dates[-1] - history.dates[0]).days

    def x(k: int) -> float:  # proportional to the days since the first date
        at = (history.dates[k] - first).days / span if span else 0.5
        return round(PAD + 60 + (WIDTH - 2 * PAD - 60) * at, 2)

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - lo) / (hi - lo), 2)

    charts = []
    for s in history.results[-1].scenario_ids:
        points = []
        for k, r in enumerate(history.results):
            if s not in r.scenario_ids:
                continue
            when = history.dates[k].isoformat()
            rec = r.trace[f"{s}/indicated_composite"] if \
                f"{s}/indicated_composite" in r.trace else r.trace[f"{s}/composite"]
            step, arrived = "", ""
            if k:
                sd = next((x for x in history.steps[k - 1].scenarios if x.scenario == s), None)
                if sd is not None:
                    step = (f"{format_score(sd.total, 'delta', d)} since "
                            f"{history.dates[k - 1].isoformat()}: factor scores "
                            f"{format_score(sd.score_effect, 'delta', d)}, weights "
                            f"{format_score(sd.weight_effect, 'delta', d)}, coverage "
                            f"{format_score(sd.coverage_effect, 'delta', d)}, gates and "
                            f"overrides {format_score(sd.judgement_effect, 'delta', d)}")
                arrived = ", ".join(history.arrived(k - 1))
            v = r.composite(s)
            points.append(TrendPoint(
                f"trend/{when}/{s}", when, x(k), y(v), format_score(v, "points", d), repr(v),
                r.band(s), format_score(r.coverage(s), "percent"), f"{s}/composite",
                rec.expression, step, arrived,
                ", ".join(f"{u.change} ({u.item})" for u in history.unobserved[k]
                          if u.scenario == s),
                "; ".join(restated_text(history, x) for x in history.restated[k - 1])
                if k and history.restated else ""))
        ticks = tuple((y(float(b.min)), b.name) for b in rubric.bands
                      if b.min is not None and lo <= float(b.min) <= hi)
        charts.append(TrendChart(s, tuple(points),
                                 " ".join(f"{p.x},{p.y}" for p in points), ticks))
    return Trend(tuple(x.isoformat() for x in history.dates), tuple(charts))
