"""What ingest writes to a store, and the lookups it writes by: the SQL of storing.

`bloc.ingest` decides what to store (which documents are new, which reports
merge into which events: the merge rule is its own); these functions move
the rows in and out, as Arrow tables, in the caller's transaction where they
take a connection. Dataset rows (`bloc import`) come here too: their batch
is staged in a temporary table, grouped by what the rows report, and joined
to the events they merged into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import duckdb
import pyarrow as pa

from bloc.store.alerts import queue_changes
from bloc.store.db import Store
from bloc.store.kinds import domestic_sql, fill_kinds, kind_sql
from bloc.store.rules_sql import period_end_sql, period_start_sql

Table = Literal["documents", "events", "evidence"]

MergeRow = tuple[str, str, str, str, dt.date, str, float | None]
"""A stored event a new report could merge into: source, target, type, id, date,
precision, confidence."""


def document_hashes(store: Store, ids: Sequence[str] | None = None) -> dict[str, str]:
    """The content hash of each stored document (of `ids` only, if given)."""
    if ids is None:
        return dict(store.con.execute("SELECT id, sha256 FROM documents").fetchall())
    return dict(
        store.con.execute(
            "SELECT id, sha256 FROM documents WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
    )


def has_document(store: Store, document: str) -> bool:
    """True if a document of this id is stored."""
    row = store.con.execute("SELECT 1 FROM documents WHERE id = ?", [document]).fetchone()
    return row is not None


def append(
    con: duckdb.DuckDBPyConnection, table: Table, rows: pa.Table, *, ignore: bool = False
) -> None:
    """Add rows (every column of `table`, in order); `ignore`: skip rows already there."""
    if rows.num_rows:
        verb = "INSERT OR IGNORE INTO" if ignore else "INSERT INTO"
        con.register("batch_rows", rows)
        con.execute(f"{verb} {table} BY NAME SELECT * FROM batch_rows")
        con.unregister("batch_rows")
        if table == "events":
            fill_kinds(con)


def mergeable(con: duckdb.DuckDBPyConnection, keys: pa.Table) -> list[MergeRow]:
    """The stored events, curated ones aside, of the given (source, target, type, year)
    keys, in id order."""
    con.register("batch_keys", keys)
    rows: list[Any] = con.execute(
        "SELECT e.source, e.target, e.type, e.id, e.date, e.date_precision, e.confidence "
        "FROM events e JOIN batch_keys k ON e.source = k.source AND e.target = k.target "
        "AND e.type = k.type AND year(e.date) = k.year "
        "WHERE e.origin <> 'curated' ORDER BY e.id"
    ).fetchall()
    con.unregister("batch_keys")
    return rows


def forget_documents(con: duckdb.DuckDBPyConnection, documents: Sequence[str]) -> None:
    """Remove earlier versions of documents: their evidence, and text events left without any."""
    con.execute("DELETE FROM evidence WHERE document IN (SELECT unnest(?))", [list(documents)])
    gone = con.execute(
        "DELETE FROM events WHERE origin = 'text' "
        "AND id NOT IN (SELECT DISTINCT event_id FROM evidence) RETURNING id"
    ).fetchall()
    queue_changes(con, [str(r[0]) for r in gone])  # for the alert rules' running sums
    con.execute("DELETE FROM documents WHERE id IN (SELECT unnest(?))", [list(documents)])


def refine_events(con: duckdb.DuckDBPyConnection, changes: pa.Table) -> None:
    """Write back the date, precision and confidence of stored events (id, date,
    date_precision, confidence) that a merge refined."""
    con.register("changed_events", changes)
    con.execute(
        "UPDATE events SET date = c.date, date_precision = c.date_precision, "
        "confidence = c.confidence FROM changed_events c WHERE events.id = c.id"
    )
    con.unregister("changed_events")


# -- dataset rows (`bloc import`) -------------------------------------------------------


def stage_fresh_rows(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> int:
    """Stage the batch's rows whose document is not stored yet, grouped by what they
    report (source, target, type, date, precision and `merge_key`, what else rows of
    one event share; a group named by its first row `k`), and store what the dataset
    says of each row beyond the event (`dataset_rows`). Returns how many rows are fresh.

    Each group is staged once (`bloc_heads`), with `simple` set when it can merge with
    nothing: a row that is an event of its own (`alone`), or a day-precise group whose
    key (source, target, type, `merge_key`, year) has only day-precise groups in the
    batch (each a different day, so none agrees with another) and no stored event
    (curated ones aside) of its source, target and type whose period holds its day.
    """
    con.register("batch_rows", batch)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE bloc_fresh AS
        SELECT b.*, first_value(b.k) OVER (
                   PARTITION BY b.source, b.target, b.type, b.date, b.precision, b.merge_key
                   ORDER BY b.k) AS grp
        FROM batch_rows b ANTI JOIN evidence v ON v.document = b.document
        """
    )
    con.unregister("batch_rows")
    con.execute(
        "INSERT OR IGNORE INTO dataset_rows SELECT document, place, admin1, country, latitude, "
        "longitude, fatalities, sub_event_type FROM bloc_fresh WHERE place IS NOT NULL "
        "OR admin1 IS NOT NULL OR fatalities IS NOT NULL OR sub_event_type IS NOT NULL"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE bloc_heads AS
        WITH heads AS (
            SELECT f.k, f.new_id, f.date, f.precision, f.source, f.target, f.type, f.mode,
                   f.alliance, f.intensity, f.merge_key, f.alone, f.place_key, g.n,
                   year(f.date) AS year
            FROM bloc_fresh f JOIN (SELECT grp, count(*) AS n FROM bloc_fresh GROUP BY grp) g
              ON g.grp = f.k
        ), stored AS (  -- the stored events a day of the batch may fall in
            SELECT e.source, e.target, e.type, e.date, coalesce(e.date_precision, 'day') AS p,
                   {start} AS first, {end} AS last
            FROM events e SEMI JOIN (SELECT DISTINCT source, target, type FROM heads) h
              ON e.source = h.source AND e.target = h.target AND e.type = h.type
            WHERE e.origin <> 'curated'
        ), taken AS (
            SELECT h.k FROM heads h JOIN stored e ON e.source = h.source
              AND e.target = h.target AND e.type = h.type AND e.date = h.date AND e.p = 'day'
            UNION
            SELECT h.k FROM heads h JOIN stored e ON e.source = h.source
              AND e.target = h.target AND e.type = h.type AND e.p <> 'day'
              AND h.date BETWEEN e.first AND e.last
        )
        SELECT h.*, h.alone OR (
                   bool_and(h.precision = 'day') OVER (
                       PARTITION BY h.source, h.target, h.type, h.merge_key, h.year)
                   AND h.k NOT IN (SELECT k FROM taken)) AS simple
        FROM heads h
        """.format(
            start=period_start_sql("e.date", "e.date_precision"),
            end=period_end_sql("e.date", "e.date_precision"),
        )
    )
    return count_rows(con, "bloc_fresh")


def count_rows(con: duckdb.DuckDBPyConnection, table: Literal["bloc_fresh"]) -> int:
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0])


def merging_groups(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The staged groups that may merge (not `simple`), in file order: k, new_id, date,
    precision, source, target, type, mode, alliance, intensity, merge_key, alone,
    place_key, n (the rows of the group)."""
    groups: list[tuple[Any, ...]] = con.execute(
        "SELECT k, new_id, date, precision, source, target, type, mode, alliance, intensity, "
        "merge_key, alone, place_key, n FROM bloc_heads WHERE NOT simple ORDER BY k"
    ).fetchall()
    return groups


def add_simple_events(
    con: duckdb.DuckDBPyConnection, confidence: Sequence[float], origin: str
) -> pa.Table:
    """Each `simple` staged group made a new event, named by its first row (`new_id`),
    its confidence `confidence[n - 1]` for a group of n rows (its rows agreeing with one
    another, as the merge rule reinforces it), queued for the alert rules. Returns their
    grp, event_id and n."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE bloc_simple AS
        SELECT new_id AS id, date, precision AS date_precision, source, target, type, mode,
               alliance, intensity, $confidence[n] AS confidence, $origin AS origin,
               k AS grp, n
        FROM bloc_heads WHERE simple
        """,
        {"confidence": list(confidence), "origin": origin},
    )
    sides = f"{kind_sql('s.source', 'a.kind')} AS sk, {kind_sql('s.target', 'b.kind')} AS tk"
    con.execute(  # with their sides' kinds, as `fill_kinds` gives them
        f"""
        INSERT INTO events (id, date, date_precision, source, target, type, mode, alliance,
                            intensity, confidence, origin, source_kind, target_kind, domestic)
        SELECT id, date, date_precision, source, target, type, mode, alliance, intensity,
               confidence, origin, sk, tk, {domestic_sql("source", "sk", "target", "tk")}
        FROM (SELECT s.*, {sides} FROM bloc_simple s
              LEFT JOIN actors a ON a.code = s.source LEFT JOIN actors b ON b.code = s.target)
        """
    )
    con.execute(  # for the alert rules, as `bloc.store.alerts.queue_changes` notes changes
        "INSERT INTO alert_queue SELECT id FROM bloc_simple "
        "WHERE EXISTS (SELECT 1 FROM alert_rules) ON CONFLICT DO NOTHING"
    )
    simple: pa.Table = con.sql(
        "SELECT grp, id AS event_id, n FROM bloc_simple ORDER BY grp"
    ).to_arrow_table()
    return simple


def largest_simple_group(con: duckdb.DuckDBPyConnection) -> int:
    """The most rows any `simple` staged group holds (0 without one)."""
    rows = con.execute("SELECT coalesce(max(n), 0) FROM bloc_heads WHERE simple").fetchall()
    return int(rows[0][0])


def event_places(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Each stored event's mode and place (`place|admin1` of its first dataset row that
    names one; None for an event no dataset row places, as a text event), by id."""
    rows = con.execute(
        """
        SELECT e.id, e.mode, min(nullif(coalesce(r.place, '') || '|' || coalesce(r.admin1, ''),
                                        '|')) AS place
        FROM events e LEFT JOIN evidence v ON v.event_id = e.id
        LEFT JOIN dataset_rows r ON r.document = v.document
        WHERE e.id IN (SELECT unnest(?)) GROUP BY e.id, e.mode
        """,
        [list(ids)],
    ).fetchall()
    return {str(eid): (mode, place) for eid, mode, place in rows}


def add_dataset_events(con: duckdb.DuckDBPyConnection, new: pa.Table) -> None:
    """New events from dataset rows (id, date, date_precision, source, target, type,
    mode, alliance, intensity, confidence, origin)."""
    if new.num_rows:
        con.register("new_events", new)
        con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
            "alliance, intensity, confidence, origin) SELECT * FROM new_events"
        )
        con.unregister("new_events")
        fill_kinds(con)


def add_staged_evidence(con: duckdb.DuckDBPyConnection, groups: pa.Table) -> None:
    """Every staged row as evidence of the event its group (grp -> event_id) joined."""
    con.register("group_rows", groups)
    con.execute("CREATE OR REPLACE TEMP TABLE bloc_groups AS SELECT * FROM group_rows")
    con.unregister("group_rows")
    con.execute(
        'INSERT OR IGNORE INTO evidence (event_id, document, sentence, start, "end", '
        "published, url) SELECT g.event_id, f.document, f.sentence, 0, NULL, f.published, f.url "
        "FROM bloc_fresh f JOIN bloc_groups g ON g.grp = f.grp"
    )


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what `stage_fresh_rows` and `add_staged_evidence` staged."""
    for table in ("bloc_fresh", "bloc_groups", "bloc_heads", "bloc_simple"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
