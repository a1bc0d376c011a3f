"""``scoring facts import companyfacts.zip --universe DIR``: a universe from the SEC's bulk
archive of company-facts documents (docs/filings.md).

The archive is read one member at a time (never extracted, never whole in memory): a
member's name must be a plain relative ``*.json`` path (no ``..``, no absolute path, no
backslash), its size at most :data:`MAX_MEMBER_BYTES` (its header is checked, then at most
one byte more than that is read, so a header that lies changes nothing). The documents are
read, checked and selected in batches (:data:`BATCH_DOCUMENTS` documents or
:data:`BATCH_BYTES` of JSON, whichever comes first) with the functions ``scoring facts
import`` uses for one case (a batch of one), so memory is bounded by a batch whatever the
archive's size. The universe gets one case per document (``CIK##########``) in Parquet tables
(cases, sources, figures and an empty evidence table; a row group per batch, written as the
batches arrive into a temporary folder) beside a copy of the rubric, ready for ``scoring
score``.

Every problem of every member is reported at once, in the archive's order (at
``ARCHIVE:MEMBER`` and the JSON path); then the temporary folder is removed and nothing is
written.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..display import display_path
from ..errors import InputError, OutputError, Problem
from ..formats.companyfacts import FactsBatch, Filer, parse_batch
from ..formats.factsmap import ConceptMap, load_map
from ..formats.loader import load_rubric
from ..output import RunInputs, write_atomic, write_folder
from .facts_import import (
    cited_filings,
    figure_records,
    filing_records,
    map_taxonomy,
    with_opening,
)
from .facts_select import BatchSelection, Selection, select_batch

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # the largest filers' documents are ~100 MB
MAX_PROBLEMS = 200
BATCH_DOCUMENTS = 250  # a batch: this many documents, or
BATCH_BYTES = 16 * 1024 * 1024  # this much JSON (and then the member that passes it)
RUBRIC_FILE = "rubric.yaml"

FIGURE_COLUMNS = ("case", "id", "figure", "period", "value", "unit", "observed", "claim",
                  "source", "locator")
SOURCE_COLUMNS = ("case", "id", "title", "publisher", "date", "language", "kind",
                  "reliability", "url", "notes")
CASE_COLUMNS = ("id", "entity", "as_of", "rubric", "period", "prior_period")
EVIDENCE_COLUMNS = ("case", "id", "factor", "value", "confidence", "observed", "claim",
                    "source", "locator")
NUMBERS = ("value", "confidence")  # the float64 columns; every other column is a string
TABLES = {"cases": CASE_COLUMNS, "sources": SOURCE_COLUMNS, "figures": FIGURE_COLUMNS}


def _schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, pa.float64() if c in NUMBERS else pa.string()) for c in columns])


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
    try:
        with zf.open(info) as f:
            raw = f.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputError([Problem(where, 0, 0, "", f"cannot read the member: {exc}")]) \
            from None
    if len(raw) > MAX_MEMBER_BYTES:
        raise InputError([Problem(where, 0, 0, "", f"the member holds more than "
                                  f"{MAX_MEMBER_BYTES} bytes")])
    return raw


def _maps(rubric_path: Path, needed: list[str]) -> dict[str, tuple[ConceptMap | None,
                                                                    list[Problem]]]:
    """Per taxonomy, its map beside the rubric and the problems of a document needing it
    (no such map; a figure of the rubric that the map lacks)."""
    out: dict[str, tuple[ConceptMap | None, list[Problem]]] = {}
    for taxonomy in ("us-gaap", "ifrs-full"):
        path = rubric_path.parent / "maps" / f"{taxonomy}.yaml"
        if not path.is_file():
            out[taxonomy] = (None, [Problem(display_path(path), 0, 0, "", f"no concept map "
                                            f"for the {taxonomy} taxonomy beside the rubric")])
            continue
        cmap = load_map(path)
        out[taxonomy] = (cmap, [Problem(display_path(path), 0, 0, "figures", f"the rubric's "
                                        f"figure {f!r} is not in the map")
                                for f in needed if cmap.figure(f) is None])
    return out


@dataclass
class _Universe:
    """The universe being written into ``folder`` (a temporary one): a Parquet writer per
    table, the problems found so far (with each one's place in the archive, to list them
    in its order) and the CIKs seen."""

    folder: Path
    shown: str  # the archive
    as_of: dt.date
    needed: list[str]
    with_prior: bool
    maps: dict[str, tuple[ConceptMap | None, list[Problem]]]
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    seen: dict[int, str] = field(default_factory=dict)
    writers: dict[str, pq.ParquetWriter] = field(default_factory=dict)
    cases: int = 0
    figures: int = 0
    missing: int = 0

    def members(self, zf: zipfile.ZipFile) -> Iterator[list[tuple[int, str, bytes]]]:
        """The archive's good members in batches: (place, name, bytes)."""
        batch: list[tuple[int, str, bytes]] = []
        size = 0
        for k, info in enumerate(zf.infolist()):
            if info.is_dir():
                continue
            if len(self.problems) >= MAX_PROBLEMS:
                break
            bad = member_problem(info, self.shown)
            if bad is not None:
                self.problems.append((k, bad))
                continue
            try:
                raw = _read_member(zf, info, f"{self.shown}:{info.filename}")
            except InputError as exc:
                self.problems += [(k, p) for p in exc.problems]
                continue
            batch.append((k, info.filename, raw))
            size += len(raw)
            if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def add(self, members: list[tuple[int, str, bytes]]) -> None:
        """Read, check and select a batch of members; write its cases (if nothing was
        wrong so far)."""
        batch = parse_batch((raw, f"{self.shown}:{name}") for _, name, raw in members)
        places, names = [], []
        for (k, name, _), problems in zip(members, batch.problems, strict=True):
            if problems:
                self.problems += [(k, p) for p in problems]
            else:
                places.append(k)
                names.append(name)
        keep = np.ones(len(batch.filers), bool)
        groups: dict[str, list[int]] = {}
        for i, (k, name, filer) in enumerate(zip(places, names, batch.filers, strict=True)):
            if filer.cik in self.seen:
                self.problems.append((k, Problem(filer.shown, 0, 0, "cik", f"CIK {filer.cik} "
                                                 f"again (first in {self.seen[filer.cik]})")))
                keep[i] = False
                continue
            self.seen[filer.cik] = name
            taxonomy = map_taxonomy(filer.taxonomies)
            cmap, problems = self.maps[taxonomy]
            if problems:
                self.problems += [(k, p) for p in problems]
                keep[i] = False
                continue
            groups.setdefault(taxonomy, []).append(i)
        periods: list[tuple[str, str | None] | None] = [None] * len(batch.filers)
        chosen, restated = [], []
        for taxonomy, docs in groups.items():
            cmap = self.maps[taxonomy][0]
            assert cmap is not None
            sel = self._select(batch, docs, [places[i] for i in docs], cmap)
            for d, p in enumerate(sel.periods):
                periods[docs[d]] = p
            # the batch's place of each document, for its rows to keep the archive's order
            at = np.array(docs, np.int64)
            chosen.append(sel.chosen.assign(doc=at[sel.chosen["doc"].to_numpy()]))
            restated.append(sel.restated.assign(doc=at[sel.restated["doc"].to_numpy()]))
        if chosen and not self.problems:
            self._write(batch.filers, periods, *(
                frames[0] if len(frames) == 1 else
                pd.concat(frames, ignore_index=True).sort_values("doc", kind="stable")
                for frames in (chosen, restated)))

    def _select(self, batch: FactsBatch, docs: list[int], places: list[int],
                cmap: ConceptMap) -> BatchSelection:
        """Select the filers ``docs`` of ``batch`` (all of one concept map)."""
        counts = np.array([f.facts for f in batch.filers], np.int64)
        mine = np.zeros(len(batch.filers), bool)
        mine[docs] = True
        table = batch.table if mine.all() else batch.table.filter(
            pa.array(np.repeat(mine, counts)))
        if any((spec := cmap.figure(f)) is not None and spec.period == "opening"
               for f in self.needed):
            sel = self._select_each(table, [batch.filers[i] for i in docs], cmap)
        else:
            sel = select_batch(table, [(batch.filers[i].cik, batch.filers[i].shown)
                                       for i in docs], cmap, self.needed, self.as_of, None,
                               self.with_prior)
        for d, problems in sorted(sel.problems.items()):
            self.problems += [(places[d], p) for p in problems]
        self.missing += len(sel.missing)
        return sel

    def _select_each(self, table: pa.Table, filers: list[Filer], cmap: ConceptMap
                     ) -> BatchSelection:
        """:meth:`_select` for a rubric that reads opening balances: each filer's selection
        takes a second one of the year before (its own prior year), so the filers are
        selected one at a time, each a batch of one (``facts_import.with_opening``)."""
        periods: list[tuple[str, str | None] | None] = []
        ends: list[dict[str, dt.date]] = []
        frames: dict[str, list[pd.DataFrame]] = {"chosen": [], "restated": [], "conflicts": []}
        missing: list[tuple[int, str, str]] = []
        problems: dict[int, list[Problem]] = {}
        # The table holds the filers' facts one filer after the other, in this order.
        starts = np.concatenate(([0], np.cumsum([f.facts for f in filers])))
        for d, filer in enumerate(filers):
            rows = table.slice(int(starts[d]), filer.facts)

            def run(m: ConceptMap, figs: list[str], per: str | None, rows: pa.Table = rows,
                    filer: Filer = filer) -> Selection:
                return select_batch(rows, [(filer.cik, filer.shown)], m, figs, self.as_of,
                                    per, self.with_prior).one(0)

            try:
                sel = with_opening(run, cmap, self.needed, None)
            except InputError as exc:
                problems[d] = exc.problems
                periods.append(None)
                ends.append({})
                continue
            periods.append((sel.period, sel.prior))
            ends.append(sel.ends)
            for name in frames:
                frames[name].append(getattr(sel, name).assign(doc=d))
            missing += [(d, f, p) for f, p in sel.missing]
        empty = pd.DataFrame({"doc": pd.Series([], dtype="int64")})
        chosen, restated, conflicts = (pd.concat(frames[n], ignore_index=True) if frames[n]
                                       else empty for n in ("chosen", "restated", "conflicts"))
        return BatchSelection(self.as_of, periods, ends, chosen, restated, conflicts, missing,
                              problems)

    def _write(self, filers: list[Filer], periods: list[tuple[str, str | None] | None],
               chosen: pd.DataFrame, restated: pd.DataFrame) -> None:
        ids = [f"CIK{f.cik:010d}" for f in filers]
        selected = [d for d, p in enumerate(periods) if p is not None]
        entities = [f.entity for f in filers]
        cases: dict[str, list[Any]] = {
            "id": [ids[d] for d in selected], "entity": [entities[d] for d in selected],
            "as_of": [self.as_of.isoformat()] * len(selected),
            "rubric": [RUBRIC_FILE] * len(selected),
            "period": [p[0] for p in periods if p is not None],
            "prior_period": [p[1] for p in periods if p is not None]}
        figs = figure_records(chosen, entities, restated)
        figures: dict[str, list[Any]] = {c: [] for c in FIGURE_COLUMNS}
        for doc, rec in zip(chosen["doc"].tolist(), figs, strict=True):
            rec["case"] = ids[doc]
            for c in FIGURE_COLUMNS:
                figures[c].append(rec[c])
        filings = cited_filings(chosen)
        sources: dict[str, list[Any]] = {c: [] for c in SOURCE_COLUMNS}
        for doc, rec in zip(filings["doc"].tolist(), filing_records(filings, entities),
                            strict=True):
            rec["case"] = ids[doc]
            rec["notes"] += f" Document SHA-256 {filers[doc].sha256}."
            for c in SOURCE_COLUMNS:
                sources[c].append(rec[c])
        for name, data in (("cases", cases), ("sources", sources), ("figures", figures)):
            self._rows(name, data)
        self.cases += len(selected)
        self.figures += len(figs)

    def _rows(self, name: str, data: dict[str, list[Any]]) -> None:
        """Write ``data`` as a row group of the table ``name``."""
        schema = _schema(TABLES[name])
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", schema)
        if data[schema.names[0]]:
            self.writers[name].write_table(pa.table(data, schema=schema))

    def close(self) -> None:
        for name, columns in TABLES.items():
            if name not in self.writers:
                self._rows(name, {c: [] for c in columns})
            self.writers[name].close()
        self.writers.clear()


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
    maps = _maps(rubric_path, needed)
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError([Problem(shown, 0, 0, "", f"not a zip archive: {exc}")]) from None
    inputs = RunInputs.of(files=[archive, rubric_path])
    done: list[_Universe] = []

    def fill(tmp: Path) -> RunInputs:
        universe = _Universe(tmp, shown, as_of, needed, with_prior, maps)
        try:
            for members in universe.members(zf):
                universe.add(members)
        finally:
            universe.close()
        if universe.problems:
            raise InputError([p for _, p in sorted(universe.problems, key=lambda kp: kp[0])])
        if not universe.cases:
            raise InputError([Problem(shown, 0, 0, "", "the archive holds no document")])
        write_atomic(tmp / RUBRIC_FILE, rubric_path.read_bytes(), inputs)
        empty = pa.table({c: [] for c in EVIDENCE_COLUMNS}, schema=_schema(EVIDENCE_COLUMNS))
        pq.write_table(empty, tmp / "evidence.parquet")
        done.append(universe)
        return inputs

    with zf:
        write_folder(folder, fill, inputs, "*")
    return BulkReport(shown, display_path(folder), done[0].cases, done[0].figures,
                      done[0].missing)
