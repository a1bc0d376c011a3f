"""Published scoring methods reproduce their published worked examples (issue 13).

Each expected number is the published one, or worked out here by hand from the published
figures; none is read back from the engine.

Altman Z-score (1968): Z = 1.2 X1 + 1.4 X2 + 3.3 X3 + 0.6 X4 + 1.0 X5, the FY2021 rows of
a public dataset of fundamentals with the Z it computed (source Z1 of each case).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import scoring
from scoring.cli import main

from .conftest import REPO

# (case, figures as published in the source's row, the published Z_Score)
ALTMAN = {
    "altman-aal-2021": (dict(current_assets=17336000000.0, current_liabilities=19006000000.0,
                             total_assets=66467000000.0, retained_earnings=-8638000000.0,
                             ebit=-748000000.0, market_value_equity=11633187013.187675,
                             total_liabilities=73807000000.0, sales=29882000000.0),
                        0.2949158225498142, "Distress"),
    "altman-aap-2021": (dict(current_assets=6275476000.0, current_liabilities=5180307000.0,
                             total_assets=12194209000.0, retained_earnings=4605791000.0,
                             ebit=820284000.0, market_value_equity=13502133317.123411,
                             total_liabilities=9065918000.0, sales=10997989000.0),
                        2.6540424910699985, "Grey"),
}


def _ratios(f: dict[str, float]) -> list[float]:
    return [(f["current_assets"] - f["current_liabilities"]) / f["total_assets"],
            f["retained_earnings"] / f["total_assets"], f["ebit"] / f["total_assets"],
            f["market_value_equity"] / f["total_liabilities"], f["sales"] / f["total_assets"]]


@pytest.mark.parametrize("case", sorted(ALTMAN))
def test_altman_reproduces_the_published_z(case: str) -> None:
    figures, published, zone = ALTMAN[case]
    x = _ratios(figures)
    hand = 1.2 * x[0] + 1.4 * x[1] + 3.3 * x[2] + 0.6 * x[3] + 1.0 * x[4]
    assert hand == pytest.approx(published, abs=1e-15)  # the source's own arithmetic
    r = scoring.score(scoring.load_case(REPO / "evidence" / case))
    assert r.composite("base") == pytest.approx(published, abs=1e-12)
    assert r.band("base") == zone
    for factor, value in zip(("liquidity", "cumulative_profitability",
                              "operating_profitability", "leverage", "asset_turnover"), x,
                             strict=True):
        assert r.factor_score("base", factor) == pytest.approx(value, rel=1e-15)


def test_negative_working_capital_is_scored_not_clamped() -> None:
    # AAL: X1 = (17 336 - 19 006) / 66 467 = -1 670 / 66 467 < 0; the old format could not
    # hold it (values had to lie on the scale) and an indicator would have clamped it to 0
    r = scoring.score(scoring.load_case(REPO / "evidence" / "altman-aal-2021"))
    assert r.factor_score("base", "liquidity") == pytest.approx(-1670 / 66467, rel=1e-15)
    assert r.trace["measure/x1"].expression == \
        "(1.7336e+10 - 1.9006e+10) / 6.6467e+10 = -0.02512525012"
    assert r.trace["measure/x1"].inputs == (
        "rubric/measure/x1", "figure/F_current_assets", "figure/F_current_liabilities",
        "figure/F_total_assets")
    assert r.trace["figure/F_total_assets"].inputs == ("source/Z1",)


def _copy(tmp_path: Path, case: str) -> Path:
    dst = tmp_path / case
    shutil.copytree(REPO / "evidence" / case, dst)
    shutil.copy(REPO / "rubrics" / "altman-z-1968.yaml", tmp_path / "altman-z-1968.yaml")
    meta = yaml.safe_load((dst / "case.yaml").read_text(encoding="utf-8"))
    meta["rubric"] = "../altman-z-1968.yaml"
    (dst / "case.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    (dst / "expected.yaml").unlink()
    return dst


def _edit_figures(case: Path, change: dict[str, float | None]) -> None:
    data = yaml.safe_load((case / "figures.yaml").read_text(encoding="utf-8"))
    kept = []
    for f in data["figures"]:
        if f["figure"] in change:
            if change[f["figure"]] is None:
                continue
            f["value"] = change[f["figure"]]
        kept.append(f)
    (case / "figures.yaml").write_text(yaml.safe_dump({"figures": kept}), encoding="utf-8")


def test_a_missing_figure_leaves_its_ratios_out_and_says_so(tmp_path: Path) -> None:
    case = _copy(tmp_path, "altman-aap-2021")
    _edit_figures(case, {"sales": None})
    r = scoring.score(scoring.load_case(case))
    assert r.factor_score("base", "asset_turnover") is None  # X5 has no input: excluded
    # coverage = (1.2 + 1.4 + 3.3 + 0.6) / (1.2 + 1.4 + 3.3 + 0.6 + 1.0) = 6.5 / 7.5 < 1
    assert r.coverage("base") == pytest.approx(6.5 / 7.5, rel=1e-15)
    assert r.band("base") == "Insufficient evidence"  # min_coverage 1
    assert r.trace["measure/x5"].value == "not computed: an input is missing"
    assert r.trace["measure/x5"].expression == \
        "[sales: not reported] / 1.2194209e+10: an input is missing"


def test_total_assets_of_zero_is_a_division_by_zero(tmp_path: Path) -> None:
    case = _copy(tmp_path, "altman-aap-2021")
    _edit_figures(case, {"total_assets": 0.0})
    r = scoring.score(scoring.load_case(case))
    for m in ("x1", "x2", "x3", "x5"):
        assert r.trace[f"measure/{m}"].value == "not computed: division by zero"
    assert r.factor_score("base", "leverage") == pytest.approx(
        13502133317.123411 / 9065918000.0, rel=1e-15)  # X4 does not read total assets
    assert r.band("base") == "Insufficient evidence"


@pytest.mark.parametrize(("figure", "field", "value", "message"), [
    ("sales", "unit", "EUR", "unit 'EUR' is not the rubric's unit for sales: 'USD'"),
    ("sales", "period", "FY2020", "period 'FY2020' is not the case's period 'FY2021'"),
    ("sales", "figure", "revenue", "unknown figure 'revenue' (the rubric reads current_assets, "
                                   "current_liabilities, total_assets, retained_earnings, "
                                   "ebit, market_value_equity, total_liabilities, sales)"),
    ("sales", "id", "x1", "'x1' is the id of a measure a factor is scored by: give the "
                          "figure another id"),
])
def test_figure_problems_are_placed(tmp_path: Path, figure: str, field: str, value: str,
                                    message: str) -> None:
    case = _copy(tmp_path, "altman-aap-2021")
    data = yaml.safe_load((case / "figures.yaml").read_text(encoding="utf-8"))
    k = next(i for i, f in enumerate(data["figures"]) if f["figure"] == figure)
    data["figures"][k][field] = value
    text = yaml.safe_dump(data, sort_keys=False)
    (case / "figures.yaml").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith("- ")][k]
    row = next(i for i in range(start, len(lines))
               if lines[i].lstrip("- ").startswith(f"{field}:")) + 1
    col = lines[row - 1].index(f"{field}:") + len(field) + 3
    res = CliRunner().invoke(main, ["validate", str(case)])
    assert res.exit_code == 2
    expected = f"figures.yaml:{row}:{col}: figures[{k}].{field}: {message}"
    assert any(line.endswith(expected) for line in res.output.splitlines()), res.output


@pytest.mark.parametrize(("formula", "offset", "message"), [
    ("sales / total_asets", 8, "unknown name 'total_asets': a formula reads the rubric's "
                               "figures (current_assets, current_liabilities, total_assets, "
                               "retained_earnings, ebit, market_value_equity, "
                               "total_liabilities, sales) and measures (x1, x2, x3, x4, x5)"),
    ("sales / sqrt(total_assets)", 8, "unknown function 'sqrt'; the functions are min, max, "
                                      "abs, log, exp, where, prior, round"),
    ("sales /", 7, "expected a number, a name or '(', not the end of the formula"),
    ("prior(x1)", 6, "prior() reads a figure; 'x1' is not one of the rubric's figures "
                     "(current_assets, current_liabilities, total_assets, retained_earnings, "
                     "ebit, market_value_equity, total_liabilities, sales)"),
])
def test_formula_problems_name_the_column(tmp_path: Path, formula: str, offset: int,
                                          message: str) -> None:
    case = _copy(tmp_path, "altman-aap-2021")
    rubric = tmp_path / "altman-z-1968.yaml"
    text = rubric.read_text(encoding="utf-8")
    old = "    formula: sales / total_assets\n"
    assert old in text
    rubric.write_text(text.replace(old, f"    formula: {formula}\n"), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    res = CliRunner().invoke(main, ["validate", str(case)])
    assert res.exit_code == 2
    # the formula starts at column 14 ("    formula: " is 13 characters): the problem is
    # at 14 + its offset in the formula
    assert f"altman-z-1968.yaml:{line}:{14 + offset}: measures[4].formula: {message}\n" \
        in res.output, res.output


def test_a_measure_that_reads_itself_is_refused(tmp_path: Path) -> None:
    case = _copy(tmp_path, "altman-aap-2021")
    rubric = tmp_path / "altman-z-1968.yaml"
    text = rubric.read_text(encoding="utf-8")
    text = text.replace("    formula: sales / total_assets\n", "    formula: x1 + sales\n")
    text = text.replace("    formula: (current_assets - current_liabilities) / total_assets\n",
                        "    formula: x5 * 2\n")
    rubric.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(case)])
    assert res.exit_code == 2
    assert "measures[0].formula: measure 'x1' reads itself (through x5)" in res.output
    assert "measures[4].formula: measure 'x5' reads itself (through x1)" in res.output


def test_altman_cases_as_universe_tables(tmp_path: Path) -> None:
    """The two examples as one universe of tables (figures.csv beside an evidence table that
    holds only its header) score as the case folders do."""
    import csv
    import io

    import pandas as pd

    root = tmp_path / "u"
    root.mkdir()
    shutil.copy(REPO / "rubrics" / "altman-z-1968.yaml", root / "rubric.yaml")
    cases, sources, figures = [], [], []
    for case in sorted(ALTMAN):
        folder = REPO / "evidence" / case
        meta = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        cases.append({"id": meta["id"], "entity": meta["entity"], "as_of": meta["as_of"],
                      "rubric": "rubric.yaml", "period": meta["period"]})
        for s in yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))["sources"]:
            sources.append({"case": meta["id"], **{k: s[k] for k in (
                "id", "title", "language", "kind", "reliability")}})
        for f in yaml.safe_load((folder / "figures.yaml").read_text(encoding="utf-8"))["figures"]:
            figures.append({"case": meta["id"], "id": f["id"], "figure": f["figure"],
                            "period": f["period"], "value": repr(f["value"]), "unit": f["unit"],
                            "observed": f["observed"], "source": f["sources"][0]["source"],
                            "locator": f["sources"][0]["locator"]})

    def write(name: str, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
        with (root / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, header or list(rows[0]))
            w.writeheader()
            w.writerows(rows)

    write("cases.csv", cases)
    write("sources.csv", sources)
    write("figures.csv", figures)
    write("evidence.csv", [], ["case", "id", "factor", "value", "confidence", "observed",
                               "claim", "source", "locator"])
    res = CliRunner().invoke(main, ["score", str(root), "--format", "csv"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(io.StringIO(res.output)).set_index("case")
    for case, (_, published, zone) in ALTMAN.items():
        assert frame.loc[case, "composite"] == pytest.approx(published, abs=1e-12)
        assert frame.loc[case, "band"] == zone
    # a figure row of a case that is not in the cases table is placed at its row
    write("figures.csv", [*figures, {**figures[0], "case": "nobody"}])
    res = CliRunner().invoke(main, ["score", str(root)])
    assert res.exit_code == 2
    assert f"figures.csv:{len(figures) + 2}:1: case: case 'nobody' is not in the cases " \
           "table" in res.output


# --------------------------------------------------------------------------- Piotroski


@pytest.mark.parametrize(("case", "now", "before", "published", "zone"), [
    # Thomson Reuters, period ending Dec 31 2017 (source P1): ratios in percent
    ("piotroski-thomson-reuters-2017",
     dict(roa=5.3, cfo=1.73e9, cfroa=7.7, leverage=21.3, current_ratio=62.1, shares_issued=0.0,
          gross_margin=53.5, asset_turnover=42.8),
     dict(roa=11.1, leverage=23.7, current_ratio=101.6, gross_margin=42.9, asset_turnover=40.1),
     7, "High"),
    # Streamline Health, period ending Jul 31 2024: negative ROA and cash from operations
    ("piotroski-streamline-health-2024",
     dict(roa=-48.2, cfo=-1.84e6, cfroa=-5.5, leverage=26.8, current_ratio=61.3,
          shares_issued=118560.0, gross_margin=51.8, asset_turnover=52.0),
     dict(roa=-20.1, leverage=16.0, current_ratio=65.3, gross_margin=47.2, asset_turnover=45.1),
     3, "Low"),
])
def test_piotroski_reproduces_the_published_f(case: str, now: dict[str, float],
                                              before: dict[str, float], published: int,
                                              zone: str) -> None:
    signals = [now["roa"] > 0, now["cfo"] > 0, now["roa"] > before["roa"],
               now["cfroa"] > now["roa"], now["leverage"] < before["leverage"],
               now["current_ratio"] > before["current_ratio"], now["shares_issued"] <= 0,
               now["gross_margin"] > before["gross_margin"],
               now["asset_turnover"] > before["asset_turnover"]]
    assert sum(signals) == published  # the source's nine tests, by hand
    r = scoring.score(scoring.load_case(REPO / "evidence" / case))
    assert r.composite("base") == published and r.band("base") == zone
    assert [r.factor_score("base", f"signal_{k}") for k in range(1, 10)] == \
        [float(s) for s in signals]
    assert r.trace["base/composite"].display == str(published)  # decimals: 0


# --------------------------------------------------------------------------- Beneish


def test_beneish_reproduces_the_sunbeam_teaching_example() -> None:
    # Sunbeam, 1997 (t) and 1996 (t-1), as the example gives them (source B1)
    rec, ca, cogs, ppe = (2956, 2134), (6580, 6242), (8377, 9006), (2409, 2201)
    ta, sales, dep, sga = (11203, 10727), (11682, 9842), (386, 474), (1310, 2140)
    cl, ltd, income, cfo = (1981, 2716), (1946, 2011), 1094, -82
    index = {
        "dsri": (rec[0] / sales[0]) / (rec[1] / sales[1]),
        "gmi": ((sales[1] - cogs[1]) / sales[1]) / ((sales[0] - cogs[0]) / sales[0]),
        "aqi": (1 - (ca[0] + ppe[0]) / ta[0]) / (1 - (ca[1] + ppe[1]) / ta[1]),
        "sgi": sales[0] / sales[1],
        "depi": (dep[1] / (dep[1] + ppe[1])) / (dep[0] / (dep[0] + ppe[0])),
        "sgai": (sga[0] / sales[0]) / (sga[1] / sales[1]),
        "lvgi": ((cl[0] + ltd[0]) / ta[0]) / ((cl[1] + ltd[1]) / ta[1]),
        "tata": (income - cfo) / ta[0],
    }
    published = {"dsri": 1.1670, "gmi": 0.3002, "aqi": 0.9282, "sgi": 1.1870,
                 "depi": 1.2831, "sgai": 0.5157, "lvgi": 0.7955, "tata": 0.1050}
    rounded = {k: round(v, 4) for k, v in index.items()}
    assert rounded == published
    coef = {"dsri": 0.920, "gmi": 0.528, "aqi": 0.404, "sgi": 0.892, "depi": 0.115,
            "sgai": -0.172, "lvgi": -0.327, "tata": 4.679}
    m = -4.84 + sum(coef[k] * rounded[k] for k in coef)
    assert round(m, 4) == -1.8840  # the published M
    r = scoring.score(scoring.load_case(REPO / "evidence" / "beneish-sunbeam-1997"))
    assert r.composite("base") == pytest.approx(m, abs=1e-12)
    assert r.trace["base/composite"].display == "-1.8840"  # decimals: 4
    for k, v in published.items():
        assert r.factor_score("base", k) == v
    assert r.band("base") == "Unlikely manipulator"  # -1.884 is not above -1.78


# --------------------------------------------------------------------------- Scorecard


def test_scorecard_reproduces_the_published_aggregate() -> None:
    # hb-go/pkg (source D1): score and risk weight of each check scored 0 or more; the
    # three checks scored -1 (Webhooks, Signed-Releases, Packaging) are left out
    scored = {"maintained": (0, 7.5), "code_review": (0, 7.5), "cii_best_practices": (0, 2.5),
              "vulnerabilities": (10, 7.5), "dependency_update_tool": (0, 7.5),
              "license": (10, 2.5), "token_permissions": (10, 7.5),
              "dangerous_workflow": (10, 10), "pinned_dependencies": (10, 5),
              "binary_artifacts": (10, 7.5), "security_policy": (0, 5), "fuzzing": (0, 5),
              "branch_protection": (0, 7.5)}
    aggregate = sum(s * w for s, w in scored.values()) / sum(w for _, w in scored.values())
    assert aggregate == pytest.approx(400 / 82.5, rel=1e-15)  # = 480 / 99 = 4.848...
    r = scoring.score(scoring.load_case(REPO / "evidence" / "scorecard-hb-go-pkg"))
    assert r.composite("base") == pytest.approx(aggregate, rel=1e-14)
    assert r.trace["base/composite"].display == "4.8"  # the published 4.8 (decimals: 1)
    assert r.factor_score("base", "webhooks") is None  # inconclusive: left out


# --------------------------------------------------------------------------- criticality


@pytest.mark.parametrize(("case", "signals", "published"), [
    ("criticality-kubernetes-2020",
     (78, 0, 3649, 5, 105.9, 77, 3333, 5489, 5.4, 403529), 0.98514),
    ("criticality-kubernetes-2021",
     (87, 0, 3999, 5, 97.2, 70, 3062, 5395, 5.5, 454393), 0.99107),
])
def test_criticality_reproduces_the_published_score(case: str, signals: tuple[float, ...],
                                                     published: float) -> None:
    import math

    alpha = (1, -1, 2, 1, 1, 0.5, 0.5, 0.5, 1, 2)
    threshold = (120, 120, 5000, 10, 1000, 26, 5000, 5000, 15, 500000)
    terms = [a * math.log(1 + s) / math.log(1 + max(s, t))
             for a, s, t in zip(alpha, signals, threshold, strict=True)]
    score = min(1.0, max(0.0, sum(terms) / sum(alpha)))  # sum(alpha) = 8.5, signed
    assert round(score, 5) == published
    r = scoring.score(scoring.load_case(REPO / "evidence" / case))
    assert r.composite("base") == pytest.approx(score, abs=1e-12)
    assert r.trace["base/composite"].display == f"{published:.5f}"


def test_a_log_mapping_refuses_a_negative_value(tmp_path: Path) -> None:
    dst = tmp_path / "k"
    shutil.copytree(REPO / "evidence" / "criticality-kubernetes-2021", dst)
    shutil.copy(REPO / "rubrics" / "openssf-criticality-score.yaml", tmp_path / "r.yaml")
    meta = yaml.safe_load((dst / "case.yaml").read_text(encoding="utf-8"))
    meta["rubric"] = "../r.yaml"
    (dst / "case.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    (dst / "expected.yaml").unlink()
    data = yaml.safe_load((dst / "evidence.yaml").read_text(encoding="utf-8"))
    data["items"][2]["value"] = -3
    (dst / "evidence.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(dst)])
    assert res.exit_code == 2
    assert "items[2].value: value -3 is below 0: indicator 'contributor_count' maps counts " \
           "and ages on a log scale, which start at 0" in res.output


def test_figures_need_the_case_period(tmp_path: Path) -> None:
    case = _copy(tmp_path, "altman-aal-2021")
    meta = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    del meta["period"]
    (case / "case.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(case)])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if "figures.yaml" in line]
    assert len(lines) == 8  # every figure, at its period
    assert all(line.endswith("period: the case has no period: set period (and prior_period) "
                             "in case.yaml") for line in lines)


# Altman Z' (1983) and Z'' (1995) from reported figures (rubrics/altman-z-prime-1983-reported
# .yaml, rubrics/altman-z-double-prime-1995.yaml): their cases are built by scoring facts
# import (tests/desk/test_facts_import.py recomputes the Snowflake cases by hand).
Z1968 = REPO / "rubrics" / "altman-z-1968.yaml"
ZPRIME_RATIOS = REPO / "rubrics" / "altman-z-prime-1983.yaml"
ZPRIME = REPO / "rubrics" / "altman-z-prime-1983-reported.yaml"
Z2 = REPO / "rubrics" / "altman-z-double-prime-1995.yaml"


def _rubric(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_the_altman_rubrics_agree_where_they_share_a_rule() -> None:
    z, zr, zp, z2 = (_rubric(p) for p in (Z1968, ZPRIME_RATIOS, ZPRIME, Z2))
    # Z' from ratios and Z' from figures are one model: coefficients, factors, zones, edges.
    for key in ("factors", "bands", "band_edge", "composite", "intercept", "min_coverage"):
        assert zp[key] == zr[key], key
    assert [f["weight"] for f in zp["factors"]] == [0.717, 0.847, 3.107, 0.420, 0.998]
    assert [f["weight"] for f in z2["factors"]] == [6.56, 3.26, 6.72, 1.05]
    assert [(b["name"], b.get("min"), b.get("max")) for b in z2["bands"]] == [
        ("Distress", None, 1.10), ("Grey", 1.10, 2.60), ("Safe", 2.60, None)]
    assert z2["band_edge"] == z["band_edge"] == zp["band_edge"] == "max"
    # A ratio computed from figures is one formula wherever it is read.
    formulas = {name: {m["id"]: m["formula"] for m in r["measures"]}
                for name, r in (("z", z), ("zp", zp), ("z2", z2))}
    for m in ("x1", "x2", "x3"):
        assert formulas["z"][m] == formulas["zp"][m] == formulas["z2"][m], m
    assert formulas["zp"]["x4"] == formulas["z2"]["x4"] == "book_equity / total_liabilities"
    assert formulas["zp"]["x5"] == formulas["z"]["x5"]
    # A figure has one name and unit in every rubric that reads it, and the concept maps map
    # each one.
    specs: dict[str, dict[str, Any]] = {}
    for r in (z, zp, z2):
        for f in r["figures"]:
            assert specs.setdefault(f["id"], f) == f, f["id"]
    for taxonomy in ("us-gaap", "ifrs-full"):
        mapped = {f["id"] for f in _rubric(REPO / "rubrics" / "maps" / f"{taxonomy}.yaml")
                  ["figures"]}
        assert set(specs) <= mapped, taxonomy


def _reported_case(tmp_path: Path, rubric: Path, be: float, tl: float) -> Path:
    """A case of ``rubric`` from the Snowflake document, its figures set so that X1, X2, X3
    and X5 are 0 (working capital, retained earnings, EBIT and sales of 0) and X4 is be / tl:
    the score is the X4 coefficient times be / tl."""
    from scoring.api import import_facts

    case = tmp_path / "c"
    import_facts(REPO / "examples" / "filings" / "CIK0001640147-snowflake.json", case, rubric,
                 as_of=dt.date(2024, 6, 30))
    _edit_figures(case, {"current_assets": 300.0, "current_liabilities": 300.0,
                         "total_assets": 1000.0, "retained_earnings": 0.0, "ebit": 0.0,
                         "sales": 0.0, "book_equity": be, "total_liabilities": tl})
    return case


EPS = 1e-6  # be / tl moved by a millionth of a unit: Z moves by about 5e-8


@pytest.mark.parametrize(("rubric", "be", "tl", "edge", "side", "band"), [
    # Z'' = 1.05 x 22 / 21 = 1.10 exactly (in floating point too): distress, not grey
    (Z2, 22.0, 21.0, 1.10, 0, "Distress"),
    (Z2, 22.0 + EPS, 21.0, 1.10, 1, "Grey"),        # just above 1.10
    (Z2, 22.0 - EPS, 21.0, 1.10, -1, "Distress"),
    # Z'' = 1.05 x 52 / 21 = 2.60: grey, not safe
    (Z2, 52.0, 21.0, 2.60, 0, "Grey"),
    (Z2, 52.0 + EPS, 21.0, 2.60, 1, "Safe"),        # just above 2.60
    (Z2, 52.0 - EPS, 21.0, 2.60, -1, "Grey"),
    # Z' = 0.420 x 41 / 14 = 1.23: distress; Z' = 0.420 x 145 / 21 = 2.90: grey
    (ZPRIME, 41.0, 14.0, 1.23, 0, "Distress"),
    (ZPRIME, 41.0 + EPS, 14.0, 1.23, 1, "Grey"),
    (ZPRIME, 145.0, 21.0, 2.90, 0, "Grey"),
    (ZPRIME, 145.0 + EPS, 21.0, 2.90, 1, "Safe"),
])
def test_altman_zones_hold_their_edges(tmp_path: Path, rubric: Path, be: float, tl: float,
                                       edge: float, side: int, band: str) -> None:
    r = scoring.score(scoring.load_case(_reported_case(tmp_path, rubric, be, tl)))
    weight = 1.05 if rubric == Z2 else 0.420
    z = r.composite("base")
    assert z == pytest.approx(weight * be / tl, rel=1e-15)
    assert (z > edge) - (z < edge) == side  # on the edge exactly, or just above or below
    assert r.coverage("base") == 1.0
    assert r.band("base") == band
