"""The rules and alerts a store holds: adding, listing, removing, and the log.

Rules are checked before anything is written (`bloc.alerts.rules.check`): a
bad rule among several stores none of them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from bloc.alerts import sums
from bloc.alerts.evaluate import load_rules, utc_now
from bloc.alerts.rules import Rule, check, risk_alliances, starter_rules
from bloc.errors import NotFoundError
from bloc.store import View, opened
from bloc.store import alerts as stored

DB = Path | str | View | None
RULE_COLUMNS = ["id", "kind", "alliance", "says"]
ALERT_COLUMNS = ["id", "rule", "kind", "raised_at", "as_of", "title", "evidence", "sent",
                 "failed", "pending"]  # fmt: skip


def add_rules(rules: Sequence[Rule], db: DB = None) -> tuple[int, int]:
    """Store the rules (checked against the store's knowledge base first); (added, known)."""
    with opened(db, write=True) as store:
        checked = [check(rule, store.knowledge) for rule in rules]
        rows = [(r.id, r.kind, r.alliance, r.spec()) for r in checked]
        with store.transaction() as con:
            added = stored.add_rules(con, rows, utc_now())
            # A risk rule reads the running sums of its alliance: built now, from the
            # whole record, so that evaluations after changes cost what changed.
            wanted = risk_alliances(load_rules(store))
            view = db if isinstance(db, View) else View(db if db is not None else store.path)
            sums.refresh(store, con, view, wanted, [])
    return added, len(rows) - added


def add_starter(db: DB = None) -> tuple[int, int]:
    """The default rules for every alliance the knowledge base holds (added once)."""
    with opened(db) as store:
        kb = store.knowledge
    return add_rules(starter_rules(kb), db)


def remove_rule(rule: str, db: DB = None) -> None:
    with opened(db, write=True) as store, store.transaction() as con:
        if not stored.remove_rule(con, rule):
            raise NotFoundError(f"there is no alert rule {rule!r:.90} (`bloc alerts list`)")


def rules_frame(db: DB = None) -> pd.DataFrame:
    with opened(db) as store:
        rules = load_rules(store)
    rows = [
        {"id": r.id, "kind": r.kind, "alliance": r.alliance, "says": r.describe()} for r in rules
    ]
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def alerts_frame(
    db: DB = None, since: dt.date | None = None, limit: int | None = None
) -> pd.DataFrame:
    """The alerts raised (since a day, if given), newest first; evidence as a mapping."""
    start = dt.datetime.combine(since, dt.time()) if since else None
    with opened(db) as store:
        frame = stored.alerts_table(store, start, limit)
    if frame.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    frame["evidence"] = [json.loads(e) if e else {} for e in frame["evidence"]]
    frame["as_of"] = [pd.Timestamp(d).date() for d in frame["as_of"]]
    return frame[ALERT_COLUMNS]
