"""What reading one language takes, behind one interface, and the registry of languages.

The engine (clean, sentences, actors, parse, roles, reference, types, coder, dates)
is the same for every language; a `Language` gives it the parts that differ: its
parser adapter, actor finder, lexicon (triggers and the closed word classes the role
logic reads), gate, date readers, page boilerplate and abbreviations. Each lives in
its own folder, `bloc.text.lang.<code>`, which registers itself on import; the
registry imports every such folder the first time it is asked, so a new language
is one new folder whose `__init__` ends with one `register(...)` line.

English reads inflected forms at the gate; Russian, which inflects far more, reads
lemmas (pymorphy3's, cached per word), so a passive participle passes as its verb.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

import yaml

from bloc.core.dated import Precision
from bloc.model import Mention
from bloc.text import parse
from bloc.text.lang import discover
from bloc.text.lexicon import Entry, Lexicon, load
from bloc.text.parse import Parser

DateGuess = tuple[dt.date, Precision]
"""A date and how precisely it is known."""
SCRIPTS = {"Latin": re.compile(r"[A-Za-z]"), "Cyrillic": re.compile(r"[\u0400-\u04ff]")}
"""The scripts bloc tells apart by their letters (language detection, datelines)."""


class Finder(Protocol):
    def find(
        self, text: str, day: dt.date | None, context_alliance: str | None = None
    ) -> list[Mention]: ...

    def with_anaphors(
        self, text: str, found: list[Mention], context_alliance: str | None
    ) -> list[Mention]: ...


@dataclass(frozen=True)
class Dating:
    """A language's date readers (the engine's rules are in bloc.text.dates)."""

    may_date: Callable[[str], bool]
    sentence_date: Callable[[str, dt.date | None, Precision], DateGuess | None]
    anchor_date: Callable[[str], DateGuess | None]
    listed_years: Callable[[str], list[int]]
    publication_date: Callable[[str], dt.date | None] = lambda head: None


@dataclass(frozen=True)
class Page:
    """What a language's pages and prose look like to the cleaner and the splitter
    (its page.yaml): regular-expression alternatives, joined across languages."""

    boilerplate: tuple[str, ...] = ()  # a line of page furniture ("read more", "advertisement")
    sport: str = ""  # one word of sport, captured as group 1
    list_heads: tuple[str, ...] = ()  # a heading over other stories ("related stories")
    stamps: tuple[str, ...] = ()  # "published", "updated": a time stamp's first word
    units: tuple[str, ...] = ()  # "minutes", "hours": a teaser's age ("• 5 hours ago")
    abbreviations: frozenset[str] = frozenset()  # lower case, without the final stop
    capitals: str = ""  # a character-class range of the capital letters a sentence opens with
    letters: str = ""  # a character-class range of the letters words are made of


class Language(Protocol):
    """One language bloc reads: each part is loaded once, when first needed."""

    @property
    def lang(self) -> str:
        """The ISO 639-1 code ("en")."""
        ...

    @property
    def script(self) -> str:
        """The script its text is written in (a key of SCRIPTS)."""
        ...

    @property
    def lex(self) -> Lexicon: ...

    @property
    def finder(self) -> Finder: ...

    @property
    def dating(self) -> Dating: ...

    @property
    def page(self) -> Page: ...

    def gate(self, text: str) -> bool:
        """A trigger word in the sentence: worth parsing."""
        ...

    def parser(self) -> Parser:
        """Its parse adapter (see bloc.text.parse), loaded by the caller once."""
        ...

    def variant(self, text: str, letters: int) -> str:
        """The code of the language a text of this script is in: its own, or a related
        one it is told apart from (Russian from Kazakh); `letters` of its script."""
        ...

    @property
    def related(self) -> frozenset[str]:
        """The codes `variant` may give besides its own (stored, not coded)."""
        ...


@dataclass
class Packaged:
    """A `Language` whose data files live in its package (`lexicon.yaml`, `page.yaml`)
    and whose code parts are given as factories, called once."""

    lang: str
    script: str
    package: str
    make_finder: Callable[[], Finder]
    make_dating: Callable[[], Dating]
    make_parser: Callable[[], Parser]
    make_gate: Callable[[Lexicon], Callable[[str], bool]]
    inflect: Callable[[str, str], set[str]] | None = None
    identify: Callable[[str, int], str] | None = None
    related: frozenset[str] = frozenset()
    derived: Callable[[], Sequence[Entry]] | None = None  # entries behind the curated ones
    _gate: Callable[[str], bool] | None = field(default=None, repr=False)

    def data(self, name: str) -> str:
        return (resources.files(self.package) / name).read_text(encoding="utf-8")

    @functools.cached_property
    def lex(self) -> Lexicon:
        extra = self.derived() if self.derived is not None else ()
        return load(self.lang, self.data("lexicon.yaml"), self.inflect, extra)

    @functools.cached_property
    def finder(self) -> Finder:
        return self.make_finder()

    @functools.cached_property
    def dating(self) -> Dating:
        return self.make_dating()

    @functools.cached_property
    def page(self) -> Page:
        return page(yaml.safe_load(self.data("page.yaml")) or {})

    def gate(self, text: str) -> bool:
        if self._gate is None:
            self._gate = self.make_gate(self.lex)
        return self._gate(text)

    def parser(self) -> Parser:
        return self.make_parser()

    def variant(self, text: str, letters: int) -> str:
        return self.identify(text, letters) if self.identify is not None else self.lang


def page(raw: Mapping[str, Any]) -> Page:
    """A Page from its YAML mapping."""
    return Page(
        boilerplate=tuple(raw.get("boilerplate") or ()),
        sport=str(raw.get("sport") or ""),
        list_heads=tuple(raw.get("list_heads") or ()),
        stamps=tuple(raw.get("stamps") or ()),
        units=tuple(raw.get("units") or ()),
        abbreviations=frozenset(str(a).lower() for a in raw.get("abbreviations") or ()),
        capitals=str(raw.get("capitals") or ""),
        letters=str(raw.get("letters") or ""),
    )


_REGISTRY: dict[str, Language] = {}


def register(language: Language) -> None:
    """Make a language readable (its folder's `__init__` calls this on import), and its
    parser known to the parse stage."""
    _REGISTRY[language.lang] = language
    parse.register(language.lang, language.parser)


def languages() -> dict[str, Language]:
    """Every registered language by code, the built-in folders of bloc.text.lang first
    (imported on the first call, in order of their codes)."""
    discover()
    return _REGISTRY


def reading(lang: str) -> Language | None:
    """How to read a language; None for one bloc does not code."""
    return languages().get(lang)


def of_script(script: str) -> list[Language]:
    """The registered languages written in a script, in registry order."""
    return [lang for lang in languages().values() if lang.script == script]


Reading = Language
"""The name the pipeline reads a sentence's language by."""
