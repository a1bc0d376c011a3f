"""Sources, evidence and cases as CSV or Parquet tables (docs/formats.md, "Tables").

A table has the same fields as the YAML file it replaces, one column per field and one row
per source, item or case. An item's ``sources`` list is spread over column groups ``source`` /
``locator`` / ``via`` (optional), ``source_2`` / ``locator_2`` / ``via_2``, ... A universe table
also has a ``case`` column.

A table's columns become the same typed columns as a YAML file's records
(``columns.table_records``), checked by the same rules; a :class:`TableDoc` places each
problem at the file, the row (as ``line``: the header is row 1, the first record row 2) and
the column (as ``col``: 1-based index; 0 when the column is missing).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .models import CaseFile, Figure, Item, Source
from .yamlio import PathKey, YamlDoc, encoding_problem

TABLE_SUFFIXES = (".csv", ".parquet")
CASE_COLUMN = "case"
_SOURCE_PAIR = re.compile(r"^(source|locator|via)(?:_([2-9]|[1-9][0-9]+))?$")
# A number written as text (a CSV cell), and the fields whose text cells are read as numbers.
NUMBER_TEXT = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
NUMERIC = frozenset({"value", "confidence"})

# Limits of one table file (docs/formats.md, "Tables"), checked before or while reading so
# that a huge file is refused before it is held in memory.
MAX_TABLE_BYTES = 256 * 1024 * 1024
MAX_TABLE_ROWS = 10_000_000
MAX_CELL_CHARS = 100_000
# A number cell longer than this is refused as too long to be a number (Python refuses to
# read integers of more than 4300 digits, and any number this long is far beyond 1e15).
MAX_NUMBER_CHARS = 400
# Control characters (C0 but tab, line feed and carriage return; DEL; C1): refused in cells
# as they are in YAML, since they could hide text or drive a terminal.
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"


@dataclass(frozen=True)
class TableSpec:
    """What one kind of table holds: its YAML list key (None for the cases table, whose rows
    are whole files) and its columns."""

    kind: str
    key: str | None
    columns: tuple[str, ...]
    required: tuple[str, ...]


def _spec(kind: str, key: str | None, model: Any, extra: tuple[str, ...] = ()) -> TableSpec:
    fields = {n: f for n, f in model.model_fields.items() if n != "sources"}
    required = tuple(n for n, f in fields.items() if f.is_required()) + extra
    return TableSpec(kind, key, tuple(fields) + extra, required)


SPECS = {
    "sources": _spec("sources", "sources", Source),
    "evidence": _spec("evidence", "items", Item, ("source", "locator")),
    "figures": _spec("figures", "figures", Figure, ("source", "locator")),
    "cases": _spec("cases", None, CaseFile),
}


@dataclass(frozen=True)
class RawTable:
    """A table as read: its header and its columns as an Arrow table (a CSV's as text, empty
    cells null). ``cells`` gives the same columns as Python lists (None for an empty cell or a
    NaN), built on first use: only case headers (one small document per row) read them."""

    path: str
    header: tuple[str, ...]
    data: Any  # pyarrow.Table
    n_rows: int

    @cached_property
    def cells(self) -> dict[str, list[Any]]:
        return {name: [_parquet_cell(v) for v in self.data.column(name).to_pylist()]
                for name in self.data.column_names}

    def column(self, name: str) -> int:
        """1-based index of the column ``name``, 0 when there is none."""
        return self.header.index(name) + 1 if name in self.header else 0


def no_rows(table: RawTable, what: str) -> Problem | None:
    """The problem of a table with its header and no rows, or None: said once at the file
    (line 1, its header), with ``what`` it should hold (items, sources, cases, outcomes),
    rather than as what then goes missing (a scenario change matching no item, a case with
    no rows, rows of other tables naming no known case)."""
    if table.n_rows:
        return None
    return Problem(table.path, 1, 0, "", f"no rows: the table has a header and no {what}; "
                                         "it needs at least one row")


@dataclass
class TableDoc(YamlDoc):
    """A table (or some of its rows) shaped like the YAML document it replaces. Problems are
    placed at the row and column of the value (see the module docstring)."""

    spec: TableSpec | None = None
    table: RawTable | None = None
    rows: list[int] | None = None  # 0-based record index of each entry (None: the same)

    def problem(self, loc: PathKey, message: str) -> Problem:
        assert self.spec is not None and self.table is not None
        loc = tuple(loc)
        if self.spec.key is not None:
            if len(loc) < 2 or loc[0] != self.spec.key or not isinstance(loc[1], int):
                return Problem(self.path, 1, 0, "", message)
            record, rest = (loc[1] if self.rows is None else self.rows[loc[1]]), loc[2:]
        else:
            record, rest = (0 if self.rows is None else self.rows[0]), loc
        name = _column_name(rest)
        return Problem(self.path, record + 2, self.table.column(name) if name else 0,
                       name or "(row)", message)


def _column_name(rest: PathKey) -> str:
    """The column that holds the value at ``rest`` (a path inside one record)."""
    if not rest:
        return ""
    if rest[0] == "sources" and len(rest) >= 2 and isinstance(rest[1], int):
        which = str(rest[2]) if len(rest) >= 3 else "source"
        return which if rest[1] == 0 else f"{which}_{rest[1] + 1}"
    return str(rest[0])


def read_table(path: Path, display: str) -> RawTable:
    """Read a CSV (UTF-8, comma-separated, first row the header) or Parquet file, within the
    limits above; raise InputError with every bad cell (control characters, overlong cells
    and numbers) at its row and column."""
    try:
        size = os.stat(path).st_size
        if size > MAX_TABLE_BYTES:
            raise InputError([Problem(display, 0, 0, "", f"file is {size} bytes; the limit "
                                                         f"for a table is {MAX_TABLE_BYTES}")])
        if path.suffix == ".parquet":
            table = _read_parquet(path, display)
        else:
            with path.open("rb") as fh:
                wrong = encoding_problem(fh.read(4096))
            if wrong is not None:
                raise InputError([Problem(display, 1, 1, "", wrong)])
            table = _read_csv(path, display)
    except OSError as exc:
        raise InputError([Problem(display, 0, 0, "",
                                  f"cannot read file: {exc.strerror or exc}")]) from None
    problems = cell_problems(table)
    if problems:
        raise InputError(problems)
    return table


def _too_many_rows(display: str) -> InputError:
    return InputError([Problem(display, MAX_TABLE_ROWS + 2, 0, "", f"more than "
                               f"{MAX_TABLE_ROWS} rows; the limit for a table is {MAX_TABLE_ROWS}")])


CSV_BATCH_ROWS = 8192  # CSV rows held as Python strings at a time (then Arrow text)


def _read_csv(path: Path, display: str) -> RawTable:
    """A CSV file as an Arrow table of text. The rows are read a batch at a time and each
    batch turned into Arrow columns, so that a large file is never held as one Python
    string per cell (ten times the file's size)."""
    header: tuple[str, ...] | None = None
    batch: list[list[str]] = []
    parts: list[Any] = []  # each batch's table
    problems: list[Problem] = []
    read = 0  # records read, the header included
    n_rows = 0

    def flush() -> None:
        nonlocal n_rows
        assert header is not None
        first = read - len(batch) + 1  # the line number of the batch's first row
        problems.extend(Problem(display, first + k, len(header) + 1, "",
                                f"row has {len(r)} cells; the header has {len(header)}")
                        for k, r in enumerate(batch) if len(r) != len(header) and any(r))
        if not problems:
            rows = [r for r in batch if any(r)]  # blank lines are skipped (and keep no row
            n_rows += len(rows)  # number)
            # Column by column (zip transposes in C); empty cells become None.
            columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
            parts.append(_text_table(header, columns))
        batch.clear()

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            # One record at a time, so that an error names its row and a table over the row
            # limit stops there (the header is the extra record).
            for record in reader:
                if read > MAX_TABLE_ROWS:
                    raise _too_many_rows(display)
                read += 1
                if header is None:
                    header = tuple(h.strip() for h in record)
                    continue
                batch.append(record)
                if len(batch) == CSV_BATCH_ROWS:
                    flush()
    except UnicodeDecodeError as exc:
        raise InputError([Problem(display, 0, 0, "",
                                  f"not valid UTF-8 (byte offset {exc.start})")]) from None
    except csv.Error as exc:
        raise InputError([Problem(display, read + 1, 0, "", _csv_error(exc))]) from None
    if header is None:
        raise InputError([Problem(display, 1, 0, "", "the file is empty: a table needs a "
                                                     "header row")])
    flush()
    if problems:
        raise InputError(problems)
    return RawTable(display, header, _concat(header, parts), n_rows)


def _concat(header: Sequence[str], parts: list[Any]) -> Any:
    """The batches' tables as one, each column one chunk (a column at a time, so that the
    batches and the whole are held together for one column only)."""
    import pyarrow as pa

    if len(parts) == 1:
        return parts[0]
    names = list(dict.fromkeys(header))  # the table's own columns (last of a repeated name)
    columns: dict[str, Any] = {}
    for name in names:
        columns[name] = pa.concat_arrays([c for p in parts for c in p[name].chunks])
        for k, p in enumerate(parts):
            parts[k] = p.drop_columns([name])
    return pa.table(columns) if columns else parts[0]


def _text_table(header: Sequence[str], columns: Sequence[Sequence[str]]) -> Any:
    """CSV columns as an Arrow table of text; empty cells null. A repeated column name (an
    error reported by check_header) keeps its last column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays: dict[str, Any] = {}
    for h, col in zip(header, columns, strict=True):
        text = pa.array(col, pa.string())
        arrays[h] = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pa.table(arrays) if arrays else pa.table({})


def _csv_error(exc: csv.Error) -> str:
    """What a CSV syntax error means, for the row it is in."""
    text = str(exc)
    if text == "unexpected end of data":
        return "not a valid CSV file: a quoted cell that starts in this row is never closed " \
               "(unexpected end of data)"
    if text.startswith("field larger than field limit"):
        return f"not a valid CSV file: a cell in this row is longer than " \
               f"{MAX_CELL_CHARS} characters, the limit for a cell"
    return f"not a valid CSV file: {text}"


def _read_parquet(path: Path, display: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
        rows = file.metadata.num_rows  # the footer only: cheap
        if rows > MAX_TABLE_ROWS:
            raise _too_many_rows(display)
        names = file.schema_arrow.names
        # one chunk per column: the columns taken from it later share its buffers. A file
        # with two columns of one name is read as a file (the dataset reader refuses it), so
        # that check_header names the duplicate column.
        table = (pq.read_table(path) if len(set(names)) == len(names) else
                 file.read()).combine_chunks()
    except (pa.ArrowException, ValueError) as exc:
        raise InputError([Problem(display, 0, 0, "",
                                  f"not a valid Parquet file: {exc}")]) from None
    if len(set(table.column_names)) != len(table.column_names):  # last of each name wins
        names = table.column_names
        keep = sorted({n: k for k, n in enumerate(names)}.values())
        header = tuple(table.column_names)
        table = table.select(keep)
        return RawTable(display, header, table, table.num_rows)
    return RawTable(display, tuple(table.column_names), table, table.num_rows)


def _parquet_cell(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def cell_problems(table: RawTable) -> list[Problem]:
    """Cells no field can hold, found column by column (pyarrow compute kernels): control
    characters, text longer than MAX_CELL_CHARS, number cells too long to be a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: list[Problem] = []
    for j, name in enumerate(table.header, start=1):
        if name not in table.data.column_names:
            continue
        col = table.data.column(name)
        if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            continue  # a typed (Parquet) column: no text to check
        # A cell has at most as many characters as bytes: a column whose longest cell in
        # bytes is under a limit has no cell over it, and its characters need no count
        # (the limit's own rule, on characters, decides at and above it).
        longest = pc.max(pc.binary_length(col)).as_py() or 0
        length = pc.utf8_length(col) if longest >= min(MAX_CELL_CHARS, MAX_NUMBER_CHARS) \
            else None
        checks = []
        if _may_hold_controls(col):  # the cells that do, found only then
            checks.append((pc.match_substring_regex(col, _CONTROL), "control character "
                           "{char} is not allowed in a cell (remove it)"))
        if length is not None and longest >= MAX_CELL_CHARS:
            checks.append((pc.greater(length, MAX_CELL_CHARS), "cell holds {n} characters; "
                           f"the limit for a cell is {MAX_CELL_CHARS}"))
        if name in NUMERIC and length is not None and longest >= MAX_NUMBER_CHARS:
            number = pc.match_substring_regex(pc.utf8_trim_whitespace(col), NUMBER_TEXT.pattern)
            checks.append((pc.and_(number, pc.greater(length, MAX_NUMBER_CHARS)),
                           "cannot read value: the number {head}... has {n} characters; "
                           "numbers must be at most 1e15 in absolute value"))
        for mask, message in checks:
            for k in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist():
                out.append(Problem(table.path, k + 2, j, name,
                                   _cell_message(message, col[k].as_py())))
    return out


def _may_hold_controls(col: Any) -> bool:
    """Whether any cell of a text column may hold a control character: one scan of the
    column's UTF-8 bytes (C0 controls but tab, line feed and carriage return; DEL; the
    two-byte C1 controls, 0xC2 0x80-0x9F). False means none does. The scan is one lookup
    of each byte in a 256-entry table; only the bytes it flags are looked at again."""
    import numpy as np

    for chunk in col.chunks:
        buffers = chunk.buffers()
        if len(buffers) < 3 or buffers[2] is None:
            continue
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        hits = np.flatnonzero(_flagged()[data])
        if not len(hits):
            continue
        lead = data[hits] == 0xC2
        if not lead.all():  # a C0 control or DEL
            return True
        after = hits[hits + 1 < len(data)] + 1  # the byte after each 0xC2
        if ((data[after] >= 0x80) & (data[after] <= 0x9F)).any():
            return True
    return False


@cache
def _flagged() -> Any:
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[[b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)]] = True
    table[0x7F] = True
    table[0xC2] = True  # the lead byte of the C1 controls (and of other characters)
    return table


def _cell_message(message: str, value: str) -> str:
    control = re.search(_CONTROL, value)
    char = f"U+{ord(control.group()):04X}" if control else ""
    return message.format(char=char, n=len(value), head=value.strip()[:20])


def check_header(table: RawTable, spec: TableSpec, universe: bool) -> list[Problem]:
    """Unknown, duplicate and missing columns (one problem each, on the header row)."""
    out: list[Problem] = []
    known = (*spec.columns, CASE_COLUMN) if universe and spec.key else spec.columns
    seen: set[str] = set()
    for j, name in enumerate(table.header, start=1):
        if name in seen:
            out.append(Problem(table.path, 1, j, name, "duplicate column"))
        seen.add(name)
        pair = _SOURCE_PAIR.match(name)
        if name not in known and not (spec.kind in ("evidence", "figures") and pair):
            out.append(Problem(table.path, 1, j, name,
                               f"unknown column (the columns are: {', '.join(known)})"))
    need = (*spec.required, CASE_COLUMN) if universe and spec.key else spec.required
    for name in need:
        if name not in seen:
            out.append(Problem(table.path, 1, 0, name, "required column is missing"))
    return out


def source_suffixes(header: Sequence[str]) -> list[str]:
    """Suffixes of the source/locator/via column groups, in order: "", "_2", "_3", ..."""
    numbers = {int(m.group(2) or 1) for h in header if (m := _SOURCE_PAIR.match(h))}
    return ["" if n == 1 else f"_{n}" for n in sorted(numbers)]


def table_doc(table: RawTable, spec: TableSpec, rows: Sequence[int]) -> TableDoc:
    """The document of one record of a cases table (``rows``: its 0-based index): the fields
    of ``case.yaml``, as the YAML loader would give them, for the case header's model."""
    (k,) = [int(r) for r in rows]
    record = {name: table.cells[name][k] for name in spec.columns
              if name in table.cells and table.cells[name][k] is not None}
    return TableDoc(table.path, record, spec=spec, table=table, rows=[k])


def load_table(path: Path, display: str, kind: str) -> tuple[RawTable, TableDoc]:
    """Read one case's ``sources`` or ``evidence`` table; raise InputError on a bad file or
    header. Returns the table and the document that places a problem at its row and column
    (problems in the rows are found by the same column rules as YAML ones)."""
    table = read_table(path, display)
    spec = SPECS[kind]
    problems = check_header(table, spec, universe=False)
    if problems:
        raise InputError(problems)
    return table, locator(table, spec)


def locator(table: RawTable, spec: TableSpec) -> TableDoc:
    """The document that places problems of ``table``'s records at their row and column."""
    return TableDoc(table.path, None, spec=spec, table=table)


def case_file(root: Path, name: str) -> Path:
    """The file of a case folder that holds ``name`` (``sources.yaml``, ``evidence.yaml``): the
    YAML file or a table of the same stem (``evidence.csv``, ``evidence.parquet``). More than
    one of them is an error; none gives the YAML path (reported as missing by the loader)."""
    stem = Path(name).stem
    found = [p for p in (root / name, *(root / f"{stem}{s}" for s in TABLE_SUFFIXES))
             if p.exists() or p.is_symlink()]
    if len(found) > 1:
        from ..display import display_path

        raise InputError([Problem(display_path(p), 0, 0, "",
                                  f"{len(found)} files hold the {stem} of this case "
                                  f"({', '.join(q.name for q in found)}); keep one")
                          for p in found[1:]])
    return found[0] if found else root / name
