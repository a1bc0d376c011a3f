"""scoring keygen and scoring signoff: Ed25519 keys, DSSE envelopes of in-toto statements,
refused while a blocking finding is open; the report says who signed off, or that the
sign-off went stale."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from scoring.cli import main
from scoring.errors import InputError
from scoring.formats.signoff import check_signoff, pae
from tests.conftest import TinyCase, item

OPEN = """\
findings:
  - id: F1
    anchor: base/composite
    author: Ann
    date: 2026-03-02
    severity: blocking
    status: {status}
  - id: F2
    anchor: E1
    author: Ann
    date: 2026-03-02
    severity: minor
    status: open
"""


@pytest.fixture
def case(tiny: TinyCase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    tiny.items = [item("E1", "a", 60), item("E2", "b", 20)]
    root = tiny.write()
    monkeypatch.chdir(tmp_path)
    return root


def _run(runner: CliRunner, *args: str) -> tuple[int, str]:
    res = runner.invoke(main, list(args))
    return res.exit_code, res.output


@pytest.fixture
def signed(runner: CliRunner, case: Path, tmp_path: Path) -> Path:
    (case / "reviews.yaml").write_text(OPEN.format(status="resolved"), encoding="utf-8")
    assert _run(runner, "keygen", "key")[0] == 0
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer",
                     "Ann Lee", "--key", "key", "--date", "2026-03-05")
    assert code == 0, out
    [envelope] = (case / "signoffs").glob("*.dsse.json")
    return envelope


def test_pae_is_the_dsse_specs() -> None:
    # the DSSE specification's example: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
    assert pae("http://example.com/HelloWorld", b"hello world") == \
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    # lengths count bytes, not characters: "é" is two bytes in UTF-8
    assert pae("t", "é".encode()) == b"DSSEv1 1 t 2 \xc3\xa9"


def test_keygen_writes_a_private_key_only_its_owner_reads(runner: CliRunner,
                                                          case: Path) -> None:
    code, out = _run(runner, "keygen", "key")
    assert (code, out) == (0, "wrote key (private, mode 0600) and key.pub\n")
    assert stat.S_IMODE(os.stat("key").st_mode) == 0o600
    private = serialization.load_pem_private_key(Path("key").read_bytes(), None)
    public = serialization.load_pem_public_key(Path("key.pub").read_bytes())
    assert type(private).__name__.startswith("Ed25519") and \
        type(public).__name__.startswith("Ed25519")
    before = Path("key").read_bytes(), Path("key.pub").read_bytes()
    code, out = _run(runner, "keygen", "key")
    assert code == 1 and "key: exists; a key is never overwritten" in out
    assert (Path("key").read_bytes(), Path("key.pub").read_bytes()) == before
    Path("other.pub").write_text("x", encoding="utf-8")
    assert _run(runner, "keygen", "other")[0] == 1 and not Path("other").exists()


def test_signoff_refused_while_a_blocking_finding_is_open_or_answered(
        runner: CliRunner, case: Path) -> None:
    assert _run(runner, "keygen", "key")[0] == 0
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    for status in ("open", "answered"):
        (case / "reviews.yaml").write_text(OPEN.format(status=status), encoding="utf-8")
        code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                         "--key", "key")
        assert code == 1
        assert f"1 blocking finding not settled: F1 ({status}, on base/composite)" in out
        assert not (case / "signoffs").exists()
    # a minor finding still open does not block; a blocking one accepted as a risk does not
    (case / "reviews.yaml").write_text(OPEN.format(status="accepted risk"), encoding="utf-8")
    assert _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                "--key", "key", "--date", "2026-03-05")[0] == 0


def test_the_envelope_is_dsse_over_an_in_toto_statement(signed: Path) -> None:
    env = json.loads(signed.read_text(encoding="utf-8"))
    assert env["payloadType"] == "application/vnd.in-toto+json"
    body = base64.b64decode(env["payload"])
    statement = json.loads(body)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"][0] == {
        "name": "r.html", "digest": {"sha256": hashlib.sha256(Path("r.html").read_bytes())
                                     .hexdigest()}}
    p = statement["predicate"]
    assert (p["reviewer"], p["date"], p["case"]) == ("Ann Lee", "2026-03-05", "tiny")
    assert p["findings"]["total"] == 2 and p["findings"]["blocking_unsettled"] == 0
    assert p["findings"]["by_status"] == {"open": 1, "answered": 0, "resolved": 1,
                                          "accepted risk": 0}
    assert p["engine"]["name"] == "scoring"
    # base composite by hand: (3 * 60 + 1 * 20) / 4 = 50
    assert p["scores"][0] == {"scenario": "base", "composite": 50.0, "shown": "50.00",
                              "band": "High"}
    # the signature, checked here with the library alone, over PAE written out by hand
    public = serialization.load_pem_public_key(Path("key.pub").read_bytes())
    message = b"DSSEv1 28 application/vnd.in-toto+json %d %s" % (len(body), body)
    public.verify(base64.b64decode(env["signatures"][0]["sig"]), message)  # type: ignore[union-attr,call-arg]
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    assert env["signatures"][0]["keyid"] == hashlib.sha256(der).hexdigest()
    assert (signed.parent / f"{hashlib.sha256(der).hexdigest()}.pub").read_bytes() == \
        Path("key.pub").read_bytes()


def test_verify_with_the_public_key_alone(signed: Path) -> None:
    check = check_signoff(Path("r.html"), signed, Path("key.pub"))
    assert (check.reviewer, check.date) == ("Ann Lee", "2026-03-05")


def test_another_key_another_report_and_a_tampered_envelope(runner: CliRunner,
                                                            signed: Path) -> None:
    assert _run(runner, "keygen", "mallory")[0] == 0
    with pytest.raises(InputError, match="signatures: not signed by the key mallory.pub"):
        check_signoff(Path("r.html"), signed, Path("mallory.pub"))
    Path("other.html").write_text(Path("r.html").read_text(encoding="utf-8") + " ",
                                  encoding="utf-8")
    with pytest.raises(InputError, match=r"subject\[0\].digest.sha256: signs another report"):
        check_signoff(Path("other.html"), signed, Path("key.pub"))
    env = json.loads(signed.read_text(encoding="utf-8"))
    body = base64.b64decode(env["payload"]).replace(b"Ann Lee", b"Bob Lee")
    env["payload"] = base64.b64encode(body).decode()
    forged = Path("forged.dsse.json")
    forged.write_text(json.dumps(env), encoding="utf-8")
    with pytest.raises(InputError, match="signatures: not signed by the key key.pub"):
        check_signoff(Path("r.html"), forged, Path("key.pub"))


def test_bad_keys_and_a_missing_report(runner: CliRunner, case: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    Path("rsa").write_bytes(rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.chmod("rsa", 0o600)
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "rsa")
    assert code == 2 and "rsa:0:0: private key: the key is RSA, not Ed25519; sign-offs are " \
        "signed with Ed25519 keys only" in out
    ec_key = ec.generate_private_key(ec.SECP256R1())
    Path("ec").write_bytes(ec_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "ec")
    assert code == 2 and "the key is EC, not Ed25519" in out
    assert _run(runner, "keygen", "key")[0] == 0
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "key.pub")
    assert code == 2 and "this is a public key" in out
    code, out = _run(runner, "signoff", str(case), "--report", "gone.html", "--reviewer", "A",
                     "--key", "key")
    assert code == 2 and "gone.html:0:0: report: report not found" in out
    assert not (case / "signoffs").exists()


def test_a_private_key_others_can_read_warns(runner: CliRunner, case: Path) -> None:
    assert _run(runner, "keygen", "key")[0] == 0
    os.chmod("key", 0o644)
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "key", "--date", "2026-03-05")
    assert code == 0
    assert "warning: key is readable by others (mode 0644); chmod 600 key" in out
    os.chmod("key", 0o600)  # boundary: the owner's own bits alone do not warn
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "B",
                     "--key", "key", "--date", "2026-03-05")
    assert code == 0 and "warning" not in out


def test_the_report_says_signed_off_then_stale(runner: CliRunner, signed: Path, case: Path,
                                               tiny: TinyCase) -> None:
    assert _run(runner, "report", str(case), "-o", "again.html")[0] == 0
    html = Path("again.html").read_text(encoding="utf-8")
    assert "<strong>Signed off by Ann Lee on 2026-03-05</strong>" in html
    tiny.items = [item("E1", "a", 80), item("E2", "b", 20)]
    tiny.write()
    assert _run(runner, "report", str(case), "-o", "again.html")[0] == 0
    html = Path("again.html").read_text(encoding="utf-8")
    assert "<strong>Sign-off stale: inputs changed since 2026-03-05</strong>" in html
    # base composite now by hand: (3 * 80 + 1 * 20) / 4 = 65; all of the +15 from factor a's
    # score (60 -> 80) at its weight 3/4: 20 * 0.75 = 15; the account is scoring diff's, of
    # the inputs as signed (the bundle kept beside the envelope) against the case now
    assert "evidence.yaml (changed); base composite 50.00 → 65.00 (+15.00 = factor scores " \
           "+15.00, weights +0.00, coverage +0.00, gates and overrides +0.00); a: E1 changed." \
        in html
    # without the signed bundle (or with one that is not the one signed): the composites alone
    kept = signed.with_name(signed.name.removesuffix(".dsse.json") + ".bundle")
    kept.write_bytes(kept.read_bytes()[:-1] + b"x")
    assert _run(runner, "report", str(case), "-o", "again.html")[0] == 0
    assert "evidence.yaml (changed); base composite 50.00 → 65.00." in \
        Path("again.html").read_text(encoding="utf-8")
    kept.unlink()
    assert _run(runner, "report", str(case), "-o", "again.html")[0] == 0
    assert "evidence.yaml (changed); base composite 50.00 → 65.00." in \
        Path("again.html").read_text(encoding="utf-8")


def test_an_altered_envelope_in_the_case_is_shown_not_valid(runner: CliRunner, signed: Path,
                                                            case: Path) -> None:
    env = json.loads(signed.read_text(encoding="utf-8"))
    env["signatures"][0]["sig"] = base64.b64encode(b"\0" * 64).decode()
    signed.write_text(json.dumps(env), encoding="utf-8")
    assert _run(runner, "report", str(case), "-o", "again.html")[0] == 0
    html = Path("again.html").read_text(encoding="utf-8")
    assert "<strong>Sign-off not valid</strong>" in html and "Signed off by" not in html
    assert "the signature does not verify with the key of its keyid" in html


def test_verify_report_with_the_signoff_and_the_public_key(runner: CliRunner,
                                                           signed: Path) -> None:
    code, out = _run(runner, "verify-report", "r.html", "--signoff", str(signed), "--key",
                     "key.pub")
    assert code == 0, out
    digest = hashlib.sha256(Path("r.html").read_bytes()).hexdigest()
    assert out.startswith("signed off by Ann Lee on 2026-03-05 with key ")
    assert f"it signs this file, sha256 {digest[:16]}…, and its bundle)\nverified " in out
    # the bundle signed is the report's
    statement = json.loads(base64.b64decode(json.loads(signed.read_text())["payload"]))
    from scoring.formats.bundle import read_bundle

    assert statement["subject"][1] == {
        "name": "inputs-bundle",
        "digest": {"sha256": read_bundle(Path("r.html")).digest.removeprefix("sha256:")}}


def test_verify_report_refuses_another_key_another_report_and_half_options(
        runner: CliRunner, signed: Path, case: Path) -> None:
    assert _run(runner, "keygen", "mallory")[0] == 0
    code, out = _run(runner, "verify-report", "r.html", "--signoff", str(signed), "--key",
                     "mallory.pub")
    assert code == 2 and "signatures: not signed by the key mallory.pub" in out
    assert _run(runner, "review", "add", str(case), "E1", "--severity", "minor", "--note", "n",
                "--author", "A", "--date", "2026-03-06")[0] == 0
    assert _run(runner, "report", str(case), "-o", "later.html")[0] == 0
    code, out = _run(runner, "verify-report", "later.html", "--signoff", str(signed), "--key",
                     "key.pub")
    assert code == 2 and "subject[0].digest.sha256: signs another report ('r.html'" in out
    code, out = _run(runner, "verify-report", "r.html", "--signoff", str(signed))
    assert code == 2 and "--signoff ENVELOPE and --key KEYFILE.pub go together" in out
    code, out = _run(runner, "verify-report", "r.html", "--signoff", "key.pub", "--key",
                     "key.pub")
    assert code == 2 and "not a DSSE envelope: not JSON" in out


def test_signoff_refuses_a_report_of_other_inputs(runner: CliRunner, case: Path,
                                                  tiny: TinyCase) -> None:
    assert _run(runner, "keygen", "key")[0] == 0
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    tiny.items = [item("E1", "a", 61), item("E2", "b", 20)]
    tiny.write()
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "key", "--date", "2026-03-05")
    assert code == 2
    assert "r.html:0:0: report: the report was not made from this case as it is now (case " \
           "'tiny'; files that differ: evidence.yaml)" in out
    Path("plain.html").write_text("<html></html>", encoding="utf-8")
    code, out = _run(runner, "signoff", str(case), "--report", "plain.html", "--reviewer", "A",
                     "--key", "key", "--date", "2026-03-05")
    assert code == 2 and "plain.html:0:0: report: " in out
    assert not (case / "signoffs").exists()


def test_a_json_output_is_signed_off_and_verified_alike(runner: CliRunner, case: Path) -> None:
    assert _run(runner, "keygen", "key")[0] == 0
    assert _run(runner, "score", str(case), "--format", "json", "-o", "r.json")[0] == 0
    assert _run(runner, "signoff", str(case), "--report", "r.json", "--reviewer", "Bo",
                "--key", "key", "--date", "2026-03-05")[0] == 0
    code, out = _run(runner, "verify-report", "r.json", "--signoff",
                     str(case / "signoffs" / "2026-03-05-bo.dsse.json"), "--key", "key.pub")
    assert code == 0 and out.startswith("signed off by Bo on 2026-03-05 with key "), out


@pytest.mark.parametrize("kind, make", [
    ("xlsx", ("export", "{case}", "-o", "r.xlsx")),
    ("pdf", ("report", "{case}", "--format", "pdf", "-o", "r.pdf")),
])
def test_a_workbook_and_a_tear_sheet_are_signed_off_and_verified_alike(
        runner: CliRunner, case: Path, kind: str, make: tuple[str, ...]) -> None:
    assert _run(runner, "keygen", "key")[0] == 0
    code, out = _run(runner, *(a.format(case=case) for a in make))
    assert code == 0, out
    report = Path(f"r.{kind}")
    assert _run(runner, "signoff", str(case), "--report", str(report), "--reviewer", "Bo",
                "--key", "key", "--date", "2026-03-05")[0] == 0
    envelope = case / "signoffs" / "2026-03-05-bo.dsse.json"
    statement = json.loads(base64.b64decode(json.loads(envelope.read_text())["payload"]))
    from scoring.formats.bundle import read_bundle

    assert statement["subject"][0]["digest"]["sha256"] == \
        hashlib.sha256(report.read_bytes()).hexdigest()
    assert statement["subject"][1]["digest"]["sha256"] == \
        read_bundle(report).digest.removeprefix("sha256:")
    code, out = _run(runner, "verify-report", str(report), "--signoff", str(envelope), "--key",
                     "key.pub")
    assert code == 0 and out.startswith("signed off by Bo on 2026-03-05 with key "), out
    assert out.splitlines()[1].startswith("verified ")
    # one byte more: another file than the one signed
    other = Path(f"other.{kind}")
    other.write_bytes(report.read_bytes() + b"\n")
    code, out = _run(runner, "verify-report", str(other), "--signoff", str(envelope), "--key",
                     "key.pub")
    assert code == 2 and f"subject[0].digest.sha256: signs another report ('r.{kind}'" in out


def _pdf_text(path: Path) -> str:
    from scoring.formats.bundle import pdf_text

    return " ".join(pdf_text(path.read_bytes(), str(path)).split())


def test_the_tear_sheet_shows_the_findings_and_the_signoff(runner: CliRunner, signed: Path,
                                                           case: Path, tiny: TinyCase) -> None:
    assert _run(runner, "report", str(case), "--format", "pdf", "-o", "t.pdf")[0] == 0
    text = _pdf_text(Path("t.pdf"))
    assert "Signed off by Ann Lee on 2026-03-05 (key " in text
    # F1 resolved, F2 open: counts by status, nothing blocking
    assert "Review findings: 1 open, 1 resolved (" in text
    assert "not settled" not in text
    code, out = _run(runner, "verify-report", "t.pdf")
    assert code == 0, out
    tiny.items = [item("E1", "a", 61), item("E2", "b", 20)]
    tiny.write()
    assert _run(runner, "report", str(case), "--format", "pdf", "-o", "t2.pdf")[0] == 0
    text = _pdf_text(Path("t2.pdf"))
    assert "Sign-off stale: inputs changed since 2026-03-05 (signed off by Ann Lee): " \
        "evidence.yaml" in text
    assert "Signed off by" not in text


def test_the_tear_sheet_shows_an_open_blocking_finding_in_red(case: Path) -> None:
    from scoring.api import score_folder
    from scoring.formats.reviews import read_reviews
    from scoring.report.model import build_report
    from scoring.report.tearsheet import build_tearsheet, render_html

    (case / "reviews.yaml").write_text(OPEN.format(status="answered"), encoding="utf-8")
    page = build_report(score_folder(case), reviews=read_reviews(case))
    html = render_html(build_tearsheet(page))
    assert '<p class="review">Review findings: 1 open, 1 answered (<code>' in html
    assert '<strong class="alarm">1 blocking finding not settled: F1 on ' \
        '<code>base/composite</code></strong>' in html
    plain = render_html(build_tearsheet(build_report(score_folder(case))))
    assert 'class="review' not in plain


def test_a_signoffs_link_is_not_written_through(runner: CliRunner, case: Path,
                                                tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (case / "signoffs").symlink_to(elsewhere)
    assert _run(runner, "keygen", "key")[0] == 0
    assert _run(runner, "report", str(case), "-o", "r.html")[0] == 0
    code, out = _run(runner, "signoff", str(case), "--report", "r.html", "--reviewer", "A",
                     "--key", "key", "--date", "2026-03-05")
    assert code == 1 and "signoffs: refused: not a folder of the case" in out
    assert list(elsewhere.iterdir()) == []
