"""Relations: between every pair of members (dyads), and with the outside powers that matter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import Tie
from bloc.knowledge import bundled
from bloc.measures.cache import cached
from bloc.measures.decay import PRIOR_WEIGHT, as_of, day_number, salience
from bloc.measures.signals import DB, MEMBER, Observed, data_of, load_events, member_on
from bloc.store import Store, opened, origin_clause


def _pairs_on(data: Observed, day: float, members: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of member-to-member events available by `day` between `members`,
    and each row's pair code (lower actor code * n + higher)."""
    inside = np.zeros(len(data.actors), dtype=bool)
    inside[data.codes(members)] = True
    rows = np.flatnonzero(
        (data.kind == MEMBER)
        & data.outgoing
        & (data.avail <= day)
        & inside[data.member]
        & inside[data.other]
    )
    a = np.minimum(data.member[rows], data.other[rows])
    b = np.maximum(data.member[rows], data.other[rows])
    return rows, a * len(data.actors) + b


def ties(store: Store, actors: Iterable[str], other: str, on: dt.date) -> dict[str, float]:
    """Each actor's relations with `other` as of `on`, by the dyad formula (0 without events)."""
    return ties_with(store, actors, [other], on)[other]


def ties_with(
    store: Store, actors: Iterable[str], others: Iterable[str], on: dt.date
) -> dict[str, dict[str, float]]:
    """`ties` with several others at once, reading the events once."""
    scored = tie_scores(store, actors, others, on)
    return {o: {a: t.score for a, t in row.items()} for o, row in scored.items()}


@dataclass(frozen=True)
class TieScore:
    """One actor's relations with another on a day, and what they rest on."""

    score: float  # -1 hostile .. +1 friendly; 0 without evidence
    facts: tuple[str, ...]  # ids of the standing ties (knowledge base) in force
    events: tuple[str, ...]  # ids of the weightiest events between them, at most five


def tie_scores(
    store: Store,
    actors: Iterable[str],
    others: Iterable[str],
    on: dt.date,
    standing: Sequence[Tie] = (),
) -> dict[str, dict[str, TieScore]]:
    """Each actor's relations with each of `others` as of `on`, with their evidence.

    The dyad formula over the events between the two known by `on`; each
    standing tie in force (`standing`, e.g. the knowledge base's alliances
    and arms supplies) counts as one more event of its own tone that does
    not fade while it holds, so a treaty signed ten years ago still binds.
    """
    actors, others = list(actors), list(others)
    names = sorted({*actors, *others})
    ev = load_events(store, names)
    day = day_number(on)
    known = ev["keep"] & (np.fmax(ev["date"], ev["known"]) <= day)
    holding = [t for t in standing if t.holds_on(on)]
    out: dict[str, dict[str, TieScore]] = {}
    for other in others:
        o = names.index(other)
        usable = known & ((ev["s"] == o) ^ (ev["t"] == o))
        out[other] = {}
        for name in actors:
            a = names.index(name)
            rows = np.flatnonzero(usable & ((ev["s"] == a) | (ev["t"] == a)))
            tone = ev["tone"][rows]
            w = salience(tone, ev["weight"][rows], day - ev["date"][rows])
            facts = [t for t in holding if t.links(name, other)]
            fact_tone = np.array([t.tone for t in facts])
            num = float((w * tone).sum() + (np.abs(fact_tone) * fact_tone).sum())
            den = float(w.sum() + np.abs(fact_tone).sum())
            top = rows[np.argsort(-np.abs(w * tone), kind="stable")[:5]]
            out[other][name] = TieScore(
                score=num / (den + PRIOR_WEIGHT),
                facts=tuple(t.id for t in facts),
                events=tuple(str(e) for e in ev["id"][top]),
            )
    return out


@cached
def dyads(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Relations between every pair of members on a day, most hostile first.

    Columns: a, b, score (-1 hostile .. +1 friendly: the decayed mean tone of
    the events between them, each weighted by its strength, shrunk toward 0
    when they are few), relation, events, hostile (events with negative
    tone), evidence (event ids, weightiest first).
    """
    data = data_of(alliance, db)
    day_date = as_of(on)
    day = day_number(day_date)
    members = sorted(member_on(data.alliance, day_date))
    rows, pair = _pairs_on(data, day, members)
    tone = data.tone[rows]
    w = salience(tone, data.weight[rows], day - data.date[rows])
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


@cached
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
    day = as_of(on)
    members = sorted(member_on(al, day))
    frame = dyads(al.code, day, db)[["a", "b", "score", "relation", "events"]]
    frame.insert(2, "kind", "member")
    with opened(db) as store:
        counts = store.con.execute(
            f"""
            SELECT CASE WHEN list_contains($m, source) THEN target ELSE source END AS other,
                   CASE WHEN list_contains($m, source) THEN source ELSE target END AS member,
                   count(*) AS n
            FROM {store.events_sql()} e
            WHERE list_contains($m, source) <> list_contains($m, target) AND date <= $day
              AND {origin_clause(store.origins)}
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
