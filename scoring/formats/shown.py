"""The numbers an output shows, each with the trace id it stands for, read back from the file
as a reader sees it (``scoring verify-report`` compares them with the recomputed records).

HTML (``report/html.py`` writes these forms; parsed with ``html.parser``, no regex over
markup): a number link ``<a class="num" href="#ID">shown</a>``; a derivation's input
``<a href="#ID" data-value=…><code>ID</code> = shown</a>``; a number shown in place, the
``<b>`` inside ``<span id="ID">`` (one span per id the cell stands for); an appendix entry's
``<b>`` inside ``<p class="d" id="ID">``; a chart segment's tooltip, ``<a href="#ID"><rect
data-value=…><title>label: shown</title>``. JSON: each record's ``display``. The workbook:
each trace-id cell beside its number. The PDF: each ``shown [ID]`` of its text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from .bundle import BundleError


@dataclass(frozen=True)
class Shown:
    """One number as the output shows it: its trace id, the text shown and where (the
    line of an HTML or PDF file, the JSON path, the workbook cell)."""

    id: str
    text: str
    where: str
    exact: str | None = None  # the full-precision value beside it (data-value, JSON value)
    of: str = "number"  # or "excerpt": an item's excerpt as the evidence table quotes it


def raw_text(value: Any) -> str:
    """A value at full precision as the outputs write it (``data-value``): a number's
    ``repr`` as a float, a text as it is, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return repr(float(value))


_BACKTEST_SPAN = re.compile(r"^(bands\[\d+\])\.(rate|interval)(?: in the backtest file)?$")


class _Numbers(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Shown] = []
        self._open: list[tuple[str, str | None, str]] = []  # (tag, id it shows, kind)
        self._text: list[str] | None = None
        self._target: tuple[str, str] | None = None  # (kind, id) being read
        self._spans: list[str | None] = []
        self._para: str | None = None
        self._link: str | None = None  # the href id of the <a> a <rect> is in
        self._exact: str | None = None  # the data-value of the element being read
        self._rect_value: str | None = None
        self._row: str | None = None  # the item of the evidence-table row being read
        self._cells = 0
        self._row_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        href = a.get("href") or ""
        if tag == "tr":
            rid = a.get("id") or ""
            self._row = rid if rid.startswith("item/") else None
            self._cells, self._row_text = 0, []
            self._row_line = self.getpos()[0]
        elif tag == "td" and self._row is not None:
            self._cells += 1
        if tag == "a":
            self._link = href[1:] if href.startswith("#") else None
            if "num" in (a.get("class") or "").split() and self._link:
                self._start("num", self._link, a.get("data-value"))
            elif "data-value" in a and self._link:
                self._start("ref", self._link, a.get("data-value"))
        elif tag == "span":
            self._spans.append(a.get("id"))
            bt = _BACKTEST_SPAN.match(a.get("title") or "")
            if bt and self._target is None:  # the backtest panel's rate or interval
                self._start("backtest", f"backtest/{bt.group(1)}.{bt.group(2)}")
        elif tag == "p":
            self._para = a.get("id") if a.get("class") == "d" else None
        elif tag == "b" and self._target is None:
            ids = [i for i in self._spans if i]
            if ids:
                self._start("cell", "\0".join(ids), a.get("data-value"))
            elif self._para:
                self._start("entry", self._para, a.get("data-value"))
        elif tag == "title" and self._link and self._target is None and self._rect:
            self._start("title", self._link, self._rect_value)
        if tag in ("rect", "circle"):  # a bar's segment, a trend point
            self._rect = "data-value" in a
            self._rect_value = a.get("data-value")
        elif tag != "title":
            self._rect = False

    _rect = False

    def _start(self, kind: str, rid: str, exact: str | None = None) -> None:
        self._target = (kind, rid)
        self._exact = exact
        self._text = []
        self._line = self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._row is not None and self._cells == 1:
            self._row_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        ends = {"num": "a", "ref": "a", "cell": "b", "entry": "b", "title": "title",
                "backtest": "span"}
        if self._target is not None and ends[self._target[0]] == tag:
            kind, rid = self._target
            text = "".join(self._text or [])
            if kind == "ref":
                text = text.partition(" = ")[2]
            elif kind == "title" and rid.startswith("trend/"):  # "date: shown (band)"
                text = text.partition(": ")[2]
            elif kind == "title":  # "label: shown", or a bar's "label: low to high"
                text = text.rpartition(": ")[2].partition(" to ")[0]
            for one in rid.split("\0"):
                self.found.append(Shown(one, text.strip(), f"line {self._line}", self._exact))
            self._target, self._text = None, None
        if tag == "tr" and self._row is not None:
            text = "".join(self._row_text)
            start, end = text.find("\u201c"), text.rfind("\u201d (excerpt ")
            if 0 <= start < end:
                self.found.append(Shown(self._row, text[start + 1:end],
                                        f"line {self._row_line}", None, "excerpt"))
            self._row = None
        if tag == "span" and self._spans:
            self._spans.pop()
        elif tag == "p":
            self._para = None
        elif tag == "a":
            self._link = None


def html_numbers(text: str) -> list[Shown]:
    """Every number the HTML page ``text`` shows, with its trace id, in page order."""
    parser = _Numbers()
    parser.feed(text)
    parser.close()
    return parser.found


def json_numbers(doc: Any, where: str) -> list[Shown]:
    """Every record's ``display`` of a JSON output (``scoring score --format json``)."""
    records = doc.get("records") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        raise BundleError(f"{where}: $.records must be a list of records")
    out = []
    for k, r in enumerate(records):
        if not isinstance(r, dict) or not isinstance(r.get("id"), str):
            raise BundleError(f"{where}: $.records[{k}] has no id")
        out.append(Shown(r["id"], str(r.get("display", "")), f"$.records[{k}]",
                         raw_text(r.get("value"))))
    return out


def xlsx_numbers(sheets: dict[str, dict[tuple[int, int], tuple[str, str]]]) -> list[Shown]:
    """Every cell of a trace-id table of the workbook (a row whose A cell is ``trace id``
    heads one; the rows below it, to the first without an id, are its rows): the cell of row
    ``ID`` under header ``H`` shows ``ID/H`` (its cached value, at full precision)."""
    out = []
    for name, cells in sheets.items():
        heads: dict[int, str] | None = None
        for row in sorted({r for r, _ in cells}):
            first = cells.get((row, 0), ("", ""))[0]
            if first == "trace id":
                heads = {c: v for (r, c), (v, _) in cells.items() if r == row and c > 0}
                continue
            if heads is None or not first:
                heads = None if not first else heads
                continue
            for col, head in heads.items():
                got = cells.get((row, col))
                if got is not None and got[0] != "":
                    out.append(Shown(f"{first}/{head}", got[0],
                                     f"{name}!{_column(col)}{row + 1}", None, "cell"))
    return out


def _column(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# The tear sheet writes a number as "shown<thin space>tag" (a dagger may follow the number)
# and, below its section, "Trace ids: tag<thin space>id ...": tags restart in each section.
_PDF_NUMBER = re.compile(r"(?:^|(?<=\s))([^\s\u2009]+?)\u2020?\u2009(\d+)(?![\w/])")
_PDF_KEY = re.compile(r"(?:^|(?<=\s))(\d+)\u2009([A-Za-z][\w.\-]*/\S+)")
_PDF_KEYS = "Trace ids:"


def pdf_numbers(text: str) -> list[Shown]:
    """Every tagged number of a tear sheet's text, with the trace id its section's key
    gives its tag."""
    out = []
    start = 0
    while True:
        at = text.find(_PDF_KEYS, start)
        if at < 0:
            break
        keys, end = {}, at + len(_PDF_KEYS)
        for m in _PDF_KEY.finditer(text, end):
            between = text[end:m.start()]
            if between.strip():  # the key ends where other text starts
                break
            keys[m.group(1)] = m.group(2)
            end = m.end()
        for m in _PDF_NUMBER.finditer(text, start, at):
            rid = keys.get(m.group(2))
            if rid is not None:
                line = text.count("\n", 0, m.start()) + 1
                out.append(Shown(rid, m.group(1), f"text line {line}"))
        start = end
    return out


def json_document(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{where}: not valid JSON ({exc})") from None
