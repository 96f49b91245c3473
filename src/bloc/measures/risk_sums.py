"""Exit risk from running sums: what the alert rules read instead of the whole record.

Every component of exit risk but the UN votes is a decayed sum over a member's
signals, and decay factorises: a weight decayed to a day is its weight decayed
to a fixed reference day (`bloc.measures.decay.scaled`) times one factor for
the day. So the store keeps, per alliance, one *term* per signal and part of
the score it feeds (`terms`), and the terms' sums per member (and per pair of
members); a change replaces the terms of the events it touched, and the score
on a day is a few multiplications (`scores`). The components, reasons and
evidence are those of `bloc.measures.risk` (`component_values`,
`member_record`, the same `evidence_rank`), so the figures are the full
computation's, to the last bits of the sums' rounding
(`tests/measures/test_risk_sums.py` holds the two together).

Parts: "outer" (a member's signals about the leader, the alliance, rivals and
its UN votes: misalignment, and the evidence behind it), "refusing" (its
refusals of the leader or the alliance), "courting" (its warm conduct toward
rivals), "pair" (events between two members, weighted by their strength as
`dyads` weighs them; `member` and `other` are the pair, in order).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.measures.decay import (
    HALF_LIFE_DAYS,
    PRIOR_WEIGHT,
    REFERENCE_DAY,
    day_number,
    evidence_rank,
    scaled,
)
from bloc.measures.drift import VoteTable, drift_in
from bloc.measures.observed import ALLIANCE, LEADER, MEMBER, RIVALS, Observed
from bloc.measures.risk import (
    component_values,
    member_record,
    pair_arrays,
    unanswered,
    worst_pair,
)
from bloc.measures.signals import member_on, refusal_table
from bloc.store.risk_sums import TERMS


def terms(data: Observed) -> pd.DataFrame:
    """Every term of an alliance's signals: one row per signal and part it feeds, with its
    weight and weight x tone scaled to the reference day, the day it became known, and
    its rank as evidence."""
    actors = np.array(data.actors, dtype=object)
    w = scaled(data.weight, data.date)
    rank = evidence_rank(data.weight, data.tone, data.date)
    outer = data.kind != MEMBER
    refusing = (
        outer
        & data.outgoing
        & refusal_table()[data.type]
        & ((data.kind == LEADER) | (data.kind == ALLIANCE))
    )
    courting = outer & (data.kind == RIVALS) & (data.tone < 0)
    pair = (data.kind == MEMBER) & data.outgoing
    lo, hi = np.minimum(data.member, data.other), np.maximum(data.member, data.other)
    none = np.full(len(data.tone), -1)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("row", "member", "other", "w", "part")}
    for part, mask, weight, member, other in (
        ("outer", outer, w, data.member, none),
        ("refusing", refusing, w, data.member, none),
        ("courting", courting, w, data.member, none),
        ("pair", pair, rank, lo, hi),  # strength x decay: `dyads`' salience
    ):
        rows = np.flatnonzero(mask)
        cols["row"].append(rows)
        cols["member"].append(member[rows])
        cols["other"].append(other[rows])
        cols["w"].append(weight[rows])
        cols["part"].append(np.full(len(rows), part, dtype=object))
    rows = np.concatenate(cols["row"])
    named = np.append(actors, "")  # code -1: no other
    weights = np.concatenate(cols["w"])
    return pd.DataFrame(
        {
            "alliance": data.alliance.code,
            "event": data.event_ids(rows),
            "member": named[np.concatenate(cols["member"])],
            "other": named[np.concatenate(cols["other"])],
            "part": np.concatenate(cols["part"]),
            "w": weights,
            "wt": weights * data.tone[rows],
            "avail": data.avail[rows],
            "rank_key": rank[rows],
        },
        columns=TERMS,
    )


@dataclass
class Scored:
    """A member's risk on a day from the sums: `risk`'s record without its weightiest
    events, and the pair of members whose events count as its conflict evidence."""

    record: dict[str, object]
    pair: tuple[str, str] | None


def scores(al: Alliance, sums: pd.DataFrame, day: dt.date, votes: VoteTable) -> dict[str, Scored]:
    """Each member's exit risk on `day` (the leader apart), from the alliance's sums of the
    terms known by then (`bloc.store.risk_sums.sums`), as `bloc.measures.risk` has it."""
    status = member_on(al, day)
    members = sorted(m for m in status if m != al.leader)
    back = 2 ** (-(day_number(day) - REFERENCE_DAY) / HALF_LIFE_DAYS)
    kept: dict[tuple[str, str, str], tuple[float, float, int]] = {
        (str(m), str(o), str(p)): (float(w) * back, float(wt) * back, int(n))
        for m, o, p, w, wt, n in sums[["member", "other", "part", "w", "wt", "n"]].itertuples(
            index=False
        )
    }
    everyone = sorted(status)
    rows = []
    for i, x in enumerate(everyone):
        for y in everyone[i + 1 :]:
            w, wt, n = kept.get((x, y, "pair"), (0.0, 0.0, 0))
            rows.append((x, y, float(wt / (w + PRIOR_WEIGHT)) if n else np.nan, n))
    frame = pd.DataFrame(rows, columns=["a", "b", "score", "events"])
    pairs = pair_arrays(
        frame.sort_values(["score", "a", "b"], na_position="last", ignore_index=True)
    )
    drifts = drift_in(votes, al, members, day)
    out = {}
    for m in members:
        mass, pull, n_outer = kept.get((m, "", "outer"), (0.0, 0.0, 0))
        refused, _, n_refusing = kept.get((m, "", "refusing"), (0.0, 0.0, 0))
        _, courted, n_courting = kept.get((m, "", "courting"), (0.0, 0.0, 0))
        conflict, foe = worst_pair(pairs, m)
        pair = None if foe is None else (min(m, foe), max(m, foe))
        values = component_values(mass, pull, refused, unanswered(al, m, day), conflict, -courted)
        counts = {
            "misalignment": n_outer,
            "refusals": n_refusing,
            "courting rivals": n_courting,
            "conflict with a member": kept.get((*pair, "pair"), (0, 0, 0))[2] if pair else 0,
        }
        record = member_record(al, m, day, values, counts, mass, status[m], drifts.get(m), [])
        out[m] = Scored(record, pair)
    return out
