"""Write a synthetic universe (scoring.desk.synthetic) for the benchmarks.

Run: python bench/make_universe.py [--cases 10000] [--items 50] [--peer-groups 3]
[--out /tmp/scoring-universe]
Writes OUT/parquet/ and OUT/csv/: the same universe (N cases x K items, scenarios base, bull
and bear: N x K x 3 item rows) with its tables as Parquet and as CSV.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scoring.desk.synthetic import write_universe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("/tmp/scoring-universe"))
    parser.add_argument("--peer-groups", type=int, default=0,
                        help="deal the cases to this many peer groups (up to 6)")
    args = parser.parse_args()
    for fmt in ("parquet", "csv"):
        start = time.perf_counter()
        write_universe(args.out / fmt, args.cases, args.items, fmt=fmt,
                       peer_groups=args.peer_groups)
        print(f"wrote {args.out / fmt}: {args.cases} cases x {args.items} items "
              f"({args.cases * args.items * 3:,} item rows over 3 scenarios) as {fmt} "
              f"in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
