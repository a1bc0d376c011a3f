"""The ``scoring`` command line. Thin: each command parses options, makes one library call and
prints its result. Library errors become exit codes here and nowhere else."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .display import escape_controls as esc
from .display import terminal_safe
from .errors import InputError, OutputError, ScoringError, UnknownTraceId

EXIT_OK = 0
EXIT_FAILED = 1  # the run worked but found a failure (e.g. a drift, an unwritable output)
EXIT_INPUT = 2  # the inputs are invalid; every problem is listed on stderr
EXIT_BUG = 70  # an error scoring did not expect: a bug (EX_SOFTWARE)
EXIT_SIGNAL = 128  # plus the signal's number: 130 for SIGINT, 143 for SIGTERM, as shells do

F = TypeVar("F", bound=Callable[..., Any])

# Whether this run of main() ends the process: the console script and `python -m scoring.cli`
# (run()), not a caller that embeds the command line (or a test's CliRunner).
_own_process = False

SCHEMAS = ("rubric", "case", "sources", "evidence", "figures", "restatements", "scenarios",
           "outcomes", "reviews")


def _fail(exc: ScoringError) -> None:
    if isinstance(exc, InputError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was scored. "
                   f"(see {exc.docs})", err=True)
        sys.exit(EXIT_INPUT)
    _say(f"Error: {exc} (see {exc.docs})", err=True)
    from .analysis.locate import UnknownItem
    from .formats.bundle import BundleError
    from .formats.history import BadDates
    from .method.kernel import NoEvidence  # here, not at the top: --help need not import pandas

    sys.exit(EXIT_INPUT if isinstance(exc, (UnknownTraceId, NoEvidence, UnknownItem, BadDates,
                                            BundleError))
             else EXIT_FAILED)


def handled(fn: F) -> F:
    """Turn ScoringError into a message and an exit code; never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .output import Interrupted, on_sigterm_raise, reason

        main_thread = threading.current_thread() is threading.main_thread()
        previous = on_sigterm_raise() if main_thread else None
        if _own_process:
            _freeze_imports()
        try:
            return fn(*args, **kwargs)
        except OutputError as exc:
            if exc.folder is not None and _named_output(exc.folder):
                raise click.BadParameter(f"{esc(exc.folder)} is a folder; give the file to "
                                         "write", param=_output_param()) from None
            _fail(exc)
        except ScoringError as exc:
            _fail(exc)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except (KeyboardInterrupt, Interrupted) as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            click.echo(f"Interrupted by {signal.Signals(signum).name}; files being written "
                       "were left as they were.", err=True)
            sys.exit(EXIT_SIGNAL + signum)
        except BrokenPipeError:
            # The reader of standard output stopped (`scoring score ... | head`): nothing is
            # wrong, so no message; exit as a process killed by SIGPIPE would. Standard
            # output is pointed at /dev/null so that flushing it at exit fails no more.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_SIGNAL + signal.SIGPIPE)
        except OSError as exc:
            # The machine, not scoring or the inputs: a full disk, a folder that cannot be
            # listed. Writers and readers say more where they can.
            where = f"{esc(str(exc.filename))}: " if exc.filename is not None else ""
            click.echo(f"Error: {where}{reason(exc)}", err=True)
            sys.exit(EXIT_FAILED)
        except Exception as exc:
            # Bad input never gets here (it is a ScoringError); this is a bug in scoring.
            # SCORING_DEBUG=1 shows the traceback for whoever fixes it.
            if os.environ.get("SCORING_DEBUG"):
                raise
            _say(f"Internal error: {type(exc).__name__}: {exc}\nThis is a bug in "
                       "scoring, not in your files; please report it with the command you "
                       "ran (SCORING_DEBUG=1 shows the traceback).", err=True)
            sys.exit(EXIT_BUG)
        finally:
            if previous is not None:  # a caller embedding the CLI (or a test) keeps its own
                signal.signal(signal.SIGTERM, previous)  # handler

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper  # type: ignore[return-value]


class _Output(click.Path):
    """The path ``-o`` names. A path is a Path once parsed, and ``out/`` becomes ``out``: the
    trailing slash, which says a folder is meant, is kept aside for :func:`_not_a_folder`."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if ctx is not None and isinstance(value, str):
            ctx.meta["scoring.output_slash"] = value.endswith(("/", os.sep))
        return super().convert(value, param, ctx)


_OUTPUT = _Output(path_type=Path)


def _not_a_folder(output: Path | None, what: str = "file") -> None:
    """``-o`` naming an existing folder, or a path ending in a slash, where ``what`` is to be
    written: a usage mistake (exit 2, the usage line), said before anything is read or
    scored. (A folder found there only when the file is written is answered the same way by
    :func:`handled`.)"""
    if output is None:
        return
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get("scoring.output_slash") and not output.is_dir():
        raise click.BadParameter(f"{esc(str(output))}/ ends with a slash, which names a "
                                 f"folder; give the {what} to write",
                                 param_hint="'-o' / '--output'")
    try:
        folder = stat.S_ISDIR(os.lstat(output).st_mode)  # a link to one: the guard says so
    except OSError:  # not there, or not reachable: the writer says why
        return
    if folder:
        raise click.BadParameter(f"{esc(str(output))} is a folder; give the {what} to write",
                                 param_hint="'-o' / '--output'")


def _output_param() -> click.Parameter | None:
    ctx = click.get_current_context(silent=True)
    return None if ctx is None else next(
        (p for p in ctx.command.params if p.name == "output"), None)


def _named_output(path: str) -> bool:
    """Whether ``path`` is the one the user gave to ``-o`` (a folder there is a usage
    mistake, exit 2, not a failed write)."""
    ctx = click.get_current_context(silent=True)
    named = None if ctx is None else ctx.params.get("output")
    return named is not None and os.path.abspath(named) == os.path.abspath(path)


def _freeze_imports() -> None:
    """Load what every command needs (numpy, pandas, pydantic and the document models: the
    API) and take it out of the garbage collector's sight (``gc.freeze``). These objects
    live until the process ends, yet each collection would walk them again (a full one takes
    about 30 ms in a report); objects made afterwards are collected as usual. The collector
    is off while they load: what an import makes is almost all kept, not garbage (peak
    memory of a Meta report: +0.7 MiB). Only in a process of its own: frozen objects are
    never freed."""
    gc.disable()
    try:
        from . import api  # noqa: F401
    finally:
        gc.freeze()
        gc.enable()
    _arrow_pool()


def _arrow_pool() -> None:
    """Tables are read by pyarrow into its own memory pool. The default (mimalloc) keeps
    what a Parquet read freed; jemalloc told to give freed pages back at once
    (``decay_ms = 0``) does not. Measured on 10 000 cases (bench/peers.py): peak memory about
    100 MiB lower, time unchanged. Builds of pyarrow without jemalloc keep their default."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # pragma: no cover - a pyarrow built without jemalloc
        return
    pa.set_memory_pool(pool)


def _command_line(leave_out: tuple[str, ...] = ("output",)) -> list[str]:
    """The running command as one could type it again: ``scoring``, the command's name, its
    arguments and the options given (not those left at their defaults), without the output
    path (so that the same command writing elsewhere records the same): what an output's
    inputs bundle records (docs/trust.md)."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    words = ["scoring", str(ctx.info_name)]
    for p in ctx.command.params:
        name = p.name or ""
        value = ctx.params.get(name)
        if name in leave_out or value is None or ctx.get_parameter_source(name) in (
                ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
            continue
        values = list(value) if isinstance(value, (tuple, list)) else [value]
        if isinstance(p, click.Argument):
            words += [_word(v) for v in values]
            continue
        flag = max(p.opts, key=len)
        if isinstance(p, click.Option) and p.is_flag:
            words += [flag] if value else []
            continue
        for v in values:
            words += [flag, _word(v)]
    return words


def _word(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


case_arg = click.argument("case_dir", metavar="CASE_DIR",
                          type=click.Path(file_okay=False, path_type=Path))


def _date(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else value.date()


_DATE_OPTIONS = [
    click.option("--as-of", "as_of", metavar="DATES",
                 help="As-of dates, comma-separated and increasing: 2026-03-01,2026-03-05"),
    click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
                 help="With --to and --every: the first date of a cadence."),
    click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
                 help="The last date of the cadence (included when on it)."),
    click.option("--every", metavar="N(d|w|m)",
                 help="The cadence's step: days, weeks or months (2w, 1m, 7d)."),
]


def _with_dates(fn: F) -> F:
    for option in reversed(_DATE_OPTIONS):
        fn = option(fn)
    return fn


class _Main(click.Group):
    """The ``scoring`` group, whose usage errors never echo raw control characters: click
    quotes some values it shows (``No such command 'x\\x1b'``) but not others (``Got
    unexpected extra argument (...)``), and a shell glob or a pasted word can hold an ESC or
    a bidi override. Every click error raised while parsing or running a command (its own
    and those of click's types: Path, Choice, IntRange, DateTime) passes here, once, on its
    way to being shown: line breaks and tabs kept, every other control escaped
    (``display.terminal_safe``)."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise _safe(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _safe(exc) from None


def _safe(exc: click.ClickException) -> click.ClickException:
    # click types ``message`` as Final, but it is a plain attribute its show() reads.
    setattr(exc, "message", terminal_safe(exc.message))  # noqa: B010
    return exc


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="scoring")
def main() -> None:
    """Score investment risk from YAML rubrics and sourced evidence, with every number traced."""


@main.command()
@case_arg
@handled
def validate(case_dir: Path) -> None:
    """Check a case folder and its rubric; list every problem as file:line:col: field: message.

    CASE_DIR may also be a universe folder: every case of it is checked (and scored, as
    `score` would), every problem of every case listed."""
    from .analysis.result import score as score_case
    from .formats.loader import load_case
    from .formats.universe import is_universe

    if is_universe(case_dir):
        from .api import validate_universe
        from .progress import Bar

        bar = Bar("checking")
        try:
            cases, scenarios, rubrics = validate_universe(case_dir, bar)
        finally:
            bar.close()
        _say(f"{esc(str(case_dir))}: ok ({cases} case{'s' if cases != 1 else ''} in "
             f"{scenarios} case-scenario{'s' if scenarios != 1 else ''}, "
             f"rubric{'s' if len(rubrics) != 1 else ''} "
             f"{', '.join(esc(r) for r in rubrics)})")
        return

    from .api import check_reviews

    case = load_case(case_dir)
    # A case that loads but cannot be scored (no evidence) is not valid; the robustness
    # analyses are not needed to know that.
    score_case(case, analyses=False)
    findings = check_reviews(case_dir, case)
    figures = len(case.evidence.figures)
    _say(f"{esc(str(case_dir))}: ok ({len(case.evidence.sources)} sources, "
         f"{len(case.evidence.items)} items, "
         + (f"{figures} figures, " if figures else "")
         + f"{len(case.scenarios)} scenarios, rubric {case.rubric.id} {case.rubric.version}"
         + (f", {findings} review finding{'s' if findings != 1 else ''}" if findings else "")
         + ")")


def engine_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--engine and --scheduler, of a command that runs a universe's parts (``what`` they
    are: scored, or scored and rendered)."""
    def add(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--scheduler", metavar="ADDRESS",
                         help="With --engine dask: the address of a running Dask scheduler "
                              "(tcp://host:8786).")(f)
        return click.option("--engine", type=click.Choice(["in-process", "dask"]),
                            default="in-process", show_default=True,
                            help=f"Where a universe's parts are {what}: in this process, or "
                                 "as Dask tasks (on a LocalCluster of one worker per core, "
                                 "or on --scheduler).")(f)
    return add


def _check_engine(engine: str, scheduler: str | None) -> None:
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler is the address of a Dask scheduler: add "
                               "--engine dask")


@main.command()
@case_arg
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "parquet"]),
              default="table", show_default=True,
              help="table for people; json for every traced number; csv for the scenario "
                   "summary; parquet for the summary as a Parquet file (needs -o).")
@click.option("-o", "--output", type=_OUTPUT,
              help="Write to this file (atomically) instead of standard output; for a "
                   "universe with --format parquet, a folder (or a name without .parquet) "
                   "gets a Parquet dataset, one file per part.")
@click.option("--peers", is_flag=True,
              help="For a universe: add each case's peer group and its rank, percentile and "
                   "the group's median per scenario, for the composite and each factor.")
@engine_options("scored")
@handled
def score(case_dir: Path, fmt: str, output: Path | None, peers: bool, engine: str,
          scheduler: str | None) -> None:
    """Score a case in base and every scenario.

    CASE_DIR may also be a universe folder (many cases, docs/formats.md): every case is
    scored in one batch pass and the output has one row per case and scenario.
    """
    from .formats.universe import is_universe

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: add -o FILE.parquet")
    _check_engine(engine, scheduler)
    universe = is_universe(case_dir)
    if not (universe and fmt == "parquet"):  # a universe's Parquet may be a dataset folder
        _not_a_folder(output)
    data: str | bytes | Iterator[str]
    if universe:
        from .api import universe_scores
        from .progress import Bar

        bar = Bar("scoring")
        try:
            data = universe_scores(case_dir, fmt, bar, output, engine, scheduler,
                                   lambda line: _say(line, err=True), peers)
        finally:
            bar.close()
    elif engine == "dask":
        raise click.UsageError("--engine dask scores a universe folder (many cases); "
                               f"{esc(str(case_dir))} is one case")
    elif peers:
        raise click.UsageError("--peers ranks the cases of a universe folder among their "
                               f"peers; {esc(str(case_dir))} is one case")
    else:
        from .api import case_scores

        data = case_scores(case_dir, fmt, output, _command_line())
    if output is not None:
        _say(f"wrote {esc(str(output))}", err=True)
    elif isinstance(data, str):
        _print_data(data, fmt)
    else:
        assert not isinstance(data, bytes)
        for piece in data:  # JSON, record by record: never held whole
            _say(piece, nl=False)


@main.command()
@case_arg
@click.option("-o", "--output", type=_OUTPUT, required=True,
              help="The HTML (or, with --format pdf, PDF) file to write (atomically); for a "
                   "universe folder, the folder that gets index.html and one page per case "
                   "in cases/.")
@click.option("--generated-at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
              default=None, help="Record this generation time in the report. Without it (or "
                                 "SOURCE_DATE_EPOCH) the report records no time.")
@click.option("--baseline", type=click.Path(file_okay=False, path_type=Path),
              help="Another version of the case: add a 'What changed' section against it.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes rendering the case pages of a universe (default: one per CPU "
                   "when there are many cases).")
@click.option("--snapshots", "snapshots", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of source documents: check every excerpt against them and show "
                   "the result (repeatable; the case folder is always searched first).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html",
              show_default=True,
              help="html: the full report; pdf: a tear sheet of 2-4 pages for a committee "
                   "(needs the pdf extra: pip install 'rubric-risk-scoring[pdf]').")
@click.option("--backtest", "backtest_file", type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path),
              help="A backtest of the case's rubric (scoring backtest --format json): show "
                   "beside each band the rate at which its cases had the event.")
@engine_options("scored and their case pages rendered")
@_with_dates
@handled
def report(case_dir: Path, output: Path, generated_at: dt.datetime | None,
           baseline: Path | None, jobs: int | None, snapshots: tuple[Path, ...],
           fmt: str, backtest_file: Path | None, engine: str, scheduler: str | None,
           as_of: str | None, start: dt.datetime | None, end: dt.datetime | None,
           every: str | None) -> None:
    """Write a self-contained HTML report in which every number links to its derivation
    (or, with --format pdf, a PDF tear sheet whose every number shows its trace id).

    With --as-of DATES (or --from, --to and --every), add a trend section: each scenario's
    composite at each date, with the change between dates (docs/history.md).
    """
    from .api import history_dates, write_report

    asked = any(v is not None for v in (as_of, start, end, every))
    dates = history_dates(as_of, _date(start), _date(end), every) if asked else ()

    if generated_at is None and os.environ.get("SOURCE_DATE_EPOCH"):
        generated_at = _source_date(os.environ["SOURCE_DATE_EPOCH"])
    from .formats.universe import is_universe

    if backtest_file is not None and (fmt == "pdf" or is_universe(case_dir)):
        raise click.UsageError("--backtest adds a panel to one case's HTML report")
    if fmt == "pdf":
        if dates:
            raise click.UsageError("--as-of adds a trend section to the HTML report; the PDF "
                                   "tear sheet has none")
        _report_pdf(case_dir, output, generated_at, baseline, snapshots)
        return
    _check_engine(engine, scheduler)
    if is_universe(case_dir):
        if baseline is not None:
            raise click.UsageError("--baseline compares two versions of one case folder")
        if dates and len(dates) != 2:
            raise click.UsageError("a universe's report compares two as-of dates (its band "
                                   "migrations); a universe's history at more dates is a "
                                   "dataset: scoring history UNIVERSE --as-of DATES -o DIR")
        if engine == "dask" and jobs is not None:
            raise click.UsageError("--jobs sets this process's workers; with --engine dask "
                                   "the Dask cluster renders the pages")
        _report_universe(case_dir, output, generated_at, jobs, engine, scheduler,
                         (dates[0], dates[1]) if dates else None)
        return
    if engine == "dask":
        raise click.UsageError("--engine dask renders a universe folder (many cases); "
                               f"{esc(str(case_dir))} is one case")
    _not_a_folder(output, "HTML file")
    write_report(case_dir, output, generated_at, baseline,
                 list(snapshots) if snapshots else None, dates, backtest_file,
                 _command_line())
    _say(f"wrote {esc(str(output))}", err=True)


@main.command()
@case_arg
@_with_dates
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "parquet"]),
              default="table", show_default=True,
              help="table for people; json with each step's split; csv or parquet: one row "
                   "per date and scenario (parquet needs -o).")
@click.option("-o", "--output", type=_OUTPUT,
              help="Write to this file (atomically) instead of standard output; for a "
                   "universe, the folder of a Parquet dataset partitioned by date.")
@handled
def history(case_dir: Path, as_of: str | None, start: dt.datetime | None,
            end: dt.datetime | None, every: str | None, fmt: str,
            output: Path | None) -> None:
    """Score a case at several as-of dates, each with only what was observed by then.

    Prints one row per date and scenario, then explains each step between consecutive dates
    with the split of scoring diff (which items arrived, which aged). CASE_DIR may be a
    universe folder: then -o DIR gets a Parquet dataset partitioned by date (as_of=DATE/).
    """
    from .api import history_dates as dates_of
    from .formats.universe import is_universe

    dates = dates_of(as_of, _date(start), _date(end), every)
    universe = is_universe(case_dir)
    if not universe:  # a universe's history is a dataset folder
        _not_a_folder(output)
    if universe:
        from .api import universe_history

        if output is None:
            raise click.UsageError("a universe's history is a Parquet dataset: add -o DIR")
        n = universe_history(case_dir, dates, output)
        _say(f"wrote {esc(str(output))}: {n} cases at {len(dates)} dates, one folder "
             "as_of=DATE per date", err=True)
        return
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: add -o FILE.parquet")
    from .api import case_history

    data = case_history(case_dir, dates, fmt, output)
    if output is not None:
        _say(f"wrote {esc(str(output))}", err=True)
    else:
        assert isinstance(data, str)
        _print_data(data, fmt)


@main.command()
@case_arg
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", show_default=True,
              help="xlsx: a workbook whose numbers are live formulas over its input cells "
                   "(needs the xlsx extra: pip install 'rubric-risk-scoring[xlsx]').")
@click.option("-o", "--output", type=_OUTPUT, required=True,
              help="The workbook to write (atomically; never an input of the case).")
@handled
def export(case_dir: Path, fmt: str, output: Path) -> None:
    """Write a workbook a reviewer can recompute: the rubric, sources, evidence and changes
    as input cells, every step of the method as a formula over them, and a trace id beside
    each number (docs/workbook.md)."""
    from .api import write_workbook
    from .formats.universe import is_universe

    if is_universe(case_dir):
        raise click.UsageError("export writes the workbook of one case folder")
    _not_a_folder(output, "workbook file")
    write_workbook(case_dir, output, _command_line())
    _say(f"wrote {esc(str(output))}", err=True)


@main.command("verify-report")
@click.argument("file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sources", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of source documents: check the snapshots and excerpts the "
                   "report was made from against them too.")
@click.option("--signoff", "envelope", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A sign-off (CASE/signoffs/*.dsse.json): check that it signs this file "
                   "and its bundle, with --key.")
@click.option("--key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --signoff: the signer's Ed25519 public key (KEYFILE.pub).")
@handled
def verify_report(file: Path, sources: Path | None, envelope: Path | None,
                  public_key: Path | None) -> None:
    """Check a report (HTML, JSON, xlsx or PDF) against the inputs it carries: recompute
    every number it shows with this engine and compare, and check the digest chain; with
    --signoff and --key, that the sign-off is signed by that key and signs this very file.

    Exit 0: every number and digest verified. Exit 1: each number that differs (trace id,
    shown, recomputed) or digest that does not match is listed. Exit 2: not a report, or
    its bundle is missing, broken or truncated; a sign-off by another key or of another
    report (docs/trust.md)."""
    from .api import check_report_signoff
    from .api import verify_report as check

    if (envelope is None) != (public_key is None):
        raise click.UsageError("--signoff ENVELOPE and --key KEYFILE.pub go together")
    signed = None
    if envelope is not None and public_key is not None:
        signed = check_report_signoff(file, envelope, public_key)
    got = check(file, sources)
    if signed is not None:
        _say(f"signed off by {esc(signed.reviewer)} on {esc(signed.date)} with key "
             f"{signed.keyid[:16]}… (the signature verifies; it signs this file, sha256 "
             f"{signed.report_sha256[:16]}…, and its bundle)")
    for note in got.notes:
        _say(f"note: {esc(note)}")
    reasons: dict[str, list[str]] = {}
    for rid, why in got.not_recomputed:
        reasons.setdefault(why, []).append(rid)
    for why, ids in reasons.items():
        _say(f"not recomputed, {len(ids)} number{'s' if len(ids) != 1 else ''}: {esc(why)}:")
        for rid in ids:
            _say(f"  {esc(rid)}")
    for d in got.digests:
        _say(f"digest mismatch: {esc(d)}")
    for m in got.mismatches:
        now = "no such number" if m.recomputed is None else esc(m.recomputed)
        _say(f"differs: {esc(m.id)}: shown {esc(m.shown)}, recomputed {now} ({esc(m.where)})")
    if got.sources is not None:
        for s in got.sources.snapshots:
            if s.status not in ("ok", "missing"):
                _say(f"snapshot {esc(s.source)} ({esc(s.path)}): {esc(s.status)}"
                     + (f": {esc(s.note)}" if s.note else ""))
        for e in got.sources.excerpts:
            if e.status == "failed":
                _say(f"excerpt of {esc(e.item)}: not found in "
                     f"{esc(', '.join(e.against))}" + (f" ({esc(e.note)})" if e.note else ""))
    if got.ok:
        quoted = f", {got.excerpts} excerpts" if got.excerpts else ""
        found = "" if got.sources is None else (
            f", {sum(e.status == 'verified' for e in got.sources.excerpts)} excerpts found in "
            "their sources")
        _say(f"verified {got.numbers} numbers{quoted}{found}, bundle {got.digest}")
        return
    n = len(got.mismatches)
    _say(f"NOT verified: {n} of {got.numbers} numbers differ, {len(got.digests)} digest"
         f"{'s' if len(got.digests) != 1 else ''} do not match; bundle {got.digest}",
         err=True)
    sys.exit(EXIT_FAILED)


@main.command()
@case_arg
@click.option("--snapshots", "snapshots", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of source documents to look in after the case folder "
                   "(repeatable).")
@handled
def verify(case_dir: Path, snapshots: tuple[Path, ...]) -> None:
    """Check source snapshots' SHA-256 and that every excerpt occurs in its source.

    Exit 0 when nothing failed (unverifiable excerpts are listed, not failures), 1 when a
    snapshot's hash differs or an excerpt is not in the snapshot of any source it cites.
    """
    from .api import verify_folder
    from .report.text import render_verification

    checked = verify_folder(case_dir, list(snapshots))
    _say(render_verification(checked), nl=False)
    if not checked.ok:
        sys.exit(EXIT_FAILED)


@main.command()
@case_arg
@click.argument("trace_id")
@click.option("--depth", type=int, default=None, help="Stop expanding below this depth.")
@handled
def trace(case_dir: Path, trace_id: str, depth: int | None) -> None:
    """Print how TRACE_ID was computed, down to evidence items and sources.

    Ids look like bear/composite, bear/factor/trust_issues/score,
    base/item/E07/effective_weight, source/S05.
    """
    from .api import score_folder

    _say(score_folder(case_dir).trace.tree(trace_id, max_depth=depth))


@main.command()
@case_arg
@click.option("--force", is_flag=True, help="Overwrite an existing expected.yaml.")
@click.option("--reason", default="initial pin", show_default=True,
              help="Why these numbers are pinned (kept in the file's history).")
@handled
def pin(case_dir: Path, force: bool, reason: str) -> None:
    """Pin what CASE_DIR scores now into CASE_DIR/expected.yaml."""
    from .analysis.pinning import pin_case

    _say(f"wrote {esc(str(pin_case(case_dir, force=force, reason=reason)))}", err=True)


@main.command()
@click.argument("case_dirs", metavar="CASE_DIR...", nargs=-1, required=True,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="Accept the new run: rewrite expected.yaml.")
@click.option("--reason", help="Why the numbers moved (required with --update).")
@click.option("--verbose", "-v", is_flag=True, help="List every pinned number, not only drifts.")
@handled
def check(case_dirs: tuple[Path, ...], update: bool, reason: str | None, verbose: bool) -> None:
    """Recompute each case and compare it with its expected.yaml.

    Exit 0 when every pinned number holds, 1 when any drifts. expected.yaml is never
    rewritten unless --update (with --reason) is given.
    """
    from .analysis.pinning import check_case
    from .report.text import render_drift

    if update and not reason:
        raise click.UsageError("--update needs --reason: say why the numbers moved")
    checks = [check_case(d, reason if update else None) for d in case_dirs]
    _say(render_drift(checks, verbose), nl=False)
    if update:
        click.echo("expected.yaml updated where numbers moved; the reason is in its history.",
                   err=True)
    elif not all(c.ok for c in checks):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("old", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--against", metavar="REV", help="Compare OLD (a case folder) with itself at "
                                                 "this git revision instead of with NEW.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@handled
def diff(old: Path, new: Path | None, against: str | None, fmt: str) -> None:
    """Explain how scores changed between two versions of a case.

    scoring diff OLD_CASE_DIR NEW_CASE_DIR, or scoring diff CASE_DIR --against REV. Each
    scenario's composite change is split exactly into factor-score, weight and coverage
    effects, each factor's change into evidence items; rubric changes are listed.
    """
    from .api import diff_against, diff_folders
    from .report.text import render_diff

    if (new is None) == (against is None):
        raise click.UsageError("give either NEW_CASE_DIR or --against REV")
    result = (diff_against(old, against) if against is not None
              else diff_folders(old, new))  # type: ignore[arg-type]
    if fmt == "json":
        from dataclasses import asdict

        from .output import dumps_json

        _say(dumps_json(asdict(result)), nl=False)
    else:
        _say(render_diff(result), nl=False)


@main.command("rubric-bump")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@handled
def rubric_bump(old: Path, new: Path) -> None:
    """Propose the version of rubric NEW from what changed since rubric OLD."""
    from .analysis.diff import bump_version, declared_level, proposed_bump, rubric_changes
    from .formats.loader import load_rubric
    from .report.text import table

    a, b = load_rubric(old), load_rubric(new)
    changes = rubric_changes(a, b)
    level = proposed_bump(changes)
    if changes:
        _say(table(["entry", "old", "new", "bump"],
                          [[c.entry, c.old, c.new, c.level] for c in changes]), nl=False)
    proposed = bump_version(a.version, level)
    _say(f"proposed: {level} bump, {a.version} -> {proposed}")
    declared = declared_level(a.version, b.version)
    if declared_level(a.version, proposed) != "none" and \
            ("none", "patch", "minor", "major").index(declared) < \
            ("none", "patch", "minor", "major").index(level):
        _say(f"NEW declares {b.version} ({declared}); these changes need at least "
                   f"{proposed}", err=True)
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("case_dir", metavar="CASE_DIR", type=click.Path(path_type=Path))
@click.option("--rubric", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The rubric the case is scored by (its factors, "
                                  "indicators and figures shape the skeleton).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The case's as_of date (default: today).")
@click.option("--entity", help="The company or asset scored (default: the folder's name).")
@handled
def new(case_dir: Path, rubric: Path, as_of: dt.datetime | None, entity: str | None) -> None:
    """Start a case from a rubric: a commented skeleton.

    Writes case.yaml, sources.yaml, evidence.yaml and scenarios.yaml (and figures.yaml for a
    rubric of figures) into CASE_DIR, which must be new or empty; the case validates and
    scores at once. Nothing is ever overwritten.
    """
    from .api import new_case

    written = new_case(case_dir, rubric, as_of.date() if as_of else None, entity)
    for path in written:
        _say(f"wrote {esc(str(path))}", err=True)
    _say(f"next: scoring validate {esc(str(case_dir))}", err=True)


@main.group()
def sources() -> None:
    """Add sources to a case (sources import DOCUMENT --case CASE_DIR)."""


@sources.command("import")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--case", "case_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The case folder whose sources.yaml gets the new sources.")
@handled
def sources_import(document: Path, case_dir: Path) -> None:
    """Append DOCUMENT's source list to sources.yaml as drafts.

    Reads DOCUMENT's numbered or bulleted source list (title, date, link) and adds each entry,
    and DOCUMENT itself with its SHA-256, to the case's sources.yaml. Existing sources are
    never changed: the file is only appended to; a title already there is skipped; lines that
    cannot be parsed are listed as DOCUMENT:line.
    """
    from .api import import_sources
    from .report.start import render_import

    _say(render_import(import_sources(document, case_dir)), nl=False)


@main.command()
@case_arg
@click.argument("item")
@click.option("--snapshots", "snapshots", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of source documents to look in after the case folder "
                   "(repeatable).")
@handled
def excerpt(case_dir: Path, item: str, snapshots: tuple[Path, ...]) -> None:
    """Propose the locator of ITEM's excerpt in its snapshots.

    Finds where ITEM's excerpt occurs in the snapshots of the sources it cites and proposes
    the locator (section "Heading", para 2). Exit 1 when it is not found.
    """
    from .api import locate_excerpt
    from .report.start import render_located

    located = locate_excerpt(case_dir, item, list(snapshots))
    _say(render_located(located), nl=False)
    if not located.found:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("kind", type=click.Choice(SCHEMAS))
@handled
def schema(kind: str) -> None:
    """Print the JSON Schema of one file format (for editor completion and checks)."""
    from .api import json_schema

    click.echo(json_schema(kind), nl=False)


# 9999-12-31T23:59:59Z: the last second a report's date can show (four-digit years).
MAX_EPOCH = 253_402_300_799


def _source_date(text: str) -> dt.datetime:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): whole seconds since 1970-01-01 UTC."""
    try:
        epoch = int(text)
    except ValueError:
        raise click.BadParameter("SOURCE_DATE_EPOCH must be an integer") from None
    if not 0 <= epoch <= MAX_EPOCH:
        raise click.BadParameter(f"SOURCE_DATE_EPOCH must be between 0 and {MAX_EPOCH} "
                                 f"(9999-12-31T23:59:59Z), not {epoch}")
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def _report_pdf(case_dir: Path, output: Path, generated_at: dt.datetime | None,
                baseline: Path | None, snapshots: tuple[Path, ...]) -> None:
    from .api import write_tearsheet
    from .formats.universe import is_universe

    if baseline is not None or snapshots:
        raise click.UsageError("--format pdf takes neither --baseline nor --snapshots: the "
                               "tear sheet shows neither; the HTML report does")
    if is_universe(case_dir):
        raise click.UsageError("--format pdf writes the tear sheet of one case folder")
    _not_a_folder(output, "PDF file")
    write_tearsheet(case_dir, output, generated_at, _command_line())
    _say(f"wrote {esc(str(output))}", err=True)


def _report_universe(case_dir: Path, output: Path, generated_at: dt.datetime | None,
                     jobs: int | None, engine: str, scheduler: str | None,
                     dates: tuple[dt.date, dt.date] | None) -> None:
    from .api import write_universe_report
    from .progress import Bar

    bar = Bar("rendering")
    try:
        n = write_universe_report(case_dir, output, generated_at, jobs, bar, engine,
                                  scheduler, lambda line: _say(line, err=True), dates)
    finally:
        bar.close()
    _say(f"wrote {esc(str(output / 'index.html'))} and {n} case pages in "
         f"{esc(str(output / 'cases'))}", err=True)


def _print_data(text: str, fmt: str) -> None:
    """``text`` to standard output. CSV is data: byte for byte in a pipe, but with control
    characters escaped on a terminal, where they would act."""
    if fmt == "csv" and not _stdout_is_terminal():
        click.echo(text, nl=False, color=True)  # color: click would strip ANSI codes
    else:
        _say(text, nl=False)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _say(text: str, err: bool = False, nl: bool = True) -> None:
    """Print human-readable output: control characters from the inputs (ESC, C1, bidi
    overrides) escaped, line breaks and tabs kept. The renderers escape each field already
    (so a line break inside a field shows as \\n); this is the guard for the whole text."""
    click.echo(terminal_safe(text), err=err, nl=nl)


def run() -> None:
    """The ``scoring`` program (its console script, and ``python -m scoring.cli``): main() in
    a process that ends with it."""
    global _own_process
    _own_process = True
    main()


# ---------------------------------------------------------------- serve (issue 27)
@main.command()
@case_arg
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to bind; the app answers only requests whose Host is this "
                   "address and port (docs/serve.md).")
@handled
def serve(case_dir: Path, port: int, host: str) -> None:
    """Open CASE_DIR in the workbench: its report, live in the browser, every weight, value
    and confidence editable, each edit rescored at once and attributed as `diff` does
    (docs/serve.md). Needs the serve extra."""
    from .api import serve_case

    serve_case(case_dir, host, port, _say)


# ---------------------------------------------------------------- backtest (issue 23)
@main.command()
@click.argument("universe", metavar="UNIVERSE", type=click.Path(path_type=Path, exists=True))
@click.option("--outcomes", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              required=True, help="The outcomes table (CSV or Parquet: case, outcome, "
                                  "observed, ...; docs/formats.md#outcomes).")
@click.option("--scenario", default="base", show_default=True,
              help="The scenario whose scores are measured.")
@click.option("--risk-when", type=click.Choice(["higher", "lower"]), default="higher",
              show_default=True, help="Which scores are riskier: higher (a risk scale) or "
                                      "lower (Altman's Z, where higher is safer).")
@click.option("--exclude", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A file of case ids (one a line) to leave out, e.g. rows of imputed data.")
@click.option("--allow-lookahead", is_flag=True,
              help="Measure outcomes observed before their case's as-of plus horizon, and "
                   "say so (refused otherwise).")
@click.option("--baseline", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="A universe of the same rubric to measure stability (PSI) against.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json for machines.")
@click.option("-o", "--output", type=_OUTPUT,
              help="Also write the backtest report here (HTML), or its JSON (a .json name: "
                   "for scoring report --backtest).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Score every case as of this day, with only what was observed by then.")
@engine_options("scored")
@handled
def backtest(universe: Path, outcomes: Path, scenario: str, risk_when: str,
             exclude: Path | None, allow_lookahead: bool, baseline: Path | None, fmt: str,
             output: Path | None, as_of: dt.datetime | None, engine: str,
             scheduler: str | None) -> None:
    """Measure a universe's scores against what really happened (docs/backtest.md): per
    band the observed event rate with its Jeffreys interval, AUC with DeLong's interval,
    Gini, KS, each factor's AUC, and a logistic calibration. Needs the backtest extra."""
    from .analysis.backtest import render_text, require_backtest
    from .api import backtest_universe
    from .output import dumps_json

    require_backtest()
    _not_a_folder(output)
    _check_engine(engine, scheduler)
    if as_of is not None and engine == "dask":
        raise click.UsageError("--as-of scores in process; leave out --engine dask")
    result = backtest_universe(universe, outcomes, scenario, risk_when, allow_lookahead,
                               exclude, baseline, output, engine, scheduler,
                               lambda line: _say(line, err=True),
                               None if as_of is None else as_of.date())
    _say(dumps_json(result.to_json()) if fmt == "json" else render_text(result), nl=False)


# ---------------------------------------------------------------- facts import (issue 25)
@main.group()
def facts() -> None:
    """Figures from SEC filings (facts import FACTS.json --case DIR --rubric RUBRIC)."""


@facts.command("import")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--case", "case_dir", type=click.Path(path_type=Path),
              help="The case folder to write figures.yaml into (created from the rubric's "
                   "skeleton when it does not exist).")
@click.option("--universe", "universe_dir", type=click.Path(path_type=Path),
              help="With a zip archive of documents: the universe folder to write (new or "
                   "empty), one case per document, as Parquet tables.")
@click.option("--rubric", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The rubric whose figures are imported; its maps/ folder holds the "
                   "concept maps.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only facts filed on or before this day count (default: the day of the "
                   "document's last filing).")
@click.option("--period", default=None, metavar="FY2023",
              help="The fiscal year (default: the latest complete one known at --as-of).")
@click.option("--replace", is_flag=True,
              help="Replace a figures.yaml holding figures not written by this import.")
@handled
def facts_import(document: Path, case_dir: Path | None, universe_dir: Path | None,
                 rubric: Path, as_of: dt.datetime | None, period: str | None,
                 replace: bool) -> None:
    """Write a case's figures from an SEC company-facts document (docs/filings.md).

    Each figure the rubric reads is taken from the concept map of the document's taxonomy,
    as known on --as-of: the latest filed value wins, its observed date the filing's, its
    source the filing; restatements, concept conflicts, missing figures and a balance sheet
    that does not add up are listed.
    """
    zipped = document.suffix.lower() == ".zip"
    if zipped != (universe_dir is not None) or (case_dir is None) == (universe_dir is None):
        raise click.UsageError("give --case DIR with a company-facts document (.json), or "
                               "--universe DIR with a zip archive of them")
    if universe_dir is not None:
        if as_of is None or period is not None or replace:
            raise click.UsageError("a universe needs --as-of DATE (and takes no --period "
                                   "or --replace)")
        from .api import import_facts_universe

        bulk = import_facts_universe(document, universe_dir, rubric, as_of.date())
        _say(f"wrote {bulk.universe}: {bulk.cases} cases, {bulk.figures} figures known on "
             f"{as_of.date().isoformat()}; {bulk.missing} figures reported under no mapped "
             f"concept (missing)")
        return
    assert case_dir is not None
    from .api import import_facts

    report = import_facts(document, case_dir, rubric, as_of.date() if as_of else None,
                          period, replace)
    lines = [f"{'created' if report.created else 'updated'} {report.case}: "
             f"{report.written} figures of {report.period}"
             f"{' and ' + report.prior if report.prior else ''} known on "
             f"{report.as_of.isoformat()}, from {len(report.filings)} "
             f"{'filing' if len(report.filings) == 1 else 'filings'}"]
    lines += [f"  filing {f}" for f in report.filings]
    lines += [f"  missing: {fig} {p} (reported under no mapped concept; the rubric's "
              f"missing policy applies)" for fig, p in report.missing]
    lines += [f"  restated: {r}" for r in report.restated]
    lines += [f"  two concepts: {c}" for c in report.conflicts]
    lines += [f"  check failed: balance sheet {c}" for c in report.checks]
    _say("\n".join(lines))



# ---------------------------------------------------------------- review (issue 24)
def _today(value: dt.datetime | None) -> dt.date:
    """--date, or today: the one reading of the clock (a finding's and a comment's date);
    score and report never read it."""
    return value.date() if value is not None else dt.date.today()


def _author(value: str | None) -> str:
    if value is not None:
        return value
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        raise click.UsageError("give --author NAME (no user name is known here)") from None


_DATE_OPTION = click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                            help="The comment's date (default: today).")
_AUTHOR_OPTION = click.option("--author", metavar="NAME",
                              help="Who writes it (default: your user name).")


@main.group()
def review() -> None:
    """Review findings anchored to numbers (review add / list / resolve; the case's
    reviews.yaml, docs/formats.md#review-findings)."""


@review.command("add")
@click.argument("case_dir", metavar="CASE_DIR", type=click.Path(exists=True, file_okay=False,
                                                         path_type=Path))
@click.argument("trace_id")
@click.option("--severity", type=click.Choice(["blocking", "major", "minor"]), required=True,
              help="blocking findings stop a sign-off while open or answered.")
@click.option("--note", required=True, help="What is wrong, or what to check.")
@_AUTHOR_OPTION
@_DATE_OPTION
@handled
def review_add(case_dir: Path, trace_id: str, severity: str, note: str, author: str | None,
               date: dt.datetime | None) -> None:
    """Raise a finding on TRACE_ID (a number's id, as scoring trace shows them, or an
    evidence item's id) in CASE_DIR/reviews.yaml; it starts open."""
    from .api import add_review

    done = add_review(case_dir, trace_id, severity, note, _author(author), _today(date))
    _say(f"{done.finding} ({severity}, open) on {trace_id}: written to {done.path}")


@review.command("list")
@click.argument("case_dir", metavar="CASE_DIR", type=click.Path(exists=True, file_okay=False,
                                                         path_type=Path))
@handled
def review_list(case_dir: Path) -> None:
    """List CASE_DIR's findings: open blocking ones first, each with the number it concerns
    now and its thread; a finding whose anchor is gone is shown as orphaned."""
    from .api import review_panel
    from .report.findings import render_findings

    _say(render_findings(review_panel(case_dir)), nl=False)


@review.command("resolve")
@click.argument("case_dir", metavar="CASE_DIR", type=click.Path(exists=True, file_okay=False,
                                                         path_type=Path))
@click.argument("finding_id")
@click.option("--note", required=True, help="How it was settled.")
@click.option("--status", type=click.Choice(["resolved", "accepted risk", "answered", "open"]),
              default="resolved", show_default=True,
              help="The finding's status after this comment.")
@_AUTHOR_OPTION
@_DATE_OPTION
@handled
def review_resolve(case_dir: Path, finding_id: str, note: str, status: str,
                   author: str | None, date: dt.datetime | None) -> None:
    """Add a comment to FINDING_ID's thread and settle it (resolved, unless --status)."""
    from .api import settle_review

    done = settle_review(case_dir, finding_id, note, _author(author), _today(date), status)
    _say(f"{done.finding} is {done.status}: written to {done.path}")


# ---------------------------------------------------------------- sign-off (issue 24)
@main.command()
@click.argument("keyfile", metavar="KEYFILE", type=click.Path(dir_okay=False, path_type=Path))
@handled
def keygen(keyfile: Path) -> None:
    """Write a new Ed25519 key pair for signing off reports: KEYFILE (the private key, mode
    0600: keep it to yourself) and KEYFILE.pub (give it to whoever checks your sign-offs).
    Neither is ever overwritten."""
    from .api import make_key_pair

    private, public = make_key_pair(keyfile)
    _say(f"wrote {esc(str(private))} (private, mode 0600) and {esc(str(public))}")


@main.command()
@case_arg
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The report file signed off (scoring report CASE -o FILE).")
@click.option("--reviewer", required=True, help="Who signs off.")
@click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The reviewer's Ed25519 private key (scoring keygen KEYFILE).")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The sign-off's date (default: today).")
@handled
def signoff(case_dir: Path, report_file: Path, reviewer: str, key_file: Path,
            date: dt.datetime | None) -> None:
    """Sign off REPORT of CASE_DIR: a signed in-toto statement (a DSSE envelope) of the
    report's digest, its inputs and the findings, under CASE_DIR/signoffs/. Refused (exit 1,
    naming them) while a blocking finding is open or answered."""
    from .api import sign_off
    from .formats.signoff import exposed

    if key_file.exists() and (mode := exposed(key_file)) is not None:
        _say(f"warning: {esc(str(key_file))} is readable by others (mode {mode:04o}); "
             f"chmod 600 {esc(str(key_file))}", err=True)
    done = sign_off(case_dir, report_file, reviewer, key_file, _today(date))
    _say(f"wrote {esc(str(done.envelope))} (signed by key {done.keyid[:16]}…, public key "
         f"{esc(str(done.public_key))})")

if __name__ == "__main__":  # pragma: no cover
    run()
