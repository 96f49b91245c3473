"""English: spaCy's pinned pipeline, the gazetteer finder, English dates and words."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from bloc.text.lang.en import dates
from bloc.text.lang.en.inflect import inflections
from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parser
from bloc.text.reading import Finder, Packaged, register

_GATE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _gate(lex: Lexicon) -> Callable[[str], bool]:
    """Any inflected form of a trigger (of a derived-only one, with a word of one of its
    arguments), or a word of the gate class ("must")."""
    forms, extra, cues = lex.forms, lex.words["gate"], lex.cues

    def gate(text: str) -> bool:
        found = set(_GATE_WORD.findall(text.lower()))
        hits = found & forms
        if any(h not in cues or not found.isdisjoint(cues[h]) for h in hits):
            return True  # a curated trigger, or a derived one with one of its arguments
        return not found.isdisjoint(extra)

    return gate


def _finder() -> Finder:
    from bloc.text.lang.en.actors import finder

    return finder()


def _parser() -> Parser:
    from bloc.text.lang.en.parser import parser

    return parser()


@functools.cache
def _derived_forms() -> dict[str, frozenset[str]]:
    from bloc.text.lang.en import derived

    return derived.forms()


def _inflect(lemma: str, pos: str) -> set[str]:
    """A lemma's regular forms, and the irregular ones the derived dictionary lists."""
    found = inflections(lemma, pos)
    return found | _derived_forms().get(lemma, frozenset()) if pos == "verb" else found


def _derived() -> tuple[Entry, ...]:
    from bloc.text.lang.en import derived

    return derived.entries()


register(
    Packaged(
        "en", "Latin", __name__, _finder, dates.dating, _parser, _gate, _inflect, derived=_derived
    )
)
