"""The recomputable workbook (scoring export --format xlsx, docs/workbook.md).

Its formulas are evaluated by an independent formula engine (the ``formulas`` package, which
reads the .xlsx and computes every cell itself, ignoring the cached values) and must give the
engine's numbers to 1e-9; an input cell changed in the workbook must move the composite as the
same change made to the case's files moves the engine's.
"""

from __future__ import annotations

import math
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scoring.analysis.result import Result, score
from scoring.cli import main
from scoring.formats.loader import load_case
from tests.conftest import META, REPO

pytest.importorskip("xlsxwriter")
formulas = pytest.importorskip("formulas")
openpyxl = pytest.importorskip("openpyxl")
from scoring.report.workbook import render_workbook  # noqa: E402

TOLERANCE = 1e-9


class Evaluated:
    """A workbook's cells as the independent evaluator computes them, by sheet, trace id and
    column header."""

    def __init__(self, path: Path, inputs: dict[tuple[str, str], Any] | None = None) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the evaluator's own deprecations are not ours
            model = formulas.ExcelModel().loads(str(path)).finish()
            name = path.name
            given = {f"'[{name}]{sheet.upper()}'!{ref}": value
                     for (sheet, ref), value in (inputs or {}).items()}
            solution = model.calculate(inputs=given)
        self.values: dict[tuple[str, str], Any] = {}
        for key, ranged in solution.items():
            if "!" not in key or ":" not in key and "]" not in key:
                continue
            sheet, ref = key.split("]", 1)[1].split("!")
            if ":" in ref:
                continue
            value = ranged.value[0][0] if hasattr(ranged, "value") else ranged
            self.values[(sheet.strip("'"), ref)] = value
        book = openpyxl.load_workbook(path)
        self.layout: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        for ws in book.worksheets:
            if ws.title in ("Items", "Factors", "Scenarios"):
                header = {str(c.value): c.column for c in ws[1] if c.value is not None}
                rows = {str(ws.cell(r, 1).value): r for r in range(2, ws.max_row + 1)}
                self.layout[ws.title] = (header, rows)
        self.book = book

    def get(self, sheet: str, trace_id: str, column: str) -> Any:
        header, rows = self.layout[sheet]
        from openpyxl.utils import get_column_letter

        ref = f"{get_column_letter(header[column])}{rows[trace_id]}"
        return self.values.get((sheet.upper(), ref))

    def ref(self, sheet: str, trace_id: str, column: str) -> tuple[str, str]:
        """(sheet, A1) of a cell of the calculation sheets."""
        from openpyxl.utils import get_column_letter

        header, rows = self.layout[sheet]
        return sheet, f"{get_column_letter(header[column])}{rows[trace_id]}"


def _number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    return float(value)


def _differences(result: Result, book: Evaluated) -> dict[str, float]:
    """The largest |workbook - engine| per kind of number (0 where both are n/a)."""
    worst: dict[str, float] = {}

    def check(what: str, got: Any, want: Any) -> None:
        got_f, want_f = _number(got), _number(want)
        if math.isnan(want_f):
            assert math.isnan(got_f), (what, got, want)
            diff = 0.0
        else:
            diff = abs(got_f - want_f)
        worst[what] = max(worst.get(what, 0.0), diff)

    items = result.frames.items
    for rec in items.to_dict("records"):
        tid = f"{rec['scenario']}/item/{rec['item']}"
        for column in ("score", "confidence", "reliability", "age_days", "decay", "kept",
                       "effective_weight", "risk_value"):
            check(f"item {column}", book.get("Items", tid, column), rec[column])
    for rec in result.frames.factors.to_dict("records"):
        tid = f"{rec['scenario']}/factor/{rec['factor']}"
        score_ = rec["score"] if rec["included"] else math.nan
        check("factor score", book.get("Factors", tid, "score"), score_)
        for column in ("weight", "total_weight", "normalised_weight", "contribution",
                       "n_items", "included", "imputed", "has_evidence",
                       "has_sourced_evidence"):
            check(f"factor {column}", book.get("Factors", tid, column), rec[column])
    for rec in result.frames.scenarios.to_dict("records"):
        sc = str(rec["scenario"])
        for column, want in (("indicated_composite", rec["indicated"]),
                             ("composite", rec["composite"]), ("coverage", rec["coverage"]),
                             ("change_vs_base", rec["change_vs_base"]),
                             ("weight_total", rec["weight_total"])):
            check(f"scenario {column}", book.get("Scenarios", sc, column), want)
        assert book.get("Scenarios", sc, "band") == rec["band"], sc
    return worst


def _export(case: Path, out: Path) -> Path:
    runner = CliRunner()
    res = runner.invoke(main, ["export", str(case), "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


# A small case: a linear and a categories indicator, a factor imputed in base, one excluded
# in every scenario, a data-governance factor aggregated by max, and gates that fire.
SMALL_RUBRIC = """\
id: small
version: 1.0.0
title: Small workbook rubric
scale: {min: 0, max: 100}
half_life_days: 180
max_age_days: 200
stale: exclude
reliability: {A: 1.0, B: 0.8, C: 0.5}
assumption_grade: C
min_coverage: 0.5
bands:
  - {name: Low, min: 0, max: 30}
  - {name: Medium, min: 30, max: 60}
  - {name: High, min: 60, max: 100}
factors:
  - id: moat
    name: Moat
    weight: 0.4
    polarity: strength
    indicators:
      - {id: dev_share, name: Developer share, mapping: {type: linear, input: [0, 50], output: [0, 100]}}
  - id: execution
    name: Execution
    weight: 0.35
    polarity: risk
    indicators:
      - id: stage
        name: Stage
        mapping: {type: categories, categories: {shipped: 20, pilot: 80}}
  - id: governance
    name: Governance
    weight: 0.2
    polarity: risk
    aggregation: max
  - id: legal
    name: Legal
    weight: 0.25
    polarity: risk
    missing: {impute: 50}
  - id: talent
    name: Talent
    weight: 0.1
    polarity: risk
gates:
  - id: execution_floor
    when: {factor: execution, at_least: 60}
    then: {composite_at_most: 50}
  - id: governance_band
    when: {factor: governance, at_least: 70}
    then: {band_at_least: High}
"""

SMALL_EVIDENCE = """\
items:
  - {id: E1, factor: moat, indicator: dev_share, value: 30, confidence: 0.9, observed: 2025-06-30,
     sources: [{source: S1, locator: p. 1}], claim: "=HYPERLINK(\\"http://evil.example/\\",\\"click\\")"}
  - {id: E2, factor: moat, value: 70, confidence: 0.6, observed: 2025-01-01,
     sources: [{source: S3, locator: p. 1}, {source: S2, locator: p. 1}], claim: "+cmd|' /C calc'!A0"}
  - {id: E3, factor: execution, indicator: stage, value: pilot, confidence: 0.8,
     observed: 2025-03-02, sources: [{source: S2, locator: p. 1}], claim: "-2+3"}
  - {id: E4, factor: execution, value: 85, confidence: 0.5, observed: 2025-06-30,
     sources: [{source: S3, locator: p. 1}], claim: "@SUM(1,2)"}
  - {id: E5, factor: governance, value: 75, confidence: 0.6, observed: 2025-05-01,
     sources: [{source: S1, locator: p. 1}], claim: Worst case.}
  - {id: E6, factor: governance, value: 40, confidence: 0.7, observed: 2025-05-01,
     sources: [{source: S1, locator: p. 1}], claim: Benign.}
  - {id: E7, factor: execution, value: 10, confidence: 0.9, observed: 2024-06-30,
     sources: [{source: S1, locator: p. 1}], claim: Stale and excluded (365 days old).}
"""

SMALL_SOURCES = """\
sources:
  - {id: S1, title: "=1+1", publisher: Example Corp, date: 2025-06-30, language: en,
     kind: filing, reliability: A}
  - {id: S2, title: Survey, publisher: Trade Daily, date: 2025-03-02, language: en,
     kind: news, reliability: B}
  - {id: S3, title: Blog, language: en, kind: blog, reliability: C, url: "https://example.org/=x"}
"""

SMALL_SCENARIOS = """\
scenarios:
  - id: bear
    name: Bear case
    narrative: A lawsuit lands.
    changes:
      - op: assume
        item: {id: A1, factor: legal, value: 95, confidence: 0.5, claim: A class action.}
        rationale: Peers were sued.
      - op: set_weight
        factor: execution
        weight: 0.5
        rationale: Delays matter more.
      - op: set_value
        item: E3
        value: shipped
        rationale: It ships.
      - op: set_confidence
        item: E5
        confidence: 0.2
        rationale: Doubtful.
      - op: drop_item
        item: E6
        rationale: Not credited.
"""


def write_small(folder: Path) -> Path:
    (folder / "rubrics").mkdir(parents=True)
    (folder / "rubrics" / "small.yaml").write_text(SMALL_RUBRIC, encoding="utf-8")
    (folder / "case.yaml").write_text(
        "id: small\nentity: Small Corp\nas_of: 2025-06-30\nrubric: rubrics/small.yaml\n",
        encoding="utf-8")
    (folder / "evidence.yaml").write_text(SMALL_EVIDENCE, encoding="utf-8")
    (folder / "sources.yaml").write_text(SMALL_SOURCES, encoding="utf-8")
    (folder / "scenarios.yaml").write_text(SMALL_SCENARIOS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Evaluated]:
    folder = write_small(tmp_path_factory.mktemp("small") / "case")
    out = _export(folder, folder.parent / "small.xlsx")
    return folder, score(load_case(folder), analyses=False), Evaluated(out)


@pytest.fixture(scope="module")
def meta(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Evaluated]:
    out = _export(META, tmp_path_factory.mktemp("meta") / "meta.xlsx")
    return out, score(load_case(META), analyses=False), Evaluated(out)


def test_meta_workbook_recomputes_the_engines_numbers(
        meta: tuple[Path, Result, Evaluated]) -> None:
    _, result, book = meta
    worst = _differences(result, book)
    assert max(worst.values()) <= TOLERANCE, worst
    assert result.scenario_ids == ["base", "bull", "bear"]


def test_small_case_with_indicators_imputation_and_gates(
        small: tuple[Path, Result, Evaluated]) -> None:
    _, result, book = small
    worst = _differences(result, book)
    assert max(worst.values()) <= TOLERANCE, worst
    fac = result.frames.factors.set_index(["scenario", "factor"])
    # what the case is built to show: an imputed factor, one excluded, the gates firing,
    # a stale item excluded and a categories mapping applied after a set_value
    assert fac.loc[("base", "legal"), "imputed"]
    assert not fac.loc[("base", "talent"), "included"]
    assert book.get("Scenarios", "base", "gate/execution_floor/fired") == 1
    assert result.indicated("base") > 50 == result.composite("base")
    assert book.get("Scenarios", "base", "gate/governance_band/fired") == 1
    assert result.band("base") == "High"  # the band floor over the capped composite's Medium
    assert book.get("Items", "base/item/E7", "kept") == 0
    assert book.get("Items", "bear/item/E3", "score") == 20


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_changed_input_cell_moves_the_composite_as_the_engine_does(
        meta: tuple[Path, Result, Evaluated], tmp_path: Path) -> None:
    path, before, book = meta
    # the workbook: E01's confidence (an Evidence input) and trust_issues' rubric weight
    ev_row = next(r for r in range(2, 100)
                  if book.book["Evidence"].cell(r, 1).value == "E01")
    rubric = book.book["Rubric"]
    w_row = next(r for r in range(1, 200) if rubric.cell(r, 1).value == "trust_issues")
    changed = Evaluated(path, {("Evidence", f"E{ev_row}"): 0.2, ("Rubric", f"C{w_row}"): 0.3})
    # the engine: the same two changes made to a copy of the case's files
    shutil.copytree(META, tmp_path / "evidence" / "meta-platforms")
    shutil.copytree(REPO / "rubrics", tmp_path / "rubrics")
    case = tmp_path / "evidence" / "meta-platforms"
    _edit(case / "evidence.yaml", "    confidence: 0.7\n    observed: 2026-03-02",
          "    confidence: 0.2\n    observed: 2026-03-02")
    rubric_file = tmp_path / "rubrics" / "ai-platform-strategy.yaml"
    data = yaml.safe_load(rubric_file.read_text("utf-8"))
    data["factors"][[f["id"] for f in data["factors"]].index("trust_issues")]["weight"] = 0.3
    rubric_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    after = score(load_case(case), analyses=False)
    assert after.case.evidence.items.set_index("id").loc["E01", "confidence"] == 0.2
    for sc in after.scenario_ids:
        got = float(changed.get("Scenarios", sc, "composite"))
        assert abs(got - after.composite(sc)) <= TOLERANCE, sc
        assert changed.get("Scenarios", sc, "band") == after.band(sc)
    assert abs(after.composite("base") - before.composite("base")) > 0.1  # it did move
    assert _differences(after, changed)["factor score"] <= TOLERANCE


def test_the_same_case_gives_the_same_bytes(meta: tuple[Path, Result, Evaluated],
                                            tmp_path: Path) -> None:
    from scoring.api import report_bundle

    path, result, _ = meta
    again = _export(META, tmp_path / "again.xlsx")
    bundle = report_bundle(result, META, ("scoring", "export", str(META), "--format", "xlsx"),
                           "xlsx")
    assert again.read_bytes() == path.read_bytes() == render_workbook(result, bundle)
    assert render_workbook(result) != path.read_bytes()  # without its bundle


def test_text_from_the_inputs_is_never_a_formula(small: tuple[Path, Result, Evaluated]
                                                 ) -> None:
    folder, _, book = small
    hostile = {'=HYPERLINK("http://evil.example/","click")', "+cmd|' /C calc'!A0", "-2+3",
               "@SUM(1,2)", "=1+1", "https://example.org/=x"}
    found = set()
    for ws in book.book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in hostile:
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    found.add(c.value)
    assert found == hostile


def test_trace_ids_are_the_reports(meta: tuple[Path, Result, Evaluated]) -> None:
    _, result, book = meta
    ids = set(result.trace)
    header, rows = book.layout["Factors"]
    for tid in rows:
        for column in ("score", "normalised_weight", "contribution"):
            assert f"{tid}/{column}" in ids
    header, rows = book.layout["Items"]
    for tid in rows:
        assert f"{tid}/effective_weight" in ids
    for sc in book.layout["Scenarios"][1]:
        assert f"{sc}/composite" in ids and f"{sc}/coverage" in ids


def test_without_xlsxwriter_the_command_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # import fails
    res = CliRunner().invoke(main, ["export", str(META), "-o", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 1
    assert "Error: the workbook needs XlsxWriter, which is not installed: pip install " \
           "'rubric-risk-scoring[xlsx]'" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "m.xlsx").exists()


def test_a_points_composite_is_not_supported_yet(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["export", str(REPO / "evidence" / "altman-aal-2021"),
                                    "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 1
    assert "not supported in the workbook yet" in res.output
    assert not (tmp_path / "a.xlsx").exists()


def test_an_input_is_never_overwritten(tmp_path: Path) -> None:
    folder = write_small(tmp_path / "case")
    before = (folder / "evidence.yaml").read_bytes()
    res = CliRunner().invoke(main, ["export", str(folder), "-o",
                                    str(folder / "evidence.yaml")])
    assert res.exit_code == 1
    assert (folder / "evidence.yaml").read_bytes() == before


def test_the_command_is_one_api_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("scoring.api.write_workbook", lambda *args: calls.append(args))
    res = CliRunner().invoke(main, ["export", str(META), "-o", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 0, res.output
    assert calls == [(META, tmp_path / "m.xlsx", ["scoring", "export", str(META)])]
