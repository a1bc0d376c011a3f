"""``scoring verify-report FILE``: an output checked against the inputs it carries.

The bundle (``formats/bundle.py``) is read back from the file, its digest chain checked (the
digest the file shows is the bundle's; each input file has the SHA-256 its manifest names;
the manifest names every file it carries), its files laid out in a temporary case folder and
scored by the installed engine through the very path a report takes (``load_case`` then
``score``, with the manifest's seed and draws): no rule of the method is computed here. Each
number the file shows (``formats/shown.py``) is then compared, as text at its shown
precision, with its recomputed record's ``display``.

Numbers a report took from beyond its case (``--baseline``'s ``changed/`` section, the
``--as-of`` trend, the ``--backtest`` panel) are recomputed from the baseline case and the
backtest file the bundle carries, by the report's own functions (``Carried``, handed down by
the caller); an older bundle that does not carry them lists them as not recomputed, with the
reason: they never pass silently. With
``sources``, the snapshots and excerpts are checked again (``analysis/verify.py``) against
the source documents in that folder.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..display import visible_marks
from ..errors import InputError, Problem
from ..formats.bundle import Bundle, BundleError, bundle_of, read_output
from ..formats.loader import load_case
from ..formats.shown import (
    Shown,
    html_numbers,
    json_document,
    json_numbers,
    pdf_numbers,
    raw_text,
)
from ..version import __version__
from .result import Result, score
from .verify import Verification, verify_case

MAX_DEPTH = 32  # a bundle's rubric may sit at most this many folders above its case
NOT_CARRIED = {"changed/": ("baseline", "the 'What changed' section compares with the "
                            "baseline {}, which the bundle does not carry"),
               "backtest/": ("backtest", "the backtest panel's rates come from {}, which the "
                             "bundle does not carry")}
# The numbers a report took from beyond its case (--baseline, --as-of, --backtest), by id:
# (shown text, full-precision text), made by the report's own functions (the top layer's
# ``api.carried_numbers``: this layer builds no page) from the result, the baseline's folder
# and the backtest file laid out from the bundle, and the manifest's options.
Carried = Callable[[Result, "Path | None", "Path | None", dict[str, Any]],
                   dict[str, tuple[str, str]]]


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
    excerpts: int  # the excerpts quoted (HTML) and compared with the bundle's evidence
    mismatches: tuple[Mismatch, ...]
    digests: tuple[str, ...]  # each digest of the chain that does not match
    not_recomputed: tuple[tuple[str, str], ...]  # (trace id, why)
    sources: Verification | None
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.digests and (
            self.sources is None or self.sources.ok)


def check_report(path: Path, sources: Path | None = None, carried: Carried | None = None
                 ) -> ReportCheck:
    """Verify the output at ``path`` (HTML, JSON, xlsx or PDF) against its own inputs
    bundle; a BundleError when it is not a report or its bundle cannot be read. ``carried``
    recomputes the numbers of its baseline, trend and backtest (see ``Carried``)."""
    from ..display import display_path

    where = display_path(path)
    kind, data = read_output(path)
    bundle = bundle_of(kind, data, where)
    shown = shown_numbers(kind, data, where)
    if not shown:
        raise BundleError(f"{where}: shows no traced number: not a scoring report, or cut "
                          "short")
    digests = digest_chain(bundle)
    manifest = bundle.manifest
    made_by = str(manifest["engine"].get("version", "unknown"))
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
        result = score(case, seed=manifest["seed"], draws=manifest["draws"])
        checked = verify_case(case, folder, [sources]) if sources is not None else None
        options = manifest["options"]
        others: dict[str, tuple[str, str]] = {}
        if carried is not None:
            baseline = _baseline_folder(bundle, Path(tmp) / "baseline", where)
            backtest = None
            if bundle.backtest is not None:
                backtest = Path(tmp) / "backtest.json"
                backtest.write_bytes(bundle.backtest)
            try:
                others = carried(result, baseline, backtest, options)
            except InputError as exc:
                raise BundleError(f"{where}: the bundle's baseline or backtest does not load: "
                                  + "; ".join(_relabel(p, baseline, "baseline/")
                                              if baseline is not None
                                              and not os.path.relpath(
                                                  p.path, baseline).startswith("..")
                                              else _relabel(p, Path(tmp))
                                              for p in exc.problems)) from None
    excerpts = {f"item/{it.id}": visible_marks(it.excerpt or "") for it in case.items}
    mismatches, skipped, compared = compare(shown, result.trace, excerpts, options, others)
    if kind == "json":
        mismatches += _record_fields(json_document(data, where), result.trace)
    if checked is not None:
        notes += _snapshot_notes(bundle, checked)
    quoted = sum(s.of == "excerpt" for s in shown)
    return ReportCheck(where, kind, bundle.digest, made_by, compared, quoted,
                       tuple(mismatches), tuple(digests), tuple(skipped), checked,
                       tuple(notes))


def compare(shown: list[Shown], trace: Any, excerpts: dict[str, str], options: dict[str, Any],
            carried: dict[str, tuple[str, str]] | None = None
            ) -> tuple[list[Mismatch], list[tuple[str, str]], int]:
    """Each shown number (and excerpt) against the recomputed ``trace`` (and items'
    ``excerpts``, and the numbers ``carried`` from the baseline, trend and backtest: id to
    shown and full-precision text): what differs, what could not be recomputed (id, why),
    and how many numbers were compared."""
    mismatches, skipped = [], []
    compared = 0
    carried = carried or {}
    for s in shown:
        if s.id in carried and s.of != "excerpt" and s.id not in trace:
            compared += 1
            text, raw = carried[s.id]
            if text != s.text:
                mismatches.append(Mismatch(s.id, s.text, text, s.where))
            elif s.exact is not None and raw and s.exact != raw:
                mismatches.append(Mismatch(s.id, f"{s.text} (exact {s.exact})",
                                           f"{text} (exact {raw})", s.where))
            continue
        if s.of == "excerpt":
            if excerpts.get(s.id) != s.text:
                mismatches.append(Mismatch(f"{s.id} (excerpt)", s.text, excerpts.get(s.id),
                                           s.where))
            continue
        rec = trace.get(s.id)
        if s.of == "cell":  # a workbook cell: its cached value at full precision
            if rec is not None:  # else a column that is not a traced number (a name)
                compared += 1
                if not _same_value(s.text, rec.value):
                    mismatches.append(Mismatch(s.id, s.text, raw_text(rec.value), s.where))
            continue
        if rec is None:
            why = _not_carried(s.id, options)
            if why is not None:
                skipped.append((s.id, why))
                continue
        compared += 1
        if rec is None:
            mismatches.append(Mismatch(s.id, s.text, None, s.where))
        elif rec.display != s.text:
            mismatches.append(Mismatch(s.id, s.text, rec.display, s.where))
        elif s.exact is not None and s.exact != raw_text(rec.value):
            # the rounded text agrees; the exact value beside it does not
            mismatches.append(Mismatch(s.id, f"{s.text} (exact {s.exact})",
                                       f"{rec.display} (exact {raw_text(rec.value)})",
                                       s.where))
    return mismatches, skipped, compared


def shown_numbers(kind: str, data: bytes, where: str) -> list[Shown]:
    """The numbers the output of ``kind`` in ``data`` shows, with their trace ids."""
    if kind == "html":
        return html_numbers(data.decode("utf-8", errors="replace"))
    if kind == "json":
        return json_numbers(json_document(data, where), where)
    if kind == "xlsx":
        from ..formats.bundle import xlsx_cells
        from ..formats.shown import xlsx_numbers

        return xlsx_numbers(xlsx_cells(data, where))
    from ..formats.bundle import pdf_text

    return pdf_numbers(pdf_text(data, where))


def _same_value(text: str, value: Any) -> bool:
    """Whether a workbook cell's cached ``text`` is the record's ``value``."""
    if isinstance(value, bool):
        return text in ("1", "TRUE") if value else text in ("0", "FALSE")
    if isinstance(value, (int, float)):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return text == ("" if value is None else str(value))


def _record_fields(doc: dict[str, Any], trace: Any) -> list[Mismatch]:
    """Each field of a JSON output's records (label, op, formula, expression, inputs,
    assumptions, detail, unit, kind) that is not the recomputed record's."""
    import json

    out = []
    for k, r in enumerate(doc["records"]):
        rec = trace.get(r.get("id"))
        if rec is None:
            continue
        want = json.loads(json.dumps(rec.to_json(), default=str))
        for field in sorted(set(want) | set(r)):
            if field in ("id", "value", "display") or r.get(field) == want.get(field):
                continue
            out.append(Mismatch(f"{rec.id} ({field})", _short(r.get(field)),
                                _short(want.get(field)), f"$.records[{k}].{field}"))
    return out


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 200 else text[:200] + "..."


def digest_chain(bundle: Bundle) -> list[str]:
    """Each link of the manifest's digests that does not hold, in words."""
    out, named = _files_chain(bundle.manifest.get("inputs", []), bundle.files, "")
    if bundle.baseline or "baseline_inputs" in bundle.manifest:
        out += _files_chain(bundle.manifest.get("baseline_inputs", []), bundle.baseline,
                            "baseline ")[0]
    listed_bt = bundle.manifest.get("backtest_file")
    if bundle.backtest is not None or listed_bt is not None:
        got_bt = None if bundle.backtest is None else hashlib.sha256(bundle.backtest).hexdigest()
        want_bt = listed_bt.get("sha256") if isinstance(listed_bt, dict) else None
        if got_bt != want_bt:
            out.append(f"backtest file: the manifest says sha256 {want_bt}, the file carried "
                       f"has sha256 {got_bt}")
    rubric = bundle.manifest["rubric"]
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
    # the case folder ``depth`` levels below ``root``: ``depth`` times ``..`` leads to root
    case = root.joinpath(*[f"up{k}" for k in range(depth - 1)], "case")
    _rubric_is_carried(bundle, case, where)
    try:
        for p, data in bundle.files.items():
            target = Path(posixpath.normpath(posixpath.join(case.as_posix(), p)))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        case.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where the bundle names a folder (a/b beside a)
        raise BundleError(f"{where}: the inputs bundle's files cannot be laid out: "
                          f"{exc.strerror or exc}") from None
    return case


def _files_chain(listed: Any, files: dict[str, bytes], what: str
                 ) -> tuple[list[str], dict[str, Any]]:
    """Each file of ``files`` against the manifest's list ``listed`` (role, path, sha256):
    what does not hold, in words (``what`` names the group), and the list by path."""
    out = []
    named = {}
    for i in listed if isinstance(listed, list) else []:
        if not isinstance(i, dict) or not isinstance(i.get("path"), str):
            out.append(f"the manifest lists a {what}input without a path")
            continue
        named[i["path"]] = i
        data = files.get(i["path"])
        if data is None:
            out.append(f"{what}{i['path']}: listed in the manifest ({i.get('role')}), not "
                       "carried")
            continue
        got = hashlib.sha256(data).hexdigest()
        if got != i.get("sha256"):
            out.append(f"{what}{i['path']}: the manifest says sha256 {i.get('sha256')}, the "
                       f"file carried has sha256 {got}")
    for p in sorted(set(files) - set(named)):
        out.append(f"{what}{p}: carried, but not listed in the manifest")
    return out, named


def _baseline_folder(bundle: Bundle, root: Path, where: str) -> Path | None:
    """The baseline case the bundle carries (``--baseline``), laid out under ``root`` (its
    digests are checked by ``digest_chain``); None when it carries none."""
    if not bundle.baseline:
        return None
    root.mkdir()
    return materialise(Bundle(bundle.digest, bundle.manifest, bundle.baseline, b""), root,
                       where + " (baseline)")


def _rubric_is_carried(bundle: Bundle, case: Path, where: str) -> None:
    """The rubric the bundle's case.yaml names must be a file the bundle carries: scoring
    the bundle never reads a file of the machine it runs on (``../../../../home/x.yaml``)."""
    import yaml

    try:
        doc = yaml.safe_load(bundle.files.get("case.yaml", b"").decode("utf-8", "replace"))
    except yaml.YAMLError:
        return  # loading the case names the problem, at its line and column
    rubric = doc.get("rubric") if isinstance(doc, dict) else None
    if not isinstance(rubric, str):
        return
    carried = {posixpath.normpath(posixpath.join(case.as_posix(), p)) for p in bundle.files}
    if posixpath.normpath(posixpath.join(case.as_posix(), rubric)) not in carried:
        raise BundleError(f"{where}: the bundle's case.yaml names the rubric {rubric!r}, "
                          "which the bundle does not carry")


def dropwhile_up(parts: list[str]) -> list[str]:
    """``parts`` after its leading ``..``."""
    k = 0
    while k < len(parts) and parts[k] == "..":
        k += 1
    return parts[k:]


def _relabel(problem: Problem, folder: Path, prefix: str = "") -> str:
    """A problem of a file laid out from the bundle, named as the bundle names it (its
    member ``prefix``: ``baseline/`` for the baseline case's)."""
    try:
        rel = os.path.relpath(problem.path, folder)
    except ValueError:  # pragma: no cover - another drive
        rel = problem.path
    return str(Problem(f"bundle:{prefix}{Path(rel).as_posix()}", problem.line, problem.col,
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
