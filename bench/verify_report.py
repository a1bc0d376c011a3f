"""Issue 24's budgets, measured in one run: the CPU time of `scoring verify-report` of the
Meta HTML report against `scoring report` of the same case (each a process of its own, as a
user runs them; alternated, so that a load on the machine weighs on both alike), and what
the embedded inputs bundle adds to the report's size.

Budgets: verify-report <= 1.5x report (CPU, the median of the runs); the bundle adds
<= 15 % to the Meta HTML report, which stays <= 400 KB (400 000 bytes).

Run: python bench/verify_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "evidence" / "meta-platforms"
SCORING = [sys.executable, "-m", "scoring.cli"]


def cpu_of(args: list[str]) -> float:
    """The CPU seconds (user + system) of a child process running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONHASHSEED": "0"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def sizes() -> tuple[int, int]:
    """The Meta HTML report's size without and with its bundle (bytes, as UTF-8)."""
    import scoring
    from scoring.api import report_bundle
    from scoring.report.html import render_report
    from scoring.report.model import build_report

    result = scoring.score(scoring.load_case(CASE))
    bare = render_report(build_report(result)).encode("utf-8")
    bundle = report_bundle(result, CASE, ("scoring", "report", "evidence/meta-platforms"),
                           "html")
    carried = render_report(build_report(result, bundle=bundle)).encode("utf-8")
    return len(bare), len(carried)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "meta.html"
        report = [*SCORING, "report", str(CASE), "-o", str(out)]
        verify = [*SCORING, "verify-report", str(out)]
        cpu_of(report)  # warm the file cache and Python's bytecode
        made, checked = [], []
        for _ in range(runs):
            made.append(cpu_of(report))
            checked.append(cpu_of(verify))
    m, c = statistics.median(made), statistics.median(checked)
    print(f"scoring report        CPU median {m:.2f} s  (runs: "
          + ", ".join(f"{x:.2f}" for x in made) + ")")
    print(f"scoring verify-report CPU median {c:.2f} s  (runs: "
          + ", ".join(f"{x:.2f}" for x in checked) + ")")
    print(f"verify-report / report = {c / m:.2f}x (budget 1.5x)")
    bare, carried = sizes()
    print(f"Meta HTML report: {bare} bytes without its bundle, {carried} with it: "
          f"+{(carried - bare) / bare * 100:.1f} % (budget 15 %), "
          f"{'within' if carried <= 400_000 else 'OVER'} 400 000 bytes")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
