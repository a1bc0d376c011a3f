"""Point in time: the concept maps and the selection of what was known at the as-of date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scoring.desk.facts_select import fiscal_years, select, select_batch
from scoring.errors import InputError
from scoring.formats.companyfacts import parse_batch, parse_companyfacts, read_companyfacts
from scoring.formats.factsmap import load_map

ROOT = Path(__file__).resolve().parents[2]
SNOWFLAKE = ROOT / "examples" / "filings" / "CIK0001640147-snowflake.json"
US_GAAP = ROOT / "rubrics" / "maps" / "us-gaap.yaml"
IFRS = ROOT / "rubrics" / "maps" / "ifrs-full.yaml"
K23, K24, KA24 = "0000000042-23-000001", "0000000042-24-000001", "0000000042-24-000009"


def fact(end: str, val: float, accn: str, filed: str, *, start: str | None = None,
         fy: int = 2023, form: str = "10-K") -> dict[str, Any]:
    out: dict[str, Any] = {"end": end, "val": val, "accn": accn, "fy": fy, "fp": "FY",
                           "form": form, "filed": filed}
    if start is not None:
        out["start"] = start
    return out


def document(facts: dict[str, dict[str, list[dict[str, Any]]]],
             taxonomy: str = "us-gaap") -> bytes:
    return json.dumps({"cik": 42, "entityName": "Tiny Co", "facts": {taxonomy: {
        c: {"label": c, "units": units} for c, units in facts.items()}}}).encode()


def tiny(**extra: dict[str, list[dict[str, Any]]]) -> bytes:
    """FY2022 and FY2023 (calendar years) in the 10-K of FY2023; total assets of FY2022
    restated in a 10-K/A filed later; revenue reported under two concepts."""
    facts: dict[str, dict[str, list[dict[str, Any]]]] = {
        "Assets": {"USD": [
            fact("2022-12-31", 900, K23, "2023-02-20", fy=2022),
            fact("2022-12-31", 1000, K24, "2024-02-20"),
            fact("2023-12-31", 1200, K24, "2024-02-20"),
            fact("2022-12-31", 1010, KA24, "2024-05-02", form="10-K/A")]},
        "Revenues": {"USD": [
            fact("2022-12-31", 400, K23, "2023-02-20", start="2022-01-01", fy=2022),
            fact("2023-12-31", 500, K24, "2024-02-20", start="2023-01-01"),
            fact("2022-12-31", 400, K24, "2024-02-20", start="2022-01-01")]},
        "RevenueFromContractWithCustomerExcludingAssessedTax": {"USD": [
            fact("2023-12-31", 490, K24, "2024-02-20", start="2023-01-01")]},
    }
    facts.update(extra)
    return document(facts)


def run(raw: bytes, as_of: str, period: str | None = None, figures: tuple[str, ...] = (
        "total_assets", "sales"), cmap: Path = US_GAAP):
    cf = parse_companyfacts(raw, "facts.json")
    return select(cf, load_map(cmap), list(figures), dt.date.fromisoformat(as_of), period,
                  True)


def values(sel: Any) -> dict[tuple[str, str], float]:
    return {(r.figure, r.label): r.value for r in sel.chosen.itertuples()}


def test_shipped_maps_cover_the_published_rubrics() -> None:
    from scoring.formats.loader import load_rubric
    for path in (US_GAAP, IFRS):
        cmap = load_map(path)
        for rubric in ("altman-z-1968.yaml", "altman-z-prime-1983-reported.yaml",
                       "altman-z-double-prime-1995.yaml", "beneish-m-score.yaml",
                       "piotroski-f-score-reported.yaml"):
            needed = {f.id for f in load_rubric(ROOT / "rubrics" / rubric).figures}
            assert needed <= {f.id for f in cmap.figures}, (path.name, rubric)


def test_a_bad_map_names_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    bad.write_text("taxonomy: us-gaap\nfigures:\n"
                   "  - {id: a, period: instant, unit: USD, concepts: [{concept: A}]}\n"
                   "  - {id: a, period: sometimes, unit: USD, concepts: [{concept: B}]}\n"
                   "balance_sheet: {assets: a, liabilities: l, equity: a, tolerance: 0.001}\n")
    with pytest.raises(InputError) as exc:
        load_map(bad)
    text = " | ".join(str(p) for p in exc.value.problems)
    assert "figures[1].period" in text or "period" in text
    bad.write_text("taxonomy: us-gaap\nfigures:\n"
                   "  - {id: a, period: instant, unit: USD, concepts: [{concept: A}]}\n"
                   "  - {id: a, period: instant, unit: USD, concepts: [{concept: B}]}\n"
                   "balance_sheet: {assets: a, liabilities: l, equity: a, tolerance: 0.001}\n")
    with pytest.raises(InputError) as exc:
        load_map(bad)
    problems = [str(p) for p in exc.value.problems]
    assert len(problems) == 2
    assert "map.yaml:4:" in problems[0] and "mapped twice" in problems[0]
    assert "map.yaml:5:" in problems[1] and "'l' is not a figure" in problems[1]


def test_latest_filed_wins_and_the_restated_value_is_kept() -> None:
    sel = run(tiny(), "2024-06-30")
    assert (sel.period, sel.prior) == ("FY2023", "FY2022")
    got = values(sel)
    assert got[("total_assets", "FY2022")] == 1010  # the 10-K/A of 2024-05-02
    assert got[("total_assets", "FY2023")] == 1200
    hist = sorted(zip(sel.restated.value, sel.restated.filed, sel.restated.value_latest,
                      strict=True))
    assert hist == [(900, dt.date(2023, 2, 20), 1010), (1000, dt.date(2024, 2, 20), 1010)]


def test_as_of_sees_no_later_filing() -> None:
    # Before the 10-K/A: the 10-K's value; before the 10-K of FY2023: FY2022 is the latest year.
    assert values(run(tiny(), "2024-05-01"))[("total_assets", "FY2022")] == 1000
    assert values(run(tiny(), "2024-05-02"))[("total_assets", "FY2022")] == 1010
    early = run(tiny(), "2024-02-19")
    assert early.period == "FY2022"
    assert values(early)[("total_assets", "FY2022")] == 900


def test_an_as_of_before_every_filing_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        run(tiny(), "2023-02-19")
    assert "first filing is of 2023-02-20" in str(exc.value.problems[0])


def test_first_concept_wins_and_a_different_later_one_is_named() -> None:
    sel = run(tiny(), "2024-06-30")
    assert values(sel)[("sales", "FY2023")] == 500
    c = sel.conflicts
    assert list(zip(c.figure, c.label, c.concept, c.value, c.concept_taken, strict=True)) == [
        ("sales", "FY2023", "RevenueFromContractWithCustomerExcludingAssessedTax", 490,
         "Revenues")]


def test_a_figure_no_concept_reports_is_missing_never_zero() -> None:
    sel = run(tiny(), "2024-06-30", figures=("total_assets", "ebit"))
    assert sel.missing == [("ebit", "FY2023"), ("ebit", "FY2022")]
    assert "ebit" not in set(sel.chosen.figure)


def test_an_unknown_unit_for_a_mapped_concept_is_refused() -> None:
    raw = tiny(OperatingIncomeLoss={"EUR": [
        fact("2023-12-31", 50, K24, "2024-02-20", start="2023-01-01")]})
    with pytest.raises(InputError) as exc:
        run(raw, "2024-06-30", figures=("ebit",))
    text = str(exc.value.problems[0])
    assert "facts.us-gaap.OperatingIncomeLoss.units" in text and "EUR" in text


def test_an_instant_reported_as_a_duration_is_refused() -> None:
    raw = tiny(AssetsCurrent={"USD": [
        fact("2023-12-31", 50, K24, "2024-02-20", start="2023-01-01")]})
    with pytest.raises(InputError) as exc:
        run(raw, "2024-06-30", figures=("current_assets",))
    assert "mapped as instant" in str(exc.value.problems[0])


def test_a_52_53_week_year_is_the_filers_year() -> None:
    # A retailer's year ends on the Saturday nearest 31 January: FY2023 ended 2024-02-03
    # (53 weeks), FY2022 on 2023-01-28 (52 weeks). The calendar would call them 2024 and 2023.
    raw = document({
        "Assets": {"USD": [fact("2024-02-03", 70, K24, "2024-03-20"),
                           fact("2023-01-28", 60, K24, "2024-03-20")]},
        "Revenues": {"USD": [
            fact("2024-02-03", 30, K24, "2024-03-20", start="2023-01-29"),
            fact("2023-01-28", 20, K24, "2024-03-20", start="2022-01-30")]}})
    years = fiscal_years(parse_companyfacts(raw, "f.json").table)
    assert list(years.label) == ["FY2022", "FY2023"]
    sel = run(raw, "2024-06-30")
    assert values(sel) == {("total_assets", "FY2023"): 70, ("total_assets", "FY2022"): 60,
                           ("sales", "FY2023"): 30, ("sales", "FY2022"): 20}
    # 2023-01-29 .. 2024-02-03 is 371 days: inside the year's bounds; one more day is not.
    assert (dt.date(2024, 2, 3) - dt.date(2023, 1, 29)).days + 1 == 371


def test_an_ifrs_20f_filer() -> None:
    raw = document({
        "Assets": {"USD": [fact("2023-12-31", 800, K24, "2024-04-25", form="20-F")]},
        "Revenue": {"USD": [fact("2023-12-31", 300, K24, "2024-04-25", form="20-F",
                                 start="2023-01-01")]}}, taxonomy="ifrs-full")
    sel = run(raw, "2024-06-30", cmap=IFRS)
    assert sel.period == "FY2023"
    assert values(sel) == {("total_assets", "FY2023"): 800, ("sales", "FY2023"): 300}


def test_an_unknown_period_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as exc:
        run(tiny(), "2024-06-30", period="FY2019")
    assert "known: FY2022, FY2023" in str(exc.value.problems[0])


def test_snowflake_fiscal_years_end_on_31_january() -> None:
    cf = read_companyfacts(SNOWFLAKE)
    sel = select(cf, load_map(US_GAAP), ["total_assets", "sales"], dt.date(2024, 6, 30),
                 None, True)
    assert (sel.period, sel.prior) == ("FY2024", "FY2023")
    assert sel.ends == {"FY2024": dt.date(2024, 1, 31), "FY2023": dt.date(2023, 1, 31)}
    data = json.loads(SNOWFLAKE.read_bytes())["facts"]["us-gaap"]
    # Independently: the FY2024 10-K's own value of Assets at 2024-01-31.
    want = [f["val"] for f in data["Assets"]["units"]["USD"]
            if f["end"] == "2024-01-31" and f["form"] == "10-K"]
    assert values(sel)[("total_assets", "FY2024")] in want


def test_a_batch_selects_each_document_as_it_would_alone() -> None:
    # The tiny filer (a restatement, a conflict), a 52/53-week retailer, Snowflake, and a
    # filer whose only filing is after the as-of date: one batch, one table.
    retail = document({"Assets": {"USD": [fact("2024-02-03", 70, K24, "2024-03-20")]},
                       "Revenues": {"USD": [fact("2024-02-03", 30, K24, "2024-03-20",
                                                 start="2023-01-29")]}})
    late = document({"Assets": {"USD": [fact("2024-12-31", 5, K24, "2025-02-01")]}})
    raws = [tiny(), retail.replace(b'"cik": 42', b'"cik": 43'), SNOWFLAKE.read_bytes(),
            late.replace(b'"cik": 42', b'"cik": 44')]
    batch = parse_batch([(raw, f"d{k}.json") for k, raw in enumerate(raws)])
    figs = ["total_assets", "sales", "ebit"]
    as_of = dt.date(2024, 6, 30)
    got = select_batch(batch.table, [(f.cik, f.shown) for f in batch.filers],
                       load_map(US_GAAP), figs, as_of, None, True)
    assert list(got.problems) == [3]
    assert "first filing is of 2025-02-01" in str(got.problems[3][0])
    for d, raw in enumerate(raws[:3]):
        alone = select(parse_companyfacts(raw, f"d{d}.json"), load_map(US_GAAP), figs,
                       as_of, None, True)
        mine = got.one(d)
        assert (mine.period, mine.prior, mine.ends, mine.missing) == (
            alone.period, alone.prior, alone.ends, alone.missing)
        for name in ("chosen", "restated", "conflicts"):
            a, b = getattr(alone, name), getattr(mine, name)
            assert a.drop(columns="doc").equals(b.drop(columns="doc")), (d, name)
    assert got.one(0).restated.value.tolist() == [900, 1000]  # not lost in the batch
    assert set(got.chosen.cik) == {42, 43, 1640147}


@pytest.mark.parametrize(("days", "taken"), [(356, False), (357, True), (378, True),
                                             (379, False)])
def test_a_years_duration_is_357_to_378_days(days: int, taken: bool) -> None:
    # EBIT over 365 days makes FY2023 a fiscal year; sales over `days` days ending on the
    # same day is that year's only if 357 <= days <= 378 (end minus start).
    end = dt.date(2023, 12, 31)
    start = (end - dt.timedelta(days=days)).isoformat()
    raw = document({
        "OperatingIncomeLoss": {"USD": [fact("2023-12-31", 90, K24, "2024-02-20",
                                             start="2023-01-01")]},
        "Revenues": {"USD": [fact("2023-12-31", 500, K24, "2024-02-20", start=start)]}})
    sel = run(raw, "2024-06-30", figures=("ebit", "sales"))
    assert values(sel)[("ebit", "FY2023")] == 90
    assert (("sales", "FY2023") in values(sel)) is taken
    assert (("sales", "FY2023") in sel.missing) is not taken
