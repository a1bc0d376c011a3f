"""Peer statistics (scoring/analysis/peers.py) on tiny groups computed by hand, and through
the universe commands: ``scoring score U --peers``, the portfolio's peer grid and the case
pages' peer records."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from scoring.analysis.peers import CasePeers, case_peers, peer_column, peer_records, peer_stats
from scoring.cli import main
from scoring.desk.synthetic import write_universe

from ..conftest import REPO

NAN = math.nan
EXAMPLE = REPO / "examples" / "universe"


def _summary(groups: list[str | None], composites: list[float],
             factor: list[float] | None = None, scenario: str = "base") -> pd.DataFrame:
    n = len(groups)
    return pd.DataFrame({
        "case": [f"c{k}" for k in range(n)], "rubric": "r", "peer_group": groups,
        "scenario": scenario, "composite": composites,
        "f": factor if factor is not None else [NAN] * n})


def _col(frame: pd.DataFrame, stat: str, score: str = "composite") -> list[float]:
    return frame[peer_column(stat, score)].tolist()


def _same(got: list[float], want: list[float]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (math.isnan(g) and math.isnan(w)) or g == w, (got, want)


def test_ranks_percentiles_medians_by_hand() -> None:
    # group g: 30, 10, 20 -> ranks 1, 3, 2; at or below: 3/3, 1/3, 2/3; median 20
    s = peer_stats(_summary(["g", "g", "g"], [30.0, 10.0, 20.0]), ["f"])
    _same(_col(s, "rank"), [1.0, 3.0, 2.0])
    _same(_col(s, "percentile"), [1.0, 1 / 3, 2 / 3])
    _same(_col(s, "median"), [20.0, 20.0, 20.0])
    _same(_col(s, "n"), [3.0, 3.0, 3.0])


def test_ties_share_the_best_rank_competition_style() -> None:
    # 50, 70, 70, 40: ranks 3, 1, 1, 4 ("1 1 3 4" sorted); the tied pair are both at or
    # above 4/4 of the group; the median of an even group is the mean of the middle two
    s = peer_stats(_summary(["g"] * 4, [50.0, 70.0, 70.0, 40.0]), ["f"])
    _same(_col(s, "rank"), [3.0, 1.0, 1.0, 4.0])
    _same(_col(s, "percentile"), [0.5, 1.0, 1.0, 0.25])
    _same(_col(s, "median"), [60.0, 60.0, 60.0, 60.0])


def test_a_score_just_below_a_tie_is_not_tied() -> None:
    # the boundary: 70 and the next float below it are two ranks, not one
    below = float(np.nextafter(70.0, 0.0))
    s = peer_stats(_summary(["g"] * 3, [70.0, below, 70.0]), ["f"])
    _same(_col(s, "rank"), [1.0, 3.0, 1.0])
    _same(_col(s, "percentile"), [1.0, 1 / 3, 1.0])


def test_a_group_of_one_and_cases_with_no_group() -> None:
    s = peer_stats(_summary(["solo", None, "g", "g"], [10.0, 99.0, 5.0, 7.0]), ["f"])
    _same(_col(s, "rank"), [1.0, NAN, 2.0, 1.0])
    _same(_col(s, "percentile"), [1.0, NAN, 0.5, 1.0])
    _same(_col(s, "median"), [10.0, NAN, 6.0, 6.0])
    _same(_col(s, "n"), [1.0, NAN, 2.0, 2.0])


def test_an_excluded_factor_has_no_rank_but_its_group_has_a_median() -> None:
    s = peer_stats(_summary(["g"] * 3, [1.0, 2.0, 3.0], factor=[40.0, NAN, 60.0]), ["f"])
    _same(_col(s, "rank", "f"), [2.0, NAN, 1.0])
    _same(_col(s, "percentile", "f"), [0.5, NAN, 1.0])
    _same(_col(s, "median", "f"), [50.0, 50.0, 50.0])
    _same(_col(s, "n", "f"), [2.0, 2.0, 2.0])


def test_groups_are_per_scenario_and_rubric() -> None:
    a = _summary(["g", "g"], [10.0, 20.0], scenario="base")
    b = _summary(["g", "g"], [30.0, 5.0], scenario="bear")
    c = _summary(["g"], [15.0]).assign(rubric="other", case="x")
    s = peer_stats(pd.concat([a, b, c], ignore_index=True), ["f"])
    _same(_col(s, "rank"), [2.0, 1.0, 1.0, 2.0, 1.0])
    _same(_col(s, "n"), [2.0, 2.0, 2.0, 2.0, 1.0])


def test_records_write_out_the_group() -> None:
    s = peer_stats(_summary(["g"] * 4, [50.0, 70.0, 70.0, 40.0], factor=[1.0, 2.0, 3.0, NAN]),
                   ["f"])
    recs = {r.id: r for r in peer_records(case_peers(s)["c0"], ["f"], {"f": "Eff"})}
    rank = recs["base/peer/composite/rank"]
    assert rank.value == 3.0 and rank.inputs == ("base/composite",)
    assert rank.expression == ("1 + 2 = 3 of 4; g (4 cases, base): c1 70; c2 70; c0 50 *; "
                               "c3 40")
    assert recs["base/peer/composite/percentile"].expression == "(4 - 3 + 1) / 4 = 0.5"
    assert recs["base/peer/composite/median"].expression.startswith(
        "(#2 70 + #3 50) / 2 = 60; g (4 cases, base)")
    assert recs["base/peer/factor/f/rank"].expression.startswith("1 + 2 = 3 of 3;")
    assert recs["base/peer/factor/f/median"].inputs == ("base/factor/f/score",)
    # c3 has no f score: no factor records for it
    assert not [r for r in peer_records(case_peers(s)["c3"], ["f"], {}) if "/factor/" in r.id]


def test_a_large_group_shows_the_count_and_the_scores_around_the_case() -> None:
    n = 40
    s = peer_stats(_summary(["g"] * n, [float(k) for k in range(n)]), ["f"])
    peers = case_peers(s)
    assert isinstance(peers["c5"], CasePeers) and peers["c5"].rows is peers["c6"].rows
    rec = {r.id: r for r in peer_records(peers["c5"], ["f"], {})}["base/peer/composite/rank"]
    # c5 (score 5) is 35th of 40: three either side, the middle two (#20, #21), the rest counted
    assert rec.expression == (
        "1 + 34 = 35 of 40; g (40 cases, base): ... (19 more); #20 c20 20; #21 c19 19; "
        "... (10 more); #32 c8 8; #33 c7 7; #34 c6 6; #35 c5 5 *; #36 c4 4; #37 c3 3; "
        "#38 c2 2; ... (2 more)")


# --------------------------------------------------------------------------- commands


def _csv(runner: CliRunner, root: Path, *more: str) -> pd.DataFrame:
    out = runner.invoke(main, ["score", str(root), "--peers", "--format", "csv", *more])
    assert out.exit_code == 0, out.output
    return out.output


def test_score_peers_on_the_example_universe(runner: CliRunner) -> None:
    out = runner.invoke(main, ["score", str(EXAMPLE), "--peers", "--format", "json"])
    assert out.exit_code == 0, out.output
    cases = {c["id"]: c for c in json.loads(out.output)["cases"]}
    assert cases["acme"]["peer_group"] == "tools"
    base = cases["acme"]["scenarios"][0]["peers"]
    assert base["composite"] == {"rank": 1, "percentile": 1.0,
                                 "median": (54.650000000000006 + 48.892595045103285) / 2,
                                 "n": 2}
    plain = runner.invoke(main, ["score", str(EXAMPLE), "--format", "csv"]).output
    assert "peer" not in plain  # without --peers the outputs are as they were
    table = runner.invoke(main, ["score", str(EXAMPLE), "--peers"]).output
    assert "acme     base          54.65  Medium    100.0%  tools       1 of 2      100.0%" \
        in table


def test_one_case_has_no_peers(runner: CliRunner) -> None:
    out = runner.invoke(main, ["score", str(REPO / "examples" / "docs-example"), "--peers"])
    assert out.exit_code == 2
    assert "--peers ranks the cases of a universe folder among their peers" in out.output


def test_a_group_name_that_looks_like_a_formula_is_neutralised(tmp_path: Path,
                                                              runner: CliRunner) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "u")
    cases = (root / "cases.csv").read_text().replace(",tools", ',"=HYPERLINK(""x"")"')
    (root / "cases.csv").write_text(cases)
    text = _csv(runner, root)
    assert ',"\'=HYPERLINK(""x"")",' in text


def test_a_bad_peer_group_is_reported_at_its_cell(tmp_path: Path, runner: CliRunner) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "u")
    cases = (root / "cases.csv").read_text().replace(",software\n", ",   \n", 1)
    (root / "cases.csv").write_text(cases)
    out = runner.invoke(main, ["score", str(root)])
    assert out.exit_code == 2
    assert "cases.csv:3:5: peer_group: must not be empty or only spaces" in out.output


def test_peers_do_not_depend_on_the_parts(tmp_path: Path, runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.formats import universe as uni

    root = write_universe(tmp_path / "u", 30, n_items=5, fmt="csv", peer_groups=3)
    whole = _csv(runner, root)
    monkeypatch.setattr(uni, "PART_ROWS", 1)  # one case a part
    assert len(uni.Universe.open(root)._table_parts()) == 30
    assert _csv(runner, root) == whole
    frame = pd.read_csv(root / "cases.csv")
    assert sorted(frame["peer_group"].unique()) == ["Energy", "Financials", "Health care"]


def test_peers_to_a_parquet_folder(tmp_path: Path, runner: CliRunner) -> None:
    out = runner.invoke(main, ["score", str(EXAMPLE), "--peers", "--format", "parquet",
                               "-o", str(tmp_path / "scores")])
    assert out.exit_code == 0, out.output
    frame = pd.read_parquet(tmp_path / "scores")
    assert frame["peer_group"].tolist()[:2] == ["tools", "tools"]
    assert frame[peer_column("rank")].tolist()[:2] == [2.0, 1.0]


# --------------------------------------------------------------------------- pages


def _ids_and_hrefs(html: str) -> tuple[set[str], list[str]]:
    return set(re.findall(r'\sid="([^"]+)"', html)), re.findall(r'\shref="([^"]+)"', html)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("portfolio")
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_every_link_of_the_peer_grid_resolves(portfolio: Path) -> None:
    index = (portfolio / "index.html").read_text(encoding="utf-8")
    grid = index[index.index('<section id="peers"'):index.index('<section id="cases"')]
    links = re.findall(r'href="(cases/[^"#]+)#([^"]+)"', grid)
    # 2 scenarios x (4 cases x 4 scores x 3 links (score, rank, percentile) + 2 groups x 4 medians)
    assert len(links) == 2 * (4 * 4 * 3 + 2 * 4)
    pages: dict[str, set[str]] = {}
    for page, anchor in links:
        if page not in pages:
            pages[page] = _ids_and_hrefs((portfolio / page).read_text(encoding="utf-8"))[0]
        assert anchor in pages[page], (page, anchor)
    assert 'class="n tone-2" title="Medium"><a href="cases/acme.html#base/composite"' in grid


def test_case_page_peer_numbers_are_traced_and_anchored(portfolio: Path) -> None:
    html = (portfolio / "cases" / "globex.html").read_text(encoding="utf-8")
    ids, hrefs = _ids_and_hrefs(html)
    assert [h for h in hrefs if h.startswith("#") and h[1:] not in ids] == []
    for sc in ("base", "bear"):
        for head in ("composite", "factor/moat", "factor/execution", "factor/legal"):
            for stat in ("rank", "percentile", "median"):
                assert f"{sc}/peer/{head}/{stat}" in ids
                assert f'href="#{sc}/peer/{head}/{stat}"' in html
    assert "Among its peers: <code>software</code>" in html


def test_a_single_case_report_has_no_peer_section(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "one.html"
    assert runner.invoke(main, ["report", str(REPO / "examples" / "docs-example"), "-o",
                                str(out)]).exit_code == 0
    assert "peer" not in out.read_text(encoding="utf-8")


def test_a_universe_without_groups_has_no_peers(tmp_path: Path, runner: CliRunner) -> None:
    root = write_universe(tmp_path / "u", 3, n_items=5, fmt="csv")
    frame = pd.read_csv(io.StringIO(_csv(runner, root)))
    assert frame["peer_group"].isna().all() and frame[peer_column("rank")].isna().all()
