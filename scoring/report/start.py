"""Text of the commands that start a case: ``scoring new``, ``scoring sources import`` and
``scoring excerpt``. Every text from a document or a case is escaped for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..display import escape_controls as esc

if TYPE_CHECKING:
    from ..analysis.locate import Located
    from ..desk.source_import import ImportReport


def _short(text: str, width: int = 70) -> str:
    return esc(text if len(text) <= width else text[: width - 3] + "...")


def render_import(report: ImportReport) -> str:
    """What was added, skipped and not parsed, one line each, then the counts."""
    out = []
    for a in report.added:
        if a.entry is None:
            out.append(f"added {a.id}: the document {esc(report.document)} "
                       "(snapshot and sha256)")
        else:
            day = a.entry.date.isoformat() if a.entry.date else "no date"
            out.append(f"added {a.id}: \"{_short(a.title)}\" ({day}; "
                       f"{esc(report.document)}:{a.entry.line})")
    for s in report.skipped:
        where = f"{esc(report.document)}:{s.line}: " if s.line is not None else ""
        what = f"\"{_short(s.title)}\"" if s.line is not None else "the document"
        out.append(f"{where}skipped {what}: already a source ({esc(s.existing)})")
    for u in report.unparsed:
        out.append(f"{esc(report.document)}:{u.line}: not parsed: {esc(u.message)}")
    for sid in report.late:
        out.append(f"warning: {sid} is dated after the case's as_of; fix the date or move "
                   "as_of")
    listed = sum(1 for a in report.added if a.entry is not None)
    out.append(f"{report.entries_found} entries parsed: {listed} added, "
               f"{sum(1 for s in report.skipped if s.line is not None)} skipped; "
               f"{len(report.unparsed)} lines not parsed")
    if report.snapshot_folder is not None and any(a.entry is None for a in report.added):
        out.append(f"the document is outside the case: scoring verify --snapshots "
                   f"{esc(report.snapshot_folder)} finds it")
    return "\n".join(out) + "\n"


def render_located(located: Located) -> str:
    """Each place the excerpt was found, as a proposed locator; the snapshots searched."""
    out = [f"item {esc(located.item)}: excerpt \"{_short(located.excerpt)}\""]
    for s in located.searched:
        name = f" ({esc(s.snapshot)})" if s.snapshot else ""
        if s.places:
            out.append(f"{esc(s.source)}{name}: found in {len(s.places)} "
                       f"place{'s' if len(s.places) != 1 else ''}")
            out.extend(f"  line {p.line}: {esc(p.locator)}" for p in s.places)
        else:
            out.append(f"{esc(s.source)}{name}: {esc(s.status)}")
    for source, locator in located.locators:
        out.append(f"locator now, {esc(source)}: {esc(locator)}")
    return "\n".join(out) + "\n"
