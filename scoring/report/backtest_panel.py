"""The case report's backtest panel (``scoring report CASE --backtest FILE``): beside each
scenario's band, the rate at which that band's cases had the event when the rubric was
backtested, with its Jeffreys interval, each figure named by its place in the backtest file
(docs/backtest.md#on-the-case-report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..formats.backtest_file import BacktestOnFile
    from .scenarios import ScenarioView


@dataclass(frozen=True)
class BandRateRow:
    scenario: str
    band: str
    cases: int
    events: int
    rate: str  # "10.39%", or "—" when the band had no case
    interval: str
    key: str  # where in the file: bands[0]


@dataclass(frozen=True)
class BacktestPanel:
    file: str
    sha256: str
    universe: str
    outcomes: str
    outcomes_sha256: str
    scenario: str  # the scenario the backtest measured
    cases: int
    events: int
    auc: str
    rows: tuple[BandRateRow, ...]


def backtest_panel(bt: BacktestOnFile, scenarios: tuple[ScenarioView, ...]) -> BacktestPanel:
    by_band = {b.band: (k, b) for k, b in enumerate(bt.bands)}
    rows = []
    for sc in scenarios:
        k, b = by_band[sc.band]
        rows.append(BandRateRow(
            sc.name, sc.band, b.cases, b.events, "—" if b.rate is None else f"{b.rate:.2%}",
            "—" if b.interval is None else f"{b.interval[0]:.2%} – {b.interval[1]:.2%}",
            f"bands[{k}]"))
    return BacktestPanel(bt.path, bt.sha256, bt.universe, bt.outcomes, bt.outcomes_sha256,
                         bt.scenario, bt.cases, bt.events,
                         "—" if bt.auc is None else f"{bt.auc:.4f}", tuple(rows))
