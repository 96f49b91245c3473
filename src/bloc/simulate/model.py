"""What an alliance does when a member invokes collective defence: a Monte Carlo model.

Three steps. Each member taking part is an agent whose support for the
requester is a sum of named factors measured on the day (members.py); each
draw adds noise and maps support to a stance: send forces, political
measures only, stay out, oppose. The alliance then decides by its rule
(consensus: one opposing member blocks any collective act) within what the
treaty allows the requester on the day, given where it stands (member,
frozen, suspended, left). Last, the alliance's own record of answers to
the same request (repertoire.py) updates that forecast. docs/simulation.md
states every assumption and how the constants were chosen.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import numpy as np

from bloc import measures
from bloc.core import glossary
from bloc.core.alliance import Alliance, KnowledgeBase
from bloc.errors import ScenarioError
from bloc.simulate.constants import (
    FORCES_AT,
    MODEL_WEIGHT,
    NOISE,
    OPPOSE_BELOW,
    POLITICAL_AT,
    SHARED_NOISE,
)
from bloc.simulate.members import Agent, Context, build_agents, reasons
from bloc.simulate.repertoire import Record, combine, record_on
from bloc.simulate.scenario import (
    OUTCOMES,
    STANCES,
    Scenario,
    Standing,
    Terms,
    parse_assume,
    standing_on,
    standings_on,
    terms,
    threat_kind,
)
from bloc.store import knowledge_of, opened
from bloc.store.view import DB

log = logging.getLogger(__name__)

FORCES, POLITICAL, STAY_OUT, OPPOSE = range(len(STANCES))


def forces_exist(al: Alliance, day: dt.date) -> bool:
    """Collective forces set up by `day` (an alliance that lists none is assumed to have them)."""
    return any(f.since is None or f.since <= day for f in al.forces) or not al.forces


def sample_stances(agents: list[Agent], draws: int, rng: np.random.Generator) -> np.ndarray:
    """Each member's stance (index into STANCES) in every draw."""
    support = np.array([a.support for a in agents])
    shift = np.array([a.forces_shift for a in agents])
    noisy = (
        support[None, :]
        + rng.normal(0.0, NOISE, (draws, len(agents)))
        + rng.normal(0.0, SHARED_NOISE, (draws, 1))
    )
    allowed = np.array([a.forces_allowed for a in agents], dtype=bool)
    stances = np.select(
        [
            (noisy + shift[None, :] >= FORCES_AT) & allowed[None, :],
            noisy >= POLITICAL_AT,
            noisy >= OPPOSE_BELOW,
        ],
        [FORCES, POLITICAL, STAY_OUT],
        default=OPPOSE,
    )
    for j, agent in enumerate(agents):
        if agent.oppose:
            stances[:, j] = OPPOSE
    return np.asarray(stances)


# Decision rules under which a qualified majority decides for all and no single
# member blocks (the Rio Treaty's Organ of Consultation, Articles 17 and 20):
# the share of the members taking part that must back an act.
QUALIFIED_MAJORITY = {"two-thirds majority": 2.0 / 3.0}


def decide(
    stances: np.ndarray,
    agents: list[Agent],
    leader: str | None,
    treaty: Terms,
    collective_forces: bool,
    rule: str = "consensus",
) -> np.ndarray:
    """The alliance's outcome per draw (index into OUTCOMES), by its decision rule.

    Consensus: blocked if any member opposes. Otherwise a deployment when
    force is on the table, collective forces exist and the leading state
    sends forces (a third of the members if the leader is not among them); a
    mission when the members are obliged to help and the leader backs it; a
    statement when a majority backs political measures; else nothing.
    Under a qualified-majority rule (`QUALIFIED_MAJORITY`) see `_by_majority`.
    """
    if rule in QUALIFIED_MAJORITY:
        return _by_majority(stances, treaty, collective_forces, QUALIFIED_MAJORITY[rule])
    blocked = (stances == OPPOSE).any(axis=1)
    backing = (stances <= POLITICAL).sum(axis=1)
    majority = backing * 2 > stances.shape[1]
    names = [a.member for a in agents]
    if leader in names:
        lead_forces = stances[:, names.index(leader)] == FORCES
        lead_backs = stances[:, names.index(leader)] <= POLITICAL
    else:  # the leader is the requester (or absent): a third of the members must send forces
        lead_forces = (stances == FORCES).sum(axis=1) * 3 >= max(1, stances.shape[1])
        lead_backs = majority
    out = np.full(stances.shape[0], OUTCOMES.index("nothing"))
    out[majority & ~blocked] = OUTCOMES.index("statement")
    if treaty.obliged:
        out[~blocked & lead_backs] = OUTCOMES.index("mission")
    if treaty.force and collective_forces:
        out[~blocked & lead_forces] = OUTCOMES.index("deployment")
    return out


def _by_majority(
    stances: np.ndarray, treaty: Terms, collective_forces: bool, share: float
) -> np.ndarray:
    """Outcomes where a qualified majority binds all and no single member blocks.

    Nothing passes unless `share` of the members taking part back help (an
    opposing member is outvoted, not a veto). What passes is a statement, or a
    mission when the members are obliged to help; a deployment when force is
    on the table and a third of the members would send forces, as in a
    leaderless alliance deciding by consensus.
    """
    n = stances.shape[1]
    backing = (stances <= POLITICAL).sum(axis=1)
    passed = (backing >= share * n) & (n > 0)
    out = np.full(stances.shape[0], OUTCOMES.index("nothing"))
    out[passed] = OUTCOMES.index("mission" if treaty.obliged else "statement")
    if treaty.force and collective_forces:
        forces = (stances == FORCES).sum(axis=1) * 3 >= max(1, n)
        out[passed & forces] = OUTCOMES.index("deployment")
    return out


def possible_outcomes(
    agents: list[Agent],
    leader: str | None,
    treaty: Terms,
    collective_forces: bool,
    rule: str = "consensus",
) -> set[str]:
    """The outcomes the treaty, the forces and the members' fixed stances allow at all
    (a member bound to oppose vetoes every act by consensus, not by a majority)."""
    if any(a.oppose for a in agents) and rule not in QUALIFIED_MAJORITY:
        return {"nothing"}
    found = {"statement", "nothing"}
    if treaty.obliged:
        found.add("mission")
    lead = next((a for a in agents if a.member == leader), None)
    if treaty.force and collective_forces and (lead is None or lead.forces_allowed):
        found.add("deployment")
    return found


def _participants(
    al: Alliance, scenario: Scenario, frozen: set[str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The members who take part in the decision, and every state's standing on the day."""
    taking, rows = [], []
    for s in standings_on(al, scenario.on):
        assumed = s.member in frozen and s.full
        takes = s.full and not assumed and s.member != scenario.requester
        why = (
            "the requester"
            if s.member == scenario.requester
            else "assumed frozen"
            if assumed
            else "takes part in the decision"
            if takes
            else f"{s.describe()}: takes no part in the decision"
        )
        if s.status != "left" or s.member == scenario.requester:
            rows.append(
                {
                    "member": s.member,
                    "status": "frozen" if assumed else s.status,
                    "since": s.since.isoformat(),
                    "takes_part": takes,
                    "why": why,
                }
            )
        if takes:
            taking.append(s.member)
    return taking, rows


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    db: DB = None,
    data: measures.Observed | None = None,
) -> dict[str, Any]:
    """Run the scenario `draws` times; return outcome probabilities and each member's stance.

    Pass an explicit `rng` (or a `seed`) for reproducible results; the same
    seed gives the same answer. `data` (from `measures.observe`) may carry
    an alliance other than the bundled one, e.g. with requests added.
    """
    kb = knowledge_of(db)
    code = scenario.alliance.upper()
    al = data.alliance if data is not None and data.alliance.code == code else kb.alliance(code)
    kind = threat_kind(scenario.threat)
    if scenario.aggressor and scenario.aggressor not in kb.actors:
        raise ScenarioError(
            f"unknown aggressor {scenario.aggressor!r}: use an actor code from actors.yaml"
        )
    if draws < 1:
        raise ScenarioError("--draws must be at least 1")
    flags, frozen = parse_assume(scenario.assume)
    requester = standing_on(al, scenario.requester, scenario.on)
    if requester is None:
        raise ScenarioError(
            f"{scenario.requester} is not a member of {al.code} on {scenario.on.isoformat()}"
            " and never was before: see `bloc members`"
        )
    if scenario.requester in frozen and requester.full:
        requester = Standing(requester.member, "frozen", scenario.on, ())
    generator = rng if rng is not None else np.random.default_rng(seed)
    treaty = terms(al, scenario, kind, owed=requester.full)
    participants, standing_rows = _participants(al, scenario, frozen)
    with opened(db) as store:
        observed = data if data is not None else measures.observe(al.code, db, store=store)

        def agents_now() -> tuple[list[Agent], Context]:
            return build_agents(
                store, observed, scenario, kind, treaty, requester, participants, flags
            )

        stamp = observed.stamp if data is None else None
        if stamp is None:
            agents, context = agents_now()
        else:  # a server's cache: the members' factors do not depend on the draws
            what = (scenario, kind, treaty, requester, participants, sorted(flags))
            key = ("agents", stamp.key, repr(what))
            agents, context = stamp.cache.get("frames", key, agents_now)
    collective_forces = forces_exist(al, scenario.on)
    stances = sample_stances(agents, draws, generator)
    outcome = decide(stances, agents, al.leader, treaty, collective_forces, al.decision_rule)
    member_model = {o: float(np.mean(outcome == i)) for i, o in enumerate(OUTCOMES)}
    possible = possible_outcomes(agents, al.leader, treaty, collective_forces, al.decision_rule)
    record = record_on(al, treaty.provision, kind, treaty.force, scenario.on)
    applied = requester.full
    probabilities = combine(member_model, record, possible) if applied else member_model
    members = []
    for j, agent in enumerate(agents):
        shares = {s: float(np.mean(stances[:, j] == i)) for i, s in enumerate(STANCES)}
        likely = max(shares, key=lambda s: shares[s])
        row: dict[str, Any] = {
            "member": agent.member,
            "stance": likely,
            "p": shares[likely],
            "stances": shares,
            "support": agent.support,
            "support_for_forces": agent.support + agent.forces_shift,
            "reasons": reasons(agent, requester),
        }
        if agent.ties is not None:
            row["ties"] = agent.ties
        members.append(row)
    leader_bilateral = None
    names = [a.member for a in agents]
    if al.leader and al.leader != scenario.requester and al.leader in names:
        j = names.index(al.leader)
        alone = (stances[:, j] == FORCES) & (outcome != OUTCOMES.index("deployment"))
        leader_bilateral = {
            "leader": al.leader,
            "p_sends_forces": float(np.mean(stances[:, j] == FORCES)),
            "p_acts_outside_alliance": float(np.mean(alone)),
        }
    extra: dict[str, Any] = {
        "at_war": context.at_war,
        "war_with": context.war_with,
        "defeated": context.defeated,
    }
    if frozen:
        extra["frozen"] = sorted(frozen)
    if scenario.aggressor:
        extra["aggressor_allies"] = context.allies
    return {
        "scenario": {
            "alliance": al.code,
            "requester": scenario.requester,
            "threat": kind,
            "aggressor": scenario.aggressor,
            "on": scenario.on.isoformat(),
            "provision": treaty.provision,
            "provision_kind": treaty.kind,
            "obliged": treaty.obliged,
            "force_covered": treaty.force,
            "collective_forces": collective_forces,
            "assume": list(scenario.assume),
            "draws": draws,
            "seed": seed,
            **extra,
        },
        "outcomes": probabilities,
        "predicted": max(OUTCOMES, key=lambda o: probabilities[o]),
        "reasons": _alliance_reasons(al, requester, standing_rows, treaty, record, applied, kb),
        "standing": {
            "requester": {
                "member": requester.member,
                "status": requester.status,
                "since": requester.since.isoformat(),
                "owed_help": requester.full,
                "cite": list(requester.cite),
            },
            "members": standing_rows,
        },
        "member_model": member_model,
        "repertoire": {
            "provision": record.provision,
            "threat": record.threat,
            "force_covered": record.force,
            "precedents": [
                {"case": p.case, "date": p.date.isoformat(), "outcome": p.outcome}
                for p in record.precedents
            ],
            "counts": record.counts(),
            "applied": applied and bool(record.precedents),
            "model_weight": MODEL_WEIGHT,
            "possible": [o for o in OUTCOMES if o in possible],
        },
        "members": members,
        "leader_bilateral": leader_bilateral,
    }


def _alliance_reasons(
    al: Alliance,
    requester: Standing,
    standing_rows: list[dict[str, Any]],
    treaty: Terms,
    record: Record,
    applied: bool,
    kb: KnowledgeBase,
) -> list[str]:
    """The alliance-level reasons, in words: standing, the treaty's terms, the record."""
    out = []
    if not requester.full:
        out.append(
            f"{requester.describe()}: the treaty owes it no help, so neither a mission"
            " nor a deployment is on the table and the alliance's record does not apply"
        )
    for row in standing_rows:
        if not row["takes_part"] and row["member"] != requester.member:
            out.append(f"{row['member']}: {row['why']}")
    if requester.full:
        if treaty.obliged:
            out.append(f"{_provision(al, treaty)} obliges the members to help against this threat")
        elif treaty.force:
            out.append(
                f"{_provision(al, treaty)} asks for consultation; force stays on the table because"
                " another provision in force covers this threat"
            )
        else:
            out.append("no provision in force covers this threat with force")
    if not applied:
        return out
    if record.precedents:
        cases = "; ".join(
            f"{_case(al, p.case, kb)}: {glossary.outcome(p.outcome)}" for p in record.precedents
        )
        n = len(record.precedents)
        out.append(
            f"{_capital(glossary.alliance(al.code))} answered {n} earlier"
            f" request{'s' if n > 1 else ''} like this one"
            f" ({cases}); its record weighs with the members' forecast"
        )
    else:
        out.append(
            f"{_capital(glossary.alliance(al.code))} has no earlier request like this one on record"
        )
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _provision(al: Alliance, treaty: Terms) -> str:
    """The provision invoked, in words: "Article 4 (collective defence)"."""
    found = [p for p in al.provisions if p.id == treaty.provision]
    return glossary.provision(found[0].article, treaty.kind) if found else treaty.provision


def _case(al: Alliance, case: str, kb: KnowledgeBase) -> str:
    """A precedent in words: "the 1999 Kyrgyz request" (its id when the request is unknown)."""
    found = [r for r in al.requests if r.id == case]
    if not found:
        return case
    actor = kb.actors.get(found[0].requester)
    word = glossary.adjective(actor.name, actor.demonyms) if actor else None
    name = actor.name if actor else found[0].requester
    return glossary.request(str(found[0].date.year), word, name)
