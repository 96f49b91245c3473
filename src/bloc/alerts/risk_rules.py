"""The risk rules: a member's exit risk reaching a threshold, or rising within a window.

Scores come from a `Book`: the whole record (`RiskBook`, which a replay and
`bloc alerts check` read) or the running sums the store keeps
(`bloc.alerts.sums.SumsBook`, which every evaluation after a change reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pandas as pd

from bloc import measures
from bloc.alerts.alert import Alert, alert_id
from bloc.alerts.rules import Rule
from bloc.store import Store, View
from bloc.store import alerts as stored

DB = Path | str | View | None


class RiskBook:
    """Exit-risk scores by (alliance, day), each computed once per evaluation, from the
    alliance's signals read once (a replay asks for many days)."""

    def __init__(self, db: DB, grid: list[dt.date] | None = None) -> None:
        self.db = db
        self.grid = sorted(grid or [])  # a replay's days: a window's start snaps to one
        self._scores: dict[tuple[str, dt.date], pd.DataFrame] = {}
        self._observed: dict[str, measures.Observed] = {}

    def read(self, alliances: Iterable[str], store: Store | None = None) -> None:
        """Read the signals of these alliances in one pass over the store (from `store`
        if given, open), rather than one pass each when their risk is first asked."""
        wanted = [a for a in dict.fromkeys(alliances) if a not in self._observed]
        if wanted:
            self._observed.update(measures.observe_many(wanted, self.db, store))

    def on(self, alliance: str, day: dt.date) -> pd.DataFrame:
        key = (alliance, day)
        if key not in self._scores:
            if alliance not in self._observed:
                self._observed[alliance] = measures.observe(alliance, self.db)
            data = self._observed[alliance]
            self._scores[key] = measures.risk(data, on=day, db=self.db)
        return self._scores[key]

    def snap(self, day: dt.date) -> dt.date:
        """The latest grid day on or before `day` (the day itself without a grid)."""
        earlier = [d for d in self.grid if d <= day]
        return earlier[-1] if earlier else day

    def score(self, alliance: str, day: dt.date) -> dict[str, tuple[float, list[str]]]:
        frame = self.on(alliance, day)
        return {
            str(r["member"]): (float(r["score"]), list(r["reasons"]))
            for r in frame.to_dict("records")
        }

    def evidence(self, alliance: str, day: dt.date, member: str) -> list[str]:
        frame = self.on(alliance, day)
        return list(frame.loc[frame["member"] == member, "evidence"].iloc[0])


class Book(Protocol):
    """Where the risk rules read scores: the whole record (`RiskBook`) or the kept sums
    (`bloc.alerts.sums.SumsBook`)."""

    def snap(self, day: dt.date) -> dt.date: ...

    def score(self, alliance: str, day: dt.date) -> dict[str, tuple[float, list[str]]]: ...

    def evidence(self, alliance: str, day: dt.date, member: str) -> list[str]: ...


def risk_alerts(
    rules: list[Rule],
    book: Book,
    state: dict[tuple[str, str], stored.StateRow],
    day: dt.date,
    now: dt.datetime,
) -> tuple[list[Alert], list[stored.StateRow]]:
    """risk-above: raised when a member's score reaches the threshold (once, until it
    falls back below); risk-jump: when it rose by the amount within the window."""
    found: list[Alert] = []
    states: list[stored.StateRow] = []
    for rule in rules:
        alliance = str(rule.alliance)
        after = book.score(alliance, day)
        before: dict[str, float] = {}
        if rule.kind == "risk-jump" and any(
            v[0] >= float(rule.amount or 1.0) for v in after.values()
        ):
            # A rise of `amount` needs a score of at least `amount` now: only then is the
            # score at the window's start worth computing (it reads the alliance again).
            start = book.snap(day - dt.timedelta(days=int(rule.window or 0)))
            before = {m: v[0] for m, v in book.score(alliance, start).items()}
        for member, (score, reasons) in after.items():
            previous = state.get((rule.id, member))
            if rule.kind == "risk-above":
                was = None if previous is None else previous[4]
                holds = score >= float(rule.threshold or 1.0)
                title = f"{member}'s exit risk in {alliance} reached {score:.2f}"
            else:
                was = before.get(member, 0.0)
                holds = score - was >= float(rule.amount or 1.0)
                title = (
                    f"{member}'s exit risk in {alliance} rose from {was:.2f} to {score:.2f} "
                    f"within {rule.window} days"
                )
            active = previous is not None and bool(previous[2])
            since = previous[3] if active and previous is not None else day
            if holds and not active:
                found.append(
                    Alert(
                        id=alert_id(rule.id, member, day.isoformat()),
                        rule=rule.id,
                        kind=rule.kind,
                        raised_at=now,
                        as_of=day,
                        title=title + (f" (was {was:.2f})" if rule.kind == "risk-above"
                                       and was is not None else ""),
                        evidence={"member": member, "alliance": alliance, "before": was,
                                  "after": round(score, 4), "reasons": reasons[:4],
                                  "events": book.evidence(alliance, day, member)[:8]},
                    )
                )  # fmt: skip
            states.append((rule.id, member, holds, since if holds else day, score))
    return found, states
