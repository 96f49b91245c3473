"""Polling the feeds: one pass over every feed (`bloc watch --once`), or a pass per interval.

A pass fetches each feed (conditionally: ETag, Last-Modified), records its
new items with the feed's new state in one transaction, then fetches each
item's page still to be fetched, makes it a document (HTML by
`text.read.html_document`, as ingest reads a file), codes and stores it by
the loop every engine shares (`loop`), marking the item done in the same
transaction. The store is held only to read and to write, never while
fetching or coding. A pass killed at any moment leaves every item either
done or still to do: the next pass resumes. A feed that fails is recorded
with its reason and the others go on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bloc.errors import FeedError, FetchError, StoreLockedError
from bloc.ingest import loop
from bloc.ingest.coded import CodedBatch
from bloc.ingest.feeds import (
    Feed,
    Pending,
    Status,
    in_range,
    load_feeds,
    mark,
    parse_feed,
    pending_items,
    record_failure,
    record_items,
    record_not_modified,
)
from bloc.ingest.fetch import Fetcher, NotModified, Politeness, Response
from bloc.ingest.merge import IngestSummary
from bloc.model import Document, Rejected
from bloc.store import Store, opened
from bloc.store.writes import has_document
from bloc.text.read import decode, html_document, text_document

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no guard against two watches
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
"""An item whose page failed for a passing reason (or could not be coded) this many times is
given up."""
MIN_INTERVAL = 30.0
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600}
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset=[\"']?([A-Za-z0-9_\-]{1,40})", re.I)


@dataclass(frozen=True)
class ItemFailure:
    url: str
    reason: str
    again: bool = False  # to be tried again at the next pass


@dataclass
class FeedOutcome:
    """What one pass did with one feed."""

    name: str
    url: str
    error: str | None = None  # the feed itself could not be fetched or read
    warning: str | None = None  # read, but partly malformed
    not_modified: bool = False
    new: int = 0
    stored: int = 0
    unchanged: int = 0  # pages already stored with this content (e.g. from another feed)
    failures: list[ItemFailure] = field(default_factory=list)
    left: int = 0  # items left for the next pass (the pass's cap on items or bytes was reached)
    read: int = 0  # bytes read from this feed's server in the pass


@dataclass
class PassReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    summary: IngestSummary = field(default_factory=IngestSummary)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FeedOutcome]:
        return [f for f in self.feeds if f.error]


def parse_interval(text: str) -> float:
    """Seconds from `30s`, `15m` or `2h`; at least MIN_INTERVAL."""
    found = _INTERVAL.match(text)
    if not found:
        raise FeedError(f"{text!r:.40} is not an interval: write a number and s, m or h (15m)")
    seconds = float(found.group(1)) * _UNITS[found.group(2).lower()]
    if seconds < MIN_INTERVAL:
        raise FeedError(
            f"an interval of {text.strip()} polls too often; the shortest is {MIN_INTERVAL:g}s"
        )
    return seconds


def watch_once(
    db: Path | str | None = None,
    *,
    politeness: Politeness | None = None,
    fetcher: Fetcher | None = None,
    only: list[str] | None = None,
) -> PassReport:
    """One pass over every feed (or the named ones)."""
    began = time.monotonic()
    report = PassReport()
    with opened(db, write=True) as store:  # created, upgraded and its knowledge base loaded
        target = store.path
    with _one_watch(target), contextlib.ExitStack() as stack:
        if fetcher is None:
            fetcher = stack.enter_context(Fetcher(politeness))
        with Store.open(target, read_only=True) as store:
            feeds = load_feeds(store)
        for feed in feeds:
            if only is None or feed.name in only:
                report.feeds.append(_poll(target, feed, fetcher, report.summary))
    report.seconds = time.monotonic() - began
    return report


def watch(
    db: Path | str | None = None,
    interval: float = 900.0,
    *,
    passes: int | None = None,
    on_pass: Callable[[PassReport], None] | None = None,
    on_busy: Callable[[StoreLockedError], None] | None = None,
    stop: threading.Event | None = None,
    politeness: Politeness | None = None,
) -> int:
    """A pass every `interval` seconds (from the start of one to the next) until `stop`
    is set or `passes` are done; returns the passes made. A store busy past the lock
    timeout skips that pass; any other store error ends the watch."""
    stop = stop or threading.Event()
    done = 0
    with Fetcher(politeness) as fetcher:  # kept across passes: robots.txt, per-host delay
        while not stop.is_set():
            began = time.monotonic()
            try:
                report = watch_once(db, fetcher=fetcher)
            except StoreLockedError as exc:
                log.warning("pass skipped: %s", exc)
                if on_busy:
                    on_busy(exc)
            else:
                if on_pass:
                    on_pass(report)
            done += 1
            if passes is not None and done >= passes:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - began)))
    return done


@contextlib.contextmanager
def _one_watch(target: Path) -> Iterator[None]:
    """One watch per store at a time; the lock goes with the process, however it ends."""
    if fcntl is None:
        yield
        return
    path = target.with_name(target.name + ".watch")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FeedError(
                f"another `bloc watch` is polling the feeds of {target}; let it finish "
                "(a timer or cron job starting a pass while one runs can skip this one)"
            ) from None
        yield
    finally:
        os.close(fd)


def _poll(target: Path, feed: Feed, fetcher: Fetcher, summary: IngestSummary) -> FeedOutcome:
    outcome = FeedOutcome(feed.name, feed.url)
    try:
        got = fetcher.get(
            feed.url,
            "feed",
            etag=feed.etag,
            last_modified=feed.last_modified,
            allow_private=feed.allow_private,
        )
        if isinstance(got, NotModified):
            outcome.not_modified = True
            with Store.open(target) as store:
                record_not_modified(store, feed)
        else:
            outcome.read += len(got.body)
            parsed = parse_feed(got.body, got.url, got.headers.get("content-type", ""))
            outcome.warning = parsed.warning
            etag, modified = got.headers.get("etag"), got.headers.get("last-modified")
            with Store.open(target) as store:
                new = record_items(store, feed, parsed.items, etag, modified, parsed.warning)
            outcome.new = len(new)
            outcome.failures += [ItemFailure(i.url or i.key, i.problem) for i in new if i.problem]
    except FeedError as exc:
        reason = exc.reason if isinstance(exc, FetchError) else str(exc)
        outcome.error = reason
        log.info("feed %s (%s): %s", feed.name, feed.url, reason)
        with Store.open(target) as store:
            record_failure(store, feed, reason)
    # Items seen before and not yet fetched are fetched even when the feed failed now.
    # Bounded per pass (items and bytes): a feed of thousands of items, or of huge pages,
    # cannot hold the pass; what is left stays pending, oldest first, for the next one.
    with Store.open(target, read_only=True) as store:
        pending = pending_items(store, feed)
    limits = fetcher.politeness
    for done, item in enumerate(pending):
        if done >= limits.items_per_pass or outcome.read >= limits.bytes_per_pass:
            outcome.left = len(pending) - done
            log.info("feed %s: %d items left for the next pass", feed.name, outcome.left)
            break
        _fetch_item(target, feed, item, fetcher, summary, outcome)
    return outcome


def _fetch_item(
    target: Path,
    feed: Feed,
    item: Pending,
    fetcher: Fetcher,
    summary: IngestSummary,
    outcome: FeedOutcome,
) -> None:
    with Store.open(target, read_only=True) as store:
        known = has_document(store, item.url)
    if known:  # the same page from another feed, or stored by `bloc ingest`
        _write(target, lambda con: mark(con, feed, item.key, "stored", item.url))
        outcome.unchanged += 1
        return
    try:
        got = fetcher.get(item.url, "page", allow_private=feed.allow_private)
        if isinstance(got, NotModified):
            raise FetchError(item.url, "HTTP 304 to a request that was not conditional")
    except FetchError as exc:
        again = exc.transient and item.attempts + 1 < MAX_ATTEMPTS
        _fail(target, feed, item, exc.reason, again, outcome)
        return
    outcome.read += len(got.body)
    doc = page_document(got, item, feed)
    if isinstance(doc, Rejected):
        _fail(target, feed, item, doc.reason, False, outcome)
        return
    batch = loop.code([doc], {})  # not stored: looked up before fetching
    if batch.failed:  # one page must not end the pass; tried again, as a rerun of ingest would
        again = item.attempts + 1 < MAX_ATTEMPTS
        _fail(target, feed, item, batch.failed[0].reason, again, outcome)
        return
    before = (summary.stored, summary.unchanged)
    loop.store(
        target,
        CodedBatch.of(batch.results),
        summary,
        then=lambda con: mark(con, feed, item.key, "stored", doc.id),
    )
    outcome.stored += summary.stored - before[0]
    outcome.unchanged += summary.unchanged - before[1]


def _fail(
    target: Path, feed: Feed, item: Pending, reason: str, again: bool, outcome: FeedOutcome
) -> None:
    log.info("feed %s: item %s: %s", feed.name, item.url, reason)
    outcome.failures.append(ItemFailure(item.url, reason, again))
    status: Status = "retry" if again else "failed"
    _write(target, lambda con: mark(con, feed, item.key, status, error=reason))


def _write(target: Path, write: Callable[[Any], None]) -> None:
    with Store.open(target) as store, store.transaction() as con:
        write(con)


def page_document(page: Response, item: Pending, feed: Feed) -> Document | Rejected:
    """An article page as a Document (HTML through trafilatura, as ingest reads it)."""
    where = item.url
    text = _decode(page)
    if isinstance(text, Rejected):
        return Rejected(where, text.reason)
    if not text.strip():
        return Rejected(where, "empty page")
    doc = (
        text_document(where, text, item.published, in_range)
        if page.content_type == "text/plain"
        else html_document(where, text, item.published, in_range)
    )
    if isinstance(doc, Rejected):
        return doc
    return dataclasses.replace(
        doc,
        id=page.url,
        title=item.title or (doc.title if doc.kind == "html" else None),  # not a plain first line
        url=page.url,
        origin=feed.name,
        lang=feed.lang,  # the feed's language; a sentence in another script is read in its own
    )


def _decode(page: Response) -> str | Rejected:
    """The page's text: the charset the server or the page declares, else ingest's rule."""
    raw = page.body
    if b"\x00" in raw[:8192]:
        return Rejected("", "binary content (contains NUL bytes), not a page")
    declared = page.charset
    if declared is None:
        found = _META_CHARSET.search(raw[:4096])
        declared = found.group(1).decode("ascii") if found else None
    if declared:
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: fall back to the usual guesses
    return decode(raw)
