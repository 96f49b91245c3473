"""A scenario and what the treaty says about it: the words, the provision, the standing.

Which provision is invoked, whether a provision in force covers the threat
with force, and where the requester and every member stand on the day
(member, frozen, suspended, left). A requester that froze its participation
or left is not owed help under the treaty; a frozen or suspended member
takes no part in the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bloc.core.alliance import Alliance
from bloc.errors import ScenarioError
from bloc.store import parse_day

THREATS = {
    "external": "external attack on the requester's territory by a non-member state",
    "abroad": "attack on the requester's forces outside its territory (troops, ships, aircraft)",
    "clash": "armed clash with another member",
    "internal": "internal unrest against the requester's government",
    "incursion": "incursion by a non-state armed group from outside",
}
# The knowledge base's words for threats, as scenario kinds.
KB_THREAT = {
    "external attack": "external",
    "attack on forces abroad": "abroad",
    "member clash": "clash",
    "internal unrest": "internal",
    "incursion": "incursion",
}


def threat_kind(threat: str) -> str:
    """The simulator's kind of threat for a name (its own, or the knowledge base's wording).

    The one check of a threat: the simulator and the web's API both ask it.
    """
    kind = KB_THREAT.get(threat, threat)
    if kind not in THREATS:
        raise ScenarioError(f"unknown threat {threat!r}: use one of {', '.join(THREATS)}")
    return kind


# What each kind of provision promises force against. Both treaties speak
# of attacks on a member (its territory); no provision covers an attack on
# forces a member keeps abroad (NATO's Article 6 covers some areas: see
# docs/simulation.md, limits).
COVERS = {
    "collective_defence": frozenset({"external", "incursion", "clash"}),
    "internal_crisis": frozenset({"internal"}),
}
ASSUMPTIONS = {
    "leader-at-war": "the leading state's forces are committed to another war",
    "leader-defeated": "the leading state has been defeated and cannot send forces",
}
STANCES = ("forces", "political", "stay out", "oppose")
OUTCOMES = ("deployment", "mission", "statement", "nothing")
STANDINGS = ("member", "frozen", "suspended", "left")


@dataclass(frozen=True)
class Scenario:
    alliance: str
    requester: str
    threat: str
    aggressor: str | None = None
    on: dt.date = field(default_factory=dt.date.today)
    assume: tuple[str, ...] = ()
    provision: str | None = None  # the provision invoked (default: the best one in force)


@dataclass(frozen=True)
class Standing:
    """Where a state stands in an alliance on a day, and since when."""

    member: str
    status: str  # one of STANDINGS
    since: dt.date
    cite: tuple[str, ...]

    @property
    def full(self) -> bool:
        """A full member: owed help under the treaty, and takes part in decisions."""
        return self.status == "member"

    def describe(self) -> str:
        since = self.since.isoformat()
        return {
            "member": f"{self.member} is a member (since {since})",
            "frozen": f"{self.member} froze its participation on {since}",
            "suspended": f"{self.member}'s participation was suspended on {since}",
            "left": f"{self.member} left the alliance on {since}",
        }[self.status]


def standing_on(al: Alliance, member: str, day: dt.date) -> Standing | None:
    """`member`'s standing in `al` on `day`; None if it had never been a member by then."""
    spells = [s for s in al.membership if s.member == member and s.start <= day]
    if not spells:
        return None
    now = [s for s in spells if s.covers(day)]
    if now:
        spell = now[0]
        # A status that began inside an unbroken run of spells dates from its own start.
        return Standing(member, spell.status, spell.start, spell.cite)
    last = max(spells, key=lambda s: s.start)
    assert last.end is not None
    return Standing(member, "left", last.end, last.cite)


def standings_on(al: Alliance, day: dt.date) -> list[Standing]:
    """Every state that is or was a member by `day`, in code order."""
    found = (standing_on(al, m, day) for m in sorted({s.member for s in al.membership}))
    return [s for s in found if s is not None]


@dataclass(frozen=True)
class Terms:
    """What the treaty says about this request on its day."""

    provision: str  # the provision invoked
    kind: str  # its kind (collective_defence, internal_crisis, consultation)
    obliged: bool  # members must help: a defence provision is invoked and one in force covers it
    force: bool  # force is on the table: a provision in force covers the threat, help is owed


def terms(al: Alliance, scenario: Scenario, kind: str, owed: bool) -> Terms:
    """The provision invoked, and what it and the others in force allow.

    Invoking a consultation clause does not take force off the table when
    another provision in force covers the threat (NATO's allies sent forces
    after Article 4 consultations), but only invoking a provision that is
    not a consultation clause, for a threat one in force covers, obliges
    the members to help. A requester that froze its
    participation or left is owed nothing (`owed` false).
    """
    in_force = [p for p in al.provisions if p.in_force(scenario.on)]
    if scenario.provision:
        chosen = [p for p in al.provisions if p.id == scenario.provision]
        if not chosen:
            ids = ", ".join(p.id for p in al.provisions)
            raise ScenarioError(f"{al.code} has no provision {scenario.provision!r}: use {ids}")
        p = chosen[0]
    else:
        fitting = [p for p in in_force if kind in COVERS.get(p.kind, frozenset())]
        defence = [p for p in in_force if p.kind == "collective_defence"]
        p = (fitting or defence or in_force or list(al.provisions))[0]
    covered = any(kind in COVERS.get(q.kind, frozenset()) for q in in_force)
    # A member citing the defence clause for a threat another provision in
    # force covers (Kazakhstan, Article 4, unrest, 2022) is owed that help.
    obliged = owed and covered and p.kind != "consultation"
    return Terms(p.id, p.kind, obliged, owed and covered)


def parse_assume(values: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The scenario's assumptions: flags from ASSUMPTIONS, and members assumed frozen."""
    flags: set[str] = set()
    frozen: set[str] = set()
    for value in values:
        if value in ASSUMPTIONS:
            flags.add(value)
        elif value.startswith("frozen:"):
            frozen.add(value.split(":", 1)[1].upper())
        else:
            known = ", ".join([*ASSUMPTIONS, "frozen:CODE"])
            raise ScenarioError(f"unknown assumption {value!r}: use one of {known}")
    return flags, frozen


def parse_scenario(
    alliance: str,
    requester: str,
    threat: str,
    aggressor: str | None,
    on: str | dt.date | None,
    assume: list[str] | None,
) -> Scenario:
    """A scenario from command-line words, validated."""
    return Scenario(
        alliance=alliance.upper(),
        requester=requester.upper(),
        threat=threat,
        aggressor=aggressor.upper() if aggressor else None,
        on=parse_day(on) or dt.date.today(),
        assume=tuple(assume or ()),
    )
