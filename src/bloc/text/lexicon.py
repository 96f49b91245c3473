"""The trigger lexicon (lexicon.yaml): which lemmas report which PLOVER event.

Loaded and checked once per language. `Lexicon.entries_for` gives a token's
candidate readings, most specific first (an entry that names its object,
particle or preposition before a bare one); `Lexicon.forms` is every
inflected form of every trigger, the cheap gate's vocabulary.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from bloc.core.events import PLOVER_TYPES
from bloc.errors import BlocError

WORDS = (
    "future", "speculative", "must", "intent", "forecast", "reluctant", "negation",
    "conditional", "stative", "before", "involving",
)  # fmt: skip
"""The closed word classes of a language that the role logic reads (see lexicon.yaml)."""
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

    @property
    def specificity(self) -> int:
        return 2 * bool(self.objects) + bool(self.particle) + bool(self.prep)


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

    def entries_for(self, lemma: str, pos: str, text: str = "") -> tuple[Entry, ...]:
        """A word's readings; by its form when the parser's lemma is unknown ("staged")."""
        kind = "noun" if pos in ("NOUN", "PROPN") else "verb" if pos == "VERB" else ""
        if pos == "PROPN" and lemma in _CALENDAR:
            return ()  # "March", "May": months, not marches
        found = self.entries.get((kind, lemma), ())
        if not found and text:
            found = self.entries.get((kind, self.lemmas.get(text.lower(), "")), ())
        return found

    def is_light(self, lemma: str, text: str) -> bool:
        return lemma in self.light or self.lemmas.get(text.lower()) in self.light

    def is_speech(self, lemma: str, text: str) -> bool:
        return lemma in self.speech or self.lemmas.get(text.lower()) in self.speech


_CALENDAR = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday"}
)  # fmt: skip


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
    if raw["type"] not in PLOVER_TYPES:
        raise _fail(where, f"type {raw['type']!r} is not a PLOVER type")
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
        type=raw["type"],
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


@functools.cache
def lexicon(lang: str = "en") -> Lexicon:
    """The lexicon of one language, checked; a malformed entry names itself."""
    text = (resources.files("bloc.text") / "lexicon.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_Loader)
    if not isinstance(data, dict) or lang not in data:
        raise LexiconError(f"lexicon.yaml has no section {lang!r}: add one to code {lang} text")
    section = data[lang]
    index: dict[tuple[str, str], list[Entry]] = {}
    for n, raw in enumerate(section.get("entries") or []):
        entry = _entry(raw, f"{lang} entries[{n}] ({raw.get('lemma', '?')})")
        index.setdefault((entry.pos, entry.lemma), []).append(entry)
    entries = {
        key: tuple(sorted(found, key=lambda e: -e.specificity)) for key, found in index.items()
    }
    targets = {t: tuple(p) for t, p in (section.get("targets") or {}).items()}
    missing = set(PLOVER_TYPES) - set(targets)
    if missing:
        raise _fail(f"{lang} targets", f"no prepositions for {', '.join(sorted(missing))}")
    inflect = _inflections if lang == "en" else (lambda lemma, pos: {lemma})
    forms = {f for (pos, lemma) in entries for f in inflect(lemma, pos)}
    words_section = section.get("words") or {}
    missing_words = [w for w in WORDS if w not in words_section]
    if missing_words:
        raise _fail(f"{lang} words", f"no list for {', '.join(missing_words)}")
    words = {w: frozenset(str(x).lower() for x in words_section[w]) for w in WORDS}
    light = frozenset(section.get("light") or ())
    speech = frozenset(section.get("speech") or ())
    lemmas: dict[str, str] = {}
    for pos, lemma in [*entries, *(("verb", v) for v in light | speech)]:
        for form in inflect(lemma, pos):
            lemmas.setdefault(form, lemma)
    return Lexicon(
        lang=lang,
        entries=entries,
        light=light,
        speech=speech,
        targets=targets,
        forms=frozenset(forms),
        lemmas=lemmas,
        words=words,
    )


_IRREGULAR = {
    "send": ("sent",), "give": ("gave", "given"), "take": ("took", "taken"), "meet": ("met",),
    "fight": ("fought",), "seek": ("sought",), "hold": ("held",), "shoot": ("shot",),
    "freeze": ("froze", "frozen"), "withdraw": ("withdrew", "withdrawn"),
    "strike": ("struck", "stricken"), "break": ("broke", "broken"), "leave": ("left",),
    "begin": ("began", "begun"), "beat": ("beaten",), "blow": ("blew", "blown"),
    "forgive": ("forgave", "forgiven"), "lead": ("led",), "lend": ("lent",), "quit": ("quit",),
    "cut": ("cut",), "speed": ("sped",), "undertake": ("undertook", "undertaken"),
    "arise": ("arose", "arisen"), "forbid": ("forbade", "forbidden"), "buy": ("bought",),
    "bring": ("brought",), "deal": ("dealt",), "win": ("won",), "tell": ("told",),
    "say": ("said",), "go": ("went", "gone"), "keep": ("kept",), "make": ("made",),
    "pay": ("paid",), "rise": ("rose", "risen"), "draw": ("drew", "drawn"),
}  # fmt: skip


def _inflections(lemma: str, pos: str) -> set[str]:
    """Every form a word may take in text (over-generating is harmless for a gate)."""
    out = {lemma}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        out.add(lemma + "es")
    else:
        out.add(lemma + "s")
    if pos == "verb":
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        out |= {stem + "ed", stem + "ing", lemma + "d"}
        if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
            out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
        out |= set(_IRREGULAR.get(lemma, ()))
    return out
