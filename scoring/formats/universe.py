"""A coverage universe: many cases in one folder (docs/formats.md, "Universe folder").

A universe folder has no ``case.yaml`` of its own. It holds case folders (each a case as
usual, in YAML or with tabular sources and evidence) and/or one set of tables for many cases:
``cases.csv`` (or ``.parquet``; one row per case, the fields of ``case.yaml``, the rubric path
relative to the universe folder), ``sources`` and ``evidence`` tables with a ``case`` column,
and an optional ``scenarios.yaml`` that applies to every case of the tables.

Every case takes the path a single case takes (``loader.py``, ``columns.py``,
``evidence.py``): the tables' rows of every case are checked together, column by column, and
problems keep their file, row and column. :meth:`Universe.sets` gives the valid cases as one
:class:`~scoring.formats.loader.CaseSet` per rubric (their evidence as frames, no model per
item); :meth:`Universe.load` gives one case, for its page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..display import display_path
from ..errors import InputError, Problem
from ..output import RunInputs
from ..progress import Progress, no_progress
from .checks import (
    Shift,
    ValueCheck,
    check_scenarios,
    named_items,
    scenario_values,
    shifted_values_of,
)
from .checks_judgement import check_overrides
from .columns import table_records, take_records
from .evidence import check_evidence, concat_evidence
from .loader import (
    CASE_FILE,
    SCENARIOS_FILE,
    Case,
    CaseSet,
    InputFile,
    Rubrics,
    file_sha256,
    load_case,
    load_cases,
    validate_doc,
)
from .models import CaseFile, Rubric, ScenariosFile
from .tabular import (
    CASE_COLUMN,
    SPECS,
    TABLE_SUFFIXES,
    RawTable,
    TableDoc,
    TableSpec,
    check_header,
    locator,
    no_rows,
    read_table,
    table_doc,
)
from .yamlio import YamlDoc, load_yaml

CASES_TABLE = "cases"
# Evidence rows of the tables validated (and scored) at once: memory is bounded by a part of
# this size, not by the universe (bench/RESULTS.md, "peak memory").
PART_ROWS = 100_000


def is_universe(folder: Path) -> bool:
    """True when ``folder`` is a universe folder rather than a case folder."""
    if (folder / CASE_FILE).exists() or not folder.is_dir():
        return False
    return _table(folder, CASES_TABLE) is not None or _is_dataset(folder) or \
        bool(_case_folders(folder))


def _is_dataset(folder: Path) -> bool:
    """Whether ``folder`` holds its tables as partitioned Parquet datasets (``cases/``...)."""
    cases = folder / CASES_TABLE
    return cases.is_dir() and not (cases / CASE_FILE).exists()


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
    """The universe tables, read once; :meth:`sets` validates every case of them at once."""

    root: Path
    cases: RawTable
    sources: RawTable
    evidence: RawTable
    scenarios: ScenariosFile
    scenarios_doc: YamlDoc | None
    inputs: tuple[InputFile, ...]
    source_case: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    evidence_case: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    problems: list[Problem] = field(default_factory=list)  # found while reading the tables
    figures: RawTable | None = None  # the reported figures of the cases, when there are any
    figure_case: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _reads: dict[str, RunInputs] = field(default_factory=dict)
    # each rubric path of the cases table, looked at (and read) once: (exists, problems, it)
    _rubrics: dict[str, tuple[bool, list[Problem], Rubric | None]] = field(
        default_factory=dict)
    _orders: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @cached_property
    def _with_rows(self) -> set[int]:
        """The cases (rows of the cases table) that have rows in the evidence table."""
        _, codes = self._order("evidence", self.evidence_case)  # sorted
        return set(codes[np.r_[True, codes[1:] != codes[:-1]]].tolist()) if len(codes) \
            else set()

    def _order(self, role: str, case: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of a table by case (in file order within a case), and their cases."""
        if role not in self._orders:
            order = np.argsort(case, kind="stable")
            self._orders[role] = (order, case[order])
        return self._orders[role]

    def _part(self, table: RawTable, role: str, case: np.ndarray, cases: range
              ) -> tuple[tuple[RawTable, YamlDoc], np.ndarray]:
        """The rows of ``table`` whose case is in ``cases`` (all of it, as it is, when that
        is every case), the document that places their problems at their rows in the file,
        and each row's case."""
        if cases.start == 0 and cases.stop == self.cases.n_rows:
            return (table, locator(table, SPECS[role])), case
        import pyarrow as pa

        order, sorted_case = self._order(role, case)
        lo, hi = np.searchsorted(sorted_case, [cases.start, cases.stop])
        rows = np.sort(order[lo:hi])
        part = RawTable(table.path, table.header, table.data.take(pa.array(rows)), len(rows))
        doc = TableDoc(table.path, None, spec=SPECS[role], table=table, rows=rows.tolist())
        return (part, doc), case[rows]

    def read(self, rubric: str) -> RunInputs:
        """What a case of the tables with this rubric path reads (once per rubric path)."""
        if rubric not in self._reads:
            file = self.root / rubric
            self._reads[rubric] = RunInputs.of(
                [self.root / i.path for i in self.inputs] + [file], [self.root],
                shallow=[file.parent])
        return self._reads[rubric]

    def sets(self, start: int, rubrics: Rubrics, problems: list[Problem],
             progress: Progress = no_progress, cases: range | None = None) -> list[CaseSet]:
        """The cases ``cases`` of the tables (default: all; case ``k`` at position
        ``start + k``), validated, one set per rubric; what is wrong goes to ``problems``
        (what reading the tables found, with the part that starts at case 0)."""
        n = self.cases.n_rows
        cases = range(n) if cases is None else cases
        if cases.start == 0:
            problems += self.problems
        metas: list[CaseFile | None] = []
        cdocs: list[YamlDoc] = []
        rubric_of: list[Rubric | None] = []
        found = self._rubrics
        for k in cases:  # a case header is a small document: one model each
            cdoc = table_doc(self.cases, SPECS["cases"], [k])
            meta = validate_doc(CaseFile, cdoc, problems)
            rubric = None
            if meta is not None:
                if meta.rubric not in found:  # each rubric path is looked at (and read) once
                    file = self.root / meta.rubric
                    exists = not Path(meta.rubric).is_absolute() and file.is_file()
                    read: list[Problem] = []
                    found[meta.rubric] = (exists, read,
                                          rubrics.get(file, read) if exists else None)
                exists, read, rubric = found[meta.rubric]
                if not exists:
                    problems.append(cdoc.problem(("rubric",),
                                                 f"rubric file not found: {meta.rubric}"))
                problems += read
                if meta.overrides and rubric is not None:
                    problems += check_overrides(rubric, meta.overrides, cdoc, ("overrides",))
            metas.append(meta)
            cdocs.append(cdoc)
            rubric_of.append(rubric)
            progress(k + 1, n)
        s_table, s_case = self._part(self.sources, "sources", self.source_case, cases)
        e_table, e_case = self._part(self.evidence, "evidence", self.evidence_case, cases)
        sources, _ = table_records(s_table[0], s_table[1], "sources", s_case)
        items, refs = table_records(e_table[0], e_table[1], "items", e_case)
        del s_table, e_table
        assert refs is not None
        figs = fig_refs = None
        f_case = np.zeros(0, np.int64)
        if self.figures is not None:
            f_table, f_case = self._part(self.figures, "figures", self.figure_case, cases)
            figs, fig_refs = table_records(f_table[0], f_table[1], "figures", f_case)
            del f_table
        keep_s, keep_e = s_case >= 0, e_case >= 0
        groups: dict[int, list[int]] = {}
        for j, rub in enumerate(rubric_of):
            groups.setdefault(id(rub), []).append(j)
        named = named_items(self.scenarios)
        orphans = bool((self.evidence_case < 0).any())
        with_rows = self._with_rows
        out = []
        for group in groups.values():
            rubric = rubric_of[group[0]]
            members = [cases[j] for j in group]  # rows of the cases table
            local = np.full(n + 1, -1, dtype=np.int64)  # the last slot: rows of no case
            local[members] = np.arange(len(members))
            s_rows = np.flatnonzero(keep_s & (local[s_case] >= 0))
            e_rows = np.flatnonzero(keep_e & (local[e_case] >= 0))
            assert refs.parent is not None
            r_rows = np.flatnonzero(np.isin(refs.parent, e_rows))
            g_sources = take_records(sources, s_rows, local)
            g_items = take_records(items, e_rows, local)
            g_refs = take_records(refs, r_rows, local, parents=e_rows)
            as_of = np.array([m.as_of if (m := metas[j]) is not None else None
                              for j in group], dtype="datetime64[D]")
            g_figures = None
            if figs is not None and fig_refs is not None and fig_refs.parent is not None:
                f_rows = np.flatnonzero((f_case >= 0) & (local[f_case] >= 0))
                c_rows = np.flatnonzero(np.isin(fig_refs.parent, f_rows))
                g_figures = (take_records(figs, f_rows, local),
                             take_records(fig_refs, c_rows, local, parents=f_rows))
            periods = (np.array([m.period if (m := metas[j]) is not None else None
                                 for j in group], dtype=object),
                       np.array([m.prior_period if (m := metas[j]) is not None else None
                                 for j in group], dtype=object))
            before = len(problems)
            evidence, known = check_evidence(g_sources, g_items, g_refs, rubric, as_of, problems,
                                             named, g_figures, periods)
            if rubric is not None and self.scenarios_doc is not None:
                seen: dict[Any, tuple[list[Problem], list[Shift]]] = {}
                values: list[ValueCheck] = []
                pending: list[tuple[list[Shift], dict[str, object]]] = []
                for j, (g, k) in enumerate(zip(group, members, strict=True)):
                    meta = metas[g]
                    if meta is None:
                        continue
                    mine = known.items.get(j, {})
                    # A row of no known case may be the item a change names.
                    complete = j not in known.incomplete and not orphans and k in with_rows
                    # the walk reads which items there are, not their values: cases that
                    # agree in all else share it, and only their shifted values are their own
                    key = (meta.as_of, complete,
                           tuple(sorted((i, f, ind, ok) for i, (f, ind, _, ok) in mine.items())))
                    if key not in seen:
                        walked, more, shifts = check_scenarios(
                            meta.as_of, rubric, mine, self.scenarios, self.scenarios_doc,
                            complete, shared=not seen)
                        seen[key] = (walked, shifts)
                        values += more
                    walked, shifts = seen[key]
                    problems += walked
                    if shifts:
                        pending.append((shifts, {i: v[2] for i, v in mine.items()}))
                values += shifted_values_of(pending)  # every case's shifts at once
                problems += scenario_values(rubric, values)
            if len(problems) > before or evidence is None or rubric is None:
                continue
            shared = tuple(self.scenarios.scenarios)
            ms = [metas[g] for g in group]
            out.append(CaseSet(rubric, tuple(m for m in ms if m is not None),
                               tuple(shared for _ in members), evidence,
                               tuple(self.inputs for _ in members),
                               tuple(self.read(m.rubric) for m in ms if m is not None),
                               tuple(start + k for k in members)))
        return out


def _case_of_rows(table: RawTable, codes: dict[str, int]) -> tuple[np.ndarray, list[Problem]]:
    """Each row's case (its row in the cases table; -1 when unknown) and the rows whose case
    is not in the cases table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.data.column(CASE_COLUMN)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pa.array(list(_text(table, CASE_COLUMN)), pa.string())
    names = list(codes)
    at = pc.index_in(column, value_set=pa.array(names, pa.string()))
    slot = np.asarray(pc.fill_null(at, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    code = np.append(np.asarray(list(codes.values()), dtype=np.int64), -1)[slot]
    col = table.column(CASE_COLUMN)
    problems = []
    for k in np.flatnonzero(code < 0).tolist():
        text = _text(table, CASE_COLUMN, k)
        problems.append(Problem(table.path, k + 2, col, CASE_COLUMN,
                                f"case {text!r} is not in the cases table"
                                if text else "required field is missing"))
    return code, problems


def _text(table: RawTable, name: str, row: int | None = None) -> Any:
    """A column as text (``str`` of each cell, ``""`` for an empty one), or one cell of it."""
    cells = table.cells[name] if row is None else [table.data.column(name)[row].as_py()]
    texts = ["" if v is None else str(v) for v in cells]
    return texts if row is None else texts[0]


def read_tables(root: Path, leaf: str | None = None) -> TableSet | None:
    """The universe tables of ``root`` (None when it has no cases table); with ``leaf``, the
    tables of that partition of its datasets (``cases/LEAF/*.parquet``, ...)."""
    def find(stem: str) -> Path | None:
        return _table(root, stem) if leaf is None else _leaf_file(root / stem / leaf)

    cases_path = find(CASES_TABLE)
    if cases_path is None:
        return None
    paths = {"cases": cases_path, "sources": find("sources"),
             "evidence": find("evidence"), "figures": find("figures")}
    problems = [Problem(display_path(root / (f"{role}.csv" if leaf is None else
                                             f"{role}/{leaf}")), 0, 0, "",
                        "file is missing (a cases table needs sources and evidence tables)")
                for role, p in paths.items() if p is None and role != "figures"]
    if problems:
        raise InputError(problems)
    raw = {role: read_table(p, display_path(p)) for role, p in paths.items() if p is not None}
    if leaf is not None:
        raw = {role: _with_keys(table, leaf, SPECS[role]) for role, table in raw.items()}
    for role, table in raw.items():
        problems += check_header(table, SPECS[role], universe=True)
    if problems:
        raise InputError(problems)
    # An empty table is said once at its file; the rows of the other tables are not then
    # checked against it. Evidence may be empty when figures are not: a universe scored by
    # measures alone.
    held = {"cases": "cases", "sources": "sources", "evidence": "items"}
    figures = raw.get("figures")
    empty = [no_rows(raw[role], what) for role, what in held.items()
             if role != "evidence" or figures is None or not figures.n_rows]
    if any(empty):
        raise InputError([p for p in empty if p is not None])
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
    source_case, more = _case_of_rows(raw["sources"], first)
    evidence_case, more2 = _case_of_rows(raw["evidence"], first)
    problems += more + more2
    figure_case = np.zeros(0, np.int64)
    if "figures" in raw:
        figure_case, more3 = _case_of_rows(raw["figures"], first)
        problems += more3
    # A case of figures alone (scored by measures) has no evidence rows.
    reported = set(np.unique(figure_case).tolist())
    for table, codes in ((raw["sources"], source_case), (raw["evidence"], evidence_case)):
        gone = set(first.values()) - set(np.unique(codes).tolist()) - (
            reported if table is raw["evidence"] else set())
        problems += [Problem(table.path, 0, 0, CASE_COLUMN, f"no rows for case {c!r}")
                     for c, k in first.items() if k in gone]
    files = {role: p for role, p in paths.items() if p is not None}
    if sdoc is not None:
        files["scenarios"] = scen_path
    inputs = tuple(InputFile("case" if role == "cases" else role,
                             p.relative_to(root).as_posix(), file_sha256(p))
                   for role, p in files.items())
    # Problems of rows are reported with every other problem of the cases (TableSet.sets).
    return TableSet(root, raw["cases"], raw["sources"], raw["evidence"], scenarios, sdoc,
                    inputs, source_case, evidence_case, problems, raw.get("figures"),
                    figure_case)


def _leaf_file(folder: Path) -> Path | None:
    """The one Parquet file of a partition folder of a dataset (None when there is none)."""
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and p.is_file())
    if len(files) > 1:
        raise InputError([Problem(display_path(files[1]), 0, 0, "",
                                  f"a second Parquet file in partition {display_path(folder)} "
                                  f"(after {files[0].name}); keep one file per partition")])
    return files[0] if files else None


def _with_keys(table: RawTable, leaf: str, spec: TableSpec) -> RawTable:
    """The table with the hive keys of its partition (``as_of=2026-01-01``) that are columns
    of the table and not in the file (a dataset partitioned by a column leaves it out)."""
    import pyarrow as pa

    data, header = table.data, table.header
    known = (*spec.columns, CASE_COLUMN) if spec.key else spec.columns
    for part in leaf.split("/"):
        name, eq, value = part.partition("=")
        if eq and name in known and name not in header:
            data = data.append_column(name, pa.array([value] * table.n_rows, pa.string()))
            header = (*header, name)
    return table if data is table.data else RawTable(table.path, header, data, table.n_rows)


def _leaves(root: Path) -> list[tuple[str, int]]:
    """The partitions of a universe's datasets (folders below ``cases/`` holding a Parquet
    file, as paths like ``case_hash=07/as_of=2026-01-01``, sorted) and each one's number of
    cases, from the files' footers: nothing else is read."""
    import pyarrow.parquet as pq

    cases = root / CASES_TABLE
    leaves = sorted({p.parent.relative_to(cases).as_posix() for p in cases.rglob("*.parquet")})
    problems = []
    for stem in ("sources", "evidence", "figures"):
        folder = root / stem
        if folder.is_dir():
            problems += [Problem(display_path(folder / leaf), 0, 0, CASE_COLUMN,
                                 f"partition {leaf} has no cases partition "
                                 f"({display_path(cases / leaf)})")
                         for leaf in sorted({p.parent.relative_to(folder).as_posix()
                                             for p in folder.rglob("*.parquet")} - set(leaves))]
    if problems:
        raise InputError(problems)
    out = []
    for leaf in leaves:
        file = _leaf_file(cases / leaf)
        assert file is not None
        try:
            out.append((leaf, pq.ParquetFile(file).metadata.num_rows))
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds
            raise InputError([Problem(display_path(file), 0, 0, "",
                                      f"not a valid Parquet file: {exc}")]) from None
    return out


@dataclass(frozen=True)
class Part:
    """A part of a universe that any process can validate and score by itself
    (:meth:`Universe.part_sets`): the case folders (``cases`` and ``leaf`` None), a range of
    cases of the tables, or the partition ``leaf`` of its datasets. ``first``: the universe
    position of its first case."""

    first: int
    cases: range | None = None
    leaf: str | None = None


@dataclass
class Universe:
    """The cases of a universe folder: case folders first (sorted), then table rows."""

    root: Path
    folders: list[Path]
    tables: TableSet | None
    leaves: list[tuple[str, int]] = field(default_factory=list)  # partitions, their cases
    _table_sets: list[CaseSet] | None = None  # the sets of one part of the tables (load)
    _table_part: Part | None = None
    _rubrics: Rubrics = field(default_factory=Rubrics)

    @classmethod
    def open(cls, root: Path) -> Universe:
        """The universe in ``root``: its single tables are read; of partitioned datasets,
        only the list of partitions (each is read by whoever validates it)."""
        if _is_dataset(root):
            return cls(root, _case_folders(root), None, _leaves(root))
        return cls(root, _case_folders(root), read_tables(root))

    def __len__(self) -> int:
        return len(self.folders) + (self.tables.cases.n_rows if self.tables else 0) + \
            sum(n for _, n in self.leaves)

    def specs(self) -> list[Part]:
        """The parts of the universe in order: the case folders, then parts of about
        ``PART_ROWS`` evidence rows of the tables, or one part per partition of datasets."""
        out = [Part(0)] if self.folders else []
        first = len(self.folders)
        if self.tables is not None:
            out += [Part(first + r.start, r) for r in self._table_parts()]
        for leaf, n in self.leaves:
            out.append(Part(first, leaf=leaf))
            first += n
        return out

    def part_sets(self, part: Part, problems: list[Problem],
                  progress: Progress = no_progress) -> Iterator[list[CaseSet]]:
        """The cases of ``part``, validated a part of about ``PART_ROWS`` evidence rows at a
        time (a partition of datasets may hold more): each one's sets, one per rubric. What is
        wrong goes to ``problems``."""
        total = len(self)
        if part.cases is None and part.leaf is None:
            sets: list[CaseSet] = []
            try:
                sets = load_cases(self.folders, progress=lambda k, _: progress(k, total))
            except InputError as exc:
                problems += exc.problems
            yield sets
            return
        tables = self.tables
        if part.leaf is not None:
            try:
                tables = read_tables(self.root, part.leaf)
            except InputError as exc:
                problems += exc.problems
                return
        assert tables is not None
        start = part.first - (part.cases.start if part.cases is not None else 0)
        for cases in ([part.cases] if part.cases is not None else _ranges(tables)):
            yield tables.sets(start, self._rubrics, problems,
                              lambda k, _: progress(start + k, total), cases)

    def parts(self, problems: list[Problem], progress: Progress = no_progress
              ) -> Iterator[list[CaseSet]]:
        """Every case, validated a part at a time (:meth:`specs`, :meth:`part_sets`). Yields
        each part's sets (one per rubric); what is wrong in any part goes to ``problems``, so
        a caller that stops using the sets at the first problem still hears of all of them.
        Memory is bounded by a part, not the universe."""
        seen: dict[str, int] = {}
        for part in self.specs():
            for sets in self.part_sets(part, problems, progress):
                self.same_ids([(m.id, pos) for cs in sets
                               for m, pos in zip(cs.metas, cs.positions, strict=True)],
                              seen, problems)
                yield sets

    def _table_parts(self) -> list[range]:
        assert self.tables is not None
        return _ranges(self.tables)

    def same_ids(self, ids: list[tuple[str, int]], seen: dict[str, int],
                 problems: list[Problem]) -> None:
        """A case id (of ``(id, position)`` pairs) that an earlier case has too."""
        for case_id, pos in ids:
            if case_id in seen:
                problems.append(Problem(display_path(self._where(pos)), 0, 0, "id",
                                        f"case id {case_id!r} is also the id of "
                                        f"{display_path(self._where(seen[case_id]))}"))
            seen.setdefault(case_id, pos)

    def sets(self, progress: Progress = no_progress) -> list[CaseSet]:
        """Every case, validated, one set per rubric (identical rubric files make one set);
        raise one InputError listing every problem of every case."""
        problems: list[Problem] = []
        sets = [cs for part in self.parts(problems, progress) for cs in part]
        if problems:
            raise InputError(problems)
        return merge_sets(sets)

    def load(self, index: int) -> Case:
        """The ``index``-th case (0-based, in universe order)."""
        if index < len(self.folders):
            return load_case(self.folders[index])
        specs = self.specs()
        part = next(p for p, q in zip(specs, [*specs[1:], None], strict=True)
                    if p.first <= index and (q is None or index < q.first))
        if self._table_sets is None or self._table_part != part:
            self._table_sets = None  # let go of the part before before reading the next
            # the problems of reading the tables come with the part at case 0: here, with any
            problems: list[Problem] = list(self.tables.problems) if \
                self.tables is not None and part.cases is not None and part.cases.start else []
            self._table_sets = [cs for sets in self.part_sets(part, problems) for cs in sets]
            self._table_part = part
            if problems:
                raise InputError(problems)
        for cs in self._table_sets:
            if index in cs.positions:
                return cs.case(cs.positions.index(index))
        raise InputError([])  # pragma: no cover - every position is in a set

    def cases(self, progress: Progress = no_progress) -> Iterator[tuple[int, Case]]:
        """Every case with its position, validated (raises InputError first if any is not)."""
        found = [(pos, cs, k) for cs in self.sets(progress)
                 for k, pos in enumerate(cs.positions)]
        for pos, cs, k in sorted(found, key=lambda t: t[0]):
            yield pos, cs.case(k)

    def _where(self, index: int) -> Path:
        if index < len(self.folders):
            return self.folders[index] / CASE_FILE
        return self.root / f"{CASES_TABLE}"


def _ranges(tables: TableSet) -> list[range]:
    """The cases of the tables in parts of about PART_ROWS evidence rows."""
    n, rows = tables.cases.n_rows, tables.evidence.n_rows
    per = max(1, (PART_ROWS * n) // max(1, rows))
    return [range(k, min(k + per, n)) for k in range(0, n, per)] or [range(0)]


def merge_sets(sets: list[CaseSet]) -> list[CaseSet]:
    """Sets with the same rubric (the same content) as one set, in order of first case."""
    by: dict[str, list[CaseSet]] = {}
    for cs in sets:
        by.setdefault(cs.rubric.model_dump_json(), []).append(cs)
    out = []
    for group in by.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        offsets = list(np.cumsum([0, *(len(g) for g in group[:-1])]))
        out.append(CaseSet(group[0].rubric, sum((g.metas for g in group), ()),
                           sum((g.scenarios for g in group), ()),
                           concat_evidence([g.evidence for g in group], offsets),
                           sum((g.inputs for g in group), ()), sum((g.reads for g in group), ()),
                           sum((g.positions for g in group), ())))
    return sorted(out, key=lambda cs: min(cs.positions))
