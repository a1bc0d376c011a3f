"""The Dask engine against the in-process engine on the same partitioned universe: wall time
and peak memory (RSS) of the command and of each Dask worker. Prints the figures
(bench/RESULTS.md, "Dask engine").

Run: python bench/dask_engine.py [--cases 100000] [--items 50] [--per-part 5000]
         [--out /tmp/scoring-dask] [--runs 3] [--engines in-process,dask] [--keep]
Writes OUT/universe (synthetic, its tables partitioned Parquet datasets of PER_PART cases a
partition, scoring.desk.synthetic.write_partitioned), then times
``scoring score OUT/universe --format parquet -o OUT/scores-ENGINE`` (a scores dataset) in
fresh processes, sampling the RSS of the command and of every process it starts (the Dask
workers of its LocalCluster: one per core, one thread each) every 50 ms. The outputs of the
engines are compared byte for byte. OUT is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from scoring.desk.synthetic import write_partitioned

MIB = 1024 * 1024


def run(cmd: list[str]) -> tuple[float, int, int]:
    """Wall time, peak RSS of the command, and the largest peak RSS of any process it
    started (a Dask worker), sampled every 50 ms."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    top = psutil.Process(proc.pid)
    peaks: dict[int, int] = {}
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):  # a process may end while it is sampled
            for p in [top, *top.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    peaks[p.pid] = max(peaks.get(p.pid, 0), p.memory_info().rss)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    main = peaks.pop(proc.pid, 0)
    # the worker processes: the largest of them (the nanny processes are small)
    return wall, main, max(peaks.values(), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--per-part", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/scoring-dask"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="in-process,dask")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    universe = args.out / "universe"
    if not universe.exists():
        start = time.perf_counter()
        write_partitioned(universe, args.cases, args.items, args.per_part)
        print(f"wrote {universe}: {args.cases} cases x {args.items} items, {args.per_part} "
              f"cases a partition, in {time.perf_counter() - start:.1f} s")
    print(f"machine: {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 1024 ** 3:.0f} GiB; runs: {args.runs}")
    scoring = str(Path(sys.executable).parent / "scoring")
    walls: dict[str, list[float]] = {}
    for engine in args.engines.split(","):
        out = args.out / f"scores-{engine}"
        for _ in range(args.runs):
            wall, rss, worker = run([scoring, "score", str(universe), "--engine", engine,
                                     "--format", "parquet", "-o", str(out)])
            walls.setdefault(engine, []).append(wall)
            print(f"{engine:>10}: {wall:6.1f} s wall; peak RSS {rss / MIB:6.0f} MiB (command)"
                  + (f", {worker / MIB:6.0f} MiB (largest worker)" if worker else ""))
    for engine, w in walls.items():
        print(f"{engine:>10}: wall min {min(w):.1f} s, median {statistics.median(w):.1f} s")
    if len(walls) == 2:
        a, b = (args.out / f"scores-{e}" for e in walls)
        same = sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir()) \
            and all((a / p.name).read_bytes() == (b / p.name).read_bytes() for p in a.iterdir())
        one, two = walls.values()
        print(f"outputs identical byte for byte: {same}; wall ratio dask / in-process: "
              f"{min(two) / min(one):.2f} (min), "
              f"{statistics.median(two) / statistics.median(one):.2f} (median)")
    if not args.keep:
        shutil.rmtree(args.out)


if __name__ == "__main__":
    main()
