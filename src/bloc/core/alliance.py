"""The alliance model as plain, immutable data: sources, actors, people, alliances, ties.

Everything here is built by `bloc.knowledge` from the bundled YAML files and is
what the store, the coder, the measures and the simulator read. Plain frozen
dataclasses keep each stage a function over data, which any engine can map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from bloc.core.dated import Dated, Precision
from bloc.core.events import TYPE_INTENSITY
from bloc.core.rules import known_from

ActorKind = Literal["state", "organisation", "group"]
MemberStatus = Literal["member", "suspended", "frozen"]
Outcome = Literal["deployment", "mission", "statement", "nothing"]
OUTCOMES: tuple[Outcome, ...] = ("deployment", "mission", "statement", "nothing")
MEMBER_STATUSES: tuple[str, ...] = ("member", "suspended", "frozen")
# How a member leaves or steps back from an alliance (docs/history.md): the
# kinds the exits table records. "military-structure" is leaving an integrated
# command while staying a party to the treaty (France 1966, Greece 1974).
EXIT_KINDS: tuple[str, ...] = (
    "withdrawal",
    "denunciation",
    "non-renewal",
    "suspension",
    "freeze",
    "military-structure",
)


@dataclass(frozen=True)
class Source:
    """A citable publication: where a fact in the knowledge base comes from."""

    id: str
    publisher: str
    title: str
    date: dt.date | None
    url: str | None = None
    seed: str | None = None
    precision: Precision = "day"  # of `date`: a source dated "2022-10" is of October 2022

    def when(self) -> str | None:
        """Its date written to its precision (2022-10, not 2022-10-01), or None."""
        return Dated(self.date, self.precision).iso() if self.date else None

    def cite(self) -> str:
        when = self.when() or "n.d."
        return f"{self.publisher}, “{self.title}”, {when}" + (f", {self.url}" if self.url else "")


@dataclass(frozen=True)
class Actor:
    code: str
    kind: ActorKind
    name: str
    aliases: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # cities and regions that stand for it as a place
    # A state that no longer exists (docs/history.md): the day it ceased to,
    # the states on its former territory, and the one that continued its legal
    # personality and UN seat (whose code the UN vote files record it under).
    until: dt.date | None = None
    successors: tuple[str, ...] = ()
    continuator: str | None = None


@dataclass(frozen=True)
class Office:
    actor: str
    office: str
    start: dt.date
    end: dt.date | None
    cite: tuple[str, ...]

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Person:
    name: str
    aliases: tuple[str, ...]
    offices: tuple[Office, ...]

    def actor_on(self, day: dt.date) -> str | None:
        """The actor this person speaks for on `day`, or None if out of office."""
        for office in self.offices:
            if office.holds_on(day):
                return office.actor
        return None


@dataclass(frozen=True)
class Spell:
    """A period of one state's membership in one status."""

    member: str
    start: dt.date
    end: dt.date | None
    status: MemberStatus
    note: str
    cite: tuple[str, ...]

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Provision:
    id: str
    article: str
    kind: str
    summary: str
    cite: tuple[str, ...]
    since: dt.date | None = None  # in force from (None: from the founding treaty)

    def in_force(self, day: dt.date) -> bool:
        return self.since is None or self.since <= day


@dataclass(frozen=True)
class Body:
    name: str
    kind: str
    summary: str
    cite: tuple[str, ...]
    since: dt.date | None = None  # set up on (None: as old as the alliance)


@dataclass(frozen=True)
class CuratedEvent:
    """An event the knowledge base records from a cited source."""

    id: str
    date: dt.date
    precision: Precision
    source: str
    target: str
    type: str
    mode: str | None
    alliance: str | None
    intensity: float
    summary: str
    cite: tuple[str, ...]
    context: str


@dataclass(frozen=True)
class AssistanceRequest:
    """A member's request for help under the treaty, and what the alliance did."""

    id: str
    alliance: str
    requester: str
    date: dt.date
    precision: Precision
    threat: str
    aggressor: str | None
    provision: str
    outcome: Outcome
    response: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class Exit:
    """A member leaving, or stepping back from, an alliance on a dated day.

    `date` is the day the step took effect as the sources date it (at the
    precision they give); `announced` is an earlier day it was first made
    public, when the sources give one. An exit is a fact about history, not a
    membership status: a declared withdrawal that was reversed (Hungary, 1956)
    is an exit although the member's spell goes on.
    """

    alliance: str
    member: str
    kind: str
    date: dt.date
    precision: Precision
    note: str
    cite: tuple[str, ...]
    announced: dt.date | None = None

    @property
    def id(self) -> str:
        return f"{self.alliance.lower()}-{self.member.lower()}-{self.date.isoformat()}"


@dataclass(frozen=True)
class Alliance:
    code: str
    name: str
    leader: str | None
    founded: dt.date
    treaty: str
    decision_rule: str
    decision_body: str
    provisions: tuple[Provision, ...]
    bodies: tuple[Body, ...]
    forces: tuple[Body, ...]
    membership: tuple[Spell, ...]
    requests: tuple[AssistanceRequest, ...]
    cite: tuple[str, ...]
    # The leading state's adversaries: named actors, plus every member of the
    # named alliances (cooperating with them counts against alignment).
    rivals: tuple[str, ...] = ()
    rival_alliances: tuple[str, ...] = ()
    # Every withdrawal, non-renewal, suspension, freeze or step back, by date.
    exits: tuple[Exit, ...] = ()

    def members_on(self, day: dt.date) -> list[Spell]:
        """The spells in force on `day`, one per member, in code order."""
        return sorted((s for s in self.membership if s.covers(day)), key=lambda s: s.member)


VOTES: tuple[str, ...] = ("yes", "no", "abstain", "absent")

# Kinds of standing tie between states, and the PLOVER type the codebook
# gives the act that makes each (docs/codebook.md): a tie's tone is that
# type's default intensity, so a tie weighs like the event that made it.
TIE_KINDS: dict[str, str] = {
    "alliance": "AGREE",  # a treaty or declaration of alliance or mutual help
    "partnership": "AGREE",  # a strategic partnership
    "organisation": "AGREE",  # founding or joining the same organisation
    "arms": "AID",  # arms supplies
    "base": "COOPERATE",  # one state's military base on the other's soil
}


@dataclass(frozen=True)
class Tie:
    """A standing tie between states, in force from `start` until `end` (exclusive).

    Unlike an event it does not fade with age while it holds: an alliance
    treaty binds as much in its tenth year as in its first.
    """

    id: str
    actors: tuple[str, ...]
    kind: str
    start: dt.date
    precision: Precision
    end: dt.date | None
    summary: str
    cite: tuple[str, ...]

    @property
    def tone(self) -> float:
        """-1..1: the default intensity of the PLOVER type of the act that made it, over 10."""
        return TYPE_INTENSITY[TIE_KINDS[self.kind]] / 10.0

    def known_from(self) -> dt.date:
        """The day it counts from: the end of its start's dated period, as for curated events."""
        return known_from(Dated(self.start, self.precision), None, curated=True)

    def holds_on(self, day: dt.date) -> bool:
        return self.known_from() <= day and (self.end is None or day < self.end)

    def links(self, a: str, b: str) -> bool:
        return a != b and a in self.actors and b in self.actors


@dataclass(frozen=True)
class Resolution:
    """A recorded UN General Assembly vote, with how each modelled state voted."""

    id: str
    date: dt.date
    title: str
    topic: str
    summary: str
    votes: dict[str, str]
    cite: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    sources: dict[str, Source]
    actors: dict[str, Actor]
    people: tuple[Person, ...]
    alliances: dict[str, Alliance]
    events: tuple[CuratedEvent, ...] = field(default=())
    resolutions: tuple[Resolution, ...] = field(default=())
    ties: tuple[Tie, ...] = field(default=())

    def alliance(self, code: str) -> Alliance:
        from bloc.errors import UnknownAllianceError

        try:
            return self.alliances[code.upper()]
        except KeyError:
            known = ", ".join(sorted(self.alliances))
            raise UnknownAllianceError(
                f"unknown alliance {code!r}: the knowledge base holds {known}"
            ) from None
