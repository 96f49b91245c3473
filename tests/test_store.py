from __future__ import annotations

import datetime as dt
import logging
import random
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from bloc.dates import compatible
from bloc.errors import StoreError
from bloc.ingest import ingest
from bloc.store import (
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    Store,
    _text_duplicates,
    check,
    check_path,
    default_db_path,
    stored_version,
)

ARTICLES = Path(__file__).parent / "data" / "articles"
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


def _counts(store: Store) -> dict[str, int]:
    tables = [
        "sources",
        "actors",
        "aliases",
        "offices",
        "memberships",
        "requests",
        "events",
        "evidence",
    ]
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
            "INSERT INTO events VALUES ('t1', DATE '2022-09-13', 'day', 'AZE', 'ARM', 'ASSAULT',"
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


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by a real ingest: the knowledge base and three articles' text events."""
    path = tmp_path_factory.mktemp("ingested") / "bloc.duckdb"
    names = ("report_a.txt", "report_b.txt", "office_2022.txt")
    ingest([ARTICLES / name for name in names], db=path)
    return path


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
    for table in V1_TABLES:
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
        assert store.meta("schema_version") == str(SCHEMA_VERSION) == "2"
        after = {table: _rows(store.con, table, columns=v1_columns[table]) for table in V1_TABLES}
        origins = _rows(store.con, "documents", columns="origin")
    assert "upgrading" in caplog.text and "schema 1 to 2" in caplog.text
    before["meta"] = [
        r if r[0] != "schema_version" else ("schema_version", "2") for r in before["meta"]
    ]
    assert after == before
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
    assert report.finding("tables").examples == ("column documents.origin",)
    repaired = check_path(old, repair=True)
    assert repaired.ok and repaired.version == SCHEMA_VERSION
    assert repaired.finding("schema").status == "repaired"


def test_a_healthy_store_checks_clean(ingested: Path, tmp_path: Path) -> None:
    path = _copy(ingested, tmp_path)
    report = check_path(path)
    assert report.ok and report.problems == []
    assert report.version == SCHEMA_VERSION
    con = duckdb.connect(str(path), read_only=True)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM evidence)"
    ).fetchone()
    con.close()
    assert counts is not None
    assert (
        report.finding("documents").count,
        report.finding("events").count,
        report.finding("evidence").count,
    ) == counts
    assert counts[0] == 3


def test_check_finds_and_repair_fixes_a_corrupted_store(ingested: Path, tmp_path: Path) -> None:
    path = _copy(ingested, tmp_path)
    con = duckdb.connect(str(path))
    ((assault, day, precision),) = _rows(
        con, "events", "origin = 'text' AND source = 'TJK'", columns="id, date, date_precision"
    )
    ((lone,),) = _rows(con, "events", "origin = 'text' AND source = 'KAZ'", columns="id")
    assert precision == "day" and _rows(con, "evidence", "event_id = ?", [lone])
    # A coarser report of the same assault stored apart under an earlier id: ingest would
    # have merged the two, so repair folds the assault into it and keeps the day.
    duplicate = "t000000000000000"
    con.execute(
        "INSERT INTO events SELECT ?, date_trunc('month', date)::DATE, 'month', source, target, "
        "type, mode, alliance, intensity, 0.5, origin, context, summary FROM events WHERE id = ?",
        [duplicate, assault],
    )
    con.execute(
        'INSERT INTO evidence SELECT ?, document, sentence, start + 1000, "end" + 1000, '
        "published, url FROM evidence WHERE event_id = ? ORDER BY document LIMIT 1",
        [duplicate, assault],
    )
    con.execute("INSERT INTO evidence VALUES ('tnosuchevent0000', 'x.txt', 's', 0, 1, NULL, NULL)")
    con.execute("DELETE FROM evidence WHERE event_id = ?", [lone])
    touched = [assault, duplicate, lone, "tnosuchevent0000"]
    untouched = {
        "documents": _rows(con, "documents"),
        "events": _rows(con, "events", "NOT list_contains(?, id)", [touched]),
        "evidence": _rows(con, "evidence", "NOT list_contains(?, event_id)", [touched]),
    }
    supporting = _rows(
        con, "evidence", "event_id IN (?, ?)", [assault, duplicate], columns=EVIDENCE_BODY
    )
    con.close()

    report = check_path(path)
    found = {f.check: (f.count, f.examples) for f in report.problems}
    assert found == {
        "orphan_evidence": (1, ("tnosuchevent0000",)),
        "events_without_evidence": (1, (lone,)),
        "duplicate_text_events": (1, (f"{assault} into {duplicate}",)),
    }
    assert all(f.repairable and f.advice for f in report.problems)

    repaired = check_path(path, repair=True)
    assert repaired.ok
    assert {f.check: f.repaired for f in repaired.findings if f.repaired} == {
        "orphan_evidence": 1,
        "events_without_evidence": 1,
        "duplicate_text_events": 1,
    }
    assert check_path(path).ok
    con = duckdb.connect(str(path), read_only=True)
    assert _rows(con, "events", "id = ?", [duplicate], columns="date, date_precision") == [
        (day, "day")
    ]
    assert _rows(con, "events", "id IN (?, ?)", [assault, lone]) == []
    assert _rows(con, "evidence", "event_id = ?", [duplicate], columns=EVIDENCE_BODY) == supporting
    assert _rows(con, "documents") == untouched["documents"]
    assert _rows(con, "events", "id <> ?", [duplicate]) == untouched["events"]
    assert _rows(con, "evidence", "event_id <> ?", [duplicate]) == untouched["evidence"]
    con.close()


def test_repair_restores_a_lost_primary_key(ingested: Path, tmp_path: Path) -> None:
    path = _copy(ingested, tmp_path)
    con = duckdb.connect(str(path))
    events = _rows(con, "events")
    con.execute("CREATE TABLE loose AS SELECT * FROM events")
    con.execute("DROP TABLE events")
    con.execute("ALTER TABLE loose RENAME TO events")
    con.execute("INSERT INTO events SELECT * FROM events WHERE origin = 'text' LIMIT 1")
    con.close()
    report = check_path(path)
    assert report.finding("tables").examples == ("primary key events(id)",)
    assert report.finding("duplicate_event_ids").count == 1
    assert check_path(path, repair=True).ok
    with Store.open(path) as store:
        assert _rows(store.con, "events") == events
        with pytest.raises(duckdb.ConstraintException):
            store.con.execute("INSERT INTO events SELECT * FROM events LIMIT 1")


def test_check_never_creates_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        check_path(tmp_path / "missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()


def _merge_as_ingest_does(rows: list[tuple[Any, ...]]) -> list[tuple[str, str, Any, str]]:
    """The rule of `ingest._merge`, written plainly: each event joins the first earlier slot
    of its source, target and type whose date agrees, and a finer date refines that slot."""
    slots: dict[tuple[str, str, str], list[list[Any]]] = {}
    merged = []
    for source, target, kind, eid, day, precision in rows:
        group = slots.setdefault((source, target, kind), [])
        slot = next((s for s in group if compatible((s[1], s[2]), (day, precision))), None)
        if slot is None:
            group.append([eid, day, precision])
            continue
        if PRECISIONS.index(precision) < PRECISIONS.index(slot[2]):
            slot[1], slot[2] = day, precision
        merged.append((eid, slot[0]))
    final = {s[0]: (s[1], s[2]) for group in slots.values() for s in group}
    return [(eid, kept, *final[kept]) for eid, kept in merged]


def test_duplicate_detection_follows_ingests_merge_rule() -> None:
    # Many small random stores in one table: each case has its own source actors.
    rng = random.Random(5)
    rows = []
    for case in range(150):
        for i in range(rng.randint(1, 20)):
            precision = rng.choice(["day", "day", "month", "year"])
            day = dt.date(rng.choice([2021, 2022]), rng.randint(1, 3), rng.randint(1, 5))
            source = f"{case:03d}{rng.choice('AB')}"
            eid = f"t{i:03d}{case:03d}"
            rows.append((source, "T", "ASSAULT", eid, day, precision))
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA)
    con.register("coded", pd.DataFrame(rows, columns=["source", "target", "type", "id", "d", "p"]))
    con.execute(
        "INSERT INTO events SELECT id, d, p, source, target, type, NULL, NULL, 0, 0.5, 'text', "
        "NULL, NULL FROM coded"
    )
    expected = _merge_as_ingest_does(sorted(rows))
    merges, kept = _text_duplicates(con)
    assert [(m, k, kept[k].date, kept[k].precision) for m, k in merges] == expected
    cases = {m[-3:] for m, _ in merges}
    assert 20 < len(cases) < 150  # stores with and without duplicates were both tried
