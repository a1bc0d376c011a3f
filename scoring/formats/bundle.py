"""The inputs bundle every output carries (docs/trust.md): a manifest (engine, command, as-of,
seed, the SHA-256 of every input file and source snapshot) and the input files themselves,
byte for byte, as one deterministic tar compressed with zlib. One digest names the whole
bundle: ``sha256:`` and the SHA-256 of the uncompressed tar (so a zlib built otherwise, which
may compress the same bytes differently, still gives the same digest).

Reading a bundle back is bounded: the compressed text, the decompressed tar (at most
``MAX_BUNDLE_BYTES``, streamed with a limit, so a zip-bomb-sized bundle is refused after
reading that much) and its members (regular files, unique names, nothing else). Every
problem is a :class:`BundleError` naming the file and what is wrong.

Where each kind of output carries its inputs bundle (``bundle.py``), and how it is found
again: HTML in an inert ``<template id="scoring-bundle">`` element (a browser parses a
template's content but never shows or runs it; the page keeps having no script at all) with
the digest on the first screen; JSON under a top-level ``bundle`` key; the xlsx workbook in
a hidden sheet; the PDF as an embedded file attachment. The kind of a file is told by its first
bytes, never by its name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..display import display_path
from ..errors import ScoringError
from ..version import __version__
from .loader import Case, file_sha256

ENGINE = "rubric-risk-scoring"
BUNDLE_FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"  # the members holding the input files: files/<path relative to the case>
BASELINE = "baseline/"  # --baseline: the baseline case's files, relative to its folder
BACKTEST = "backtest.json"  # --backtest: the backtest file the report's panel read
MAX_BUNDLE_BYTES = 64 * 1024 * 1024  # the decompressed tar, at most
MAX_MEMBERS = 10_000
MAX_DRAWS = 1_000_000  # a manifest asking for more Monte Carlo draws is refused (bounded work)
MAX_SNAPSHOT_HASHED = 1024 * 1024 * 1024  # a snapshot larger than this is not hashed
HTML_TYPE = "application/vnd.scoring.bundle+zlib;base64"  # the inert element's type
HTML_ID = "scoring-bundle"
JSON_KEY = "bundle"
_CHUNK = 1 << 16
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


class BundleError(ScoringError):
    """A file whose inputs bundle is missing, broken, too large or inconsistent."""

    slug = "bad-bundle"


@dataclass(frozen=True)
class Bundle:
    """A bundle as read back: its digest (``sha256:<hex>``), its manifest and its files
    (by path relative to the case folder, as the manifest's ``inputs`` name them)."""

    digest: str
    manifest: dict[str, Any]
    files: dict[str, bytes]
    data: bytes  # the compressed bundle, as embedded (before base64)
    baseline: dict[str, bytes] = field(default_factory=dict)  # --baseline's case files
    backtest: bytes | None = None  # --backtest's file

    @property
    def text(self) -> str:
        """The bundle as base64 text, as HTML and JSON embed it."""
        return base64.b64encode(self.data).decode("ascii")


def make_bundle(case: Case, folder: Path, command: Sequence[str], output: str,
                seed: int, draws: int, options: dict[str, Any] | None = None,
                baseline: tuple[Case, Path] | None = None,
                backtest: Path | None = None) -> Bundle:
    """The bundle of ``case`` (loaded from ``folder``) for an ``output`` of kind ``output``
    (html, pdf, json, xlsx) made by ``command`` (argv without the output path). Each file is
    read again and must still have the digest it was scored with. ``seed`` and ``draws``:
    the Monte Carlo's. ``baseline`` (the case ``--baseline`` named, and its folder) and
    ``backtest`` (the file ``--backtest`` named) travel too, each under its own name, so that
    the numbers they gave the report can be recomputed."""
    files, inputs = _case_files(case, folder)
    base_files: dict[str, bytes] = {}
    extra: dict[str, Any] = {}
    if baseline is not None:
        base_files, extra["baseline_inputs"] = _case_files(*baseline)
    backtest_data = None
    if backtest is not None:
        backtest_data = backtest.read_bytes()
        extra["backtest_file"] = {"path": display_path(backtest),
                                  "sha256": hashlib.sha256(backtest_data).hexdigest()}
    rubric = next(i for i in case.inputs if i.role == "rubric")
    manifest = {
        "bundle_format": BUNDLE_FORMAT,
        "engine": {"name": ENGINE, "version": __version__},
        "command": list(command),
        "output": output,
        "case": case.meta.id,
        "as_of": str(case.meta.as_of),
        "seed": seed,
        "draws": draws,
        "rubric": {"id": case.rubric.id, "version": case.rubric.version,
                   "path": rubric.path, "sha256": rubric.sha256},
        "inputs": inputs,
        "snapshots": snapshot_digests(case, folder),
        "options": dict(sorted((options or {}).items())),
        **extra,  # only when given: a report without them keeps its bytes
    }
    payload = _tar(manifest, files, base_files, backtest_data)
    return Bundle("sha256:" + hashlib.sha256(payload).hexdigest(), manifest, files,
                  zlib.compress(payload, 9), base_files, backtest_data)


def _case_files(case: Case, folder: Path) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    """Each input file of ``case`` (loaded from ``folder``), read again and checked to have
    the digest it was scored with, and the manifest's list of them (role, path, sha256)."""
    files: dict[str, bytes] = {}
    inputs = []
    for i in sorted(case.inputs, key=lambda i: i.path):
        data = (folder / i.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != i.sha256:
            raise BundleError(f"{folder / i.path}: the file changed while the report was "
                              "being made; run the command again")
        files[i.path] = data
        inputs.append({"role": i.role, "path": i.path, "sha256": i.sha256})
    return files, inputs


def snapshot_digests(case: Case, folder: Path) -> list[dict[str, Any]]:
    """Each source snapshot: the source, its path, the SHA-256 the source declares, and the
    SHA-256 of the file when it is in the case folder (None when it is not there)."""
    out = []
    for s in sorted(case.sources, key=lambda s: s.id):
        if s.snapshot is None:
            continue
        found = None
        path = folder / s.snapshot
        if not Path(s.snapshot).is_absolute() and ".." not in Path(s.snapshot).parts \
                and path.is_file() and not path.is_symlink() \
                and path.stat().st_size <= MAX_SNAPSHOT_HASHED:
            found = file_sha256(path)
        out.append({"source": s.id, "path": s.snapshot, "declared_sha256": s.sha256,
                    "sha256": found})
    return out


def _tar(manifest: dict[str, Any], files: dict[str, bytes],
         baseline: dict[str, bytes] | None = None, backtest: bytes | None = None) -> bytes:
    """The uncompressed tar: the manifest, then each file under ``files/``, sorted, (and
    the baseline's under ``baseline/``, the backtest file) with fixed owners, modes and times
    (the same inputs give the same bytes)."""
    out = io.BytesIO()
    text = json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    members = [(MANIFEST, text.encode("utf-8")),
               *sorted((FILES + p, d) for p, d in files.items()),
               *sorted((BASELINE + p, d) for p, d in (baseline or {}).items())]
    if backtest is not None:
        members.append((BACKTEST, backtest))
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def decode_bundle(text: str | bytes, where: str, digest: str | None = None) -> Bundle:
    """The bundle whose base64 text is ``text`` (found in ``where``, for messages); with
    ``digest`` (the one the file shows), checked to be that bundle's."""
    raw = text.encode("ascii", "replace") if isinstance(text, str) else text
    try:
        data = base64.b64decode(b"".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"{where}: the inputs bundle is not valid base64 (the file was "
                          "cut short or edited)") from None
    return open_bundle(data, where, digest)


def open_bundle(data: bytes, where: str, digest: str | None = None) -> Bundle:
    """The bundle of the compressed bytes ``data``: decompressed with a limit, its tar
    read member by member, its manifest checked for the fields a reader needs."""
    payload = _inflate(data, where)
    manifest, files, baseline, backtest = _members(payload, where)
    got = "sha256:" + hashlib.sha256(payload).hexdigest()
    if digest is not None and digest != got:
        raise BundleError(f"{where}: the file shows bundle {digest} but carries bundle {got} "
                          "(the bundle was swapped or edited)")
    return Bundle(got, manifest, files, data, baseline, backtest)


def _inflate(data: bytes, where: str) -> bytes:
    """``data`` decompressed, refusing more than ``MAX_BUNDLE_BYTES`` (read in steps: a
    small bundle that would expand to gigabytes stops at the limit)."""
    d = zlib.decompressobj()
    out = bytearray()
    rest = data
    try:
        while rest:
            out += d.decompress(rest, MAX_BUNDLE_BYTES + 1 - len(out))
            if len(out) > MAX_BUNDLE_BYTES:
                raise BundleError(f"{where}: the inputs bundle expands to more than "
                                  f"{MAX_BUNDLE_BYTES // (1024 * 1024)} MiB; refused")
            rest = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error as exc:
        raise BundleError(f"{where}: the inputs bundle is not valid compressed data "
                          f"({exc})") from None
    if not d.eof:
        raise BundleError(f"{where}: the inputs bundle is cut short (its compressed data "
                          "ends early)")
    if d.unused_data:
        raise BundleError(f"{where}: the inputs bundle has data after its end")
    return bytes(out)


def _members(payload: bytes, where: str
             ) -> tuple[dict[str, Any], dict[str, bytes], dict[str, bytes], bytes | None]:
    manifest: dict[str, Any] | None = None
    files: dict[str, bytes] = {}
    baseline: dict[str, bytes] = {}
    backtest: bytes | None = None
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:") as tar:
            for k, info in enumerate(tar):
                if k >= MAX_MEMBERS or not info.isreg():
                    what = "too many members" if k >= MAX_MEMBERS else "a member that is " \
                        "not a file"
                    raise BundleError(f"{where}: the inputs bundle holds {what} "
                                      f"({info.name!r})")
                fh = tar.extractfile(info)
                assert fh is not None
                data = fh.read()
                if info.name == MANIFEST and manifest is None:
                    manifest = _manifest(data, where)
                elif info.name.startswith(FILES) and info.name[len(FILES):] not in files:
                    files[info.name[len(FILES):]] = data
                elif info.name.startswith(BASELINE) \
                        and info.name[len(BASELINE):] not in baseline:
                    baseline[info.name[len(BASELINE):]] = data
                elif info.name == BACKTEST and backtest is None:
                    backtest = data
                else:
                    raise BundleError(f"{where}: the inputs bundle holds an unexpected or "
                                      f"repeated member {info.name!r}")
    except (tarfile.TarError, EOFError) as exc:
        raise BundleError(f"{where}: the inputs bundle is not a valid archive "
                          f"({exc})") from None
    if manifest is None:
        raise BundleError(f"{where}: the inputs bundle has no manifest")
    return manifest, files, baseline, backtest


def _manifest(data: bytes, where: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{where}: the bundle's manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"{where}: the bundle's manifest is not an object")
    kinds = {"engine": dict, "inputs": list, "rubric": dict, "snapshots": list,
             "options": dict, "command": list, "seed": int, "draws": int}
    wrong = [k for k, kind in kinds.items() if not isinstance(manifest.get(k), kind)
             or isinstance(manifest.get(k), bool)]
    wrong += [k for k, kind in {"baseline_inputs": list, "backtest_file": dict}.items()
              if k in manifest and not isinstance(manifest[k], kind)]  # only with the options
    draws = manifest.get("draws")
    if not wrong and not 1 <= int(draws) <= MAX_DRAWS:  # type: ignore[arg-type]
        wrong.append("draws")
    dates = manifest.get("options", {}).get("dates", []) if not wrong else []
    if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
        wrong.append("options.dates")
    if wrong:
        raise BundleError(f"{where}: the bundle's manifest has no valid "
                          + ", ".join(wrong) + " (not a bundle scoring made)")
    return manifest


def is_digest(text: str) -> bool:
    """Whether ``text`` is a bundle digest, ``sha256:`` and 64 hex digits."""
    return bool(_DIGEST.match(text))


def read_bundle(path: Path) -> Bundle:
    """The inputs bundle of the output at ``path``, whatever its kind (HTML, JSON, PDF,
    xlsx: told by its first bytes), checked against the digest the file shows."""
    return read(path)

MAX_OUTPUT_BYTES = 512 * 1024 * 1024  # an output larger than this is not read
PDF_ATTACHMENT = "scoring-bundle.zlib"  # the PDF's attachment (the compressed bundle)
XLSX_SHEET = "Bundle"  # the workbook's hidden sheet: A1 the digest, A2... the base64 text
XLSX_CHUNK = 32_000  # characters of base64 per cell (a cell holds at most 32 767)
DIGEST_ID = "bundle-digest"  # the HTML element that shows the digest on the first screen

_HTML_BUNDLE = re.compile(r'<template id="' + HTML_ID + r'" data-type="'
                          + re.escape(HTML_TYPE) + r'">([^<]*)</template>')
_HTML_DIGEST = re.compile(r'<code id="' + DIGEST_ID + r'">([^<]*)</code>')
_HTML_RECORD = re.compile(r'<p id="run-record/bundle">[^<]*<code>([^<]*)</code>')


def kind_of(head: bytes) -> str | None:
    """The kind of output whose first bytes are ``head``: html, json, pdf, xlsx, or None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"%PDF-"):
        return "pdf"
    if text.startswith(b"PK\x03\x04"):
        return "xlsx"
    if text.startswith(b"{"):
        return "json"
    if text[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def read_output(path: Path) -> tuple[str, bytes]:
    """The kind and bytes of the output at ``path``; a BundleError for a file that is not
    one of scoring's outputs (or too large to be one)."""
    where = display_path(path)
    with path.open("rb") as fh:  # a file that cannot be read is the machine's fault: exit 1
        data = fh.read(MAX_OUTPUT_BYTES + 1)
    if len(data) > MAX_OUTPUT_BYTES:
        raise BundleError(f"{where}: larger than {MAX_OUTPUT_BYTES // (1024 * 1024)} MiB: "
                          "not a scoring report")
    kind = kind_of(data[:64])
    if kind is None:
        raise BundleError(f"{where}: not a scoring report (HTML, JSON, PDF or xlsx)")
    return kind, data


def read(path: Path) -> Bundle:
    """The bundle of the output at ``path``, checked against the digest it shows."""
    kind, data = read_output(path)
    return bundle_of(kind, data, display_path(path))


def bundle_of(kind: str, data: bytes, where: str) -> Bundle:
    """The bundle in the bytes ``data`` of an output of ``kind``."""
    if kind == "html":
        return _from_html(data.decode("utf-8", errors="replace"), where)
    if kind == "json":
        return _from_json(_json(data, where), where)
    if kind == "xlsx":
        return _from_xlsx(data, where)
    return _from_pdf(data, where)


def _missing(where: str) -> BundleError:
    return BundleError(f"{where}: carries no inputs bundle (a report from before bundles, "
                       "or one whose bundle was removed)")


def _shown(digest: str | None, where: str) -> str:
    if digest is None or not is_digest(digest):
        raise BundleError(f"{where}: shows no valid bundle digest (sha256:<64 hex digits>)")
    return digest


# ------------------------------------------------------------------------------- HTML
def html_element(bundle: Bundle) -> str:
    """The inert element that carries ``bundle`` in a page (base64 has no character that
    HTML would read as markup)."""
    return f'<template id="{HTML_ID}" data-type="{HTML_TYPE}">{bundle.text}</template>'


def _from_html(text: str, where: str) -> Bundle:
    found = _HTML_BUNDLE.findall(text)
    if not found:
        if f'id="{HTML_ID}"' in text:
            raise BundleError(f"{where}: the inputs bundle is cut short (the file is "
                              "truncated or edited)")
        raise _missing(where)
    if len(found) > 1:
        raise BundleError(f"{where}: carries {len(found)} inputs bundles; a report has one")
    digests = _HTML_DIGEST.findall(text)
    if len(digests) != 1:
        raise BundleError(f"{where}: shows {len(digests)} bundle digests; a report shows one")
    shown = _shown(digests[0], where)
    if any(d != shown for d in _HTML_RECORD.findall(text)):  # the run record repeats it
        raise BundleError(f"{where}: the run record shows another bundle digest than the "
                          "first screen (the file was edited)")
    return decode_bundle(found[0], where, shown)


# ------------------------------------------------------------------------------- JSON
def json_value(bundle: Bundle) -> dict[str, str]:
    """The value of the JSON output's ``bundle`` key."""
    return {"digest": bundle.digest, "data": bundle.text}


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{where}: not valid JSON ({exc}): truncated or not a scoring "
                          "output") from None


def _from_json(doc: Any, where: str) -> Bundle:
    if not isinstance(doc, dict) or "records" not in doc:
        raise BundleError(f"{where}: not a scoring JSON output (no records)")
    got = doc.get(JSON_KEY)
    if got is None:
        raise _missing(where)
    if not isinstance(got, dict) or not isinstance(got.get("data"), str) \
            or not isinstance(got.get("digest"), str):
        raise BundleError(f"{where}: $.{JSON_KEY} must hold a digest and data (strings)")
    return decode_bundle(got["data"], where, _shown(got["digest"], where))


# ------------------------------------------------------------------------------- xlsx
def _from_xlsx(data: bytes, where: str) -> Bundle:
    cells = xlsx_sheet_column(data, where, XLSX_SHEET)
    if not cells:
        raise _missing(where)
    return decode_bundle("".join(cells[1:]), where, _shown(cells[0], where))


def xlsx_sheet_column(data: bytes, where: str, sheet: str) -> list[str]:
    """The values of column A of ``sheet`` of the workbook ``data``, top down (empty when
    the workbook has no such sheet)."""
    cells = xlsx_cells(data, where, (sheet,)).get(sheet, {})
    return [v for (_, col), (v, _) in sorted(cells.items()) if col == 0]


_CELL = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def xlsx_cells(data: bytes, where: str, only: tuple[str, ...] | None = None
               ) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    """Every cell of every sheet (or of the sheets ``only``) of the workbook ``data``: by
    sheet name, (row, column) from 0 to (value as text, kind: ``s`` a string, ``n`` a
    number, ``b`` a boolean, ``e`` an error). A formula cell gives its cached value."""
    from xml.etree import ElementTree as ET

    m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            def part(name: str) -> Any:
                info = z.getinfo(name)
                if info.file_size > 64 * 1024 * 1024:
                    raise BundleError(f"{where}: the workbook's part {name} is too large")
                return ET.fromstring(z.read(name))

            book = part("xl/workbook.xml")
            rels = {r.get("Id"): str(r.get("Target")) for r in part("xl/_rels/workbook.xml.rels")}
            shared: list[str] = []
            if "xl/sharedStrings.xml" in z.namelist():
                shared = ["".join(t.text or "" for t in si.iter(f"{m}t"))
                          for si in part("xl/sharedStrings.xml").iter(f"{m}si")]
            for sh in book.iter(f"{m}sheet"):
                name = str(sh.get("name"))
                if only is not None and name not in only:
                    continue
                cells = out[name] = {}
                for c in part("xl/" + rels[sh.get(r_id)].removeprefix("/xl/")).iter(f"{m}c"):
                    at = _CELL.match(str(c.get("r", "")))
                    if at is None:
                        continue
                    col = 0
                    for ch in at.group(1):
                        col = col * 26 + ord(ch) - 64
                    kind = c.get("t", "n")
                    v = c.find(f"{m}v")
                    if kind == "s" and v is not None:
                        value, kind = shared[int(v.text or "0")], "s"
                    elif kind == "inlineStr":
                        value, kind = "".join(t.text or "" for t in c.iter(f"{m}t")), "s"
                    elif kind == "str":
                        value, kind = (v.text or "") if v is not None else "", "s"
                    elif v is not None:
                        value = v.text or ""
                    else:
                        continue
                    cells[(int(at.group(2)) - 1, col - 1)] = (value, kind)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, IndexError,
            EOFError) as exc:
        raise BundleError(f"{where}: not a readable workbook ({type(exc).__name__}: {exc}): "
                          "truncated or not a scoring output") from None
    return out


# ------------------------------------------------------------------------------- PDF
def _from_pdf(data: bytes, where: str) -> Bundle:
    attachments, text = pdf_parts(data, where)
    got = attachments.get(PDF_ATTACHMENT)
    if got is None:
        raise _missing(where)
    m = re.search(r"inputs bundle \(attached\)\s*sha256:\s*((?:[0-9a-f]\s*){64})", text)
    digest = None if m is None else "sha256:" + re.sub(r"\s", "", m.group(1))
    return open_bundle(got, where, _shown(digest, where))


def pdf_text(data: bytes, where: str) -> str:
    """The text of every page of the PDF ``data``, as a reader's copy and paste gives it."""
    return pdf_parts(data, where)[1]


def pdf_parts(data: bytes, where: str) -> tuple[dict[str, bytes], str]:
    """The attachments of the PDF ``data`` and the text of its pages."""
    try:
        import pypdf
    except ImportError:
        raise BundleError(f"{where}: reading a PDF's bundle needs pypdf: pip install "
                          "'rubric-risk-scoring[pdf]'") from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        attachments = {name: blobs[0] for name, blobs in reader.attachments.items() if blobs}
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise BundleError(f"{where}: not a readable PDF ({type(exc).__name__}): truncated "
                          "or not a scoring output") from None
    return attachments, text
