"""Split cleaned text into sentences with their character spans.

A rule-based splitter (abbreviations, initials, quotes; each language's
abbreviations and letters from its page.yaml) rather than a parse:
most sentences of a news article name fewer than two actors and must cost
little more than a scan.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bloc.model import Sentence
from bloc.text.reading import languages


@dataclass(frozen=True)
class _Rules:
    """The registered languages' abbreviations and letters (their page.yaml), joined."""

    abbreviations: frozenset[str]
    boundary: re.Pattern[str]
    last_word: re.Pattern[str]
    word_chars: frozenset[str]


def _expand(ranges: str) -> set[str]:
    """The characters of a character-class body of letters and ranges ("A-Za-z")."""
    out: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out |= {chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1)}
            i += 3
        else:
            out.add(ranges[i])
            i += 1
    return out


@functools.cache
def _joined(codes: tuple[str, ...]) -> _Rules:
    pages = [languages()[code].page for code in codes]
    capitals = "".join(p.capitals for p in pages)
    letters = "".join(p.letters for p in pages)
    return _Rules(
        abbreviations=frozenset(a for p in pages for a in p.abbreviations),
        boundary=re.compile(rf"[.!?…]+[\"”’')\]»]*\s+(?=[\"“‘(\[«]?[0-9{capitals}])"),
        last_word=re.compile(rf"([{letters}.]+)\.$"),
        word_chars=frozenset({".", *_expand(letters)}),
    )


def rules() -> _Rules:
    """How sentences end in the registered languages."""
    return _joined(tuple(languages()))


_LOOKBACK = 16
"""Characters read back from a full stop for the word it ends: more than the
longest abbreviation, so a run of skipped stops ("Mr. Mr. Mr. …") costs a
constant each, not the length of the paragraph so far."""


def split(text: str) -> Iterator[Sentence]:
    """Sentences of `text`, paragraph by paragraph, with offsets into `text`."""
    index = 0
    boundary = rules().boundary
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        body = para.group()
        cursor = 0
        for match in boundary.finditer(body):
            if _abbreviation(body, cursor, match.start() + 1):
                continue
            end = match.end()
            chunk = body[cursor:end].strip()
            if chunk:
                offset = start + cursor + (len(body[cursor:end]) - len(body[cursor:end].lstrip()))
                yield Sentence(index, offset, offset + len(chunk), chunk)
                index += 1
            cursor = end
        chunk = body[cursor:].strip()
        if chunk:
            offset = start + cursor + (len(body[cursor:]) - len(body[cursor:].lstrip()))
            yield Sentence(index, offset, offset + len(chunk), chunk)
            index += 1


def _abbreviation(body: str, cursor: int, stop: int) -> bool:
    """True when the stop ending at `stop` closes an abbreviation or an initial."""
    known = rules()
    begin = max(cursor, stop - _LOOKBACK)
    last = known.last_word.search(body, begin, stop)
    if last is None:
        return False
    if last.start() == begin > cursor and body[begin - 1] in known.word_chars:
        return False  # the word runs on before the window: too long to be either
    word = last.group(1).lower().rstrip(".")
    return word in known.abbreviations or (len(word) == 1 and word.isalpha())
