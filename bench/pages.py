"""Wall time of the single-case commands and of universe case pages, against a floor.

Run: python bench/pages.py [--runs N] [--pages N] [--universe N] [--jobs N] [--stages N]

Prints, in one run:

* the floor, ``python -c "import pandas, pydantic, yaml"`` (median of N runs);
* ``scoring score evidence/meta-platforms``, ``... --format json`` and
  ``scoring report evidence/meta-platforms -o FILE``: median wall time and the ratio to the
  floor;
* per-page time of a universe's case pages: a synthetic universe (``write_universe``, 50 items
  per case) whose first ``--pages`` pages are rendered in this process one after the other
  (``write_case_pages`` with one job, what the workers run), total / pages; and the Monte Carlo
  and sensitivity share of a page (the same pages scored with ``analyses=False``);
* the whole ``scoring report UNIVERSE -o DIR`` for ``--universe`` cases;
* with ``--stages N``, where a page's time goes: the same pages taken apart stage by stage
  (load, score, analyses, trace records, report model, rendering, writing), the best of N
  rounds, in CPU time of this process (the machine is shared: a busy neighbour moves CPU
  time less than wall time; writing's wait for the disk is not in it). The garbage
  collector runs wherever it happens to (``write_case_pages`` keeps what lives for the
  whole run out of its way; this loop does not).

Public tools only: the CLI through subprocesses, the functions the CLI calls in-process. Uses
the Python that runs this script (run it from the project's venv).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - start)
    return out


def commands(runs: int, tmp: Path) -> None:
    py = sys.executable
    scoring = [py, "-m", "scoring.cli"]
    meta = "evidence/meta-platforms"
    cmds = {
        'python -c "import pandas, pydantic, yaml"': [py, "-c", "import pandas, pydantic, yaml"],
        f"scoring score {meta}": [*scoring, "score", meta],
        f"scoring score {meta} --format json": [*scoring, "score", meta, "--format", "json"],
        f"scoring report {meta} -o X.html": [*scoring, "report", meta, "-o",
                                             str(tmp / "meta.html")],
    }
    floor_name = next(iter(cmds))
    timed(cmds[floor_name], 2)  # warm the file cache
    results = {name: timed(cmd, runs) for name, cmd in cmds.items()}
    floor = statistics.median(results[floor_name])
    print(f"{'command':58} {'median s':>9} {'min s':>7} {'x floor':>8}   ({runs} runs)")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:58} {med:9.3f} {min(times):7.3f} {med / floor:8.2f}")


def pages(n_pages: int, tmp: Path) -> None:
    from scoring.analysis.result import score
    from scoring.desk.synthetic import write_universe
    from scoring.formats.universe import Universe
    from scoring.progress import no_progress
    from scoring.report.portfolio_report import write_case_pages

    root = tmp / f"pages-{n_pages}"
    write_universe(root, n_pages + 1, n_items=50)
    # The first page pays for imports, templates and caches: not part of a page.
    write_case_pages(root, [n_pages], tmp / "warm", None, 1, no_progress)
    start = time.perf_counter()
    write_case_pages(root, list(range(n_pages)), tmp / "pages", None, 1, no_progress)
    per_page = (time.perf_counter() - start) / n_pages
    size = sum(p.stat().st_size for p in (tmp / "pages").iterdir())
    universe = Universe.open(root)
    start = time.perf_counter()
    for k in range(n_pages):
        r = score(universe.load(k))
        r.trace  # noqa: B018 (records built)
    with_analyses = (time.perf_counter() - start) / n_pages
    start = time.perf_counter()
    for k in range(n_pages):
        r = score(universe.load(k), analyses=False)
        r.trace  # noqa: B018
    without = (time.perf_counter() - start) / n_pages
    print(f"case page of a 50-item case, {n_pages} pages in one process: "
          f"{per_page * 1000:.0f} ms per page ({size / n_pages / 1024:.0f} KB of HTML)")
    print(f"  of which load + score + analyses + records: {with_analyses * 1000:.0f} ms; "
          f"without the analyses (sensitivity, Monte Carlo): {without * 1000:.0f} ms; "
          f"so the analyses cost {(with_analyses - without) * 1000:.0f} ms "
          f"({(with_analyses - without) / per_page:.0%} of a page)")


def stages(n_pages: int, rounds: int, tmp: Path) -> None:
    from scoring.analysis.result import score
    from scoring.desk.synthetic import write_universe
    from scoring.formats.universe import Universe
    from scoring.output import NO_INPUTS, write_atomic
    from scoring.report.html import render_report
    from scoring.report.model import build_report

    root = tmp / f"stages-{n_pages}"
    write_universe(root, n_pages + 1, n_items=50)
    universe = Universe.open(root)
    names = ["load", "score", "analyses", "records", "model", "render", "write"]

    def page(k: int, folder: Path) -> list[float]:
        t = [time.process_time()]
        case = universe.load(k)
        t.append(time.process_time())
        score(case, analyses=False)
        t.append(time.process_time())
        result = score(case)
        t.append(time.process_time())
        result.trace  # noqa: B018 (records built)
        t.append(time.process_time())
        model = build_report(result)
        t.append(time.process_time())
        html = render_report(model)
        t.append(time.process_time())
        write_atomic(folder / f"{k}.html", html, NO_INPUTS)
        t.append(time.process_time())
        took = [b - a for a, b in zip(t, t[1:], strict=False)]
        took[2] -= took[1]  # the analyses: scoring with them less scoring without
        return took

    warm = tmp / "stages-warm"
    warm.mkdir()
    page(n_pages, warm)  # imports, templates and caches: not part of a page
    best = [float("inf")] * len(names)
    for r in range(rounds):
        folder = tmp / f"stages-out-{r}"
        folder.mkdir()
        sums = [sum(x) for x in zip(*(page(k, folder) for k in range(n_pages)), strict=True)]
        best = [min(b, s / n_pages) for b, s in zip(best, sums, strict=True)]
    print(f"stages of a page (CPU ms, mean of {n_pages} pages, best of {rounds} rounds): "
          + ", ".join(f"{n} {b * 1000:.1f}" for n, b in zip(names, best, strict=True))
          + f"; sum {sum(best) * 1000:.1f}")


def universe_report(n_cases: int, jobs: int | None, tmp: Path) -> None:
    from scoring.desk.synthetic import write_universe

    root = tmp / f"universe-{n_cases}"
    write_universe(root, n_cases, n_items=50)
    cmd = [sys.executable, "-m", "scoring.cli", "report", str(root), "-o", str(tmp / "out")]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    took = timed(cmd, 1)[0]
    print(f"scoring report UNIVERSE -o DIR, {n_cases} cases"
          f"{'' if jobs is None else f', --jobs {jobs}'}: {took:.1f} s "
          f"({took / n_cases * 1000:.0f} ms per case, wall)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--universe", type=int, default=200, help="0 to skip")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--stages", type=int, default=0, metavar="ROUNDS",
                        help="also time a page stage by stage, best of ROUNDS rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        commands(args.runs, tmp)
        pages(args.pages, tmp)
        if args.stages:
            stages(args.pages, args.stages, tmp)
        if args.universe:
            universe_report(args.universe, args.jobs, tmp)


if __name__ == "__main__":
    main()
