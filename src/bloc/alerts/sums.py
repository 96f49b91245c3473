"""The risk rules' scores from the running sums the store keeps, brought up to date first.

Evaluating a risk rule once meant reading the alliance's whole record: every
component of exit risk is a decayed sum over it. The store keeps those sums
instead (`bloc.store.risk_sums`, `bloc.measures.risk_sums`): an evaluation
replaces the terms of the events the change touched, in every alliance whose
sums are kept, then reads each member's score on a day from the sums. The
sums of an alliance are built from its whole record once: when a risk rule
for it is added, or on the first evaluation that needs them, or again when
the knowledge base changed (its curated events are the record too) or `bloc
alerts check` asks for every alliance's risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from bloc import measures
from bloc.measures.decay import day_number
from bloc.measures.drift import VoteTable, alliance_states, alliance_votes
from bloc.measures.risk import evidence_ids
from bloc.measures.risk_sums import Scored, scores, terms
from bloc.measures.votes import Frames, vote_codes
from bloc.store import Store, View
from bloc.store import risk_sums as kept
from bloc.store.observations import curated_twins
from bloc.store.votes import read_votes


def refresh(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    db: View,
    wanted: Iterable[str],
    changed: Sequence[str],
    *,
    again: bool = False,
) -> None:
    """Bring the sums up to date in `con`'s transaction: build those of the `wanted`
    alliances not kept yet (all of them if `again`), and those kept for an older
    knowledge base; replace the terms of the `changed` events in the others."""
    digest = kept.kb_digest(store)
    have = kept.built(store)
    build = {a for a in wanted if again or have.get(a) != digest}
    build |= {a for a, d in have.items() if d != digest}
    current = sorted(a for a in have if a not in build)
    if build:
        observed = measures.observe_many(sorted(build), db, store)
        for code in sorted(build):
            kept.rebuild(con, code, terms(observed[code]), digest)
    if current and changed:
        ids = sorted(set(changed) | set(curated_twins(store, changed)))
        fresh = measures.observe_many(current, db, store, only=ids)
        frames = [terms(fresh[code]) for code in current]
        kept.replace_terms(con, current, ids, pd.concat(frames, ignore_index=True))


class SumsBook:
    """Exit-risk scores by (alliance, day) from the kept sums, through an open store (the
    interface of `bloc.alerts.risk_rules.RiskBook`)."""

    def __init__(self, store: Store, db: View, alliances: Sequence[str] = ()) -> None:
        self.store = store
        self.db = db
        self.alliances = list(alliances)  # those whose scores will be asked for
        self._sums: dict[tuple[str, dt.date], pd.DataFrame] = {}
        self._frames: Frames | None = None
        self._scores: dict[tuple[str, dt.date], dict[str, Scored]] = {}
        self._votes: dict[str, VoteTable] = {}

    def on(self, alliance: str, day: dt.date) -> dict[str, Scored]:
        key = (alliance, day)
        if key not in self._scores:
            if (alliance, day) not in self._sums:  # every alliance's sums on the day at once
                asked = sorted({*self.alliances, alliance})
                every = kept.sums(self.store, asked, day_number(day))
                for code, part in every.groupby("alliance"):
                    self._sums[(str(code), day)] = part
            al = self.store.knowledge.alliance(alliance)
            if alliance not in self._votes:
                read = self._read() if alliance in self.alliances else None
                self._votes[alliance] = alliance_votes(al, self.db, self.store, read)
            mine = self._sums.get((alliance, day), _NONE)
            self._scores[key] = scores(al, mine, day, self._votes[alliance])
        return self._scores[key]

    def _read(self) -> Frames:
        """The UN votes of every alliance scored, read once."""
        if self._frames is None:
            kb = self.store.knowledge
            states = sorted({s for a in self.alliances for s in alliance_states(kb.alliance(a))})
            self._frames = read_votes(self.store, vote_codes(self.db, states), None)
        return self._frames

    def snap(self, day: dt.date) -> dt.date:
        return day

    def score(self, alliance: str, day: dt.date) -> dict[str, tuple[float, list[str]]]:
        return {
            m: (float(s.record["score"]), list(s.record["reasons"]))  # type: ignore[arg-type, call-overload]
            for m, s in self.on(alliance, day).items()
        }

    def evidence(self, alliance: str, day: dt.date, member: str) -> list[str]:
        """The member's evidence, as `risk` gives it: its requests, its weightiest events."""
        scored = self.on(alliance, day)[member]
        top = kept.weightiest(self.store, alliance, member, scored.pair, day_number(day), 6)
        return evidence_ids(self.store.knowledge.alliance(alliance), member, day, top)


_NONE = pd.DataFrame(columns=["alliance", "member", "other", "part", "w", "wt", "n"])
