"""Clean article text: strip page boilerplate so it cannot produce events.

News pages carry newsletter sign-ups, menus, stock tickers, photo credits and
lists of related stories. HTML goes through trafilatura's main-content
extractor; plain text (often copied from a page) is filtered line by line.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from bloc.errors import TooLargeError

log = logging.getLogger(__name__)

_BOILERPLATE = re.compile(
    r"sign(?:ing)? up|newsletter|subscribe|inbox|terms of service|privacy policy|cookie"
    r"|download the (?:free )?app|download the free|loading something is loading"
    r"|back to homepage|leave a comment|read more|related:|also see|also read|more info"
    r"|premium content|please enable javascript|share this|follow us|all rights reserved"
    r"|advertisement|click here|\bviews?$|^image:|^photo:|^source:"
    r"|^by [A-Z][\w.]+(?: [A-Z][\w.]+)*$|^author:|getty images|reuters/|/ ?afp|\bafp\b"
    r"|ap photo|/sputnik|photo by|photo: |\bpool photo"
    r"|^(?:buy|sell|open)\b|trading vol|telegram: @|executive editor|the commentary represents"
    r"|the no\. 1 source"
    r"|подпис(?:ывайтесь|аться)|читайте также|^фото:|все права защищены|новости по теме"
    r"|^реклама$|^поделиться",
    re.IGNORECASE,
)
MIN_WORDS = 15
"""Fewer words than this, extracted from a page, is not an article."""
_TICKER = re.compile(r"[-+]?\d+\.\d+")
_BULLET_TEASER = re.compile(r"^[•·▪*-]\s*\d+\s+(?:minutes?|hours?|days?|weeks?)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+|[\u0400-\u04ff]+")
MAX_TAGS = 50_000
"""Pages with more tags are refused before extraction: a heavy news page has a
few thousand, and the extractor spends some 30 to 70 µs on each, so 8 MB of
empty <div>s took about a minute."""
_TAG = re.compile(r"<[A-Za-z]")


_SPORT = re.compile(
    r"\b(?:football|soccer|match(?:es)?|goals?|league|tournament|cup|qualifier|striker|midfielder"
    r"|goalkeeper|coach|stadium|fans|championship|players?|national team|kick-?off|penalt(?:y|ies)"
    r"|scored?|referee|semi-?final|final whistle|wrestl(?:er|ing) (?:bout|championship)|olympic)\b",
    re.IGNORECASE,
)
_SPORT_RU = re.compile(
    r"\b(футбол|матч|болельщик|фанат|стадион|турнир|сборн(?=ая|ой|ую|ые|ых|ым)|чемпионат|тренер"
    r"|игрок|гол(?=\b|а\b|ы\b|ов\b)|тайм|вратар|нападающ|полузащитник|хокке|шайб|олимпи"
    r"|пенальти|арбитр|финальн\w* свист)",
    re.IGNORECASE,
)


def sporting(text: str) -> bool:
    """Two or more words of sport: the clashes and attacks are on a pitch.

    Russian words count by their stem ("матч", "матча" are one word).
    """
    words = {m.group().lower() for m in _SPORT.finditer(text)}
    if len(words) < 2 and not text.isascii():
        words |= {m.group(1).lower() for m in _SPORT_RU.finditer(text)}
    return len(words) >= 2


def is_boilerplate(line: str) -> bool:
    """True for a line of page furniture rather than article prose."""
    text = line.strip()
    if not text:
        return True
    if _BOILERPLATE.search(text) or _BULLET_TEASER.match(text) or _STAMP.match(text):
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
_STAMP = re.compile(r"^(?:published|updated|posted|last updated|modified)\b[^.]{0,60}$", re.I)
_LIST_HEAD = re.compile(
    r"^(?:related|related (?:stories|articles|news|coverage)|read (?:more|also|next)|see also"
    r"|more (?:on this|from|stories|news)|recommended|most (?:read|popular|viewed)"
    r"|latest (?:news|stories)|top stories|you may also like|also on|in other news"
    r"|more in|trending|editor'?s picks)(?:\s+\w+){0,2}\s*:?$",
    re.IGNORECASE,
)
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
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if _LIST_HEAD.match(line):
            listing = True
            continue
        if listing and line:
            prose = len(line.split()) >= _PROSE_WORDS and line.rstrip("”\"’')").endswith(
                (".", "!", "?")
            )
            if not prose:
                continue
            listing = False
        if len(line.split()) >= 40 and _BOILERPLATE.search(line):
            # A long paragraph is prose; drop only an inline teaser or credit in it.
            line = " ".join(s.text for s in split(line) if not _BOILERPLATE.search(s.text))
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
