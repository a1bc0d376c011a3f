"""The one method on many cases: scoring cases together gives, bit for bit, what scoring
each alone gives (a single case is a universe of one), whatever their order."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring.desk.synthetic import write_universe
from scoring.formats.tables import build_tables, score_tables
from scoring.formats.universe import Universe, merge_sets
from scoring.method.kernel import BASE, Frames, NoEvidence

from ..conftest import META, TinyCase, item


def _batch(cases: list[scoring.Case]) -> Frames:
    sets = merge_sets([case.as_set() for case in cases])
    assert len(sets) == 1
    return score_tables(build_tables(sets[0]))


def _alone(case: scoring.Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The case scored on its own: its scenario and factor frames."""
    frames = score_tables(build_tables(case))
    return frames.scenarios.set_index(frames.scenarios["scenario"].astype(str)), frames.factors


def _assert_same(cases: list[scoring.Case], batch: Frames) -> None:
    sc = batch.scenarios.set_index([batch.scenarios["case"].astype(str),
                                    batch.scenarios["scenario"].astype(str)])
    fa = batch.factors.set_index([batch.factors["case"].astype(str),
                                  batch.factors["scenario"].astype(str),
                                  batch.factors["factor"].astype(str)])["score"]
    assert len(sc) == sum(1 + len(c.scenarios) for c in cases)
    for case in cases:
        scenarios, factors = _alone(case)
        assert BASE in scenarios.index
        for s, want in scenarios.iterrows():
            got = sc.loc[(case.meta.id, s)]
            for column in ("composite", "coverage", "change_vs_base", "indicated"):
                assert got[column] == want[column] or (
                    math.isnan(got[column]) and math.isnan(want[column]))
            assert got["band"] == want["band"]
        for f in factors.itertuples():
            got_score = fa.loc[(case.meta.id, str(f.scenario), str(f.factor))]
            if not f.included:
                assert math.isnan(got_score)
            else:
                assert got_score == f.score


def test_meta_case_twice() -> None:
    meta = scoring.load_case(META)
    twin = dataclasses.replace(meta, meta=meta.meta.model_copy(update={"id": "meta-twin"}))
    batch = _batch([meta, twin])
    _assert_same([meta, twin], batch)
    bear = batch.scenarios[batch.scenarios["scenario"] == "bear"]
    assert list(bear["band"]) == ["High", "High"]


@pytest.fixture(scope="module")
def synthetic_cases(tmp_path_factory: pytest.TempPathFactory) -> list[scoring.Case]:
    # Few items per case, so that factors go without evidence (excluded or imputed), and
    # every kind of scenario change, aggregation and mapping is used.
    root = write_universe(tmp_path_factory.mktemp("u") / "universe", 60, n_items=6, seed=7)
    return [case for _, case in Universe.open(root).cases()]


def test_generated_cases(synthetic_cases: list[scoring.Case]) -> None:
    batch = _batch(synthetic_cases)
    _assert_same(synthetic_cases, batch)
    assert batch.factors["score"].isna().any()  # some factors were excluded
    assert (batch.scenarios["coverage"] < 1).any()


def test_order_of_cases_does_not_matter(synthetic_cases: list[scoring.Case]) -> None:
    forward = _batch(synthetic_cases).scenarios.set_index(["case", "scenario"])
    backward = _batch(synthetic_cases[::-1]).scenarios.set_index(["case", "scenario"])
    assert backward.loc[forward.index, "composite"].tolist() == pytest.approx(
        forward["composite"].tolist(), abs=1e-12)


def test_cases_with_different_scenarios(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    plain = scoring.load_case(tiny.write())
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n", "changes": [
        {"op": "set_weight", "factor": "b", "weight": 3, "rationale": "r"}]}]
    tiny.case["id"] = "with-bear"
    bear = scoring.load_case(tiny.write())
    batch = _batch([plain, bear])
    assert batch.scenarios[["case", "scenario"]].astype(str).values.tolist() == [
        ["tiny", "base"], ["with-bear", "base"], ["with-bear", "bear"]]
    _assert_same([plain, bear], batch)
    # C(bear) = (3 x 80 + 3 x 20) / 6 = 50, on the [min, max) boundary: High
    assert batch.scenarios["band"].tolist() == ["High", "High", "High"]


def test_no_evidence_names_the_case(tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 80)]
    fine = scoring.load_case(tiny.write())
    tiny.items = [item("E1", "a", 80, confidence=0.0)]
    tiny.case["id"] = "empty"
    empty = scoring.load_case(tiny.write())
    with pytest.raises(NoEvidence, match="case and scenario empty base: no factor has evidence"):
        _batch([fine, empty])
    # one case alone is named by its scenario only
    with pytest.raises(NoEvidence, match="^scenario base: no factor has evidence"):
        _batch([empty])


def test_gates_overrides_stale_and_thin_coverage(tiny: TinyCase) -> None:
    tiny.rubric |= {
        "max_age_days": 100, "stale": "exclude", "min_coverage": 0.5,
        "gates": [{"id": "floor", "when": {"factor": "b", "at_least": 60},
                   "then": {"composite_at_least": 55, "band_at_most": "Low"}}],
        "overrides": {"max_points": 10, "max_bands": 1,
                      "reason_codes": {"late_event": "A late event."}}}
    tiny.items = [item("E1", "a", 30), item("E2", "b", 70),
                  item("E3", "a", 90, observed="2025-01-01")]  # stale: excluded
    tiny.case["overrides"] = [{"points": 5, "reason_code": "late_event", "author": "AB",
                               "rationale": "r"}]
    tiny.scenarios = [{"id": "bear", "name": "Bear", "narrative": "n", "changes": [
        {"op": "drop_item", "item": "E1", "rationale": "r"}]}]
    case = scoring.load_case(tiny.write())
    batch = _batch([case])
    _assert_same([case], batch)
    # base: C = 0.75 x 30 + 0.25 x 70 = 40; the gate lifts it to 55 and caps the band at Low;
    # the override adds 5: 60.  bear: E1 dropped, only b (weight 1 of 4) is covered: 25 %.
    base, bear = batch.scenarios.itertuples(index=False)
    assert (base.indicated, base.composite, base.band) == (40.0, 60.0, "Low")
    assert (bear.coverage, bear.band) == (0.25, "Insufficient evidence")


@pytest.mark.parametrize(("n", "tail"), [(10, ": no factor"), (11, " and 1 more: no factor")])
def test_no_evidence_names_ten_pairs_then_counts(tiny: TinyCase, n: int, tail: str) -> None:
    tiny.items = [item("E1", "a", 80, confidence=0.0)]
    cases = []
    for k in range(n):
        tiny.case["id"] = f"c{k:02d}"
        cases.append(scoring.load_case(tiny.write()))
    with pytest.raises(NoEvidence) as err:
        _batch(cases)
    named = ", ".join(f"c{k:02d} base" for k in range(10))
    assert str(err.value).startswith(f"case and scenario {named}{tail}")


def test_columns_pass_through_and_written_columns_replace_in_place() -> None:
    # Other columns of the item table pass through; a column the method writes replaces an
    # input column of that name where it stands (its values are the method's).
    from scoring.method.kernel import score

    tables = build_tables(scoring.load_case(META))
    plain = score_tables(tables).items
    items = tables.items.assign(note="kept", share=-1.0)
    got = score(items, tables.weights, tables.rubric, tables.overrides, tables.drops).items
    assert list(got.columns) == [*tables.items.columns, "note", "share",
                                 *(c for c in plain.columns
                                   if c not in tables.items.columns and c != "share")]
    assert (got["note"] == "kept").all()
    pd.testing.assert_series_equal(got["share"], plain["share"])
    pd.testing.assert_frame_equal(got.drop(columns="note")[plain.columns], plain)
