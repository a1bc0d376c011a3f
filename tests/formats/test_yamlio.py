"""scoring.formats.yamlio: the libyaml (C) composer must give exactly what the pure-Python loader
gives (data, positions, plain texts, errors), and huge documents are refused at a position."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import InputError
from scoring.formats import yamlio

REPO = Path(__file__).resolve().parent.parent.parent
YAML_FILES = sorted(
    p for p in (*REPO.glob("rubrics/**/*.yaml"), *REPO.glob("evidence/**/*.yaml"),
                *REPO.glob("tests/bad_inputs/*/*.yaml"))
    if p.stat().st_size <= yamlio.MAX_FILE_BYTES
)

# Documents whose reading differs between YAML processors in small ways: styles, anchors,
# complex keys, folded scalars, line breaks, non-ASCII columns, byte-order marks, tags.
SNIPPETS = {
    "styles": "a: 'x'\nb: \"y\"\nc: z\nd: |\n  l1\n  l2\ne: >\n  f1\n  f2\n",
    "plain-types": "a: 1\nb: 1.5\nc: 1e3\nd: no\ne: ~\nf: 2025-01-01\ng: 0x1F\nh: -.inf\n",
    "anchors": "a: &x [1, 2]\nb: *x\nc: &y {k: v}\nd: *y\n",
    "complex-key": "? [a, b]\n: 1\n",
    "merge": "a: &x {k: 1}\nb:\n  <<: *x\n",
    "tags": "a: !!str 1\nb: !!python/object:os.system x\nc: !custom 3\n",
    "non-ascii": "名前: 'é日本'\nnext: [1, {x: 'ü'}, 3]\nlast: [1, oops: 2]\n",
    "crlf": "a: 1\r\nb:\r\n  - 2\r\n  - 3\r\n",
    "nel-ls": "a: 1\x85b: 2\u2028c: 3\n",
    "bom": "\ufeffa: 1\nb: [1, 2]\n",
    "bom-inside": "a: 'x\ufeffy'\nb: 010\n",
    "octal-sexagesimal": "a: 010\nb: 1:30\nc: '010'\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "empty-values": "a:\nb: []\nc: {}\nd: ''\n",
    "nested": "a:\n  b:\n    - c: [d, {e: f}]\n",
    "huge-int": "a: " + "1" * 5000 + "\n",
    "bad-date": "a: 2025-02-30\n",
    "malformed-indent": "a: 1\n  b: 2\n",
    "malformed-quote": "a: 'never closed\nb: 2\n",
    "malformed-tab": "a:\n\t- 1\n",
    "second-document": "a: 1\n---\nb: 2\n",
    "undefined-alias": "a: *nope\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\n",
    "recursive": "a: &x [1, *x]\n",
    "control": "a: 'bell\x07'\n",
    "empty": "",
    "comments-only": "# nothing\n",
    "null-document": "~\n",
    "too-deep": "a: " + "[" * 70 + "]" * 70 + "\n",
}


def _outcome(text: str) -> object:
    try:
        doc = yamlio.parse_yaml(text, "f.yaml")
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return doc.data, doc.positions, doc.plain


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = _outcome(text)
    with monkeypatch.context() as m:
        m.setattr(yamlio, "_CParser", None)
        slow = _outcome(text)
    return fast, slow


def test_the_c_parser_is_available() -> None:
    assert yamlio._CParser is not None


@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(REPO)) for p in YAML_FILES])
def test_c_composer_matches_python_on_every_yaml_file(path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("text", list(SNIPPETS.values()), ids=list(SNIPPETS))
def test_c_composer_matches_python_on_tricky_documents(text: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


def test_positions_count_characters_not_bytes() -> None:
    doc = yamlio.parse_yaml("名前: 'é日本'\nnext: [1, {x: 'ü'}]\n", "f.yaml")
    assert doc.positions[("名前",)] == (1, 5)
    assert doc.positions[("next", 1, "x")] == (2, 15)


def test_a_long_list_is_one_value_per_entry() -> None:
    n = 100_000
    doc = yamlio.parse_yaml("items:\n" + "".join(f"- {i}\n" for i in range(n)), "f.yaml")
    assert doc.data["items"][-1] == n - 1
    assert doc.positions[("items", n - 1)] == (n + 1, 3)


def test_more_values_than_the_limit_are_refused_where_the_limit_is_crossed() -> None:
    text = "[" + "1, " * (yamlio.MAX_NODES + 10) + "1]\n"
    with pytest.raises(InputError) as err:
        yamlio.parse_yaml(text, "f.yaml")
    # The list is value 1; the limit is crossed at the 200 000th entry, column 2 + 3 * 199 999.
    assert [str(p) for p in err.value.problems] == [
        f"f.yaml:1:{2 + 3 * (yamlio.MAX_NODES - 1)}: (file): document holds more than "
        f"{yamlio.MAX_NODES} values"]
