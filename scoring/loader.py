"""Load a case folder (and the rubric it names) into validated models.

A case folder holds ``case.yaml``, ``sources.yaml``, ``evidence.yaml`` and optionally
``scenarios.yaml`` (see docs/formats.md). Loading collects every problem in every file and
raises one :class:`InputError` listing them all; nothing is scored from a case that has any.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .checks import check_case, check_rubric
from .errors import InputError, Problem
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

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


def display_path(path: Path) -> str:
    """A path as the user should see it in an error: relative to the working directory
    (with ``..`` when it is outside it), so that it is short and machine-independent."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)


def _validate(model: type[M], doc: YamlDoc, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        # A union field (number or label) fails once per member; report the most telling
        # error once per place.
        by_loc: dict[PathKey, Any] = {}
        for err in sorted(exc.errors(), key=lambda e: _PRIORITY.get(e["type"], 9)):
            by_loc.setdefault(_clean_loc(doc.data, tuple(err["loc"])), err)
        for loc, err in by_loc.items():
            # A union whose other member failed deeper down ("exclude" or {impute: N}) also
            # fails at the parent; the deeper error is the one that helps.
            if any(other[: len(loc)] == loc and other != loc for other in by_loc):
                continue
            problems.append(doc.problem(loc, _message(err)))
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
_PRIORITY = {"finite_number": 0, "missing": 1, "extra_forbidden": 1}

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "finite_number": "must be a finite number (NaN and infinity are not allowed)",
}


def _message(err: Any) -> str:
    kind = err["type"]
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    msg = str(err["msg"])
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown {ctx.get('discriminator', 'tag').strip(chr(39))} {ctx.get('tag')!r} " \
               f"(expected one of: {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return f"required field {err.get('ctx', {}).get('discriminator', '')} is missing"
    return msg[0].lower() + msg[1:] if msg else kind


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_rubric(path: Path) -> Rubric:
    """Load and check one rubric file on its own."""
    problems: list[Problem] = []
    doc = load_yaml(path, display_path(path))
    rubric = _validate(Rubric, doc, problems)
    if rubric is not None:
        problems += check_rubric(rubric, doc)
    if problems or rubric is None:
        raise InputError(problems)
    return rubric


def load_case(folder: str | os.PathLike[str]) -> Case:
    """Load the case in ``folder`` and the rubric it names; raise InputError listing every
    problem in every file if anything is wrong."""
    root = Path(folder)
    problems: list[Problem] = []
    if not (root / CASE_FILE).is_file():
        raise InputError([Problem(display_path(root / CASE_FILE), 0, 0, "",
                                  "no case file here: a case folder needs case.yaml")])
    docs: dict[str, YamlDoc] = {}
    paths: dict[str, Path] = {}

    def read(role: str, path: Path, required: bool = True) -> None:
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

    read("case", root / CASE_FILE)
    meta = _validate(CaseFile, docs["case"], problems) if "case" in docs else None
    if meta is not None:
        rubric_path = (root / meta.rubric)
        if rubric_path.is_file():
            read("rubric", rubric_path)
        else:
            problems.append(docs["case"].problem(("rubric",), f"rubric file not found: {meta.rubric}"))
    read("sources", case_file(root, SOURCES_FILE))  # YAML, CSV or Parquet (tabular.py)
    read("evidence", case_file(root, EVIDENCE_FILE))
    read("scenarios", root / SCENARIOS_FILE, required=False)

    def validate(role: str, model: type[M]) -> M | None:
        return _validate(model, docs[role], problems) if role in docs else None

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
        InputFile(role, Path(os.path.relpath(path, root)).as_posix(), _sha256(path))
        for role, path in paths.items()
    )
    return Case(meta, rubric, tuple(sources.sources), tuple(evidence.items),
                tuple(scenarios.scenarios), inputs)
