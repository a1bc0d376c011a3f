"""The workbench's fixtures: a commented copy of the docs example, and the app on it driven
in-process by Starlette's TestClient (no server, no port)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra (Starlette) is not installed")

from starlette.testclient import TestClient  # noqa: E402

from scoring.serve.app import make_app  # noqa: E402
from scoring.serve.workbench import Workbench  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "docs-example"
HOST, PORT = "127.0.0.1", 8765
ORIGIN = f"http://{HOST}:{PORT}"
# Comments, odd spacing and an inline comment on the very value the tests edit.
COMMENTED_LINE = "    weight: 0.25   # legal: the committee's 2025 call\n"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "docs-example"
    shutil.copytree(EXAMPLE, folder)
    rubric = folder / "rubrics" / "example.yaml"
    text = rubric.read_text(encoding="utf-8")
    assert text.count("    weight: 0.25\n") == 1
    rubric.write_text("# The example rubric (a comment the workbench must keep)\n"
                      + text.replace("    weight: 0.25\n", COMMENTED_LINE)
                      + "# trailing comment\n", encoding="utf-8")
    return folder


class Client:
    """The app's TestClient with the session's token read from its page, as the page's
    script reads it."""

    def __init__(self, folder: Path) -> None:
        self.bench = Workbench.open(folder)
        self.http = TestClient(make_app(self.bench, HOST, PORT), base_url=ORIGIN)
        page = self.http.get("/")
        assert page.status_code == 200
        self.token = page.text.split('name="scoring-token" content="')[1].split('"')[0]
        self.page = page

    def post(self, url: str, data: dict[str, Any], **headers: str) -> Any:
        sent = {"Origin": ORIGIN, "X-Scoring-Token": self.token} | headers
        return self.http.post(url, json=data, headers={k: v for k, v in sent.items() if v})

    def edit(self, file: str, path: list[Any], value: str, version: int | None = None) -> Any:
        return self.post("/api/edit", {"file": file, "path": path, "value": value,
                                       "version": self.bench.version if version is None
                                       else version})


@pytest.fixture
def client(case: Path) -> Iterator[Client]:
    c = Client(case)
    yield c
    c.http.close()
