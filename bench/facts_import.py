"""CPU time of `scoring facts import` of one company-facts document (Snowflake's, 2.5 MB)
into a new case, against its budget: at most 1.5x the CPU of `json.load` of the same file
plus `scoring score` of the case built (issue 25). Both in this process, after a warm-up
run of each (imports and caches are not what is measured).

Run: python bench/facts_import.py [--runs N] [--rubric piotroski]. ``--rubric``: altman (the
Altman Z, as of 2024-06-30), piotroski (the F-score from reported figures, as of 2025-05-30:
two years, and the opening balances read as a second selection) or beneish. Prints the
median CPU seconds of each part and the ratio import / (json.load + score).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from scoring import score
from scoring.api import import_facts, load_case

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "examples" / "filings" / "CIK0001640147-snowflake.json"
RUBRICS = {"altman": ("altman-z-1968.yaml", dt.date(2024, 6, 30)),
           "piotroski": ("piotroski-f-score-reported.yaml", dt.date(2025, 5, 30)),
           "beneish": ("beneish-m-score.yaml", dt.date(2025, 5, 30))}


def cpu(fn: object) -> float:
    start = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rubric", choices=sorted(RUBRICS), default="altman")
    args = parser.parse_args()
    runs = args.runs
    name, as_of = RUBRICS[args.rubric]
    rubric = REPO / "rubrics" / name
    tmp = Path(tempfile.mkdtemp(prefix="facts-bench-"))
    try:
        case = tmp / "case"

        def do_import() -> None:
            shutil.rmtree(case, ignore_errors=True)
            import_facts(DOC, case, rubric, as_of)

        def do_load() -> None:
            with DOC.open("rb") as f:
                json.load(f)

        def do_score() -> None:
            score(load_case(case))

        do_import(), do_load(), do_score()  # warm-up
        imp, load, sc = [], [], []
        for _ in range(runs):
            imp.append(cpu(do_import))
            load.append(cpu(do_load))
            sc.append(cpu(do_score))
        m_imp, m_load, m_sc = (statistics.median(x) for x in (imp, load, sc))
        print(f"document {DOC.stat().st_size / 1e6:.2f} MB, rubric {name}, {runs} runs, "
              "median CPU seconds")
        print(f"  facts import   {m_imp:.3f}")
        print(f"  json.load      {m_load:.3f}")
        print(f"  scoring score  {m_sc:.3f}")
        ratio = m_imp / (m_load + m_sc)
        print(f"  ratio import / (json.load + score) = {ratio:.2f} (budget 1.50: "
              f"{'within' if ratio <= 1.5 else 'OVER'})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
