"""The layers of ARCHITECTURE (docs/architecture.md) hold: imports only go down, no module
imports a private name of another, and importing the method loads no YAML, no pydantic
document models and no loader."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scoring"

# Lowest first. A module may import from its own layer and the layers below it.
LAYERS = [
    {"errors", "display", "output", "csvout", "progress", "version"},
    {"method"},
    {"formats"},
    {"desk"},
    {"trace"},
    {"analysis"},
    {"report"},
    {"engines"},
    {"serve"},
    {"api", "cli", "pytest_plugin", "__init__", "__main__"},
]


def _layer(module: str) -> int:
    head = module.split(".")[1] if "." in module else "__init__"
    return next(k for k, names in enumerate(LAYERS) if head in names)


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[".".join(parts)] = path
    return out


def _imports(module: str, path: Path, typing_only: bool = True
             ) -> list[tuple[str, list[str], int]]:
    """(imported module, names, line) for every scoring import of ``module``; without
    ``typing_only``, leave out imports under ``if TYPE_CHECKING:`` (no runtime edge)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    skipped: set[int] = set()
    if not typing_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                skipped.update(id(n) for n in ast.walk(node))
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] == "scoring":
                out.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names
                       if a.name.split(".")[0] == "scoring")
    return out


def test_imports_only_go_down() -> None:
    modules = _modules()
    upward = []
    for module, path in modules.items():
        for target, names, line in _imports(module, path):
            # ``from scoring import x`` (or ``from .. import x`` at the top) is an import of
            # the package's __init__ unless x is a module of its own.
            targets = [target] if target != "scoring" else [
                f"scoring.{n}" if f"scoring.{n}" in modules else "scoring" for n in names]
            for t in targets:
                known = t in modules or any(m.startswith(t + ".") for m in modules)
                if known and _layer(t) > _layer(module):
                    upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {t}")
    assert upward == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [f"{path.relative_to(PACKAGE.parent)}:{line}: {target}.{name}"
               for module, path in _modules().items()
               for target, names, line in _imports(module, path)
               for name in names if name.startswith("_") and not name.startswith("__")]
    assert private == []


def test_no_import_cycle_between_modules() -> None:
    modules = _modules()
    # Imports made only for type annotations count: a reader follows them just the same.
    graph = {m: {t for t, _, _ in _imports(m, p) if t in modules and t != m}
             for m, p in modules.items()}
    seen: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(m: str, path: list[str]) -> list[str] | None:
        seen[m] = 1
        for t in sorted(graph[m]):
            if seen.get(t) == 1:
                return [*path, m, t]
            if t not in seen and (cycle := visit(t, [*path, m])):
                return cycle
        seen[m] = 2
        return None

    for m in sorted(graph):
        if m not in seen:
            assert visit(m, []) is None


def test_importing_the_method_loads_no_yaml_pydantic_or_loader() -> None:
    code = ("import sys, scoring.method.kernel, scoring.method.judge; "
            "print(sorted(m for m in sys.modules if m in ('yaml', 'pydantic', 'click', "
            "'jinja2') or m.startswith(('scoring.formats', 'scoring.trace', "
            "'scoring.report', 'scoring.analysis'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
