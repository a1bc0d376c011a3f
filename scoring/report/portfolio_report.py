"""Write a universe's portfolio report: ``index.html`` and one page per case.

Each case page is the single-case report (``report/model.py`` + ``templates/report.html``) with
every feature it has: the case is scored again on its own, with its trace. With many cases the
pages are rendered by several worker processes; the index is written last, so that every link
it holds resolves once it exists.

The index has one small inline script (sorting and filtering) allowed by its SHA-256 in the
page's Content-Security-Policy, like the style sheet; it loads nothing, and the page reads the
same without it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

import markupsafe

from ..analysis.peers import CasePeers, case_peers
from ..analysis.universe import UniverseScores
from ..formats.universe import Universe
from ..output import NO_INPUTS, RunInputs, guard, make_folder, on_sigterm_raise, write_atomic
from ..progress import Progress
from .html import render_page
from .portfolio_model import CASE_PAGES, PortfolioPage, build_portfolio

PARALLEL_FROM = 20  # cases; below this, pages are rendered in this process

_universe: Universe | None = None  # a worker's universe (opened once per process)
_read: RunInputs = NO_INPUTS  # what the run reads: no page may land on it


def _template_text(name: str) -> str:
    return (resources.files("scoring.report") / "templates" / name).read_text(encoding="utf-8")


def _sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def index_csp(css: str, script: str) -> str:
    """Nothing loads; only the inline style sheet and script, by their hashes, run."""
    return (f"default-src 'none'; style-src 'sha256-{_sha256_b64(css)}'; "
            f"script-src 'sha256-{_sha256_b64(script)}'; img-src 'none'; font-src 'none'; "
            "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")


def render_index(page: PortfolioPage) -> str:
    """The index page as HTML text."""
    css = _template_text("report.css") + _template_text("portfolio.css")
    script = _template_text("portfolio.js")
    return render_page("portfolio.html", page=page, css=markupsafe.Markup(css),
                       script=markupsafe.Markup(script), csp=index_csp(css, script))


def render_case_page(case_index: int, generated_at: dt.datetime | None,
                     peers: CasePeers | None = None) -> tuple[str, str]:
    """(case id, HTML) of the single-case report of the ``case_index``-th case (with its
    ``peers``, when it has a peer group)."""
    from ..analysis.result import score
    from .html import render_report
    from .model import build_report

    assert _universe is not None
    result = score(_universe.load(case_index), peers=peers)
    html = render_report(build_report(result, generated_at))
    return result.case.meta.id, html


Job = tuple[int, str, dt.datetime | None, CasePeers | None]


def _write_case(job: Job) -> str:
    case_index, folder, generated_at, peers = job
    case_id, html = render_case_page(case_index, generated_at, peers)
    write_atomic(Path(folder) / f"{case_id}.html", html, _read)
    return case_id


def write_case_page(root: str, case_index: int, folder: str,
                    generated_at: dt.datetime | None, read: RunInputs,
                    peers: CasePeers | None = None) -> str:
    """Write the page of the ``case_index``-th case of the universe in ``root`` into
    ``folder``, from any process (a Dask worker): the universe is opened once per process."""
    _open(root, read)
    with _set_aside():
        return _write_case((case_index, folder, generated_at, peers))


def _open(root: str, read: RunInputs) -> None:
    """Worker initializer: open the universe once per process; remember what it reads."""
    global _universe, _read
    _read = read
    if _universe is None or _universe.root != Path(root):
        _universe = Universe.open(Path(root))


def _start_worker(root: str, read: RunInputs) -> None:
    # A worker killed with the run (SIGTERM to the process group) removes its temporary file.
    on_sigterm_raise()
    _open(root, read)
    gc.freeze()  # what lives for the whole run, out of the collector's way (see _set_aside)


@contextlib.contextmanager
def _set_aside() -> Iterator[None]:
    """While pages render, the objects alive before them (modules, the universe's tables)
    are set aside from the garbage collector (``gc.freeze``): a page makes tens of thousands
    of objects, and each full collection would scan every long-lived one again. Undone
    afterwards; left alone when something else froze objects already."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def write_case_pages(root: Path, indices: list[int], folder: Path,
                     generated_at: dt.datetime | None, jobs: int, progress: Progress,
                     read: RunInputs = NO_INPUTS,
                     peers: dict[int, CasePeers] | None = None) -> None:
    """Render the case pages of ``indices`` into ``folder``, with ``jobs`` processes; no
    page may land on what the run ``read``. ``peers``: each case's peers, by index (a
    group's rows are one frame shared by its cases' jobs)."""
    make_folder(folder, read)
    peers = peers or {}
    work: list[Job] = [(k, str(folder), generated_at, peers.get(k)) for k in indices]
    if jobs <= 1:
        _open(str(root), read)
        with _set_aside():
            for done, job in enumerate(work, start=1):
                _write_case(job)
                progress(done, len(work))
        return
    # forkserver: workers start clean (no inherited threads or locks) and open the universe.
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(str(root), read))
    try:
        chunk = max(1, min(32, len(work) // (jobs * 8)))
        for done, _ in enumerate(pool.map(_write_case, work, chunksize=chunk), start=1):
            progress(done, len(work))
    finally:
        # On an error or an interruption, pages not yet started are dropped, not rendered.
        pool.shutdown(wait=True, cancel_futures=True)


def default_jobs(n_cases: int) -> int:
    return 1 if n_cases < PARALLEL_FROM else max(1, min(os.cpu_count() or 1, 8))


# Writes the pages of the given cases into a folder, never onto what the run reads, each
# with its peers (by case index).
PageWriter = Callable[[list[int], Path, RunInputs, dict[int, CasePeers]], None]


def write_portfolio(root: Path, output: Path, generated_at: dt.datetime | None,
                    jobs: int | None, progress: Progress, scores: UniverseScores,
                    write_pages: PageWriter | None = None,
                    history: UniverseScores | None = None) -> int:
    """Write the case pages of the universe in ``root``, whose ``scores`` the caller made
    (with ``jobs`` processes here, or by ``write_pages``: another engine's), and then
    ``output/index.html``; with ``history`` (the universe scored at two as-of dates, by
    the caller too), the index lists the band migrations between them (docs/history.md)."""
    indices = list(scores.index.values())
    jobs = default_jobs(len(indices)) if jobs is None else jobs
    # Every target is checked before the first page is rendered, and again as it is written.
    make_folder(output, scores.read)
    pages = output / CASE_PAGES
    guard(output / "index.html", "file", scores.read)
    make_folder(pages, scores.read)
    for case_id in scores.index:
        guard(pages / f"{case_id}.html", "file", scores.read)
    stats = scores.peers()
    peers = {scores.index[c]: p for c, p in case_peers(stats).items()}
    if write_pages is None:
        write_case_pages(root, indices, pages, generated_at, jobs, progress, scores.read, peers)
    else:
        write_pages(indices, pages, scores.read, peers)
    title = f"Portfolio: {root.resolve().name}"
    write_atomic(output / "index.html", render_index(build_portfolio(scores, title,
                                                                     generated_at, stats,
                                                                     history)),
                 scores.read)
    return len(indices)
