"""The store: one DuckDB file holding the knowledge base, documents, events and evidence.

The knowledge base is loaded idempotently: a hash of the bundled data files is
kept in `meta`, and the knowledge tables (and curated events) are replaced in
one transaction only when that hash changes. Text-derived events are never
touched by a knowledge-base reload.

The schema carries a version in `meta`. Opening a store for writing upgrades
an older one in one transaction (the steps in `MIGRATIONS`), and a store
written by a newer bloc is refused rather than damaged (`bloc.check` verifies
a store and repairs what is safe). Processes take turns at a store file (see
`Turn`): readers together, one writer at a time, writers first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: DuckDB's own lock only
    fcntl = None  # type: ignore[assignment]

import duckdb
import pandas as pd

from bloc.errors import StoreError, StoreLockedError
from bloc.knowledge import bundled, data_dir
from bloc.model import KnowledgeBase

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

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
    sentences INTEGER, status VARCHAR, ingested_at TIMESTAMP, origin VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, date DATE, date_precision VARCHAR, source VARCHAR,
    target VARCHAR, type VARCHAR, mode VARCHAR, alliance VARCHAR, intensity DOUBLE,
    confidence DOUBLE, origin VARCHAR, context VARCHAR, summary VARCHAR);
CREATE TABLE IF NOT EXISTS evidence (
    event_id VARCHAR, document VARCHAR, sentence VARCHAR, start INTEGER, "end" INTEGER,
    published DATE, url VARCHAR, PRIMARY KEY (event_id, document, start));
"""


def _add_document_origin(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 2: where each document was read from (a path, or path:line for JSON lines).

    Appended last, so documents stored before it keep their rows and read NULL.
    """
    con.execute("ALTER TABLE IF EXISTS documents ADD COLUMN IF NOT EXISTS origin VARCHAR")


# The step that upgrades a store from each version to the next, oldest first.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _add_document_origin,
}

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


@functools.lru_cache(maxsize=8)
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

    def __init__(
        self, con: duckdb.DuckDBPyConnection, path: Path, turn: Turn | None = None
    ) -> None:
        self.con = con
        self.path = path
        self._turn = turn

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, read_only: bool = False, as_is: bool = False
    ) -> Store:
        """Open (or create) a store, upgrading an older schema when opened for writing.

        `as_is` opens the file without creating, upgrading or refusing anything,
        so `check` can report on a store in whatever state it is.
        """
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
        turn = Turn(target, shared=read_only, timeout=lock_timeout())
        try:
            if not read_only and not as_is and not target.exists():
                _create(target)
            con = _connect(target, read_only, turn.deadline)
        except BaseException:
            turn.release()
            raise
        store = cls(con, target, turn)
        if as_is:
            return store
        try:
            store._prepare(read_only)
        except BaseException:
            store.close()
            raise
        return store

    def _prepare(self, read_only: bool) -> None:
        """Refuse a store newer than this bloc; create or upgrade one opened for writing."""
        version = stored_version(self.con)
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(newer_message(self.path, version))
        if read_only:
            if version is not None and version < SCHEMA_VERSION:
                raise StoreError(
                    f"the store {self.path} uses the older store schema {version} (this bloc "
                    f"uses {SCHEMA_VERSION}) and was opened read-only, so it cannot be upgraded "
                    f"here; run `bloc check --repair --db {self.path}` (or any bloc command that "
                    "writes) once to upgrade it without loss"
                )
            return
        try:
            with self.transaction() as con:
                upgrade(con, version, self.path)
        except duckdb.Error as exc:
            raise StoreError(
                f"could not prepare the store {self.path} (schema {version}) for this bloc "
                f"(schema {SCHEMA_VERSION}): {exc}; the store is unchanged. "
                f"Run `bloc check --db {self.path}` to see what is wrong"
            ) from None

    def close(self) -> None:
        try:
            with _connecting:
                self.con.close()
        finally:
            if self._turn is not None:
                self._turn.release()
                self._turn = None

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
def opened(path: Path | str | None = None, *, write: bool = False) -> Iterator[Store]:
    """Open a store with the bundled knowledge base loaded, and close it afterwards.

    Readers open it read-only, so any number of them (a dashboard's requests,
    commands) share it; only when the store is missing, older than this bloc
    or its knowledge base out of date is it first opened for writing, briefly,
    to bring it up to date. `write=True` is for the commands that change it.
    """
    target = Path(path) if path is not None else default_db_path()
    store = None if write else _current(target)
    if store is None:
        store = Store.open(target)
        try:
            store.load_knowledge()
        except BaseException:
            store.close()
            raise
        if not write:
            store.close()
            store = Store.open(target, read_only=True)
    try:
        yield store
    finally:
        store.close()


def _current(target: Path) -> Store | None:
    """The store opened read-only if it is up to date, else None."""
    if not target.exists():
        return None
    store = Store.open(target, as_is=True, read_only=True)
    try:
        if stored_version(store.con) == SCHEMA_VERSION and store.meta("kb_hash") == (
            knowledge_hash()
        ):
            return store
    except duckdb.Error:
        pass
    store.close()
    return None


# -- taking turns ---------------------------------------------------------------
#
# DuckDB lets one process write a file, or several read it, and refuses the
# others at once. So that a dashboard can answer while an ingest runs, and two
# ingests can run together, bloc processes take turns through two lock files
# beside the store: readers share it, a writer has it alone, and a writer
# waiting at the gate stops new readers from coming in, so a busy dashboard
# cannot starve an ingest. Writers hold their turn for one batch at a time.

LOCK_TIMEOUT = 60.0
"""Seconds to wait for a turn before giving up (BLOC_LOCK_TIMEOUT overrides)."""


def lock_timeout() -> float:
    try:
        return float(os.environ.get("BLOC_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT


_held: dict[tuple[str, int], int] = {}
_held_lock = threading.Lock()


class Turn:
    """This thread's turn at a store file: shared (read) or exclusive (write)."""

    def __init__(self, target: Path, *, shared: bool, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.target = target
        self._fd: int | None = None
        self._key = (str(target.resolve()), threading.get_ident())
        with _held_lock:
            nested = _held.get(self._key, 0)
            _held[self._key] = nested + 1
        if nested or fcntl is None:
            return  # this thread already has its turn (a nested open), or no flock here
        try:
            gate = _lock_file(target, ".gate")
            if gate is None:
                return
            try:
                self._wait(gate, fcntl.LOCK_EX)
                self._fd = _lock_file(target, ".lock")
                if self._fd is not None:
                    self._wait(self._fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            finally:
                os.close(gate)  # closing lets the next one through the gate
        except BaseException:
            self.release()
            raise

    def _wait(self, fd: int, mode: int) -> None:
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > self.deadline:
                    raise StoreLockedError(_busy(self.target, self.timeout)) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)

    def release(self) -> None:
        with _held_lock:
            left = _held.get(self._key, 1) - 1
            if left:
                _held[self._key] = left
            else:
                _held.pop(self._key, None)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock_file(target: Path, suffix: str) -> int | None:
    path = target.with_name(target.name + suffix)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            log.debug("no lock file %s; relying on DuckDB's own lock", path)
            return None


def _busy(target: Path, timeout: float) -> str:
    return (
        f"the store {target} has been in use by another process for {timeout:g} s "
        "(an ingest writing, or a program other than bloc holding it); wait for it to "
        "finish and run the command again, or set BLOC_LOCK_TIMEOUT to wait longer"
    )


# DuckDB shares one database per file among a process's connections; a thread
# connecting while another closes the last connection can be refused ("already
# attached"), so within a process connecting and closing take turns too.
_connecting = threading.Lock()
_TRANSIENT = ("lock", "different configuration", "already attached", "file handle conflict")


def _connect(target: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """Connect, waiting while a process outside bloc's turns holds DuckDB's own lock."""
    pause = 0.01
    while True:
        try:
            with _connecting:
                return duckdb.connect(str(target), read_only=read_only)
        except (
            duckdb.IOException,
            duckdb.ConnectionException,
            duckdb.ResourceInUseException,
        ) as exc:
            text = str(exc).lower()
            if not any(word in text for word in _TRANSIENT):
                raise StoreError(f"cannot open the store {target}: {exc}") from None
            if time.monotonic() > deadline:
                raise StoreLockedError(_busy(target, lock_timeout())) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"{target} is not a bloc store DuckDB can open ({exc}); "
                "point --db at another file or move this one away"
            ) from None


# -- schema versions ----------------------------------------------------------


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()
    return {str(row[0]) for row in rows}


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a store records; None for a file bloc has not written to yet."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
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


def _create(target: Path) -> None:
    """Make a new store whole or not at all: built beside it, then linked into place.

    A process killed while DuckDB creates a file and its tables would otherwise
    leave a file that exists but holds no tables.
    """
    building = target.with_name(f".{target.name}.{os.getpid()}.new")
    leftovers = (building, building.with_name(building.name + ".wal"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(building))
        try:
            con.execute("BEGIN TRANSACTION")
            upgrade(con, None, target)
            con.execute("COMMIT")
        finally:
            con.close()
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(building, target)
    except (OSError, duckdb.Error) as exc:
        raise StoreError(
            f"cannot create the store {target}: {exc}; choose another place with --db or BLOC_DB"
        ) from None
    finally:
        for path in leftovers:
            path.unlink(missing_ok=True)


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


def parse_day(value: str | dt.date | None) -> dt.date | None:
    """Parse an ISO date given on the command line or to the API."""
    from bloc.errors import BlocError

    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BlocError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
