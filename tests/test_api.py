"""The Python API names what is wrong instead of failing inside pandas."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import scoring
from scoring.api import verify_folder, write_report
from scoring.cli import EXIT_INPUT, main

from .conftest import TinyCase, item


@pytest.fixture
def result(tiny: TinyCase) -> scoring.Result:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    return tiny.score()


@pytest.mark.parametrize("call", [
    lambda r: r.composite("worst"), lambda r: r.indicated("worst"), lambda r: r.band("worst"),
    lambda r: r.coverage("worst"), lambda r: r.factor_score("worst", "a"),
])
def test_unknown_scenario_names_the_known_ones(result: scoring.Result, call: object) -> None:
    with pytest.raises(scoring.ScoringError) as err:
        call(result)  # type: ignore[operator]
    assert str(err.value) == "no scenario 'worst' in case tiny; its scenarios are base"


def test_unknown_factor_names_the_known_ones(result: scoring.Result) -> None:
    with pytest.raises(scoring.ScoringError) as err:
        result.factor_score("base", "z")
    assert str(err.value) == "no factor 'z' in rubric tiny; its factors are a, b"


def test_a_missing_snapshot_folder_is_an_error(tiny: TinyCase, tmp_path: Path,
                                               runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80)]
    root = tiny.write()
    missing = tmp_path / "no-such-folder"
    with pytest.raises(scoring.InputError) as err:
        verify_folder(root, [missing])
    assert str(err.value) == f"{missing}:0:0: snapshots: snapshot folder not found"
    out = tmp_path / "r.html"
    with pytest.raises(scoring.InputError):
        write_report(root, out, snapshots=[missing])
    assert not out.exists()
    for command in (["verify", str(root)], ["report", str(root), "-o", str(out)]):
        res = runner.invoke(main, [*command, "--snapshots", str(missing)])
        assert res.exit_code == EXIT_INPUT
        assert "'--snapshots': Directory" in res.stderr and "does not exist" in res.stderr
