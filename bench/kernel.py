"""The kernel at scale: time and peak memory of ``score_tables`` on a universe's lean tables
(what the universe summary scores) and on the Meta case, and optionally the frames pickled
so that two versions of the code can be compared number for number.

Run (after python bench/make_universe.py):
    python bench/kernel.py [--universe /tmp/scoring-universe/parquet] [--runs 5]
                           [--pickle DIR] [--compare DIR]

``--pickle DIR`` writes the items, factors and scenarios frames of both inputs there;
``--compare DIR`` checks this code's frames against them with
``pd.testing.assert_frame_equal(check_exact=True)`` and every float bit for bit.
``--tables FILE`` reads the universe's lean tables from a pickle (written there first if
missing), and ``--score N`` only scores them N times (0: only loads them), for
``/usr/bin/time -f %M`` of a process that holds nothing but the tables.
Peak memory: tracemalloc's peak during one call (numpy and pandas report their buffers to
it) and the growth of the process's peak resident set over the first call (reset before it).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import pickle
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.formats.loader import load_case
from scoring.formats.tables import Tables, build_tables, score_tables
from scoring.formats.universe import Universe
from scoring.method.kernel import Frames

REPO = Path(__file__).resolve().parent.parent
LEVELS = ("items", "factors", "scenarios")


def status_mb(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` (the peak resident set) of this process, in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak() -> float:
    """Collect garbage, hand freed heap back to the system and reset the peak resident set
    to the current one (Linux 4.0+: ``/proc/self/clear_refs``); return the current RSS."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")
    return status_mb("VmRSS")


def measure(name: str, tables: Tables, runs: int) -> Frames:
    """Print the first call's growth of the peak RSS, tracemalloc's peak of one call and
    the best and median time of ``runs`` calls; return the frames."""
    before = reset_peak()
    frames = score_tables(tables)
    grown = status_mb("VmHWM") - before
    del frames
    gc.collect()
    tracemalloc.start()
    frames = score_tables(tables)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(runs):
        del frames
        gc.collect()
        start = time.perf_counter()
        frames = score_tables(tables)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"{name}: {len(tables.items):,} item rows; score_tables best {times[0] * 1e3:.1f} ms, "
          f"median {times[len(times) // 2] * 1e3:.1f} ms; tracemalloc peak "
          f"{peak / 2 ** 20:.1f} MiB; peak RSS +{grown:.1f} MiB (first call)", flush=True)
    return frames


def identical(a: pd.DataFrame, b: pd.DataFrame, where: str) -> None:
    """Equal frames (exactly), and every float column equal bit for bit (NaNs, signed zeros)."""
    pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    for column in a.columns:
        x, y = a[column].to_numpy(), b[column].to_numpy()
        if x.dtype.kind == "f":
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), f"{where}.{column}"


def universe_tables(universe: Path, cached: Path | None) -> Tables:
    """The lean tables of the universe's first set (all of it: one rubric), from ``cached``
    when that file exists (written there otherwise)."""
    if cached is not None and cached.exists():
        with open(cached, "rb") as f:
            tables: Tables = pickle.load(f)
        return tables
    tables = build_tables(Universe.open(universe).sets()[0], lean=True)
    if cached is not None:
        with open(cached, "wb") as f:
            pickle.dump(tables, f, protocol=pickle.HIGHEST_PROTOCOL)
    return tables


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--universe", type=Path, default=Path("/tmp/scoring-universe/parquet"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pickle", type=Path, help="write the frames here")
    ap.add_argument("--compare", type=Path, help="check the frames against those written here")
    ap.add_argument("--only", choices=("universe", "meta"))
    ap.add_argument("--tables", type=Path, help="the universe's tables, pickled")
    ap.add_argument("--score", type=int, help="only score the universe's tables N times")
    args = ap.parse_args()
    if args.score is not None:
        tables = universe_tables(args.universe, args.tables)
        for _ in range(args.score):
            score_tables(tables)
        return
    inputs = []
    if args.only != "universe":
        inputs.append(("meta", build_tables(load_case(REPO / "evidence" / "meta-platforms"))))
    if args.only != "meta":
        inputs.append(("universe", universe_tables(args.universe, args.tables)))
    for name, tables in inputs:
        frames = measure(name, tables, args.runs)
        for level in LEVELS:
            frame = getattr(frames, level)
            if args.pickle:
                args.pickle.mkdir(parents=True, exist_ok=True)
                with open(args.pickle / f"{name}-{level}.pickle", "wb") as f:
                    pickle.dump(frame, f, protocol=pickle.HIGHEST_PROTOCOL)
            if args.compare:
                with open(args.compare / f"{name}-{level}.pickle", "rb") as f:
                    identical(pickle.load(f), frame, f"{name}.{level}")
        if args.compare:
            print(f"{name}: items, factors and scenarios identical to {args.compare}")


if __name__ == "__main__":
    main()
