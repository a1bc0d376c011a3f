"""The method as the report states it: the rubric's factors with their weights and mappings,
its bands, the formulas with a worked example each, the integrity rules (staleness, contested
factors, coverage) and the gates in words."""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.models import Gate, Rubric
from ..method.kernel import BASE
from ..trace.records import mapping_text
from .numbers import Numbers, rubric_num
from .parts import Num


@dataclass(frozen=True)
class RubricFactorView:
    id: str
    name: str
    description: str | None
    weight: Num
    polarity: str
    aggregation: str
    missing: str
    indicators: tuple[tuple[str, str, str], ...]  # (anchor id, name, mapping text)


@dataclass(frozen=True)
class BandView:
    name: str
    min: str
    max: str
    description: str | None


@dataclass(frozen=True)
class Formula:
    name: str
    formula: str
    example: Num
    expression: str


def rubric_factors(n: Numbers) -> tuple[RubricFactorView, ...]:
    out = []
    for f in n.case.rubric.factors:
        rec = n.trace[f"rubric/factor/{f.id}"]
        out.append(RubricFactorView(
            f.id, f.name, f.description, rubric_num(n.trace[f"rubric/factor/{f.id}/weight"]),
            f.polarity, f.aggregation, str(rec.detail["missing"]),
            tuple((f"rubric/indicator/{f.id}/{i.id}", i.name, mapping_text(i.mapping))
                  for i in f.indicators)))
    return tuple(out)


def formulas(n: Numbers) -> tuple[Formula, ...]:
    first = n.case.rubric.factors[0].id
    item = str(n.result.frames.items["item"].iloc[0])  # the first row of base
    picks = [
        ("Effective weight", f"{BASE}/item/{item}/effective_weight"),
        ("Recency decay", f"{BASE}/item/{item}/decay"),
        ("Risk value", f"{BASE}/item/{item}/risk_value"),
        ("Factor score", f"{BASE}/factor/{first}/score"),
        ("Normalised weight", f"{BASE}/factor/{first}/normalised_weight")
        if n.case.rubric.composite == "weighted_mean"
        else ("Weight", f"{BASE}/factor/{first}/weight"),
        ("Contribution", f"{BASE}/factor/{first}/contribution"),
        ("Indicated composite", f"{BASE}/indicated_composite"),
        ("Composite", f"{BASE}/composite"),
        ("Coverage", f"{BASE}/coverage"),
    ]
    return tuple(Formula(name, n.trace[rid].formula, n.num(rid),
                         n.trace[rid].expression)
                 for name, rid in picks if rid in n.trace)


def integrity(rubric: Rubric) -> tuple[tuple[str, str], ...]:
    out = []
    if rubric.max_age_days is not None:
        what = "excluded (weight 0)" if rubric.stale == "exclude" else "kept and flagged"
        out.append(("rubric/max_age_days", f"Evidence older than {rubric.max_age_days:g} days "
                                           f"at the as-of date is stale: {what}."))
    if rubric.contested_spread is not None:
        out.append(("rubric/contested_spread",
                    f"A factor whose items' risk values spread more than "
                    f"{rubric.contested_spread:g} points is contested."))
    if rubric.min_coverage is not None:
        out.append(("rubric/min_coverage",
                    f"Below {rubric.min_coverage:.0%} coverage a scenario's band reads "
                    "'Insufficient evidence'."))
    return tuple(out)


def gates(rubric: Rubric) -> tuple[tuple[str, str, str, str | None], ...]:
    """The rubric's gates: (id, when, then, description), in words."""
    return tuple((g.id, _when(g), _then(g), g.description) for g in rubric.gates)


def _when(g: Gate) -> str:
    parts = []
    if g.when.at_least is not None:
        parts.append(f"{g.when.factor} score ≥ {g.when.at_least:g}")
    if g.when.at_most is not None:
        parts.append(f"{g.when.factor} score ≤ {g.when.at_most:g}")
    return " and ".join(parts)


def _then(g: Gate) -> str:
    t = g.then
    labels = (("composite_at_least", "composite at least {}"),
              ("composite_at_most", "composite at most {}"),
              ("band_at_least", "band at least {}"), ("band_at_most", "band at most {}"),
              ("band", "band is {} (knock-out)"))
    return "; ".join(text.format(getattr(t, key)) for key, text in labels
                     if getattr(t, key) is not None)
