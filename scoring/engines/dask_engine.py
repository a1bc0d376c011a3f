"""Score a universe on Dask: each part of the universe is one task (docs/scale.md).

The driver lists the parts (``Universe.specs``: the case folders, ranges of cases of single
tables, or the partitions of Parquet datasets; for datasets it reads nothing but the files'
footers), each worker validates and scores its part with ``score_part``, the function the
in-process engine calls, and the results come back in order to ``collect``. Problems come
back as data, with their file, row and column, so that every problem of every part is
reported at once, as in-process. Without a scheduler address, a ``LocalCluster`` with one
worker process per core (one thread each: the method is numpy, the GIL is held often).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.peers import CasePeers
from ..analysis.universe import PartScores, UniverseScores, collect, score_part, score_universe
from ..errors import EngineError
from ..formats.universe import Part, Universe
from ..output import RunInputs
from ..progress import no_progress
from ..report.portfolio_report import write_case_page, write_portfolio

INSTALL = "pip install 'rubric-risk-scoring[dask]'"

# A worker's universe, opened once per run (a single-tables universe reads its tables once).
_opened: dict[tuple[str, str], Universe] = {}


def _score(root: str, run: str, part: Part) -> PartScores:
    """The task: validate and score one part (in a worker process)."""
    key = (root, run)
    if key not in _opened:
        _opened.clear()  # the universe of an earlier run on this worker
        _opened[key] = Universe.open(Path(root))
    return score_part(_opened[key], part)


def _modules() -> Any:
    try:
        import distributed
    except ImportError:
        raise EngineError(f"--engine dask needs Dask, which is not installed: {INSTALL}"
                          ) from None
    return distributed


@contextlib.contextmanager
def _client(scheduler: str | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster of one worker process
    per core (closed at the end)."""
    distributed = _modules()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except OSError as exc:
            raise EngineError(f"--scheduler {scheduler}: cannot reach the Dask scheduler: "
                              f"{exc}") from None
        with client:
            yield client
        return
    # dashboard on a free port: a fixed one would clash with any other run on the machine
    with distributed.LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1,
                                  processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def dashboard(client: Any) -> str | None:
    """The address of the scheduler's dashboard, when it runs one (it needs bokeh)."""
    services = client.scheduler_info().get("services", {})
    return str(client.dashboard_link) if "dashboard" in services else None


def score_universe_dask(folder: Path, scheduler: str | None = None,
                        sink: Callable[[int, pd.DataFrame], None] | None = None,
                        say: Callable[[str], None] | None = None) -> UniverseScores:
    """The scores of the universe in ``folder``, its parts scored as Dask tasks: the same
    scores as the in-process engine, number for number. ``say`` hears the dashboard's
    address; a progress bar is drawn on standard error when it is a terminal."""
    with _client(scheduler) as client:
        return _scores(client, folder, sink, say)


def _root(folder: Path) -> Path:
    # Workers may run elsewhere: the universe by its absolute path (not resolved: a problem's
    # path is shown relative to the working folder, as the in-process engine shows it).
    return Path(os.path.abspath(folder))


def _scores(client: Any, folder: Path, sink: Callable[[int, pd.DataFrame], None] | None,
            say: Callable[[str], None] | None) -> UniverseScores:
    """The universe's scores, its parts scored as tasks of ``client``."""
    distributed = _modules()
    root = _root(folder)
    universe = Universe.open(root)
    parts = universe.specs()
    run = uuid.uuid4().hex
    link = dashboard(client)
    if link is not None and say is not None:
        say(f"Dask dashboard: {link}")
    futures = client.map(_score, [str(root)] * len(parts), [run] * len(parts), parts,
                         key=[f"score-part-{k}-{run}" for k in range(len(parts))], pure=False)
    _progress(distributed, futures)

    def results() -> Iterator[PartScores]:
        for k in range(len(futures)):
            yield _result(distributed, futures, k, "score part")
            futures[k] = None  # let the cluster forget it: memory of one part at a time

    return collect(universe, results(), sink)


def _progress(distributed: Any, futures: list[Any]) -> None:
    if sys.stderr.isatty():
        with contextlib.redirect_stdout(sys.stderr):  # the bar writes to stdout
            distributed.progress(futures)


def _result(distributed: Any, futures: list[Any], k: int, what: str) -> Any:
    try:
        return futures[k].result()
    except distributed.KilledWorker as exc:
        raise EngineError(f"a Dask worker died on each try to {what} {k} of {len(futures)} "
                          f"({exc}); out of memory? Use smaller partitions") from None


def write_portfolio_dask(folder: Path, output: Path, generated_at: dt.datetime | None,
                         scheduler: str | None = None,
                         say: Callable[[str], None] | None = None,
                         dates: tuple[dt.date, dt.date] | None = None) -> int:
    """The portfolio report of the universe in ``folder`` (``write_portfolio``), its parts
    scored and its case pages rendered as Dask tasks: the same files as in process. The
    workers write the pages, so they must see ``output`` at the same path."""
    distributed = _modules()
    root = _root(folder)
    with _client(scheduler) as client:
        scores = _scores(client, folder, None, say)

        def pages(indices: list[int], into: Path, read: RunInputs,
                  peers: dict[int, CasePeers]) -> None:
            n = len(indices)
            run = uuid.uuid4().hex
            futures = client.map(write_case_page, [str(root)] * n, indices,
                                 [os.path.abspath(into)] * n, [generated_at] * n, [read] * n,
                                 [peers.get(k) for k in indices],
                                 key=[f"case-page-{k}-{run}" for k in indices], pure=False)
            _progress(distributed, futures)
            for k in range(n):
                _result(distributed, futures, k, "render case page")
                futures[k] = None

        history = score_universe(root, dates=dates) if dates is not None else None
        return write_portfolio(root, Path(output), generated_at, None, no_progress, scores,
                               pages, history)
