"""Universe folders: batch scoring from the CLI, its outputs, errors and the portfolio report."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import scoring
from scoring.cli import main
from scoring.desk.synthetic import write_universe
from scoring.progress import Bar

from ..conftest import META, REPO
from ..report.test_report import Page
from ..tables import write_table


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 synthetic cases, tables as CSV."""
    return write_universe(tmp_path_factory.mktemp("u") / "universe", 200, n_items=12, fmt="csv")


def test_score_universe_every_format(universe: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "scores.parquet"
    res = runner.invoke(main, ["score", str(universe), "--format", "parquet", "-o", str(out)])
    assert res.exit_code == 0, res.output
    frame = pd.read_parquet(out)
    assert len(frame) == 600 and frame["case"].nunique() == 200
    assert list(frame.columns[:9]) == ["case", "entity", "rubric", "rubric_version", "scenario",
                                       "composite", "band", "coverage", "change_vs_base"]
    csv = pd.read_csv(io.StringIO(runner.invoke(main, ["score", str(universe), "--format",
                                                       "csv"]).output))
    assert csv["composite"].tolist() == frame["composite"].tolist()  # %.17g round-trips
    data = json.loads(runner.invoke(main, ["score", str(universe), "--format", "json"]).output)
    first = data["cases"][0]["scenarios"][2]
    assert (first["id"], first["composite"]) == ("bear", frame["composite"][2])
    table = runner.invoke(main, ["score", str(universe)]).output
    assert table.startswith("200 cases — rubric synthetic 1.0.0\n")
    assert len(table.splitlines()) == 4 + 600


def test_universe_scores_equal_single_case_scores(universe: Path, tmp_path: Path,
                                                  runner: CliRunner) -> None:
    mixed = tmp_path / "mixed"
    shutil.copytree(universe, mixed)
    shutil.copytree(META, mixed / "meta")
    case = (mixed / "meta" / "case.yaml").read_text(encoding="utf-8")
    (mixed / "meta" / "case.yaml").write_text(case.replace(
        "rubric: ../../rubrics/ai-platform-strategy.yaml", "rubric: ../rubric-meta.yaml"),
        encoding="utf-8")
    shutil.copy(REPO / "rubrics" / "ai-platform-strategy.yaml", mixed / "rubric-meta.yaml")
    res = runner.invoke(main, ["score", str(mixed), "--format", "csv"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(io.StringIO(res.output))
    assert frame["case"].iloc[0] == "meta-platforms"  # case folders first
    single = scoring.score(scoring.load_case(META), analyses=False)
    meta = frame[frame["case"] == "meta-platforms"].set_index("scenario")
    for sc in single.scenario_ids:
        assert meta.loc[sc, "composite"] == pytest.approx(single.composite(sc), abs=1e-9)
        assert meta.loc[sc, "band"] == single.band(sc)


def test_universe_table_errors(tmp_path: Path, runner: CliRunner,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_universe(tmp_path / "u", 3, n_items=6, fmt="csv")
    rows = pd.read_csv(root / "evidence.csv", dtype=str, keep_default_na=False)
    monkeypatch.chdir(root)
    bad = rows.copy()
    bad.loc[1, "case"] = "C999999"
    write_table(root / "evidence.csv", bad.to_dict("records"))
    res = runner.invoke(main, ["score", "."])
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        "evidence.csv:3:1: case: case 'C999999' is not in the cases table",
        "1 problem found; nothing was scored. (see docs/errors.md#input-error)",
    ]
    bad = rows.copy()
    bad.loc[4, "confidence"] = "2"
    write_table(root / "evidence.csv", bad[bad["case"] != "C000003"].to_dict("records"))
    res = runner.invoke(main, ["score", "."])
    assert res.output.splitlines() == [
        "evidence.csv:0:0: case: no rows for case 'C000003'",
        "evidence.csv:6:6: confidence: input should be less than or equal to 1",
        "2 problems found; nothing was scored. (see docs/errors.md#input-error)",
    ]


def test_parquet_needs_an_output_file(universe: Path, runner: CliRunner) -> None:
    res = runner.invoke(main, ["score", str(universe), "--format", "parquet"])
    assert res.exit_code == 2 and "add -o FILE.parquet" in res.output


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of 24 small cases, rendered by two processes."""
    root = write_universe(tmp_path_factory.mktemp("p") / "universe", 24, n_items=5)
    out = root.parent / "report"
    res = CliRunner().invoke(main, ["report", str(root), "-o", str(out), "--jobs", "2",
                                    "--generated-at", "2026-03-10"])
    assert res.exit_code == 0, res.output
    return out


def test_portfolio_index_links_resolve(portfolio: Path) -> None:
    page = Page((portfolio / "index.html").read_text(encoding="utf-8"))
    pages = [h for h in page.hrefs if not h.startswith("#")]
    assert len(pages) >= 24
    assert all((portfolio / h).is_file() for h in pages)
    assert all(h[1:] in page.ids for h in page.hrefs if h.startswith("#"))
    assert len(list((portfolio / "cases").glob("*.html"))) == 24


def test_portfolio_index_content(portfolio: Path) -> None:
    html = (portfolio / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr><th scope=\"row\"><a href=\"cases/") >= 24
    assert html.count("<svg class=\"chart\"") == 3  # one distribution per scenario
    assert "between <code>base</code> and <code>bear</code>" in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert csp and script
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in unescape(csp.group(1))
    assert "default-src 'none'" in unescape(csp.group(1))


def test_case_pages_are_single_case_reports(portfolio: Path) -> None:
    html = (portfolio / "cases" / "C000001.html").read_text(encoding="utf-8")
    assert 'id="bear/composite"' in html and 'id="derivations"' in html
    assert "2026-03-10" in html


def test_progress_bar_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, loud = io.StringIO(), Tty()
    for stream in (quiet, loud):
        bar = Bar("scoring", stream, width=10)
        bar(5, 10)
        bar(10, 10)
        bar.close()
    assert quiet.getvalue() == ""
    assert loud.getvalue().endswith("\rscoring [##########] 10/10\n")


# --------------------------------------------------------------------------- parts
# A universe's tables are validated and scored a part of whole cases at a time
# (Universe.parts, PART_ROWS evidence rows): memory is bounded by a part. These tests make
# the parts tiny and check that nothing a user sees depends on them.


def _shuffled(tmp_path: Path) -> Path:
    """60 cases whose evidence rows are in no order of case (a part's rows are gathered from
    all over the file)."""
    root = write_universe(tmp_path / "u", 60, n_items=5, fmt="csv")
    rows = pd.read_csv(root / "evidence.csv", dtype=str, keep_default_na=False)
    write_table(root / "evidence.csv",
                rows.sample(frac=1.0, random_state=7).to_dict("records"))
    return root


def test_parts_change_no_score(tmp_path: Path, runner: CliRunner,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.formats import universe as uni

    root = _shuffled(tmp_path)
    whole = runner.invoke(main, ["score", str(root), "--format", "csv"])
    assert whole.exit_code == 0, whole.output
    monkeypatch.setattr(uni, "PART_ROWS", 12)  # 12 rows of 5 items: 2 cases a part
    assert len(uni.Universe.open(root)._table_parts()) == 30
    parted = runner.invoke(main, ["score", str(root), "--format", "csv"])
    assert parted.output == whole.output
    monkeypatch.setattr(uni, "PART_ROWS", 1)  # one case a part
    assert runner.invoke(main, ["score", str(root), "--format", "csv"]).output == whole.output


def test_parts_report_every_problem_at_its_row(tmp_path: Path, runner: CliRunner,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.formats import universe as uni

    root = _shuffled(tmp_path)
    rows = pd.read_csv(root / "evidence.csv", dtype=str, keep_default_na=False)
    first, last = rows.index[rows["case"] == "C000001"][0], rows.index[rows["case"] == "C000060"][1]
    rows.loc[first, "confidence"] = "2"
    rows.loc[last, "factor"] = "nope"
    rows.loc[3, "case"] = "C999999"
    write_table(root / "evidence.csv", rows.to_dict("records"))
    whole = runner.invoke(main, ["score", str(root)])
    monkeypatch.setattr(uni, "PART_ROWS", 1)
    parted = runner.invoke(main, ["score", str(root)])
    assert parted.exit_code == whole.exit_code == 2
    assert parted.output == whole.output
    lines = parted.output.splitlines()
    assert f"evidence.csv:{first + 2}:6: confidence: input should be less than or equal " \
           "to 1" in [line.split("/")[-1] for line in lines]
    assert any(f"evidence.csv:{last + 2}:3: factor:" in line for line in lines)
    assert any("evidence.csv:5:1: case: case 'C999999' is not in the cases table" in line
               for line in lines)


def test_a_case_of_a_later_part_loads_as_it_does_whole(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.formats import universe as uni

    root = _shuffled(tmp_path)
    whole = uni.Universe.open(root).load(47)
    monkeypatch.setattr(uni, "PART_ROWS", 10)
    u = uni.Universe.open(root)
    assert u.load(47).items == whole.items and u.load(47).meta == whole.meta
    assert u._table_part == uni.Part(46, range(46, 48))
    assert u.load(3).meta.id == "C000004" and u._table_part == uni.Part(2, range(2, 4))
