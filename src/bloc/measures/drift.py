"""The UN-vote signal of exit risk: a member standing apart from the rest of its alliance.

On each roll call a member is read against the majority position of the other
members, the leader among them (`bloc.measures.votes.majority`: the median of
the votes they cast): an exit is a departure from the alliance, and in a
leaderless alliance (CENTO after 1959, the Rio Treaty) there is nothing else to
read it against. Recent agreement is over the `RECENT_YEARS` before the last
roll call on or before the day, the member's own past over the `PAST_YEARS`
before that; the shortfall below the other members' median agreement, plus
half of any fall from its own past, gives the signal (docs/analysis.md, "UN
votes in exit risk", which also gives the back-test figures that chose the
reference and the window).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.measures.observed import Observed
from bloc.measures.signals import DB
from bloc.measures.votes import Frames, read_frames, valued_votes
from bloc.store import Store

RECENT_YEARS = 3  # the window of recent votes the risk signal reads: three sessions
PAST_YEARS = 10  # the member's own past it is compared with (before the recent window)
SCALE = 0.05  # a shortfall of this much agreement gives 63% of the signal (1 - 1/e)
EVIDENCE = 20  # votes: with n recent votes the signal counts n / (n + EVIDENCE) of itself
VOTE_WEIGHT = 0.15  # the UN-vote signal's weight in the exit-risk score (docs/analysis.md)
# A voting record is a slow trait: across states, agreement with the leader correlates
# 0.90 (US) and 0.75 (Russia) with the year before, 0.85 and 0.48 with ten years before
# (1991-2019), so the signal fades with a five-year half-life, not an event's one year.
VOTE_HALF_LIFE_DAYS = 5 * 365.0
NO_EVIDENCE = "no evidence"
HAND_TYPED = "knowledge base"  # the origin of a roll call typed into the knowledge base
WORDS = {1.0: "yes", 0.5: "abstain", 0.0: "no"}


@dataclass
class Drift:
    """One member's UN-vote signal of exit risk, and the evidence behind it."""

    value: float  # 0..1
    recent: float  # agreement with the other members' majority in the recent window
    peers: float  # the other members' median agreement in that window
    past: float | None  # its own agreement in the years before
    votes: int  # roll calls in the recent window
    years: tuple[int, int]
    worst: list[dict[str, object]] = field(default_factory=list)  # largest disagreements
    hand: float = 0.0  # share of the recent votes typed into the knowledge base by hand

    def reason(self) -> str:
        past = "" if self.past is None else f", {self.past:.0%} before"
        return (
            f"UN votes {self.value:.2f} (agrees with the other members' majority on "
            f"{self.recent:.0%} of {self.votes} General Assembly votes in "
            f"{self.years[0]}-{self.years[1]}; other members {self.peers:.0%}{past})"
        )


def drift(
    calls: pd.DataFrame, cast: pd.DataFrame, leader: str | None, members: list[str], day: dt.date
) -> dict[str, Drift]:
    """Per member: how far its recent agreement with the others' majority fell below theirs.

    `members` are the members scored, `leader` (if any) one of the others they
    are read against. See `drift_valued`.
    """
    return drift_valued(valued_votes(calls, cast, None), leader, members, day)


def drift_valued(
    valued: pd.DataFrame,
    leader: str | None,
    members: list[str],
    day: dt.date,
    worst: bool = True,
) -> dict[str, Drift]:
    """`drift` over votes already valued (`bloc.measures.votes.valued_votes`).

    Recent: the `RECENT_YEARS` before the last roll call on or before `day`,
    or, when fewer than `EVIDENCE` roll calls fall in those (the four hand-typed
    votes of 2022-2023 are no record by themselves), from the `RECENT_YEARS`
    before the `EVIDENCE`-th latest of them; past: the `PAST_YEARS` before
    those. The shortfall (below the other members' median agreement, plus half
    of any fall from its own past) gives 1 - exp(-shortfall / SCALE), counted
    n / (n + EVIDENCE) for n recent votes, and halved for each
    `VOTE_HALF_LIFE_DAYS` the last of them is older than `day`. A member
    without a recent vote shared with the others has no entry: no evidence.
    `worst`: find each member's roll calls of largest disagreement (for
    `--explain`; a ranking does without them).
    """
    states = sorted(set(members) | ({leader} if leader else set()))
    return _drift(VoteTable.of(valued[valued.member.isin(states)]), states, members, day, worst)


@dataclass
class VoteTable:
    """Votes as a roll call x state table (yes 1, abstain 0.5, no 0, NaN no vote), by date:
    made once for an alliance, sliced by date for every day a back-test asks."""

    values: np.ndarray
    states: list[str]
    rcids: pd.Index
    dates: np.ndarray  # datetime64[ns], ascending
    info: pd.DataFrame  # per roll call: date, resolution, topics, short, cite, origin

    @classmethod
    def of(cls, valued: pd.DataFrame) -> VoteTable:
        info = valued.drop_duplicates("rcid").set_index("rcid")
        info = info.assign(date=pd.to_datetime(info.date)).sort_values("date", kind="stable")
        wide = valued.pivot(index="rcid", columns="member", values="value")
        wide = wide.reindex(info.index)
        return cls(
            values=wide.to_numpy(dtype="float64"),
            states=[str(c) for c in wide.columns],
            rcids=info.index,
            dates=info.date.to_numpy(dtype="datetime64[ns]"),
            info=info,
        )


def _majority_without(
    values: np.ndarray, j: int, totals: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> np.ndarray:
    """Per roll call, the median vote of every state but column `j` (NaN: none voted).

    Votes take three values, so the median comes from counts: the middle
    element(s) of the sorted votes, halfway between two when they are even.
    `totals`: the counts of no, abstain and cast votes over every column
    (`_counts`), from which column `j`'s are taken out (the same integers as
    counting the other columns, without copying them for each member).
    """
    no_all, abstain_all, count_all = totals
    own = values[:, j]
    no = no_all - (own == 0.0)
    abstain = abstain_all - (own == 0.5)
    count = count_all - ~np.isnan(own)

    def at(k: np.ndarray) -> np.ndarray:
        return np.where(k < no, 0.0, np.where(k < no + abstain, 0.5, 1.0))

    middle = (at((count - 1) // 2) + at(count // 2)) / 2
    return np.where(count > 0, middle, np.nan)


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per roll call: the no votes, the abstentions and the votes cast, over every column."""
    return (
        (values == 0.0).sum(axis=1),
        (values == 0.5).sum(axis=1),
        (~np.isnan(values)).sum(axis=1),
    )


def _drift(
    table: VoteTable, states: list[str], members: list[str], day: dt.date, worst: bool
) -> dict[str, Drift]:
    """`drift_valued` on a table made once: the day's windows are slices of it, and the
    majority is that of `states` (the members of the day and the leader) alone."""
    upto = int(np.searchsorted(table.dates, np.datetime64(day, "ns"), side="right"))
    if upto == 0:
        return {}
    called = pd.DatetimeIndex(table.dates[:upto][::-1])
    start = called[0] - pd.DateOffset(years=RECENT_YEARS)
    if (called > start).sum() < EVIDENCE and len(called) >= EVIDENCE:
        start = min(start, called[EVIDENCE - 1] - pd.DateOffset(years=RECENT_YEARS))
    early = start - pd.DateOffset(years=PAST_YEARS)
    lo = int(np.searchsorted(table.dates, np.datetime64(early, "ns"), side="right"))
    columns = [c for c in table.states if c in set(states)]
    values = table.values[lo:upto][:, [table.states.index(c) for c in columns]]
    when = pd.Series(table.dates[lo:upto])
    index = table.rcids[lo:upto]
    info = table.info.iloc[lo:upto]
    is_now = (when > start).to_numpy()
    # Per member with recent votes: which roll calls (a mask), and its agreement, the
    # majority and its vote on each (a frame is made only for the worst disagreements).
    recent: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    past: dict[str, float] = {}
    totals = _counts(values)
    for m in members:
        if m not in columns or len(columns) < 2:
            continue
        j = columns.index(m)
        ref = _majority_without(values, j, totals)
        ok = ~np.isnan(values[:, j]) & ~np.isnan(ref)
        agree = 1 - np.abs(values[:, j] - ref)
        now = ok & is_now
        if now.any():
            recent[m] = (now, agree[now], ref[now], values[now, j])
        if (ok & ~is_now).sum() >= EVIDENCE:
            past[m] = float(agree[ok & ~is_now].mean())
    out = {}
    levels = {m: float(pd.Series(r[1]).mean()) for m, r in recent.items()}
    hand = (info.get("origin", pd.Series(None, index=info.index)) == HAND_TYPED).to_numpy()
    for m, (now, agree_now, ref_now, vote_now) in recent.items():
        level = levels[m]
        others_levels = [v for k, v in levels.items() if k != m]
        peers = float(np.median(others_levels)) if others_levels else level
        shortfall = max(0.0, peers - level) + max(0.0, past.get(m, level) - level) / 2
        n = len(agree_now)
        at = np.flatnonzero(now)  # the positions of its recent roll calls (rcids are unique)
        seen = when.iloc[at]
        age = (pd.Timestamp(day) - seen.max()).days
        value = (1 - math.exp(-shortfall / SCALE)) * n / (n + EVIDENCE)
        value *= 2 ** (-max(0, age) / VOTE_HALF_LIFE_DAYS)  # a record fades, slowly
        out[m] = Drift(
            value=float(value),
            recent=level,
            peers=peers,
            past=past.get(m),
            votes=n,
            years=(int(seen.min().year), int(seen.max().year)),
            worst=_worst(
                pd.DataFrame(
                    {"agree": agree_now, "ref": ref_now, "vote": vote_now}, index=index[now]
                ),
                info,
            )
            if worst
            else [],
            hand=float(hand[at].mean()),
        )
    return out


def _worst(rows: pd.DataFrame, info: pd.DataFrame) -> list[dict[str, object]]:
    """The five roll calls of largest disagreement, latest first among equals."""
    apart = rows[rows.agree < 1].join(info[["date"]])
    apart = apart.sort_values(["agree", "date"], ascending=[True, False]).head(5)
    found: list[dict[str, object]] = []
    records = info.loc[apart.index].to_dict("records")
    for rcid, ref, vote, r in zip(apart.index, apart.ref, apart.vote, records, strict=True):
        cite = r.get("cite")
        found.append(
            {
                "rcid": str(rcid),
                "date": pd.Timestamp(r["date"]).date().isoformat(),
                "resolution": None if pd.isna(r["resolution"]) else str(r["resolution"]),
                "topics": list(r["topics"]) if isinstance(r["topics"], list | np.ndarray) else [],
                "short": None if pd.isna(r["short"]) else str(r["short"]),
                "vote": WORDS.get(float(vote), "?"),
                "majority": WORDS.get(float(ref), "split"),
                "cite": list(cite) if isinstance(cite, list | np.ndarray) else [],
            }
        )
    return found


def drift_of(
    data: Observed, members: list[str], day: dt.date, db: DB, worst: bool = False
) -> dict[str, Drift]:
    """`drift` for an alliance's members on a day (risk's hook).

    The votes of every state ever a member are read once for the observations
    (from `db`, or the store they were read from: a server's) and kept with them,
    so a back-test asking for many days reads the store once.
    """
    al = data.alliance
    if db is None and data.stamp is not None:
        db = data.stamp.path
    key = ("vote table", str(db))
    if key not in data.memo:
        data.memo[key] = alliance_votes(al, db)
    return drift_in(data.memo[key], al, members, day, worst)


def alliance_states(al: Alliance) -> list[str]:
    """Every state ever a member of `al`, its leader too: those whose votes it reads."""
    return sorted({s.member for s in al.membership} | ({al.leader} if al.leader else set()))


def alliance_votes(
    al: Alliance, db: DB, store: Store | None = None, read: Frames | None = None
) -> VoteTable:
    """The votes of `alliance_states` as a table (read from `store` if given, open; or
    taken from `read`, as `read_frames` says)."""
    calls, cast = read_frames(db, None, alliance_states(al), store, read)
    return VoteTable.of(valued_votes(calls, cast, None))


def drift_in(
    table: VoteTable, al: Alliance, members: list[str], day: dt.date, worst: bool = False
) -> dict[str, Drift]:
    """`drift_of` on the alliance's vote table (`alliance_votes`)."""
    states = sorted(set(members) | ({al.leader} if al.leader else set()))
    return _drift(table, states, members, day, worst)


def weigh(
    score: float,
    reasons: list[str],
    shares: list[tuple[float, int]],
    found: Drift | None,
) -> tuple[float, list[str]]:
    """A member's exit-risk score and reasons with its UN votes in (risk's hook).

    `shares` are the reasons' contributions to the score, largest first, and
    the signals behind each. A component with no signal behind it (the
    misalignment prior) is no finding: it leaves the score and reads "no
    evidence". The vote signal adds `VOTE_WEIGHT` times its value, its reason
    placed by the size of its contribution. A member with no signal at all and
    no recent vote is "no evidence", its score NaN rather than a default.
    """
    kept, out = [], []
    for reason, (share, signals) in zip(reasons, shares, strict=True):
        if signals == 0:
            score -= share
            out.append(reason.rsplit(" ", 3)[0] + ": " + NO_EVIDENCE)
        else:
            kept.append((reason, share))
    if found is None and not kept:
        return math.nan, [NO_EVIDENCE]
    if found is not None:
        part = VOTE_WEIGHT * found.value
        at = sum(1 for _, share in kept if share > part)
        kept.insert(at, (found.reason(), part))
        score += part
    return min(1.0, max(0.0, score)), [r for r, _ in kept] + out


def vote_rows(found: Drift | None, leader: str | None) -> list[dict[str, object]]:
    """The roll calls behind a member's vote signal, as rows of `bloc risk --explain`."""
    if found is None:
        return []
    rows: list[dict[str, object]] = []
    for w in found.worst:
        topics = ", ".join(str(t) for t in w["topics"]) if w["topics"] else "no topic"  # type: ignore[attr-defined]
        rows.append(
            {
                "component": "UN votes",
                "date": w["date"],
                "event": f"un:{w['rcid']}",
                "type": "vote",
                "other": leader if leader else "majority",
                "tone": np.nan,
                "decayed": np.nan,
                "summary": (
                    f"{w['resolution'] or 'roll call ' + str(w['rcid'])} ({topics}): voted "
                    f"{w['vote']}, the other members' majority {w['majority']}; "
                    f"{w['short'] or ''}"
                ).rstrip("; "),
                "sources": list(w["cite"]) or ["voeten-unvotes"],  # type: ignore[call-overload]
            }
        )
    return rows
