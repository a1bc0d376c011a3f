"""Sources and evidence items as columns: read from YAML or tables, validated column by column.

Every case's sources and items take one path, whatever they were written in and however many
cases there are: :func:`yaml_records` or :func:`table_records` turn a file (or a universe's
tables) into :class:`Records`, one :class:`Column` per field, each row carrying the document
and the record it came from; :func:`check_records` applies the field rules of ``FIELDS`` to
whole columns (pyarrow compute and numpy) and names each problem at its file, line and column
(a table's row and column) only for the rows that break a rule. The rules that relate values
to each other (ids, references, dates, values against the rubric) are in ``evidence.py``.

A field's rule is written once, in ``FIELDS``; the pydantic models in ``models.py`` describe
the same fields for the JSON Schema, and ``tests/formats/test_columns.py`` checks that the two
agree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import Problem
from .models import MAX_MAGNITUDE, too_large
from .tabular import NUMBER_TEXT, NUMERIC, source_suffixes
from .yamlio import PathKey, YamlDoc

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_INTEGER_TEXT = r"^[-+]?\d+$"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_TEXT = r"^\d{4}-\d{2}-\d{2}[Tt ]\d"


class _Absent:
    """A field that a record does not have (distinct from an explicit null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

# What each cell is, as YAML or the table read it.
(K_ABSENT, K_NULL, K_STR, K_INT, K_FLOAT, K_BOOL, K_DATE, K_DATETIME, K_LIST, K_MAP,
 K_OTHER) = range(11)
_PY_KIND: dict[type, int] = {type(None): K_NULL, str: K_STR, int: K_INT, float: K_FLOAT,
                             bool: K_BOOL, dt.date: K_DATE, dt.datetime: K_DATETIME,
                             list: K_LIST, dict: K_MAP, _Absent: K_ABSENT}


@dataclass(frozen=True)
class Field:
    """The rule of one field. ``kind``: ``id``, ``text`` (something to read), ``str`` (any
    text), ``number``, ``value`` (a number or a label), ``date`` or ``refs`` (a list of
    citations). ``nullable``: an explicit null is allowed (an optional field)."""

    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    ge: float | None = None
    le: float | None = None
    min_len: int = 0
    max_len: int | None = None
    pattern: str | None = None


def _id(name: str, required: bool = True) -> Field:
    return Field(name, "id", required, not required, min_len=1, max_len=80, pattern=ID_PATTERN)


def _free(name: str, **kw: Any) -> Field:
    return Field(name, "str", required=False, nullable=True, **kw)


FIELDS: dict[str, tuple[Field, ...]] = {
    "items": (
        _id("id"), _id("factor"), _id("indicator", required=False), Field("value", "value"),
        Field("confidence", "number", ge=0, le=1), Field("observed", "date"),
        Field("sources", "refs"), Field("claim", "text", min_len=1), _free("excerpt"),
    ),
    # ``via``: the source was read only through another (a relay); evidence.py weighs it.
    "refs": (_id("source"), Field("locator", "text", min_len=1), _id("via", required=False)),
    "figures": (
        _id("id"), _id("figure"), Field("period", "text", min_len=1, max_len=40),
        Field("value", "number"), _free("unit"), _free("currency"),
        Field("observed", "date"), Field("sources", "refs"), _free("claim"),
        _free("excerpt"),
    ),
    "sources": (
        _id("id"), Field("title", "text", min_len=1), _free("title_en"), _free("publisher"),
        Field("date", "date", required=False, nullable=True),
        Field("language", "str", min_len=2, max_len=20), Field("kind", "text", min_len=1),
        Field("reliability", "text", min_len=1), _free("url"), _free("cited_as"),
        _free("notes"), _free("snapshot", min_len=1, max_len=500),
        _free("sha256", pattern=r"^[0-9a-f]{64}$"),
    ),
}


CITING = ("items", "figures")  # the records that cite sources (a ``sources`` list)
_REF_COLUMNS = tuple(f.name for f in FIELDS["refs"])  # a table's citation columns, per group


@dataclass
class Column:
    """One field of many records, typed once. ``kind``: what each cell is (``K_*``);
    ``text``: the text of ``K_STR`` cells (a pyarrow string array, null elsewhere);
    ``number``: the number of ``K_INT``/``K_FLOAT`` cells (NaN elsewhere; ±inf beyond the
    float range); ``date``: ``K_DATE`` cells as datetime64[D] (NaT elsewhere); ``raw(k)``:
    the value of cell ``k`` as written, for messages; ``size``: the length of ``K_LIST``
    cells."""

    kind: np.ndarray
    text: Any
    number: np.ndarray
    date: np.ndarray
    raw: Callable[[int], Any]
    size: np.ndarray | None = None


def _float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond the float range
        return math.inf if value > 0 else -math.inf  # copysign would convert it again


def column_of(values: Sequence[Any]) -> Column:
    """A column of Python values as YAML built them (``ABSENT`` where a record lacks it)."""
    import pyarrow as pa

    n = len(values)
    kinds = [_PY_KIND.get(type(v), K_OTHER) for v in values]
    for k in [k for k, kind in enumerate(kinds) if kind == K_DATETIME]:
        if values[k].time() == dt.time(0) and values[k].tzinfo is None:
            kinds[k] = K_DATE  # a datetime at midnight is a date (as pydantic reads it)
    kind = np.asarray(kinds, dtype=np.int8) if n else np.zeros(0, np.int8)
    text = pa.array([v if type(v) is str else None for v in values], pa.string())
    number = np.full(n, np.nan)
    nums = np.flatnonzero((kind == K_INT) | (kind == K_FLOAT))
    if len(nums):
        number[nums] = [_float(values[k]) for k in nums.tolist()]
    date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    dates = np.flatnonzero(kind == K_DATE)
    if len(dates):
        date[dates] = np.array([v.date() if type(v) is dt.datetime else v
                                for v in (values[k] for k in dates.tolist())],
                               dtype="datetime64[D]")
    lists = np.flatnonzero(kind == K_LIST)
    size = np.zeros(n, dtype=np.int64)
    if len(lists):
        size[lists] = [len(values[k]) for k in lists.tolist()]
    return Column(kind, text, number, date, values.__getitem__, size)


def arrow_column(arr: Any, numeric: bool) -> Column:
    """A column of a table (pyarrow): a CSV's text, or a Parquet file's typed values. An empty
    cell (and a Parquet NaN) is a field the record lacks; in a ``numeric`` column, text that
    reads as a number is that number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):  # one chunk (tables are read so) is used as it is
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    n = len(arr)
    t = arr.type
    kind = np.full(n, K_OTHER, dtype=np.int8)
    number, date = no_numbers(n), no_dates(n)  # read-only; made real where cells hold some
    text = pa.nulls(n, pa.string())
    null = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)

    def raw(k: int) -> Any:
        value = arr[k].as_py()
        if isinstance(value, float) and math.isnan(value):
            return ABSENT
        if numeric and isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
            text_ = value.strip()
            return int(text_) if re.fullmatch(_INTEGER_TEXT, text_) else float(text_)
        return ABSENT if value is None else value

    if pa.types.is_string(t) or pa.types.is_large_string(t):
        kind[:] = K_STR
        text = arr.cast(pa.string())
        if numeric:
            trimmed = pc.utf8_trim_whitespace(text)
            is_num = _mask(pc.match_substring_regex(trimmed, NUMBER_TEXT.pattern))
            is_int = _mask(pc.match_substring_regex(trimmed, _INTEGER_TEXT))
            kind[is_num] = K_FLOAT
            kind[is_int] = K_INT
            if is_num.any():
                number = np.full(n, np.nan)
                number[is_num] = np.asarray(pc.cast(pc.filter(trimmed, pa.array(is_num)),
                                                    pa.float64()), dtype=float)
                text = pc.if_else(pa.array(is_num), pa.scalar(None, pa.string()), text)
    elif pa.types.is_integer(t):
        kind[:] = K_INT
        number = np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False),
                          dtype=float)
    elif pa.types.is_floating(t):
        kind[:] = K_FLOAT
        number = np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False),
                          dtype=float)
        null |= np.isnan(number)
    elif pa.types.is_boolean(t):
        kind[:] = K_BOOL
    elif pa.types.is_date(t):
        kind[:] = K_DATE
        date = np.array(pc.cast(arr, pa.date32()).to_numpy(zero_copy_only=False),
                        dtype="datetime64[D]")
    elif pa.types.is_timestamp(t):
        kind[:] = K_DATETIME
        days = np.asarray(pc.cast(pc.cast(arr, pa.timestamp("s")), pa.int64())
                          .to_numpy(zero_copy_only=False), dtype=np.float64)
        midnight = (days % 86400 == 0) & (t.tz is None)
        kind[midnight] = K_DATE
        date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        date[midnight] = (days[midnight] // 86400).astype("int64").astype("datetime64[D]")
    kind[null] = K_ABSENT
    if number.flags.writeable:
        number[null] = np.nan
    return Column(kind, text, number, date, raw)


def no_numbers(n: int) -> np.ndarray:
    """``n`` NaNs without the memory: a read-only view of one."""
    return np.broadcast_to(np.float64(np.nan), (n,))


def no_dates(n: int) -> np.ndarray:
    """``n`` NaTs without the memory: a read-only view of one."""
    return np.broadcast_to(np.datetime64("NaT", "D"), (n,))


def _mask(values: Any) -> np.ndarray:
    """A pyarrow boolean array as a numpy mask (null is False)."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class Records:
    """Records of one kind (``items``, ``refs`` or ``sources``) from one or more documents.

    Row ``r`` came from record ``entry[r]`` of ``docs[doc[r]]`` (its place is
    ``(kind, entry[r])``; a citation's is ``("items", entry[r], "sources", k[r])``) and
    belongs to case ``case[r]``. ``parent`` is a citation's row in its items' Records.
    ``problems`` holds what reading found (records that are not mappings, unknown fields)."""

    kind: str
    docs: list[YamlDoc]
    doc: np.ndarray
    entry: np.ndarray
    case: np.ndarray
    fields: dict[str, Column]
    bad: np.ndarray  # rows that are not mappings: no field rule applies to them
    problems: list[Problem] = field(default_factory=list)
    k: np.ndarray | None = None
    parent: np.ndarray | None = None
    parent_kind: str = "items"  # citations: what cites them (items or figures)

    def __len__(self) -> int:
        return len(self.entry)

    def loc(self, row: int, name: str | None = None) -> PathKey:
        if self.kind == "refs":
            assert self.k is not None
            base: PathKey = (self.parent_kind, int(self.entry[row]), "sources",
                             int(self.k[row]))
        else:
            base = (self.kind, int(self.entry[row]))
        return (*base, name) if name else base

    def problem(self, row: int, name: str | None, message: str) -> Problem:
        return self.docs[int(self.doc[row])].problem(self.loc(row, name), message)

    def plain(self, row: int, name: str) -> str | None:
        return self.docs[int(self.doc[row])].plain.get(self.loc(row, name))


# --------------------------------------------------------------------------- reading


def yaml_records(doc: YamlDoc, key: str, case: int,
                 problems: list[Problem] | None = None) -> tuple[Records, Records | None]:
    """The records under ``key`` (``items`` or ``sources``) of a YAML document, and for items
    their citations. Problems of the document's shape (not a mapping, ``key`` missing or not a
    list, unknown top-level fields) go to ``problems``; the records are then empty."""
    out = problems if problems is not None else []
    data = doc.data
    entries: list[Any] = []
    if not isinstance(data, dict):
        out.append(doc.problem((), f"must be a mapping of fields ({key}: ...), not "
                                    f"{describe(data, None)}"))
    else:
        for name in data:
            if name != key:
                out.append(doc.problem((name,), "unknown field"))
        if key not in data:
            out.append(doc.problem((key,), "required field is missing"))
        elif not isinstance(data[key], list):
            out.append(doc.problem((key,), f"must be a list, not "
                                           f"{describe(data[key], doc.plain.get((key,)))}"))
        elif not data[key]:
            out.append(doc.problem((key,), "list should have at least 1 item after "
                                           "validation, not 0"))
        else:
            entries = data[key]
    records = _records_of(key, entries, doc, case)
    refs = _yaml_refs(records, entries) if key in CITING else None
    return records, refs


def _records_of(kind: str, entries: list[Any], doc: YamlDoc, case: int | np.ndarray,
                entry: np.ndarray | None = None, k: np.ndarray | None = None,
                parent: np.ndarray | None = None, parent_kind: str = "items") -> Records:
    """Records from a list of YAML values (mappings, or whatever was written instead)."""
    specs = FIELDS[kind]
    known = {f.name for f in specs}
    n = len(entries)
    is_map = [type(e) is dict for e in entries]
    maps = [e if m else {} for e, m in zip(entries, is_map, strict=True)]
    fields = {f.name: column_of([e.get(f.name, ABSENT) for e in maps]) for f in specs}
    rows = Records(kind, [doc], np.zeros(n, dtype=np.int64),
                   np.arange(n) if entry is None else entry,
                   np.broadcast_to(np.asarray(case, dtype=np.int64), (n,)).copy(),
                   fields, ~np.asarray(is_map, dtype=bool) if n else np.zeros(0, bool),
                   k=k, parent=parent, parent_kind=parent_kind)
    for r in np.flatnonzero(rows.bad).tolist():
        rows.problems.append(rows.problem(r, None, "must be a mapping (field: value), not "
                                          f"{describe(entries[r], doc.plain.get(rows.loc(r)))}"))
    for r, e in enumerate(maps):
        if not known.issuperset(e):
            rows.problems += [rows.problem(r, str(name), "unknown field")
                              for name in e if name not in known]
    return rows


def no_records(kind: str, doc: YamlDoc, case: int) -> tuple[Records, Records]:
    """No records of ``kind`` (and no citations of them): a case without a figures file."""
    records = _records_of(kind, [], doc, case)
    return records, _yaml_refs(records, [])


def _yaml_refs(items: Records, entries: list[Any]) -> Records:
    """The citations (``sources`` lists) of items read from YAML."""
    col = items.fields["sources"]
    parents = np.flatnonzero(col.kind == K_LIST)
    lists = [entries[r]["sources"] for r in parents.tolist()]
    flat = [ref for refs in lists for ref in refs]
    sizes = np.asarray([len(refs) for refs in lists], dtype=np.int64)
    parent = np.repeat(parents, sizes)
    k = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return _records_of("refs", flat, items.docs[0], items.case[parent],
                       entry=items.entry[parent], k=k, parent=parent, parent_kind=items.kind)


def table_records(table: Any, doc: YamlDoc, kind: str,
                  case: np.ndarray) -> tuple[Records, Records | None]:
    """The records of a table (a :class:`tabular.RawTable`), ``case`` the case of each row.
    ``doc`` places a problem at its row and column."""
    import pyarrow as pa

    data = table.data
    n = data.num_rows

    def col(name: str, numeric: bool) -> Column:
        if name not in data.column_names:
            return _absent(n)
        return arrow_column(data.column(name), numeric)

    entry = np.arange(n)
    fields = {f.name: col(f.name, f.name in NUMERIC) for f in FIELDS[kind]
              if f.kind != "refs"}
    recs = Records(kind, [doc], np.zeros(n, dtype=np.int64), entry,
                   np.asarray(case, dtype=np.int64), fields, np.zeros(n, bool))
    if kind not in CITING:
        return recs, None
    # Citations: one per source/locator(/via) column group that has a cell in the row.
    parts = []
    for j, sfx in enumerate(source_suffixes(table.header)):
        cells = {name: col(name + sfx, False) for name in _REF_COLUMNS}
        present = np.flatnonzero(np.logical_or.reduce(
            [c.kind != K_ABSENT for c in cells.values()]))
        parts.append((j, present, cells))
    sizes = np.zeros(n, dtype=np.int64)
    for _, present, _ in parts:
        sizes[present] += 1
    fields["sources"] = Column(np.full(n, K_LIST, dtype=np.int8), pa.nulls(n, pa.string()),
                               no_numbers(n), no_dates(n),
                               lambda k: [], sizes)
    parent = np.concatenate([p for _, p, _ in parts]) if parts else np.zeros(0, np.int64)
    k = np.concatenate([np.full(len(p), j) for j, p, _ in parts]) if parts \
        else np.zeros(0, np.int64)
    order = np.lexsort((k, parent))
    ref_fields = {name: _take([(p, cells[name]) for _, p, cells in parts], order, len(parent))
                  for name in _REF_COLUMNS}
    refs = Records("refs", [doc], np.zeros(len(parent), dtype=np.int64),
                   entry[parent[order]], recs.case[parent[order]], ref_fields,
                   np.zeros(len(parent), bool), k=k[order], parent=parent[order],
                   parent_kind=kind)
    return recs, refs


def _absent(n: int) -> Column:
    import pyarrow as pa

    return Column(np.full(n, K_ABSENT, dtype=np.int8), pa.nulls(n, pa.string()),
                  no_numbers(n), no_dates(n),
                  lambda k: ABSENT)


def _take(parts: list[tuple[np.ndarray, Column]], order: np.ndarray, n: int) -> Column:
    """The cells ``parts`` (rows of several columns) concatenated, then put in ``order``."""
    import pyarrow as pa

    kinds = np.concatenate([c.kind[p] for p, c in parts]) if parts else np.zeros(0, np.int8)
    text = pa.concat_arrays([c.text.take(pa.array(p, pa.int64())) for p, c in parts]) \
        if parts else pa.nulls(0, pa.string())
    raws = [(p, c.raw) for p, c in parts]
    bounds = np.cumsum([0, *(len(p) for p, _ in parts)])

    def raw(k: int) -> Any:
        i = int(order[k])
        part = int(np.searchsorted(bounds, i, side="right")) - 1
        p, get = raws[part]
        return get(int(p[i - bounds[part]]))

    return Column(kinds[order], text.take(pa.array(order, pa.int64())),
                  no_numbers(n), no_dates(n),
                  raw)


def concat_records(parts: Sequence[Records], parents: Sequence[int] | None = None) -> Records:
    """One Records of many (documents renumbered), e.g. the items of every case folder.
    For citations, ``parents`` gives the number of items of each part."""
    import pyarrow as pa

    first = parts[0]
    if len(parts) == 1:
        return first
    docs: list[YamlDoc] = []
    offsets = []
    for p in parts:
        offsets.append(len(docs))
        docs += p.docs
    fields: dict[str, Column] = {}
    for name in first.fields:
        cols = [p.fields[name] for p in parts]
        lens = np.cumsum([0, *(len(p) for p in parts)])
        raws = [c.raw for c in cols]

        def raw(k: int, raws: list[Callable[[int], Any]] = raws,
                lens: np.ndarray = lens) -> Any:
            part = int(np.searchsorted(lens, k, side="right")) - 1
            return raws[part](k - int(lens[part]))

        sizes = [c.size for c in cols]
        fields[name] = Column(
            np.concatenate([c.kind for c in cols]),
            pa.concat_arrays([c.text for c in cols]),
            np.concatenate([c.number for c in cols]),
            np.concatenate([c.date for c in cols]), raw,
            None if any(s is None for s in sizes)
            else np.concatenate([s for s in sizes if s is not None]))
    item_offsets = np.cumsum([0, *(parents or [])])[:-1]
    out = Records(
        first.kind, docs, np.concatenate([p.doc + o for p, o in zip(parts, offsets, strict=True)]),
        np.concatenate([p.entry for p in parts]), np.concatenate([p.case for p in parts]),
        fields, np.concatenate([p.bad for p in parts]),
        [q for p in parts for q in p.problems], parent_kind=first.parent_kind)
    if first.kind == "refs":
        out.k = np.concatenate([p.k for p in parts if p.k is not None])
        out.parent = np.concatenate([p.parent + o for p, o in zip(parts, item_offsets, strict=True)
                                     if p.parent is not None])
    return out


# --------------------------------------------------------------------------- field rules


def describe(value: Any, plain: str | None) -> str:
    """A value as the user wrote it, for messages: ``the string 'x'``, ``the boolean no``."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"the boolean {plain or str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {plain or value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {plain or value}"
    if isinstance(value, dt.date):
        return f"the date {plain or value}"
    if isinstance(value, str):
        return f"the string {value[:60] + '...' if len(value) > 60 else value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_TYPE_OK = {"id": (K_STR,), "text": (K_STR,), "str": (K_STR,), "number": (K_INT, K_FLOAT),
            "value": (K_INT, K_FLOAT, K_STR), "date": (K_DATE,), "refs": (K_LIST,)}


def _wrong_type(f: Field, value: Any, plain: str | None) -> str:
    got = describe(value, plain)
    quote = plain is not None and value is not None
    if f.kind in ("id", "text", "str"):
        return f"must be text, not {got}" + (f"; write it in quotes: \"{plain}\"" if quote
                                             else "")
    if f.kind == "number":
        return f"must be a number, not {got}"
    if f.kind == "value":
        return f"must be a number or a label, not {got}" + (
            f"; a label must be written in quotes: \"{plain}\"" if quote else "")
    if f.kind == "refs":
        return f"must be a list, not {got}"
    if isinstance(value, dt.datetime) or (isinstance(value, str)
                                          and re.match(_DATETIME_TEXT, value)):
        return f"must be a date YYYY-MM-DD without a time of day, not {got}"
    return f"must be a date YYYY-MM-DD, not {got}"


def _text_rule(f: Field, text: Any, rows: np.ndarray) -> list[tuple[np.ndarray, Any]]:
    """(mask over ``rows``, message or message function) for each text constraint."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sub = text.take(pa.array(rows, pa.int64()))
    # Ids, grades and dates repeat: check each distinct text once.
    coded = pc.dictionary_encode(sub)
    if len(coded.dictionary) * 2 < len(sub):
        back = np.asarray(coded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        rules = _text_rule(f, coded.dictionary, np.arange(len(coded.dictionary)))
        return [(mask[back], message) for mask, message in rules]
    length = np.asarray(pc.utf8_length(sub).to_numpy(zero_copy_only=False))
    out: list[tuple[np.ndarray, Any]] = []
    if f.min_len:
        out.append((length < f.min_len, "must not be empty" if f.min_len == 1 else
                    f"string should have at least {f.min_len} characters"))
    if f.max_len is not None:
        out.append((length > f.max_len, f"string should have at most {f.max_len} characters"))
    if f.kind == "text":
        out.append((~_mask(pc.match_substring_regex(sub, r"\S")),
                    "must not be empty or only spaces"))
    if f.pattern == ID_PATTERN:
        out.append((~_mask(pc.match_substring_regex(sub, ID_PATTERN)),
                    lambda v: f"{v!r} is not a valid id: use only letters, digits, '_', '.' "
                              "and '-', starting with a letter or digit"))
    elif f.pattern is not None:
        out.append((~_mask(pc.match_substring_regex(sub, f.pattern)),
                    f"string should match pattern '{f.pattern}'"))
    return out


def check_records(recs: Records, out: list[Problem]) -> dict[str, np.ndarray]:
    """Apply every field rule of ``recs`` to whole columns; add one problem per broken field
    (the first rule it breaks, in the order pydantic would check them) to ``out``. Returns,
    per field, the rows whose value is usable (present and valid, or absent and optional);
    a ``date`` field's parsed text lands in its column's ``date``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out += recs.problems
    good: dict[str, np.ndarray] = {}
    live = ~recs.bad
    for f in FIELDS[recs.kind]:
        col = recs.fields[f.name]
        kind = col.kind
        if f.kind == "date":  # text that is a date is a date
            strs = np.flatnonzero(kind == K_STR)
            if len(strs):
                sub = col.text.take(pa.array(strs, pa.int64()))
                shaped = _mask(pc.match_substring_regex(sub, _DATE_TEXT))
                parsed = pc.strptime(sub, "%Y-%m-%d", "s", error_is_null=True)
                # strptime rolls 2025-02-30 over to March: a date is valid only if it reads
                # back as written (and is in year 1 or later, as dates in Python are).
                again = pc.strftime(parsed, "%Y-%m-%d")
                ok = shaped & _mask(pc.equal(again, sub)) & _mask(
                    pc.greater_equal(pc.year(parsed), 1))
                if ok.any():
                    if not col.date.flags.writeable:
                        col.date = col.date.copy()
                    days = pc.cast(pc.cast(parsed.filter(pa.array(ok)), pa.int64()),
                                   pa.int64()).to_numpy(zero_copy_only=False)
                    col.date[strs[ok]] = (np.asarray(days) // 86400).astype("datetime64[D]")
                    kind = kind.copy()
                    kind[strs[ok]] = K_DATE
        absent = kind == K_ABSENT
        null_ok = (kind == K_NULL) if f.nullable else np.zeros(len(kind), bool)
        typed = np.isin(kind, _TYPE_OK[f.kind])
        usable = live & typed
        for r in np.flatnonzero(live & absent & f.required).tolist():
            out.append(recs.problem(r, f.name, "required field is missing"))
        for r in np.flatnonzero(live & ~absent & ~null_ok & ~typed).tolist():
            out.append(recs.problem(r, f.name, _wrong_type(f, col.raw(r),
                                                           recs.plain(r, f.name))))
        rows = np.flatnonzero(usable)
        rules: list[tuple[np.ndarray, Any]] = []
        if f.kind in ("id", "text", "str"):
            rules = _text_rule(f, col.text, rows)
        elif f.kind in ("number", "value"):
            x = col.number[rows]
            num = np.isin(kind[rows], (K_INT, K_FLOAT))
            with np.errstate(invalid="ignore"):
                rules = [
                    # an integer beyond the float range reads as infinite: too large
                    ((kind[rows] == K_FLOAT) & ~np.isfinite(x),
                     "must be a finite number (NaN and infinity are not allowed)"),
                    (num & (np.abs(x) > MAX_MAGNITUDE), too_large),
                ]
                if f.ge is not None:
                    rules.append((num & (x < f.ge),
                                  f"input should be greater than or equal to {f.ge:g}"))
                if f.le is not None:
                    rules.append((num & (x > f.le),
                                  f"input should be less than or equal to {f.le:g}"))
        elif f.kind == "refs":
            assert col.size is not None
            rules = [(col.size[rows] < 1,
                      "list should have at least 1 item after validation, not 0")]
        failed = np.zeros(len(rows), dtype=bool)
        for mask, message in rules:
            hit = mask & ~failed
            for j in np.flatnonzero(hit).tolist():
                r = int(rows[j])
                text = message(col.raw(r)) if callable(message) else message
                out.append(recs.problem(r, f.name, text))
            failed |= hit
        ok = np.zeros(len(kind), dtype=bool)
        ok[rows[~failed]] = True
        good[f.name] = ok | (live & absent & (not f.required)) | (live & null_ok)
        col.kind = kind
    return good


def take_records(recs: Records, rows: np.ndarray, case: np.ndarray,
                 parents: np.ndarray | None = None) -> Records:
    """The records at ``rows``, each case renumbered by ``case`` (old -> new); for citations,
    ``parents`` are the item rows kept (parents are renumbered to positions among them)."""
    import pyarrow as pa

    if len(rows) == len(recs):  # every row (rows are increasing): nothing to copy
        out = Records(recs.kind, recs.docs, recs.doc, recs.entry, case[recs.case],
                      recs.fields, recs.bad, list(recs.problems), recs.k,
                      parent_kind=recs.parent_kind)
        if recs.parent is not None:
            assert parents is not None
            same = len(parents) == 0 or (parents[0] == 0 and parents[-1] == len(parents) - 1)
            out.parent = recs.parent if same else np.searchsorted(parents, recs.parent)
        return out
    taken = np.asarray(rows, dtype=np.int64)
    index = pa.array(taken, pa.int64())
    fields = {name: Column(c.kind[taken], c.text.take(index), c.number[taken],
                           c.date[taken], _shifted(c.raw, taken),
                           None if c.size is None else c.size[taken])
              for name, c in recs.fields.items()}
    out = Records(recs.kind, recs.docs, recs.doc[taken], recs.entry[taken],
                  case[recs.case[taken]], fields, recs.bad[taken], [],
                  None if recs.k is None else recs.k[taken], parent_kind=recs.parent_kind)
    if recs.parent is not None:
        assert parents is not None
        out.parent = np.searchsorted(parents, recs.parent[taken])
    return out


def _shifted(raw: Callable[[int], Any], rows: np.ndarray) -> Callable[[int], Any]:
    return lambda k: raw(int(rows[k]))
