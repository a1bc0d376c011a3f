"""SEC XBRL company-facts documents as one columnar table (docs/filings.md).

A company-facts document (``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json``)
holds ``facts[taxonomy][concept].units[unit]``: lists of facts ``{start?, end, val, accn, fy,
fp, form, filed, frame?}``. :func:`parse_companyfacts` walks the JSON once, gathering each
field of every fact into one Python list per field (the unavoidable walk), then builds and
checks the columns with Arrow: dates parsed, values typed, every problem found placed at its
JSON path (``facts.us-gaap.Assets.units.USD[3].filed``). All problems of a document are
reported at once; nothing of an invalid document is returned.

The table has one row per fact: ``taxonomy, concept, unit`` (dictionary-encoded strings),
``start`` (null for an instant), ``end``, ``val`` (float64), ``accn``, ``fy``, ``fp``,
``form``, ``filed`` and ``frame``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
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
class CompanyFacts:
    """One company's facts: its CIK and name, the table of facts, and the document's
    SHA-256 (the snapshot a case keeps)."""

    cik: int
    entity: str
    table: pa.Table
    sha256: str
    shown: str  # the document's path as shown to the user


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
    raises InputError with every problem, each at its JSON path."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"not UTF-8 text (byte {exc.start})")]) \
            from None
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(raw.rstrip()) else "not valid JSON"
        raise InputError([Problem(shown, exc.lineno, exc.colno, "",
                                  f"{what}: {exc.msg}")]) from None
    except RecursionError:
        raise InputError([Problem(shown, 0, 0, "", "not valid JSON: nested too deeply")]) \
            from None
    problems: list[Problem] = []
    cik, entity, facts = _header(data, shown, problems)
    if facts is None:
        raise InputError(problems)
    keys, columns = _walk(facts, shown, problems)
    table = _table(keys, columns, shown, problems)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    return CompanyFacts(cik, entity, table, hashlib.sha256(raw).hexdigest(), shown)


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


def _walk(facts: dict[str, Any], shown: str, problems: list[Problem]
          ) -> tuple[list[Key], dict[str, list[Any]]]:
    """Every fact's fields, one list per field, and the (taxonomy, concept, unit, count) of
    each list of facts in document order."""
    keys: list[Key] = []
    columns: dict[str, list[Any]] = {f: [] for f in FIELDS}
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
                if not isinstance(listed, list) or not all(isinstance(f, dict)
                                                           for f in listed):
                    problems.append(Problem(shown, 0, 0, where,
                                            "must be a list of facts (objects)"))
                    continue
                keys.append((taxonomy, concept, unit, len(listed)))
                for name in FIELDS:
                    columns[name] += [f.get(name) for f in listed]
    return keys, columns


def _where(keys: list[Key], rows: np.ndarray) -> list[str]:
    """The JSON path of each of ``rows`` (indexes into the table)."""
    ends = np.cumsum([k[3] for k in keys])
    lists = np.searchsorted(ends, rows, side="right")
    out = []
    for row, k in zip(rows.tolist(), lists.tolist(), strict=True):
        taxonomy, concept, unit, _ = keys[k]
        first = int(ends[k]) - keys[k][3]
        out.append(f"facts.{taxonomy}.{concept}.units.{unit}[{row - first}]")
    return out


def _report(keys: list[Key], values: list[Any], bad: np.ndarray, name: str, expected: str,
            shown: str, problems: list[Problem]) -> None:
    rows = np.flatnonzero(bad)[:MAX_PROBLEMS]
    for row, where in zip(rows.tolist(), _where(keys, rows), strict=True):
        value = values[row]
        message = "required" if value is None else f"{expected}, not {json.dumps(value)[:60]}"
        problems.append(Problem(shown, 0, 0, f"{where}.{name}", message))


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
        if any(isinstance(v, bool) for v in values):
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


def _table(keys: list[Key], columns: dict[str, list[Any]], shown: str,
           problems: list[Problem]) -> pa.Table:
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
        bad = wrong | (np.asarray(pc.is_null(parsed)) & ~np.asarray(pc.is_null(text)))
        if name in REQUIRED:
            bad |= np.asarray(pc.is_null(text)) & ~wrong
        if bad.any():
            _report(keys, columns[name], bad, name, "a date (YYYY-MM-DD)", shown, problems)
    arrays["val"], wrong = _numbers(columns["val"])
    bad = wrong | np.asarray(pc.is_null(arrays["val"])) & ~wrong
    if bad.any():
        _report(keys, columns["val"], bad, "val", f"a number (finite, at most "
                f"{MAX_ABS_VALUE:g} in absolute value)", shown, problems)
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
            _report(keys, columns[name], bad, name, expected, shown, problems)
    fy = columns["fy"]
    try:
        if any(isinstance(v, bool) for v in fy):
            raise TypeError
        arrays["fy"] = pa.array(fy, pa.int32())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        wrong = np.array([v is not None and (not isinstance(v, int) or isinstance(v, bool)
                                             or not 0 < v < 10000) for v in fy], bool)
        arrays["fy"] = pa.array([None if w else v for v, w in zip(fy, wrong, strict=True)],
                                pa.int32())
        _report(keys, fy, wrong, "fy", "a year (an integer)", shown, problems)
    return pa.table([arrays[f.name] for f in SCHEMA], schema=SCHEMA)
