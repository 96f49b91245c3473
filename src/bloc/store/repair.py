"""Repair a store: what `bloc check --repair` fixes, in one transaction.

It upgrades an older schema, creates missing tables, restores primary keys,
deletes true orphans, and merges text events that ingest would have merged
(by replaying ingest's merge rule over the stored events).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from bloc.core.dated import PRECISIONS, Precision, finer, truncate
from bloc.core.rules import reinforced, same_time
from bloc.errors import StoreError
from bloc.store.db import Store
from bloc.store.rules_sql import period_start_sql, precision_ranks_sql, precisions_sql
from bloc.store.schema import (
    NEEDED,
    SCHEMA_VERSION,
    expected_tables,
    newer_message,
    primary_keys,
    stored_version,
    table_columns,
    upgrade,
)

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    id: str
    date: dt.date
    precision: Precision
    confidence: float
    order: int  # the place ingest would find it in: slots are tried oldest first


class _Slots:
    """One (source, target, type)'s events, found by calendar period so a replay stays linear.

    The slots never agree with one another (a new one is made only when none
    agrees, and refining a date only narrows it), so those agreeing with a
    date are the one slot whose period holds it, plus those inside its period.
    """

    def __init__(self) -> None:
        self.exact: dict[tuple[str, dt.date], _Slot] = {}
        self.inside: dict[tuple[str, dt.date], list[_Slot]] = {}  # oldest first

    def first(self, day: dt.date, precision: Precision) -> _Slot | None:
        """The oldest slot whose date agrees with (day, precision), as `same_time` says."""
        rank = PRECISIONS.index(precision)
        found = [
            self.exact[key]
            for coarser in PRECISIONS[rank + 1 :]
            if (key := (coarser, truncate(day, coarser))) in self.exact
        ]
        found += self.inside.get((precision, truncate(day, precision)), [])[:1]
        slot = min(found, key=lambda s: s.order, default=None)
        assert slot is None or same_time((slot.date, slot.precision), (day, precision))
        return slot

    def add(self, slot: _Slot, since: int | None = None) -> None:
        """Index a new slot, or (`since`: its old rank) one whose date was just refined."""
        rank = PRECISIONS.index(slot.precision)
        self.exact[(slot.precision, truncate(slot.date, slot.precision))] = slot
        for coarser in PRECISIONS[rank : since if since is not None else None]:
            group = self.inside.setdefault((coarser, truncate(slot.date, coarser)), [])
            bisect.insort(group, slot, key=lambda s: s.order)

    def refine(self, slot: _Slot, day: dt.date, precision: Precision) -> None:
        since = PRECISIONS.index(slot.precision)
        del self.exact[(slot.precision, truncate(slot.date, slot.precision))]
        slot.date, slot.precision = day, precision
        self.add(slot, since)


def _replay(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[list[tuple[str, str]], dict[str, _Slot]]:
    """Ingest's merge, replayed over stored text events taken in id order as ingest reads them.

    Each row is (source, target, type, id, date, precision, confidence).
    Returns (merged id, kept id) pairs and the kept events' merged date and
    confidence. A consistent store gives none: ingest never stores two text
    events of one source, target and type whose dates agree.
    """
    groups: dict[tuple[str, str, str], _Slots] = {}
    merges: list[tuple[str, str]] = []
    kept: dict[str, _Slot] = {}
    for order, (source, target, kind, eid, day, precision, confidence) in enumerate(rows):
        group = groups.setdefault((source, target, kind), _Slots())
        slot = group.first(day, precision)
        if slot is None:
            group.add(_Slot(str(eid), day, precision, float(confidence or 0.0), order))
            continue
        if slot.id == eid:  # the same id twice: duplicate_event_ids, not a merge
            continue
        merges.append((str(eid), slot.id))
        # As ingest merges a further report: the finer date wins, confidence rises a little.
        if finer(precision, slot.precision):
            group.refine(slot, day, precision)
        slot.confidence = reinforced(slot.confidence, float(confidence or 0.0))
        kept[slot.id] = slot
    return merges, kept


def text_duplicates(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[tuple[str, str]], dict[str, _Slot]]:
    """`_replay` over the text events of each (source, target, type) where two dates agree.

    Two dates agree when one's period (its date cut to its precision) holds
    the other's; SQL finds such pairs by joining each event's own period to
    the periods that hold every other event's, so a healthy store of millions
    of events is not replayed in Python at all.
    """
    return _replay(
        con.execute(
            f"""
            WITH t AS (SELECT source, target, type, id, date, date_precision AS p
                       FROM events WHERE origin = 'text'),
            holding AS (
                SELECT t.source, t.target, t.type, t.id, q.p,
                       {period_start_sql("t.date", "q.p")} AS start
                FROM t JOIN (VALUES {precision_ranks_sql()}) q(p, rank)
                  ON q.rank >= list_position({precisions_sql()}, t.p) - 1
            ),
            agreeing AS (
                SELECT DISTINCT h.source, h.target, h.type
                FROM holding h JOIN t USING (source, target, type, p)
                WHERE h.start = {period_start_sql("t.date", "t.p")} AND h.id <> t.id
            )
            SELECT source, target, type, id, date, date_precision, confidence
            FROM events JOIN agreeing USING (source, target, type)
            WHERE origin = 'text' ORDER BY source, target, type, id
            """
        ).fetchall()
    )


def repair_store(store: Store) -> None:
    version = stored_version(store.con)  # an unreadable version raises: nothing to go on
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(newer_message(store.path, version) + "; nothing was repaired")
    try:
        with store.transaction() as con:
            upgrade(con, version, store.path)
            have = table_columns(con)
            if all(c in have.get(t, ()) for t, cols in NEEDED.items() for c in cols):
                _repair_rows(con)
            _restore_keys(con)
    except duckdb.Error as exc:
        raise StoreError(
            f"could not repair the store {store.path}: {exc}; nothing was changed"
        ) from None
    log.info("repaired the store %s", store.path)


def _repair_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Delete true orphans, then merge the duplicate text events left.

    Evidence-less events go first: one must not lend its date to the event it merges into.
    """
    gone = con.execute(
        "DELETE FROM evidence "
        "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = evidence.event_id)"
    ).fetchone()
    log.info("deleted %s evidence rows of no event", gone[0] if gone else 0)
    gone = con.execute(
        "DELETE FROM events WHERE origin = 'text' "
        "AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.event_id = events.id)"
    ).fetchone()
    log.info("deleted %s text events with no evidence", gone[0] if gone else 0)
    merges, kept = text_duplicates(con)
    if not merges:
        return
    con.register("bloc_merges", pd.DataFrame(merges, columns=["merged", "kept"]))
    con.register(
        "bloc_kept",
        pd.DataFrame(
            [(s.id, s.date, s.precision, s.confidence) for s in kept.values()],
            columns=["id", "date", "date_precision", "confidence"],
        ),
    )
    try:
        # Evidence moves to the kept event; a sentence it already has is not added twice.
        con.execute(
            'INSERT INTO evidence (event_id, document, sentence, start, "end", published, url) '
            'SELECT m.kept, v.document, v.sentence, v.start, v."end", v.published, v.url '
            "FROM evidence v JOIN bloc_merges m ON v.event_id = m.merged "
            "WHERE NOT EXISTS (SELECT 1 FROM evidence w WHERE w.event_id = m.kept "
            "AND w.document = v.document AND w.start = v.start) "
            "QUALIFY row_number() OVER (PARTITION BY m.kept, v.document, v.start "
            "ORDER BY m.merged) = 1"
        )
        con.execute("DELETE FROM evidence WHERE event_id IN (SELECT merged FROM bloc_merges)")
        con.execute("DELETE FROM events WHERE id IN (SELECT merged FROM bloc_merges)")
        con.execute(
            "UPDATE events SET date = k.date, date_precision = k.date_precision, "
            "confidence = k.confidence FROM bloc_kept k WHERE events.id = k.id"
        )
    finally:
        con.unregister("bloc_merges")
        con.unregister("bloc_kept")
    log.info("merged %d duplicate text events", len(merges))


def _restore_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild a table that lost its primary key outside bloc, keeping one of identical rows.

    Only when its columns are the expected ones and the key is then unique and
    never blank; otherwise the table is left as it is and `check` reports it.
    (DuckDB cannot add a key in the transaction that removed the repeats, so
    the table is copied into a new one made by SCHEMA's statement.)
    """
    columns, wanted, ddl = expected_tables()
    have, have_columns = primary_keys(con), table_columns(con)
    for table, key in wanted.items():
        if have.get(table) == key or table not in have_columns:
            continue
        if have_columns[table] != columns[table]:
            log.warning("cannot restore the primary key of %s: its columns differ", table)
            continue
        names = ", ".join(f'"{c}"' for c in key)
        blanks = " OR ".join(f'"{c}" IS NULL' for c in key)
        row = con.execute(
            f"SELECT (SELECT count(*) FROM {table} WHERE {blanks}), (SELECT count(*) FROM "
            f"(SELECT {names} FROM (SELECT DISTINCT * FROM {table}) "
            "GROUP BY ALL HAVING count(*) > 1))"
        ).fetchone()
        if row is None or row[0] or row[1]:
            log.warning("cannot restore the primary key of %s: blank or repeated keys", table)
            continue
        con.execute(f"ALTER TABLE {table} RENAME TO bloc_rebuilt")
        con.execute(ddl[table])
        con.execute(f"INSERT INTO {table} SELECT DISTINCT * FROM bloc_rebuilt")
        con.execute("DROP TABLE bloc_rebuilt")
        log.info("restored the primary key of %s", table)
