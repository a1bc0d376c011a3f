"""The HTML report, checked on the HTML itself (the browser test is test_report_browser.py)."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import scoring
from scoring.cli import main
from scoring.report import model as report_model
from scoring.report.html import render_report
from scoring.report.model import build_report
from scoring.report.sourced import safe_url

from ..conftest import META, REPO, TinyCase, item, meta_report_page


class Page(HTMLParser):
    """Collects element ids, links, number elements and tags of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.numbers: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if a.get("href") is not None:
            self.hrefs.append(str(a["href"]))
        if "num" in (a.get("class") or "").split():
            self.numbers.append(a)


def meta_report_html() -> str:
    return render_report(meta_report_page())


@pytest.fixture(scope="module")
def meta_html() -> str:
    return meta_report_html()


@pytest.fixture(scope="module")
def meta_page(meta_html: str) -> Page:
    return Page(meta_html)


def test_committed_report_is_current(meta_html: str) -> None:
    committed = (REPO / "reports" / "meta-platforms.html").read_text(encoding="utf-8")
    assert committed == meta_html, (
        "reports/meta-platforms.html is stale: run "
        "`scoring report evidence/meta-platforms -o reports/meta-platforms.html`")


def test_rendering_is_deterministic(meta_html: str) -> None:
    assert meta_report_html() == meta_html


def test_ids_are_unique(meta_page: Page) -> None:
    dupes = {i for i in meta_page.ids if meta_page.ids.count(i) > 1}
    assert not dupes


def test_every_internal_link_resolves(meta_page: Page) -> None:
    ids = set(meta_page.ids)
    broken = [h for h in meta_page.hrefs if h.startswith("#") and h[1:] not in ids]
    assert broken == []


def test_every_trace_record_has_an_anchor(meta_page: Page) -> None:
    result = scoring.score(scoring.load_case(META))
    ids = set(meta_page.ids)
    missing = [r for r in result.to_json()["records"] if r["id"] not in ids]
    assert missing == []


def test_every_number_links_to_its_trace_and_keeps_the_raw_value(meta_page: Page) -> None:
    result = scoring.score(scoring.load_case(META))
    assert len(meta_page.numbers) > 200  # the links; numbers shown in place are not links
    exact = 0
    for n in meta_page.numbers:
        rid = str(n["href"])[1:]
        rec = result.trace[rid]
        if isinstance(rec.value, float) and n.get("data-value") is not None:
            assert float(str(n["data-value"])) == rec.value
        elif isinstance(rec.value, float):  # shown as it is: the text is the value
            exact += 1
            assert float(rec.display) == rec.value
    assert 0 < exact < len(meta_page.numbers)


def test_no_remote_loads_and_a_csp(meta_html: str, meta_page: Page) -> None:
    csp = [a for t, a in meta_page.tags
           if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    assert str(csp[0]["content"]).startswith("default-src 'none'; style-src 'sha256-")
    assert not [t for t, _ in meta_page.tags if t in ("script", "img", "iframe", "link", "object")]
    # the inputs bundle is data in a template, which a browser never shows nor runs
    assert [(t, a) for t, a in meta_page.tags if t == "template"] == [
        ("template", {"id": "scoring-bundle",
                      "data-type": "application/vnd.scoring.bundle+zlib;base64"})]
    external = [h for h in meta_page.hrefs if not h.startswith("#")]
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in external)


def test_headline_numbers(meta_html: str) -> None:
    result = scoring.score(scoring.load_case(META))
    c = result.composite("bear")
    assert (f'<a class="num" href="#bear/composite" data-value="{c!r}">{c:.2f}</a>'
            in meta_html)


def test_non_latin_titles_are_kept(meta_html: str) -> None:
    for fragment in ("Landgericht Berlin", "リトにブックマーク", "Meta 進軍 AI 硬體市場",
                     "Я попробовал", "Inchiesta di Svenska Dagbladet"):
        assert fragment in meta_html


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_hostile_strings_are_inert(tiny: TinyCase) -> None:
    tiny.sources[0]["title"] = HOSTILE
    tiny.sources[0]["url"] = "javascript:alert(3)"
    tiny.sources[1]["url"] = "https://example.org/a?b=<c>&d=\"e\""
    tiny.sources[1]["notes"] = "</td></tr></table><script>alert(4)</script>"
    tiny.items = [item("E1", "a", 50, claim=HOSTILE, excerpt="<b onclick='x()'>bold</b>"),
                  item("E2", "b", 50, source="S2")]
    tiny.case["entity"] = "<svg onload=alert(5)>"
    result = tiny.score()
    html = render_report(build_report(result))
    page = Page(html)
    assert not [t for t, _ in page.tags if t in ("script", "img")]
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    assert "javascript:" not in " ".join(page.hrefs)
    assert "https://example.org/a?b=<c>&d=\"e\"" in page.hrefs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the refused link is shown as text, escaped, not linked
    assert "(link not shown: javascript:alert(3))" in html


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/x", True), ("http://example.org", True), ("mailto:a@b.c", True),
    ("HTTPS://EXAMPLE.ORG", True), ("javascript:alert(1)", False), (" javascript:x", False),
    ("java\tscript:x", False), ("data:text/html,<p>", False), ("file:///etc/passwd", False),
    ("//evil.example/x", False), ("relative/path", False), ("", False), (None, False),
], ids=lambda v: repr(v))
def test_safe_url(url: str | None, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


def test_cli_report_writes_file_and_generated_at(tiny: TinyCase, tmp_path: Path,
                                                  runner: CliRunner) -> None:
    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()
    out = tmp_path / "r.html"
    res = runner.invoke(main, ["report", str(root), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "no generation time recorded" in out.read_text(encoding="utf-8")
    res = runner.invoke(main, ["report", str(root), "-o", str(out)],
                        env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert "generated at 2026-01-01T00:00:00+00:00" in out.read_text(encoding="utf-8")
    res = runner.invoke(main, ["report", str(root), "-o", str(out), "--generated-at",
                               "2026-02-03"])
    assert "generated at 2026-02-03T00:00:00" in out.read_text(encoding="utf-8")


def test_failed_render_leaves_previous_report(tiny: TinyCase, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.items = [item("E1", "a", 50)]
    root = tiny.write()
    out = tmp_path / "r.html"
    out.write_text("previous", encoding="utf-8")

    def boom(*_: object, **__: object) -> str:
        raise RuntimeError("renderer died midway")

    monkeypatch.setattr("scoring.report.html.render_report", boom)
    with pytest.raises(RuntimeError):
        scoring.api.write_report(root, out)
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html", "case"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["case", "r.html"]


def test_report_context_is_documented() -> None:
    doc = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    missing = []
    for cls in (report_model.ReportPage, report_model.ScenarioView, report_model.Num):
        for f in dataclasses.fields(cls):
            if not re.search(rf"`{f.name}`", doc):
                missing.append(f"{cls.__name__}.{f.name}")
    assert missing == []


def test_baseline_report_has_linked_what_changed(tmp_path: Path) -> None:
    from scoring.api import write_report

    old = tmp_path / "old"
    shutil.copytree(META, old)
    (old / "case.yaml").write_text(
        (old / "case.yaml").read_text(encoding="utf-8").replace(
            "../../rubrics/", os.path.relpath(REPO / "rubrics", old) + "/"), encoding="utf-8")
    text = (old / "evidence.yaml").read_text(encoding="utf-8")
    start, end = text.index("  - id: E20"), text.index("  - id: E21")
    (old / "evidence.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    out = tmp_path / "r.html"
    write_report(META, out, baseline=old)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    ids = set(page.ids)
    assert [h for h in page.hrefs if h.startswith("#") and h[1:] not in ids] == []
    assert "what-changed" in ids and "changed/bear/score_effect" in ids
    assert "E20 added: " in html
    # the composite change of bear is the sum of the score effects: only trust_issues moved
    bear_total = next(n for n in page.numbers if n["href"] == "#changed/bear/total")
    bear_score = next(n for n in page.numbers if n["href"] == "#changed/bear/score_effect")
    assert float(str(bear_total["data-value"])) == pytest.approx(
        float(str(bear_score["data-value"])), abs=1e-12)


@pytest.mark.parametrize("text", ["", "plain", "a & b", "<script>x</script>", "it's \"q\"",
                                  "&amp; already", "→ · — é", "'\"<>&" * 3])
def test_fragments_escape_as_markupsafe_does(text: str) -> None:
    import markupsafe

    from scoring.report.html import _escape

    assert _escape(text) == str(markupsafe.escape(text))


def test_assumed_marks_only_numbers_a_change_moves() -> None:
    """Bear's coverage is 100 % as in base: it rests on the weights (which a change may set)
    but no change moves it, so it is not marked; bear's composite is."""
    from scoring.report.model import build_report

    r = scoring.score(scoring.load_case(META))
    page = build_report(r)
    bear = next(s for s in page.scenarios if s.id == "bear")
    assert r.trace["bear/coverage"].assumptions  # structurally downstream of changes
    assert r.trace["bear/coverage"].value == r.trace["base/coverage"].value == 1.0
    assert bear.coverage.assumed is False
    assert bear.composite.assumed is True
    base = next(s for s in page.scenarios if s.id == "base")
    assert base.composite.assumed is False


def test_break_evens_do_not_offer_a_band_a_gate_forbids() -> None:
    """Bull is Elevated and the governance_floor gate (data governance 75 >= 70) holds the
    band at least Elevated: no factor can take bull down to Moderate, and the table says why
    instead of offering a score change."""
    from scoring.report.model import build_report

    page = build_report(scoring.score(scoring.load_case(META)))
    bull = next(s for s in page.scenarios if s.id == "bull")
    assert bull.robustness is not None
    rows = bull.robustness.break_evens
    assert rows and all(r.down_target == "Moderate" for r in rows)
    assert {r.down_blocked for r in rows} == {
        "gate governance_floor holds the band at least Elevated"}
    assert all(r.up_blocked is None for r in rows)  # High is allowed


def test_the_meta_report_is_at_most_400_kb(meta_html: str) -> None:
    """Issue 12's budget (it was 1.33 MB): numbers are derived where they are shown, so the
    page holds no appendix entry per number."""
    assert len(meta_html.encode("utf-8")) <= 400_000


def test_agreeing_scenarios_share_a_cell_and_differing_ones_do_not() -> None:
    """E19's decay is the same in every scenario: one cell anchors all three ids. E01's
    confidence is 0.7 as sourced (base, bull) and 0.4 in bear (a change): two cells, the
    bear one linking to the change that set it."""
    page = build_report(scoring.score(scoring.load_case(META)))
    rows = {r.item.text: r for g in page.evidence for r in g.rows}
    decay = next(q for q in rows["E19"].quantities if q.label == "decay")
    assert [c.ids for c in decay.cells if c] == [
        ("base/item/E19/decay", "bull/item/E19/decay", "bear/item/E19/decay")]
    conf = next(q for q in rows["E01"].quantities if q.label == "confidence")
    cells = [c for c in conf.cells if c]
    assert [c.ids for c in cells] == [("base/item/E01/confidence", "bull/item/E01/confidence"),
                                      ("bear/item/E01/confidence",)]
    assert [x.id for x in cells[1].inputs] == ["bear/change/4"]
    assert cells[1].value.assumed and not cells[0].value.assumed


def test_every_number_shown_in_place_is_its_records(meta_html: str) -> None:
    """A cell that derives a number in place anchors each of its trace ids and shows the
    value of each: its exact value in data-value where the shown one is rounded, its shown
    value as the record displays it."""
    result = scoring.score(scoring.load_case(META))
    cells = re.findall(r'((?:<span id="[^"]+">)+)<b(?: data-value="([^"]*)")?>([^<]*)</b>',
                       meta_html)
    assert len(cells) > 500
    for anchors, raw, shown in cells:
        for rid in re.findall(r'id="([^"]+)"', anchors):
            rec = result.trace[rid.replace("&#39;", "'")]
            assert shown == rec.display, rid
            if raw:
                assert float(raw) == rec.value, rid
            elif isinstance(rec.value, float) and not math.isnan(rec.value):
                assert float(shown) == rec.value, rid  # shown exactly


@pytest.mark.parametrize("case", sorted(p.name for p in (REPO / "evidence").iterdir()
                                        if (p / "case.yaml").is_file()))
def test_every_shipped_case_renders_with_every_link_resolved(case: str) -> None:
    """Published methods (measures, points composites, figures) and the Meta case alike."""
    page = Page(render_report(build_report(scoring.score(scoring.load_case(
        REPO / "evidence" / case)))))
    ids = set(page.ids)
    assert len(ids) == len(page.ids)
    assert [h for h in page.hrefs if h.startswith("#") and h[1:] not in ids] == []
