"""Wall time of `scoring score evidence/meta-platforms` and `scoring report
evidence/meta-platforms -o X.html` against the import floor
`python -c "import pandas, pydantic, yaml"` (what any run of scoring must import).

Run: python bench/cli_walltime.py [--runs N] [--bytecode compiled|source]. Prints the median
and min of N runs of each, and their ratio (the commands take turns, one run each a round).
Uses the Python that runs this script (so run it from the project's venv).

``--bytecode`` fixes what Python finds of scoring's own modules, which otherwise depends on
the machine (PYTHONDONTWRITEBYTECODE) and on whether the tree was imported before:
``compiled`` (the default) byte-compiles scoring first, as pip does when it installs the
package and as the floor's packages are; ``source`` deletes scoring's ``__pycache__`` folders
and runs with PYTHONDONTWRITEBYTECODE=1, so every run compiles scoring's source (about
0.05 s of CPU for `scoring report` on this machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=env)
        out.append(time.perf_counter() - start)
        if run.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{run.stderr.decode()}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bytecode", choices=["compiled", "source"], default="compiled")
    args = parser.parse_args()
    runs = args.runs
    py = sys.executable
    env = dict(os.environ)
    for cache in (REPO / "scoring").rglob("__pycache__"):
        shutil.rmtree(cache)
    if args.bytecode == "compiled":
        subprocess.run([py, "-m", "compileall", "-q", "scoring"], cwd=REPO, check=True)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    tmp = tempfile.TemporaryDirectory(prefix="cli-walltime-")
    html = str(Path(tmp.name) / "meta.html")
    commands = {
        "import floor": [py, "-c", "import pandas, pydantic, yaml"],
        "scoring score evidence/meta-platforms": [py, "-m", "scoring.cli", "score",
                                                  "evidence/meta-platforms"],
        "scoring score --format json": [py, "-m", "scoring.cli", "score",
                                        "evidence/meta-platforms", "--format", "json"],
        "scoring report evidence/meta-platforms": [py, "-m", "scoring.cli", "report",
                                                   "evidence/meta-platforms", "-o", html],
    }
    timed(commands["import floor"], 2, env)  # warm the file cache
    # Round by round (each command once a round), so that a spell of load from other work on
    # the machine falls on every command alike rather than on one.
    results: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            results[name] += timed(cmd, 1, env)
    base = statistics.median(results["import floor"])
    print(f"{'command':40} {'median s':>9} {'min s':>7} {'x floor':>9}   ({runs} runs, "
          f"scoring's bytecode: {args.bytecode})")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:40} {med:9.3f} {min(times):7.3f} {med / base:9.2f}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
