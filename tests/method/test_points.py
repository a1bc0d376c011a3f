"""Points composites (``composite: points``): an intercept plus coefficients of either sign,
on a scale open at either end, with bands open at the ends and a rule for which band holds
an edge (``band_edge``). Every expected number is worked out by hand in the test."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scoring.cli import main

from ..conftest import TinyCase, item

ZONES = [{"name": "Distress", "max": 1.81}, {"name": "Grey", "min": 1.81, "max": 2.99},
         {"name": "Safe", "min": 2.99}]


def points(tiny: TinyCase, **extra: Any) -> TinyCase:
    """The tiny rubric made a points composite on an open scale: factors a and b (both
    risk), zones as Altman's."""
    tiny.rubric |= {"scale": {"min": None, "max": None}, "composite": "points",
                    "uncertainty_max_sd": 0.5, "bands": ZONES, "band_edge": "max", **extra}
    return tiny


def test_intercept_plus_signed_coefficients(tiny: TinyCase) -> None:
    points(tiny, intercept=-1)
    tiny.rubric["factors"][0]["weight"] = 1.2
    tiny.rubric["factors"][1]["weight"] = -0.5
    tiny.items = [item("E1", "a", 2.0), item("E2", "b", -3.0)]
    r = tiny.score()
    # C = -1 + 1.2 x 2 + (-0.5) x (-3) = -1 + 2.4 + 1.5 = 2.9: Grey (1.81 < 2.9 <= 2.99)
    assert r.composite("base") == pytest.approx(2.9, abs=1e-12)
    assert r.band("base") == "Grey"
    fac = r.frames.factors.set_index("factor")
    assert fac.loc["a", "contribution"] == pytest.approx(2.4, abs=1e-15)
    assert fac.loc["b", "contribution"] == 1.5


def test_a_value_of_any_size_is_scored_on_an_open_scale(tiny: TinyCase) -> None:
    points(tiny)
    tiny.rubric["factors"][1]["weight"] = 1
    tiny.items = [item("E1", "a", -250.0), item("E2", "b", 1e6)]
    # weights 3 and 1 (the tiny rubric's): C = 3 x -250 + 1e6 = 999 250
    r = tiny.score()
    assert (r.composite("base"), r.band("base")) == (999_250.0, "Safe")
    tiny.items = [item("E1", "a", -250.0), item("E2", "b", 0.0)]
    assert (tiny.score().composite("base"), tiny.score().band("base")) == (-750.0, "Distress")


UP, DOWN = math.inf, -math.inf


@pytest.mark.parametrize(("edge", "value", "band"), [
    ("max", 2.99, "Grey"),       # (min, max]: the edge 2.99 is Grey's max
    ("max", math.nextafter(2.99, UP), "Safe"),  # the next float above it
    ("max", 1.81, "Distress"),
    ("max", math.nextafter(1.81, UP), "Grey"),
    ("min", 2.99, "Safe"),       # [min, max): the edge 2.99 is Safe's min
    ("min", math.nextafter(2.99, DOWN), "Grey"),
    ("min", 1.81, "Grey"),
    ("min", math.nextafter(1.81, DOWN), "Distress"),
])
def test_band_edge_says_which_band_holds_an_edge(tiny: TinyCase, edge: str, value: float,
                                                 band: str) -> None:
    points(tiny, band_edge=edge)
    tiny.rubric["factors"][0]["weight"] = 1
    tiny.items = [item("E1", "a", value), item("E2", "b", 0.0)]
    r = tiny.score()
    # C = 0 (intercept) + 1 x value + 1 x 0 = value exactly
    assert r.composite("base") == value
    assert r.band("base") == band


@pytest.mark.parametrize(("change", "message"), [
    ({"factors": 0}, "rubric.yaml:{line}:{col}: factors[0].weight: a coefficient of 0 makes "
                     "the factor count for nothing; remove the factor instead"),
    ({"composite": "weighted_mean"}, "rubric.yaml:{line}:{col}: intercept: only a points "
                                     "composite has an intercept"),
    ({"polarity": "strength"}, "rubric.yaml:{line}:{col}: factors[0].polarity: polarity "
                               "strength flips a score within the scale (lo + hi - score); an "
                               "open scale has no such flip: use polarity risk and a "
                               "coefficient of the other sign"),
    ({"uncertainty_max_sd": None}, "rubric.yaml:{line}:{col}: uncertainty_max_sd: an open "
                                   "scale needs uncertainty_max_sd (the spread of an item with "
                                   "confidence 0, in points): it cannot be a share of the "
                                   "scale's width"),
    ({"middle": True}, "rubric.yaml:{line}:{col}: bands[1].min: required field is missing "
                       "(only the first band of a scale open below leaves out its min)"),
    ({"first_min": 0}, "rubric.yaml:{line}:{col}: bands[0].min: the scale is open below: "
                       "leave out the first band's min"),
])
def test_rubric_problems(tiny: TinyCase, runner: CliRunner, change: dict[str, Any],
                         message: str) -> None:
    points(tiny, intercept=1)
    if "factors" in change:
        tiny.rubric["factors"][0]["weight"] = 0
    elif "polarity" in change:
        tiny.rubric["factors"][0]["polarity"] = "strength"
    elif "middle" in change:
        tiny.rubric["bands"] = [ZONES[0], {"name": "Grey", "max": 2.99}, ZONES[2]]
    elif "first_min" in change:
        tiny.rubric["bands"] = [{"name": "Distress", "min": 0, "max": 1.81}, *ZONES[1:]]
    elif "uncertainty_max_sd" in change:
        del tiny.rubric["uncertainty_max_sd"]
    else:
        tiny.rubric |= change
    tiny.items = [item("E1", "a", 1.0), item("E2", "b", 1.0)]
    res = runner.invoke(main, ["validate", str(tiny.write())])
    assert res.exit_code == 2
    lines = [line.split("/")[-1] for line in res.output.splitlines()[:-1]]
    head, _, tail = message.partition("{line}:{col}")
    assert len(lines) == 1 and lines[0].startswith(head) and lines[0].endswith(tail[1:]), \
        res.output


def test_a_points_case_is_reported(tiny: TinyCase, runner: CliRunner, tmp_path: Path) -> None:
    points(tiny, intercept=-1)
    tiny.rubric["factors"][1]["weight"] = -0.5
    tiny.items = [item("E1", "a", 2.0), item("E2", "b", -3.0)]
    out = tmp_path / "r.html"
    res = runner.invoke(main, ["report", str(tiny.write()), "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    # C = -1 + 3 x 2 + (-0.5) x (-3) = -1 + 6 + 1.5 = 6.5: Safe
    assert 'data-raw="6.5"' in page or ">6.50<" in page
    assert "Safe" in page


def _linear(tiny: TinyCase, clamp: bool) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{
        "id": "ratio", "name": "A ratio",
        "mapping": {"type": "linear", "input": [0, 1], "output": [0, 10], "clamp": clamp}}]


@pytest.mark.parametrize(("raw", "score"), [
    (-0.5, -5.0),   # 0 + (-0.5 - 0) / (1 - 0) x (10 - 0): the line goes on below the input
    (0.25, 2.5),
    (3.0, 30.0),    # and above it
])
def test_a_linear_mapping_without_clamp_goes_on(tiny: TinyCase, raw: float,
                                                score: float) -> None:
    points(tiny)
    _linear(tiny, clamp=False)
    tiny.items = [item("E1", "a", raw, indicator="ratio"), item("E2", "b", 0.0)]
    r = tiny.score()
    assert r.factor_score("base", "a") == score
    assert r.composite("base") == 3 * score  # weight 3 x score + 1 x 0


def test_a_clamped_linear_mapping_stops_at_its_ends(tiny: TinyCase) -> None:
    points(tiny)
    _linear(tiny, clamp=True)
    tiny.items = [item("E1", "a", -0.5, indicator="ratio"), item("E2", "b", 0.0)]
    assert tiny.score().factor_score("base", "a") == 0.0


@pytest.mark.parametrize(("clamp", "text"), [
    (True, "linear: [0, 1] -> [0, 10], clamped"),
    (False, "linear: [0, 1] -> [0, 10], not clamped")])
def test_the_mapping_is_described_as_it_is_applied(tiny: TinyCase, clamp: bool,
                                                   text: str) -> None:
    """The rubric's record of the indicator (shown in the report's method section) says
    whether the line is clamped: an unclamped one was described as clamped."""
    points(tiny)
    _linear(tiny, clamp=clamp)
    tiny.items = [item("E1", "a", 0.5, indicator="ratio"), item("E2", "b", 0.0)]
    assert tiny.score().trace["rubric/indicator/a/ratio"].value == text


def test_clamp_false_needs_an_open_scale(tiny: TinyCase, runner: CliRunner) -> None:
    _linear(tiny, clamp=False)
    tiny.items = [item("E1", "a", 0.5, indicator="ratio"), item("E2", "b", 1.0)]
    res = runner.invoke(main, ["validate", str(tiny.write())])
    assert res.exit_code == 2
    assert "factors[0].indicators[0].mapping.clamp: clamp: false gives scores beyond the " \
           "output range; it needs a scale open at both ends" in res.output


@pytest.mark.parametrize(("decimals", "shown"), [(0, "3"), (2, "2.90"), (3, "2.900")])
def test_display_precision_is_the_rubrics(tiny: TinyCase, runner: CliRunner, decimals: int,
                                          shown: str) -> None:
    points(tiny, intercept=-1, decimals=decimals)
    tiny.rubric["factors"][0]["weight"] = 1.2
    tiny.rubric["factors"][1]["weight"] = -0.5
    tiny.items = [item("E1", "a", 2.0), item("E2", "b", -3.0)]
    # C = -1 + 2.4 + 1.5 = 2.9, shown to the rubric's decimals; the value is kept in full
    r = tiny.score()
    assert r.trace["base/composite"].display == shown
    assert r.trace["base/composite"].value == pytest.approx(2.9, abs=1e-12)
    assert r.trace["base/item/E1/confidence"].display == "1.0000"  # fractions keep 4
    table = runner.invoke(main, ["score", str(tiny.root)]).output
    assert any(line.split()[:3] == ["base", shown, "Grey"] for line in table.splitlines())


@pytest.mark.parametrize(("side", "raw", "score"), [
    ("above", 0.0, 10.0),   # x < below: 0 is not below 0, so it takes the next step
    ("above", -1e-9, 0.0),
    ("below", 0.0, 0.0),    # x <= below: "x > 0 scores 10" puts 0 in the first step
    ("below", 1e-9, 10.0),
])
def test_a_threshold_value_goes_to_the_side_the_mapping_says(tiny: TinyCase, raw: float,
                                                             side: str, score: float) -> None:
    tiny.rubric["factors"][0]["indicators"] = [{
        "id": "margin", "name": "Margin change", "mapping": {
            "type": "bands", "at_threshold": side,
            "steps": [{"below": 0, "score": 0}, {"score": 10}]}}]
    tiny.items = [item("E1", "a", raw, indicator="margin"), item("E2", "b", 0.0)]
    assert tiny.score().factor_score("base", "a") == score


def test_the_schema_has_the_new_fields(runner: CliRunner) -> None:
    import json

    rubric = json.loads(runner.invoke(main, ["schema", "rubric"]).output)
    for key in ("composite", "intercept", "band_edge", "decimals", "figures", "measures"):
        assert key in rubric["properties"], key
    assert rubric["properties"]["composite"]["enum"] == ["weighted_mean", "weighted_sum",
                                                         "points"]
    assert "LogMapping" in rubric["$defs"] and "Measure" in rubric["$defs"]
    figures = json.loads(runner.invoke(main, ["schema", "figures"]).output)
    assert figures["title"] == "scoring figures file"
    assert set(figures["$defs"]["Figure"]["required"]) == {"id", "figure", "period", "value",
                                                           "observed", "sources"}
