"""Check a store and repair what can be repaired safely (`bloc check [--repair]`).

A store can go wrong outside bloc's own writes: edited by hand, copied half
way, or made by a bloc with a bug since fixed. Each check reports a count, a
few examples and what to do; repair fixes what is safe in one transaction
(deleting only true orphans, merging duplicates as ingest would) and checks
again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from bloc.errors import StoreError
from bloc.store.db import Store, default_db_path
from bloc.store.decisions import LATEST
from bloc.store.repair import repair_store, text_duplicates
from bloc.store.schema import (
    NEEDED,
    SCHEMA_VERSION,
    expected_tables,
    primary_keys,
    stored_version,
    table_columns,
)
from bloc.store.view import evidence_origin_sql

log = logging.getLogger(__name__)


_EXAMPLES = 5


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
    repair_store(store)
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
    present = table_columns(con)
    try:
        version: int | None = stored_version(con)
        findings.append(_schema_finding(version, bool(present)))
    except StoreError as exc:
        version = None
        findings.append(Finding("schema", "unreadable schema version", 1, advice=str(exc)))
    old = version is None or version < SCHEMA_VERSION
    findings.append(_tables_finding(con, old, present))
    if all(c in present.get(t, ()) for t, cols in NEEDED.items() for c in cols):
        findings += _data_findings(con)
        if {"id", "event_id", "decision"} <= set(present.get("decisions", ())):
            findings += _decision_findings(con)
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


def _tables_finding(
    con: duckdb.DuckDBPyConnection, old: bool, have: dict[str, tuple[str, ...]]
) -> Finding:
    columns, keys, _ = expected_tables()
    have_keys = primary_keys(con)
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


def _decision_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Analysts' review decisions: how many, and those whose event is gone (information).

    A decision outlives its event by design (the log is never cut): the event
    may be coded again from a changed article under the same id, and then the
    decision applies again.
    """
    row = con.execute(
        f"SELECT count(*), count(DISTINCT event_id), "
        f"(SELECT count(*) FILTER (WHERE decision = 'confirm') FROM ({LATEST})), "
        f"(SELECT count(*) FILTER (WHERE decision = 'correct') FROM ({LATEST})), "
        f"(SELECT count(*) FILTER (WHERE decision = 'reject') FROM ({LATEST})) FROM decisions"
    ).fetchone()
    taken, events, confirmed, corrected, rejected = (int(n) for n in row or (0,) * 5)
    gone = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT event_id FROM decisions d "
            "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id) ORDER BY ALL"
        ).fetchall()
    ]
    return [
        Finding(
            "decisions",
            f"review decisions taken on {events} events (in effect: {confirmed} confirmed, "
            f"{corrected} corrected, {rejected} rejected)",
            taken,
            info=True,
        ),
        Finding(
            "decisions_without_event",
            "events with review decisions that are no longer in the store (the decisions "
            "are kept, and apply again if the event is coded again)",
            len(gone),
            tuple(gone[:_EXAMPLES]),
            info=True,
        ),
    ]


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
    undocumented = rows(  # a dataset's row that merged into a text event has no document
        "SELECT v.document FROM evidence v JOIN events e ON e.id = v.event_id "
        f"WHERE e.origin = 'text' AND {evidence_origin_sql('e', 'v')} = 'text' "
        "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = v.document) ORDER BY ALL"
    )
    merges, _ = text_duplicates(con)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM documents), "
        "(SELECT count(*) FILTER (WHERE origin = 'curated') FROM events), "
        "(SELECT count(*) FILTER (WHERE origin = 'text') FROM events), "
        "(SELECT count(*) FROM events), (SELECT count(*) FROM evidence)"
    ).fetchone()
    documents, curated, text, events, evidence = (int(n) for n in counts or (0,) * 5)
    imported = events - curated - text

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
        Finding(
            "events",
            f"events stored ({curated} curated, {text} text, {imported} imported)",
            events,
            info=True,
        ),
        Finding("evidence", "evidence rows stored", evidence, info=True),
    ]


def stored_rows(path: Path | str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of a store's events, evidence and documents (all but when each was
    stored), in a fixed order: what two ingests of the same input must agree on (the
    worker-count and engine comparisons of the tests and of bench/ingest.py)."""
    with Store.open(Path(path), read_only=True) as store:
        return {
            "events": store.con.execute("SELECT * FROM events ORDER BY id").fetchall(),
            "evidence": store.con.execute("SELECT * FROM evidence ORDER BY ALL").fetchall(),
            "documents": store.con.execute(
                "SELECT id, url, title, published, sha256, sentences, status, origin, lang "
                "FROM documents ORDER BY id"
            ).fetchall(),
        }
