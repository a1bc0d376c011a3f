"""A backtest on file: the JSON that ``scoring backtest --format json`` (or ``-o FILE.json``)
writes, read back for ``scoring report CASE --backtest FILE`` (docs/backtest.md#on-the-case-report).

Only the fields the case report shows are read and checked, each problem at the file and its
JSON path: the rubric (id and version) it measured, the universe, the outcomes file and its
SHA-256, the counts, and per band its cases, events, rate and Jeffreys interval.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..display import display_path
from ..errors import InputError, Problem

MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BandOnFile:
    band: str
    cases: int
    events: int
    rate: float | None
    interval: tuple[float, float] | None


@dataclass(frozen=True)
class BacktestOnFile:
    path: str  # as shown
    sha256: str
    rubric: str
    rubric_version: str
    universe: str
    outcomes: str
    outcomes_sha256: str
    scenario: str
    cases: int
    events: int
    auc: float | None
    bands: tuple[BandOnFile, ...]


def read_backtest(path: Path) -> BacktestOnFile:
    """Read and check the backtest JSON at ``path`` (InputError with every problem)."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError([Problem(shown, 0, 0, "", f"larger than {MAX_BYTES} bytes: not "
                                      "a backtest of scoring backtest --format json")])
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", f"cannot read file: "
                                  f"{exc.strerror or exc}")]) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (0, 0)
        raise InputError([Problem(shown, line, col, "", f"not JSON: {exc}")]) from None
    problems: list[Problem] = []

    def get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            problems.append(Problem(shown, 0, 0, f"{where}{key}", "missing (a backtest "
                                    "written by scoring backtest --format json has it)"))
            return None
        value = obj[key]
        ok = isinstance(value, kind) and not isinstance(value, bool) and not (
            isinstance(value, float) and not math.isfinite(value))
        if value is None and type(None) in (kind if isinstance(kind, tuple) else (kind,)):
            return None
        if not ok:
            problems.append(Problem(shown, 0, 0, f"{where}{key}", f"must be "
                                    f"{_kind(kind)}, not {type(value).__name__}"))
            return None
        return value

    text = {k: get(data, k, str, "") for k in ("rubric", "rubric_version", "universe",
                                                "outcomes", "outcomes_sha256", "scenario")}
    counts = {k: get(data, k, int, "") for k in ("cases", "events")}
    auc = get(data, "auc", (float, int, type(None)), "")
    bands = []
    for k, b in enumerate(get(data, "bands", list, "") or []):
        at = f"bands[{k}]."
        interval = get(b, "interval", (list, type(None)), at)
        if interval is not None and not (len(interval) == 2 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                for x in interval)):
            problems.append(Problem(shown, 0, 0, f"{at}interval", "must be two numbers"))
            interval = None
        bands.append(BandOnFile(get(b, "band", str, at) or "", get(b, "cases", int, at) or 0,
                                get(b, "events", int, at) or 0,
                                get(b, "rate", (float, int, type(None)), at),
                                None if interval is None else (float(interval[0]),
                                                               float(interval[1]))))
    if problems:
        raise InputError(problems)
    return BacktestOnFile(shown, hashlib.sha256(raw).hexdigest(), text["rubric"],
                          text["rubric_version"], text["universe"], text["outcomes"],
                          text["outcomes_sha256"], text["scenario"], counts["cases"],
                          counts["events"], None if auc is None else float(auc), tuple(bands))


def _kind(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", list: "a list",
             type(None): "null"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))
