"""The workbench over HTTP (TestClient): security first, then edits, saves and applies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.analysis.result import score
from scoring.formats.loader import load_case

from .conftest import COMMENTED_LINE, ORIGIN, Client

LEGAL_WEIGHT = ["factors", 2, "weight"]


def scoring(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scoring.cli", *args], capture_output=True,
                          text=True, check=False)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------- the page
def test_page_is_the_report_with_the_apps_policy_and_assets(client: Client) -> None:
    page = client.page
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert '<script src="/static/app.js" defer></script>' in page.text
    assert "script-src &#39;none&#39;" not in page.text  # the static report's meta replaced
    # ... = the header's, less frame-ancestors (which a <meta> policy cannot carry)
    assert policy.endswith("; frame-ancestors 'none'")
    meta = policy.removesuffix("; frame-ancestors 'none'")
    assert f'content="{meta.replace(chr(39), "&#39;")}"' in page.text
    assert 'id="bear/composite"' in page.text  # the report's anchors, by trace id
    cookie = page.headers["set-cookie"]
    assert "samesite=strict" in cookie.lower() and "httponly" in cookie.lower()
    js = client.http.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "innerHTML = '" in js.text and ".innerHTML = got" not in js.text


def test_static_report_keeps_its_strict_policy(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert scoring("report", str(case), "-o", str(out)).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert "script-src &#39;none&#39;" in html and "connect-src &#39;none&#39;" in html
    assert "<script" not in html


# ------------------------------------------------------------------------- security
@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "127.0.0.1",
                                  "localhost.evil.example:8765"])
def test_a_host_that_is_not_the_bound_one_is_refused(client: Client, host: str) -> None:
    for url in ("/", "/api/state", "/static/app.js"):
        got = client.http.get(url, headers={"Host": host})
        assert got.status_code == 421, url
    got = client.edit("rubric", LEGAL_WEIGHT, "0.1") if False else client.http.post(
        "/api/edit", headers={"Host": host, "Origin": ORIGIN, "X-Scoring-Token": client.token},
        json={"file": "rubric", "path": LEGAL_WEIGHT, "value": "0.1", "version": 0})
    assert got.status_code == 421
    assert client.bench.version == 0


def test_localhost_is_the_same_host(client: Client) -> None:
    assert client.http.get("/api/state", headers={"Host": "localhost:8765"}).status_code == 200


@pytest.mark.parametrize("origin, token, cookie, why", [
    ("http://evil.example", None, True, "own page"),
    ("", None, True, "own page"),
    ("http://127.0.0.1:9999", None, True, "own page"),
    (ORIGIN, "wrong", True, "token"),
    (ORIGIN, "", True, "token"),
    (ORIGIN, None, False, "token"),
])
def test_a_cross_site_write_is_refused(client: Client, case: Path, origin: str,
                                       token: str | None, cookie: bool, why: str) -> None:
    before = files(case.parent)
    if not cookie:
        client.http.cookies.clear()
    sent = {"Origin": origin, "X-Scoring-Token": client.token if token is None else token}
    for url, data in (("/api/edit", {"file": "rubric", "path": LEGAL_WEIGHT, "value": "0.1"}),
                      ("/api/apply", {}), ("/api/scenario", {"scenario": "x", "rationale": "y"})):
        got = client.http.post(url, json=data | {"version": 0},
                               headers={k: v for k, v in sent.items() if v})
        assert got.status_code == 403, url
        assert why in got.json()["error"]
    assert client.bench.version == 0 and files(case.parent) == before


@pytest.mark.parametrize("name", ["../case.yaml", "..%2Fcase.yaml", "%2Fetc%2Fpasswd",
                                  "app.js%00", "evidence.yaml", "__init__.py", "workbench.py"])
def test_no_file_but_the_apps_two_assets_is_served(client: Client, name: str) -> None:
    got = client.http.get("/static/" + name)
    assert got.status_code == 404
    assert "items:" not in got.text and "root:" not in got.text


@pytest.mark.parametrize("file, path", [
    ("../case.yaml", ["id"]), ("/etc/passwd", ["x"]), ("sources", ["sources", 0, "id"]),
    ("rubric", ["factors", 2]), ("rubric", ["factors", 99, "weight"]), ("rubric", []),
])
def test_an_edit_names_a_value_of_a_case_file_never_a_path(client: Client, case: Path,
                                                           file: str, path: list[object]) -> None:
    before = files(case.parent)
    got = client.edit(file, path, "1")
    assert got.status_code == 400
    assert client.bench.version == 0 and files(case.parent) == before


def test_a_symlinked_case_file_is_refused_as_validate_refuses_it(case: Path,
                                                                  tmp_path: Path) -> None:
    from scoring.errors import InputError
    from scoring.serve.workbench import Workbench

    secret = tmp_path / "secret.yaml"
    (case / "evidence.yaml").rename(secret)
    os.symlink(secret, case / "evidence.yaml")
    with pytest.raises(InputError) as exc:
        Workbench.open(case)
    validate = scoring("validate", str(case))
    assert validate.returncode == 2
    assert [str(p) for p in exc.value.problems] == validate.stderr.splitlines()[:-1]


@pytest.mark.parametrize("value, what", [("abc", "text in a number"), ("0", "weight not > 0"),
                                         ("-1", "weight below its bound")])
def test_a_malformed_edit_is_refused_with_validates_message(client: Client, case: Path,
                                                            value: str, what: str) -> None:
    before = files(case.parent)
    got = client.edit("rubric", LEGAL_WEIGHT, value)
    assert got.status_code == 422, what
    # the same edit made in the file: scoring validate's lines, exactly
    rubric = case / "rubrics" / "example.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace(
        "weight: 0.25 ", f"weight: {value} "), encoding="utf-8")
    validate = scoring("validate", str(case))
    rubric.write_bytes(before[str(rubric)])
    assert validate.returncode == 2
    assert got.json()["problems"] == validate.stderr.splitlines()[:-1]
    assert files(case.parent) == before and client.bench.version == 0


def test_a_value_that_could_write_yaml_is_refused_before_the_file(client: Client) -> None:
    for value in ("1\nid: x", "1 # x", "[1]", "{a: 1}", "'1'", "1: 2", "x" * 41):
        got = client.edit("rubric", LEGAL_WEIGHT, value)
        assert got.status_code == 422 and "one number or word" in got.json()["error"]
    assert client.bench.version == 0


def test_a_stale_tab_is_refused_with_what_changed(client: Client, case: Path) -> None:
    assert client.edit("rubric", LEGAL_WEIGHT, "0.1", version=0).status_code == 200
    stale = client.edit("evidence", ["items", 0, "value"], "40", version=0)
    assert stale.status_code == 409
    assert stale.json()["problems"] == ["legal weight = 0.1"]
    before = files(case.parent)
    for url, data in (("/api/apply", {}), ("/api/scenario", {"scenario": "s", "rationale": "r"})):
        got = client.post(url, data | {"version": 0})
        assert got.status_code == 409 and got.json()["problems"] == ["legal weight = 0.1"]
    assert files(case.parent) == before


# ------------------------------------------------------------------------- edits
def bear_factors(case: Path) -> dict[str, float]:
    r = score(load_case(case), analyses=False)
    return {f: r.factor_score("bear", f) for f in ("moat", "execution", "legal")}  # type: ignore[misc]


def test_an_edit_answers_the_moved_numbers_and_their_attribution(client: Client,
                                                                 case: Path) -> None:
    f = bear_factors(case)
    got = client.edit("rubric", LEGAL_WEIGHT, "0.1")
    assert got.status_code == 200, got.text
    body = got.json()
    # by hand: bear's weights are moat 0.4, execution 0.5 (its set_weight), legal 0.25 -> 0.1
    was = (0.4 * f["moat"] + 0.5 * f["execution"] + 0.25 * f["legal"]) / (0.4 + 0.5 + 0.25)
    now = (0.4 * f["moat"] + 0.5 * f["execution"] + 0.1 * f["legal"]) / (0.4 + 0.5 + 0.1)
    assert body["changed"]["bear/composite"]["was"] == f"{was:.2f}" == "60.21"
    assert body["changed"]["bear/composite"]["now"] == f"{now:.2f}" == "54.99"
    assert body["changed"]["bear/band"] == {"was": "High", "now": "Medium", "raw": "'Medium'"}
    assert "bear/factor/moat/score" not in body["changed"]  # a score that did not move
    bear = next(s for s in body["scenarios"] if s["scenario"] == "bear")
    assert bear["new"] == pytest.approx(now, abs=1e-12)
    assert bear["score_effect"] == pytest.approx(0.0, abs=1e-12)
    assert bear["weight_effect"] == pytest.approx(now - was, abs=1e-12)
    # the attribution is scoring diff's text for the same edit made to a copy
    edited = case.parent / "edited"
    import shutil
    shutil.copytree(case, edited)
    rubric = edited / "rubrics" / "example.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace("0.25 ", "0.1 "), "utf-8")
    diff = scoring("diff", str(case), str(edited))
    assert diff.returncode == 0
    assert body["attribution"] in diff.stdout
    assert client.bench.version == 1 and client.page.status_code == 200


def test_each_kind_of_number_is_editable_within_its_bounds(client: Client) -> None:
    state = client.http.get("/api/state").json()
    by = {e["label"]: e for e in state["editables"]}
    assert by["legal weight"] == {"anchor": "rubric/factor/legal/weight", "file": "rubric",
                                  "path": LEGAL_WEIGHT, "value": 0.25, "lo": 0.0, "hi": None,
                                  "label": "legal weight"}
    assert by["E2 value"]["lo"] == 0 and by["E2 value"]["hi"] == 100
    assert by["E1 value"]["lo"] is None  # an indicator's raw value: its mapping judges it
    assert (by["E1 confidence"]["lo"], by["E1 confidence"]["hi"]) == (0.0, 1.0)
    assert by["bear change 2 weight"]["path"] == ["scenarios", 0, "changes", 1, "weight"]
    for label, value in (("E2 value", "10"), ("E1 confidence", "0.5"),
                         ("bear change 2 weight", "0.7")):
        e = by[label]
        got = client.edit(e["file"], e["path"], value)
        assert got.status_code == 200, (label, got.text)
        assert got.json()["changed"], label


def test_a_mapping_bound_is_editable(client: Client, case: Path) -> None:
    """The rubric's mapping of an indicator: each bound an input (inside the flow sequence
    ``input: [0, 50]``); an edit moves the item's score as the mapping says."""
    state = client.http.get("/api/state").json()
    by = {e["label"]: e for e in state["editables"]}
    bound = by["moat/dev_share mapping input[1]"]
    assert bound["anchor"] == "rubric/indicator/moat/dev_share" and bound["value"] == 50
    assert bound["path"] == ["factors", 0, "indicators", 0, "mapping", "input", 1]
    got = client.edit("rubric", bound["path"], "60")
    assert got.status_code == 200, got.text
    # by hand: E1's dev_share of 30 on the linear map [0, 50] -> [0, 100] scores
    # 30 / 50 * 100 = 60; on [0, 60] -> [0, 100] it scores 30 / 60 * 100 = 50
    moved = got.json()["changed"]["base/item/E1/score"]
    assert (moved["was"], moved["now"]) == ("60.00", "50.00")
    assert client.post("/api/apply", {"version": 1}).status_code == 200
    text = (case / "rubrics" / "example.yaml").read_text(encoding="utf-8")
    assert "        mapping: {type: linear, input: [0, 60], output: [0, 100]}\n" in text


# ------------------------------------------------------------------------- writing
def test_apply_keeps_every_other_byte_and_diff_and_check_see_the_edit(client: Client,
                                                                      case: Path) -> None:
    rubric = case / "rubrics" / "example.yaml"
    before = rubric.read_text(encoding="utf-8")
    copy = case.parent / "before"
    import shutil
    shutil.copytree(case, copy)
    assert scoring("pin", str(case)).returncode == 0  # pinned before the edit
    others = {k: v for k, v in files(case).items() if k != str(rubric)}
    assert client.edit("rubric", LEGAL_WEIGHT, "0.1").status_code == 200
    assert rubric.read_text(encoding="utf-8") == before  # an edit stays in memory
    got = client.post("/api/apply", {"version": 1})
    assert got.status_code == 200 and got.json()["written"] == ["example.yaml"]
    assert rubric.read_text(encoding="utf-8") == before.replace(
        COMMENTED_LINE, "    weight: 0.1   # legal: the committee's 2025 call\n")
    assert {k: v for k, v in files(case).items() if k != str(rubric)} == others
    diff = scoring("diff", str(copy), str(case))
    assert "Scenario bear: composite 60.21 -> 54.99 (-5.22); band High -> Medium" in diff.stdout
    check = scoring("check", str(case))  # pinned before the edit (above), checked after it
    assert check.returncode == 1, check.stdout + check.stderr
    assert "bear/composite" in check.stdout and "54.99" in check.stdout


def test_save_as_scenario_appends_a_valid_scenario_and_check_sees_it(client: Client,
                                                                     case: Path) -> None:
    scenarios = case / "scenarios.yaml"
    before = scenarios.read_text(encoding="utf-8")
    rubric_before = (case / "rubrics" / "example.yaml").read_bytes()
    assert client.edit("rubric", LEGAL_WEIGHT, "0.1").status_code == 200
    assert client.post("/api/scenario", {"scenario": "light", "rationale": " ",
                                         "version": 1}).status_code == 422
    got = client.post("/api/scenario", {"scenario": "light-legal",
                                        "rationale": 'Settled: "small" fine', "version": 1})
    assert got.status_code == 200, got.text
    text = scenarios.read_text(encoding="utf-8")
    assert text.startswith(before)  # the file as it was, the scenario after it
    assert (case / "rubrics" / "example.yaml").read_bytes() == rubric_before
    r = score(load_case(case), analyses=False)
    f = {k: r.factor_score("base", k) for k in ("moat", "execution", "legal")}
    by_hand = (0.4 * f["moat"] + 0.35 * f["execution"] + 0.1 * f["legal"]) / 0.85  # type: ignore[operator]
    assert r.composite("light-legal") == pytest.approx(by_hand, abs=1e-9)
    js = json.loads(scoring("score", str(case), "--format", "json").stdout)
    assert "light-legal" in [s["id"] for s in js["scenarios"]]
    page = client.http.get("/")
    assert 'id="light-legal/composite"' in page.text and "Settled: &#34;small&#34; fine" in page.text
