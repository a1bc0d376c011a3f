"""Loading and whole-CLI figures against peers measured in the same run (issue 11).

Peers:

* **DuckDB SQL** (``duckdb``, the ``bench`` extra): reads the universe's Parquet tables and
  computes every scenario's composite and band with the method's arithmetic in one SQL query
  (effective weight = confidence x reliability x 0.5^(age / half-life), strength flipped,
  weighted-mean / max / min factor scores, imputed or excluded missing factors, the weighted
  mean of the included factors, the band by the [min, max) rule; scenario changes applied as
  SQL expressions). No gates, overrides, clipping or coverage: less work than the CLI.
* **pyarrow**: a bare ``pyarrow.parquet.read_table`` of the three tables plus vectorised checks
  of the same rules the loader checks (ids, text, ranges, dates, references, duplicates).

Run (after ``python bench/make_universe.py``; sizes other than 10 000 are written on demand):

    python bench/peers.py [--universe /tmp/scoring-universe] [--sizes 2000 10000] [--runs 5]

Prints, for each size: ``scoring score U --format parquet -o X`` (a fresh process) vs the
DuckDB peer (a fresh process), CPU time (user + system) and wall, the two run in turn round
by round and each round's ratio taken (min and median); the CLI's peak RSS; then, for the
largest size, load + validate in this process vs the pyarrow peer (CPU, in turn).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- DuckDB peer


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _mapping_sql(rubric: dict[str, Any]) -> str:
    """SQL for an item's value on the scale (its indicator's mapping, or the value)."""
    arms = []
    for f in rubric["factors"]:
        for ind in f.get("indicators", []):
            m, key = ind["mapping"], f"factor = {_q(f['id'])} AND indicator = {_q(ind['id'])}"
            if m["type"] == "linear":
                (lo, hi), (a, b) = m["input"], m["output"]
                t = f"least(greatest((try_cast(value AS DOUBLE) - {lo}) / ({hi} - {lo}), 0), 1)"
                arms.append(f"WHEN {key} THEN {a} + {t} * ({b} - {a})")
            elif m["type"] == "categories":
                cases = " ".join(f"WHEN {_q(k)} THEN {float(v)}"
                                 for k, v in m["categories"].items())
                arms.append(f"WHEN {key} THEN CASE value {cases} END")
            else:
                steps = " ".join(f"WHEN try_cast(value AS DOUBLE) < {s['below']} THEN "
                                 f"{float(s['score'])}" for s in m["steps"][:-1])
                arms.append(f"WHEN {key} THEN CASE {steps} ELSE "
                            f"{float(m['steps'][-1]['score'])} END")
    return f"CASE {' '.join(arms)} ELSE try_cast(value AS DOUBLE) END"


def _scenario_sql(sc: dict[str, Any], rubric: dict[str, Any]) -> tuple[str, str]:
    """The items and the factor weights of one scenario, as SQL over ``base`` / ``factors``."""
    conf, value, where = "confidence", "value", []
    assumed = []
    weights = {f["id"]: f["weight"] for f in rubric["factors"]}
    grade = rubric.get("assumption_grade")
    for ch in sc.get("changes", []):
        op = ch["op"]
        if op == "set_weight":
            weights[ch["factor"]] = ch["weight"]
        elif op == "set_confidence":
            conf = f"CASE WHEN id = {_q(ch['item'])} THEN {ch['confidence']} ELSE {conf} END"
        elif op == "set_value":
            value = f"CASE WHEN id = {_q(ch['item'])} THEN {_q(ch['value'])} ELSE {value} END"
        elif op == "shift_value":
            value = (f"CASE WHEN id = {_q(ch['item'])} THEN CAST(try_cast({value} AS DOUBLE) + "
                     f"{ch['by']} AS VARCHAR) ELSE {value} END")
        elif op == "drop_item":
            where.append(f"id <> {_q(ch['item'])}")
        elif op == "assume":
            a = ch["item"]
            assumed.append(
                f"SELECT c.id AS \"case\", {_q(a['id'])} AS id, {_q(a['factor'])} AS factor, "
                f"{_q(a['indicator']) if a.get('indicator') else 'NULL'} AS indicator, "
                f"{_q(a['value'])} AS value, {a['confidence']} AS confidence, "
                f"{rubric['reliability'][grade]} AS reliability, 0.0 AS age FROM cases c")
    items = (f"SELECT \"case\", id, factor, indicator, {value} AS value, {conf} AS confidence, "
             f"reliability, age FROM base" + (f" WHERE {' AND '.join(where)}" if where else ""))
    items = " UNION ALL ".join([items, *assumed])
    w = " UNION ALL ".join(f"SELECT {_q(f)} AS factor, {float(x)} AS weight"
                           for f, x in weights.items())
    return items, w


def duckdb_scores(folder: Path, out: Path) -> None:
    """Every case's and scenario's composite and band, written to ``out`` (Parquet)."""
    import duckdb

    rubric = yaml.safe_load((folder / "rubric.yaml").read_text())
    scen_file = folder / "scenarios.yaml"
    scenarios = (yaml.safe_load(scen_file.read_text()) or {}).get("scenarios", []) \
        if scen_file.is_file() else []
    lo, hi = rubric["scale"]["min"], rubric["scale"]["max"]
    hl = rubric.get("half_life_days")
    con = duckdb.connect()
    for name in ("cases", "sources", "evidence"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_q(folder / name)} "
                    "|| '.parquet')")
    grades = " UNION ALL ".join(f"SELECT {_q(g)} AS grade, {float(r)} AS rel"
                                for g, r in rubric["reliability"].items())
    factors = " UNION ALL ".join(
        f"SELECT {_q(f['id'])} AS factor, {k} AS pos, "
        f"{'TRUE' if f['polarity'] == 'strength' else 'FALSE'} AS strength, "
        f"{_q(f.get('aggregation', 'weighted_mean'))} AS agg, "
        f"{float(f['missing']['impute']) if isinstance(f.get('missing'), dict) else 'NULL'}"
        f" AS impute" for k, f in enumerate(rubric["factors"]))
    con.execute(f"CREATE TEMP TABLE grades AS {grades}")
    con.execute(f"CREATE TEMP TABLE factors AS {factors}")
    # Each item weighed by the best grade among the sources it cites (here: one source).
    con.execute("""CREATE TEMP TABLE base AS
        SELECT e."case", e.id, e.factor, e.indicator, e.value, e.confidence, g.rel AS reliability,
               date_diff('day', e.observed, c.as_of)::DOUBLE AS age
        FROM evidence e JOIN sources s ON s."case" = e."case" AND s.id = e.source
        JOIN grades g ON g.grade = s.reliability JOIN cases c ON c.id = e."case" """)
    decay = f"pow(0.5, age / {float(hl)})" if hl else "1.0"
    bands = " ".join(f"WHEN composite < {b['max']} THEN {_q(b['name'])}"
                     for b in rubric["bands"][:-1])
    parts = []
    for sid, sc in [("base", {})] + [(s["id"], s) for s in scenarios]:
        items, weights = _scenario_sql(sc, rubric)
        parts.append(f"""
        SELECT {_q(sid)} AS scenario, * FROM (
          WITH it AS (
            SELECT i."case", i.factor, i.confidence * i.reliability * {decay} AS w,
                   CASE WHEN f.strength THEN {lo} + {hi} - i.s ELSE i.s END AS r
            FROM (SELECT *, {_mapping_sql(rubric)} AS s FROM ({items})) i
            JOIN factors f ON f.factor = i.factor),
          fs AS (
            SELECT "case", factor, sum(w) AS tw,
                   sum(w * r) / nullif(sum(w), 0) AS mean,
                   max(r) FILTER (WHERE w > 0) AS hi, min(r) FILTER (WHERE w > 0) AS lo
            FROM it GROUP BY ALL),
          grid AS (
            SELECT c.id AS "case", f.factor, f.agg, f.impute, w.weight
            FROM cases c CROSS JOIN factors f JOIN ({weights}) w ON w.factor = f.factor),
          scored AS (
            SELECT g."case", g.weight,
                   CASE WHEN fs.tw > 0 THEN (CASE g.agg WHEN 'max' THEN fs.hi
                        WHEN 'min' THEN fs.lo ELSE fs.mean END) ELSE g.impute END AS score
            FROM grid g LEFT JOIN fs ON fs."case" = g."case" AND fs.factor = g.factor)
          SELECT "case", sum(weight * score) FILTER (WHERE score IS NOT NULL)
                 / sum(weight) FILTER (WHERE score IS NOT NULL) AS composite
          FROM scored GROUP BY ALL)""")
    con.execute(f"""COPY (SELECT "case", scenario, composite,
                          CASE {bands} ELSE {_q(rubric['bands'][-1]['name'])} END AS band
                          FROM ({' UNION ALL '.join(parts)}) ORDER BY "case", scenario)
                    TO {_q(out)} (FORMAT parquet)""")


# --------------------------------------------------------------------------- pyarrow peer


def pyarrow_checks(folder: Path) -> int:
    """Read the three tables and check them column by column; the number of bad cells."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rubric = yaml.safe_load((folder / "rubric.yaml").read_text())
    t = {n: pq.read_table(folder / f"{n}.parquet") for n in ("cases", "sources", "evidence")}
    ev, src, cases = t["evidence"], t["sources"], t["cases"]
    ident = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    bad = 0

    def count(mask: Any) -> int:
        return int(pc.sum(pc.fill_null(mask, True)).as_py() or 0)

    for table, ids, texts in ((ev, ("case", "id", "factor", "source"), ("claim", "locator")),
                              (src, ("case", "id"), ("title", "kind", "reliability")),
                              (cases, ("id",), ("entity", "rubric"))):
        for name in ids:
            col = table.column(name)
            bad += count(pc.invert(pc.match_substring_regex(col, ident)))
            bad += count(pc.greater(pc.utf8_length(col), 80))
        for name in texts:
            bad += count(pc.invert(pc.match_substring_regex(table.column(name), r"\S")))
    conf = ev.column("confidence")
    bad += count(pc.or_(pc.less(conf, 0), pc.greater(conf, 1)))
    factors = [f["id"] for f in rubric["factors"]]
    bad += count(pc.invert(pc.is_in(ev.column("factor"), pa.array(factors))))
    bad += count(pc.invert(pc.is_in(src.column("reliability"),
                                    pa.array(list(rubric["reliability"])))))
    number = pc.cast(ev.column("value"), pa.float64(), safe=False) \
        if ev.column("value").type != pa.string() else None
    if number is None:
        numeric = pc.match_substring_regex(ev.column("value"), r"^[-+]?[0-9.]+([eE][-+]?\d+)?$")
        labels = [k for f in rubric["factors"] for i in f.get("indicators", [])
                  if i["mapping"]["type"] == "categories" for k in i["mapping"]["categories"]]
        bad += count(pc.invert(pc.or_(numeric, pc.is_in(ev.column("value"), pa.array(labels)))))
    joined = ev.select(["case", "observed", "source"]).join(
        cases.select(["id", "as_of"]), "case", "id")
    bad += count(pc.greater(joined.column("observed"), joined.column("as_of")))
    refs = ev.select(["case", "source"]).join(src.select(["case", "id"]).append_column(
        "found", pa.array([True] * src.num_rows)), ["case", "source"], ["case", "id"])
    bad += count(pc.invert(refs.column("found")))
    for table in (ev, src):
        dup = table.group_by(["case", "id"]).aggregate([("id", "count")])
        bad += count(pc.greater(dup.column("id_count"), 1))
    return bad


# --------------------------------------------------------------------------- driver


def run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024)


def universe_of(base: Path, n: int) -> Path:
    folder = base / "parquet" if n == 10_000 else base / f"parquet-{n}"
    if not (folder / "cases.parquet").is_file():
        from scoring.desk.synthetic import write_universe

        write_universe(folder, n)
    return folder


def _figure(xs: list[float], unit: str = "s") -> str:
    return f"min {min(xs):.2f} {unit}, median {statistics.median(xs):.2f} {unit}"


def _ratios(ours: list[float], peer: list[float]) -> str:
    """Each round's ratio (both sides measured back to back), min and median."""
    r = [a / b for a, b in zip(ours, peer, strict=True)]
    return f"min {min(r):.2f} x, median {statistics.median(r):.2f} x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universe", type=Path, default=Path("/tmp/scoring-universe"))
    parser.add_argument("--sizes", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-load", action="store_true",
                        help="only the CLI against DuckDB (and the peak RSS)")
    parser.add_argument("peer", nargs="*", help=argparse.SUPPRESS)  # duckdb FOLDER OUT
    args = parser.parse_args()
    if args.peer:  # the DuckDB peer, in its own process
        duckdb_scores(Path(args.peer[1]), Path(args.peer[2]))
        return
    py = sys.executable
    # scoring's bytecode compiled, as pip does when it installs the package (this machine
    # sets PYTHONDONTWRITEBYTECODE=1: each run would compile scoring's source, ~75 ms)
    subprocess.run([py, "-m", "compileall", "-q", "scoring"], cwd=REPO, check=True)
    rows: list[tuple[str, str]] = []
    # Fresh processes first: a child's peak RSS (ru_maxrss) counts its parent's memory at the
    # fork, so this process stays small until they have run. The CLI and the peer run in
    # turn, round by round (paired), so a busy neighbour moves both sides of a ratio alike.
    import pandas as pd

    for n in args.sizes:
        folder = universe_of(args.universe, n)
        with tempfile.TemporaryDirectory() as tmp:
            cli = [py, "-m", "scoring.cli", "score", str(folder), "--format", "parquet",
                   "-o", f"{tmp}/cli.parquet"]
            peer = [py, str(Path(__file__)), "duckdb", str(folder), f"{tmp}/duckdb.parquet"]
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(run(cli))
                theirs.append(run(peer))
            both = pd.read_parquet(f"{tmp}/cli.parquet").merge(
                pd.read_parquet(f"{tmp}/duckdb.parquet"), on=["case", "scenario"],
                suffixes=("", "_peer"))
            diff = float((both["composite"] - both["composite_peer"]).abs().max())
            same_band = float((both["band"] == both["band_peer"]).mean())
        rows += [
            (f"{n:,} cases: CLI score --format parquet, CPU",
             f"{_figure([o[1] for o in ours])}; wall {_figure([o[0] for o in ours])}"),
            (f"{n:,} cases: DuckDB SQL peer, CPU",
             f"{_figure([t[1] for t in theirs])}; wall {_figure([t[0] for t in theirs])}; "
             f"composites agree to {diff:.1e}, bands {same_band:.2%}"),
            (f"{n:,} cases: CLI / DuckDB, CPU", _ratios([o[1] for o in ours],
                                                        [t[1] for t in theirs])
             + " (budget <= 2)"),
            (f"{n:,} cases: CLI / DuckDB, wall", _ratios([o[0] for o in ours],
                                                         [t[0] for t in theirs])),
            (f"{n:,} cases: CLI peak RSS", f"{max(o[2] for o in ours):,.0f} MiB"
             " (budget <= 400 at 10 000)")]
    if not args.skip_load:
        rows += _load_rows(universe_of(args.universe, max(args.sizes)), args.runs)
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:{width}}  {v}")


def _load_rows(u: Path, runs: int) -> list[tuple[str, str]]:
    """Load + validate + tidy tables in this process against the pyarrow peer, CPU time,
    in turn round by round."""
    from scoring.formats.tables import build_tables
    from scoring.formats.universe import Universe

    def load_tables(universe: Universe) -> int:
        """Every case loaded, validated and made into the method's tables, a part at a
        time as the CLI does; the number of item rows."""
        problems: list[Any] = []
        rows = 0
        for sets in universe.parts(problems):
            rows += sum(len(build_tables(cs, lean=True).items) for cs in sets)
        assert not problems
        return rows

    ours, theirs = [], []
    for _ in range(runs):
        ours.append(_timed(lambda: load_tables(Universe.open(u))))
        theirs.append(_timed(lambda: pyarrow_checks(u)))
    return [(f"load + validate + tidy tables (in process), {u.name}, CPU", _figure(ours)),
            ("pyarrow read + vectorised checks, CPU", _figure(theirs)),
            ("load / pyarrow, CPU", _ratios(ours, theirs) + " (budget <= 2)")]


def _timed(fn: Any) -> float:
    """CPU seconds of this process (all threads) spent in ``fn``."""
    start = time.process_time()
    fn()
    return time.process_time() - start


if __name__ == "__main__":
    main()
