"""Where the CPU of ``scoring score U --format parquet`` goes, stage by stage (issue 26).

Run (after ``python bench/make_universe.py``; ``bench/peers.py`` writes the other sizes):

    python bench/stages.py [--universe /tmp/scoring-universe/parquet] [--runs 3]

Prints the CPU time (this process, all threads; min and median of ``--runs``) of each stage
of the in-process engine, in the order the command runs them: start-up (a fresh
``python -c "import scoring.api, scoring.report.portfolio"`` less a bare ``python -c pass``),
reading the tables (``Universe.open``: Parquet read and the bad-cell scan), validating
(``Universe.part_sets``: columns, their rules, case headers, scenario walks), the method's
tables (``build_tables(lean=True)``), the kernel (``score_tables``), the summary rows
(``_wide``, the concat and order of ``score_part``) and the Parquet bytes. The stages are
the calls ``analysis.universe.score_part`` makes, timed one after another.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _cpu(cmd: list[str]) -> float:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, cmd
    return float(usage.ru_utime + usage.ru_stime)


def stages(folder: Path) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from scoring.analysis.universe import _scenario_rank, _wide
    from scoring.formats.tables import build_tables, score_tables
    from scoring.formats.universe import Universe
    from scoring.report.portfolio import render_parquet

    out = dict.fromkeys(("read tables", "validate", "method tables", "kernel", "summary",
                         "parquet bytes"), 0.0)
    clock = time.process_time
    t = clock()
    universe = Universe.open(folder)
    out["read tables"] += clock() - t
    pieces: list[pd.DataFrame] = []
    ids: list[tuple[str, int]] = []
    for part in universe.specs():
        problems: list[Any] = []
        it = universe.part_sets(part, problems)
        while True:
            t = clock()
            sets = next(it, None)
            out["validate"] += clock() - t
            if sets is None:
                break
            assert not problems, problems[:3]
            for cs in sets:
                ids += [(m.id, pos) for m, pos in zip(cs.metas, cs.positions, strict=True)]
                t = clock()
                tables = build_tables(cs, lean=True)
                out["method tables"] += clock() - t
                t = clock()
                frames = score_tables(tables)
                out["kernel"] += clock() - t
                t = clock()
                pieces.append(_wide(tables, frames))
                out["summary"] += clock() - t
                del tables, frames
    t = clock()
    summary = pd.concat(pieces, ignore_index=True)
    index = dict(ids)
    order = summary["case"].map(index).to_numpy() * 10_000 + _scenario_rank(summary)
    summary = summary.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    out["summary"] += clock() - t
    t = clock()
    render_parquet(summary.drop(columns=["peer_group"], errors="ignore"))
    out["parquet bytes"] += clock() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universe", type=Path, default=Path("/tmp/scoring-universe/parquet"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    start_up = [_cpu([py, "-c", "import scoring.api, scoring.report.portfolio"])
                - _cpu([py, "-c", "pass"]) for _ in range(args.runs)]
    runs = [stages(args.universe) for _ in range(args.runs)]
    rows = [("start-up (imports)", start_up)] + [(k, [r[k] for r in runs]) for k in runs[0]]
    total = statistics.median(start_up) + sum(statistics.median(r[k] for r in runs)
                                              for k in runs[0])
    print(f"{args.universe}: CPU seconds, min / median of {args.runs}")
    for name, xs in rows:
        med = statistics.median(xs)
        print(f"  {name:20} {min(xs):6.3f} / {med:6.3f}  ({med / total:5.1%})")
    print(f"  {'sum of medians':20} {total:15.3f}")


if __name__ == "__main__":
    main()
