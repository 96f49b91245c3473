"""Replay: what the observatory would have told a user had it been running all along.

The rules are evaluated on each day from `since` to `until`, `step` days
apart, with only what was known on that day (the store's look-ahead rule:
an event counts from the day it could have been read, a risk score is the
one computed as of that day). Event rules fire on the step an event first
becomes known; risk rules keep their state from step to step, as a live
watcher's would (a risk-jump's window starts on the step day at or before
its first day, so each score is computed once). Nothing is stored: a
replay shows, it does not raise. Quiet-feed rules are left out: a feed's
past silences are not kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bloc.alerts.alert import Alert
from bloc.alerts.evaluate import load_rules, match_events
from bloc.alerts.risk_rules import RiskBook, risk_alerts
from bloc.alerts.rules import RISK_KINDS
from bloc.errors import AlertError
from bloc.store import View, opened
from bloc.store import alerts as stored
from bloc.store.reads import EventFilter, evidenced_events

DB = Path | str | View | None


def replay(db: DB, since: dt.date, until: dt.date | None = None, step: int = 7) -> list[Alert]:
    """Every alert the rules would have raised from `since` to `until` (today), in order."""
    until = until or dt.date.today()
    if until < since:
        raise AlertError(f"--until ({until}) is before --since ({since})")
    if not 1 <= step <= 366:
        raise AlertError("--step must be a number of days from 1 to 366")
    session = db if isinstance(db, View) else View(db) if db is not None else None
    with opened(session) as store:
        rules = load_rules(store)
        kb = store.knowledge
        seen = set(
            evidenced_events(store, EventFilter(known_on=since - dt.timedelta(days=1)))["id"]
        )
        days = [since + dt.timedelta(days=n) for n in range(0, (until - since).days + 1, step)]
        if days[-1] != until:
            days.append(until)
        per_day = []
        for day in days:
            known = evidenced_events(store, EventFilter(known_on=day))
            fresh = known[~known["id"].isin(seen)]
            seen |= set(fresh["id"])
            per_day.append((day, fresh))
    if not rules:
        raise AlertError("no alert rules yet: `bloc alerts starter` adds the defaults")
    events = [r for r in rules if r.kind == "event"]
    risky = [r for r in rules if r.kind in RISK_KINDS]
    book = RiskBook(session, [day for day, _ in per_day])
    state: dict[tuple[str, str], stored.StateRow] = {}
    found: list[Alert] = []
    for day, fresh in per_day:
        at = dt.datetime.combine(day, dt.time())
        found += match_events(events, fresh, kb, at)
        alerts, states = risk_alerts(risky, book, state, day, at)
        found += alerts
        state.update({(s[0], s[1]): s for s in states})
    return found
