"""``reviews.yaml``: a reviewer's findings on a case, each anchored to one of its numbers.

A finding names the trace id it concerns (``base/composite``,
``bear/factor/legal/score``) or an evidence item (``E3``, read as ``item/E3``), who raised
it and when, its severity (blocking, major, minor), its status (open, answered, resolved,
accepted risk) and a thread of dated comments (docs/formats.md, "Review findings").

The document's shape is checked by its pydantic model (which is also its JSON Schema,
``scoring schema reviews``), as case.yaml's is; the findings then become two frames, one row
per finding and one per comment, each row with the file, line and column it was read from,
and every rule across findings (duplicate ids, a comment dated before its finding, an
anchor that is no number of the case) is a column operation over them.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from ..display import display_path
from ..errors import InputError, Problem
from .loader import validate_doc
from .models import Date, Id, Strict, Text
from .yamlio import YamlDoc, load_yaml, parse_yaml

REVIEWS_FILE = "reviews.yaml"
SEVERITIES = ("blocking", "major", "minor")
STATUSES = ("open", "answered", "resolved", "accepted risk")
# The statuses under which a finding still asks something of the case's author: a blocking
# finding in one of them blocks a sign-off.
UNSETTLED = ("open", "answered")
NEAREST = 3  # the nearest trace ids named for an anchor that is none

Severity = Literal["blocking", "major", "minor"]
Status = Literal["open", "answered", "resolved", "accepted risk"]
# An anchor is a trace id (``bear/factor/legal/score``) or an evidence item's id.
# (A band's name may hold spaces: ``base/simulation/band/Very high``.)
Anchor = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^\S(?:[^\n]*\S)?$")]


class Comment(Strict):
    """One dated comment of a finding's thread."""

    date: Date
    author: Text
    note: Text


class Finding(Strict):
    id: Id
    anchor: Anchor
    author: Text
    date: Date
    severity: Severity
    status: Status
    thread: list[Comment] = Field(default_factory=list)


class ReviewsFile(Strict):
    """A case's reviews.yaml: its findings, in the order they were raised."""

    findings: list[Finding] = Field(default_factory=list)


FINDING_COLUMNS = ("id", "anchor", "author", "date", "severity", "status", "line", "col",
                   "anchor_line", "anchor_col")
COMMENT_COLUMNS = ("finding", "date", "author", "note", "line", "col")


@dataclass(frozen=True)
class Reviews:
    """The findings of one reviews.yaml (``path`` as shown to the user; empty frames when
    the case has none): ``findings`` one row per finding (FINDING_COLUMNS; dates as ISO
    text), ``comments`` one row per comment of every thread, in order (COMMENT_COLUMNS)."""

    path: str
    findings: pd.DataFrame
    comments: pd.DataFrame
    doc: YamlDoc | None = None

    @property
    def ids(self) -> list[str]:
        return [str(x) for x in self.findings["id"].tolist()]


def no_reviews(path: str) -> Reviews:
    return Reviews(path, pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS}),
                   pd.DataFrame({c: pd.Series(dtype=object) for c in COMMENT_COLUMNS}))


def read_reviews(case_dir: Path) -> Reviews:
    """The findings of ``case_dir``'s reviews.yaml (none when there is no such file); an
    InputError naming the file, line, column and field of every problem."""
    path = Path(case_dir) / REVIEWS_FILE
    shown = display_path(path)
    if not path.exists():
        return no_reviews(shown)
    try:
        doc = load_yaml(path, shown)
    except InputError as exc:
        # A file of comments alone (the header of one whose findings were all removed)
        # holds no findings; that is not a mistake.
        if [p.message for p in exc.problems] == ["file is empty"]:
            return no_reviews(shown)
        raise
    return reviews_of(doc)


def parse_reviews(text: str, shown: str) -> Reviews:
    """The findings of a reviews.yaml held as ``text`` (the desk's edits, read back)."""
    return reviews_of(parse_yaml(text, shown))


def reviews_of(doc: YamlDoc) -> Reviews:
    problems: list[Problem] = []
    model = validate_doc(ReviewsFile, doc, problems)
    if model is None:
        raise InputError(problems)
    findings = model.findings
    where = [doc.where(("findings", k)) for k in range(len(findings))]
    anchored = [doc.where(("findings", k, "anchor")) for k in range(len(findings))]
    frame = pd.DataFrame({
        "id": [f.id for f in findings], "anchor": [f.anchor for f in findings],
        "author": [f.author for f in findings],
        "date": [f.date.isoformat() for f in findings],
        "severity": [f.severity for f in findings], "status": [f.status for f in findings],
        "line": [w[0] for w in where], "col": [w[1] for w in where],
        "anchor_line": [w[0] for w in anchored], "anchor_col": [w[1] for w in anchored],
    }, columns=list(FINDING_COLUMNS))
    spots = [(k, j) for k, f in enumerate(findings) for j in range(len(f.thread))]
    at = [doc.where(("findings", k, "thread", j)) for k, j in spots]
    comments = [findings[k].thread[j] for k, j in spots]
    thread = pd.DataFrame({
        "finding": [findings[k].id for k, _ in spots],
        "date": [c.date.isoformat() for c in comments],
        "author": [c.author for c in comments], "note": [c.note for c in comments],
        "line": [w[0] for w in at], "col": [w[1] for w in at],
    }, columns=list(COMMENT_COLUMNS))
    out = Reviews(doc.path, frame, thread, doc)
    problems = _duplicates(out) + _early_comments(out, [k for k, _ in spots])
    if problems:
        raise InputError(problems)
    return out


def _duplicates(r: Reviews) -> list[Problem]:
    """Every finding whose id an earlier one has."""
    f = r.findings
    again = f["id"].duplicated(keep="first").to_numpy()
    first = f.groupby("id", sort=False)["line"].transform("first").to_numpy()
    return [Problem(r.path, int(line), int(col), f"findings[{k}].id",
                    f"duplicate finding id {fid!r} (first at line {int(at)})")
            for k, fid, line, col, at in zip(np.flatnonzero(again).tolist(),
                                             f["id"].to_numpy()[again], f["line"].to_numpy()[again],
                                             f["col"].to_numpy()[again], first[again],
                                             strict=True)]


def _early_comments(r: Reviews, of: list[int]) -> list[Problem]:
    """Every comment dated before the finding it answers (ISO dates compare as text)."""
    c = r.comments
    if c.empty:
        return []
    rows = np.asarray(of, dtype=np.int64)
    raised = r.findings["date"].to_numpy()[rows]
    early = c["date"].to_numpy() < raised
    place = np.arange(len(c)) - np.searchsorted(rows, rows, side="left")
    return [Problem(r.path, int(line), int(col), f"findings[{k}].thread[{j}].date",
                    f"comment dated {d}, before its finding's date {when}")
            for k, j, line, col, d, when in zip(
                rows[early].tolist(), place[early].tolist(), c["line"].to_numpy()[early],
                c["col"].to_numpy()[early], c["date"].to_numpy()[early], raised[early],
                strict=True)]


def anchor_ids(anchors: pd.Series, items: Collection[str]) -> pd.Series:
    """The trace id each anchor names: an evidence item's id (``E3``) is its record
    ``item/E3``; anything else is a trace id as written."""
    bare = anchors.isin(list(items))
    return anchors.where(~bare, "item/" + anchors)


def orphaned(r: Reviews, known: Collection[str], items: Collection[str]) -> np.ndarray:
    """Whether each finding's anchor is no trace id (and no evidence item) of the case now."""
    ids = anchor_ids(r.findings["anchor"], items)
    return ~ids.isin(known if isinstance(known, (set, frozenset)) else set(known)).to_numpy()


def nearest(anchor: str, known: Collection[str]) -> list[str]:
    """The trace ids closest to ``anchor`` (difflib), best first."""
    return difflib.get_close_matches(anchor, list(known), n=NEAREST, cutoff=0.6)


def anchor_problems(r: Reviews, known: Collection[str], items: Collection[str]
                    ) -> list[Problem]:
    """A problem at every anchor that is no number or evidence item of the case, naming the
    nearest trace ids."""
    lost = orphaned(r, known, items)
    f = r.findings
    return [Problem(r.path, int(line), int(col), f"findings[{k}].anchor",
                    unknown_anchor(str(a), known))
            for k, a, line, col in zip(np.flatnonzero(lost).tolist(), f["anchor"].to_numpy()[lost],
                                       f["anchor_line"].to_numpy()[lost],
                                       f["anchor_col"].to_numpy()[lost], strict=True)]


def unknown_anchor(anchor: str, known: Collection[str]) -> str:
    close = nearest(anchor, known)
    hint = f"; nearest: {', '.join(close)}" if close else ""
    return (f"no number or evidence item {anchor!r} in this case (scoring trace CASE ID "
            f"shows the ids){hint}")
