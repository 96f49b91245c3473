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
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bloc.knowledge import bundled
from bloc.model import Alliance
from bloc.store import Store, opened, parse_day

log = logging.getLogger(__name__)

__all__ = [
    "HALF_LIFE_DAYS",
    "Observed",
    "alignment",
    "cohesion",
    "compare",
    "dyads",
    "explain",
    "observe",
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


@dataclass
class Observed:
    """What the store holds about one alliance, read once and shared by every measure."""

    alliance: Alliance
    events: pd.DataFrame  # one row per event, with `known` (the day it became known)
    signals: pd.DataFrame  # see signals()
    rivals: frozenset[str]


def _days(values: Any) -> np.ndarray:
    """Days since 1990-01-01 as floats (NaN for missing)."""
    arr = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[D]")
    return (arr - _EPOCH).astype("float64")


def _day(value: dt.date) -> float:
    return float((np.datetime64(value, "D") - _EPOCH).astype("float64"))


def _load_events(store: Store, actors: list[str]) -> pd.DataFrame:
    frame = store.query(
        """
        WITH first AS (
            SELECT event_id, min(published) AS first_published FROM evidence GROUP BY event_id
        ), wanted AS (SELECT unnest(?::VARCHAR[]) AS code)
        SELECT e.id, e.date, e.date_precision, e.source, e.target, e.type, e.alliance,
               e.intensity, e.confidence, e.origin,
               CASE e.date_precision
                   WHEN 'day' THEN e.date
                   WHEN 'month' THEN last_day(e.date)
                   ELSE make_date(year(e.date), 12, 31) END AS period_end,
               f.first_published
        FROM events e LEFT JOIN first f ON f.event_id = e.id
        WHERE e.source IN (SELECT code FROM wanted) AND e.target IN (SELECT code FROM wanted)
        """,
        [actors],
    )
    curated = frame.origin.to_numpy() == "curated"
    period_end = _days(frame.period_end)
    published = _days(frame.first_published)
    frame["date_day"] = _days(frame.date)
    frame["end_day"] = period_end
    # An article with no printed date cannot date the knowledge: its events
    # count as known from the end of their own period, like the record.
    known = np.where(
        curated | np.isnan(published), period_end, np.fmax(published, frame.date_day.to_numpy())
    )
    frame["known_day"] = known
    return _drop_duplicated_text(frame)


def _drop_duplicated_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A text event that restates a curated one (same source, target, type,
    overlapping dates) is the same happening: keep the curated row, known
    from the earlier of the two."""
    curated = frame[frame.origin == "curated"]
    if curated.empty:
        return frame
    text = frame[frame.origin != "curated"]
    keys = ["source", "target", "type"]
    pairs = (
        text[[*keys, "date_day", "end_day", "known_day"]]
        .reset_index()
        .merge(
            curated[[*keys, "id", "date_day", "end_day"]].reset_index(),
            on=keys,
            suffixes=("", "_c"),
        )
    )
    overlap = (pairs.date_day <= pairs.end_day_c) & (pairs.date_day_c <= pairs.end_day)
    pairs = pairs[overlap]
    if pairs.empty:
        return frame
    earliest = pairs.groupby("index_c").known_day.min()
    out = frame.drop(index=list(pairs["index"].unique()))
    out.loc[earliest.index, "known_day"] = np.fmin(
        out.loc[earliest.index, "known_day"], earliest.to_numpy()
    )
    return pd.DataFrame(out)


def _signals(
    al: Alliance,
    events: pd.DataFrame,
    members: list[str],
    rivals: frozenset[str],
    votes: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (member, piece of evidence); see the module docstring."""
    leader = al.leader or ""
    src = events.source.to_numpy()
    tgt = events.target.to_numpy()
    tone = events.intensity.to_numpy(dtype="float64") / 10.0
    weight = events.confidence.fillna(1.0).to_numpy(dtype="float64")
    is_member_src = np.isin(src, members)
    is_member_tgt = np.isin(tgt, members)
    parts: list[pd.DataFrame] = []

    def part(mask: np.ndarray, member: np.ndarray, other: np.ndarray, kind: str, sign: Any) -> None:
        if not mask.any():
            return
        sub = events[mask]
        parts.append(
            pd.DataFrame(
                {
                    "member": member[mask],
                    "other": other[mask],
                    "kind": kind,
                    "event": sub.id.to_numpy(),
                    "type": sub.type.to_numpy(),
                    "outgoing": (src[mask] == member[mask]),
                    "tone": (tone[mask] * sign) if np.isscalar(sign) else (tone * sign)[mask],
                    "weight": weight[mask],
                    "date_day": sub.date_day.to_numpy(),
                    "known_day": sub.known_day.to_numpy(),
                }
            )
        )

    for kind, counterpart in (("leader", {leader}), ("alliance", {al.code})):
        cp = list(counterpart)
        part(is_member_src & np.isin(tgt, cp) & (src != leader), src, tgt, kind, 1.0)
        part(is_member_tgt & np.isin(src, cp) & (tgt != leader), tgt, src, kind, 1.0)
    rv = list(rivals)
    part(is_member_src & np.isin(tgt, rv) & (src != leader), src, tgt, "rivals", -RIVAL_FACTOR)
    part(is_member_tgt & np.isin(src, rv) & (tgt != leader), tgt, src, "rivals", -RIVAL_FACTOR)
    # Between two members (the leader included): the stuff of dyads and peace.
    inner = is_member_src & is_member_tgt & (src != tgt)
    part(inner, src, tgt, "member", 1.0)
    part(inner, tgt, src, "member", 1.0)

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
            day = _days(mine.date)
            parts.append(
                pd.DataFrame(
                    {
                        "member": mine.member.to_numpy(),
                        "other": leader,
                        "kind": "un vote",
                        "event": "vote:" + mine.resolution,
                        "type": mine.vote.to_numpy(),
                        "outgoing": True,
                        "tone": 1.0 - 2.0 * gap,
                        "weight": 1.0,
                        "date_day": day,
                        "known_day": day,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            columns=[
                "member",
                "other",
                "kind",
                "event",
                "type",
                "outgoing",
                "tone",
                "weight",
                "date_day",
                "known_day",
            ]
        )
    out = pd.concat(parts, ignore_index=True)
    out["avail_day"] = np.fmax(out.date_day.to_numpy(), out.known_day.to_numpy())
    return out


def observe(alliance: str, db: DB = None, store: Store | None = None) -> Observed:
    """Read the events, votes and requests that bear on `alliance`, once."""
    kb = bundled()
    al = kb.alliance(alliance)
    members = sorted({s.member for s in al.membership})
    rivals = set(al.rivals)
    for other in al.rival_alliances:
        rivals |= {s.member for s in kb.alliance(other).membership}
    rivals -= set(members)
    actors = sorted(set(members) | {al.code} | rivals | ({al.leader} if al.leader else set()))

    def read(s: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
        events = _load_events(s, actors)
        votes = s.query("SELECT resolution, date, member, vote FROM votes")
        return events, votes

    if store is not None:
        events, votes = read(store)
    else:
        with opened(db) as s:
            events, votes = read(s)
    sig = _signals(al, events, members, frozenset(rivals), votes)
    log.debug("%s: %d events, %d signals", al.code, len(events), len(sig))
    return Observed(al, events, sig, frozenset(rivals))


def _data(alliance: str | Observed, db: DB) -> Observed:
    return alliance if isinstance(alliance, Observed) else observe(alliance, db)


def _as_of(on: str | dt.date | None) -> dt.date:
    return parse_day(on) or dt.date.today()


def _decayed(avail: np.ndarray, date: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each day in `at`: the sum of values * 0.5**((at - date) / half-life)
    over the rows available (dated and known) by that day.

    The decay factorises (2**(date/h) * 2**(-at/h)), so one sort and one
    cumulative sum serve every day in `at` at once.
    """
    if len(avail) == 0:
        return np.zeros(len(at))
    order = np.argsort(avail, kind="stable")
    scaled = values[order] * np.exp2(date[order] / HALF_LIFE_DAYS)
    cum = np.concatenate([[0.0], np.cumsum(scaled)])
    idx = np.searchsorted(avail[order], at, side="right")
    return np.asarray(cum[idx] * np.exp2(-np.asarray(at, dtype="float64") / HALF_LIFE_DAYS))


def _per_member(
    sig: pd.DataFrame, members: list[str], at: np.ndarray, values: str = "tone"
) -> tuple[np.ndarray, np.ndarray]:
    """Decayed sums of weight*value and of weight, shape (members, days)."""
    num = np.zeros((len(members), len(at)))
    den = np.zeros((len(members), len(at)))
    groups = sig.groupby("member").indices if not sig.empty else {}
    for i, m in enumerate(members):
        rows = groups.get(m)
        if rows is None:
            continue
        s = sig.iloc[rows]
        w = s.weight.to_numpy(dtype="float64")
        avail = s.avail_day.to_numpy()
        date = s.date_day.to_numpy()
        num[i] = _decayed(avail, date, w * s[values].to_numpy(dtype="float64"), at)
        den[i] = _decayed(avail, date, w, at)
    return num, den


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
        first = data.signals.date_day.min() if not data.signals.empty else np.nan
        start = (
            dt.date(2020, 1, 1)
            if np.isnan(first)
            else (_EPOCH + np.timedelta64(int(first), "D")).astype(dt.date)
        )
    return start, end


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
    sig = data.signals[data.signals.avail_day <= day].copy()
    sig["decayed"] = sig.weight * np.exp2(-(day - sig.date_day) / HALF_LIFE_DAYS)
    for col in ("date", "known"):
        sig[col] = (_EPOCH + sig[f"{col}_day"].to_numpy().astype("timedelta64[D]")).astype(
            "datetime64[s]"
        )
    cols = ["member", "other", "kind", "event", "type", "tone", "weight", "decayed", "date"]
    return sig[[*cols, "known"]].sort_values(["date", "member", "event"], ignore_index=True)


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
    sig = data.signals[data.signals.kind != "member"]
    num, den = _per_member(sig, members, at)
    parts = {}
    for kind, column in (
        ("leader", "with_leader"),
        ("alliance", "with_alliance"),
        ("rivals", "toward_rivals"),
        ("un vote", "un_votes"),
    ):
        n, d = _per_member(sig[sig.kind == kind], members, at)
        with np.errstate(invalid="ignore", divide="ignore"):
            parts[column] = np.where(d > MIN_WEIGHT, n / (d + PRIOR_WEIGHT), np.nan)
    starts = np.concatenate([[_day(start)], at[:-1] + 1])
    rows = []
    counts = sig.groupby("member").date_day.apply(np.asarray).to_dict() if not sig.empty else {}
    for i, m in enumerate(members):
        on_days = [_member_on(data.alliance, e.date()) for e in ends]
        dates = counts.get(m, np.array([]))
        new = [int(((dates >= s) & (dates <= a)).sum()) for s, a in zip(starts, at, strict=True)]
        for j, e in enumerate(ends):
            if not on_days[j].get(m):
                continue
            rows.append(
                {
                    "member": m,
                    "period": _label(e, period),
                    "end": e.date(),
                    "alignment": num[i, j] / (den[i, j] + PRIOR_WEIGHT)
                    if den[i, j] > MIN_WEIGHT
                    else np.nan,
                    **{c: parts[c][i, j] for c in parts},
                    "signals": new[j],
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "member",
            "period",
            "end",
            "alignment",
            "with_leader",
            "with_alliance",
            "toward_rivals",
            "un_votes",
            "signals",
        ],
    )


def _member_on(al: Alliance, day: dt.date) -> dict[str, str]:
    return {s.member: s.status for s in al.members_on(day)}


def dyads(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Relations between every pair of members on a day, most hostile first.

    Columns: a, b, score (-1 hostile .. +1 friendly, decayed mean tone of the
    events between them, shrunk toward 0 when they are few), relation,
    events, hostile (events with negative tone), evidence (event ids, most
    weighty first).
    """
    data = _data(alliance, db)
    day_date = _as_of(on)
    day = _day(day_date)
    members = sorted(_member_on(data.alliance, day_date))
    sig = data.signals
    sig = sig[(sig.kind == "member") & (sig.avail_day <= day) & sig.outgoing]
    sig = sig[sig.member.isin(members) & sig.other.isin(members)]
    one = sig.member.to_numpy(dtype=object)
    two = sig.other.to_numpy(dtype=object)
    first = one < two
    a = np.where(first, one, two)
    b = np.where(first, two, one)
    # Salience weighting: an armed clash (|tone| 0.9) weighs more than a
    # communique (0.2) in the mean, so a ceasefire does not cancel a war.
    decayed = (
        sig.weight.to_numpy()
        * np.abs(sig.tone.to_numpy())
        * np.exp2(-(day - sig.date_day.to_numpy()) / HALF_LIFE_DAYS)
    )
    frame = pd.DataFrame(
        {
            "a": a,
            "b": b,
            "wt": decayed * sig.tone.to_numpy(),
            "w": decayed,
            "hostile": sig.tone.to_numpy() < 0,
            "event": sig.event.to_numpy(),
        }
    )
    grouped = frame.groupby(["a", "b"])
    stats = grouped.agg(
        wt=("wt", "sum"), w=("w", "sum"), events=("event", "size"), hostile=("hostile", "sum")
    )
    top = (
        frame.assign(mag=np.abs(frame.wt))
        .sort_values("mag", ascending=False)
        .groupby(["a", "b"])
        .event.apply(lambda s: list(s[:5]))
    )
    found: dict[Any, dict[Any, Any]] = stats.to_dict("index")
    tops: dict[Any, list[str]] = top.to_dict()
    rows: list[tuple[Any, ...]] = []
    for i, x in enumerate(members):
        for y in members[i + 1 :]:
            st = found.get((x, y))
            if st is not None:
                score = float(st["wt"] / (st["w"] + PRIOR_WEIGHT))
                rows.append(
                    (
                        x,
                        y,
                        score,
                        _relation(score),
                        int(st["events"]),
                        int(st["hostile"]),
                        tops[(x, y)],
                    )
                )
            else:
                rows.append((x, y, np.nan, "no events", 0, 0, []))
    out = pd.DataFrame(
        rows, columns=["a", "b", "score", "relation", "events", "hostile", "evidence"]
    )
    return out.sort_values(["score", "a", "b"], na_position="last", ignore_index=True)


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
    return (
        both.pivot(index="a", columns="b", values="score")
        .rename_axis(None)
        .rename_axis(None, axis=1)
    )


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
    rows = [
        (f"{code}: honoured in full", yes / n if n else np.nan, n, "knowledge base"),
        (
            f"{code}: honoured, partial as half",
            (yes + 0.5 * partly) / n if n else np.nan,
            n,
            "knowledge base",
        ),
    ]
    rows += [(what, share, 0, cite) for what, share, cite in REFERENCES]
    return pd.DataFrame(rows, columns=["what", "share", "requests", "source"])


def cohesion(
    alliance: str | Observed,
    by: str = "quarter",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """One cohesion index (0..1) per period end, and its parts.

    Parts, each 0..1: alignment (members' mean alignment, rescaled),
    peace (decayed mean tone of events between members, rescaled),
    participation (1 - the share of members refusing or protesting toward
    the alliance or its leader, decayed), membership (share of members not
    frozen or suspended). The index is the mean of the parts with evidence.
    """
    data = _data(alliance, db)
    period = _check_by(by)
    start, end = _span(data, since, until)
    ends = _period_ends(start, end, period)
    at = _days(ends)
    al = data.alliance
    everyone = sorted({s.member for s in al.membership})
    non_leader = [m for m in everyone if m != al.leader]
    sig = data.signals
    outer = sig[sig.kind != "member"]
    num, den = _per_member(outer, non_leader, at)
    align = num / (den + PRIOR_WEIGHT)

    # Peace: per pair of states, decayed sums; a period counts the pairs that
    # are both members at its end (a former member's wars are not the alliance's).
    inner = sig[(sig.kind == "member") & sig.outgoing]
    pair_sums: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for key, rows_ in inner.groupby(["member", "other"]).indices.items():
        x, y = str(key[0]), str(key[1])  # type: ignore[index]
        sub = inner.iloc[rows_]
        tone = sub.tone.to_numpy(dtype="float64")
        w = sub.weight.to_numpy(dtype="float64") * np.abs(tone)
        avail, date = sub.avail_day.to_numpy(), sub.date_day.to_numpy()
        pair_sums[(x, y)] = (_decayed(avail, date, w * tone, at), _decayed(avail, date, w, at))

    refusing = outer[
        outer.outgoing & outer.type.isin(REFUSALS) & outer.kind.isin(["leader", "alliance"])
    ].assign(one=1.0)
    r_num, _ = _per_member(refusing, everyone, at, values="one")

    rows = []
    for j, e in enumerate(ends):
        status = _member_on(al, e.date())
        active = [m for m, s in status.items() if s == "member"]
        present = [i for i, m in enumerate(non_leader) if m in status]
        have = [i for i in present if den[i, j] > 0]
        alignment_part = float(np.mean((align[have, j] + 1) / 2)) if have else np.nan
        inside = [v for (x, y), v in pair_sums.items() if x in status and y in status]
        p_num = sum(v[0][j] for v in inside)
        p_den = sum(v[1][j] for v in inside)
        peace = (p_num / (p_den + PRIOR_WEIGHT) + 1) / 2 if p_den > 1e-9 else np.nan
        idx = [everyone.index(m) for m in status]
        refusal = float(np.mean(1 - np.exp(-r_num[idx, j]))) if idx else np.nan
        participation = 1 - refusal if idx else np.nan
        membership = len(active) / len(status) if status else np.nan
        parts = [alignment_part, peace, participation, membership]
        have_parts = [p for p in parts if not np.isnan(p)]
        rows.append(
            {
                "period": _label(e, period),
                "end": e.date(),
                "cohesion": float(np.mean(have_parts)) if have_parts else np.nan,
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


def _risk_parts(data: Observed, day_date: dt.date) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Per member: each risk component (0..1) and the signals behind it."""
    al = data.alliance
    day = _day(day_date)
    status = _member_on(al, day_date)
    members = sorted(m for m in status if m != al.leader)
    sig = data.signals[data.signals.avail_day <= day].copy()
    sig["decayed"] = sig.weight * np.exp2(-(day - sig.date_day) / HALF_LIFE_DAYS)
    sig["pull"] = sig.decayed * sig.tone
    requests = reliability(al.code, day_date)
    pairs = dyads(data, day_date)
    rows = []
    behind: dict[str, pd.DataFrame] = {}
    for m in members:
        mine = sig[sig.member == m]
        outer = mine[mine.kind != "member"]
        a = float(outer.pull.sum() / (outer.decayed.sum() + PRIOR_WEIGHT))
        refusals = outer[
            outer.outgoing & outer.type.isin(REFUSALS) & outer.kind.isin(["leader", "alliance"])
        ]
        own = requests[requests.requester == m]
        unanswered = 0.0
        for outcome, asked in zip(own.outcome, own.date, strict=True):
            age = (day_date - pd.Timestamp(asked).date()).days
            unanswered += GRIEVANCE[str(outcome)] * 2 ** (-age / HALF_LIFE_DAYS)
        mine_pairs = pairs[((pairs.a == m) | (pairs.b == m)) & pairs.score.notna()]
        worst = float(max(0.0, -mine_pairs.score.min())) if not mine_pairs.empty else 0.0
        courting = outer[(outer.kind == "rivals") & (outer.tone < 0)]
        parts = {
            "misalignment": (1 - a) / 2,
            "refusals": 1 - np.exp(-refusals.decayed.sum()),
            "unanswered requests": 1 - np.exp(-unanswered),
            "conflict with a member": worst,
            "courting rivals": 1 - np.exp(-(courting.decayed * -courting.tone).sum() * 2),
        }
        score = sum(RISK_WEIGHTS[k] * v for k, v in parts.items())
        if status[m] != "member":
            score = 1.0
        rows.append({"member": m, "status": status[m], "score": score, **parts})
        worst_pair = mine_pairs.sort_values("score").head(1)
        behind[m] = pd.concat(
            [
                outer.assign(component="misalignment"),
                refusals.assign(component="refusals"),
                courting.assign(component="courting rivals"),
                mine[mine.event.isin([e for ids in worst_pair.evidence for e in ids])].assign(
                    component="conflict with a member"
                ),
            ]
        )
        behind[m] = pd.concat(
            [
                behind[m],
                pd.DataFrame(
                    {
                        "member": m,
                        "event": [f"{ev}" for ev in _request_ids(al, m, day_date)],
                        "component": "unanswered requests",
                    }
                ),
            ]
        )
    return pd.DataFrame(rows), behind


def _request_ids(al: Alliance, member: str, day: dt.date) -> list[str]:
    return [f"{r.id}-response" for r in al.requests if r.requester == member and r.date <= day]


def _reason(component: str, value: float, member_rows: pd.DataFrame) -> str:
    n = int((member_rows.component == component).sum())
    return f"{component} {value:.2f} ({n} signal{'s' if n != 1 else ''})"


def risk(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Members (the leader apart) ranked by risk of leaving or freezing participation.

    Columns: rank, member, score (0..1), reasons (the components, largest
    contribution first), evidence (the ids of the weightiest events behind
    them), and one column per component.
    """
    data = _data(alliance, db)
    day = _as_of(on)
    parts, behind = _risk_parts(data, day)
    if parts.empty:
        return pd.DataFrame(columns=["rank", "member", "score", "reasons", "evidence"])
    reasons = []
    evidence = []
    for row in parts.to_dict("records"):
        values = {k: float(row[k]) for k in RISK_WEIGHTS}
        order = sorted(RISK_WEIGHTS, key=lambda k: -RISK_WEIGHTS[k] * values[k])
        rows = behind[row["member"]]
        rs = [_reason(k, values[k], rows) for k in order if values[k] > 0.005]
        if row["status"] != "member":
            rs.insert(0, f"participation already {row['status']}")
        reasons.append(rs)
        mag = (rows["decayed"] * rows["tone"]).abs() if "decayed" in rows else 0.0
        weighty = rows.assign(mag=mag).sort_values("mag", ascending=False, na_position="first")
        evidence.append(list(dict.fromkeys(weighty.event.astype(str)))[:8])
    parts["reasons"] = pd.Series(reasons, index=parts.index, dtype=object)
    parts["evidence"] = pd.Series(evidence, index=parts.index, dtype=object)
    parts = parts.sort_values(["score", "member"], ascending=[False, True], ignore_index=True)
    parts.insert(0, "rank", range(1, len(parts) + 1))
    return parts[["rank", "member", "score", "reasons", "evidence", *RISK_WEIGHTS]]


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
    _, behind = _risk_parts(data, day)
    if code not in behind:
        from bloc.errors import UnknownActorError

        raise UnknownActorError(
            f"{member!r} is not a member of {data.alliance.code} on {day.isoformat()} "
            "(or is its leading state, which is not ranked): see `bloc members`"
        )
    rows = behind[code]
    ids = sorted(set(rows.event.astype(str)))
    with opened(db) as store:
        cites = store.query(
            """
            SELECT e.id AS event, e.date, COALESCE(e.summary, first(v.sentence)) AS summary,
                   e.type AS etype,
                   list(DISTINCT v.document ORDER BY v.document) AS sources
            FROM events e JOIN evidence v ON v.event_id = e.id
            WHERE e.id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL
            """,
            [ids],
        )
        votes = store.query(
            "SELECT 'vote:' || resolution AS event, date, title, cite FROM votes WHERE member = ?",
            [code],
        )
    merged = rows.merge(cites, on="event", how="left")
    merged = merged.merge(votes, on="event", how="left", suffixes=("", "_vote"))
    merged["date"] = merged["date"].fillna(merged["date_vote"])
    merged["summary"] = merged["summary"].fillna(merged["title"])
    merged["sources"] = pd.Series(
        [
            s if isinstance(s, list | np.ndarray) else c
            for s, c in zip(merged["sources"], merged["cite"], strict=True)
        ],
        index=merged.index,
        dtype=object,
    )
    merged["type"] = merged["type"].fillna(merged["etype"])
    for col in ("other", "tone", "decayed"):
        if col not in merged:
            merged[col] = np.nan
    out = merged[
        ["component", "date", "event", "type", "other", "tone", "decayed", "summary", "sources"]
    ]
    out = out.assign(date=pd.to_datetime(out.date).dt.date)
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
