"""History: a case at several as-of dates, numbers worked on paper."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import scoring
from scoring.analysis.history import case_history
from scoring.cli import EXIT_INPUT, main
from scoring.formats.history import BadDates, cadence, parse_dates
from scoring.formats.universe import Universe

from ..conftest import REPO, TinyCase, item

D = dt.date


def dated(tiny: TinyCase) -> TinyCase:
    """Factors a (weight 3) and b (weight 1), half-life 31 days, as of 2026-03-01.

    E1 (a, 80) observed 2026-01-01 and E2 (a, 20) observed 2026-02-01: one half-life apart,
    so once both are observed E2 weighs twice E1 at any date. E3 (b, 40, grade A) and E4
    (b, 80) observed 2026-01-01; E4 cites S2 (grade B, undated) and S4 (grade A, dated
    2026-02-15), so it weighs 0.5 until S4 is published, then 1. Scenario bull sets E2 to 50.
    """
    tiny.case["as_of"] = "2026-03-01"
    tiny.rubric["half_life_days"] = 31
    tiny.sources = [
        {"id": "S1", "title": "One", "language": "en", "kind": "news", "reliability": "A",
         "date": "2026-01-01"},
        {"id": "S2", "title": "Two", "language": "en", "kind": "news", "reliability": "B"},
        {"id": "S4", "title": "Four", "language": "en", "kind": "news", "reliability": "A",
         "date": "2026-02-15"},
    ]
    e4 = item("E4", "b", 80, source="S2")
    e4["sources"].append({"source": "S4", "locator": "p. 2"})
    tiny.items = [item("E1", "a", 80), item("E2", "a", 20, observed="2026-02-01"),
                  item("E3", "b", 40), e4]
    tiny.scenarios = [{"id": "bull", "name": "Bull", "narrative": "E2 is better.",
                       "changes": [{"op": "set_value", "item": "E2", "value": 50,
                                    "rationale": "why not"}]}]
    return tiny


DATES = (D(2026, 1, 31), D(2026, 2, 1), D(2026, 3, 1))


def test_composites_by_hand(tiny: TinyCase) -> None:
    h = case_history(scoring.load_case(dated(tiny).write()), DATES)
    base = [r.composite("base") for r in h.results]
    # 01-31: E2 not yet observed. a = 80; b = (1 x 40 + 0.5 x 80) / 1.5 = 53.333...
    #        C = (3 x 80 + 53.333) / 4 = 73.333...
    # 02-01: E2 observed that very day (included): a = (80 + 2 x 20) / 3 = 40
    #        C = (3 x 40 + 53.333) / 4 = 43.333...
    # 03-01: S4 (2026-02-15) now published: E4 weighs 1, b = (40 + 80) / 2 = 60
    #        C = (3 x 40 + 60) / 4 = 45
    assert base == pytest.approx([(240 + 160 / 3) / 4, (120 + 160 / 3) / 4, 45.0])
    assert [r.factor_score("base", "b") for r in h.results] == pytest.approx(
        [160 / 3, 160 / 3, 60.0])
    # bull sets E2 to 50, which is not observed on 01-31: nothing changes then
    # 02-01: a = (80 + 2 x 50) / 3 = 60, C = (180 + 53.333) / 4 = 58.333...
    assert [r.composite("bull") for r in h.results] == pytest.approx(
        [(240 + 160 / 3) / 4, (180 + 160 / 3) / 4, (180 + 60) / 4])
    assert [(u.change, u.item) for u in h.unobserved[0]] == [("bull/change/1", "E2")]
    assert h.unobserved[1] == h.unobserved[2] == ()


def test_observed_on_the_date_is_in_and_a_day_later_is_out(tiny: TinyCase) -> None:
    h = case_history(scoring.load_case(dated(tiny).write()), DATES[:2])
    items = [set(r.frames.items.loc[r.frames.items["scenario"] == "base", "item"])
             for r in h.results]
    assert items == [{"E1", "E3", "E4"}, {"E1", "E2", "E3", "E4"}]


def test_ages_decay_and_sources_at_each_date(tiny: TinyCase) -> None:
    h = case_history(scoring.load_case(dated(tiny).write()), DATES)
    for when, r in zip(DATES, h.results, strict=True):
        assert r.case.meta.as_of == when
        rows = r.frames.items[r.frames.items["scenario"] == "base"].set_index("item")
        age = (when - D(2026, 1, 1)).days
        assert rows.loc["E1", "age_days"] == age
        assert rows.loc["E1", "decay"] == pytest.approx(0.5 ** (age / 31))
    e4 = [r.frames.items.set_index("item").loc["E4"].iloc[0] for r in h.results]
    assert [(x["best_source"], x["reliability"]) for x in e4] == [
        ("S2", 0.5), ("S2", 0.5), ("S4", 1.0)]
    # the sources of each date: S4 only once published
    assert [sorted(r.case.evidence.sources["id"]) for r in h.results] == [
        ["S1", "S2"], ["S1", "S2"], ["S1", "S2", "S4"]]


def test_steps_are_the_diff_split(tiny: TinyCase) -> None:
    h = case_history(scoring.load_case(dated(tiny).write()), DATES)
    first, second = (step.scenarios[0] for step in h.steps)
    assert h.arrived(0) == ("E2",) and h.arrived(1) == ()
    # E2 arrives: a 80 -> 40, scored at old weights 3/4 x (40 - 80) = -30
    assert first.total == pytest.approx(-30.0)
    assert first.score_effect == pytest.approx(-30.0)
    walk = {e.items: (e.kind, e.delta) for f in first.factors for e in f.items}
    assert walk[("E2",)] == ("added", pytest.approx(-40.0))
    # S4 published: E4's best source changes, b 53.333 -> 60: 1/4 x 6.667 = +1.667
    assert second.total == pytest.approx(45 - (120 + 160 / 3) / 4)
    b = next(f for f in second.factors if f.factor == "b")
    e4 = next(e for e in b.items if e.items == ("E4",))
    assert e4.reasons == ("best_source", "grade", "as-of date")
    # the walk (by id) first ages E3 alone, then moves E4: the steps add up to the change
    assert sum(e.delta for e in b.items) == pytest.approx(60 - 160 / 3)


def test_assumption_dated_after_the_date_is_left_out(tiny: TinyCase) -> None:
    dated(tiny).scenarios.append({"id": "bear", "name": "Bear", "narrative": "A suit.",
                                  "changes": [{"op": "assume", "rationale": "peers", "item": {
                                      "id": "A1", "factor": "b", "value": 100,
                                      "confidence": 1, "observed": "2026-02-10",
                                      "claim": "sued"}}]})
    h = case_history(scoring.load_case(tiny.write()), DATES)
    # 02-01: A1 not assumed yet, bear = base; 03-01: b = (40 + 80 + 0.5 x 100 x d) / ...
    assert h.results[1].composite("bear") == pytest.approx(h.results[1].composite("base"))
    assert [(u.change, u.item) for u in h.unobserved[1] if u.scenario == "bear"] == [
        ("bear/change/1", "A1")]
    assert h.results[2].composite("bear") > h.results[2].composite("base")


def test_latest_date_is_the_case_as_scored() -> None:
    case = scoring.load_case(REPO / "evidence" / "meta-platforms")
    h = case_history(case, (D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 9)))
    plain = scoring.score(case, analyses=False)
    for s in plain.scenario_ids:
        assert h.results[-1].composite(s) == plain.composite(s)  # bit for bit
    for step in h.steps:
        for sd in step.scenarios:
            assert abs(sd.residual) < 1e-9


def test_dates() -> None:
    assert parse_dates("2026-01-01, 2026-02-01") == (D(2026, 1, 1), D(2026, 2, 1))
    assert cadence(D(2026, 1, 31), D(2026, 4, 30), "1m") == (
        D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30))
    assert cadence(D(2026, 1, 1), D(2026, 3, 9), "2w") == (
        D(2026, 1, 1), D(2026, 1, 15), D(2026, 1, 29), D(2026, 2, 12), D(2026, 2, 26))
    with pytest.raises(BadDates, match="'2026-13-01' is not a date"):
        parse_dates("2026-01-01,2026-13-01")
    with pytest.raises(BadDates, match="2026-01-01 comes after 2026-02-01"):
        parse_dates("2026-02-01,2026-01-01")
    with pytest.raises(BadDates, match="write a number and d, w or m"):
        cadence(D(2026, 1, 1), D(2026, 2, 1), "fortnightly")


def test_cli_outputs(tiny: TinyCase, runner: CliRunner, tmp_path: Path) -> None:
    folder = str(dated(tiny).write())
    args = ["history", folder, "--as-of", "2026-01-31,2026-02-01,2026-03-01"]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "2026-02-01      base      43.33   Low" in text.output
    assert "bull/change/1 (E2)" in text.output
    assert "From 2026-01-31 to 2026-02-01: 1 items arrived (E2)" in text.output
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert [d["as_of"] for d in data["dates"]] == ["2026-01-31", "2026-02-01", "2026-03-01"]
    assert data["steps"][0]["arrived"] == ["E2"]
    assert data["dates"][2]["scenarios"][0]["composite"] == pytest.approx(45.0)
    out = tmp_path / "h.csv"
    assert runner.invoke(main, [*args, "--format", "csv", "-o", str(out)]).exit_code == 0
    rows = pd.read_csv(out)
    assert list(rows.columns[:7]) == ["as_of", "rubric", "rubric_version", "scenario",
                                      "composite", "band", "coverage"]
    assert rows["composite"].iloc[-1] == pytest.approx((180 + 60) / 4)
    bad = runner.invoke(main, ["history", folder, "--as-of", "2026-02-30"])
    assert bad.exit_code == EXIT_INPUT and "'2026-02-30' is not a date" in bad.output
    both = runner.invoke(main, ["history", folder, "--as-of", "2026-02-01", "--every", "1m"])
    assert "give either --as-of DATES or --from, --to and --every" in both.output


def test_cadence_cli(tiny: TinyCase, runner: CliRunner) -> None:
    folder = str(dated(tiny).write())
    res = runner.invoke(main, ["history", folder, "--from", "2026-01-01", "--to",
                               "2026-03-01", "--every", "1m", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert [line.split(",")[0] for line in res.output.splitlines()[1::2]] == [
        "2026-01-01", "2026-02-01", "2026-03-01"]


def test_universe_dataset(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "hist"
    res = runner.invoke(main, ["history", str(REPO / "examples" / "universe"), "--as-of",
                               "2025-03-01,2025-06-30", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["as_of=2025-03-01", "as_of=2025-06-30"]
    data = pd.read_parquet(out)
    latest = data[data["as_of"] == "2025-06-30"].drop(columns="as_of").reset_index(drop=True)
    plain = pd.read_parquet(_scores(runner, tmp_path))
    pd.testing.assert_frame_equal(latest[plain.columns], plain, check_dtype=False)
    # written again over itself: the folder holds only what scoring wrote
    assert runner.invoke(main, ["history", str(REPO / "examples" / "universe"), "--as-of",
                                "2025-06-30", "-o", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["as_of=2025-06-30"]
    (out / "as_of=2025-06-30" / "notes.txt").write_text("mine")
    refused = runner.invoke(main, ["history", str(REPO / "examples" / "universe"),
                                   "--as-of", "2025-06-30", "-o", str(out)])
    assert refused.exit_code == 1 and "which scoring did not write" in refused.output


def _scores(runner: CliRunner, tmp_path: Path) -> Path:
    path = tmp_path / "scores.parquet"
    assert runner.invoke(main, ["score", str(REPO / "examples" / "universe"), "--format",
                                "parquet", "-o", str(path)]).exit_code == 0
    return path


def test_no_evidence_yet_names_the_date(tiny: TinyCase, runner: CliRunner) -> None:
    res = runner.invoke(main, ["history", str(dated(tiny).write()), "--as-of", "2025-12-01"])
    assert res.exit_code == EXIT_INPUT
    assert "tiny@2025-12-01" in res.output


def test_source_dated_on_the_date_is_in_and_a_day_later_is_out(tiny: TinyCase) -> None:
    h = case_history(scoring.load_case(dated(tiny).write()), (D(2026, 2, 14), D(2026, 2, 15)))
    # S4 is dated 2026-02-15: E4 weighs 0.5 (S2) the day before, 1 (S4) that day
    assert [r.factor_score("base", "b") for r in h.results] == pytest.approx([160 / 3, 60.0])


def test_a_relayed_citation_counts_once_its_relay_is_published(tiny: TinyCase) -> None:
    """E4 cites only S4 (grade A, dated 2026-02-15) read through S5 (grade B, dated
    2026-02-20). On 02-16 S4 is out but its relay is not: E4 is not yet observable and b is
    E3 alone (40). From 02-20 it counts at the weaker grade, B = 0.5, never at S4's A:
    b = (1 x 40 + 0.5 x 80) / 1.5."""
    t = dated(tiny)
    t.sources.append({"id": "S5", "title": "Five", "language": "en", "kind": "news",
                      "reliability": "B", "date": "2026-02-20"})
    t.items[3]["sources"] = [{"source": "S4", "via": "S5", "locator": "p. 2"}]
    h = case_history(scoring.load_case(t.write()), (D(2026, 2, 16), D(2026, 2, 20)))
    items = [set(r.frames.items.loc[r.frames.items["scenario"] == "base", "item"])
             for r in h.results]
    assert items == [{"E1", "E2", "E3"}, {"E1", "E2", "E3", "E4"}]
    e4 = h.results[1].frames.items.set_index(["scenario", "item"]).loc[("base", "E4")]
    assert (float(e4["reliability"]), str(e4["best_source"])) == (0.5, "S4")
    assert [r.factor_score("base", "b") for r in h.results] == pytest.approx([40.0, 160 / 3])


def test_portfolio_band_migrations_between_two_dates(runner: CliRunner, tmp_path: Path) -> None:
    """`scoring report UNIVERSE --as-of D1,D2`: the index lists each (case, scenario) whose
    band differs between the dates, as each case's own history has it."""
    universe = REPO / "examples" / "universe"
    dates = (D(2025, 3, 1), D(2025, 6, 30))
    out = tmp_path / "p"
    res = runner.invoke(main, ["report", str(universe), "-o", str(out), "--as-of",
                               "2025-03-01,2025-06-30"])
    assert res.exit_code == 0, res.output
    html = (out / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<tr><th scope="row"><a href="cases/([^"]+)\.html">[^<]*</a></th>'
                       r'<td>[^<]*</td><td><code>([^<]+)</code></td><td class="n">[^<]*</td>'
                       r'<td>([^<]*)</td><td class="n">[^<]*</td><td>([^<]*)</td>', html)
    expected = []
    u = Universe.open(universe)
    assert len(u) == 4
    for k in range(len(u)):
        h = case_history(u.load(k), dates)
        for sc in h.results[0].scenario_ids:
            a, z = h.results[0].band(sc), h.results[1].band(sc)
            if a != z:
                expected.append((h.results[0].case.meta.id.split("@")[0], sc, a, z))
    assert shown and sorted(shown) == sorted(expected)
    res = runner.invoke(main, ["report", str(universe), "-o", str(tmp_path / "q"), "--as-of",
                               "2025-03-01,2025-04-01,2025-06-30"])
    assert res.exit_code == 2 and "compares two as-of dates" in res.output
