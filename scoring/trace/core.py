"""Trace records: every number with its id, value, operation and inputs.

A :class:`TraceRecord` is one node of the derivation graph. Numbers (``kind == "number"``)
point at the records they were computed from; the graph ends at leaves: evidence items,
sources, rubric entries, the case's as-of date, and scenario changes/assumptions (each with a
rationale). The JSON export, ``scoring trace`` and the HTML report all read these records;
none of them recomputes anything.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..display import escape_controls as esc
from ..display import format_score
from ..errors import UnknownTraceId

# The detail of most records: one shared, read-only empty mapping rather than a dict each.
NO_DETAIL: Mapping[str, Any] = MappingProxyType({})

KINDS = ("number", "band", "item", "source", "assumption", "change", "rubric", "case", "scenario")


@dataclass(frozen=True, slots=True)  # a large case has a million: no __dict__ each
class TraceRecord:
    """One traced value.

    ``expression`` is the operation with its operand values written in (10 significant
    digits), so a reviewer can redo it by hand; ``formula`` is the same with symbols.
    ``assumptions`` lists the scenario changes this value depends on, directly or not: empty
    means the value rests on sourced evidence and the rubric alone.
    """

    id: str
    kind: str
    label: str
    value: float | str | None = None
    unit: str | None = None
    op: str = "input"
    formula: str = ""
    expression: str = ""
    inputs: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=lambda: NO_DETAIL)
    assumptions: tuple[str, ...] = ()
    decimals: int | None = None  # the rubric's for points and deltas, when not 2

    @property
    def display(self) -> str:
        if self.kind == "number" and not isinstance(self.value, str):
            return format_score(self.value, self.unit or "points", self.decimals)
        return "" if self.value is None else str(self.value)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "label": self.label, "value": self.value,
            "unit": self.unit, "display": self.display, "op": self.op, "formula": self.formula,
            "expression": self.expression, "inputs": list(self.inputs),
            "assumptions": list(self.assumptions), "detail": dict(self.detail),
        }


_STR = json.encoder.encode_basestring  # the C encoder (json.dumps with ensure_ascii=False)
_KEYS = ("id", "kind", "label", "value", "unit", "display", "op", "formula", "expression")


def _scalar(value: object) -> str:
    """A string, number or null as ``json.dumps`` writes it."""
    if isinstance(value, str):
        return str(_STR(value))
    if value is None:
        return "null"
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _strings(values: Iterable[str], pad: str) -> str:
    inner = f",\n{pad}  ".join(str(_STR(v)) for v in values)
    return f"[\n{pad}  {inner}\n{pad}]" if inner else "[]"


def records_json(records: Iterable[TraceRecord], pad: str) -> Iterator[str]:
    """Each record as the text ``json.dumps(record.to_json(), indent=2, ensure_ascii=False,
    allow_nan=False)`` writes for it inside a list indented by ``pad``: the same characters,
    without building a dict per record or running the pure-Python indenting encoder over
    every string (a case of 60 000 items has about a million records)."""
    pad2 = pad + "  "
    for r in records:
        fields = [r.id, r.kind, r.label, r.value, r.unit, r.display, r.op, r.formula,
                  r.expression]
        lines = [f'{pad2}"{k}": {_scalar(v)}' for k, v in zip(_KEYS, fields, strict=True)]
        lines.append(f'{pad2}"inputs": {_strings(r.inputs, pad2)}')
        lines.append(f'{pad2}"assumptions": {_strings(r.assumptions, pad2)}')
        detail = "{}" if not r.detail else json.dumps(
            dict(r.detail), indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + pad2)
        lines.append(f'{pad2}"detail": {detail}')
        yield f"{pad}{{\n" + ",\n".join(lines) + f"\n{pad}}}"


class Trace(Mapping[str, TraceRecord]):
    """All records of a result, by id, in the order they were made."""

    def __init__(self, records: list[TraceRecord]) -> None:
        self._records = _with_assumptions({r.id: r for r in records})

    def __getitem__(self, key: str) -> TraceRecord:
        try:
            return self._records[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self._records), n=3, cutoff=0.6)
            raise UnknownTraceId(key, close) from None

    def get(self, key: str, default: TraceRecord | None = None) -> TraceRecord | None:  # type: ignore[override]
        return self._records.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def tree(self, root: str, max_depth: int | None = None) -> str:
        """The derivation of ``root`` as an indented text tree. A record already shown is
        named again but not expanded, so shared inputs do not repeat."""
        self[root]  # raises UnknownTraceId with suggestions
        lines: list[str] = []
        seen: set[str] = set()

        def walk(rid: str, depth: int) -> None:
            rec = self._records[rid]
            lines.append("  " * depth + _line(rec))
            if rid in seen and rec.inputs:
                lines[-1] += "  (shown above)"
                return
            seen.add(rid)
            if max_depth is not None and depth >= max_depth:
                return
            for child in rec.inputs:
                walk(child, depth + 1)

        walk(root, 0)
        return "\n".join(lines)


def _line(rec: TraceRecord) -> str:
    """One record on one line; text from the inputs (labels, claims, titles, band names) with
    its line breaks and control characters escaped, so that it can neither act on the
    terminal nor pass for another line of the tree."""
    head = f"{rec.id} = {rec.display}" if rec.value is not None else rec.id
    parts = [head, f"[{rec.label}]"]
    if rec.expression:
        parts.append(f"{rec.op}: {rec.expression}")
    for key in ("claim", "excerpt", "title", "locator", "rationale"):
        if rec.detail.get(key):
            parts.append(f"{key}: {rec.detail[key]!s}")
    if rec.detail.get("sources"):
        refs = "; ".join(f"{s['source']} at {s['locator']}" for s in rec.detail["sources"])
        parts.append(f"cites: {refs}")
    if rec.kind in ("assumption", "change"):
        parts.append("ASSUMED")
    return esc("  ".join(parts))


ASSUMED_KINDS = ("change", "assumption")  # records that are themselves assumptions


def assumptions_of(rec: TraceRecord, upstream: Callable[[str], tuple[str, ...] | None]
                   ) -> tuple[str, ...]:
    """The rule of a record's ``assumptions``: the change/assumption records upstream of it,
    sorted: itself when it is one, and those of each of its inputs (``upstream`` of an
    input's id; None or empty: none)."""
    found: set[str] | None = {rec.id} if rec.kind in ASSUMED_KINDS else None
    for child in rec.inputs:
        up = upstream(child)
        if up:  # most inputs rest on no assumption at all
            if found is None:
                found = set(up)
            else:
                found.update(up)
    return tuple(sorted(found)) if found else ()


def _with_assumptions(records: dict[str, TraceRecord]) -> dict[str, TraceRecord]:
    """Fill each record's ``assumptions`` (:func:`assumptions_of`), the records in any
    order: an input is worked out when first needed."""
    memo: dict[str, tuple[str, ...]] = {}

    def upstream(rid: str) -> tuple[str, ...]:
        found = memo.get(rid)  # most inputs are shared and already known
        if found is None:
            found = memo[rid] = assumptions_of(records[rid], upstream)
        return found

    out = {}
    for rid, rec in records.items():
        own = upstream(rid)
        out[rid] = rec if own == rec.assumptions else _replace(rec, own)
    return out


def with_assumptions(records: Callable[[], Iterable[TraceRecord]]) -> Iterator[TraceRecord]:
    """Each record of ``records()`` with its ``assumptions`` filled (:func:`assumptions_of`),
    as they come: the records are made twice, never all held. Only the assumptions of the
    records that have some are kept, by id: the first pass finds them for every record whose
    inputs come before it; the second, as it writes each record, reads those of an input
    still to come from the first pass. That is exact while such an input rests on inputs
    that come before it (an item's share cites its factor's total weight, which cites the
    items' weights; a normalised weight cites every factor's weight, which cites a change or
    the rubric): tests/test_outputs.py holds the stream to the trace's records."""
    memo: dict[str, tuple[str, ...]] = {}
    upstream = memo.get  # None: an input without assumptions (or, in the first pass, to come)
    for rec in records():
        found = assumptions_of(rec, upstream)
        if found:
            memo[rec.id] = found
    for rec in records():
        found = assumptions_of(rec, upstream)
        if found:
            memo[rec.id] = found
        yield rec if found == rec.assumptions else _replace(rec, found)


def _replace(rec: TraceRecord, assumptions: tuple[str, ...]) -> TraceRecord:
    """``dataclasses.replace(rec, assumptions=...)``, field by field (replace costs a dict
    of every field and a keyword call for each of the thousands of records it makes)."""
    return TraceRecord(rec.id, rec.kind, rec.label, rec.value, rec.unit, rec.op, rec.formula,
                       rec.expression, rec.inputs, rec.detail, assumptions, rec.decimals)
