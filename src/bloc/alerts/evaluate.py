"""Evaluating the rules on what changed, and recording each alert once.

Whoever drives a change (the CLI after `ingest`, `import` or a review, the
watch loop after a pass, the server after a review) hands `evaluate` what it
changed (`Changes`): the ids of the events stored or merged into, and
whether feeds were polled. Only the rules those can touch are looked at:
event rules read the changed events alone; risk rules score the members of
the alliances whose members (or the alliance itself) the changed events
name, from running sums the store keeps (`bloc.alerts.sums`), which the
changed events bring up to date first; quiet-feed rules run after a watch
pass. The evaluation holds the store open for writing throughout (the sums'
update, the reading, then the alerts, the rules' state and the pending
deliveries written in one transaction); every alliance's risk from the whole
record (`Changes.all_risk`) is read with the store open read-only.

An alert's id is a digest of its rule and its evidence (the event's id; the
member and the day its risk first crossed), so re-running, re-importing or
two evaluations racing never raise it twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.alerts import sums
from bloc.alerts.alert import Alert as Alert
from bloc.alerts.alert import alert_id
from bloc.alerts.risk_rules import RiskBook, risk_alerts
from bloc.alerts.rules import RISK_KINDS, Rule, risk_alliances, stored_rule
from bloc.core.alliance import KnowledgeBase
from bloc.core.dated import iso
from bloc.store import Store, View, default_db_path, opened
from bloc.store import alerts as stored
from bloc.store.reads import EventFilter, evidenced_events

DB = Path | str | View | None


@dataclass(frozen=True)
class Changes:
    """What a driver changed: events stored or merged into, whether feeds were polled,
    and whether every alliance's risk may have moved (UN votes imported, `bloc alerts
    check`). Event rules look at the changed events only: a rule added today does not
    raise alerts for the whole past (`bloc alerts replay` shows those)."""

    events: frozenset[str] = frozenset()
    feeds: bool = False
    all_risk: bool = False

    @classmethod
    def of(
        cls, events: Iterable[str] = (), *, feeds: bool = False, all_risk: bool = False
    ) -> Changes:
        return cls(frozenset(events), feeds, all_risk)

    def __bool__(self) -> bool:
        return bool(self.events or self.feeds or self.all_risk)


def utc_now() -> dt.datetime:
    """Now, in UTC without a zone (how the alert tables keep time)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def load_rules(store: Store) -> list[Rule]:
    return [stored_rule(*row) for row in stored.rule_rows(store)]


def evaluate(
    db: DB, changes: Changes, *, now: dt.datetime | None = None, on: dt.date | None = None
) -> list[Alert]:
    """Evaluate the rules on `changes`, store the new alerts; the alerts newly raised."""
    if not changes:
        return []
    now = now or utc_now()
    day = on or now.date()
    session = db if isinstance(db, View) else View(db) if db is not None else None
    view = session if session is not None else View(default_db_path())
    if changes.all_risk:  # every alliance's risk from the whole record, then the sums anew
        return _evaluate_all(view, changes, now, day)
    # One write session for the whole evaluation: the kept sums are brought up to date
    # and read, and the alerts written, through it (and what it reads stays warm).
    with opened(view, write=True) as store:
        rules = load_rules(store)
        if not rules:
            return []
        changes, found, new_states, touched = _read(store, rules, changes, now, day)
        risky = [r for r in rules if r.kind in RISK_KINDS and r.alliance in touched]
        wanted = risk_alliances(rules)
        if changes.events or risky:
            with store.transaction() as con:
                sums.refresh(store, con, view, wanted if risky else [], sorted(changes.events))
        if risky:
            book = sums.SumsBook(store, view, sorted({str(r.alliance) for r in risky}))
            alerts, states = risk_alerts(risky, book, stored.states(store), day, now)
            found += alerts
            new_states += states
        return record(store, found, new_states, sorted(changes.events))


def _read(
    store: Store, rules: list[Rule], changes: Changes, now: dt.datetime, day: dt.date
) -> tuple[Changes, list[Alert], list[stored.StateRow], set[str]]:
    """What the changes (and the events queued by writes whose evaluation never ran)
    raise by event and quiet-feed rules, and the alliances whose risk they touch."""
    waiting = stored.queued(store)
    if waiting - changes.events:
        changes = Changes(changes.events | waiting, changes.feeds, changes.all_risk)
    kb = store.knowledge
    found: list[Alert] = []
    new_states: list[stored.StateRow] = []
    touched: set[str] = set()
    if changes.events:
        events = evidenced_events(store, EventFilter(ids=tuple(sorted(changes.events))))
        found += match_events([r for r in rules if r.kind == "event"], events, kb, now)
        touched = touched_alliances(events, kb, day)
    if changes.all_risk:
        touched = set(kb.alliances)
    if changes.feeds:
        silence = stored.feed_silence(store)
        quiet = [r for r in rules if r.kind == "source-quiet"]
        alerts, states = quiet_feeds(quiet, silence, stored.states(store), now)
        found += alerts
        new_states += states
    return changes, found, new_states, touched


def _evaluate_all(view: View, changes: Changes, now: dt.datetime, day: dt.date) -> list[Alert]:
    """`evaluate` of every alliance's risk (UN votes imported, `bloc alerts check`): from
    the whole record, read with the store open read-only; then the sums are built anew."""
    with opened(view) as store:
        rules = load_rules(store)
        if not rules:
            return []
        changes, found, new_states, touched = _read(store, rules, changes, now, day)
        state = stored.states(store)
        risky = [r for r in rules if r.kind in RISK_KINDS and r.alliance in touched]
        wanted = risk_alliances(rules)
        full = RiskBook(view)
        full.read([str(r.alliance) for r in risky], store)
    if risky:
        alerts, states = risk_alerts(risky, full, state, day, now)
        found += alerts
        new_states += states
    with opened(view, write=True) as store:
        with store.transaction() as con:
            sums.refresh(store, con, view, wanted, [], again=True)
        return record(store, found, new_states, sorted(changes.events))


def record(
    db: DB | Store, found: list[Alert], states: list[stored.StateRow], done: Sequence[str] = ()
) -> list[Alert]:
    """Write the alerts not yet stored and the rules' new state, and take the events
    evaluated off the queue, in one transaction (through `db` if it is an open store)."""
    if not found and not states and not done:
        return []
    held = contextlib.nullcontext(db) if isinstance(db, Store) else opened(db, write=True)
    with held as s, s.transaction() as con:
        new = set(stored.raise_alerts(con, [a.row() for a in found]))
        stored.set_states(con, states)
        stored.dequeue(con, done)
    return [a for a in found if a.id in new]


# -- event rules -------------------------------------------------------------------------


def match_events(
    rules: list[Rule], events: pd.DataFrame, kb: KnowledgeBase, now: dt.datetime
) -> list[Alert]:
    """An alert for each (rule, event) the rule matches."""
    found = []
    records: list[dict[str, Any]] = events.to_dict("records")  # type: ignore[assignment]
    for event in records:
        day = _day(event["date"])
        for rule in rules:
            if event["type"] not in rule.types or (rule.modes and event["mode"] not in rule.modes):
                continue
            if not _roles_match(rule, str(event["source"]), str(event["target"]), day, kb):
                continue
            sentences = [
                {"sentence": str(v["sentence"]), "document": str(v["document"]),
                 "url": v.get("url"), "published": v.get("published")}
                for v in list(event["evidence"])[:5]
            ]  # fmt: skip
            found.append(
                Alert(
                    id=alert_id(rule.id, event["id"]),
                    rule=rule.id,
                    kind=rule.kind,
                    raised_at=now,
                    as_of=day,
                    title=f"{event['source']} {event['type']} {event['target']} "
                    f"({iso(day, str(event['date_precision']))}): {rule.describe()}",
                    evidence={
                        "event": str(event["id"]),
                        "source": str(event["source"]),
                        "target": str(event["target"]),
                        "type": str(event["type"]),
                        "mode": None if pd.isna(event["mode"]) else str(event["mode"]),
                        "date": day.isoformat(),
                        "precision": str(event["date_precision"]),
                        "origin": str(event["origin"]),
                        "sentences": sentences,
                    },
                )
            )
    return found


def _roles_match(rule: Rule, source: str, target: str, day: dt.date, kb: KnowledgeBase) -> bool:
    al = kb.alliance(str(rule.alliance))

    def fits(role: str, actor: str) -> bool:
        if role == "any":
            return True
        if role == "member":  # on the day (`members_on`, without sorting the members)
            return any(s.member == actor and s.covers(day) for s in al.membership)
        if role == "alliance":
            return actor == rule.alliance
        return actor == role

    if source == target:
        return False
    straight = fits(rule.source, source) and fits(rule.target, target)
    return straight or (rule.both_ways and fits(rule.source, target) and fits(rule.target, source))


def touched_alliances(events: pd.DataFrame, kb: KnowledgeBase, day: dt.date) -> set[str]:
    """The alliances whose risk on `day` the events can move: those with members on that
    day (a dissolved alliance has no risk to compute), named or naming one of them."""
    if events.empty:
        return set()
    actors = set(events["source"].astype(str)) | set(events["target"].astype(str))
    actors |= set(events["alliance"].dropna().astype(str))
    touched = set()
    for code, al in kb.alliances.items():
        members = {s.member for s in al.members_on(day)}
        if members and (code in actors or members & actors):
            touched.add(code)
    return touched


# -- quiet feeds -------------------------------------------------------------------------


def quiet_feeds(
    rules: list[Rule],
    feeds: list[tuple[str, dt.datetime | None, dt.datetime | None]],
    state: dict[tuple[str, str], stored.StateRow],
    now: dt.datetime,
) -> tuple[list[Alert], list[stored.StateRow]]:
    """A feed that has not answered well for the rule's hours (counted from when it was
    added, if it never has): raised once per silence."""
    found: list[Alert] = []
    states: list[stored.StateRow] = []
    for rule in rules:
        limit = dt.timedelta(hours=float(rule.hours or 0))
        for name, last_ok, added in feeds:
            if rule.feed and name != rule.feed:
                continue
            heard = last_ok or added
            holds = heard is not None and now - heard >= limit
            previous = state.get((rule.id, name))
            active = previous is not None and bool(previous[2])
            if holds and not active:
                what = f"since {heard:%Y-%m-%d %H:%M}" if last_ok else "since it was added"
                found.append(
                    Alert(
                        id=alert_id(rule.id, name, heard),
                        rule=rule.id,
                        kind=rule.kind,
                        raised_at=now,
                        as_of=now.date(),
                        title=f"the feed {name} has not answered {what}",
                        evidence={"feed": name, "last_ok": last_ok, "added": added,
                                  "hours": rule.hours},
                    )
                )  # fmt: skip
            states.append((rule.id, name, holds, now.date(), None))
    return found, states


def _day(value: Any) -> dt.date:
    """A plain date from what a frame holds (a Timestamp is a datetime, not a date)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return pd.Timestamp(value).date()


def evidence_of(alert_row: dict[str, Any]) -> dict[str, Any]:
    """An alert's stored evidence as a mapping."""
    value = alert_row.get("evidence")
    return json.loads(value) if isinstance(value, str) else dict(value or {})
