"""``scoring review add`` and ``scoring review resolve``: the one place scoring writes a
case folder's reviews.yaml.

The file is the reviewers', so it is edited in place, never rewritten from the data: a new
finding is inserted after the last one, a comment after the last of its thread and a status
written over the old one, each at the place the YAML parser gives, in the file's own
indentation and line breaks; every other line, comment and blank stays as it was. The new
text is read back and must hold exactly the old findings with the one change, and the file
is replaced atomically only then (and only if nobody changed it meanwhile).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..display import display_path
from ..errors import InputError, OutputError, Problem, ScoringError, UnknownTraceId
from ..formats.reviews import (
    REVIEWS_FILE,
    SEVERITIES,
    STATUSES,
    Reviews,
    anchor_ids,
    nearest,
    parse_reviews,
    read_reviews,
)
from ..formats.yamlio import MAX_FILE_BYTES
from ..output import RunInputs, write_atomic

HEADER = ("# Review findings of this case (docs/formats.md#review-findings), each anchored to\n"
          "# a number's trace id or an evidence item. `scoring review add` and\n"
          "# `scoring review resolve` edit this file in place; comments are kept.\n")


@dataclass(frozen=True)
class Written:
    """What a review command did: the finding's id, its status now and the file written."""

    finding: str
    status: str
    path: str


# What a YAML reader refuses or reads as a line break inside a quoted scalar, even though
# JSON writes it as it is: C1 controls and DEL, U+2028/2029, U+FEFF, lone surrogates (from an
# undecodable command-line argument), U+FFFE/FFFF. Each is written as a \\u escape.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _q(text: str) -> str:
    """A YAML double-quoted scalar of ``text`` (JSON's string syntax is YAML's; what YAML
    would not read back as written is escaped)."""
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _comment_fields(date: dt.date, author: str, note: str) -> list[tuple[str, str]]:
    return [("date", date.isoformat()), ("author", _q(author)), ("note", _q(note))]


def _block(fields: list[tuple[str, Any]], indent: int, nl: str) -> str:
    """A block mapping as a list item at ``indent`` (its "-"), a nested list of mappings
    as a value being a list of field lists."""
    pad = " " * indent
    out = []
    for k, (key, value) in enumerate(fields):
        lead = f"{pad}- " if k == 0 else f"{pad}  "
        if isinstance(value, list):
            out.append(f"{lead}{key}:")
            out.extend(_block(v, indent + 4, nl).rstrip(nl) for v in value)
        else:
            out.append(f"{lead}{key}: {value}")
    return nl.join(out) + nl


def _flow(fields: list[tuple[str, Any]]) -> str:
    return "{" + ", ".join(f"{k}: [{', '.join(_flow(x) for x in v)}]" if isinstance(v, list)
                           else f"{k}: {v}" for k, v in fields) + "}"


def _line_end(text: str, index: int) -> int:
    """The index just after the line break ending the line that holds ``index``."""
    m = re.compile(r"\r\n|\n|\r").search(text, index)
    return len(text) if m is None else m.end()


def _last_content(node: yaml.Node) -> int:
    """The index of the last character of ``node``'s own text (its deepest last value):
    a block collection's end mark lies past the comments and blank lines after it."""
    while isinstance(node, yaml.CollectionNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return max(node.end_mark.index - 1, node.start_mark.index)


Splice = tuple[int, int, str]  # text[start:end] is to be replaced by the string


def _splice(text: str, edits: list[Splice]) -> str:
    """``text`` with each edit made (they do not overlap), the last first."""
    for start, end, new in sorted(edits, key=lambda e: -e[0]):
        text = text[:start] + new + text[end:]
    return text


def _append_item(text: str, seq: yaml.Node, fields: list[tuple[str, Any]], nl: str,
                 indent: int) -> Splice:
    """The edit that appends a mapping of ``fields`` to the sequence ``seq``: to a block
    list in its own layout, to a flow list in flow style, and an empty ``[]`` becomes a
    block list at ``indent``."""
    start, end = seq.start_mark.index, seq.end_mark.index
    if isinstance(seq, yaml.SequenceNode) and seq.flow_style and not seq.value:
        while start > 0 and text[start - 1] == " ":  # no space left at the key's line end
            start -= 1
        return start, end, nl + _block(fields, indent, nl).rstrip(nl)
    if isinstance(seq, yaml.SequenceNode) and seq.flow_style:
        close = text.rindex("]", start, end)
        return close, close, (", " if seq.value else "") + _flow(fields)
    if isinstance(seq, yaml.SequenceNode) and seq.value:
        first = seq.value[0]
        at = _line_end(text, _last_content(seq))
        block = _block(fields, seq.start_mark.column, nl)
        gap = first.start_mark.column - seq.start_mark.column
        if gap != 2:  # "-   key": the file's own gap after the dash
            block = re.sub(r"(?m)^( *)- ", lambda m: m.group(1) + "-" + " " * (gap - 1), block,
                           count=1)
        return at, at, ("" if at == 0 or text[at - 1] in "\r\n" else nl) + block
    # ``[]`` or a block list: the model refuses a null in its place
    raise AssertionError(f"not a list at index {start}")


def _node(root: yaml.Node, *keys: str | int) -> yaml.Node | None:
    node: yaml.Node | None = root
    for key in keys:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            return None
    return node


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


class _File:
    """reviews.yaml as read: its text (without a byte-order mark) and its findings."""

    def __init__(self, case_dir: Path) -> None:
        self.path = Path(case_dir) / REVIEWS_FILE
        self.shown = display_path(self.path)
        self.bom = ""
        self.raw: bytes | None = None
        if self.path.exists():
            self.reviews = read_reviews(Path(case_dir))  # every problem, file:line:col
            self.raw = self.path.read_bytes()
            text = self.raw.decode("utf-8")
            if text.startswith("\ufeff"):
                self.bom, text = "\ufeff", text[1:]
            self.text = text
        else:
            self.reviews = parse_reviews("findings: []\n", self.shown)
            self.text = ""

    def root(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=yaml.SafeLoader) if self.text.strip() else None

    def write(self, text: str, expected: list[dict[str, Any]], inputs: RunInputs) -> None:
        """Replace the file by ``text`` once it reads back as ``expected`` (each finding as
        ``_as_data`` gives it) and the file on disk is still the one read."""
        if len((self.bom + text).encode("utf-8")) > MAX_FILE_BYTES:
            raise ScoringError(f"{self.shown}: with this change the file would pass "
                               f"{MAX_FILE_BYTES} bytes, the limit of a YAML file")
        if _as_data(parse_reviews(text, self.shown)) != expected:  # pragma: no cover - a bug
            raise ScoringError(f"{self.shown}: the edit did not read back as intended; "
                               "nothing written (please report this with the file)")
        now = self.path.read_bytes() if self.path.exists() else None
        if now != self.raw:
            raise OutputError(f"{self.shown}: changed while it was read; nothing written")
        write_atomic(self.path, self.bom + text, inputs, overwrite=self.raw is not None)


def _as_data(r: Reviews) -> list[dict[str, Any]]:
    """The findings and their threads as plain data, to compare an edit with its intent."""
    threads = {fid: rows[["date", "author", "note"]].to_dict("records")
               for fid, rows in r.comments.groupby("finding", sort=False)}
    keep = ["id", "anchor", "author", "date", "severity", "status"]
    return [{**{str(k): v for k, v in row.items()}, "thread": threads.get(row["id"], [])}
            for row in r.findings[keep].to_dict("records")]


def next_id(r: Reviews) -> str:
    """``F`` and one more than the largest number of an ``F<n>`` id (F1 for the first)."""
    numbers = r.findings["id"].astype(str).str.extract(r"^F(\d+)$")[0].dropna().astype(int)
    return f"F{int(numbers.max()) + 1 if len(numbers) else 1}"


def add_finding(case_dir: Path, anchor: str, severity: str, note: str, author: str,
                date: dt.date, known: Collection[str], items: Collection[str],
                inputs: RunInputs) -> Written:
    """Append a new open finding on ``anchor`` (a trace id of ``known`` or an evidence item
    of ``items``) to the case's reviews.yaml, its ``note`` the first comment of its thread."""
    if severity not in SEVERITIES:
        raise ScoringError(f"severity must be one of {', '.join(SEVERITIES)}")
    f = _File(case_dir)
    target = str(anchor_ids(_series([anchor]), items).iloc[0])
    if target not in known:
        raise UnknownTraceId(anchor, nearest(anchor, known))
    fid = next_id(f.reviews)
    fields: list[tuple[str, Any]] = [
        ("id", fid), ("anchor", _q(anchor)), ("author", _q(author)), ("date", date.isoformat()),
        ("severity", severity), ("status", "open"),
        ("thread", [_comment_fields(date, author, note)])]
    expected = [*_as_data(f.reviews), {"id": fid, "anchor": anchor, "author": author,
                                        "date": date.isoformat(), "severity": severity,
                                        "status": "open", "thread": [
                                            {"date": date.isoformat(), "author": author,
                                             "note": note}]}]
    nl = _newline(f.text)
    root = f.root()
    seq = None if root is None else _node(root, "findings")
    if root is None:
        head = f.text if f.text else HEADER
        if head and not head.endswith(("\n", "\r")):
            head += nl
        text = head + "findings:" + nl + _block(fields, 2, nl)
    elif seq is None:  # a mapping without findings (only other keys cannot pass the model)
        text = f.text + ("" if f.text.endswith(("\n", "\r")) else nl) + "findings:" + nl \
            + _block(fields, 2, nl)
    else:
        text = _splice(f.text, [_append_item(f.text, seq, fields, nl, 2)])
    f.write(text, expected, inputs)
    return Written(fid, "open", f.shown)


def _series(values: list[str]) -> Any:
    import pandas as pd

    return pd.Series(values, dtype=object)


def settle_finding(case_dir: Path, finding: str, note: str, author: str, date: dt.date,
                   status: str, inputs: RunInputs) -> Written:
    """Add ``note`` to the thread of ``finding`` and set its status (resolved, answered,
    accepted risk, or open again)."""
    if status not in STATUSES:
        raise ScoringError(f"status must be one of {', '.join(STATUSES)}")
    f = _File(case_dir)
    ids = f.reviews.ids
    if finding not in ids:
        known = ", ".join(ids) if ids else "none yet"
        raise InputError([Problem(f.shown, 0, 0, "findings", f"no finding {finding!r} "
                                  f"(the findings are: {known})")])
    k = ids.index(finding)
    raised = str(f.reviews.findings["date"].iloc[k])
    if date.isoformat() < raised:
        raise InputError([Problem(f.shown, int(f.reviews.findings["line"].iloc[k]),
                                  int(f.reviews.findings["col"].iloc[k]), f"findings[{k}].date",
                                  f"--date {date.isoformat()} is before the finding's date "
                                  f"{raised}")])
    expected = _as_data(f.reviews)
    expected[k] = {**expected[k], "status": status,
                   "thread": [*expected[k]["thread"],
                              {"date": date.isoformat(), "author": author, "note": note}]}
    root = f.root()
    assert root is not None
    item = _node(root, "findings", k)
    assert isinstance(item, yaml.MappingNode)
    nl = _newline(f.text)
    text = f.text
    status_node = _node(item, "status")
    assert status_node is not None
    edits: list[Splice] = [(status_node.start_mark.index, status_node.end_mark.index, status)]
    comment = _comment_fields(date, author, note)
    thread = _node(item, "thread")
    if thread is not None:
        edits.append(_append_item(text, thread, comment, nl, item.start_mark.column + 2))
    elif item.flow_style:
        close = text.rindex("}", item.start_mark.index, item.end_mark.index)
        edits.append((close, close, f", thread: [{_flow(comment)}]"))
    else:
        at = _line_end(text, _last_content(item))
        sep = "" if at == 0 or text[at - 1] in "\r\n" else nl
        edits.append((at, at, f"{sep}{' ' * item.start_mark.column}thread:{nl}"
                              + _block(comment, item.start_mark.column + 2, nl)))
    text = _splice(text, edits)
    f.write(text, expected, inputs)
    return Written(finding, status, f.shown)
