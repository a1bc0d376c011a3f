"""Reading a document's list of sources: numbered (``[1] Title — 2026-03-01 https://…``,
``1. Title``), bulleted (``- Title (2026-03-01)``, or a ``-`` line followed by the entry, as
the Meta analyst note writes it) and Markdown footnotes (``[^1]: Title``).

The list is the part of the document after a heading line named Sources, References,
Bibliography, Citations, Works cited or Notes (any case, ``#`` and a trailing colon allowed),
up to the next Markdown heading; every other line there must be an entry or is reported. A
document without such a heading gives its ``[1]`` lines. Footnote definitions are entries
wherever they are. The document is untrusted: nothing here raises on its content; what cannot
be read becomes a :class:`Unparsed` line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..display import CONTROL, escape_controls

# An entry longer than this is not a title anyone typed: reported, and never matched by a
# regular expression (which keeps a hostile line of megabytes cheap).
MAX_ENTRY_CHARS = 2_000
# The document text read (the hash covers the whole file).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

_HEADING = re.compile(r"^#{0,6}\s*(sources|references|bibliography|citations|works cited|notes)"
                      r"\s*:?\s*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s")
_FOOTNOTE = re.compile(r"^\[\^([^\]\s]{1,20})\]:\s*(.*)$")
_BRACKETED = re.compile(r"^\[(\d{1,6})\]\s*(.*)$")
_NUMBERED = re.compile(r"^(\d{1,6})[.)]\s+(.*)$")
_BULLET = re.compile(r"^[-*+•]\s+(.*)$")
_LONE_BULLET = re.compile(r"^[-*+•]$")
_MD_LINK = re.compile(r"^\[([^\]]+)\]\((https?://[^\s()]+)\)(.*)$")
_TRAILING_URL = re.compile(r"\s*<?(https?://[^\s<>]+)>?$")
_TRAILING_DATE = re.compile(r"(?:\s*[-–—,;|:]\s*|\s+)[(\[]?(\d{4}-\d{2}-\d{2})[)\]]?\.?$")
_LEADING_DATE = re.compile(r"^[(\[]?(\d{4}-\d{2}-\d{2})[)\]]?\s*$")


@dataclass(frozen=True)
class Entry:
    """One source of the list: its ``line`` (1-based) in the document and what it gives."""

    line: int
    title: str
    date: dt.date | None = None
    url: str | None = None
    cited_as: str | None = None


@dataclass(frozen=True)
class Unparsed:
    """A line of the list that is not an entry, and why."""

    line: int
    message: str


@dataclass(frozen=True)
class SourceList:
    entries: tuple[Entry, ...]
    unparsed: tuple[Unparsed, ...]
    heading: int | None  # the line of the list's heading, if there is one


def parse_source_list(text: str) -> SourceList:
    """The entries of ``text``'s source list and the lines of it that could not be read."""
    lines = text.splitlines()
    heading = next((k for k in range(len(lines) - 1, -1, -1)
                    if len(lines[k]) < 100 and _HEADING.match(lines[k].strip())), None)
    entries: list[Entry] = []
    unparsed: list[Unparsed] = []
    in_list = False
    pending: int | None = None  # the line of a lone "-" whose entry is on the next line
    for k, raw in enumerate(lines):
        line = raw.strip()
        number = k + 1
        if heading is not None and k == heading:
            in_list = True
            continue
        if in_list and _MD_HEADING.match(line):
            in_list = False
        if len(line) > MAX_ENTRY_CHARS:
            if in_list or line.startswith("[") or pending is not None:
                unparsed.append(Unparsed(number, f"line is {len(line)} characters long; an "
                                                 f"entry holds at most {MAX_ENTRY_CHARS}"))
            pending = None
            continue
        if not line:
            continue
        marker, rest = _marker(line, in_list, heading is None)
        if pending is not None:
            marker, rest, pending = "", line, None
        elif in_list and _LONE_BULLET.match(line):
            pending = number
            continue
        if marker is None:
            if in_list:
                unparsed.append(Unparsed(number, f"not a list entry: {_quote(line)}"))
            continue
        one = _entry(number, rest, marker)
        if isinstance(one, Unparsed):
            unparsed.append(one)
        else:
            entries.append(one)
    if pending is not None:
        unparsed.append(Unparsed(pending, "a bullet with no entry after it"))
    return SourceList(tuple(entries), tuple(unparsed), None if heading is None else heading + 1)


def _marker(line: str, in_list: bool, anywhere: bool) -> tuple[str | None, str]:
    """How the line is numbered (``[1]``, ``1.``, ``[^1]``, ``""`` for a bullet) and the rest;
    None when it is not an entry here."""
    if m := _FOOTNOTE.match(line):
        return f"[^{m.group(1)}]", m.group(2)
    if (in_list or anywhere) and (m := _BRACKETED.match(line)):
        return f"[{m.group(1)}]", m.group(2)
    if in_list and (m := _NUMBERED.match(line)):
        return f"{m.group(1)}.", m.group(2)
    if in_list and (m := _BULLET.match(line)):
        return "", m.group(1)
    return None, line


def _entry(number: int, text: str, marker: str) -> Entry | Unparsed:
    """One entry's title, date and link, or why it has none."""
    if bad := CONTROL.search(text.replace("\t", " ")):
        return Unparsed(number, f"holds a control character or direction mark "
                                f"({escape_controls(bad.group())}); not imported")
    text = unicodedata.normalize("NFC", text.replace("\t", " ")).strip()
    url = None
    if m := _MD_LINK.match(text):
        text, url = f"{m.group(1)} {m.group(3).strip()}".strip(), m.group(2)
    day = None
    for _ in range(2):  # "Title — 2026-03-01 https://…" or "Title https://… 2026-03-01"
        if url is None and (m := _TRAILING_URL.search(text)) and m.start() > 0:
            url, text = m.group(1), text[: m.start()]
        if day is None and (m := _TRAILING_DATE.search(text)):
            try:
                day = dt.date.fromisoformat(m.group(1))
            except ValueError:
                return Unparsed(number, f"'{m.group(1)}' is not a date (YYYY-MM-DD)")
            text = text[: m.start()]
    if day is None and (m := _LEADING_DATE.match(text)):
        return Unparsed(number, "an entry with a date and no title")
    title = text.strip()
    if not title:
        return Unparsed(number, "an entry with no title")
    return Entry(number, title, day, url, marker or None)


def _quote(line: str) -> str:
    shown = line if len(line) <= 60 else line[:57] + "..."
    return '"' + escape_controls(shown) + '"'


def same_title(title: str) -> str:
    """The form in which two titles are compared: NFC, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFC", title).split())
