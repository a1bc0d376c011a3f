"""The Dask engine (scoring/engines/dask_engine.py): the same scores as the in-process engine,
byte for byte, on a LocalCluster of two worker processes; a worker killed mid-run; problems
of one partition at their file, row and column."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from scoring.api import universe_scores
from scoring.cli import main
from scoring.desk.synthetic import write_partitioned, write_universe
from scoring.errors import EngineError, InputError

from ..conftest import REPO

distributed = pytest.importorskip("distributed")

EXAMPLE = REPO / "examples" / "universe"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two worker processes, shared by the tests of this module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def universes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 120 synthetic cases as single tables, and as datasets of 4 partitions (the
    tables of the first split by hand, the way docs/scale.md shows); and 100 more cases
    written partition by partition."""
    root = tmp_path_factory.mktemp("u")
    single = write_universe(root / "single", 120, n_items=8)
    split = root / "split"
    shutil.copytree(single, split, ignore=shutil.ignore_patterns("*.parquet"))
    bucket = {f"C{k:06d}": f"{(k - 1) // 30:02d}" for k in range(1, 121)}
    for name, key in (("cases", "id"), ("sources", "case"), ("evidence", "case")):
        table = pq.read_table(single / f"{name}.parquet")
        for b in sorted(set(bucket.values())):
            rows = [bucket[c] == b for c in table.column(key).to_pylist()]
            leaf = split / name / f"case_hash={b}"
            leaf.mkdir(parents=True)
            pq.write_table(table.filter(rows), leaf / "part-0.parquet")
    return {"single": single, "split": split,
            "generated": write_partitioned(root / "generated", 100, n_items=6, per_part=25)}


def both(folder: Path, fmt: str, scheduler: str, **kw: Any) -> tuple[Any, Any]:
    return (universe_scores(folder, fmt, **kw),
            universe_scores(folder, fmt, engine="dask", scheduler=scheduler, **kw))


def test_the_same_text_as_in_process(scheduler: str, universes: dict[str, Path]) -> None:
    for fmt in ("table", "json"):
        here, there = both(EXAMPLE, fmt, scheduler)
        assert here == there
    for folder in (universes["split"], universes["generated"]):
        here, there = both(folder, "csv", scheduler)  # every number at full precision
        assert here == there


def test_the_same_peers_as_in_process(scheduler: str, tmp_path: Path) -> None:
    """Peer statistics need every case: the same, to the bit, when Dask scores the parts."""
    root = write_universe(tmp_path / "u", 12, n_items=5, fmt="csv", peer_groups=3)
    for folder in (EXAMPLE, root):
        here, there = both(folder, "csv", scheduler, peers=True)
        assert here == there and "peer_rank" in str(here)


def test_the_same_parquet_bytes(scheduler: str, universes: dict[str, Path], tmp_path: Path
                                ) -> None:
    for name, folder in (("example", EXAMPLE), ("single", universes["single"])):
        a, b = tmp_path / f"{name}-a.parquet", tmp_path / f"{name}-b.parquet"
        here = universe_scores(folder, "parquet", output=a)
        there = universe_scores(folder, "parquet", output=b, engine="dask",
                                scheduler=scheduler)
        assert here == there == a.read_bytes() == b.read_bytes()


def test_partitions_score_as_the_single_tables(universes: dict[str, Path]) -> None:
    assert universe_scores(universes["single"], "csv") == \
        universe_scores(universes["split"], "csv")


def test_a_dataset_out_one_file_per_part(scheduler: str, universes: dict[str, Path],
                                         tmp_path: Path, runner: CliRunner) -> None:
    folder = universes["split"]
    a, b = tmp_path / "a", tmp_path / "b"
    universe_scores(folder, "parquet", output=a)
    res = runner.invoke(main, ["score", str(folder), "--engine", "dask", "--scheduler",
                               scheduler, "--format", "parquet", "-o", str(b)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in a.iterdir())
    assert names == [f"part-0000{k}.parquet" for k in range(4)]
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    whole = pd.read_parquet(universe_scores(folder, "parquet", output=tmp_path / "w.parquet")
                            and tmp_path / "w.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(b), whole)
    # a second run replaces the dataset; a folder with anything else in it is refused
    universe_scores(folder, "parquet", output=b, engine="dask", scheduler=scheduler)
    (b / "notes.txt").write_text("mine")
    res = runner.invoke(main, ["score", str(folder), "--format", "parquet", "-o", str(b)])
    assert res.exit_code == 1
    assert "holds 'notes.txt', which scoring did not write" in res.output
    assert (b / "notes.txt").read_text() == "mine"
    # never into the universe
    res = runner.invoke(main, ["score", str(folder), "--format", "parquet", "-o",
                               str(folder / "scores")])
    assert res.exit_code == 1 and "a folder this run reads" in res.output
    assert not (folder / "scores").exists()


class KillOnce(distributed.WorkerPlugin):  # type: ignore[misc]
    """Kills the worker process that starts the first task (once: the marker file)."""

    name = "kill-once"

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish == "executing" and not os.path.exists(self.marker):
            Path(self.marker).touch()
            os._exit(1)


def test_a_worker_killed_mid_run(scheduler: str, universes: dict[str, Path], tmp_path: Path
                                 ) -> None:
    folder = universes["generated"]
    marker = tmp_path / "killed"
    with distributed.Client(scheduler) as client:
        client.register_plugin(KillOnce(str(marker)))
        try:
            there = universe_scores(folder, "csv", engine="dask", scheduler=scheduler)
        finally:
            client.unregister_worker_plugin(KillOnce.name)
        client.wait_for_workers(2)
    assert marker.exists()
    assert there == universe_scores(folder, "csv")


def test_problems_of_a_partition_at_their_place(scheduler: str, universes: dict[str, Path],
                                                tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(universes["split"], folder)
    leaf = folder / "evidence" / "case_hash=02" / "part-0.parquet"
    frame = pd.read_parquet(leaf)
    frame.loc[5, "confidence"] = 7.0
    frame.loc[9, "factor"] = "nope"
    frame.to_parquet(leaf, index=False)
    with pytest.raises(InputError) as here:
        universe_scores(folder, "csv")
    with pytest.raises(InputError) as there:
        universe_scores(folder, "csv", engine="dask", scheduler=scheduler)
    assert here.value.problems == there.value.problems
    where = os.path.relpath(leaf)
    assert [str(p).split(": ")[0] for p in there.value.problems] == [
        f"{where}:7:6", f"{where}:11:3"]
    res = runner.invoke(main, ["score", str(folder), "--engine", "dask", "--scheduler",
                               scheduler])
    assert res.exit_code == 2
    assert res.output.startswith("Dask dashboard: http://")
    assert res.output.splitlines()[1].startswith(f"{where}:7:6: confidence: ")
    assert "2 problems found; nothing was scored." in res.output


def test_without_dask_exit_1_and_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                               runner: CliRunner) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    res = runner.invoke(main, ["score", str(EXAMPLE), "--engine", "dask"])
    assert res.exit_code == 1
    assert res.output == ("Error: --engine dask needs Dask, which is not installed: pip "
                          "install 'rubric-risk-scoring[dask]' (see "
                          "docs/errors.md#engine-error)\n")
    with pytest.raises(EngineError):
        universe_scores(EXAMPLE, "csv", engine="dask")


def test_usage(runner: CliRunner) -> None:
    res = runner.invoke(main, ["score", str(EXAMPLE), "--scheduler", "tcp://x:1"])
    assert res.exit_code == 2 and "add --engine dask" in res.output
    res = runner.invoke(main, ["score", str(REPO / "examples" / "docs-example"),
                               "--engine", "dask"])
    assert res.exit_code == 2 and "scores a universe folder" in res.output


def test_a_portfolio_report_rendered_by_the_cluster(scheduler: str, tmp_path: Path,
                                                    runner: CliRunner) -> None:
    """`scoring report UNIVERSE --engine dask`: the parts scored and the case pages rendered
    as tasks; the same files, byte for byte, as in process."""
    here, there = tmp_path / "here", tmp_path / "there"
    res = runner.invoke(main, ["report", str(EXAMPLE), "-o", str(here)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["report", str(EXAMPLE), "-o", str(there), "--engine", "dask",
                               "--scheduler", scheduler])
    assert res.exit_code == 0, res.output
    files = sorted(p.relative_to(here) for p in here.rglob("*") if p.is_file())
    assert len(files) == 5  # index.html and the four case pages
    assert files == sorted(p.relative_to(there) for p in there.rglob("*") if p.is_file())
    for f in files:
        assert (here / f).read_bytes() == (there / f).read_bytes(), f
    res = runner.invoke(main, ["report", str(EXAMPLE), "-o", str(there), "--engine", "dask",
                               "--jobs", "2"])
    assert res.exit_code == 2 and "--jobs" in res.output


def test_a_backtest_on_dask_measures_the_same(scheduler: str, universes: dict[str, Path],
                                              tmp_path: Path) -> None:
    """The parts scored as Dask tasks, the measures computed from their scores: the same
    JSON, number for number, as in process (issue 23)."""
    pytest.importorskip("scipy", reason="the backtest extra is not installed")
    import json

    from scoring.api import backtest_universe

    folder = universes["split"]  # 120 cases in 4 partitions
    ids = [f"C{k:06d}" for k in range(1, 121)]
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("case,outcome,observed\n" + "".join(
        f"{c},{int(k % 7 in (0, 3))},2099-01-01\n" for k, c in enumerate(ids)),
        encoding="utf-8")
    here = backtest_universe(folder, outcomes)
    there = backtest_universe(folder, outcomes, engine="dask", scheduler=scheduler)
    assert here.cases == 120 and here.auc is not None
    assert json.dumps(here.to_json()) == json.dumps(there.to_json())
