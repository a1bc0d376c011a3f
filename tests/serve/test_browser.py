"""The workbench in a real browser (Chromium through Playwright): open the app served by
uvicorn on an ephemeral port, change a factor's weight in the page, and find the composite
and band that ``scoring score`` gives for the same edit made to a copy of the files; save
the edit as a scenario, reload, and find the scenario in the page and in the case's file.

Skipped (with the reason) when Playwright, uvicorn or /usr/bin/chromium is missing."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import scoring

from .conftest import EXAMPLE

CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra (uvicorn) is not installed")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

from scoring.serve.app import make_app  # noqa: E402
from scoring.serve.workbench import Workbench  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "docs-example"
    shutil.copytree(EXAMPLE, folder)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(Workbench.open(folder), "127.0.0.1", port),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}/", folder
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _expected(folder: Path, tmp_path: Path, edits: dict[str, tuple[str, str]]
              ) -> tuple[str, str]:
    """The base composite (as shown) and band ``scoring score`` gives for ``edits`` (file ->
    (line, replacement)) made to a copy of the files."""
    copy = tmp_path / f"expected-{len(edits)}"
    shutil.copytree(folder, copy)
    for name, (line, replacement) in edits.items():
        file = copy / name
        text = file.read_text(encoding="utf-8")
        assert text.count(line) == 1
        file.write_text(text.replace(line, replacement), encoding="utf-8")
    result = scoring.score(scoring.load_case(copy))
    return result.trace["base/composite"].display, result.band("base")


def _unfold(box: Any) -> None:
    """Open the folded sections around ``box``, as a reader does."""
    box.wait_for(state="attached")
    box.evaluate("e => { for (let d = e.closest('details'); d; "
                 "d = d.parentElement.closest('details')) d.open = true; }")


def _edit(page: Any, label: str, value: str, want: str) -> None:
    box = page.locator(f"input.wb-edit[aria-label='{label}']")
    _unfold(box)
    box.fill(value)
    box.evaluate("e => e.blur()")  # the change a reader makes: type, then leave the box
    try:
        page.wait_for_function(
            "w => document.querySelector(\"a.num[href='#base/composite']\").textContent === w",
            arg=want, timeout=10_000)
    except sync_api.TimeoutError:
        status = page.locator(".wb-status").text_content()
        shown = page.locator("a.num[href='#base/composite']").first.text_content()
        raise AssertionError(f"after {label} = {value}: {shown} shown, {want} expected; "
                             f"the page says: {status}") from None


def test_edit_a_weight_in_the_browser(browser: Any, served: tuple[str, Path],
                                      tmp_path: Path) -> None:
    url, folder = served
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.locator("input.wb-edit").first.wait_for(state="attached")
    composite = page.locator("a.num[href='#base/composite']").first
    band = page.locator("a.band[href='#base/band']").first
    before, before_band = composite.text_content(), band.text_content()
    weight = {"rubrics/example.yaml": ("    weight: 0.4\n", "    weight: 0.8\n")}
    want, want_band = _expected(folder, tmp_path, weight)
    assert want != before and want_band == before_band == "Medium"
    _edit(page, "moat weight", "0.8", want)
    assert composite.text_content() == want and band.text_content() == want_band
    assert "wb-moved" in (composite.get_attribute("class") or "")
    assert composite.get_attribute("title") == f"was {before}"
    assert page.locator(".wb-attribution").text_content()  # scoring diff's account of it
    # the analyses an edit does not recompute are marked, never shown as if current
    stale = page.locator("a.num[href*='/simulation/']").first
    assert "wb-stale" in (stale.get_attribute("class") or "")
    # a second edit, on top of the first, that moves the band as well
    both = weight | {"evidence.yaml": ("    value: 30\n", "    value: 0\n")}
    want, want_band = _expected(folder, tmp_path, both)
    assert want_band == "High"
    _edit(page, "E1 value", "0", want)
    assert band.text_content() == "High"

    page.fill(".wb-save input[name='scenario']", "heavier_moat")
    page.fill(".wb-save textarea[name='rationale']", "The committee weighs the moat double.")
    page.click(".wb-save button[type='submit']")
    page.wait_for_load_state("load")
    page.locator("[id='scenario/heavier_moat']").first.wait_for(timeout=10_000)
    scenarios = (folder / "scenarios.yaml").read_text(encoding="utf-8")
    assert "heavier_moat" in scenarios and "The committee weighs the moat double." in scenarios
    assert errors == [], errors
