"""Each member's support for the requester, as named factors measured on the day.

Support is the sum of the factors that bear on whether a member backs help
at all (the treaty's obligation, alignment, relations with the requester,
regime protection, the leading state's spare capacity). A member's ties
with the aggressor and its allies are a factor of their own that weighs
only on sending forces: the reference articles give them as the reason
members kept their troops home, not as a reason to block consultations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bloc import measures
from bloc.core.alliance import Alliance, KnowledgeBase
from bloc.measures.decay import day_number
from bloc.measures.observed import TYPES
from bloc.measures.signals import load_events
from bloc.simulate.affinity import Side, sides
from bloc.simulate.constants import (
    ALLY_SHARE,
    AT_WAR,
    FRIENDLY_TIE,
    HOSTILE_TIE,
    OBLIGATION,
    REGIME_PROTECTION,
    WAR_LOOKBACK_DAYS,
)
from bloc.simulate.scenario import Scenario, Standing, Terms
from bloc.store import Store
from bloc.store.observations import assault_targets


@dataclass(frozen=True)
class Factor:
    name: str
    value: float
    forces_only: bool = False  # weighs on sending forces, not on backing help at all


@dataclass
class Agent:
    member: str
    factors: list[Factor]
    oppose: bool = False  # the aggressor itself
    forces_allowed: bool = True
    ties: dict[str, Any] | None = None  # evidence of the ties factor

    @property
    def support(self) -> float:
        """Support for helping at all: what decides political backing and opposition."""
        return sum(f.value for f in self.factors if not f.forces_only)

    @property
    def forces_shift(self) -> float:
        """Added to support when the member decides whether to send forces."""
        return sum(f.value for f in self.factors if f.forces_only)


@dataclass
class Context:
    """What the members' factors were read from, reported with the result."""

    at_war: bool = False
    war_with: str | None = None
    defeated: bool = False
    allies: list[str] = field(default_factory=list)


def leader_at_war(store: Store, al: Alliance, on: dt.date) -> str | None:
    """The target of the leading state's most recent armed attack on a
    non-member in the WAR_LOOKBACK_DAYS before `on`, as known by then (None if none)."""
    if not al.leader:
        return None
    members = [s.member for s in al.membership]
    targets = assault_targets(store, al.leader, members)
    if not targets:
        return None
    actors = sorted({al.leader, *targets})
    ev = load_events(store, actors)  # the same no-look-ahead rule as every measure
    day = day_number(on)
    rows = np.flatnonzero(
        ev["keep"]
        & (ev["s"] == actors.index(al.leader))
        & (ev["t"] != actors.index(al.leader))
        & (ev["ty"] == TYPES.index("ASSAULT"))
        & (ev["tone"] <= -0.8)
        & (ev["date"] > day - WAR_LOOKBACK_DAYS)
        & (np.fmax(ev["date"], ev["known"]) <= day)
    )
    if len(rows) == 0:
        return None
    return actors[int(ev["t"][rows[np.argmax(ev["date"][rows])]])]


def aggressor_allies(
    kb: KnowledgeBase, al: Alliance, aggressor: str, requester: str, on: dt.date
) -> list[str]:
    """The aggressor's allies on `on`: states it has an alliance tie with in the
    knowledge base, and its fellow members of any other alliance bloc models;
    never this alliance's own members (their stances are modelled directly)."""
    ours = {s.member for s in al.members_on(on)} | {requester, aggressor}
    allies = {
        a
        for t in kb.ties
        if t.kind == "alliance" and t.holds_on(on) and aggressor in t.actors
        for a in t.actors
    }
    for other in kb.alliances.values():
        if other.code == al.code:
            continue
        status = {s.member: s.status for s in other.members_on(on)}
        if status.get(aggressor) == "member":
            allies |= {m for m, s in status.items() if s == "member"}
    return sorted(allies - ours)


def _ties_factor(
    member: str,
    aggressor: str,
    allies: list[str],
    scores: dict[str, dict[str, measures.TieScore]],
) -> tuple[Factor, dict[str, Any]]:
    own = scores[aggressor][member]
    with_allies = [scores[a][member] for a in allies]
    ally_score = float(np.mean([s.score for s in with_allies])) if with_allies else 0.0
    tie = float(np.clip(own.score + ALLY_SHARE * ally_score, -1.0, 1.0))
    effect = -FRIENDLY_TIE * max(0.0, tie) + HOSTILE_TIE * max(0.0, -tie)
    facts = sorted({f for s in [own, *with_allies] for f in s.facts})
    named = aggressor + (f" and its allies ({', '.join(allies)})" if allies else "")
    basis = f" [{', '.join(facts)}]" if facts else ""
    if tie == 0.0:
        name = f"no ties with {named} on record"
    elif effect < 0:
        name = f"friendly ties with {named} hold it back from sending forces{basis}"
    else:
        name = f"hostility to {named} pushes it toward sending forces{basis}"
    evidence = {
        "with": [aggressor, *allies],
        "score": tie,
        "aggressor": {"score": own.score, "facts": list(own.facts), "events": list(own.events)},
        "allies": {
            a: {"score": s.score, "facts": list(s.facts), "events": list(s.events)}
            for a, s in zip(allies, with_allies, strict=True)
        },
    }
    return Factor(name, effect, forces_only=True), evidence


def build_agents(
    store: Store,
    data: measures.Observed,
    scenario: Scenario,
    kind: str,
    terms: Terms,
    requester: Standing,
    participants: list[str],
    flags: set[str],
) -> tuple[list[Agent], Context]:
    """One agent per member taking part, with its factors as of the scenario's day."""
    al = data.alliance
    align = measures.alignment_on(data, scenario.on)
    pairs = measures.dyads(data, scenario.on)
    scored = pairs.dropna(subset=["score"])
    pair_score = {
        frozenset((str(a), str(b))): float(score)
        for a, b, score in zip(scored.a, scored.b, scored.score, strict=True)
    }
    war = leader_at_war(store, al, scenario.on)
    context = Context(
        at_war="leader-at-war" in flags or war is not None,
        war_with=war,
        defeated="leader-defeated" in flags,
    )
    requester_pull = 0.5 * align.get(scenario.requester, 0.0)
    scores: dict[str, dict[str, measures.TieScore]] = {}
    if scenario.aggressor:
        kb = store.knowledge
        context.allies = aggressor_allies(
            kb, al, scenario.aggressor, scenario.requester, scenario.on
        )
        scores = measures.tie_scores(
            store, participants, [scenario.aggressor, *context.allies], scenario.on, kb.ties
        )
    voted = sides(
        store, store.knowledge, participants, scenario.requester, scenario.aggressor, scenario.on
    )
    agents = []
    for m in participants:
        factors: list[Factor] = []
        ties = None
        if terms.obliged:
            factors.append(Factor("the treaty obliges help against this threat", OBLIGATION))
        if m != al.leader:
            factors.append(Factor(f"{m}'s alignment with the alliance", 0.5 * align.get(m, 0.0)))
        factors.append(Factor(f"{scenario.requester}'s own alignment", requester_pull))
        rel = pair_score.get(frozenset((m, scenario.requester)), 0.0)
        factors.append(Factor(f"relations with {scenario.requester}", rel))
        if m in voted and m != scenario.aggressor:
            factors.append(_side_factor(voted[m], scenario.requester, scenario.aggressor))
        oppose = False
        if scenario.aggressor:
            if m == scenario.aggressor:
                oppose = True
                factors.append(Factor("it is the aggressor", -2.0))
            else:
                factor, ties = _ties_factor(m, scenario.aggressor, context.allies, scores)
                factors.append(factor)
        if kind == "internal":
            factors.append(Factor("regime protection against unrest", REGIME_PROTECTION))
        forces_allowed = True
        if m == al.leader:
            if context.defeated:
                forces_allowed = False
                factors.append(Factor("the leading state is defeated (assumed)", -AT_WAR))
            elif context.at_war:
                why = "assumed" if war is None else f"at war with {war}"
                factors.append(Factor(f"its forces are committed elsewhere ({why})", -AT_WAR))
        elif context.defeated:
            factors.append(Factor("the leading state no longer leads (assumed)", -0.2))
        agents.append(Agent(m, factors, oppose, forces_allowed, ties))
    return agents, context


def _side_factor(side: Side, requester: str, aggressor: str | None) -> Factor:
    """Side-taking in the General Assembly (bloc.simulate.affinity), as a named factor."""
    other = (
        f"{aggressor} (S {side.with_aggressor:+.2f})"
        if side.with_aggressor is not None
        else (f"{aggressor} (casts no votes)" if aggressor else "no state aggressor")
    )
    name = (
        f"UN General Assembly votes: S {side.with_requester:+.2f} with {requester}"
        f" against {other} over {side.votes} roll calls"
    )
    return Factor(name, side.value)


def reasons(agent: Agent, requester: Standing) -> list[str]:
    """At most three reasons: the requester's standing when it is not a full
    member, then the factors that weigh most."""
    first = [] if requester.full else [f"{requester.describe()}: the treaty owes it no help"]
    top = sorted(agent.factors, key=lambda f: -abs(f.value))[: 3 - len(first)]
    return first + [f"{f.name} ({f.value:+.2f})" for f in top]
