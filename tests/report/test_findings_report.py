"""The report shows each finding beside its number, a findings panel on the first screen, and
an orphaned finding (its anchor gone after an edit) as orphaned, never dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.api import write_report
from tests.conftest import TinyCase, item

REVIEWS = """\
findings:
  - id: F1
    anchor: base/composite
    author: Ann
    date: 2026-03-02
    severity: blocking
    status: open
    thread:
      - {date: 2026-03-02, author: Ann, note: "<b>why</b>?"}
  - id: F2
    anchor: E2
    author: Bob
    date: 2026-03-02
    severity: minor
    status: resolved
  - id: F3
    anchor: base/item/E3/effective_weight
    author: Bob
    date: 2026-03-02
    severity: major
    status: open
"""


@pytest.fixture
def case(tiny: TinyCase) -> Path:
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20), item("E3", "b", 40)]
    root = tiny.write()
    (root / "reviews.yaml").write_text(REVIEWS, encoding="utf-8")
    return root


def _panel(html: str) -> str:
    return html[html.index('<div class="panel findings"'):html.index("</div>", html.index(
        '<div class="panel findings"'))]


def test_panel_on_the_first_screen_blocking_open_in_red(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    write_report(case, out)
    html = out.read_text(encoding="utf-8")
    # before the first scenario's section: on the first screen
    assert html.index('id="findings"') < html.index('<section id="scenario/base"')
    panel = _panel(html)
    assert "1 blocking finding not settled" in panel
    assert '<li id="finding/F1" class="alarm"><strong>F1</strong> blocking, open, on ' \
           '<a href="#base/composite"><code>base/composite</code></a> = ' in panel
    # base composite by hand: a = 60 (weight 3); b = mean(20, 40) = 30 (weight 1):
    # (3 * 60 + 1 * 30) / 4 = 52.5
    assert "= 52.50 · Ann" in panel
    assert "&lt;b&gt;why&lt;/b&gt;?" in panel and "<b>why</b>" not in html
    # open blocking first, then by severity
    assert [m for m in re.findall(r'id="finding/(F\d)"', panel)] == ["F1", "F3", "F2"]


def test_each_finding_beside_its_number(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    write_report(case, out)
    html = out.read_text(encoding="utf-8")
    assert re.search(r'<a class="num" href="#base/composite"[^>]*>52\.50</a> <a class="finding '
                     r'alarm" href="#finding/F1"', html)
    assert '<code>E2</code> <a class="finding" href="#finding/F2"' in html
    assert re.search(r'<span id="base/item/E3/effective_weight">.*?</span> <a class="finding" '
                     r'href="#finding/F3"', html)


def test_an_orphaned_finding_is_shown_not_dropped(case: Path, tmp_path: Path,
                                                  tiny: TinyCase) -> None:
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]  # E3 removed by an edit
    tiny.write()
    out = tmp_path / "r.html"
    write_report(case, out)
    panel = _panel(out.read_text(encoding="utf-8"))
    assert '<li id="finding/F3"><strong>F3</strong> major, open, on ' \
           '<code>base/item/E3/effective_weight</code> <strong>orphaned</strong>' in panel
    assert "nearest: " in panel and 'href="#base/item/E2/effective_weight"' in panel
    assert "1 orphaned" in panel


def test_no_reviews_no_panel_and_the_same_report(case: Path, tmp_path: Path) -> None:
    (case / "reviews.yaml").unlink()
    out = tmp_path / "r.html"
    write_report(case, out)
    html = out.read_text(encoding="utf-8")
    assert 'id="findings"' not in html and 'class="finding' not in html


def test_a_bad_reviews_file_stops_the_report(case: Path, tmp_path: Path) -> None:
    from scoring.errors import InputError

    (case / "reviews.yaml").write_text(REVIEWS.replace("id: F2", "id: F1"), encoding="utf-8")
    with pytest.raises(InputError, match="duplicate finding id 'F1'"):
        write_report(case, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
