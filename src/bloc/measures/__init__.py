"""The measures: alignment, relations, reliability, cohesion and exit risk, over the store.

Each is computed from signals (`bloc.measures.signals`) with the same decay and
no-look-ahead rule (`bloc.measures.decay`), and returns a DataFrame.
`accuracy` measures the coder itself, on the events analysts reviewed.
"""

from bloc.measures.accuracy import accuracy, export_gold
from bloc.measures.alignment import alignment, alignment_on
from bloc.measures.backtest import risk_backtest, risk_placebo
from bloc.measures.cohesion import cohesion
from bloc.measures.compare import compare
from bloc.measures.decay import HALF_LIFE_DAYS
from bloc.measures.observed import Observed
from bloc.measures.relations import (
    TieScore,
    dyad_matrix,
    dyads,
    relations,
    tie_scores,
    ties,
    ties_with,
)
from bloc.measures.reliability import reliability, reliability_summary
from bloc.measures.risk import RISK_WEIGHTS, SCORE_WEIGHTS, explain, risk
from bloc.measures.risk_parts import risk_parts
from bloc.measures.seriation import seriate
from bloc.measures.signals import observe, observe_many, signals
from bloc.measures.votes import vote_pairs, votes

__all__ = [
    "HALF_LIFE_DAYS",
    "RISK_WEIGHTS",
    "SCORE_WEIGHTS",
    "Observed",
    "TieScore",
    "accuracy",
    "alignment",
    "alignment_on",
    "cohesion",
    "compare",
    "dyad_matrix",
    "dyads",
    "explain",
    "export_gold",
    "observe",
    "observe_many",
    "relations",
    "reliability",
    "reliability_summary",
    "risk",
    "risk_backtest",
    "risk_parts",
    "risk_placebo",
    "seriate",
    "signals",
    "tie_scores",
    "ties",
    "ties_with",
    "vote_pairs",
    "votes",
]
