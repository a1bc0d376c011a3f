"""Bounded work on hostile inputs (issue 10): prints figures, asserts nothing.

* YAML parse time of lists of 1k, 10k and 100k entries (linear growth: 100k/10k ≈ 10);
* peak memory (tracemalloc) of loading one case whose evidence CSV is about 50 MB, as a
  ratio to the CSV's size on disk (budget: at most about 10x);
* snapshot hashing throughput (scoring.analysis.verify.read_snapshot over a 200 MB file).

Run from the repository root: ``.venv/bin/python bench/hostile_inputs.py [--csv-mb N]``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import scoring
from scoring.analysis import verify
from scoring.formats import yamlio

BASE = Path(__file__).resolve().parent.parent / "tests" / "bad_inputs" / "_base"
HEADER = ["id", "factor", "indicator", "value", "confidence", "observed", "claim", "excerpt",
          "source", "locator"]


def yaml_lists() -> None:
    times = {}
    for n in (1_000, 10_000, 100_000):
        text = "items:\n" + "".join(f"- {i}\n" for i in range(n))
        start = time.perf_counter()
        yamlio.parse_yaml(text, "list.yaml")
        times[n] = time.perf_counter() - start
        print(f"yaml list of {n:>7} entries ({len(text) / 1e3:7.0f} kB): {times[n]:6.3f} s")
    print(f"yaml ratio 100k/10k: {times[100_000] / times[10_000]:.1f} (linear: 10)")


def csv_case(tmp: Path, megabytes: float) -> None:
    root = tmp / "case"
    shutil.copytree(BASE, root)
    (root / "evidence.yaml").unlink()
    path = root / "evidence.csv"
    target = megabytes * 1e6
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        k = 0
        while fh.tell() < target:
            out.writerows(
                [f"E{i}", "b", "", 40 + i % 50, 0.5, "2025-12-01",
                 f"Claim {i}: the factor looks moderate according to the analyst note.",
                 f"Excerpt {i}: growth was moderate in the quarter, the note says.", "S1",
                 f"p. {i % 300}"] for i in range(k, k + 10_000))
            k += 10_000
    size = path.stat().st_size
    start = time.perf_counter()
    tracemalloc.start()
    case = scoring.load_case(root)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load_case, evidence.csv {size / 1e6:.1f} MB ({len(case.items)} rows): "
          f"{time.perf_counter() - start:.1f} s (under tracemalloc), peak {peak / 1e6:.0f} MB "
          f"= {peak / size:.1f}x the size on disk (budget 10x)")
    del case
    floor = _peak_rss([sys.executable, "-c", "import pandas, pydantic, yaml"])
    for command in (["validate"], ["score"], ["score", "--format", "json"]):
        start = time.perf_counter()
        rss = _peak_rss([sys.executable, "-m", "scoring.cli", command[0], str(root),
                         *command[1:]])
        print(f"scoring {' '.join(command)}: {time.perf_counter() - start:.1f} s, peak RSS "
              f"{rss / 1e6:.0f} MB, {(rss - floor) / 1e6:.0f} MB above the import floor "
              f"= {(rss - floor) / size:.1f}x the size on disk")


def _peak_rss(command: list[str]) -> int:
    """Peak resident memory of ``command`` in bytes (its own process, measured by a fresh
    Python parent so that no earlier child counts)."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                         text=True, check=True)
    return int(out.stdout.strip()) * 1024  # Linux reports KiB


def hashing(tmp: Path) -> None:
    path = tmp / "snapshot.txt"
    block = (b"The quick brown fox jumps over the lazy dog. " * 23 + b"\n") * 1000
    with path.open("wb") as fh:
        for _ in range(200 * 1024 * 1024 // len(block)):
            fh.write(block)
    size = path.stat().st_size
    start = time.perf_counter()
    verify.read_snapshot(path)
    took = time.perf_counter() - start
    print(f"snapshot hashing: {size / 1e6:.0f} MB in {took:.2f} s = {size / 1e6 / took:.0f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=50.0, help="evidence CSV size")
    args = parser.parse_args()
    yaml_lists()
    with tempfile.TemporaryDirectory() as tmp:
        csv_case(Path(tmp), args.csv_mb)
        hashing(Path(tmp))


if __name__ == "__main__":
    main()
