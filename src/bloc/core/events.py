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

Kind = Literal["text", "date", "float", "int"]


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
)
"""The events table, in order; `id` is its key."""

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
        if c.name in STORED_FIELDS[1:-1]
    ),
    *EVIDENCE[1:],
)
"""A coded event with its one evidence row: `CodedEvent`'s fields, in order (no id yet,
no origin: ingest gives both; the precision named as the coder names it)."""
CODED_FIELDS: tuple[str, ...] = names(CODED)

JSON_FIELDS: tuple[str, ...] = (*STORED_FIELDS, "evidence", "review")
"""A row of `bloc events --format json`: the stored event, its evidence rows, its review."""


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

    @property
    def dated(self) -> Dated:
        return Dated(self.date, self.date_precision)
