"""Why a scenario differs from base: its change against base split exactly among its changes
(docs/method.md, "Attribution of a scenario's change").

A scenario applies its changes in order, and changes interact (a new value counts for more
once its confidence is raised), so "the effect of change 3" depends on which other changes are
there. The Shapley value settles it without picking an order: change ``i`` gets

    phi_i = sum over the subsets S of the other changes of
            |S|! (k - |S| - 1)! / k!  x  (C(S + i) - C(S))

where ``C(S)`` is the final composite of the case with only the changes in ``S`` applied (in
their order in the scenario) and ``k`` is the number of changes (a scenario's overrides, if
any, count as one more). The values add up to ``C(all) - C(none)``, the change against base,
whatever the order, and a change that moves nothing gets 0.

Every subset is scored by the method itself, in one pass: each is a pseudo-scenario of the
case (``2^k`` of them), built and scored by ``build_tables`` and ``score_tables`` as any
scenario is. Subset ``m`` is built from subset ``m`` without its highest bit (its last
change in order), one change applied to that one's rows (``share_prefixes``). The cost is
``2^k`` scenario scorings; a scenario of more than ``MAX_CHANGES`` changes is not
attributed (its records say so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..formats.loader import Case
from ..formats.models import Scenario
from ..formats.tables import build_tables, change_id, score_tables

MAX_CHANGES = 12  # 4 096 subsets of a case's rows: about a second for a large case


@dataclass(frozen=True)
class Attribution:
    """One scenario's change against base split among its ``players`` (change ids, and
    ``<scenario>/overrides`` when it has overrides): ``values[i]`` is player ``i``'s share.
    ``composites[m]`` is the final composite with the players in the bits of ``m``."""

    scenario: str
    players: tuple[str, ...]
    values: np.ndarray
    composites: np.ndarray


def attribute(case: Case) -> dict[str, Attribution | None]:
    """The attribution of every scenario of ``case`` (None for one of more than
    MAX_CHANGES changes), all subsets of all scenarios scored in one pass."""
    pseudo: list[Scenario] = []
    plan: list[tuple[Scenario, tuple[str, ...]]] = []
    out: dict[str, Attribution | None] = {}
    for sc in case.scenarios:
        players = tuple(change_id(sc.id, i) for i in range(len(sc.changes))) + (
            (f"{sc.id}/overrides",) if sc.overrides else ())
        k = len(players)
        if k > MAX_CHANGES:
            out[sc.id] = None
            continue
        plan.append((sc, players))
        for mask in range(2 ** k):
            chosen = [ch for i, ch in enumerate(sc.changes) if mask >> i & 1]
            pseudo.append(Scenario.model_construct(
                id=f"{sc.id}~{mask}", name=sc.name, narrative=sc.narrative, changes=chosen,
                overrides=list(sc.overrides) if sc.overrides and mask >> (k - 1) & 1 else []))
    if not plan:
        return out
    frames = score_tables(build_tables(replace(case, scenarios=tuple(pseudo)), lean=True,
                                       share_prefixes=True))
    final = dict(zip(frames.scenarios["scenario"].astype(str),
                     frames.scenarios["composite"].to_numpy(dtype=float), strict=True))
    for sc, players in plan:
        k = len(players)
        c = np.array([final[f"{sc.id}~{m}"] for m in range(2 ** k)])
        out[sc.id] = Attribution(sc.id, players, shapley(c, k), c)
    return out


def shapley(c: np.ndarray, k: int) -> np.ndarray:
    """The Shapley value of each of ``k`` players from the value ``c[m]`` of every subset
    ``m`` (a bit mask), over all subsets at once for each player."""
    masks = np.arange(2 ** k)
    size = np.zeros(2 ** k, dtype=np.int64)  # players in each subset, one bit at a time
    for i in range(k):
        size += masks >> i & 1
    weight = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
                       for s in range(k)]) if k else np.zeros(0)
    out = np.empty(k)
    for i in range(k):  # one vectorised sum per player over the subsets without it
        without = masks[(masks >> i & 1) == 0]
        out[i] = float(np.sum(weight[size[without]] * (c[without | 1 << i] - c[without])))
    return out
