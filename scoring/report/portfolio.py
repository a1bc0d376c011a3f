"""Score a whole universe folder in one pass and write its scores (table, CSV, JSON, Parquet).

Loading validates each case (``universe.py``) and adds its rows to the tidy tables of its
rubric (``method/tables.py``); the case models are then dropped, so memory holds tables, not
models. Each rubric's tables are scored in one vectorised pass of the method
(``method/kernel.py``), the same code that scores a single case.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.peers import COMPOSITE, GROUP, STATS, peer_column, peer_stats
from ..csvout import csv_text
from ..display import escape_controls, format_score, pad, text_width
from ..errors import InputError, Problem
from ..formats.history import at_dates, drop_unobserved_assumptions
from ..formats.models import Rubric
from ..formats.tables import Tables, build_tables, score_tables
from ..formats.universe import Part, Universe
from ..method.kernel import Frames, NoEvidence
from ..output import RunInputs, dumps_json
from ..progress import Progress, no_progress
from ..version import __version__

SUMMARY_COLUMNS = ["case", "entity", "rubric", "rubric_version", "scenario", "composite",
                   "band", "coverage", "change_vs_base", "indicated"]


@dataclass(frozen=True)
class UniverseScores:
    """Scores of every case of a universe. ``summary``: one row per case and scenario, columns
    ``SUMMARY_COLUMNS``, one column per factor id (its score; NaN when excluded) and
    ``peer_group`` (shown only with the peer columns: :meth:`output`), cases in universe
    order, scenarios base first. ``index``: each case id's position in the universe
    (for :meth:`Universe.load`). ``rubrics``: the rubrics, by id."""

    summary: pd.DataFrame
    index: dict[str, int]
    rubrics: dict[str, Rubric]
    read: RunInputs = RunInputs()  # the files and folders of the universe: no output there
    as_of: dict[str, dt.date] = field(default_factory=dict)  # each case's as-of date

    @property
    def n_cases(self) -> int:
        return len(self.index)

    @property
    def factor_ids(self) -> list[str]:
        """The factor ids of every rubric, in rubric order (each once)."""
        return list(dict.fromkeys(f.id for r in self.rubrics.values() for f in r.factors))

    def peers(self) -> pd.DataFrame:
        """The summary with the peer statistics (``analysis/peers.py``) after it."""
        return peer_stats(self.summary, self.factor_ids)

    def output(self, peers: bool = False) -> pd.DataFrame:
        """The summary as the score outputs show it: without ``peer_group``, or with
        ``peers`` the group after ``entity`` and the peer columns at the end."""
        if not peers or GROUP not in self.summary:
            return self.summary.drop(columns=[GROUP], errors="ignore")
        frame = self.peers()
        columns = list(frame.columns)
        columns.remove(GROUP)
        columns.insert(columns.index("entity") + 1, GROUP)
        return frame[columns]


def _wide(table: Tables, scores: Frames) -> pd.DataFrame:
    """The summary rows of one rubric's cases: scenario columns then one column per factor."""
    rubric = table.rubric
    out = scores.scenarios.copy()
    cases = table.cases.set_index("case")
    out["entity"] = cases["entity"].reindex(out["case"].astype(str)).to_numpy()
    out["rubric"], out["rubric_version"] = rubric.id, rubric.version
    n_f = len(rubric.factors)
    matrix = scores.factors["score"].to_numpy().reshape(-1, n_f)
    for j, f in enumerate(rubric.factors):
        out[f.id] = matrix[:, j]
    out[GROUP] = cases[GROUP].reindex(out["case"].astype(str)).to_numpy()
    for column in ("case", "scenario"):
        out[column] = out[column].astype(str)
    return out[SUMMARY_COLUMNS + [f.id for f in rubric.factors] + [GROUP]]


@dataclass
class PartScores:
    """A part of a universe (:class:`~scoring.formats.universe.Part`), validated and scored
    by :func:`score_part`, in whatever process: ``summary`` (its rows of the summary, in
    universe order; None when the part has a problem), ``problems``, each case's ``(id,
    position)``, its rubrics by id, what it read and the first scenario with no evidence."""

    summary: pd.DataFrame | None
    problems: list[Problem]
    ids: list[tuple[str, int]]
    rubrics: dict[str, Rubric]
    read: RunInputs
    empty: NoEvidence | None = None
    as_of: list[tuple[str, dt.date]] = field(default_factory=list)


def score_part(universe: Universe, part: Part, progress: Progress = no_progress,
               dates: Sequence[dt.date] = ()) -> PartScores:
    """Validate and score the cases of one part of ``universe``. A set's tables are let go
    before the next is built: memory is bounded by a part. Every case is validated, even
    after a problem; nothing is scored after the first. With ``dates``, each case is scored
    at each date (``formats.history``), in the same pass: the summary gets an ``as_of``
    column after ``case`` and one row per case, date and scenario."""
    problems: list[Problem] = []
    ids: list[tuple[str, int]] = []
    as_of: list[tuple[str, dt.date]] = []
    rubrics: dict[str, Rubric] = {}
    read: set[RunInputs] = set()
    pieces = []
    empty: NoEvidence | None = None
    for sets in universe.part_sets(part, problems, progress):
        for cs in sets:
            read.update(cs.reads)
            ids += [(m.id, pos) for m, pos in zip(cs.metas, cs.positions, strict=True)]
            as_of += [(m.id, m.as_of) for m in cs.metas]
            rubrics[cs.rubric.id] = cs.rubric
        while sets and not problems and empty is None:
            tables = build_tables(at_dates(sets.pop(0), dates) if dates else sets.pop(0),
                                  lean=True)
            if dates:
                tables = drop_unobserved_assumptions(tables)
            try:
                piece = _wide(tables, score_tables(tables))
                pieces.append(_dated(piece) if dates else piece)
            except NoEvidence as exc:  # raised once every part is known to be valid
                empty = exc
            del tables
    summary = None
    if pieces and not problems:
        summary = pd.concat(pieces, ignore_index=True)
        index = dict(ids)
        order = summary["case"].map(index).to_numpy() * 10_000 + _scenario_rank(summary)
        summary = summary.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    return PartScores(summary, problems, ids, rubrics, RunInputs.union(read), empty, as_of)


def _dated(summary: pd.DataFrame) -> pd.DataFrame:
    """Summary rows of (case, date) pairs (``id@date``) as rows of a case with an ``as_of``."""
    pair = summary["case"].str.rsplit("@", n=1, expand=True)
    summary.insert(1, "as_of", pair[1].to_numpy())
    summary["case"] = pair[0].to_numpy()
    return summary


def collect(universe: Universe, parts: Iterable[PartScores],
            sink: Callable[[int, pd.DataFrame], None] | None = None) -> UniverseScores:
    """The scores of a universe from the scores of its parts, in order (whichever engine
    scored them): every problem of every part, in order, then any case id that an earlier
    case has too. With ``sink``, each part's summary goes there (its number, its rows) as it
    comes instead of being kept (the summary of the result is then empty)."""
    read: set[RunInputs] = {RunInputs.of(folders=[universe.root])}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rubrics: dict[str, Rubric] = {}
    index: dict[str, int] = {}
    as_of: dict[str, dt.date] = {}
    pieces = []
    empty: NoEvidence | None = None
    for k, part in enumerate(parts):
        problems += part.problems
        universe.same_ids(part.ids, seen, problems)
        index.update(part.ids)
        as_of.update(part.as_of)
        rubrics.update(part.rubrics)
        read.add(part.read)
        empty = empty or part.empty
        if part.summary is not None and not problems and empty is None:
            if sink is not None:
                sink(k, part.summary)
            else:
                pieces.append(part.summary)
    if problems:
        raise InputError(problems)
    if empty is not None:
        raise empty
    summary = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=SUMMARY_COLUMNS)
    return UniverseScores(summary, index, rubrics, RunInputs.union(read), as_of)


def score_universe(folder: Path, progress: Progress = no_progress,
                   sink: Callable[[int, pd.DataFrame], None] | None = None,
                   dates: Sequence[dt.date] = ()) -> UniverseScores:
    """Load, validate and score every case of the universe in ``folder``, a part at a time
    (the in-process engine; ``scoring.engines.dask_engine`` runs the same parts on Dask);
    with ``dates``, every case at each date (see :func:`score_part`)."""
    universe = Universe.open(folder)
    return collect(universe, (score_part(universe, p, progress, dates)
                              for p in universe.specs()), sink)


def _scenario_rank(summary: pd.DataFrame) -> np.ndarray:
    """Position of each row's scenario within its case (base first, then file order)."""
    return np.asarray(summary.groupby("case", sort=False).cumcount().to_numpy())


# --------------------------------------------------------------------------- outputs


def render_table(scores: UniverseScores, peers: bool = False) -> str:
    """One line per case and scenario, rounded by the display rule; with ``peers`` also the
    case's peer group, the composite's rank in it (of how many) and its percentile."""
    s = scores.output(peers)
    places = {r.id: r.decimals for r in scores.rubrics.values()}
    rows = [[escape_controls(str(c)), escape_controls(str(sc)),
             format_score(float(v), "points", places.get(str(rid))),
             escape_controls(str(b)), format_score(float(cv), "percent")]
            for c, sc, v, b, cv, rid in zip(s["case"], s["scenario"], s["composite"],
                                            s["band"], s["coverage"], s["rubric"], strict=True)]
    header = ["case", "scenario", "composite", "band", "coverage"]
    if peers:
        header += ["peer group", "rank", "percentile"]
        for row, g, rk, n, pc in zip(rows, s[GROUP], s[peer_column("rank")],
                                     s[peer_column("n")], s[peer_column("percentile")],
                                     strict=True):
            no = pd.isna(rk)
            row += ["—" if pd.isna(g) else escape_controls(str(g)),
                    "—" if no else f"{int(rk)} of {int(n)}",
                    "—" if no else format_score(float(pc), "percent")]
    widths = [max(text_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w, left=i < 2 or i in (3, 5))
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rubrics = ", ".join(f"{r.id} {r.version}" for r in scores.rubrics.values())
    head = f"{scores.n_cases} cases — rubric {rubrics}\n\n"
    return head + "\n".join([line(header), line(["-" * w for w in widths]),
                             *map(line, rows)]) + "\n"


def render_csv(scores: UniverseScores, peers: bool = False) -> str:
    return csv_text(scores.output(peers))


def _number(x: Any) -> float | None:
    return None if pd.isna(x) else float(x)


def _peer_json(rec: dict[Hashable, Any], score: str) -> dict[str, object]:
    out = {stat: _number(rec[peer_column(stat, score)]) for stat in STATS}
    return {k: int(v) if v is not None and k in ("rank", "n") else v for k, v in out.items()}


def render_json(scores: UniverseScores, peers: bool = False) -> str:
    """``{format_version, engine_version, cases: [{id, entity, rubric, scenarios: [...]}]}``;
    each scenario ``{id, composite, band, coverage, change_vs_base, factors: {id: score}}``
    (a factor's score is null when it is excluded). With ``peers`` a case also has its
    ``peer_group`` and each scenario ``peers: {composite: {rank, percentile, median, n},
    factors: {id: {...}}}`` (nulls where the case has none)."""
    cases: dict[str, dict[str, object]] = {}
    for rec in scores.output(peers).to_dict("records"):
        rubric = scores.rubrics[str(rec["rubric"])]
        entry = cases.setdefault(str(rec["case"]), {
            "id": rec["case"], "entity": rec["entity"],
            "rubric": {"id": rubric.id, "version": rubric.version}, "scenarios": []})
        scenario = {
            "id": rec["scenario"], "composite": rec["composite"], "band": rec["band"],
            "coverage": rec["coverage"], "change_vs_base": rec["change_vs_base"],
            "factors": {f.id: None if np.isnan(rec[f.id]) else rec[f.id]
                        for f in rubric.factors}}
        if peers:
            entry["peer_group"] = None if pd.isna(rec[GROUP]) else rec[GROUP]
            scenario["peers"] = {COMPOSITE: _peer_json(rec, COMPOSITE), "factors": {
                f.id: _peer_json(rec, f.id) for f in rubric.factors}}
        entry["scenarios"].append(scenario)  # type: ignore[attr-defined]
    return dumps_json({"format_version": 1, "engine_version": __version__,
                       "cases": list(cases.values())})


def render_parquet(summary: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    summary.to_parquet(buf, index=False)
    return buf.getvalue()


def render_scores(scores: UniverseScores, fmt: str, peers: bool = False) -> str | bytes:
    """The scores as ``fmt``: ``table``, ``csv``, ``json`` (text) or ``parquet`` (bytes);
    with ``peers``, with the peer statistics (docs/formats.md, "Universe scores")."""
    if fmt == "parquet":
        return render_parquet(scores.output(peers))
    return {"table": render_table, "csv": render_csv, "json": render_json}[fmt](scores, peers)
