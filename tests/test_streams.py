"""Data on standard output, status and progress on standard error, for every command: a
pipe (`scoring score CASE | ...`, `scoring pin CASE > log`) gets only the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import main

from .conftest import TinyCase, item


@pytest.fixture
def case(tiny: TinyCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # C = 0.75 x 80 + 0.25 x 20 = 65 (High)
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.write()
    monkeypatch.chdir(tmp_path)
    return "case"


def run(runner: CliRunner, *args: str, code: int = 0) -> tuple[str, str]:
    res = runner.invoke(main, list(args))
    assert res.exit_code == code, res.output
    return res.stdout, res.stderr


def test_status_lines_go_to_stderr(case: str, runner: CliRunner) -> None:
    assert run(runner, "score", case, "-o", "out.json", "--format", "json") == \
        ("", "wrote out.json\n")
    assert run(runner, "report", case, "-o", "r.html") == ("", "wrote r.html\n")
    assert run(runner, "pin", case) == ("", "wrote case/expected.yaml\n")
    out, err = run(runner, "check", case, "--update", "--reason", "same numbers")
    assert out == "1 of 1 case hold; 0 of 5 pinned numbers drifted.\n"
    assert err == "expected.yaml updated where numbers moved; the reason is in its history.\n"


def test_data_goes_to_stdout_alone(case: str, runner: CliRunner) -> None:
    out, err = run(runner, "validate", case)
    assert (out, err) == ("case: ok (2 sources, 2 items, 0 scenarios, rubric tiny 1.0.0)\n", "")
    out, err = run(runner, "score", case, "--format", "json")
    assert err == ""
    assert {r["id"]: r["value"] for r in json.loads(out)["records"]}["base/composite"] == 65.0
    out, err = run(runner, "score", case, "--format", "csv")
    assert (out, err) == ("scenario,composite,band,coverage,a,b\nbase,65,High,1,80,20\n", "")
    out, err = run(runner, "trace", case, "base/composite", "--depth", "0")
    assert (out, err) == ("base/composite = 65.00  [Composite risk score (base)]  same: no gate "
                          "fired and no override: 65\n", "")
    out, err = run(runner, "schema", "case")
    assert (json.loads(out)["title"], err) == ("scoring case file", "")
    out, err = run(runner, "diff", case, case)
    assert (out.splitlines()[0], err) == ("Scenario base: composite 65.00 -> 65.00 (0.00); "
                                          "band High -> High", "")
    out, err = run(runner, "rubric-bump", "case/rubric.yaml", "case/rubric.yaml")
    assert (out, err) == ("proposed: none bump, 1.0.0 -> 1.0.0\n", "")


def test_check_prints_its_table_on_stdout(case: str, runner: CliRunner) -> None:
    run(runner, "pin", case)
    out, err = run(runner, "check", case)
    assert (out, err) == ("1 of 1 case hold; 0 of 5 pinned numbers drifted.\n", "")
    data = yaml.safe_load(Path("case/expected.yaml").read_text(encoding="utf-8"))
    data["scenarios"]["base"]["composite"] = 60.0
    Path("case/expected.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = run(runner, "check", case, code=1)
    assert ("base/composite" in out, err) == (True, "")


def test_errors_go_to_stderr(case: str, runner: CliRunner) -> None:
    out, err = run(runner, "trace", case, "base/nothing", code=2)
    assert (out, err) == ("", "Error: no number with id 'base/nothing' in this result. "
                              "(see docs/errors.md#unknown-trace-id)\n")
    run(runner, "pin", case)
    out, err = run(runner, "pin", case, code=1)
    assert out == ""
    assert err == ("Error: case/expected.yaml exists; pass --force to overwrite it, or use "
                   "`scoring check --update --reason ...` to accept a new run "
                   "(see docs/errors.md#output-error)\n")
