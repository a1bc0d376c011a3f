"""Content hashes of a case's documents, for pins and reports: what can move a score, in a
canonical form, so that rewording or an upgrade that adds a defaulted field never looks like
a change (docs/expectations.md)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from .loader import Case

_TEXT_FIELDS = frozenset({"title", "name", "description", "claim", "excerpt", "rationale",
                          "narrative", "notes", "publisher", "unit", "base_narrative",
                          "entity", "ticker", "locator", "cited_as", "url", "language", "kind",
                          "snapshot", "sha256", "author"})


def _strip_text(data: Any) -> Any:
    """Drop fields that cannot move a score, so rewording never looks like a change."""
    if isinstance(data, dict):
        return {k: _strip_text(v) for k, v in data.items() if k not in _TEXT_FIELDS}
    if isinstance(data, list):
        return [_strip_text(v) for v in data]
    return data


def _canonical(data: Any) -> Any:
    """One spelling per value: ``1`` and ``1.0`` (or ``1e0``) are the same number."""
    if isinstance(data, dict):
        return {k: _canonical(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_canonical(v) for v in data]
    if isinstance(data, float) and data.is_integer() and abs(data) < 2 ** 53:
        return int(data)
    return data


def _digest(data: Any) -> str:
    text = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _written(model: BaseModel) -> Any:
    """What the user wrote, in canonical form: fields left at their defaults are dropped, so
    a new defaulted field in a later release (or spelling a default out) never looks like a
    change of content."""
    return model.model_dump(mode="json", exclude_defaults=True)


def rubric_sha256(case: Case) -> str:
    """Hash of the rubric's scoring-relevant content (ids, numbers, rules; not wording)."""
    return _digest(_strip_text(_written(case.rubric)))


def inputs_sha256(case: Case) -> str:
    """Hash of the case's scoring-relevant inputs: as-of date, source grades and dates,
    items' numbers and references, scenarios' changes (not claims or rationales)."""
    return _digest(_strip_text({
        "as_of": str(case.meta.as_of),
        "sources": [_written(s) for s in case.sources],
        "items": [_written(i) for i in case.items],
        "scenarios": [_written(s) for s in case.scenarios],
    }))
