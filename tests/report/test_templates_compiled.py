"""The templates compiled ahead of time (scoring/report/compiled/) are current: each is what
Jinja makes of its template now, and a run uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.report import html

from ..conftest import REPO, meta_report_page

COMPILED = Path(html.__file__).parent / "compiled"
TEMPLATES = sorted(html.environment().list_templates(filter_func=lambda n: n.endswith(".html")))


def test_every_template_has_its_module_and_no_module_is_left_over() -> None:
    modules = {p.name for p in COMPILED.glob("t_*.py")}
    assert modules == {f"{html.compiled_module_name(n)}.py" for n in TEMPLATES}, \
        "run python .ci/compile_templates.py"


@pytest.mark.parametrize("name", TEMPLATES)
def test_compiled_module_is_current(name: str) -> None:
    path = COMPILED / f"{html.compiled_module_name(name)}.py"
    assert path.read_text(encoding="utf-8") == html.compiled_source(html.environment(), name), \
        f"{path.name} is stale: run python .ci/compile_templates.py"


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_run_uses_the_compiled_module(name: str) -> None:
    env = html.environment()
    assert env.loader is not None
    source = env.loader.get_source(env, name)[0]
    assert html.compiled_namespace(name, html.fingerprint(env, source)) is not None


def test_without_the_compiled_modules_the_page_is_the_same(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A stale or missing module is not used: the template is compiled and the page is the
    committed one, byte for byte."""
    page = meta_report_page()
    monkeypatch.setattr(html, "compiled_namespace", lambda template, expected: None)
    html.environment.cache_clear()
    try:
        assert html.environment().get_template("report.html").filename is not None
        assert html.render_report(page) == (REPO / "reports" / "meta-platforms.html"
                                            ).read_text(encoding="utf-8")
    finally:
        html.environment.cache_clear()
