"""One article's raw content as a Document: its bytes decoded, its HTML made text.

Reading sources (files, folders, JSON lines, feeds, Dask units) is
`bloc.ingest`'s job; what it hands here is one article, and what comes back is
a `Document` or the `Rejected` reason it is not one. HTML-to-text stays in the
text stage because it is per-document text cleaning (trafilatura, the title
and date the page prints), the same for a file, a JSON record and a fetched
page; this module does no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bloc.errors import TooLargeError
from bloc.model import Document, Rejected
from bloc.text import clean
from bloc.text.dates import find_publication_date

NO_TEXT = f"HTML with no article text that could be extracted (under {clean.MIN_WORDS} words)"
MAX_BYTES = 8 * 1024 * 1024
"""Larger articles are refused: no news article is 8 MB of text, and a cap
bounds the time one document can take."""


def from_bytes(
    name: str, raw: bytes, published: dt.date | None = None, html: bool | None = None
) -> Document | Rejected:
    """One article's bytes as a Document named `name`, or why not.

    `html` says whether it is HTML (from the file's kind); None looks at the
    text itself.
    """
    text = decode(raw)
    if isinstance(text, Rejected):
        return Rejected(name, text.reason)
    if not text.strip():
        return Rejected(name, "empty file" if not raw else "empty file (only whitespace)")
    if html or (html is None and looks_like_html(text)):
        return html_document(name, text, published)
    return text_document(name, text, published)


def decode(raw: bytes) -> str | Rejected:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1251 for Cyrillic bytes or
    Windows-1252; binary is refused."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Rejected("", "marked as UTF-16 but not valid UTF-16; save it as UTF-8")
    elif b"\x00" in raw[:8192]:
        return Rejected("", "binary file (contains NUL bytes), not text")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1251" if _cyrillic_bytes(raw) else "cp1252")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05):
        return Rejected("", "binary file (mostly control or undecodable bytes), not text")
    return text


def _cyrillic_bytes(raw: bytes) -> bool:
    """Not UTF-8, and mostly bytes above 0xC0 where a Western text has ASCII letters: Russian
    saved in Windows-1251 (read as 1252 it would be "Àðìåíèÿ")."""
    sample = raw[:65536]
    high = sum(1 for b in sample if b >= 0xC0)
    latin = sum(1 for b in sample if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    return high > 2 * latin


def looks_like_html(text: str) -> bool:
    """Whether a text of no declared kind is an HTML page (by its first 2 KB)."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


def _any(day: dt.date) -> bool:
    """A file's found date is taken as found: there is nothing to check it against."""
    return True


def _printed(text: str, usable: Callable[[dt.date], bool]) -> dt.date | None:
    """The publication date printed in the text, if there is one and it is usable."""
    found = find_publication_date(text)
    return found if found is not None and usable(found) else None


def text_document(
    name: str,
    text: str,
    published: dt.date | None = None,
    usable: Callable[[dt.date], bool] = _any,
) -> Document:
    """Plain text: its first line is the title, the date is the one given, else one printed in
    the text (that `usable` accepts)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0][:300] if lines else None
    if published is None:
        published = _printed(text, usable)
    return Document(
        id=name,
        text=text,
        title=title,
        published=published,
        origin=name,
        kind="txt",
    )


def html_document(
    name: str,
    html: str,
    published: dt.date | None = None,
    usable: Callable[[dt.date], bool] = _any,
) -> Document | Rejected:
    """An HTML page as a Document: its article text, title and date (the one given, else the
    page's own, else one printed in the text; `usable` refuses a found date, e.g. out of range)."""
    try:
        extracted = clean.extract_html(html)
    except TooLargeError as exc:
        return Rejected(name, str(exc))
    if extracted is None:
        return Rejected(name, NO_TEXT)
    body, title, date = extracted
    if published is None and date is not None and usable(date):
        published = date
    if published is None:
        published = _printed(body, usable)
    return Document(
        id=name,
        text=body,
        title=title,
        published=published,
        origin=name,
        kind="html",
    )
