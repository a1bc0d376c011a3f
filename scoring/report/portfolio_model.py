"""The portfolio index page, built in Python before rendering (docs/report.md, "Portfolio").

Like ``report_model.py`` for one case: the template only displays these objects. Numbers are
shown by the one display rule and keep their exact value beside them (``data-v``), which the
page's sort uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import __version__
from ..display import format_score
from ..formats.models import Rubric
from ..method.judge import band_index
from ..method.kernel import BASE
from .parts import span
from .portfolio import UniverseScores

CHART_WIDTH = 640  # px of the scale axis
CHART_HEIGHT = 120  # px of the tallest bar
N_BINS = 20
CASE_PAGES = "cases"


@dataclass(frozen=True)
class Cell:
    """One scenario of one case in the index table (``None`` fields: no such scenario)."""

    composite: str
    composite_raw: str
    band: str
    band_rank: int  # position of the band on the scale, for sorting
    coverage: str
    coverage_raw: str


@dataclass(frozen=True)
class CaseRow:
    id: str
    href: str
    entity: str
    cells: tuple[Cell | None, ...]  # one per scenario of the page


@dataclass(frozen=True)
class HistBar:
    """One bin of a distribution chart (geometry in px, precomputed)."""

    x: float
    y: float
    width: float
    height: float
    count: int
    label: str  # "40.00–45.00"
    band_rank: int


@dataclass(frozen=True)
class Chart:
    scenario: str
    bars: tuple[HistBar, ...]
    ticks: tuple[tuple[float, str], ...]  # (x px, band name at its start)
    n_cases: int
    median: str
    max_count: int


@dataclass(frozen=True)
class BandCounts:
    scenario: str
    counts: tuple[int, ...]  # per band of the page, in scale order


@dataclass(frozen=True)
class BandChange:
    id: str
    href: str
    entity: str
    base_composite: str
    base_band: str
    other_composite: str
    other_band: str
    change: str
    change_raw: str


@dataclass(frozen=True)
class PortfolioPage:
    title: str
    n_cases: int
    rubrics: tuple[tuple[str, str], ...]  # (id, version)
    scenarios: tuple[str, ...]
    bands: tuple[str, ...]
    band_counts: tuple[BandCounts, ...]
    charts: tuple[Chart, ...]
    compared: str | None  # the scenario compared with base ("bear"), None when there is none
    band_changes: tuple[BandChange, ...]
    rows: tuple[CaseRow, ...]
    engine_version: str
    generated_at: str | None
    chart_width: int
    chart_height: int


def case_href(case_id: str) -> str:
    """Relative link from the index to a case page (ids hold only [A-Za-z0-9_.-])."""
    return f"{CASE_PAGES}/{case_id}.html"


def _cells(summary: pd.DataFrame, scenarios: list[str],
           rank: dict[str, int]) -> dict[str, list[Cell | None]]:
    out: dict[str, list[Cell | None]] = {}
    columns = (summary[c].tolist() for c in ("case", "scenario", "composite", "band", "coverage"))
    for case, scenario, composite, band, coverage in zip(*columns, strict=True):
        cells = out.setdefault(str(case), [None] * len(scenarios))
        cells[scenarios.index(str(scenario))] = Cell(
            format_score(float(composite)), repr(float(composite)), str(band),
            rank.get(str(band), -1), format_score(float(coverage), "percent"),
            repr(float(coverage)))
    return out


def _chart(values: np.ndarray, scenario: str, rubric: Rubric) -> Chart:
    lo, hi = span(rubric.scale.lo, rubric.scale.hi, values.tolist())
    counts, edges = np.histogram(values, bins=N_BINS, range=(lo, hi))
    top = int(counts.max()) if len(values) else 0
    step = CHART_WIDTH / N_BINS
    colour = band_index(edges[:-1], rubric)  # the band of each bar's left edge
    bars = tuple(
        HistBar(round(k * step, 3), round(CHART_HEIGHT * (1 - c / top), 3) if top else 0.0,
                round(step - 1, 3), round(CHART_HEIGHT * c / top, 3) if top else 0.0, int(c),
                f"{format_score(edges[k])}–{format_score(edges[k + 1])}",
                int(colour[k]))
        for k, c in enumerate(counts))
    ticks = tuple((round((float(b.min) - lo) / (hi - lo) * CHART_WIDTH, 3), b.name)
                  for b in rubric.bands if b.min is not None and lo <= b.min <= hi)
    median = format_score(float(np.median(values))) if len(values) else "n/a"
    return Chart(scenario, bars, ticks, len(values), median, top)


def _band_changes(summary: pd.DataFrame, other: str) -> tuple[BandChange, ...]:
    s = summary.set_index(["case", "scenario"])
    base = s.xs(BASE, level="scenario")
    alt = s.xs(other, level="scenario")
    both = base.merge(alt, left_index=True, right_index=True, suffixes=("_b", "_o"))
    moved = both[both["band_b"] != both["band_o"]]
    return tuple(
        BandChange(str(cid), case_href(str(cid)), str(r.entity_b),
                   format_score(float(r.composite_b)), str(r.band_b),
                   format_score(float(r.composite_o)), str(r.band_o),
                   format_score(float(r.change_vs_base_o), "delta"),
                   repr(float(r.change_vs_base_o)))
        for cid, r in zip(moved.index, moved.itertuples(index=False), strict=True))


def build_portfolio(scores: UniverseScores, title: str,
                    generated_at: dt.datetime | None = None) -> PortfolioPage:
    """The index page of a scored universe."""
    summary = scores.summary
    rubric = next(iter(scores.rubrics.values()))
    scenarios = list(dict.fromkeys(summary["scenario"]))
    bands = [b.name for b in rubric.bands]
    rank = {b: k for k, b in enumerate(bands)}
    cells = _cells(summary, scenarios, rank)
    entity = dict(zip(summary["case"], summary["entity"], strict=True))
    rows = tuple(CaseRow(cid, case_href(cid), str(entity[cid]), tuple(cells[cid]))
                 for cid in scores.index)
    by_scenario = {sc: summary.loc[summary["scenario"] == sc] for sc in scenarios}
    counts = tuple(BandCounts(sc, tuple(int((g["band"] == b).sum()) for b in bands))
                   for sc, g in by_scenario.items())
    charts = tuple(_chart(g["composite"].to_numpy(dtype=float), sc, rubric)
                   for sc, g in by_scenario.items())
    compared = "bear" if "bear" in scenarios else None
    return PortfolioPage(
        title, scores.n_cases, tuple((r.id, r.version) for r in scores.rubrics.values()),
        tuple(scenarios), tuple(bands), counts, charts, compared,
        _band_changes(summary, compared) if compared else (), rows, __version__,
        generated_at.isoformat() if generated_at else None, CHART_WIDTH, CHART_HEIGHT)
