"""pytest plugin: every case's expected.yaml is a test.

Installed with scoring (entry point ``pytest11``), so a repository of YAML cases gets
regression tests from plain ``pytest``: each ``expected.yaml`` beside a ``case.yaml`` becomes
one test item per pinned scenario, failing with the drift table when a number moved.
Imports of the engine happen only when such a file is collected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EXPECTED_FILE = "expected.yaml"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name == EXPECTED_FILE and (file_path.parent / "case.yaml").is_file():
        return ExpectationsFile.from_parent(parent, path=file_path)
    return None


class DriftFailure(Exception):
    """A pinned number moved; carries the rendered drift table."""


class ExpectationsFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .analysis.pinning import load_expectations
        from .errors import ScoringError

        try:
            exp = load_expectations(self.path)
        except ScoringError as exc:
            yield ScenarioItem.from_parent(self, name="expected.yaml", scenario=None,
                                           error=str(exc))
            return
        for scenario in exp.scenarios:
            yield ScenarioItem.from_parent(self, name=scenario, scenario=scenario, error=None)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: str | None, error: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.error = error

    def runtest(self) -> None:
        from .analysis.pinning import CaseCheck, check_case
        from .errors import ScoringError
        from .report.text import render_drift

        if self.error is not None:
            raise DriftFailure(self.error)
        try:
            outcome = self._check(check_case)
        except ScoringError as exc:
            raise DriftFailure(str(exc)) from None
        rows = [r for r in outcome.rows if r.scenario == self.scenario]
        scoped = CaseCheck(outcome.folder, rows, outcome.notes)
        if not scoped.ok:
            raise DriftFailure(render_drift([scoped]))

    def _check(self, check_case: Any) -> Any:
        # One recomputation per case, shared by its scenario items.
        cache = self.session.stash.setdefault(_CACHE, {})
        key = str(self.path.parent)
        if key not in cache:
            cache[key] = check_case(self.path.parent)
        return cache[key]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, DriftFailure):
            return f"pinned numbers of {self.path} moved:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"expectations: {self.path.parent.name} / {self.name}"


_CACHE = pytest.StashKey[dict[str, Any]]()
