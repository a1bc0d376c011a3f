"""Load case folders (and the rubrics they name) into validated cases.

A case folder holds ``case.yaml``, ``sources.yaml``, ``evidence.yaml`` (or tables for
these two) and optionally ``scenarios.yaml`` (see docs/formats.md). The small, nested
documents (the case header, the rubric, scenarios) are validated by their pydantic models;
sources and items are read into columns and checked column by column (``columns.py``,
``evidence.py``) for all the folders that share a rubric at once. Loading collects every
problem in every file of every case and raises one :class:`InputError` listing them all;
nothing is scored from cases that have any. :func:`load_case` is :func:`load_cases` of one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from ..display import display_path
from ..errors import InputError, Problem
from ..output import RunInputs
from ..progress import Progress, no_progress
from . import models
from .checks import (
    Shift,
    ValueCheck,
    check_rubric,
    check_scenarios,
    named_items,
    scenario_values,
    shifted_values_of,
)
from .checks_judgement import check_overrides
from .columns import (
    Records,
    concat_records,
    describe,
    no_records,
    table_records,
    yaml_records,
)
from .evidence import Evidence, check_evidence, evidence_items, evidence_sources
from .models import (
    CaseFile,
    Item,
    Restatement,
    RestatementsFile,
    Rubric,
    Scenario,
    ScenariosFile,
    Source,
)
from .restatements import RESTATEMENTS_FILE, check_restatements
from .tabular import TABLE_SUFFIXES, case_file, load_table, no_rows
from .yamlio import PathKey, YamlDoc, load_yaml

CASE_FILE = "case.yaml"
SOURCES_FILE = "sources.yaml"
EVIDENCE_FILE = "evidence.yaml"
SCENARIOS_FILE = "scenarios.yaml"
FIGURES_FILE = "figures.yaml"  # optional: reported figures, for the rubric's measures

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class InputFile:
    """One input file of a run: its path relative to the case folder and its SHA-256."""

    role: str
    path: str
    sha256: str


@dataclass(frozen=True, eq=False)
class CaseSet:
    """Validated cases that share one rubric: what the method's tables are built from. A
    single case is a set of one (:meth:`Case.as_set`); a universe is a few sets (one per
    rubric). ``evidence`` holds every case's sources and items (its ``case`` columns are
    positions in ``metas``); ``positions`` are the cases' places in their universe."""

    rubric: Rubric
    metas: tuple[CaseFile, ...]
    scenarios: tuple[tuple[Scenario, ...], ...]
    evidence: Evidence
    inputs: tuple[tuple[InputFile, ...], ...]
    reads: tuple[RunInputs, ...]
    positions: tuple[int, ...]
    # Each case's earlier values of its figures (restatements.yaml); () when none has any.
    restatements: tuple[tuple[Restatement, ...], ...] = ()

    def __len__(self) -> int:
        return len(self.metas)

    def case(self, k: int) -> Case:
        """The ``k``-th case of the set on its own."""
        ev = self.evidence if len(self.metas) == 1 else self.evidence.of_case(k)
        return Case(self.metas[k], self.rubric, ev, self.scenarios[k], self.inputs[k],
                    self.reads[k], self.restatements[k] if self.restatements else ())


@dataclass(frozen=True, eq=False)
class Case:
    """A validated case: everything the engine needs, and nothing read from disk later.
    ``evidence`` holds its sources and items as columns; ``sources`` and ``items`` are the
    same as models, made on first use (for pages and exports of one case)."""

    meta: CaseFile
    rubric: Rubric
    evidence: Evidence
    scenarios: tuple[Scenario, ...]
    inputs: tuple[InputFile, ...]
    # Where the files above are on disk, and the folders they came from: outputs of the run
    # must not land there (output.guard).
    read: RunInputs = RunInputs()
    # The earlier values of its figures, replaced by a later report (restatements.yaml).
    restatements: tuple[Restatement, ...] = ()

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        return evidence_sources(self.evidence)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return evidence_items(self.evidence)

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def as_set(self) -> CaseSet:
        return CaseSet(self.rubric, (self.meta,), (self.scenarios,), self.evidence,
                       (self.inputs,), (self.read,), (0,), (self.restatements,))

    @classmethod
    def from_models(cls, meta: CaseFile, rubric: Rubric, sources: Sequence[Source],
                    items: Sequence[Item], scenarios: Sequence[Scenario] = ()) -> Case:
        """A case from models built in code (tests, generators): checked as files are."""
        docs = {"case": YamlDoc("case.yaml", meta.model_dump(mode="json")),
                "sources": YamlDoc("sources.yaml", {"sources": [
                    s.model_dump(exclude_none=True) for s in sources]}),
                "evidence": YamlDoc("evidence.yaml", {"items": [
                    i.model_dump(exclude_none=True) for i in items]})}
        problems: list[Problem] = []
        one = _Folder(Path("."), 0, meta, docs=docs, scenarios=ScenariosFile(
            scenarios=list(scenarios)))
        sets = _check_group([one], rubric, problems)
        if problems or not sets:
            raise InputError(problems)
        return sets.case(0)


def validate_doc(model: type[M], doc: YamlDoc, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        # A union field (number or label) fails once per member; report the most telling
        # error once per place (the others of that place still tell what was expected).
        by_loc: dict[PathKey, list[Any]] = {}
        for err in sorted(exc.errors(), key=lambda e: _PRIORITY.get(e["type"], 9)):
            by_loc.setdefault(_clean_loc(doc.data, tuple(err["loc"])), []).append(err)
        # A union whose other member failed deeper down ("exclude" or {impute: N}) also
        # fails at the parent; the deeper error is the one that helps. The set of every
        # strict prefix keeps this linear in the number of errors (comparing each place with
        # every other took minutes for a list of 100 000 bad items).
        parents = {loc[:k] for loc in by_loc for k in range(len(loc))}
        for loc, errs in by_loc.items():
            if loc in parents:
                continue
            root = model if not loc else None
            problems.append(doc.problem(loc, _message(errs, doc.plain.get(loc), root)))
        return None


def _clean_loc(data: Any, loc: PathKey) -> PathKey:
    """Drop the parts of a pydantic error location that are not in the data: the tag names
    pydantic inserts for discriminated unions (``changes[0].set_weight.weight``)."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        is_tag = isinstance(node, dict) and part in (node.get("op"), node.get("type"))
        if is_tag and i + 1 < len(loc):
            continue  # pydantic names the union member by its tag value
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and _FIELD.match(part):
            out.append(part)  # a missing field: name it
            break
        elif isinstance(node, dict):
            continue  # a union member's name (Impute, literal['exclude']), not a place
        else:
            break  # the rest names union members (float, int, str), not places
    return tuple(out)


_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")
_PRIORITY = {"finite_number": 0, "number_range": 0, "missing": 1, "extra_forbidden": 1}

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "finite_number": "must be a finite number (NaN and infinity are not allowed)",
}
_NUMBER = {"float_type", "int_type"}
_DATE = {"date_type", "date_parsing", "date_from_datetime_parsing"}
_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_VERSION_PATTERN = r"^\d+\.\d+\.\d+$"


def _message(errs: list[Any], plain: str | None, root: type[BaseModel] | None) -> str:
    """The message for one place, from the pydantic errors reported there (most telling first).

    ``plain`` is the source text of the value when YAML read an unquoted scalar as something
    other than a string; ``root`` is the file's model when the place is the whole file."""
    err = errs[0]
    kind = err["type"]
    kinds = {e["type"] for e in errs}
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    got = describe(value, plain)
    if kinds <= _NUMBER:
        return f"must be a number, not {got}"
    if kinds == _NUMBER | {"string_type"}:
        hint = (f"; a label must be written in quotes: \"{plain}\""
                if plain is not None and value is not None else "")
        return f"must be a number or a label, not {got}{hint}"
    if kind == "string_type":
        hint = (f"; write it in quotes: \"{plain}\""
                if plain is not None and value is not None else "")
        return f"must be text, not {got}{hint}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, not {got}"
    if kinds == {"literal_error", "model_type"}:  # missing: exclude | {impute: N}
        lit = next(e for e in errs if e["type"] == "literal_error")
        mod = next(e for e in errs if e["type"] == "model_type")
        other = getattr(models, str((mod.get("ctx") or {}).get("class_name")), None)
        names = ", ".join(f"{f}: ..." for f in getattr(other, "model_fields", {})) or "..."
        return f"must be {(lit.get('ctx') or {}).get('expected')} or a mapping ({names}), " \
               f"not {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if root is not None:
            fields = [n for n, f in root.model_fields.items() if f.is_required()] \
                or list(root.model_fields)
            return f"must be a mapping of fields ({', '.join(f + ': ...' for f in fields)}), " \
                   f"not {got}"
        return f"must be a mapping (field: value), not {got}"
    if kind in _DATE or (kind == "date_from_datetime_inexact"
                         and not isinstance(value, (str, dt.datetime))):
        return f"must be a date YYYY-MM-DD, not {got}"  # an integer is read as a Unix time
    if kind == "date_from_datetime_inexact":
        return f"must be a date YYYY-MM-DD without a time of day, not {got}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S":
        return "must not be empty or only spaces"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
        return f"{value!r} is not a valid id: use only letters, digits, '_', '.' and '-', " \
               "starting with a letter or digit"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _VERSION_PATTERN:
        return f"must be a version number like 1.0.0, not {value!r}"
    msg = str(err["msg"])
    if kind == "union_tag_invalid":
        return f"unknown {ctx.get('discriminator', 'tag').strip(chr(39))} {ctx.get('tag')!r} " \
               f"(expected one of: {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return f"required field {ctx.get('discriminator', '')} is missing"
    return msg[0].lower() + msg[1:] if msg else kind


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rubric_problem(root: Path, rubric: str) -> str | None:
    """Why the rubric path of case.yaml cannot be read, or None. The path is relative to the
    case folder and may go up (``../../rubrics/x.yaml``): rubrics are shared by cases."""
    if os.path.isabs(rubric) or Path(rubric).is_absolute():
        return f"rubric path must be relative to the case folder, not absolute: {rubric}"
    path = root / rubric
    try:
        if path.is_file():
            return None
        if path.is_dir():
            return f"rubric path is a folder, not a file: {rubric}"
        if path.exists():
            return f"rubric path is not a regular file: {rubric}"
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        return f"cannot read rubric file {rubric!r}: {getattr(exc, 'strerror', None) or exc}"
    return f"rubric file not found: {rubric}"


def load_rubric(path: Path) -> Rubric:
    """Load and check one rubric file on its own."""
    problems: list[Problem] = []
    rubric = _rubric(path, problems)
    if problems or rubric is None:
        raise InputError(problems)
    return rubric


def _rubric(path: Path, problems: list[Problem]) -> Rubric | None:
    """The rubric at ``path``, its problems added to ``problems``. A rubric whose fields are
    valid is returned even if a rule relating them is broken (a duplicate factor, a gap
    between bands), so that the cases' rules that read it are checked too; not when its
    scale is reversed, which every such rule reads."""
    doc = load_yaml(path, display_path(path))
    rubric = validate_doc(Rubric, doc, problems)
    if rubric is not None:
        problems += check_rubric(rubric, doc)
        if not rubric.scale.lo < rubric.scale.hi:
            return None
    return rubric


class Rubrics:
    """Rubric files, each read and checked once (cases share them)."""

    def __init__(self) -> None:
        self._got: dict[str, tuple[Rubric | None, list[Problem]]] = {}
        self._real: dict[str, str] = {}

    def get(self, path: Path, problems: list[Problem]) -> Rubric | None:
        key = self._real.get(str(path))
        if key is None:
            key = self._real[str(path)] = os.path.realpath(path)
        if key not in self._got:
            found: list[Problem] = []
            try:
                rubric = _rubric(path, found)
            except InputError as exc:
                rubric, found = None, list(exc.problems)
            self._got[key] = (rubric, found)
        rubric, found = self._got[key]
        problems += found
        return rubric


def _case_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file of the case folder, or None if it can (or if it
    does not exist: the caller knows whether that is allowed).

    The case files must be regular files in the folder itself: a symbolic link could make a
    case read (and publish, in its report) a file from anywhere on the machine."""
    try:
        if path.is_symlink():
            return f"is a symbolic link (to {os.readlink(path)}); a case file must be a " \
                   "regular file in the case folder, so copy the file here"
        if path.exists() and not path.is_file():
            return "is a folder, not a file" if path.is_dir() else "is not a regular file"
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    return None


@dataclass
class _Folder:
    """One case as read, before the rules that relate its files are applied. ``docs`` and
    ``tables`` hold what was read by role; ``records`` its sources, items and citations."""

    root: Path
    position: int
    meta: CaseFile | None = None
    rubric: Rubric | None = None
    docs: dict[str, YamlDoc] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    scenarios: ScenariosFile | None = None
    restatements: RestatementsFile | None = None
    ok: bool = True  # every file was read and its header and scenarios are valid


def _read_folder(root: Path, position: int, rubrics: Rubrics,
                 problems: list[Problem]) -> _Folder:
    """Read the files of the case folder ``root``; add what is wrong to ``problems``."""
    f = _Folder(root, position)
    case_path = root / CASE_FILE
    why = _case_file_problem(case_path)
    if why is not None:
        problems.append(Problem(display_path(case_path), 0, 0, "", why))
        f.ok = False
        return f
    if not case_path.is_file():
        problems.append(Problem(display_path(case_path), 0, 0, "",
                                "no case file here: a case folder needs case.yaml"))
        f.ok = False
        return f
    before = len(problems)

    def read(role: str, path: Path, required: bool = True) -> None:
        why = _case_file_problem(path)
        if why is not None:
            problems.append(Problem(display_path(path), 0, 0, "", why))
            return
        if not path.is_file():
            if required:
                problems.append(Problem(display_path(path), 0, 0, "", "file is missing"))
            return
        try:
            if path.suffix in TABLE_SUFFIXES:
                f.tables[role], f.docs[role] = load_table(path, display_path(path), role)
            else:
                f.docs[role] = load_yaml(path, display_path(path))
            f.paths[role] = path
        except InputError as exc:
            problems.extend(exc.problems)

    read("case", case_path)
    if "case" in f.docs:
        f.meta = validate_doc(CaseFile, f.docs["case"], problems)
    if f.meta is not None:
        why = _rubric_problem(root, f.meta.rubric)
        if why is None:
            f.paths["rubric"] = root / f.meta.rubric
            f.rubric = rubrics.get(root / f.meta.rubric, problems)
        else:
            problems.append(f.docs["case"].problem(("rubric",), why))
    read("sources", case_file(root, SOURCES_FILE))  # YAML, CSV or Parquet (tabular.py)
    # A case of reported figures alone (scored by measures) needs no evidence items.
    figures = case_file(root, FIGURES_FILE)
    read("evidence", case_file(root, EVIDENCE_FILE),
         required=not (figures.is_file() and not figures.is_symlink()))
    read("figures", figures, required=False)
    read("scenarios", root / SCENARIOS_FILE, required=False)
    f.scenarios = validate_doc(ScenariosFile, f.docs["scenarios"], problems) \
        if "scenarios" in f.docs else ScenariosFile()
    read("restatements", root / RESTATEMENTS_FILE, required=False)
    if "restatements" in f.docs:
        f.restatements = validate_doc(RestatementsFile, f.docs["restatements"], problems)
    f.ok = len(problems) == before
    return f


_Read = tuple[Records, Records, Records, Records, Records]


def _records(f: _Folder, case: int, problems: list[Problem]) -> _Read | None:
    """The sources, items and citations, figures and their citations of a folder's case (as
    case ``case``; no figures when it has no figures file)."""
    if "sources" not in f.docs or ("evidence" not in f.docs and "figures" not in f.docs):
        return None
    got: dict[str, tuple[Records, Records | None]] = {}
    for role, key in (("sources", "sources"), ("evidence", "items"), ("figures", "figures")):
        if role not in f.docs:  # no figures, or figures alone
            got[key] = no_records(key, f.docs["sources"], case)
        elif role in f.tables:
            table = f.tables[role]
            empty = no_rows(table, key)  # as a YAML list with nothing in it: shapeless
            if empty is not None:
                problems.append(empty)
            got[key] = table_records(table, f.docs[role], key,
                                     np.full(table.n_rows, case, dtype=np.int64))
        else:
            got[key] = yaml_records(f.docs[role], key, case, problems=problems)
    refs, figure_refs = got["items"][1], got["figures"][1]
    assert refs is not None and figure_refs is not None
    return got["sources"][0], got["items"][0], refs, got["figures"][0], figure_refs


def _check_group(folders: Sequence[_Folder], rubric: Rubric | None,
                 problems: list[Problem]) -> CaseSet | None:
    """Apply every rule that relates the files of ``folders`` (cases that share ``rubric``,
    None when it is invalid) to all of them at once; the set of cases when none is broken."""
    parts: list[tuple[_Folder, _Read]] = []
    shapeless = set()  # cases whose evidence file is not a list of items
    for f in folders:  # each folder's case is its position in this group
        before = len(problems)
        got = _records(f, len(parts), problems)
        if got is not None:
            if len(problems) > before:
                shapeless.add(len(parts))
            parts.append((f, got))
    if not parts:
        return None
    records = [r for _, r in parts]
    sources = concat_records([r[0] for r in records])
    items = concat_records([r[1] for r in records])
    refs = concat_records([r[2] for r in records], parents=[len(r[1]) for r in records])
    figures = concat_records([r[3] for r in records])
    figure_refs = concat_records([r[4] for r in records], parents=[len(r[3]) for r in records])
    metas = [f.meta for f, _ in parts]
    as_of = np.array([m.as_of if m is not None else None for m in metas],
                     dtype="datetime64[D]")
    periods = (np.array([m.period if m is not None else None for m in metas], dtype=object),
               np.array([m.prior_period if m is not None else None for m in metas],
                        dtype=object))
    before = len(problems)
    named = {name for f, _ in parts if f.scenarios is not None
             for name in named_items(f.scenarios)}
    evidence, lookup = check_evidence(sources, items, refs, rubric, as_of, problems, named,
                                      (figures, figure_refs), periods)
    if rubric is not None:
        values: list[ValueCheck] = []
        pending: list[tuple[list[Shift], dict[str, object]]] = []
        for k, (f, _) in enumerate(parts):
            meta = f.meta
            if meta is None:
                continue
            problems += check_overrides(rubric, meta.overrides, f.docs["case"], ("overrides",))
            if f.scenarios is not None and "scenarios" in f.docs:
                mine = lookup.items.get(k, {})
                found, more, shifts = check_scenarios(
                    meta.as_of, rubric, mine, f.scenarios, f.docs["scenarios"],
                    k not in lookup.incomplete and k not in shapeless)
                problems += found
                values += more
                pending.append((shifts, {i: v[2] for i, v in mine.items()}))
        values += shifted_values_of(pending)  # every case's shifts at once
        problems += scenario_values(rubric, values)
    restated = tuple(tuple(f.restatements.restatements) if f.restatements else ()
                     for f, _ in parts)
    if evidence is not None:
        for k, (f, _) in enumerate(parts):
            problems += check_restatements(restated[k], k, evidence,
                                           f.docs.get("restatements", f.docs["case"]))
    if len(problems) > before or evidence is None or len(parts) < len(folders) \
            or not all(f.ok for f in folders):
        return None
    assert rubric is not None
    return CaseSet(rubric, tuple(m for m in metas if m is not None),
                   tuple(tuple(f.scenarios.scenarios) if f.scenarios else () for f, _ in parts),
                   evidence, tuple(_inputs(f) for f, _ in parts),
                   tuple(_read_from(f) for f, _ in parts), tuple(f.position for f, _ in parts),
                   restated if any(restated) else ())


def _inputs(f: _Folder) -> tuple[InputFile, ...]:
    return tuple(InputFile(role, Path(os.path.relpath(path, f.root)).as_posix(),
                           file_sha256(path)) for role, path in f.paths.items())


def _read_from(f: _Folder) -> RunInputs:
    shallow = [f.paths["rubric"].parent] if "rubric" in f.paths else []
    return RunInputs.of(f.paths.values(), [f.root], shallow=shallow)


def load_cases(folders: Sequence[str | os.PathLike[str]], progress: Progress = no_progress,
               start: int = 0) -> list[CaseSet]:
    """Load the cases in ``folders`` (and the rubrics they name), one set per rubric; raise
    InputError listing every problem of every case if anything is wrong. Case ``k`` has
    position ``start + k``."""
    problems: list[Problem] = []
    rubrics = Rubrics()
    groups: dict[int, list[_Folder]] = {}
    keys: dict[int, Rubric | None] = {}
    for k, folder in enumerate(folders):
        f = _read_folder(Path(folder), start + k, rubrics, problems)
        progress(k + 1, len(folders))
        groups.setdefault(id(f.rubric), []).append(f)
        keys[id(f.rubric)] = f.rubric
    sets = []
    for key, members in groups.items():
        got = _check_group(members, keys[key], problems)
        if got is not None:
            sets.append(got)
    if problems:
        raise InputError(problems)
    return sets


def load_case(folder: str | os.PathLike[str]) -> Case:
    """Load the case in ``folder`` and the rubric it names; raise InputError listing every
    problem in every file if anything is wrong."""
    sets = load_cases([folder])
    if not sets:  # pragma: no cover - a case with no problem makes a set
        raise InputError([])
    return sets[0].case(0)
