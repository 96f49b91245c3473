"""Russian: Natasha's models, the lemma-keyed finder, Russian dates and words."""

from __future__ import annotations

import re
from collections.abc import Callable

from bloc.text.lang.ru import dates
from bloc.text.lang.ru.detect import RELATED, identify
from bloc.text.lexicon import Lexicon
from bloc.text.parse import Parser
from bloc.text.reading import Finder, Packaged, register

_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


def _gate(lex: Lexicon) -> Callable[[str], bool]:
    """A word one of whose lemmas is a trigger or a word of obligation ("должен")."""
    from bloc.text.lang.ru.parser import lemmas

    wanted = lex.forms | lex.words["must"]

    def gate(text: str) -> bool:
        return any(not wanted.isdisjoint(lemmas(w)) for w in _WORD.findall(text))

    return gate


def _finder() -> Finder:
    from bloc.text.lang.ru.actors import finder

    return finder()


def _parser() -> Parser:
    from bloc.text.lang.ru.parser import parser

    return parser()


register(
    Packaged(
        "ru", "Cyrillic", __name__, _finder, dates.dating, _parser, _gate, None, identify, RELATED
    )
)
