"""The importable face of bloc: each operation is a function returning a DataFrame.

The command line is a thin layer over these; a notebook user calls them with
the same arguments (`db` is a path, or None for the default store).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bloc.core.alliance import KnowledgeBase
from bloc.core.dated import RANK, Dated
from bloc.core.events import JSON_FIELDS, PLOVER_TYPES
from bloc.errors import BlocError, NotFoundError, UnknownActorError
from bloc.knowledge import exits as knowledge_exits
from bloc.store import Store, View, knowledge_of, opened, origin_choice, parse_day, reads
from bloc.store.decisions import log_of
from bloc.store.reads import (
    EXPORT_FORMATS,
    EventFilter,
    alliance_history,
    evidenced_events,
    export_tables,
    members_on,
)

__all__ = [
    "count_events",
    "event",
    "events",
    "exits",
    "export",
    "history",
    "members",
    "parse_day",
    "review_log",
    "to_json",
    "to_records",
    "when",
]

DB = Path | str | View | None  # a View chooses origins (and carries a server's cache)
Origins = str | list[str] | tuple[str, ...] | None

EVENT_COLUMNS = list(JSON_FIELDS)  # the stored columns (EVIDENCED_COLUMNS) and `when`


def _alliance_code(code: str, kb: KnowledgeBase) -> str:
    return kb.alliance(code).code


def members(alliance: str, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """The members of `alliance` on a date (today by default), with their status.

    Columns: member, name, since, until, status (member, suspended or frozen).
    """
    code = _alliance_code(alliance, knowledge_of(db))
    day = parse_day(on) or dt.date.today()
    with opened(db) as store:
        return members_on(store, code, day)


def history(alliance: str, db: DB = None) -> pd.DataFrame:
    """Membership changes, exits and curated events of `alliance`, in date order, with
    citations (an exit that ended no spell, Hungary's of 1956, shows here too).

    Columns: date, date_precision, kind (membership, exit or event), source,
    target, what, cite.
    """
    kb = knowledge_of(db)
    code = _alliance_code(alliance, kb)
    with opened(db) as store:
        frame = alliance_history(store, code)
    frame.columns = ["date", "date_precision", "kind", "source", "target", "what", "cite"]
    exits = pd.DataFrame(
        [
            {
                "date": pd.Timestamp(x.date),
                "date_precision": x.precision,
                "kind": "exit",
                "source": x.member,
                "target": code,
                "what": x.kind
                + (f", announced {x.announced.isoformat()}" if x.announced else "")
                + f" ({x.note})",
                "cite": list(x.cite),
            }
            for x in kb.alliance(code).exits
        ],
        columns=frame.columns,
    )
    if exits.empty:
        return frame
    both = pd.concat([frame, exits.astype({"date": frame["date"].dtype})], ignore_index=True)
    return both.sort_values("date", kind="stable", ignore_index=True)


EXIT_COLUMNS = [
    "alliance",
    "member",
    "name",
    "kind",
    "date",
    "date_precision",
    "announced",
    "note",
    "cite",
]


def exits(alliance: str | None = None, db: DB = None) -> pd.DataFrame:
    """Every exit from an alliance (every alliance's by default), by date, with citations.

    Withdrawals, denunciations, non-renewals, suspensions, freezes and steps out
    of an integrated military structure (docs/history.md). Columns: alliance,
    member, name, kind, date (the day it took effect), date_precision (day,
    month or year: how exactly the sources date it), announced (the earlier
    day it was made public, or None), note, cite (source ids in sources.yaml).
    """
    kb = knowledge_of(db)
    rows = [
        {
            "alliance": x.alliance,
            "member": x.member,
            "name": kb.actors[x.member].name,
            "kind": x.kind,
            "date": x.date,
            "date_precision": x.precision,
            "announced": x.announced,
            "note": x.note,
            "cite": list(x.cite),
        }
        for x in knowledge_exits(kb, alliance)
    ]
    return pd.DataFrame(rows, columns=EXIT_COLUMNS)


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
        where = _filters(
            store.knowledge,
            actor,
            type,
            alliance,
            since,
            until,
            chosen or store.origins,
            actors,
            min_confidence,
        )
        return _with_when(evidenced_events(store, where, latest))


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
        where = _filters(
            store.knowledge, actor, type, alliance, since, until, chosen or store.origins, None
        )
        if known_on is not None:
            where = replace(where, known_on=known_on)
        return reads.count_events(store, where)


def _filters(
    kb: KnowledgeBase,
    actor: str | None,
    type: str | None,
    alliance: str | None,
    since: str | dt.date | None,
    until: str | dt.date | None,
    origins: tuple[str, ...] | None,
    actors: list[str] | None,
    min_confidence: float | None = None,
) -> EventFilter:
    """The events asked for, checked: an unknown actor, type or confidence is refused."""
    code = None
    if actor:
        code = actor.upper()
        if code not in kb.actors:
            raise UnknownActorError(f"unknown actor {actor!r}: use a code from actors.yaml")
    if type and type.upper() not in PLOVER_TYPES:
        raise BlocError(f"unknown event type {type!r}: use one of {', '.join(PLOVER_TYPES)}")
    # Checked in this order, so the first mistake is the one named.
    allied = _alliance_code(alliance, kb) if alliance else None
    start = parse_day(since) if since else None
    end = parse_day(until) if until else None
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise BlocError(f"--min-confidence must lie between 0 and 1, not {min_confidence}")
    return EventFilter(
        actor=code,
        actors=None if actors is None else tuple(actors),
        type=type.upper() if type else None,
        alliance=allied,
        since=start,
        until=end,
        origins=origins,
        min_confidence=min_confidence,
    )


def event(event_id: str, db: DB = None, as_coded: bool | None = None) -> pd.DataFrame:
    """One event by id, with its evidence (the columns of `events`).

    A rejected event is found too (its `review` says so): its page is where
    the decision is seen and undone.
    """
    with opened(db) as store:
        _as_coded(store, as_coded)
        frame = evidenced_events(store, EventFilter(event_id=event_id), rejected=True)
    if frame.empty:
        raise NotFoundError(f"no event {event_id!r} in the store: list events with `bloc events`")
    return _with_when(frame)


def when(day: Any, precision: Any) -> str:
    """A stored date written to its precision: 2022, 2022-09, 2022-W37 or 2022-09-13.

    `Dated.iso`, the one way a date is written, for a cell or a template's value: the
    `when` of the events here, of `bloc events` and of the web API and pages (a missing
    or unknown precision is a day; a value that is not a day is written as it is).
    """
    text = "" if _missing(day) else str(day)[:10]
    try:
        chosen = str(precision) if not _missing(precision) and precision in RANK else None
        return Dated.of(dt.date.fromisoformat(text), chosen).iso()
    except ValueError:
        return text


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _with_when(frame: pd.DataFrame) -> pd.DataFrame:
    """The events with `when` beside `date_precision` (the columns `EVENT_COLUMNS`).

    Each distinct (date, precision) written once: a large store has far fewer of them
    than events (100,000 events took 1.4 s one by one on the shared machine)."""
    written: dict[tuple[Any, Any], str] = {}
    pairs = list(zip(frame["date"].tolist(), frame["date_precision"].tolist(), strict=True))
    for pair in set(pairs):
        written[pair] = when(*pair)
    at = list(frame.columns).index("date_precision") + 1
    frame.insert(at, "when", [written[p] for p in pairs])
    return frame


def review_log(event_id: str, db: DB = None) -> list[dict[str, Any]]:
    """Every review decision taken on an event, oldest first (the latest is in effect)."""
    with opened(db) as store:
        return log_of(store.con, event_id)


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
    with opened(db) as store:
        _as_coded(store, as_coded)
        return export_tables(store, folder, fmt)


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
