"""Bad input a new user meets, each answered at the file with what to fix (issue 26): a table
with a header and no rows, a Parquet file with two columns of one name, text files saved as
UTF-16 or UTF-32 (with or without a byte-order mark) or with two byte-order marks."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import EXIT_INPUT, main
from scoring.formats.yamlio import encoding_problem

from ..conftest import TinyCase, item
from ..tables import write_table

UTF16 = ("not valid UTF-8: the file looks like UTF-16 ({}-endian) without a byte-order mark "
         "(every other byte is zero); save it as UTF-8")
TWO_MARKS = ("the file starts with two byte-order marks (U+FEFF twice); save it as UTF-8 with "
             "one mark or none")


@pytest.fixture(autouse=True)
def _here(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tiny.root.parent)  # messages name the files as case/...
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]


def _validate(runner: CliRunner, root: Path) -> list[str]:
    res = runner.invoke(main, ["validate", root.name])
    assert res.exit_code == EXIT_INPUT, res.output
    return res.stderr.splitlines()


def _tabular(tiny: TinyCase, rows: list[dict[str, object]], suffix: str) -> Path:
    root = tiny.write()
    (root / "evidence.yaml").unlink()
    write_table(root / f"evidence{suffix}", rows)
    return root


def _flat(e: dict[str, object]) -> dict[str, object]:
    (ref,) = e["sources"]  # type: ignore[misc]
    return {**{k: v for k, v in e.items() if k != "sources"}, **ref}


def test_a_csv_with_a_header_and_no_rows_says_so(tiny: TinyCase, runner: CliRunner) -> None:
    root = tiny.write()
    (root / "evidence.yaml").unlink()
    (root / "evidence.csv").write_text("id,factor,value,confidence,observed,claim,source,"
                                       "locator\n", encoding="utf-8")
    lines = _validate(runner, root)
    assert lines[0] == (f"{root.name}/evidence.csv:1:0: (file): no rows: the table has a header "
                        "and no items; it needs at least one row")
    assert lines[1].startswith("1 problem found")


def test_a_parquet_file_with_no_rows_says_so_too(tiny: TinyCase, runner: CliRunner) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tiny.write()
    (root / "evidence.yaml").unlink()
    names = ["id", "factor", "value", "confidence", "observed", "claim", "source", "locator"]
    pq.write_table(pa.table({n: pa.array([], pa.string()) for n in names}),
                   root / "evidence.parquet")
    assert _validate(runner, root)[0] == (
        f"{root.name}/evidence.parquet:1:0: (file): no rows: the table has a header and no items; "
        "it needs at least one row")


def test_a_parquet_file_with_two_columns_of_one_name(tiny: TinyCase, runner: CliRunner) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [_flat(e) for e in tiny.items]
    root = _tabular(tiny, rows, ".parquet")
    table = pq.read_table(root / "evidence.parquet")
    twice = pa.Table.from_arrays([*table.columns, table.column("value")],
                                 names=[*table.column_names, "value"])
    pq.write_table(twice, root / "evidence.parquet")
    col = len(table.column_names) + 1
    assert _validate(runner, root)[0] == f"{root.name}/evidence.parquet:1:{col}: value: duplicate column"


@pytest.mark.parametrize(("encoding", "message"), [
    ("utf-16-le", UTF16.format("little")), ("utf-16-be", UTF16.format("big")),
    ("utf-16", "not valid UTF-8: the file starts with a UTF-16 byte-order mark; save it as UTF-8"),
    ("utf-32", "not valid UTF-8: the file starts with a UTF-32 byte-order mark; save it as UTF-8"),
])
@pytest.mark.parametrize("name", ["case.yaml", "evidence.csv"])
def test_a_file_in_another_encoding_is_named(tiny: TinyCase, runner: CliRunner, name: str,
                                             encoding: str, message: str) -> None:
    root = _tabular(tiny, [_flat(e) for e in tiny.items], ".csv")
    path = root / name
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert _validate(runner, root)[0] == f"{root.name}/{name}:1:1: (file): {message}"


@pytest.mark.parametrize("name", ["case.yaml", "evidence.csv"])
def test_two_byte_order_marks_are_named(tiny: TinyCase, runner: CliRunner, name: str) -> None:
    root = _tabular(tiny, [_flat(e) for e in tiny.items], ".csv")
    path = root / name
    path.write_bytes(codecs.BOM_UTF8 * 2 + path.read_bytes())
    assert _validate(runner, root)[0] == f"{root.name}/{name}:1:1: (file): {TWO_MARKS}"


def test_one_byte_order_mark_is_still_accepted(tiny: TinyCase, runner: CliRunner) -> None:
    root = _tabular(tiny, [_flat(e) for e in tiny.items], ".csv")
    for name in ("case.yaml", "evidence.csv"):
        (root / name).write_bytes(codecs.BOM_UTF8 + (root / name).read_bytes())
    res = runner.invoke(main, ["validate", str(root)])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("text", [
    "plain ASCII text\n",
    "a few NULs \x00 in \x00 text that is mostly not zero: a binary guess is not made here\n",
    "ünïcödé and 日本語\n",
])
def test_utf8_text_has_no_encoding_problem(text: str) -> None:
    assert encoding_problem(text.encode("utf-8")) is None


def test_the_utf16_guess_needs_zeros_in_every_other_byte() -> None:
    # A quarter of the bytes zero but not on alternate positions: not UTF-16.
    assert encoding_problem(b"\x00\x00ab" * 8) is None
    assert encoding_problem("ab".encode("utf-16-le")) == UTF16.format("little")


def test_the_utf16_guess_at_its_bounds() -> None:
    # 8 bytes: three of the four odd bytes zero (exactly 3 in 4) and no even one: UTF-16.
    assert encoding_problem(b"a\x00b\x00c\x00dd") == UTF16.format("little")
    assert encoding_problem(b"\x00a\x00b\x00cdd") == UTF16.format("big")
    # One even byte zero too (exactly 1 in 4): not a guess it can make.
    assert encoding_problem(b"\x00\x00b\x00c\x00dd") is None
    # Two of four odd bytes zero: fewer than 3 in 4.
    assert encoding_problem(b"a\x00b\x00cddd") is None


NO_ROWS = "no rows: the table has a header and no {}; it needs at least one row"


@pytest.mark.parametrize(("table", "what"), [("cases", "cases"), ("sources", "sources"),
                                             ("evidence", "items")])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_universe_table_with_a_header_and_no_rows(tmp_path: Path, runner: CliRunner,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    table: str, what: str, fmt: str) -> None:
    # Said once at the file, not as a "no rows for case" per case or a "not in the cases
    # table" per row of the other tables.
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from scoring.desk.synthetic import write_universe

    root = write_universe(tmp_path / "u", 3, n_items=4, fmt=fmt)
    path = root / f"{table}.{fmt}"
    read = pq.read_table if fmt == "parquet" else pacsv.read_csv
    header = read(path).slice(0, 0)
    pq.write_table(header, path) if fmt == "parquet" else pacsv.write_csv(header, path)
    monkeypatch.chdir(root)
    res = runner.invoke(main, ["validate", "."])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines() == [f"{table}.{fmt}:1:0: (file): {NO_ROWS.format(what)}",
                                       "1 problem found; nothing was scored. "
                                       "(see docs/errors.md#input-error)"]


def test_a_universe_of_figures_alone_may_have_an_empty_evidence_table(runner: CliRunner) -> None:
    from ..conftest import REPO

    polish = REPO / "evidence" / "polish-bankruptcy-1year"
    assert (polish / "evidence.csv").read_text(encoding="utf-8").count("\n") == 1  # header
    res = runner.invoke(main, ["validate", str(polish)])
    assert res.exit_code == 0, res.output


def test_an_outcomes_table_with_a_header_and_no_rows(tmp_path: Path,
                                                     runner: CliRunner) -> None:
    from ..conftest import REPO

    (tmp_path / "outcomes.csv").write_text("case,outcome,observed\n", encoding="utf-8")
    res = runner.invoke(main, ["backtest", str(REPO / "examples" / "universe"), "--outcomes",
                               "outcomes.csv"])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines()[0] == f"outcomes.csv:1:0: (file): {NO_ROWS.format('outcomes')}"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_outcomes_table_with_two_columns_of_one_name(tmp_path: Path, runner: CliRunner,
                                                        fmt: str) -> None:
    # It was read, the last "case" column winning; the header rule of every table names it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..conftest import REPO

    names = ["case", "outcome", "observed", "case"]
    if fmt == "csv":
        (tmp_path / "o.csv").write_text(",".join(names) + "\nacme,1,2026-06-30,globex\n",
                                        encoding="utf-8")
    else:
        cols = [pa.array([v]) for v in ("acme", 1, "2026-06-30", "globex")]
        pq.write_table(pa.Table.from_arrays(cols, names=names), tmp_path / "o.parquet")
    res = runner.invoke(main, ["backtest", str(REPO / "examples" / "universe"), "--outcomes",
                               f"o.{fmt}"])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines()[0] == f"o.{fmt}:1:4: case: duplicate column"


def test_a_universe_parquet_table_with_two_columns_of_one_name(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scoring.desk.synthetic import write_universe

    root = write_universe(tmp_path / "u", 3, n_items=4, fmt="parquet")
    table = pq.read_table(root / "sources.parquet")
    pq.write_table(pa.Table.from_arrays([*table.columns, table.column("title")],
                                        names=[*table.column_names, "title"]),
                   root / "sources.parquet")
    monkeypatch.chdir(root)
    res = runner.invoke(main, ["validate", "."])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines()[0] == \
        f"sources.parquet:1:{len(table.column_names) + 1}: title: duplicate column"


@pytest.mark.parametrize(("raw", "message"), [
    ("acme\n".encode("utf-16-le"), "1:1: (file): " + UTF16.format("little")),
    (codecs.BOM_UTF8 * 2 + b"acme\n", "1:1: (file): " + TWO_MARKS),
    (b"acme\n\xff\n", "2:1: (file): not valid UTF-8 (byte offset 5)"),
])
def test_a_backtest_exclude_list_in_another_encoding(tmp_path: Path, runner: CliRunner,
                                                     raw: bytes, message: str) -> None:
    # It was read as UTF-8: UTF-16 silently left nothing out, a stray byte was an internal
    # error (exit 70).
    from ..conftest import REPO

    (tmp_path / "ids.txt").write_bytes(raw)
    res = runner.invoke(main, ["backtest", str(REPO / "examples" / "universe"), "--outcomes",
                               str(REPO / "examples" / "universe-outcomes.csv"),
                               "--exclude", "ids.txt"])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines()[0] == f"ids.txt:{message}"


def test_a_backtest_exclude_list_with_one_mark_is_read(tmp_path: Path,
                                                       runner: CliRunner) -> None:
    from ..conftest import REPO

    (tmp_path / "ids.txt").write_bytes(codecs.BOM_UTF8 + b"acme\n")
    res = runner.invoke(main, ["backtest", str(REPO / "examples" / "universe"), "--outcomes",
                               str(REPO / "examples" / "universe-outcomes.csv"),
                               "--exclude", "ids.txt"])
    assert res.exit_code == 0, res.output
    # examples/universe-outcomes.csv: 4 cases with an outcome, acme's the one left out
    assert res.stdout.startswith("Backtest of scenario base: 3 cases with an outcome")


def test_a_source_list_document_in_utf16_is_named(tiny: TinyCase, runner: CliRunner) -> None:
    root = tiny.write()
    (root.parent / "note.md").write_bytes("## Sources\n\n- A title (2026-01-01)\n"
                                          .encode("utf-16-be"))
    res = runner.invoke(main, ["sources", "import", "note.md", "--case", root.name])
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stderr.splitlines()[0] == f"note.md:1:1: (file): {UTF16.format('big')}"
