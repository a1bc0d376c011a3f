"""Time of one workbench edit on the Meta case, at the server: the request through the app
(Host, Origin and token checks, the edit spliced into the YAML in memory, the case reloaded
and validated, rescored by the method, the moved numbers by trace id and scoring diff's
attribution), against the floor of the same case's `load_case` + `score(analyses=False)`
(what any recompute from the files must do).

Run: python bench/serve_edit.py [--runs N]. Prints the median and min of N edits (each
alternates a factor weight between two values, so every edit moves numbers) and of N floors,
and their ratio. Needs the serve extra. Budget: 100 ms an edit (docs/serve.md).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from scoring.analysis.result import score
from scoring.formats.loader import load_case
from scoring.serve.app import make_app
from scoring.serve.workbench import Workbench

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "evidence" / "meta-platforms", root / "evidence" / "meta-platforms")
        shutil.copytree(REPO / "rubrics", root / "rubrics")
        folder = root / "evidence" / "meta-platforms"
        bench = Workbench.open(folder)
        weight = next(e for e in bench.editables() if e.file == "rubric")
        client = TestClient(make_app(bench, "127.0.0.1", 8765), base_url="http://127.0.0.1:8765")
        page = client.get("/")
        token = page.text.split('name="scoring-token" content="')[1].split('"')[0]
        headers = {"Origin": "http://127.0.0.1:8765", "X-Scoring-Token": token}
        edits, floors, moved = [], [], 0
        for k in range(args.runs + 2):  # the first two warm up
            value = "0.3" if k % 2 == 0 else str(weight.value)
            t = time.perf_counter()
            got = client.post("/api/edit", headers=headers, json={
                "file": "rubric", "path": list(weight.path), "value": value,
                "version": bench.version})
            dt = time.perf_counter() - t
            assert got.status_code == 200, got.text
            moved = len(got.json()["changed"])
            t = time.perf_counter()
            score(load_case(folder), analyses=False)
            floor = time.perf_counter() - t
            if k >= 2:
                edits.append(dt)
                floors.append(floor)
        client.close()
    med_e, med_f = statistics.median(edits), statistics.median(floors)
    print(f"edit (through the app): median {med_e * 1000:.1f} ms, min {min(edits) * 1000:.1f} ms"
          f" ({moved} numbers moved)")
    print(f"floor (load + score):   median {med_f * 1000:.1f} ms, min {min(floors) * 1000:.1f} ms")
    print(f"ratio edit / floor:     {med_e / med_f:.2f}; budget 100 ms: "
          f"{'met' if med_e <= 0.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
