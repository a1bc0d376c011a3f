"""The Meta Platforms case (evidence/meta-platforms), pinned by hand arithmetic.

Every number below is TRANSCRIBED FROM THE YAML ON PURPOSE: the items of evidence.yaml, the
grades of sources.yaml, the changes of scenarios.yaml and the rubric's weights, reliabilities,
half-life and mappings (rubrics/ai-platform-strategy.yaml). Nothing here reads those files or
reuses the engine's code, so if anyone changes a rubric number or an evidence item, this test
fails until the expected arithmetic is updated too, and a reader can check each number on paper.

Method (docs/method.md, scoring/method/kernel.py):
- w = confidence x reliability x 0.5 ** (age_days / 365); reliability is the best citation's,
  a source read via NOTE counting at the weaker of its grade and NOTE's C
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
# (A 1.0 and B 0.85: no item cites an A or B source. E 0.3 never wins: every item citing an E
# source also cites a D or C one.) Every S.. source is read via NOTE (C), so it counts at
# min(its grade, C): a C source at C, a D source at D. Assumptions weigh as assumption_grade D.
C = 0.7
D = 0.5

# as_of 2026-03-09; half_life_days 365. Ages used below:
#   2026-03-09 - 2026-03-01 = 8     2026-03-09 - 2026-03-02 = 7     2026-03-09 - 2026-03-03 = 6
#   2026-03-09 - 2026-03-04 = 5     2026-03-09 - 2026-03-05 = 4     2026-03-09 - 2026-03-06 = 3
#   2026-03-09 - 2026-03-07 = 2     2026-03-09 - 2026-03-08 = 1     2026-03-09 - 2026-03-09 = 0
# Every row below is  id: (w = confidence * grade * decay, r).

# developer_moat: strength, r = 0 + 100 - score. E01's moat_score maps linear [0,100]->[0,100].
#   id      conf   grade   decay          r          cited sources (min with NOTE's C), best wins
MOAT = {
    "E01": (0.70 * C * 0.5 ** (7 / 365), 100 - 83),  # S01 C via NOTE; moat_score 83 -> 83
    "E02": (0.55 * C * 0.5 ** (7 / 365), 100 - 75),  # S01 C via NOTE
    "E03": (0.50 * D * 0.5 ** (0 / 365), 100 - 30),  # ARTICLE D
    "E04": (0.45 * D * 0.5 ** (0 / 365), 100 - 35),  # ARTICLE D
}

# productization_gap: risk. rollout_stage categories: staged_rollout 45, limited_test 70,
# pilot 80, announced_only 90.
PROD = {
    "E05": (0.60 * D * 0.5 ** (5 / 365), 70),  # S06 D via NOTE; limited_test -> 70
    "E06": (0.50 * C * 0.5 ** (1 / 365), 70),  # S12 C / S10 C / S11 C / S20 E via NOTE; -> 70
    "E07": (0.45 * C * 0.5 ** (5 / 365), 70),  # S07 C via NOTE
    "E08": (0.50 * D * 0.5 ** (0 / 365), 75),  # ARTICLE D
    "E09": (0.40 * D * 0.5 ** (0 / 365), 90),  # ARTICLE D; announced_only -> 90
}

# capital_intensity: risk. commitment_share_of_revenue linear [0,20]->[20,100]:
# 8.9375 % -> 20 + 8.9375 / 20 * 80 = 20 + 35.75 = 55.75 (inside [0,20], no clamping).
CAP = {
    "E10": (0.45 * D * 0.5 ** (0 / 365), 55.75),  # ARTICLE D; 8.9375 % -> 55.75
    "E11": (0.40 * D * 0.5 ** (4 / 365), 70),  # S19 E / S15 E / S05 D via NOTE
    "E12": (0.50 * D * 0.5 ** (4 / 365), 55),  # S05 D via NOTE
    "E13": (0.50 * D * 0.5 ** (0 / 365), 65),  # ARTICLE D
}

# data_governance: risk, aggregation max (weights do not matter for the score).
DATA = {
    "E14": (0.55 * D * 0.5 ** (8 / 365), 60),  # S02 D via NOTE
    "E15": (0.50 * D * 0.5 ** (5 / 365), 75),  # S09 D / S18 D via NOTE
    "E16": (0.60 * C * 0.5 ** (5 / 365), 65),  # S08 C via NOTE
}

# trust_issues: risk.
TRUST = {
    "E17": (0.55 * D * 0.5 ** (0 / 365), 80),  # ARTICLE D
    "E18": (0.50 * D * 0.5 ** (0 / 365), 80),  # ARTICLE D
    "E19": (0.45 * D * 0.5 ** (2 / 365), 65),  # S03 D via NOTE
    "E20": (0.45 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E21": (0.45 * D * 0.5 ** (0 / 365), 60),  # ARTICLE D
}

# competitive_position: risk.
COMP = {
    "E22": (0.55 * D * 0.5 ** (0 / 365), 75),  # ARTICLE D
    "E23": (0.50 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E24": (0.55 * C * 0.5 ** (3 / 365), 40),  # S01 C / S11 C / S12 C via NOTE
    "E25": (0.50 * C * 0.5 ** (6 / 365), 60),  # S12 C via NOTE
}

# talent_leadership: risk (has evidence, so its impute 50 is not used).
TALENT = {
    "E26": (0.60 * D * 0.5 ** (6 / 365), 35),  # S16 D / S14 D via NOTE
    "E27": (0.50 * D * 0.5 ** (0 / 365), 70),  # ARTICLE D
    "E28": (0.45 * D * 0.5 ** (0 / 365), 45),  # ARTICLE D
}

# regulatory_exposure: risk.
REG = {
    "E29": (0.50 * D * 0.5 ** (8 / 365), 65),  # S02 D via NOTE
    "E30": (0.60 * C * 0.5 ** (3 / 365), 60),  # S11 C via NOTE
    "E31": (0.50 * D * 0.5 ** (2 / 365), 60),  # S03 D / S18 D via NOTE
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
    # bull/change/3: E17 confidence 0.55 -> 0.3; bull/change/7: E17 80 - 30 = 50
    "E17": (0.30 * D * 0.5 ** (0 / 365), 80 - 30),
    "E18": (0.50 * D * 0.5 ** (0 / 365), 80 - 30),  # bull/change/8: E18 80 - 30 = 50
}
BULL_CAP = {
    **CAP,
    "E11": (0.40 * D * 0.5 ** (4 / 365), 70 - 15),  # bull/change/5: E11 70 -> 55
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
    "E05": (0.60 * D * 0.5 ** (5 / 365), 80),  # bear/change/5: E05 limited_test -> pilot (80)
}
BEAR_TRUST = {
    **TRUST,
    # bear/change/8, /9: E17 confidence 0.55 -> 0.75, value 80 -> 90
    "E17": (0.75 * D * 0.5 ** (0 / 365), 90),
    # bear/change/10, /11: E18 confidence 0.5 -> 0.75, value 80 -> 90
    "E18": (0.75 * D * 0.5 ** (0 / 365), 90),
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
    "trust_issues": wmean(BEAR_TRUST),
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
    "base": (BASE, BASE_COMPOSITE, "High"),
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


def test_trust_floor_follows_the_bear_trust_evidence(result: scoring.Result) -> None:
    # bear's trust items: E17 and E18 at 0.75 x 0.5 = 0.375 and 90; E19 0.45 x 0.5 x decay(2)
    # at 65; E20 and E21 0.45 x 0.5 = 0.225 at 70 and 60:
    # (0.375 x 90 x 2 + 0.2241 x 65 + 0.225 x 70 + 0.225 x 60) / 1.4241 = 78.17 < 80,
    # so the trust_floor gate (trust_issues at least 80) does not fire in any scenario.
    assert 78 < BEAR["trust_issues"] < 80
    for scenario in ("base", "bull", "bear"):
        assert f"{scenario}/gate/trust_floor" not in result.trace
        assert result.factor_score(scenario, "trust_issues") < 80
    # bull lowers trust by about 12 points: E17 and E18 at 50 instead of 80.
    assert 11 < BASE["trust_issues"] - BULL["trust_issues"] < 13


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
