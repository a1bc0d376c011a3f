"""Where each kind of output carries its inputs bundle (``bundle.py``), and how it is found
again: HTML in an inert ``<template id="scoring-bundle">`` element (a browser parses a
template's content but never shows or runs it; the page keeps having no script at all) with
the digest on the first screen; JSON under a top-level ``bundle`` key; the xlsx workbook in
a hidden sheet; the PDF as an embedded file attachment. The kind of a file is told by its first
bytes, never by its name."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from ..display import display_path
from .bundle import HTML_ID, HTML_TYPE, JSON_KEY, Bundle, BundleError, decode_bundle, is_digest, open_bundle

MAX_OUTPUT_BYTES = 512 * 1024 * 1024  # an output larger than this is not read
PDF_ATTACHMENT = "scoring-bundle.zlib"  # the PDF's attachment (the compressed bundle)
XLSX_SHEET = "Bundle"  # the workbook's hidden sheet: A1 the digest, A2... the base64 text
XLSX_CHUNK = 32_000  # characters of base64 per cell (a cell holds at most 32 767)
DIGEST_ID = "bundle-digest"  # the HTML element that shows the digest on the first screen

_HTML_BUNDLE = re.compile(r'<template id="' + HTML_ID + r'" data-type="'
                          + re.escape(HTML_TYPE) + r'">([^<]*)</template>')
_HTML_DIGEST = re.compile(r'<code id="' + DIGEST_ID + r'">([^<]*)</code>')


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
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_OUTPUT_BYTES + 1)
    except OSError as exc:
        raise BundleError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
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
    return decode_bundle(found[0], where, _shown(digests[0], where))


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
    """The strings of column A of ``sheet`` of the workbook ``data``, top down (empty when
    the workbook has no such sheet)."""
    from xml.etree import ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            def part(name: str) -> Any:
                info = z.getinfo(name)
                if info.file_size > 64 * 1024 * 1024:
                    raise BundleError(f"{where}: the workbook's part {name} is too large")
                return ET.fromstring(z.read(name))

            book = part("xl/workbook.xml")
            rels = part("xl/_rels/workbook.xml.rels")
            rid = next((s.get(f"{{{ns['r']}}}id") for s in book.iterfind("m:sheets/m:sheet", ns)
                        if s.get("name") == sheet), None)
            if rid is None:
                return []
            target = next(r.get("Target") for r in rels if r.get("Id") == rid)
            shared: list[str] = []
            if "xl/sharedStrings.xml" in z.namelist():
                shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
                          for si in part("xl/sharedStrings.xml").iterfind("m:si", ns)]
            rows = part("xl/" + str(target).removeprefix("/xl/"))
            out = []
            for c in rows.iter(f"{{{ns['m']}}}c"):
                if not str(c.get("r", "")).startswith("A"):
                    continue
                v = c.find("m:v", ns)
                if c.get("t") == "s" and v is not None:
                    out.append(shared[int(v.text or "0")])
                elif c.get("t") == "inlineStr":
                    out.append("".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t")))
                elif v is not None:
                    out.append(v.text or "")
            return out
    except (zipfile.BadZipFile, KeyError, StopIteration, ET.ParseError, ValueError,
            IndexError, EOFError) as exc:
        raise BundleError(f"{where}: not a readable workbook ({type(exc).__name__}: {exc}): "
                          "truncated or not a scoring output") from None


# ------------------------------------------------------------------------------- PDF
def _from_pdf(data: bytes, where: str) -> Bundle:
    attachments, digest = pdf_parts(data, where)
    got = attachments.get(PDF_ATTACHMENT)
    if got is None:
        raise _missing(where)
    return open_bundle(got, where, _shown(digest, where))


def pdf_parts(data: bytes, where: str) -> tuple[dict[str, bytes], str | None]:
    """The attachments of the PDF ``data`` and the bundle digest its text shows."""
    try:
        import pypdf
    except ImportError:
        raise BundleError(f"{where}: reading a PDF's bundle needs pypdf: pip install "
                          "'rubric-risk-scoring[pdf]'") from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        attachments = {name: blobs[0] for name, blobs in reader.attachments.items() if blobs}
        text = "".join(page.extract_text() or "" for page in reader.pages[:1])
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise BundleError(f"{where}: not a readable PDF ({type(exc).__name__}): truncated "
                          "or not a scoring output") from None
    m = re.search(r"sha256:\s*([0-9a-f\s]{64,80})", text)
    digest = None if m is None else "sha256:" + re.sub(r"\s", "", m.group(1))[:64]
    return attachments, digest
