"""Check evidence against the documents it quotes.

A source may name a local ``snapshot`` of its document (text, Markdown or HTML) and the
document's ``sha256``. ``verify_case`` checks each snapshot's hash and that every item's
``excerpt`` occurs in the snapshot of a source the item cites (or reads a source through),
after normalising whitespace, quotes, dashes and case. Snapshots are looked up inside the
case folder, then (by file name) in extra folders given by the caller, e.g. a folder of seed
documents kept outside the project. A snapshot path may not leave its folder (no absolute
paths, no ``..``, no symlink pointing out).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..formats.loader import Case

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
          "\u00ab": '"', "\u00bb": '"'}
DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
          "\u2015": "-", "\u2212": "-"}
# Excerpts are looked for in the first MAX_SNAPSHOT_BYTES of a snapshot (its text is held in
# memory); the hash covers the whole file, read in chunks, up to MAX_HASHED_BYTES (a larger
# file, or a sparse one claiming to be, is refused rather than read for minutes).
MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024
MAX_HASHED_BYTES = 1024 * 1024 * 1024
_CHUNK = 1024 * 1024
_FOLD = {ord(k): v for k, v in {**QUOTES, **DASHES}.items()}


@dataclass(frozen=True)
class SnapshotCheck:
    source: str
    path: str
    status: str  # "ok", "missing", "hash mismatch", "refused"
    note: str = ""


@dataclass(frozen=True)
class ExcerptCheck:
    item: str
    status: str  # "verified", "unverifiable", "failed"
    against: tuple[str, ...]  # the sources whose snapshots were searched
    note: str = ""


@dataclass(frozen=True)
class Verification:
    snapshots: tuple[SnapshotCheck, ...]
    excerpts: tuple[ExcerptCheck, ...]

    @property
    def ok(self) -> bool:
        return all(s.status in ("ok", "missing") for s in self.snapshots) and \
            all(e.status != "failed" for e in self.excerpts)

    def status_of(self, item: str) -> ExcerptCheck | None:
        return next((e for e in self.excerpts if e.item == item), None)


def normalise(text: str) -> str:
    """Fold what differs between a copied excerpt and its document: Unicode forms, curly
    quotes, dashes, runs of whitespace, case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_FOLD)
    return re.sub(r"\s+", " ", text).strip().casefold()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def document_text(path: Path, raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        parser = _Text()
        parser.feed(text)
        return " ".join(parser.parts)
    return text


def _inside(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` if it stays inside ``folder`` (symlinks resolved), else None."""
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        return None
    candidate = folder / relative
    try:
        resolved = candidate.resolve()
        resolved.relative_to(folder.resolve())
    except (OSError, ValueError):
        return None
    except RuntimeError:  # Python < 3.13: a symlink loop
        return candidate  # os.stat then names the loop
    return candidate


def _not_readable(path: Path) -> str | None:
    """Why ``path`` is not a snapshot that can be read, from os.stat alone (opening a FIFO
    would block forever); "" when there is no such file; None when it is a regular file."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "refused: the snapshot path is a loop of symbolic links"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return ""
        return f"refused: cannot read the snapshot: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
        return f"refused: the snapshot is {what}, not a regular file"
    if info.st_size > MAX_HASHED_BYTES:
        return f"refused: the snapshot is {info.st_size} bytes; the limit is {MAX_HASHED_BYTES}"
    return None


def find_snapshot(name: str, root: Path, extra: list[Path]) -> tuple[Path | None, str]:
    """Where the snapshot is, or None and why not."""
    inside = _inside(root, name)
    if inside is None:
        return None, "refused: a snapshot path must stay inside the case folder"
    why = _not_readable(inside)
    if why is None:
        return inside, ""
    if why:
        return None, why
    for folder in extra:
        found = _inside(folder, Path(name).name)
        if found is not None:
            why = _not_readable(found)
            if why is None:
                return found, ""
            if why:
                return None, why
    return None, "not found in the case folder or the snapshot folders"


def read_snapshot(path: Path) -> tuple[str, bytes, int]:
    """The SHA-256 of the whole file (read in chunks), its first MAX_SNAPSHOT_BYTES and its
    size. Raises OSError if it cannot be read."""
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    # O_NONBLOCK: should the file have become a FIFO since it was checked, open does not hang.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if len(head) < MAX_SNAPSHOT_BYTES:
                head += chunk[: MAX_SNAPSHOT_BYTES - len(head)]
            if size > MAX_HASHED_BYTES:  # grew since it was checked
                raise OSError(errno.EFBIG, f"larger than {MAX_HASHED_BYTES} bytes")
    return digest.hexdigest(), bytes(head), size


def verify_case(case: Case, root: Path, extra: list[Path] | None = None) -> Verification:
    """Check every snapshot's hash and every excerpt against the snapshots it can reach."""
    extra = extra or []
    texts: dict[str, str] = {}
    truncated: set[str] = set()  # sources whose snapshot is longer than what was read
    snaps = []
    for s in case.sources:
        if s.snapshot is None:
            continue
        path, why = find_snapshot(s.snapshot, root, extra)
        if path is None:
            status = "refused" if why.startswith("refused") else "missing"
            snaps.append(SnapshotCheck(s.id, s.snapshot, status, why))
            continue
        try:
            digest, raw, size = read_snapshot(path)
        except OSError as exc:
            snaps.append(SnapshotCheck(s.id, s.snapshot, "refused",
                                       f"refused: cannot read the snapshot: {exc.strerror or exc}"))
            continue
        if s.sha256 is not None and digest != s.sha256:
            snaps.append(SnapshotCheck(s.id, s.snapshot, "hash mismatch",
                                       f"expected {s.sha256}, found {digest}"))
            continue
        snaps.append(SnapshotCheck(s.id, s.snapshot, "ok", f"sha256 {digest}"))
        texts[s.id] = normalise(document_text(path, raw))
        if size > len(raw):
            truncated.add(s.id)
    checks = []
    for item in case.items:
        if not item.excerpt:
            continue
        # A relayed source was read in its relay's document: the excerpt is looked for there.
        cited = list(dict.fromkeys(s for r in item.sources for s in (r.source, r.via)
                                   if s is not None and s in texts))
        if not cited:
            checks.append(ExcerptCheck(item.id, "unverifiable", (),
                                       "no cited source has a snapshot at hand"))
            continue
        needle = normalise(item.excerpt)
        hits = tuple(sid for sid in cited if needle in texts[sid])
        if not hits and any(sid in truncated for sid in cited):
            # The excerpt may lie in the part not read: that is not a failure.
            checks.append(ExcerptCheck(item.id, "unverifiable", tuple(cited),
                                       f"the excerpt is not in the first {MAX_SNAPSHOT_BYTES} "
                                       "bytes of the snapshot; the rest is not searched"))
            continue
        checks.append(ExcerptCheck(item.id, "verified" if hits else "failed",
                                   hits or tuple(cited),
                                   "" if hits else "the excerpt is not in the snapshot"))
    return Verification(tuple(snaps), tuple(checks))
