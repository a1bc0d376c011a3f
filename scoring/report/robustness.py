"""The report's robustness view of one scenario: break-evens, items at stake, a tornado chart
and the Monte Carlo band probabilities. Geometry for the charts is computed here (in px);
every number is a :class:`Num` read from the trace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..analysis.result import Result
from .parts import Cell, Link, Num, span

TORNADO_WIDTH = 520  # px for the scale's full range
STAKES_SHOWN = 8


@dataclass(frozen=True)
class BreakEvenRow:
    factor: str
    down_target: str | None
    down_score: Cell | None
    down_weight: Cell | None
    up_target: str | None
    up_score: Cell | None
    up_weight: Cell | None
    # why the band below (above) cannot be reached while a gate holds it, or None
    down_blocked: str | None = None
    up_blocked: str | None = None


@dataclass(frozen=True)
class StakeRow:
    item: Link
    factor: str
    at_stake: Num


@dataclass(frozen=True)
class TornadoRow:
    label: str
    low: Num
    high: Num
    x: float  # px of the lower end
    width: float
    y: float
    low_cell: Cell  # the derivations in place of both ends (the tornado's table)
    high_cell: Cell


@dataclass(frozen=True)
class BandChance:
    band: str
    probability: Num
    width: float  # px of a 100 % bar


@dataclass(frozen=True)
class Robustness:
    scenario: str
    break_evens: tuple[BreakEvenRow, ...]
    stakes: tuple[StakeRow, ...]
    tornado: tuple[TornadoRow, ...]
    tornado_height: int
    composite_x: float
    draws: int
    seed: int
    p05: Num
    p50: Num
    p95: Num
    chances: tuple[BandChance, ...]
    likely_band: str
    likely: Num
    # the method's formulas of a break-even's score change and weight (the table's headers)
    score_formula: str = ""
    weight_formula: str = ""


def build_robustness(result: Result, sc: str, num: Callable[[str], Num],
                     cell: Callable[[str], Cell]) -> Robustness | None:
    """None when the result was scored without analyses. ``cell`` makes the derivation in
    place of a break-even or a tornado end, shown in their tables."""
    s = result.sensitivity.get(sc)
    m = result.simulations.get(sc)
    if s is None or m is None:
        return None
    lo, hi = span(result.case.rubric.scale.lo, result.case.rubric.scale.hi,
                  [s.composite, *(v for t in s.tornado for v in (t.low, t.high))])

    def px(v: float) -> float:
        return round((v - lo) / (hi - lo) * TORNADO_WIDTH, 3)

    rows = []
    targets = {(b.factor, b.direction): b.target_band for b in s.break_evens}
    blocked = _gate_limits(result, sc)
    for f in dict.fromkeys(b.factor for b in s.break_evens):
        def get(direction: str, what: str, f: str = f) -> Cell | None:
            rid = f"{sc}/sensitivity/{f}/{direction}/{what}"
            return cell(rid) if rid in result.trace else None

        down, up = targets.get((f, "down")), targets.get((f, "up"))
        rows.append(BreakEvenRow(f, down, get("down", "score_change"),
                                 get("down", "weight_needed"), up,
                                 get("up", "score_change"), get("up", "weight_needed"),
                                 blocked.get(down) if down else None,
                                 blocked.get(up) if up else None))
    stakes = tuple(StakeRow(Link(_origin(result, sc, st.item), st.item), st.factor,
                            num(f"{sc}/sensitivity/item/{st.item}/at_stake"))
                   for st in s.stakes[:STAKES_SHOWN])
    bars = []
    for k, t in enumerate(s.tornado):
        p = f"{sc}/tornado/{t.factor}/{t.kind}"
        a, b = sorted((t.low, t.high))
        bars.append(TornadoRow(f"{t.factor} ({t.kind})", num(f"{p}/low"), num(f"{p}/high"),
                               px(a), round(px(b) - px(a), 3), 18 * k + 4,
                               cell(f"{p}/low"), cell(f"{p}/high")))
    chances = tuple(BandChance(band, num(f"{sc}/simulation/band/{band}"), round(p * 200, 3))
                    for band, p in m.band_probability)
    likely_band, _ = max(m.band_probability, key=lambda bp: bp[1])
    formulas = {what: result.trace[rid].formula for b in s.break_evens
                for what in ("score_change", "weight_needed")
                for rid in [f"{sc}/sensitivity/{b.factor}/{b.direction}/{what}"]
                if rid in result.trace}
    return Robustness(
        sc, tuple(rows), stakes, tuple(bars), 18 * len(bars) + 8,
        px(s.composite), m.draws, m.seed, num(f"{sc}/simulation/p05"),
        num(f"{sc}/simulation/p50"), num(f"{sc}/simulation/p95"), chances, likely_band,
        num(f"{sc}/simulation/band/{likely_band}"), formulas.get("score_change", ""),
        formulas.get("weight_needed", ""))


def _gate_limits(result: Result, sc: str) -> dict[str, str]:
    """The bands the scenario's triggered gates forbid, each with why: a band floor or cap
    (or a forced band) holds whatever the composite does, so a break-even toward such a band
    would not move the final band."""
    rubric = result.case.rubric
    names = [b.name for b in rubric.bands]
    judgement = result.judgements.get(sc)
    out: dict[str, str] = {}
    if judgement is None:
        return out
    gates = {g.id: g for g in rubric.gates}
    for step in judgement.steps:
        if step.kind != "gate" or not step.fired:
            continue
        t = gates[step.id].then
        for k, band in enumerate(names):
            if t.band is not None and band != t.band:
                why = f"gate {step.id} sets the band to {t.band}"
            elif t.band_at_least is not None and k < names.index(t.band_at_least):
                why = f"gate {step.id} holds the band at least {t.band_at_least}"
            elif t.band_at_most is not None and k > names.index(t.band_at_most):
                why = f"gate {step.id} holds the band at most {t.band_at_most}"
            else:
                continue
            out.setdefault(band, why)
    return out


def _origin(result: Result, sc: str, item: str) -> str:
    rid = f"{sc}/assumption/{item}"
    return rid if rid in result.trace else f"item/{item}"
