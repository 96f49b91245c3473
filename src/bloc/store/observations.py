"""What the measures and the simulator read from a store: every query they need, here.

The measures hold no SQL (`store/` is the only package that does): they ask
a `Store` for the rows they work on through these functions, each of which
follows the store's choice of origins (`store.origins`) and of review
decisions (`store.events_sql`), so every figure follows `--origin` and
`--as-coded` without knowing how. The measures are about states: the events
they count are those between states (and the bodies states form), never a
domestic one (`bloc.store.kinds.state_sides`, applied here and nowhere else).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bloc.store.db import Store
from bloc.store.decisions import LATEST
from bloc.store.kinds import state_sides
from bloc.store.rules_sql import day_number_sql, period_end_sql, period_start_sql
from bloc.store.view import evidence_origin_sql, origin_clause


def coded_events(
    store: Store, actors: Sequence[str], types: Sequence[str], only: Sequence[str] | None = None
) -> dict[str, Any]:
    """Events between `actors` (those of ids `only`, if given), as NumPy columns with
    actors and types as integer codes.

    Columns: id, s and t (positions in `actors`), ty (position in `types`, -1
    for another), tone (intensity / 10), weight (confidence, 1 if none),
    curated, day, period_start, period_end and published (days since core's
    epoch: the date, the start and end of its dated period, the first
    publication of a report of it; a publication known only to its month
    counts from the month's last day).
    Some columns may come back as masked arrays where values are missing.
    """
    result: dict[str, Any] = store.con.execute(
        f"""
        WITH coded AS (
            SELECT e.*, list_position($actors, e.source) - 1 AS s,
                   list_position($actors, e.target) - 1 AS t
            FROM {store.events_sql()} e
            WHERE list_position($actors, e.source) IS NOT NULL
              AND list_position($actors, e.target) IS NOT NULL
              AND {origin_clause(store.origins)} AND {state_sides(every_actor=store.every_actor)}
              {"" if only is None else "AND e.id IN (SELECT unnest($only))"}
        ), first AS (  -- first publication, for the wanted events only; a publication
                       -- known only to the month is known from the month's last day
            SELECT v.event_id,
                   min({period_end_sql("v.published", "d.published_precision")}) AS published
            FROM evidence v SEMI JOIN coded c ON c.id = v.event_id
            LEFT JOIN documents d ON d.id = v.document
            GROUP BY v.event_id
        )
        SELECT c.id, c.s, c.t, coalesce(list_position($types, c.type) - 1, -1) AS ty,
               c.intensity / 10.0 AS tone, coalesce(c.confidence, 1.0) AS weight,
               c.origin = 'curated' AS curated,
               {day_number_sql("c.date")} AS day,
               {day_number_sql(period_start_sql("c.date", "c.date_precision"))} AS period_start,
               {day_number_sql(period_end_sql("c.date", "c.date_precision"))} AS period_end,
               {day_number_sql("f.published")} AS published
        FROM coded c LEFT JOIN first f ON f.event_id = c.id
        """,
        {"actors": list(actors), "types": list(types)}
        | ({} if only is None else {"only": list(only)}),
    ).fetchnumpy()
    return result


TWIN_DAYS = 731  # two years: wider than any two dated periods that overlap (a year each)


def curated_twins(store: Store, ids: Sequence[str]) -> list[str]:
    """The events whose reading can change with the events `ids`: the curated entries of
    the same source, target and type within `TWIN_DAYS` of one of them (as coded or as
    reviewed), and every other event of such an entry's source, target and type within
    `TWIN_DAYS` of it (a text event restating a curated entry is counted once, and the
    entry is known from the earlier of the two: `bloc.measures.signals`)."""
    # As coded (`events`) and as reviewed (`decisions`, whose NULLs keep the coded value),
    # read from the tables rather than the reviewed view, and in two steps: the entries
    # (a handful), then their twins by a hash join (one pass over the events).
    sides = ["events"]
    if store.con.execute("SELECT count(*) FROM decisions").fetchone() != (0,):
        sides.append(
            "(SELECT d.event_id AS id, coalesce(d.source, e.source) AS source, "
            "coalesce(d.target, e.target) AS target, coalesce(d.type, e.type) AS type, "
            "coalesce(d.date, e.date) AS date FROM decisions d JOIN events e ON e.id = d.event_id)"
        )
    changed = " UNION ".join(
        f"SELECT source, target, type, date FROM {side} WHERE id IN (SELECT unnest($ids))"
        for side in sides
    )
    entries = store.con.execute(
        f"""
        SELECT DISTINCT c.id, c.source, c.target, c.type, c.date
        FROM events c JOIN ({changed}) x USING (source, target, type)
        WHERE c.origin = 'curated' AND abs(date_diff('day', c.date, x.date)) <= $days
        """,
        {"ids": list(ids), "days": TWIN_DAYS},
    ).fetchall()
    if not entries:
        return []
    columns = list(zip(*entries, strict=True))
    twins = " UNION ".join(
        f"SELECT e.id FROM {side} e JOIN entries c "
        "ON e.source = c.source AND e.target = c.target AND e.type = c.type "
        "WHERE abs(date_diff('day', e.date, c.date)) <= $days"
        for side in sides
    )
    rows = store.con.execute(
        "WITH entries AS (SELECT unnest($s) AS source, unnest($t) AS target, "
        f"unnest($y) AS type, unnest($d) AS date) {twins}",
        {"s": list(columns[1]), "t": list(columns[2]), "y": list(columns[3]),
         "d": list(columns[4]), "days": TWIN_DAYS},
    ).fetchall()  # fmt: skip
    rows += [(e[0],) for e in entries]
    return sorted({str(r[0]) for r in rows})


def un_votes(store: Store) -> pd.DataFrame:
    """The recorded UN votes (resolution, date, member, vote).

    They are the knowledge base's record, so they are read with the curated
    entries only: none when the origins chosen leave `curated` out.
    """
    sql = "SELECT resolution, date, member, vote FROM votes"
    if store.origins is not None and "curated" not in store.origins:
        sql += " WHERE FALSE"
    return store.query(sql)


def outside_counts(store: Store, members: Sequence[str], day: dt.date) -> pd.DataFrame:
    """Events between a member and a non-member dated by `day`: other, member, n."""
    return store.con.execute(
        f"""
        SELECT CASE WHEN list_contains($m, source) THEN target ELSE source END AS other,
               CASE WHEN list_contains($m, source) THEN source ELSE target END AS member,
               count(*) AS n
        FROM {store.events_sql()} e
        WHERE list_contains($m, source) <> list_contains($m, target) AND date <= $day
          AND {origin_clause(store.origins)} AND {state_sides(every_actor=store.every_actor)}
        GROUP BY ALL
        """,
        {"m": list(members), "day": day},
    ).df()


def cited_events(store: Store, ids: Sequence[str]) -> pd.DataFrame:
    """Events by id with what cites them: event, date, summary, the first evidence
    sentence, etype and the sorted list of their documents (sources)."""
    return store.query(
        f"""
        SELECT e.id AS event, e.date, e.summary,
               first(v.sentence ORDER BY v.published, v.document, v.start) AS sentence,
               e.type AS etype, list(DISTINCT v.document ORDER BY v.document) AS sources
        FROM {store.events_sql()} e JOIN evidence v ON v.event_id = e.id
        WHERE e.id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
        """,
        [list(ids)],
    )


def member_votes(store: Store, members: Sequence[str]) -> pd.DataFrame:
    """The UN votes of `members`: member, event ('vote:' and the resolution), date_vote,
    title, cite."""
    return store.query(
        "SELECT member, 'vote:' || resolution AS event, date AS date_vote, title, cite "
        "FROM votes WHERE member IN (SELECT unnest(?::VARCHAR[]))",
        [list(members)],
    )


def assault_targets(store: Store, source: str, exclude: Sequence[str]) -> list[str]:
    """Every actor outside `exclude` that `source` is recorded to have assaulted (any date)."""
    return [
        str(row[0])
        for row in store.con.execute(
            f"SELECT DISTINCT target FROM {store.events_sql()} e WHERE source = ? "
            "AND type = 'ASSAULT' AND target NOT IN (SELECT unnest(?::VARCHAR[])) "
            f"AND {state_sides(every_actor=store.every_actor)}",
            [source, list(exclude)],
        ).fetchall()
    ]


REVIEWED = f"""
    SELECT d.event_id, d.decision, d.coded_type AS type,
           coalesce(d.coded_confidence, e.confidence) AS confidence,
           d.type IS NOT NULL AS wrong_type, d.source IS NOT NULL AS wrong_source,
           d.target IS NOT NULL AS wrong_target, d.date IS NOT NULL AS wrong_date,
           d.mode IS NOT NULL AND d.type IS NULL AS wrong_mode
    FROM ({LATEST}) d JOIN events e ON e.id = d.event_id
    WHERE d.decision <> 'undo' AND e.origin = 'text'
"""
"""The coder's events with a decision in effect, one row each, as they were coded."""


def reviewed_events(store: Store) -> pd.DataFrame:
    """The coder's events with a decision in effect: event_id, decision, type (as
    coded), confidence (as coded), and which fields a correction changed (wrong_*)."""
    return store.query(REVIEWED + " ORDER BY d.event_id")


def gold_sentences(store: Store, *, rejected: bool = False) -> pd.DataFrame:
    """The reviewed coder's events, one row per evidence sentence from an article,
    with the decision and the values as coded (coded_*); rejected ones if asked."""
    keep = "('confirm', 'correct', 'reject')" if rejected else "('confirm', 'correct')"
    store.as_coded = False
    return store.query(
        f"""
        SELECT e.id AS event, e.type, e.mode, e.source, e.target, e.date, e.date_precision,
               e.decision, v.document, v.sentence, v.start, doc.lang,
               d.reviewer, d.decided_at, d.note,
               d.coded_type, d.coded_mode, d.coded_source, d.coded_target, d.coded_date,
               d.coded_precision
        FROM {store.events_sql(rejected=True)} e
        JOIN decisions d ON d.id = e.decision_id
        JOIN evidence v ON v.event_id = e.id
        LEFT JOIN documents doc ON doc.id = v.document
        WHERE e.origin = 'text' AND e.decision IN {keep}
          AND {evidence_origin_sql("e", "v")} = 'text'
        ORDER BY e.id, v.document, v.start
        """
    )
