from __future__ import annotations

import logging
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bloc.errors import StoreError, StoreLockedError
from bloc.ingest import ingest
from bloc.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    default_db_path,
    opened,
    stored_version,
)
from bloc.store.check import check, check_path
from bloc.store.schema import UNREAD_KNOWLEDGE_TABLES
from helpers import overlapping_readers

PRECISIONS = ["day", "month", "year"]

# The DDL every schema-1 store was made with, exactly as bloc 0.x wrote it.
V1_SCHEMA = """
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

V1_TABLES = [
    "meta", "sources", "actors", "aliases", "offices", "alliances", "provisions", "bodies",
    "memberships", "requests", "votes", "documents", "events", "evidence",
]  # fmt: skip
KEPT = [t for t in V1_TABLES if t not in UNREAD_KNOWLEDGE_TABLES]


def _counts(store: Store) -> dict[str, int]:
    tables = ["actors", "memberships", "votes", "events", "evidence"]
    return {t: int(store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}


def test_knowledge_loads_once_and_reloads_idempotently(db: Path) -> None:
    with Store.open(db) as store:
        assert store.load_knowledge() is True
        first = _counts(store)
        assert store.load_knowledge() is False
        assert store.load_knowledge(force=True) is True
        assert _counts(store) == first
    assert first["events"] > 50 and first["memberships"] > 40


def test_text_events_survive_a_knowledge_reload(db: Path) -> None:
    with Store.open(db) as store:
        store.load_knowledge()
        store.con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
            "alliance, "
            "intensity, confidence, origin, context, summary) "
            "VALUES ('t1', DATE '2022-09-13', 'day', 'AZE', 'ARM', 'ASSAULT',"
            " NULL, NULL, -9, 0.8, 'text', NULL, NULL)"
        )
        store.load_knowledge(force=True)
        assert store.con.execute("SELECT count(*) FROM events WHERE origin='text'").fetchone() == (
            1,
        )


def test_db_path_comes_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BLOC_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("BLOC_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "bloc" / "bloc.duckdb"


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_bytes(b"this is not duckdb" * 100)
    with pytest.raises(StoreError, match=r"not-a-db\.duckdb"):
        Store.open(bad)


def _copy(source: Path, folder: Path, name: str = "copy.duckdb") -> Path:
    return Path(shutil.copy(source, folder / name))


def _rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str = "TRUE",
    params: list[Any] | None = None,
    columns: str = "*",
) -> list[Any]:
    """Every row of `table` matching `where`, in a stable order."""
    return con.execute(
        f"SELECT {columns} FROM {table} WHERE {where} ORDER BY ALL", params or []
    ).fetchall()


EVIDENCE_BODY = 'document, sentence, start, "end", published, url'


def _v1_store(source: Path, target: Path) -> None:
    """A genuine schema-1 file: the v1 DDL, stamped 1, holding a real ingest's rows."""
    con = duckdb.connect(str(target))
    con.execute(V1_SCHEMA)
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    current = {
        str(name)
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'"
        ).fetchall()
    }
    for table in [t for t in V1_TABLES if t in current]:  # the unread copies stay empty
        columns = ", ".join(
            f'"{c}"'
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
        )
        con.execute(f"INSERT INTO {table} SELECT {columns} FROM src.{table}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("DETACH src")
    con.close()


def test_a_schema_1_store_is_upgraded_without_loss(
    ingested: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))
    old = tmp_path / "v1.duckdb"
    _v1_store(ingested, old)
    con = duckdb.connect(str(old), read_only=True)
    assert stored_version(con) == 1
    assert "origin" not in [r[0] for r in con.execute("DESCRIBE documents").fetchall()]
    before = {table: _rows(con, table) for table in V1_TABLES}
    v1_columns = {
        table: ", ".join(f'"{r[0]}"' for r in con.execute(f"DESCRIBE {table}").fetchall())
        for table in V1_TABLES
    }
    con.close()
    assert len(before["documents"]) == 3 and len(before["evidence"]) > len(before["events"])

    with caplog.at_level(logging.INFO, logger="bloc.store"), Store.open(old) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION) == "10"
        decisions = store.con.execute("SELECT count(*) FROM decisions").fetchone()
        after = {table: _rows(store.con, table, columns=v1_columns[table]) for table in KEPT}
        left = {
            str(name)
            for (name,) in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        origins = _rows(store.con, "documents", columns="origin")
    assert "upgrading" in caplog.text and "schema 1 to 2" in caplog.text
    assert "schema 2 to 3" in caplog.text and "schema 4 to 5" in caplog.text
    assert "schema 5 to 6" in caplog.text and decisions == (0,)  # the decisions table, empty
    before["meta"] = [
        r if r[0] != "schema_version" else ("schema_version", str(SCHEMA_VERSION))
        for r in before["meta"]
    ]
    # The upgrade is a write: the store's generation moves on (caches know it changed).
    was, now = dict(before["meta"]), dict(after["meta"])
    assert int(now.pop("generation")) == int(was.pop("generation", "0")) + 1
    before["meta"], after["meta"] = sorted(was.items()), sorted(now.items())
    assert after == {table: before[table] for table in KEPT}
    assert not left & set(UNREAD_KNOWLEDGE_TABLES)  # schema 7 dropped the unread copies
    assert origins == [(None,), (None,), (None,)]  # not known for documents stored before
    # The upgraded store takes new documents, with where they came from.
    article = tmp_path / "new.txt"
    article.write_text("Bulletin\n\nMarch 3, 2024\n\nArmenia asked the CSTO for help on March 2.")
    assert ingest([article], db=old).stored == 1
    with Store.open(old) as store:
        assert _rows(store.con, "documents", "id = ?", [str(article)], "origin") == [
            (str(article),)
        ]
        assert check(store).ok


def test_a_store_from_a_newer_bloc_is_refused(ingested: Path, tmp_path: Path) -> None:
    path = _copy(ingested, tmp_path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"newer bloc .* upgrade bloc"):
            Store.open(path, read_only=read_only)
    report = check_path(path)
    schema = report.finding("schema")
    assert not report.ok and schema.count == 1 and not schema.repairable
    assert "newer" in schema.detail
    with pytest.raises(StoreError, match="nothing was repaired"):
        check_path(path, repair=True)
    con = duckdb.connect(str(path), read_only=True)
    assert stored_version(con) == SCHEMA_VERSION + 1
    con.close()


def test_an_old_store_opened_read_only_says_how_to_upgrade(ingested: Path, tmp_path: Path) -> None:
    old = tmp_path / "v1.duckdb"
    _v1_store(ingested, old)
    with pytest.raises(StoreError, match=r"schema 1 .*bloc check --repair"):
        Store.open(old, read_only=True)
    report = check_path(old)
    assert report.version == 1
    assert [f.check for f in report.problems] == ["schema", "tables"]
    missing = {
        "column documents.origin",
        "column documents.published_precision",
        "column documents.lang",
        "table feeds",
        "table feed_items",
        "table decisions",
        "table roll_calls",
        "table roll_call_votes",
        "column events.source_kind",
        "column events.target_kind",
        "column events.domestic",
        "table dataset_rows",
        "table alert_rules",
        "table alerts",
        "table alert_state",
        "table alert_queue",
        "table alert_hooks",
        "table alert_deliveries",
        "table risk_terms",
        "table risk_sums",
        "table risk_built",
    }
    tables = report.finding("tables")  # a few examples are named, all are counted
    assert tables.count == len(missing) and set(tables.examples) < missing
    repaired = check_path(old, repair=True)
    assert repaired.ok and repaired.version == SCHEMA_VERSION
    assert repaired.finding("schema").status == "repaired"


# -- taking turns ---------------------------------------------------------------


@pytest.mark.slow
def test_a_busy_store_says_what_to_do(
    kb_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copy(kb_db, db)
    monkeypatch.setenv("BLOC_LOCK_TIMEOUT", "0.3")
    failure: list[BaseException] = []

    def read() -> None:
        try:
            with opened(db):
                pass
        except BaseException as exc:
            failure.append(exc)

    with Store.open(db):  # a writer holding its turn
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=10)
    assert len(failure) == 1 and isinstance(failure[0], StoreLockedError)
    assert str(db) in str(failure[0]) and "BLOC_LOCK_TIMEOUT" in str(failure[0])
    with opened(db) as store:  # free again
        assert store.meta("schema_version") == str(SCHEMA_VERSION)


@pytest.mark.slow
def test_a_writer_is_not_starved_by_a_stream_of_readers(kb_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "shared.duckdb"
    shutil.copy(kb_db, db)
    reads, errors, halt = overlapping_readers(
        db, lambda store: store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    )
    while len(reads) < 4 and not errors:  # the readers are busy before the writer comes
        time.sleep(0.01)
    began = time.monotonic()
    with Store.open(db) as store:
        waited = time.monotonic() - began
        store.con.execute("INSERT INTO meta VALUES ('turn-test', 'written')")
    after = len(reads)
    while len(reads) == after and not errors:
        time.sleep(0.01)
    halt()
    assert not errors, errors
    assert waited < 5, f"the writer waited {waited:.1f} s"
    assert len(reads) > 4  # and they went on reading after it
    with opened(db) as store:
        assert store.meta("turn-test") == "written"


def test_a_current_store_opened_for_writing_can_register_a_frame_at_once(tmp_path: Path) -> None:
    """Opening a store at the current schema runs no DDL, so nothing after the version
    check read its result to the end; a half-read result made DuckDB refuse the next
    `register` (bench/events.py broke on it). The check now reads its result whole."""
    import pandas as pd

    path = tmp_path / "bloc.duckdb"
    with opened(path, write=True):
        pass
    with Store.open(path) as store:
        store.con.register("frame", pd.DataFrame({"x": [1, 2]}))
        assert store.con.execute("SELECT sum(x) FROM frame").fetchall() == [(3,)]
