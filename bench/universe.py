"""Universe-scale benchmark: batch scoring vs a bare numpy kernel, a naive Python loop, load
times, report rendering and CLI start-up. Prints a table of figures (bench/RESULTS.md).

Run (after python bench/make_universe.py):
    python bench/universe.py [--universe /tmp/scoring-universe] [--pages 12] [--runs 5]

All five measurements run in this one process, except (5), which times fresh processes.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from scoring.analysis.universe import score_universe
from scoring.formats.tables import Tables as BatchTable
from scoring.formats.tables import build_tables
from scoring.formats.tables import score_tables as score_table
from scoring.formats.universe import Universe
from scoring.report.portfolio_model import build_portfolio
from scoring.report.portfolio_report import _open, render_case_page, render_index

sys.path.insert(0, str(Path(__file__).parent))
from cli_walltime import timed  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def best(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Fastest of ``runs`` calls, in seconds, and the last result."""
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def kernel(t: BatchTable) -> np.ndarray:
    """The bare arithmetic: effective weights, risk values, bincount group means per (case,
    scenario, factor), weighted composite per (case, scenario). No policies, no checks."""
    r_ = t.rubric
    n_s, n_f = len(t.weights["scenario"].cat.categories), len(r_.factors)
    i = t.items
    g = ((i["case"].cat.codes.to_numpy().astype(np.int64) * n_s
          + i["scenario"].cat.codes.to_numpy()) * n_f + i["factor"].cat.codes.to_numpy())
    size = len(t.cases) * n_s * n_f
    w = (i["confidence"].to_numpy() * i["reliability"].to_numpy()
         * np.power(0.5, i["age_days"].to_numpy() / float(r_.half_life_days or np.inf)))
    strength = np.array([f.polarity == "strength" for f in r_.factors])
    s = i["score"].to_numpy()
    r = np.where(strength[i["factor"].cat.codes.to_numpy()], 100.0 - s, s)
    tw, wr = np.bincount(g, w, size), np.bincount(g, w * r, size)
    f = (wr / np.where(tw > 0, tw, 1.0)).reshape(-1, n_f)
    wt = np.zeros(size)
    wg = ((t.weights["case"].cat.codes.to_numpy().astype(np.int64) * n_s
           + t.weights["scenario"].cat.codes.to_numpy()) * n_f
          + t.weights["factor"].cat.codes.to_numpy())
    wt[wg] = t.weights["weight"].to_numpy()
    wt = np.where(tw > 0, wt, 0.0).reshape(-1, n_f)
    return np.asarray((wt * f).sum(axis=1) / wt.sum(axis=1))


def naive(t: BatchTable, share: float) -> float:
    """Seconds of a per-item pure-Python scorer on ``share`` of the cases (same arithmetic)."""
    cases = set(t.cases["case"][: max(1, int(len(t.cases) * share))])
    i = t.items[t.items["case"].isin(cases)]
    rows = list(zip(*(i[c].astype(object).tolist() for c in (
        "case", "scenario", "factor", "confidence", "reliability", "age_days", "score")),
        strict=True))
    weights = [(c, s, f, w) for c, s, f, w in zip(
        *(t.weights[k].astype(object).tolist() for k in ("case", "scenario", "factor", "weight")),
        strict=True) if c in cases]
    polarity = {f.id: f.polarity for f in t.rubric.factors}
    hl = float(t.rubric.half_life_days or float("inf"))
    start = time.perf_counter()
    sums: dict[tuple[str, str, str], list[float]] = {}
    for case, sc, factor, conf, rel, age, score in rows:
        w = conf * rel * 0.5 ** (age / hl)
        r = 100.0 - score if polarity[factor] == "strength" else score
        acc = sums.setdefault((case, sc, factor), [0.0, 0.0])
        acc[0] += w
        acc[1] += w * r
    comp: dict[tuple[str, str], list[float]] = {}
    for case, sc, factor, weight in weights:
        tw, wr = sums.get((case, sc, factor), (0.0, 0.0))
        if tw > 0:
            acc = comp.setdefault((case, sc), [0.0, 0.0])
            acc[0] += weight
            acc[1] += weight * wr / tw
    _ = {k: v[1] / v[0] for k, v in comp.items()}
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universe", type=Path, default=Path("/tmp/scoring-universe"))
    parser.add_argument("--pages", type=int, default=12, help="case pages rendered (sample)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fig: list[tuple[str, str]] = []

    load_pq, scores = best(lambda: score_universe(args.universe / "parquet"), 1)
    load_csv, _ = best(lambda: score_universe(args.universe / "csv"), 1)
    table = build_tables(Universe.open(args.universe / "parquet").sets()[0], lean=True)

    rows = len(table.items)
    n = len(table.cases)
    fig += [("(3) load + validate, Parquet", f"{load_pq:.1f} s ({rows / load_pq:,.0f} rows/s)"),
            ("(3) load + validate, CSV", f"{load_csv:.1f} s ({rows / load_csv:,.0f} rows/s)")]

    engine_s, _ = best(lambda: score_table(table), args.runs)
    kernel_s, _ = best(lambda: kernel(table), args.runs)
    tracemalloc.start()
    score_table(table)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fig += [("(1) engine: batch scoring", f"{engine_s * 1000:.0f} ms for {n:,} cases, "
             f"{rows:,} item rows ({n / engine_s:,.0f} cases/s)"),
            ("(1) bare numpy bincount kernel", f"{kernel_s * 1000:.0f} ms"),
            ("(1) engine / kernel", f"{engine_s / kernel_s:.2f} x (target <= 3)"),
            ("(1) peak memory of scoring", f"{peak / 2**20:.0f} MiB allocated while scoring; "
             f"process peak RSS {rss:,.0f} MiB (after loading twice)")]

    naive_s = naive(table, 0.01)
    fig += [("(2) naive per-item Python, 1 % sample", f"{naive_s * 1000:.0f} ms, scaled x100: "
             f"{naive_s * 100:.1f} s; engine is {naive_s * 100 / engine_s:,.0f} x faster")]

    index_s, _ = best(lambda: render_index(build_portfolio(scores, "bench")), 1)
    _open(str(args.universe / "parquet"))
    render_case_page(0, None)  # warm-up (templates, imports)
    pages = [best(lambda k=k: render_case_page(k, None), 1)[0]  # type: ignore[misc]
             for k in range(1, args.pages + 1)]
    per_page = statistics.median(pages)
    fig += [("(4) index page, 10 000 cases", f"{index_s * 1000:.0f} ms"),
            ("(4) case page (median of a sample)",
             f"{per_page * 1000:.0f} ms per page ({args.pages} pages rendered); 10 000 pages "
             f"extrapolated: {per_page * n / 3600:.1f} h in one process, "
             f"{per_page * n / 3600 / 2:.1f} h with 2")]

    py = sys.executable
    pandas_s = statistics.median(timed([py, "-c", "import pandas"], args.runs))
    cli_s = statistics.median(timed([py, "-m", "scoring.cli", "score",
                                     "evidence/meta-platforms"], args.runs))
    fig += [("(5) scoring score evidence/meta-platforms", f"{cli_s:.2f} s (median of "
             f"{args.runs}); python -c 'import pandas' {pandas_s:.2f} s; "
             f"ratio {cli_s / pandas_s:.2f}")]

    width = max(len(k) for k, _ in fig)
    for k, v in fig:
        print(f"{k:{width}}  {v}")


if __name__ == "__main__":
    main()
