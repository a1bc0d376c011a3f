"""pin / check / --update / --force, and the pytest plugin (via pytester)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import EXIT_FAILED, EXIT_INPUT, main

from ..conftest import TinyCase, item


@pytest.fixture
def pinned(tiny: TinyCase, runner: CliRunner) -> TinyCase:
    # C = 0.75 x 80 + 0.25 x 20 = 65 (High)
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    root = tiny.write()
    res = runner.invoke(main, ["pin", str(root)])
    assert res.exit_code == 0, res.output
    return tiny


def expected(tiny: TinyCase) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((tiny.root / "expected.yaml").read_text(encoding="utf-8"))


def test_pin_writes_plain_yaml(pinned: TinyCase) -> None:
    data = expected(pinned)
    assert data["scenarios"]["base"] == {
        "composite": 65.0, "band": "High", "coverage": 1.0,
        "factors": {"a": 80.0, "b": 20.0}}
    assert data["rubric"]["id"] == "tiny"
    assert data["history"][0]["reason"] == "initial pin"


def test_pin_refuses_to_overwrite_without_force(pinned: TinyCase, runner: CliRunner) -> None:
    before = (pinned.root / "expected.yaml").read_text(encoding="utf-8")
    pinned.items[0]["value"] = 40
    pinned.write()
    res = runner.invoke(main, ["pin", str(pinned.root)])
    assert res.exit_code == EXIT_FAILED
    assert "exists; pass --force to overwrite it" in res.stderr
    assert (pinned.root / "expected.yaml").read_text(encoding="utf-8") == before
    res = runner.invoke(main, ["pin", str(pinned.root), "--force"])
    assert res.exit_code == 0
    # C = 0.75 x 40 + 0.25 x 20 = 35 -> Low
    assert expected(pinned)["scenarios"]["base"]["composite"] == 35.0


def test_check_holds_then_drifts_without_rewriting(pinned: TinyCase, runner: CliRunner) -> None:
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.exit_code == 0
    assert res.output == "1 of 1 case hold; 0 of 5 pinned numbers drifted.\n"
    before = (pinned.root / "expected.yaml").read_text(encoding="utf-8")
    pinned.items[0]["value"] = 40  # C = 0.75 x 40 + 0.25 x 20 = 35 -> Low
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.exit_code == EXIT_FAILED
    lines = res.output.splitlines()
    assert lines[0].split() == ["case", "scenario", "number", "expected", "actual", "delta",
                                "status"]
    assert [ln.split() for ln in lines[2:5]] == [
        ["tiny", "base", "base/composite", "65", "35", "-30", "DRIFT"],
        ["tiny", "base", "base/factor/a/score", "80", "40", "-40", "DRIFT"],
        ["tiny", "base", "base/band", "High", "Low", "DRIFT"],
    ]
    assert "note: " in res.output and "evidence inputs have changed since the pin" in res.output
    assert lines[-1] == "0 of 1 case hold; 3 of 5 pinned numbers drifted."
    assert (pinned.root / "expected.yaml").read_text(encoding="utf-8") == before


def test_update_needs_a_reason_and_keeps_history(pinned: TinyCase, runner: CliRunner) -> None:
    pinned.items[0]["value"] = 40
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root), "--update"])
    assert res.exit_code == EXIT_INPUT
    assert "--update needs --reason" in res.output
    res = runner.invoke(main, ["check", str(pinned.root), "--update", "--reason",
                               "E1 revised after Q3 filing"])
    assert res.exit_code == 0
    data = expected(pinned)
    assert data["scenarios"]["base"]["composite"] == 35.0
    assert [h["reason"] for h in data["history"]] == ["initial pin", "E1 revised after Q3 filing"]
    assert data["history"][1]["moved"] == [
        "base/composite: 65 -> 35", "base/factor/a/score: 80 -> 40", "base/band: High -> Low"]
    assert runner.invoke(main, ["check", str(pinned.root)]).exit_code == 0


def test_tolerance_interval_and_band_only_pins(pinned: TinyCase, runner: CliRunner) -> None:
    data = expected(pinned)
    data["scenarios"]["base"] = {"composite": {"between": [60, 70]}, "band": "High",
                                 "factors": {"a": {"value": 79, "tolerance": 1.5}}}
    (pinned.root / "expected.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert runner.invoke(main, ["check", str(pinned.root)]).exit_code == 0
    pinned.items[0]["value"] = 76  # C = 0.75 x 76 + 5 = 62: still in [60, 70]; a = 76 off 79 by 3
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.exit_code == EXIT_FAILED
    drifted = [ln.split()[2] for ln in res.output.splitlines() if ln.endswith("DRIFT")]
    assert drifted == ["base/factor/a/score"]
    assert "79 ± 1.5" in res.output


def test_check_reports_rubric_version_change(pinned: TinyCase, runner: CliRunner) -> None:
    pinned.rubric["version"] = "1.1.0"
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.exit_code == 0
    assert "pinned against rubric tiny 1.0.0; the case now uses tiny 1.1.0" in res.output


def test_check_without_expectations(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80)]
    res = runner.invoke(main, ["check", str(tiny.write())])
    assert res.exit_code == EXIT_INPUT
    assert "no expectations pinned for this case; run `scoring pin`" in res.stderr


def test_bad_expectations_file_names_the_place(pinned: TinyCase, runner: CliRunner) -> None:
    text = (pinned.root / "expected.yaml").read_text(encoding="utf-8")
    (pinned.root / "expected.yaml").write_text(text.replace("tolerance: 1.0e-06",
                                                            "tolerance: -1"), encoding="utf-8")
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.exit_code == EXIT_INPUT
    assert "expected.yaml:11:12: tolerance: input should be greater than or equal to 0" in res.stderr


def test_plugin_collects_expectations(pytester: pytest.Pytester, pinned: TinyCase) -> None:
    case = pytester.path / "cases" / "tiny"
    shutil.copytree(pinned.root, case)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)
    text = (case / "evidence.yaml").read_text(encoding="utf-8")
    (case / "evidence.yaml").write_text(text.replace("value: 80", "value: 40"), encoding="utf-8")
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pinned numbers of*expected.yaml moved:*",
                                 "*base/composite*65*35*-30*DRIFT*"])


def test_plugin_reports_a_broken_expectations_file(pytester: pytest.Pytester,
                                                   pinned: TinyCase) -> None:
    case = pytester.path / "tiny"
    shutil.copytree(pinned.root, case)
    (case / "expected.yaml").write_text("case: [\n", encoding="utf-8")
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected.yaml:*malformed YAML*"])


def test_meta_case_is_pinned() -> None:
    from ..conftest import META

    assert (META / "expected.yaml").is_file()
    assert Path(META / "case.yaml").is_file()


def test_an_empty_interval_is_an_error_not_a_pin(pinned: TinyCase, runner: CliRunner,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pinned.root)
    text = (pinned.root / "expected.yaml").read_text(encoding="utf-8")
    text = text.replace("composite: 65.0", "composite: {between: [70, 60]}", 1)
    text = text.replace("a: 80.0", "a: {between: [80, 80]}")  # one point: a valid interval
    (pinned.root / "expected.yaml").write_text(text, encoding="utf-8")
    res = runner.invoke(main, ["check", "."])
    assert res.exit_code == EXIT_INPUT
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "between: [70, 60]" in t)
    assert res.stderr == (
        f"expected.yaml:{line}:26: scenarios.base.composite.between: interval [70, 60] is "
        "empty: its low end is above its high end\n1 problem found; nothing was scored."
        " (see docs/errors.md#input-error)\n")


def test_expectations_of_another_case_are_an_error(pinned: TinyCase, runner: CliRunner,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pinned.root)
    path = pinned.root / "expected.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("case: tiny", "case: other"),
                    encoding="utf-8")
    res = runner.invoke(main, ["check", "."])
    assert res.exit_code == EXIT_INPUT
    assert "expected.yaml:5:7: case: pins case 'other', but this folder holds case 'tiny'\n" in res.stderr


def test_rubric_hash_is_of_what_the_user_wrote(pinned: TinyCase, runner: CliRunner) -> None:
    # Spelling out defaults (stale: flag, aggregation: weighted_mean) and writing a weight as
    # 3.0 instead of 3 change no content: the pin's stamps still hold, with no note.
    pinned.rubric["stale"] = "flag"
    pinned.rubric["factors"][0]["aggregation"] = "weighted_mean"
    pinned.rubric["factors"][0]["weight"] = 3.0
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert res.output == "1 of 1 case hold; 0 of 5 pinned numbers drifted.\n"
    pinned.rubric["factors"][0]["weight"] = 2.0  # a real change is still seen
    pinned.write()
    res = runner.invoke(main, ["check", str(pinned.root)])
    assert "has changed content since the pin but not its version" in res.output


def test_meta_pin_stamps_hold_on_a_fresh_checkout(runner: CliRunner) -> None:
    from ..conftest import META

    res = runner.invoke(main, ["check", str(META)])
    assert res.exit_code == 0
    assert "note:" not in res.output
