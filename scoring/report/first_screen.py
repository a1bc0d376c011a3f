"""The report's first screen of each scenario: how far its composite is from the next band,
how sure the band is (the Monte Carlo's share of draws per band), what drives it, and, for a
scenario, its change against base split among its changes (the Shapley shares, drawn as a
waterfall)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .numbers import Numbers
from .parts import Link, Num

WATERFALL_WIDTH = 480  # px of the waterfall of a scenario's change against base


@dataclass(frozen=True)
class ShareRow:
    """One change's Shapley share of a scenario's change against base, and its bar in the
    waterfall (px): from the running total before it to the one after it."""

    change: Link
    op: str
    share: Num
    x: float
    width: float
    y: int
    up: bool


def first_screen(n: Numbers, sc: str, meta: Any) -> tuple[
        Num | None, str | None, tuple[tuple[str, Num], ...], tuple[tuple[Link, Num], ...]]:
    """What a reviewer asks first of a scenario: how far from the next band, how sure
    (the Monte Carlo's share of draws per band), and what drives it (for a scenario its
    largest shares of the change against base; for base its largest contributions)."""
    rid = f"{sc}/band_margin"
    margin = n.num(rid) if rid in n.trace else None
    nearest = str(n.trace[rid].detail["nearest_band"]) if rid in n.trace else None
    sim = n.result.simulations.get(sc)
    chances = tuple((band, n.num(f"{sc}/simulation/band/{band}"))
                    for band, p in (sim.band_probability if sim else ()) if p > 0)
    att = n.result.attributions.get(sc)
    if att is not None:
        tails = [p.rsplit("/", 1)[-1] for p in att.players]
        ops = {f"{sc}/change/{i + 1}": ch.op for i, ch in enumerate(meta.changes)}
        pairs = [(Link(p if t != "overrides" else f"scenario/{sc}",
                       f"change {t} ({ops.get(p, 'overrides')})"),
                  f"{sc}/attribution/{t}", abs(v))
                 for p, t, v in zip(att.players, tails, att.values.tolist(), strict=True)]
    else:
        names = {f.id: f.name for f in n.case.rubric.factors}
        pairs = []
        for f in n.case.rubric.factors:
            cid = f"{sc}/factor/{f.id}/contribution"
            value = n.trace[cid].value
            if isinstance(value, float):
                pairs.append((Link(f"rubric/factor/{f.id}", names[f.id]), cid, abs(value)))
    top = sorted(pairs, key=lambda t: -t[2])[:3]
    return margin, nearest, chances, tuple((link, n.num(rid)) for link, rid, _ in top)


def attribution(n: Numbers, sc: str, meta: Any) -> tuple[tuple[ShareRow, ...], int]:
    """The scenario's shares (``<sc>/attribution/<n>``) as rows and waterfall bars."""
    att = n.result.attributions.get(sc)
    if att is None or meta is None:
        return (), 0
    base = float(att.composites[0])
    ends = base + np.cumsum(att.values)
    starts = np.concatenate([[base], ends[:-1]])
    lo = float(min(base, starts.min(initial=base), ends.min(initial=base)))
    hi = float(max(base, starts.max(initial=base), ends.max(initial=base)))
    width = hi - lo or 1.0

    def px(v: float) -> float:
        return round((v - lo) / width * WATERFALL_WIDTH, 3)

    rows = []
    ops = {f"{sc}/change/{i + 1}": ch.op for i, ch in enumerate(meta.changes)}
    for k, (player, a, b) in enumerate(zip(att.players, starts.tolist(), ends.tolist(),
                                            strict=True)):
        tail = player.rsplit("/", 1)[-1]
        rows.append(ShareRow(Link(player if tail != "overrides" else f"scenario/{sc}",
                                  player), ops.get(player, "overrides"),
                             n.num(f"{sc}/attribution/{tail}"), px(min(a, b)),
                             max(round(abs(px(b) - px(a)), 3), 1.0), 18 * k + 4, b >= a))
    return tuple(rows), 18 * len(rows) + 8
