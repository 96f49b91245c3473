"""The text pipeline's records: a document as read, its sentences and mentions, its result.

One document's trip through read -> clean -> sentences -> actors -> coder ->
dates is a pure function from `Document` to `DocumentResult`, so any engine
(a loop, a process pool, Dask) can map it. The alliance model is in
`bloc.core.alliance`, the event record in `bloc.core.events`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bloc.core.dated import Precision
from bloc.core.events import CodedEvent


@dataclass(frozen=True)
class Document:
    """An article as read: its text is untrusted and shown only escaped."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    origin: str = ""
    kind: str = "txt"
    published_precision: Precision = "day"  # "month" for a date given as YYYY-MM
    lang: str = ""  # "en", "ru", ...: given by the source (a JSON line, a feed), else detected


@dataclass(frozen=True)
class Rejected:
    """A document (or a line of one) that could not be read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """An actor named in a sentence (character offsets within the sentence)."""

    code: str
    start: int
    end: int
    surface: str
    form: str


@dataclass(frozen=True)
class DocumentResult:
    document: Document
    sentences: int
    events: tuple[CodedEvent, ...]
    sha256: str
    lang: str = ""  # the document's language as read: given, or detected
