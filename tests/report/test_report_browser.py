"""The report in a real browser: headless Debian Chromium driven by Playwright.

Skipped (with the reason) when Playwright or /usr/bin/chromium is missing; .ci/run installs
both, so CI always runs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import scoring
from scoring.report.html import render_report
from scoring.report.model import build_report

from ..conftest import META, TinyCase, item

CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page that records every request and every console error."""

    def __init__(self, browser: Any, url: str) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.goto(url)

    def follow(self, selector: str) -> str:
        """Click the link matched by ``selector``; return the element id now targeted."""
        link = self.page.locator(selector).first
        href = link.get_attribute("href")
        link.click()
        target = href[1:]
        self.page.wait_for_function("t => decodeURIComponent(location.hash.slice(1)) === t", arg=target)
        el = self.page.locator(f"[id='{target}']")
        assert el.count() == 1
        assert el.is_visible()
        assert el.evaluate("e => e.matches(':target')")
        return str(target)


@pytest.fixture(scope="module")
def meta_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "meta.html"
    out.write_text(render_report(build_report(scoring.score(scoring.load_case(META)))),
                   encoding="utf-8")
    return out


def test_click_from_bear_composite_down_to_a_source(browser: Any, meta_file: Path,
                                                   tmp_path: Path) -> None:
    """Three clicks from the bear composite on the first screen to a source (issue 12: it took
    eight): the composite -> its factor table; a factor score -> its items in the evidence
    table, each with its sources; a source id -> the source. Each step is an anchor, so Back
    returns through them."""
    w = Watched(browser, meta_file.as_uri())
    assert w.follow("#summary a.num[href='#bear/composite']") == "bear/composite"
    score = w.follow("[id='bear/composite'] a.num[href='#bear/factor/trust_issues/score']")
    assert w.page.locator(f"[id='{score}']").evaluate("e => e.closest('details').open")
    group = w.page.locator("[id='evidence/trust_issues']")
    assert group.locator("tr[id^='item/']").count() >= 5  # the items it is the weighted mean of
    source = w.follow("[id='evidence/trust_issues'] tr[id='item/E17'] a[href^='#source/']")
    assert source.startswith("source/")
    w.page.screenshot(path=str(tmp_path / "bear-source.png"))
    assert (tmp_path / "bear-source.png").stat().st_size > 10_000
    for back in (score, "bear/composite"):
        w.page.go_back()
        w.page.wait_for_function("t => decodeURIComponent(location.hash.slice(1)) === t",
                                 arg=back)
        assert w.page.locator(f"[id='{back}']").evaluate(
            "e => { const r = e.getBoundingClientRect(); return r.top >= -1 && r.top < 900; }")
    # one request: the file itself; following anchors fetches nothing
    assert [r.split("#")[0] for r in w.requests] == [meta_file.as_uri()]
    assert w.errors == []


def test_every_item_number_opens_in_place(browser: Any, meta_file: Path) -> None:
    """A link to an item's number opens the folded row under the item and shows the cell:
    its value, its computation and the ids it anchors (here one cell for all three
    scenarios, which derive E19's decay alike)."""
    w = Watched(browser, meta_file.as_uri() + "#evidence")
    w.page.goto(meta_file.as_uri() + "#bear/item/E19/decay")
    w.page.wait_for_function("location.hash === '#bear/item/E19/decay'")
    cell = w.page.locator("[id='bear/item/E19/decay']")
    assert cell.is_visible()
    text = cell.locator("xpath=ancestor::td[1]").inner_text()
    assert "0.5 ^ (" in text
    assert w.page.locator("[id='base/item/E19/decay']").is_visible()


def test_chart_bar_links_to_its_contribution(browser: Any, meta_file: Path) -> None:
    w = Watched(browser, meta_file.as_uri())
    bar = w.page.locator("svg.chart a[href='#bear/factor/trust_issues/contribution'] rect")
    assert bar.count() == 1
    bar.click()
    w.page.wait_for_function("location.hash === '#bear/factor/trust_issues/contribution'")
    assert w.errors == []


def test_hostile_case_executes_nothing(browser: Any, tiny: TinyCase, tmp_path: Path) -> None:
    evil = ('<script>alert(1)</script><img src=x onerror=alert(2)>'
            '<a href="javascript:alert(3)">x</a><iframe src="https://example.org"></iframe>')
    tiny.sources[0]["title"] = evil
    tiny.sources[0]["url"] = "javascript:alert(4)"
    tiny.sources[1]["url"] = "https://example.org/tracker.png"
    tiny.items = [item("E1", "a", 50, claim=evil, excerpt=evil), item("E2", "b", 50, source="S2")]
    tiny.case["entity"] = "<svg onload=alert(5)>"
    out = tmp_path / "evil.html"
    out.write_text(render_report(build_report(tiny.score())), encoding="utf-8")
    w = Watched(browser, out.as_uri())
    w.page.wait_for_timeout(200)
    assert w.errors == []  # no dialog opened, no script ran
    assert w.requests == [out.as_uri()]
    assert w.page.locator("script, img, iframe").count() == 0


def test_no_horizontal_overflow_on_a_phone(browser: Any, meta_file: Path) -> None:
    """At 390 px (a phone) nothing widens the page: long trace ids in the derivations wrap,
    and wide tables scroll inside their own box (issue 12; it was 574 px)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(meta_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    outside = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('.wrap') && e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))""")
    assert outside == []
    page.close()


def test_waterfall_bar_links_to_its_share(browser: Any, meta_file: Path) -> None:
    w = Watched(browser, meta_file.as_uri() + "#scenario/bear")
    bar = w.page.locator("svg.chart a[href='#bear/attribution/3'] rect")
    assert bar.count() == 1
    bar.click()
    w.page.wait_for_function("location.hash === '#bear/attribution/3'")
    assert w.errors == []


def test_the_first_screen_answers_the_four_questions(browser: Any, meta_file: Path) -> None:
    """At 1366 x 900, with nothing opened, the summary table is on screen and says for each
    scenario: the composite and band, how far from the nearest band (base: 1.11 above Elevated),
    the simulated share of each band, and the drivers; every one a link."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(meta_file.as_uri())
    table = page.locator("#summary table")
    assert table.evaluate("t => t.getBoundingClientRect().bottom") <= 900
    base = page.locator("#summary tbody tr").first.inner_text()
    assert "1.11 from Elevated" in base and "High 72.2%" in base
    assert "Data-governance exposure 11.25" in base
    for rid in ("base/band_margin", "base/simulation/band/High", "bear/attribution/3"):
        assert page.locator(f"#summary a[href='#{rid}']").count() == 1, rid
    page.close()


def test_the_page_is_at_most_twelve_screens_tall(browser: Any, meta_file: Path) -> None:
    """With nothing opened, the Meta report is at most 12 screens of 900 px at 1366 px wide
    (it was 218 000 px): the derivations, evidence tables, sources and method are folded in
    <details> that a link into them opens."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(meta_file.as_uri())
    assert page.evaluate("document.documentElement.scrollHeight") <= 12 * 900
    # a link into a folded part opens it
    page.goto(meta_file.as_uri() + "#source/S06")
    page.wait_for_function("location.hash === '#source/S06'")
    assert page.locator("[id='source/S06']").is_visible()
    page.close()


def test_peer_grid_works_without_script_and_its_links_resolve(browser: Any,
                                                              tmp_path: Path) -> None:
    """The portfolio's peer grid, script off: three groups, cells tinted by band, and a
    rank link that opens the case page at that rank's derivation."""
    from click.testing import CliRunner

    from scoring.cli import main
    from scoring.desk.synthetic import write_universe

    root = write_universe(tmp_path / "u", 9, n_items=6, peer_groups=3)
    out = tmp_path / "report"
    res = CliRunner().invoke(main, ["report", str(root), "-o", str(out)])
    assert res.exit_code == 0, res.output
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((out / "index.html").as_uri() + "#peers")
    grid = page.locator("details[id='peers/base'] table.grid")
    assert grid.is_visible()
    groups = grid.locator("th.group").all_inner_texts()
    assert groups == ["Energy (3 cases)", "Financials (3 cases)", "Health care (3 cases)"]
    cell = grid.locator("td.n[class*='tone-']").first
    colour = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    link = grid.locator("a[href$='/peer/composite/rank']").first
    href = str(link.get_attribute("href"))
    link.click()
    anchor = href.split("#", 1)[1]
    page.wait_for_url(lambda url: url.endswith(href))
    target = page.locator(f"[id='{anchor}']")
    assert target.count() == 1 and target.is_visible()  # the derivations fold opened
    assert target.evaluate("e => e.matches(':target')")
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def polish_backtest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sklearn", reason="the backtest extra is not installed")
    import scoring.api

    polish = META.parent / "polish-bankruptcy-1year"
    out = tmp_path_factory.mktemp("backtest") / "polish.html"
    scoring.api.backtest_universe(polish, polish / "outcomes.csv", risk_when="lower",
                                  output=out)
    return out


def test_the_backtest_first_screen_answers_does_it_discriminate(
        browser: Any, polish_backtest: Path) -> None:
    """At 1280 x 800, without scrolling: the AUC with its interval, monotone yes/no and the
    whole band table (issue 23); a band's rate leads to its record, which names the cases
    behind it; nothing is fetched, nothing runs."""
    w = Watched(browser, polish_backtest.as_uri())
    w.page.set_viewport_size({"width": 1280, "height": 800})
    for sel in ("#summary a[href='#bt/auc']", "#summary a[href='#bt/auc_interval']",
                "#summary a[href='#bt/monotone']", "#summary table tbody tr:last-child"):
        box = w.page.locator(sel).first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, sel
        assert box["x"] + box["width"] <= 1280, sel
    assert w.page.locator("#summary tbody tr").count() == 3
    assert w.page.evaluate("document.documentElement.scrollWidth") <= 1280
    rate = w.follow("#summary a.num[href='#bt/band/Distress/rate']")
    text = w.page.locator(f"[id='{rate}']").inner_text()
    assert "72 / 693" in text and "bt/band/Distress/events" in text
    w.follow(f"[id='{rate}'] a[href='#bt/band/Distress/events']")
    w.page.locator("[id='behind/Distress'] summary").first.click()
    assert w.page.locator("[id='behind/Distress'] tbody tr").count() == 72
    assert [r.split("#")[0] for r in w.requests] == [polish_backtest.as_uri()]
    assert w.errors == []
