"""The feeds `bloc watch` polls: the list and its state in the store, and reading a feed.

A feed is a name, a URL and a language, kept in the store's `feeds` table
with what the server last said (ETag, Last-Modified), when it was polled,
when it last answered well and its last error. Every item seen in a feed is
a row of `feed_items`, written in the same transaction as the feed's new
ETag, so an item is never forgotten once seen: `status` says whether its
page is still to be fetched (new, retry), stored, or failed (with `error`).
Feeds are parsed with feedparser from the bytes bloc fetched itself.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import duckdb
import pandas as pd

from bloc.errors import FeedError, NotFoundError
from bloc.ingest.addresses import Refused
from bloc.ingest.addresses import check_url as check_host_of
from bloc.ingest.fetch import refusal
from bloc.store import Store, opened
from bloc.store import feeds as stored

LANGS = ("en", "ru")
MAX_KEY = 2_000
"""Characters kept of an item's id or link (a longer one is not a real id)."""
Status = Literal["new", "retry", "stored", "failed"]
_NAME = re.compile(r"^[\w][\w.\-]{0,79}$")


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    lang: str
    etag: str | None = None
    last_modified: str | None = None
    allow_private: bool = False  # may fetch from loopback/private hosts (`--allow-private`)


@dataclass(frozen=True)
class Item:
    """One entry of a feed: its key (guid, else link), link, title and date."""

    key: str
    url: str | None
    title: str | None = None
    published: dt.date | None = None
    problem: str | None = None  # why it cannot be fetched (no http(s) link)


@dataclass(frozen=True)
class Parsed:
    items: tuple[Item, ...]
    warning: str | None = None  # read, but partly malformed: where and why


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# -- the list ---------------------------------------------------------------------


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedError(f"{url!r:.200} is not an http(s) address; give the feed's full URL")
    return url


def default_name(url: str) -> str:
    """A feed's name from its URL: the host without `www.`."""
    host = (urlsplit(url).hostname or "feed").lower()
    return host.removeprefix("www.")


def add_feed(
    url: str,
    name: str | None = None,
    lang: str = "en",
    db: Path | str | None = None,
    *,
    allow_private: bool = False,
) -> tuple[str, str]:
    """Add a feed; returns its name and what happened (added, unchanged, or lang updated).

    Adding the same name and URL again changes nothing (or only the
    language, or whether it may fetch from private hosts); a name or URL
    already used by another feed is an error. Without `allow_private` a feed
    whose host is loopback, private or link-local is refused here, by name,
    and its fetches are refused again at connect time.
    """
    url = check_url(url)
    name = (name or default_name(url)).strip()
    if not _NAME.match(name):
        raise FeedError(
            f"{name!r:.100} is not a usable feed name: use up to 80 letters, digits, "
            "'.', '-' or '_', starting with a letter or digit"
        )
    if lang not in LANGS:
        raise FeedError(f"language {lang!r:.20} is not one bloc reads; use one of {LANGS}")
    if not allow_private:
        try:
            check_host_of(url)
        except Refused as exc:
            raise FeedError(refusal(url, exc)) from None
        except OSError:
            pass  # a name that does not resolve now: the fetch says so at the next pass
    with opened(db, write=True) as store, store.transaction() as con:
        return name, insert_feed(con, name, url, lang, allow_private)


def insert_feed(
    con: duckdb.DuckDBPyConnection, name: str, url: str, lang: str, allow_private: bool = False
) -> str:
    """Add a checked feed in the caller's transaction; what happened (see `add_feed`)."""
    same_name = stored.feed_named(con, name)
    same_url = stored.feed_polling(con, url)
    if same_name is not None and same_name[0] != url:
        raise FeedError(
            f"a feed named {name!r} already polls {same_name[0]}; remove it first "
            "(`bloc feeds remove`) or choose another --name"
        )
    if same_url is not None and same_url != name:
        raise FeedError(f"{url} is already polled as the feed {same_url!r}")
    if same_name is None:
        stored.add_feed(con, name, url, lang, now(), allow_private)
        return "added" + (" (may fetch from private addresses)" if allow_private else "")
    changed = []
    if same_name[1] != lang:
        stored.set_language(con, name, lang)
        changed.append(f"language changed from {same_name[1]} to {lang}")
    if stored.feed_allows_private(con, name) != allow_private:
        stored.set_allow_private(con, name, allow_private)
        changed.append(
            ("now may" if allow_private else "no longer may") + " fetch from private addresses"
        )
    return "; ".join(changed) or "already there"


def remove_feed(name: str, db: Path | str | None = None) -> int:
    """Remove a feed and its item records (stored documents stay); returns the items dropped."""
    with opened(db, write=True) as store, store.transaction() as con:
        dropped = stored.remove_feed(con, name)
        if dropped is None:
            names = stored.feed_names(con)
            raise NotFoundError(
                f"there is no feed named {name!r:.100}; the feeds are: "
                f"{', '.join(names) or 'none'} (`bloc feeds list`)"
            )
    return dropped


def load_feeds(store: Store) -> list[Feed]:
    return [Feed(*row) for row in stored.feed_rows(store)]


FEED_COLUMNS = [
    "name", "url", "lang", "added_at", "last_polled", "last_ok",
    "items", "stored", "pending", "failed", "last_error",
]  # fmt: skip


_TIMES = ("added_at", "last_polled", "last_ok")  # shown to the second, as text


def feeds_frame(db: Path | str | None = None) -> pd.DataFrame:
    """Every feed with its state and the count of its items by status."""
    with opened(db) as store:
        return stored.feeds_table(store, _TIMES)


# -- the state a poll leaves --------------------------------------------------------


def record_items(
    store: Store,
    feed: Feed,
    items: Sequence[Item],
    etag: str | None,
    last_modified: str | None,
    warning: str | None,
) -> list[Item]:
    """Remember a poll's new items with the feed's new ETag, in one transaction; the new ones."""
    when = now()
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.key, item)
    with store.transaction() as con:
        known = stored.known_items(con, feed.name, list(unique))
        fresh = [item for key, item in unique.items() if key not in known]
        if fresh:
            stored.add_items(
                con,
                [
                    (
                        feed.name,
                        i.key,
                        i.url,
                        i.title,
                        i.published,
                        when,
                        "failed" if i.problem else "new",
                        i.problem,
                    )
                    for i in fresh
                ],
            )
        stored.polled(con, feed.name, etag, last_modified, when, warning)
    return fresh


def record_not_modified(store: Store, feed: Feed) -> None:
    when = now()
    with store.transaction() as con:
        stored.not_modified(con, feed.name, when)


def record_failure(store: Store, feed: Feed, error: str) -> None:
    with store.transaction() as con:
        stored.failed(con, feed.name, error, now())


@dataclass(frozen=True)
class Pending:
    key: str
    url: str
    title: str | None
    published: dt.date | None
    attempts: int


def pending_items(store: Store, feed: Feed) -> list[Pending]:
    """The feed's items whose pages are still to be fetched, oldest first."""
    return [Pending(*row) for row in stored.pending_rows(store, feed.name)]


def mark(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    key: str,
    status: Status,
    document: str | None = None,
    error: str | None = None,
) -> None:
    """Record what became of an item (in the caller's transaction)."""
    stored.mark_item(con, feed.name, key, status, document, error, now())


# -- reading a feed -----------------------------------------------------------------


def parse_feed(body: bytes, url: str, content_type: str = "") -> Parsed:
    """The items of an RSS, Atom or JSON feed; FeedError says where and why it is not one.

    A feed that is malformed after some items (a truncated download, a stray
    character) yields the items read before the fault, with a warning.
    """
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception as exc:  # the parser's own failure on hostile input: that feed only
        raise FeedError(f"the feed could not be parsed ({type(exc).__name__}: {exc})") from None
    # Served as text/html, or in another encoding than declared: noted, not a fault.
    minor = isinstance(parsed.get("bozo_exception"), feedparser.ThingsNobodyCaresAboutButMe)
    problem = _where(parsed) if parsed.get("bozo") and not minor else None
    entries = parsed.get("entries") or []
    if not entries:
        if not parsed.get("version"):
            found = f": {problem}" if problem else " (no channel or feed element found)"
            raise FeedError(f"not an RSS, Atom or JSON feed{found}")
        if problem:
            raise FeedError(f"malformed feed: {problem}")
    items = tuple(_item(entry) for entry in entries)
    warning = f"partly malformed: {problem}; the {len(items)} items before it were read"
    return Parsed(items, warning if problem else None)


def _where(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return "not well-formed"
    where = ""
    line = getattr(exc, "getLineNumber", None)
    column = getattr(exc, "getColumnNumber", None)
    if callable(line) and callable(column):
        where = f"line {line()}, column {column()}: "
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    return f"{where}{text}"[:300]


def _item(entry: Any) -> Item:
    link = entry.get("link")
    link = link.strip() if isinstance(link, str) else None
    guid = entry.get("id")
    key = (guid.strip() if isinstance(guid, str) else "") or link or ""
    title = entry.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else None
    published = _date(entry.get("published_parsed") or entry.get("updated_parsed"))
    problem = None
    if not link or urlsplit(link).scheme.lower() not in ("http", "https"):
        problem = f"no http(s) link ({link!r:.100})" if link else "no link"
    if not key:
        key = f"untitled: {title or '?'}"
    return Item(key[:MAX_KEY], link[:MAX_KEY] if link else None, title, published, problem)


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        day = dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except ValueError:
        return None
    return day if in_range(day) else None


def in_range(day: dt.date) -> bool:
    """A plausible publication date: from 1900 to two days from now (as ingest accepts)."""
    return dt.date(1900, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=2)
