"""`scoring backtest` of the shipped Polish universe (7,027 cases) against `scoring score` of
the same universe, each a fresh process, CPU time (user + system of the child), run in turn
round by round (issue 23: budget backtest <= 1.5x score).

Run: python bench/backtest.py [--runs 5]

Prints each command's minimum and median CPU seconds and the ratio of the two, per round
(min and median), plus the HTML report's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POLISH = REPO / "evidence" / "polish-bankruptcy-1year"
SCORING = str(Path(sys.executable).with_name("scoring"))


def cpu(cmd: list[str]) -> float:
    """The CPU seconds (user + system) of ``cmd`` run as a child process."""
    before = os.times()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "bt.html"
        commands = {
            "score": [SCORING, "score", str(POLISH), "--format", "csv", "-o",
                      str(Path(tmp) / "scores.csv")],
            "backtest": [SCORING, "backtest", str(POLISH), "--outcomes",
                         str(POLISH / "outcomes.csv"), "--risk-when", "lower"],
            "backtest -o html": [SCORING, "backtest", str(POLISH), "--outcomes",
                                 str(POLISH / "outcomes.csv"), "--risk-when", "lower", "-o",
                                 str(html)],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                times[name].append(cpu(cmd))
        for name, t in times.items():
            print(f"{name:18s} CPU min {min(t):6.2f} s  median {statistics.median(t):6.2f} s")
        for name in ("backtest", "backtest -o html"):
            ratios = [b / s for b, s in zip(times[name], times["score"], strict=True)]
            print(f"{name} / score: min {min(ratios):.2f}x, median "
                  f"{statistics.median(ratios):.2f}x (budget 1.5x)")
        print(f"backtest report: {html.stat().st_size / 1000:.0f} KB (budget 400 KB)")


if __name__ == "__main__":
    main()
