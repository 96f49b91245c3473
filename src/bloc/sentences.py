"""Split cleaned text into sentences with their character spans.

A rule-based splitter (abbreviations, initials, quotes) rather than a parse:
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
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split(text: str) -> Iterator[Sentence]:
    """Sentences of `text`, paragraph by paragraph, with offsets into `text`."""
    index = 0
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        body = para.group()
        cursor = 0
        for match in _BOUNDARY.finditer(body):
            before = body[cursor : match.start() + 1]
            last = re.search(r"([A-Za-z.]+)\.$", before.rstrip("\"”’')]"))
            if last:
                word = last.group(1).lower().rstrip(".")
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
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
