"""``scoring verify-report FILE``: an output checked against the inputs it carries.

The bundle (``formats/bundle.py``) is read back from the file, its digest chain checked (the
digest the file shows is the bundle's; each input file has the SHA-256 its manifest names;
the manifest names every file it carries), its files laid out in a temporary case folder and
scored by the installed engine through the very path a report takes (``load_case`` then
``score``, with the manifest's seed and draws): no rule of the method is computed here. Each
number the file shows (``formats/shown.py``) is then compared, as text at its shown
precision, with its recomputed record's ``display``.

Numbers a report took from files the bundle does not carry (``--baseline``: the ``changed/``
section) are listed as not recomputed, with the reason; they never pass silently. With
``sources``, the snapshots and excerpts are checked again (``analysis/verify.py``) against
the source documents in that folder.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..formats.bundle import Bundle, BundleError
from ..formats.bundle_embed import bundle_of, read_output
from ..formats.loader import load_case
from ..formats.shown import Shown, html_numbers, json_document, json_numbers, raw_text
from ..version import __version__
from .result import score
from .verify import Verification, verify_case

MAX_DEPTH = 32  # a bundle's rubric may sit at most this many folders above its case
NOT_CARRIED = {"changed/": ("baseline", "the 'What changed' section compares with the "
                            "baseline {}, which the bundle does not carry")}


@dataclass(frozen=True)
class Mismatch:
    """A number the file shows that is not what the inputs give."""

    id: str
    shown: str
    recomputed: str | None  # None: the inputs give no number of that id
    where: str


@dataclass(frozen=True)
class ReportCheck:
    """What ``verify-report`` found. ``ok``: every digest matches, every number shown is
    the recomputed one and (with sources) every snapshot and excerpt checks."""

    path: str
    kind: str
    digest: str
    made_by: str  # the engine version that made the file
    numbers: int  # the numbers shown and compared
    mismatches: tuple[Mismatch, ...]
    digests: tuple[str, ...]  # each digest of the chain that does not match
    not_recomputed: tuple[tuple[str, str], ...]  # (trace id, why)
    sources: Verification | None
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.digests and (
            self.sources is None or self.sources.ok)


def check_report(path: Path, sources: Path | None = None) -> ReportCheck:
    """Verify the output at ``path`` (HTML, JSON, xlsx or PDF) against its own inputs
    bundle; a BundleError when it is not a report or its bundle cannot be read."""
    from ..display import display_path

    where = display_path(path)
    kind, data = read_output(path)
    bundle = bundle_of(kind, data, where)
    shown = shown_numbers(kind, data, where)
    digests = digest_chain(bundle)
    manifest = bundle.manifest
    made_by = str(manifest.get("engine", {}).get("version", "unknown"))
    notes = []
    if made_by != __version__:
        notes.append(f"made by scoring {made_by}, verified with scoring {__version__}: "
                     "numbers the two versions compute alike verify; any that differ are "
                     "listed")
    with tempfile.TemporaryDirectory(prefix="scoring-verify-") as tmp:
        folder = materialise(bundle, Path(tmp), where)
        try:
            case = load_case(folder)
        except InputError as exc:
            raise BundleError(f"{where}: the bundle's inputs do not load: "
                              + "; ".join(_relabel(p, folder) for p in exc.problems)) from None
        result = score(case, seed=int(manifest.get("seed", 0)),
                       draws=int(manifest.get("draws", 0)))
        checked = verify_case(case, folder, [sources]) if sources is not None else None
    trace = result.trace
    options = manifest.get("options") or {}
    mismatches, skipped = [], []
    for s in shown:
        rec = trace.get(s.id)
        if rec is None:
            why = _not_carried(s.id, options)
            if why is not None:
                skipped.append((s.id, why))
                continue
            mismatches.append(Mismatch(s.id, s.text, None, s.where))
        elif rec.display != s.text:
            mismatches.append(Mismatch(s.id, s.text, rec.display, s.where))
        elif s.exact is not None and s.exact != raw_text(rec.value):
            # the rounded text agrees; the exact value beside it does not
            mismatches.append(Mismatch(s.id, f"{s.text} (exact {s.exact})",
                                       f"{rec.display} (exact {raw_text(rec.value)})",
                                       s.where))
    if not shown:
        raise BundleError(f"{where}: shows no traced number: not a scoring report, or cut "
                          "short")
    if "dates" in options:
        notes.append("the trend section (scored at " + ", ".join(options["dates"]) + ") is "
                     "not compared: its points are not traced numbers of this case's as-of")
    if "backtest" in options:
        notes.append(f"the backtest panel's rates come from {options['backtest']}, which the "
                     "bundle does not carry: not compared")
    if checked is not None:
        notes += _snapshot_notes(bundle, checked)
    return ReportCheck(where, kind, bundle.digest, made_by, len(shown) - len(skipped),
                       tuple(mismatches), tuple(digests), tuple(skipped), checked,
                       tuple(notes))


def shown_numbers(kind: str, data: bytes, where: str) -> list[Shown]:
    """The numbers the output of ``kind`` in ``data`` shows, with their trace ids."""
    if kind == "html":
        return html_numbers(data.decode("utf-8", errors="replace"))
    if kind == "json":
        return json_numbers(json_document(data, where), where)
    raise BundleError(f"{where}: verify-report reads HTML and JSON outputs; a {kind} file's "
                      "numbers are not read yet")


def digest_chain(bundle: Bundle) -> list[str]:
    """Each link of the manifest's digests that does not hold, in words."""
    out = []
    named = {}
    for i in bundle.manifest.get("inputs", []):
        if not isinstance(i, dict) or not isinstance(i.get("path"), str):
            out.append("the manifest lists an input without a path")
            continue
        named[i["path"]] = i
        data = bundle.files.get(i["path"])
        if data is None:
            out.append(f"{i['path']}: listed in the manifest ({i.get('role')}), not carried")
            continue
        got = hashlib.sha256(data).hexdigest()
        if got != i.get("sha256"):
            out.append(f"{i['path']}: the manifest says sha256 {i.get('sha256')}, the file "
                       f"carried has sha256 {got}")
    for p in sorted(set(bundle.files) - set(named)):
        out.append(f"{p}: carried, but not listed in the manifest")
    rubric = bundle.manifest.get("rubric") or {}
    listed = named.get(str(rubric.get("path")))
    if listed is None or listed.get("sha256") != rubric.get("sha256"):
        out.append(f"the manifest's rubric {rubric.get('path')} (sha256 {rubric.get('sha256')}) "
                   "is not one of its inputs")
    return out


def materialise(bundle: Bundle, root: Path, where: str) -> Path:
    """Lay the bundle's files out under ``root`` as they stood around their case folder
    (a rubric at ``../../rubrics/x.yaml`` two folders up); the case folder. A path that is
    absolute, climbs out of that layout or is not plain is refused."""
    paths = list(bundle.files)
    depth = 0
    for p in paths:
        parts = p.split("/")
        ups = len(parts) - len(dropwhile_up(parts))
        if (not p or p.startswith("/") or "\\" in p or "\0" in p or not parts[ups:]
                or any(x in ("", ".", "..") for x in parts[ups:]) or ups > MAX_DEPTH):
            raise BundleError(f"{where}: the inputs bundle names a file at {p!r}: not a "
                              "plain path relative to the case folder")
        depth = max(depth, ups)
    case = root.joinpath(*[f"up{k}" for k in range(depth)], "case") if depth else root / "case"
    for p, data in bundle.files.items():
        target = Path(posixpath.normpath(posixpath.join(case.as_posix(), p)))
        if os.path.commonpath([target, root]) != str(root):  # pragma: no cover - checked
            raise BundleError(f"{where}: the inputs bundle names a file outside its case: {p!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    case.mkdir(parents=True, exist_ok=True)
    return case


def dropwhile_up(parts: list[str]) -> list[str]:
    """``parts`` after its leading ``..``."""
    k = 0
    while k < len(parts) and parts[k] == "..":
        k += 1
    return parts[k:]


def _relabel(problem: Problem, folder: Path) -> str:
    """A problem of a file laid out from the bundle, named as the bundle names it."""
    try:
        rel = os.path.relpath(problem.path, folder)
    except ValueError:  # pragma: no cover - another drive
        rel = problem.path
    return str(Problem(f"bundle:{Path(rel).as_posix()}", problem.line, problem.col,
                       problem.field, problem.message))


def _not_carried(rid: str, options: dict[str, Any]) -> str | None:
    for prefix, (option, why) in NOT_CARRIED.items():
        if rid.startswith(prefix) and option in options:
            return why.format(options[option])
    return None


def _snapshot_notes(bundle: Bundle, checked: Verification) -> list[str]:
    """Each snapshot whose document in the sources folder is not the one the report was
    made with (its digest in the manifest)."""
    recorded = {s.get("source"): s for s in bundle.manifest.get("snapshots", [])
                if isinstance(s, dict)}
    out = []
    for s in checked.snapshots:
        then = recorded.get(s.source)
        if then is None:
            out.append(f"snapshot of {s.source}: not in the report's manifest")
        elif s.status == "missing":
            out.append(f"snapshot of {s.source} ({s.path}): not found in the sources folder")
    return out
