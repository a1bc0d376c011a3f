"""Score a whole universe in one pass: one row per case and scenario (docs/scale.md).

Loading validates each case (``formats/universe.py``) and adds its rows to the tidy tables of
its rubric (``formats/tables.py``); the case models are then dropped, so memory holds tables,
not models. Each rubric's tables are scored in one vectorised pass of the method
(``method/kernel.py``), the same code that scores a single case. A universe is scored a part
at a time by :func:`score_part` and the parts gathered by :func:`collect`, whichever engine
runs them (here, or ``engines/dask_engine.py``); ``report/portfolio.py`` writes the scores and
``report/portfolio_report.py`` the portfolio report, neither scoring anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..formats.history import at_dates, drop_unobserved_assumptions
from ..formats.models import Rubric
from ..formats.tables import Tables, build_tables, score_tables
from ..formats.universe import Part, Universe
from ..method.kernel import Frames, NoEvidence
from ..output import RunInputs
from ..progress import Progress, no_progress
from .peers import GROUP, peer_stats

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
