"""`scoring backtest --engine dask` on a large synthetic universe with outcomes (issue 23:
1 M cases complete with each Dask worker <= 500 MiB; the measures identical to in-process on
a 100 k sample).

Run: python bench/backtest_dask.py [--cases 1000000] [--items 5] [--per-part 20000]
         [--sample 100000] [--out /tmp/scoring-backtest-dask] [--keep]

Writes OUT/universe (``scoring.desk.synthetic.write_partitioned``) and OUT/outcomes.parquet
(one outcome per case, about 4 % events, from a seeded generator), then runs, in fresh
processes with their RSS (and every worker's) sampled every 50 ms:

* ``scoring backtest OUT/universe --outcomes OUT/outcomes.parquet --engine dask --format json``
  (a LocalCluster of one worker per core);
* on the first SAMPLE cases (a universe of their partitions): the same with ``--engine
  in-process`` and ``--engine dask``, whose JSON outputs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dask_engine import MIB  # noqa: E402

from scoring.desk.synthetic import write_partitioned  # noqa: E402


def run(cmd: list[str], out: Path) -> tuple[float, int, int]:
    """Wall time, peak RSS of the command and of its largest worker; stdout to ``out``."""
    import contextlib
    import subprocess

    import psutil

    start = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE)
        top = psutil.Process(proc.pid)
        peaks: dict[int, int] = {}
        while proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                for p in [top, *top.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        peaks[p.pid] = max(peaks.get(p.pid, 0), p.memory_info().rss)
            time.sleep(0.05)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    main = peaks.pop(proc.pid, 0)
    return time.perf_counter() - start, main, max(peaks.values(), default=0)


def outcomes(path: Path, n: int, seed: int = 23) -> None:
    rng = np.random.default_rng(seed)
    ids = [f"C{k:06d}" for k in range(1, n + 1)]
    pq.write_table(pa.table({"case": ids, "outcome": (rng.random(n) < 0.04).astype(
        "int64").astype(str), "observed": ["2099-01-01"] * n}), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--per-part", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/scoring-backtest-dask"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    scoring = str(Path(sys.executable).parent / "scoring")
    sample, whole = args.out / "sample", args.out / "universe"
    for folder, n in ((sample, args.sample), (whole, args.cases)):
        if not folder.exists():
            start = time.perf_counter()
            write_partitioned(folder, n, args.items, args.per_part)
            outcomes(folder.parent / f"{folder.name}-outcomes.parquet", n)
            print(f"wrote {folder}: {n} cases x {args.items} items, {args.per_part} a "
                  f"partition, in {time.perf_counter() - start:.1f} s")
    json = {}
    for engine in ("in-process", "dask"):
        json[engine] = args.out / f"sample-{engine}.json"
        wall, rss, worker = run([scoring, "backtest", str(sample), "--outcomes",
                                 str(args.out / "sample-outcomes.parquet"), "--engine", engine,
                                 "--format", "json"], json[engine])
        print(f"{args.sample} cases, {engine:>10}: {wall:6.1f} s wall; peak RSS "
              f"{rss / MIB:5.0f} MiB (command)"
              + (f", {worker / MIB:5.0f} MiB (largest worker)" if worker else ""))
    same = json["in-process"].read_bytes() == json["dask"].read_bytes()
    print(f"{args.sample} cases: JSON identical in-process and dask: {same}")
    wall, rss, worker = run([scoring, "backtest", str(whole), "--outcomes",
                             str(args.out / "universe-outcomes.parquet"), "--engine", "dask",
                             "--format", "json"], args.out / "whole.json")
    print(f"{args.cases} cases, dask: {wall:6.1f} s wall; peak RSS {rss / MIB:5.0f} MiB "
          f"(command), {worker / MIB:5.0f} MiB (largest worker; budget 500 MiB)")
    if not args.keep:
        shutil.rmtree(args.out)


if __name__ == "__main__":
    main()
