"""The PDF tear sheet (scoring report --format pdf), read back with pypdf."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import scoring
from scoring.api import write_tearsheet
from scoring.cli import main
from scoring.report.model import ReportPage, build_report
from scoring.report.tearsheet import build_tearsheet, shorten

from ..conftest import META, TinyCase, item


def _why_not_weasyprint() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the module is there, Pango is not
        return f"WeasyPrint cannot be imported ({type(exc).__name__}: {exc}); " \
               "pip install 'rubric-risk-scoring[pdf]'"
    return None


WHY = _why_not_weasyprint()
needs_pdf = pytest.mark.skipif(WHY is not None, reason=WHY or "")
pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (the test extra has it)")


@pytest.fixture(scope="module")
def meta_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if WHY is not None:
        pytest.skip(WHY)
    out = tmp_path_factory.mktemp("pdf") / "meta.pdf"
    # what `scoring report META --format pdf -o FILE` records in the PDF's inputs bundle
    write_tearsheet(META, out, command=("scoring", "report", str(META), "--format", "pdf"))
    return out.read_bytes()


@pytest.fixture(scope="module")
def meta_model() -> ReportPage:
    return build_report(scoring.score(scoring.load_case(META)))


@pytest.fixture(scope="module")
def meta_text(meta_pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(meta_pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def _flat(text: str) -> str:
    """The text with every run of white space (line breaks, thin spaces) as one space."""
    return re.sub(r"\s+", " ", text)


@needs_pdf
def test_meta_is_two_to_four_pages(meta_pdf: bytes) -> None:
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(meta_pdf)).pages) <= 4


@needs_pdf
def test_meta_shows_the_summary_attribution_and_sources(meta_text: str,
                                                       meta_model: ReportPage) -> None:
    text = _flat(meta_text)
    for sc in meta_model.scenarios:
        assert sc.composite.display in text
        assert sc.band in text
        assert sc.coverage.display in text
        for share in sc.attribution:
            assert f"{share.change.text} {share.op}" in text
            assert share.share.display in text
    base, bear = meta_model.scenarios[0], meta_model.scenarios[2]
    assert (base.composite.display, base.band, bear.composite.display, bear.band) == \
        ("61.11", "High", "67.66", "High")
    assert "bear/change/3 shift_value value of E02 shifted by -30" in text
    sheet = build_tearsheet(meta_model)
    cited = {sid for it in sheet.key_items for sid, _ in it.sources}
    assert cited and {s.id for s in sheet.sources} == cited  # the key evidence's sources
    for sid in cited:
        assert f"{sid} " in text
    assert f"The case's {len(meta_model.sources) - len(cited)} other sources are listed" in text
    assert "bull/assumption/A01" in text and "bear/assumption/A02" in text


@needs_pdf
def test_every_number_shows_its_trace_id(meta_text: str, meta_model: ReportPage) -> None:
    sheet = build_tearsheet(meta_model)
    keys = [*sheet.summary_key, *sheet.attribution_key, *sheet.factor_key,
            *sheet.evidence_key, *sheet.source_key]
    assert len(keys) > 100
    text = _flat(meta_text)
    missing = [f"{tag} {rid}" for tag, rid in keys if f"{tag} {rid}" not in text]
    assert missing == []


@pytest.fixture(scope="module")
def cjk_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A case whose key evidence cites a Japanese and a Chinese title (two Meta sources')."""
    from ..conftest import TinyCase

    tiny = TinyCase(tmp_path_factory.mktemp("cjk") / "case")
    tiny.sources[0]["title"] = "リトにブックマークを登録しました"
    tiny.sources[1]["title"] = "Meta 進軍 AI 硬體市場"
    tiny.items = [item("E1", "a", 70), item("E2", "b", 40, source="S2")]
    tiny.write()
    out = tmp_path_factory.mktemp("cjk-out") / "t.pdf"
    write_tearsheet(tiny.root, out)
    return out.read_bytes()


@needs_pdf
def test_cjk_titles_are_drawn_from_an_embedded_font(cjk_pdf: bytes) -> None:
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(cjk_pdf)).pages)
    assert "リトにブックマークを登録しました" in text
    assert "Meta 進軍 AI 硬體市場" in text


@needs_pdf
def test_fonts_are_embedded_and_no_time_is_recorded(cjk_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(cjk_pdf))
    fonts: dict[str, Any] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert any("CJK" in name for name in fonts)
    for name, font in fonts.items():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
    info = reader.trailer["/Info"].get_object()
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert len(reader.trailer["/ID"]) == 2


@needs_pdf
def test_the_same_inputs_give_the_same_bytes(meta_pdf: bytes, tmp_path: Path,
                                             runner: CliRunner) -> None:
    out = tmp_path / "again.pdf"
    res = runner.invoke(main, ["report", str(META), "--format", "pdf", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == meta_pdf


@needs_pdf
def test_an_input_is_never_overwritten(tmp_path: Path, runner: CliRunner,
                                       tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()
    before = (root / "evidence.yaml").read_bytes()
    res = runner.invoke(main, ["report", str(root), "--format", "pdf", "-o",
                               str(root / "evidence.yaml")])
    assert res.exit_code == 1
    assert "refused: is an input of this run" in res.output
    assert (root / "evidence.yaml").read_bytes() == before
    res = runner.invoke(main, ["report", str(root), "--format", "pdf", "-o",
                               str(root / "memo.pdf")])
    assert res.exit_code == 1
    assert "a folder this run reads" in res.output
    assert not (root / "memo.pdf").exists()


@needs_pdf
def test_case_text_is_shown_as_text(tiny: TinyCase, tmp_path: Path) -> None:
    tiny.sources[0]["title"] = "<img src='file:///etc/passwd'> <b>bold</b>"
    tiny.items = [item("E1", "a", 50, claim="<script>alert(1)</script>"),
                  item("E2", "b", 50, source="S2")]
    out = tmp_path / "t.pdf"
    write_tearsheet(tiny.write(), out)
    reader = pypdf.PdfReader(out)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "<img src='file:///etc/passwd'> <b>bold</b>" in text
    assert "<script>alert(1)</script>" in text


def test_without_weasyprint_the_command_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, runner: CliRunner) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint: ImportError
    out = tmp_path / "m.pdf"
    res = runner.invoke(main, ["report", str(META), "--format", "pdf", "-o", str(out)])
    assert res.exit_code == 1
    assert res.output == ("Error: the PDF tear sheet needs WeasyPrint, which is not "
                          "installed: pip install 'rubric-risk-scoring[pdf]' "
                          "(see docs/errors.md#scoring-error)\n")
    assert not out.exists()


@pytest.mark.parametrize("extra", [["--baseline", str(META)], ["--snapshots", str(META)]])
def test_pdf_takes_no_baseline_or_snapshots(extra: list[str], tmp_path: Path,
                                            runner: CliRunner) -> None:
    res = runner.invoke(main, ["report", str(META), "--format", "pdf", "-o",
                               str(tmp_path / "m.pdf"), *extra])
    assert res.exit_code == 2
    assert "--format pdf takes neither --baseline nor --snapshots" in res.output


@pytest.mark.parametrize(("text", "width", "shown"), [
    ("short", 10, "short"),
    ("a  b\n c", 10, "a b c"),
    ("abcdefghijkl", 8, "abcdefg…"),
    ("リトにブックマーク", 8, "リトに…"),  # a CJK character takes two columns
    ("\U0001f6a8 CORPORATE UPDATE \U0001f916", 40, "CORPORATE UPDATE"),
])
def test_shorten(text: str, width: int, shown: str) -> None:
    assert shorten(text, width) == shown


@needs_pdf
def test_a_case_scored_by_measures_shows_them_as_key_evidence(tmp_path: Path) -> None:
    """Altman's factors are measures of reported figures: their rows are not evidence items."""
    out = tmp_path / "z.pdf"
    write_tearsheet(META.parent / "altman-aal-2021", out)
    text = _flat("\n".join(p.extract_text() for p in pypdf.PdfReader(out).pages))
    assert "x5 asset_turnover measure Sales / total assets: sales / total_assets " \
           "reported figures +0.45" in text
    assert "base/sensitivity/item/x5/at_stake" in text
