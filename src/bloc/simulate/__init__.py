"""The collective-defence simulator and its back-test.

`simulate` answers one scenario (model.py: members' stances, the consensus
rule, the treaty's terms and the requester's standing, then the alliance's
record of answers, repertoire.py); `backtest` predicts every recorded
request from what was known before it, and `calibration` and
`brier_scores` judge those predictions against simple guesses
(backtesting.py). docs/simulation.md describes the model and its constants.
"""

from bloc.simulate.backtesting import backtest, backtest_all, base_rate, brier_scores, calibration
from bloc.simulate.model import simulate
from bloc.simulate.scenario import (
    ASSUMPTIONS,
    OUTCOMES,
    STANCES,
    STANDINGS,
    THREATS,
    Scenario,
    parse_scenario,
    threat_kind,
)

__all__ = [
    "ASSUMPTIONS",
    "OUTCOMES",
    "STANCES",
    "STANDINGS",
    "THREATS",
    "Scenario",
    "backtest",
    "backtest_all",
    "base_rate",
    "brier_scores",
    "calibration",
    "parse_scenario",
    "simulate",
    "threat_kind",
]
