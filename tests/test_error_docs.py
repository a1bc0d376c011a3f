"""Every error kind links to a section of docs/errors.md that exists, and the command line
ends each error with that link."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import scoring
from scoring.errors import ERRORS_PAGE, ScoringError

REPO = Path(__file__).resolve().parent.parent


def error_kinds() -> list[type[ScoringError]]:
    for mod in pkgutil.walk_packages(scoring.__path__, "scoring."):
        importlib.import_module(mod.name)
    seen: list[type[ScoringError]] = [ScoringError]
    for kind in seen:
        seen.extend(k for k in kind.__subclasses__() if k not in seen)
    return seen


def anchors() -> set[str]:
    text = (REPO / ERRORS_PAGE).read_text(encoding="utf-8")
    return set(re.findall(r'<a id="([^"]+)"></a>', text))


def test_every_error_kind_is_found() -> None:
    assert sorted(k.slug for k in error_kinds()) == [
        "bad-bundle", "bad-dates", "edit-refused", "engine-error", "git-error", "input-error",
        "no-evidence", "output-error", "scoring-error", "signoff-error", "unknown-item",
        "unknown-name", "unknown-trace-id"]


@pytest.mark.parametrize("kind", error_kinds(), ids=lambda k: k.slug)
def test_each_slug_has_its_anchor_and_section(kind: type[ScoringError]) -> None:
    assert kind.slug in anchors()
    text = (REPO / ERRORS_PAGE).read_text(encoding="utf-8")
    assert f'<a id="{kind.slug}"></a>\n## {kind.slug}\n\n**Class** `{kind.__name__}`' in text
    assert f"[{kind.slug}](#{kind.slug})" in text  # listed in the contents


def test_the_link_is_the_page_and_the_anchor() -> None:
    assert ScoringError("x").docs == "docs/errors.md#scoring-error"
