"""``scoring sources import``: a document's source list as draft sources of a case.

``sources.yaml`` is the analyst's file, so it is only ever appended to: the new entries are
written after the last line, in the file's own indentation, and the whole file is replaced
atomically only after the new text was read back and its first entries found unchanged. A
source whose title is already there is skipped and reported; new ids continue the ``S``
numbering. The document itself becomes a source with its SHA-256 and a ``snapshot`` that
``scoring verify`` (and ``--snapshots DIR``) find.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..display import display_path
from ..errors import InputError, OutputError, Problem, ScoringError
from ..formats.loader import CASE_FILE, SOURCES_FILE, load_rubric, validate_doc
from ..formats.models import CaseFile, Rubric, Source, SourcesFile
from ..formats.tabular import case_file
from ..formats.yamlio import MAX_FILE_BYTES, YamlDoc, encoding_problem, load_yaml, parse_yaml
from ..output import RunInputs, write_atomic
from .source_list import MAX_DOCUMENT_BYTES, Entry, Unparsed, parse_source_list, same_title

MAX_DOCUMENT_HASHED = 1024 * 1024 * 1024  # as scoring verify: a larger file is refused
DRAFT_LANGUAGE = "und"  # ISO 639-2 "undetermined"
DRAFT_KIND = "unknown"


@dataclass(frozen=True)
class Added:
    id: str
    title: str
    entry: Entry | None  # None for the document itself


@dataclass(frozen=True)
class Skipped:
    title: str
    line: int | None  # None for the document itself
    existing: str  # the id of the source already there


@dataclass
class ImportReport:
    """What ``import_sources`` did: ``added`` sources, ``skipped`` ones already there, the
    list's ``unparsed`` lines, and ``late`` ids dated after the case's as_of."""

    document: str  # as shown to the user
    sources_file: str
    added: list[Added] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unparsed: tuple[Unparsed, ...] = ()
    late: list[str] = field(default_factory=list)
    snapshot_folder: str | None = None  # where verify --snapshots must look, if outside
    entries_found: int = 0


def read_document(path: Path) -> tuple[str, str]:
    """The SHA-256 of the whole document and its text (the first MAX_DOCUMENT_BYTES, as
    UTF-8 with undecodable bytes replaced). Raises ScoringError for what cannot be read."""
    shown = display_path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ScoringError(f"{shown}: cannot read the document: {exc.strerror or exc}") \
            from None
    if not stat.S_ISREG(info.st_mode):
        raise ScoringError(f"{shown}: not a regular file")
    if info.st_size > MAX_DOCUMENT_HASHED:
        raise ScoringError(f"{shown}: the document is {info.st_size} bytes; the limit is "
                           f"{MAX_DOCUMENT_HASHED}")
    digest = hashlib.sha256()
    head = bytearray()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            if len(head) < MAX_DOCUMENT_BYTES:
                head += chunk[: MAX_DOCUMENT_BYTES - len(head)]
    wrong = encoding_problem(bytes(head))  # UTF-16 read as UTF-8 would list no source
    if wrong is not None:
        raise InputError([Problem(shown, 1, 1, "", wrong)])
    text = bytes(head).decode("utf-8", errors="replace").removeprefix("\ufeff")
    return digest.hexdigest(), text


def _case(root: Path) -> tuple[CaseFile, Rubric, Path]:
    problems: list[Problem] = []
    path = root / CASE_FILE
    if not path.is_file():
        raise InputError([Problem(display_path(path), 0, 0, "",
                                  "no case file here: a case folder needs case.yaml")])
    meta = validate_doc(CaseFile, load_yaml(path, display_path(path)), problems)
    if meta is None:
        raise InputError(problems)
    rubric = root / meta.rubric
    if not rubric.is_file():
        raise InputError([Problem(display_path(path), 0, 0, "rubric",
                                  f"rubric file not found: {meta.rubric}")])
    return meta, load_rubric(rubric), rubric


def _existing(path: Path) -> tuple[str, YamlDoc | None, SourcesFile | None]:
    """The text of sources.yaml, its parse and model; "" and None when there is none."""
    if not path.exists():
        return "", None, None
    if path.is_symlink() or not path.is_file():
        raise OutputError(f"{display_path(path)}: refused: not a regular file")
    doc = load_yaml(path, display_path(path))
    problems: list[Problem] = []
    model = validate_doc(SourcesFile, doc, problems)
    if model is None:
        raise InputError(problems)
    return path.read_bytes().decode("utf-8"), doc, model


def _indent(text: str, doc: YamlDoc | None) -> str:
    """The text before a list entry's first key (``"  - "``) in this file."""
    if doc is None:
        return "  - "
    line, col = doc.positions[("sources",)]
    row = text.splitlines()[line - 1]
    m = re.match(r"^( *- +)", row[col - 1:]) if row[col - 1:col] == "-" else None
    if m is None or row[: col - 1].strip():
        raise ScoringError(f"{display_path(doc.path)}:{line}:{col}: sources: the list is "
                           "written in flow style ([...]); write it as a block list (one "
                           "'- id: ...' per source) to import into it")
    return " " * (col - 1) + m.group(1)


def _next_ids(taken: set[str], n: int) -> list[str]:
    numbers = [int(m.group(1)) for t in taken if (m := re.fullmatch(r"S(\d{1,6})", t))]
    width = max([2, *(len(t) - 1 for t in taken if re.fullmatch(r"S\d{1,6}", t))])
    out: list[str] = []
    k = max(numbers, default=0)
    while len(out) < n:
        k += 1
        if f"S{k:0{width}d}" not in taken:
            out.append(f"S{k:0{width}d}")
    return out


def _document_id(taken: set[str]) -> str:
    k = 1
    while (name := "DOC" if k == 1 else f"DOC{k}") in taken:
        k += 1
    return name


def _draft_grade(rubric: Rubric) -> str:
    """The rubric's weakest grade: a draft counts for as little as the rubric allows."""
    return min(rubric.reliability, key=lambda g: (rubric.reliability[g], g))


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _entry_text(prefix: str, fields: list[tuple[str, str]]) -> str:
    pad = " " * len(prefix)
    lines = [f"{prefix if k == 0 else pad}{key}: {value}" for k, (key, value) in
             enumerate(fields)]
    return "\n".join(lines) + "\n"


def _document_title(text: str, name: str) -> str:
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = first.lstrip("#").strip()
    from ..display import CONTROL

    if first and len(first) <= 200 and not CONTROL.search(first):
        return first
    return name


def import_sources(document: Path, root: Path) -> ImportReport:
    """Append the source list of ``document`` (and the document itself) to the sources of
    the case in ``root`` as drafts; see the module's docstring."""
    meta, rubric, rubric_path = _case(root)
    path = case_file(root, SOURCES_FILE)
    if path.suffix != ".yaml":
        raise ScoringError(f"{display_path(path)}: this case keeps its sources in a table; "
                           "sources import appends to sources.yaml only")
    digest, text = read_document(document)
    listed = parse_source_list(text)
    old, doc, model = _existing(path)
    prefix = _indent(old, doc)
    existing = list(model.sources) if model is not None else []
    titles = {same_title(s.title): s.id for s in existing}
    taken = {s.id for s in existing}
    report = ImportReport(display_path(document), display_path(path),
                          unparsed=listed.unparsed, entries_found=len(listed.entries))
    fresh: list[Entry] = []
    for entry in listed.entries:
        key = same_title(entry.title)
        if key in titles:
            report.skipped.append(Skipped(entry.title, entry.line, titles[key]))
            continue
        titles[key] = "(earlier in this document)"
        fresh.append(entry)
    grade = _draft_grade(rubric)
    name = document.name
    blocks: list[str] = []
    for sid, entry in zip(_next_ids(taken, len(fresh)), fresh, strict=True):
        taken.add(sid)
        fields = [("id", sid), ("title", _yaml_text(entry.title)),
                  ("date", entry.date.isoformat() if entry.date else "null"),
                  ("language", DRAFT_LANGUAGE), ("kind", DRAFT_KIND), ("reliability",
                                                                       _yaml_text(grade))]
        if entry.url:
            fields.append(("url", _yaml_text(entry.url)))
        if entry.cited_as:
            fields.append(("cited_as", _yaml_text(entry.cited_as)))
        fields.append(("notes", _yaml_text(f"Draft from {name}, line {entry.line}.")))
        blocks.append(_entry_text(prefix, fields))
        report.added.append(Added(sid, entry.title, entry))
        if entry.date and entry.date > meta.as_of:
            report.late.append(sid)
    same_doc = next((s.id for s in existing if s.sha256 == digest), None)
    if same_doc is not None:
        report.skipped.append(Skipped(name, None, same_doc))
    else:
        blocks.append(_document_source(document, root, digest, text, prefix, grade, taken,
                                       report))
    if not blocks:
        return report
    pad = " " * (len(prefix) - len(prefix.lstrip()))
    head = f"{pad}# Drafts from {_yaml_text(name)[1:-1]} (scoring sources import): check " \
           "language, kind and reliability.\n"
    addition = head + "".join(blocks)
    new = ("sources:\n" if doc is None else old + ("" if old.endswith("\n") else "\n")) + \
        addition
    if "\r\n" in old:
        new = old + ("" if old.endswith("\n") else "\r\n") + addition.replace("\n", "\r\n")
    _check_appended(new, existing, len(report.added), path)
    if doc is not None and path.read_bytes().decode("utf-8") != old:
        raise OutputError(f"{display_path(path)}: changed while it was read; nothing written")
    write_atomic(path, new, RunInputs.of(files=[document, root / CASE_FILE, rubric_path]),
                 overwrite=doc is not None)
    return report


def _document_source(document: Path, root: Path, digest: str, text: str, prefix: str,
                     grade: str, taken: set[str], report: ImportReport) -> str:
    sid = _document_id(taken)
    taken.add(sid)
    try:
        snapshot = document.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        snapshot = document.name
        report.snapshot_folder = display_path(document.resolve().parent)
    title = _document_title(text, document.name)
    report.added.append(Added(sid, title, None))
    return _entry_text(prefix, [
        ("id", sid), ("title", _yaml_text(title)), ("date", "null"),
        ("language", DRAFT_LANGUAGE), ("kind", DRAFT_KIND), ("reliability", _yaml_text(grade)),
        ("notes", _yaml_text(f"The document the sources above were imported from; "
                             f"{report.entries_found} entries in its list.")),
        ("snapshot", _yaml_text(snapshot)), ("sha256", digest)])


def _check_appended(new: str, existing: list[Source], added: int, path: Path) -> None:
    """The new text must read as the old sources followed by the new ones: a guard against
    an append that would change what is already there."""
    if len(new.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScoringError(f"{display_path(path)}: with the new sources the file would be "
                           f"{len(new.encode('utf-8'))} bytes; the limit is {MAX_FILE_BYTES}; "
                           "nothing written")
    problems: list[Problem] = []
    model = validate_doc(SourcesFile, parse_yaml(new, display_path(path)), problems)
    if model is None or list(model.sources[: len(existing)]) != existing or \
            len(model.sources) != len(existing) + added:
        raise ScoringError(f"{display_path(path)}: appending the new sources would not keep "
                           "the file's entries as they are; nothing written "
                           + "; ".join(str(p) for p in problems))
