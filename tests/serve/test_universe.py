"""``scoring serve UNIVERSE``: the portfolio index at ``/``, each case at the address the
static index links it to; a case held in a folder opens in the workbench (its own API under
its address), a case held in the universe's tables as its report."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra (Starlette) is not installed")

from starlette.testclient import TestClient  # noqa: E402

from scoring.serve.app import make_universe_app  # noqa: E402

UNIVERSE = Path(__file__).resolve().parents[2] / "examples" / "universe"
HOST, PORT = "127.0.0.1", 8765
ORIGIN = f"http://{HOST}:{PORT}"


@pytest.fixture
def universe(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    root = tmp_path / "universe"
    shutil.copytree(UNIVERSE, root)
    client = TestClient(make_universe_app(root, HOST, PORT), base_url=ORIGIN)
    yield client, root
    client.close()


def test_index_links_every_case_to_a_page_that_answers(universe: tuple[TestClient, Path]
                                                       ) -> None:
    client, _ = universe
    index = client.get("/")
    assert index.status_code == 200
    assert "script-src 'sha256-" in index.headers["content-security-policy"]
    for case in ("acme", "globex", "example"):
        assert f'href="cases/{case}.html"' in index.text
        page = client.get(f"/cases/{case}.html")
        assert page.status_code == 200, case
    assert client.get("/cases/nobody.html").status_code == 404
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 421


def test_a_folder_case_opens_in_the_workbench(universe: tuple[TestClient, Path]) -> None:
    client, root = universe
    page = client.get("/cases/example.html")
    assert '<meta name="scoring-api" content="/cases/example/api/">' in page.text
    token = page.text.split('name="scoring-token" content="')[1].split('"')[0]
    state = client.get("/cases/example/api/state").json()
    weight = next(e for e in state["editables"] if e["label"].endswith(" weight"))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    got = client.post("/cases/example/api/edit", json={
        "file": weight["file"], "path": weight["path"], "value": "0.05", "version": 0},
        headers={"Origin": ORIGIN, "X-Scoring-Token": token})
    assert got.status_code == 200, got.text
    assert got.json()["changed"]
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before  # in memory
    # another case's API, or a write without the token, is refused
    assert client.get("/cases/acme/api/state").status_code == 404  # a table case: no bench
    assert client.post("/cases/example/api/apply", json={"version": 1},
                       headers={"Origin": ORIGIN}).status_code == 403


def test_a_table_case_is_its_report(universe: tuple[TestClient, Path]) -> None:
    client, _ = universe
    page = client.get("/cases/acme.html")
    assert "scoring-token" not in page.text and "/static/app.js" not in page.text
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert 'id="base/composite"' in page.text
