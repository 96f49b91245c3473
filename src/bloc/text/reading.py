"""What reading one language takes: its actor finder, lexicon, gate and dates.

The pipeline picks a `Reading` per sentence (a document may mix languages);
the role logic (`bloc.text.coder`) is the same for all of them. English reads
inflected forms at the gate; Russian, which inflects far more, reads lemmas
(pymorphy3's, cached per word), so "обстреляны" passes as "обстрелять".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bloc.core.dated import Precision
from bloc.model import Mention
from bloc.text import dates, dates_ru
from bloc.text.dates import DateGuess
from bloc.text.lexicon import Lexicon, lexicon

_GATE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_EXTRA_GATE = frozenset({"must", "should"})
_RUSSIAN_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


class Finder(Protocol):
    def find(
        self, text: str, day: dt.date | None, context_alliance: str | None = None
    ) -> list[Mention]: ...

    def with_anaphors(
        self, text: str, found: list[Mention], context_alliance: str | None
    ) -> list[Mention]: ...


@dataclass(frozen=True)
class Dating:
    """A language's date readers (see bloc.text.dates)."""

    may_date: Callable[[str], bool]
    sentence_date: Callable[[str, dt.date | None, Precision], DateGuess | None]
    anchor_date: Callable[[str], DateGuess | None]
    listed_years: Callable[[str], list[int]]


@dataclass(frozen=True)
class Reading:
    lang: str
    finder: Finder
    lex: Lexicon
    gate: Callable[[str], bool]  # a trigger word in the sentence: worth parsing
    dating: Dating


@functools.cache
def reading(lang: str) -> Reading | None:
    """How to read a language, loaded once; None for one bloc does not code."""
    if lang == "en":
        from bloc.text.actors import finder

        lex = lexicon("en")
        forms = lex.forms

        def gate(text: str) -> bool:
            found = set(_GATE_WORD.findall(text.lower()))
            return not found.isdisjoint(forms) or not found.isdisjoint(_EXTRA_GATE)

        english = Dating(dates.may_date, dates.sentence_date, dates.anchor_date, dates.listed_years)
        return Reading("en", finder(), lex, gate, english)
    if lang == "ru":
        from bloc.text.actors_ru import finder as russian_finder
        from bloc.text.russian import lemmas

        lex = lexicon("ru")
        wanted = lex.forms | lex.words["must"]

        def gate_ru(text: str) -> bool:
            return any(not wanted.isdisjoint(lemmas(w)) for w in _RUSSIAN_WORD.findall(text))

        russian = Dating(
            dates_ru.may_date, dates_ru.sentence_date, dates_ru.anchor_date, dates_ru.listed_years
        )
        return Reading("ru", russian_finder(), lex, gate_ru, russian)
    return None
