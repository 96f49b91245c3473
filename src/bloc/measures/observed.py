"""The observations a measure reads: one alliance's signals as parallel arrays.

Kept apart from `bloc.measures.signals` (which reads them from the store) so
that the helpers of `bloc.measures.decay` can take an `Observed` without
importing the module that builds one: no import cycle between the two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bloc.core.alliance import VOTES, Alliance
from bloc.core.events import PLOVER_TYPES
from bloc.measures.cache import Stamp

KINDS = ("leader", "alliance", "rivals", "member", "un vote")
TYPES = (*PLOVER_TYPES, *VOTES)
LEADER, ALLIANCE, RIVALS, MEMBER, VOTE = range(len(KINDS))


@dataclass
class Observed:
    """What the store holds about one alliance, read once and shared by every measure.

    Signals are kept as parallel NumPy arrays, actors and types as integer
    codes into `actors` and TYPES, so a million events cost array
    arithmetic, not string comparisons.
    """

    alliance: Alliance
    actors: list[str]
    member: np.ndarray  # actor code of the member the signal is about
    other: np.ndarray  # actor code of its counterpart
    kind: np.ndarray  # index into KINDS
    type: np.ndarray  # index into TYPES
    event: np.ndarray  # row into `ids`
    ids: np.ndarray  # event ids (object), then "vote:<resolution>" for votes
    outgoing: np.ndarray  # the member was the source
    tone: np.ndarray  # -1..1, the sign the signal gives alignment
    weight: np.ndarray  # the event's confidence (1 for curated entries and votes)
    date: np.ndarray  # days since 1990-01-01
    avail: np.ndarray  # the day it is both dated and known by
    # Hand-entered: a knowledge-base entry (curated event or hand-typed vote), not a
    # coded or imported one; what a back-test reports as the share of a score it made.
    curated: np.ndarray | None = None

    _by_avail: np.ndarray | None = None
    _by_member: np.ndarray | None = None
    # Set when a cache made it (the store, its generation, the origins); `replace` drops it.
    stamp: Stamp | None = dataclasses.field(default=None, init=False, repr=False, compare=False)
    # What a measure read beside the signals and keeps with them (the alliance's UN votes).
    memo: dict[Any, Any] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def by_avail(self) -> np.ndarray:
        """Signal rows in order of availability (computed once)."""
        if self._by_avail is None:
            self._by_avail = np.argsort(self.avail, kind="stable")
        return self._by_avail

    def rows_of(self, code: int) -> np.ndarray:
        """The signal rows about the member of actor code `code`, ascending (what
        `np.flatnonzero(self.member == code)` gives, without a pass over every row)."""
        if self._by_member is None:
            self._by_member = np.argsort(self.member, kind="stable")
        ordered = self.member[self._by_member]
        lo, hi = np.searchsorted(ordered, code, "left"), np.searchsorted(ordered, code, "right")
        return self._by_member[lo:hi]

    def event_ids(self, rows: np.ndarray) -> np.ndarray:
        """The event ids of signal rows."""
        return np.asarray(self.ids[self.event[rows]], dtype=object)

    def code(self, actor: str) -> int:
        return self.actors.index(actor) if actor in self.actors else -1

    def codes(self, actors: Iterable[str]) -> np.ndarray:
        return np.array([self.code(a) for a in actors], dtype=np.int64)
