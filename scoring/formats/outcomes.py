"""An outcomes table: what really happened to each case (docs/formats.md#outcomes), read and
checked for ``scoring backtest``.

A CSV or Parquet table with one row per case (or, for a handful of cases, a YAML file whose
``outcomes`` is a list of mappings with the same fields): ``case`` (its id), ``outcome`` (1: the event
happened, e.g. bankrupt, defaulted, compromised; 0: it did not), ``observed`` (the date the
outcome was known, YYYY-MM-DD), and optionally ``horizon_days`` (the outcome counts only when
observed at least that many days after the case's as-of), ``source`` and ``locator`` (where
it is recorded, like any evidence). Every problem is named at its row and column, all at
once; nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..display import display_path
from ..errors import InputError, Problem
from .tabular import TableSpec, check_header, no_rows, read_table
from .yamlio import load_yaml

COLUMNS = ("case", "outcome", "observed", "horizon_days", "source", "locator")
REQUIRED = ("case", "outcome", "observed")
MAX_HORIZON_DAYS = 36_500
SPEC = TableSpec("outcomes", "outcomes", COLUMNS, REQUIRED)


@dataclass(frozen=True)
class Outcomes:
    """The table as columns, one entry per row: ids, 0/1 outcomes, observed dates, horizons
    (0 when none), sources and locators (empty when none), each row's line in the file (a
    table's header is row 1; a YAML record's line) and, per field, the column of each of its
    values (``cols``), so that a problem found later is placed at its cell."""

    path: str
    case: np.ndarray  # object: str
    outcome: np.ndarray  # int8
    observed: np.ndarray  # datetime64[D]
    horizon_days: np.ndarray  # int64
    source: np.ndarray  # object: str
    locator: np.ndarray  # object: str
    row: np.ndarray  # int64
    cols: dict[str, np.ndarray]
    fields: tuple[str, ...] = ()  # per row, the YAML path of its record ("" for a table)

    def __len__(self) -> int:
        return len(self.case)

    def problem(self, k: int, name: str, message: str) -> Problem:
        where = f"{self.fields[k]}.{name}" if self.fields and self.fields[k] else name
        return Problem(self.path, int(self.row[k]), int(self.cols[name][k]), where, message)


@dataclass(frozen=True)
class _Cells:
    """The cells as read: per field, its text per row ("" when empty) and its (line, col);
    the problems of the file's shape."""

    text: dict[str, np.ndarray]
    line: np.ndarray
    cols: dict[str, np.ndarray]
    fields: tuple[str, ...]
    problems: list[Problem]


def _from_table(path: Path, shown: str) -> _Cells:
    table = read_table(path, shown)
    # Unknown, duplicate and missing columns, by the rule of every table.
    problems = check_header(table, SPEC, universe=False)
    empty = None if problems else no_rows(table, "outcomes")
    if empty is not None:
        problems.append(empty)
    n = table.n_rows
    text = {name: _text(table.cells.get(name, [None] * n)) for name in COLUMNS}
    cols = {name: np.full(n, table.column(name), dtype=np.int64) for name in COLUMNS}
    return _Cells(text, np.arange(2, n + 2, dtype=np.int64), cols, (), problems)


def _from_yaml(path: Path, shown: str) -> _Cells:
    doc = load_yaml(path, shown)
    records = doc.data.get("outcomes") if isinstance(doc.data, dict) else None
    problems: list[Problem] = []
    if not isinstance(doc.data, dict) or set(doc.data) - {"outcomes"}:
        problems.append(doc.problem((), "an outcomes file is a mapping with one key, "
                                    "outcomes: a list of {case, outcome, observed, ...}"))
    if not isinstance(records, list) or not records:
        problems.append(doc.problem(("outcomes",), "must be a non-empty list of outcomes"))
        records = []
    good: list[dict[str, Any]] = []
    for k, rec in enumerate(records):
        if not isinstance(rec, dict):
            problems.append(doc.problem(("outcomes", k), "must be a mapping of case, "
                                        "outcome, observed, ..."))
            continue
        for name in rec:
            if name not in COLUMNS:
                problems.append(doc.problem(("outcomes", k, name), "unknown field (the "
                                            f"fields are: {', '.join(COLUMNS)})"))
        for name in REQUIRED:
            if name not in rec:
                problems.append(doc.problem(("outcomes", k), f"required field {name!r} is "
                                            "missing"))
        good.append({"_k": k, **rec})
    text = {name: _text([r.get(name) for r in good]) for name in COLUMNS}
    where = {name: [doc.where(("outcomes", r["_k"], name)) for r in good] for name in COLUMNS}
    line = np.array([doc.where(("outcomes", r["_k"]))[0] for r in good], dtype=np.int64)
    cols = {name: np.array([c for _, c in where[name]], dtype=np.int64) for name in COLUMNS}
    return _Cells(text, line, cols, tuple(f"outcomes[{r['_k']}]" for r in good), problems)


def _text(values: list[Any]) -> np.ndarray:
    """Each value as the text it was written as, stripped ("" for none; a YAML date as
    YYYY-MM-DD, a whole float as its integer)."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, bool):
            out.append(str(v).lower())
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip())
    return np.array(out, dtype=object)


def read_outcomes(path: Path) -> Outcomes:
    """Read and check the outcomes file at ``path`` (CSV or Parquet; YAML for ``.yaml`` /
    ``.yml``); raises InputError with every problem, each at its row and column."""
    shown = display_path(path)
    cells = (_from_yaml if path.suffix.lower() in (".yaml", ".yml") else _from_table)(
        path, shown)
    if cells.problems:
        raise InputError(cells.problems)
    t = cells.text
    n = len(cells.line)
    found: list[tuple[int, int, Problem]] = []  # (row, column, problem): sorted at the end
    at = Outcomes(shown, t["case"], np.zeros(n, np.int8), np.zeros(n, "datetime64[D]"),
                  np.zeros(n, np.int64), t["source"], t["locator"], cells.line, cells.cols,
                  cells.fields)

    def flag(mask: np.ndarray, name: str, message: Any) -> None:
        for k in np.flatnonzero(mask).tolist():
            found.append((int(cells.line[k]), int(cells.cols[name][k]),
                          at.problem(k, name, message(k) if callable(message) else message)))

    case = pd.Series(t["case"], dtype=object)
    flag((case == "").to_numpy(), "case", "is empty")
    dup = (case.duplicated() & (case != "")).to_numpy()
    codes, _ = pd.factorize(case)  # codes in order of first appearance
    first = np.unique(codes, return_index=True)[1][codes]  # each row's first row of its id
    flag(dup, "case", lambda k: f"duplicate case {t['case'][k]!r} (first at row "
                                f"{cells.line[first[k]]})")
    o = t["outcome"]
    ok_outcome = np.isin(o, ("0", "1", "0.0", "1.0"))
    flag(~ok_outcome & (o != ""), "outcome", lambda k: f"must be 0 or 1, not {o[k]!r}")
    flag(o == "", "outcome", "is empty: must be 0 or 1")
    written = pd.Series(t["observed"], dtype=object).str.replace(
        r"^(\d{4}-\d{2}-\d{2})( 00:00:00)?$", r"\1", regex=True)
    shaped = written.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
    dates = pd.to_datetime(written.where(shaped, None), format="%Y-%m-%d", errors="coerce")
    bad_date = ~shaped | dates.isna().to_numpy()
    flag(bad_date, "observed", lambda k: f"must be a date YYYY-MM-DD, not "
                                         f"{t['observed'][k]!r}")
    h = t["horizon_days"]
    value = pd.to_numeric(pd.Series(h, dtype=object), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ok_h = (h == "") | (np.isfinite(value) & (value == np.floor(value)) & (value >= 0)
                            & (value <= MAX_HORIZON_DAYS))
    flag(~ok_h, "horizon_days", lambda k: "must be a whole number of days from 0 to "
                                          f"{MAX_HORIZON_DAYS}, not {h[k]!r}")
    if found:
        found.sort(key=lambda x: (x[0], x[1]))
        raise InputError([p for _, _, p in found])
    return Outcomes(shown, t["case"], np.where(ok_outcome, np.isin(o, ("1", "1.0")), 0)
                    .astype(np.int8), dates.to_numpy().astype("datetime64[D]"),
                    np.where(h == "", 0, np.nan_to_num(value)).astype(np.int64), t["source"],
                    t["locator"], cells.line, cells.cols, cells.fields)
