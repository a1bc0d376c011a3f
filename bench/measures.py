"""Measures at scale (issue 13): the same universe scored without and with measures.

Without: the synthetic universe of ``bench/make_universe.py`` (10 000 cases of 50 items,
scenarios base, bull and bear). With: the same universe plus 20 reported figures per case
(15 of the case's period, 5 of its prior period: 200 000 figure rows in
``figures.parquet``), and a rubric that reads them: 10 measures (ratios, differences against
the prior period, ``where``, ``min``/``max``, ``log``, measures of measures) and two more
factors scored by measures. Both are scored by a fresh ``scoring score U --format parquet``
process, best of ``--runs``; the budget is with / without <= 2.

Run: python bench/measures.py [--universe /tmp/scoring-universe] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from scoring.desk.synthetic import RUBRIC, write_universe

CURRENT = [f"f{k:02d}" for k in range(1, 16)]
PRIOR = ["f01", "f02", "f03", "f06", "f07"]  # also reported for the prior period
MEASURES = [
    ("m01", "f01 / f02"),
    ("m02", "(f03 - f04) / max(abs(f05), 1)"),
    ("m03", "f06 - prior(f06)"),
    ("m04", "where(f07 > prior(f07), 1, 0)"),
    ("m05", "log(1 + abs(f08)) / log(1 + max(abs(f08), 100))"),
    ("m06", "min(f09, f10) / (abs(f11) + 1)"),
    ("m07", "m01 * 0.5 + m02 * 0.25"),
    ("m08", "exp(-abs(m03) / 1000)"),
    ("m09", "min(100, max(0, 50 + 10 * m07 + 20 * m04))"),
    ("m10", "min(100, max(0, 100 * m05 * m08 + (f12 + f13 + f14 + f15 + prior(f01) "
            "+ prior(f02) + prior(f03)) / 1e6))"),
]


def with_measures(base: Path, out: Path, seed: int = 7) -> Path:
    """A copy of the universe ``base`` with figures and a rubric of measures."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    shutil.copytree(base, out)  # refuses an existing folder: nothing is written over
    cases = pq.read_table(out / "cases.parquet")
    n = cases.num_rows
    ids = cases.column("id").to_pylist()
    cases = cases.append_column("period", pa.array(["FY2025"] * n)).append_column(
        "prior_period", pa.array(["FY2024"] * n))
    pq.write_table(cases, out / "cases.parquet")
    rng = np.random.default_rng(seed)
    names = CURRENT + PRIOR
    periods = ["FY2025"] * len(CURRENT) + ["FY2024"] * len(PRIOR)
    k = len(names)
    case_col = np.repeat(np.asarray(ids, dtype=object), k)
    figure = np.tile(np.asarray(names, dtype=object), n)
    values = np.round(rng.normal(1000.0, 400.0, n * k), 2)
    fid = np.array([f"F{j:02d}" for j in range(k)], dtype=object)
    pq.write_table(pa.table({
        "case": pa.array(case_col.tolist()), "id": pa.array(np.tile(fid, n).tolist()),
        "figure": pa.array(figure.tolist()),
        "period": pa.array(np.tile(np.asarray(periods, dtype=object), n).tolist()),
        "value": pa.array(values), "unit": pa.array(["USD"] * (n * k)),
        "observed": pa.array(np.full(n * k, np.datetime64("2025-12-31"),
                                     dtype="datetime64[D]")),
        "source": pa.array(["S1"] * (n * k)),
        "locator": pa.array(["balance sheet"] * (n * k))}), out / "figures.parquet")
    rubric = dict(RUBRIC)
    rubric["figures"] = [{"id": f, "name": f"Figure {f}", "unit": "USD"} for f in CURRENT]
    rubric["measures"] = [{"id": m, "name": f"Measure {m}", "formula": f}
                          for m, f in MEASURES]
    rubric["factors"] = [*RUBRIC["factors"],
                         {"id": "solvency", "name": "Solvency", "weight": 0.1,
                          "polarity": "risk", "measure": "m09"},
                         {"id": "quality", "name": "Quality", "weight": 0.1,
                          "polarity": "risk", "measure": "m10"}]
    (out / "rubric.yaml").write_text(yaml.safe_dump(rubric, sort_keys=False),
                                     encoding="utf-8")
    return out


def timed(folder: Path, runs: int) -> float:
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "scoring.cli", "score", "--format",
                            "parquet", "-o", f"{tmp}/x.parquet", "--", str(folder)],
                           check=True, capture_output=True)
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universe", type=Path, default=Path("/tmp/scoring-universe"))
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = args.universe / "parquet"
    if not (base / "cases.parquet").is_file():
        write_universe(base, args.cases, 50)
    with tempfile.TemporaryDirectory() as tmp:  # the copy with figures is the run's own
        measured = with_measures(base, Path(tmp) / "universe")
        without, with_ = timed(base, args.runs), timed(measured, args.runs)
    print(f"scoring score U --format parquet, {args.cases} cases, best of {args.runs}")
    print(f"  without measures                      {without:.2f} s")
    print(f"  with 20 figures a case and 10 measures {with_:.2f} s")
    print(f"  with / without                        {with_ / without:.2f} x (budget <= 2)")


if __name__ == "__main__":
    main()
