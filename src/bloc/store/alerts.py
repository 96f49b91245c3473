"""Alert rules, raised alerts, their state, webhooks and deliveries, as the store keeps them.

`bloc.alerts` decides (what a rule means, when it fires, how a hook is
called); these functions only read and write the six tables of schema 9.
The ones given a connection run in the caller's transaction, so an alert,
the state that stops it firing twice and its pending deliveries are written
together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from bloc.store.db import Store
from bloc.store.risk_sums import forget as forget_sums

if TYPE_CHECKING:  # pandas is imported by whoever reads a table (Store.query), not by writes
    import pandas as pd

RuleRow = tuple[str, str, str | None, str]  # id, kind, alliance, spec (JSON)
HookRow = tuple[str, str, str, bool]  # id, url, secret, allow_private
AlertRow = tuple[str, str, str, dt.datetime, dt.date, str, str]
"""id, rule, kind, raised_at, as_of, title, evidence (JSON)"""


def add_rules(con: duckdb.DuckDBPyConnection, rows: Sequence[RuleRow], when: dt.datetime) -> int:
    """Add rules not yet stored (by id); how many were added."""
    known = {str(r[0]) for r in con.execute("SELECT id FROM alert_rules").fetchall()}
    fresh = [row for row in rows if row[0] not in known]
    if fresh and not known:  # no rule before: the writes since the sums were kept
        forget_sums(con)  # were not queued (`queue_changes`), so they are built anew
    if fresh:
        con.executemany(
            "INSERT INTO alert_rules VALUES (?, ?, ?, ?, ?)", [[*row, when] for row in fresh]
        )
    return len(fresh)


def rule_rows(store: Store) -> list[RuleRow]:
    rows: list[Any] = store.con.execute(
        "SELECT id, kind, alliance, spec FROM alert_rules ORDER BY id"
    ).fetchall()
    return [tuple(row) for row in rows]


def remove_rule(con: duckdb.DuckDBPyConnection, rule: str) -> bool:
    """Remove a rule and its state (the alerts it raised stay, as history)."""
    if con.execute("SELECT 1 FROM alert_rules WHERE id = ?", [rule]).fetchone() is None:
        return False
    con.execute("DELETE FROM alert_state WHERE rule = ?", [rule])
    con.execute("DELETE FROM alert_rules WHERE id = ?", [rule])
    return True


StateRow = tuple[str, str, bool, dt.date, float | None]
"""rule, subject (a member, a feed), active (its condition held), since, last value"""


def states(store: Store) -> dict[tuple[str, str], StateRow]:
    """What each (rule, subject) was at the last evaluation."""
    rows: list[Any] = store.con.execute(
        "SELECT rule, subject, active, since, value FROM alert_state"
    ).fetchall()
    return {(str(r[0]), str(r[1])): tuple(r) for r in rows}


def set_states(con: duckdb.DuckDBPyConnection, rows: Sequence[StateRow]) -> None:
    """Replace the state of these (rule, subject)s (the last given of each), in one
    statement: a row at a time took longer than the evaluation that made them. Arrow
    keeps a NaN score (no evidence) apart from a feed's NULL, as the rows have them."""
    if not rows:
        return
    last = list({(r[0], r[1]): r for r in rows}.values())
    table = pa.table(
        {
            "rule": pa.array([r[0] for r in last], pa.string()),
            "subject": pa.array([r[1] for r in last], pa.string()),
            "active": pa.array([bool(r[2]) for r in last], pa.bool_()),
            "since": pa.array([r[3] for r in last], pa.date32()),
            "value": pa.array([None if r[4] is None else float(r[4]) for r in last], pa.float64()),
        }
    )
    _insert(con, "INSERT OR REPLACE INTO alert_state SELECT * FROM rows_in", table)


def _insert(con: duckdb.DuckDBPyConnection, sql: str, table: pa.Table) -> None:
    """Run `sql`, which reads `rows_in`, with `table` as it."""
    con.register("rows_in", table)
    try:
        con.execute(sql)
    finally:
        con.unregister("rows_in")


def queue_changes(con: duckdb.DuckDBPyConnection, events: Sequence[str]) -> None:
    """Note events a write changed, for the next evaluation, while any alert rule exists
    (in the write's own transaction: a crash after it loses none)."""
    if events:
        con.execute(
            "INSERT INTO alert_queue SELECT DISTINCT unnest(?) "
            "WHERE EXISTS (SELECT 1 FROM alert_rules) ON CONFLICT DO NOTHING",
            [list(events)],
        )


def watching(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an evaluation after a write could do anything: an alert rule exists, or a
    delivery is pending. A command that wrote can skip the alerts (and loading them) else."""
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM alert_rules) "
        "OR EXISTS (SELECT 1 FROM alert_deliveries WHERE status = 'pending')"
    ).fetchone()
    return bool(row and row[0])


def queued(store: Store) -> set[str]:
    return {str(r[0]) for r in store.con.execute("SELECT event_id FROM alert_queue").fetchall()}


def dequeue(con: duckdb.DuckDBPyConnection, events: Sequence[str]) -> None:
    if events:
        con.execute("DELETE FROM alert_queue WHERE list_contains(?, event_id)", [list(events)])


def raise_alerts(con: duckdb.DuckDBPyConnection, rows: Sequence[AlertRow]) -> list[str]:
    """Store alerts whose id is new, with a pending delivery to every hook; their ids."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    known = {
        str(r[0])
        for r in con.execute(
            "SELECT id FROM alerts WHERE id IN (SELECT unnest(?))", [ids]
        ).fetchall()
    }
    fresh = [row for row in dict((row[0], row) for row in rows).values() if row[0] not in known]
    if not fresh:
        return []
    columns = list(zip(*fresh, strict=True))
    table = pa.table(
        {
            "id": pa.array(columns[0], pa.string()),
            "rule": pa.array(columns[1], pa.string()),
            "kind": pa.array(columns[2], pa.string()),
            "raised_at": pa.array(columns[3], pa.timestamp("us")),
            "as_of": pa.array(columns[4], pa.date32()),
            "title": pa.array(columns[5], pa.string()),
            "evidence": pa.array(columns[6], pa.string()),
        }
    )
    _insert(con, "INSERT INTO alerts SELECT * FROM rows_in", table)
    new = [row[0] for row in fresh]
    con.execute(
        "INSERT INTO alert_deliveries SELECT a.id, h.id, 'pending', 0, NULL, ? "
        "FROM (SELECT unnest(?) AS id) a CROSS JOIN alert_hooks h",
        [fresh[0][3], new],
    )
    return new


def alerts_table(
    store: Store, since: dt.datetime | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Raised alerts, newest first, with each one's delivery counts."""
    where, params = ("WHERE a.raised_at >= ?", [since]) if since else ("", [])
    cut = f"LIMIT {int(limit)}" if limit else ""
    return store.query(
        "SELECT a.id, a.rule, a.kind, a.raised_at, a.as_of, a.title, a.evidence, "
        "count(d.hook) FILTER (WHERE d.status = 'sent') AS sent, "
        "count(d.hook) FILTER (WHERE d.status = 'failed') AS failed, "
        "count(d.hook) FILTER (WHERE d.status = 'pending') AS pending "
        f"FROM alerts a LEFT JOIN alert_deliveries d ON d.alert = a.id {where} "
        f"GROUP BY ALL ORDER BY a.raised_at DESC, a.as_of DESC, a.id {cut}",
        params,
    )


def add_hook(con: duckdb.DuckDBPyConnection, hook: HookRow, when: dt.datetime) -> None:
    con.execute("INSERT INTO alert_hooks VALUES (?, ?, ?, ?, ?)", [*hook, when])


def hook_rows(store: Store) -> list[HookRow]:
    rows: list[Any] = store.con.execute(
        "SELECT id, url, secret, allow_private FROM alert_hooks ORDER BY id"
    ).fetchall()
    return [tuple(row) for row in rows]


def hook_with_url(con: duckdb.DuckDBPyConnection, url: str) -> str | None:
    row = con.execute("SELECT id FROM alert_hooks WHERE url = ?", [url]).fetchone()
    return None if row is None else str(row[0])


def remove_hook(con: duckdb.DuckDBPyConnection, hook: str) -> bool:
    if con.execute("SELECT 1 FROM alert_hooks WHERE id = ?", [hook]).fetchone() is None:
        return False
    con.execute("DELETE FROM alert_deliveries WHERE hook = ? AND status = 'pending'", [hook])
    con.execute("DELETE FROM alert_hooks WHERE id = ?", [hook])
    return True


def pending_deliveries(store: Store) -> list[tuple[str, str, int, str]]:
    """(alert, hook, attempts, payload JSON) of every delivery still to make, oldest first."""
    rows: list[Any] = store.con.execute(
        "SELECT d.alert, d.hook, d.attempts, to_json({'id': a.id, 'rule': a.rule, "
        "'kind': a.kind, 'raised_at': strftime(a.raised_at, '%Y-%m-%dT%H:%M:%S'), "
        "'as_of': strftime(a.as_of, '%Y-%m-%d'), 'title': a.title, "
        "'evidence': json(a.evidence)})::VARCHAR "
        "FROM alert_deliveries d JOIN alerts a ON a.id = d.alert "
        "WHERE d.status = 'pending' ORDER BY a.raised_at, d.alert, d.hook"
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def record_delivery(
    con: duckdb.DuckDBPyConnection,
    alert: str,
    hook: str,
    status: str,
    attempts: int,
    error: str | None,
    when: dt.datetime,
) -> None:
    con.execute(
        "UPDATE alert_deliveries SET status = ?, attempts = ?, last_error = ?, updated_at = ? "
        "WHERE alert = ? AND hook = ?",
        [status, attempts, error, when, alert, hook],
    )


def deliveries_table(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT alert, hook, status, attempts, last_error, updated_at FROM alert_deliveries "
        "ORDER BY updated_at DESC, alert, hook"
    )


def feed_silence(store: Store) -> list[tuple[str, dt.datetime | None, dt.datetime | None]]:
    """Every feed's name, when it last answered well, and when it was added."""
    rows: list[Any] = store.con.execute(
        "SELECT name, last_ok, added_at FROM feeds ORDER BY name"
    ).fetchall()
    return [tuple(row) for row in rows]


def evidence_json(value: Any) -> str:
    """An alert's evidence as stored: JSON with dates as ISO text."""
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
