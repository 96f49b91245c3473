"""The trigger lexicon (lexicon.yaml): which lemmas report which PLOVER event.

Loaded and checked once per language. `Lexicon.entries_for` gives a token's
candidate readings, most specific first (an entry that names its object,
particle or preposition before a bare one); `Lexicon.forms` is every
inflected form of every trigger, the cheap gate's vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from bloc.core.events import PLOVER_TYPES
from bloc.errors import BlocError

WORDS = (
    "future", "speculative", "must", "intent", "forecast", "reluctant", "negation",
    "conditional", "stative", "before", "involving",
)  # fmt: skip
"""The closed word classes of a language that the role logic reads (see lexicon.yaml)."""
MORE_WORDS = (
    "pronouns", "first_person", "relatives", "determiners", "coordinators", "state_nouns",
    "organisation_nouns", "groups", "ethnic", "inner_cases", "origin_cases", "genitive", "in",
    "to", "by", "between", "between_nouns", "protest_cases", "host_cases", "where_cases",
    "purpose_marks", "clause_ends", "nobody", "asked", "governed_asked", "plural_endings",
    "calendar", "gate", "personal", "destination", "away_cases", "state_parts",
)  # fmt: skip
"""Word classes a language may leave out (empty): the prepositions, pronouns and nouns
the role logic and reference resolution read, named by what they do ("genitive": the
preposition of "the invasion of X"), so each language lists its own words."""
FUNCTION_CLASSES = ("intent", "forecast", "reluctant", "stative", "involving")
"""Closed classes whose verbs the role logic reads for mood or participants ("failed to",
"expected to", "involving"): a derived entry of such a verb is left out; with the light
verbs ("held talks": the noun is the trigger) and the speech verbs ("said")."""
NO_EVENT = "none"
"""The type of an entry that says a sense is no event ("a clash of opinions"): stored as
"", like the derived lexicon's entries of no PLOVER type."""
KEYS = frozenset(
    {
        "lemma", "pos", "type", "mode", "particle", "prep", "with", "symmetric", "alliance",
        "place", "governs", "speech", "intent", "negates",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    lemma: str
    pos: str  # verb or noun
    type: str
    mode: str
    particle: str | None = None
    prep: str | None = None
    objects: frozenset[str] = frozenset()
    symmetric: bool = False
    alliance: bool = False
    place: bool = False
    governs: bool = False
    speech: bool = False
    intent: bool = False
    negates: str | None = None
    origin: str = "curated"
    """Where the entry comes from: "curated" (lexicon.yaml, written for bloc) or
    "derived" (a broad dictionary, `bloc.text.lang.en.derived`); a curated reading
    has been checked on sentences, a derived one only inherited."""
    pobjects: frozenset[str] = frozenset()
    """With `prep`: the head lemmas its object may have (empty: any)."""

    @property
    def specificity(self) -> int:
        """The particle first ("call up" is another verb than "call"), then the object,
        then the preposition and its object."""
        return (
            3 * bool(self.particle) + 2 * bool(self.objects) + bool(self.prep) + bool(self.pobjects)
        )


@dataclass(frozen=True)
class Lexicon:
    lang: str
    entries: dict[tuple[str, str], tuple[Entry, ...]]  # (pos, lemma) -> most specific first
    light: frozenset[str]
    speech: frozenset[str]
    targets: dict[str, tuple[str, ...]]
    forms: frozenset[str]
    lemmas: dict[str, str]  # an inflected form -> its lemma, for the parser's slips
    words: dict[str, frozenset[str]]  # the closed classes the role logic reads (WORDS)
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    """A form whose every reading is derived and needs an argument -> the words (forms of
    its objects, prepositional objects, particles) of which one must be in the sentence
    too: "led" alone is no reason to parse, "called ... up" is."""
    articles: bool = False  # "the country": a description needs its article to refer

    def entries_for(self, lemma: str, pos: str, text: str = "") -> tuple[Entry, ...]:
        """A word's readings; by its form when the parser's lemma is unknown ("staged")."""
        kind = "noun" if pos in ("NOUN", "PROPN") else "verb" if pos == "VERB" else ""
        if pos == "PROPN" and lemma in self.words["calendar"]:
            return ()  # "March", "May": months, not marches
        found = self.entries.get((kind, lemma), ())
        if not found and text:
            found = self.entries.get((kind, self.lemmas.get(text.lower(), "")), ())
        return found

    def is_light(self, lemma: str, text: str) -> bool:
        return lemma in self.light or self.lemmas.get(text.lower()) in self.light

    def is_speech(self, lemma: str, text: str) -> bool:
        return lemma in self.speech or self.lemmas.get(text.lower()) in self.speech


class _Loader(yaml.SafeLoader):
    """YAML in which on, off, yes and no are words (prepositions, particles), not booleans."""


_Loader.yaml_implicit_resolvers = {
    key: [
        (tag, rx if tag != "tag:yaml.org,2002:bool" else re.compile(r"^(?:true|false)$"))
        for tag, rx in resolvers
    ]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LexiconError(BlocError):
    """The lexicon data file is malformed."""


def _fail(where: str, problem: str) -> LexiconError:
    return LexiconError(f"lexicon.yaml: {where}: {problem}; fix the entry and load again")


def _entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise _fail(where, "an entry must be a mapping")
    unknown = set(raw) - KEYS
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("lemma", "type", "mode"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(where, f"field {key!r} must be a non-empty string")
    if raw["type"] not in PLOVER_TYPES and raw["type"] != NO_EVENT:
        raise _fail(where, f"type {raw['type']!r} is not a PLOVER type nor {NO_EVENT!r}")
    negates = raw.get("negates")
    if negates is not None and negates not in PLOVER_TYPES:
        raise _fail(where, f"negates {negates!r} is not a PLOVER type")
    pos = raw.get("pos", "verb")
    if pos not in ("verb", "noun"):
        raise _fail(where, f"pos must be verb or noun, got {pos!r}")
    objects = raw.get("with") or []
    if not isinstance(objects, list) or not all(isinstance(o, str) for o in objects):
        raise _fail(where, "'with' must be a list of lemmas")
    return Entry(
        lemma=raw["lemma"].lower(),
        pos=pos,
        type="" if raw["type"] == NO_EVENT else raw["type"],
        mode=raw["mode"],
        particle=raw.get("particle"),
        prep=raw.get("prep"),
        objects=frozenset(o.lower() for o in objects),
        symmetric=bool(raw.get("symmetric")),
        alliance=bool(raw.get("alliance")),
        place=bool(raw.get("place")),
        governs=bool(raw.get("governs")),
        speech=bool(raw.get("speech")),
        intent=bool(raw.get("intent")),
        negates=negates,
    )


PATTERNS = ("alternative", "new_clause")
"""Regular expressions a language may give: a mention named as the alternative not taken
("not the CSTO", "rather than via the CSTO"), the word that opens a new clause in a list."""


def _identity(lemma: str, pos: str) -> set[str]:
    return {lemma}


def load(
    lang: str,
    text: str,
    inflect: Callable[[str, str], set[str]] | None = None,
    derived: Sequence[Entry] = (),
) -> Lexicon:
    """The lexicon of one language from its YAML, checked; a malformed entry names itself.

    `inflect` gives the forms a lemma takes in text (the gate reads forms); a language
    whose gate reads lemmas leaves it out. `derived` entries (a broad dictionary's) come
    after a lemma's curated ones, so a curated reading that fits always wins; among each
    origin's entries the most specific comes first. A derived entry of no type ("") says
    the verb with those arguments is no event; a lemma with only such entries is not in
    the gate's vocabulary.
    """
    data = yaml.load(text, Loader=_Loader)
    if not isinstance(data, dict):
        raise LexiconError(f"lexicon.yaml of {lang!r} is not a mapping: fix it and load again")
    section = data
    index: dict[tuple[str, str], list[Entry]] = {}
    for n, raw in enumerate(section.get("entries") or []):
        entry = _entry(raw, f"{lang} entries[{n}] ({raw.get('lemma', '?')})")
        index.setdefault((entry.pos, entry.lemma), []).append(entry)
    extra: dict[tuple[str, str], list[Entry]] = {}
    light = frozenset(section.get("light") or ())
    words_section = section.get("words") or {}
    function = {str(w) for c in FUNCTION_CLASSES for w in words_section.get(c) or ()}
    function |= set(light) | set(section.get("speech") or ())
    for entry in derived:
        if entry.lemma in function:
            continue  # "held talks", "failed to", "said": a word the role logic reads
        extra.setdefault((entry.pos, entry.lemma), []).append(entry)
    entries = {
        key: (
            *sorted(index.get(key, ()), key=lambda e: -e.specificity),
            *sorted(extra.get(key, ()), key=lambda e: -e.specificity),
        )
        for key in {**index, **extra}
    }
    targets = {t: tuple(p) for t, p in (section.get("targets") or {}).items()}
    missing = set(PLOVER_TYPES) - set(targets)
    if missing:
        raise _fail(f"{lang} targets", f"no prepositions for {', '.join(sorted(missing))}")
    inflect = inflect or _identity
    events = [key for key, found in entries.items() if any(e.type for e in found)]
    forms = {f for (pos, lemma) in events for f in inflect(lemma, pos)}
    cues = _cues(entries, events, inflect)
    missing_words = [w for w in WORDS if w not in words_section]
    if missing_words:
        raise _fail(f"{lang} words", f"no list for {', '.join(missing_words)}")
    unknown = set(words_section) - set(WORDS) - set(MORE_WORDS)
    if unknown:
        raise _fail(f"{lang} words", f"unknown class(es) {', '.join(sorted(unknown))}")
    words = {
        w: frozenset(str(x).lower() for x in words_section.get(w) or ())
        for w in (*WORDS, *MORE_WORDS)
    }
    raw_patterns = section.get("patterns") or {}
    if set(raw_patterns) - set(PATTERNS):
        raise _fail(f"{lang} patterns", f"unknown: {', '.join(set(raw_patterns) - set(PATTERNS))}")
    patterns = {k: re.compile(v, re.IGNORECASE) for k, v in raw_patterns.items()}
    speech = frozenset(section.get("speech") or ())
    lemmas: dict[str, str] = {}
    for pos, lemma in [*events, *(("verb", v) for v in light | speech)]:
        for form in inflect(lemma, pos):
            lemmas.setdefault(form, lemma)
    return Lexicon(
        lang=lang,
        entries=entries,
        light=light,
        speech=speech,
        targets=targets,
        forms=frozenset(forms),
        cues=cues,
        lemmas=lemmas,
        words=words,
        patterns=patterns,
        articles=bool(section.get("articles")),
    )


def _cues(
    entries: dict[tuple[str, str], tuple[Entry, ...]],
    events: list[tuple[str, str]],
    inflect: Callable[[str, str], set[str]],
) -> dict[str, frozenset[str]]:
    """The gate's second word for the forms only derived readings have (`Lexicon.cues`);
    a form any curated entry has passes alone."""
    needed: dict[str, set[str]] = {}
    alone: set[str] = set()
    for pos, lemma in events:
        found = [e for e in entries[(pos, lemma)] if e.type]
        forms = inflect(lemma, pos)
        if any(e.origin != "derived" for e in found):
            alone |= forms
            continue
        words: set[str] = set()
        for e in found:
            for noun in (*e.objects, *e.pobjects):
                words |= inflect(noun, "noun")
            words |= {e.particle} if e.particle else set()
        for form in forms:
            needed.setdefault(form, set()).update(words)
    return {f: frozenset(w) for f, w in needed.items() if f not in alone}
