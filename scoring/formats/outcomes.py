"""An outcomes table: what really happened to each case (docs/formats.md#outcomes), read and
checked for ``scoring backtest``.

A CSV or Parquet table with one row per case: ``case`` (its id), ``outcome`` (1: the event
happened, e.g. bankrupt, defaulted, compromised; 0: it did not), ``observed`` (the date the
outcome was known, YYYY-MM-DD), and optionally ``horizon_days`` (the outcome counts only when
observed at least that many days after the case's as-of), ``source`` and ``locator`` (where
it is recorded, like any evidence). Every problem is named at its row and column, all at
once; nothing is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..display import display_path
from ..errors import InputError, Problem
from .tabular import read_table

COLUMNS = ("case", "outcome", "observed", "horizon_days", "source", "locator")
REQUIRED = ("case", "outcome", "observed")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Outcomes:
    """The table as columns, one entry per row: ids, 0/1 outcomes, observed dates, horizons
    (0 when none), sources and locators (empty when none), and each row's number in the
    file (the header is row 1)."""

    path: str
    case: np.ndarray  # object: str
    outcome: np.ndarray  # int8
    observed: np.ndarray  # datetime64[D]
    horizon_days: np.ndarray  # int64
    source: np.ndarray  # object: str
    locator: np.ndarray  # object: str
    row: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.case)


def read_outcomes(path: Path) -> Outcomes:
    """Read and check the outcomes table at ``path`` (raises InputError with every problem)."""
    shown = display_path(path)
    table = read_table(path, shown)
    problems: list[Problem] = []
    for j, name in enumerate(table.header, start=1):
        if name not in COLUMNS:
            problems.append(Problem(shown, 1, j, name, "unknown column (the columns are: "
                                    f"{', '.join(COLUMNS)})"))
    for name in REQUIRED:
        if name not in table.header:
            problems.append(Problem(shown, 1, 0, name, "required column is missing"))
    if problems:
        raise InputError(problems)
    if table.n_rows == 0:
        raise InputError([Problem(shown, 2, 0, "", "no rows: the table has a header only")])
    cells = table.cells
    n = table.n_rows

    def text(name: str) -> list[str]:
        return ["" if v is None else str(v).strip() for v in cells.get(name, [None] * n)]

    case, outcome_text, observed_text = text("case"), text("outcome"), text("observed")
    horizon_text, source, locator = text("horizon_days"), text("source"), text("locator")
    outcome = np.zeros(n, dtype=np.int8)
    observed = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    horizon = np.zeros(n, dtype=np.int64)
    first: dict[str, int] = {}
    for k in range(n):  # the checks of one row's cells, each naming its row and column
        row = k + 2
        if not case[k]:
            problems.append(Problem(shown, row, table.column("case"), "case", "is empty"))
        elif case[k] in first:
            problems.append(Problem(shown, row, table.column("case"), "case",
                                    f"duplicate case {case[k]!r} (first at row "
                                    f"{first[case[k]]})"))
        else:
            first[case[k]] = row
        o = outcome_text[k]
        if o in ("0", "1", "0.0", "1.0"):
            outcome[k] = int(float(o))
        else:
            problems.append(Problem(shown, row, table.column("outcome"), "outcome",
                                    f"must be 0 or 1, not {o!r}" if o else
                                    "is empty: must be 0 or 1"))
        d = observed_text[k][:10] if re.match(r"^\d{4}-\d{2}-\d{2}( 00:00:00)?$",
                                              observed_text[k]) else observed_text[k]
        try:
            if not _DATE.match(d):
                raise ValueError
            observed[k] = np.datetime64(dt.date.fromisoformat(d), "D")
        except ValueError:
            problems.append(Problem(shown, row, table.column("observed"), "observed",
                                    f"must be a date YYYY-MM-DD, not {observed_text[k]!r}"))
        h = horizon_text[k]
        if h:
            try:
                value = float(h)
                if not value.is_integer() or value < 0 or value > 36_500:
                    raise ValueError
                horizon[k] = int(value)
            except ValueError:
                problems.append(Problem(shown, row, table.column("horizon_days"),
                                        "horizon_days", "must be a whole number of days from "
                                        f"0 to 36500, not {h!r}"))
    if problems:
        raise InputError(problems)
    return Outcomes(shown, np.array(case, dtype=object), outcome, observed, horizon,
                    np.array(source, dtype=object), np.array(locator, dtype=object),
                    np.arange(2, n + 2, dtype=np.int64))
