"""Signals: what the store holds about one alliance, as rows of evidence.

Every measure is an aggregation of *signals*: one row per piece of evidence
(an event between a member and its leader, the alliance, another member or a
rival of the leader; a recorded UN vote), each with a sign in [-1, 1], a
weight, the date it happened and the date it became known. `signals()`
returns them, so any figure can be taken apart down to its events and their
sources. The formulas are written out in docs/analysis.md.

No look-ahead: a figure "as of" a day uses only signals dated on or before
it *and* known by then. A text-derived event is known from the first
publication of an article reporting it (an imported one from the day its
dataset added it); a curated entry of the knowledge base is the historical
record, known from the end of its dated period (the last day of its month for
a month-precise date).

Origins: a store opened through a `View` that chooses origins (`--origin`)
yields only the events those origins report (`bloc.store.view`); every
measure reads its events here, so every measure follows the choice. So too
with analysts' review decisions: rejected events are left out, corrected ones
count as corrected and reviewed ones with full confidence, unless the View
asks for the events as coded (`--as-coded`; `bloc.store.decisions`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance, KnowledgeBase
from bloc.core.rules import known_days, periods_overlap
from bloc.measures.cache import Stamp, cache_of
from bloc.measures.decay import EPOCH, HALF_LIFE_DAYS, as_of, day_number, days
from bloc.measures.observed import ALLIANCE, KINDS, LEADER, MEMBER, RIVALS, TYPES, VOTE, Observed
from bloc.store import Session, Store, knowledge_of, opened
from bloc.store.observations import coded_events, un_votes
from bloc.store.view import DB as DB  # the measures' `db`: a path or a session

log = logging.getLogger(__name__)


RIVAL_FACTOR = 0.5  # conduct toward the leader's rivals counts half as much as toward it
VOTE_VALUE = {"yes": 1.0, "abstain": 0.5, "absent": 0.5, "no": 0.0}
REFUSALS = ("REJECT", "PROTEST", "ACCUSE", "SANCTION", "THREATEN", "COERCE")


def _column(values: Any, dtype: str = "float64") -> np.ndarray:
    if isinstance(values, np.ma.MaskedArray):
        filler = np.nan if dtype == "float64" else 0
        return np.asarray(np.ma.filled(values.astype(dtype), filler))
    return np.asarray(values, dtype=dtype)


def load_events(
    store: Store, actors: list[str], only: list[str] | None = None
) -> dict[str, np.ndarray]:
    """Events between the given actors, coded as integers, with the day each became known.

    A text-derived event is known from the first publication of an article
    reporting it; a curated entry (the historical record), or an event whose
    articles print no date, from the end of its own dated period. Only the
    events of the origins the store was opened for (`store.origins`), as
    analysts' review decisions make them unless it was opened as coded
    (`store.events_sql`). `only`: the events of these ids alone.
    """
    result = coded_events(store, actors, TYPES, only)
    ev = {
        "id": np.asarray(result["id"], dtype=object),
        "s": _column(result["s"], "int64"),
        "t": _column(result["t"], "int64"),
        "ty": _column(result["ty"], "int64"),
        "tone": _column(result["tone"]),
        "weight": _column(result["weight"]),
        "curated": _column(result["curated"], "bool"),
        "date": _column(result["day"]),
        "start": _column(result["period_start"]),
        "end": _column(result["period_end"]),
    }
    ev["known"] = known_days(ev["date"], ev["end"], _column(result["published"]), ev["curated"])
    return _drop_duplicated_text(ev, len(actors))


def _drop_duplicated_text(ev: dict[str, np.ndarray], n_actors: int) -> dict[str, np.ndarray]:
    """A text event that restates a curated one is the same happening
    (`bloc.core.rules.same_happening`): keep the curated row, known from the
    earlier of the two."""
    key = (ev["s"] * n_actors + ev["t"]) * len(TYPES) + ev["ty"]
    ev["keep"] = np.ones(len(key), dtype=bool)
    curated = np.flatnonzero(ev["curated"])
    if len(curated) == 0:
        return ev
    candidates = np.flatnonzero(~ev["curated"] & np.isin(key, key[curated]))
    drop: list[int] = []
    start, end = ev["start"], ev["end"]
    for c in curated:
        same = candidates[key[candidates] == key[c]]
        overlap = same[periods_overlap(start[same], end[same], start[c], end[c])]
        if len(overlap):
            drop.extend(overlap.tolist())
            ev["known"][c] = min(ev["known"][c], float(ev["known"][overlap].min()))
    ev["keep"][drop] = False
    return ev


def _signals(
    al: Alliance,
    ev: dict[str, np.ndarray],
    actors: list[str],
    members: list[str],
    rivals: frozenset[str],
    votes: pd.DataFrame,
) -> dict[str, np.ndarray]:
    """One row per (member, piece of evidence); see the module docstring."""
    index = {code: i for i, code in enumerate(actors)}

    def lookup(codes: Iterable[str]) -> np.ndarray:
        table = np.zeros(len(actors), dtype=bool)
        table[[index[c] for c in codes if c in index]] = True
        return table

    leader = al.leader or ""
    is_member, is_leader = lookup(members), lookup([leader])
    is_alliance, is_rival = lookup([al.code]), lookup(rivals)
    src, tgt = ev["s"], ev["t"]
    keep = ev["keep"]
    m_src, m_tgt = is_member[src] & keep, is_member[tgt] & keep
    l_src, l_tgt = is_leader[src], is_leader[tgt]
    inner = m_src & m_tgt & (src != tgt)
    parts = (
        (m_src & l_tgt & ~l_src, True, LEADER, 1.0),
        (m_tgt & l_src & ~l_tgt, False, LEADER, 1.0),
        (m_src & is_alliance[tgt] & ~l_src, True, ALLIANCE, 1.0),
        (m_tgt & is_alliance[src] & ~l_tgt, False, ALLIANCE, 1.0),
        (m_src & is_rival[tgt] & ~l_src, True, RIVALS, -RIVAL_FACTOR),
        (m_tgt & is_rival[src] & ~l_tgt, False, RIVALS, -RIVAL_FACTOR),
        # Between two members (the leader included): the stuff of dyads and peace.
        (inner, True, MEMBER, 1.0),
        (inner, False, MEMBER, 1.0),
    )
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("member", "other", "kind", "row", "outgoing", "sign")
    }
    for mask, forward, kind, sign in parts:
        rows = np.flatnonzero(mask)
        cols["row"].append(rows)
        cols["member"].append((src if forward else tgt)[rows])
        cols["other"].append((tgt if forward else src)[rows])
        cols["kind"].append(np.full(len(rows), kind))
        cols["outgoing"].append(np.full(len(rows), forward))
        cols["sign"].append(np.full(len(rows), sign))
    vote_ids = np.array([], dtype=object)
    if not votes.empty:
        mine = _beside(votes, members, leader)
        if not mine.empty:
            gap = np.abs(
                mine.vote.map(VOTE_VALUE).to_numpy(dtype="float64")
                - mine.reference.to_numpy(dtype="float64")
            )
            n = len(mine)
            vote_ids = ("vote:" + mine.resolution).to_numpy(dtype=object)
            cols["row"].append(len(ev["id"]) + np.arange(n))
            cols["member"].append(np.array([index[m] for m in mine.member], dtype=np.int64))
            cols["other"].append(np.full(n, index[leader or al.code]))
            cols["kind"].append(np.full(n, VOTE))
            cols["outgoing"].append(np.ones(n, dtype=bool))
            cols["sign"].append(1.0 - 2.0 * gap)
            day = days(mine.date)
            vote_ty = np.array([TYPES.index(v) for v in mine.vote], dtype=np.int64)
            ev = {
                "ty": np.concatenate([ev["ty"], vote_ty]),
                "tone": np.concatenate([ev["tone"], np.ones(n)]),
                "weight": np.concatenate([ev["weight"], np.ones(n)]),
                "date": np.concatenate([ev["date"], day]),
                "known": np.concatenate([ev["known"], day]),
                "curated": np.concatenate([ev["curated"], np.ones(n, dtype=bool)]),
                "id": ev["id"],
            }
    rows = np.concatenate(cols["row"])
    return {
        "member": np.concatenate(cols["member"]),
        "other": np.concatenate(cols["other"]),
        "kind": np.concatenate(cols["kind"]),
        "type": ev["ty"][rows],
        "event": rows,
        "ids": np.concatenate([ev["id"], vote_ids]),
        "outgoing": np.concatenate(cols["outgoing"]),
        "tone": ev["tone"][rows] * np.concatenate(cols["sign"]),
        "weight": ev["weight"][rows],
        "date": ev["date"][rows],
        "avail": np.fmax(ev["date"], ev["known"])[rows],
        "curated": ev["curated"][rows],
    }


def _beside(votes: pd.DataFrame, members: list[str], leader: str) -> pd.DataFrame:
    """Members' recorded votes with the position each is read against (`reference`, 0..1).

    With a leader, the leader's vote; without one (CENTO after 1959, the Rio
    Treaty), the majority position of the other members: the median of the
    votes they cast (an absence is no vote), as `bloc.measures.votes.majority`.
    """
    if leader:
        lead = votes[votes.member == leader][["resolution", "vote"]]
        lead = lead.assign(reference=lead.vote.map(VOTE_VALUE)).drop(columns="vote")
        return votes[votes.member.isin(members) & (votes.member != leader)].merge(
            lead, on="resolution"
        )
    cast = votes[votes.member.isin(members) & (votes.vote != "absent")]
    cast = cast.assign(value=cast.vote.map(VOTE_VALUE))
    rows = []
    for row in votes[votes.member.isin(members)].to_dict("records"):
        others = cast[(cast.resolution == row["resolution"]) & (cast.member != row["member"])]
        if not others.empty:
            rows.append({**row, "reference": float(others.value.median())})
    return pd.DataFrame(rows, columns=[*votes.columns, "reference"])


def observe(alliance: str, db: DB = None, store: Store | None = None) -> Observed:
    """Read the events and votes that bear on `alliance`, once.

    Through a View that carries a cache (the dashboard's), the reading is
    kept for the store's generation, the origins chosen and as-coded or not.
    """
    cache = cache_of(db)
    if cache is None or not isinstance(db, Session):
        return _observe(alliance, db, store)
    code = knowledge_of(db).alliance(alliance).code
    with opened(db) if store is None else contextlib.nullcontext(store) as s:
        stamp = Stamp(cache, db.path, s.generation(), db.origins, db.as_coded)

        def compute() -> Observed:
            data = _observe(code, db, s)
            data.stamp = stamp
            data.by_avail()  # sorted once, before any request shares it
            data.rows_of(-1)  # and by member
            return data

        return cache.get("observed", (*stamp.key, code), compute)


def _cast(kb: KnowledgeBase, alliance: str) -> tuple[Alliance, list[str], list[str], set[str]]:
    """An alliance, its actors (members, itself, its leader, the rivals), members, rivals."""
    al = kb.alliance(alliance)
    members = sorted({s.member for s in al.membership})
    rivals = set(al.rivals)
    for other in al.rival_alliances:
        rivals |= {s.member for s in kb.alliance(other).membership}
    rivals -= set(members)
    actors = sorted(set(members) | {al.code} | rivals | ({al.leader} if al.leader else set()))
    return al, actors, members, rivals


def _observe(alliance: str, db: DB, store: Store | None) -> Observed:
    return _read_many([alliance], db, store)[alliance]


def observe_many(
    alliances: Iterable[str],
    db: DB = None,
    store: Store | None = None,
    only: list[str] | None = None,
) -> dict[str, Observed]:
    """`observe` for several alliances with one read of the store: the events between
    any of their actors are read once and each alliance keeps those between its own.

    What each gets is what `observe` alone reads (the same rows, the same duplicates
    of curated entries dropped: a duplicate shares its curated entry's actors), so
    the alert rules, which recompute the risk of every alliance a change touches,
    pay for one pass over the store instead of one per alliance.

    `only`: the signals of the events of these ids alone, without the UN votes (what
    the running sums of `bloc.measures.risk_sums` take in after a change).
    """
    wanted = list(dict.fromkeys(alliances))
    if only is None and cache_of(db) is not None and isinstance(db, Session):  # a server's
        return {code: observe(code, db, store) for code in wanted}  # kept per alliance
    return _read_many(wanted, db, store, only)


def _read_many(
    wanted: list[str], db: DB, store: Store | None, only: list[str] | None = None
) -> dict[str, Observed]:
    with opened(db) if store is None else contextlib.nullcontext(store) as s:
        kb = s.knowledge
        casts = {code: _cast(kb, code) for code in wanted}
        union = sorted({a for _, actors, _, _ in casts.values() for a in actors})
        every = load_events(s, union, only) if len(casts) > 1 else None
        votes = un_votes(s) if only is None else pd.DataFrame()
        out = {}
        for code, (al, actors, members, rivals) in casts.items():
            ev = (
                _narrow(every, union, actors) if every is not None else load_events(s, actors, only)
            )
            sig = _signals(al, ev, actors, members, frozenset(rivals), votes)
            log.debug("%s: %d events, %d signals", al.code, len(ev["id"]), len(sig["tone"]))
            out[code] = Observed(al, actors, **sig)
    return out


def _narrow(
    ev: dict[str, np.ndarray], union: list[str], actors: list[str]
) -> dict[str, np.ndarray]:
    """The events of `ev` (read for the actors `union`) between `actors`, recoded to them."""
    recode = np.full(len(union), -1, dtype=np.int64)
    recode[[union.index(a) for a in actors]] = np.arange(len(actors))
    s, t = recode[ev["s"]], recode[ev["t"]]
    rows = np.flatnonzero((s >= 0) & (t >= 0))
    out = {k: v[rows] for k, v in ev.items()}
    out["s"], out["t"] = s[rows], t[rows]
    return out


def data_of(alliance: str | Observed, db: DB) -> Observed:
    return alliance if isinstance(alliance, Observed) else observe(alliance, db)


def refusal_table() -> np.ndarray:
    return np.isin(np.array(TYPES), REFUSALS)


def signals(
    alliance: str | Observed, on: str | dt.date | None = None, db: DB = None
) -> pd.DataFrame:
    """Every signal known by `on` (today by default), with its decayed weight then.

    Columns: member, other, kind (leader, alliance, rivals, member, un vote),
    event, type, tone (-1..1, the sign it gives alignment), weight, decayed
    (weight after time decay to `on`), date, known.
    """
    data = data_of(alliance, db)
    day = day_number(as_of(on))
    rows = np.flatnonzero(data.avail <= day)
    actors = np.array(data.actors, dtype=object)
    frame = pd.DataFrame(
        {
            "member": actors[data.member[rows]],
            "other": actors[data.other[rows]],
            "kind": np.array(KINDS, dtype=object)[data.kind[rows]],
            "event": data.event_ids(rows),
            "type": np.array(TYPES, dtype=object)[data.type[rows]],
            "tone": data.tone[rows],
            "weight": data.weight[rows],
            "decayed": data.weight[rows] * np.exp2(-(day - data.date[rows]) / HALF_LIFE_DAYS),
            "date": (EPOCH + data.date[rows].astype("timedelta64[D]")).astype("datetime64[s]"),
            "known": (EPOCH + data.avail[rows].astype("timedelta64[D]")).astype("datetime64[s]"),
        }
    )
    return frame.sort_values(["date", "member", "event"], ignore_index=True)


def member_on(al: Alliance, day: dt.date) -> dict[str, str]:
    return {s.member: s.status for s in al.members_on(day)}
