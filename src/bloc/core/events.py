"""The event record and its evidence: one definition of their shape.

An event is who (source) did what (a PLOVER type) to whom (target), when (a
date with its precision), with what evidence: one row per sentence that
reports it. The store's tables, the Arrow tables the ingest engines hand to
the store, the coder's `CodedEvent`, the review's `StoredEvent` and the JSON
rows of `bloc events` all have this shape; they are generated from the
columns below or checked against them (tests/core/test_events.py), so a new
field is added here first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bloc.core.dated import Dated, Precision

# The PLOVER event types, cooperative first, and each one's default intensity
# (-10 most hostile to +10 most cooperative; docs/codebook.md).
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

TYPE_INTENSITY: dict[str, float] = {
    "AGREE": 4.0,
    "CONSULT": 2.0,
    "SUPPORT": 3.0,
    "CONCEDE": 3.0,
    "COOPERATE": 5.0,
    "AID": 7.0,
    "RETREAT": 2.0,
    "REQUEST": 1.0,
    "ACCUSE": -3.0,
    "REJECT": -4.0,
    "THREATEN": -6.0,
    "PROTEST": -4.0,
    "SANCTION": -6.0,
    "MOBILIZE": -5.0,
    "COERCE": -7.0,
    "ASSAULT": -9.0,
}

Kind = Literal["text", "date", "float", "int", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


EVENT: tuple[Column, ...] = (
    Column("id", "text"),
    Column("date", "date"),
    Column("date_precision", "text"),
    Column("source", "text"),
    Column("target", "text"),
    Column("type", "text"),
    Column("mode", "text"),
    Column("alliance", "text"),
    Column("intensity", "float"),
    Column("confidence", "float"),
    Column("origin", "text"),  # curated, text, or a dataset's name
    Column("context", "text"),  # curated entries: the wider story
    Column("summary", "text"),  # curated entries: what happened, in the project's words
    Column("source_kind", "text"),  # what the source is: state, rebel, company, ... (KINDS)
    Column("target_kind", "text"),
    Column("domestic", "bool"),  # both sides belong to the same state
)
"""The events table, in order; `id` is its key. The last three follow from the actor codes
(`actor_kind`, `actor_country`): the store fills them when an event is written."""

DERIVED = ("source_kind", "target_kind", "domestic")
"""Columns the store derives from the actors: not part of a coded event."""

CURATED_ONLY = ("context", "summary")
"""Columns only the knowledge base fills: not part of a coded event or its JSON row."""

EVIDENCE: tuple[Column, ...] = (
    Column("event_id", "text"),
    Column("document", "text"),
    Column("sentence", "text"),
    Column("start", "int"),
    Column("end", "int"),
    Column("published", "date"),
    Column("url", "text"),
)
"""The evidence table, in order: one sentence of one document reporting an event."""

EVIDENCE_KEY = ("event_id", "document", "start")


def names(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


STORED_FIELDS: tuple[str, ...] = tuple(n for n in names(EVENT) if n not in CURATED_ONLY)
"""An event as stored, without the knowledge base's prose: `StoredEvent`'s fields."""

CODED: tuple[Column, ...] = (
    *(
        Column("precision", c.kind) if c.name == "date_precision" else c
        for c in EVENT
        if c.name in STORED_FIELDS and c.name not in ("id", "origin", *DERIVED)
    ),
    *EVIDENCE[1:],
)
"""A coded event with its one evidence row: `CodedEvent`'s fields, in order (no id yet,
no origin: ingest gives both; the precision named as the coder names it)."""
CODED_FIELDS: tuple[str, ...] = names(CODED)

JSON_FIELDS: tuple[str, ...] = (
    *(f for n in STORED_FIELDS for f in ((n, "when") if n == "date_precision" else (n,))),
    "evidence",
    "review",
)
"""A row of `bloc events --format json`: the stored event, with `when` (its date written to
its precision, 2022-01 or 1999, as the web API writes it) beside `date_precision`, its
evidence rows, its review."""


@dataclass(frozen=True)
class CodedEvent:
    """An event coded from one sentence of one document (fields: `CODED_FIELDS`)."""

    date: dt.date
    precision: Precision
    source: str
    target: str
    type: str
    mode: str | None
    alliance: str | None
    intensity: float
    confidence: float
    document: str
    sentence: str
    start: int
    end: int
    published: dt.date | None
    url: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type)

    @property
    def dated(self) -> Dated:
        return Dated(self.date, self.precision)


@dataclass(frozen=True)
class StoredEvent:
    """An event as the coder (or a dataset) stored it (fields: `STORED_FIELDS`)."""

    id: str
    date: dt.date
    date_precision: Precision
    source: str
    target: str
    type: str
    mode: str | None
    alliance: str | None
    intensity: float | None
    confidence: float | None
    origin: str
    source_kind: str | None = None
    target_kind: str | None = None
    domestic: bool | None = None

    @property
    def dated(self) -> Dated:
        return Dated(self.date, self.date_precision)


# -- who the actors are --------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "state",  # a state: its government, military, police, diplomats, state media
    "igo",  # an intergovernmental body (an alliance, the UN, the EU, ...)
    "ngo",  # a non-governmental organisation
    "rebel",  # a rebel, insurgent or terrorist group
    "militia",  # a militia (political, identity or pro-government)
    "party",  # a political party or the opposition
    "company",  # a business or a multinational company
    "civilians",  # civilians, the public
    "protesters",  # protesters and rioters
    "media",  # non-state media
    "other",  # someone else a dataset names (judges, refugees, religious bodies, ...)
)
"""Actor kinds, as events carry them (`source_kind`, `target_kind`); docs/datasets.md
says how each dataset's codes map to them."""

STATE_KINDS: tuple[str, ...] = ("state", "igo")
"""The kinds measures about states count: states and the bodies states form."""

KNOWLEDGE_KINDS: dict[str, str] = {"state": "state", "organisation": "igo", "group": "rebel"}
"""The kind of an actor of the knowledge base, by its kind there."""

NON_GOVERNMENTAL: frozenset[str] = frozenset({"ICRC", "AMNESTY", "HRW"})
"""Organisations of the knowledge base that are not intergovernmental."""


def actor_code(country: str | None, kind: str) -> str:
    """An actor a dataset names that is not an actor of the knowledge base: its country and
    its kind (`AFG:rebel`; `:ngo` without a country). The country is an attribute: the
    actor is not the state."""
    if kind not in KINDS or kind == "state":
        raise ValueError(f"{kind!r} is not a non-state actor kind ({', '.join(KINDS[1:])})")
    return f"{country or ''}:{kind}"


def actor_kind(code: str, known_kind: str | None) -> str:
    """An actor's kind from its code and, for an actor of the knowledge base, its kind there."""
    if ":" in code:
        return code.split(":", 1)[1]
    if known_kind is None:
        return "other"
    if code in NON_GOVERNMENTAL:
        return "ngo"
    return KNOWLEDGE_KINDS.get(known_kind, "other")


def actor_country(code: str, kind: str) -> str | None:
    """The state an actor belongs to: a state itself, or the country of a dataset's actor."""
    if kind == "state":
        return code
    if ":" in code:
        return code.split(":", 1)[0] or None
    return None


def domestic(source: str, source_kind: str, target: str, target_kind: str) -> bool:
    """True when both sides belong to the same state (a state and its own rebels, ...)."""
    mine = actor_country(source, source_kind)
    return mine is not None and mine == actor_country(target, target_kind)
