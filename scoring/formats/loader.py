"""Load a case folder (and the rubric it names) into validated models.

A case folder holds ``case.yaml``, ``sources.yaml``, ``evidence.yaml`` and optionally
``scenarios.yaml`` (see docs/formats.md). Loading collects every problem in every file and
raises one :class:`InputError` listing them all; nothing is scored from a case that has any.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..display import display_path
from ..errors import InputError, Problem
from ..output import RunInputs
from . import models
from .checks import check_case, check_rubric
from .models import (
    CaseFile,
    EvidenceFile,
    Item,
    Rubric,
    Scenario,
    ScenariosFile,
    Source,
    SourcesFile,
)
from .tabular import TABLE_SUFFIXES, case_file, load_table
from .yamlio import PathKey, YamlDoc, load_yaml

CASE_FILE = "case.yaml"
SOURCES_FILE = "sources.yaml"
EVIDENCE_FILE = "evidence.yaml"
SCENARIOS_FILE = "scenarios.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class InputFile:
    """One input file of a run: its path relative to the case folder and its SHA-256."""

    role: str
    path: str
    sha256: str


@dataclass(frozen=True)
class Case:
    """A validated case: everything the engine needs, and nothing read from disk later."""

    meta: CaseFile
    rubric: Rubric
    sources: tuple[Source, ...]
    items: tuple[Item, ...]
    scenarios: tuple[Scenario, ...]
    inputs: tuple[InputFile, ...]
    # Where the files above are on disk, and the folders they came from: outputs of the run
    # must not land there (output.guard).
    read: RunInputs = RunInputs()

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


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


def _describe(value: Any, plain: str | None) -> str:
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
    return type(value).__name__  # pragma: no cover - YAML builds nothing else


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
    got = _describe(value, plain)
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
    doc = load_yaml(path, display_path(path))
    rubric = validate_doc(Rubric, doc, problems)
    if rubric is not None:
        problems += check_rubric(rubric, doc)
    if problems or rubric is None:
        raise InputError(problems)
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


def load_case(folder: str | os.PathLike[str]) -> Case:
    """Load the case in ``folder`` and the rubric it names; raise InputError listing every
    problem in every file if anything is wrong."""
    root = Path(folder)
    problems: list[Problem] = []
    case_path = root / CASE_FILE
    why = _case_file_problem(case_path)
    if why is not None:
        raise InputError([Problem(display_path(case_path), 0, 0, "", why)])
    if not case_path.is_file():
        raise InputError([Problem(display_path(case_path), 0, 0, "",
                                  "no case file here: a case folder needs case.yaml")])
    docs: dict[str, YamlDoc] = {}
    paths: dict[str, Path] = {}

    def read(role: str, path: Path, required: bool = True) -> None:
        if role != "rubric":
            why = _case_file_problem(path)
            if why is not None:
                problems.append(Problem(display_path(path), 0, 0, "", why))
                return
        if not path.is_file():
            if required:
                problems.append(Problem(display_path(path), 0, 0, "", "file is missing"))
            return
        try:
            docs[role] = (load_table(path, display_path(path), role)
                          if path.suffix in TABLE_SUFFIXES else load_yaml(path, display_path(path)))
            paths[role] = path
        except InputError as exc:
            problems.extend(exc.problems)

    read("case", case_path)
    meta = validate_doc(CaseFile, docs["case"], problems) if "case" in docs else None
    if meta is not None:
        why = _rubric_problem(root, meta.rubric)
        if why is None:
            read("rubric", root / meta.rubric)
        else:
            problems.append(docs["case"].problem(("rubric",), why))
    read("sources", case_file(root, SOURCES_FILE))  # YAML, CSV or Parquet (tabular.py)
    read("evidence", case_file(root, EVIDENCE_FILE))
    read("scenarios", root / SCENARIOS_FILE, required=False)

    def validate(role: str, model: type[M]) -> M | None:
        return validate_doc(model, docs[role], problems) if role in docs else None

    rubric = validate("rubric", Rubric)
    sources = validate("sources", SourcesFile)
    evidence = validate("evidence", EvidenceFile)
    scenarios = validate("scenarios", ScenariosFile) if "scenarios" in docs else ScenariosFile()
    if rubric is not None:
        problems += check_rubric(rubric, docs["rubric"])
    scale_ok = rubric is not None and rubric.scale.min < rubric.scale.max
    if None not in (meta, rubric, sources, evidence, scenarios) and scale_ok:
        assert meta and rubric and sources and evidence and scenarios is not None
        problems += check_case(meta, rubric, sources, evidence, scenarios, docs)
    if problems:
        raise InputError(problems)
    assert meta and rubric and sources and evidence and scenarios is not None
    inputs = tuple(
        InputFile(role, Path(os.path.relpath(path, root)).as_posix(), file_sha256(path))
        for role, path in paths.items()
    )
    read_from = RunInputs.of(paths.values(), [root], shallow=[paths["rubric"].parent])
    return Case(meta, rubric, tuple(sources.sources), tuple(evidence.items),
                tuple(scenarios.scenarios), inputs, read_from)
