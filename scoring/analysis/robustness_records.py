"""Trace records for the robustness analyses (sensitivity.py, uncertainty.py).

Like ``records.py``, this only writes down what the analyses computed and from what; the
arithmetic is in the analysis modules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..display import exact
from ..trace.core import TraceRecord
from .attribution import Attribution
from .sensitivity import ScenarioSensitivity
from .uncertainty import Simulation

R = TraceRecord


def _e(x: float | None) -> str:
    return "n/a" if x is None else exact(x)


def sensitivity_records(s: ScenarioSensitivity, method: str) -> Iterator[TraceRecord]:
    """The records of one scenario's break-evens, item stakes and tornado, one after
    another (a large case has one per item)."""
    sc = s.scenario
    n_symbol = "n_f" if method == "weighted_mean" else "W_f"
    for b in s.break_evens:
        p = f"{sc}/sensitivity/{b.factor}/{b.direction}"
        weight_in = f"{sc}/factor/{b.factor}/" + (
            "normalised_weight" if method == "weighted_mean" else "weight")
        inputs = (f"{sc}/indicated_composite", weight_in, f"{sc}/factor/{b.factor}/score", "rubric/bands")
        reach = (f"F + dF = {_e(b.score_needed)}, within the scale" if b.score_change is not None
                 else "F + dF would leave the scale: this factor alone cannot move the band")
        yield (R(f"{p}/score_change", "number",
                     f"Factor-score change of {b.factor} that takes {sc} to {b.target_band}",
                     b.score_change, unit="delta", op="break-even",
                     formula=f"dF = (B - C) / {n_symbol}",
                     expression=f"({exact(b.boundary)} - {exact(s.composite)}) / {exact(b.n)} = "
                                f"{exact(b.unbounded_change)}; {reach}",
                     inputs=inputs))
        yield (R(f"{p}/weight_needed", "number",
                     f"Weight of {b.factor} at which {sc} reaches {b.target_band}",
                     b.weight_needed, unit="fraction", op="break-even",
                     formula="W' = (B x sum(W_other) - sum(W_other x F_other)) / (F_f - B)"
                     if method != "weighted_sum" else "W' = W_f + (B - C) / F_f",
                     expression=f"boundary {exact(b.boundary)}: W' = {_e(b.weight_needed)}"
                     + ("" if b.weight_needed is not None else " (no positive weight reaches it)"),
                     inputs=(*inputs, f"{sc}/factor/{b.factor}/weight")))
    for st in s.stakes:
        yield (R(f"{sc}/sensitivity/item/{st.item}/at_stake", "number",
                     f"Points of the {sc} composite held up by {st.item}", st.at_stake,
                     unit="delta", op="difference", formula="C - C(without the item)",
                     expression=f"{exact(s.composite)} - {_e(st.composite_without)} = "
                                f"{_e(st.at_stake)}" + ("" if st.at_stake is not None else
                                                        " (no factor would be left)"),
                     inputs=(f"{sc}/indicated_composite", f"{sc}/item/{st.item}/effective_weight",
                             f"{sc}/item/{st.item}/risk_value", f"{sc}/factor/{st.factor}/score")))
    for t in s.tornado:
        p = f"{sc}/tornado/{t.factor}/{t.kind}"
        what = "weight" if t.kind == "weight" else "score"
        src = f"{sc}/factor/{t.factor}/{what}"
        for end, value, setting in (("low", t.low, t.low_setting), ("high", t.high, t.high_setting)):
            yield (R(f"{p}/{end}", "number",
                         f"{sc} composite with the {what} of {t.factor} at {exact(setting)}",
                         value, unit="points", op="re-weigh" if t.kind == "weight" else "re-score",
                         formula="C with one factor's weight x (1 -/+ 20 %), renormalised"
                         if t.kind == "weight" else "C with one factor score -/+ one band width",
                         expression=f"{what} {exact(setting)} -> C = {exact(value)}",
                         inputs=(f"{sc}/indicated_composite", src)))


def simulation_records(m: Simulation, item_ids: list[str]) -> list[TraceRecord]:
    sc = m.scenario
    inputs = tuple(x for i in item_ids for x in (f"{sc}/item/{i}/risk_value",
                                                  f"{sc}/item/{i}/confidence"))
    how = (f"{m.draws} draws, seed {m.seed}; each risk value + N(0, (1 - confidence) x "
           f"{exact(m.max_sd)}), clipped to the scale")
    out = []
    for name, q, value in (("p05", 5, m.p05), ("p50", 50, m.p50), ("p95", 95, m.p95)):
        out.append(R(f"{sc}/simulation/{name}", "number",
                     f"{q}th percentile of the simulated {sc} composite", value, unit="points",
                     op="monte carlo", formula=f"percentile {q} of the simulated composites",
                     expression=how, inputs=inputs))
    for band, p in m.band_probability:
        out.append(R(f"{sc}/simulation/band/{band}", "number",
                     f"Share of draws in which {sc} lands in {band}", p, unit="percent",
                     op="monte carlo", formula="draws in the band / all draws",
                     expression=f"{round(p * m.draws)} of {how}", inputs=inputs))
    return out


def attribution_records(a: Attribution) -> list[TraceRecord]:
    """``<scenario>/attribution/<n>`` for change ``n`` (and ``<scenario>/attribution/
    overrides``): the Shapley share of the change against base. The record's detail holds
    the final composite of every subset of the changes, so each share can be redone."""
    sc, k = a.scenario, len(a.players)
    detail = {"players": list(a.players),
              "composite_of_subset": a.composites.tolist(),
              "subset_rule": "composite_of_subset[m] is the final composite with the changes "
                             "whose bits are set in m applied (bit i: players[i])"}
    out = []
    for i, (player, value) in enumerate(zip(a.players, a.values.tolist(), strict=True)):
        tail = player.rsplit("/", 1)[-1]
        alone = float(a.composites[1 << i] - a.composites[0])
        out.append(R(f"{sc}/attribution/{tail}", "number",
                     f"Share of {player} in the change of {sc} against base",
                     value, unit="delta", op="shapley",
                     formula="phi_i = sum over the subsets S of the other changes of "
                             "|S|! (k - |S| - 1)! / k! x (C(S + i) - C(S))",
                     expression=(f"over the {2 ** (k - 1)} subsets of the other {k - 1} "
                                 f"changes (C of every subset in this record's detail); alone "
                                 f"it moves C by {exact(alone)}; its share = {exact(value)}"),
                     inputs=(player if not player.endswith("/overrides") else f"scenario/{sc}",
                             f"{sc}/change_vs_base"),
                     detail=detail))
    return out
