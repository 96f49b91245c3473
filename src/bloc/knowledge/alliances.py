"""Load one alliance's data file: treaty, provisions, bodies, membership, requests, events.

Each part is checked as it is read (dates, actor codes, overlapping spells,
citations), in the order the file is read, so the first problem reported is
the first one met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, cast

from bloc.core import glossary
from bloc.core.alliance import (
    EXIT_KINDS,
    MEMBER_STATUSES,
    OUTCOMES,
    Actor,
    Alliance,
    AssistanceRequest,
    Body,
    CuratedEvent,
    Exit,
    MemberStatus,
    Provision,
    Spell,
)
from bloc.knowledge.entries import KEYS, Entry, read_yaml


class Loader(Protocol):
    """What reading an alliance needs of `bloc.knowledge.loader.Loader` (which calls this
    module): the actors and sources loaded so far, and its checks of an entry."""

    @property
    def actors(self) -> Mapping[str, Actor]: ...

    def cites(self, entry: Entry) -> tuple[str, ...]: ...

    def actor(self, entry: Entry, key: str, *, required: bool = True) -> str | None: ...

    def event(self, e: Entry, context: str) -> CuratedEvent: ...


# What a requested outcome becomes as a curated event: the alliance's answer.
_RESPONSE_EVENT: dict[str, tuple[str, str | None, float]] = {
    "deployment": ("AID", "military", 7.0),
    "mission": ("CONSULT", "mission", 3.0),
    "statement": ("CONSULT", "statement", 1.0),
    "nothing": ("REJECT", "military aid", -4.0),
}


def load_alliance(loader: Loader, path: Path) -> tuple[Alliance, list[CuratedEvent]]:
    """One alliance and the curated events its file records (requests become two each)."""
    top = Entry(path.name, "alliance", read_yaml(path))
    code = top.text("code")
    top.name = code
    if code not in loader.actors:
        raise top.fail(f"alliance {code!r} is not in actors.yaml")
    leader = loader.actor(top, "leader", required=False)
    founded = top.date("founded")
    assert founded is not None
    rule = Entry(path.name, f"{code} decision_rule", top.raw.get("decision_rule"))
    provisions = _provisions(loader, top, path)
    spells = _spells(loader, top, path)
    requests = _requests(loader, top, path, code, {p.id for p in provisions})
    articles = {p.id: glossary.provision(p.article, p.kind) for p in provisions}
    events = [e for r in requests for e in _request_events(r, articles, loader.actors)]
    for i, raw in enumerate(top.raw.get("events") or []):
        events.append(loader.event(Entry(path.name, f"events[{i}]", raw, KEYS["event"]), code))
    rivals, rival_alliances = _rivals(loader, top, path, code)
    alliance = Alliance(
        code=code,
        name=top.text("name"),
        leader=leader,
        founded=founded[0],
        treaty=top.text("treaty"),
        decision_rule=rule.text("rule"),
        decision_body=rule.text("body"),
        provisions=provisions,
        bodies=_bodies(loader, top, path, "bodies"),
        forces=_bodies(loader, top, path, "forces"),
        membership=tuple(sorted(spells, key=lambda s: (s.start, s.member))),
        requests=tuple(sorted(requests, key=lambda r: r.date)),
        cite=loader.cites(top),
        rivals=rivals,
        rival_alliances=rival_alliances,
        exits=_exits(loader, top, path, code, spells),
    )
    return alliance, events


def _provisions(loader: Loader, top: Entry, path: Path) -> tuple[Provision, ...]:
    provisions = []
    for i, raw in enumerate(top.raw.get("provisions") or []):
        p = Entry(path.name, f"provisions[{i}]", raw, KEYS["provision"])
        provisions.append(
            Provision(
                id=p.text("id"),
                article=p.text("article"),
                kind=p.text("kind"),
                summary=p.text("summary"),
                cite=loader.cites(p),
                since=_since(p),
            )
        )
    return tuple(provisions)


def _bodies(loader: Loader, top: Entry, path: Path, key: str) -> tuple[Body, ...]:
    out = []
    for i, raw in enumerate(top.raw.get(key) or []):
        b = Entry(path.name, f"{key}[{i}]", raw, KEYS["body"])
        out.append(
            Body(
                name=b.text("name"),
                kind=b.text("kind"),
                summary=b.text("summary"),
                cite=loader.cites(b),
                since=_since(b),
            )
        )
    return tuple(out)


def _spells(loader: Loader, top: Entry, path: Path) -> list[Spell]:
    spells: list[Spell] = []
    for i, raw in enumerate(top.raw.get("membership") or []):
        s = Entry(path.name, f"membership[{i}]", raw, KEYS["spell"])
        member = cast(str, loader.actor(s, "member"))
        s.name = f"membership[{i}] ({member})"
        start = s.date("start")
        end = s.date("end", required=False)
        assert start is not None
        if end is not None and end[0] <= start[0]:
            raise s.fail(f"spell ends ({end[0]}) before it starts ({start[0]})")
        gone = loader.actors[member].until
        if gone is not None and (end is None or end[0] > gone):
            raise s.fail(
                f"spell runs past {gone}, the day {member} ceased to exist: end it by then"
            )
        status = s.text("status", "member")
        if status not in MEMBER_STATUSES:
            raise s.fail(f"status must be one of {', '.join(MEMBER_STATUSES)}, got {status!r}")
        spell = Spell(
            member=member,
            start=start[0],
            end=end[0] if end else None,
            status=cast(MemberStatus, status),
            note=s.text("note", "-"),
            cite=loader.cites(s),
        )
        for other in spells:
            if other.member == member and _overlap(other, spell):
                raise s.fail(f"overlaps another spell of {member} from {other.start}")
        spells.append(spell)
    return spells


def _exits(
    loader: Loader, top: Entry, path: Path, code: str, spells: list[Spell]
) -> tuple[Exit, ...]:
    """The file's `exits:`, each on a day one of the member's spells covers (or ends on)."""
    exits = []
    for i, raw in enumerate(top.raw.get("exits") or []):
        x = Entry(path.name, f"exits[{i}]", raw, KEYS["exit"])
        member = cast(str, loader.actor(x, "member"))
        x.name = f"exits[{i}] ({member})"
        kind = x.text("kind")
        if kind not in EXIT_KINDS:
            raise x.fail(f"kind must be one of {', '.join(EXIT_KINDS)}, got {kind!r}")
        when = x.date("date")
        assert when is not None
        day = when[0]
        if not any(
            s.member == member and s.start < day and (s.end is None or day <= s.end) for s in spells
        ):
            raise x.fail(
                f"date {day} falls outside every membership spell of {member}: "
                "an exit must fall within a spell or on the day it ends"
            )
        announced = x.date("announced", required=False)
        if announced is not None and announced[0] > day:
            raise x.fail(f"announced ({announced[0]}) after the exit took effect ({day})")
        exits.append(
            Exit(
                alliance=code,
                member=member,
                kind=kind,
                date=day,
                precision=when[1],
                note=x.text("note"),
                cite=loader.cites(x),
                announced=None if announced is None else announced[0],
            )
        )
    return tuple(sorted(exits, key=lambda e: (e.date, e.member)))


def _requests(
    loader: Loader, top: Entry, path: Path, code: str, provision_ids: set[str]
) -> list[AssistanceRequest]:
    requests = []
    for i, raw in enumerate(top.raw.get("requests") or []):
        r = Entry(path.name, f"requests[{i}]", raw, KEYS["request"])
        rid = r.text("id")
        r.name = rid
        when = r.date("date")
        assert when is not None
        outcome = r.text("outcome")
        if outcome not in OUTCOMES:
            raise r.fail(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        provision = r.text("provision")
        if provision not in provision_ids:
            raise r.fail(f"provision {provision!r} is not among this alliance's provisions")
        requests.append(
            AssistanceRequest(
                id=rid,
                alliance=code,
                requester=cast(str, loader.actor(r, "requester")),
                date=when[0],
                precision=when[1],
                threat=r.text("threat"),
                aggressor=loader.actor(r, "aggressor", required=False),
                provision=provision,
                outcome=outcome,
                response=r.text("response"),
                cite=loader.cites(r),
            )
        )
    return requests


def _rivals(
    loader: Loader, top: Entry, path: Path, code: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The leading state's adversaries: named actors, and alliances whose members count."""
    if top.raw.get("rivals") is None:
        return (), ()
    rv = Entry(path.name, f"{code} rivals", top.raw["rivals"], KEYS["rivals"])
    loader.cites(rv)
    rivals = rv.strs("actors")
    rival_alliances = rv.strs("alliances")
    for named in rivals + rival_alliances:
        if named not in loader.actors:
            raise rv.fail(f"names unknown actor {named!r}: add it to actors.yaml")
    return rivals, rival_alliances


def _since(entry: Entry) -> dt.date | None:
    when = entry.date("since", required=False)
    return None if when is None else when[0]


def _overlap(a: Spell, b: Spell) -> bool:
    a_end = a.end or dt.date.max
    b_end = b.end or dt.date.max
    return a.start < b_end and b.start < a_end


def _request_events(
    req: AssistanceRequest, articles: dict[str, str], actors: Mapping[str, Actor]
) -> list[CuratedEvent]:
    """The request and the alliance's answer, as two curated events (the request's summary
    in plain words: "Kyrgyzstan asks the CSTO for help under Article 4 (collective
    defence) against an incursion.")."""
    asker = actors[req.requester].name if req.requester in actors else req.requester
    ask = CuratedEvent(
        id=f"{req.id}-request",
        date=req.date,
        precision=req.precision,
        source=req.requester,
        target=req.alliance,
        type="REQUEST",
        mode="military aid",
        alliance=req.alliance,
        intensity=1.0,
        summary=f"{asker} asks {glossary.alliance(req.alliance)} for help under "
        f"{articles.get(req.provision, req.provision)} against {glossary.threat(req.threat)}.",
        cite=req.cite,
        context=req.alliance,
    )
    kind, mode, intensity = _RESPONSE_EVENT[req.outcome]
    answer = CuratedEvent(
        id=f"{req.id}-response",
        date=req.date,
        precision=req.precision,
        source=req.alliance,
        target=req.requester,
        type=kind,
        mode=mode,
        alliance=req.alliance,
        intensity=intensity,
        summary=req.response,
        cite=req.cite,
        context=req.alliance,
    )
    return [ask, answer]
