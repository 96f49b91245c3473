"""The Coder interface: a parsed sentence in, its coded acts out; coders by name.

Today's dictionary-and-dependency rules (`bloc.text.coder`) are one coder, "rules",
the one the pipeline uses. A learned coder is another class with the same `code`
and a `fit` that learns from gold examples; `register` makes it available and
`use` makes the pipeline code with it. The pipeline, the dating and the store are
the same whichever coder runs: a coder returns `Coded` acts with their `Route`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bloc.errors import BlocError
from bloc.model import Mention
from bloc.text.coder import Coded, code_parse
from bloc.text.lexicon import Lexicon
from bloc.text.parse import Parse
from bloc.text.reference import Context


class CoderError(BlocError):
    """A coder asked for something it cannot do (an unknown name, fitting rules)."""


@dataclass(frozen=True)
class Example:
    """One gold sentence: what a coder is given, and the acts it should code."""

    parse: Parse
    mentions: tuple[Mention, ...]
    context: Context
    lex: Lexicon
    events: tuple[Coded, ...]


class Coder(Protocol):
    """Codes one parsed sentence, in its language's lexicon, into acts."""

    @property
    def name(self) -> str: ...

    @property
    def learns(self) -> bool:
        """Whether `fit` learns anything (the rules do not)."""
        ...

    def code(
        self, parse: Parse, mentions: Iterable[Mention], context: Context, lex: Lexicon
    ) -> list[Coded]: ...

    def fit(self, gold: Sequence[Example]) -> None:
        """Learn from gold examples; a coder that does not learn raises CoderError."""
        ...


class Rules:
    """The dictionary coder: triggers from the lexicon, roles from the parse."""

    name = "rules"
    learns = False

    def code(
        self, parse: Parse, mentions: Iterable[Mention], context: Context, lex: Lexicon
    ) -> list[Coded]:
        return code_parse(parse, mentions, context, lex)

    def fit(self, gold: Sequence[Example]) -> None:
        raise CoderError(
            "the rules coder learns nothing from gold: edit the lexicon "
            "(bloc/text/lang/<code>/lexicon.yaml) instead, or register a learned coder"
        )


_CODERS: dict[str, Coder] = {"rules": Rules()}
_ACTIVE = ["rules"]


def register(coder: Coder) -> None:
    """Make a coder available by its name."""
    _CODERS[coder.name] = coder


def coder(name: str | None = None) -> Coder:
    """A coder by name; the one in use when no name is given."""
    wanted = name or _ACTIVE[0]
    found = _CODERS.get(wanted)
    if found is None:
        known = ", ".join(sorted(_CODERS))
        raise CoderError(f"no coder named {wanted!r}: use one of {known}, or register it")
    return found


def use(name: str) -> None:
    """Code with the named coder from now on (in this process)."""
    _ACTIVE[0] = coder(name).name
