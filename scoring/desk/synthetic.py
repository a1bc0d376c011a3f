"""Synthetic coverage universes, for benchmarks (bench/) and tests.

:func:`write_universe` writes a universe folder (docs/formats.md, "Universe folder"): a
rubric that uses every feature of the method (both polarities, the three aggregations, both
missing-evidence policies, the three indicator mappings, decay, an assumption grade), a cases
table, one sources table and one evidence table for all cases, and a ``scenarios.yaml`` with
``bull`` and ``bear`` using every kind of change. Values are random but seeded: the same
arguments write the same files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import yaml

AS_OF = dt.date(2026, 3, 9)
GRADES = ("A", "B", "C", "D", "E")
STAGES = ("general_availability", "staged_rollout", "limited_test", "announced_only")

RUBRIC: dict[str, Any] = {
    "id": "synthetic", "version": "1.0.0", "title": "Synthetic universe rubric",
    "scale": {"min": 0, "max": 100}, "composite": "weighted_mean", "half_life_days": 365,
    "reliability": {"A": 1.0, "B": 0.85, "C": 0.7, "D": 0.5, "E": 0.3},
    "assumption_grade": "D",
    "bands": [{"name": n, "min": lo, "max": lo + 20} for n, lo in
              zip(("Low", "Moderate", "Elevated", "High", "Severe"), range(0, 100, 20),
                  strict=True)],
    "factors": [
        {"id": "core", "name": "Core risk", "weight": 0.2, "polarity": "risk"},
        {"id": "moat", "name": "Moat", "weight": 0.15, "polarity": "strength",
         "indicators": [{"id": "moat_score", "name": "Moat score",
                         "mapping": {"type": "linear", "input": [0, 100],
                                     "output": [0, 100]}}]},
        {"id": "rollout", "name": "Rollout", "weight": 0.1, "polarity": "risk",
         "indicators": [{"id": "stage", "name": "Stage", "mapping": {
             "type": "categories", "categories": dict(zip(STAGES, (20, 45, 70, 90),
                                                          strict=True))}}]},
        {"id": "capex", "name": "Capital intensity", "weight": 0.15, "polarity": "risk",
         "indicators": [{"id": "capex_share", "name": "Capex share", "unit": "percent",
                         "mapping": {"type": "bands", "steps": [
                             {"below": 10, "score": 20}, {"below": 25, "score": 50},
                             {"score": 85}]}}]},
        {"id": "data", "name": "Data exposure", "weight": 0.1, "polarity": "risk",
         "aggregation": "max"},
        {"id": "talent", "name": "Talent", "weight": 0.1, "polarity": "strength",
         "aggregation": "min"},
        {"id": "legal", "name": "Legal", "weight": 0.1, "polarity": "risk",
         "missing": {"impute": 50}},
        {"id": "trust", "name": "Trust", "weight": 0.1, "polarity": "risk"},
    ],
}

SCENARIOS: dict[str, Any] = {"scenarios": [
    {"id": "bull", "name": "Bull", "narrative": "Things go well.", "changes": [
        {"op": "set_weight", "factor": "moat", "weight": 0.3, "rationale": "Moat matters."},
        {"op": "set_confidence", "item": "E002", "confidence": 0.2, "rationale": "Doubtful."},
        {"op": "shift_value", "item": "E001", "by": -10, "rationale": "Less core risk."},
    ]},
    {"id": "bear", "name": "Bear", "narrative": "Things go badly.", "changes": [
        {"op": "set_weight", "factor": "legal", "weight": 0.25, "rationale": "Regulators."},
        {"op": "drop_item", "item": "E003", "rationale": "Superseded."},
        {"op": "set_value", "item": "E001", "value": 90, "rationale": "Core risk is high."},
        {"op": "assume", "item": {"id": "A1", "factor": "legal", "value": 85,
                                  "confidence": 0.6, "claim": "ASSUMPTION: an inquiry opens."},
         "rationale": "Peers faced one."},
    ]},
]}

# E001 is always a plain 'core' item (bull shifts it by -10), E002 any numeric item, E003 any.
_PLAIN = ("core", "data", "talent", "legal", "trust")


def _values(rng: np.random.Generator, factor: np.ndarray) -> np.ndarray:
    """The raw value of each item, as text (the value column mixes numbers and labels)."""
    n = len(factor)
    out = np.round(rng.uniform(10, 100, n), 1).astype(str)
    stage = factor == "rollout"
    out[stage] = rng.choice(STAGES, int(stage.sum()))
    capex = factor == "capex"
    out[capex] = np.round(rng.uniform(0, 40, int(capex.sum())), 2).astype(str)
    return out


def evidence_columns(n_cases: int, n_items: int, seed: int, first: int = 1
                     ) -> dict[str, np.ndarray]:
    """The evidence table of a synthetic universe, column by column."""
    rng = np.random.default_rng(seed)
    factors = np.array([f["id"] for f in RUBRIC["factors"]])
    n = n_cases * n_items
    k = np.tile(np.arange(n_items), n_cases)
    factor = factors[rng.integers(0, len(factors), n)]
    factor[k == 0] = "core"
    factor[k == 1] = np.array(_PLAIN)[rng.integers(0, len(_PLAIN), int((k == 1).sum()))]
    values = _values(rng, factor)
    values[k == 0] = np.round(rng.uniform(10, 80, n_cases), 1).astype(str)
    indicator = np.full(n, None, dtype=object)
    for f in RUBRIC["factors"]:
        if f.get("indicators"):
            indicator[factor == f["id"]] = f["indicators"][0]["id"]
    confidence = np.round(rng.uniform(0, 1, n), 2)
    confidence[rng.random(n) < 0.01] = 0.0
    observed = np.datetime64(AS_OF) - rng.integers(0, 730, n).astype("timedelta64[D]")
    item_no = np.char.zfill((k + 1).astype(str), 3)
    return {
        "case": np.repeat(case_ids(n_cases, first), n_items), "id": np.char.add("E", item_no),
        "factor": factor, "indicator": indicator, "value": values, "confidence": confidence,
        "observed": observed, "claim": np.char.add("Synthetic claim ", item_no),
        "source": np.char.add("S", rng.integers(1, 6, n).astype(str)),
        "locator": np.char.add("p. ", rng.integers(1, 40, n).astype(str)),
    }


def case_ids(n_cases: int, first: int = 1) -> np.ndarray:
    return np.char.add("C", np.char.zfill(np.arange(first, first + n_cases).astype(str), 6))


def sources_columns(n_cases: int, seed: int, first: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    n = n_cases * 5
    return {
        "case": np.repeat(case_ids(n_cases, first), 5),
        "id": np.tile(np.array([f"S{i}" for i in range(1, 6)]), n_cases),
        "title": np.char.add("Synthetic source ", np.arange(n).astype(str)),
        "language": np.full(n, "en"), "kind": np.full(n, "news"),
        "reliability": np.array(GRADES)[rng.integers(0, len(GRADES), n)],
    }


PEER_GROUPS = ("Energy", "Financials", "Health care", "Industrials", "Software", "Utilities")


def cases_columns(n_cases: int, first: int = 1, peer_groups: int = 0) -> dict[str, np.ndarray]:
    """The cases table; with ``peer_groups`` (up to 6) a ``peer_group`` column, the cases
    dealt to the groups in turn."""
    ids = case_ids(n_cases, first)
    out = {"id": ids, "entity": np.char.add("Company ", ids),
           "as_of": np.full(n_cases, np.datetime64(AS_OF)),
           "rubric": np.full(n_cases, "rubric.yaml")}
    if peer_groups:
        names = np.array(PEER_GROUPS[:peer_groups], dtype=object)
        out["peer_group"] = names[(np.arange(n_cases) + first - 1) % len(names)]
    return out


def write_universe(folder: Path, n_cases: int, n_items: int = 50, fmt: str = "parquet",
                   seed: int = 20260309, peer_groups: int = 0) -> Path:
    """Write a synthetic universe of ``n_cases`` cases of ``n_items`` items to ``folder``, its
    tables as ``fmt`` (``parquet`` or ``csv``); with ``peer_groups``, the cases dealt to that
    many peer groups. Returns ``folder``."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rubric.yaml").write_text(yaml.safe_dump(RUBRIC, sort_keys=False))
    (folder / "scenarios.yaml").write_text(yaml.safe_dump(SCENARIOS, sort_keys=False))
    tables = {"cases": cases_columns(n_cases, peer_groups=peer_groups),
              "sources": sources_columns(n_cases, seed),
              "evidence": evidence_columns(n_cases, n_items, seed)}
    for name, columns in tables.items():
        table = _arrow(columns)
        if fmt == "parquet":
            pq.write_table(table, folder / f"{name}.parquet")
        else:
            pacsv.write_csv(table, folder / f"{name}.csv")
    return folder


def _arrow(columns: dict[str, np.ndarray]) -> Any:
    import pyarrow as pa

    table = pa.table({k: pa.array(v.tolist() if v.dtype == object else v)
                      for k, v in columns.items()})
    for k in ("as_of", "observed"):
        if k in table.column_names:
            i = table.column_names.index(k)
            table = table.set_column(i, k, table.column(k).cast(pa.date32()))
    return table


def write_partitioned(folder: Path, n_cases: int, n_items: int = 50, per_part: int = 2_000,
                      seed: int = 20260309) -> Path:
    """Write a synthetic universe whose tables are partitioned Parquet datasets
    (``cases/bucket=00000/part-0.parquet``, the same for ``sources/`` and ``evidence/``;
    docs/scale.md), ``per_part`` cases a partition, one partition at a time: memory is
    bounded by a partition. The partition of one part holds the same rows as
    :func:`write_universe` with ``n_cases = per_part`` and the seed ``seed + part``."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rubric.yaml").write_text(yaml.safe_dump(RUBRIC, sort_keys=False))
    (folder / "scenarios.yaml").write_text(yaml.safe_dump(SCENARIOS, sort_keys=False))
    for part, first in enumerate(range(1, n_cases + 1, per_part)):
        n = min(per_part, n_cases + 1 - first)
        tables = {"cases": cases_columns(n, first),
                  "sources": sources_columns(n, seed + part, first),
                  "evidence": evidence_columns(n, n_items, seed + part, first)}
        for name, columns in tables.items():
            leaf = folder / name / f"bucket={part:05d}"
            leaf.mkdir(parents=True, exist_ok=True)
            pq.write_table(_arrow(columns), leaf / "part-0.parquet")
    return folder
