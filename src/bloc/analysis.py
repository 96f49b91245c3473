"""Cohesion measures over the store: alignment, dyads, reliability, cohesion, exit risk.

Every measure is an aggregation of *signals*: one row per piece of evidence
(an event between a member and its leader, the alliance, another member or a
rival of the leader; a recorded UN vote), each with a sign in [-1, 1], a
weight, the date it happened and the date it became known. `signals()`
returns them, so any figure can be taken apart down to its events and their
sources. The formulas are written out in docs/analysis.md.

No look-ahead: a figure "as of" a day uses only signals dated on or before
it *and* known by then. A text-derived event is known from the first
publication of an article reporting it; a curated entry of the knowledge base
is the historical record, known from the end of its dated period (the last
day of its month for a month-precise date).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bloc.knowledge import bundled
from bloc.model import PLOVER_TYPES, VOTES, Alliance
from bloc.store import Store, opened, parse_day

log = logging.getLogger(__name__)

__all__ = [
    "HALF_LIFE_DAYS",
    "Observed",
    "alignment",
    "cohesion",
    "compare",
    "dyad_matrix",
    "dyads",
    "explain",
    "observe",
    "relations",
    "reliability",
    "reliability_summary",
    "risk",
    "signals",
]

DB = Any  # a path, a str, or None for the default store
Period = Literal["month", "quarter", "year"]

HALF_LIFE_DAYS = 365.0  # an event a year old counts half as much as one today
MIN_WEIGHT = 1e-3  # less decayed evidence than this (one event ~10 years old) is none
PRIOR_WEIGHT = 0.5  # pseudo-evidence at 0 (neutral): thin evidence stays near neutral
RIVAL_FACTOR = 0.5  # conduct toward the leader's rivals counts half as much as toward it
VOTE_VALUE = {"yes": 1.0, "abstain": 0.5, "absent": 0.5, "no": 0.0}
# How far an answer fell short of the forces the requester asked for.
GRIEVANCE = {"deployment": 0.0, "mission": 0.5, "statement": 0.75, "nothing": 1.0}
REFUSALS = ("REJECT", "PROTEST", "ACCUSE", "SANCTION", "THREATEN", "COERCE")
RISK_WEIGHTS = {
    "misalignment": 0.35,
    "refusals": 0.25,
    "unanswered requests": 0.20,
    "conflict with a member": 0.10,
    "courting rivals": 0.10,
}
# Published reference figures for how often alliance commitments are kept.
REFERENCES = (
    ("Leeds, Long and Mitchell (2000): commitments honoured, 1816-1944", 0.745, "leeds-2000"),
    ("Berkemeier and Fuhrmann (2018): commitments honoured, 1816-2007", 0.50, "berkemeier-2018"),
    ("Berkemeier and Fuhrmann (2018): commitments honoured after 1945", 0.22, "berkemeier-2018"),
)
_EPOCH = np.datetime64("1990-01-01", "D")


KINDS = ("leader", "alliance", "rivals", "member", "un vote")
TYPES = (*PLOVER_TYPES, *VOTES)
_LEADER, _ALLIANCE, _RIVALS, _MEMBER, _VOTE = range(len(KINDS))


@dataclass
class Observed:
    """What the store holds about one alliance, read once and shared by every measure.

    Signals are kept as parallel NumPy arrays, actors and types as integer
    codes into `actors` and TYPES, so a million events cost array
    arithmetic, not string comparisons.
    """

    alliance: Alliance
    actors: list[str]
    member: np.ndarray  # actor code of the member the signal is about
    other: np.ndarray  # actor code of its counterpart
    kind: np.ndarray  # index into KINDS
    type: np.ndarray  # index into TYPES
    event: np.ndarray  # row into `ids`
    ids: np.ndarray  # event ids (object), then "vote:<resolution>" for votes
    outgoing: np.ndarray  # the member was the source
    tone: np.ndarray  # -1..1, the sign the signal gives alignment
    weight: np.ndarray  # the event's confidence (1 for curated entries and votes)
    date: np.ndarray  # days since 1990-01-01
    avail: np.ndarray  # the day it is both dated and known by

    _by_avail: np.ndarray | None = None

    def by_avail(self) -> np.ndarray:
        """Signal rows in order of availability (computed once)."""
        if self._by_avail is None:
            self._by_avail = np.argsort(self.avail, kind="stable")
        return self._by_avail

    def event_ids(self, rows: np.ndarray) -> np.ndarray:
        """The event ids of signal rows."""
        return np.asarray(self.ids[self.event[rows]], dtype=object)

    def code(self, actor: str) -> int:
        return self.actors.index(actor) if actor in self.actors else -1

    def codes(self, actors: Iterable[str]) -> np.ndarray:
        return np.array([self.code(a) for a in actors], dtype=np.int64)


def _days(values: Any) -> np.ndarray:
    """Days since 1990-01-01 as floats (NaN for missing)."""
    arr = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[D]")
    return (arr - _EPOCH).astype("float64")


def _day(value: dt.date) -> float:
    return float((np.datetime64(value, "D") - _EPOCH).astype("float64"))


def _to_date(day: float) -> dt.date:
    return dt.date(1990, 1, 1) + dt.timedelta(days=int(day))


def _column(values: Any, dtype: str = "float64") -> np.ndarray:
    if isinstance(values, np.ma.MaskedArray):
        filler = np.nan if dtype == "float64" else 0
        return np.asarray(np.ma.filled(values.astype(dtype), filler))
    return np.asarray(values, dtype=dtype)


def _load_events(store: Store, actors: list[str]) -> dict[str, np.ndarray]:
    """Events between the given actors, coded as integers, with the day each became known.

    A text-derived event is known from the first publication of an article
    reporting it; a curated entry (the historical record), or an event whose
    articles print no date, from the end of its own dated period.
    """
    result = store.con.execute(
        """
        WITH coded AS (
            SELECT e.*, list_position($actors, e.source) - 1 AS s,
                   list_position($actors, e.target) - 1 AS t
            FROM events e
            WHERE list_position($actors, e.source) IS NOT NULL
              AND list_position($actors, e.target) IS NOT NULL
        ), first AS (  -- first publication, for the wanted events only
            SELECT v.event_id, min(v.published) AS published
            FROM evidence v SEMI JOIN coded c ON c.id = v.event_id
            GROUP BY v.event_id
        )
        SELECT c.id, c.s, c.t, coalesce(list_position($types, c.type) - 1, -1) AS ty,
               c.intensity / 10.0 AS tone, coalesce(c.confidence, 1.0) AS weight,
               c.origin = 'curated' AS curated,
               date_diff('day', DATE '1990-01-01', c.date) AS day,
               date_diff('day', DATE '1990-01-01', CASE c.date_precision
                   WHEN 'day' THEN c.date
                   WHEN 'month' THEN last_day(c.date)
                   ELSE make_date(year(c.date), 12, 31) END) AS period_end,
               date_diff('day', DATE '1990-01-01', f.published) AS published
        FROM coded c LEFT JOIN first f ON f.event_id = c.id
        """,
        {"actors": actors, "types": list(TYPES)},
    ).fetchnumpy()
    ev = {
        "id": np.asarray(result["id"], dtype=object),
        "s": _column(result["s"], "int64"),
        "t": _column(result["t"], "int64"),
        "ty": _column(result["ty"], "int64"),
        "tone": _column(result["tone"]),
        "weight": _column(result["weight"]),
        "curated": _column(result["curated"], "bool"),
        "date": _column(result["day"]),
        "end": _column(result["period_end"]),
    }
    published = _column(result["published"])
    ev["known"] = np.where(
        ev["curated"] | np.isnan(published), ev["end"], np.fmax(published, ev["date"])
    )
    return _drop_duplicated_text(ev, len(actors))


def _drop_duplicated_text(ev: dict[str, np.ndarray], n_actors: int) -> dict[str, np.ndarray]:
    """A text event that restates a curated one (same source, target, type,
    overlapping dates) is the same happening: keep the curated row, known
    from the earlier of the two."""
    key = (ev["s"] * n_actors + ev["t"]) * len(TYPES) + ev["ty"]
    ev["keep"] = np.ones(len(key), dtype=bool)
    curated = np.flatnonzero(ev["curated"])
    if len(curated) == 0:
        return ev
    candidates = np.flatnonzero(~ev["curated"] & np.isin(key, key[curated]))
    drop: list[int] = []
    for c in curated:
        same = candidates[key[candidates] == key[c]]
        overlap = same[(ev["date"][same] <= ev["end"][c]) & (ev["date"][c] <= ev["end"][same])]
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
        (m_src & l_tgt & ~l_src, True, _LEADER, 1.0),
        (m_tgt & l_src & ~l_tgt, False, _LEADER, 1.0),
        (m_src & is_alliance[tgt] & ~l_src, True, _ALLIANCE, 1.0),
        (m_tgt & is_alliance[src] & ~l_tgt, False, _ALLIANCE, 1.0),
        (m_src & is_rival[tgt] & ~l_src, True, _RIVALS, -RIVAL_FACTOR),
        (m_tgt & is_rival[src] & ~l_tgt, False, _RIVALS, -RIVAL_FACTOR),
        # Between two members (the leader included): the stuff of dyads and peace.
        (inner, True, _MEMBER, 1.0),
        (inner, False, _MEMBER, 1.0),
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
    if not votes.empty and leader:
        lead = votes[votes.member == leader][["resolution", "vote"]].rename(
            columns={"vote": "leader_vote"}
        )
        mine = votes[votes.member.isin(members) & (votes.member != leader)].merge(
            lead, on="resolution"
        )
        if not mine.empty:
            gap = np.abs(
                mine.vote.map(VOTE_VALUE).to_numpy(dtype="float64")
                - mine.leader_vote.map(VOTE_VALUE).to_numpy(dtype="float64")
            )
            n = len(mine)
            vote_ids = ("vote:" + mine.resolution).to_numpy(dtype=object)
            cols["row"].append(len(ev["id"]) + np.arange(n))
            cols["member"].append(np.array([index[m] for m in mine.member], dtype=np.int64))
            cols["other"].append(np.full(n, index[leader]))
            cols["kind"].append(np.full(n, _VOTE))
            cols["outgoing"].append(np.ones(n, dtype=bool))
            cols["sign"].append(1.0 - 2.0 * gap)
            day = _days(mine.date)
            vote_ty = np.array([TYPES.index(v) for v in mine.vote], dtype=np.int64)
            ev = {
                "ty": np.concatenate([ev["ty"], vote_ty]),
                "tone": np.concatenate([ev["tone"], np.ones(n)]),
                "weight": np.concatenate([ev["weight"], np.ones(n)]),
                "date": np.concatenate([ev["date"], day]),
                "known": np.concatenate([ev["known"], day]),
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
    }


def observe(alliance: str, db: DB = None, store: Store | None = None) -> Observed:
    """Read the events and votes that bear on `alliance`, once."""
    kb = bundled()
    al = kb.alliance(alliance)
    members = sorted({s.member for s in al.membership})
    rivals = set(al.rivals)
    for other in al.rival_alliances:
        rivals |= {s.member for s in kb.alliance(other).membership}
    rivals -= set(members)
    actors = sorted(set(members) | {al.code} | rivals | ({al.leader} if al.leader else set()))

    def read(s: Store) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
        return _load_events(s, actors), s.query("SELECT resolution, date, member, vote FROM votes")

    if store is not None:
        ev, votes = read(store)
    else:
        with opened(db) as s:
            ev, votes = read(s)
    sig = _signals(al, ev, actors, members, frozenset(rivals), votes)
    log.debug("%s: %d events, %d signals", al.code, len(ev["id"]), len(sig["tone"]))
    return Observed(al, actors, **sig)


def _data(alliance: str | Observed, db: DB) -> Observed:
    return alliance if isinstance(alliance, Observed) else observe(alliance, db)


def _as_of(on: str | dt.date | None) -> dt.date:
    return parse_day(on) or dt.date.today()


def _grouped_decayed(
    data: Observed,
    mask: np.ndarray,
    group: np.ndarray,
    values: np.ndarray,
    at: np.ndarray,
    weight: np.ndarray | None = None,
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per group: decayed sums of weight*value and of weight at each day in `at`
    (weight: the signals' own unless given), over the rows available by then.

    The decay factorises (2**(date/h) * 2**(-at/h)), so one sort and one
    cumulative sum serve every day in `at` at once.
    """
    by_avail = data.by_avail()
    order = by_avail[mask[by_avail]]
    if len(order) == 0:
        return {}
    # Already in order of availability: a stable sort by group keeps that
    # order within each group (radix sort on small integer codes).
    g = group[order]
    small = g.astype(np.int32) if g.max() < 2**31 else g
    order = order[np.argsort(small, kind="stable")]
    g = group[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(g)) + 1])
    ends = np.concatenate([starts[1:], [len(g)]])
    scale = np.exp2(data.date[order] / HALF_LIFE_DAYS)
    w = (data.weight if weight is None else weight)[order] * scale
    cum_wv = np.concatenate([[0.0], np.cumsum(w * values[order])])
    cum_w = np.concatenate([[0.0], np.cumsum(w)])
    avail = data.avail[order]
    back = np.exp2(-np.asarray(at, dtype="float64") / HALF_LIFE_DAYS)
    out = {}
    for a, b in zip(starts, ends, strict=True):
        idx = a + np.searchsorted(avail[a:b], at, side="right")
        out[int(g[a])] = ((cum_wv[idx] - cum_wv[a]) * back, (cum_w[idx] - cum_w[a]) * back)
    return out


def _refusal_table() -> np.ndarray:
    return np.isin(np.array(TYPES), REFUSALS)


def _period_ends(start: dt.date, end: dt.date, by: Period) -> pd.DatetimeIndex:
    freq = {"month": "ME", "quarter": "QE", "year": "YE"}[by]
    ends = pd.date_range(start, end, freq=freq)
    if len(ends) == 0 or ends[-1].date() < end:
        ends = pd.DatetimeIndex([*ends, pd.Timestamp(end)])
    return ends


def _label(day: pd.Timestamp, by: Period) -> str:
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _check_by(by: str) -> Period:
    from bloc.errors import BlocError

    if by not in ("month", "quarter", "year"):
        raise BlocError(f"--by must be month, quarter or year, not {by!r}")
    return by  # type: ignore[return-value]


def _span(
    data: Observed, since: str | dt.date | None, until: str | dt.date | None
) -> tuple[dt.date, dt.date]:
    end = parse_day(until) or dt.date.today()
    start = parse_day(since)
    if start is None:
        first = float(data.date.min()) if len(data.date) else np.nan
        start = dt.date(2020, 1, 1) if np.isnan(first) else _to_date(first)
    return start, end


# -- the measures ----------------------------------------------------------


# -- the measures ----------------------------------------------------------


def signals(
    alliance: str | Observed, on: str | dt.date | None = None, db: DB = None
) -> pd.DataFrame:
    """Every signal known by `on` (today by default), with its decayed weight then.

    Columns: member, other, kind (leader, alliance, rivals, member, un vote),
    event, type, tone (-1..1, the sign it gives alignment), weight, decayed
    (weight after time decay to `on`), date, known.
    """
    data = _data(alliance, db)
    day = _day(_as_of(on))
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
            "date": (_EPOCH + data.date[rows].astype("timedelta64[D]")).astype("datetime64[s]"),
            "known": (_EPOCH + data.avail[rows].astype("timedelta64[D]")).astype("datetime64[s]"),
        }
    )
    return frame.sort_values(["date", "member", "event"], ignore_index=True)


def alignment(
    alliance: str | Observed,
    by: str = "year",
    member: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """Each member's alignment with the alliance and its leader, as of the end of each period.

    Columns: member, period, end, alignment (-1..1), with_leader,
    with_alliance, toward_rivals, un_votes (each part -1..1, NaN without
    evidence), signals (new signals dated in the period).
    """
    data = _data(alliance, db)
    period = _check_by(by)
    start, end = _span(data, since, until)
    ends = _period_ends(start, end, period)
    at = _days(ends)
    leader = data.alliance.leader
    members = sorted({s.member for s in data.alliance.membership} - {leader or ""})
    if member:
        members = [m for m in members if m == member.upper()]
        if not members:
            from bloc.errors import UnknownActorError

            raise UnknownActorError(
                f"{member!r} was never a member of {data.alliance.code}: "
                "see `bloc members` for the codes"
            )
    outer = data.kind != _MEMBER
    total = _grouped_decayed(data, outer, data.member, data.tone, at)
    by_kind = _grouped_decayed(data, outer, data.member * len(KINDS) + data.kind, data.tone, at)
    columns = {
        "with_leader": _LEADER,
        "with_alliance": _ALLIANCE,
        "toward_rivals": _RIVALS,
        "un_votes": _VOTE,
    }
    starts = np.concatenate([[_day(start) - 1], at[:-1]])
    statuses = [_member_on(data.alliance, e.date()) for e in ends]
    none = (np.zeros(len(at)), np.zeros(len(at)))
    rows = []
    for m in members:
        c = data.code(m)
        num, den = total.get(c, none)
        parts = {}
        for column, kind in columns.items():
            n, d = by_kind.get(c * len(KINDS) + kind, none)
            parts[column] = _shrunk(n, d)
        dates = np.sort(data.date[outer & (data.member == c)])
        new = np.searchsorted(dates, at, side="right") - np.searchsorted(
            dates, starts, side="right"
        )
        overall = _shrunk(num, den)
        for j, e in enumerate(ends):
            if m not in statuses[j]:
                continue
            rows.append(
                {
                    "member": m,
                    "period": _label(e, period),
                    "end": e.date(),
                    "alignment": overall[j],
                    **{col: values[j] for col, values in parts.items()},
                    "signals": int(new[j]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "member",
            "period",
            "end",
            "alignment",
            *columns,
            "signals",
        ],
    )


def _shrunk(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Weighted mean tone, pulled toward 0 by PRIOR_WEIGHT; NaN with no evidence."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > MIN_WEIGHT, num / (den + PRIOR_WEIGHT), np.nan)


def _member_on(al: Alliance, day: dt.date) -> dict[str, str]:
    return {s.member: s.status for s in al.members_on(day)}


def _pairs_on(data: Observed, day: float, members: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of member-to-member events available by `day` between `members`,
    and each row's pair code (lower actor code * n + higher)."""
    inside = np.zeros(len(data.actors), dtype=bool)
    inside[data.codes(members)] = True
    rows = np.flatnonzero(
        (data.kind == _MEMBER)
        & data.outgoing
        & (data.avail <= day)
        & inside[data.member]
        & inside[data.other]
    )
    a = np.minimum(data.member[rows], data.other[rows])
    b = np.maximum(data.member[rows], data.other[rows])
    return rows, a * len(data.actors) + b


def _salience(tone: np.ndarray, weight: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """An event's weight in a pair's score: confidence x strength x decay.

    Weighting by strength |tone| lets an armed clash (0.9) outweigh a
    communique (0.2), so a ceasefire does not cancel a war.
    """
    return np.asarray(weight * np.abs(tone) * np.exp2(-age_days / HALF_LIFE_DAYS))


def ties(store: Store, actors: Iterable[str], other: str, on: dt.date) -> dict[str, float]:
    """Each actor's relations with `other` as of `on`, by the dyad formula (0 without events)."""
    return ties_with(store, actors, [other], on)[other]


def ties_with(
    store: Store, actors: Iterable[str], others: Iterable[str], on: dt.date
) -> dict[str, dict[str, float]]:
    """`ties` with several others at once, reading the events once."""
    actors, others = list(actors), list(others)
    names = sorted({*actors, *others})
    ev = _load_events(store, names)
    day = _day(on)
    known = ev["keep"] & (np.fmax(ev["date"], ev["known"]) <= day)
    out: dict[str, dict[str, float]] = {}
    for other in others:
        o = names.index(other)
        usable = known & ((ev["s"] == o) ^ (ev["t"] == o))
        out[other] = {}
        for name in actors:
            a = names.index(name)
            rows = usable & ((ev["s"] == a) | (ev["t"] == a))
            w = _salience(ev["tone"][rows], ev["weight"][rows], day - ev["date"][rows])
            out[other][name] = float((w * ev["tone"][rows]).sum() / (w.sum() + PRIOR_WEIGHT))
    return out


def dyads(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Relations between every pair of members on a day, most hostile first.

    Columns: a, b, score (-1 hostile .. +1 friendly: the decayed mean tone of
    the events between them, each weighted by its strength, shrunk toward 0
    when they are few), relation, events, hostile (events with negative
    tone), evidence (event ids, weightiest first).
    """
    data = _data(alliance, db)
    day_date = _as_of(on)
    day = _day(day_date)
    members = sorted(_member_on(data.alliance, day_date))
    rows, pair = _pairs_on(data, day, members)
    tone = data.tone[rows]
    w = _salience(tone, data.weight[rows], day - data.date[rows])
    size = len(data.actors) ** 2
    wt_sum = np.bincount(pair, weights=w * tone, minlength=size)
    w_sum = np.bincount(pair, weights=w, minlength=size)
    count = np.bincount(pair, minlength=size)
    hostile = np.bincount(pair, weights=(tone < 0).astype(float), minlength=size)
    top = _top_events(pair, np.abs(w * tone), data.event_ids(rows), 5)
    out = []
    for i, x in enumerate(members):
        for y in members[i + 1 :]:
            cx, cy = sorted((data.code(x), data.code(y)))
            p = cx * len(data.actors) + cy
            if count[p]:
                score = float(wt_sum[p] / (w_sum[p] + PRIOR_WEIGHT))
                out.append((x, y, score, _relation(score), int(count[p]), int(hostile[p]), top[p]))
            else:
                out.append((x, y, np.nan, "no events", 0, 0, []))
    frame = pd.DataFrame(
        out, columns=["a", "b", "score", "relation", "events", "hostile", "evidence"]
    )
    return frame.sort_values(["score", "a", "b"], na_position="last", ignore_index=True)


def relations(
    alliance: str, on: str | dt.date | None = None, db: DB = None, outside: int = 6
) -> pd.DataFrame:
    """Members and the outside powers that matter to them, as edges of a graph.

    Member pairs come from `dyads`; the outside powers are the leading
    state's rivals and the non-members most often in events with members,
    `outside` at most, each tied to every member by the dyad formula.
    Columns: a, b, kind (member, outside, or alliance for the alliance
    itself), score (-1..1, NaN without
    events), relation, events.
    """
    al = bundled().alliance(alliance)
    day = _as_of(on)
    members = sorted(_member_on(al, day))
    frame = dyads(al.code, day, db)[["a", "b", "score", "relation", "events"]]
    frame.insert(2, "kind", "member")
    with opened(db) as store:
        counts = store.con.execute(
            """
            SELECT CASE WHEN list_contains($m, source) THEN target ELSE source END AS other,
                   CASE WHEN list_contains($m, source) THEN source ELSE target END AS member,
                   count(*) AS n
            FROM events
            WHERE list_contains($m, source) <> list_contains($m, target) AND date <= $day
            GROUP BY ALL
            """,
            {"m": members, "day": day},
        ).df()
        totals = counts.groupby("other")["n"].sum().sort_values(ascending=False)
        rivals = [r for r in al.rivals if r not in members]
        chosen = rivals + [o for o in totals.index if o not in rivals and o not in members]
        chosen = chosen[: max(outside, len(rivals))]
        scores = ties_with(store, members, chosen, day)
    number = {(o, m): int(n) for o, m, n in counts[["other", "member", "n"]].itertuples(False)}
    rows = []
    for other in chosen:
        for member in members:
            n = number.get((other, member), 0)
            score = scores[other][member] if n else np.nan
            relation = _relation(score) if n else "no events"
            kind = "alliance" if other == al.code else "outside"
            rows.append((member, other, kind, score, relation, n))
    extra = pd.DataFrame(rows, columns=frame.columns)
    return pd.concat([frame, extra], ignore_index=True) if rows else frame


def _top_events(
    group: np.ndarray, magnitude: np.ndarray, events: np.ndarray, k: int
) -> dict[int, list[str]]:
    """The ids of the k weightiest events of each group."""
    if len(group) == 0:
        return {}
    order = np.lexsort((-magnitude, group))
    g = group[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(g)) + 1])
    ends = np.concatenate([starts[1:], [len(g)]])
    return {
        int(g[a]): [str(e) for e in events[order[a : min(b, a + k)]]]
        for a, b in zip(starts, ends, strict=True)
    }


def _relation(score: float) -> str:
    if score <= -0.4:
        return "hostile"
    if score < -0.1:
        return "tense"
    if score <= 0.1:
        return "mixed"
    return "friendly"


def dyad_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """The pairs of `dyads()` as a symmetric member-by-member matrix of scores."""
    both = pd.concat(
        [
            frame[["a", "b", "score"]],
            frame.rename(columns={"a": "b", "b": "a"})[["a", "b", "score"]],
        ]
    )
    matrix = both.pivot(index="a", columns="b", values="score")
    return matrix.rename_axis(None).rename_axis(None, axis=1)


def _honoured(outcome: str, provision_kind: str) -> str:
    if provision_kind == "consultation":
        return "yes" if outcome != "nothing" else "no"
    return {"deployment": "yes", "mission": "partly"}.get(outcome, "no")


def reliability(alliance: str, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Every request for help under the treaty known by `on`, and whether it was honoured.

    Columns: requester, date, threat, aggressor, provision, outcome, honoured
    (yes, partly, no: against what the invoked provision promises), response,
    sources.
    """
    al = bundled().alliance(alliance)
    day = _as_of(on) if on else dt.date.max
    kinds = {p.id: p.kind for p in al.provisions}
    articles = {p.id: p.article for p in al.provisions}
    rows = [
        {
            "requester": r.requester,
            "date": r.date,
            "threat": r.threat,
            "aggressor": r.aggressor,
            "provision": f"Article {articles[r.provision]}"
            if articles[r.provision][:1].isdigit()
            else articles[r.provision],
            "outcome": r.outcome,
            "honoured": _honoured(r.outcome, kinds[r.provision]),
            "response": r.response,
            "sources": list(r.cite),
        }
        for r in al.requests
        if r.date <= day
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "requester",
            "date",
            "threat",
            "aggressor",
            "provision",
            "outcome",
            "honoured",
            "response",
            "sources",
        ],
    )


def reliability_summary(
    alliance: str, on: str | dt.date | None = None, db: DB = None
) -> pd.DataFrame:
    """The share of requests honoured, beside published reference figures.

    Columns: what, share, requests, source. Partly honoured requests (a
    mission instead of the forces asked for) count as half.
    """
    frame = reliability(alliance, on, db)
    n = len(frame)
    yes = int((frame.honoured == "yes").sum())
    partly = int((frame.honoured == "partly").sum())
    code = bundled().alliance(alliance).code
    rows: list[tuple[Any, ...]] = [
        (f"{code}: honoured in full", yes / n if n else np.nan, n, "knowledge base"),
        (
            f"{code}: honoured, partial as half",
            (yes + 0.5 * partly) / n if n else np.nan,
            n,
            "knowledge base",
        ),
    ]
    rows += [(what, share, None, cite) for what, share, cite in REFERENCES]
    frame = pd.DataFrame(rows, columns=["what", "share", "requests", "source"])
    return frame.astype({"requests": "Int64"})


def cohesion(
    alliance: str | Observed,
    by: str = "quarter",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """One cohesion index (0..1) per period end, and its parts.

    Parts, each 0..1: alignment (members' mean alignment, rescaled),
    peace (strength-weighted decayed mean tone of events between members,
    rescaled), participation (1 - the members' mean decayed refusals toward
    the alliance or its leader), membership (share of members not frozen or
    suspended). The index is the mean of the parts with evidence.
    """
    data = _data(alliance, db)
    period = _check_by(by)
    start, end = _span(data, since, until)
    ends = _period_ends(start, end, period)
    at = _days(ends)
    al = data.alliance
    outer = data.kind != _MEMBER
    align = _grouped_decayed(data, outer, data.member, data.tone, at)
    refusing = (
        outer
        & data.outgoing
        & _refusal_table()[data.type]
        & ((data.kind == _LEADER) | (data.kind == _ALLIANCE))
    )
    refusals = _grouped_decayed(data, refusing, data.member, np.ones(len(data.tone)), at)
    # Peace: per pair of states, strength-weighted; a period counts the pairs
    # that are both members at its end (a former member's wars are not the alliance's).
    n = len(data.actors)
    inner = (data.kind == _MEMBER) & data.outgoing
    pair = np.minimum(data.member, data.other) * n + np.maximum(data.member, data.other)
    strength = data.weight * np.abs(data.tone)
    peace_sums = _grouped_decayed(data, inner, pair, data.tone, at, weight=strength)
    rows = []
    for j, e in enumerate(ends):
        status = _member_on(al, e.date())
        codes = {data.code(m): s for m, s in status.items()}
        have = [
            align[c][0][j] / (align[c][1][j] + PRIOR_WEIGHT)
            for c in codes
            if c in align and align[c][1][j] > MIN_WEIGHT and data.actors[c] != al.leader
        ]
        alignment_part = float(np.mean((np.array(have) + 1) / 2)) if have else np.nan
        p_num = p_den = 0.0
        for p, (num, den) in peace_sums.items():
            if p // n in codes and p % n in codes:
                p_num += num[j]
                p_den += den[j]
        peace = (p_num / (p_den + PRIOR_WEIGHT) + 1) / 2 if p_den > MIN_WEIGHT else np.nan
        refused = [1 - np.exp(-refusals[c][1][j]) if c in refusals else 0.0 for c in codes]
        participation = 1 - float(np.mean(refused)) if codes else np.nan
        active = sum(s == "member" for s in status.values())
        membership = active / len(status) if status else np.nan
        parts = [alignment_part, peace, participation, membership]
        present = [p for p in parts if not np.isnan(p)]
        rows.append(
            {
                "period": _label(e, period),
                "end": e.date(),
                "cohesion": float(np.mean(present)) if present else np.nan,
                "alignment": alignment_part,
                "peace": peace,
                "participation": participation,
                "membership": membership,
                "members": len(status),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "end",
            "cohesion",
            "alignment",
            "peace",
            "participation",
            "membership",
            "members",
        ],
    )


def alignment_on(data: Observed, on: dt.date) -> dict[str, float]:
    """Each actor's alignment (-1..1, shrunk toward 0) from the signals known by `on`."""
    day = _day(on)
    rows = np.flatnonzero((data.avail <= day) & (data.kind != _MEMBER))
    decayed = data.weight[rows] * np.exp2(-(day - data.date[rows]) / HALF_LIFE_DAYS)
    n = len(data.actors)
    pull = np.bincount(data.member[rows], weights=decayed * data.tone[rows], minlength=n)
    mass = np.bincount(data.member[rows], weights=decayed, minlength=n)
    return {a: float(pull[i] / (mass[i] + PRIOR_WEIGHT)) for i, a in enumerate(data.actors)}


@dataclass
class _RiskInputs:
    members: list[str]
    status: dict[str, str]
    parts: dict[str, dict[str, float]]
    rows: dict[str, dict[str, np.ndarray]]  # member -> component -> signal row indices
    decayed: np.ndarray  # decayed weight of every signal on the day
    requests: pd.DataFrame


def _risk_inputs(data: Observed, day_date: dt.date) -> _RiskInputs:
    """Per member: each risk component (0..1) and the signal rows behind it."""
    al = data.alliance
    day = _day(day_date)
    status = _member_on(al, day_date)
    members = sorted(m for m in status if m != al.leader)
    known = data.avail <= day
    decayed = np.where(known, data.weight * np.exp2(-(day - data.date) / HALF_LIFE_DAYS), 0.0)
    n = len(data.actors)
    outer = known & (data.kind != _MEMBER)
    pull = np.bincount(data.member[outer], weights=(decayed * data.tone)[outer], minlength=n)
    mass = np.bincount(data.member[outer], weights=decayed[outer], minlength=n)
    refusing = (
        outer
        & data.outgoing
        & _refusal_table()[data.type]
        & ((data.kind == _LEADER) | (data.kind == _ALLIANCE))
    )
    refused = np.bincount(data.member[refusing], weights=decayed[refusing], minlength=n)
    courting = outer & (data.kind == _RIVALS) & (data.tone < 0)
    courted = np.bincount(
        data.member[courting], weights=(decayed * -data.tone)[courting], minlength=n
    )
    requests = reliability(al.code, day_date)
    pairs = dyads(data, day_date)
    parts: dict[str, dict[str, float]] = {}
    rows: dict[str, dict[str, np.ndarray]] = {}
    for m in members:
        c = data.code(m)
        own = requests[requests.requester == m]
        unanswered = sum(
            GRIEVANCE[str(outcome)]
            * 2 ** (-(day_date - pd.Timestamp(asked).date()).days / HALF_LIFE_DAYS)
            for outcome, asked in zip(own.outcome, own.date, strict=True)
        )
        mine_pairs = pairs[((pairs.a == m) | (pairs.b == m)) & pairs.score.notna()]
        worst = mine_pairs.sort_values("score").head(1)
        conflict = float(max(0.0, -worst.score.iloc[0])) if not worst.empty else 0.0
        parts[m] = {
            "misalignment": (1 - pull[c] / (mass[c] + PRIOR_WEIGHT)) / 2,
            "refusals": float(1 - np.exp(-refused[c])),
            "unanswered requests": float(1 - np.exp(-unanswered)),
            "conflict with a member": conflict,
            "courting rivals": float(1 - np.exp(-2 * courted[c])),
        }
        is_m = data.member == c
        if worst.empty:
            foe = -1
        else:
            foe = data.code(str(worst.b.iloc[0] if worst.a.iloc[0] == m else worst.a.iloc[0]))
        rows[m] = {
            "misalignment": np.flatnonzero(outer & is_m),
            "refusals": np.flatnonzero(refusing & is_m),
            "courting rivals": np.flatnonzero(courting & is_m),
            "conflict with a member": np.flatnonzero(
                known & is_m & (data.kind == _MEMBER) & (data.other == foe)
            ),
        }
    return _RiskInputs(members, status, parts, rows, decayed, requests)


def _request_ids(al: Alliance, member: str, day: dt.date) -> list[str]:
    return [f"{r.id}-response" for r in al.requests if r.requester == member and r.date <= day]


def risk(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Members (the leader apart) ranked by risk of leaving or freezing participation.

    Columns: rank, member, score (0..1), reasons (the components, largest
    contribution first), evidence (the ids of the weightiest events behind
    them), and one column per component.
    """
    data = _data(alliance, db)
    day = _as_of(on)
    inputs = _risk_inputs(data, day)
    records = []
    for m in inputs.members:
        values = inputs.parts[m]
        score = sum(RISK_WEIGHTS[k] * v for k, v in values.items())
        order = sorted(RISK_WEIGHTS, key=lambda k: -RISK_WEIGHTS[k] * values[k])
        counts = {k: len(r) for k, r in inputs.rows[m].items()}
        counts["unanswered requests"] = len(_request_ids(data.alliance, m, day))
        reasons = [
            f"{k} {values[k]:.2f} ({counts[k]} signal{'s' if counts[k] != 1 else ''})"
            for k in order
            if values[k] > 0.005
        ]
        if inputs.status[m] != "member":
            score = 1.0
            reasons.insert(0, f"participation already {inputs.status[m]}")
        mask = np.zeros(len(data.tone), dtype=bool)
        for idx in inputs.rows[m].values():
            mask[idx] = True
        behind = np.flatnonzero(mask)
        weight = np.abs(inputs.decayed[behind] * data.tone[behind])
        if len(weight) > 6:
            cut = np.argpartition(-weight, 6)[:6]
            behind, weight = behind[cut], weight[cut]
        top = behind[np.argsort(-weight, kind="stable")]
        evidence = _request_ids(data.alliance, m, day) + [str(e) for e in data.event_ids(top)]
        records.append(
            {
                "member": m,
                "score": float(score),
                "reasons": reasons,
                "evidence": list(dict.fromkeys(evidence))[:8],
                **values,
            }
        )
    columns = ["rank", "member", "score", "reasons", "evidence", *RISK_WEIGHTS]
    if not records:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(records).sort_values(
        ["score", "member"], ascending=[False, True], ignore_index=True
    )
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[columns]


def explain(
    alliance: str | Observed, member: str, on: str | dt.date | None = None, db: DB = None
) -> pd.DataFrame:
    """The dated, cited events behind one member's exit risk on a day.

    Columns: component, date, event, type, other, tone, decayed (weight
    after decay), summary, sources (documents or knowledge-base source ids).
    """
    data = _data(alliance, db)
    day = _as_of(on)
    code = member.upper()
    inputs = _risk_inputs(data, day)
    if code not in inputs.members:
        from bloc.errors import UnknownActorError

        raise UnknownActorError(
            f"{member!r} is not a member of {data.alliance.code} on {day.isoformat()} "
            "(or is its leading state, which is not ranked): see `bloc members`"
        )
    actors = np.array(data.actors, dtype=object)
    frames = []
    for component, idx in inputs.rows[code].items():
        frames.append(
            pd.DataFrame(
                {
                    "component": component,
                    "event": data.event_ids(idx),
                    "type": np.array(TYPES, dtype=object)[data.type[idx]],
                    "other": actors[data.other[idx]],
                    "tone": data.tone[idx],
                    "decayed": inputs.decayed[idx],
                }
            )
        )
    asked = _request_ids(data.alliance, code, day)
    frames.append(pd.DataFrame({"component": "unanswered requests", "event": asked}))
    rows = pd.concat(frames, ignore_index=True)
    ids = sorted(set(rows.event.astype(str)))
    with opened(db) as store:
        cites = store.query(
            """
            SELECT e.id AS event, e.date, e.summary, first(v.sentence) AS sentence,
                   e.type AS etype, list(DISTINCT v.document ORDER BY v.document) AS sources
            FROM events e JOIN evidence v ON v.event_id = e.id
            WHERE e.id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL
            """,
            [ids],
        )
        votes = store.query(
            "SELECT 'vote:' || resolution AS event, date AS date_vote, title, cite "
            "FROM votes WHERE member = ?",
            [code],
        )
    merged = rows.merge(cites, on="event", how="left").merge(votes, on="event", how="left")
    merged["date"] = pd.to_datetime(merged["date"].fillna(merged["date_vote"])).dt.date
    merged["summary"] = merged["summary"].fillna(merged["sentence"]).fillna(merged["title"])
    merged["type"] = merged["type"].fillna(merged["etype"])
    merged["sources"] = pd.Series(
        [
            list(s)
            if isinstance(s, list | np.ndarray)
            else (list(c) if isinstance(c, list | np.ndarray) else [])
            for s, c in zip(merged["sources"], merged["cite"], strict=True)
        ],
        index=merged.index,
        dtype=object,
    )
    out = merged[
        ["component", "date", "event", "type", "other", "tone", "decayed", "summary", "sources"]
    ]
    return out.sort_values(["component", "date", "event"], ignore_index=True)


def compare(alliances: list[str], on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """The same measures for several alliances, side by side (one column each)."""
    day = _as_of(on)
    columns: dict[str, dict[str, Any]] = {}
    for code in alliances:
        data = observe(code, db)
        al = data.alliance
        status = _member_on(al, day)
        coh = cohesion(data, by="year", since=dt.date(day.year, 1, 1), until=day)
        last = coh.iloc[-1]
        pairs = dyads(data, day)
        hostile = pairs.dropna(subset=["score"]).head(1)
        summary = reliability_summary(al.code, day)
        ranked = risk(data, day)
        columns[al.code] = {
            "members": len(status),
            "members frozen or suspended": sum(s != "member" for s in status.values()),
            "decision rule": al.decision_rule,
            "cohesion index": last.cohesion,
            "  alignment part": last.alignment,
            "  peace part": last.peace,
            "  participation part": last.participation,
            "most hostile pair": (
                f"{hostile.a.iloc[0]}-{hostile.b.iloc[0]} ({hostile.score.iloc[0]:+.2f})"
                if not hostile.empty
                else "none recorded"
            ),
            "requests for help": int(summary.requests.iloc[0]),
            "share honoured in full": summary.share.iloc[0],
            "highest exit risk": (
                f"{ranked.member.iloc[0]} ({ranked.score.iloc[0]:.2f})" if not ranked.empty else "-"
            ),
            "lowest exit risk": (
                f"{ranked.member.iloc[-1]} ({ranked.score.iloc[-1]:.2f})"
                if not ranked.empty
                else "-"
            ),
        }
    frame = pd.DataFrame(columns)
    frame.index.name = "measure"
    return frame.reset_index()
