"""Explaining a change: decompositions computed on paper for tiny cases."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.analysis.diff import ScenarioDiff, case_diff
from scoring.cli import EXIT_FAILED, main

from ..conftest import TinyCase, item


def two(tiny: TinyCase, tmp_path: Path) -> tuple[TinyCase, TinyCase]:
    """The tiny case and an independent copy in another folder."""
    new = TinyCase(tmp_path / "new")
    new.case, new.rubric = copy.deepcopy(tiny.case), copy.deepcopy(tiny.rubric)
    new.sources, new.items = copy.deepcopy(tiny.sources), copy.deepcopy(tiny.items)
    new.scenarios = copy.deepcopy(tiny.scenarios)
    return tiny, new


def base_diff(old: TinyCase, new: TinyCase) -> ScenarioDiff:
    d = case_diff(old.score(), new.score())
    return d.scenarios[0]


def test_score_and_weight_effects(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    old, new = two(tiny, tmp_path)
    new.items[0]["value"] = 60
    new.rubric["factors"][1]["weight"] = 3
    sd = base_diff(old, new)
    # C0 = 3/4 x 80 + 1/4 x 20 = 65; C1 = 1/2 x 60 + 1/2 x 20 = 40
    assert (sd.old_composite, sd.new_composite) == pytest.approx((65.0, 40.0))
    # scores at old weights: 3/4 x (60 - 80) = -15
    assert sd.score_effect == pytest.approx(-15.0)
    # weights: (1/2 - 3/4) x 60 + (1/2 - 1/4) x 20 = -15 + 5 = -10
    assert sd.weight_effect == pytest.approx(-10.0)
    assert sd.coverage_effect == pytest.approx(0.0)
    a, b = sd.factors
    assert (a.score_effect, a.weight_effect) == pytest.approx((-15.0, -15.0))
    assert (b.score_effect, b.weight_effect) == pytest.approx((0.0, 5.0))
    assert sd.score_effect + sd.weight_effect + sd.coverage_effect == pytest.approx(sd.total)


def test_coverage_effect(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80)]
    old, new = two(tiny, tmp_path)
    new.items.append(item("E2", "b", 20))
    sd = base_diff(old, new)
    # C0 = 80 (b excluded); C1 = 3/4 x 80 + 1/4 x 20 = 65; all of it is coverage:
    # a: 3/4 x 80 - 1 x 80 = -20; b: 1/4 x 20 = +5
    assert sd.total == pytest.approx(-15.0)
    assert (sd.score_effect, sd.weight_effect, sd.coverage_effect) == pytest.approx(
        (0.0, 0.0, -15.0))
    assert [f.coverage_effect for f in sd.factors] == pytest.approx([-20.0, 5.0])


def test_item_walk(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 40, 0.5, "S2")]
    old, new = two(tiny, tmp_path)
    new.items = [item("E1", "a", 60), item("E3", "a", 100)]
    sd = base_diff(old, new)
    effects = sd.factors[0].items
    # F0 = (1 x 80 + 0.25 x 40) / 1.25 = 72
    # E1 changed: (60 + 10) / 1.25 = 56            -> -16
    # E3 added:   (60 + 10 + 100) / 2.25 = 75.5556 -> +19.5556
    # E2 removed: (60 + 100) / 2 = 80              -> +4.4444
    assert [(e.items, e.kind, e.reasons) for e in effects] == [
        (("E1",), "changed", ("value",)), (("E3",), "added", ()), (("E2",), "removed", ())]
    assert [e.delta for e in effects] == pytest.approx([-16.0, 170 / 2.25 - 56, 80 - 170 / 2.25])
    assert sum(e.delta for e in effects) == pytest.approx(80 - 72)


def test_overlay_change_is_named(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "a", 20)]
    tiny.scenarios = [{"id": "alt", "name": "Alt", "narrative": "n", "changes": [
        {"op": "set_confidence", "item": "E1", "confidence": 0.5, "rationale": "r"}]}]
    old, new = two(tiny, tmp_path)
    new.scenarios[0]["changes"][0]["confidence"] = 0.25
    d = case_diff(old.score(), new.score())
    alt = next(s for s in d.scenarios if s.scenario == "alt")
    (effect,) = alt.factors[0].items
    assert effect.reasons == ("confidence", "scenario overlay")
    # old (0.5 x 80 + 20) / 1.5 = 40; new (0.25 x 80 + 20) / 1.25 = 32
    assert effect.delta == pytest.approx(-8.0)


def test_rubric_changes_and_bump(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80)]
    old, new = two(tiny, tmp_path)
    new.rubric["title"] = "Renamed"
    new.rubric["half_life_days"] = 365
    d = case_diff(old.score(), new.score())
    assert [(c.entry, c.level) for c in d.rubric_changes] == [
        ("half_life_days", "minor"), ("title", "patch")]
    assert d.rubric_bump == "minor"
    new.rubric["factors"][0]["polarity"] = "strength"
    assert case_diff(old.score(), new.score()).rubric_bump == "major"


def test_rubric_bump_command(tiny: TinyCase, tmp_path: Path, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80)]
    old, new = two(tiny, tmp_path)
    new.rubric["factors"][0]["weight"] = 2
    old.write()
    new.write()
    res = runner.invoke(main, ["rubric-bump", str(old.root / "rubric.yaml"),
                               str(new.root / "rubric.yaml")])
    assert res.exit_code == EXIT_FAILED
    assert "factors.a.weight" in res.output
    assert "proposed: major bump, 1.0.0 -> 2.0.0" in res.output
    assert "NEW declares 1.0.0 (none); these changes need at least 2.0.0" in res.stderr
    new.rubric["version"] = "2.0.0"
    new.write()
    res = runner.invoke(main, ["rubric-bump", str(old.root / "rubric.yaml"),
                               str(new.root / "rubric.yaml")])
    assert res.exit_code == 0


def test_diff_cli_table_and_json(tiny: TinyCase, tmp_path: Path, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    old, new = two(tiny, tmp_path)
    new.items[0]["value"] = 60
    res = runner.invoke(main, ["diff", str(old.write()), str(new.write())])
    assert res.exit_code == 0, res.output
    # C: 65 -> 0.75 x 60 + 5 = 50
    assert res.output.startswith("Scenario base: composite 65.00 -> 50.00 (-15.00); "
                                 "band High -> High\n")
    assert "  a: E1 changed (value): factor score -20.00\n" in res.output
    data = json.loads(runner.invoke(main, ["diff", str(old.root), str(new.root),
                                           "--format", "json"]).output)
    assert data["scenarios"][0]["score_effect"] == pytest.approx(-15.0)


def test_diff_against_git_revision(tiny: TinyCase, runner: CliRunner) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    root = tiny.write()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "pin")
    tiny.items[1]["value"] = 60
    tiny.write()
    res = runner.invoke(main, ["diff", str(root), "--against", "HEAD"])
    assert res.exit_code == 0, res.output
    # 65 -> 0.75 x 80 + 0.25 x 60 = 75
    assert res.output.startswith("Scenario base: composite 65.00 -> 75.00 (+10.00)")
    res = runner.invoke(main, ["diff", str(root), "--against", "no-such-rev"])
    assert res.exit_code == EXIT_FAILED
    assert res.stderr.startswith("Error: --against 'no-such-rev': no such commit in the "
                                 "repository at ")
