"""What the Python API reads from a store: members, history, events, exports.

The API checks what a user asked for (known actors, types, alliances, dates)
and turns it into an `EventFilter`; the SQL lives here, with the filter's
values passed as parameters, never written into the SQL text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.store.db import Store
from bloc.store.decisions import states
from bloc.store.rules_sql import known_from_sql
from bloc.store.view import origin_clause


def members_on(store: Store, alliance: str, day: dt.date) -> pd.DataFrame:
    """The members of `alliance` on `day`: member, name, since, until, status."""
    return store.query(
        """
        SELECT m.member, a.name, m.start AS since, m."end" AS until, m.status
        FROM memberships m JOIN actors a ON a.code = m.member
        WHERE m.alliance = ? AND m.start <= ? AND (m."end" IS NULL OR ? < m."end")
        ORDER BY m.member
        """,
        [alliance, day, day],
    )


def alliance_history(store: Store, alliance: str) -> pd.DataFrame:
    """Membership changes and curated events of `alliance`, in date order, with citations
    (seven columns: date, date_precision, kind, source, target, what, cite)."""
    return store.query(
        """
        WITH changes AS (
            SELECT m.start AS date, 'day' AS date_precision, 'membership' AS kind,
                   m.member AS source, m.alliance AS target,
                   CASE m.status WHEN 'member' THEN 'becomes a member'
                                 ELSE 'membership ' || m.status END
                   || ' (' || m.note || ')' AS what,
                   m.cite
            FROM memberships m WHERE m.alliance = ?
            UNION ALL
            SELECT m."end", 'day', 'membership', m.member, m.alliance,
                   'leaves ' || CASE m.status WHEN 'member' THEN 'membership'
                                               ELSE m.status || ' status' END,
                   m.cite
            FROM memberships m
            WHERE m.alliance = ? AND m."end" IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM memberships n
                              WHERE n.alliance = m.alliance AND n.member = m.member
                                AND n.start = m."end")
        ),
        curated AS (
            SELECT e.date, e.date_precision, 'event' AS kind, e.source, e.target,
                   e.type || COALESCE(' (' || e.mode || ')', '') || ': ' || e.summary,
                   list(ev.document ORDER BY ev.document) AS cite
            FROM events e JOIN evidence ev ON ev.event_id = e.id
            WHERE e.origin = 'curated' AND e.context = ?
            GROUP BY ALL
        )
        SELECT * FROM changes UNION ALL SELECT * FROM curated
        ORDER BY date, kind DESC, source, target, what
        """,
        [alliance, alliance, alliance],
    )


@dataclass(frozen=True)
class EventFilter:
    """Which events to read, already checked: codes upper-case, dates parsed.

    `actor` matches the source or the target, `actors` any of several; dates
    are inclusive; `origins` None keeps every origin; `event_id` one event.
    """

    actor: str | None = None
    actors: tuple[str, ...] | None = None
    type: str | None = None
    alliance: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    origins: tuple[str, ...] | None = None
    min_confidence: float | None = None
    event_id: str | None = None
    known_on: dt.date | None = None  # only events dated and known by that day (core's rule)
    ids: tuple[str, ...] | None = None  # only these events (what an ingest changed)

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over `events` aliased `e`, with placeholders, and its values."""
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.event_id is not None:
            return "e.id = ?", [self.event_id]
        if self.actor:
            where.append("(e.source = ? OR e.target = ?)")
            params += [self.actor, self.actor]
        if self.actors is not None:
            where.append("(list_contains(?, e.source) OR list_contains(?, e.target))")
            params += [list(self.actors), list(self.actors)]
        if self.type:
            where.append("e.type = ?")
            params.append(self.type)
        if self.alliance:
            where.append("e.alliance = ?")
            params.append(self.alliance)
        if self.since:
            where.append("e.date >= ?")
            params.append(self.since)
        if self.until:
            where.append("e.date <= ?")
            params.append(self.until)
        if self.origins is not None:
            where.append(origin_clause(self.origins))
        if self.min_confidence is not None:
            where.append("coalesce(e.confidence, 1.0) >= ?")
            params.append(self.min_confidence)
        if self.known_on is not None:
            where.append(f"{known_from_sql('e')} <= ?")
            params.append(self.known_on)
        if self.ids is not None:
            where.append("list_contains(?, e.id)")
            params.append(list(self.ids))
        return " AND ".join(where), params


EVIDENCED_COLUMNS = [
    "id",
    "date",
    "date_precision",
    "source",
    "target",
    "type",
    "mode",
    "alliance",
    "intensity",
    "confidence",
    "origin",
    "source_kind",
    "target_kind",
    "domestic",
    "evidence",
    "review",
]


def count_events(store: Store, chosen: EventFilter) -> int:
    """How many events `chosen` keeps."""
    where, params = chosen.where()
    row = store.con.execute(
        f"SELECT count(*) FROM {store.events_sql()} e WHERE {where}", params
    ).fetchone()
    return int(row[0]) if row else 0


def evidenced_events(
    store: Store, chosen: EventFilter, latest: int | None = None, *, rejected: bool = False
) -> pd.DataFrame:
    """The events `chosen` keeps, each with its list of evidence rows and review state
    (the columns EVIDENCED_COLUMNS); the `latest` that many only if given."""
    where, params = chosen.where()
    # The events are chosen first, so evidence is gathered for those alone.
    limit = f"ORDER BY e.date DESC, e.id DESC LIMIT {int(latest)}" if latest else ""
    frame = store.query(
        f"""
        WITH chosen AS (
            SELECT * FROM {store.events_sql(rejected=rejected)} e WHERE {where} {limit}
        )
        SELECT e.id, e.date, e.date_precision, e.source, e.target, e.type, e.mode,
               e.alliance, e.intensity, e.confidence, e.origin, e.source_kind,
               e.target_kind, e.domestic, e.decision_id,
               list({{'document': v.document, 'sentence': v.sentence, 'start': v.start,
                      'end': v."end", 'published': v.published, 'url': v.url, 'lang': d.lang}}
                    ORDER BY v.published, v.document, v.start) AS evidence
        FROM chosen e JOIN evidence v ON v.event_id = e.id
        LEFT JOIN documents d ON d.id = v.document
        GROUP BY ALL
        ORDER BY e.date, e.source, e.target, e.type, e.id
        """,
        params,
    )
    if frame.empty:
        return pd.DataFrame(columns=EVIDENCED_COLUMNS)
    decided = [int(i) for i in frame["decision_id"].dropna()]
    found = states(store.con, decided)
    frame["review"] = pd.Series(
        [None if pd.isna(i) else found.get(int(i)) for i in frame["decision_id"].tolist()],
        index=frame.index,
        dtype=object,
    )
    return frame[EVIDENCED_COLUMNS]


EXPORT_FORMATS = {"parquet": "(FORMAT parquet)", "jsonl": "(FORMAT json)", "csv": "(FORMAT csv)"}
EXPORT_SUFFIX = {"parquet": ".parquet", "jsonl": ".jsonl", "csv": ".csv"}


def export_tables(store: Store, folder: Path, fmt: str) -> list[Path]:
    """Write events (as the store is read), documents, evidence of those events and
    decisions under `folder` in `fmt`, each file through a temporary name."""
    written = []
    chosen = f"(SELECT * EXCLUDE (decision_id, decision) FROM {store.events_sql()} e)"
    tables = {
        "events": f"SELECT * FROM {chosen} ORDER BY ALL",
        "documents": "SELECT * FROM documents ORDER BY ALL",
        "evidence": f"SELECT * FROM evidence WHERE event_id IN (SELECT id FROM {chosen}) "
        "ORDER BY ALL",
        "decisions": "SELECT * FROM decisions ORDER BY id",
    }
    for table, select in tables.items():
        target = folder / f"{table}{EXPORT_SUFFIX[fmt]}"
        tmp = target.with_name(target.name + ".tmp")
        quoted = str(tmp).replace("'", "''")
        store.con.execute(f"COPY ({select}) TO '{quoted}' {EXPORT_FORMATS[fmt]}")
        tmp.replace(target)
        written.append(target)
    return written
