"""Cohesion: one index per period from alignment, peace, participation and membership."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bloc.measures.cache import cached
from bloc.measures.decay import (
    MIN_WEIGHT,
    PRIOR_WEIGHT,
    check_by,
    days,
    grouped_decayed,
    period_ends,
    period_label,
    span,
)
from bloc.measures.observed import ALLIANCE, LEADER, MEMBER, Observed
from bloc.measures.signals import DB, data_of, member_on, refusal_table


@cached
def cohesion(
    alliance: str | Observed,
    by: str = "quarter",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    db: DB = None,
) -> pd.DataFrame:
    """One cohesion index (0..1) per period end, and its parts.

    Parts, each 0..1: alignment (members' mean alignment, rescaled),
    peace (strength-weighted decayed mean tone of events between members,
    rescaled), participation (1 - the members' mean decayed refusals toward
    the alliance or its leader), membership (share of members not frozen or
    suspended). The index is the mean of the parts with evidence.
    """
    data = data_of(alliance, db)
    period = check_by(by)
    start, end = span(data, since, until)
    ends = period_ends(start, end, period)
    at = days(ends)
    al = data.alliance
    outer = data.kind != MEMBER
    align = grouped_decayed(data, outer, data.member, data.tone, at)
    refusing = (
        outer
        & data.outgoing
        & refusal_table()[data.type]
        & ((data.kind == LEADER) | (data.kind == ALLIANCE))
    )
    refusals = grouped_decayed(data, refusing, data.member, np.ones(len(data.tone)), at)
    # Peace: per pair of states, strength-weighted; a period counts the pairs
    # that are both members at its end (a former member's wars are not the alliance's).
    n = len(data.actors)
    inner = (data.kind == MEMBER) & data.outgoing
    pair = np.minimum(data.member, data.other) * n + np.maximum(data.member, data.other)
    strength = data.weight * np.abs(data.tone)
    peace_sums = grouped_decayed(data, inner, pair, data.tone, at, weight=strength)
    rows = []
    for j, e in enumerate(ends):
        status = member_on(al, e.date())
        codes = {data.code(m): s for m, s in status.items()}
        have = [
            align[c][0][j] / (align[c][1][j] + PRIOR_WEIGHT)
            for c in codes
            if c in align and align[c][1][j] > MIN_WEIGHT and data.actors[c] != al.leader
        ]
        alignment_part = float(np.mean((np.array(have) + 1) / 2)) if have else np.nan
        p_num = p_den = 0.0
        for p, (num, den) in peace_sums.items():
            if p // n in codes and p % n in codes:
                p_num += num[j]
                p_den += den[j]
        peace = (p_num / (p_den + PRIOR_WEIGHT) + 1) / 2 if p_den > MIN_WEIGHT else np.nan
        refused = [1 - np.exp(-refusals[c][1][j]) if c in refusals else 0.0 for c in codes]
        participation = 1 - float(np.mean(refused)) if codes else np.nan
        active = sum(s == "member" for s in status.values())
        membership = active / len(status) if status else np.nan
        parts = [alignment_part, peace, participation, membership]
        present = [p for p in parts if not np.isnan(p)]
        rows.append(
            {
                "period": period_label(e, period),
                "end": e.date(),
                "cohesion": float(np.mean(present)) if present else np.nan,
                "alignment": alignment_part,
                "peace": peace,
                "participation": participation,
                "membership": membership,
                "members": len(status),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "end",
            "cohesion",
            "alignment",
            "peace",
            "participation",
            "membership",
            "members",
        ],
    )
