"""A case's scores at several as-of dates, and the change between consecutive dates.

The case at each date is one pair of a set of cases (``formats.history.at_dates``); the set
is scored in one pass of the method, and each date's numbers are a view of the frames
(:class:`~scoring.analysis.result.Result`, traced like any result). The step between two
consecutive dates is :func:`~scoring.analysis.diff.case_diff` of their results: the exact
split used by ``scoring diff``, whose item walk names the items that arrived (``added``) and
those that only aged (``as-of date``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..formats.history import (
    UnobservedChange,
    at_dates,
    drop_unobserved_assumptions,
    unobserved_changes,
)
from ..formats.loader import Case
from ..formats.tables import build_tables, score_tables
from ..method.kernel import BASE, NoEvidence, frames_of
from ..trace.judgements import judgements
from .diff import CaseDiff, case_diff
from .result import Result


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
        results.append(Result(at, mine, judgements(mine, case.rubric, overrides)))
    steps = tuple(case_diff(a, b) for a, b in zip(results, results[1:], strict=False))
    return History(case, tuple(dates), tuple(results), steps,
                   tuple(tuple(u for u in unobserved if u.case == m.id)
                         for m in pairs.metas))
