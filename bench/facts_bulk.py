"""Documents per second (CPU, one core) and peak memory of `scoring facts import ARCHIVE.zip
--universe DIR` on a synthetic archive of small company-facts documents (issue 25: budget
>= 1 000 documents/s per core, peak memory independent of the number of documents).

Run: python bench/facts_bulk.py [--docs N ...] (default 1000 10000). For each N, builds an
archive of N documents (each a filer with the eight Altman figures of two fiscal years, 20
facts), imports it in a fresh process and prints CPU seconds, documents/s and the process's
peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONCEPTS = {"AssetsCurrent": 400, "LiabilitiesCurrent": 300, "Assets": 1000,
            "RetainedEarningsAccumulatedDeficit": 200, "Liabilities": 600,
            "StockholdersEquity": 400}
FLOWS = {"OperatingIncomeLoss": 90, "Revenues": 1500}


def document(cik: int) -> bytes:
    facts: dict[str, dict[str, object]] = {}
    for year, accn, filed in ((2022, f"{cik:010d}-23-000001", "2023-02-20"),
                              (2023, f"{cik:010d}-24-000001", "2024-02-20")):
        base = {"accn": accn, "fy": year, "fp": "FY", "form": "10-K", "filed": filed}
        for c, v in CONCEPTS.items():
            facts.setdefault(c, {"label": c, "units": {"USD": []}})
            facts[c]["units"]["USD"].append(  # type: ignore[index]
                {"end": f"{year}-12-31", "val": v + cik % 7, **base})
        for c, v in FLOWS.items():
            facts.setdefault(c, {"label": c, "units": {"USD": []}})
            facts[c]["units"]["USD"].append(  # type: ignore[index]
                {"start": f"{year}-01-01", "end": f"{year}-12-31", "val": v, **base})
    dei = {"EntityPublicFloat": {"label": "float", "units": {"USD": [
        {"end": "2023-06-30", "val": 5000, "accn": f"{cik:010d}-24-000001", "fy": 2023,
         "fp": "FY", "form": "10-K", "filed": "2024-02-20"}]}}}
    return json.dumps({"cik": cik, "entityName": f"Filer {cik}",
                       "facts": {"us-gaap": facts, "dei": dei}}).encode()


CHILD = """
import datetime as dt, resource, sys, time
from pathlib import Path
from scoring.desk.facts_bulk import import_universe
start = time.process_time()
r = import_universe(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]),
                    dt.date(2024, 6, 30))
cpu = time.process_time() - start
print(r.cases, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    counts = parser.parse_args().docs
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            zipped = Path(tmp) / f"cf-{n}.zip"
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
                for k in range(n):
                    z.writestr(f"CIK{k + 1:010d}.json", document(k + 1))
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(zipped), str(Path(tmp) / f"u-{n}"),
                 str(REPO / "rubrics" / "altman-z-1968.yaml")],
                capture_output=True, text=True, check=True).stdout.split()
            cases, cpu, rss = int(out[0]), float(out[1]), int(out[2])
            print(f"{n:6d} documents: {cpu:7.2f} s CPU, {cases / cpu:8.1f} documents/s "
                  f"(budget 1000), peak RSS {rss / 1024:6.1f} MB")


if __name__ == "__main__":
    main()
