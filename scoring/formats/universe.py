"""A coverage universe: many cases in one folder (docs/formats.md, "Universe folder").

A universe folder has no ``case.yaml`` of its own. It holds case folders (each a case as
usual, in YAML or with tabular sources and evidence) and/or one set of tables for many cases:
``cases.csv`` (or ``.parquet``; one row per case, the fields of ``case.yaml``, the rubric path
relative to the universe folder), ``sources`` and ``evidence`` tables with a ``case`` column,
and an optional ``scenarios.yaml`` that applies to every case of the tables.

Every case is validated by the same models and checks as a single case; problems keep their
file, row and column. :meth:`Universe.cases` yields the cases one by one, so that a universe
never has to be held in memory as models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..display import display_path
from ..errors import InputError, Problem
from ..output import RunInputs
from ..progress import Progress, no_progress
from .checks import check_case
from .loader import (
    CASE_FILE,
    SCENARIOS_FILE,
    Case,
    InputFile,
    file_sha256,
    load_case,
    load_rubric,
    validate_doc,
)
from .models import CaseFile, Rubric, ScenariosFile, SourcesFile
from .models import EvidenceFile as EvidenceModel
from .tabular import CASE_COLUMN, SPECS, TABLE_SUFFIXES, RawTable, check_header, read_table, table_doc
from .yamlio import YamlDoc, load_yaml

CASES_TABLE = "cases"
M = TypeVar("M", bound=BaseModel)


def is_universe(folder: Path) -> bool:
    """True when ``folder`` is a universe folder rather than a case folder."""
    if (folder / CASE_FILE).exists() or not folder.is_dir():
        return False
    return _table(folder, CASES_TABLE) is not None or bool(_case_folders(folder))


def _table(folder: Path, stem: str) -> Path | None:
    found = [folder / f"{stem}{s}" for s in TABLE_SUFFIXES if (folder / f"{stem}{s}").is_file()]
    if len(found) > 1:
        raise InputError([Problem(display_path(found[1]), 0, 0, "",
                                  f"two {stem} tables ({found[0].name}, {found[1].name}); "
                                  "keep one")])
    return found[0] if found else None


def _case_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.is_symlink() and (p / CASE_FILE).is_file())


@dataclass
class TableSet:
    """The universe tables, read once; :meth:`case` validates one case's rows."""

    root: Path
    cases: RawTable
    sources: RawTable
    evidence: RawTable
    scenarios: ScenariosFile
    scenarios_doc: YamlDoc | None
    inputs: tuple[InputFile, ...]
    source_rows: dict[str, list[int]] = field(default_factory=dict)
    evidence_rows: dict[str, list[int]] = field(default_factory=dict)
    _rubrics: dict[str, Rubric | InputError] = field(default_factory=dict)
    _reads: dict[str, RunInputs] = field(default_factory=dict)

    def read(self, rubric: str) -> RunInputs:
        """What a case of the tables with this rubric path reads (once per rubric path)."""
        if rubric not in self._reads:
            file = self.root / rubric
            self._reads[rubric] = RunInputs.of(
                [self.root / i.path for i in self.inputs] + [file], [self.root],
                shallow=[file.parent])
        return self._reads[rubric]

    def rubric(self, path: str, problems: list[Problem], at: Problem) -> Rubric | None:
        """The rubric at ``path`` (relative to the universe folder), loaded once."""
        if path not in self._rubrics:
            file = self.root / path
            if Path(path).is_absolute() or not file.is_file():
                self._rubrics[path] = InputError([Problem(
                    at.path, at.line, at.col, at.field, f"rubric file not found: {path}")])
            else:
                try:
                    self._rubrics[path] = load_rubric(file)
                except InputError as exc:
                    self._rubrics[path] = exc
        got = self._rubrics[path]
        if isinstance(got, InputError):
            problems.extend(got.problems)
            return None
        return got

    def case(self, k: int) -> Case:
        """The case of row ``k`` (0-based) of the cases table, validated."""
        problems: list[Problem] = []
        cdoc = table_doc(self.cases, SPECS["cases"], [k])
        meta = validate_doc(CaseFile, cdoc, problems)
        rubric = None
        if meta is not None:
            rubric = self.rubric(meta.rubric, problems, cdoc.problem(("rubric",), ""))
        cid = str(self.cases.cells["id"][k])
        docs: dict[str, YamlDoc] = {"case": cdoc}
        sources = self._part("sources", SourcesFile, cid, docs, problems)
        evidence = self._part("evidence", EvidenceModel, cid, docs, problems)
        if self.scenarios_doc is not None:
            docs["scenarios"] = self.scenarios_doc
        if meta and rubric and sources and evidence:
            problems += check_case(meta, rubric, sources, evidence, self.scenarios, docs)
        if problems:
            raise InputError(problems)
        assert meta and rubric and sources and evidence
        return Case(meta, rubric, tuple(sources.sources), tuple(evidence.items),
                    tuple(self.scenarios.scenarios), self.inputs, self.read(meta.rubric))

    def _part(self, role: str, model: type[M], cid: str, docs: dict[str, YamlDoc],
              problems: list[Problem]) -> M | None:
        """Validate the rows of case ``cid`` in the ``role`` table."""
        table, rows = ((self.sources, self.source_rows) if role == "sources"
                       else (self.evidence, self.evidence_rows))
        if cid not in rows:
            problems.append(Problem(table.path, 0, 0, CASE_COLUMN, f"no rows for case {cid!r}"))
            return None
        docs[role] = table_doc(table, SPECS[role], rows[cid])
        return validate_doc(model, docs[role], problems)


def _rows_by_case(table: RawTable, known: set[str]) -> tuple[dict[str, Any], list[Problem]]:
    """Record indices of each case in a table with a ``case`` column; rows of unknown cases."""
    cases = _text(table, CASE_COLUMN)
    unknown = ~cases.isin(known).to_numpy()
    col = table.column(CASE_COLUMN)
    problems = [Problem(table.path, k + 2, col, CASE_COLUMN,
                        f"case {cases.iat[k]!r} is not in the cases table"
                        if cases.iat[k] else "required field is missing")
                for k in np.flatnonzero(unknown).tolist()]
    rows = pd.Series(np.arange(table.n_rows))[~unknown].groupby(
        cases[~unknown].to_numpy(), sort=False).indices
    return {str(c): r for c, r in rows.items()}, problems


def _text(table: RawTable, name: str) -> pd.Series:
    """A column as text: ``str`` of each cell, ``""`` for an empty one."""
    import pyarrow as pa

    col = table.data.column(name)
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return pd.Series(col.to_pandas()).fillna("")
    return pd.Series(["" if v is None else str(v) for v in table.cells[name]], dtype=object)


def read_tables(root: Path) -> TableSet | None:
    """The universe tables of ``root`` (None when it has no cases table)."""
    cases_path = _table(root, CASES_TABLE)
    if cases_path is None:
        return None
    paths = {"cases": cases_path, "sources": _table(root, "sources"),
             "evidence": _table(root, "evidence")}
    problems = [Problem(display_path(root / f"{role}.csv"), 0, 0, "",
                        "file is missing (a cases table needs sources and evidence tables)")
                for role, p in paths.items() if p is None]
    if problems:
        raise InputError(problems)
    raw = {role: read_table(p, display_path(p)) for role, p in paths.items() if p is not None}
    for role, table in raw.items():
        problems += check_header(table, SPECS[role], universe=True)
    if problems:
        raise InputError(problems)
    scen_path = root / SCENARIOS_FILE
    sdoc = load_yaml(scen_path, display_path(scen_path)) if scen_path.is_file() else None
    scenarios = ScenariosFile()
    if sdoc is not None:
        scenarios = validate_doc(ScenariosFile, sdoc, problems) or scenarios
    first: dict[str, int] = {}
    for k, c in enumerate(raw["cases"].cells["id"]):  # one loop per case, not per item
        if c is not None and str(c) in first:
            problems.append(Problem(raw["cases"].path, k + 2, raw["cases"].column("id"), "id",
                                    f"duplicate case id {c!r} (first at row "
                                    f"{first[str(c)] + 2})"))
        elif c is not None:
            first[str(c)] = k
    ids = list(first)
    source_rows, more = _rows_by_case(raw["sources"], set(ids))
    evidence_rows, more2 = _rows_by_case(raw["evidence"], set(ids))
    problems += more + more2
    if problems:
        raise InputError(problems)
    files = {role: p for role, p in paths.items() if p is not None}
    if sdoc is not None:
        files["scenarios"] = scen_path
    inputs = tuple(InputFile("case" if role == "cases" else role,
                             p.relative_to(root).as_posix(), file_sha256(p))
                   for role, p in files.items())
    return TableSet(root, raw["cases"], raw["sources"], raw["evidence"], scenarios, sdoc,
                    inputs, source_rows, evidence_rows)


@dataclass
class Universe:
    """The cases of a universe folder: case folders first (sorted), then table rows."""

    root: Path
    folders: list[Path]
    tables: TableSet | None

    @classmethod
    def open(cls, root: Path) -> Universe:
        return cls(root, _case_folders(root), read_tables(root))

    def __len__(self) -> int:
        return len(self.folders) + (self.tables.cases.n_rows if self.tables else 0)

    def load(self, index: int) -> Case:
        """The ``index``-th case (0-based, in the order of :meth:`cases`)."""
        if index < len(self.folders):
            return load_case(self.folders[index])
        assert self.tables is not None
        return self.tables.case(index - len(self.folders))

    def cases(self, progress: Progress = no_progress) -> Iterator[tuple[int, Case]]:
        """Every case with its index, validated; raises one InputError listing every problem
        of every case at the end (after yielding the valid ones)."""
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        total = len(self)
        for k in range(total):
            try:
                case = self.load(k)
            except InputError as exc:
                problems += exc.problems
                continue
            finally:
                progress(k + 1, total)
            if case.meta.id in seen:
                problems.append(Problem(display_path(self._where(k)), 0, 0, "id",
                                        f"case id {case.meta.id!r} is also the id of "
                                        f"{display_path(self._where(seen[case.meta.id]))}"))
                continue
            seen[case.meta.id] = k
            yield k, case
        if problems:
            raise InputError(problems)

    def _where(self, index: int) -> Path:
        if index < len(self.folders):
            return self.folders[index] / CASE_FILE
        return self.root / f"{CASES_TABLE}"
