"""Every shape of the event record agrees with its one definition in bloc.core.events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from bloc import api
from bloc.core.events import (
    CODED,
    CODED_FIELDS,
    EVENT,
    EVIDENCE,
    EVIDENCE_KEY,
    JSON_FIELDS,
    STORED_FIELDS,
    CodedEvent,
    Column,
    StoredEvent,
)
from bloc.ingest.coded import CODED_EVENTS
from bloc.store.schema import SCHEMA

DUCKDB = {"text": "VARCHAR", "date": "DATE", "float": "DOUBLE", "int": "INTEGER", "bool": "BOOLEAN"}
ARROW = {"text": pa.string(), "date": pa.date32(), "float": pa.float64(), "int": pa.int32(),
         "bool": pa.bool_()}  # fmt: skip
PYTHON = {"text": ("str", "Precision"), "date": ("dt.date",), "float": ("float",), "int": ("int",),
          "bool": ("bool",)}  # fmt: skip


def _columns(table: str) -> list[tuple[str, str]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA)
        return [
            (str(name), str(kind))
            for name, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
        ]
    finally:
        con.close()


def test_the_store_tables_are_the_event_and_its_evidence() -> None:
    assert _columns("events") == [(c.name, DUCKDB[c.kind]) for c in EVENT]
    assert _columns("evidence") == [(c.name, DUCKDB[c.kind]) for c in EVIDENCE]


def test_the_evidence_key_is_the_stores() -> None:
    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA)
        keys = dict(
            con.execute(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                "WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        )
    finally:
        con.close()
    assert tuple(keys["evidence"]) == EVIDENCE_KEY
    assert tuple(keys["events"]) == ("id",)


def test_the_arrow_tables_of_ingest_are_coded_events() -> None:
    assert list(CODED_EVENTS) == [
        pa.field("doc", pa.int32()),
        *(pa.field(c.name, ARROW[c.kind]) for c in CODED),
    ]


def _agrees(cls: type, columns: tuple[Column, ...] | tuple[str, ...]) -> None:
    found = [(f.name, str(f.type)) for f in dataclasses.fields(cls)]
    assert [name for name, _ in found] == [c if isinstance(c, str) else c.name for c in columns]
    for (_, annotation), column in zip(found, columns, strict=True):
        if isinstance(column, Column):
            assert annotation.split(" | ")[0] in PYTHON[column.kind], (column, annotation)


def test_the_coded_event_is_the_coded_columns() -> None:
    _agrees(CodedEvent, CODED)
    assert tuple(c.name for c in CODED) == CODED_FIELDS
    # A coded event is a stored event (without id and origin) plus its evidence row.
    kinds = {c.name: c.kind for c in (*EVENT, *EVIDENCE)}
    for column in CODED:
        assert kinds["date_precision" if column.name == "precision" else column.name] == column.kind


def test_the_stored_event_and_the_json_rows_are_the_event_columns() -> None:
    stored = tuple(c for c in EVENT if c.name in STORED_FIELDS)
    _agrees(StoredEvent, stored)
    at = STORED_FIELDS.index("date_precision") + 1  # `when` beside it: the date as written
    fields = [*STORED_FIELDS[:at], "when", *STORED_FIELDS[at:], "evidence", "review"]
    assert api.EVENT_COLUMNS == list(JSON_FIELDS) == fields


def test_the_json_rows_of_a_store_have_that_shape(kb_db: Path) -> None:
    frame = api.events(db=kb_db)
    assert len(frame) and list(frame.columns) == list(JSON_FIELDS)
    evidence = frame["evidence"].iloc[0][0]
    assert {c.name for c in EVIDENCE[1:]} <= set(evidence)


def test_a_coded_event_knows_its_dated() -> None:
    event = CodedEvent(
        dt.date(2022, 9, 1), "month", "AZE", "ARM", "ASSAULT", None, None, -9.0, 0.5,
        "d", "s", 0, 1, None, None,
    )  # fmt: skip
    assert event.dated.iso() == "2022-09"
