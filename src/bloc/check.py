"""Check a store and repair what can be repaired safely (`bloc check [--repair]`).

A store can go wrong outside bloc's own writes: edited by hand, copied half
way, or made by a bloc with a bug since fixed. Each check reports a count, a
few examples and what to do; repair fixes what is safe in one transaction
(deleting only true orphans, merging duplicates as ingest would) and checks
again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bloc.dates import compatible, truncate
from bloc.errors import StoreError
from bloc.model import Precision
from bloc.store import (
    SCHEMA,
    SCHEMA_VERSION,
    Store,
    default_db_path,
    newer_message,
    stored_version,
    upgrade,
)

log = logging.getLogger(__name__)


_EXAMPLES = 5
_PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")  # finest first, as in `dates`
# The columns the data checks read; without them those checks cannot run.
_NEEDED = {
    "events": ("id", "date", "date_precision", "source", "target", "type", "confidence", "origin"),
    "evidence": ("event_id", "document", "start"),
    "documents": ("id",),
}


@dataclass(frozen=True)
class Finding:
    """One check's result: how many things are wrong, a few of them, and what to do."""

    check: str
    detail: str
    count: int = 0
    examples: tuple[str, ...] = ()
    advice: str = ""
    repairable: bool = False
    info: bool = False  # a figure reported (documents stored), never a problem
    skipped: bool = False
    repaired: int = 0

    @property
    def ok(self) -> bool:
        return self.info or (self.count == 0 and not self.skipped)

    @property
    def status(self) -> str:
        if self.info:
            return "info"
        if self.skipped:
            return "not run"
        if self.count:
            return "problem"
        return "repaired" if self.repaired else "ok"


@dataclass(frozen=True)
class CheckReport:
    """What `check` found in a store (after repairing, when asked to)."""

    path: Path
    version: int | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def finding(self, check: str) -> Finding:
        """The finding of one check by name (KeyError if no such check ran)."""
        by_name = {f.check: f for f in self.findings}
        if check not in by_name:
            raise KeyError(f"no check named {check!r}: the checks are {', '.join(by_name)}")
        return by_name[check]

    def frame(self) -> pd.DataFrame:
        """One row per check, in the order they ran."""
        columns = ["check", "status", "count", "repaired", "detail", "examples", "advice"]
        return pd.DataFrame(
            [
                (
                    f.check,
                    f.status,
                    f.count,
                    f.repaired,
                    f.detail,
                    list(f.examples),
                    "" if f.ok else f.advice,
                )
                for f in self.findings
            ],
            columns=columns,
        )


def check_path(path: Path | str | None = None, *, repair: bool = False) -> CheckReport:
    """Check the store at `path` (read-only unless repairing); never creates a store."""
    target = Path(path) if path is not None else default_db_path()
    if not target.is_file():
        raise StoreError(
            f"there is no store at {target}: give the store's file with --db (or BLOC_DB), "
            "or create one with `bloc demo` or `bloc ingest`"
        )
    with Store.open(target, read_only=not repair, as_is=True) as store:
        return check(store, repair=repair)


def check(store: Store, *, repair: bool = False) -> CheckReport:
    """Verify a store; with `repair`, fix what is safe in one transaction and check again.

    Repair upgrades an older schema, creates missing tables, restores primary
    keys, deletes evidence of no event and text events with no evidence, and
    merges text events that ingest would have merged. Nothing else is removed.
    """
    before = _inspect(store)
    if not repair or before.ok:
        return before
    _repair(store)
    after = _inspect(store)
    counts = {f.check: f.count for f in before.findings if not f.info}
    return replace(
        after,
        findings=tuple(
            f if f.info else replace(f, repaired=max(0, counts.get(f.check, 0) - f.count))
            for f in after.findings
        ),
    )


def _inspect(store: Store) -> CheckReport:
    con = store.con
    findings = []
    present = _columns(con)
    try:
        version: int | None = stored_version(con)
        findings.append(_schema_finding(version, bool(present)))
    except StoreError as exc:
        version = None
        findings.append(Finding("schema", "unreadable schema version", 1, advice=str(exc)))
    old = version is None or version < SCHEMA_VERSION
    findings.append(_tables_finding(con, old, present))
    if all(c in present.get(t, ()) for t, cols in _NEEDED.items() for c in cols):
        findings += _data_findings(con)
    else:
        findings += [
            Finding(
                name,
                "not run: the tables it reads are incomplete",
                advice="fix the tables first (see above)",
                skipped=True,
            )
            for name in _DATA_CHECKS
        ]
    return CheckReport(store.path, version, tuple(findings))


def _schema_finding(version: int | None, has_tables: bool) -> Finding:
    if version == SCHEMA_VERSION:
        return Finding("schema", f"store schema {version}, the one this bloc uses")
    if version is None:
        return Finding(
            "schema",
            "no bloc schema recorded" + ("" if has_tables else " (an empty file)"),
            1,
            advice="`bloc check --repair` (or any bloc command that writes) creates the tables",
            repairable=True,
        )
    if version < SCHEMA_VERSION:
        return Finding(
            "schema",
            f"store schema {version}, older than this bloc's {SCHEMA_VERSION}",
            1,
            advice="`bloc check --repair` (or any bloc command that writes) upgrades it in one "
            "step, keeping every row",
            repairable=True,
        )
    return Finding(
        "schema",
        f"store schema {version}, newer than this bloc's {SCHEMA_VERSION}",
        1,
        advice="upgrade bloc (pip install --upgrade bloc) to use this store; "
        "this bloc will not write to it",
    )


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
    ).fetchall()
    return {str(table): tuple(columns) for table, columns in rows}


def _keys(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    rows = con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    return {str(table): tuple(columns) for table, columns in rows}


@functools.cache
def _expected() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, str]]:
    """Every table's columns, primary key and CREATE statement as SCHEMA makes them."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA)
        ddl = con.execute("SELECT table_name, sql FROM duckdb_tables()").fetchall()
        return _columns(con), _keys(con), {str(t): str(sql) for t, sql in ddl}
    finally:
        con.close()


def _tables_finding(
    con: duckdb.DuckDBPyConnection, old: bool, have: dict[str, tuple[str, ...]]
) -> Finding:
    columns, keys, _ = _expected()
    have_keys = _keys(con)
    missing: list[str] = []
    lost_column = False
    for table, wanted in columns.items():
        if table not in have:
            missing.append(f"table {table}")
            continue
        for column in wanted:
            if column not in have[table]:
                missing.append(f"column {table}.{column}")
                lost_column = True
        if table in keys and have_keys.get(table) != keys[table]:
            missing.append(f"primary key {table}({', '.join(keys[table])})")
    if not missing:
        return Finding("tables", "every table, column and primary key is there")
    if old:
        advice = "upgrading the schema adds them: `bloc check --repair`"
    elif lost_column:
        advice = (
            "a column was removed outside bloc and cannot be restored: save what you need "
            "with `bloc export`, then re-ingest the articles into a new store"
        )
    else:
        advice = "`bloc check --repair` creates missing tables and restores primary keys"
    return Finding(
        "tables",
        "tables, columns or primary keys missing",
        len(missing),
        tuple(missing[:_EXAMPLES]),
        advice,
        repairable=old or not lost_column,
    )


_DATA_CHECKS = (
    "duplicate_event_ids",
    "orphan_evidence",
    "events_without_evidence",
    "evidence_without_document",
    "duplicate_text_events",
)


def _data_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    def rows(sql: str) -> list[str]:
        return [str(row[0]) for row in con.execute(sql).fetchall()]

    ids = rows("SELECT id FROM events GROUP BY id HAVING count(*) > 1 ORDER BY id")
    orphans = rows(
        "SELECT event_id FROM evidence v "
        "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = v.event_id) ORDER BY ALL"
    )
    bare = rows(
        "SELECT id FROM events e WHERE origin = 'text' "
        "AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.event_id = e.id) ORDER BY id"
    )
    undocumented = rows(
        "SELECT v.document FROM evidence v JOIN events e ON e.id = v.event_id "
        "WHERE e.origin = 'text' "
        "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = v.document) ORDER BY ALL"
    )
    merges, _ = _text_duplicates(con)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM documents), "
        "(SELECT count(*) FILTER (WHERE origin = 'curated') FROM events), "
        "(SELECT count(*) FILTER (WHERE origin = 'text') FROM events), "
        "(SELECT count(*) FROM events), (SELECT count(*) FROM evidence)"
    ).fetchone()
    documents, curated, text, events, evidence = (int(n) for n in counts or (0,) * 5)

    def few(values: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(values))[:_EXAMPLES]

    return [
        Finding(
            "duplicate_event_ids",
            "event ids stored more than once",
            len(ids),
            few(ids),
            "repair keeps one of each set of identical rows and restores the primary key; "
            "rows that differ under one id must be resolved by hand",
            repairable=True,
        ),
        Finding(
            "orphan_evidence",
            "evidence rows whose event is not in the store",
            len(orphans),
            few(orphans),
            "repair deletes them: they support no event",
            repairable=True,
        ),
        Finding(
            "events_without_evidence",
            "text events with no evidence row",
            len(bare),
            few(bare),
            "repair deletes them: bloc cannot trace them to a sentence, so `bloc events` "
            "does not show them; re-ingest the articles to code them again",
            repairable=True,
        ),
        Finding(
            "evidence_without_document",
            "evidence rows of text events whose document is not in documents",
            len(undocumented),
            few(undocumented),
            "re-ingest those documents (`bloc ingest PATH`): their record comes back and the "
            "evidence, which is sound, is kept; repair leaves them as they are",
        ),
        Finding(
            "duplicate_text_events",
            "text events ingest would have merged (same actors and type, dates that agree)",
            len(merges),
            few([f"{merged} into {kept}" for merged, kept in merges]),
            "repair merges each into the earlier one, moving its evidence and keeping the "
            "finer date, as ingest does",
            repairable=True,
        ),
        Finding("documents", "documents stored", documents, info=True),
        Finding("events", f"events stored ({curated} curated, {text} text)", events, info=True),
        Finding("evidence", "evidence rows stored", evidence, info=True),
    ]


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
        """The oldest slot whose date agrees with (day, precision), as `dates.compatible` says."""
        rank = _PRECISIONS.index(precision)
        found = [
            self.exact[key]
            for coarser in _PRECISIONS[rank + 1 :]
            if (key := (coarser, truncate(day, coarser))) in self.exact
        ]
        found += self.inside.get((precision, truncate(day, precision)), [])[:1]
        slot = min(found, key=lambda s: s.order, default=None)
        assert slot is None or compatible((slot.date, slot.precision), (day, precision))
        return slot

    def add(self, slot: _Slot, since: int | None = None) -> None:
        """Index a new slot, or (`since`: its old rank) one whose date was just refined."""
        rank = _PRECISIONS.index(slot.precision)
        self.exact[(slot.precision, truncate(slot.date, slot.precision))] = slot
        for coarser in _PRECISIONS[rank : since if since is not None else None]:
            group = self.inside.setdefault((coarser, truncate(slot.date, coarser)), [])
            bisect.insort(group, slot, key=lambda s: s.order)

    def refine(self, slot: _Slot, day: dt.date, precision: Precision) -> None:
        since = _PRECISIONS.index(slot.precision)
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
        if _PRECISIONS.index(precision) < _PRECISIONS.index(slot.precision):
            group.refine(slot, day, precision)
        slot.confidence = min(0.99, max(slot.confidence, float(confidence or 0.0)) + 0.05)
        kept[slot.id] = slot
    return merges, kept


def _text_duplicates(
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
            """
            WITH t AS (SELECT source, target, type, id, date, date_precision AS p
                       FROM events WHERE origin = 'text'),
            holding AS (
                SELECT t.source, t.target, t.type, t.id, q.p, date_trunc(q.p, t.date) AS start
                FROM t JOIN (VALUES ('day', 0), ('month', 1), ('year', 2)) q(p, rank)
                  ON q.rank >= list_position(['day', 'month', 'year'], t.p) - 1
            ),
            agreeing AS (
                SELECT DISTINCT h.source, h.target, h.type
                FROM holding h JOIN t USING (source, target, type, p)
                WHERE h.start = date_trunc(t.p, t.date) AND h.id <> t.id
            )
            SELECT source, target, type, id, date, date_precision, confidence
            FROM events JOIN agreeing USING (source, target, type)
            WHERE origin = 'text' ORDER BY source, target, type, id
            """
        ).fetchall()
    )


def _repair(store: Store) -> None:
    version = stored_version(store.con)  # an unreadable version raises: nothing to go on
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(newer_message(store.path, version) + "; nothing was repaired")
    try:
        with store.transaction() as con:
            upgrade(con, version, store.path)
            have = _columns(con)
            if all(c in have.get(t, ()) for t, cols in _NEEDED.items() for c in cols):
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
    merges, kept = _text_duplicates(con)
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
    columns, wanted, ddl = _expected()
    have, have_columns = _keys(con), _columns(con)
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
