"""The CLI: exit codes, exact lines, and that each command maps to one library call."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import EXIT_INPUT, main

from .conftest import META, REPO, TinyCase, item


def test_validate_ok(runner: CliRunner) -> None:
    res = runner.invoke(main, ["validate", str(META)])
    assert res.exit_code == 0, res.output
    version = yaml.safe_load((REPO / "rubrics" / "ai-platform-strategy.yaml").read_text(
        encoding="utf-8"))["version"]
    assert res.output == (f"{META}: ok (22 sources, 31 items, 2 scenarios, "
                          f"rubric ai-platform-strategy {version})\n")


def test_validate_a_universe(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    # examples/universe: three cases in its tables and one case folder (example-corp), each
    # with base and bear: 4 cases, 4 x 2 = 8 case-scenarios, one rubric.
    res = runner.invoke(main, ["validate", str(REPO / "examples" / "universe")])
    assert res.exit_code == 0, res.output
    assert res.stdout == (f"{REPO / 'examples' / 'universe'}: ok (4 cases in 8 "
                          "case-scenarios, rubric example-platform 1.0.0)\n")
    bad = shutil.copytree(REPO / "examples" / "universe", tmp_path / "u")
    (bad / "evidence.csv").write_text("case,id,factor,value,confidence,observed,claim,source,"
                                      "locator\nacme,E1,moat,12,1.5,2025-03-31,c,S1,p. 1\n",
                                      encoding="utf-8")
    res = runner.invoke(main, ["validate", str(bad)])
    assert res.exit_code == EXIT_INPUT
    assert "confidence: input should be less than or equal to 1" in res.stderr


def test_validate_lists_every_problem_and_exits_2(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "zz", 50), item("E1", "a", 500)]
    root = tiny.write()
    res = runner.invoke(main, ["validate", str(root)])
    assert res.exit_code == EXIT_INPUT
    rel = os.path.relpath(root / "evidence.yaml")
    assert res.stderr.splitlines() == [
        f"{rel}:3:11: items[0].factor: unknown factor 'zz' (known: a, b)",
        f"{rel}:11:7: items[1].id: duplicate item id 'E1' (first at items[0])",
        f"{rel}:13:10: items[1].value: value 500 is outside the scale [0, 100]",
        "3 problems found; nothing was scored. (see docs/errors.md#input-error)",
    ]
    assert "Traceback" not in res.output


def test_score_with_bad_input_exits_2_without_traceback(tmp_path: Path,
                                                        runner: CliRunner) -> None:
    (tmp_path / "case.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    res = runner.invoke(main, ["score", str(tmp_path)])
    assert res.exit_code == EXIT_INPUT
    assert "malformed YAML" in res.stderr
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_score_table(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    res = runner.invoke(main, ["score", str(tiny.write())])
    assert res.exit_code == 0
    # C = 0.75 x 80 + 0.25 x 20 = 65
    lines = res.output.splitlines()
    assert lines[0] == "Tiny Co — as of 2026-01-01 — rubric tiny 1.0.0"
    assert lines[2:5] == ["scenario  composite  band  coverage",
                          "--------  ---------  ----  --------",
                          "base          65.00  High    100.0%"]


def test_score_json_has_every_record(tiny: TinyCase, runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 80)]
    res = runner.invoke(main, ["score", str(tiny.write()), "--format", "json"])
    data = json.loads(res.output)
    ids = {r["id"] for r in data["records"]}
    assert {"base/composite", "base/band", "base/coverage", "base/factor/a/score",
            "base/item/E1/effective_weight", "item/E1", "source/S1"} <= ids
    composite = next(r for r in data["records"] if r["id"] == "base/composite")
    assert composite["value"] == 80.0
    assert composite["inputs"] == ["base/indicated_composite"]
    indicated = next(r for r in data["records"] if r["id"] == "base/indicated_composite")
    assert indicated["inputs"] == ["base/factor/a/contribution"]
    assert [i["path"] for i in data["inputs"]] == [
        "case.yaml", "rubric.yaml", "sources.yaml", "evidence.yaml"]


def test_score_output_file_is_written(tiny: TinyCase, runner: CliRunner, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80)]
    out = tmp_path / "out" / "scores.csv"
    res = runner.invoke(main, ["score", str(tiny.write()), "--format", "csv", "-o", str(out)])
    assert res.exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "scenario,composite,band,coverage,a,b\n"
        "base,80,High,0.75,80,\n")


def test_output_is_deterministic(runner: CliRunner) -> None:
    first = runner.invoke(main, ["score", str(META), "--format", "json"]).output
    second = runner.invoke(main, ["score", str(META), "--format", "json"]).output
    assert first == second


def test_trace_reaches_a_source(runner: CliRunner) -> None:
    res = runner.invoke(main, ["trace", str(META), "bear/composite"])
    assert res.exit_code == 0
    assert res.output.startswith("bear/composite = ")
    # an indented line naming a source record, with its title
    assert re.search(r"^ +source/S\d\d = [A-E]  \[", res.output, re.MULTILINE)


def test_trace_unknown_id_suggests(runner: CliRunner) -> None:
    res = runner.invoke(main, ["trace", str(META), "bear/compsite"])
    assert res.exit_code == EXIT_INPUT
    assert res.stderr == ("Error: no number with id 'bear/compsite' in this result. "
                          "Did you mean: bear/composite, base/composite, bull/composite?"
                          " (see docs/errors.md#unknown-trace-id)\n")


def test_schema(runner: CliRunner) -> None:
    res = runner.invoke(main, ["schema", "evidence"])
    schema = json.loads(res.output)
    assert schema["title"] == "scoring evidence file"
    assert "items" in schema["properties"]


def test_validate_catches_a_case_with_no_usable_evidence(tiny: TinyCase,
                                                         runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 50, 0.0)]
    res = runner.invoke(main, ["validate", str(tiny.write())])
    assert res.exit_code == EXIT_INPUT
    assert res.stderr == ("Error: scenario base: no factor has evidence or an imputed score, "
                          "so there is no composite to compute (see docs/errors.md#no-evidence)\n")


def test_a_run_never_modifies_its_inputs(tmp_path: Path, runner: CliRunner) -> None:
    import hashlib

    def snapshot() -> dict[str, str]:
        files = [*META.iterdir(), REPO / "rubrics" / "ai-platform-strategy.yaml"]
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    before = snapshot()
    for args in (["validate"], ["score"], ["score", "--format", "json"], ["check"],
                 ["verify"], ["report", "-o", str(tmp_path / "r.html")]):
        res = runner.invoke(main, [args[0], str(META), *args[1:]])
        assert res.exit_code == 0, (args, res.output)
    assert snapshot() == before


def test_a_bug_gets_a_message_not_a_traceback(tiny: TinyCase, runner: CliRunner,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.cli import EXIT_BUG

    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("scoring.api.score_folder", broken)
    res = runner.invoke(main, ["score", str(root)])
    assert res.exit_code == EXIT_BUG
    assert res.stderr.startswith("Internal error: ZeroDivisionError: division by zero\n")
    assert "Traceback" not in res.output


def test_the_program_prints_what_main_prints_and_freezes_its_imports(runner: CliRunner
                                                                     ) -> None:
    """The console script (cli.run) is main() in a process of its own: same output; the
    modules every command needs are frozen out of the garbage collector's sight, and the
    collector is on again for the run."""
    import subprocess
    import sys

    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print(gc.get_freeze_count() > 0, gc.isenabled(), "
            "file=sys.stderr))\n"
            f"sys.argv = ['scoring', 'score', {str(META)!r}]\n"
            "from scoring.cli import run\n"
            "run()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert (proc.returncode, proc.stderr) == (0, "True True\n")
    assert proc.stdout == runner.invoke(main, ["score", str(META)]).output
