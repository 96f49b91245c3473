"""The store's schema, its version, and the steps that upgrade an older store.

The schema carries a version in `meta`. Opening a store for writing upgrades
an older one in one transaction (the steps in `MIGRATIONS`), and a store
written by a newer bloc is refused rather than damaged.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

import duckdb

from bloc.errors import StoreError
from bloc.store.kinds import fill_kinds

log = logging.getLogger(__name__)

SCHEMA_VERSION = 10

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS actors (
    code VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS memberships (
    alliance VARCHAR, member VARCHAR, start DATE, "end" DATE, status VARCHAR, note VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS votes (
    resolution VARCHAR, date DATE, title VARCHAR, member VARCHAR, vote VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY, url VARCHAR, title VARCHAR, published DATE, sha256 VARCHAR,
    sentences INTEGER, status VARCHAR, ingested_at TIMESTAMP, origin VARCHAR,
    published_precision VARCHAR, lang VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR, source VARCHAR,
    target VARCHAR, type VARCHAR, mode VARCHAR, alliance VARCHAR, intensity DOUBLE,
    confidence DOUBLE, origin VARCHAR, context VARCHAR, summary VARCHAR,
    source_kind VARCHAR, target_kind VARCHAR, domestic BOOLEAN);
CREATE TABLE IF NOT EXISTS evidence (
    event_id VARCHAR, document VARCHAR, sentence VARCHAR, start INTEGER, "end" INTEGER,
    published DATE, url VARCHAR, PRIMARY KEY (event_id, document, start));
"""

FEEDS_DDL = """
CREATE TABLE IF NOT EXISTS feeds (
    name VARCHAR PRIMARY KEY, url VARCHAR, lang VARCHAR, added_at TIMESTAMP, etag VARCHAR,
    last_modified VARCHAR, last_polled TIMESTAMP, last_ok TIMESTAMP, last_error VARCHAR,
    allow_private BOOLEAN DEFAULT false);
CREATE TABLE IF NOT EXISTS feed_items (
    feed VARCHAR, item VARCHAR, url VARCHAR, title VARCHAR, published DATE,
    first_seen TIMESTAMP, fetched_at TIMESTAMP, document VARCHAR, status VARCHAR,
    error VARCHAR, attempts INTEGER, PRIMARY KEY (feed, item));
"""
"""The feeds `bloc watch` polls (with what each server last said about its feed) and
every item seen in them: `status` is new (not yet fetched), retry (a transient failure),
stored (its page is the document `document`), or failed (with `error`)."""

SCHEMA += FEEDS_DDL

DECISIONS_DDL = """
CREATE TABLE IF NOT EXISTS decisions (
    id BIGINT PRIMARY KEY, event_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL CHECK (decision IN ('confirm', 'correct', 'reject', 'undo')),
    type VARCHAR, mode VARCHAR, source VARCHAR, target VARCHAR, date DATE,
    date_precision VARCHAR, alliance VARCHAR, intensity DOUBLE,
    note VARCHAR, reviewer VARCHAR, decided_at TIMESTAMP,
    coded_type VARCHAR, coded_mode VARCHAR, coded_source VARCHAR, coded_target VARCHAR,
    coded_date DATE, coded_precision VARCHAR, coded_confidence DOUBLE, coded_origin VARCHAR);
"""
"""Analysts' review decisions, a log that is only ever appended to (`bloc.store.decisions`).

An event's effective decision is its row with the highest `id`; `undo` returns
it to the coder's output. A correction's columns hold what differs from the
event as coded (NULL: as coded; an empty `mode` or `alliance`: none), and the
`coded_` columns a copy of the event as coded when the decision was taken, so a
decision keeps its meaning if the event is later gone. `decided_at` is UTC."""

SCHEMA += DECISIONS_DDL
VOTES_DDL = """
CREATE TABLE IF NOT EXISTS roll_calls (
    rcid VARCHAR, session INTEGER, date DATE, resolution VARCHAR, important BOOLEAN,
    amend BOOLEAN, para BOOLEAN, short VARCHAR, descr VARCHAR, topics VARCHAR[],
    origin VARCHAR, cite VARCHAR[], digest VARCHAR);
CREATE TABLE IF NOT EXISTS roll_call_votes (rcid VARCHAR, member VARCHAR, vote VARCHAR);
"""
"""Roll calls of the General Assembly and the votes cast on them (yes, no, abstain).

`topics` holds Voeten's issue codes (me, nu, di, hr, co, ec) and bloc's own
(`ukraine`); `origin` names the file layout a roll call was read from; `digest`
is the hash of the row and its votes as imported (what a re-import compares)."""

SCHEMA += VOTES_DDL
DATASET_ROWS_DDL = """
CREATE TABLE IF NOT EXISTS dataset_rows (
    document VARCHAR PRIMARY KEY, place VARCHAR, admin1 VARCHAR, country VARCHAR,
    latitude DOUBLE, longitude DOUBLE, fatalities INTEGER, sub_event_type VARCHAR);
"""
"""What a dataset says of one of its rows beyond the event (`bloc import`), by the row's
document (`acled:<id>`): where it happened (the place as the dataset names it, its first
administrative area and country, its coordinates), the fatalities and the dataset's own
sub-event type. An ACLED or POLECAT row is one event, so this is that event's detail."""

SCHEMA += DATASET_ROWS_DDL
ALERTS_DDL = """
CREATE TABLE IF NOT EXISTS alert_rules (
    id VARCHAR PRIMARY KEY, kind VARCHAR, alliance VARCHAR, spec VARCHAR, added_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS alerts (
    id VARCHAR PRIMARY KEY, rule VARCHAR, kind VARCHAR, raised_at TIMESTAMP, as_of DATE,
    title VARCHAR, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS alert_state (
    rule VARCHAR, subject VARCHAR, active BOOLEAN, since DATE, value DOUBLE,
    PRIMARY KEY (rule, subject));
CREATE TABLE IF NOT EXISTS alert_hooks (
    id VARCHAR PRIMARY KEY, url VARCHAR, secret VARCHAR, allow_private BOOLEAN,
    added_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS alert_queue (event_id VARCHAR PRIMARY KEY);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    alert VARCHAR, hook VARCHAR, status VARCHAR, attempts INTEGER, last_error VARCHAR,
    updated_at TIMESTAMP, PRIMARY KEY (alert, hook));
"""
"""Alert rules (`spec` is the rule's JSON), the alerts they raised (once each: the id is a
digest of the rule and its evidence), the state of rules that hold over time (a member
above a threshold stays so until it falls back), webhooks, and each alert's delivery to
each hook (pending, sent or failed, with its attempts): an outbox, written in the same
transaction as the alert, so a killed process loses no delivery. `alert_queue` holds the
events a write changed, written in that write's transaction while any rule exists, until
an evaluation has looked at them: a process killed between its write and its evaluation
loses no alert (the next evaluation takes them)."""
SCHEMA += ALERTS_DDL
RISK_SUMS_DDL = """
CREATE TABLE IF NOT EXISTS risk_terms (
    alliance VARCHAR, event VARCHAR, member VARCHAR, other VARCHAR, part VARCHAR,
    w DOUBLE, wt DOUBLE, avail DOUBLE, rank_key DOUBLE);
CREATE TABLE IF NOT EXISTS risk_sums (
    alliance VARCHAR, member VARCHAR, other VARCHAR, part VARCHAR, w DOUBLE, wt DOUBLE,
    n BIGINT, PRIMARY KEY (alliance, member, other, part));
CREATE TABLE IF NOT EXISTS risk_built (alliance VARCHAR PRIMARY KEY, knowledge VARCHAR);
"""
"""Exit-risk terms and their running sums (`bloc.store.risk_sums`): `w` and `wt` are a
term's weight and weight times tone scaled to the reference day, `avail` the day it
became known (days since the core's epoch), `rank_key` the order of the weightiest
evidence; `risk_built` the alliances whose sums are kept, with the knowledge base's
digest they were built with."""
SCHEMA += RISK_SUMS_DDL


def _add_document_origin(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 2: where each document was read from (a path, or path:line for JSON lines).

    Appended last, so documents stored before it keep their rows and read NULL.
    """
    con.execute("ALTER TABLE IF EXISTS documents ADD COLUMN IF NOT EXISTS origin VARCHAR")


def _add_published_precision(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 3: a publication date's precision ("month" for YYYY-MM; NULL is a day).

    Appended last, so documents stored before it keep their rows and read NULL (a day).
    """
    con.execute(
        "ALTER TABLE IF EXISTS documents ADD COLUMN IF NOT EXISTS published_precision VARCHAR"
    )


def _add_feeds(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 4: the feeds `bloc watch` polls and the items seen in them.

    Two new tables; nothing stored before changes.
    """
    con.execute(FEEDS_DDL)


def _add_document_lang(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 5: each document's language ("en", "ru", ...), given or detected.

    Appended last, so documents stored before it keep their rows and read NULL
    (they were all read as English).
    """
    con.execute("ALTER TABLE IF EXISTS documents ADD COLUMN IF NOT EXISTS lang VARCHAR")


def _add_decisions(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 6: analysts' review decisions, beside the events and never over them.

    One new table; nothing stored before changes.
    """
    con.execute(DECISIONS_DDL)


UNREAD_KNOWLEDGE_TABLES = ("sources", "aliases", "offices", "alliances", "provisions", "bodies",
                           "requests")  # fmt: skip
"""Copies of the knowledge base that no reader used: the session's knowledge base is the one
source of truth (`bloc.store.knowledge`); schema 7 drops them."""


def _add_roll_calls(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 7: UN General Assembly roll calls and their votes; unread knowledge copies dropped.

    Two new tables (`bloc.store.votes`). The seven knowledge tables that no
    reader used are dropped: they are rewritten from the knowledge base on
    every load, so nothing of the user's is lost.
    """
    con.execute(VOTES_DDL)
    for table in UNREAD_KNOWLEDGE_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _add_actor_kinds(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 8: each event's source and target kinds and whether it is domestic; dataset rows.

    Three columns appended to `events`, filled for every stored event from its
    actors (`bloc.store.kinds`), and a new table of what a dataset says of each
    of its rows (place, fatalities, sub-event type): empty for rows imported before.
    """
    for column, kind in (("source_kind", "VARCHAR"), ("target_kind", "VARCHAR"),
                         ("domestic", "BOOLEAN")):  # fmt: skip
        con.execute(f"ALTER TABLE IF EXISTS events ADD COLUMN IF NOT EXISTS {column} {kind}")
    con.execute(DATASET_ROWS_DDL)
    if {"events", "actors"} <= _tables(con):
        fill_kinds(con)


def _add_alerts(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 9: alert rules, alerts, webhooks and deliveries; a feed may allow private hosts.

    Six new tables, and one column appended to `feeds` (false: a feed added
    before it fetches from public addresses only, as every feed now does).
    """
    con.execute(ALERTS_DDL)
    con.execute(
        "ALTER TABLE IF EXISTS feeds ADD COLUMN IF NOT EXISTS allow_private BOOLEAN DEFAULT false"
    )


def _add_risk_sums(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 10: the running sums behind the exit-risk alert rules (three new tables).

    Empty after the upgrade: the next evaluation of a risk rule builds them from the
    events (`bloc.alerts.sums`), as for a store that never had them.
    """
    con.execute(RISK_SUMS_DDL)


# The step that upgrades a store from each version to the next, oldest first.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _add_document_origin,
    2: _add_published_precision,
    3: _add_feeds,
    4: _add_document_lang,
    5: _add_decisions,
    6: _add_roll_calls,
    7: _add_actor_kinds,
    8: _add_alerts,
    9: _add_risk_sums,
}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()
    return {str(row[0]) for row in rows}


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a store records; None for a file bloc has not written to yet."""
    try:
        # Fetched whole: a result left half-read blocks the connection's next `register`.
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
    except duckdb.CatalogException:  # no meta table
        row = None
    if row is None:
        # No record: a new file, or tables older than the record (the first schema).
        return 1 if "documents" in _tables(con) else None
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        version = 0
    if version < 1:
        raise StoreError(
            f"the store records the schema version {row[0]!r}, which no bloc writes (the meta "
            "table was changed by hand): set schema_version back to the version the tables "
            "have, or point --db at another store"
        )
    return version


def migrate(con: duckdb.DuckDBPyConnection, version: int, path: Path | str = "the store") -> None:
    """Upgrade the tables from `version` to `SCHEMA_VERSION`, inside the caller's transaction."""
    for step in range(version, SCHEMA_VERSION):
        upgrade = MIGRATIONS[step]
        what = (upgrade.__doc__ or "").strip().splitlines()[0]
        log.info("upgrading %s from store schema %d to %d: %s", path, step, step + 1, what)
        upgrade(con)


def upgrade(con: duckdb.DuckDBPyConnection, version: int | None, path: Path | str) -> None:
    """Bring a store at schema `version` (None: no schema yet) to this bloc's.

    In the caller's transaction: the migration steps, then the DDL (which
    creates whatever is missing), then the new version number.
    """
    if version is not None and version < SCHEMA_VERSION:
        migrate(con, version, path)
    con.execute(SCHEMA)
    if version != SCHEMA_VERSION:
        _stamp(con)


def _stamp(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def newer_message(path: Path, version: int) -> str:
    return (
        f"the store {path} was written by a newer bloc (store schema {version}; this bloc "
        f"knows schema {SCHEMA_VERSION} at most); upgrade bloc (pip install --upgrade bloc) "
        "to use it, or point --db at another store"
    )


Columns = dict[str, tuple[str, ...]]  # table -> its columns (or its primary key's)

# The columns the data checks read; without them those checks cannot run.
NEEDED = {
    "events": ("id", "date", "date_precision", "source", "target", "type", "confidence", "origin"),
    "evidence": ("event_id", "document", "start"),
    "documents": ("id",),
}


def table_columns(con: duckdb.DuckDBPyConnection) -> Columns:
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
    ).fetchall()
    return {str(table): tuple(columns) for table, columns in rows}


def primary_keys(con: duckdb.DuckDBPyConnection) -> Columns:
    rows = con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    return {str(table): tuple(columns) for table, columns in rows}


@functools.cache
def expected_tables() -> tuple[Columns, Columns, dict[str, str]]:
    """Every table's columns, primary key and CREATE statement as SCHEMA makes them."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA)
        ddl = con.execute("SELECT table_name, sql FROM duckdb_tables()").fetchall()
        return table_columns(con), primary_keys(con), {str(t): str(sql) for t, sql in ddl}
    finally:
        con.close()
