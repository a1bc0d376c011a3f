"""One large case (issue 26): ``score`` CPU as the evidence grows, and the peak memory of
``scoring score CASE --format json``. Prints figures, asserts nothing.

The case is bench/hostile_inputs.py's: the tests' small base case with its evidence as a CSV
of N rows (about 176 bytes a row: 60 000 rows are 10.6 MB), every row an item of one factor.

* ``score()`` CPU (load excluded) at each size, with the analyses (sensitivity and the
  10 000-draw Monte Carlo) as ``--format json`` runs them, and the ratio to the first size:
  linear work doubles when the rows double;
* with ``--json``: ``scoring score CASE --format json -o FILE`` in a child process, its
  peak resident memory (the child's ``ru_maxrss``), its CPU, the output's size, and the
  same for a process that imports what scoring does (the import floor).

Run from the repository root: ``.venv/bin/python bench/big_case.py [--sizes 15000 30000
60000] [--json 60000]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent / "tests" / "bad_inputs" / "_base"
HEADER = ["id", "factor", "indicator", "value", "confidence", "observed", "claim", "excerpt",
          "source", "locator"]


def make_case(root: Path, rows: int) -> Path:
    """The base case with ``rows`` evidence rows in ``evidence.csv`` (hostile_inputs.py's)."""
    shutil.copytree(BASE, root)
    (root / "evidence.yaml").unlink()
    with (root / "evidence.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(
            [f"E{i}", "b", "", 40 + i % 50, 0.5, "2025-12-01",
             f"Claim {i}: the factor looks moderate according to the analyst note.",
             f"Excerpt {i}: growth was moderate in the quarter, the note says.", "S1",
             f"p. {i % 300}"] for i in range(rows))
    return root


SCORE = """
import sys, time
import scoring
case = scoring.load_case(sys.argv[1])
start = time.process_time()
scoring.score(case)
print(time.process_time() - start)
"""


FLOOR = "import scoring.analysis.result, scoring.cli"  # pandas, pyarrow, numpy, pydantic


def score_cpu(root: Path) -> float:
    """CPU seconds of ``score()`` of the case at ``root`` (in a fresh process)."""
    out = subprocess.run([sys.executable, "-c", SCORE, str(root)], capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip())


def child(command: list[str]) -> tuple[int, float]:
    """Peak resident memory (bytes) and CPU seconds of ``command``, a child of a fresh
    Python parent so that no earlier child counts."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
             "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(u.ru_maxrss, u.ru_utime + u.ru_stime)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                         text=True, check=True)
    rss, cpu = out.stdout.split()
    return int(rss) * 1024, float(cpu)  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[15_000, 30_000, 60_000])
    parser.add_argument("--json", type=int, default=None, metavar="ROWS",
                        help="also measure --format json of a case of ROWS rows")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    with tempfile.TemporaryDirectory() as tmp:
        first: tuple[int, float] | None = None
        for rows in args.sizes:
            root = make_case(Path(tmp) / f"case{rows}", rows)
            cpu = score_cpu(root)
            first = first or (rows, cpu)
            print(f"score() of {rows:>6} rows ({(root / 'evidence.csv').stat().st_size / 1e6:5.1f}"
                  f" MB): {cpu:6.1f} s CPU; {cpu / first[1]:4.2f}x the {first[0]}-row case "
                  f"for {rows / first[0]:.1f}x the rows")
        if args.json:
            root = make_case(Path(tmp) / "json", args.json)
            out = Path(tmp) / "scores.json"
            floor, floor_cpu = child([sys.executable, "-c", FLOOR])
            start = time.perf_counter()
            rss, cpu = child([sys.executable, "-m", "scoring.cli", "score", str(root),
                              "--format", "json", "-o", str(out)])
            wall = time.perf_counter() - start
            print(f"import floor ({FLOOR}): peak RSS {floor / 2**20:.0f} MiB, "
                  f"{floor_cpu:.2f} s CPU")
            print(f"score --format json, {args.json} rows: peak RSS {rss / 2**20:.0f} MiB "
                  f"(budget 500 MiB), {cpu:.1f} s CPU, {wall:.1f} s wall, output "
                  f"{out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
