"""Shared fixtures: tiny cases written to a temporary folder, and a CLI runner."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent
META = REPO / "evidence" / "meta-platforms"
# What `scoring report evidence/meta-platforms -o reports/meta-platforms.html` records.
META_COMMAND = ("scoring", "report", "evidence/meta-platforms")


def meta_report_page() -> Any:
    """The Meta report's page model as the command above builds it: with its inputs
    bundle (the committed reports/meta-platforms.html is this page)."""
    import scoring
    from scoring.api import report_bundle
    from scoring.report.model import build_report

    result = scoring.score(scoring.load_case(META))
    return build_report(result, bundle=report_bundle(result, META, META_COMMAND, "html"))

# A rubric whose numbers are easy to do on paper: reliability A = 1, B = 0.5; no half-life.
RUBRIC: dict[str, Any] = {
    "id": "tiny",
    "version": "1.0.0",
    "title": "Tiny rubric",
    "reliability": {"A": 1.0, "B": 0.5},
    "assumption_grade": "B",
    "bands": [
        {"name": "Low", "min": 0, "max": 50},
        {"name": "High", "min": 50, "max": 100},
    ],
    "factors": [
        {"id": "a", "name": "Factor A", "weight": 3, "polarity": "risk"},
        {"id": "b", "name": "Factor B", "weight": 1, "polarity": "risk"},
    ],
}

SOURCES: list[dict[str, Any]] = [
    {"id": "S1", "title": "Source one", "language": "en", "kind": "news", "reliability": "A"},
    {"id": "S2", "title": "Source two", "language": "en", "kind": "news", "reliability": "B"},
]


def item(iid: str, factor: str, value: Any, confidence: float = 1.0, source: str = "S1",
         observed: str = "2026-01-01", **extra: Any) -> dict[str, Any]:
    """An evidence item citing one source."""
    return {"id": iid, "factor": factor, "value": value, "confidence": confidence,
            "observed": observed, "sources": [{"source": source, "locator": "p. 1"}],
            "claim": f"claim {iid}", **extra}


class TinyCase:
    """Writes a case folder from Python data; tests tweak the data, then call write()."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.case: dict[str, Any] = {"id": "tiny", "entity": "Tiny Co", "as_of": "2026-01-01",
                                     "rubric": "rubric.yaml"}
        self.rubric = copy.deepcopy(RUBRIC)
        self.sources = copy.deepcopy(SOURCES)
        self.items: list[dict[str, Any]] = []
        self.scenarios: list[dict[str, Any]] = []

    def write(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        dump = {
            "case.yaml": self.case, "rubric.yaml": self.rubric,
            "sources.yaml": {"sources": self.sources}, "evidence.yaml": {"items": self.items},
        }
        if self.scenarios:
            dump["scenarios.yaml"] = {"scenarios": self.scenarios}
        for name, data in dump.items():
            (self.root / name).write_text(yaml.safe_dump(data, sort_keys=False,
                                                         allow_unicode=True), encoding="utf-8")
        return self.root

    def score(self) -> Any:
        import scoring

        return scoring.score(scoring.load_case(self.write()))


@pytest.fixture
def tiny(tmp_path: Path) -> TinyCase:
    return TinyCase(tmp_path / "case")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
