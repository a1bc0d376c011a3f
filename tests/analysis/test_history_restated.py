"""Restatements in a history: a figure restated by a later filing (restatements.yaml) takes,
at each date, the value known then, and the step in which it changed names it.

The case is the hand-made filer of tests/desk/test_facts_select.py (``tiny``), imported for
FY2022 under Altman's Z: its total assets of FY2022 were 900 in the 10-K of 2023-02-20,
1,000 in the 10-K of 2024-02-20 (restating them) and 1,010 in the 10-K/A of 2024-05-02;
its sales of FY2022 are 400 throughout. Only X5 = sales / total assets has its figures, so
the Z is 1.0 x X5 (the other factors are excluded)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import scoring
from scoring.analysis.history import case_history
from scoring.api import import_facts
from scoring.cli import EXIT_INPUT, main

from ..conftest import REPO
from ..desk.test_facts_select import K23, K24, KA24, tiny

ALTMAN = REPO / "rubrics" / "altman-z-1968.yaml"
D = dt.date


@pytest.fixture
def case(tmp_path: Path) -> Path:
    doc = tmp_path / "tiny.json"
    doc.write_bytes(tiny())
    import_facts(doc, tmp_path / "c", ALTMAN, as_of=D(2024, 6, 30), period="FY2022")
    return tmp_path / "c"


def test_the_import_keeps_each_earlier_value_with_its_filing(case: Path) -> None:
    kept = yaml.safe_load((case / "restatements.yaml").read_text())["restatements"]
    assert [(r["figure"], r["value"], r["observed"], r["sources"][0]["source"])
            for r in kept] == [("X_total_assets_FY2022", 900, "2023-02-20", f"SEC-{K23}"),
                               ("X_total_assets_FY2022", 1000, "2024-02-20", f"SEC-{K24}")]
    assert f"accession {K23}" in kept[0]["sources"][0]["locator"]
    sources = {s["id"] for s in yaml.safe_load((case / "sources.yaml").read_text())["sources"]}
    assert sources == {f"SEC-{K23}", f"SEC-{K24}", f"SEC-{KA24}"}
    assert scoring.load_case(case).restatements[1].value == 1000


def test_each_date_takes_the_value_known_then(case: Path) -> None:
    dates = (D(2023, 2, 20), D(2024, 2, 19), D(2024, 2, 20), D(2024, 5, 1), D(2024, 5, 2))
    h = case_history(scoring.load_case(case), dates)
    got = [r.composite("base") for r in h.results]
    # Z = 1.0 x sales / total assets, with the total assets known at each date:
    # 900 until the 10-K of 2024-02-20 (the day itself counts), 1,000 until the 10-K/A of
    # 2024-05-02 (the day before it does not see it), then 1,010.
    want = [400 / 900, 400 / 900, 400 / 1000, 400 / 1000, 400 / 1010]
    assert got == pytest.approx(want, abs=1e-12)
    # The case as scored (as of 2024-06-30) holds the latest value.
    assert scoring.score(scoring.load_case(case)).composite("base") == \
        pytest.approx(400 / 1010, abs=1e-12)


def test_the_step_names_the_restatement_and_what_it_moved(case: Path) -> None:
    h = case_history(scoring.load_case(case), (D(2024, 5, 1), D(2024, 5, 2)))
    (r,) = h.restated[0]
    assert (r.figure, r.name, r.period, r.old_value, r.old_observed, r.old_source,
            r.new_value, r.new_observed, r.new_source, r.factors) == (
        "X_total_assets_FY2022", "total_assets", "FY2022", 1000, "2024-02-20", f"SEC-{K24}",
        1010, "2024-05-02", f"SEC-{KA24}",
        # X1 to X3 and X5 divide by total assets (X4 is the market value over liabilities)
        ("liquidity", "cumulative_profitability", "operating_profitability", "asset_turnover"))
    assert h.later == ()
    (sd,) = h.steps[0].scenarios
    assert sd.total == pytest.approx(400 / 1010 - 400 / 1000, abs=1e-12)


def test_a_restatement_filed_the_day_after_the_last_date_is_not_yet_known(case: Path) -> None:
    h = case_history(scoring.load_case(case), (D(2024, 2, 20), D(2024, 5, 1)))
    assert h.restated == ((),)
    (r,) = h.later
    assert (r.old_value, r.new_value, r.new_observed) == (1000, 1010, "2024-05-02")
    assert h.results[-1].composite("base") == pytest.approx(400 / 1000, abs=1e-12)


def test_the_command_shows_the_restatement_as_a_step(case: Path, runner: CliRunner) -> None:
    res = runner.invoke(main, ["history", str(case), "--as-of", "2023-02-20,2024-02-20"])
    assert res.exit_code == 0, res.output
    # 400 / 900 = 0.444 -> 400 / 1000 = 0.400: -0.04 at the rubric's 2 decimals.
    assert ("  restated: total_assets FY2022 (X_total_assets_FY2022) restated on 2024-02-20: "
            f"900 (SEC-{K23}: Tiny Co, 10-K filed 2023-02-20) -> 1,000 (SEC-{K24}: Tiny Co, "
            "10-K filed 2024-02-20); it moves base: asset_turnover 0.44 -> 0.40 (-0.04 on "
            "the composite)\n") in res.output
    assert "Restated after 2024-02-20, so not yet known then" in res.output
    assert (f"-> 1,010 (SEC-{KA24}: Tiny Co, 10-K/A filed 2024-05-02)\n") in res.output
    res = runner.invoke(main, ["history", str(case), "--as-of", "2024-05-01,2024-05-02",
                               "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [(x["old_value"], x["new_value"]) for x in data["steps"][0]["restated"]] == \
        [(1000, 1010)]
    assert data["restated_later"] == []


def test_the_report_trend_names_the_restatement(case: Path, runner: CliRunner,
                                                tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = runner.invoke(main, ["report", str(case), "--as-of", "2024-05-01,2024-05-02",
                               "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert ("; restated: total_assets FY2022 (X_total_assets_FY2022) restated on 2024-05-02"
            in out.read_text())


def test_a_broken_restatements_file_is_named_at_its_line(case: Path,
                                                         runner: CliRunner) -> None:
    (case / "restatements.yaml").write_text(
        "restatements:\n"
        "  - figure: X_nope\n"
        "    value: 1.0\n"
        "    observed: 2023-01-01\n"
        f"    sources: [{{source: SEC-{K23}, locator: here}}]\n"
        "  - figure: X_total_assets_FY2022\n"
        "    value: 1.0\n"
        "    observed: 2024-05-02\n"
        "    sources: [{source: NOPE, locator: here}]\n"
        "  - figure: X_total_assets_FY2022\n"
        "    value: '1'\n"
        "    observed: 2023-01-01\n"
        f"    sources: [{{source: SEC-{K23}, locator: here}}]\n")
    res = runner.invoke(main, ["validate", str(case)])
    assert res.exit_code == EXIT_INPUT, res.output
    assert "restatements.yaml:11:12: restatements[2].value: must be a number" in res.output
    # The file's fields fixed, the rules relating it to the figures and sources:
    text = (case / "restatements.yaml").read_text().replace("value: '1'", "value: 1")
    (case / "restatements.yaml").write_text(text)
    res = runner.invoke(main, ["validate", str(case)])
    assert res.exit_code == EXIT_INPUT, res.output
    assert ("restatements.yaml:2:13: restatements[0].figure: unknown figure 'X_nope': "
            "figures.yaml has no figure of that id") in res.output
    assert ("restatements.yaml:8:15: restatements[1].observed: observed 2024-05-02 is not "
            "before the figure's own observed 2024-05-02") in res.output
    assert "restatements.yaml:9:24: restatements[1].sources[0].source: unknown source " \
        "'NOPE'" in res.output
    assert "Traceback" not in res.output


def test_a_restated_income_flips_piotroski_signals(tmp_path: Path) -> None:
    """The hand-made example of docs/filings.md: income of FY2023 reported as 50 in the
    10-K of 2024-02-20, restated as -20 by the 10-K/A of 2024-05-02 (total assets at the
    end of FY2023 1,000, then 980; at the end of FY2022 900 and of FY2021 800)."""
    doc = REPO / "examples" / "filings" / "CIK0000000099-restated.json"
    case = tmp_path / "c"
    import_facts(doc, case, REPO / "rubrics" / "piotroski-f-score-reported.yaml",
                 as_of=D(2024, 6, 30))
    h = case_history(scoring.load_case(case), (D(2024, 5, 1), D(2024, 5, 2)))
    # Signal 1, ROA = income / opening assets > 0: 50 / 900 > 0 holds, -20 / 900 does not.
    # Signal 3, ROA up on FY2022's 40 / 800 = 0.05: 50 / 900 = 0.056 is, -20 / 900 is not.
    # Signal 4, cash flow ROA 70 / 900 above ROA: holds either way. F: 5 -> 3.
    assert [r.composite("base") for r in h.results] == [5, 3]
    (sd,) = h.steps[0].scenarios
    # A points composite: each signal counts with its coefficient 1, so the parts add up.
    assert (sd.total, sd.score_effect, sd.weight_effect, sd.coverage_effect) == (-2, -2, 0, 0)
    assert {f.factor: f.total for f in sd.factors if f.total} == {"signal_1": -1,
                                                                  "signal_3": -1}
    income, assets = sorted(h.restated[0], key=lambda r: r.name)
    assert (income.name, income.old_value, income.new_value) == ("income", 50, -20)
    assert income.factors == ("signal_1", "signal_3", "signal_4")
    assert (assets.name, assets.old_value, assets.new_value, assets.factors) == (
        "total_assets", 1000, 980, ("signal_5",))
