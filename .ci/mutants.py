"""Boundary mutants: flip each <, <=, >, >= of the method (one at a time) and run the method's
tests; every flip must make a test fail. Prints each mutant and whether a test killed it.

Run from the repository root: ``.venv/bin/python .ci/mutants.py [FILE ...]`` (default: every
module of scoring/method/, and the loading rules of scoring/formats/: tables.py, columns.py and
evidence.py). Takes a few minutes; not part of
the test suite. A comparison that no test can tell apart (the two sides never meet, as in
``x > 0`` on weights that are never exactly 0 at that point) is listed as a survivor with its
line, so that a reviewer can judge it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLIP = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">"}
TESTS = ["tests/method", "tests/analysis/test_sensitivity.py", "tests/test_meta_case.py",
         "tests/formats/test_columns.py", "tests/formats/test_errors.py",
         "tests/formats/test_bad_inputs.py", "tests/formats/test_tabular.py"]


def operators(source: str) -> list[tuple[int, int, str, str]]:
    """(line, column, operator, flipped) of every ordering comparison."""
    out = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in FLIP:
                continue
            # the operator sits between the left operand's end and the right operand
            line = lines[right.lineno - 1]
            text = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
            col = line.rfind(f" {text} ", 0, right.col_offset)
            if right.lineno == node.lineno and col >= 0:
                out.append((right.lineno, col + 1, text, FLIP[type(op)]))
    # searchsorted's side decides which band a value on an edge belongs to
    for k, line in enumerate(lines, 1):
        for side, other in (('side="right"', 'side="left"'), ('side="left"', 'side="right"')):
            col = line.find(side)
            if col >= 0:
                out.append((k, col, side, other))
    return out


def main() -> None:
    files = [Path(a).resolve() for a in sys.argv[1:]] or [
        *sorted((ROOT / "scoring" / "method").glob("*.py")),
        *(ROOT / "scoring/formats" / name for name in ("tables.py", "columns.py", "evidence.py"))]
    survivors = 0
    for path in files:
        original = path.read_text(encoding="utf-8")
        for lineno, col, text, flipped in operators(original):
            lines = original.splitlines(keepends=True)
            line = lines[lineno - 1]
            lines[lineno - 1] = line[:col] + flipped + line[col + len(text):]
            path.write_text("".join(lines), encoding="utf-8")
            try:
                done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x",
                                       "-p", "no:cacheprovider", *TESTS], cwd=ROOT,
                                      capture_output=True, text=True, check=False)
            finally:
                path.write_text(original, encoding="utf-8")
            killed = done.returncode != 0
            survivors += not killed
            where = f"{path.relative_to(ROOT)}:{lineno}"
            print(f"{'killed  ' if killed else 'SURVIVED'} {where}: {text} -> {flipped}: "
                  f"{line.strip()}", flush=True)
    print(f"{survivors} mutants survived")


if __name__ == "__main__":
    main()
