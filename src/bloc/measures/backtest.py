"""The exit-risk back-test: every exit in the knowledge base, ranked as it stood beforehand.

For each exit (`Alliance.exits`: withdrawals, denunciations, non-renewals,
suspensions, freezes, steps out of an integrated command) the alliance's
members are ranked by exit risk as of `lead` months before the exit's first
public step (its announcement when the sources give one, else the day it took
effect), from the evidence available on the eve of that day only: the store's
look-ahead rule (`bloc.core.rules.known_by`) for events, roll calls dated
before it for votes. The rank of the member that left, among them, is the
case's finding; a placebo ranks random members on random days with no exit
of theirs in the two years after, the same way (docs/analysis.md, "The
exit-risk back-test").

Evidence (`evidence`): `votes` the UN General Assembly record alone (no
hand-picked event: the headline figure), `events` the knowledge base's and the
store's events (the risk score without its UN-vote part), `all` the whole score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance, Exit
from bloc.errors import BlocError
from bloc.measures.decay import as_of
from bloc.measures.drift import VOTE_WEIGHT, drift_of
from bloc.measures.observed import Observed
from bloc.measures.risk import RISK_WEIGHTS, hand_entered, risk
from bloc.measures.signals import DB, member_on, observe
from bloc.store import knowledge_of

EVIDENCE = ("votes", "events", "all")
LEAD_MONTHS = 12
PLACEBO_PAIRS = 120
CLEAR_YEARS = 2  # a placebo member has no exit in this many years after its day
PERMUTATIONS = 10_000
TOP_THIRD = 2 / 3  # a percentile at least this is "in the top third"
COLUMNS = [
    "alliance",
    "member",
    "kind",
    "date",
    "as_of",
    "rank",
    "of",
    "percentile",
    "score",
    "reasons",
    "hand_entered",
]
REASONS_SHOWN = 3


@dataclass(frozen=True)
class Summary:
    """The back-test in one line: cases, median percentile, share in the top third, p-value."""

    evidence: str
    cases: int
    median: float
    top_third: float
    p_value: float
    permutations: int
    seed: int

    def line(self, label: str | None = None) -> str:
        if self.cases == 0:
            return f"{label or self.evidence}: no case ranked"
        return (
            f"{label or self.evidence}: {self.cases} cases, median percentile {self.median:.2f}, "
            f"{self.top_third:.0%} in the top third, permutation p = {self.p_value:.4f} "
            f"(against {self.permutations:,} random rankings, seed {self.seed}; a random "
            "ranking gives 0.50 and 33%)"
        )


def _check(evidence: str, lead: int) -> None:
    if evidence not in EVIDENCE:
        raise BlocError(f"--evidence must be votes, events or all, not {evidence!r}")
    if not 0 <= lead <= 240:
        raise BlocError(f"--lead is a number of months from 0 to 240, not {lead}")


def exit_day(x: Exit) -> dt.date:
    """The day an exit is counted from: its first public step (the announcement, if known)."""
    return x.announced if x.announced is not None and x.announced < x.date else x.date


def _months_before(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


class _Rankings:
    """Rankings by day, each computed once per alliance (the store read once per alliance)."""

    def __init__(self, evidence: str, db: DB) -> None:
        self.evidence = evidence
        self.db = db
        self._data: dict[str, Observed] = {}
        self._done: dict[tuple[str, dt.date], pd.DataFrame] = {}

    def data(self, code: str) -> Observed:
        if code not in self._data:
            self._data[code] = observe(code, self.db)
        return self._data[code]

    def on(self, code: str, day: dt.date) -> pd.DataFrame:
        """Members (the leader apart) on `day` with score, reasons and hand-entered share,
        from the evidence before `day`; rank with ties at their average rank."""
        key = (code, day)
        if key not in self._done:
            self._done[key] = _ranked(self._score(self.data(code), day - dt.timedelta(days=1)))
        return self._done[key]

    def _score(self, data: Observed, eve: dt.date) -> pd.DataFrame:
        if self.evidence == "votes":  # the record alone: no need of the event measures
            members = sorted(m for m in member_on(data.alliance, eve) if m != data.alliance.leader)
            drifts = drift_of(data, members, eve, self.db)
            rows = [
                {
                    "member": m,
                    "score": drifts[m].value if m in drifts else np.nan,
                    "reasons": [drifts[m].reason()] if m in drifts else ["no evidence"],
                    "hand_entered": drifts[m].hand if m in drifts else 0.0,
                }
                for m in members
            ]
            return pd.DataFrame(rows, columns=["member", "score", "reasons", "hand_entered"])
        frame = risk(data, eve, self.db)
        hand = hand_entered(data, eve)
        drifts = drift_of(data, list(frame.member), eve, self.db)
        rows = []
        for r in frame.to_dict("records"):
            m = str(r["member"])
            votes = 0.0 if pd.isna(r["UN votes"]) else VOTE_WEIGHT * float(r["UN votes"])
            events = sum(RISK_WEIGHTS[k] * float(r[k]) for k in RISK_WEIGHTS)
            frozen = any(str(x).startswith("participation already") for x in r["reasons"])
            if frozen:
                events = 1.0
            if self.evidence == "events":
                score = min(1.0, events)
                reasons = [x for x in r["reasons"] if not str(x).startswith("UN votes")]
                share = hand[m]
            else:
                score = float(r["score"]) if pd.notna(r["score"]) else np.nan
                reasons = list(r["reasons"])
                vote_hand = drifts[m].hand if m in drifts else 0.0
                total = events + votes
                share = (events * hand[m] + votes * vote_hand) / total if total > 0 else 0.0
            rows.append({"member": m, "score": score, "reasons": reasons, "hand_entered": share})
        return pd.DataFrame(rows, columns=["member", "score", "reasons", "hand_entered"])


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = most at risk; ties (no evidence counts as 0) share their average rank."""
    key = frame.score.fillna(0.0).round(9)
    frame = frame.assign(rank=key.rank(ascending=False, method="average"), of=len(frame))
    of = len(frame)
    pct = (of - frame["rank"]) / (of - 1) if of > 1 else pd.Series(np.nan, index=frame.index)
    return frame.assign(percentile=pct)


def _case(
    rankings: _Rankings, al: Alliance, member: str, kind: str, day: dt.date, lead: int
) -> dict[str, object]:
    start = _months_before(day, lead)
    ranked = rankings.on(al.code, start)
    row: dict[str, object] = {
        "alliance": al.code,
        "member": member,
        "kind": kind,
        "date": day,
        "as_of": start,
        "rank": np.nan,
        "of": len(ranked),
        "percentile": np.nan,
        "score": np.nan,
        "reasons": ["not a member on that day: not ranked"],
        "hand_entered": np.nan,
    }
    mine = ranked[ranked.member == member]
    if not mine.empty:
        r = mine.iloc[0]
        row |= {
            "rank": float(r["rank"]),
            "percentile": float(r["percentile"]),
            "score": float(r["score"]) if pd.notna(r["score"]) else np.nan,
            "reasons": list(r["reasons"])[:REASONS_SHOWN],
            "hand_entered": float(r["hand_entered"]),
        }
    return row


def _alliances(alliance: str | None, db: DB) -> list[Alliance]:
    kb = knowledge_of(db)
    if alliance:
        return [kb.alliance(alliance)]
    return [kb.alliances[c] for c in sorted(kb.alliances)]


def risk_backtest(
    alliance: str | None = None,
    lead: int = LEAD_MONTHS,
    evidence: str = "votes",
    db: DB = None,
) -> pd.DataFrame:
    """Every exit (one alliance's, or all), its member's rank by exit risk `lead` months before.

    Columns: alliance, member, kind, date (the exit's first public step), as_of
    (`lead` months before: the ranking uses evidence dated before that day),
    rank (1 = most at risk; ties share their average rank), of (members
    ranked), percentile (1.0 ranked most at risk, 0.0 least), score, reasons
    (the top ones), hand_entered (share of the score from hand-entered
    knowledge-base entries, 0..1). A member not in the alliance on the as-of
    day is listed with no rank.
    """
    _check(evidence, lead)
    rankings = _Rankings(evidence, db)
    rows = [
        _case(rankings, al, x.member, x.kind, exit_day(x), lead)
        for al in _alliances(alliance, db)
        for x in sorted(al.exits, key=lambda x: (exit_day(x), x.member))
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["date", "alliance", "member"], ignore_index=True)


def risk_placebo(
    alliance: str | None = None,
    lead: int = LEAD_MONTHS,
    evidence: str = "votes",
    pairs: int = PLACEBO_PAIRS,
    seed: int = 0,
    db: DB = None,
) -> pd.DataFrame:
    """Random (member, day) pairs with no exit of that member in the `CLEAR_YEARS` after,
    ranked as the exits are (the columns of `risk_backtest`, kind "placebo").

    An alliance is drawn in proportion to its exits (the cases' mix), a day
    uniformly from a year after its founding to its end (or today), a member
    uniformly among those ranked then. Seeded: the same seed, the same pairs.
    """
    _check(evidence, lead)
    rng = np.random.default_rng(seed)
    alliances = [al for al in _alliances(alliance, db) if al.exits]
    if not alliances or pairs <= 0:
        return pd.DataFrame(columns=COLUMNS)
    weights = np.array([len(al.exits) for al in alliances], dtype=float)
    rankings = _Rankings(evidence, db)
    rows: list[dict[str, object]] = []
    tries = 0
    while len(rows) < pairs and tries < pairs * 20:
        tries += 1
        al = alliances[int(rng.choice(len(alliances), p=weights / weights.sum()))]
        first, last = _span(al, lead)
        if last <= first:
            continue
        day = first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))
        ranked = rankings.on(al.code, _months_before(day, lead))
        if len(ranked) < 2:
            continue
        member = str(ranked.member.iloc[int(rng.integers(0, len(ranked)))])
        if _leaves_soon(al, member, day):
            continue
        rows.append(_case(rankings, al, member, "placebo", day, lead))
    return pd.DataFrame(rows, columns=COLUMNS)


def _span(al: Alliance, lead: int) -> tuple[dt.date, dt.date]:
    """The days a placebo may fall on: `lead` months and a year after founding, to its end."""
    ends = [s.end for s in al.membership]
    end = as_of(None) if any(e is None for e in ends) else max(e for e in ends if e)
    first = _months_before(al.founded, -(lead + 12))
    return first, min(end, as_of(None))


def _leaves_soon(al: Alliance, member: str, day: dt.date) -> bool:
    """Whether the member takes a step out within `CLEAR_YEARS` of `day`, or is mid-way
    through one (announced before `day`, in effect after it)."""
    horizon = _months_before(day, -12 * CLEAR_YEARS)
    return any(x.member == member and exit_day(x) <= horizon and x.date >= day for x in al.exits)


def summary(
    frame: pd.DataFrame, evidence: str = "votes", seed: int = 0, permutations: int = PERMUTATIONS
) -> Summary:
    """Cases ranked, median percentile, share in the top third, and a permutation p-value:
    the chance that random rankings of the same cases give a median percentile as high."""
    ranked = frame.dropna(subset=["percentile"])
    ranked = ranked[ranked["of"] > 1]
    if ranked.empty:
        return Summary(evidence, 0, np.nan, np.nan, np.nan, permutations, seed)
    observed = float(ranked.percentile.median())
    of = ranked["of"].to_numpy(dtype=np.int64)
    rng = np.random.default_rng(seed)
    ranks = np.floor(rng.random((permutations, len(of))) * of) + 1
    null = np.median((of - ranks) / (of - 1), axis=1)
    p = (1 + int((null >= observed - 1e-12).sum())) / (1 + permutations)
    return Summary(
        evidence,
        len(ranked),
        observed,
        float((ranked.percentile >= TOP_THIRD - 1e-12).mean()),
        p,
        permutations,
        seed,
    )
