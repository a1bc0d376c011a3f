"""Time of the Meta workbook (scoring export --format xlsx): scoring without analyses, the
workbook's layout and formulas, and XlsxWriter's zip; and the evaluation of every formula by
the independent evaluator the tests use (formulas). Prints one line per run and the size.

Run: python bench/workbook.py [--runs N] (needs the xlsx extra; --evaluate needs formulas).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

CASE = Path(__file__).resolve().parent.parent / "evidence" / "meta-platforms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--evaluate", action="store_true")
    args = parser.parse_args()
    from scoring.analysis.result import score
    from scoring.formats.loader import load_case
    from scoring.report.workbook import render_workbook

    data = b""
    for k in range(args.runs):
        t0 = time.perf_counter()
        result = score(load_case(CASE), analyses=False)
        t1 = time.perf_counter()
        data = render_workbook(result)
        t2 = time.perf_counter()
        print(f"run {k + 1}: score {t1 - t0:.3f} s, workbook {t2 - t1:.3f} s, "
              f"total {t2 - t0:.3f} s")
    print(f"size {len(data)} bytes")
    if args.evaluate:
        import formulas

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "meta.xlsx"
            path.write_bytes(data)
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cells = formulas.ExcelModel().loads(str(path)).finish().calculate()
            print(f"formulas: {len(cells)} cells evaluated in {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
