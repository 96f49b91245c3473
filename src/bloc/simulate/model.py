"""What an alliance does when a member invokes collective defence: a Monte Carlo model.

Each member other than the requester is an agent whose *support* for the
requester is a sum of named, measured factors as of the day (alignment,
relations with the requester and the aggressor, the treaty's obligation, the
regime-protection motive in internal unrest, the leading state's spare
capacity). Each draw adds noise for what the measures miss and maps support
to a stance: send forces, political measures only, stay out, oppose. The
alliance then decides by its rule (CSTO: consensus of the Collective
Security Council, so one opposing member blocks any collective act), within
what its provisions in force allow. docs/simulation.md states every
assumption and how the constants were chosen.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bloc import measures
from bloc.errors import ScenarioError
from bloc.knowledge import bundled
from bloc.measures.decay import day_number
from bloc.measures.signals import TYPES, load_events, member_on
from bloc.model import Alliance, AssistanceRequest
from bloc.store import Store, opened, parse_day

log = logging.getLogger(__name__)

__all__ = ["OUTCOMES", "STANCES", "THREATS", "Scenario", "backtest", "simulate"]

THREATS = {
    "external": "external attack on the requester's territory by a non-member state",
    "clash": "armed clash with another member",
    "internal": "internal unrest against the requester's government",
    "incursion": "incursion by a non-state armed group from outside",
}
# The knowledge base's words for threats, as scenario kinds.
_KB_THREAT = {
    "external attack": "external",
    "member clash": "clash",
    "internal unrest": "internal",
    "incursion": "incursion",
}
ASSUMPTIONS = {
    "leader-at-war": "the leading state's forces are committed to another war",
    "leader-defeated": "the leading state has been defeated and cannot send forces",
}
STANCES = ("forces", "political", "stay out", "oppose")
OUTCOMES = ("deployment", "mission", "statement", "nothing")

# Constants, set from the treaty texts and the literature before any
# back-test was run (docs/simulation.md); none is fitted to a case.
OBLIGATION = 0.3  # a defence provision in force that covers the threat
REGIME_PROTECTION = 0.4  # autocracies' shared interest against unrest at home
AT_WAR = 0.6  # the leading state's forces tied down elsewhere
FORCES_AT = 0.5  # support at which a member sends forces
POLITICAL_AT = -0.3  # ... backs political measures ("political measures first")
OPPOSE_BELOW = -0.8  # ... opposes (blocks a consensus)
NOISE = 0.35  # what the measures miss, per member and draw
SHARED_NOISE = 0.15  # the mood of the moment, common to all members in a draw
WAR_LOOKBACK_DAYS = 730  # a war counts as going on for two years after its last reported attack


@dataclass(frozen=True)
class Scenario:
    alliance: str
    requester: str
    threat: str
    aggressor: str | None = None
    on: dt.date = field(default_factory=dt.date.today)
    assume: tuple[str, ...] = ()
    provision: str | None = None  # the provision invoked (default: the best one in force)


@dataclass
class _Agent:
    member: str
    support: float
    factors: list[tuple[str, float]]
    oppose: bool = False  # the aggressor itself, or at war with the requester
    forces_allowed: bool = True


def _parse_assume(values: tuple[str, ...], al: Alliance) -> tuple[set[str], set[str]]:
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


def _provision(al: Alliance, scenario: Scenario, kind: str) -> tuple[str, str, bool]:
    """The provision invoked, its kind, and whether it covers this threat with force."""
    in_force = [p for p in al.provisions if p.in_force(scenario.on)]
    covers = {
        "collective_defence": {"external", "incursion", "clash"},
        "internal_crisis": {"internal"},
    }
    if scenario.provision:
        chosen = [p for p in al.provisions if p.id == scenario.provision]
        if not chosen:
            ids = ", ".join(p.id for p in al.provisions)
            raise ScenarioError(f"{al.code} has no provision {scenario.provision!r}: use {ids}")
        p = chosen[0]
    else:
        fitting = [p for p in in_force if kind in covers.get(p.kind, set())]
        defence = [p for p in in_force if p.kind == "collective_defence"]
        p = (fitting or defence or in_force or list(al.provisions))[0]
    # Force is allowed when some provision in force covers the threat, and
    # the invoked one is not a consultation clause.
    covered = p.kind != "consultation" and any(kind in covers.get(q.kind, set()) for q in in_force)
    return p.id, p.kind, covered


def _leader_at_war(store: Store, al: Alliance, on: dt.date) -> str | None:
    """The target of the leading state's most recent armed attack on a
    non-member in the WAR_LOOKBACK_DAYS before `on`, as known by then (None if none)."""
    if not al.leader:
        return None
    members = [s.member for s in al.membership]
    targets = [
        str(row[0])
        for row in store.con.execute(
            "SELECT DISTINCT target FROM events WHERE source = ? AND type = 'ASSAULT' "
            "AND target NOT IN (SELECT unnest(?::VARCHAR[]))",
            [al.leader, members],
        ).fetchall()
    ]
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


def _agents(
    store: Store, data: measures.Observed, scenario: Scenario, kind: str, covered: bool
) -> tuple[list[_Agent], dict[str, Any]]:
    al = data.alliance
    flags, frozen = _parse_assume(scenario.assume, al)
    status = member_on(al, scenario.on)
    if scenario.requester not in status:
        raise ScenarioError(
            f"{scenario.requester} is not a member of {al.code} on {scenario.on.isoformat()}: "
            "see `bloc members`"
        )
    participants = [
        m
        for m, s in sorted(status.items())
        if m != scenario.requester and s == "member" and m not in frozen
    ]
    align = measures.alignment_on(data, scenario.on)
    pairs = measures.dyads(data, scenario.on)
    scored = pairs.dropna(subset=["score"])
    pair_score = {
        frozenset((str(a), str(b))): float(score)
        for a, b, score in zip(scored.a, scored.b, scored.score, strict=True)
    }
    war = _leader_at_war(store, al, scenario.on)
    at_war = "leader-at-war" in flags or war is not None
    defeated = "leader-defeated" in flags
    requester_pull = 0.5 * align.get(scenario.requester, 0.0)
    aggressor_ties = (
        measures.ties(store, participants, scenario.aggressor, scenario.on)
        if scenario.aggressor
        else {}
    )
    agents = []
    for m in participants:
        factors: list[tuple[str, float]] = []
        if covered:
            factors.append(("the treaty obliges help against this threat", OBLIGATION))
        if m != al.leader:
            factors.append((f"{m}'s alignment with the alliance", 0.5 * align.get(m, 0.0)))
        factors.append((f"{scenario.requester}'s own alignment", requester_pull))
        rel = pair_score.get(frozenset((m, scenario.requester)), 0.0)
        factors.append((f"relations with {scenario.requester}", rel))
        oppose = False
        if scenario.aggressor:
            if m == scenario.aggressor:
                oppose = True
                factors.append(("it is the aggressor", -2.0))
            else:
                tie = aggressor_ties[m]
                effect = -max(0.0, tie) + 0.5 * max(0.0, -tie)
                factors.append((f"relations with {scenario.aggressor}", effect))
        if kind == "internal":
            factors.append(("regime protection against unrest", REGIME_PROTECTION))
        forces_allowed = True
        if m == al.leader:
            if defeated:
                forces_allowed = False
                factors.append(("the leading state is defeated (assumed)", -AT_WAR))
            elif at_war:
                why = "assumed" if war is None else f"at war with {war}"
                factors.append((f"its forces are committed elsewhere ({why})", -AT_WAR))
        elif defeated:
            factors.append(("the leading state no longer leads (assumed)", -0.2))
        support = sum(v for _, v in factors)
        agents.append(_Agent(m, support, factors, oppose, forces_allowed))
    context = {"at_war": at_war, "war_with": war, "defeated": defeated, "frozen": sorted(frozen)}
    return agents, context


def _forces_exist(al: Alliance, on: dt.date) -> bool:
    return any(f.since is None or f.since <= on for f in al.forces) or not al.forces


def _decide(
    stances: np.ndarray,
    agents: list[_Agent],
    leader: str | None,
    requester: str,
    covered: bool,
    forces_exist: bool,
) -> np.ndarray:
    """The alliance's outcome per draw (index into OUTCOMES), by consensus."""
    draws = stances.shape[0]
    forces, political, _, oppose = range(len(STANCES))
    blocked = (stances == oppose).any(axis=1)
    backing = (stances <= political).sum(axis=1)
    majority = backing * 2 > stances.shape[1]
    names = [a.member for a in agents]
    if leader in names:
        lead_forces = stances[:, names.index(leader)] == forces
        lead_backs = stances[:, names.index(leader)] <= political
    else:  # the leader is the requester (or absent): a third of the members must send forces
        share = (stances == forces).sum(axis=1) * 3 >= max(1, stances.shape[1])
        lead_forces = share
        lead_backs = majority
    out = np.full(draws, OUTCOMES.index("nothing"))
    talk = majority & ~blocked
    out[talk] = OUTCOMES.index("statement")
    if covered:
        mission = ~blocked & lead_backs
        out[mission] = OUTCOMES.index("mission")
        if forces_exist:
            out[~blocked & lead_forces] = OUTCOMES.index("deployment")
    return out


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    db: Any = None,
    data: measures.Observed | None = None,
) -> dict[str, Any]:
    """Run the scenario `draws` times; return outcome probabilities and each member's stance.

    Pass an explicit `rng` (or a `seed`) for reproducible results; the same
    seed gives the same answer.
    """
    kb = bundled()
    al = kb.alliance(scenario.alliance)
    kind = _KB_THREAT.get(scenario.threat, scenario.threat)
    if kind not in THREATS:
        raise ScenarioError(f"unknown threat {scenario.threat!r}: use one of {', '.join(THREATS)}")
    if scenario.aggressor and scenario.aggressor not in kb.actors:
        raise ScenarioError(
            f"unknown aggressor {scenario.aggressor!r}: use an actor code from actors.yaml"
        )
    if draws < 1:
        raise ScenarioError("--draws must be at least 1")
    generator = rng if rng is not None else np.random.default_rng(seed)
    provision, provision_kind, covered = _provision(al, scenario, kind)
    with opened(db) as store:
        observed = data if data is not None else measures.observe(al.code, store=store)
        agents, context = _agents(store, observed, scenario, kind, covered)
    forces_exist = _forces_exist(al, scenario.on)
    stances = _stances(agents, draws, generator)
    outcome = _decide(stances, agents, al.leader, scenario.requester, covered, forces_exist)
    probabilities = {o: float(np.mean(outcome == i)) for i, o in enumerate(OUTCOMES)}
    members = []
    for j, agent in enumerate(agents):
        shares = {s: float(np.mean(stances[:, j] == i)) for i, s in enumerate(STANCES)}
        likely = max(shares, key=lambda s: shares[s])
        top = sorted(agent.factors, key=lambda f: -abs(f[1]))[:3]
        members.append(
            {
                "member": agent.member,
                "stance": likely,
                "p": shares[likely],
                "stances": shares,
                "support": agent.support,
                "reasons": [f"{name} ({value:+.2f})" for name, value in top],
            }
        )
    leader_bilateral = None
    if al.leader and al.leader != scenario.requester:
        names = [a.member for a in agents]
        if al.leader in names:
            j = names.index(al.leader)
            alone = (stances[:, j] == 0) & (outcome != OUTCOMES.index("deployment"))
            leader_bilateral = {
                "leader": al.leader,
                "p_sends_forces": float(np.mean(stances[:, j] == 0)),
                "p_acts_outside_alliance": float(np.mean(alone)),
            }
    return {
        "scenario": {
            "alliance": al.code,
            "requester": scenario.requester,
            "threat": kind,
            "aggressor": scenario.aggressor,
            "on": scenario.on.isoformat(),
            "provision": provision,
            "provision_kind": provision_kind,
            "force_covered": covered,
            "collective_forces": forces_exist,
            "assume": list(scenario.assume),
            "draws": draws,
            "seed": seed,
            **{k: v for k, v in context.items() if k != "frozen" or v},
        },
        "outcomes": probabilities,
        "predicted": max(OUTCOMES, key=lambda o: probabilities[o]),
        "members": members,
        "leader_bilateral": leader_bilateral,
    }


def _stances(agents: list[_Agent], draws: int, rng: np.random.Generator) -> np.ndarray:
    """Sample each member's stance (index into STANCES) in every draw."""
    support = np.array([a.support for a in agents])
    noisy = (
        support[None, :]
        + rng.normal(0.0, NOISE, (draws, len(agents)))
        + rng.normal(0.0, SHARED_NOISE, (draws, 1))
    )
    stances = np.select(
        [noisy >= FORCES_AT, noisy >= POLITICAL_AT, noisy >= OPPOSE_BELOW],
        [0, 1, 2],
        default=3,
    )
    for j, agent in enumerate(agents):
        if agent.oppose:
            stances[:, j] = 3
        elif not agent.forces_allowed:
            stances[:, j] = np.maximum(stances[:, j], 1)
    return np.asarray(stances)


def backtest(alliance: str, draws: int = 2_000, seed: int = 0, db: Any = None) -> pd.DataFrame:
    """Predict every historical request from what was known the day before it.

    Columns: case, date, requester, threat, predicted, actual, hit,
    probabilities, brier (this case's Brier score over the four outcomes).
    """
    al = bundled().alliance(alliance)
    rows = []
    with opened(db) as store:
        data = measures.observe(al.code, store=store)
    for i, request in enumerate(al.requests):
        rows.append(_backtest_case(al, request, draws, seed + i, db, data))
    return pd.DataFrame(
        rows,
        columns=[
            "case",
            "date",
            "requester",
            "threat",
            "predicted",
            "actual",
            "hit",
            "probabilities",
            "brier",
        ],
    )


def _backtest_case(
    al: Alliance,
    request: AssistanceRequest,
    draws: int,
    seed: int,
    db: Any,
    data: measures.Observed,
) -> dict[str, Any]:
    # The day before the request: its own events (dated that day) are unknown.
    before = request.date - dt.timedelta(days=1)
    scenario = Scenario(
        alliance=al.code,
        requester=request.requester,
        threat=_KB_THREAT.get(request.threat, request.threat),
        aggressor=request.aggressor,
        on=before,
        provision=request.provision,
    )
    result = simulate(scenario, draws=draws, seed=seed, db=db, data=data)
    p = result["outcomes"]
    brier = sum((p[o] - (1.0 if o == request.outcome else 0.0)) ** 2 for o in OUTCOMES)
    return {
        "case": request.id,
        "date": request.date,
        "requester": request.requester,
        "threat": scenario.threat,
        "predicted": result["predicted"],
        "actual": request.outcome,
        "hit": result["predicted"] == request.outcome,
        "probabilities": p,
        "brier": brier,
    }


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
