"""Wall time of `scoring score evidence/meta-platforms` against the import floor
`python -c "import pandas, pydantic, yaml"` (what any run of scoring must import).

Run: python bench/cli_walltime.py [--runs N]. Prints the median and min of N runs of each,
and their ratio. Uses the Python that runs this script (so run it from the project's venv).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    py = sys.executable
    commands = {
        "import floor": [py, "-c", "import pandas, pydantic, yaml"],
        "scoring score evidence/meta-platforms": [py, "-m", "scoring.cli", "score",
                                                  "evidence/meta-platforms"],
        "scoring score --format json": [py, "-m", "scoring.cli", "score",
                                        "evidence/meta-platforms", "--format", "json"],
    }
    timed(commands["import floor"], 2)  # warm the file cache
    results = {name: timed(cmd, runs) for name, cmd in commands.items()}
    base = statistics.median(results["import floor"])
    print(f"{'command':40} {'median s':>9} {'min s':>7} {'x floor':>9}   ({runs} runs)")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:40} {med:9.3f} {min(times):7.3f} {med / base:9.2f}")


if __name__ == "__main__":
    main()
