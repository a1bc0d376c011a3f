"""`scoring verify-report` (scoring/analysis/report_check.py): a report checked against the
inputs it carries. The tamper tests: one digit of a shown number, one weight of the embedded
rubric, one byte of an excerpt, a swapped bundle; each caught and named, in HTML and JSON."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scoring.analysis.report_check import MAX_DEPTH, materialise
from scoring.cli import main
from scoring.formats import bundle as bundle_module
from scoring.formats.bundle import Bundle, BundleError, read_bundle

from ..conftest import META, REPO, TinyCase, item

RUBRIC = "../../rubrics/ai-platform-strategy.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("outputs")
    out = {"html": folder / "meta.html", "json": folder / "meta.json"}
    assert run("report", str(META), "-o", str(out["html"])).exit_code == 0
    assert run("score", str(META), "--format", "json", "-o", str(out["json"])).exit_code == 0
    return out


def forge(b: Bundle, edit: Callable[[dict[str, bytes]], None], fix_digests: bool = True
          ) -> tuple[str, str]:
    """The base64 text and digest of ``b`` with its files edited by ``edit``; with
    ``fix_digests``, the manifest's digests made to agree (a forger who knows the format)."""
    import base64

    files = dict(b.files)
    edit(files)
    manifest = copy.deepcopy(b.manifest)
    if fix_digests:
        for i in manifest["inputs"]:
            i["sha256"] = hashlib.sha256(files[i["path"]]).hexdigest()
        manifest["rubric"]["sha256"] = hashlib.sha256(files[manifest["rubric"]["path"]]
                                                      ).hexdigest()
    payload = bundle_module._tar(manifest, files)
    return (base64.b64encode(zlib.compress(payload)).decode(),
            "sha256:" + hashlib.sha256(payload).hexdigest())


def carry(kind: str, source: Path, target: Path, text: str, digest: str) -> Path:
    """``source`` with its bundle replaced by ``text`` and the digest it shows by ``digest``."""
    old = read_bundle(source)
    if kind == "json":
        doc = json.loads(source.read_text(encoding="utf-8"))
        doc["bundle"] = {"digest": digest, "data": text}
        target.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    else:
        page = source.read_text(encoding="utf-8")
        # the first screen and the run record show the digest: a forger edits both
        page = page.replace(old.text, text).replace(old.digest, digest)
        target.write_text(page, encoding="utf-8")
    return target


@pytest.mark.parametrize("kind", ["html", "json"])
def test_an_untouched_output_verifies(outputs: dict[str, Path], kind: str) -> None:
    res = run("verify-report", str(outputs[kind]))
    assert res.exit_code == 0, res.output
    digest = read_bundle(outputs[kind]).digest
    n = {"html": "1606 numbers, 31 excerpts", "json": "1363 numbers"}[kind]
    assert res.output == f"verified {n}, bundle {digest}\n"


def test_the_committed_report_verifies() -> None:
    res = run("verify-report", str(REPO / "reports" / "meta-platforms.html"))
    assert res.exit_code == 0 and res.output.startswith("verified 1606 numbers, 31 excerpts")


def test_one_digit_of_a_shown_number(outputs: dict[str, Path], tmp_path: Path) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    old = '<a class="num" href="#bear/composite"'
    at = page.index(old)
    end = page.index("</a>", at)
    shown = page[page.index(">", at) + 1:end]
    assert re.fullmatch(r"\d+\.\d\d", shown)
    wrong = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    (tmp_path / "r.html").write_text(page[:end - len(shown)] + wrong + page[end:],
                                     encoding="utf-8")
    res = run("verify-report", str(tmp_path / "r.html"))
    assert res.exit_code == 1
    line = page[:at].count("\n") + 1
    assert f"differs: bear/composite: shown {wrong}, recomputed {shown} (line {line})\n" \
        in res.output
    assert "NOT verified: 1 of 1606 numbers differ, 0 digests do not match" in res.output


def test_one_digit_of_a_json_value(outputs: dict[str, Path], tmp_path: Path) -> None:
    doc = json.loads(outputs["json"].read_text(encoding="utf-8"))
    k = next(k for k, r in enumerate(doc["records"]) if r["id"] == "bear/composite")
    value = doc["records"][k]["value"]
    doc["records"][k]["value"] = value + 1e-9  # the display (2 decimals) still agrees
    (tmp_path / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    res = run("verify-report", str(tmp_path / "r.json"))
    assert res.exit_code == 1
    assert (f"differs: bear/composite: shown {doc['records'][k]['display']} (exact "
            f"{value + 1e-9!r}), recomputed {doc['records'][k]['display']} (exact {value!r})"
            f" ($.records[{k}])") in res.output


@pytest.mark.parametrize("kind", ["html", "json"])
def test_one_weight_of_the_embedded_rubric_with_the_digests_redone(
        outputs: dict[str, Path], tmp_path: Path, kind: str) -> None:
    """A forger who changes a weight, rewrites every digest and the one shown: the numbers
    the file shows are no longer what its inputs give."""
    b = read_bundle(outputs[kind])

    def heavier(files: dict[str, bytes]) -> None:
        text = files[RUBRIC].decode()
        files[RUBRIC] = re.sub(r"(weight: )(\d+)", lambda m: m.group(1) + str(int(m.group(2))
                                                                              + 1),
                               text, count=1).encode()
        assert files[RUBRIC] != b.files[RUBRIC]

    path = carry(kind, outputs[kind], tmp_path / f"r.{kind}", *forge(b, heavier))
    res = run("verify-report", str(path))
    assert res.exit_code == 1
    assert "digest mismatch" not in res.output
    assert "differs: base/composite: shown " in res.output


@pytest.mark.parametrize("kind", ["html", "json"])
def test_one_weight_of_the_embedded_rubric_alone(outputs: dict[str, Path], tmp_path: Path,
                                                 kind: str) -> None:
    b = read_bundle(outputs[kind])

    def heavier(files: dict[str, bytes]) -> None:
        files[RUBRIC] = files[RUBRIC].replace(b"weight: ", b"weight: 1", 1)

    path = carry(kind, outputs[kind], tmp_path / f"r.{kind}",
                 *forge(b, heavier, fix_digests=False))
    res = run("verify-report", str(path))
    assert res.exit_code == 1
    assert (f"digest mismatch: {RUBRIC}: the manifest says sha256 "
            f"{b.manifest['rubric']['sha256']}, the file carried has sha256 ") in res.output


@pytest.mark.parametrize("kind", ["html", "json"])
def test_one_byte_of_an_embedded_excerpt(outputs: dict[str, Path], tmp_path: Path,
                                         kind: str) -> None:
    """The excerpt changed in the bundle, every digest redone: the report quotes another
    excerpt than its inputs hold (HTML: the evidence table; JSON: the item's record)."""
    b = read_bundle(outputs[kind])

    def reworded(files: dict[str, bytes]) -> None:
        assert b'excerpt: "83 out of 100"' in files["evidence.yaml"]
        files["evidence.yaml"] = files["evidence.yaml"].replace(b'"83 out of 100"',
                                                                b'"84 out of 100"')

    path = carry(kind, outputs[kind], tmp_path / f"r.{kind}", *forge(b, reworded))
    res = run("verify-report", str(path))
    assert res.exit_code == 1
    if kind == "html":
        assert "differs: item/E01 (excerpt): shown 83 out of 100, recomputed 84 out of 100" \
            in res.output
    else:
        assert "differs: item/E01 (detail): " in res.output


def test_one_byte_of_a_shown_excerpt(outputs: dict[str, Path], tmp_path: Path) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    (tmp_path / "r.html").write_text(page.replace("“83 out of 100”", "“83 out of 10O”"),
                                     encoding="utf-8")
    res = run("verify-report", str(tmp_path / "r.html"))
    assert res.exit_code == 1
    assert "differs: item/E01 (excerpt): shown 83 out of 10O, recomputed 83 out of 100" \
        in res.output


@pytest.mark.parametrize("kind", ["html", "json"])
def test_a_swapped_bundle(outputs: dict[str, Path], tmp_path: Path, kind: str) -> None:
    """Another case's bundle, digest shown and all: the numbers are another case's."""
    other = tmp_path / f"other.{kind}"
    args = ["report", str(REPO / "examples/docs-example"), "-o", str(other)] if kind == "html" \
        else ["score", str(REPO / "examples/docs-example"), "--format", "json", "-o", str(other)]
    assert run(*args).exit_code == 0
    theirs = read_bundle(other)
    path = carry(kind, outputs[kind], tmp_path / f"r.{kind}", theirs.text, theirs.digest)
    res = run("verify-report", str(path))
    assert res.exit_code == 1
    assert "differs: base/composite: shown 61.11, recomputed " in res.output


@pytest.mark.parametrize("kind", ["html", "json"])
def test_a_swapped_bundle_whose_digest_is_not_shown(outputs: dict[str, Path], tmp_path: Path,
                                                    kind: str) -> None:
    b = read_bundle(outputs[kind])
    text, digest = forge(b, lambda files: None)
    assert digest == b.digest  # nothing changed: the same bytes
    text, digest = forge(b, lambda files: files.update({"case.yaml": files["case.yaml"]
                                                        + b"\n"}))
    path = carry(kind, outputs[kind], tmp_path / f"r.{kind}", text, b.digest)
    res = run("verify-report", str(path))
    assert res.exit_code == 2
    assert f"shows bundle {b.digest} but carries bundle {digest}" in res.output


def test_an_older_engine_is_named(outputs: dict[str, Path], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scoring.analysis.report_check.__version__", "9.9.9")
    res = run("verify-report", str(outputs["html"]))
    assert res.exit_code == 0
    assert res.output.startswith("note: made by scoring 0.1.0, verified with scoring 9.9.9: ")


@pytest.fixture(scope="module")
def with_baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("baseline") / "r.html"
    assert run("report", str(REPO / "examples/docs-example-revised"), "--baseline",
               str(REPO / "examples/docs-example"), "-o", str(out)).exit_code == 0
    return out


def test_numbers_from_a_baseline_are_recomputed_from_the_baseline_it_carries(
        with_baseline: Path) -> None:
    b = read_bundle(with_baseline)
    base = REPO / "examples/docs-example"
    assert sorted(b.baseline) == sorted(i["path"] for i in b.manifest["baseline_inputs"])
    assert b.baseline["case.yaml"] == (base / "case.yaml").read_bytes()
    assert {i["path"]: i["sha256"] for i in b.manifest["baseline_inputs"]}["case.yaml"] == \
        hashlib.sha256((base / "case.yaml").read_bytes()).hexdigest()
    res = run("verify-report", str(with_baseline))
    assert res.exit_code == 0, res.output
    # 317 numbers of the case itself, and the 94 of the "What changed" section
    assert res.output == f"verified {317 + 94} numbers, bundle {b.digest}\n"


def test_one_digit_of_a_changed_number_is_caught(with_baseline: Path, tmp_path: Path) -> None:
    page = with_baseline.read_text(encoding="utf-8")
    old = '<a class="num" href="#changed/base/old_composite"'
    at = page.index(old)
    end = page.index("</a>", at)
    shown = page[page.index(">", at) + 1:end]
    wrong = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    (tmp_path / "r.html").write_text(page[:end - len(shown)] + wrong + page[end:],
                                     encoding="utf-8")
    res = run("verify-report", str(tmp_path / "r.html"))
    assert res.exit_code == 1
    line = page[:at].count("\n") + 1
    assert f"differs: changed/base/old_composite: shown {wrong}, recomputed {shown} " \
        f"(line {line})\n" in res.output


def test_an_edited_baseline_file_is_a_digest_mismatch(with_baseline: Path,
                                                       tmp_path: Path) -> None:
    b = read_bundle(with_baseline)
    baseline = dict(b.baseline)
    baseline["case.yaml"] += b"\n# edited\n"
    payload = bundle_module._tar(b.manifest, b.files, baseline)
    import base64

    out = carry("html", with_baseline, tmp_path / "r.html",
                base64.b64encode(zlib.compress(payload)).decode(),
                "sha256:" + hashlib.sha256(payload).hexdigest())
    res = run("verify-report", str(out))
    assert res.exit_code == 1
    assert "digest mismatch: baseline case.yaml: the manifest says sha256 " \
        f"{hashlib.sha256(b.baseline['case.yaml']).hexdigest()}, the file carried has " \
        f"sha256 {hashlib.sha256(baseline['case.yaml']).hexdigest()}" in res.output


def test_a_baseline_that_does_not_load_is_named_in_the_bundle(with_baseline: Path,
                                                               tmp_path: Path) -> None:
    b = read_bundle(with_baseline)
    baseline = dict(b.baseline)
    baseline["case.yaml"] = b"id: [\n"
    manifest = copy.deepcopy(b.manifest)
    for i in manifest["baseline_inputs"]:
        i["sha256"] = hashlib.sha256(baseline[i["path"]]).hexdigest()
    payload = bundle_module._tar(manifest, b.files, baseline)
    import base64

    out = carry("html", with_baseline, tmp_path / "r.html",
                base64.b64encode(zlib.compress(payload)).decode(),
                "sha256:" + hashlib.sha256(payload).hexdigest())
    res = run("verify-report", str(out))
    assert res.exit_code == 2
    assert "the bundle's baseline or backtest does not load: bundle:baseline/case.yaml:2:1: " \
        in res.output
    assert "Traceback" not in res.output


def test_a_bundle_from_before_baselines_travelled_lists_them_not_recomputed(
        with_baseline: Path, tmp_path: Path) -> None:
    b = read_bundle(with_baseline)
    manifest = {k: v for k, v in b.manifest.items() if k != "baseline_inputs"}
    payload = bundle_module._tar(manifest, b.files)
    import base64

    out = carry("html", with_baseline, tmp_path / "r.html",
                base64.b64encode(zlib.compress(payload)).decode(),
                "sha256:" + hashlib.sha256(payload).hexdigest())
    res = run("verify-report", str(out))
    assert res.exit_code == 0, res.output
    assert "not recomputed, 94 numbers: the 'What changed' section compares with the " \
           "baseline " in res.output
    assert "\n  changed/base/old_composite\n" in res.output
    assert res.output.splitlines()[-1].startswith("verified 317 numbers, ")


def test_trend_points_are_recomputed_at_their_dates(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run("report", str(META), "-o", str(out), "--as-of",
               "2026-03-01,2026-03-09").exit_code == 0
    res = run("verify-report", str(out))
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"verified {1606 + 2 * 3} numbers, ")  # 2 dates x 3
    page = out.read_text(encoding="utf-8")
    m = re.search(r'<a href="#trend/2026-03-01/base"><circle [^>]*><title>2026-03-01: '
                  r'(\d+\.\d\d) \(', page)
    assert m is not None
    shown = m.group(1)
    wrong = shown[:-1] + str((int(shown[-1]) + 1) % 10)
    (tmp_path / "t.html").write_text(page[:m.start(1)] + wrong + page[m.end(1):],
                                     encoding="utf-8")
    res = run("verify-report", str(tmp_path / "t.html"))
    assert res.exit_code == 1
    assert f"differs: trend/2026-03-01/base: shown {wrong} (" in res.output


def test_sources_recheck_snapshots_and_excerpts(tiny: TinyCase, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = b"The firm reported a loss of 12 million in 2025.\n"
    (docs / "doc.txt").write_bytes(text)
    tiny.sources[0].update(snapshot="doc.txt", sha256=hashlib.sha256(text).hexdigest())
    tiny.items = [item("E1", "a", 50, excerpt="a loss of 12 million"),
                  item("E2", "b", 30, source="S2")]
    out = tmp_path / "r.html"
    assert run("report", str(tiny.write()), "-o", str(out)).exit_code == 0
    b = read_bundle(out)
    assert b.manifest["snapshots"] == [{"source": "S1", "path": "doc.txt", "sha256": None,
                                        "declared_sha256": hashlib.sha256(text).hexdigest()}]
    res = run("verify-report", str(out), "--sources", str(docs))
    assert res.exit_code == 0, res.output
    assert res.output.endswith(f"excerpts found in their sources, bundle {b.digest}\n")
    assert ", 1 excerpts found in their sources" in res.output
    (docs / "doc.txt").write_bytes(text.replace(b"12", b"13"))
    res = run("verify-report", str(out), "--sources", str(docs))
    assert res.exit_code == 1
    assert "snapshot S1 (doc.txt): hash mismatch" in res.output


def test_not_a_report_and_a_truncated_one(outputs: dict[str, Path], tmp_path: Path) -> None:
    res = run("verify-report", str(REPO / "README.md"))
    assert res.exit_code == 2 and "not a scoring report (HTML, JSON, PDF or xlsx)" in res.output
    cut = tmp_path / "cut.json"
    cut.write_bytes(outputs["json"].read_bytes()[:5000])
    res = run("verify-report", str(cut))
    assert res.exit_code == 2 and "not valid JSON" in res.output


def test_a_bundle_path_may_not_leave_its_layout(tmp_path: Path) -> None:
    for bad in ("/etc/passwd", "a/../../x", "../" * (MAX_DEPTH + 1) + "x", "a//b", "..",
                "a\\b", "./a"):
        b = Bundle("sha256:" + "0" * 64, {}, {bad: b"x"}, b"")
        with pytest.raises(BundleError, match="not a plain path"):
            materialise(b, tmp_path, "r.html")
    b = Bundle("sha256:" + "0" * 64, {}, {"../../r.yaml": b"r", "case.yaml": b"c"}, b"")
    case = materialise(b, tmp_path, "r.html")
    assert (case / "case.yaml").read_bytes() == b"c"
    assert (case.parent.parent / "r.yaml").read_bytes() == b"r"
    assert case.parent.parent == tmp_path


# ------------------------------------------------------------------------------ xlsx
@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "meta.xlsx"
    assert run("export", str(META), "-o", str(out)).exit_code == 0
    return out


def rezip(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """``source`` with each member's bytes passed through ``edit(name, data)``."""
    import zipfile

    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w") as out:
        for info in z.infolist():
            out.writestr(info, edit(info.filename, z.read(info.filename)))
    return target


def test_a_workbook_verifies(workbook: Path) -> None:
    res = run("verify-report", str(workbook))
    assert res.exit_code == 0, res.output
    assert res.output == f"verified 812 numbers, bundle {read_bundle(workbook).digest}\n"
    assert read_bundle(workbook).manifest["command"] == ["scoring", "export", str(META)]


def test_one_digit_of_a_workbook_number(workbook: Path, tmp_path: Path) -> None:
    import scoring

    c = scoring.score(scoring.load_case(META)).composite("base")
    old, new = repr(c).encode(), ("9" + repr(c)[1:]).encode()

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"<v>" + old + b"</v>", b"<v>" + new + b"</v>") \
            if name.startswith("xl/worksheets/") else data

    res = run("verify-report", str(rezip(workbook, tmp_path / "r.xlsx", edit)))
    assert res.exit_code == 1
    assert f"differs: base/composite: shown {new.decode()}, recomputed {c!r} (Summary!B6)" \
        in res.output


def test_one_weight_of_a_workbooks_bundle(workbook: Path, tmp_path: Path) -> None:
    b = read_bundle(workbook)

    def heavier(files: dict[str, bytes]) -> None:
        files[RUBRIC] = re.sub(rb"(weight: )(\d+)", rb"\g<1>9\2", files[RUBRIC], count=1)

    text, digest = forge(b, heavier)

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        assert b.text.encode() in data and b.digest.encode() in data
        return data.replace(b.text.encode(), text.encode()).replace(b.digest.encode(),
                                                                    digest.encode())

    res = run("verify-report", str(rezip(workbook, tmp_path / "r.xlsx", edit)))
    assert res.exit_code == 1
    assert "differs: base/composite: shown " in res.output


# ------------------------------------------------------------------------------- PDF
def _pdf(tmp_path: Path, bundle: Bundle | None = None,
         edit: Callable[[str], str] | None = None) -> Path:
    """The Meta tear sheet as `scoring report --format pdf` writes it, carrying ``bundle``
    (the command's own when None), its HTML passed through ``edit`` before layout: a PDF
    edited after it was written, without the work of editing PDF streams."""
    import scoring
    from scoring.api import report_bundle
    from scoring.report import tearsheet
    from scoring.report.model import build_report

    result = scoring.score(scoring.load_case(META))
    own = report_bundle(result, META, ("scoring", "report", str(META), "--format", "pdf"),
                        "pdf")
    page = build_report(result, bundle=bundle or own)
    html = tearsheet.render_html(tearsheet.build_tearsheet(page))
    original = tearsheet.render_html
    tearsheet.render_html = lambda sheet: edit(html) if edit else html  # type: ignore[assignment]
    try:
        data = tearsheet.render_pdf(page)
    finally:
        tearsheet.render_html = original
    out = tmp_path / "r.pdf"
    out.write_bytes(data)
    return out


def test_a_tear_sheet_verifies(tmp_path: Path) -> None:
    out = tmp_path / "meta.pdf"
    assert run("report", str(META), "--format", "pdf", "-o", str(out)).exit_code == 0
    res = run("verify-report", str(out))
    assert res.exit_code == 0, res.output
    b = read_bundle(out)
    assert res.output == f"verified 126 numbers, bundle {b.digest}\n"
    assert b.manifest["command"] == ["scoring", "report", str(META), "--format", "pdf"]
    assert _pdf(tmp_path).read_bytes() == out.read_bytes()  # the helper writes the same


def test_one_digit_of_a_tear_sheet_number(tmp_path: Path) -> None:
    res = run("verify-report", str(_pdf(tmp_path, edit=lambda h: h.replace(
        '<td class="n big">61.11<', '<td class="n big">61.12<', 1))))
    assert res.exit_code == 1
    assert "differs: base/composite: shown 61.12, recomputed 61.11 (text line " in res.output


def test_a_tear_sheet_with_a_forged_or_swapped_bundle(tmp_path: Path) -> None:
    import scoring
    from scoring.api import report_bundle

    result = scoring.score(scoring.load_case(META), analyses=False)
    b = report_bundle(result, META, ("scoring",), "pdf")

    def heavier(files: dict[str, bytes]) -> None:
        files[RUBRIC] = re.sub(rb"(weight: )(\d+)", rb"\g<1>9\2", files[RUBRIC], count=1)

    text, digest = forge(b, heavier)
    forged = bundle_module.decode_bundle(text, "forged")
    res = run("verify-report", str(_pdf(tmp_path, forged)))
    assert res.exit_code == 1 and "differs: base/composite: shown 61.11, recomputed " \
        in res.output
    other = scoring.score(scoring.load_case(REPO / "examples/docs-example"), analyses=False)
    swapped = report_bundle(other, REPO / "examples/docs-example", ("scoring",), "pdf")
    res = run("verify-report", str(_pdf(tmp_path, swapped)))
    assert res.exit_code == 1 and "differs: base/composite: shown 61.11, recomputed " \
        in res.output


def test_a_tear_sheet_whose_excerpt_changed_in_its_bundle(tmp_path: Path) -> None:
    import scoring
    from scoring.api import report_bundle

    result = scoring.score(scoring.load_case(META), analyses=False)
    b = report_bundle(result, META, ("scoring",), "pdf")
    text, _ = forge(b, lambda f: f.update({"evidence.yaml": f["evidence.yaml"].replace(
        b'"83 out of 100"', b'"84 out of 100"')}), fix_digests=False)
    res = run("verify-report", str(_pdf(tmp_path, bundle_module.decode_bundle(text, "x"))))
    assert res.exit_code == 1
    assert "digest mismatch: evidence.yaml: the manifest says sha256 " in res.output


def test_a_truncated_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path)
    path.write_bytes(path.read_bytes()[:3000])
    res = run("verify-report", str(path))
    assert res.exit_code == 2, res.output


def test_a_bundle_never_reads_a_rubric_it_does_not_carry(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: secret\n", encoding="utf-8")
    case = b"id: x\nentity: X\nas_of: 2026-01-01\nrubric: " + b"../" * 40 + \
        str(outside).lstrip("/").encode() + b"\n"
    b = Bundle("sha256:" + "0" * 64, {}, {"case.yaml": case}, b"")
    with pytest.raises(BundleError, match="names the rubric .*which the bundle does not carry"):
        materialise(b, tmp_path / "lay", "r.html")
    b = Bundle("sha256:" + "0" * 64, {}, {"a": b"x", "a/b": b"y"}, b"")
    with pytest.raises(BundleError, match="cannot be laid out"):
        materialise(b, tmp_path / "lay2", "r.html")


def test_the_command_recorded_is_the_one_typed_less_its_output(tmp_path: Path) -> None:
    one, two = tmp_path / "one.html", tmp_path / "sub" / "two.html"
    two.parent.mkdir()
    for out in (one, two):
        assert run("report", str(REPO / "examples/docs-example"), "--generated-at",
                   "2026-03-10", "-o", str(out)).exit_code == 0
    assert one.read_bytes() == two.read_bytes()  # the output path is not recorded
    m = read_bundle(one).manifest
    assert m["command"] == ["scoring", "report", str(REPO / "examples/docs-example"),
                            "--generated-at", "2026-03-10"]
    assert m["options"] == {"generated_at": "2026-03-10T00:00:00"}


def test_hostile_ids_and_text_are_escaped_on_the_terminal(outputs: dict[str, Path],
                                                          tmp_path: Path) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    old = '<a class="num" href="#bear/composite"'
    hostile = page.replace(old, '<a class="num" href="#bear/\x1b[31mcomposite"', 1)
    (tmp_path / "r.html").write_text(hostile, encoding="utf-8")
    res = run("verify-report", str(tmp_path / "r.html"))
    assert res.exit_code == 1
    assert "\x1b" not in res.output
    assert "differs: bear/\\x1b[31mcomposite: shown " in res.output
    assert ", recomputed no such number (line " in res.output
