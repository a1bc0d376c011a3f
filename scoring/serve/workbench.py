"""A case held open for editing: its YAML files as text in memory, edits spliced into that
text at the place the parser recorded, and the case reloaded and rescored through the same
loader and method as ``scoring validate`` and ``scoring score`` (``formats.yamlio.drafts``).

An edit never leaves memory until it is saved as a scenario or applied; a malformed edit is
refused with the loader's own problems and the drafts stay as they were. Each accepted edit
bumps the version; a write with a version other than the current one is refused with what
changed since (two tabs, one case).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.diff import case_diff
from ..analysis.result import Result, score
from ..errors import InputError, Problem, ScoringError
from ..formats.loader import CASE_FILE, SCENARIOS_FILE, Case, load_case
from ..formats.yamlio import PathKey, YamlDoc, drafts, parse_yaml
from ..output import RunInputs, write_atomic
from ..report.text import render_diff

EDITABLE = ("case", "evidence", "scenarios", "rubric")  # the YAML files an edit may touch
# One plain YAML scalar: what a number input may write into a file. Anything that could
# start another node (a line break, ': ', '#', a flow or block indicator, a quote) is refused
# before it reaches the text; the loader judges the rest as it judges a file.
_TOKEN = re.compile(r"^[A-Za-z0-9+\-._]{1,40}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class EditRefused(ScoringError):
    """An edit, a save or an apply that the workbench does not carry out (docs/errors.md)."""

    slug = "edit-refused"

    def __init__(self, message: str, problems: tuple[str, ...] = (), status: int = 422) -> None:
        super().__init__(message)
        self.problems = problems
        self.status = status


@dataclass(frozen=True)
class Edit:
    """One value written into one file: ``file`` a role of ``EDITABLE``, ``path`` the place
    in its YAML document (``("items", 3, "value")``), ``text`` the scalar as typed."""

    file: str
    path: PathKey
    text: str
    label: str = ""


@dataclass(frozen=True)
class Editable:
    """A number the page lets the analyst change: where it is shown (the anchor of the
    report), where it is written, its value and the rubric's bounds."""

    anchor: str
    file: str
    path: PathKey
    value: Any
    lo: float | None
    hi: float | None
    label: str


@dataclass
class Workbench:
    folder: Path
    case: Case
    result: Result
    paths: dict[str, Path]
    disk: dict[str, str]
    texts: dict[str, str]
    version: int = 0
    edits: list[Edit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, folder: Path) -> Workbench:
        case = load_case(folder)
        paths = {i.role: (folder / i.path) for i in case.inputs
                 if i.role in EDITABLE and i.path.endswith((".yaml", ".yml"))}
        disk = {role: p.read_text(encoding="utf-8") for role, p in paths.items()}
        return cls(folder, case, score(case, analyses=False), paths, disk, dict(disk))

    # ------------------------------------------------------------------ reading
    def doc(self, role: str) -> YamlDoc:
        return parse_yaml(self.texts[role], role)

    def etag(self) -> str:
        digest = hashlib.sha256("\0".join(self.texts[r] for r in sorted(self.texts)).encode())
        return f"{self.version}-{digest.hexdigest()[:16]}"

    def editables(self) -> list[Editable]:
        """Every item value and confidence, factor weight and scenario change's number."""
        out: list[Editable] = []
        rubric = self.case.rubric
        lo, hi = float(rubric.scale.lo), float(rubric.scale.hi)
        if "evidence" in self.texts:
            items = self.doc("evidence").data.get("items") or []
            for k, it in enumerate(items):
                iid = str(it.get("id"))
                if isinstance(it.get("value"), (int, float)) and not isinstance(it["value"], bool):
                    out.append(Editable(f"item/{iid}", "evidence", ("items", k, "value"),
                                        it["value"], None if it.get("indicator") else lo,
                                        None if it.get("indicator") else hi, f"{iid} value"))
                if "confidence" in it:
                    out.append(Editable(f"item/{iid}", "evidence", ("items", k, "confidence"),
                                        it["confidence"], 0.0, 1.0, f"{iid} confidence"))
        if "rubric" in self.texts:
            for k, f in enumerate(self.doc("rubric").data.get("factors") or []):
                fid = str(f.get("id"))
                out.append(Editable(f"rubric/factor/{fid}/weight", "rubric",
                                    ("factors", k, "weight"), f.get("weight"), 0.0, None,
                                    f"{fid} weight"))
                for j, ind in enumerate(f.get("indicators") or []):
                    mapping = ind.get("mapping") if isinstance(ind, dict) else None
                    if isinstance(mapping, dict):  # its bounds, thresholds and points
                        out += _numbers_in(mapping, ("factors", k, "indicators", j, "mapping"),
                                           f"rubric/indicator/{fid}/{ind.get('id')}",
                                           f"{fid}/{ind.get('id')} mapping")
        if "scenarios" in self.texts:
            for s, sc in enumerate(self.doc("scenarios").data.get("scenarios") or []):
                for c, ch in enumerate(sc.get("changes") or []):
                    bounds: dict[str, tuple[float | None, float | None]] = {
                        "weight": (0.0, None), "confidence": (0.0, 1.0), "value": (None, None),
                        "by": (None, None)}
                    for key, (b_lo, b_hi) in bounds.items():
                        v = ch.get(key)
                        if isinstance(v, (int, float)) and not isinstance(v, bool):
                            out.append(Editable(f"{sc.get('id')}/change/{c + 1}", "scenarios",
                                                ("scenarios", s, "changes", c, key), v, b_lo,
                                                b_hi, f"{sc.get('id')} change {c + 1} {key}"))
        if "case" in self.texts:
            for k, ov in enumerate(self.doc("case").data.get("overrides") or []):
                for key, v in ov.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        out.append(Editable(f"override/{k + 1}", "case", ("overrides", k, key),
                                            v, lo, hi, f"override {k + 1} {key}"))
        return out

    # ------------------------------------------------------------------ editing
    def splice(self, edit: Edit) -> dict[str, str]:
        """The drafts with ``edit`` written over the one scalar at its place, every other
        byte of the file as it was."""
        if edit.file not in self.texts:
            raise EditRefused(f"no such file to edit: {edit.file!r} (files: "
                              f"{', '.join(sorted(self.texts))})", status=400)
        if not _TOKEN.match(edit.text):
            raise EditRefused("a value must be one number or word (letters, digits, + - . _; "
                              "at most 40 characters)")
        text = self.texts[edit.file]
        doc = parse_yaml(text, edit.file)
        if tuple(edit.path) not in doc.positions or not _is_scalar(doc.data, edit.path):
            raise EditRefused(f"no value at {'/'.join(map(str, edit.path))} in {edit.file}",
                              status=400)
        line, col = doc.positions[tuple(edit.path)]
        start = _offset(text, line, col)
        end = start + len(re.match(r"[^\s#,\]}]*", text[start:]).group(0))  # type: ignore[union-attr]
        if tuple(edit.path) in doc.styles:  # quoted or block: not a number; never edited
            raise EditRefused(f"the value at {'/'.join(map(str, edit.path))} is not a number",
                              status=400)
        return {**self.texts, edit.file: text[:start] + edit.text + text[end:]}

    def load(self, texts: dict[str, str]) -> Case:
        """The case as the drafts ``texts`` make it, checked as ``scoring validate`` checks
        files: its problems are exactly that command's lines."""
        with drafts({self.paths[r]: t for r, t in texts.items()}):
            try:
                case = load_case(self.folder)
                return case
            except InputError as exc:
                raise EditRefused("the edit makes the case invalid; nothing was changed",
                                  tuple(str(p) for p in exc.problems)) from None

    def edit(self, edit: Edit, version: int) -> dict[str, Any]:
        """Apply ``edit`` (made against ``version``) to the drafts and rescore; the numbers
        that moved, by trace id, and the change's attribution as ``scoring diff`` gives it."""
        with self.lock:
            self._check_version(version)
            texts = self.splice(edit)
            case = self.load(texts)
            try:
                new = score(case, analyses=False)
            except InputError as exc:
                raise EditRefused("the edit makes the case invalid; nothing was changed",
                                  tuple(str(p) for p in exc.problems)) from None
            old = self.result
            diff = case_diff(old, new)
            changed = changed_numbers(old, new)
            self.texts, self.case, self.result = texts, case, new
            self.version += 1
            self.edits.append(edit)
            return {"version": self.version, "etag": self.etag(), "changed": changed,
                    "attribution": render_diff(diff),
                    "scenarios": [{"scenario": d.scenario, "old": d.old_composite,
                                   "new": d.new_composite, "old_band": d.old_band,
                                   "new_band": d.new_band, "score_effect": d.score_effect,
                                   "weight_effect": d.weight_effect,
                                   "coverage_effect": d.coverage_effect,
                                   "judgement_effect": d.judgement_effect}
                                  for d in diff.scenarios]}

    def _check_version(self, version: int) -> None:
        if version != self.version:
            since = [f"{e.label or e.file + ':' + '/'.join(map(str, e.path))} = {e.text}"
                     for e in self.edits[version:]] if 0 <= version < self.version else []
            raise EditRefused(f"the case changed since this page read it (version {version}, "
                              f"now {self.version}); reload to see it", tuple(since), 409)

    # ------------------------------------------------------------------ writing
    def apply(self, version: int) -> list[Path]:
        """Write the drafts into the case files (only those that differ from disk), each
        atomically and guarded against every other input of the case; the files written."""
        with self.lock:
            self._check_version(version)
            self._check_disk()
            written = []
            for role, text in self.texts.items():
                if text != self.disk[role]:
                    others = [p for r, p in self.paths.items() if r != role]
                    write_atomic(self.paths[role], text,
                                 RunInputs.of(files=[*others, self.folder / CASE_FILE]
                                              if role != "case" else others))
                    self.disk[role] = text
                    written.append(self.paths[role])
            return written

    def save_scenario(self, scenario: str, rationale: str, version: int) -> Path:
        """Write the edits of the factor weights and the items' values and confidences as a
        new scenario of ``scenarios.yaml`` (appended; the rest of the file as it was), with
        ``rationale`` on each change; the drafts of those files return to what is on disk."""
        with self.lock:
            self._check_version(version)
            self._check_disk()
            if not _ID.match(scenario):
                raise EditRefused("a scenario id must be letters, digits, '_', '.' or '-', "
                                  "starting with a letter or digit")
            why = " ".join(rationale.split())
            if not why:
                raise EditRefused("a scenario needs a rationale: say why these changes")
            changes = self._changes()
            if not changes:
                raise EditRefused("no edit of a weight, value or confidence to save")
            path = self.folder / SCENARIOS_FILE
            old = self.disk.get("scenarios", "scenarios:\n")
            text = _append_scenario(old, scenario, why, changes)
            texts = {r: t for r, t in self.disk.items()} | {"scenarios": text}
            if "scenarios" not in self.paths:
                self.paths["scenarios"] = path
            self.load(texts)  # refused (nothing written) unless it validates
            others = [p for r, p in self.paths.items() if r != "scenarios"]
            write_atomic(path, text, RunInputs.of(files=others))
            self.disk["scenarios"] = text
            self.texts = dict(self.disk)
            self.case = load_case(self.folder)
            self.result = score(self.case, analyses=False)
            self.version += 1
            self.edits.append(Edit("scenarios", (), scenario, f"saved scenario {scenario}"))
            return path

    def _changes(self) -> list[str]:
        """The drafts' differences from disk as scenario changes (YAML lines)."""
        out: list[str] = []
        if "rubric" in self.texts:
            old = parse_yaml(self.disk["rubric"], "rubric").data.get("factors") or []
            new = self.doc("rubric").data.get("factors") or []
            out += [f"op: set_weight\nfactor: {b['id']}\nweight: {b['weight']}"
                    for a, b in zip(old, new, strict=False) if a.get("weight") != b.get("weight")]
        if "evidence" in self.texts:
            old = parse_yaml(self.disk["evidence"], "evidence").data.get("items") or []
            new = self.doc("evidence").data.get("items") or []
            for a, b in zip(old, new, strict=False):
                if a.get("value") != b.get("value"):
                    out.append(f"op: set_value\nitem: {b['id']}\nvalue: {b['value']}")
                if a.get("confidence") != b.get("confidence"):
                    out.append(f"op: set_confidence\nitem: {b['id']}\n"
                               f"confidence: {b['confidence']}")
        return out

    def _check_disk(self) -> None:
        """A file changed on disk since it was read (another editor) is never overwritten."""
        moved = [str(p) for r, p in self.paths.items()
                 if p.is_file() and p.read_text(encoding="utf-8") != self.disk[r]]
        if moved:
            raise EditRefused("a case file changed on disk since the workbench read it; "
                              "restart scoring serve to see it", tuple(moved), 409)


def _numbers_in(data: Any, path: PathKey, anchor: str, label: str) -> list[Editable]:
    """An editable for each number inside ``data`` (a mapping of the rubric: its input and
    output bounds, thresholds, points), labelled by where it is."""
    if isinstance(data, bool):
        return []
    if isinstance(data, (int, float)):
        return [Editable(anchor, "rubric", path, data, None, None, label)]
    if isinstance(data, dict):
        return [e for key, v in data.items()
                for e in _numbers_in(v, (*path, key), anchor, f"{label} {key}")]
    if isinstance(data, list):
        return [e for n, v in enumerate(data)
                for e in _numbers_in(v, (*path, n), anchor, f"{label}[{n}]")]
    return []


def _is_scalar(data: Any, path: PathKey) -> bool:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    return not isinstance(node, (dict, list))


def _offset(text: str, line: int, col: int) -> int:
    """The character offset of 1-based ``line`` and ``col`` in ``text``."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + col - 1


def _append_scenario(text: str, scenario: str, rationale: str, changes: list[str]) -> str:
    """``text`` (a scenarios file whose last key is ``scenarios:``) with one more scenario
    at its end, in the list's own indentation."""
    doc = parse_yaml(text, SCENARIOS_FILE)
    data = doc.data if isinstance(doc.data, dict) else {}
    if data and list(data)[-1] != "scenarios":
        raise EditRefused("scenarios.yaml must end with its scenarios list to add one")
    first = doc.positions.get(("scenarios", 0))  # the first scenario's first key
    pad = " " * (max(first[1] - 3, 0) if first else 2)
    quoted = '"' + rationale.replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = [f"{pad}- id: {scenario}", f"{pad}  name: {scenario}",
             f"{pad}  narrative: {quoted}", f"{pad}  changes:"]
    for ch in changes:
        head, *rest = ch.split("\n")
        lines.append(f"{pad}    - {head}")
        lines += [f"{pad}      {x}" for x in rest]
        lines.append(f"{pad}      rationale: {quoted}")
    body = text if text.endswith("\n") else text + "\n"
    if data.get("scenarios") in (None, []):
        body = re.sub(r"(?m)^scenarios:.*$", "scenarios:", body, count=1) if data else \
            body + "scenarios:\n"
    return body + "\n".join(lines) + "\n"


def changed_numbers(old: Result, new: Result) -> dict[str, dict[str, str]]:
    """Every traced number whose shown value or full value moved, or that is new, by id:
    what the page showed and what it shows now."""
    was, now = old.trace, new.trace
    out: dict[str, dict[str, str]] = {}
    for rid in now:
        a, b = was.get(rid), now[rid]
        if a is None or a.display != b.display or repr(a.value) != repr(b.value):
            out[rid] = {"was": "" if a is None else a.display, "now": b.display,
                        "raw": repr(b.value)}
    return out


def problems_text(problems: list[Problem]) -> tuple[str, ...]:
    return tuple(str(p) for p in problems)
