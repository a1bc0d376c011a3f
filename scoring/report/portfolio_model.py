"""The portfolio index page, built in Python before rendering (docs/report.md, "Portfolio").

Like ``report/model.py`` for one case: the template only displays these objects. Numbers are
shown by the one display rule and keep their exact value beside them (``data-v``), which the
page's sort uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.peers import COMPOSITE, GROUP, peer_column
from ..analysis.universe import UniverseScores
from ..display import format_score
from ..formats.models import Rubric
from ..method.judge import band_index
from ..method.kernel import BASE
from ..version import __version__
from .parts import span

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
class Migration:
    """A case whose band in one scenario moved between two as-of dates."""

    id: str
    href: str
    entity: str
    scenario: str
    first_composite: str
    first_band: str
    last_composite: str
    last_band: str
    change: str
    change_raw: str


@dataclass(frozen=True)
class GridCell:
    """One score of one case in the peer grid: the score (linked to its derivation on the
    case page), its band's tone (CSS class ``tone-N``) and the case's rank and percentile in
    its group (linked to theirs); ``rank`` is empty when the case has no such score."""

    value: str
    raw: str
    href: str
    band: str
    tone: int
    rank: str
    rank_href: str
    percentile: str
    percentile_raw: str
    percentile_href: str


@dataclass(frozen=True)
class GridRow:
    id: str
    href: str
    entity: str
    cells: tuple[GridCell | None, ...]  # composite, then each factor (None: excluded)


@dataclass(frozen=True)
class GridMedian:
    value: str
    raw: str
    href: str  # the median's derivation on the page of a case of the group


@dataclass(frozen=True)
class GridGroup:
    name: str
    rows: tuple[GridRow, ...]
    medians: tuple[GridMedian | None, ...]  # composite, then each factor


@dataclass(frozen=True)
class PeerGrid:
    """One scenario's peer grid: cases (by peer group) × the composite and the factors."""

    scenario: str
    columns: tuple[str, ...]  # "Composite", then the factors' names
    groups: tuple[GridGroup, ...]


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
    peer_grids: tuple[PeerGrid, ...] = ()  # one per scenario, when cases name peer groups
    n_ungrouped: int = 0  # cases that name no peer group (not in the grid)
    band_tones: tuple[tuple[str, int], ...] = ()  # (band, its tone in the grid): the legend
    migration_dates: tuple[str, str] | None = None  # the two as-of dates compared, if asked
    migrations: tuple[Migration, ...] = ()  # cases whose band moved between them


N_TONES = 5  # band colours of the peer grid, from the lowest band to the highest


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


def _tones(index: np.ndarray, n_bands: int) -> np.ndarray:
    """The grid colour of each band index: the bands spread over ``N_TONES`` tones."""
    return np.rint(index * (N_TONES - 1) / max(1, n_bands - 1)).astype(int)


def _peer_grid(stats: pd.DataFrame, scenario: str, rubric: Rubric) -> PeerGrid:
    """The peer grid of ``scenario``: each group's cases (in universe order) with their
    scores and the statistics ``peer_stats`` computed (``stats``), nothing recomputed."""
    rows = stats[(stats["scenario"] == scenario) & (stats["rubric"] == rubric.id)
                 & stats[GROUP].notna()]
    bands = [b.name for b in rubric.bands]
    scores = [COMPOSITE, *(f.id for f in rubric.factors)]
    heads = ["composite", *(f"factor/{f.id}" for f in rubric.factors)]
    own = [f"{scenario}/composite", *(f"{scenario}/factor/{f.id}/score" for f in rubric.factors)]
    n_bands = len(bands)
    # each column's band and tone, as columns: the composite's band is its final band
    composite_band = rows["band"].map({b: k for k, b in enumerate(bands)})
    tone_of: dict[str, np.ndarray] = {COMPOSITE: _tones(
        composite_band.fillna(-1).to_numpy(dtype=int), n_bands)}
    band_of: dict[str, list[str]] = {COMPOSITE: [str(b) for b in rows["band"]]}
    for f in rubric.factors:
        x = rows[f.id].to_numpy(dtype=float)
        idx = band_index(np.nan_to_num(x), rubric)
        tone_of[f.id] = _tones(idx, n_bands)
        band_of[f.id] = [bands[int(k)] for k in idx]
    # the columns the cells show, read once; each group's rows by position
    case_ids = [str(c) for c in rows["case"]]
    entities = [str(e) for e in rows["entity"]]
    column = {(what, score): rows[peer_column(what, score)].to_numpy()
              for what in ("rank", "n", "percentile") for score in scores}
    value_of = {score: rows[score].to_numpy(dtype=float) for score in scores}
    groups = []
    for name, g in rows.groupby(GROUP, sort=True):
        grid_rows = []
        for pos in rows.index.get_indexer(g.index).tolist():
            href = case_href(case_ids[pos])
            cells: list[GridCell | None] = []
            for score, head, mine in zip(scores, heads, own, strict=True):
                value = float(value_of[score][pos])
                if np.isnan(value):
                    cells.append(None)
                    continue
                rank, n = column[("rank", score)][pos], column[("n", score)][pos]
                pct = float(column[("percentile", score)][pos])
                base = f"{href}#{scenario}/peer/{head}"
                cells.append(GridCell(
                    format_score(value), repr(value), f"{href}#{mine}", band_of[score][pos],
                    int(tone_of[score][pos]), f"{int(rank)}/{int(n)}", f"{base}/rank",
                    format_score(pct, "percent"), repr(pct), f"{base}/percentile"))
            grid_rows.append(GridRow(case_ids[pos], href, entities[pos], tuple(cells)))
        medians: list[GridMedian | None] = []
        for score, head in zip(scores, heads, strict=True):
            has = g[g[score].notna()]
            if has.empty:
                medians.append(None)
                continue
            first = has.iloc[0]
            m = float(first[peer_column("median", score)])
            medians.append(GridMedian(format_score(m), repr(m),
                                      f"{case_href(str(first['case']))}#{scenario}/peer/"
                                      f"{head}/median"))
        groups.append(GridGroup(str(name), tuple(grid_rows), tuple(medians)))
    return PeerGrid(scenario, ("Composite", *(f.name for f in rubric.factors)), tuple(groups))


def build_portfolio(scores: UniverseScores, title: str,
                    generated_at: dt.datetime | None = None,
                    stats: pd.DataFrame | None = None,
                    history: UniverseScores | None = None) -> PortfolioPage:
    """The index page of a scored universe (``stats``: its peer statistics, as
    ``UniverseScores.peers`` returns them, when already computed; ``history``: its scores at
    two as-of dates, whose band migrations the page lists)."""
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
    grids: tuple[PeerGrid, ...] = ()
    ungrouped = 0
    if GROUP in summary and summary[GROUP].notna().any():
        stats = scores.peers() if stats is None else stats
        grids = tuple(_peer_grid(stats, sc, rubric) for sc in scenarios)
        ungrouped = int(summary.loc[summary["scenario"] == BASE, GROUP].isna().sum())
    return PortfolioPage(
        title, scores.n_cases, tuple((r.id, r.version) for r in scores.rubrics.values()),
        tuple(scenarios), tuple(bands), counts, charts, compared,
        _band_changes(summary, compared) if compared else (), rows, __version__,
        generated_at.isoformat() if generated_at else None, CHART_WIDTH, CHART_HEIGHT,
        grids, ungrouped, tuple(zip(bands, _tones(np.arange(len(bands)), len(bands)).tolist(),
                                    strict=True)),
        *(_migrations(history.summary) if history is not None else (None, ())))


def _migrations(summary: pd.DataFrame) -> tuple[tuple[str, str], tuple[Migration, ...]]:
    """The first and last as-of dates of a universe's history (``summary`` with an ``as_of``
    column) and the (case, scenario) rows whose band differs between them, in universe and
    scenario order: one merge of the two dates' rows."""
    dates = sorted(set(summary["as_of"].astype(str)))
    first, last = dates[0], dates[-1]
    when = summary["as_of"].astype(str)
    keys = ["case", "scenario"]
    both = summary.loc[when == first].merge(summary.loc[when == last], on=keys,
                                            suffixes=("_a", "_z"), sort=False)
    moved = both[both["band_a"] != both["band_z"]]
    a = moved["composite_a"].to_numpy(dtype=float)
    z = moved["composite_z"].to_numpy(dtype=float)
    columns = (moved[c].astype(str).tolist() for c in ("case", "entity_z", "scenario",
                                                        "band_a", "band_z"))
    return (first, last), tuple(
        Migration(case, case_href(case), entity, scenario, format_score(x), band_a,
                  format_score(y), band_z, format_score(y - x, "delta"), repr(y - x))
        for case, entity, scenario, band_a, band_z, x, y in zip(
            *columns, a.tolist(), z.tolist(), strict=True))
