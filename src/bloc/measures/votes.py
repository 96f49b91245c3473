"""Agreement in the UN General Assembly: each member against its alliance's leader, by year.

A vote counts yes = 1, abstain = 0.5, no = 0; two states agree on a roll call
by 1 - |a - b| (1 for the same vote, 0.5 when one abstained, 0 for yes against
no). A state absent or not a member cast no vote, so the roll call does not
count for that pair (absence is not a vote). Per year: `agreement`, the mean
of that over the roll calls both voted on; `votes`, how many; `s_score`,
Signorino and Ritter's S with squared distance on the same 0-1 scale
(1 - 2 * mean((a - b)^2)), which weighs a yes against a no more than two
half-disagreements; `with_median`, the member's agreement with the General
Assembly's median state (the median vote cast on each roll call), the
yardstick a leader's own distance from the room is read against.

`drift` turns the record into one signal of exit risk (docs/analysis.md):
a member's recent agreement with the leader below the other members' and
below its own past.

These functions take the frames `bloc.store.votes.read_votes` returns; the
ones taking `db` read them and nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.errors import BlocError, UnknownActorError
from bloc.measures.observed import Observed
from bloc.measures.signals import DB
from bloc.store import knowledge_of, opened, parse_day
from bloc.store.votes import read_votes

VALUE = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
COLUMNS = [
    "member",
    "leader",
    "year",
    "agreement",
    "votes",
    "s_score",
    "with_median",
    "member_then",
]
RECENT_YEARS = 2  # the window of recent votes the risk signal reads
PAST_YEARS = 10  # the member's own past it is compared with (before the recent window)
SCALE = 0.05  # a shortfall of this much agreement gives 63% of the signal (1 - 1/e)
EVIDENCE = 20  # votes: with n recent votes the signal counts n / (n + EVIDENCE) of itself
VOTE_WEIGHT = 0.15  # the UN-vote signal's weight in the exit-risk score (docs/analysis.md)
# A voting record is a slow trait: across states, agreement with the leader correlates
# 0.90 (US) and 0.75 (Russia) with the year before, 0.85 and 0.48 with ten years before
# (1991-2019), so the signal fades with a five-year half-life, not an event's one year.
VOTE_HALF_LIFE_DAYS = 5 * 365.0
NO_EVIDENCE = "no evidence"


def _frames(
    db: DB, until: dt.date | None, members: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll calls and votes from the store, with the knowledge base's hand-typed ones."""
    with opened(db) as store:
        return read_votes(store, members, until)


def _valued(calls: pd.DataFrame, votes: pd.DataFrame, topic: str | None) -> pd.DataFrame:
    """Votes with their value, date, year and the roll call's topics; one topic if asked."""
    cols = ["rcid", "date", "resolution", "topics", "short", "median", "cite"]
    frame = votes.merge(calls[[c for c in cols if c in calls.columns]], on="rcid")
    frame["value"] = frame.vote.map(VALUE)
    frame = frame[frame.value.notna()]
    if topic is not None:
        frame = frame[frame.topics.map(lambda t: _has(t, topic))]
    frame["year"] = pd.to_datetime(frame.date).dt.year
    return frame


def _has(topics: object, topic: str) -> bool:
    if isinstance(topics, list | tuple | np.ndarray):
        return topic in list(topics)
    return False


def pair_votes(valued: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The roll calls both `a` and `b` voted on: date, year, rcid, resolution, topics, a, b."""
    left = valued[valued.member == a]
    right = valued[valued.member == b][["rcid", "value", "vote"]]
    both = left.merge(right, on="rcid", suffixes=("", "_b"))
    both["agree"] = 1 - (both.value - both.value_b).abs()
    return both


def _yearly(both: pd.DataFrame) -> pd.DataFrame:
    sq = (both.value - both.value_b) ** 2
    grouped = both.assign(sq=sq).groupby("year")
    out = pd.DataFrame(
        {"agreement": grouped.agree.mean(), "votes": grouped.size(), "sq": grouped.sq.mean()}
    )
    out["s_score"] = 1 - 2 * out.pop("sq")
    return out.reset_index()


def agreement_table(
    calls: pd.DataFrame,
    votes: pd.DataFrame,
    leader: str,
    members: list[str],
    *,
    topic: str | None = None,
    since: int | None = None,
    spells: Alliance | None = None,
) -> pd.DataFrame:
    """Per member and year: agreement with `leader`, votes, S score, agreement with the median."""
    valued = _valued(calls, votes, topic)
    if since is not None:
        valued = valued[valued.year >= since]
    rows = []
    for m in members:
        if m == leader:
            continue
        yearly = _yearly(pair_votes(valued, m, leader))
        mine = valued[valued.member == m]
        mine = mine.assign(agree=1 - (mine.value - mine["median"].astype(float)).abs())
        with_median = mine.groupby("year").agree.mean().rename("with_median")
        yearly = yearly.merge(with_median, on="year", how="left")
        yearly.insert(0, "leader", leader)
        yearly.insert(0, "member", m)
        rows.append(yearly)
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS[:-1])
    frame["member_then"] = [
        _member_in(spells, str(m), int(y)) if spells is not None else True
        for m, y in zip(frame.member, frame.year, strict=True)
    ]
    frame = frame[COLUMNS].sort_values(["member", "year"], ignore_index=True)
    frame["year"] = frame.year.astype(int)
    frame["votes"] = frame.votes.astype(int)
    return frame


def _member_in(al: Alliance, member: str, year: int) -> bool:
    """Whether `member` belonged (any status) to the alliance at some time in `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return any(
        s.member == member and s.start <= end and (s.end is None or s.end > start)
        for s in al.membership
    )


def _alliance(code: str, db: DB = None) -> Alliance:
    al = knowledge_of(db).alliance(code.upper())
    if al.leader is None:
        raise BlocError(f"{al.code} has no leading state to compare its members' votes with")
    return al


def votes(
    alliance: str,
    topic: str | None = None,
    since: int | str | None = None,
    on: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """Each member's (ever) agreement with the alliance's leader in the General Assembly, by year.

    Columns: member, leader, year, agreement (0-1), votes (roll calls both voted
    on), s_score (-1..1), with_median (agreement with the Assembly's median
    state), member_then (a member at some time that year). Only roll calls on
    or before `on` count; `since` is a first year; `topic` one of Voeten's
    issue codes (me, nu, di, hr, co, ec) or `ukraine`.
    """
    al = _alliance(alliance, db)
    assert al.leader is not None
    day = parse_day(on)
    members = sorted({s.member for s in al.membership} | {al.leader})
    calls, cast = _frames(db, day, members)
    return agreement_table(
        calls, cast, al.leader, members, topic=topic, since=_year(since), spells=al
    )


def vote_pairs(
    states: list[str],
    topic: str | None = None,
    since: int | str | None = None,
    on: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """Agreement of any states with the first of them, by year (`bloc votes --states RUS,UZB`)."""
    codes = [s.strip().upper() for s in states if s.strip()]
    if len(codes) < 2:
        raise UnknownActorError("give two states or more, the first compared with the others")
    calls, cast = _frames(db, parse_day(on), codes)
    frame = agreement_table(calls, cast, codes[0], codes[1:], topic=topic, since=_year(since))
    return frame.drop(columns=["member_then"])


def _year(since: int | str | None) -> int | None:
    if since is None:
        return None
    text = str(since)
    if not text[:4].isdigit():
        raise BlocError(f"--since takes a year (1992) or a date, not {since!r}")
    return int(text[:4])


@dataclass
class Drift:
    """One member's UN-vote signal of exit risk, and the evidence behind it."""

    value: float  # 0..1
    recent: float  # agreement with the leader in the recent window
    peers: float  # the other members' median agreement in that window
    past: float | None  # its own agreement in the years before
    votes: int  # roll calls in the recent window
    years: tuple[int, int]
    worst: list[dict[str, object]] = field(default_factory=list)  # largest disagreements

    def reason(self, leader: str) -> str:
        past = "" if self.past is None else f", {self.past:.0%} before"
        return (
            f"UN votes {self.value:.2f} (agrees with {leader} on {self.recent:.0%} of "
            f"{self.votes} General Assembly votes in {self.years[0]}-{self.years[1]}; "
            f"other members {self.peers:.0%}{past})"
        )


def drift(
    calls: pd.DataFrame, cast: pd.DataFrame, leader: str, members: list[str], day: dt.date
) -> dict[str, Drift]:
    """Per member: how far its recent agreement with the leader fell below the others' and its own.

    Recent: the `RECENT_YEARS` before the last roll call on or before `day`,
    or, when the leader voted on fewer than `EVIDENCE` roll calls in those (the
    four hand-typed votes of 2022-2023 are no record by themselves), from the
    `RECENT_YEARS` before the `EVIDENCE`-th latest of them; past:
    the `PAST_YEARS` before those. The shortfall (below the other
    members' median, plus half of any fall from its own past) gives
    1 - exp(-shortfall / SCALE), counted n / (n + EVIDENCE) for n recent
    votes, so four votes weigh little and a session's hundred nearly fully,
    and halved for each `VOTE_HALF_LIFE_DAYS` the last of them is older than `day`.
    A member without a recent shared vote has
    no entry: no evidence, not a default.
    """
    valued = _valued(calls, cast, None)
    valued = valued[pd.to_datetime(valued.date) <= pd.Timestamp(day)]
    if valued.empty:
        return {}
    start = pd.Timestamp(valued.date.max()) - pd.DateOffset(years=RECENT_YEARS)
    led = pd.to_datetime(valued[valued.member == leader].date).sort_values(ascending=False)
    if (led > start).sum() < EVIDENCE and len(led) >= EVIDENCE:
        # A few recent votes (the hand-typed ones) reach back to the last full record.
        start = min(start, led.iloc[EVIDENCE - 1] - pd.DateOffset(years=RECENT_YEARS))
    early = start - pd.DateOffset(years=PAST_YEARS)
    recent, past, pairs = {}, {}, {}
    for m in members:
        both = pair_votes(valued, m, leader)
        when = pd.to_datetime(both.date)
        now = both[when > start]
        before = both[(when > early) & (when <= start)]
        if not now.empty:
            recent[m], pairs[m] = float(now.agree.mean()), now
        if len(before) >= EVIDENCE:
            past[m] = float(before.agree.mean())
    out = {}
    for m, level in recent.items():
        others = [v for k, v in recent.items() if k != m]
        peers = float(np.median(others)) if others else level
        shortfall = max(0.0, peers - level) + max(0.0, past.get(m, level) - level) / 2
        n = len(pairs[m])
        now = pairs[m]
        age = (pd.Timestamp(day) - pd.Timestamp(now.date.max())).days
        value = (1 - math.exp(-shortfall / SCALE)) * n / (n + EVIDENCE)
        value *= 2 ** (-max(0, age) / VOTE_HALF_LIFE_DAYS)  # a record fades, slowly
        worst = now[now.agree < 1].sort_values(["agree", "date"], ascending=[True, False])
        out[m] = Drift(
            value=float(value),
            recent=level,
            peers=peers,
            past=past.get(m),
            votes=n,
            years=(int(now.year.min()), int(now.year.max())),
            worst=[_worst(r) for r in worst.head(5).to_dict("records")],
        )
    return out


def _worst(r: dict[Any, Any]) -> dict[str, object]:
    """One roll call of disagreement, as `bloc risk --explain` shows it."""
    return {
        "rcid": str(r["rcid"]),
        "date": pd.Timestamp(r["date"]).date().isoformat(),
        "resolution": None if pd.isna(r["resolution"]) else str(r["resolution"]),
        "topics": list(r["topics"]) if isinstance(r["topics"], list | np.ndarray) else [],
        "short": None if pd.isna(r["short"]) else str(r["short"]),
        "vote": str(r["vote"]),
        "leader_vote": str(r["vote_b"]),
        "cite": list(r["cite"]) if isinstance(r.get("cite"), list | np.ndarray) else [],
    }


def drift_of(data: Observed, members: list[str], day: dt.date, db: DB) -> dict[str, Drift]:
    """`drift` for an alliance's members on a day, read from the store (risk's hook).

    The store is `db`, or the one the observations were read from (a server's).
    """
    al = data.alliance
    if al.leader is None:
        return {}
    if db is None and data.stamp is not None:
        db = data.stamp.path
    calls, cast = _frames(db, day, [*members, al.leader])
    return drift(calls, cast, al.leader, members, day)


def weigh(
    score: float,
    reasons: list[str],
    shares: list[tuple[float, int]],
    found: Drift | None,
    leader: str | None,
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
        kept.insert(at, (found.reason(leader or "the leader"), part))
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
                "other": leader,
                "tone": np.nan,
                "decayed": np.nan,
                "summary": (
                    f"{w['resolution'] or 'roll call ' + str(w['rcid'])} ({topics}): voted "
                    f"{w['vote']}, {leader} {w['leader_vote']}; {w['short'] or ''}"
                ).rstrip("; "),
                "sources": list(w["cite"]) or ["voeten-unvotes"],  # type: ignore[call-overload]
            }
        )
    return rows
