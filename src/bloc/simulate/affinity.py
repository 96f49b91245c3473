"""Whose side a member takes, read from its votes in the UN General Assembly.

Where the store holds no events on the members (the Rio Treaty in 1962 and
1982, ANZUS in 2001), the General Assembly's roll calls are the one record of
their foreign policy bloc holds for those days. A member that votes with the
requester and against the aggressor is on the requester's side; one that
votes with the aggressor is not. The measure is the affinity of Signorino and
Ritter (S, on the yes 1 / abstain 0.5 / no 0 scale of bloc.measures.votes:
1 - 2 * mean squared distance, -1..1) over the roll calls of the
`RECENT_YEARS` (three sessions, as the exit-risk vote signal reads) before
the day, known by then:

    side = (S(member, requester) - S(member, aggressor)) / 2 * n / (n + EVIDENCE)

Halving maps the difference (-2..2) onto the -1..1 scale of the relations
factor it stands beside, at the same weight (1); `n / (n + EVIDENCE)`
shrinks it when the two shared few roll calls, as the vote signal of exit
risk does (bloc.measures.drift). An aggressor that is not a state (a
non-state group) casts no votes: its affinity with anyone is S's neutral
point, 0. A state aggressor that shared no roll call with the member in the
window leaves the comparison, and the factor, out. No constant is new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import vote_code
from bloc.measures.drift import EVIDENCE, RECENT_YEARS
from bloc.measures.votes import valued_votes
from bloc.store import Store
from bloc.store.votes import read_votes


@dataclass(frozen=True)
class Side:
    """One member's side-taking between requester and aggressor, with its evidence."""

    value: float  # the factor: -1 (the aggressor's side) .. 1 (the requester's)
    with_requester: float  # S with the requester
    with_aggressor: float | None  # S with the aggressor (None: no state, taken as 0)
    votes: int  # roll calls the comparison rests on


def _s(table: pd.DataFrame, a: str, b: str) -> tuple[float, int]:
    """S between `a` and `b` over the roll calls both voted on, and how many."""
    if a not in table.columns or b not in table.columns:
        return 0.0, 0
    x, y = table[a].to_numpy(float), table[b].to_numpy(float)
    both = ~(np.isnan(x) | np.isnan(y))
    n = int(both.sum())
    if n == 0:
        return 0.0, 0
    return float(1 - 2 * np.mean((x[both] - y[both]) ** 2)), n


def sides(
    store: Store,
    kb: KnowledgeBase,
    members: list[str],
    requester: str,
    aggressor: str | None,
    on: dt.date,
) -> dict[str, Side]:
    """Each member's side (see the module) as of `on`; members without shared votes are left out."""
    state = aggressor is not None and _is_state(kb, aggressor)
    named = [*members, requester, *([aggressor] if state and aggressor else [])]
    filed = {s: vote_code(kb, s) for s in named}
    calls, cast = read_votes(store, sorted(set(filed.values())), on)
    if calls.empty or cast.empty:
        return {}
    start = pd.Timestamp(on) - pd.DateOffset(years=RECENT_YEARS)
    calls = calls[calls.date > start]
    cast = cast[cast.rcid.isin(set(calls.rcid))]
    back = {code: s for s, code in filed.items()}
    cast = cast.assign(member=cast.member.map(back).fillna(cast.member))
    valued = valued_votes(calls, cast, None)
    # One row per roll call, one column per state: its vote's value (absent: no value).
    table = valued.pivot_table(index="rcid", columns="member", values="value", aggfunc="first")
    out: dict[str, Side] = {}
    for m in members:
        if m in (requester, aggressor):
            continue
        with_req, n = _s(table, m, requester)
        if n == 0:
            continue
        with_agg: float | None = None
        if state and aggressor:
            with_agg, n_agg = _s(table, m, aggressor)
            if n_agg == 0:
                continue
            n = min(n, n_agg)
        shrink = n / (n + EVIDENCE)
        value = (with_req - (with_agg or 0.0)) / 2 * shrink
        out[m] = Side(value, with_req, with_agg, n)
    return out


def _is_state(kb: KnowledgeBase, code: str) -> bool:
    """Whether `code` votes in the General Assembly at all (a state, not a group)."""
    actor = kb.actors.get(code)
    return actor is None or actor.kind == "state"
