"""The backtest's curves, stability (PSI) and HTML report: the curves against scikit-learn,
PSI against its definition written out, the conventional flags at their boundaries, a
baseline with other bands refused, and the report's numbers each a link to a record that
works it out; the shipped Polish backtest pinned from its own figures table by hand."""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the backtest extra (scikit-learn) is not installed")

from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402

import scoring.api  # noqa: E402
from scoring.analysis.backtest import (  # noqa: E402
    auc_delong,
    band_bins,
    curves,
    decile_bins,
    ks_point,
    psi,
    psi_flag,
)
from scoring.errors import InputError  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
POLISH = REPO / "evidence" / "polish-bankruptcy-1year"


def _data(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.25).astype(np.int64)
    return np.round(rng.normal(size=n) + y, 1), y  # rounded: many ties


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_equals_scikit_learn_and_its_area_is_the_auc(seed: int) -> None:
    s, y = _data(seed)
    roc, cap = curves(s, y)
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(roc.x, fpr, atol=1e-12)
    np.testing.assert_allclose(roc.y, tpr, atol=1e-12)
    area = float(np.sum(np.diff(roc.x) * (roc.y[1:] + roc.y[:-1]) / 2))  # trapezoids
    assert area == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert area == pytest.approx(auc_delong(s, y)[0], abs=1e-12)
    # CAP: x is the share of all cases taken, y the share of events (as the ROC's)
    taken = np.array([0] + [int((s >= t).sum()) for t in np.sort(np.unique(s))[::-1]])
    np.testing.assert_allclose(cap.x, taken / len(s), atol=1e-12)
    np.testing.assert_array_equal(cap.y, roc.y)


def test_ks_point_names_the_threshold() -> None:
    # events at 3, 4; non-events at 1, 2, 5: P(<= t | event) - P(<= t | no event) at
    # t = 2: 0 - 2/3 = -2/3; at t = 1: -1/3; t = 3: 1/2 - 2/3; t = 4: 1 - 2/3; t = 5: 0
    s = np.array([3.0, 4.0, 1.0, 2.0, 5.0])
    y = np.array([1, 1, 0, 0, 0])
    ks, at = ks_point(s, y)
    assert ks == pytest.approx(2 / 3, abs=1e-12) and at == 2.0


def test_psi_by_hand_and_of_a_distribution_against_itself() -> None:
    e, a = np.array([50, 30, 20]), np.array([40, 30, 30])
    by_hand = ((0.4 - 0.5) * math.log(0.4 / 0.5) + 0 + (0.3 - 0.2) * math.log(0.3 / 0.2))
    assert psi(e, a) == pytest.approx(by_hand, abs=1e-15)
    assert psi(e, e) == 0.0
    # an empty bin counts half a case: shares (0.5/100.5... no: 0.5 / 100) stay finite
    empty = psi(np.array([50, 50, 0]), np.array([50, 40, 10]))
    e2 = np.array([50, 50, 0.5]) / 100
    a2 = np.array([50, 40, 10]) / 100
    assert empty == pytest.approx(float(np.sum((a2 - e2) * np.log(a2 / e2))), abs=1e-15)
    x = np.random.default_rng(4).normal(size=500)
    assert decile_bins(x, x, "score").psi == 0.0


@pytest.mark.parametrize(("value", "flag"), [
    (0.0, "stable"), (0.0999999, "stable"), (0.1, "watch"), (0.2499999, "watch"),
    (0.25, "shift"), (3.0, "shift")])
def test_psi_flags_at_their_boundaries(value: float, flag: str) -> None:
    assert psi_flag(value) == flag


def test_decile_and_band_bins() -> None:
    base = np.arange(1.0, 21.0)  # 1..20: deciles at 2.9, 4.8, ..., 18.1
    edge = float(np.quantile(base, 0.1))  # 2.9, as numpy computes it
    cur = np.array([1.0, 1.0, edge, np.nextafter(edge, 0), 20.0, np.nan])  # NaN: not counted
    s = decile_bins(base, cur, "score")
    assert s.baseline == (2,) * 10 and sum(s.current) == 5
    assert s.current[0] == 3 and s.current[1] == 1  # on the first edge: the second bin
    assert s.bins[0] == "< 2.9" and s.bins[1] == "2.9 to < 4.8" and s.bins[-1] == ">= 18.1"
    b = band_bins(np.array(["low", "low", "high"]), np.array(["high"]), ["low", "high"])
    assert (b.baseline, b.current) == ((2, 1), (0, 1))


# ------------------------------------------------------------------ baseline and report
def _universe(tmp_path: Path, name: str = "universe") -> Path:
    root = tmp_path / name
    shutil.copytree(REPO / "examples" / "universe", root)
    return root


def _outcomes(path: Path) -> Path:
    rows = ["acme,1,2026-01-01,ANN,p. 3", "globex,0,2026-01-01,ANN,p. 4",
            "initech,1,2026-01-01,ANN,p. 5"]
    path.write_text("case,outcome,observed,source,locator\n" + "".join(
        r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_baseline_of_itself_is_stable_and_one_with_other_bands_is_refused(
        tmp_path: Path) -> None:
    root = _universe(tmp_path)
    out = _outcomes(tmp_path / "o.csv")
    same = scoring.api.backtest_universe(root, out, baseline=_universe(tmp_path, "copy"))
    assert [s.what for s in same.stability][:2] == ["score", "band"]
    assert all(s.psi == 0.0 and s.flag == "stable" for s in same.stability)
    other = _universe(tmp_path, "other")
    rubric = other / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    names = re.findall(r"name: (\w+)", text.split("bands:", 1)[1])
    assert names, "the example rubric has named bands"
    rubric.write_text(text.replace(f"name: {names[0]}", "name: Renamed", 1), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.backtest_universe(root, out, baseline=other)
    (p,) = exc.value.problems
    assert p.field == "bands" and "Renamed" in p.message


def test_the_report_links_every_number_to_its_record(tmp_path: Path) -> None:
    root = _universe(tmp_path)
    html_path = tmp_path / "bt.html"
    b = scoring.api.backtest_universe(root, _outcomes(tmp_path / "o.csv"), output=html_path)
    html = html_path.read_text(encoding="utf-8")
    links = set(re.findall(r'<a class="num" href="#([^"]+)"', html))
    records = set(re.findall(r'<div class="deriv" id="([^"]+)"', html))
    assert links and links <= records
    assert {"bt/auc", "bt/auc_interval", "bt/gini", "bt/ks"} <= links
    assert b.brier is None  # two events and a non-event the score separates: no finite fit
    assert "the calibration is undefined" in html
    for band in b.bands:
        if band.rate is not None:
            assert f"bt/band/{band.band}/rate" in links
            # the rate's record gives events / cases of the band
            assert f"{band.events} / {band.cases}" in html
    assert "script-src &#39;none&#39;" in html and "<script" not in html
    again = tmp_path / "bt2.html"
    scoring.api.backtest_universe(root, _outcomes(tmp_path / "o.csv"), output=again)
    assert again.read_bytes() == html_path.read_bytes()  # deterministic


def test_hostile_outcome_text_is_escaped(tmp_path: Path) -> None:
    root = _universe(tmp_path)
    out = tmp_path / "o.csv"
    out.write_text('case,outcome,observed,source,locator\nacme,1,2026-01-01,ANN,'
                   '"<script>alert(1)</script>"\nglobex,0,2026-01-01,ANN,x\n', encoding="utf-8")
    html_path = tmp_path / "bt.html"
    scoring.api.backtest_universe(root, out, output=html_path)
    html = html_path.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_is_never_written_over_an_input(tmp_path: Path) -> None:
    from scoring.errors import OutputError

    root = _universe(tmp_path)
    out = _outcomes(tmp_path / "o.csv")
    before = out.read_bytes()
    with pytest.raises(OutputError):
        scoring.api.backtest_universe(root, out, output=out)
    assert out.read_bytes() == before


# --------------------------------------------------------- the shipped Polish universe
def _z_from_the_shipped_figures() -> tuple[np.ndarray, np.ndarray]:
    """Z' = 0.717 X1 + 0.847 X2 + 3.107 X3 + 0.420 X4 + 0.998 X5 summed from figures.csv
    with the csv module, and the outcomes from outcomes.csv: not through scoring."""
    w = {"wc_ta": 0.717, "re_ta": 0.847, "ebit_ta": 3.107, "bve_tl": 0.420, "sales_ta": 0.998}
    z: dict[str, float] = {}
    with (POLISH / "figures.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            z[row["case"]] = z.get(row["case"], 0.0) + w[row["figure"]] * float(row["value"])
    with (POLISH / "outcomes.csv").open(encoding="utf-8", newline="") as f:
        outcome = {row["case"]: int(row["outcome"]) for row in csv.DictReader(f)}
    ids = sorted(outcome)
    return np.array([z[c] for c in ids]), np.array([outcome[c] for c in ids])


def test_the_shipped_polish_backtest_is_pinned_and_its_report_fits(tmp_path: Path) -> None:
    """Runs without the data set beside the project (CI): the expected values come from the
    shipped tables by hand and scikit-learn; a change that moves them fails here."""
    z, y = _z_from_the_shipped_figures()
    html_path = tmp_path / "polish.html"
    b = scoring.api.backtest_universe(POLISH, POLISH / "outcomes.csv", risk_when="lower",
                                      output=html_path)
    assert (b.cases, b.events) == (len(y), int(y.sum())) == (7027, 271)
    assert b.auc == pytest.approx(roc_auc_score(y, -z), abs=1e-9)
    assert round(b.auc or 0, 4) == 0.6338 and b.monotone
    size = html_path.stat().st_size
    assert size <= 400_000, f"the backtest report is {size} bytes (budget 400 KB)"
    html = html_path.read_text(encoding="utf-8")
    # every event case is listed behind its band with its outcome's row and locator
    assert html.count("1year.arff, data row") >= 271
    assert 'href="#bt/brier"' in html and 'href="#bt/hosmer_lemeshow"' in html


# ------------------------------------------------------------------------ the outcomes file
def test_outcomes_as_yaml_with_problems_at_line_and_column(tmp_path: Path) -> None:
    root = _universe(tmp_path)
    good = tmp_path / "o.yaml"
    good.write_text("outcomes:\n"
                    "  - {case: acme, outcome: 1, observed: 2026-01-01, source: ANN}\n"
                    "  - {case: globex, outcome: 0, observed: 2026-01-01}\n", encoding="utf-8")
    b = scoring.api.backtest_universe(root, good)
    assert (b.cases, b.events) == (2, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text("outcomes:\n"
                   "  - {case: acme, outcome: 2, observed: 2026-01-01}\n"
                   "  - {case: acme, outcome: 1, observed: 2026-03-01, colour: red}\n"
                   "  - {case: nobody, outcome: 0, observed: 2026-01-01}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.backtest_universe(root, bad)
    assert [(p.line, p.col, p.field) for p in exc.value.problems] == [
        (3, 60, "outcomes[1].colour")]  # at its value: "  - {" + 12 + 12 + 22 chars + key
    bad.write_text(bad.read_text(encoding="utf-8").replace(", colour: red", "").replace(
        "2026-03-01", "'2026-02-30'"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.backtest_universe(root, bad)
    assert [(p.line, p.col, p.field) for p in exc.value.problems] == [
        (2, 27, "outcomes[0].outcome"), (3, 12, "outcomes[1].case"),
        (3, 40, "outcomes[1].observed")]
    assert "first at row 2" in exc.value.problems[1].message


def test_problems_found_later_are_placed_at_their_own_column(tmp_path: Path) -> None:
    """Columns in another order: a case that is not in the universe, or a look-ahead date,
    is named at its own column, not at a fixed one."""
    root = _universe(tmp_path)
    out = tmp_path / "o.csv"
    out.write_text("observed,outcome,case\n2026-01-01,1,nobody\n2025-01-01,0,acme\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.backtest_universe(root, out)
    assert [(p.line, p.col, p.field) for p in exc.value.problems] == [
        (2, 3, "case"), (3, 1, "observed")]


def test_the_outcomes_schema_says_what_the_reader_checks() -> None:
    import json

    from click.testing import CliRunner

    from scoring.cli import main

    res = CliRunner().invoke(main, ["schema", "outcomes"])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    row = schema["$defs"]["OutcomeRow"]
    assert set(row["properties"]) == {"case", "outcome", "observed", "horizon_days", "source",
                                      "locator"}
    assert set(row["required"]) == {"case", "outcome", "observed"}
    assert row["properties"]["outcome"]["enum"] == [0, 1]
    assert row["properties"]["horizon_days"]["maximum"] == 36_500


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_logistic_fit_and_midranks_equal_the_libraries(seed: int) -> None:
    from scipy.stats import rankdata
    from sklearn.linear_model import LogisticRegression

    from scoring.analysis.backtest import logistic, midranks

    s, y = _data(seed)
    s = s * 40 + 3  # long tails move Newton's first steps: the halving must hold
    fit = logistic(s, y)
    assert fit is not None
    model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(s.reshape(-1, 1), y)
    assert fit[0] == pytest.approx(float(model.intercept_[0]), rel=1e-6)
    assert fit[1] == pytest.approx(float(model.coef_[0, 0]), rel=1e-6)
    np.testing.assert_allclose(fit[2], model.predict_proba(s.reshape(-1, 1))[:, 1], atol=1e-8)
    np.testing.assert_array_equal(midranks(s), rankdata(s))


def test_separated_outcomes_have_no_finite_fit() -> None:
    from scoring.analysis.backtest import logistic

    s = np.array([1.0, 2.0, 3.0, 4.0])
    assert logistic(s, np.array([0, 0, 1, 1])) is None  # complete separation
    assert logistic(np.ones(4), np.array([0, 1, 0, 1])) is None  # a score that does not vary
    assert logistic(s, np.array([0, 1, 0, 1])) is not None  # overlap: a finite maximum


def test_as_of_scores_with_what_was_known_and_checks_look_ahead_against_it(
        tmp_path: Path) -> None:
    """--as-of: each case scored at that day (only evidence observed by then), and an
    outcome counts only when observed after that day (plus its horizon)."""
    root = _universe(tmp_path)  # cases as of 2025-06-30
    import datetime as dt

    out = _outcomes(tmp_path / "o.csv")  # observed 2026-01-01
    later = scoring.api.backtest_universe(root, out, as_of=dt.date(2025, 12, 31))
    assert later.cases == 3
    with pytest.raises(InputError) as exc:  # the day itself is not after: refused
        scoring.api.backtest_universe(root, out, as_of=dt.date(2026, 1, 2))
    assert {p.field for p in exc.value.problems} == {"observed"}
    assert "as-of 2026-01-02" in exc.value.problems[0].message
    same_day = scoring.api.backtest_universe(root, out, as_of=dt.date(2026, 1, 1))
    assert same_day.cases == 3  # observed on the as-of day itself: not before it
    early = scoring.api.backtest_universe(root, out, as_of=dt.date(2024, 1, 1))
    plain = scoring.api.backtest_universe(root, out)
    # at 2024-01-01 no evidence had been observed yet: the scores differ from today's
    assert early.per_case is not None and plain.per_case is not None
    assert not np.array_equal(early.per_case.score, plain.per_case.score)


# ------------------------------------------------------- the backtest on the case report
def test_the_case_report_shows_its_bands_backtested_rate(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from scoring.cli import main

    root = _universe(tmp_path)
    outcomes = _outcomes(tmp_path / "o.csv")
    on_file = tmp_path / "bt.json"
    b = scoring.api.backtest_universe(root, outcomes, output=on_file)
    html = tmp_path / "case.html"
    res = CliRunner().invoke(main, ["report", str(root / "example-corp"), "-o", str(html),
                                    "--backtest", str(on_file)])
    assert res.exit_code == 0, res.output
    page = html.read_text(encoding="utf-8")
    assert 'id="backtest"' in page
    base = scoring.score(scoring.load_case(root / "example-corp"))
    k = [x.band for x in b.bands].index(base.band("base"))
    band = b.bands[k]
    shown = "—" if band.rate is None else f"{band.rate:.2%}"
    assert f"band <strong>{band.band}</strong>, whose cases had the event at " in page
    assert f'{shown}</span>' in page and f"{band.events} of {band.cases}, <code>bands[{k}]" \
        in page
    plain = tmp_path / "plain.html"
    assert CliRunner().invoke(main, ["report", str(root / "example-corp"), "-o",
                                     str(plain)]).exit_code == 0
    assert 'id="backtest"' not in plain.read_text(encoding="utf-8")


def test_the_backtest_panel_verifies_from_the_file_it_carries(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from scoring.cli import main
    from scoring.formats.bundle import read_bundle

    root = _universe(tmp_path)
    on_file = tmp_path / "bt.json"
    scoring.api.backtest_universe(root, _outcomes(tmp_path / "o.csv"), output=on_file)
    html = tmp_path / "case.html"
    assert CliRunner().invoke(main, ["report", str(root / "example-corp"), "-o", str(html),
                                     "--backtest", str(on_file)]).exit_code == 0
    assert read_bundle(html).backtest == on_file.read_bytes()
    res = CliRunner().invoke(main, ["verify-report", str(html)])
    assert res.exit_code == 0, res.output
    page = html.read_text(encoding="utf-8")
    m = re.search(r'title="(bands\[\d+\])\.rate in the backtest file">(\d+)\.(\d\d)%<', page)
    assert m is not None
    wrong = f"{m.group(2)}.{(int(m.group(3)) + 1) % 100:02d}%"
    (tmp_path / "t.html").write_text(page[:m.start(2)] + wrong + page[m.end(3) + 1:],
                                     encoding="utf-8")
    res = CliRunner().invoke(main, ["verify-report", str(tmp_path / "t.html")])
    assert res.exit_code == 1
    assert f"differs: backtest/{m.group(1)}.rate: shown {wrong}, recomputed " \
        f"{m.group(2)}.{m.group(3)}%" in res.output


def test_a_backtest_of_another_rubric_or_not_json_is_refused(tmp_path: Path) -> None:
    import json

    root = _universe(tmp_path)
    on_file = tmp_path / "bt.json"
    scoring.api.backtest_universe(root, _outcomes(tmp_path / "o.csv"), output=on_file)
    data = json.loads(on_file.read_text(encoding="utf-8"))
    data["rubric_version"] = "9.9.9"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.write_report(root / "example-corp", tmp_path / "r.html", backtest=other)
    assert exc.value.problems[0].field == "rubric" and "9.9.9" in exc.value.problems[0].message
    broken = tmp_path / "broken.json"
    broken.write_text('{"rubric": "x",\n  "cases": }', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.write_report(root / "example-corp", tmp_path / "r.html", backtest=broken)
    assert (exc.value.problems[0].line, exc.value.problems[0].col) == (2, 12)
    del data["bands"][0]["rate"]
    data["cases"] = "many"
    data["rubric_version"] = "1.0.0"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        scoring.api.write_report(root / "example-corp", tmp_path / "r.html", backtest=bad)
    assert {p.field for p in exc.value.problems} == {"cases", "bands[0].rate"}
    assert not (tmp_path / "r.html").exists()
