"""The importable face of bloc: each operation is a function returning a DataFrame.

The command line is a thin layer over these; a notebook user calls them with
the same arguments (`db` is a path, or None for the default store).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bloc.core.events import JSON_FIELDS, PLOVER_TYPES
from bloc.errors import BlocError, NotFoundError, UnknownActorError
from bloc.knowledge import bundled
from bloc.store import Store, View, opened, origin_choice, origin_clause, parse_day
from bloc.store.decisions import log_of, states
from bloc.store.rules_sql import known_from_sql

__all__ = [
    "count_events",
    "event",
    "events",
    "export",
    "history",
    "members",
    "parse_day",
    "review_log",
    "to_json",
    "to_records",
]

DB = Path | str | View | None  # a View chooses origins (and carries a server's cache)
Origins = str | list[str] | tuple[str, ...] | None

EVENT_COLUMNS = list(JSON_FIELDS)  # bloc.core.events: the shape of an event's JSON row


def _alliance_code(code: str) -> str:
    return bundled().alliance(code).code


def members(alliance: str, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """The members of `alliance` on a date (today by default), with their status.

    Columns: member, name, since, until, status (member, suspended or frozen).
    """
    code = _alliance_code(alliance)
    day = parse_day(on) or dt.date.today()
    with opened(db) as store:
        return store.query(
            """
            SELECT m.member, a.name, m.start AS since, m."end" AS until, m.status
            FROM memberships m JOIN actors a ON a.code = m.member
            WHERE m.alliance = ? AND m.start <= ? AND (m."end" IS NULL OR ? < m."end")
            ORDER BY m.member
            """,
            [code, day, day],
        )


def history(alliance: str, db: DB = None) -> pd.DataFrame:
    """Membership changes and curated events of `alliance`, in date order, with citations.

    Columns: date, date_precision, kind, source, target, what, cite.
    """
    code = _alliance_code(alliance)
    with opened(db) as store:
        frame = store.query(
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
            [code, code, code],
        )
    frame.columns = ["date", "date_precision", "kind", "source", "target", "what", "cite"]
    return frame


def events(
    actor: str | None = None,
    type: str | None = None,
    alliance: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    origin: Origins = None,
    db: DB = None,
    actors: list[str] | None = None,
    latest: int | None = None,
    min_confidence: float | None = None,
    as_coded: bool | None = None,
) -> pd.DataFrame:
    """Curated, text-derived and imported events, each with its list of evidence rows.

    `actor` matches the source or the target (`actors`: any of several);
    `type` is a PLOVER type; dates are inclusive; `origin` keeps the events
    that one of the named origins reports (curated, text, gdelt, polecat,
    acled; a View's choice by default); `latest` keeps only the most recent
    that many; `min_confidence` keeps events at least that likely to be right
    (the coder's calibrated confidence; curated events count 1). The
    `evidence` column holds a list of dicts {document, sentence, start, end,
    published, url, lang} (lang: the document's language, None for curated
    evidence and documents stored before it was kept).

    Analysts' review decisions apply (rejected events are left out, corrected
    ones show the corrected fields, reviewed ones confidence 1) unless
    `as_coded` (by default a View's choice); the `review` column holds the
    decision in effect, or None: {decision, decision_id, reviewer, decided_at,
    note, corrected: {field: value}, coded: {field: value as coded}}.
    """
    chosen = origin_choice(origin)
    with opened(db) as store:
        _as_coded(store, as_coded)
        where, params = _filters(
            actor, type, alliance, since, until, chosen or store.origins, actors, min_confidence
        )
        return _events_frame(store, where, params, latest)


def _as_coded(store: Store, as_coded: bool | None) -> None:
    """Read the store as coded (or with decisions) when asked; else as its View chose."""
    if as_coded is not None:
        store.as_coded = as_coded


def count_events(
    actor: str | None = None,
    type: str | None = None,
    alliance: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    origin: Origins = None,
    db: DB = None,
    as_coded: bool | None = None,
    known_on: dt.date | None = None,
) -> int:
    """How many events `events` would return with the same filters (`known_on`: only those
    dated and known by that day, `bloc.core.rules.known_by`)."""
    chosen = origin_choice(origin)
    with opened(db) as store:
        _as_coded(store, as_coded)
        where, params = _filters(actor, type, alliance, since, until, chosen or store.origins, None)
        if known_on is not None:
            where += f" AND {known_from_sql('e')} <= ?"
            params.append(known_on)
        row = store.con.execute(
            f"SELECT count(*) FROM {store.events_sql()} e WHERE {where}", params
        ).fetchone()
    return int(row[0]) if row else 0


def _filters(
    actor: str | None,
    type: str | None,
    alliance: str | None,
    since: str | dt.date | None,
    until: str | dt.date | None,
    origins: tuple[str, ...] | None,
    actors: list[str] | None,
    min_confidence: float | None = None,
) -> tuple[str, list[Any]]:
    """A WHERE clause with placeholders (never values in the SQL text), and its values."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if actor:
        code = actor.upper()
        if code not in bundled().actors:
            raise UnknownActorError(f"unknown actor {actor!r}: use a code from actors.yaml")
        where.append("(e.source = ? OR e.target = ?)")
        params += [code, code]
    if actors is not None:
        where.append("(list_contains(?, e.source) OR list_contains(?, e.target))")
        params += [list(actors), list(actors)]
    if type:
        if type.upper() not in PLOVER_TYPES:
            raise BlocError(f"unknown event type {type!r}: use one of {', '.join(PLOVER_TYPES)}")
        where.append("e.type = ?")
        params.append(type.upper())
    if alliance:
        where.append("e.alliance = ?")
        params.append(_alliance_code(alliance))
    if since:
        where.append("e.date >= ?")
        params.append(parse_day(since))
    if until:
        where.append("e.date <= ?")
        params.append(parse_day(until))
    if origins is not None:
        where.append(origin_clause(origins))
    if min_confidence is not None:
        if not 0.0 <= min_confidence <= 1.0:
            raise BlocError(f"--min-confidence must lie between 0 and 1, not {min_confidence}")
        where.append("coalesce(e.confidence, 1.0) >= ?")
        params.append(min_confidence)
    return " AND ".join(where), params


def event(event_id: str, db: DB = None, as_coded: bool | None = None) -> pd.DataFrame:
    """One event by id, with its evidence (the columns of `events`).

    A rejected event is found too (its `review` says so): its page is where
    the decision is seen and undone.
    """
    with opened(db) as store:
        _as_coded(store, as_coded)
        frame = _events_frame(store, "e.id = ?", [event_id], rejected=True)
    if frame.empty:
        raise NotFoundError(f"no event {event_id!r} in the store: list events with `bloc events`")
    return frame


def _events_frame(
    store: Store,
    where: str,
    params: list[Any],
    latest: int | None = None,
    *,
    rejected: bool = False,
) -> pd.DataFrame:
    # The events are chosen first, so evidence is gathered for those alone.
    limit = f"ORDER BY e.date DESC, e.id DESC LIMIT {int(latest)}" if latest else ""
    frame = store.query(
        f"""
        WITH chosen AS (
            SELECT * FROM {store.events_sql(rejected=rejected)} e WHERE {where} {limit}
        )
        SELECT e.id, e.date, e.date_precision, e.source, e.target, e.type, e.mode,
               e.alliance, e.intensity, e.confidence, e.origin, e.decision_id,
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
        return pd.DataFrame(columns=EVENT_COLUMNS)
    decided = [int(i) for i in frame["decision_id"].dropna()]
    found = states(store.con, decided)
    frame["review"] = pd.Series(
        [None if pd.isna(i) else found.get(int(i)) for i in frame["decision_id"].tolist()],
        index=frame.index,
        dtype=object,
    )
    return frame[EVENT_COLUMNS]


def review_log(event_id: str, db: DB = None) -> list[dict[str, Any]]:
    """Every review decision taken on an event, oldest first (the latest is in effect)."""
    with opened(db) as store:
        return log_of(store.con, event_id)


EXPORT_FORMATS = {"parquet": "(FORMAT parquet)", "jsonl": "(FORMAT json)", "csv": "(FORMAT csv)"}
EXPORT_SUFFIX = {"parquet": ".parquet", "jsonl": ".jsonl", "csv": ".csv"}


def export(
    out: Path | str, fmt: str = "parquet", db: DB = None, as_coded: bool | None = None
) -> list[Path]:
    """Write the store's events, documents, evidence and review decisions under `out`.

    One file per table (events.parquet, documents.parquet, evidence.parquet,
    decisions.parquet, or .jsonl / .csv), for pandas, Polars, R or Spark. The
    events are those review decisions make (rejected ones and their evidence
    left out, corrections applied) unless `as_coded`; decisions holds every
    decision taken, so the one can be made from the other. Each file is written
    to a temporary name and renamed, so a failed export leaves no half file.
    """
    if fmt not in EXPORT_FORMATS:
        raise BlocError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BlocError(f"cannot create {folder}: {exc.strerror}; choose another place") from None
    written = []
    with opened(db) as store:
        _as_coded(store, as_coded)
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


def plain(value: Any) -> Any:
    """A JSON-ready copy of a cell: dates as ISO days, missing and infinite values as None."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return [plain(v) for v in items] if isinstance(items, list) else plain(items)
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if hasattr(value, "item"):
        return value.item()
    return value


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: dates as ISO strings, missing values as null.

    Column by column: a dashboard answer of thousands of rows is converted in a
    few milliseconds rather than one `plain` call per cell.
    """
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names):  # repeated names: as dicts would keep them, the last
        return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    columns = [_plain_column(frame.iloc[:, i]) for i in range(len(names))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _plain_column(column: pd.Series) -> list[Any]:
    """`plain` of every cell of a column, vectorised for numbers."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else None
    if kind in ("i", "u", "b"):
        return column.to_numpy().tolist()
    if kind == "f":
        values = column.to_numpy()
        cells = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            cells[i] = None  # JSON has no NaN or infinity
        return cells
    return [v if type(v) is str else plain(v) for v in column.tolist()]


def to_json(frame: pd.DataFrame) -> str:
    return json.dumps(to_records(frame), ensure_ascii=False, indent=2)
