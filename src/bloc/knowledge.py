"""Load and validate the knowledge base: the alliance as cited data.

The YAML files under `bloc/data` are the project's own account of each
alliance. Loading checks every entry (dates, actor codes, spells, citations)
and names the file, the entry and the problem when one is wrong, so a bad
edit never reaches the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from bloc.errors import KnowledgeBaseError
from bloc.model import (
    MEMBER_STATUSES,
    OUTCOMES,
    PLOVER_TYPES,
    VOTES,
    Actor,
    ActorKind,
    Alliance,
    AssistanceRequest,
    Body,
    CuratedEvent,
    KnowledgeBase,
    MemberStatus,
    Office,
    Person,
    Precision,
    Provision,
    Resolution,
    Source,
    Spell,
)

log = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
# What a requested outcome becomes as a curated event: the alliance's answer.
_KEYS = {
    "source": frozenset({"id", "publisher", "title", "date", "url", "seed"}),
    "actor": frozenset({"code", "kind", "name", "aliases", "capitals", "demonyms", "cite"}),
    "person": frozenset({"name", "aliases", "offices"}),
    "office": frozenset({"actor", "office", "start", "end", "cite"}),
    "spell": frozenset({"member", "start", "end", "status", "note", "cite"}),
    "provision": frozenset({"id", "article", "kind", "summary", "cite", "since"}),
    "body": frozenset({"name", "kind", "summary", "cite", "since"}),
    "request": frozenset(
        {
            "id",
            "requester",
            "date",
            "threat",
            "aggressor",
            "provision",
            "outcome",
            "response",
            "cite",
        }
    ),
    "rivals": frozenset({"actors", "alliances", "summary", "cite"}),
    "resolution": frozenset({"id", "date", "title", "topic", "summary", "votes", "cite"}),
    "event": frozenset(
        {
            "id",
            "date",
            "source",
            "target",
            "type",
            "mode",
            "alliance",
            "intensity",
            "summary",
            "cite",
        }
    ),
}
_RESPONSE_EVENT: dict[str, tuple[str, str | None, float]] = {
    "deployment": ("AID", "military", 7.0),
    "mission": ("CONSULT", "mission", 3.0),
    "statement": ("CONSULT", "statement", 1.0),
    "nothing": ("REJECT", "military aid", -4.0),
}


def data_dir() -> Path:
    """The folder of the bundled knowledge base."""
    return Path(str(resources.files("bloc") / "data"))


class _Entry:
    """Reads one mapping entry and reports problems with its file and name."""

    def __init__(self, file: str, name: str, raw: Any, keys: frozenset[str] | None = None) -> None:
        if not isinstance(raw, Mapping):
            raise KnowledgeBaseError(file, name, f"expected a mapping, got {type(raw).__name__}")
        self.file, self.name, self.raw = file, name, raw
        unknown = set(map(str, raw)) - keys if keys is not None else set()
        if unknown:
            raise self.fail(
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(keys or ()))}"
                " (a comma inside an unquoted {...} value splits it: quote the value)"
            )

    def fail(self, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(self.file, self.name, problem)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"field {key!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def opt_str(self, key: str) -> str | None:
        value = self.raw.get(key)
        return None if value is None else self.text(key)

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"field {key!r} must be a list of strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def date(self, key: str, *, required: bool = True) -> tuple[dt.date, Precision] | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"field {key!r} is missing: give a date as YYYY-MM-DD")
            return None
        return parse_date(value, lambda msg: self.fail(f"field {key!r}: {msg}"))

    def number(self, key: str, low: float, high: float) -> float:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"field {key!r} must be a number, got {value!r}")
        if not low <= float(value) <= high:
            raise self.fail(f"field {key!r} must lie between {low} and {high}, got {value}")
        return float(value)


def parse_date(value: Any, fail: Any = None) -> tuple[dt.date, Precision]:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD (or a YAML date) into a date and its precision."""

    def bad(msg: str) -> Exception:
        return cast(Exception, fail(msg)) if fail else ValueError(msg)

    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise bad(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), "day"
        if month:
            return dt.date(int(year), int(month), 1), "month"
        return dt.date(int(year), 1, 1), "year"
    except ValueError as exc:
        raise bad(f"{value!r} is not a real date ({exc})") from None


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML with dates left as text, so a bad date gets our message, not a crash."""


_YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except FileNotFoundError:
        raise KnowledgeBaseError(str(path), "-", "file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(str(path), "-", f"not valid YAML ({exc})") from None


def _list(path: Path, data: Any, key: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise KnowledgeBaseError(str(path), "-", f"expected a top-level list {key!r}")
    return list(data[key])


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, Source] = {}
        self.actors: dict[str, Actor] = {}

    def cites(self, entry: _Entry) -> tuple[str, ...]:
        ids = entry.strs("cite")
        if not ids:
            raise entry.fail("has no citation: add 'cite:' with a source id from sources.yaml")
        for sid in ids:
            if sid not in self.sources:
                raise entry.fail(f"cites unknown source {sid!r}: add it to sources.yaml")
        return ids

    def actor(self, entry: _Entry, key: str, *, required: bool = True) -> str | None:
        code = entry.raw.get(key)
        if code is None and not required:
            return None
        if not isinstance(code, str) or code not in self.actors:
            raise entry.fail(f"field {key!r} names unknown actor {code!r}: add it to actors.yaml")
        return code

    def load_sources(self) -> None:
        path = self.root / "sources.yaml"
        for i, raw in enumerate(_list(path, _read_yaml(path), "sources")):
            e = _Entry(path.name, f"sources[{i}]", raw, _KEYS["source"])
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
            )

    def load_actors(self) -> None:
        path = self.root / "actors.yaml"
        for i, raw in enumerate(_list(path, _read_yaml(path), "actors")):
            e = _Entry(path.name, f"actors[{i}]", raw, _KEYS["actor"])
            code = e.text("code")
            e.name = code
            if not _CODE.match(code):
                raise e.fail(f"code {code!r} must be upper-case letters and digits")
            if code in self.actors:
                raise e.fail("duplicate actor code")
            kind = e.text("kind")
            if kind not in ("state", "organisation", "group"):
                raise e.fail(f"kind must be state, organisation or group, got {kind!r}")
            self.actors[code] = Actor(
                code=code,
                kind=cast(ActorKind, kind),
                name=e.text("name"),
                aliases=e.strs("aliases"),
                capitals=e.strs("capitals"),
                demonyms=e.strs("demonyms"),
                cite=self.cites(e),
            )

    def load_people(self) -> tuple[Person, ...]:
        path = self.root / "people.yaml"
        people = []
        for i, raw in enumerate(_list(path, _read_yaml(path), "people")):
            e = _Entry(path.name, f"people[{i}]", raw, _KEYS["person"])
            name = e.text("name")
            e.name = name
            offices = []
            raw_offices = e.raw.get("offices")
            if not isinstance(raw_offices, list) or not raw_offices:
                raise e.fail("needs a non-empty list 'offices'")
            for j, raw_office in enumerate(raw_offices):
                o = _Entry(path.name, f"{name} offices[{j}]", raw_office, _KEYS["office"])
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

    def load_alliance(self, path: Path) -> tuple[Alliance, list[CuratedEvent]]:
        data = _read_yaml(path)
        top = _Entry(path.name, "alliance", data)
        code = top.text("code")
        top.name = code
        if code not in self.actors:
            raise top.fail(f"alliance {code!r} is not in actors.yaml")
        leader = self.actor(top, "leader", required=False)
        founded = top.date("founded")
        assert founded is not None
        rule = _Entry(path.name, f"{code} decision_rule", top.raw.get("decision_rule"))

        provisions = []
        for i, raw in enumerate(top.raw.get("provisions") or []):
            p = _Entry(path.name, f"provisions[{i}]", raw, _KEYS["provision"])
            provisions.append(
                Provision(
                    id=p.text("id"),
                    article=p.text("article"),
                    kind=p.text("kind"),
                    summary=p.text("summary"),
                    cite=self.cites(p),
                    since=_since(p),
                )
            )
        provision_ids = {p.id for p in provisions}

        def bodies(key: str) -> tuple[Body, ...]:
            out = []
            for i, raw in enumerate(top.raw.get(key) or []):
                b = _Entry(path.name, f"{key}[{i}]", raw, _KEYS["body"])
                out.append(
                    Body(
                        name=b.text("name"),
                        kind=b.text("kind"),
                        summary=b.text("summary"),
                        cite=self.cites(b),
                        since=_since(b),
                    )
                )
            return tuple(out)

        spells: list[Spell] = []
        for i, raw in enumerate(top.raw.get("membership") or []):
            s = _Entry(path.name, f"membership[{i}]", raw, _KEYS["spell"])
            member = cast(str, self.actor(s, "member"))
            s.name = f"membership[{i}] ({member})"
            start = s.date("start")
            end = s.date("end", required=False)
            assert start is not None
            if end is not None and end[0] <= start[0]:
                raise s.fail(f"spell ends ({end[0]}) before it starts ({start[0]})")
            status = s.text("status", "member")
            if status not in MEMBER_STATUSES:
                raise s.fail(f"status must be one of {', '.join(MEMBER_STATUSES)}, got {status!r}")
            spell = Spell(
                member=member,
                start=start[0],
                end=end[0] if end else None,
                status=cast(MemberStatus, status),
                note=s.text("note", "-"),
                cite=self.cites(s),
            )
            for other in spells:
                if other.member == member and _overlap(other, spell):
                    raise s.fail(f"overlaps another spell of {member} from {other.start}")
            spells.append(spell)

        requests = []
        events: list[CuratedEvent] = []
        for i, raw in enumerate(top.raw.get("requests") or []):
            r = _Entry(path.name, f"requests[{i}]", raw, _KEYS["request"])
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
            req = AssistanceRequest(
                id=rid,
                alliance=code,
                requester=cast(str, self.actor(r, "requester")),
                date=when[0],
                precision=when[1],
                threat=r.text("threat"),
                aggressor=self.actor(r, "aggressor", required=False),
                provision=provision,
                outcome=outcome,
                response=r.text("response"),
                cite=self.cites(r),
            )
            requests.append(req)
            events.extend(_request_events(req))

        for i, raw in enumerate(top.raw.get("events") or []):
            events.append(self.event(_Entry(path.name, f"events[{i}]", raw, _KEYS["event"]), code))

        rivals: tuple[str, ...] = ()
        rival_alliances: tuple[str, ...] = ()
        if top.raw.get("rivals") is not None:
            rv = _Entry(path.name, f"{code} rivals", top.raw["rivals"], _KEYS["rivals"])
            self.cites(rv)
            rivals = rv.strs("actors")
            rival_alliances = rv.strs("alliances")
            for named in rivals + rival_alliances:
                if named not in self.actors:
                    raise rv.fail(f"names unknown actor {named!r}: add it to actors.yaml")

        alliance = Alliance(
            code=code,
            name=top.text("name"),
            leader=leader,
            founded=founded[0],
            treaty=top.text("treaty"),
            decision_rule=rule.text("rule"),
            decision_body=rule.text("body"),
            provisions=tuple(provisions),
            bodies=bodies("bodies"),
            forces=bodies("forces"),
            membership=tuple(sorted(spells, key=lambda s: (s.start, s.member))),
            requests=tuple(sorted(requests, key=lambda r: r.date)),
            cite=self.cites(top),
            rivals=rivals,
            rival_alliances=rival_alliances,
        )
        return alliance, events

    def load_resolutions(self) -> tuple[Resolution, ...]:
        path = self.root / "un_votes.yaml"
        if not path.exists():
            return ()
        found = []
        for i, raw in enumerate(_list(path, _read_yaml(path), "resolutions")):
            r = _Entry(path.name, f"resolutions[{i}]", raw, _KEYS["resolution"])
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

    def event(self, e: _Entry, context: str) -> CuratedEvent:
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


def _since(entry: _Entry) -> dt.date | None:
    when = entry.date("since", required=False)
    return None if when is None else when[0]


def _overlap(a: Spell, b: Spell) -> bool:
    a_end = a.end or dt.date.max
    b_end = b.end or dt.date.max
    return a.start < b_end and b.start < a_end


def _request_events(req: AssistanceRequest) -> list[CuratedEvent]:
    """The request and the alliance's answer, as two curated events."""
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
        summary=f"{req.requester} asks {req.alliance} for help under {req.provision} "
        f"({req.threat}).",
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


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Read and validate every data file under `root` (the bundled data by default)."""
    base = root or data_dir()
    loader = _Loader(base)
    loader.load_sources()
    loader.load_actors()
    people = loader.load_people()
    resolutions = loader.load_resolutions()
    alliances: dict[str, Alliance] = {}
    events: list[CuratedEvent] = []
    for path in sorted((base / "alliances").glob("*.yaml")):
        alliance, found = loader.load_alliance(path)
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
    )


@functools.cache
def bundled() -> KnowledgeBase:
    """The bundled knowledge base, loaded once per process."""
    return load_knowledge()
