"""The back-test: every recorded request predicted from what was known before it.

Each request is simulated as of the day before it, with the provision
actually invoked: the events, the alliance's record of answers and the
ties used are those dated and known by then (leave-future-out). Its
predictions are judged against two guesses anyone could make: the uniform
guess (a quarter on each outcome, Brier 0.75) and the alliance's base rate
(how often each outcome followed its requests before that day; uniform for
its first request, when there is no history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pandas as pd

from bloc import measures
from bloc.core.alliance import Alliance, AssistanceRequest
from bloc.knowledge import bundled
from bloc.simulate.model import simulate
from bloc.simulate.repertoire import known_from, threat_of
from bloc.simulate.scenario import OUTCOMES, Scenario
from bloc.store import opened

COLUMNS = [
    "case",
    "date",
    "requester",
    "threat",
    "predicted",
    "actual",
    "hit",
    "probabilities",
    "brier",
    "member_model",
    "precedents",
    "base_rate",
    "brier_base_rate",
]
UNIFORM_BRIER = 0.75  # a quarter on each of four outcomes: 3 x (1/4)^2 + (3/4)^2


def brier(p: dict[str, float], actual: str) -> float:
    """The Brier score of one forecast over the four outcomes (0 perfect, 2 worst)."""
    return sum((p[o] - (1.0 if o == actual else 0.0)) ** 2 for o in OUTCOMES)


def base_rate(al: Alliance, day: dt.date) -> dict[str, float]:
    """The share of each outcome among the alliance's requests known by `day`;
    a quarter each when there are none (the alliance's first request)."""
    earlier: list[str] = [r.outcome for r in al.requests if known_from(r) <= day]
    if not earlier:
        return {o: 1.0 / len(OUTCOMES) for o in OUTCOMES}
    return {o: earlier.count(o) / len(earlier) for o in OUTCOMES}


def backtest(
    alliance: str | Alliance, draws: int = 2_000, seed: int = 0, db: Any = None
) -> pd.DataFrame:
    """Predict every historical request from what was known the day before it.

    `alliance` is a code, or an Alliance (e.g. the bundled one with requests
    added). Columns: case, date, requester, threat, predicted, actual, hit,
    probabilities, brier (this case's Brier score over the four outcomes),
    member_model (the members' forecast before the record), precedents
    (earlier requests like it), base_rate (the base-rate guess) and
    brier_base_rate (its Brier score).
    """
    al = alliance if isinstance(alliance, Alliance) else bundled().alliance(alliance)
    with opened(db) as store:
        data = replace(measures.observe(al.code, store=store), alliance=al)
    rows = [_case(al, request, draws, seed + i, db, data) for i, request in enumerate(al.requests)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _case(
    al: Alliance,
    request: AssistanceRequest,
    draws: int,
    seed: int,
    db: Any,
    data: measures.Observed,
) -> dict[str, Any]:
    # The day before the request: its own events (dated that day) are unknown.
    before = request.date - dt.timedelta(days=1)
    scenario = Scenario(
        alliance=al.code,
        requester=request.requester,
        threat=threat_of(request),
        aggressor=request.aggressor,
        on=before,
        provision=request.provision,
    )
    result = simulate(scenario, draws=draws, seed=seed, db=db, data=data)
    p = result["outcomes"]
    guess = base_rate(al, before)
    return {
        "case": request.id,
        "date": request.date,
        "requester": request.requester,
        "threat": scenario.threat,
        "predicted": result["predicted"],
        "actual": request.outcome,
        "hit": result["predicted"] == request.outcome,
        "probabilities": p,
        "brier": brier(p, request.outcome),
        "member_model": result["member_model"],
        "precedents": len(result["repertoire"]["precedents"]),
        "base_rate": guess,
        "brier_base_rate": brier(guess, request.outcome),
    }


def backtest_all(
    alliances: list[str] | None = None, draws: int = 2_000, seed: int = 0, db: Any = None
) -> pd.DataFrame:
    """`backtest` for several alliances (every one in the knowledge base by default),
    one frame with an `alliance` column first; each seeded as on its own."""
    codes = alliances or sorted(bundled().alliances)
    frames = []
    for code in codes:
        frame = backtest(code, draws=draws, seed=seed, db=db)
        frame.insert(0, "alliance", bundled().alliance(code).code)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _frame(alliance: str | None, draws: int, seed: int, db: Any) -> pd.DataFrame:
    return backtest_all([alliance] if alliance else None, draws=draws, seed=seed, db=db)


def calibration(
    alliance: str | None = None,
    draws: int = 2_000,
    seed: int = 0,
    db: Any = None,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per outcome, the mean predicted probability against how often it happened.

    Over every back-test case of every alliance (or of `alliance`), or over
    `frame` (from `backtest_all`) when given. Columns: outcome, predicted
    (mean probability the model gave it), observed (share of cases it
    happened in), happened (count), cases.
    """
    cases = frame if frame is not None else _frame(alliance, draws, seed, db)
    n = len(cases)
    rows = []
    for o in OUTCOMES:
        happened = int((cases.actual == o).sum())
        predicted = float(cases.probabilities.map(lambda p, o=o: p[o]).mean()) if n else 0.0
        rows.append(
            {
                "outcome": o,
                "predicted": predicted,
                "observed": happened / n if n else 0.0,
                "happened": happened,
                "cases": n,
            }
        )
    return pd.DataFrame(rows, columns=["outcome", "predicted", "observed", "happened", "cases"])


def brier_scores(
    alliance: str | None = None,
    draws: int = 2_000,
    seed: int = 0,
    db: Any = None,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The model's mean Brier score beside the uniform and base-rate guesses.

    One row per alliance, then `all` when there are several. Columns:
    alliance, cases, hits, brier (the model), uniform (0.75), base_rate
    (the alliance's own earlier outcome shares, leave-future-out).
    """
    cases = frame if frame is not None else _frame(alliance, draws, seed, db)
    groups = [(code, cases[cases.alliance == code]) for code in cases.alliance.unique()]
    if len(groups) > 1:
        groups.append(("all", cases))
    rows = [
        {
            "alliance": code,
            "cases": len(part),
            "hits": int(part.hit.sum()),
            "brier": float(part.brier.mean()),
            "uniform": UNIFORM_BRIER,
            "base_rate": float(part.brier_base_rate.mean()),
        }
        for code, part in groups
    ]
    return pd.DataFrame(
        rows, columns=["alliance", "cases", "hits", "brier", "uniform", "base_rate"]
    )
