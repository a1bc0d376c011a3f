"""Reading and writing a case's expected.yaml, and the pin/check/update operations the CLI
and the pytest plugin call. The comparison itself lives in ``expect.py``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..display import display_path
from ..errors import InputError, OutputError, Problem
from ..formats.loader import load_case, validate_doc
from ..formats.yamlio import load_yaml
from ..output import NO_INPUTS, guard, write_atomic
from .expect import (
    EXPECTED_FILE,
    Drift,
    Expectations,
    check,
    pin,
    pin_problems,
    stamp_notes,
    to_yaml_data,
    update,
)
from .result import score

HEADER = """\
# Pinned expectations for case {case} (docs/expectations.md).
# `scoring check` recomputes the case and compares it with these numbers;
# `scoring check CASE --update --reason "..."` accepts a new run and records why.
# A number may also be written {{value: x, tolerance: t}} or {{between: [lo, hi]}}.
"""


@dataclass(frozen=True)
class CaseCheck:
    """The outcome of checking one case."""

    folder: str
    rows: list[Drift]
    notes: list[str]

    @property
    def drifts(self) -> list[Drift]:
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.drifts


def expected_path(folder: str | os.PathLike[str]) -> Path:
    return Path(folder) / EXPECTED_FILE


def load_expectations(path: Path, case_id: str | None = None) -> Expectations:
    """Read and check ``path``: its form, every interval (low <= high) and, given
    ``case_id``, that it pins that case. Every problem at its file:line:col."""
    doc = load_yaml(path, display_path(path))
    problems: list[Problem] = []
    exp = validate_doc(Expectations, doc, problems)
    if exp is None:
        raise InputError(problems)
    problems.extend(doc.problem(loc, message) for loc, message in pin_problems(exp, case_id))
    if problems:
        raise InputError(problems)
    return exp


def dump_expectations(exp: Expectations) -> str:
    body = yaml.safe_dump(to_yaml_data(exp), sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(case=exp.case) + body


def pin_case(folder: str | os.PathLike[str], force: bool = False,
             reason: str = "initial pin") -> Path:
    """Write expected.yaml for the case in ``folder``; refuse to overwrite unless ``force``."""
    path = expected_path(folder)
    # --force overwrites a pinned file, never a link, a folder or a device in its place.
    guard(path, "file", NO_INPUTS, pinned=True)
    if path.exists() and not force:
        raise OutputError(f"{display_path(path)} exists; pass --force to overwrite it, or use "
                          "`scoring check --update --reason ...` to accept a new run")
    result = score(load_case(folder), analyses=False)
    write_atomic(path, dump_expectations(pin(result, reason)), result.case.read, pinned=True)
    return path


def check_case(folder: str | os.PathLike[str], update_reason: str | None = None) -> CaseCheck:
    """Recompute the case and compare it with its expected.yaml. With ``update_reason``,
    rewrite expected.yaml to the new run (only when something moved or a stamp changed)."""
    path = expected_path(folder)
    if not path.is_file():
        raise InputError([Problem(display_path(path), 0, 0, "",
                                  "no expectations pinned for this case; run `scoring pin`")])
    result = score(load_case(folder), analyses=False)
    exp = load_expectations(path, result.case.meta.id)
    rows = check(exp, result)
    notes = stamp_notes(exp, result)
    outcome = CaseCheck(display_path(Path(folder)), rows, notes)
    if update_reason is not None and (not outcome.ok or notes):
        write_atomic(path, dump_expectations(update(exp, result, update_reason)),
                     result.case.read, pinned=True)
    return outcome
