"""The alliance's own repertoire: what it did before when asked the same thing.

A *precedent* is an earlier request to the same alliance that invoked the
same provision against the same kind of threat under the same treaty terms
(whether a provision in force then covered the threat with force), dated
and known before the day: a knowledge-base request counts from the end of
its dated period, as curated events do. The members' forecast is the prior
and each precedent one observation (a Dirichlet update): with no precedent
the forecast stands, and the record takes over as precedents accumulate.
A precedent counts only for outcomes the treaty and the alliance's forces
still allow on the day, and only for a requester that is owed help: a state
that froze its participation or left is not answered as members are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bloc.core import rules
from bloc.core.alliance import Alliance, AssistanceRequest
from bloc.core.dated import Dated
from bloc.simulate.constants import MODEL_WEIGHT
from bloc.simulate.scenario import KB_THREAT, OUTCOMES, Scenario, standing_on, terms


@dataclass(frozen=True)
class Precedent:
    case: str
    date: dt.date
    outcome: str


@dataclass(frozen=True)
class Record:
    """The precedents for one kind of request on one day."""

    provision: str
    threat: str
    force: bool
    precedents: tuple[Precedent, ...]

    def counts(self) -> dict[str, int]:
        return {o: sum(p.outcome == o for p in self.precedents) for o in OUTCOMES}


def known_from(request: AssistanceRequest) -> dt.date:
    """The day a knowledge-base request counts from: the end of its dated period, as for
    every curated entry (`bloc.core.rules.known_from`)."""
    return rules.known_from(Dated(request.date, request.precision), None, curated=True)


def threat_of(request: AssistanceRequest) -> str:
    return KB_THREAT.get(request.threat, request.threat)


def force_then(al: Alliance, request: AssistanceRequest) -> bool:
    """Whether force was on the table for `request` on its own day."""
    standing = standing_on(al, request.requester, request.date)
    owed = standing is not None and standing.full
    scenario = Scenario(
        alliance=al.code,
        requester=request.requester,
        threat=threat_of(request),
        on=request.date,
        provision=request.provision,
    )
    return terms(al, scenario, threat_of(request), owed).force


def record_on(al: Alliance, provision: str, threat: str, force: bool, day: dt.date) -> Record:
    """The alliance's precedents for this kind of request known by `day` (strictly before
    a request dated `day` is decided: its own answer is not yet known)."""
    found = tuple(
        Precedent(r.id, r.date, r.outcome)
        for r in al.requests
        if known_from(r) <= day
        and r.provision == provision
        and threat_of(r) == threat
        and force_then(al, r) == force
    )
    return Record(provision, threat, force, found)


def combine(
    model: dict[str, float],
    record: Record,
    possible: set[str],
    weight: float = MODEL_WEIGHT,
) -> dict[str, float]:
    """The members' forecast updated by the record: each precedent whose outcome is
    still possible is one observation, the forecast `weight` observations."""
    counts = {o: n for o, n in record.counts().items() if o in possible}
    total = weight + sum(counts.values())
    return {o: (weight * model[o] + counts.get(o, 0)) / total for o in OUTCOMES}
