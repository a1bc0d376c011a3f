"""Test helpers: write a YAML case's sources and evidence as CSV or Parquet tables."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import yaml


def flat_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence items with their sources spread over source/locator(/via) column groups."""
    out = []
    for it in items:
        row = {k: v for k, v in it.items() if k != "sources"}
        for k, ref in enumerate(it["sources"]):
            sfx = "" if k == 0 else f"_{k + 1}"
            row["source" + sfx] = ref["source"]
            row["locator" + sfx] = ref["locator"]
            if ref.get("via") is not None:
                row["via" + sfx] = ref["via"]
        out.append(row)
    return out


def write_table(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` as CSV or Parquet (by the suffix of ``path``)."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows(rows)
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    def column(name: str) -> list[Any]:
        values = [r.get(name) for r in rows]
        kinds = {type(v) for v in values if v is not None}
        if len(kinds) > 1:  # numbers and labels share the value column: write text
            values = [None if v is None else str(v) for v in values]
        return values

    pq.write_table(pa.table({c: column(c) for c in columns}), path)
    return path


def tabulate_case(src: Path, dst: Path, fmt: str, rubric: str | None = None) -> Path:
    """Copy the case folder ``src`` to ``dst`` with its sources and evidence as ``fmt``
    tables; ``rubric`` replaces the rubric path of case.yaml."""
    shutil.copytree(src, dst)
    if rubric is not None:
        case = yaml.safe_load((dst / "case.yaml").read_text(encoding="utf-8"))
        case["rubric"] = rubric
        (dst / "case.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    for name, key in (("sources", "sources"), ("evidence", "items")):
        data = yaml.safe_load((dst / f"{name}.yaml").read_text(encoding="utf-8"))[key]
        (dst / f"{name}.yaml").unlink()
        write_table(dst / f"{name}.{fmt}", flat_items(data) if key == "items" else data)
    return dst
