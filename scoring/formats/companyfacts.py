"""SEC XBRL company-facts documents as one columnar table (docs/filings.md).

A company-facts document (``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json``)
holds ``facts[taxonomy][concept].units[unit]``: lists of facts ``{start?, end, val, accn, fy,
fp, form, filed, frame?}``. :func:`parse_batch` reads many documents into one table: it walks
each document's JSON once, gathering each field of every fact into one Python list per field
(the unavoidable walk), then builds and checks the columns of the whole batch at once with
Arrow: dates parsed, values typed, every problem found placed at its document and JSON path
(``facts.us-gaap.Assets.units.USD[3].filed``). All problems of a document are reported at
once; nothing of an invalid document is kept. :func:`parse_companyfacts` is a batch of one.

The table has one row per fact: ``taxonomy, concept, unit`` (dictionary-encoded strings),
``start`` (null for an instant), ``end``, ``val`` (float64), ``accn``, ``fy``, ``fp``,
``form``, ``filed`` and ``frame`` (and, in a batch, the filer's ``cik``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..display import display_path
from ..errors import InputError, Problem

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024  # the largest filers' documents are ~100 MB
MAX_PROBLEMS = 200  # a broken document could make millions; the first ones tell the story
FIELDS = ("start", "end", "val", "accn", "fy", "fp", "form", "filed", "frame")
REQUIRED = ("end", "val", "accn", "form", "filed")
DATES = ("start", "end", "filed")
TEXTS = ("accn", "fp", "form", "frame")
ACCESSION = re.compile(r"^[0-9]{10}-[0-9]{2}-[0-9]{6}$")
MAX_ABS_VALUE = 1e15  # as a figure's value (docs/formats.md#figuresyaml)

SCHEMA = pa.schema([
    ("taxonomy", pa.dictionary(pa.int32(), pa.string())),
    ("concept", pa.dictionary(pa.int32(), pa.string())),
    ("unit", pa.dictionary(pa.int32(), pa.string())),
    ("start", pa.date32()), ("end", pa.date32()), ("val", pa.float64()),
    ("accn", pa.string()), ("fy", pa.int32()), ("fp", pa.string()), ("form", pa.string()),
    ("filed", pa.date32()), ("frame", pa.string()),
])


@dataclass(frozen=True)
class Filer:
    """The filer of one document of a batch: CIK, name, the document's SHA-256, its path as
    shown, the taxonomies its facts are reported in, and how many facts it has."""

    cik: int
    entity: str
    sha256: str
    shown: str
    taxonomies: frozenset[str]
    facts: int  # its rows in the batch's table (the filers' rows follow one another)


@dataclass(frozen=True)
class CompanyFacts:
    """One company's facts: its CIK and name, the table of facts, and the document's
    SHA-256 (the snapshot a case keeps)."""

    cik: int
    entity: str
    table: pa.Table
    sha256: str
    shown: str  # the document's path as shown to the user
    taxonomies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FactsBatch:
    """Many documents read at once: the ``filers`` of the documents without a problem (in
    the order given), their facts in one ``table`` (:data:`SCHEMA` and a ``cik`` column),
    and the problems of each document given (an empty list when it was read)."""

    filers: list[Filer]
    table: pa.Table
    problems: list[list[Problem]]


def read_companyfacts(path: Path, shown: str | None = None) -> CompanyFacts:
    """Read and check the company-facts document at ``path``; raises InputError."""
    shown = shown or display_path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError([Problem(shown, 0, 0, "", "not a regular file")])
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise InputError([Problem(shown, 0, 0, "", f"the document is {info.st_size} "
                                      f"bytes; the limit is {MAX_DOCUMENT_BYTES}")])
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"cannot read the document: "
                                  f"{exc.strerror or exc}")]) from None
    return parse_companyfacts(raw, shown)


def parse_companyfacts(raw: bytes, shown: str) -> CompanyFacts:
    """The company-facts document in ``raw`` (UTF-8 JSON) as a :class:`CompanyFacts`;
    raises InputError with every problem, each at its JSON path. A batch of one."""
    batch = parse_batch([(raw, shown)])
    if batch.problems[0]:
        raise InputError(batch.problems[0])
    f = batch.filers[0]
    return CompanyFacts(f.cik, f.entity, batch.table.drop_columns(["cik"]), f.sha256, shown,
                        f.taxonomies)


def parse_batch(documents: Iterable[tuple[bytes, str]]) -> FactsBatch:
    """The company-facts documents of ``documents`` ((raw UTF-8 JSON, path as shown), read
    one at a time: each is walked into the batch's columns and dropped) as one table; a
    document with a problem has none of its facts in the table, and its problems listed."""
    keys: list[Key] = []
    key_doc: list[int] = []  # the document of each of ``keys``
    columns: dict[str, list[Any]] = {f: [] for f in FIELDS}
    headers: list[tuple[int, str, str, str, frozenset[str], int]] = []
    problems: list[list[Problem]] = []
    for doc, (raw, shown) in enumerate(documents):
        mine: list[Problem] = []
        problems.append(mine)
        headers.append((0, "", "", shown, frozenset(), 0))
        data = _json(raw, shown, mine)
        if mine:
            continue
        cik, entity, facts = _header(data, shown, mine)
        if facts is None:
            continue
        first = len(keys)
        _walk(facts, shown, mine, keys, columns)
        key_doc += [doc] * (len(keys) - first)
        taxonomies = frozenset(k[0] for k in keys[first:] if k[3])
        headers[doc] = (cik, entity, hashlib.sha256(raw).hexdigest(), shown, taxonomies,
                        sum(k[3] for k in keys[first:]))
    row_doc = np.repeat(np.array(key_doc, np.int64), [k[3] for k in keys])
    table = _table(keys, columns, row_doc, [h[3] for h in headers], problems)
    ciks = np.array([h[0] for h in headers] or [0], np.int64)
    table = table.append_column("cik", pa.array(ciks[row_doc], pa.int64()))
    good = np.array([not p for p in problems] or [True], bool)
    if not good.all():
        table = table.filter(pa.array(good[row_doc]))
    filers = [Filer(*header) for ok, header in zip(good, headers, strict=False) if ok]
    return FactsBatch(filers, table, [p[:MAX_PROBLEMS] for p in problems])


def _json(raw: bytes, shown: str, problems: list[Problem]) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, 0, 0, "", f"not UTF-8 text (byte {exc.start})"))
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(raw.rstrip()) else "not valid JSON"
        problems.append(Problem(shown, exc.lineno, exc.colno, "", f"{what}: {exc.msg}"))
    except RecursionError:
        problems.append(Problem(shown, 0, 0, "", "not valid JSON: nested too deeply"))
    return None
def _header(data: Any, shown: str, problems: list[Problem]
            ) -> tuple[int, str, dict[str, Any] | None]:
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        problems.append(Problem(shown, 0, 0, "facts" if isinstance(data, dict) else "",
                                "not a company-facts document: it needs an object with "
                                "'cik', 'entityName' and 'facts' (docs/filings.md)"))
        return 0, "", None
    cik, entity = data.get("cik"), data.get("entityName")
    if isinstance(cik, str) and cik.isdigit():
        cik = int(cik)
    if not isinstance(cik, int) or isinstance(cik, bool) or not 0 < cik < 10**10:
        problems.append(Problem(shown, 0, 0, "cik", "required: the filer's CIK, a positive "
                                "integer of at most 10 digits"))
        cik = 0
    if not isinstance(entity, str) or not entity.strip():
        problems.append(Problem(shown, 0, 0, "entityName", "required: the filer's name"))
        entity = ""
    return cik, entity, data["facts"]


Key = tuple[str, str, str, int]  # taxonomy, concept, unit, number of facts


def _walk(facts: dict[str, Any], shown: str, problems: list[Problem], keys: list[Key],
          columns: dict[str, list[Any]]) -> None:
    """Append every fact's fields to ``columns`` (one list per field) and the (taxonomy,
    concept, unit, count) of each list of facts, in document order, to ``keys``."""
    for taxonomy, concepts in facts.items():
        if not isinstance(concepts, dict):
            problems.append(Problem(shown, 0, 0, f"facts.{taxonomy}",
                                    "must be an object of concepts"))
            continue
        for concept, body in concepts.items():
            units = body.get("units") if isinstance(body, dict) else None
            if not isinstance(units, dict):
                problems.append(Problem(shown, 0, 0, f"facts.{taxonomy}.{concept}.units",
                                        "required: an object of units, each a list of facts"))
                continue
            for unit, listed in units.items():
                where = f"facts.{taxonomy}.{concept}.units.{unit}"
                if not isinstance(listed, list) or not set(map(type, listed)) <= {dict}:
                    problems.append(Problem(shown, 0, 0, where,
                                            "must be a list of facts (objects)"))
                    continue
                keys.append((taxonomy, concept, unit, len(listed)))
                for name in FIELDS:
                    columns[name] += [f.get(name) for f in listed]


def _where(keys: list[Key], rows: np.ndarray) -> list[str]:
    """The JSON path of each of ``rows`` (indexes into the table) in its document."""
    ends = np.cumsum([k[3] for k in keys])
    lists = np.searchsorted(ends, rows, side="right")
    out = []
    for row, k in zip(rows.tolist(), lists.tolist(), strict=True):
        taxonomy, concept, unit, _ = keys[k]
        first = int(ends[k]) - keys[k][3]
        out.append(f"facts.{taxonomy}.{concept}.units.{unit}[{row - first}]")
    return out


class _Rows:
    """Where the rows of a batch's columns come from: the JSON path of each list of facts
    (``keys``), the document of each row and each document's path as shown, and the
    problems of each document, to which bad rows are reported."""

    def __init__(self, keys: list[Key], row_doc: np.ndarray, shown: list[str],
                 problems: list[list[Problem]]) -> None:
        self.keys, self.row_doc, self.shown, self.problems = keys, row_doc, shown, problems

    def report(self, values: list[Any], bad: np.ndarray, name: str, expected: str) -> None:
        """Report the first :data:`MAX_PROBLEMS` rows of each document that ``bad`` marks."""
        rows = np.flatnonzero(bad)
        docs = self.row_doc[rows]
        _, first, inverse = np.unique(docs, return_index=True, return_inverse=True)
        rows = rows[np.arange(len(rows)) - first[inverse] < MAX_PROBLEMS]
        for row, where in zip(rows.tolist(), _where(self.keys, rows), strict=True):
            value = values[row]
            message = "required" if value is None else \
                f"{expected}, not {json.dumps(value)[:60]}"
            doc = int(self.row_doc[row])
            self.problems[doc].append(Problem(self.shown[doc], 0, 0, f"{where}.{name}",
                                              message))


def _strings(values: list[Any]) -> tuple[pa.Array, np.ndarray]:
    """``values`` as an Arrow string array (null where a value is not a string) and the
    mask of values that are present but not strings."""
    try:
        arr = pa.array(values, pa.string())
        return arr, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        ok = [v if isinstance(v, str) else None for v in values]
        wrong = np.array([v is not None and not isinstance(v, str) for v in values], bool)
        return pa.array(ok, pa.string()), wrong


def _numbers(values: list[Any]) -> tuple[pa.Array, np.ndarray]:
    """``values`` as float64 and the mask of those that are not JSON numbers (strings,
    booleans, objects) or not finite or too large; a missing value is null."""
    try:
        if bool in set(map(type, values)):
            raise TypeError
        arr = pa.array(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        ok = [float(v) if isinstance(v, int | float) and not isinstance(v, bool)
              and abs(v) < 1e300 else None for v in values]
        arr = pa.array(ok, pa.float64())
        wrong = np.array([v is not None and o is None for v, o in zip(values, ok,
                                                                      strict=True)], bool)
        return arr, wrong
    nums = arr.to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        wrong = ~np.isnan(nums) & ~(np.abs(nums) <= MAX_ABS_VALUE)
    return arr, wrong


def _as_written(text: pa.Array, parsed: pa.Array) -> pa.Array:
    """Whether each date was parsed as written (YYYY-MM-DD): strptime rolls a day the month
    lacks (2023-02-29) into the next month, so its day of the month must be the text's."""
    day = pc.utf8_slice_codeunits(text, 8, 10)
    two = pc.and_(pc.equal(pc.utf8_length(text), 10),
                  pc.match_substring_regex(day, "^[0-9][0-9]$"))
    written = pc.cast(pc.if_else(two, day, "0"), pa.int64())
    return pc.and_(two, pc.equal(pc.day(parsed), written))


def _table(keys: list[Key], columns: dict[str, list[Any]], row_doc: np.ndarray,
           shown: list[str], problems: list[list[Problem]]) -> pa.Table:
    at = _Rows(keys, row_doc, shown, problems)
    arrays: dict[str, pa.Array] = {}
    for name in ("taxonomy", "concept", "unit"):
        k = ("taxonomy", "concept", "unit").index(name)
        labels = [key[k] for key in keys]
        uniq, codes = np.unique(np.array(labels, dtype=object).astype(str), return_inverse=True) \
            if labels else (np.array([], dtype=str), np.array([], dtype=np.int32))
        idx = np.repeat(codes.astype(np.int32), [key[3] for key in keys])
        arrays[name] = pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()),
                                                      pa.array(uniq.tolist(), pa.string()))
    for name in DATES:
        text, wrong = _strings(columns[name])
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        arrays[name] = pc.cast(parsed, pa.date32())
        same = _as_written(text, parsed)
        bad = wrong | (~np.asarray(pc.fill_null(same, False)) & ~np.asarray(pc.is_null(text)))
        if name in REQUIRED:
            bad |= np.asarray(pc.is_null(text)) & ~wrong
        if bad.any():
            at.report(columns[name], bad, name, "a date (YYYY-MM-DD)")
    arrays["val"], wrong = _numbers(columns["val"])
    bad = wrong | np.asarray(pc.is_null(arrays["val"])) & ~wrong
    if bad.any():
        at.report(columns["val"], bad, "val", f"a number (finite, at most "
                  f"{MAX_ABS_VALUE:g} in absolute value)")
    for name in TEXTS:
        arrays[name], wrong = _strings(columns[name])
        bad = wrong.copy()
        if name in REQUIRED:
            bad |= np.asarray(pc.is_null(arrays[name])) & ~wrong
        if name == "accn":
            valid = pc.match_substring_regex(arrays[name], ACCESSION.pattern)
            bad |= ~np.asarray(pc.fill_null(valid, True))
        if bad.any():
            expected = "an accession number (0000000000-00-000000)" if name == "accn" \
                else "a string"
            at.report(columns[name], bad, name, expected)
    fy = columns["fy"]
    try:
        if bool in set(map(type, fy)):
            raise TypeError
        arrays["fy"] = pa.array(fy, pa.int32())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        wrong = np.array([v is not None and (not isinstance(v, int) or isinstance(v, bool)
                                             or not 0 < v < 10000) for v in fy], bool)
        arrays["fy"] = pa.array([None if w else v for v, w in zip(fy, wrong, strict=True)],
                                pa.int32())
        at.report(fy, wrong, "fy", "a year (an integer)")
    return pa.table([arrays[f.name] for f in SCHEMA], schema=SCHEMA)
