"""A case's scores at several as-of dates, and the change between consecutive dates.

The case at each date is one pair of a set of cases (``formats.history.at_dates``); the set
is scored in one pass of the method, and each date's numbers are a view of the frames
(:class:`~scoring.analysis.result.Result`, traced like any result). The step between two
consecutive dates is :func:`~scoring.analysis.diff.case_diff` of their results: the exact
split used by ``scoring diff``, whose item walk names the items that arrived (``added``) and
those that only aged (``as-of date``). A figure restated between two dates (its earlier value
kept in ``restatements.yaml``) is named in that step with both values, their sources and
the factors whose measures read it (:class:`Restated`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..formats.history import (
    UnobservedChange,
    at_dates,
    drop_unobserved_assumptions,
    unobserved_changes,
)
from ..formats.loader import Case
from ..formats.measures import Measured
from ..formats.tables import build_tables, score_tables
from ..method.expr import names, parse, priors
from ..method.kernel import BASE, NoEvidence, frames_of
from ..trace.judgements import judgements
from .diff import CaseDiff, case_diff
from .result import Result


@dataclass(frozen=True)
class Restated:
    """A figure whose value changed from one date to the next because a later report
    restated it: ``figure`` (its id in figures.yaml), ``name`` (the rubric's figure),
    ``period``, the value before (``old_*``: value, the day it was reported, its source)
    and after (``new_*``), and ``factors``: the rubric's factors whose measures read it."""

    figure: str
    name: str
    period: str
    old_value: float
    old_observed: str
    old_source: str
    new_value: float
    new_observed: str
    new_source: str
    factors: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """``results[j]``: the case as of ``dates[j]``; ``steps[j]``: the change from date ``j``
    to date ``j + 1``; ``unobserved[j]``: the scenario changes that changed nothing at date
    ``j`` because the item they name was not observed yet."""

    case: Case
    dates: tuple[dt.date, ...]
    results: tuple[Result, ...]
    steps: tuple[CaseDiff, ...]
    unobserved: tuple[tuple[UnobservedChange, ...], ...]
    # restated[j]: the figures restated between date j and date j + 1; later: those whose
    # value at the last date was restated after it (not yet known then).
    restated: tuple[tuple[Restated, ...], ...] = ()
    later: tuple[Restated, ...] = ()

    def arrived(self, step: int) -> tuple[str, ...]:
        """The evidence items observed between date ``step`` and date ``step + 1``."""
        old, new = (set(self.results[k].case.evidence.items["id"].astype(str))
                    for k in (step, step + 1))
        ids = self.results[step + 1].case.evidence.items["id"].astype(str)
        return tuple(i for i in ids if i in new - old)

    def summary_table(self) -> pd.DataFrame:
        """One row per date and scenario: ``as_of``, ``rubric``, ``rubric_version``,
        ``scenario``, ``composite``, ``band``, ``coverage``, then each factor's score (NaN
        when excluded); unrounded."""
        rubric = self.case.rubric
        parts = []
        for d, r in zip(self.dates, self.results, strict=True):
            t = r.summary_table()
            t.insert(0, "as_of", d.isoformat())
            t.insert(1, "rubric", rubric.id)
            t.insert(2, "rubric_version", rubric.version)
            parts.append(t)
        out = pd.concat(parts, ignore_index=True)
        out["scenario"] = out["scenario"].astype(str)
        return out


def case_history(case: Case, dates: Sequence[dt.date]) -> History:
    """Score ``case`` at each of ``dates`` (increasing) in one pass; explain each step."""
    pairs = at_dates(case.as_set(), dates)
    tables = drop_unobserved_assumptions(build_tables(pairs))
    try:
        frames = score_tables(tables)
    except NoEvidence as exc:  # the kernel names the pair only when there are several
        if len(pairs) == 1:
            raise NoEvidence(f"{pairs.metas[0].id}: {exc}") from None
        raise
    unobserved = unobserved_changes(pairs)
    overrides = {BASE: list(case.meta.overrides)} | {s.id: list(s.overrides)
                                                    for s in case.scenarios}
    results = []
    for k, meta in enumerate(pairs.metas):
        mine = frames_of(frames, meta.id)
        one = pairs.case(k)
        # the date's case under the case's own id: its pages and exports name the case
        at = Case(case.meta.model_copy(update={"as_of": meta.as_of}), one.rubric,
                  one.evidence, one.scenarios, one.inputs, one.read)
        results.append(Result(at, mine, judgements(mine, case.rubric, overrides),
                              measured=_measured_of(tables.measured, k)))
    steps = tuple(case_diff(a, b) for a, b in zip(results, results[1:], strict=False))
    readers = figure_readers(case)
    figs = [r.case.evidence.figures for r in results]
    return History(case, tuple(dates), tuple(results), steps,
                   tuple(tuple(u for u in unobserved if u.case == m.id)
                         for m in pairs.metas),
                   tuple(restated_between(a, b, readers) for a, b in zip(figs, figs[1:],
                                                                         strict=False)),
                   restated_between(figs[-1], case.evidence.figures, readers)
                   if case.restatements else ())


def _measured_of(measured: Measured | None, k: int) -> Measured | None:
    """The measures of pair ``k`` alone (as case 0), for its trace."""
    if measured is None:
        return None
    return Measured(1, {n: v[k:k + 1] for n, v in measured.values.items()},
                    {n: v[k:k + 1] for n, v in measured.faults.items()},
                    {n: v[k:k + 1] for n, v in measured.priors.items()},
                    measured.trees, measured.order)


def figure_readers(case: Case) -> dict[tuple[str, bool], tuple[str, ...]]:
    """(figure, of the prior period) -> the factors whose measure reads it, directly or
    through other measures."""
    rubric = case.rubric
    reads: dict[str, set[tuple[str, bool]]] = {}
    trees = {m.id: parse(m.formula) for m in rubric.measures}
    for _ in range(len(trees) + 1):  # a measure's inputs include those of the measures it reads
        for mid, tree in trees.items():
            got = {(n, False) for n, _ in names(tree) if n not in trees}
            got |= {(n, True) for n, _ in priors(tree)}
            for n, _ in names(tree):
                got |= reads.get(n, set())
            reads[mid] = got
    out: dict[tuple[str, bool], list[str]] = {}
    for f in rubric.factors:
        for key in sorted(reads.get(f.measure or "", set())):
            out.setdefault(key, []).append(f.id)
    return {k: tuple(v) for k, v in out.items()}


def restated_between(old: pd.DataFrame, new: pd.DataFrame,
                     readers: dict[tuple[str, bool], tuple[str, ...]]
                     ) -> tuple[Restated, ...]:
    """The figures held at both dates (frames ``old`` and ``new``) with another value or
    another day reported: restated in between."""
    cols = ["id", "figure", "period", "prior", "value", "observed", "best_source"]
    both = old[cols].merge(new[cols], on=["id", "figure", "period", "prior"],
                           suffixes=("_old", "_new"))
    both = both[both.observed_old != both.observed_new]
    rows: list[Any] = list(both.itertuples(index=False))
    return tuple(Restated(str(r.id), str(r.figure), str(r.period), float(r.value_old),
                          str(r.observed_old), str(r.best_source_old), float(r.value_new),
                          str(r.observed_new), str(r.best_source_new),
                          readers.get((str(r.figure), bool(r.prior)), ()))
                 for r in rows)
