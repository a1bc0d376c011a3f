"""The case among its peer group in a universe (``analysis/peers.py``): its rank, percentile
and the group's median per score and scenario, each a number of its ``SC/peer/...`` record."""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import Numbers
from .parts import Num


@dataclass(frozen=True)
class PeerCell:
    """One score of one scenario among the case's peers (``None``: the case has no such
    score, an excluded factor)."""

    rank: Num | None
    n: int
    percentile: Num | None
    median: Num | None


@dataclass(frozen=True)
class PeerRow:
    what: str  # "Composite" or the factor's name
    cells: tuple[PeerCell, ...]  # one per scenario, base first


@dataclass(frozen=True)
class PeersView:
    """The case among its peer group (``analysis/peers.py``): per score and scenario."""

    group: str
    scenarios: tuple[str, ...]
    rows: tuple[PeerRow, ...]


def peers_view(n: Numbers) -> PeersView | None:
    """The case's rank, percentile and group median per score and scenario: the numbers
    of its ``SC/peer/...`` records (their derivations are in the appendix)."""
    peers = n.result.peers
    if peers is None:
        return None
    trace = n.trace

    def cell(sc: str, head: str) -> PeerCell:
        rank = f"{sc}/peer/{head}/rank"
        if rank not in trace:
            return PeerCell(None, 0, None, None)
        count = int(trace[rank].detail["n"])
        return PeerCell(n.num(rank), count, n.num(f"{sc}/peer/{head}/percentile"),
                        n.num(f"{sc}/peer/{head}/median"))

    heads = [("Composite", "composite")] + [(f.name, f"factor/{f.id}")
                                            for f in n.case.rubric.factors]
    return PeersView(peers.group, tuple(n.sids), tuple(
        PeerRow(what, tuple(cell(sc, head) for sc in n.sids)) for what, head in heads))
