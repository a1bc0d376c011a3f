"""scoring facts import: a case's figures from an SEC company-facts document."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from scoring.api import import_facts, load_case
from scoring.cli import EXIT_INPUT, main

from .test_facts_select import K23, K24, KA24, ROOT, SNOWFLAKE, document, fact, tiny

ALTMAN = ROOT / "rubrics" / "altman-z-1968.yaml"
BENEISH = ROOT / "rubrics" / "beneish-m-score.yaml"


def figures(case: Path) -> dict[tuple[str, str], dict[str, Any]]:
    data = yaml.safe_load((case / "figures.yaml").read_text())
    return {(f["figure"], f["period"]): f for f in data["figures"]}


def snowflake_facts() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNOWFLAKE.read_bytes())["facts"]
    return data


def test_snowflake_altman_case_is_built_scored_and_verified(tmp_path: Path,
                                                            runner: CliRunner) -> None:
    case = tmp_path / "sf"
    res = runner.invoke(main, ["facts", "import", str(SNOWFLAKE), "--case", str(case),
                               "--rubric", str(ALTMAN), "--as-of", "2024-06-30"])
    assert res.exit_code == 0, res.output
    assert "8 figures of FY2024 known on 2024-06-30" in res.output
    got = figures(case)
    us = snowflake_facts()["us-gaap"]
    # Independently of the importer: the FY2024 10-K's own facts (filed 2024-03-26).
    tenk = "0001640147-24-000101"
    assets = [f for f in us["Assets"]["units"]["USD"]
              if f["accn"] == tenk and f["end"] == "2024-01-31"]
    assert got[("total_assets", "FY2024")]["value"] == assets[0]["val"]
    ebit = [f for f in us["OperatingIncomeLoss"]["units"]["USD"]
            if f["accn"] == tenk and f["end"] == "2024-01-31" and f["start"] == "2023-02-01"]
    fig = got[("ebit", "FY2024")]
    assert fig["value"] == ebit[0]["val"]
    assert fig["observed"] == "2024-03-26" == ebit[0]["filed"]
    assert fig["sources"][0]["source"] == f"SEC-{tenk}"
    loc = fig["sources"][0]["locator"]
    assert all(part in loc for part in ("us-gaap:OperatingIncomeLoss", "unit USD",
                                        "2023-02-01 to 2024-01-31", tenk))
    sources = yaml.safe_load((case / "sources.yaml").read_text())["sources"]
    assert [s["id"] for s in sources] == [f"SEC-{tenk}"]
    assert sources[0]["url"] == ("https://www.sec.gov/Archives/edgar/data/1640147/"
                                 "000164014724000101/0001640147-24-000101-index.htm")
    snap = case / sources[0]["snapshot"]
    assert sources[0]["sha256"] == hashlib.sha256(SNOWFLAKE.read_bytes()).hexdigest()
    assert snap.read_bytes() == SNOWFLAKE.read_bytes()
    assert load_case(case).meta.period == "FY2024"
    assert runner.invoke(main, ["verify", str(case)]).exit_code == 0
    assert runner.invoke(main, ["score", str(case)]).exit_code == 0
    # The snapshot changed: verify fails.
    snap.write_bytes(snap.read_bytes() + b" ")
    assert runner.invoke(main, ["verify", str(case)]).exit_code != 0


def test_output_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        import_facts(SNOWFLAKE, tmp_path / name, BENEISH)
    for f in ("figures.yaml", "sources.yaml"):  # case.yaml: its id is the folder's name
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_beneish_missing_figure_is_listed_never_zero(tmp_path: Path) -> None:
    # Snowflake had no long-term debt before its convertible notes of FY2025: the 10-K of
    # FY2025 reports ConvertibleDebtNoncurrent of 0 at the end of FY2024; no filing reports a
    # debt concept for FY2023. Nor does any report SG&A as one line (selling and marketing
    # and general and administrative are apart): the map reads no sum, so it is missing.
    report = import_facts(SNOWFLAKE, tmp_path / "b", BENEISH, period="FY2024")
    assert sorted(report.missing) == [("long_term_debt", "FY2023"), ("sga", "FY2023"),
                                      ("sga", "FY2024")]
    assert "SellingGeneralAndAdministrativeExpense" not in snowflake_facts()["us-gaap"]
    assert (report.period, report.prior) == ("FY2024", "FY2023")
    got = figures(tmp_path / "b")
    assert ("long_term_debt", "FY2023") not in got
    assert got[("long_term_debt", "FY2024")]["value"] == 0
    assert "#   long_term_debt FY2023" in (tmp_path / "b" / "figures.yaml").read_text()
    assert ("sales", "FY2023") in got


def test_restatement_is_kept_and_said(tmp_path: Path) -> None:
    doc = tmp_path / "tiny.json"
    doc.write_bytes(tiny())
    rubric = tmp_path / "r"
    rubric.mkdir()
    (rubric / "maps").mkdir()
    (rubric / "maps" / "us-gaap.yaml").write_bytes(
        (ROOT / "rubrics" / "maps" / "us-gaap.yaml").read_bytes())
    r = rubric / "beneish.yaml"
    r.write_bytes(BENEISH.read_bytes())
    report = import_facts(doc, tmp_path / "c", r, period="FY2023")
    assert report.restated == [
        "total_assets FY2022: 900 in the 10-K of 2023-02-20, restated as 1,010 on "
        f"2024-05-02 ({KA24})",
        "total_assets FY2022: 1,000 in the 10-K of 2024-02-20, restated as 1,010 on "
        f"2024-05-02 ({KA24})"]
    fig = figures(tmp_path / "c")[("total_assets", "FY2022")]
    assert (fig["value"], fig["observed"]) == (1010, "2024-05-02")
    assert "earlier reported as 900 (10-K of 2023-02-20), 1,000 (10-K of 2024-02-20)" \
        in fig["claim"]
    assert report.conflicts == [
        "sales FY2023: took Revenues = 500 (first in the map's order); "
        "RevenueFromContractWithCustomerExcludingAssessedTax reports 490"]
    # A repeated value cites the first filing: FY2023's assets only in the 10-K.
    assert figures(tmp_path / "c")[("total_assets", "FY2023")]["observed"] == "2024-02-20"
    assert K23 and K24


def test_a_broken_balance_sheet_is_flagged(tmp_path: Path, runner: CliRunner) -> None:
    doc = tmp_path / "bs.json"
    # Assets 1000 against liabilities 600 + equity 399: off by 1 = 0.1% of assets (allowed);
    # 398: off by 2, more than 0.1%.
    def write(equity: float) -> None:
        doc.write_bytes(document({
            "Assets": {"USD": [fact("2023-12-31", 1000, K24, "2024-02-20")]},
            "Liabilities": {"USD": [fact("2023-12-31", 600, K24, "2024-02-20")]},
            "StockholdersEquity": {"USD": [fact("2023-12-31", equity, K24, "2024-02-20")]},
            "Revenues": {"USD": [fact("2023-12-31", 5, K24, "2024-02-20",
                                      start="2023-01-01")]}}))
    write(399)
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(tmp_path / "a"),
                               "--rubric", str(ALTMAN)])
    assert res.exit_code == 0, res.output
    assert "balance sheet" not in res.output
    write(398)
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(tmp_path / "b"),
                               "--rubric", str(ALTMAN)])
    assert res.exit_code == 0, res.output
    assert ("check failed: balance sheet FY2023: total_assets 1,000 != total_liabilities "
            "600 + total_equity 398 (off by 2") in res.output


def test_hand_written_figures_are_not_replaced_without_replace(tmp_path: Path,
                                                               runner: CliRunner) -> None:
    case = tmp_path / "c"
    assert runner.invoke(main, ["new", str(case), "--rubric", str(ALTMAN), "--as-of",
                                "2025-03-31"]).exit_code == 0  # its period: FY2024
    before = (case / "figures.yaml").read_bytes()
    args = ["facts", "import", str(SNOWFLAKE), "--case", str(case), "--rubric", str(ALTMAN),
            "--as-of", "2024-06-30"]
    res = runner.invoke(main, args)
    assert res.exit_code == 1 and "pass --replace" in res.output
    assert (case / "figures.yaml").read_bytes() == before
    res = runner.invoke(main, [*args, "--replace"])
    assert res.exit_code == 0, res.output
    assert ("total_assets", "FY2024") in figures(case)
    # Figures it wrote itself are replaced by a later import without --replace.
    assert runner.invoke(main, args).exit_code == 0


def test_bad_documents_exit_2_and_write_nothing(tmp_path: Path, runner: CliRunner) -> None:
    cases = {
        "not-facts.json": b'{"hello": 1}',
        "truncated.json": SNOWFLAKE.read_bytes()[:5000],
        "string.json": document({"Assets": {"USD": [
            {**fact("2023-12-31", 1, K24, "2024-02-20"), "val": "1000"}]}}),
        "nofiled.json": document({"Assets": {"USD": [
            {k: v for k, v in fact("2023-12-31", 1, K24, "2024-02-20").items()
             if k != "filed"}]}}),
        "noaccn.json": document({"Assets": {"USD": [
            {k: v for k, v in fact("2023-12-31", 1, K24, "2024-02-20").items()
             if k != "accn"}]}}),
        "unit.json": tiny(AssetsCurrent={"shares": [fact("2023-12-31", 5, K24,
                                                         "2024-02-20")]}),
    }
    expect = {"string.json": "facts.us-gaap.Assets.units.USD[0].val",
              "nofiled.json": "facts.us-gaap.Assets.units.USD[0].filed",
              "noaccn.json": "facts.us-gaap.Assets.units.USD[0].accn",
              "unit.json": "facts.us-gaap.AssetsCurrent.units"}
    for name, raw in cases.items():
        doc = tmp_path / name
        doc.write_bytes(raw)
        case = tmp_path / ("case-" + name)
        res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(case),
                                   "--rubric", str(ALTMAN)])
        assert res.exit_code == EXIT_INPUT, (name, res.output)
        assert name in res.output and "Traceback" not in res.output
        if name in expect:
            assert expect[name] in res.output, (name, res.output)
        assert not case.exists(), name
    res = runner.invoke(main, ["facts", "import", str(SNOWFLAKE), "--case",
                               str(tmp_path / "early"), "--rubric", str(ALTMAN),
                               "--as-of", "2010-01-01"])
    assert res.exit_code == EXIT_INPUT and "first filing is of" in res.output
    assert not (tmp_path / "early").exists()


SHIPPED = ROOT / "evidence" / "altman-snowflake-2024"


def test_shipped_snowflake_case_is_what_the_import_writes(tmp_path: Path) -> None:
    case = tmp_path / "altman-snowflake-2024"
    import_facts(SNOWFLAKE, case, ALTMAN, as_of=load_case(SHIPPED).meta.as_of)
    for name in ("figures.yaml", "sources.yaml"):
        assert (case / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_shipped_snowflake_z_recomputed_by_hand_from_the_document() -> None:
    import scoring

    us = snowflake_facts()["us-gaap"]
    tenk = "0001640147-24-000101"

    def val(concept: str, start: str | None = None) -> float:
        hits = [f["val"] for f in us[concept]["units"]["USD"] if f["accn"] == tenk
                and f["end"] == "2024-01-31" and f.get("start") == start]
        assert len(set(hits)) == 1, concept
        return float(hits[0])

    ca, cl, ta = val("AssetsCurrent"), val("LiabilitiesCurrent"), val("Assets")
    re_, tl = val("RetainedEarningsAccumulatedDeficit"), val("Liabilities")
    ebit = val("OperatingIncomeLoss", "2023-02-01")
    sales = val("RevenueFromContractWithCustomerExcludingAssessedTax", "2023-02-01")
    floats = snowflake_facts()["dei"]["EntityPublicFloat"]["units"]["USD"]
    mve = float(next(f["val"] for f in floats if f["accn"] == tenk))
    z = 1.2 * (ca - cl) / ta + 1.4 * re_ / ta + 3.3 * ebit / ta + 0.6 * mve / tl \
        + 1.0 * sales / ta
    r = scoring.score(load_case(SHIPPED))
    assert abs(r.composite("base") - z) < 1e-9


def test_an_ifrs_20f_filer_gets_a_case(tmp_path: Path, runner: CliRunner) -> None:
    doc = tmp_path / "ifrs.json"
    doc.write_bytes(document({
        "Assets": {"USD": [fact("2023-12-31", 800, K24, "2024-04-25", form="20-F")]},
        "Revenue": {"USD": [fact("2023-12-31", 300, K24, "2024-04-25", form="20-F",
                                 start="2023-01-01")]}}, taxonomy="ifrs-full"))
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(tmp_path / "c"),
                               "--rubric", str(ALTMAN)])
    assert res.exit_code == 0, res.output
    assert "2 figures of FY2023 known on 2024-04-25" in res.output  # as-of: the last filing
    assert "missing: ebit FY2023" in res.output
    got = figures(tmp_path / "c")
    assert got[("sales", "FY2023")]["sources"][0]["locator"].startswith("ifrs-full:Revenue,")
    assert got[("total_assets", "FY2023")]["observed"] == "2024-04-25"


def test_the_command_says_what_was_restated(tmp_path: Path, runner: CliRunner) -> None:
    doc = tmp_path / "tiny.json"
    doc.write_bytes(tiny())
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(tmp_path / "c"),
                               "--rubric", str(BENEISH), "--as-of", "2024-06-30"])
    assert res.exit_code == 0, res.output
    assert (f"restated: total_assets FY2022: 1,000 in the 10-K of 2024-02-20, restated as "
            f"1,010 on 2024-05-02 ({KA24})") in res.output
    assert "two concepts: sales FY2023: took Revenues = 500" in res.output
    # Before the amendment was filed, only the FY2023 10-K's restatement of FY2022 is known.
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(tmp_path / "d"),
                               "--rubric", str(BENEISH), "--as-of", "2024-05-01"])
    assert res.exit_code == 0 and "1,010" not in res.output
    assert ("restated: total_assets FY2022: 900 in the 10-K of 2023-02-20, restated as 1,000 "
            f"on 2024-02-20 ({K24})") in res.output
    assert figures(tmp_path / "d")[("total_assets", "FY2022")]["value"] == 1000


def test_an_existing_case_of_another_period_is_refused(tmp_path: Path,
                                                       runner: CliRunner) -> None:
    case = tmp_path / "c"
    assert runner.invoke(main, ["new", str(case), "--rubric", str(ALTMAN), "--as-of",
                                "2024-06-30"]).exit_code == 0  # its period: FY2023
    before = (case / "figures.yaml").read_bytes()
    res = runner.invoke(main, ["facts", "import", str(SNOWFLAKE), "--case", str(case),
                               "--rubric", str(ALTMAN), "--as-of", "2024-06-30", "--replace"])
    assert res.exit_code == EXIT_INPUT
    assert "case.yaml" in res.output and "period" in res.output
    assert "the case's period is 'FY2023'; the import is of 'FY2024'" in res.output
    assert (case / "figures.yaml").read_bytes() == before
    res = runner.invoke(main, ["facts", "import", str(SNOWFLAKE), "--case", str(case),
                               "--rubric", str(ALTMAN), "--as-of", "2024-06-30", "--replace",
                               "--period", "FY2023"])
    assert res.exit_code == 0, res.output
    assert ("total_assets", "FY2023") in figures(case)


PIOTROSKI = ROOT / "rubrics" / "piotroski-f-score-reported.yaml"
SHIPPED_F = ROOT / "evidence" / "piotroski-snowflake-2025"


def test_shipped_snowflake_piotroski_case_is_what_the_import_writes(tmp_path: Path) -> None:
    case = tmp_path / "piotroski-snowflake-2025"
    import_facts(SNOWFLAKE, case, PIOTROSKI, as_of=load_case(SHIPPED_F).meta.as_of)
    for name in ("figures.yaml", "sources.yaml"):
        assert (case / name).read_bytes() == (SHIPPED_F / name).read_bytes(), name
    assert not (case / "restatements.yaml").exists()  # no figure it reads was restated


def test_shipped_snowflake_f_score_recomputed_by_hand_from_the_document() -> None:
    import scoring

    us = snowflake_facts()["us-gaap"]
    k25, k24 = "0001640147-25-000052", "0001640147-24-000101"  # the 10-Ks of FY2025, FY2024

    def val(concept: str, accn: str, end: str, start: str | None = None,
            unit: str = "USD") -> float:
        hits = [f["val"] for f in us[concept]["units"][unit] if f["accn"] == accn
                and f["end"] == end and f.get("start") == start]
        assert len(set(hits)) == 1, concept
        return float(hits[0])

    # FY2025 is the year 2024-02-01 to 2025-01-31, FY2024 the year before; the 10-K of
    # FY2025 reports both, the 10-K of FY2024 the balance sheet of 2023-01-31.
    y25, y24 = ("2025-01-31", "2024-02-01"), ("2024-01-31", "2023-02-01")
    ni, ni0 = val("NetIncomeLoss", k25, *y25), val("NetIncomeLoss", k25, *y24)
    cfo = val("NetCashProvidedByUsedInOperatingActivities", k25, *y25)
    ta, ta0 = val("Assets", k25, "2025-01-31"), val("Assets", k25, "2024-01-31")
    ta00 = val("Assets", k24, "2023-01-31")
    ltd, ltd0 = (val("ConvertibleDebtNoncurrent", k25, d) for d in ("2025-01-31", "2024-01-31"))
    ca, ca0 = (val("AssetsCurrent", k25, d) for d in ("2025-01-31", "2024-01-31"))
    cl, cl0 = (val("LiabilitiesCurrent", k25, d) for d in ("2025-01-31", "2024-01-31"))
    sh, sh0 = (val("WeightedAverageNumberOfSharesOutstandingBasic", k25, *y, unit="shares")
               for y in (y25, y24))
    rev = "RevenueFromContractWithCustomerExcludingAssessedTax"
    sales, sales0 = val(rev, k25, *y25), val(rev, k25, *y24)
    cogs, cogs0 = (val("CostOfGoodsAndServicesSold", k25, *y) for y in (y25, y24))
    roa, roa0 = ni / ta0, ni0 / ta00  # scaled by the assets at the start of each year
    signals = [
        roa > 0,                                                  # 1: profitable
        cfo > 0,                                                  # 2: cash from operations
        roa > roa0,                                               # 3: ROA up
        cfo / ta0 > roa,                                          # 4: accruals
        ltd / ((ta + ta0) / 2) < ltd0 / ((ta0 + ta00) / 2),       # 5: leverage down
        ca / cl > ca0 / cl0,                                      # 6: current ratio up
        sh <= sh0,                                                # 7: no new shares
        (sales - cogs) / sales > (sales0 - cogs0) / sales0,       # 8: gross margin up
        sales / ta0 > sales0 / ta00,                              # 9: asset turnover up
    ]
    # Written out: a net loss (ROA -1,285,640,000 / 8,223,383,000 = -15.6%, down from
    # -836,097,000 / 7,722,322,000 = -10.8%), cash from operations of 959,764,000, convertible
    # notes of 2,271,529,000 (none a year before), more shares (332,707,000 against
    # 328,001,000), a gross margin of 66.5% against 68.0%, turnover 0.441 against 0.363.
    assert signals == [False, True, False, True, False, False, False, False, True]
    r = scoring.score(load_case(SHIPPED_F))
    assert [r.factor_score("base", f"signal_{k}") for k in range(1, 10)] == \
        [float(s) for s in signals]
    assert r.composite("base") == sum(signals) == 3
    assert r.band("base") == "Low"


def test_opening_figures_are_the_year_befores_balance(tmp_path: Path) -> None:
    # tiny: total assets 1,200 at the end of FY2023; those at the end of FY2022 were 900,
    # then 1,000 (10-K of 2024-02-20), then 1,010 (10-K/A of 2024-05-02). FY2023 opens with
    # the FY2022 balance; nothing reports the end of FY2021, so FY2022's opening is missing.
    doc = tmp_path / "tiny.json"
    doc.write_bytes(tiny())
    report = import_facts(doc, tmp_path / "c", PIOTROSKI, as_of=dt.date(2024, 6, 30))
    got = figures(tmp_path / "c")
    fig = got[("opening_total_assets", "FY2023")]
    assert (fig["value"], fig["observed"]) == (1010, "2024-05-02")
    assert "Assets of 1,010 USD at 2022-12-31, the start of FY2023," in fig["claim"]
    assert "period 2022-12-31, accession " + KA24 in fig["sources"][0]["locator"]
    assert got[("total_assets", "FY2023")]["value"] == 1200
    assert ("opening_total_assets", "FY2022") in report.missing
    assert ("opening_total_assets", "FY2022") not in got
    kept = yaml.safe_load((tmp_path / "c" / "restatements.yaml").read_text())["restatements"]
    assert [(r["figure"], r["value"]) for r in kept if "opening" in r["figure"]] == [
        ("X_opening_total_assets_FY2023", 900), ("X_opening_total_assets_FY2023", 1000)]
    # Before the amendment: the 10-K's 1,000.
    import_facts(doc, tmp_path / "d", PIOTROSKI, as_of=dt.date(2024, 5, 1))
    assert figures(tmp_path / "d")[("opening_total_assets", "FY2023")]["value"] == 1000


def test_hand_written_restatements_are_not_replaced_without_replace(
        tmp_path: Path, runner: CliRunner) -> None:
    doc = tmp_path / "tiny.json"
    doc.write_bytes(tiny())
    args = ["facts", "import", str(doc), "--case", str(tmp_path / "c"), "--rubric",
            str(ALTMAN), "--as-of", "2024-06-30", "--period", "FY2022"]
    assert runner.invoke(main, args).exit_code == 0
    kept = tmp_path / "c" / "restatements.yaml"
    mine = kept.read_text().replace("source: SEC-0000000042-23-000001", "source: MY-NOTE", 1)
    kept.write_text(mine)
    res = runner.invoke(main, args)
    assert res.exit_code == 1 and "restatements.yaml: refused" in res.output
    assert "X_total_assets_FY2022" in res.output and "pass --replace" in res.output
    assert kept.read_text() == mine
    assert runner.invoke(main, [*args, "--replace"]).exit_code == 0
    assert "MY-NOTE" not in kept.read_text()


Z2 = ROOT / "rubrics" / "altman-z-double-prime-1995.yaml"
ZPRIME = ROOT / "rubrics" / "altman-z-prime-1983-reported.yaml"
SHIPPED_Z2 = ROOT / "evidence" / "altman-z2-snowflake-2024"


def fy2024_10k(concept: str, start: str | None = None) -> float:
    """A value of Snowflake's FY2024 10-K (filed 2024-03-26) at 2024-01-31 (or over the year
    from ``start``), read from the document with json, not through the importer."""
    us = snowflake_facts()["us-gaap"]
    hits = [f["val"] for f in us[concept]["units"]["USD"] if f["accn"] == "0001640147-24-000101"
            and f["end"] == "2024-01-31" and f.get("start") == start]
    assert len(set(hits)) == 1, concept
    return float(hits[0])


def test_shipped_snowflake_z2_case_is_what_the_import_writes(tmp_path: Path) -> None:
    case = tmp_path / "altman-z2-snowflake-2024"
    report = import_facts(SNOWFLAKE, case, Z2, as_of=load_case(SHIPPED_Z2).meta.as_of)
    for name in ("figures.yaml", "sources.yaml"):
        assert (case / name).read_bytes() == (SHIPPED_Z2 / name).read_bytes(), name
    assert (report.period, report.written, report.missing) == ("FY2024", 7, [])
    # Both equity concepts are reported and differ (by the noncontrolling interest): the
    # parent's, first in the map's order, is taken, and the import says so.
    assert report.conflicts == [
        "book_equity FY2024: took StockholdersEquity = 5,180,308,000 (first in the map's "
        "order); StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest "
        "reports 5,190,594,000"]


def test_shipped_snowflake_z2_recomputed_by_hand_from_the_document() -> None:
    import scoring

    ca, cl, ta = (fy2024_10k(c) for c in ("AssetsCurrent", "LiabilitiesCurrent", "Assets"))
    re_, tl = fy2024_10k("RetainedEarningsAccumulatedDeficit"), fy2024_10k("Liabilities")
    ebit = fy2024_10k("OperatingIncomeLoss", "2023-02-01")
    be = fy2024_10k("StockholdersEquity")
    assert (ca, cl, ta, re_, ebit, be, tl) == (
        5_039_264_000, 2_731_230_000, 8_223_383_000, -4_075_604_000, -1_094_773_000,
        5_180_308_000, 3_032_789_000)
    x1, x2, x3, x4 = (ca - cl) / ta, re_ / ta, ebit / ta, be / tl
    z2 = 6.56 * x1 + 3.26 * x2 + 6.72 * x3 + 1.05 * x4
    # Written out: X1 = 2,308,034,000 / 8,223,383,000 = 0.28067, X2 = -0.49561,
    # X3 = -0.13313, X4 = 5,180,308,000 / 3,032,789,000 = 1.70810;
    # Z'' = 1.84118 - 1.61569 - 0.89463 + 1.79351 = 1.12436: above 1.10, grey.
    assert abs(z2 - 1.12436) < 5e-6
    r = scoring.score(load_case(SHIPPED_Z2))
    assert abs(r.composite("base") - z2) < 1e-12
    assert r.band("base") == "Grey"
    for factor, x in zip(("liquidity", "cumulative_profitability", "operating_profitability",
                          "leverage"), (x1, x2, x3, x4), strict=True):
        assert r.factor_score("base", factor) == x


def test_a_z_prime_case_builds_from_the_same_document(tmp_path: Path,
                                                      runner: CliRunner) -> None:
    import scoring

    case = tmp_path / "zp"
    res = runner.invoke(main, ["facts", "import", str(SNOWFLAKE), "--case", str(case),
                               "--rubric", str(ZPRIME), "--as-of", "2024-06-30"])
    assert res.exit_code == 0, res.output
    assert "8 figures of FY2024 known on 2024-06-30" in res.output
    ca, cl, ta = (fy2024_10k(c) for c in ("AssetsCurrent", "LiabilitiesCurrent", "Assets"))
    re_, tl = fy2024_10k("RetainedEarningsAccumulatedDeficit"), fy2024_10k("Liabilities")
    ebit = fy2024_10k("OperatingIncomeLoss", "2023-02-01")
    be = fy2024_10k("StockholdersEquity")
    # Snowflake reports no Revenues: the map's second concept is its sales.
    sales = fy2024_10k("RevenueFromContractWithCustomerExcludingAssessedTax", "2023-02-01")
    assert "Revenues" not in snowflake_facts()["us-gaap"] and sales == 2_806_489_000
    zp = (0.717 * (ca - cl) / ta + 0.847 * re_ / ta + 3.107 * ebit / ta + 0.420 * be / tl
          + 0.998 * sales / ta)
    # Written out: 0.20124 - 0.41978 - 0.41363 + 0.71740 + 0.34060 = 0.42582: below 1.23,
    # distress (the asset turnover and its weights make it a manufacturer's score).
    assert abs(zp - 0.42582) < 5e-6
    r = scoring.score(load_case(case))
    assert abs(r.composite("base") - zp) < 1e-12
    assert r.band("base") == "Distress"
    assert figures(case)[("book_equity", "FY2024")]["sources"][0]["locator"].startswith(
        "us-gaap:StockholdersEquity, unit USD, period 2024-01-31")


def test_no_liabilities_concept_is_missing_never_computed(tmp_path: Path,
                                                          runner: CliRunner) -> None:
    # A filer giving LiabilitiesAndStockholdersEquity (1,000) and equity (400) but no
    # Liabilities: total liabilities are missing (never 1,000 - 400), X4 is not computed and
    # Z'' is "Insufficient evidence".
    doc = tmp_path / "noliab.json"
    bs = {c: {"USD": [fact("2023-12-31", v, K24, "2024-02-20")]} for c, v in (
        ("Assets", 1000), ("AssetsCurrent", 500), ("LiabilitiesCurrent", 300),
        ("RetainedEarningsAccumulatedDeficit", 100), ("StockholdersEquity", 400),
        ("LiabilitiesAndStockholdersEquity", 1000))}
    bs["OperatingIncomeLoss"] = {"USD": [fact("2023-12-31", 50, K24, "2024-02-20",
                                              start="2023-01-01")]}
    doc.write_bytes(document(bs))
    case = tmp_path / "c"
    res = runner.invoke(main, ["facts", "import", str(doc), "--case", str(case),
                               "--rubric", str(Z2)])
    assert res.exit_code == 0, res.output
    assert "missing: total_liabilities FY2023 (reported under no mapped concept" in res.output
    assert ("total_liabilities", "FY2023") not in figures(case)
    assert "#   total_liabilities FY2023" in (case / "figures.yaml").read_text()
    import scoring
    r = scoring.score(load_case(case))
    assert r.factor_score("base", "leverage") is None
    # coverage = (6.56 + 3.26 + 6.72) / (6.56 + 3.26 + 6.72 + 1.05) = 16.54 / 17.59
    assert abs(r.coverage("base") - 16.54 / 17.59) < 1e-12
    assert r.band("base") == "Insufficient evidence"
