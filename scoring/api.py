"""One-call entry points that the CLI (and scripts) use."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .errors import InputError, Problem
from .formats.loader import load_case
from .formats.models import (
    CaseFile,
    EvidenceFile,
    FiguresFile,
    OutcomesFile,
    RestatementsFile,
    Rubric,
    ScenariosFile,
    SourcesFile,
)
from .output import NO_INPUTS, RunInputs, dumps_json, guard, is_stream, write_atomic, write_folder
from .progress import Progress, no_progress

if TYPE_CHECKING:
    import pandas as pd

    from .analysis.diff import CaseDiff
    from .analysis.locate import Located
    from .analysis.report_check import ReportCheck
    from .analysis.result import Result
    from .analysis.verify import Verification
    from .desk.facts_bulk import BulkReport
    from .desk.facts_import import FactsReport
    from .desk.source_import import ImportReport
    from .formats.bundle import Bundle

# The file formats `scoring schema` writes, by name. The reviews model is imported when a schema
# is asked for (formats/reviews.py), not by every command: `score` of a universe never needs it.
SCHEMA_MODELS: dict[str, type[BaseModel] | str] = {
    "rubric": Rubric,
    "case": CaseFile,
    "sources": SourcesFile,
    "evidence": EvidenceFile,
    "figures": FiguresFile,
    "restatements": RestatementsFile,
    "scenarios": ScenariosFile,
    "outcomes": OutcomesFile,
    "reviews": "ReviewsFile",
}


def score_folder(folder: str | os.PathLike[str], analyses: bool = True) -> Result:
    """Load the case in ``folder`` and score it (with ``analyses``: sensitivity and Monte
    Carlo too)."""
    from .analysis.result import score

    return score(load_case(folder), analyses=analyses)


def report_bundle(result: Result, folder: str | os.PathLike[str], command: Sequence[str],
                  output: str, options: dict[str, Any] | None = None,
                  baseline: tuple[Result, Path] | None = None,
                  backtest: Path | None = None) -> Bundle:
    """The inputs bundle an output of kind ``output`` (html, pdf, json, xlsx) of ``result``
    (the case in ``folder``) carries: its manifest (``command``, argv without the output
    path; ``options`` that shaped the output) and its input files (docs/trust.md); with
    ``baseline`` (its result and folder) and ``backtest``, their files too."""
    from .analysis.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
    from .formats.bundle import make_bundle

    return make_bundle(result.case, Path(folder), command, output, DEFAULT_SEED,
                       DEFAULT_DRAWS, options,
                       None if baseline is None else (baseline[0].case, baseline[1]),
                       backtest)


def report_options(baseline: str | os.PathLike[str] | None = None,
                   snapshots: list[Path] | None = None, dates: tuple[dt.date, ...] = (),
                   backtest: str | os.PathLike[str] | None = None,
                   generated_at: dt.datetime | None = None) -> dict[str, Any]:
    """What, beyond the case, shaped a report: recorded in its bundle's manifest, so that
    ``verify-report`` knows which numbers came from files the bundle does not carry."""
    from .display import display_path

    out: dict[str, Any] = {}
    if baseline is not None:
        out["baseline"] = display_path(baseline)
    if snapshots:
        out["snapshots"] = [display_path(p) for p in snapshots]
    if dates:
        out["dates"] = [str(d) for d in dates]
    if backtest is not None:
        out["backtest"] = display_path(backtest)
    if generated_at is not None:
        out["generated_at"] = generated_at.isoformat()
    return out


def write_report(folder: str | os.PathLike[str], output: str | os.PathLike[str],
                 generated_at: dt.datetime | None = None,
                 baseline: str | os.PathLike[str] | None = None,
                 snapshots: list[Path] | None = None,
                 dates: tuple[dt.date, ...] = (),
                 backtest: str | os.PathLike[str] | None = None,
                 command: Sequence[str] = ()) -> Result:
    """Score the case in ``folder`` and write its HTML report to ``output`` atomically,
    carrying its inputs bundle (``command``: the argv that made it, without the output
    path, recorded in the bundle's manifest); with
    ``baseline`` (another version of the case), add a "What changed" section; with
    ``snapshots`` (folders of source documents), show each excerpt's verification; with
    ``dates``, add a trend section: the case at each date (docs/history.md); with
    ``backtest`` (a ``scoring backtest --format json`` file of the case's rubric), show
    beside each band the rate at which the backtest's cases in it had the event."""
    from .report.html import render_report
    from .report.model import build_report

    if snapshots is not None:
        _check_snapshot_folders(snapshots)
    result = score_folder(folder)
    read = result.case.read + RunInputs.of(folders=snapshots or [])
    guard(Path(output), "file", read, device_ok=True)  # before the work, and again when writing
    changes = None
    old = None
    if baseline is not None:  # the diff and its page model only then
        old = score_folder(baseline)
        read += old.case.read
        changes = _changes(result, old, Path(baseline).name or str(baseline))
    checked = None
    if snapshots is not None:
        from .analysis.verify import verify_case

        checked = verify_case(result.case, Path(folder), snapshots)
    trend = _trend(result, dates) if dates else None
    on_file = None
    if backtest is not None:
        on_file = _backtest_of(Path(backtest), result.case.rubric)
        read += RunInputs.of(files=[Path(backtest)])
    bundle = report_bundle(result, folder, command, "html",
                           report_options(baseline, snapshots, dates, backtest, generated_at),
                           None if old is None or baseline is None else (old, Path(baseline)),
                           None if backtest is None else Path(backtest))
    from .formats.reviews import REVIEWS_FILE, read_reviews
    from .formats.signoff import read_signoffs

    reviews = read_reviews(Path(folder))
    if not reviews.findings.empty:
        read += RunInputs.of(files=[Path(folder) / REVIEWS_FILE])
    signoffs = read_signoffs(Path(folder))
    write_atomic(Path(output),
                 render_report(build_report(result, generated_at, changes, checked, trend,
                                            on_file, bundle, reviews, signoffs,
                                            _signoff_diffs(signoffs, result, Path(folder)))),
                 read, device_ok=True)
    return result


def _changes(result: Result, old: Result, label: str) -> Any:
    """The "What changed" section of ``result`` against the baseline ``old`` (``label``)."""
    from .analysis.diff import case_diff
    from .report.changes import build_changes

    return build_changes(case_diff(old, result), label,
                         set(result.case.evidence.items["id"].tolist()))


def _trend(result: Result, dates: Sequence[dt.date]) -> Any:
    """The trend section of ``result``'s case at ``dates``."""
    from .analysis.history import case_history
    from .report.trend import build_trend

    return build_trend(case_history(result.case, tuple(dates)))


def carried_numbers(result: Result, baseline: Path | None, backtest: Path | None,
                    options: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The numbers a report took from beyond its case, recomputed through the very functions
    ``write_report`` calls: with ``baseline`` (laid out from the bundle) the "What changed"
    section's, with ``options['dates']`` the trend's points, with ``backtest`` the panel's
    band rates and intervals. By id: (shown text, full-precision text)."""
    from .report.model import build_report

    out: dict[str, tuple[str, str]] = {}
    if baseline is not None:
        label = Path(str(options.get("baseline", baseline))).name or str(baseline)
        changes = _changes(result, score_folder(baseline), label)
        out.update((d.id, (d.value.display, d.value.raw)) for d in changes.derivations)
    if options.get("dates"):
        trend = _trend(result, [dt.date.fromisoformat(d) for d in options["dates"]])
        out.update((p.id, (f"{p.composite} ({p.band})", p.raw))
                   for c in trend.charts for p in c.points)
    if backtest is not None:
        panel = build_report(result, None, backtest=_backtest_of(backtest,
                                                                  result.case.rubric)).backtest
        assert panel is not None
        for r in panel.rows:  # the ids the page's titles name: bands[k].rate, .interval
            out[f"backtest/{r.key}.rate"] = (r.rate, "")
            out[f"backtest/{r.key}.interval"] = (r.interval, "")
    return out


def _backtest_of(path: Path, rubric: Any) -> Any:
    """The backtest file at ``path``, checked to be of ``rubric`` (id, version and bands)."""
    from .formats.backtest_file import read_backtest

    bt = read_backtest(path)
    problems = []
    if (bt.rubric, bt.rubric_version) != (rubric.id, rubric.version):
        problems.append(Problem(bt.path, 0, 0, "rubric", f"the backtest is of rubric "
                                f"{bt.rubric} {bt.rubric_version}; this case's is "
                                f"{rubric.id} {rubric.version}"))
    elif [b.band for b in bt.bands] != [b.name for b in rubric.bands]:
        problems.append(Problem(bt.path, 0, 0, "bands", "the backtest's bands ("
                                + ", ".join(b.band for b in bt.bands) + ") are not the "
                                "rubric's (" + ", ".join(b.name for b in rubric.bands) + ")"))
    if problems:
        raise InputError(problems)
    return bt


def write_tearsheet(folder: str | os.PathLike[str], output: str | os.PathLike[str],
                    generated_at: dt.datetime | None = None,
                    command: Sequence[str] = ()) -> Result:
    """Score the case in ``folder`` and write its PDF tear sheet (docs/report.md) to
    ``output`` atomically. Needs WeasyPrint (the ``pdf`` extra): without it, a ScoringError
    says how to install it, before any work."""
    from .report.model import build_report
    from .report.tearsheet import render_pdf, require_weasyprint

    require_weasyprint()
    result = score_folder(folder)
    read = result.case.read
    guard(Path(output), "file", read, device_ok=True)  # before the work, and again when writing
    bundle = report_bundle(result, folder, command, "pdf",
                           report_options(generated_at=generated_at))
    from .formats.reviews import REVIEWS_FILE, read_reviews
    from .formats.signoff import read_signoffs

    reviews = read_reviews(Path(folder))  # the findings line and the sign-offs, as the HTML
    if not reviews.findings.empty:
        read += RunInputs.of(files=[Path(folder) / REVIEWS_FILE])
    signoffs = read_signoffs(Path(folder))
    page = build_report(result, generated_at, bundle=bundle, reviews=reviews,
                        signoffs=signoffs,
                        signoff_diffs=_signoff_diffs(signoffs, result, Path(folder)))
    write_atomic(Path(output), render_pdf(page), read, device_ok=True)
    return result


def write_workbook(folder: str | os.PathLike[str], output: str | os.PathLike[str],
                   command: Sequence[str] = ()) -> Result:
    """Score the case in ``folder`` and write its recomputable workbook (docs/workbook.md) to
    ``output`` atomically: inputs as cells, the method as live formulas over them. Needs
    XlsxWriter (the ``xlsx`` extra): without it, a ScoringError says how to install it,
    before any work; a case the workbook cannot show yet is a ScoringError too."""
    from .analysis.result import score
    from .report.workbook import check_supported, render_workbook, require_xlsxwriter

    require_xlsxwriter()
    result = score(load_case(folder), analyses=False)
    check_supported(result)
    read = result.case.read
    guard(Path(output), "file", read, device_ok=True)  # before the work, and again when writing
    bundle = report_bundle(result, folder, command, "xlsx")
    write_atomic(Path(output), render_workbook(result, bundle), read, device_ok=True)
    return result


def check_report_signoff(path: str | os.PathLike[str], envelope: str | os.PathLike[str],
                         public_key: str | os.PathLike[str]) -> Any:
    """Check that the sign-off ``envelope`` is signed by the Ed25519 ``public_key`` and signs
    the report at ``path``: its SHA-256 and the digest of the inputs bundle it carries. An
    InputError (exit 2) naming what does not hold."""
    from .formats.bundle import read_bundle
    from .formats.signoff import check_signoff

    return check_signoff(Path(path), Path(envelope), Path(public_key),
                         read_bundle(Path(path)).digest)


def verify_report(path: str | os.PathLike[str], sources: str | os.PathLike[str] | None = None
                  ) -> ReportCheck:
    """Check the output at ``path`` (HTML, JSON, xlsx or PDF) against the inputs bundle it
    carries: the digest chain, and every number it shows recomputed by this engine; with
    ``sources`` (a folder of source documents), its snapshots and excerpts too
    (docs/trust.md). A BundleError (exit 2) for a file that is not a report or whose bundle
    cannot be read; nothing is written."""
    from .analysis.report_check import check_report

    if sources is not None:
        _check_snapshot_folders([Path(sources)])
    return check_report(Path(path), None if sources is None else Path(sources),
                        carried_numbers)


def verify_folder(folder: str | os.PathLike[str], snapshots: list[Path]) -> Verification:
    """Check the snapshots and excerpts of the case in ``folder``; ``snapshots`` are folders
    of source documents, each of which must exist."""
    from .analysis.verify import verify_case

    _check_snapshot_folders(snapshots)
    return verify_case(load_case(folder), Path(folder), snapshots)


def _check_snapshot_folders(snapshots: list[Path]) -> None:
    """A snapshot folder that is not there is a mistake, not "0 snapshot problems"."""
    missing = [Problem(str(p), 0, 0, "snapshots", "snapshot folder not found")
               for p in snapshots if not Path(p).is_dir()]
    if missing:
        raise InputError(missing)


def diff_folders(old: str | os.PathLike[str], new: str | os.PathLike[str]) -> CaseDiff:
    """Explain how the case in ``new`` scores differently from the one in ``old``."""
    from .analysis.diff import case_diff

    return case_diff(score_folder(old), score_folder(new))


def diff_against(folder: str | os.PathLike[str], rev: str) -> CaseDiff:
    """Explain how the case in ``folder`` scores differently from the same case at git
    revision ``rev``."""
    from .analysis.diff import case_diff
    from .desk.gitrev import checkout_case
    from .errors import InputError

    with tempfile.TemporaryDirectory(prefix="scoring-diff-") as tmp:
        old = checkout_case(Path(folder), rev, Path(tmp))
        try:
            before = score_folder(old.folder)
        except InputError as exc:
            # The old files are read from a temporary copy; name them as git does: SHA:path.
            raise InputError(old.relabel(exc.problems)) from None
        return case_diff(before, score_folder(folder))


def json_schema(kind: str) -> str:
    """The JSON Schema of one file format, as text."""
    named = SCHEMA_MODELS[kind]
    if isinstance(named, str):
        from .formats import reviews

        named = getattr(reviews, named)
    model: type[BaseModel] = named
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"scoring {kind} file"
    return dumps_json(schema)


ENGINES = ("in-process", "dask")
PART_FILES = "part-*.parquet"  # the files of a scores dataset (write_folder replaces only those)


def universe_scores(folder: str | os.PathLike[str], fmt: str,
                    progress: Progress | None = None,
                    output: str | os.PathLike[str] | None = None,
                    engine: str = "in-process", scheduler: str | None = None,
                    say: Callable[[str], None] | None = None,
                    peers: bool = False) -> str | bytes:
    """Score every case of the universe in ``folder`` a part at a time; the scores as
    ``fmt`` (table, csv, json: text; parquet: bytes). See docs/formats.md, "Universe scores".
    With ``output``, also write them there (atomically; never onto the universe's files): as
    Parquet, a folder ``output`` (one that exists, or a name without ``.parquet``) gets a
    dataset, one ``part-NNNNN.parquet`` per part, written as the parts are scored (and the
    result is then empty). ``engine``: ``in-process``, or ``dask`` (the parts as tasks on the
    Dask scheduler at ``scheduler``, or on a LocalCluster; ``say`` hears its dashboard).
    ``peers``: with the peer statistics of every case (``analysis/peers.py``); they need
    every case, so a Parquet folder then gets the whole summary as one part file."""
    from .analysis.peers import GROUP
    from .analysis.universe import UniverseScores, score_universe
    from .report.portfolio import render_parquet, render_scores

    def run(sink: Callable[[int, pd.DataFrame], None] | None = None) -> UniverseScores:
        if engine == "dask":
            from .engines.dask_engine import score_universe_dask

            return score_universe_dask(Path(folder), scheduler, sink, say)
        return score_universe(Path(folder), progress or no_progress, sink)

    out = None if output is None else Path(output)
    if out is not None and fmt == "parquet" and not is_stream(out) and (
            out.is_dir() or out.suffix != ".parquet"):
        def fill(tmp: Path) -> RunInputs:
            def sink(k: int, summary: pd.DataFrame) -> None:
                write_atomic(tmp / f"part-{k:05d}.parquet",
                             render_parquet(summary.drop(columns=[GROUP])), NO_INPUTS)

            if not peers:
                return run(sink).read
            whole = run()
            write_atomic(tmp / "part-00000.parquet", render_parquet(whole.output(peers=True)),
                         NO_INPUTS)
            return whole.read

        write_folder(out, fill, RunInputs.of(folders=[Path(folder)]), PART_FILES)
        return b""
    scores = run()
    if out is not None:
        guard(out, "file", scores.read, device_ok=True)
    data = render_scores(scores, fmt, peers)
    if out is not None:
        write_atomic(out, data, scores.read, device_ok=True)
    return data


def case_scores(folder: str | os.PathLike[str], fmt: str,
                output: str | os.PathLike[str] | None = None,
                command: Sequence[str] = ()) -> str | bytes | Iterator[str]:
    """The scores of one case as ``fmt`` (table, csv: text; json: text in pieces, record by
    record, so that a large case's export is never held whole, ending with the inputs
    bundle made by ``command``; parquet: the scenario summary as Parquet bytes). With
    ``output``, also write them there (atomically; never onto an input of the case)."""
    from .report.text import render_score

    # Only JSON shows the robustness analyses; the table, CSV and Parquet do not pay for them.
    result = score_folder(folder, analyses=fmt == "json")
    if output is not None:
        guard(Path(output), "file", result.case.read, device_ok=True)
    data: str | bytes | Iterator[str]
    if fmt == "parquet":
        from .report.portfolio import render_parquet

        data = render_parquet(result.summary_table())
    elif fmt == "json":
        data = with_bundle(result.json_chunks(), report_bundle(result, folder, command, "json"))
    else:
        data = render_score(result, fmt)
    if output is not None:
        write_atomic(Path(output), data, result.case.read, device_ok=True)
    return data


def with_bundle(chunks: Iterator[str], bundle: Bundle) -> Iterator[str]:
    """The pieces of a JSON output (``Result.json_chunks``) with the top-level key
    ``bundle`` added last: ``{"digest": "sha256:...", "data": base64}`` (docs/formats.md)."""
    import json

    from .formats.bundle import json_value

    last = None
    for piece in chunks:
        if last is not None:
            yield last
        last = piece
    assert last is not None and last.endswith("}\n")
    value = json.dumps(json_value(bundle), ensure_ascii=True)
    yield last[:-2] + f',\n  "bundle": {value}\n}}\n'


def write_universe_report(folder: str | os.PathLike[str], output: str | os.PathLike[str],
                          generated_at: dt.datetime | None = None, jobs: int | None = None,
                          progress: Progress | None = None, engine: str = "in-process",
                          scheduler: str | None = None,
                          say: Callable[[str], None] | None = None,
                          dates: tuple[dt.date, dt.date] | None = None) -> int:
    """Write the portfolio report of the universe in ``folder`` into the folder ``output``:
    ``index.html`` and one page per case in ``cases/``. Returns the number of cases.
    ``engine``: ``in-process`` (``jobs`` processes), or ``dask`` (parts scored and pages
    rendered as tasks on the scheduler at ``scheduler``, or on a LocalCluster). With
    ``dates`` (two as-of dates), the index lists the cases whose band moved between them."""
    if engine == "dask":
        from .engines.dask_engine import write_portfolio_dask

        return write_portfolio_dask(Path(folder), Path(output), generated_at, scheduler, say,
                                    dates)
    from .analysis.universe import score_universe
    from .report.portfolio_report import write_portfolio

    root = Path(folder)
    scores = score_universe(root)
    history = score_universe(root, dates=dates) if dates is not None else None
    return write_portfolio(root, Path(output), generated_at, jobs, progress or no_progress,
                           scores, history=history)


def new_case(folder: str | os.PathLike[str], rubric: str | os.PathLike[str],
             as_of: dt.date | None = None, entity: str | None = None) -> list[Path]:
    """Write a commented skeleton case for ``rubric`` into ``folder`` (new or empty); it
    validates and scores as written. Returns the files written."""
    from .desk.skeleton import new_case as write_skeleton

    return write_skeleton(Path(folder), Path(rubric), as_of or dt.date.today(), entity)


def import_sources(document: str | os.PathLike[str], folder: str | os.PathLike[str]
                   ) -> ImportReport:
    """Append the source list of ``document`` (and the document itself) to the sources of
    the case in ``folder`` as drafts; existing sources are never changed."""
    from .desk.source_import import import_sources as append_sources

    return append_sources(Path(document), Path(folder))


def locate_excerpt(folder: str | os.PathLike[str], item: str, snapshots: list[Path]
                   ) -> Located:
    """Where the excerpt of ``item`` occurs in the snapshots of the sources it cites."""
    from .analysis.locate import locate_excerpt as locate

    _check_snapshot_folders(snapshots)
    return locate(load_case(folder), Path(folder), item, snapshots)

def history_dates(as_of: str | None, start: dt.date | None = None, end: dt.date | None = None,
                  every: str | None = None) -> tuple[dt.date, ...]:
    """The as-of dates of a history: a list (``2026-01-01,2026-02-01``) or a cadence
    (``start`` to ``end`` every ``Nd``/``Nw``/``Nm``); see docs/history.md."""
    from .formats.history import BadDates, cadence, parse_dates

    if as_of is not None:
        if start is not None or end is not None or every is not None:
            raise BadDates("give either --as-of DATES or --from, --to and --every")
        return parse_dates(as_of)
    if start is None or end is None or every is None:
        raise BadDates("give --as-of DATES, or --from DATE --to DATE --every N(d|w|m)")
    return cadence(start, end, every)


def case_history(folder: str | os.PathLike[str], dates: tuple[dt.date, ...], fmt: str,
                 output: str | os.PathLike[str] | None = None) -> str | bytes:
    """The case in ``folder`` scored at each of ``dates`` (one pass of the method) and the
    change between consecutive dates, as ``fmt`` (table, csv, json: text; parquet: bytes).
    With ``output``, also write it there (atomically; never onto an input of the case)."""
    from .analysis.history import case_history as history
    from .report.history import render_history

    case = load_case(folder)
    if output is not None:
        guard(Path(output), "file", case.read, device_ok=True)
    data = render_history(history(case, dates), fmt)
    if output is not None:
        write_atomic(Path(output), data, case.read, device_ok=True)
    return data


def universe_history(folder: str | os.PathLike[str], dates: tuple[dt.date, ...],
                     output: str | os.PathLike[str], progress: Progress | None = None) -> int:
    """Score every case of the universe in ``folder`` at each of ``dates`` (each part in one
    pass of the method) and write a Parquet dataset partitioned by date into the folder
    ``output``: ``as_of=YYYY-MM-DD/part-NNNNN.parquet``, one file per part and date, with
    the columns of the universe's scores (docs/history.md). Returns the number of cases."""
    from .analysis.universe import score_universe
    from .report.portfolio import render_parquet

    counted: list[int] = []

    def fill(tmp: Path) -> RunInputs:
        def sink(k: int, summary: pd.DataFrame) -> None:
            for when, rows in summary.groupby("as_of", sort=True):
                part = tmp / f"as_of={when}"
                part.mkdir(exist_ok=True)
                write_atomic(part / f"part-{k:05d}.parquet",
                             render_parquet(rows.drop(columns="as_of")), NO_INPUTS)

        scores = score_universe(Path(folder), progress or no_progress, sink, dates)
        counted.append(scores.n_cases)
        return scores.read

    write_folder(Path(output), fill, RunInputs.of(folders=[Path(folder)]), PART_FILES,
                 "as_of=*")
    return counted[0]


def validate_universe(folder: str | os.PathLike[str], progress: Progress | None = None
                      ) -> tuple[int, int, list[str]]:
    """Check every case of the universe in ``folder`` as ``score`` would (raising InputError
    with every problem of every case); (cases, scenarios of all cases, base included, and
    the rubrics as ``id version``)."""
    from .analysis.universe import score_universe

    scores = score_universe(Path(folder), progress or no_progress)
    return (scores.n_cases, len(scores.summary),
            [f"{r.id} {r.version}" for r in scores.rubrics.values()])


def serve_case(folder: str | os.PathLike[str], host: str, port: int,
               say: Callable[[str], None]) -> None:
    """Serve the workbench of the case in ``folder`` at ``host``:``port`` until interrupted
    (docs/serve.md); a ScoringError saying what to install without the ``serve`` extra."""
    from .serve.run import serve

    serve(Path(folder), host, port, say)


def backtest_universe(folder: str | os.PathLike[str], outcomes: str | os.PathLike[str],
                      scenario: str = "base", risk_when: str = "higher",
                      allow_lookahead: bool = False, exclude: str | os.PathLike[str] | None
                      = None, baseline: str | os.PathLike[str] | None = None,
                      output: str | os.PathLike[str] | None = None,
                      engine: str = "in-process", scheduler: str | None = None,
                      say: Callable[[str], None] | None = None,
                      as_of: dt.date | None = None) -> Any:
    """Score the universe in ``folder`` as ``score`` does and measure ``scenario``'s scores
    against the outcomes table (docs/backtest.md); an InputError for every outcome that
    names no case, every outcome observed before its case's as-of (plus horizon) unless
    ``allow_lookahead``, a scenario the universe does not have or more than one rubric.
    ``exclude``: a file of case ids (one per line) left out, e.g. rows of imputed data.
    ``baseline``: another universe of the same rubric, scored the same way, against which
    the stability (PSI) of the score, the bands and each factor is measured. ``output``:
    the backtest report (HTML) is written there. ``engine``: ``dask`` scores the parts as
    Dask tasks (at ``scheduler``, or on a LocalCluster), as ``universe_scores`` does; the
    measures are then computed here from the scores, the same number for number.
    ``as_of``: every case scored as of that day, with only what was observed by then
    (``scoring history``'s rule), and the look-ahead check made against it."""
    import numpy as np

    from .analysis.backtest import CaseOutcomes, backtest
    from .display import display_path
    from .formats.outcomes import read_outcomes
    from .formats.universe import Universe, is_universe

    root = Path(folder)
    if not is_universe(root):
        raise InputError([Problem(display_path(root), 0, 0, "", "backtest scores a universe "
                                  "folder (many cases, docs/formats.md#universe-folder)")])
    table = read_outcomes(Path(outcomes))
    scores, frame, have = _scenario_scores(root, scenario, engine, scheduler, say, as_of)
    if len(scores.rubrics) != 1:
        raise InputError([Problem(display_path(root), 0, 0, "rubric",
                                  f"backtest measures one rubric's bands; the universe has "
                                  f"{len(scores.rubrics)}: {', '.join(sorted(scores.rubrics))}")])
    rubric = next(iter(scores.rubrics.values()))
    if frame.empty:
        raise InputError([Problem(display_path(root), 0, 0, "scenario",
                                  f"no scenario {scenario!r} (the scenarios are: "
                                  f"{', '.join(have)})")])
    left_out: set[str] = set()
    if exclude is not None:
        from .formats.yamlio import read_text

        listed = read_text(Path(exclude), display_path(exclude)).removeprefix("\ufeff")
        left_out = {line.strip() for line in listed.splitlines()
                    if line.strip() and not line.startswith("#")}
    ids = frame["case"].astype(str).to_numpy()
    position = {c: k for k, c in enumerate(ids)}
    problems: list[Problem] = []
    at = np.array([position.get(c, -1) for c in table.case], dtype=np.int64)
    unknown = np.flatnonzero(at < 0)
    for k in unknown[:20].tolist():
        problems.append(table.problem(k, "case", f"no case {table.case[k]!r} in "
                                                 f"{display_path(root)}"))
    if len(unknown) > 20:
        problems.append(Problem(table.path, 0, 0, "case", f"{len(unknown)} outcomes name no "
                                "case of the universe (the first 20 are listed)"))
    dates = np.array([np.datetime64(scores.as_of[c], "D") for c in ids],
                     dtype="datetime64[D]")
    known = at >= 0
    early = np.flatnonzero(known & (table.observed < dates[np.where(known, at, 0)]
                                    + table.horizon_days.astype("timedelta64[D]")))
    if len(early) and not allow_lookahead:
        for k in early[:20].tolist():
            problems.append(table.problem(
                k, "observed", f"observed {table.observed[k]} is before case "
                f"{table.case[k]!r}'s as-of {dates[at[k]]} plus {table.horizon_days[k]} "
                "days: the score would be measured against what was already known "
                "(look-ahead; --allow-lookahead to measure anyway, and say so)"))
        if len(early) > 20:
            problems.append(Problem(table.path, 0, 0, "observed",
                                    f"{len(early)} outcomes are look-ahead (first 20 listed)"))
    if problems:
        raise InputError(problems)
    keep = known & ~np.isin(table.case, list(left_out)) if left_out else known
    rows = at[keep]
    y = table.outcome[keep].astype(np.int64)
    composite = frame["composite"].to_numpy(dtype=float)[rows]
    bands = frame["band"].astype(str).to_numpy()[rows]
    factors = {f.id: frame[f.id].to_numpy(dtype=float)[rows] for f in rubric.factors}
    excluded = int(np.isin(ids, list(left_out)).sum()) if left_out else 0
    per_case = CaseOutcomes(table.case[keep], composite, bands, y, np.full(len(y), np.nan),
                            table.row[keep], table.observed[keep], table.source[keep],
                            table.locator[keep])
    band_order = [b.name for b in rubric.bands]
    result = backtest(scenario, composite, bands, factors, y, band_order, risk_when,
                      len(ids) - int(keep.sum()) - excluded, per_case)
    stability = () if baseline is None else _stability(
        Path(baseline), scenario, rubric, frame, band_order)
    notes = list(result.notes)
    if len(early):
        notes.append(f"{len(early)} outcomes were observed before their case's as-of plus "
                     "horizon (--allow-lookahead): this backtest is not out of sample")
    if excluded:
        notes.append(f"{excluded} cases left out (--exclude {display_path(exclude or '')})")
    import dataclasses
    import hashlib

    about = {"rubric": rubric.id, "rubric_version": rubric.version,
             "universe": display_path(root), "outcomes": table.path,
             "outcomes_sha256": hashlib.sha256(Path(outcomes).read_bytes()).hexdigest()}
    result = dataclasses.replace(result, notes=tuple(notes), stability=stability,
                                 lookahead=len(early), about=about)
    if output is not None:
        more = [Path(p) for p in (exclude, baseline) if p is not None]
        if Path(output).suffix.lower() == ".json":
            read = RunInputs.of(files=[Path(outcomes), *[p for p in more if p.is_file()]],
                                folders=[root, *[p for p in more if p.is_dir()]])
            write_atomic(Path(output), dumps_json(result.to_json()), read, device_ok=True)
        else:
            _write_backtest(result, root, Path(outcomes), rubric, Universe.open(root), table,
                            Path(output), more)
    return result


def _write_backtest(result: Any, root: Path, outcomes: Path, rubric: Any, universe: Any,
                    table: Any, output: Path, more: list[Path]) -> None:
    """Write the backtest report of ``result`` at ``output`` (never over an input)."""
    from .display import display_path
    from .report.backtest_page import Context, render_backtest
    from .report.sourced import safe_url

    wanted = set(table.source.tolist()) - {""}
    sources: dict[str, dict[str, str]] = {}
    for folder in universe.folders:  # a case folder's sources, as its report lists them
        for s in load_case(folder).sources:
            if s.id in wanted and s.id not in sources:
                sources[s.id] = {"id": s.id, "title": s.title, "publisher": s.publisher or "",
                                 "url": safe_url(str(s.url) if s.url else None) or ""}
    if universe.tables is not None:
        cells = universe.tables.sources.cells
        for k, sid in enumerate(cells["id"]):
            if sid in wanted and sid not in sources:
                url = cells["url"][k] if "url" in cells else None
                sources[str(sid)] = {
                    "id": str(sid), "title": str(cells["title"][k] or ""),
                    "publisher": str((cells["publisher"][k] if "publisher" in cells else "")
                                     or ""),
                    "url": safe_url(str(url) if url else None) or ""}
    for sid in wanted - set(sources):
        sources[sid] = {"id": sid, "title": "not listed among the universe's sources",
                        "publisher": "", "url": ""}
    ctx = Context(display_path(root), f"{rubric.id} {rubric.version}", rubric.title,
                  display_path(outcomes), result.about["outcomes_sha256"],
                  "score", tuple(sources[k] for k in sorted(sources)))
    read = RunInputs.of(files=[outcomes, *[p for p in more if p.is_file()]],
                        folders=[root, *[p for p in more if p.is_dir()]])
    write_atomic(output, render_backtest(result, ctx).encode("utf-8"), read, device_ok=True)


def _scenario_scores(root: Path, scenario: str, engine: str, scheduler: str | None,
                     say: Callable[[str], None] | None, as_of: dt.date | None
                     ) -> tuple[Any, pd.DataFrame, list[str]]:
    """The universe's scores (their summary left empty), the summary rows of ``scenario``
    alone, kept part by part as the parts arrive (memory of one scenario, not all), and the
    scenarios seen. With ``as_of``, every case scored at that day."""
    import dataclasses

    import pandas as pd

    from .analysis.universe import score_universe

    kept: list[pd.DataFrame] = []
    seen: dict[str, None] = {}

    def sink(_: int, summary: pd.DataFrame) -> None:
        seen.update(dict.fromkeys(summary["scenario"].astype(str)))
        rows = summary[summary["scenario"] == scenario]
        kept.append(rows.drop(columns=[c for c in ("entity", "as_of", "coverage",
                                                   "change_vs_base", "indicated")
                                       if c in rows]))

    if engine == "dask":
        from .engines.dask_engine import score_universe_dask

        scores = score_universe_dask(root, scheduler, sink, say)
    else:
        scores = score_universe(root, sink=sink, dates=[as_of] if as_of is not None else ())
        if as_of is not None:
            scores = dataclasses.replace(scores, as_of=dict.fromkeys(scores.as_of, as_of))
    frame = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(
        columns=["case", "scenario", "composite", "band"])
    return scores, frame, list(seen)


def _stability(folder: Path, scenario: str, rubric: Any, frame: Any, band_order: list[str]
               ) -> tuple[Any, ...]:
    """The PSI of ``frame``'s (one scenario's scores) composite, bands and factors against
    the universe in ``folder`` scored the same way; an InputError when its rubric has other
    bands or factors, or it lacks the scenario."""
    from .analysis.backtest import band_bins, decile_bins
    from .analysis.universe import score_universe
    from .display import display_path
    from .formats.universe import is_universe

    shown = display_path(folder)
    if not is_universe(folder):
        raise InputError([Problem(shown, 0, 0, "", "--baseline names a universe folder "
                                  "(docs/backtest.md#stability)")])
    scores = score_universe(folder)
    theirs = list(scores.rubrics.values())
    problems = []
    if len(theirs) != 1:
        problems.append(Problem(shown, 0, 0, "rubric", f"the baseline has {len(theirs)} "
                                "rubrics; the backtest measures one"))
    else:
        other = theirs[0]
        if [b.name for b in other.bands] != band_order:
            problems.append(Problem(shown, 0, 0, "bands", "the baseline's rubric has other "
                                    f"bands ({', '.join(b.name for b in other.bands)}) than "
                                    f"the backtest's ({', '.join(band_order)})"))
        if [f.id for f in other.factors] != [f.id for f in rubric.factors]:
            problems.append(Problem(shown, 0, 0, "factors", "the baseline's rubric has other "
                                    f"factors ({', '.join(f.id for f in other.factors)}) than "
                                    f"the backtest's ({', '.join(f.id for f in rubric.factors)})"))
    base = scores.summary[scores.summary["scenario"] == scenario]
    if base.empty and not problems:
        problems.append(Problem(shown, 0, 0, "scenario", f"the baseline has no scenario "
                                f"{scenario!r}"))
    if problems:
        raise InputError(problems)
    out = [decile_bins(base["composite"].to_numpy(dtype=float),
                       frame["composite"].to_numpy(dtype=float), "score"),
           band_bins(base["band"].astype(str).to_numpy(), frame["band"].astype(str).to_numpy(),
                     band_order)]
    out += [decile_bins(base[f.id].to_numpy(dtype=float), frame[f.id].to_numpy(dtype=float),
                        f.id) for f in rubric.factors]
    return tuple(out)


# ---------------------------------------------------------------- facts import (issue 25)
def import_facts(document: str | os.PathLike[str], folder: str | os.PathLike[str],
                 rubric: str | os.PathLike[str], as_of: dt.date | None = None,
                 period: str | None = None, replace: bool = False) -> FactsReport:
    """Write the case's figures (and their filings as sources) from the SEC company-facts
    ``document``, as known at ``as_of`` (docs/filings.md); the case is created from the
    rubric's skeleton when ``folder`` does not exist."""
    from .desk.facts_import import import_facts as write_facts

    return write_facts(Path(document), Path(folder), Path(rubric), as_of, period, replace)


def import_facts_universe(archive: str | os.PathLike[str], folder: str | os.PathLike[str],
                          rubric: str | os.PathLike[str], as_of: dt.date) -> BulkReport:
    """Write a universe of one case per company-facts document of the zip ``archive``
    (docs/filings.md), streamed one member at a time."""
    from .desk.facts_bulk import import_universe

    return import_universe(Path(archive), Path(folder), Path(rubric), as_of)


# ---------------------------------------------------------------- review findings (issue 24)
def _review_inputs(result: Result) -> RunInputs:
    """What a review command reads: the case's files, but not its folder, whose
    reviews.yaml is the one file the review commands write."""
    return RunInputs.of(files=result.case.read.files)


def add_review(folder: str | os.PathLike[str], anchor: str, severity: str, note: str,
               author: str, date: dt.date) -> Any:
    """Add an open finding on ``anchor`` (a trace id of the case, or an evidence item) to
    the case's reviews.yaml, in place (docs/formats.md#review-findings); an InputError
    naming the nearest ids when ``anchor`` is none."""
    from .desk.reviews import add_finding

    result = score_folder(folder)
    items = result.case.evidence.items["id"].astype(str).tolist()
    return add_finding(Path(folder), anchor, severity, note, author, date,
                       set(result.trace), items, _review_inputs(result))


def settle_review(folder: str | os.PathLike[str], finding: str, note: str, author: str,
                  date: dt.date, status: str = "resolved") -> Any:
    """Add ``note`` to the thread of ``finding`` in the case's reviews.yaml and set its
    status (resolved by default)."""
    from .desk.reviews import settle_finding
    from .formats.loader import load_case as load

    case = load(folder)
    return settle_finding(Path(folder), finding, note, author, date, status,
                          RunInputs.of(files=case.read.files))


def check_reviews(folder: str | os.PathLike[str], case: Any) -> int:
    """Check the case's reviews.yaml for ``scoring validate``: its format, and that every
    finding's anchor is a number or item of ``case`` (an InputError naming each one that is
    not, with the nearest ids: a typo, or a finding orphaned by an edit). The number of
    findings."""
    from .analysis.result import score
    from .formats.reviews import anchor_problems, read_reviews

    reviews = read_reviews(Path(folder))
    if reviews.findings.empty:
        return 0
    result = score(case)  # with the analyses: a finding may be on a break-even
    items = case.evidence.items["id"].astype(str).tolist()
    problems = anchor_problems(reviews, set(result.trace), items)
    if problems:
        raise InputError(problems)
    return len(reviews.findings)


def review_panel(folder: str | os.PathLike[str]) -> Any:
    """The findings of the case in ``folder``, each against the number it concerns now."""
    from .formats.reviews import read_reviews
    from .report.findings import findings_panel
    from .report.numbers import Numbers

    reviews = read_reviews(Path(folder))
    result = score_folder(folder)
    items = result.case.evidence.items["id"].astype(str).tolist()
    return findings_panel(reviews, result.trace, items, Numbers(result))


# ---------------------------------------------------------------- sign-off (issue 24)
def make_key_pair(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write a new Ed25519 key pair: ``path`` (private, mode 0600) and ``path``.pub; never
    over an existing file."""
    from .desk.signoff import write_key_pair

    return write_key_pair(Path(path))


def findings_summary(panel: Any) -> dict[str, Any]:
    """What a sign-off records of the findings: counts by status and severity, the
    blocking ones not settled, the orphans, and each finding's id, severity, status and
    anchor."""
    from .formats.reviews import SEVERITIES

    views = panel.findings
    return {"total": len(views), "by_status": dict(panel.counts),
            "by_severity": {s: sum(v.severity == s for v in views) for s in SEVERITIES},
            "blocking_unsettled": panel.alarms, "orphaned": panel.orphans,
            "findings": [{"id": v.id, "severity": v.severity, "status": v.status,
                          "anchor": v.anchor} for v in sorted(views, key=lambda v: v.id)]}


def sign_off(folder: str | os.PathLike[str], report: str | os.PathLike[str], reviewer: str,
             key: str | os.PathLike[str], date: dt.date) -> Any:
    """Sign off the report file ``report`` of the case in ``folder`` as ``reviewer`` with
    the Ed25519 private ``key``: a DSSE envelope of an in-toto statement under
    ``folder``/signoffs/ (docs/trust.md#review-and-sign-off). A SignoffError naming the
    findings while a blocking finding is open or answered; an InputError for a report that
    is not there or a key that is not Ed25519."""
    from .desk.signoff import check_report, predicate_of, refuse_unsettled, write_signoff
    from .formats.reviews import read_reviews
    from .report.findings import findings_panel
    from .report.model import signed_scores

    report_path = Path(report)
    check_report(report_path)
    reviews = read_reviews(Path(folder))
    result = score_folder(folder)
    items = result.case.evidence.items["id"].astype(str).tolist()
    panel = findings_panel(reviews, result.trace, items)
    refuse_unsettled([(v.id, v.status, v.anchor) for v in panel.findings if v.alarm])
    predicate = predicate_of(reviewer, date, result.case.meta.id, findings_summary(panel),
                             [{"role": i.role, "path": i.path, "sha256": i.sha256}
                              for i in result.case.inputs], signed_scores(result))
    from .formats.bundle import read_bundle

    digest = _bundle_digest(report_path, result)
    return write_signoff(Path(folder), report_path, Path(key), predicate, digest,
                         _review_inputs(result), read_bundle(report_path).data)


def _signoff_diffs(signoffs: tuple[Any, ...], result: Result, folder: Path) -> dict[str, Any]:
    """For each sign-off that verifies but whose inputs moved since, ``scoring diff`` of the
    case as signed (the report's bundle, kept beside the envelope and checked against the
    digest the sign-off signed) against the case now, by the envelope's shown path. A
    sign-off without its bundle, or whose bundle does not read, gets none (the report then
    shows the composites' moves alone)."""
    from .analysis.diff import case_diff
    from .analysis.report_check import materialise
    from .analysis.result import score
    from .desk.signoff import ENVELOPE_SUFFIX, SIGNOFFS
    from .display import display_path
    from .formats.bundle import BundleError, open_bundle

    now = {i.path: i.sha256 for i in result.case.inputs}
    out: dict[str, Any] = {}
    for s in signoffs:
        if not s.verified or s.envelope is None:
            continue
        signed = {str(i.get("path")): str(i.get("sha256"))
                  for i in s.envelope.predicate.get("inputs", []) if isinstance(i, dict)}
        digest = s.envelope.subject("inputs-bundle")
        kept = folder / SIGNOFFS / (Path(s.path).name.removesuffix(ENVELOPE_SUFFIX) + ".bundle")
        if signed == now or digest is None or not kept.is_file():
            continue
        try:
            bundle = open_bundle(kept.read_bytes(), display_path(kept), "sha256:" + digest)
            with tempfile.TemporaryDirectory(prefix="scoring-signoff-") as tmp:
                old = score(load_case(materialise(bundle, Path(tmp), display_path(kept))),
                            analyses=False)
            out[s.path] = case_diff(old, result)
        except (BundleError, InputError):
            continue
    return out


def _bundle_digest(report: Path, result: Result) -> str:
    """The digest of the inputs bundle ``report`` carries, once it is checked to be of the
    case's inputs as they are now (an InputError naming the files otherwise: a sign-off
    must not vouch for inputs the report was not made from)."""
    from .display import display_path
    from .formats.bundle import BundleError, read_bundle

    shown = display_path(report)
    try:
        bundle = read_bundle(report)
    except BundleError as exc:
        raise InputError([Problem(shown, 0, 0, "report", f"{exc}; sign off a report made "
                                  "by scoring report CASE -o FILE")]) from None
    carried = {str(i.get("path")): str(i.get("sha256"))
               for i in bundle.manifest.get("inputs", []) if isinstance(i, dict)}
    now = {i.path: i.sha256 for i in result.case.inputs}
    if bundle.manifest.get("case") != result.case.meta.id or carried != now:
        moved = sorted(p for p in set(carried) | set(now) if carried.get(p) != now.get(p))
        raise InputError([Problem(shown, 0, 0, "report", "the report was not made from "
                                  f"this case as it is now (case "
                                  f"{bundle.manifest.get('case')!r}; files that differ: "
                                  f"{', '.join(moved) or 'none'}); make the report again "
                                  "and sign that")])
    return bundle.digest
