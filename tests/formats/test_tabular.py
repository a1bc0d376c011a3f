"""Sources and evidence as CSV or Parquet tables (scoring/tabular.py, docs/formats.md)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import scoring
from scoring.errors import InputError
from scoring.formats import tabular

from ..conftest import META, REPO, TinyCase, item
from ..tables import tabulate_case, write_table


def _meta_as(fmt: str, tmp_path: Path) -> Path:
    dst = tmp_path / f"meta-{fmt}"
    rubric = os.path.relpath(REPO / "rubrics" / "ai-platform-strategy.yaml", dst)
    return tabulate_case(META, dst, fmt, rubric)


def _numbers(result: scoring.Result) -> dict[str, object]:
    return {r.id: r.value for r in result.trace.values() if r.kind in ("number", "band")}


@pytest.fixture(scope="module")
def meta_yaml() -> scoring.Result:
    return scoring.score(scoring.load_case(META), analyses=False)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_score_like_yaml(fmt: str, tmp_path: Path, meta_yaml: scoring.Result) -> None:
    result = scoring.score(scoring.load_case(_meta_as(fmt, tmp_path)), analyses=False)
    assert result.summary_table().equals(meta_yaml.summary_table())
    assert _numbers(result) == _numbers(meta_yaml)
    roles = [(i.role, i.path) for i in result.case.inputs]
    assert ("evidence", f"evidence.{fmt}") in roles


def _problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        scoring.load_case(folder)
    return [str(p) for p in exc.value.problems]


def _table_case(tiny: TinyCase, rows: list[dict[str, object]], mp: pytest.MonkeyPatch,
                name: str = "evidence.csv") -> Path:
    """The tiny case with its evidence as the table ``rows``; the working directory is the
    case folder (so that messages start with the file name)."""
    tiny.items = [item("E1", "a", 10)]
    folder = tiny.write()
    (folder / "evidence.yaml").unlink()
    write_table(folder / name, rows)
    mp.chdir(folder)
    return folder


ROW = {"id": "E1", "factor": "a", "value": 40, "confidence": 0.5, "observed": "2026-01-01",
       "claim": "c", "source": "S1", "locator": "p. 1"}


def test_cell_errors_name_row_and_column(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [dict(ROW), {**ROW, "id": "E2", "confidence": "high"},
            {**ROW, "id": "E3", "value": ""}, {**ROW, "id": "E4", "observed": "soon"}]
    folder = _table_case(tiny, rows, monkeypatch)
    assert _problems(folder) == [
        "evidence.csv:3:4: confidence: must be a number, not the string 'high'",
        "evidence.csv:4:3: value: required field is missing",
        "evidence.csv:5:5: observed: must be a date YYYY-MM-DD, not the string 'soon'",
    ]


def test_cross_file_errors_name_row_and_column(tiny: TinyCase,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [dict(ROW), {**ROW, "id": "E2", "factor": "zz"},
            {**ROW, "id": "E3", "source_2": "S9", "locator_2": "p. 2"}, dict(ROW)]
    folder = _table_case(tiny, rows, monkeypatch)
    assert _problems(folder) == [
        "evidence.csv:3:2: factor: unknown factor 'zz' (known: a, b)",
        "evidence.csv:4:9: source_2: unknown source 'S9'",
        "evidence.csv:5:1: id: duplicate item id 'E1' (first at row 2)",
    ]


def test_header_errors(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{**{k: v for k, v in ROW.items() if k != "claim"}, "note": "x"}]
    folder = _table_case(tiny, rows, monkeypatch)
    assert _problems(folder) == [
        "evidence.csv:1:0: claim: required column is missing",
        "evidence.csv:1:8: note: unknown column (the columns are: id, factor, indicator, "
        "value, confidence, observed, claim, excerpt, source, locator)",
    ]


def test_ragged_csv_row(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _table_case(tiny, [dict(ROW)], monkeypatch)
    with (folder / "evidence.csv").open("a", newline="") as fh:
        csv.writer(fh).writerow(["E2", "a", "40"])
    assert _problems(folder) == ["evidence.csv:3:9: (file): row has 3 cells; the header has 8"]


def test_parquet_types_are_checked(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _table_case(tiny, [{**ROW, "claim": 7}, {**ROW, "id": "E2", "claim": 8}],
                         monkeypatch, "evidence.parquet")
    assert _problems(folder) == [
        "evidence.parquet:2:6: claim: must be text, not the number 7",
        "evidence.parquet:3:6: claim: must be text, not the number 8",
    ]


def test_yaml_and_table_together_is_an_error(tiny: TinyCase,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.items = [item("E1", "a", 10)]
    folder = tiny.write()
    write_table(folder / "evidence.csv", [dict(ROW)])
    monkeypatch.chdir(folder)
    assert _problems(folder) == [
        "evidence.csv:0:0: (file): 2 files hold the evidence "
        "of this case (evidence.yaml, evidence.csv); keep one"]


# --------------------------------------------------------------------------- hostile tables

def test_hostile_csv_cells_are_positioned_errors(tiny: TinyCase,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{**ROW, "claim": "nul\x00inside"}, {**ROW, "id": "E2", "claim": "esc\x1b[31m"},
            {**ROW, "id": "E3", "value": "9" * 5000}, {**ROW, "id": "E4", "confidence": "1" * 401}]
    folder = _table_case(tiny, rows, monkeypatch)
    assert _problems(folder) == [
        "evidence.csv:2:6: claim: control character U+0000 is not allowed in a cell (remove it)",
        "evidence.csv:3:6: claim: control character U+001B is not allowed in a cell (remove it)",
        "evidence.csv:4:3: value: cannot read value: the number 99999999999999999999... has "
        "5000 characters; numbers must be at most 1e15 in absolute value",
        "evidence.csv:5:4: confidence: cannot read value: the number 11111111111111111111... "
        "has 401 characters; numbers must be at most 1e15 in absolute value",
    ]


@pytest.mark.parametrize("name", ["evidence.csv", "evidence.parquet"])
def test_dates_as_numbers_and_blank_text_are_refused(name: str, tiny: TinyCase,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{**ROW, "observed": 20260101}, {**ROW, "id": "E2", "claim": "   ",
                                             "observed": 1767225600}]
    folder = _table_case(tiny, rows, monkeypatch, name)
    # An integer Parquet column holds numbers; a CSV cell is text.
    got = ["the number 20260101", "the number 1767225600"] if name.endswith("parquet") \
        else ["the string '20260101'", "the string '1767225600'"]
    assert _problems(folder) == [
        f"{name}:2:5: observed: must be a date YYYY-MM-DD, not {got[0]}",
        f"{name}:3:5: observed: must be a date YYYY-MM-DD, not {got[1]}",
        f"{name}:3:6: claim: must not be empty or only spaces",
    ]


def test_control_character_in_parquet_text(tiny: TinyCase,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _table_case(tiny, [{**ROW, "locator": "p.\x07 1"}], monkeypatch, "evidence.parquet")
    assert _problems(folder) == ["evidence.parquet:2:8: locator: control character U+0007 is "
                                 "not allowed in a cell (remove it)"]


def test_csv_syntax_errors_name_the_row(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _table_case(tiny, [dict(ROW), {**ROW, "id": "E2"}], monkeypatch)
    with (folder / "evidence.csv").open("a", newline="") as fh:
        fh.write('E3,a,40,0.5,2026-01-01,"never closed,S1,p. 3\nE4,a,40\n')
    assert _problems(folder) == [
        "evidence.csv:4:0: (file): not a valid CSV file: a quoted cell that starts in this row "
        "is never closed (unexpected end of data)"]
    (folder / "evidence.csv").write_text("id,claim\nE1,\"a\"b\n", encoding="utf-8")
    assert _problems(folder) == [
        "evidence.csv:2:0: (file): not a valid CSV file: ',' expected after '\"'"]


def test_csv_cell_over_the_field_limit(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _table_case(tiny, [{**ROW, "claim": "x" * 200_000}], monkeypatch)
    assert _problems(folder) == [
        f"evidence.csv:2:0: (file): not a valid CSV file: a cell in this row is longer than "
        f"{tabular.MAX_CELL_CHARS} characters, the limit for a cell"]


@pytest.mark.parametrize("name", ["evidence.csv", "evidence.parquet"])
def test_table_limits(name: str, tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{**ROW, "id": f"E{k}", "claim": "c" * (k + 9)} for k in range(4)]
    folder = _table_case(tiny, rows, monkeypatch, name)
    monkeypatch.setattr(tabular, "MAX_CELL_CHARS", 10)  # the dates are 10 characters
    assert _problems(folder) == [
        f"{name}:4:6: claim: cell holds 11 characters; the limit for a cell is 10",
        f"{name}:5:6: claim: cell holds 12 characters; the limit for a cell is 10"]
    monkeypatch.setattr(tabular, "MAX_CELL_CHARS", 100_000)
    monkeypatch.setattr(tabular, "MAX_TABLE_ROWS", 3)
    assert _problems(folder) == [
        f"{name}:5:0: (file): more than 3 rows; the limit for a table is 3"]
    size = (folder / name).stat().st_size
    monkeypatch.setattr(tabular, "MAX_TABLE_BYTES", size - 1)
    assert _problems(folder) == [
        f"{name}:0:0: (file): file is {size} bytes; the limit for a table is {size - 1}"]


@pytest.mark.parametrize(("char", "code"), [("\x7f", "U+007F"), ("\x80", "U+0080"),
                                            ("\x9f", "U+009F"), ("\x01", "U+0001")])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_every_control_character_is_found_in_a_table(tiny: TinyCase, tmp_path: Path,
                                                     char: str, code: str, fmt: str) -> None:
    """A table's bytes are scanned once for control characters (one byte, or the two bytes of
    a C1 control in UTF-8) before any cell is looked at: none may slip through; tab, line
    breaks and other two-byte characters (é, U+00A0) are fine."""
    from ..tables import tabulate_case

    tiny.items = [item("E1", "a", 50), item("E2", "a", 40)]
    tiny.items[0]["claim"] = "fine: é\u00a0tab\there\nnew line"
    tiny.items[1]["claim"] = f"bad{char}here"
    case = tabulate_case(tiny.write(), tmp_path / "t", fmt)
    with pytest.raises(InputError) as exc:
        scoring.load_case(case)
    (p,) = exc.value.problems
    assert (p.line, p.field, p.message) == (
        3, "claim", f"control character {code} is not allowed in a cell (remove it)")


@pytest.mark.parametrize(("text", "flagged"), [
    ("plain text", False), ("tab\tline\ncarriage\r", False), ("\x08", True), ("\x0e", True),
    ("\x00", True), ("\x1f", True), (" ~", False), ("\x7f", True), ("é£", False),
    ("\u0080", True), ("\u0085", True), ("\u009f", True), ("\u00a0 nbsp", False),
    ("\u00bf", False), ("\u200b\u2028", False), ("", False)])
def test_control_scan_boundaries(text: str, flagged: bool) -> None:
    """The byte scan that decides whether a text column's cells are searched for control
    characters: C0 but tab, LF and CR; DEL; C1 (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8)."""
    import pyarrow as pa

    from scoring.formats.tabular import _may_hold_controls

    column = pa.chunked_array([pa.array(["ok"]), pa.array(["fine", text])])
    assert _may_hold_controls(column) is flagged


@pytest.mark.parametrize("name", ["evidence.csv", "evidence.parquet"])
def test_cell_limit_counts_characters_not_bytes(name: str, tiny: TinyCase,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten two-byte characters are ten characters: within a limit of 10 (the byte length,
    20, only decides whether the characters need counting); eleven are over it."""
    rows = [{**ROW, "id": "E1", "claim": "é" * 10}, {**ROW, "id": "E2", "claim": "日" * 11}]
    folder = _table_case(tiny, rows, monkeypatch, name)
    monkeypatch.setattr(tabular, "MAX_CELL_CHARS", 10)  # the dates are 10 characters
    assert _problems(folder) == [
        f"{name}:3:6: claim: cell holds 11 characters; the limit for a cell is 10"]


def test_number_of_400_characters_is_read(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAX_NUMBER_CHARS (400) characters is a number still read; 401 is refused (above)."""
    half = "0.5" + "0" * 397  # 0.5, written with 400 characters
    assert len(half) == tabular.MAX_NUMBER_CHARS
    folder = _table_case(tiny, [{**ROW, "confidence": half}], monkeypatch)
    assert scoring.load_case(folder).items[0].confidence == 0.5


def test_a_csv_read_in_batches_is_the_same_table(tiny: TinyCase,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A CSV's rows become Arrow columns a batch at a time (never one Python string per cell
    # of a large file): batches of 2 rows, a blank line among them, give the table one batch
    # gives, each column one chunk; a ragged row in a later batch is named at its own line.
    rows = [{**ROW, "id": f"E{k}", "claim": "" if k == 3 else f"c{k}"} for k in range(5)]
    folder = _table_case(tiny, rows, monkeypatch)
    text = (folder / "evidence.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "evidence.csv").write_text("".join(text[:3] + ["\n"] + text[3:]),
                                         encoding="utf-8")
    whole = tabular.read_table(folder / "evidence.csv", "evidence.csv")
    monkeypatch.setattr(tabular, "CSV_BATCH_ROWS", 2)
    batched = tabular.read_table(folder / "evidence.csv", "evidence.csv")
    assert batched.n_rows == whole.n_rows == 5 and batched.header == whole.header
    assert batched.data.equals(whole.data)
    assert all(c.num_chunks == 1 for c in batched.data.columns)
    assert batched.cells["claim"] == ["c0", "c1", "c2", None, "c4"]
    with (folder / "evidence.csv").open("a", newline="") as fh:
        csv.writer(fh).writerow(["E9", "a", "40"])
    assert _problems(folder) == ["evidence.csv:8:9: (file): row has 3 cells; the header has 8"]
