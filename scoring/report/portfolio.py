"""A universe's scores (``analysis/universe.py`` scores them) written as a table, CSV, JSON or
Parquet."""

from __future__ import annotations

import io
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.peers import COMPOSITE, GROUP, STATS, peer_column
from ..analysis.universe import UniverseScores
from ..csvout import csv_text
from ..display import escape_controls, format_score, pad, text_width
from ..output import dumps_json
from ..version import __version__


def render_table(scores: UniverseScores, peers: bool = False) -> str:
    """One line per case and scenario, rounded by the display rule; with ``peers`` also the
    case's peer group, the composite's rank in it (of how many) and its percentile."""
    s = scores.output(peers)
    places = {r.id: r.decimals for r in scores.rubrics.values()}
    rows = [[escape_controls(str(c)), escape_controls(str(sc)),
             format_score(float(v), "points", places.get(str(rid))),
             escape_controls(str(b)), format_score(float(cv), "percent")]
            for c, sc, v, b, cv, rid in zip(s["case"], s["scenario"], s["composite"],
                                            s["band"], s["coverage"], s["rubric"], strict=True)]
    header = ["case", "scenario", "composite", "band", "coverage"]
    if peers:
        header += ["peer group", "rank", "percentile"]
        for row, g, rk, n, pc in zip(rows, s[GROUP], s[peer_column("rank")],
                                     s[peer_column("n")], s[peer_column("percentile")],
                                     strict=True):
            no = pd.isna(rk)
            row += ["—" if pd.isna(g) else escape_controls(str(g)),
                    "—" if no else f"{int(rk)} of {int(n)}",
                    "—" if no else format_score(float(pc), "percent")]
    widths = [max(text_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w, left=i < 2 or i in (3, 5))
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rubrics = ", ".join(f"{r.id} {r.version}" for r in scores.rubrics.values())
    head = f"{scores.n_cases} cases — rubric {rubrics}\n\n"
    return head + "\n".join([line(header), line(["-" * w for w in widths]),
                             *map(line, rows)]) + "\n"


def render_csv(scores: UniverseScores, peers: bool = False) -> str:
    return csv_text(scores.output(peers))


def _number(x: Any) -> float | None:
    return None if pd.isna(x) else float(x)


def _peer_json(rec: dict[Hashable, Any], score: str) -> dict[str, object]:
    out = {stat: _number(rec[peer_column(stat, score)]) for stat in STATS}
    return {k: int(v) if v is not None and k in ("rank", "n") else v for k, v in out.items()}


def render_json(scores: UniverseScores, peers: bool = False) -> str:
    """``{format_version, engine_version, cases: [{id, entity, rubric, scenarios: [...]}]}``;
    each scenario ``{id, composite, band, coverage, change_vs_base, factors: {id: score}}``
    (a factor's score is null when it is excluded). With ``peers`` a case also has its
    ``peer_group`` and each scenario ``peers: {composite: {rank, percentile, median, n},
    factors: {id: {...}}}`` (nulls where the case has none)."""
    cases: dict[str, dict[str, object]] = {}
    for rec in scores.output(peers).to_dict("records"):
        rubric = scores.rubrics[str(rec["rubric"])]
        entry = cases.setdefault(str(rec["case"]), {
            "id": rec["case"], "entity": rec["entity"],
            "rubric": {"id": rubric.id, "version": rubric.version}, "scenarios": []})
        scenario = {
            "id": rec["scenario"], "composite": rec["composite"], "band": rec["band"],
            "coverage": rec["coverage"], "change_vs_base": rec["change_vs_base"],
            "factors": {f.id: None if np.isnan(rec[f.id]) else rec[f.id]
                        for f in rubric.factors}}
        if peers:
            entry["peer_group"] = None if pd.isna(rec[GROUP]) else rec[GROUP]
            scenario["peers"] = {COMPOSITE: _peer_json(rec, COMPOSITE), "factors": {
                f.id: _peer_json(rec, f.id) for f in rubric.factors}}
        entry["scenarios"].append(scenario)  # type: ignore[attr-defined]
    return dumps_json({"format_version": 1, "engine_version": __version__,
                       "cases": list(cases.values())})


def render_parquet(summary: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    summary.to_parquet(buf, index=False)
    return buf.getvalue()


def render_scores(scores: UniverseScores, fmt: str, peers: bool = False) -> str | bytes:
    """The scores as ``fmt``: ``table``, ``csv``, ``json`` (text) or ``parquet`` (bytes);
    with ``peers``, with the peer statistics (docs/formats.md, "Universe scores")."""
    if fmt == "parquet":
        return render_parquet(scores.output(peers))
    return {"table": render_table, "csv": render_csv, "json": render_json}[fmt](scores, peers)
