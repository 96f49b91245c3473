"""bloc check: each fault found with its count, repaired safely, and nothing else touched."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from test_store import EVIDENCE_BODY, PRECISIONS, _copy, _rows

from bloc.core.rules import same_time
from bloc.errors import StoreError
from bloc.store import SCHEMA, SCHEMA_VERSION, Store
from bloc.store.check import check_path
from bloc.store.repair import text_duplicates


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
        "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
        "alliance, "
        "intensity, confidence, origin, context, summary) "
        "SELECT ?, date_trunc('month', date)::DATE, 'month', source, target, "
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
        slot = next((s for s in group if same_time((s[1], s[2]), (day, precision))), None)
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
        "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
        "alliance, "
        "intensity, confidence, origin, context, summary) "
        "SELECT id, d, p, source, target, type, NULL, NULL, 0, 0.5, 'text', "
        "NULL, NULL FROM coded"
    )
    expected = _merge_as_ingest_does(sorted(rows))
    merges, kept = text_duplicates(con)
    assert [(m, k, kept[k].date, kept[k].precision) for m, k in merges] == expected
    cases = {m[-3:] for m, _ in merges}
    assert 20 < len(cases) < 150  # stores with and without duplicates were both tried
