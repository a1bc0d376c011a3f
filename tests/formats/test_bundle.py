"""The inputs bundle (scoring/formats/bundle.py): what it holds, that it is deterministic, and
that reading it back refuses every broken, swapped or oversized bundle with a clear error."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import scoring
from scoring.api import report_bundle
from scoring.cli import main
from scoring.formats import bundle as bundle_module
from scoring.formats.bundle import BundleError, open_bundle, read_bundle

from ..conftest import META, REPO


@pytest.fixture(scope="module")
def meta_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "meta.html"
    res = CliRunner().invoke(main, ["report", str(META), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_the_bundle_holds_every_input_byte_for_byte(meta_report: Path) -> None:
    b = read_bundle(meta_report)
    case = scoring.load_case(META)
    assert sorted(b.files) == sorted(i.path for i in case.inputs) == [
        "../../rubrics/ai-platform-strategy.yaml", "case.yaml", "evidence.yaml",
        "scenarios.yaml", "sources.yaml"]
    for path, data in b.files.items():
        assert data == (META / path).read_bytes()
    assert [(i["path"], i["sha256"]) for i in b.manifest["inputs"]] == sorted(
        (p, hashlib.sha256((META / p).read_bytes()).hexdigest()) for p in b.files)
    assert b.manifest["engine"] == {"name": "rubric-risk-scoring",
                                    "version": scoring.__version__}
    assert b.manifest["as_of"] == "2026-03-09"
    assert b.manifest["seed"] == 20260309 and b.manifest["draws"] == 10_000
    assert b.manifest["rubric"]["sha256"] == hashlib.sha256(
        (REPO / "rubrics/ai-platform-strategy.yaml").read_bytes()).hexdigest()
    # the snapshots are not carried, only named with their digests (none is in the folder)
    assert [(s["source"], s["sha256"]) for s in b.manifest["snapshots"]] == [
        ("ARTICLE", None), ("NOTE", None)]


def test_the_command_is_recorded_without_the_output_path(meta_report: Path) -> None:
    assert read_bundle(meta_report).manifest["command"] == ["scoring", "report", str(META)]


def test_the_digest_is_on_the_first_screen_and_names_the_uncompressed_tar(
        meta_report: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    b = read_bundle(meta_report)
    assert b.digest == "sha256:" + hashlib.sha256(zlib.decompress(b.data)).hexdigest()
    header = html[:html.index("<nav")]
    assert f'<code id="bundle-digest">{b.digest}</code>' in header


def test_the_bundle_is_deterministic() -> None:
    result = scoring.score(scoring.load_case(META), analyses=False)
    one = report_bundle(result, META, ("scoring", "x"), "html")
    two = report_bundle(result, META, ("scoring", "x"), "html")
    assert one.data == two.data and one.digest == two.digest
    with tarfile.open(fileobj=io.BytesIO(zlib.decompress(one.data))) as tar:
        names = [m.name for m in tar]
    assert names == ["manifest.json"] + sorted(f"files/{p}" for p in one.files)
    # another command is another bundle
    assert report_bundle(result, META, ("scoring", "y"), "html").digest != one.digest


def test_the_committed_report_carries_its_bundle() -> None:
    b = read_bundle(REPO / "reports" / "meta-platforms.html")
    assert b.manifest["command"] == ["scoring", "report", "evidence/meta-platforms"]


def _with(html: str, old: str, new: str) -> str:
    assert old in html
    return html.replace(old, new, 1)


def _bundle_text(html: str) -> str:
    m = re.search(r'id="scoring-bundle" data-type="[^"]*">([^<]*)<', html)
    assert m is not None
    return m.group(1)


def _refused(path: Path, text: str, message: str) -> None:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BundleError) as exc:
        read_bundle(path)
    assert message in str(exc.value)


def test_a_removed_bundle(meta_report: Path, tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    text = _bundle_text(html)
    _refused(tmp_path / "r.html", _with(html, '<template id="scoring-bundle" data-type="'
                                              f'application/vnd.scoring.bundle+zlib;base64">'
                                              f"{text}</template>", ""),
             "carries no inputs bundle")


def test_a_bundle_that_is_not_base64(meta_report: Path, tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    text = _bundle_text(html)
    _refused(tmp_path / "r.html", _with(html, text, text[:100] + "!" + text[101:]),
             "not valid base64")


def test_a_bundle_that_is_not_compressed_data(meta_report: Path, tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    text = _bundle_text(html)
    junk = base64.b64encode(b"not zlib at all" * 10).decode()
    _refused(tmp_path / "r.html", _with(html, text, junk), "not valid compressed data")


def test_a_truncated_report(meta_report: Path, tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    cut = html[:html.index('id="scoring-bundle"') + 2000]
    _refused(tmp_path / "r.html", cut, "cut short")


def test_a_swapped_bundle_disagrees_with_the_digest_shown(meta_report: Path,
                                                           tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    result = scoring.score(scoring.load_case(META), analyses=False)
    other = report_bundle(result, META, ("scoring", "other"), "html")
    _refused(tmp_path / "r.html", _with(html, _bundle_text(html), other.text),
             f"carries bundle {other.digest}")


def test_a_zip_bomb_is_refused_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 1024 * 1024)
    bomb = zlib.compress(b"\0" * (8 * 1024 * 1024), 9)  # 8 KiB that expands to 8 MiB
    assert len(bomb) < 10_000
    with pytest.raises(BundleError, match="expands to more than 1 MiB; refused"):
        open_bundle(bomb, "r.html")


def test_the_real_limit_is_64_mib() -> None:
    assert bundle_module.MAX_BUNDLE_BYTES == 64 * 1024 * 1024


def test_a_bundle_of_exactly_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    result = scoring.score(scoring.load_case(META), analyses=False)
    b = report_bundle(result, META, ("scoring",), "html")
    size = len(zlib.decompress(b.data))
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", size)
    assert open_bundle(b.data, "r.html").digest == b.digest
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", size - 1)
    with pytest.raises(BundleError, match="expands to more than"):
        open_bundle(b.data, "r.html")


def test_a_bundle_with_a_link_member_is_refused() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo("files/evil")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(BundleError, match="a member that is not a file"):
        open_bundle(zlib.compress(out.getvalue()), "r.html")


def test_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(BundleError, match="not a scoring report"):
        read_bundle(path)


def test_the_run_record_repeats_the_digest(meta_report: Path, tmp_path: Path) -> None:
    html = meta_report.read_text(encoding="utf-8")
    b = read_bundle(meta_report)
    record = f'<p id="run-record/bundle">This page carries its inputs: bundle <code>{b.digest}'
    assert record in html
    # Another digest: its last hex digit changed (to 1 when it is 0; the digest depends on
    # the command, whose path is the checkout's, and ends in 0 in some checkouts).
    other = record[:-1] + ("1" if record.endswith("0") else "0")
    _refused(tmp_path / "r.html", _with(html, record, other),
             "the run record shows another bundle digest")


@pytest.mark.parametrize("field, value", [("seed", "x"), ("draws", 10**9), ("draws", True),
                                          ("options", []), ("rubric", "r"),
                                          ("options", {"dates": [1]})])
def test_a_manifest_of_the_wrong_shape(field: str, value: object) -> None:
    import json

    result = scoring.score(scoring.load_case(META), analyses=False)
    b = report_bundle(result, META, ("scoring",), "html")
    manifest = {**b.manifest, field: value}
    payload = bundle_module._tar(manifest, b.files)
    with pytest.raises(BundleError, match="the bundle's manifest has no valid "):
        open_bundle(zlib.compress(payload), "r.html")
    assert json.dumps(b.manifest)  # the real one is valid
