"""The layers of ARCHITECTURE (docs/architecture.md) hold: imports only go down, no module
imports a private name of another, no two modules import each other (directly or round a
longer loop), and importing the method loads no YAML, no pydantic document models and no
loader.

Every import statement counts, wherever it stands: at the top, inside a function, under
``if TYPE_CHECKING:`` (a reader follows a type-only import just the same), in a ``try``;
so does ``importlib.import_module`` (or ``__import__``) of a module named in full.
The source is parsed with ``ast``, never imported, so an import that runs only on some path
is seen too. ``from P import n`` is an import of the module ``P.n`` when there is one, else
of ``P`` (a package's ``__init__``), so ``from . import model`` and ``from scoring import
__version__`` are each followed to the module they load. The checks are functions of a
package's folder, so the tests at the end plant each kind of fault in a package of their
own and see it found."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from collections import deque
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scoring"

DOC = PACKAGE.parent / "docs" / "architecture.md"


def layer_table(doc: Path) -> list[tuple[str, list[str]]]:
    """The rows of the layer table under ``## Layers`` in ``doc``, lowest layer first: the
    layer (``method/`` for a sub-package, a word such as ``base`` for modules at the top of
    the package) and the names in backticks of its modules cell (``compiled/``: a folder)."""
    section = doc.read_text(encoding="utf-8").split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    out = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= {"-", ":"}:
            out.append((cells[0].strip("`"), re.findall(r"`([^`]+)`", cells[1])))
    return out[1:]  # the header row


def layers_of(table: list[tuple[str, list[str]]]) -> list[set[str]]:
    """Each row's layer as the first parts of the module names in it: a sub-package's name,
    or the row's own modules (``__init__``: the package's __init__.py)."""
    return [{layer.removesuffix("/")} if layer.endswith("/") else set(names)
            for layer, names in table]


def unnamed_in_table(package: Path, table: list[tuple[str, list[str]]]) -> list[str]:
    """The modules of ``package`` that the table's row does not name (a folder it names
    holds all its modules), and the names of the table that are no module or folder."""
    rows = {layer for layer, _ in table if layer.endswith("/")}
    named = {f"{layer}{n}" if layer in rows else n for layer, names in table for n in names}
    out = []
    for module, path in modules(package).items():
        parts = module.split(".")[1:]
        if not parts:
            ok = "__init__" in named
        elif len(parts) == 1 and f"{parts[0]}/" in rows:
            ok = True  # a layer's own __init__.py
        else:
            ok = "/".join(parts) in named or any(
                "/".join(parts[:k]) + "/" in named for k in range(2, len(parts) + 1))
        if not ok:
            out.append(f"{path.relative_to(package.parent)}: in no row of the table")
    known = {"/".join(m.split(".")[1:]) or "__init__" for m in modules(package)}
    for n in sorted(named):
        if not (n in known or n.endswith("/") and (package / n).is_dir()):
            out.append(f"{n}: named in the table, no module or folder of {package.name}/")
    return out


# Lowest first. A module may import from its own layer and the layers below it. A layer is
# named by the first part of a module's name under the package ("__init__": the package's
# own __init__.py). One list: the table of docs/architecture.md.
LAYERS = layers_of(layer_table(DOC))

# (the imported module, the names imported from it, the line of the import)
Import = tuple[str, list[str], int]


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package in the folder ``package``, by dotted name; a package's
    ``__init__.py`` by the package's own name (``scoring.report``), as an import names it."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """Every import of a module of ``known`` that ``module`` (at ``path``) makes, each
    resolved to the module it loads."""
    root = module.split(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != root:
                continue
            names = [a.name for a in node.names]
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            if len(subs) < len(names):  # some names are the module's own
                out.append((target, [n for n in names if f"{target}.{n}" not in known],
                            node.lineno))
            out.extend((s, [], node.lineno) for s in subs)
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names
                       if a.name.split(".")[0] == root)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "import_module",
                                             "__import__")
              and node.args[0].value.split(".")[0] == root):
            out.append((node.args[0].value, [], node.lineno))  # a module named in full
    return sorted(out, key=lambda i: (i[2], i[0]))


def layer_of(module: str, layers: list[set[str]]) -> int | None:
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    return next((k for k, names in enumerate(layers) if head in names), None)


def unlayered(package: Path, layers: list[set[str]]) -> list[str]:
    """The modules of ``package`` that no layer names."""
    return [m for m in modules(package) if layer_of(m, layers) is None]


def upward_imports(package: Path, layers: list[set[str]]) -> list[str]:
    """``file:line: module -> imported module`` for each import of a higher layer."""
    known = modules(package)
    out = []
    for module, path in known.items():
        here = layer_of(module, layers)
        for target, _, line in imports(module, path, known):
            there = layer_of(target, layers) if target in known else None
            if here is not None and there is not None and there > here:
                out.append(f"{path.relative_to(package.parent)}:{line}: {module} -> {target}")
    return out


def import_cycles(package: Path) -> list[str]:
    """One loop of imports (``a:line -> b:line -> a``) for each group of modules that
    import each other, directly or round a longer loop (each strongly connected component
    of the import graph); a module importing itself counts too."""
    known = modules(package)
    graph: dict[str, dict[str, int]] = {m: {} for m in known}
    for module, path in known.items():
        for target, _, line in imports(module, path, known):
            if target in known:
                graph[module].setdefault(target, line)
    out = []
    for group in _components(graph):
        start = min(group)
        if len(group) == 1 and start not in graph[start]:
            continue
        loop = _shortest_loop(graph, start, group)
        out.append(" -> ".join(f"{m}:{graph[m][n]}" for m, n in zip(loop, loop[1:],
                                                                     strict=False))
                   + f" -> {start}")
    return out


def _components(graph: dict[str, dict[str, int]]) -> list[set[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.add(w)
                    if w == v:
                        break
                out.append(group)
    return sorted(out, key=min)


def _shortest_loop(graph: dict[str, dict[str, int]], start: str, group: set[str]
                   ) -> list[str]:
    """The modules of a shortest loop from ``start`` back to it inside ``group``, with
    ``start`` at both ends."""
    before: dict[str, str] = {}
    queue = deque([start])
    while queue:
        m = queue.popleft()
        for t in sorted(graph[m]):
            if t == start:
                path = [m]
                while path[-1] != start:
                    path.append(before[path[-1]])
                return [*reversed(path), start]
            if t in group and t not in before:
                before[t] = m
                queue.append(t)
    raise AssertionError(f"no loop through {start}")  # a component of two or more has one


def private_imports(package: Path) -> list[str]:
    """``file:line: module._name`` for each private name a module takes from another, by
    import or as an attribute of a module it imported."""
    known = modules(package)
    out = []
    for module, path in known.items():
        found = imports(module, path, known)
        out += [f"{path.relative_to(package.parent)}:{line}: {target}.{name}"
                for target, names, line in found for name in names if _private(name)]
        # ``from . import sourced`` then ``sourced._rows``: the same thing by another road
        bound = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                for a in node.names:
                    bound[a.asname or a.name.split(".")[0]] = a.name
        subs = {t.rpartition(".")[2] for t, names, _ in found if not names}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and _private(node.attr)
                    and isinstance(node.value, ast.Name) and node.value.id in bound
                    and bound[node.value.id].rpartition(".")[2] in subs):
                out.append(f"{path.relative_to(package.parent)}:{node.lineno}: "
                           f"{ast.unparse(node)}")
    return out


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_every_module_is_in_a_layer() -> None:
    assert unlayered(PACKAGE, LAYERS) == []


def test_the_layer_table_of_the_docs_names_every_module_and_nothing_else() -> None:
    assert [layer for layer, _ in layer_table(DOC)][:2] == ["base", "method/"]
    assert unnamed_in_table(PACKAGE, layer_table(DOC)) == []


def test_imports_only_go_down() -> None:
    assert upward_imports(PACKAGE, LAYERS) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    assert private_imports(PACKAGE) == []


def test_no_import_cycle_between_modules() -> None:
    assert import_cycles(PACKAGE) == []


def test_importing_the_method_loads_no_yaml_pydantic_or_loader() -> None:
    code = ("import sys, scoring.method.kernel, scoring.method.judge; "
            "print(sorted(m for m in sys.modules if m in ('yaml', 'pydantic', 'click', "
            "'jinja2') or m.startswith(('scoring.formats', 'scoring.trace', "
            "'scoring.report', 'scoring.analysis'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# What `scoring score UNIVERSE --format parquet` needs not load: the single case's result,
# trace and Monte Carlo, the review models, the report's model and templates, scipy.
NOT_ON_THE_UNIVERSE_PATH = ("scoring.analysis.result", "scoring.analysis.uncertainty",
                            "scoring.trace", "scoring.formats.reviews", "scoring.report.model",
                            "jinja2", "scipy")


def test_scoring_a_universe_to_parquet_loads_no_single_case_result_trace_or_report(
        tmp_path: Path) -> None:
    from scoring.desk.synthetic import write_universe

    universe = write_universe(tmp_path / "u", 4, n_items=3)
    out = tmp_path / "scores.parquet"
    code = ("import sys\n"
            "from scoring.cli import run\n"
            f"sys.argv = ['scoring', 'score', {str(universe)!r}, '--format', 'parquet', "
            f"'-o', {str(out)!r}]\n"
            "try:\n    run()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"print(sorted(m for m in sys.modules if m.startswith({NOT_ON_THE_UNIVERSE_PATH!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert out.stat().st_size > 0  # the command ran to its end
    assert done.stdout.strip() == "[]"


# The checks above, on packages planted with each kind of fault.

PLANTED_LAYERS = [{"base"}, {"high"}, {"__init__"}]


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package ``pkg`` in ``tmp_path`` of ``files`` (path under pkg/ -> source); every
    folder gets an empty ``__init__.py`` unless ``files`` gives one."""
    package = tmp_path / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


def test_a_clean_package_passes_every_check(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "__init__.py": "from .high.a import A\nfrom .base import errors\n",
        "base/errors.py": "class Problem: ...\n",
        "high/a.py": "from ..base.errors import Problem\nfrom . import b\nA = b.B\n",
        "high/b.py": "import pkg.base.errors\nB = 1\n"})
    assert unlayered(package, PLANTED_LAYERS) == []
    assert upward_imports(package, PLANTED_LAYERS) == []
    assert import_cycles(package) == []
    assert private_imports(package) == []


def test_a_cycle_through_a_type_only_import_is_found(tmp_path: Path) -> None:
    """model imports evidence_table at run time; evidence_table imports model only for an
    annotation, under TYPE_CHECKING: still a cycle."""
    package = _plant(tmp_path, {
        "high/model.py": "from .evidence_table import rows\n",
        "high/evidence_table.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .model import Report
            def rows(r: "Report") -> None: ...
            """})
    assert import_cycles(package) == [
        "pkg.high.evidence_table:3 -> pkg.high.model:1 -> pkg.high.evidence_table"]


def test_a_cycle_through_a_function_local_import_and_a_submodule_name_is_found(
        tmp_path: Path) -> None:
    """``from pkg.high import b`` inside a function loads pkg.high.b, which imports a."""
    package = _plant(tmp_path, {
        "high/a.py": "def f():\n    from pkg.high import b\n    return b\n",
        "high/b.py": "import pkg.high.a\n"})
    assert import_cycles(package) == ["pkg.high.a:2 -> pkg.high.b:1 -> pkg.high.a"]


def test_a_longer_loop_and_a_cycle_through_a_package_init_are_found(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "high/__init__.py": "from .c import C\n",
        "high/c.py": "from . import helper\nC = 1\n",  # helper: a name of high/__init__
        "high/x.py": "from .y import Y\n",
        "high/y.py": "from .z import Z\nY = 1\n",
        "high/z.py": "try:\n    from .x import X\nexcept ImportError:\n    pass\nZ = 1\n"})
    assert import_cycles(package) == [
        "pkg.high:1 -> pkg.high.c:1 -> pkg.high",
        "pkg.high.x:1 -> pkg.high.y:1 -> pkg.high.z:2 -> pkg.high.x"]


def test_a_module_loaded_by_importlib_by_its_full_name_counts(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "high/a.py": "import importlib\nB = importlib.import_module('pkg.high.b')\n",
        "high/b.py": "def f():\n    return __import__('pkg.high.a')\n"})
    assert import_cycles(package) == ["pkg.high.a:2 -> pkg.high.b:2 -> pkg.high.a"]


def test_a_module_importing_itself_is_a_cycle(tmp_path: Path) -> None:
    package = _plant(tmp_path, {"base/a.py": "from . import a\n"})
    assert import_cycles(package) == ["pkg.base.a:1 -> pkg.base.a"]


def test_upward_imports_are_found_wherever_they_stand(tmp_path: Path) -> None:
    """A function-local import of a higher layer, a type-only import of the package's
    __init__ (``from pkg import name``, ``from .. import name``), all upward."""
    package = _plant(tmp_path, {
        "__init__.py": "VERSION = '1'\n",
        "high/a.py": "A = 1\n",
        "base/low.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg import VERSION
            def f():
                from ..high.a import A
                return A
            """,
        "base/lower.py": "from .. import VERSION\n"})
    assert upward_imports(package, PLANTED_LAYERS) == [
        "pkg/base/low.py:3: pkg.base.low -> pkg",
        "pkg/base/low.py:5: pkg.base.low -> pkg.high.a",
        "pkg/base/lower.py:1: pkg.base.lower -> pkg"]


def test_an_unlayered_module_and_private_names_are_found(tmp_path: Path) -> None:
    package = _plant(tmp_path, {
        "base/a.py": "_rows = 1\n__all__ = []\n",
        "high/b.py": "from ..base.a import _rows, __all__\n",
        "high/c.py": "from ..base import a\nx = a._rows\n",
        "stray.py": ""})
    assert unlayered(package, PLANTED_LAYERS) == ["pkg.stray"]
    assert private_imports(package) == ["pkg/high/b.py:1: pkg.base.a._rows",
                                        "pkg/high/c.py:2: a._rows"]


def test_the_layer_table_is_read_and_checked_against_the_package(tmp_path: Path) -> None:
    package = _plant(tmp_path, {"errors.py": "", "high/a.py": "", "high/b.py": "",
                                "high/gen/t_x.py": ""})
    doc = tmp_path / "architecture.md"
    doc.write_text(textwrap.dedent("""\
        # Architecture
        ## Layers
        | layer | modules | holds |
        |---|---|---|
        | base | `errors` | the errors (`high.a` here is not a module cell) |
        | `high/` | `a`, `gone`, `gen/` | the rest |
        | top | `__init__` | the package |
        ## Loading
        | not | a layer |
        """), encoding="utf-8")
    table = layer_table(doc)
    assert table == [("base", ["errors"]), ("high/", ["a", "gone", "gen/"]),
                     ("top", ["__init__"])]
    assert layers_of(table) == [{"errors"}, {"high"}, {"__init__"}]
    assert unnamed_in_table(package, table) == [
        "pkg/high/b.py: in no row of the table",
        "high/gone: named in the table, no module or folder of pkg/"]
