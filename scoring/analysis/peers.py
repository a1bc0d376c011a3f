"""Peer statistics: each case's rank and percentile within its peer group, and the group's
median (docs/method.md, "Peer statistics").

One function, :func:`peer_stats`, computes them for every case, scenario and score at once,
as column operations over a universe's scores (one row per case and scenario); the score
outputs (``scoring score UNIVERSE --peers``), the portfolio's peer grid and the case pages'
trace records (:func:`peer_records`) all read what it returns.

A peer group is the cases of one rubric that name the same ``peer_group``, in one scenario.
For each score (the composite and each factor score):

* ``n``: how many cases of the group have the score (a case whose factor is excluded has no
  score: no rank or percentile, though the group has its ``n`` and median);
* ``rank``: 1 + the number of the group's cases with a higher score, so 1 is the highest
  risk and tied cases share the best rank ("competition" ranking: 1, 2, 2, 4);
* ``percentile``: the share of the group's cases whose score is at or below the case's,
  ``(n - rank + 1) / n`` counting ties as at or below (the highest risk is 100 %; a group
  of one is 100 %);
* ``median``: the median of the group's scores (the mean of the two middle ones when ``n``
  is even).

A case with no peer group, or without the score, has none of them (NaN).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..display import exact

if TYPE_CHECKING:  # made by peer_records only: a universe's `score` never imports the trace
    from ..trace.core import TraceRecord

GROUP = "peer_group"
KEYS = ["rubric", GROUP, "scenario"]
STATS = ("rank", "percentile", "median", "n")
COMPOSITE = "composite"
LIST_UP_TO = 15  # a group this small is written out whole in a record's expression
AROUND = 3  # otherwise: this many scores either side of the case, and the middle ones


def peer_column(stat: str, score: str = COMPOSITE) -> str:
    """The column of ``stat`` of ``score`` (``composite`` or a factor id): ``peer_rank`` for
    the composite, ``peer_rank/<factor>`` for a factor (``/`` is never in an id)."""
    return f"peer_{stat}" if score == COMPOSITE else f"peer_{stat}/{score}"


def peer_columns(factor_ids: Sequence[str]) -> list[str]:
    return [peer_column(s, x) for x in (COMPOSITE, *factor_ids) for s in STATS]


def peer_stats(summary: pd.DataFrame, factor_ids: Sequence[str]) -> pd.DataFrame:
    """``summary`` (a universe's scores: ``rubric``, ``peer_group``, ``scenario``,
    ``composite`` and a column per factor id) with the peer columns after it
    (:func:`peer_columns`), for every row at once. Rows keep their order."""
    scores = [COMPOSITE, *factor_ids]
    if not summary[GROUP].notna().any():  # no case names a group: no peers (and no groupby)
        nan = np.full(len(summary), np.nan)
        return pd.concat([summary, pd.DataFrame(
            {peer_column(s, x): nan for x in scores for s in STATS}, index=summary.index)],
            axis=1)
    values = summary[scores].astype(float)
    keys = [summary[k].astype(object) for k in KEYS]
    grouped = values.groupby(keys, dropna=True, sort=False)
    rank = grouped.rank(method="min", ascending=False, na_option="keep")
    n = grouped.transform("count").astype(float)
    median = grouped.transform("median")
    # rows outside every group (no peer group) are NaN in all of them
    rank, n, median = (x.reindex(summary.index) for x in (rank, n, median))
    percentile = (n - rank + 1) / n
    stats = {"rank": rank, "percentile": percentile, "median": median, "n": n}
    out = pd.DataFrame({peer_column(s, x): stats[s][x].to_numpy(dtype=float)
                        for x in scores for s in STATS}, index=summary.index)
    return pd.concat([summary, out], axis=1)


@dataclass(frozen=True)
class CasePeers:
    """What a case page needs of its peers: the case id, its group and the group's rows of
    ``peer_stats`` (every case of the group, every scenario; shared by the group's pages)."""

    case: str
    group: str
    rows: pd.DataFrame


def case_peers(stats: pd.DataFrame) -> dict[str, CasePeers]:
    """The :class:`CasePeers` of every case of ``stats`` that has a peer group (one frame
    per group, shared by its cases)."""
    has = stats[stats[GROUP].notna()]
    out: dict[str, CasePeers] = {}
    for (_, group), rows in has.groupby(["rubric", GROUP], sort=False):
        rows = rows.reset_index(drop=True)
        for case in dict.fromkeys(rows["case"].astype(str)):
            out[case] = CasePeers(case, str(group), rows)
    return out


def _listing(ids: list[str], xs: list[float], at: int) -> str:
    """The group's scores, highest first (``ids``/``xs`` sorted so), the case's at ``at``
    marked; for a large group the count and the scores around the case and the median."""
    n = len(xs)
    cells = [f"{i} {exact(x)}" + (" *" if k == at else "") for k, (i, x) in
             enumerate(zip(ids, xs, strict=True))]
    if n <= LIST_UP_TO:
        return "; ".join(cells)
    near = set(range(max(0, at - AROUND), min(n, at + AROUND + 1)))
    middle = {(n - 1) // 2, n // 2}
    shown = sorted(near | middle)
    out, last = [], -1
    for k in shown:
        if k > last + 1:
            out.append(f"... ({k - last - 1} more)")
        out.append(f"#{k + 1} {cells[k]}")
        last = k
    if last < n - 1:
        out.append(f"... ({n - 1 - last} more)")
    return "; ".join(out)


def peer_records(peers: CasePeers, factor_ids: Sequence[str],
                 factor_names: dict[str, str]) -> list[TraceRecord]:
    """The trace records of the case's peer statistics, per scenario:
    ``SC/peer/composite/{rank,percentile,median}`` and
    ``SC/peer/factor/<id>/{rank,percentile,median}``. Each expression writes out the group's
    scores (ids and values, highest first; the case's marked ``*``), or for a group of more
    than ``LIST_UP_TO`` the count and the scores around the case and the middle ones."""
    from ..trace.core import TraceRecord

    out: list[TraceRecord] = []
    rows = peers.rows
    group = peers.group
    for sc, g in rows.groupby("scenario", sort=False):
        mine = g[g["case"].astype(str) == peers.case]
        if mine.empty:
            continue
        me = mine.iloc[0]
        for score in (COMPOSITE, *factor_ids):
            value = me[score]
            if pd.isna(value):
                continue
            has = g[g[score].notna()].sort_values(score, ascending=False, kind="stable")
            ids = [str(c) for c in has["case"]]
            xs = [float(x) for x in has[score]]
            at = ids.index(peers.case)
            n = len(xs)
            rank = float(me[peer_column("rank", score)])
            pct = float(me[peer_column("percentile", score)])
            median = float(me[peer_column("median", score)])
            higher = int(rank) - 1
            listing = _listing(ids, xs, at)
            if score == COMPOSITE:
                head, what, own = f"{sc}/peer/composite", "composite", f"{sc}/composite"
            else:
                head = f"{sc}/peer/factor/{score}"
                what = f"{factor_names.get(score, score)} score"
                own = f"{sc}/factor/{score}/score"
            scores = f"{group} ({n} cases, {sc}): {listing}"
            detail = {"group": group, "n": n}
            out += [
                TraceRecord(f"{head}/rank", "number",
                            f"Rank of the {sc} {what} in peer group {group} (1 = highest)",
                            rank, unit="raw", op="peer rank",
                            formula="1 + number of the group's cases with a higher score",
                            expression=f"1 + {higher} = {int(rank)} of {n}; {scores}",
                            inputs=(own,), detail=detail),
                TraceRecord(f"{head}/percentile", "number",
                            f"Percentile of the {sc} {what} in peer group {group}",
                            pct, unit="percent", op="peer percentile",
                            formula="(n - rank + 1) / n: the share of the group at or below",
                            expression=f"({n} - {int(rank)} + 1) / {n} = {exact(pct)}",
                            inputs=(f"{head}/rank",), detail=detail),
                TraceRecord(f"{head}/median", "number",
                            f"Median {sc} {what} of peer group {group}", median,
                            unit="points", op="peer median",
                            formula="the middle score of the group (the mean of the two "
                                    "middle ones when n is even)",
                            expression=f"{_median_text(xs)} = {exact(median)}; {scores}",
                            inputs=(own,), detail=detail),
            ]
    return out


def _median_text(xs: list[float]) -> str:
    n = len(xs)
    lo, hi = (n - 1) // 2, n // 2
    if lo == hi:
        return f"#{lo + 1} of {n}: {exact(xs[lo])}"
    return f"(#{lo + 1} {exact(xs[lo])} + #{hi + 1} {exact(xs[hi])}) / 2"
