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

`bloc.measures.drift` turns the record into one signal of exit risk
(docs/analysis.md): a member's recent agreement with the majority of the other
members below theirs and below its own past.

These functions take the frames `bloc.store.votes.read_votes` returns; the
ones taking `db` read them and nothing else.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.errors import BlocError, UnknownActorError
from bloc.knowledge import vote_code
from bloc.measures.signals import DB
from bloc.store import Store, knowledge_of, opened, parse_day
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
MAJORITY = "majority"  # the `leader` column where a leaderless alliance's members are read


Frames = tuple[pd.DataFrame, pd.DataFrame]


def vote_codes(db: DB, members: list[str]) -> list[str]:
    """The states whose votes `read_frames` reads for `members` (their own codes and the
    codes their votes are filed under)."""
    kb = knowledge_of(db)
    return sorted({vote_code(kb, s) for s in members} | set(members))


def read_frames(
    db: DB,
    until: dt.date | None,
    members: list[str] | None = None,
    store: Store | None = None,
    read: Frames | None = None,
) -> Frames:
    """Roll calls and votes from the store, with the knowledge base's hand-typed ones.

    A historical state votes under the code the files record it by
    (`bloc.knowledge.vote_code`: the Soviet Union's seat is Russia's): its
    votes are read under that code, up to the day the state ceased to exist,
    and returned under its own, so the Warsaw Pact's SUN is found in the record.
    From `store` if given, open; or from `read`, what `read_votes` gave for states
    including these `members`' `vote_codes` (several alliances' votes read at once).
    """
    kb = knowledge_of(db)
    filed = {s: vote_code(kb, s) for s in members or []}
    asked = None if members is None else sorted(set(filed.values()) | set(members))
    if read is not None and asked is not None:
        calls, cast = read[0], read[1][read[1].member.isin(asked)]
    else:
        with opened(db) if store is None else contextlib.nullcontext(store) as s:
            calls, cast = read_votes(s, asked, until)
    moved = {s: code for s, code in filed.items() if code != s}
    if not moved:
        return calls, cast
    dated = cast.merge(calls[["rcid", "date"]], on="rcid", how="left")
    parts = [cast[~cast.member.isin(set(moved.values()) - set(members or []))]]
    for state, code in moved.items():
        actor = kb.actors.get(state)
        mine = dated[dated.member == code]
        if actor is not None and actor.until is not None:
            mine = mine[pd.to_datetime(mine.date) < pd.Timestamp(actor.until)]
        parts.append(mine.assign(member=state)[list(cast.columns)])
    return calls, pd.concat(parts, ignore_index=True)


def valued_votes(calls: pd.DataFrame, votes: pd.DataFrame, topic: str | None) -> pd.DataFrame:
    """Votes with their value, date, year and the roll call's topics; one topic if asked."""
    cols = ["rcid", "date", "resolution", "topics", "short", "median", "cite", "origin"]
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


def majority(valued: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """The majority position of `states` on each roll call: rcid, value, vote.

    The median of the votes they cast (yes 1, abstain 0.5, no 0; absent ones
    do not count): with an even number split evenly it lies halfway between the
    two middle votes, so a member on either side agrees by 0.75, not 1. `vote`
    names the position (yes, no, abstain, or split).
    """
    cast = valued[valued.member.isin(states)]
    value = cast.groupby("rcid").value.median().rename("value").reset_index()
    words = {1.0: "yes", 0.5: "abstain", 0.0: "no"}
    value["vote"] = value.value.map(lambda v: words.get(float(v), "split"))
    return value


def pair_votes(
    valued: pd.DataFrame, a: str, b: str, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The roll calls both `a` and `b` voted on: date, year, rcid, resolution, topics, a, b.

    `reference` (rcid, value, vote) stands for `b` when given: a majority position.
    """
    left = valued[valued.member == a]
    right = valued[valued.member == b] if reference is None else reference
    right = right[["rcid", "value", "vote"]]
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
    leader: str | None,
    members: list[str],
    *,
    topic: str | None = None,
    since: int | None = None,
    spells: Alliance | None = None,
) -> pd.DataFrame:
    """Per member and year: agreement with `leader`, votes, S score, agreement with the median.

    Without a leader (None), each member is read against the majority position of
    the other `members` (`majority`), and the `leader` column says "majority".
    """
    valued = valued_votes(calls, votes, topic)
    if since is not None:
        valued = valued[valued.year >= since]
    rows = []
    for m in members:
        if m == leader:
            continue
        if leader is None:
            others = majority(valued, [o for o in members if o != m])
            yearly = _yearly(pair_votes(valued, m, MAJORITY, others))
        else:
            yearly = _yearly(pair_votes(valued, m, leader))
        mine = valued[valued.member == m]
        mine = mine.assign(agree=1 - (mine.value - mine["median"].astype(float)).abs())
        with_median = mine.groupby("year").agree.mean().rename("with_median")
        yearly = yearly.merge(with_median, on="year", how="left")
        yearly.insert(0, "leader", leader or MAJORITY)
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
    return knowledge_of(db).alliance(code.upper())


def votes(
    alliance: str,
    topic: str | None = None,
    since: int | str | None = None,
    on: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """Each member's (ever) agreement with the alliance's leader in the General Assembly, by year
    (in an alliance without a leader, with the majority of the other members).

    Columns: member, leader, year, agreement (0-1), votes (roll calls both voted
    on), s_score (-1..1), with_median (agreement with the Assembly's median
    state), member_then (a member at some time that year). Only roll calls on
    or before `on` count; `since` is a first year; `topic` one of Voeten's
    issue codes (me, nu, di, hr, co, ec) or `ukraine`.
    """
    al = _alliance(alliance, db)
    day = parse_day(on)
    members = sorted({s.member for s in al.membership} | ({al.leader} if al.leader else set()))
    calls, cast = read_frames(db, day, members)
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
    calls, cast = read_frames(db, parse_day(on), codes)
    frame = agreement_table(calls, cast, codes[0], codes[1:], topic=topic, since=_year(since))
    return frame.drop(columns=["member_then"])


def _year(since: int | str | None) -> int | None:
    if since is None:
        return None
    text = str(since)
    if not text[:4].isdigit():
        raise BlocError(f"--since takes a year (1992) or a date, not {since!r}")
    return int(text[:4])
