"""scoring facts import ARCHIVE.zip --universe DIR: one case per document, as Parquet."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import scoring.desk.facts_bulk as bulk
from scoring.cli import EXIT_INPUT, main

from .test_facts_select import K24, ROOT, SNOWFLAKE, document, fact, tiny

ALTMAN = ROOT / "rubrics" / "altman-z-1968.yaml"
SHIPPED_Z = ROOT / "evidence" / "altman-snowflake-2024" / "expected.yaml"


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, raw in members.items():
            z.writestr(name, raw)
    return path


def run(runner: CliRunner, zipped: Path, out: Path) -> tuple[int, str]:
    res = runner.invoke(main, ["facts", "import", str(zipped), "--universe", str(out),
                               "--rubric", str(ALTMAN), "--as-of", "2024-06-30"])
    return res.exit_code, res.output


def test_a_universe_from_an_archive_scores(tmp_path: Path, runner: CliRunner) -> None:
    tiny_doc = tiny().replace(b'"cik": 42', b'"cik": 43')
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes(),
                                           "CIK0000000043.json": tiny_doc})
    code, out = run(runner, zipped, tmp_path / "u")
    assert code == 0, out
    assert "2 cases, 10 figures" in out  # Snowflake's 8; the tiny filer's assets and sales
    cases = pq.read_table(tmp_path / "u" / "cases.parquet").to_pylist()
    assert [(c["id"], c["period"]) for c in cases] == [("CIK0001640147", "FY2024"),
                                                       ("CIK0000000043", "FY2023")]
    figs = pq.read_table(tmp_path / "u" / "figures.parquet").to_pandas()
    row = figs[(figs.case == "CIK0000000043") & (figs.figure == "total_assets")].iloc[0]
    assert (row.value, row.observed) == (1200, "2024-02-20")
    res = runner.invoke(main, ["score", str(tmp_path / "u"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    # The same Z as the shipped case built from the same document one at a time.
    import yaml
    pinned = yaml.safe_load(SHIPPED_Z.read_text())["scenarios"]["base"]["composite"]
    snow = [line for line in res.output.splitlines() if line.startswith("CIK0001640147")]
    assert any(f"{pinned:.6f}"[:8] in line for line in snow), res.output


@pytest.mark.parametrize(("name", "raw", "says"), [
    ("../escape.json", b"{}", "leaves the archive"),
    ("/abs.json", b"{}", "leaves the archive"),
    ("notes.txt", b"hello", "not a JSON document"),
    ("CIK1.json", b'{"cik": 1, "entityName": "X", "facts": {', "CIK1.json"),
])
def test_bad_members_exit_2_and_write_nothing(tmp_path: Path, runner: CliRunner, name: str,
                                              raw: bytes, says: str) -> None:
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes(),
                                           name: raw})
    code, out = run(runner, zipped, tmp_path / "u")
    assert code == EXIT_INPUT, out
    assert says in out and "Traceback" not in out
    assert not (tmp_path / "u").exists()


def test_a_huge_member_is_refused_by_its_header_and_by_what_it_holds(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MAX_MEMBER_BYTES", 1000)
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes()})
    code, out = run(runner, zipped, tmp_path / "u")
    assert code == EXIT_INPUT and "the limit is 1000" in out
    assert not (tmp_path / "u").exists()
    # A header that lies (says 10 bytes): reading stops one byte past the limit.
    with zipfile.ZipFile(zipped) as z:
        info = z.infolist()[0]
        info.file_size = 10
        assert bulk.member_problem(info, "cf.zip") is None
        with pytest.raises(Exception) as exc:
            bulk._read_member(z, info, "cf.zip:x")
    # The zip's own check may stop it first (the data no longer match the header's CRC).
    assert "more than 1000 bytes" in str(exc.value) or \
        "cannot read the member: Bad CRC-32" in str(exc.value)


def test_a_zip_without_universe_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes()})
    res = runner.invoke(main, ["facts", "import", str(zipped), "--case", str(tmp_path / "c"),
                               "--rubric", str(ALTMAN)])
    assert res.exit_code == 2 and "--universe DIR with a zip archive" in res.output


def test_the_universe_is_byte_identical_run_to_run(tmp_path: Path, runner: CliRunner) -> None:
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes()})
    for name in ("a", "b"):
        assert run(runner, zipped, tmp_path / name)[0] == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["cases.parquet", "evidence.parquet", "figures.parquet", "rubric.yaml",
                     "sources.parquet"]
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert runner.invoke(main, ["validate", str(tmp_path / "a")]).exit_code == 0
    # An existing universe is never written over.
    code, out = run(runner, zipped, tmp_path / "a")
    assert code == 1 and "must be new or empty" in out


def three_filers() -> dict[str, bytes]:
    """A us-gaap filer (43), an IFRS 20-F filer (44), a us-gaap filer (45), in that order."""
    ifrs = document({
        "Assets": {"USD": [fact("2023-12-31", 800, K24, "2024-04-25", form="20-F")]},
        "Revenue": {"USD": [fact("2023-12-31", 300, K24, "2024-04-25", form="20-F",
                                 start="2023-01-01")]}}, taxonomy="ifrs-full")
    return {"CIK0000000043.json": tiny().replace(b'"cik": 42', b'"cik": 43'),
            "CIK0000000044.json": ifrs.replace(b'"cik": 42', b'"cik": 44'),
            "CIK0000000045.json": tiny().replace(b'"cik": 42', b'"cik": 45')}


def test_batches_keep_the_archives_order_and_write_a_row_group_each(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    zipped = archive(tmp_path / "cf.zip", three_filers())
    assert run(runner, zipped, tmp_path / "one")[0] == 0  # one batch, two concept maps
    monkeypatch.setattr(bulk, "BATCH_DOCUMENTS", 1)
    assert run(runner, zipped, tmp_path / "each")[0] == 0  # a batch per document
    for name in ("one", "each"):
        cases = pq.read_table(tmp_path / name / "cases.parquet").column("id").to_pylist()
        assert cases == ["CIK0000000043", "CIK0000000044", "CIK0000000045"]
    for table in ("cases", "figures", "sources"):
        one, each = (pq.ParquetFile(tmp_path / n / f"{table}.parquet") for n in ("one", "each"))
        assert (one.metadata.num_row_groups, each.metadata.num_row_groups) == (1, 3)
        assert one.read().equals(each.read()), table
    # The IFRS filer's figure, from the 20-F, in between the two us-gaap filers' rows.
    figs = pq.read_table(tmp_path / "each" / "figures.parquet").to_pylist()
    assert [(f["case"], f["figure"], f["value"]) for f in figs] == [
        ("CIK0000000043", "sales", 500), ("CIK0000000043", "total_assets", 1200),
        ("CIK0000000044", "sales", 300), ("CIK0000000044", "total_assets", 800),
        ("CIK0000000045", "sales", 500), ("CIK0000000045", "total_assets", 1200)]


def test_a_bad_member_in_a_later_batch_leaves_nothing(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BATCH_DOCUMENTS", 1)
    members = three_filers()
    members["CIK0000000046.json"] = b'{"cik": 46, "entityName": "Broken", "facts": {'
    members["CIK0000000047.json"] = members["CIK0000000043.json"]  # the same filer again
    code, out = run(runner, archive(tmp_path / "cf.zip", members), tmp_path / "u")
    assert code == EXIT_INPUT, out
    assert "CIK0000000046.json:1:" in out and "truncated JSON" in out
    assert "CIK0000000047.json:0:0: cik: CIK 43 again (first in CIK0000000043.json)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cf.zip"]  # no temporary folder


def test_a_piotroski_universe_has_the_opening_balances(tmp_path: Path,
                                                       runner: CliRunner) -> None:
    zipped = archive(tmp_path / "cf.zip", {"CIK0001640147.json": SNOWFLAKE.read_bytes()})
    res = runner.invoke(main, ["facts", "import", str(zipped), "--universe",
                               str(tmp_path / "u"), "--rubric",
                               str(ROOT / "rubrics" / "piotroski-f-score-reported.yaml"),
                               "--as-of", "2025-05-30"])
    assert res.exit_code == 0, res.output
    figs = pq.read_table(tmp_path / "u" / "figures.parquet").to_pandas()
    opening = figs[figs.figure == "opening_total_assets"].sort_values("period")
    # FY2024 opens with the balance of 2023-01-31, FY2025 with that of 2024-01-31.
    assert list(zip(opening.period, opening.value, strict=True)) == [
        ("FY2024", 7722322000), ("FY2025", 8223383000)]
    res = runner.invoke(main, ["score", str(tmp_path / "u"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    # F = 3, as the shipped case built from the same document one at a time.
    import yaml
    pinned = yaml.safe_load((ROOT / "evidence" / "piotroski-snowflake-2025" /
                             "expected.yaml").read_text())["scenarios"]["base"]["composite"]
    assert pinned == 3
    rows = [line.split(",") for line in res.output.splitlines()]
    got = dict(zip(rows[0], rows[1], strict=True))
    assert (got["case"], got["composite"], got["band"]) == ("CIK0001640147", "3", "Low")
    assert [got[f"signal_{k}"] for k in range(1, 10)] == list("010100001")
