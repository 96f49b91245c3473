"""Alignment: how closely each member sides with the alliance and its leader, over time.

A member's alignment is the decayed, confidence-weighted mean tone of its
conduct toward the leader, the alliance and the leader's rivals, and of its
UN votes beside the leader's (docs/analysis.md).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bloc.measures.cache import cached
from bloc.measures.decay import (
    HALF_LIFE_DAYS,
    PRIOR_WEIGHT,
    check_by,
    day_number,
    days,
    grouped_decayed,
    period_ends,
    period_label,
    shrunk,
    span,
)
from bloc.measures.observed import ALLIANCE, KINDS, LEADER, MEMBER, RIVALS, VOTE, Observed
from bloc.measures.signals import DB, data_of, member_on


@cached
def alignment(
    alliance: str | Observed,
    by: str = "year",
    member: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """Each member's alignment with the alliance and its leader, as of the end of each period.

    Columns: member, period, end, alignment (-1..1), with_leader,
    with_alliance, toward_rivals, un_votes (each part -1..1, NaN without
    evidence), signals (new signals dated in the period).
    """
    data = data_of(alliance, db)
    period = check_by(by)
    start, end = span(data, since, until)
    ends = period_ends(start, end, period)
    at = days(ends)
    leader = data.alliance.leader
    members = sorted({s.member for s in data.alliance.membership} - {leader or ""})
    if member:
        if member.upper() not in members:
            from bloc.errors import UnknownActorError

            raise UnknownActorError(
                f"{member!r} was never a member of {data.alliance.code}: "
                "see `bloc members` for the codes"
            )
        # One member's rows are cut from every member's (the same figures), which a
        # cache keeps once for all of them.
        every = alignment(data, by=by, since=since, until=until)
        return every[every.member == member.upper()].reset_index(drop=True)
    outer = data.kind != MEMBER
    total = grouped_decayed(data, outer, data.member, data.tone, at)
    by_kind = grouped_decayed(data, outer, data.member * len(KINDS) + data.kind, data.tone, at)
    columns = {
        "with_leader": LEADER,
        "with_alliance": ALLIANCE,
        "toward_rivals": RIVALS,
        "un_votes": VOTE,
    }
    starts = np.concatenate([[day_number(start) - 1], at[:-1]])
    statuses = [member_on(data.alliance, e.date()) for e in ends]
    none = (np.zeros(len(at)), np.zeros(len(at)))
    rows = []
    for m in members:
        c = data.code(m)
        num, den = total.get(c, none)
        parts = {}
        for column, kind in columns.items():
            n, d = by_kind.get(c * len(KINDS) + kind, none)
            parts[column] = shrunk(n, d)
        dates = np.sort(data.date[outer & (data.member == c)])
        new = np.searchsorted(dates, at, side="right") - np.searchsorted(
            dates, starts, side="right"
        )
        overall = shrunk(num, den)
        for j, e in enumerate(ends):
            if m not in statuses[j]:
                continue
            rows.append(
                {
                    "member": m,
                    "period": period_label(e, period),
                    "end": e.date(),
                    "alignment": overall[j],
                    **{col: values[j] for col, values in parts.items()},
                    "signals": int(new[j]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "member",
            "period",
            "end",
            "alignment",
            *columns,
            "signals",
        ],
    )


def alignment_on(data: Observed, on: dt.date) -> dict[str, float]:
    """Each actor's alignment (-1..1, shrunk toward 0) from the signals known by `on`."""
    day = day_number(on)
    rows = np.flatnonzero((data.avail <= day) & (data.kind != MEMBER))
    decayed = data.weight[rows] * np.exp2(-(day - data.date[rows]) / HALF_LIFE_DAYS)
    n = len(data.actors)
    pull = np.bincount(data.member[rows], weights=decayed * data.tone[rows], minlength=n)
    mass = np.bincount(data.member[rows], weights=decayed, minlength=n)
    return {a: float(pull[i] / (mass[i] + PRIOR_WEIGHT)) for i, a in enumerate(data.actors)}
