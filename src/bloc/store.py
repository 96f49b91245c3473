"""The store: one DuckDB file holding the knowledge base, documents, events and evidence.

The knowledge base is loaded idempotently: a hash of the bundled data files is
kept in `meta`, and the knowledge tables (and curated events) are replaced in
one transaction only when that hash changes. Text-derived events are never
touched by a knowledge-base reload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bloc.errors import StoreError, StoreLockedError
from bloc.knowledge import bundled, data_dir
from bloc.model import KnowledgeBase

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sources (
    id VARCHAR PRIMARY KEY, publisher VARCHAR, title VARCHAR, date DATE, url VARCHAR,
    seed VARCHAR);
CREATE TABLE IF NOT EXISTS actors (
    code VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS aliases (alias VARCHAR, code VARCHAR, form VARCHAR);
CREATE TABLE IF NOT EXISTS offices (
    person VARCHAR, actor VARCHAR, office VARCHAR, start DATE, "end" DATE, cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS alliances (
    code VARCHAR PRIMARY KEY, name VARCHAR, leader VARCHAR, founded DATE, treaty VARCHAR,
    decision_rule VARCHAR, decision_body VARCHAR, cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS provisions (
    alliance VARCHAR, id VARCHAR, article VARCHAR, kind VARCHAR, summary VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS bodies (
    alliance VARCHAR, name VARCHAR, kind VARCHAR, category VARCHAR, summary VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS memberships (
    alliance VARCHAR, member VARCHAR, start DATE, "end" DATE, status VARCHAR, note VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS requests (
    alliance VARCHAR, id VARCHAR PRIMARY KEY, requester VARCHAR, date DATE, date_precision VARCHAR,
    threat VARCHAR, aggressor VARCHAR, provision VARCHAR, outcome VARCHAR, response VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS votes (
    resolution VARCHAR, date DATE, title VARCHAR, member VARCHAR, vote VARCHAR,
    cite VARCHAR[]);
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY, url VARCHAR, title VARCHAR, published DATE, sha256 VARCHAR,
    sentences INTEGER, status VARCHAR, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR, source VARCHAR,
    target VARCHAR, type VARCHAR, mode VARCHAR, alliance VARCHAR, intensity DOUBLE,
    confidence DOUBLE, origin VARCHAR, context VARCHAR, summary VARCHAR);
CREATE TABLE IF NOT EXISTS evidence (
    event_id VARCHAR, document VARCHAR, sentence VARCHAR, start INTEGER, "end" INTEGER,
    published DATE, url VARCHAR, PRIMARY KEY (event_id, document, start));
"""

_KB_TABLES = (
    "sources",
    "actors",
    "aliases",
    "offices",
    "alliances",
    "provisions",
    "bodies",
    "memberships",
    "requests",
    "votes",
)


def default_db_path() -> Path:
    """`BLOC_DB` if set, else bloc.duckdb in the user's data directory (XDG)."""
    env = os.environ.get("BLOC_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bloc" / "bloc.duckdb"


def knowledge_hash(root: Path | None = None) -> str:
    """A digest of every data file, so a reload happens only when the data changed."""
    digest = hashlib.sha256()
    base = root or data_dir()
    for path in sorted(base.rglob("*.yaml")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Store:
    """A connection to one bloc store file."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> Store:
        target = Path(path) if path is not None else default_db_path()
        if read_only and not target.exists():
            read_only = False
        if not read_only:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder for the store {target}: {exc}; "
                    "choose another place with --db or BLOC_DB"
                ) from None
        try:
            con = duckdb.connect(str(target), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store {target} is in use by another bloc process that is writing "
                    "to it; wait for it to finish (or stop it) and run the command again"
                ) from None
            raise StoreError(f"cannot open the store {target}: {exc}") from None
        except duckdb.Error as exc:
            raise StoreError(
                f"{target} is not a bloc store DuckDB can open ({exc}); "
                "point --db at another file or move this one away"
            ) from None
        store = cls(con, target)
        if not read_only:
            store.con.execute(SCHEMA)
            store.con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a failure (or a kill) leaves the store as it was."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    # -- knowledge base -------------------------------------------------------

    def load_knowledge(self, kb: KnowledgeBase | None = None, *, force: bool = False) -> bool:
        """Load the knowledge base if it changed since the last load; True if it was loaded."""
        digest = knowledge_hash() if kb is None else f"custom-{id(kb)}"
        if not force and self.meta("kb_hash") == digest:
            return False
        kb = kb or bundled()
        with self.transaction() as con:
            for table in _KB_TABLES:
                con.execute(f"DELETE FROM {table}")
            con.execute(
                "DELETE FROM evidence WHERE event_id IN "
                "(SELECT id FROM events WHERE origin = 'curated')"
            )
            con.execute("DELETE FROM events WHERE origin = 'curated'")
            _insert_knowledge(con, kb)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('kb_hash', ?)", [digest])
        log.info("loaded the knowledge base into %s", self.path)
        return True


def _insert_knowledge(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    def rows(table: str, values: list[tuple[Any, ...]]) -> None:
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)

    rows(
        "sources",
        [(s.id, s.publisher, s.title, s.date, s.url, s.seed) for s in kb.sources.values()],
    )
    rows("actors", [(a.code, a.kind, a.name, list(a.cite)) for a in kb.actors.values()])
    alias_rows: list[tuple[Any, ...]] = []
    for a in kb.actors.values():
        alias_rows.append((a.name, a.code, "name"))
        alias_rows.append((a.code, a.code, "code"))
        alias_rows += [(x, a.code, "alias") for x in a.aliases]
        alias_rows += [(x, a.code, "capital") for x in a.capitals]
        alias_rows += [(x, a.code, "demonym") for x in a.demonyms]
    rows("aliases", alias_rows)
    rows(
        "offices",
        [
            (p.name, o.actor, o.office, o.start, o.end, list(o.cite))
            for p in kb.people
            for o in p.offices
        ],
    )
    for al in kb.alliances.values():
        rows(
            "alliances",
            [
                (
                    al.code,
                    al.name,
                    al.leader,
                    al.founded,
                    al.treaty,
                    al.decision_rule,
                    al.decision_body,
                    list(al.cite),
                )
            ],
        )
        rows(
            "provisions",
            [(al.code, p.id, p.article, p.kind, p.summary, list(p.cite)) for p in al.provisions],
        )
        rows(
            "bodies",
            [(al.code, b.name, b.kind, "body", b.summary, list(b.cite)) for b in al.bodies]
            + [(al.code, b.name, b.kind, "force", b.summary, list(b.cite)) for b in al.forces],
        )
        rows(
            "memberships",
            [
                (al.code, s.member, s.start, s.end, s.status, s.note, list(s.cite))
                for s in al.membership
            ],
        )
        rows(
            "requests",
            [
                (
                    al.code,
                    r.id,
                    r.requester,
                    r.date,
                    r.precision,
                    r.threat,
                    r.aggressor,
                    r.provision,
                    r.outcome,
                    r.response,
                    list(r.cite),
                )
                for r in al.requests
            ],
        )
    rows(
        "votes",
        [
            (r.id, r.date, r.title, member, vote, list(r.cite))
            for r in kb.resolutions
            for member, vote in sorted(r.votes.items())
        ],
    )
    rows(
        "events",
        [
            (
                e.id,
                e.date,
                e.precision,
                e.source,
                e.target,
                e.type,
                e.mode,
                e.alliance,
                e.intensity,
                1.0,
                "curated",
                e.context,
                e.summary,
            )
            for e in kb.events
        ],
    )
    rows(
        "evidence",
        [
            (e.id, sid, e.summary, 0, None, kb.sources[sid].date, kb.sources[sid].url)
            for e in kb.events
            for sid in e.cite
        ],
    )


@contextmanager
def opened(path: Path | str | None = None) -> Iterator[Store]:
    """Open a store with the bundled knowledge base loaded, and close it afterwards."""
    store = Store.open(path)
    try:
        store.load_knowledge()
        yield store
    finally:
        store.close()


def parse_day(value: str | dt.date | None) -> dt.date | None:
    """Parse an ISO date given on the command line or to the API."""
    from bloc.errors import BlocError

    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BlocError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
