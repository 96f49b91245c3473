"""Clean article text: strip page boilerplate so it cannot produce events.

News pages carry newsletter sign-ups, menus, stock tickers, photo credits and
lists of related stories. HTML goes through trafilatura's main-content
extractor; plain text (often copied from a page) is filtered line by line, by
the patterns each language gives (its page.yaml, joined across languages).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass

from bloc.errors import TooLargeError
from bloc.text.reading import languages

log = logging.getLogger(__name__)

MIN_WORDS = 15
"""Fewer words than this, extracted from a page, is not an article."""
_TICKER = re.compile(r"[-+]?\d+\.\d+")
_WORD = re.compile(r"[A-Za-z]+|[\u0400-\u04ff]+")
MAX_TAGS = 50_000
"""Pages with more tags are refused before extraction: a heavy news page has a
few thousand, and the extractor spends some 30 to 70 µs on each, so 8 MB of
empty <div>s took about a minute."""
_TAG = re.compile(r"<[A-Za-z]")


@dataclass(frozen=True)
class _Patterns:
    """The registered languages' page patterns (their page.yaml), joined."""

    boilerplate: re.Pattern[str]
    teaser: re.Pattern[str]
    stamp: re.Pattern[str]
    list_head: re.Pattern[str]
    sport: tuple[re.Pattern[str], ...]


def _either(alternatives: list[str]) -> str:
    return "|".join(alternatives) if alternatives else "(?!)"


@functools.cache
def _joined(codes: tuple[str, ...]) -> _Patterns:
    pages = [languages()[code].page for code in codes]
    units = _either([u for p in pages for u in p.units])
    stamps = _either([u for p in pages for u in p.stamps])
    heads = _either([u for p in pages for u in p.list_heads])
    return _Patterns(
        boilerplate=re.compile(_either([b for p in pages for b in p.boilerplate]), re.I),
        teaser=re.compile(rf"^[•·▪*-]\s*\d+\s+(?:{units})\b", re.I),
        stamp=re.compile(rf"^(?:{stamps})\b[^.]{{0,60}}$", re.I),
        list_head=re.compile(rf"^(?:{heads})(?:\s+\w+){{0,2}}\s*:?$", re.I),
        sport=tuple(re.compile(p.sport, re.I) for p in pages if p.sport),
    )


def _patterns() -> _Patterns:
    return _joined(tuple(languages()))


def sporting(text: str) -> bool:
    """Two or more words of sport: the clashes and attacks are on a pitch.

    Each language's words count by what its pattern captures (a Russian word by its
    stem, so two cases of "match" are one word); a language is read only while fewer
    than two have been found.
    """
    words: set[str] = set()
    for sport in _patterns().sport:
        if len(words) >= 2:
            break
        words |= {m.group(1).lower() for m in sport.finditer(text)}
    return len(words) >= 2


def is_boilerplate(line: str) -> bool:
    """True for a line of page furniture rather than article prose."""
    text = line.strip()
    if not text:
        return True
    patterns = _patterns()
    if (
        patterns.boilerplate.search(text)
        or patterns.teaser.match(text)
        or patterns.stamp.match(text)
    ):
        return True
    if _BULLET.match(text) and not text.rstrip("”\"’')").endswith((".", "!", "?")):
        return True  # "- Armenia refuses to host CSTO drills": a list of other stories
    if text.endswith(("…", "...")):  # a truncated teaser for another story
        return True
    words = _WORD.findall(text)
    if len(_TICKER.findall(text)) >= 2 and len(words) < 12:
        return True
    # Headings, bylines and menu items: short and without sentence punctuation.
    return len(words) < 6 and not text.rstrip("”\"’')»").endswith((".", "!", "?", ":"))


_BULLET = re.compile(r"^[-–—•·▪*►>]\s+")
_PROSE_WORDS = 20
"""After a list heading ("Related stories"), lines are other stories' headlines until
one of at least this many words ends like a sentence: the article's prose again."""


def clean_text(text: str, limit: int | None = None) -> str:
    """The article's prose paragraphs, boilerplate removed, joined by blank lines.

    With a `limit`, cleaning stops at the first paragraph that takes the result
    past `limit` characters: what a reader codes, it need not clean beyond. The
    result is then a prefix of the unlimited one.
    """
    from bloc.text.sentences import split

    kept: list[str] = []
    seen: set[str] = set()
    size = -2  # no separator before the first paragraph
    listing = False  # inside a list of other stories' headlines
    patterns = _patterns()
    boilerplate = patterns.boilerplate
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if patterns.list_head.match(line):
            listing = True
            continue
        if listing and line:
            prose = len(line.split()) >= _PROSE_WORDS and line.rstrip("”\"’')").endswith(
                (".", "!", "?")
            )
            if not prose:
                continue
            listing = False
        if len(line.split()) >= 40 and boilerplate.search(line):
            # A long paragraph is prose; drop only an inline teaser or credit in it.
            line = " ".join(s.text for s in split(line) if not boilerplate.search(s.text))
        elif is_boilerplate(line):
            continue
        if not line:
            continue
        # Pages repeat their headline and teasers; keep the first copy only.
        if line in seen:
            continue
        seen.add(line)
        kept.append(line)
        size += len(line) + 2
        if limit is not None and size > limit:
            break
    return "\n\n".join(kept)


def extract_html(html: str) -> tuple[str, str | None, dt.date | None] | None:
    """Main text, title and date of an HTML page, or None when no text is found.

    Raises TooLargeError for a page of more than MAX_TAGS tags.
    """
    import trafilatura

    tags = len(_TAG.findall(html))
    if tags > MAX_TAGS:
        raise TooLargeError(
            f"HTML with {tags:,} tags, more than the {MAX_TAGS:,} bloc reads in one page "
            "(news pages have a few thousand); save the article's text as plain text"
        )
    try:
        result = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        log.debug("trafilatura failed: %s", exc)
        return None
    if result is None:
        return None
    text = getattr(result, "text", None)
    if not text or len(text.split()) < MIN_WORDS:
        return None
    title = getattr(result, "title", None)
    date: dt.date | None = None
    raw_date = getattr(result, "date", None)
    if raw_date:
        try:
            date = dt.date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            date = None
    return str(text), (str(title) if title else None), date


_SCARE = re.compile(r"(?<![\w'’])(['‘\"“«])([^\W\d_][\w-]*(?:\s[\w-]+){0,2})(['’\"”»])(?![\w'’])")
"""A quoted run of one to three words: the writer's distance from a word ("has 'frozen'
its participation"), not a quotation of speech, which runs longer."""


def scare_quotes(text: str) -> str:
    """The text with the marks around a quoted word or two made spaces, so the parser
    reads "'frozen' its participation" as it reads "frozen its participation"; the length
    and every offset stay the same. Words in quotation marks are coded like the unquoted
    ones: the quotes say the writer would not use the word, not that it did not happen."""
    return _SCARE.sub(lambda m: f" {m.group(2)} ", text)
