"""``scoring excerpt``: where an item's excerpt occurs in its sources' snapshots, said as a
locator (``section "Heading", para 2``; ``bullet 3``), so that excerpts and locators stay
honest.

A snapshot is split into blocks: headings, paragraphs and bullets. Paragraphs are separated by
blank lines; a document written one paragraph per line (most of its lines longer than 100
characters, as the seed documents) is read a paragraph per line. A heading is a Markdown
``#`` line, or a paragraph of one line of at most 120 characters that does not end a sentence
(``.``, ``!``, ``?``, ``,``, ``;``, ``:``). A bullet is a line starting ``-``, ``*`` or ``•``
(or the line after a lone ``-``). Paragraphs and bullets are counted from 1 under each
heading; an HTML snapshot is read as its text (tags dropped). The
excerpt is compared as ``scoring verify`` compares it (quotes, dashes, spaces, case folded).
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..display import display_path
from ..errors import ScoringError
from ..formats.loader import Case
from .verify import document_text, find_snapshot, normalise, read_snapshot


class UnknownItem(ScoringError):
    """``scoring excerpt`` was given an item id the case does not have."""

    slug = "unknown-item"


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "para", "bullet"
    text: str
    section: str | None
    number: int  # 1-based among the blocks of its kind in its section
    line: int


@dataclass(frozen=True)
class Place:
    """One occurrence of the excerpt: the proposed ``locator`` and the snapshot ``line``."""

    locator: str
    line: int


@dataclass(frozen=True)
class Searched:
    source: str
    snapshot: str
    status: str  # "found", "not found", or why the snapshot could not be read
    places: tuple[Place, ...] = ()


@dataclass(frozen=True)
class Located:
    item: str
    excerpt: str
    locators: tuple[tuple[str, str], ...]  # (source, locator) as the item has them now
    searched: tuple[Searched, ...]

    @property
    def found(self) -> bool:
        return any(s.places for s in self.searched)


_SENTENCE_END = (".", "!", "?", ",", ";", ":")
_BULLET = re.compile(r"^[-*•]\s+(.*)$")


def _heading_like(line: str) -> bool:
    return len(line) <= 120 and not line.endswith(_SENTENCE_END)


def blocks(text: str) -> list[Block]:
    """The headings, paragraphs and bullets of a document's text."""
    lines = text.splitlines()
    content = [ln for ln in lines if ln.strip()]
    per_line = not content or statistics.median(len(ln) for ln in content) > 100 or \
        len(content) == len(lines)
    out: list[Block] = []
    section: str | None = None
    counts: dict[str, int] = {}
    run: list[str] = []
    run_start = 0
    bullet_next = False

    def add(kind: str, body: str, line: int) -> None:
        nonlocal section
        if kind == "heading":
            section = body
            counts.clear()
        counts[kind] = counts.get(kind, 0) + 1
        out.append(Block(kind, body, section, counts[kind], line))

    def flush() -> None:
        if run:
            one = len(run) == 1 and _heading_like(run[0])
            add("heading" if one else "para", " ".join(run), run_start)
            run.clear()

    for k, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line in ("-", "*", "•"):
            flush()
            bullet_next = True
            continue
        m = _BULLET.match(line)
        if bullet_next or m:
            flush()
            add("bullet", m.group(1) if m and not bullet_next else line, k)
            bullet_next = False
        elif line.startswith("#") or (per_line and _heading_like(line)):
            flush()
            add("heading", line.lstrip("#").strip(), k)
        elif per_line:
            add("para", line, k)
        else:
            if not run:
                run_start = k
            run.append(line)
    flush()
    return out


def _locator(first: Block, last: Block) -> str:
    where = f'section "{first.section}", ' if first.section else ""
    if first.kind == "heading":
        return f'heading "{first.text}"'
    number = str(first.number) if first is last or last.kind != first.kind or \
        last.section != first.section else f"{first.number}-{last.number}"
    plural = "s" if "-" in number else ""
    return f"{where}{first.kind}{plural} {number}"


def places(text: str, excerpt: str) -> tuple[Place, ...]:
    """Every place of ``excerpt`` in ``text``, as a locator."""
    parts = blocks(text)
    folded = [normalise(b.text) for b in parts]
    needle = normalise(excerpt)
    if not needle:
        return ()
    starts = []
    at = 0
    for f in folded:
        starts.append(at)
        at += len(f) + 1
    joined = " ".join(folded)
    found: list[Place] = []
    k = joined.find(needle)
    while k >= 0:
        first = bisect.bisect_right(starts, k) - 1
        last = bisect.bisect_right(starts, k + len(needle) - 1) - 1
        found.append(Place(_locator(parts[first], parts[last]), parts[first].line))
        k = joined.find(needle, k + 1)
    return tuple(found)


def locate_excerpt(case: Case, root: Path, item_id: str, extra: list[Path]) -> Located:
    """Where the excerpt of item ``item_id`` occurs in the snapshots of the sources it cites."""
    item = next((i for i in case.items if i.id == item_id), None)
    if item is None:
        raise UnknownItem(f"no item {item_id!r} in {case.meta.id}")
    if not item.excerpt:
        raise ScoringError(f"item {item_id} has no excerpt to look for")
    searched = []
    # A relayed source was read in its relay's document (``via``): the excerpt is there.
    for sid in dict.fromkeys(s for r in item.sources for s in (r.via, r.source) if s):
        source = case.source(sid)
        if source.snapshot is None:
            searched.append(Searched(source.id, "", "no snapshot"))
            continue
        path, why = find_snapshot(source.snapshot, root, extra)
        if path is None:
            searched.append(Searched(source.id, source.snapshot, why))
            continue
        try:
            _, raw, _ = read_snapshot(path)
        except OSError as exc:
            searched.append(Searched(source.id, source.snapshot,
                                     f"cannot read the snapshot: {exc.strerror or exc}"))
            continue
        text = document_text(path, raw)
        hits = places(text, item.excerpt)
        searched.append(Searched(source.id, display_path(path), "found" if hits else "not found", hits))
    return Located(item.id, item.excerpt,
                   tuple((r.via or r.source, r.locator) for r in item.sources), tuple(searched))
