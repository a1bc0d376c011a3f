"""The Meta Platforms case (evidence/meta-platforms), pinned by hand arithmetic.

Every number below is TRANSCRIBED FROM THE YAML ON PURPOSE: the items of evidence.yaml, the
grades of sources.yaml, the changes of scenarios.yaml and the rubric's weights, reliabilities,
half-life and mappings (rubrics/ai-platform-strategy.yaml). Nothing here reads those files or
reuses the engine's code, so if anyone changes a rubric number or an evidence item, this test
fails until the expected arithmetic is updated too, and a reader can check each number on paper.

Method (docs/method.md, scoring/method/kernel.py):
- w = confidence x reliability(best graded source cited) x 0.5 ** (age_days / 365)
- r = score (risk factors) or 0 + 100 - score (developer_moat, a strength)
- F = sum(w * r) / sum(w); data_governance uses max(r)
- C = sum(W_f * F_f) / sum(W_f); coverage = sum(W_f with evidence) / sum(W_f)
"""

from __future__ import annotations

from collections import deque

import pytest

import scoring

from .conftest import META

# Rubric reliability multipliers of the only grades that are ever an item's best grade here.
# (A 1.0, B 0.85 and E 0.3 never win: no item cites an A or B source, and every item citing
# an E source also cites NOTE, graded C.) Assumptions weigh as assumption_grade D.
C = 0.7
D = 0.5

# as_of 2026-03-09; half_life_days 365. Ages used below:
#   2026-03-09 - 2026-03-01 = 8     2026-03-09 - 2026-03-02 = 7     2026-03-09 - 2026-03-03 = 6
#   2026-03-09 - 2026-03-04 = 5     2026-03-09 - 2026-03-05 = 4     2026-03-09 - 2026-03-06 = 3
#   2026-03-09 - 2026-03-07 = 2     2026-03-09 - 2026-03-08 = 1     2026-03-09 - 2026-03-09 = 0
# Every row below is  id: (w = confidence * grade * decay, r).

# developer_moat: strength, r = 0 + 100 - score. E01's moat_score maps linear [0,100]->[0,100].
#   id      conf   grade   decay          r          cited sources, best grade wins
MOAT = {
    "E01": (0.70 * C * 0.5 ** (7 / 365), 100 - 83),  # NOTE C / S01 C; moat_score 83 -> 83
    "E02": (0.55 * C * 0.5 ** (7 / 365), 100 - 75),  # NOTE C / S01 C
    "E03": (0.50 * D * 0.5 ** (0 / 365), 100 - 30),  # ARTICLE D
    "E04": (0.45 * D * 0.5 ** (0 / 365), 100 - 35),  # ARTICLE D
}

# productization_gap: risk. rollout_stage categories: limited_test 70, pilot 80, staged_rollout 45.
PROD = {
    "E05": (0.75 * C * 0.5 ** (5 / 365), 70),  # NOTE C / S06 D / S07 C; limited_test -> 70
    "E06": (0.50 * C * 0.5 ** (1 / 365), 55),  # NOTE C / S12 C / S10 C
    "E07": (0.45 * C * 0.5 ** (5 / 365), 70),  # S07 C / NOTE C
    "E08": (0.50 * D * 0.5 ** (0 / 365), 75),  # ARTICLE D
    "E09": (0.40 * D * 0.5 ** (0 / 365), 55),  # ARTICLE D
}

# capital_intensity: risk. commitment_share_of_revenue linear [0,20]->[20,100]:
# 8.9375 % -> 20 + 8.9375 / 20 * 80 = 20 + 35.75 = 55.75 (inside [0,20], no clamping).
CAP = {
    "E10": (0.45 * D * 0.5 ** (0 / 365), 55.75),  # ARTICLE D; 8.9375 % -> 55.75
    "E11": (0.60 * C * 0.5 ** (5 / 365), 70),  # NOTE C / S19 E / S15 E
    "E12": (0.50 * C * 0.5 ** (4 / 365), 55),  # NOTE C / S05 D
    "E13": (0.50 * D * 0.5 ** (0 / 365), 65),  # ARTICLE D
}

# data_governance: risk, aggregation max (weights do not matter for the score).
DATA = {
    "E14": (0.55 * C * 0.5 ** (8 / 365), 60),  # NOTE C / S02 D
    "E15": (0.65 * C * 0.5 ** (5 / 365), 75),  # NOTE C / S09 D / S18 D
    "E16": (0.60 * C * 0.5 ** (5 / 365), 65),  # NOTE C / S08 C
}

# trust_issues: risk.
TRUST = {
    "E17": (0.55 * D * 0.5 ** (0 / 365), 80),  # ARTICLE D
    "E18": (0.50 * D * 0.5 ** (0 / 365), 80),  # ARTICLE D
    "E19": (0.55 * C * 0.5 ** (2 / 365), 65),  # NOTE C / S03 D / S04 E
    "E20": (0.45 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E21": (0.45 * D * 0.5 ** (0 / 365), 60),  # ARTICLE D
}

# competitive_position: risk.
COMP = {
    "E22": (0.55 * D * 0.5 ** (0 / 365), 75),  # ARTICLE D
    "E23": (0.50 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E24": (0.55 * C * 0.5 ** (3 / 365), 40),  # NOTE C / S01 C / S12 C
    "E25": (0.50 * C * 0.5 ** (6 / 365), 60),  # S12 C / NOTE C
}

# talent_leadership: risk (has evidence, so its impute 50 is not used).
TALENT = {
    "E26": (0.60 * C * 0.5 ** (6 / 365), 35),  # NOTE C / S16 D / S14 D
    "E27": (0.55 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E28": (0.45 * D * 0.5 ** (0 / 365), 45),  # ARTICLE D
}

# regulatory_exposure: risk.
REG = {
    "E29": (0.50 * C * 0.5 ** (8 / 365), 65),  # S02 D / NOTE C
    "E30": (0.60 * C * 0.5 ** (3 / 365), 60),  # S11 C / NOTE C
    "E31": (0.50 * C * 0.5 ** (2 / 365), 60),  # NOTE C / S03 D / S18 D
}


def wmean(rows: dict[str, tuple[float, float]]) -> float:
    """sum(w * r) / sum(w) over literal (w, r) pairs."""
    return sum(w * r for w, r in rows.values()) / sum(w for w, _ in rows.values())


def worst(rows: dict[str, tuple[float, float]]) -> float:
    """max(r): data_governance's aggregation."""
    return max(r for _, r in rows.values())


# ------------------------------------------------------------------------------------ base
BASE = {
    "developer_moat": wmean(MOAT),
    "productization_gap": wmean(PROD),
    "capital_intensity": wmean(CAP),
    "data_governance": worst(DATA),  # max(60, 75, 65) = 75
    "trust_issues": wmean(TRUST),
    "competitive_position": wmean(COMP),
    "talent_leadership": wmean(TALENT),
    "regulatory_exposure": wmean(REG),
}
B = BASE
BASE_COMPOSITE = (0.20 * B["developer_moat"] + 0.15 * B["productization_gap"]
                  + 0.15 * B["capital_intensity"] + 0.15 * B["data_governance"]
                  + 0.15 * B["trust_issues"] + 0.10 * B["competitive_position"]
                  + 0.05 * B["talent_leadership"] + 0.05 * B["regulatory_exposure"]) / 1.00

# ------------------------------------------------------------------------------------ bull
BULL_MOAT = {
    **MOAT,
    "E03": (0.30 * D * 0.5 ** (0 / 365), 100 - 30),  # bull/change/2: E03 confidence 0.5 -> 0.3
}
del BULL_MOAT["E04"]  # bull/change/4: drop E04
BULL_TRUST = {
    **TRUST,
    "E17": (0.30 * D * 0.5 ** (0 / 365), 80),  # bull/change/3: E17 confidence 0.55 -> 0.3
}
BULL_CAP = {
    **CAP,
    "E11": (0.60 * C * 0.5 ** (5 / 365), 70 - 15),  # bull/change/5: E11 70 -> 55
}
BULL_PROD = {
    **PROD,
    # bull/change/6: assume A01 staged_rollout -> 45, confidence 0.5, grade D, observed = as_of
    "A01": (0.50 * D * 0.5 ** (0 / 365), 45),
}
BULL = {
    **BASE,
    "developer_moat": wmean(BULL_MOAT),
    "productization_gap": wmean(BULL_PROD),
    "capital_intensity": wmean(BULL_CAP),
    "trust_issues": wmean(BULL_TRUST),
}
U = BULL
# bull/change/1: developer_moat weight 0.20 -> 0.30, so the weights sum to 1.10
BULL_COMPOSITE = (0.30 * U["developer_moat"] + 0.15 * U["productization_gap"]
                  + 0.15 * U["capital_intensity"] + 0.15 * U["data_governance"]
                  + 0.15 * U["trust_issues"] + 0.10 * U["competitive_position"]
                  + 0.05 * U["talent_leadership"] + 0.05 * U["regulatory_exposure"]) / 1.10

# ------------------------------------------------------------------------------------ bear
BEAR_MOAT = {
    **MOAT,
    "E01": (0.40 * C * 0.5 ** (7 / 365), 100 - 83),  # bear/change/4: E01 confidence 0.7 -> 0.4
    "E02": (0.55 * C * 0.5 ** (7 / 365), 100 - 45),  # bear/change/3: E02 75 -> 45
}
BEAR_PROD = {
    **PROD,
    "E05": (0.75 * C * 0.5 ** (5 / 365), 80),  # bear/change/5: E05 limited_test -> pilot (80)
}
BEAR_COMP = dict(COMP)
del BEAR_COMP["E24"]  # bear/change/6: drop E24
BEAR_CAP = {
    **CAP,
    # bear/change/7: assume A02 80, confidence 0.5, grade D, observed = as_of
    "A02": (0.50 * D * 0.5 ** (0 / 365), 80),
}
BEAR = {
    **BASE,
    "developer_moat": wmean(BEAR_MOAT),
    "productization_gap": wmean(BEAR_PROD),
    "capital_intensity": wmean(BEAR_CAP),
    "competitive_position": wmean(BEAR_COMP),
}
R = BEAR
# bear/change/1: trust_issues 0.15 -> 0.25; bear/change/2: competitive_position 0.10 -> 0.20;
# the weights sum to 0.20 + 0.15 * 3 + 0.25 + 0.20 + 0.05 * 2 = 1.20
BEAR_COMPOSITE = (0.20 * R["developer_moat"] + 0.15 * R["productization_gap"]
                  + 0.15 * R["capital_intensity"] + 0.15 * R["data_governance"]
                  + 0.25 * R["trust_issues"] + 0.20 * R["competitive_position"]
                  + 0.05 * R["talent_leadership"] + 0.05 * R["regulatory_exposure"]) / 1.20

# Bands: Low [0,20) Moderate [20,40) Elevated [40,60) High [60,80) Severe [80,100].
EXPECTED = {
    "base": (BASE, BASE_COMPOSITE, "Elevated"),
    "bull": (BULL, BULL_COMPOSITE, "Elevated"),
    "bear": (BEAR, BEAR_COMPOSITE, "High"),
}
BAND_RANGES = {"Elevated": (40, 60), "High": (60, 80)}


@pytest.fixture(scope="module")
def result() -> scoring.Result:
    return scoring.score(scoring.load_case(META))


def test_hand_arithmetic_is_self_consistent() -> None:
    # Spot checks that read straight off the tables above.
    assert BASE["data_governance"] == 75
    assert BULL["data_governance"] == BEAR["data_governance"] == 75
    for _, composite, band in EXPECTED.values():
        lo, hi = BAND_RANGES[band]
        assert lo <= composite < hi


@pytest.mark.parametrize("scenario", ["base", "bull", "bear"])
def test_composite_band_coverage(result: scoring.Result, scenario: str) -> None:
    _, composite, band = EXPECTED[scenario]
    assert result.composite(scenario) == pytest.approx(composite, rel=1e-12)
    assert result.band(scenario) == band
    # every factor of the rubric has evidence in every scenario: coverage = 1.00 / 1.00 etc.
    assert result.coverage(scenario) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("scenario", ["base", "bull", "bear"])
@pytest.mark.parametrize("factor", list(BASE))
def test_factor_scores(result: scoring.Result, scenario: str, factor: str) -> None:
    factors, _, _ = EXPECTED[scenario]
    assert result.factor_score(scenario, factor) == pytest.approx(factors[factor], rel=1e-12)


def test_no_other_scenarios(result: scoring.Result) -> None:
    assert result.scenario_ids == ["base", "bull", "bear"]


def test_bear_composite_traces_to_a_source(result: scoring.Result) -> None:
    trace = result.trace
    for rid, rec in trace.items():
        missing = [i for i in rec.inputs if i not in trace]
        assert not missing, f"{rid} has inputs missing from the trace: {missing}"
    seen = {"bear/composite"}
    queue = deque(seen)
    while queue:
        for child in trace[queue.popleft()].inputs:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    assert any(rid.startswith("source/") for rid in seen)
