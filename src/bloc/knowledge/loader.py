"""Load and validate the knowledge base: the alliance as cited data.

The YAML files under `bloc/knowledge/data` are the project's own account of
each alliance. Loading checks every entry (dates, actor codes, spells,
citations) and names the file, the entry and the problem when one is wrong,
so a bad edit never reaches the store.
"""

from __future__ import annotations

import functools
import logging
from importlib import resources
from pathlib import Path
from typing import cast

from bloc.core.alliance import (
    TIE_KINDS,
    VOTES,
    Actor,
    ActorKind,
    Alliance,
    CuratedEvent,
    KnowledgeBase,
    Office,
    Person,
    Resolution,
    Source,
    Tie,
)
from bloc.core.events import PLOVER_TYPES
from bloc.errors import KnowledgeBaseError
from bloc.knowledge.alliances import load_alliance
from bloc.knowledge.entries import CODE, KEYS, Entry, read_yaml, top_list
from bloc.knowledge.world import forms, merge, world_actors

log = logging.getLogger(__name__)


def data_dir() -> Path:
    """The folder of the bundled knowledge base."""
    return Path(str(resources.files("bloc.knowledge") / "data"))


class Loader:
    """Reads the data files in order, each entry checked against what is already loaded."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, Source] = {}
        self.actors: dict[str, Actor] = {}

    def cites(self, entry: Entry) -> tuple[str, ...]:
        ids = entry.strs("cite")
        if not ids:
            raise entry.fail("has no citation: add 'cite:' with a source id from sources.yaml")
        for sid in ids:
            if sid not in self.sources:
                raise entry.fail(f"cites unknown source {sid!r}: add it to sources.yaml")
        return ids

    def actor(self, entry: Entry, key: str, *, required: bool = True) -> str | None:
        code = entry.raw.get(key)
        if code is None and not required:
            return None
        if not isinstance(code, str) or code not in self.actors:
            raise entry.fail(f"field {key!r} names unknown actor {code!r}: add it to actors.yaml")
        return code

    def load_sources(self) -> None:
        path = self.root / "sources.yaml"
        for i, raw in enumerate(top_list(path, read_yaml(path), "sources")):
            e = Entry(path.name, f"sources[{i}]", raw, KEYS["source"])
            sid = e.text("id")
            e.name = sid
            if sid in self.sources:
                raise e.fail("duplicate source id")
            found = e.date("date", required=False)
            self.sources[sid] = Source(
                id=sid,
                publisher=e.text("publisher"),
                title=e.text("title"),
                date=found[0] if found else None,
                url=e.opt_str("url"),
                seed=e.opt_str("seed"),
                precision=found[1] if found else "day",
            )

    def load_actors(self) -> None:
        """The world's states from the libraries, then actors.yaml: organisations,
        groups, and for states what the libraries lack (an entry for a state the
        libraries know adds to it; its name, if given, replaces theirs)."""
        world = world_actors()
        path = self.root / "actors.yaml"
        curated: dict[str, set[str]] = {}
        entries: dict[str, Entry] = {}
        for i, raw in enumerate(top_list(path, read_yaml(path), "actors")):
            e = Entry(path.name, f"actors[{i}]", raw, KEYS["actor"])
            code = e.text("code")
            e.name = code
            if not CODE.match(code):
                raise e.fail(f"code {code!r} must be upper-case letters and digits")
            if code in self.actors:
                raise e.fail("duplicate actor code")
            kind = e.text("kind")
            if kind not in ("state", "organisation", "group"):
                raise e.fail(f"kind must be state, organisation or group, got {kind!r}")
            if code in world and kind != "state":
                raise e.fail(f"{code} is a state's ISO code: give the {kind} another code")
            until = e.date("until", required=False)
            if (until or e.raw.get("successors") or e.raw.get("continuator")) and kind != "state":
                raise e.fail("until, successors and continuator are for states that ended")
            actor = Actor(
                code=code,
                kind=cast(ActorKind, kind),
                name=e.text("name"),
                aliases=e.strs("aliases"),
                capitals=e.strs("capitals"),
                demonyms=e.strs("demonyms"),
                cite=self.cites(e),
                places=e.strs("places"),
                until=None if until is None else until[0],
                successors=e.strs("successors"),
                continuator=e.opt_str("continuator"),
            )
            curated[code] = set(forms(actor))
            self.actors[code] = actor
            entries[code] = e
        claimed = {form: code for code, own in curated.items() for form in own}
        for code, state in world.items():
            theirs = {f for f in forms(state) if claimed.get(f, code) != code}
            self.actors[code] = merge(state, self.actors.get(code), theirs)
        for code, e in entries.items():
            _check_succession(self.actors[code], e, self.actors)

    def load_people(self) -> tuple[Person, ...]:
        path = self.root / "people.yaml"
        people = []
        for i, raw in enumerate(top_list(path, read_yaml(path), "people")):
            e = Entry(path.name, f"people[{i}]", raw, KEYS["person"])
            name = e.text("name")
            e.name = name
            offices = []
            raw_offices = e.raw.get("offices")
            if not isinstance(raw_offices, list) or not raw_offices:
                raise e.fail("needs a non-empty list 'offices'")
            for j, raw_office in enumerate(raw_offices):
                o = Entry(path.name, f"{name} offices[{j}]", raw_office, KEYS["office"])
                start = o.date("start")
                end = o.date("end", required=False)
                assert start is not None
                if end is not None and end[0] <= start[0]:
                    raise o.fail(f"term ends ({end[0]}) before it starts ({start[0]})")
                offices.append(
                    Office(
                        actor=cast(str, self.actor(o, "actor")),
                        office=o.text("office"),
                        start=start[0],
                        end=end[0] if end else None,
                        cite=self.cites(o),
                    )
                )
            people.append(Person(name=name, aliases=e.strs("aliases"), offices=tuple(offices)))
        return tuple(people)

    def load_resolutions(self) -> tuple[Resolution, ...]:
        path = self.root / "un_votes.yaml"
        if not path.exists():
            return ()
        found = []
        for i, raw in enumerate(top_list(path, read_yaml(path), "resolutions")):
            r = Entry(path.name, f"resolutions[{i}]", raw, KEYS["resolution"])
            r.name = r.text("id")
            when = r.date("date")
            assert when is not None
            if when[1] != "day":
                raise r.fail("a recorded vote needs its exact day (YYYY-MM-DD)")
            votes = r.raw.get("votes")
            if not isinstance(votes, dict) or not votes:
                raise r.fail("'votes' must map actor codes to yes, no, abstain or absent")
            for actor, vote in votes.items():
                if actor not in self.actors:
                    raise r.fail(f"votes name unknown actor {actor!r}: add it to actors.yaml")
                if vote not in VOTES:
                    raise r.fail(f"vote of {actor} must be one of {', '.join(VOTES)}, got {vote!r}")
            found.append(
                Resolution(
                    id=r.name,
                    date=when[0],
                    title=r.text("title"),
                    topic=r.text("topic"),
                    summary=r.text("summary"),
                    votes={str(k): str(v) for k, v in votes.items()},
                    cite=self.cites(r),
                )
            )
        return tuple(sorted(found, key=lambda x: x.date))

    def load_ties(self) -> tuple[Tie, ...]:
        """Standing ties between states (ties.yaml), each checked like any other entry."""
        path = self.root / "ties.yaml"
        if not path.exists():
            return ()
        found: dict[str, Tie] = {}
        for i, raw in enumerate(top_list(path, read_yaml(path), "ties")):
            t = Entry(path.name, f"ties[{i}]", raw, KEYS["tie"])
            t.name = t.text("id")
            if t.name in found:
                raise t.fail("duplicate tie id")
            actors = t.strs("between")
            if len(set(actors)) < 2:
                raise t.fail("'between' needs two or more different actor codes")
            for code in actors:
                if code not in self.actors:
                    raise t.fail(f"'between' names unknown actor {code!r}: add it to actors.yaml")
            kind = t.text("kind")
            if kind not in TIE_KINDS:
                raise t.fail(f"kind must be one of {', '.join(TIE_KINDS)}, got {kind!r}")
            start = t.date("start")
            end = t.date("end", required=False)
            assert start is not None
            if end is not None and end[0] <= start[0]:
                raise t.fail(f"tie ends ({end[0]}) before it starts ({start[0]})")
            found[t.name] = Tie(
                id=t.name,
                actors=actors,
                kind=kind,
                start=start[0],
                precision=start[1],
                end=end[0] if end else None,
                summary=t.text("summary"),
                cite=self.cites(t),
            )
        return tuple(sorted(found.values(), key=lambda x: (x.start, x.id)))

    def event(self, e: Entry, context: str) -> CuratedEvent:
        eid = e.text("id")
        e.name = eid
        when = e.date("date")
        assert when is not None
        etype = e.text("type")
        if etype not in PLOVER_TYPES:
            raise e.fail(f"type {etype!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
        alliance = e.raw.get("alliance")
        if alliance is not None and alliance not in self.actors:
            raise e.fail(f"field 'alliance' names unknown actor {alliance!r}")
        return CuratedEvent(
            id=eid,
            date=when[0],
            precision=when[1],
            source=cast(str, self.actor(e, "source")),
            target=cast(str, self.actor(e, "target")),
            type=etype,
            mode=e.opt_str("mode"),
            alliance=alliance,
            intensity=e.number("intensity", -10, 10),
            summary=e.text("summary"),
            cite=self.cites(e),
            context=context,
        )


def _check_succession(actor: Actor, e: Entry, actors: dict[str, Actor]) -> None:
    """A historical state's successors and continuator are known states, the
    continuator among the successors (it continues one of them, not a stranger)."""
    for code in actor.successors:
        if code not in actors:
            raise e.fail(f"successor {code!r} is not a known actor: add it to actors.yaml")
    if actor.continuator is not None and actor.continuator not in actor.successors:
        raise e.fail(f"continuator {actor.continuator!r} must be one of its successors")
    if (actor.successors or actor.continuator) and actor.until is None:
        raise e.fail("a state with successors needs 'until', the day it ceased to exist")


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Read and validate every data file under `root` (the bundled data by default)."""
    base = root or data_dir()
    loader = Loader(base)
    loader.load_sources()
    loader.load_actors()
    people = loader.load_people()
    resolutions = loader.load_resolutions()
    ties = loader.load_ties()
    alliances: dict[str, Alliance] = {}
    events: list[CuratedEvent] = []
    for path in sorted((base / "alliances").glob("*.yaml")):
        alliance, found = load_alliance(loader, path)
        if alliance.code in alliances:
            raise KnowledgeBaseError(path.name, alliance.code, "alliance defined twice")
        alliances[alliance.code] = alliance
        events.extend(found)
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            raise KnowledgeBaseError(event.context, event.id, "duplicate event id")
        seen.add(event.id)
    log.debug("knowledge base: %d actors, %d events", len(loader.actors), len(events))
    return KnowledgeBase(
        sources=loader.sources,
        actors=loader.actors,
        people=people,
        alliances=alliances,
        events=tuple(sorted(events, key=lambda ev: (ev.date, ev.id))),
        resolutions=resolutions,
        ties=ties,
    )


@functools.cache
def bundled() -> KnowledgeBase:
    """The bundled knowledge base, loaded once per process."""
    return load_knowledge()
