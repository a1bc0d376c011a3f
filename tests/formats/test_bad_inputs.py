"""The corpus of broken inputs (tests/bad_inputs/): each case must fail `scoring validate`
with exit code 2, no traceback, and exactly the lines of its expected.txt on stderr.

A case is a folder ``tests/bad_inputs/<NN>-<slug>/`` holding only the files that differ from
the valid base case in ``tests/bad_inputs/_base/``, plus ``expected.txt``. Files that cannot
sensibly be committed are made by the test from directives in an optional ``setup.txt``, one
per line:

* ``remove FILE``: delete the base's FILE;
* ``directory FILE``: replace FILE by an empty folder;
* ``oversize FILE``: pad FILE with a YAML comment to one byte over the size limit;
* ``symlink-outside FILE``: move FILE to ``../outside/FILE`` and put a symlink in its place.

The case is assembled in a temporary folder and validated with that folder as the working
directory (``scoring validate .``), so the paths in expected.txt are the bare file names.
"""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import scoring
from scoring.cli import EXIT_INPUT, main
from scoring.formats.yamlio import MAX_FILE_BYTES

CORPUS = Path(__file__).resolve().parent.parent / "bad_inputs"
BASE = CORPUS / "_base"
META_FILES = {"expected.txt", "setup.txt"}
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def materialise(case: Path, tmp: Path) -> Path:
    """Assemble base + the case's files (and its setup.txt directives) in ``tmp/case``."""
    root = tmp / "case"
    shutil.copytree(BASE, root)
    for f in case.iterdir():
        if f.name not in META_FILES:
            shutil.copyfile(f, root / f.name)
    setup = case / "setup.txt"
    lines = setup.read_text(encoding="utf-8").splitlines() if setup.exists() else []
    for line in filter(None, (raw.strip() for raw in lines)):
        what, name = line.split(maxsplit=1)
        target = root / name
        if what == "remove":
            target.unlink()
        elif what == "directory":
            target.unlink()
            target.mkdir()
        elif what == "oversize":
            data = target.read_bytes()
            pad = MAX_FILE_BYTES + 1 - len(data) - 2
            target.write_bytes(data + b"#" + b"x" * pad + b"\n")
        elif what == "symlink-outside":
            outside = tmp / "outside"
            outside.mkdir(exist_ok=True)
            target.rename(outside / name)
            target.symlink_to(Path("..") / "outside" / name)
        else:  # pragma: no cover - a typo in a corpus case
            raise ValueError(f"{setup}: unknown directive {what!r}")
    return root


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 45
    for case in CASES:
        assert (case / "expected.txt").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = materialise(case, tmp_path)
    monkeypatch.chdir(root)
    res = CliRunner().invoke(main, ["validate", "."])
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == EXIT_INPUT, res.output
    assert res.stdout == ""
    assert res.stderr == (case / "expected.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- valid hostile input
# Text in any script is valid wherever the format takes text; these cases must load and score.

HOSTILE = {
    "cjk": "日本語の主張：開発者の採用率は３０％。中文标题，한국어 제목",
    "rtl": "مطالبة باللغة العربية — טענה בעברית (mixed 42%)",
    "combining": "Z\u0364\u0351a\u0308\u0301lgo\u0338 cafe\u0301 n\u0303",
    "emoji": "🚀📉 risk 👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵",
    "controls": "bidi \u202eoverride\u202c, zero\u200bwidth, bom\ufeffinside",
    "markup": "<script>alert(1)</script> & {{ jinja }} ${shell} `tick` | pipe",
}


def _load_base() -> dict[str, Any]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in BASE.iterdir()}


def _write(root: Path, data: dict[str, Any]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in data.items():
        (root / name).write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                                 encoding="utf-8")
    return root


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_valid_hostile_text(text: str, tmp_path: Path) -> None:
    data = _load_base()
    data["case.yaml"].update(entity=text, title=text, description=text, base_narrative=text)
    rubric = data["rubric.yaml"]
    rubric.update(title=text, description=text)
    rubric["reliability"] = {text: 1.0, "B": 0.5}
    rubric["bands"][0]["name"] = text
    rubric["factors"][0].update(name=text, description=text)
    rubric["factors"][0]["indicators"][0]["mapping"]["categories"] = {text: 80, "late": 20}
    source = data["sources.yaml"]["sources"][0]
    source.update(title=text, publisher=text, reliability=text, notes=text, kind=text)
    items = data["evidence.yaml"]["items"]
    items[0]["value"] = text
    for it in items:
        it.update(claim=text, excerpt=text)
        it["sources"][0]["locator"] = text
    scenario = data["scenarios.yaml"]["scenarios"][0]
    scenario.update(name=text, narrative=text)
    scenario["changes"][0]["rationale"] = text
    root = _write(tmp_path / "case", data)

    case = scoring.load_case(root)
    assert case.items[0].claim == text and case.items[0].value == text
    assert case.meta.entity == text
    result = scoring.score(case)
    assert result.composite("base") == pytest.approx(70.0)
    assert result.band("bear") == "High"
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(root)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["score", str(root), "--format", "json"])
    assert res.exit_code == 0, res.output
    # exact once read (controls and bidi marks are \u escapes in the JSON text)
    assert json.loads(res.stdout)["case"]["entity"] == text


def test_negative_zero_is_a_valid_value(tmp_path: Path) -> None:
    data = _load_base()
    data["evidence.yaml"]["items"][1]["value"] = -0.0
    data["scenarios.yaml"]["scenarios"][0]["changes"][0]["by"] = -0.0
    data["rubric.yaml"]["bands"][0]["min"] = -0.0
    root = _write(tmp_path / "case", data)
    assert "value: -0.0" in (root / "evidence.yaml").read_text(encoding="utf-8")

    result = scoring.score(scoring.load_case(root))
    assert result.factor_score("base", "b") == 0
    res = CliRunner().invoke(main, ["score", str(root), "--format", "json"])
    assert res.exit_code == 0, res.output
    records = {r["id"]: r for r in json.loads(res.stdout)["records"]}
    assert records["base/item/E2/value"]["display"] == "0.00"
    assert records["base/factor/b/score"]["display"] == "0.00"
    assert records["bear/item/E2/value"]["display"] == "0.00"
    table = CliRunner().invoke(main, ["score", str(root)]).stdout
    assert "-0.00" not in table and "-0 " not in table


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    root = tmp_path / "case"
    shutil.copytree(BASE, root)
    for f in root.iterdir():
        f.write_bytes(codecs.BOM_UTF8 + f.read_bytes())
    res = CliRunner().invoke(main, ["validate", str(root)])
    assert res.exit_code == 0, res.output


def test_rubric_may_go_up_and_be_a_symlink(tmp_path: Path) -> None:
    """Rubrics are shared: the rubric path may leave the case folder (``..``) and the rubric
    may be a symbolic link. Only the four case files must be regular files in the folder."""
    shared = tmp_path / "rubrics"
    shared.mkdir()
    shutil.copyfile(BASE / "rubric.yaml", shared / "tiny.yaml")
    (shared / "link.yaml").symlink_to("tiny.yaml")
    root = tmp_path / "cases" / "tiny"
    shutil.copytree(BASE, root)
    (root / "rubric.yaml").unlink()
    for target in ("../../rubrics/tiny.yaml", "../../rubrics/link.yaml"):
        case = (BASE / "case.yaml").read_text(encoding="utf-8")
        (root / "case.yaml").write_text(case.replace("rubric.yaml", target), encoding="utf-8")
        res = CliRunner().invoke(main, ["validate", str(root)])
        assert res.exit_code == 0, res.output
