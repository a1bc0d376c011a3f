"""The report's trend section: only when dates are asked for; every point links to a row."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import scoring
from scoring.cli import main

from ..conftest import META


def test_trend_section(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = runner.invoke(main, ["report", str(META), "-o", str(out), "--as-of",
                               "2026-03-01,2026-03-05,2026-03-09"])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert '<section id="trend"' in html and "<script" not in html
    links = re.findall(r'<a href="#(trend/[^"]+)"><circle', html)
    assert len(links) == 9  # 3 dates x 3 scenarios
    for anchor in links:
        assert f'<tr id="{anchor}">' in html
    row = re.search(r'<tr id="trend/2026-03-09/base">(.*?)</tr>', html)
    # the latest date is the case as scored today
    today = scoring.score(scoring.load_case(META)).composite("base")
    assert row is not None and f'data-value="{today!r}"' in row.group(1)
    assert re.search(r"[+-]\d+\.\d\d since 2026-03-05: factor scores", row.group(1))
    # The page itself keeps its budget; the inputs bundle it carries (issue 24: 22.4 KB of
    # base64 here) has its own, at most 15 % of the page.
    from scoring.formats.bundle import read_bundle

    carried = len(read_bundle(out).text)
    page = len(html.encode("utf-8")) - carried
    assert page <= 400_000
    assert carried <= 0.15 * page


def test_no_trend_without_dates(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert runner.invoke(main, ["report", str(META), "-o", str(out)]).exit_code == 0
    assert 'id="trend"' not in out.read_text(encoding="utf-8")
