"""The wheel a user installs carries the licence and the metadata (pyproject.toml), and the
version is written once (scoring/__init__.py)."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import scoring

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--wheel-dir", str(out), str(REPO)], check=True, capture_output=True)
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def _metadata(wheel: zipfile.ZipFile) -> email.message.Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


def test_wheel_carries_the_apache_licence(wheel: zipfile.ZipFile) -> None:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(name) == (REPO / "LICENSE").read_bytes()
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_wheel_metadata(wheel: zipfile.ZipFile) -> None:
    meta = _metadata(wheel)
    assert meta["Name"] == "rubric-risk-scoring"
    assert meta["Version"] == scoring.__version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier")
    assert "Framework :: Pytest" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Typing :: Typed" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert sorted(meta.get_all("Provides-Extra")) == ["backtest", "bench", "browser", "dask", "dev", "pdf",
                                                      "serve", "test", "xlsx"]
    assert meta["Description-Content-Type"] == "text/markdown"


def test_wheel_holds_the_package_the_command_and_the_plugin(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "scoring/py.typed" in names
    assert {"scoring/serve/static/app.js", "scoring/serve/static/app.css"} <= set(names)
    assert "scoring/report/templates/report.html" in names
    assert "scoring/report/templates/tearsheet.css" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "examples/"))]
    (ep,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert wheel.read(ep).decode() == ("[console_scripts]\nscoring = scoring.cli:run\n\n"
                                       "[pytest11]\nscoring = scoring.pytest_plugin\n")


def test_the_version_is_written_once() -> None:
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"] == {"version": {"attr": "scoring.version.__version__"}}


def test_version_option_prints_the_package_version() -> None:
    from click.testing import CliRunner

    from scoring.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"scoring, version {scoring.__version__}\n"
