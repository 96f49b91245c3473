"""Split cleaned text into sentences with their character spans.

A rule-based splitter (abbreviations, initials, quotes; English and Russian)
rather than a parse:
most sentences of a news article name fewer than two actors and must cost
little more than a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bloc.model import Sentence

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "st", "prof", "jr", "sr", "no",
    "vol", "etc", "vs", "approx", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "corp", "ltd", "co", "gov", "sen", "rep", "u.s", "u.k", "u.n",
    "e.u", "red", "cf", "fig", "e.g", "i.e",
    # Russian: year(s), "that is", "and so on", streets, regions, millions, roubles...
    "гг", "т.е", "т.д", "т.п", "т.к", "им", "ул", "обл", "млн", "млрд", "тыс", "руб", "ст",
    "см", "др", "пр", "ген", "проф", "акад", "стр", "гл", "пос", "долл",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]»]*\s+(?=[\"“‘(\[«]?[A-Z0-9А-ЯЁ])")
_LAST_WORD = re.compile(r"([A-Za-zА-Яа-яЁё.]+)\.$")
_WORD_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
)
_LOOKBACK = 16
"""Characters read back from a full stop for the word it ends: more than the
longest abbreviation, so a run of skipped stops ("Mr. Mr. Mr. …") costs a
constant each, not the length of the paragraph so far."""


def split(text: str) -> Iterator[Sentence]:
    """Sentences of `text`, paragraph by paragraph, with offsets into `text`."""
    index = 0
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        body = para.group()
        cursor = 0
        for match in _BOUNDARY.finditer(body):
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
    begin = max(cursor, stop - _LOOKBACK)
    last = _LAST_WORD.search(body, begin, stop)
    if last is None:
        return False
    if last.start() == begin > cursor and body[begin - 1] in _WORD_CHARS:
        return False  # the word runs on before the window: too long to be either
    word = last.group(1).lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
