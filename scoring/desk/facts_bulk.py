"""``scoring facts import companyfacts.zip --universe DIR``: a universe from the SEC's bulk
archive of company-facts documents (docs/filings.md).

The archive is read one member at a time (never extracted, never whole in memory): a
member's name must be a plain relative ``*.json`` path (no ``..``, no absolute path, no
backslash), its size at most :data:`MAX_MEMBER_BYTES` (its header is checked, then at most
one byte more than that is read, so a header that lies changes nothing). Each document is
read, checked and selected as ``scoring facts import`` does for one case; the universe gets
one case per document (``CIK##########``) in Parquet tables (cases, sources, figures and an
empty evidence table) beside a copy of the rubric, ready for ``scoring score``.

Every problem of every member is reported at once (at ``ARCHIVE:MEMBER`` and the JSON path);
then nothing is written.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..display import display_path
from ..errors import InputError, OutputError, Problem
from ..formats.companyfacts import CompanyFacts, parse_companyfacts
from ..formats.factsmap import ConceptMap, load_map
from ..formats.loader import load_rubric
from ..output import RunInputs, make_folder, write_atomic
from .facts_import import (
    cited_filings,
    figure_records,
    filing_records,
    map_for,
    select_with_opening,
)

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # the largest filers' documents are ~100 MB
MAX_PROBLEMS = 200
RUBRIC_FILE = "rubric.yaml"

FIGURE_COLUMNS = ("case", "id", "figure", "period", "value", "unit", "observed", "claim",
                  "source", "locator")
SOURCE_COLUMNS = ("case", "id", "title", "publisher", "date", "language", "kind",
                  "reliability", "url", "notes")
CASE_COLUMNS = ("id", "entity", "as_of", "rubric", "period", "prior_period")
EVIDENCE_COLUMNS = ("case", "id", "factor", "value", "confidence", "observed", "claim",
                    "source", "locator")


@dataclass(frozen=True)
class BulkReport:
    archive: str
    universe: str
    cases: int
    figures: int
    missing: int  # (case, figure, period) triples no mapped concept reports


def member_problem(info: zipfile.ZipInfo, shown: str) -> Problem | None:
    """Why a member of the archive is refused, or None."""
    name = info.filename
    where = f"{shown}:{name}"
    parts = PurePosixPath(name).parts
    if "\\" in name or name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        return Problem(where, 0, 0, "", "refused: the member's path leaves the archive "
                                        "(absolute, '..' or a backslash)")
    if not name.lower().endswith(".json"):
        return Problem(where, 0, 0, "", "not a JSON document (a company-facts archive holds "
                                        "CIK##########.json files)")
    if info.file_size > MAX_MEMBER_BYTES:
        return Problem(where, 0, 0, "", f"the member is {info.file_size} bytes; the limit is "
                                        f"{MAX_MEMBER_BYTES}")
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    with zf.open(info) as f:
        raw = f.read(MAX_MEMBER_BYTES + 1)
    if len(raw) > MAX_MEMBER_BYTES:
        raise InputError([Problem(where, 0, 0, "", f"the member holds more than "
                                  f"{MAX_MEMBER_BYTES} bytes")])
    return raw


def _maps(rubric_path: Path) -> dict[str, tuple[Path, ConceptMap]]:
    out = {}
    for taxonomy in ("us-gaap", "ifrs-full"):
        path = rubric_path.parent / "maps" / f"{taxonomy}.yaml"
        if path.is_file():
            out[taxonomy] = (path, load_map(path))
    return out


def import_universe(archive: Path, folder: Path, rubric_path: Path, as_of: dt.date
                    ) -> BulkReport:
    """Write a universe of one case per document of ``archive`` into ``folder`` (new or
    empty); raises InputError with every problem of every member, OutputError."""
    shown = display_path(archive)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{display_path(folder)}: refused: the universe folder must be new "
                          "or empty")
    rubric = load_rubric(rubric_path)
    needed = [f.id for f in rubric.figures]
    with_prior = any("prior(" in m.formula.replace(" ", "") for m in rubric.measures)
    maps = _maps(rubric_path)
    problems: list[Problem] = []
    cases: dict[str, list[Any]] = {c: [] for c in CASE_COLUMNS}
    sources: dict[str, list[Any]] = {c: [] for c in SOURCE_COLUMNS}
    figures: dict[str, list[Any]] = {c: [] for c in FIGURE_COLUMNS}
    missing = 0
    seen: dict[int, str] = {}
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError([Problem(shown, 0, 0, "", f"not a zip archive: {exc}")]) from None
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if len(problems) >= MAX_PROBLEMS:
                break
            bad = member_problem(info, shown)
            if bad is not None:
                problems.append(bad)
                continue
            where = f"{shown}:{info.filename}"
            try:
                cf = parse_companyfacts(_read_member(zf, info, where), where)
                taxonomy = map_for(rubric_path, cf).stem
                if taxonomy not in maps:
                    raise InputError([Problem(where, 0, 0, "", f"no {taxonomy} concept map")])
                map_path, cmap = maps[taxonomy]
                unmapped = [f for f in needed if cmap.figure(f) is None]
                if unmapped:
                    raise InputError([Problem(display_path(map_path), 0, 0, "figures",
                                              f"the rubric's figure {f!r} is not in the map")
                                      for f in unmapped])
                sel = select_with_opening(cf, cmap, needed, as_of, None, with_prior)
            except InputError as exc:
                problems += exc.problems
                continue
            case_id = f"CIK{cf.cik:010d}"
            if cf.cik in seen:
                problems.append(Problem(where, 0, 0, "cik", f"CIK {cf.cik} again (first in "
                                        f"{seen[cf.cik]})"))
                continue
            seen[cf.cik] = info.filename
            _add_case(case_id, cf, sel, needed, as_of, cases, sources, figures)
            missing += len(sel.missing)
    if problems:
        raise InputError(problems)
    if not cases["id"]:
        raise InputError([Problem(shown, 0, 0, "", "the archive holds no document")])
    inputs = RunInputs.of(files=[archive, rubric_path])
    make_folder(folder, inputs)
    write_atomic(folder / RUBRIC_FILE, rubric_path.read_bytes(), inputs)
    for name, data in (("cases", cases), ("sources", sources), ("figures", figures)):
        write_atomic(folder / f"{name}.parquet", _parquet(data), inputs)
    empty: dict[str, list[Any]] = {c: [] for c in EVIDENCE_COLUMNS}
    write_atomic(folder / "evidence.parquet", _parquet(empty, {
        "value": pa.float64(), "confidence": pa.float64()}), inputs)
    return BulkReport(shown, display_path(folder), len(cases["id"]), len(figures["id"]),
                      missing)


def _add_case(case_id: str, cf: CompanyFacts, sel: Any, needed: list[str], as_of: dt.date,
              cases: dict[str, list[Any]], sources: dict[str, list[Any]],
              figures: dict[str, list[Any]]) -> None:
    for col, v in zip(CASE_COLUMNS, (case_id, cf.entity, as_of.isoformat(), RUBRIC_FILE,
                                     sel.period, sel.prior), strict=True):
        cases[col].append(v)
    restated = sel.restated[sel.restated.figure.isin(needed)]
    for rec in figure_records(sel, cf, needed, restated):
        rec["case"] = case_id
        for col in FIGURE_COLUMNS:
            figures[col].append(rec[col])
    chosen = sel.chosen[sel.chosen.figure.isin(needed)]
    for rec in filing_records(cited_filings(chosen), cf):
        rec["case"] = case_id
        rec["notes"] += f" Document SHA-256 {cf.sha256}."
        for col in SOURCE_COLUMNS:
            sources[col].append(rec[col])


def _parquet(data: dict[str, list[Any]], types: dict[str, pa.DataType] | None = None
             ) -> bytes:
    types = types or {}
    table = pa.table({c: pa.array(v, types.get(c, pa.float64() if c == "value"
                                               else pa.string())) for c, v in data.items()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())
