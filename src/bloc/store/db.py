"""The store: one DuckDB file holding the knowledge base, documents, events and evidence.

The knowledge base is loaded idempotently: a hash of the bundled data files is
kept in `meta`, and the knowledge tables (and curated events) are replaced in
one transaction only when that hash changes. Text-derived events are never
touched by a knowledge-base reload.

The schema carries a version in `meta`. Opening a store for writing upgrades
an older one in one transaction (the steps in `MIGRATIONS`), and a store
written by a newer bloc is refused rather than damaged (`bloc.store.schema`;
`bloc.store.check` verifies a store and repairs what is safe). Processes take
turns at a store file (`bloc.store.turns`): readers together, one writer at a
time, writers first; a serving process keeps its store open between reads
(`bloc.store.linger`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from bloc.core.alliance import KnowledgeBase
from bloc.errors import StoreError
from bloc.knowledge import bundled
from bloc.store.decisions import events_sql
from bloc.store.knowledge import KB_TABLES, insert_knowledge, knowledge_digest, knowledge_hash
from bloc.store.linger import Anchor, anchor_for
from bloc.store.schema import SCHEMA_VERSION, newer_message, stored_version, upgrade
from bloc.store.turns import Turn, connect, connecting, lock_timeout
from bloc.store.view import View

if TYPE_CHECKING:  # imported by `query`, its one user: a write (bloc import) needs no pandas
    import pandas as pd

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """`BLOC_DB` if set, else bloc.duckdb in the user's data directory (XDG)."""
    env = os.environ.get("BLOC_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bloc" / "bloc.duckdb"


class Store:
    """A connection to one bloc store file."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        turn: Turn | None = None,
        *,
        anchor: Anchor | None = None,
    ) -> None:
        self.con = con
        self.path = path
        self._turn = turn
        self._anchor = anchor  # a lingering reader this one leans on, instead of a turn
        self.origins: tuple[str, ...] | None = None  # the origins read (None: every one)
        self.as_coded = False  # True: events as coded, without review decisions
        self.every_actor = False  # True: measures count every kind of actor, domestic too
        self.custom_knowledge: KnowledgeBase | None = None  # the session's, if not bundled

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base this store was opened with (its session's; bundled by default)."""
        return self.custom_knowledge if self.custom_knowledge is not None else bundled()

    def events_sql(self, *, rejected: bool = False) -> str:
        """The events this store is read as: a FROM item with the columns of `events`.

        With review decisions applied unless opened `as_coded`
        (`bloc.store.decisions.events_sql`); every reader of events takes them from here.
        """
        return events_sql(self.con, self.as_coded, rejected=rejected)

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
        anchor = anchor_for(target) if read_only else None
        if anchor is not None and anchor.lease():  # the process holds it open already
            try:
                con = connect(target, True, time.monotonic() + lock_timeout())
            except BaseException:
                anchor.give_back()
                raise
            store = cls(con, target, anchor=anchor)
        else:
            turn = Turn(target, shared=read_only, timeout=lock_timeout())
            try:
                if not read_only and not as_is and not target.exists():
                    _create(target)
                con = connect(target, read_only, turn.deadline)
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
        if version == SCHEMA_VERSION:  # current: no statement to run (`bloc check --repair`
            return  # re-creates a table dropped by hand)
        try:
            with self.transaction(bump=version != SCHEMA_VERSION) as con:
                upgrade(con, version, self.path)
        except duckdb.Error as exc:
            raise StoreError(
                f"could not prepare the store {self.path} (schema {version}) for this bloc "
                f"(schema {SCHEMA_VERSION}): {exc}; the store is unchanged. "
                f"Run `bloc check --db {self.path}` to see what is wrong"
            ) from None

    def close(self) -> None:
        try:
            with connecting:
                self.con.close()
        finally:
            if self._turn is not None:
                self._turn.release()
                self._turn = None
            if self._anchor is not None:
                self._anchor.give_back()
                self._anchor = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a failure (or a kill) leaves the store as it was.

        A write moves the store's generation on in the same transaction, so a
        cache of figures computed from the store (the dashboard's) knows them
        stale from the moment the write is visible.
        """
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            if bump:
                move_generation(self.con)
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        row = rows[0] if rows else None  # read whole: a half-read result blocks `register`
        return None if row is None else str(row[0])

    def generation(self) -> int:
        """How many writes the store has seen (0 for one never written since bloc counted)."""
        try:
            value = self.meta("generation")
        except duckdb.CatalogException:
            return 0
        return int(value) if value and value.isdigit() else 0

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    # -- knowledge base -------------------------------------------------------

    def load_knowledge(self, kb: KnowledgeBase | None = None, *, force: bool = False) -> bool:
        """Load the knowledge base if it changed since the last load; True if it was loaded."""
        digest = knowledge_digest(kb)
        if not force and self.meta("kb_hash") == digest:
            return False
        kb = kb or bundled()
        with self.transaction() as con:
            for table in KB_TABLES:
                con.execute(f"DELETE FROM {table}")
            con.execute(
                "DELETE FROM evidence WHERE event_id IN "
                "(SELECT id FROM events WHERE origin = 'curated')"
            )
            con.execute("DELETE FROM events WHERE origin = 'curated'")
            insert_knowledge(con, kb)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('kb_hash', ?)", [digest])
        log.info("loaded the knowledge base into %s", self.path)
        return True


def move_generation(con: duckdb.DuckDBPyConnection) -> None:
    """Move the store's generation on, in the caller's transaction (a write that
    began with `bump=False` and found it had something to write)."""
    con.execute(
        "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (key) DO UPDATE "
        "SET value = CAST(coalesce(TRY_CAST(meta.value AS BIGINT), 0) + 1 AS VARCHAR)"
    )


def store_path(db: Path | str | View | None) -> Path:
    """The file of a store given as a path, a View, or None (the default store)."""
    if isinstance(db, View):
        return db.path
    return Path(db) if db is not None else default_db_path()


@contextmanager
def opened(path: Path | str | View | None = None, *, write: bool = False) -> Iterator[Store]:
    """Open a store with the bundled knowledge base loaded, and close it afterwards.

    A `View` opens its file, and the store reads only the origins it chose, as
    coded or (by default) as reviewed.

    Readers open it read-only, so any number of them (a dashboard's requests,
    commands) share it; only when the store is missing, older than this bloc
    or its knowledge base out of date is it first opened for writing, briefly,
    to bring it up to date. `write=True` is for the commands that change it.
    """
    target = store_path(path)
    custom = path.custom_knowledge if isinstance(path, View) else None
    store = None if write else _current(target, knowledge_digest(custom))
    if store is None:
        store = Store.open(target)
        try:
            store.load_knowledge(custom)
        except BaseException:
            store.close()
            raise
        if not write:
            store.close()
            store = Store.open(target, read_only=True)
    if isinstance(path, View):
        store.origins = path.origins
        store.as_coded = path.as_coded
        store.every_actor = path.every_actor
    store.custom_knowledge = custom
    try:
        yield store
    finally:
        store.close()


def _current(target: Path, digest: str) -> Store | None:
    """The store opened read-only if it is up to date (schema, and the knowledge base of
    this `digest`), else None."""
    if not target.exists():
        return None
    store = Store.open(target, as_is=True, read_only=True)
    anchor = store._anchor
    # checked since it was opened (for the bundled knowledge base): no write since
    if anchor is not None and anchor.current and digest == knowledge_hash():
        return store
    try:
        if stored_version(store.con) == SCHEMA_VERSION and store.meta("kb_hash") == digest:
            if anchor is not None:
                anchor.current = True
            return store
    except duckdb.Error:
        pass
    store.close()
    return None


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


def parse_day(value: str | dt.date | None) -> dt.date | None:
    """Parse an ISO date given on the command line or to the API."""
    from bloc.errors import BlocError

    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BlocError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None
