"""Write scoring/report/compiled/: each report template compiled by Jinja into a module, so
that a run loads the page's code (and Python's cached bytecode of it) instead of compiling
the template. Run after changing a template, its Jinja environment or the Jinja version:

    python .ci/compile_templates.py

tests/report/test_templates_compiled.py fails while a module is stale or missing."""

from __future__ import annotations

from pathlib import Path

from scoring.report.html import compiled_module_name, compiled_source, environment

FOLDER = Path(__file__).resolve().parent.parent / "scoring" / "report" / "compiled"


def main() -> None:
    env = environment()
    wanted = {}
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        wanted[f"{compiled_module_name(name)}.py"] = compiled_source(env, name)
    for old in FOLDER.glob("t_*.py"):
        if old.name not in wanted:
            old.unlink()
            print(f"removed {old.name}")
    for file, text in wanted.items():
        path = FOLDER / file
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {file}")


if __name__ == "__main__":
    main()
