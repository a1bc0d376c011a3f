"""The report's appendix: the derivation of every traced number that is not shown in place,
grouped by scenario; and which numbers are shown in place (their homes)."""

from __future__ import annotations

from dataclasses import dataclass

from ..method.kernel import BASE
from .evidence_table import FactorGroup
from .numbers import Numbers
from .parts import Cell, Derivation
from .scenarios import ScenarioView


@dataclass(frozen=True)
class DerivationGroup:
    title: str
    id: str
    entries: tuple[Derivation, ...]


def derivations(n: Numbers, homed: set[str]) -> tuple[DerivationGroup, ...]:
    """The derivations of the numbers that are not shown in place (``homed``: those that
    are), grouped by scenario."""
    groups: dict[str, list[Derivation]] = {}
    for rec in n.trace.values():
        if (rec.kind == "number" or rec.kind == "band") and rec.id not in homed:
            groups.setdefault(rec.id.split("/", 1)[0], []).append(n.derivation(rec))
    names = {BASE: "Base"} | {s.id: s.name for s in n.case.scenarios}
    return tuple(DerivationGroup(names.get(k, k), f"derivations-{k}", tuple(v))
                 for k, v in groups.items())


def homes(scenarios: tuple[ScenarioView, ...], evidence: tuple[FactorGroup, ...]) -> set[str]:
    """The trace ids whose derivation the page shows in place: each scenario's composite (its
    factor table), the cells of the factor tables and of the evidence table."""
    out = {f"{sc.id}/composite" for sc in scenarios}
    found: list[Cell | None] = []
    for sc in scenarios:
        found.append(sc.indicated_cell)
        for f in sc.factors:
            found += (f.weight_cell, f.normalised_cell, f.contribution_cell)
        if sc.robustness is not None:
            for b in sc.robustness.break_evens:
                found += (b.down_score, b.down_weight, b.up_score, b.up_weight)
            for t in sc.robustness.tornado:
                found += (t.low_cell, t.high_cell)
    for g in evidence:
        found += [c for q in g.quantities for c in q.cells]
        found += [c for r in g.rows for q in r.quantities for c in q.cells]
    out.update(i for c in found if c is not None for i in c.ids)
    return out
