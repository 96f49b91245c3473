"""A polite HTTP client for feeds and the pages they link to.

Every request says who is asking (`user_agent`), asks robots.txt first (one
copy per host, kept an hour), waits its turn per host, is bounded in time
(a timeout per read and a deadline for the whole response) and in size (the
cap counted while streaming, not trusted from Content-Length), retries
429, 5xx and broken connections with exponential backoff (honouring
Retry-After), checks the content type before reading the body, and follows
at most a few redirects, only to http(s), never in a loop. Every connection
goes only to a public address (`bloc.ingest.addresses`), checked when it is
made, redirects included, unless the request allows private ones (a feed
added with `--allow-private`).
"""

from __future__ import annotations

import logging
import os
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, metadata
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from bloc.errors import FetchError
from bloc.ingest.addresses import GuardedTransport, Refused, check_url
from bloc.text.read import MAX_BYTES

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024
"""RFC 9309: a crawler reads at least the first 500 KiB of robots.txt."""
ROBOTS_RETRY = 300.0
"""Seconds before asking again for a robots.txt that could not be read."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Kind = Literal["feed", "page"]
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html")
"""Content types taken as a feed: any XML or JSON type, and text served by a
misconfigured server (the parser then says whether it is a feed)."""


def user_agent() -> str:
    """`bloc/<version> (+home page)`, or BLOC_USER_AGENT (e.g. to add a contact address).

    The version and home page come from the installed package's metadata
    (`project.urls` in pyproject.toml), so a site's operator who reads the
    User-Agent finds the project that is really asking.
    """
    custom = os.environ.get("BLOC_USER_AGENT", "").strip()
    if custom:
        return custom
    try:
        meta = metadata("bloc")
    except PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "bloc/0"
    home = next(
        (
            url.strip()
            for label, _, url in (u.partition(",") for u in meta.get_all("Project-URL") or [])
            if label.strip().lower() in ("homepage", "home", "source")
        ),
        None,
    )
    return f"bloc/{meta['Version']}" + (f" (+{home})" if home else "")


@dataclass(frozen=True)
class Politeness:
    """How hard bloc may lean on a server; the defaults suit news sites."""

    delay: float = 2.0  # seconds between two requests to one host (or robots.txt's Crawl-delay)
    max_delay: float = 60.0  # a Crawl-delay longer than this is capped
    timeout: float = 20.0  # to connect, and between two reads
    deadline: float = 60.0  # for a whole response, however slowly it trickles
    retries: int = 2  # further tries after a 429, 5xx, timeout or broken connection
    backoff: float = 1.0  # the first pause before a retry; doubles each time
    max_backoff: float = 60.0  # the longest pause, whatever Retry-After asks
    max_bytes: int = MAX_BYTES  # a larger response is refused
    max_redirects: int = 5
    robots_ttl: float = 3600.0  # seconds a host's robots.txt is kept
    items_per_pass: int = 100  # article pages fetched per feed in one pass; the rest wait
    bytes_per_pass: int = 50 * 1024 * 1024  # bytes read per feed in one pass; the rest wait


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return _header(self.headers, "content-type").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in _header(self.headers, "content-type").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


@dataclass(frozen=True)
class NotModified:
    """304: the feed is as it was at the last poll."""

    url: str


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser
    fetched: float
    problem: str | None = None  # robots.txt could not be read: everything is disallowed


class Fetcher:
    """One client for a pass (or a whole `bloc watch`): it remembers hosts and robots.txt."""

    def __init__(
        self,
        politeness: Politeness | None = None,
        *,
        agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.politeness = politeness or Politeness()
        self.agent = agent or user_agent()
        self._sleep = sleep
        p = self.politeness
        self._clients = {
            private: httpx.Client(
                headers={"User-Agent": self.agent},
                timeout=httpx.Timeout(p.timeout),
                follow_redirects=False,
                transport=None if private else GuardedTransport(),
            )
            for private in (False, True)
        }
        self._last: dict[str, float] = {}  # host -> when its last request was sent
        self._robots: dict[str, _Robots] = {}

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        kind: Kind,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = False,
    ) -> Response | NotModified:
        """Fetch a feed or a page, politely; FetchError says why one could not be had.

        Only public addresses are connected to unless `allow_private` (a feed the
        user added with `--allow-private`, and the pages its items link to)."""
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current = url
        while True:
            _check_scheme(current, url)
            if current in seen:
                raise FetchError(url, f"redirect loop: {' -> '.join([*seen, current])}")
            if len(seen) > self.politeness.max_redirects:
                raise FetchError(
                    url, f"more than {self.politeness.max_redirects} redirects (last: {current})"
                )
            seen.append(current)
            self._allowed(current, url, allow_private)
            result = self._request(current, url, kind, headers, allow_private)
            if isinstance(result, str):  # a redirect
                current = result
                continue
            return result

    # -- one request, with retries -------------------------------------------------

    def _request(
        self, current: str, asked: str, kind: Kind, headers: dict[str, str], private: bool
    ) -> Response | NotModified | str:
        p = self.politeness
        attempt = 0
        while True:
            self._wait(current)
            try:
                return self._once(current, asked, kind, headers, private)
            except _Retry as retry:
                if attempt >= p.retries:
                    raise FetchError(
                        asked, f"{retry.reason} (after {attempt + 1} tries)", transient=True
                    ) from None
                pause = min(p.max_backoff, max(p.backoff * 2**attempt, retry.after or 0.0))
                log.info("%s: %s; trying again in %.1f s", current, retry.reason, pause)
                self._sleep(pause)
                attempt += 1

    def _once(
        self, current: str, asked: str, kind: Kind, headers: dict[str, str], private: bool
    ) -> Response | NotModified | str:
        p = self.politeness
        began = time.monotonic()
        try:
            with self._clients[private].stream("GET", current, headers=headers) as reply:
                status = reply.status_code
                if status in RETRY_STATUSES:
                    raise _Retry(f"HTTP {status}", _retry_after(reply.headers))
                if status in (301, 302, 303, 307, 308):
                    target = _header(reply.headers, "location")
                    if not target:
                        raise FetchError(asked, f"HTTP {status} redirect without a Location")
                    return urljoin(current, target)
                if status == 304:
                    return NotModified(current)
                if status >= 400 or status < 200:
                    raise FetchError(asked, f"HTTP {status} {reply.reason_phrase}".strip())
                _check_type(reply.headers, kind, asked)
                declared = reply.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > p.max_bytes:
                    raise FetchError(asked, _too_large(f"{int(declared):,} bytes", p.max_bytes))
                body = bytearray()
                for chunk in reply.iter_bytes():
                    body += chunk
                    if len(body) > p.max_bytes:
                        raise FetchError(asked, _too_large("more", p.max_bytes))
                    if time.monotonic() - began > p.deadline:
                        raise _Retry(f"the response took longer than {p.deadline:g} s")
                return Response(str(reply.url), status, reply.headers, bytes(body))
        except Refused as exc:
            raise FetchError(asked, refusal(current, exc), refused=True) from None
        except httpx.TimeoutException:
            raise _Retry(f"timed out (no answer within {p.timeout:g} s)") from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed ({exc.__class__.__name__}: {exc})") from None
        except httpx.HTTPError as exc:  # a malformed response, a bad URL
            raise FetchError(asked, f"HTTP error ({exc.__class__.__name__}: {exc})") from None

    def _wait(self, url: str) -> None:
        """Sleep until this host's delay since our last request to it has passed."""
        host = _host(url)
        delay = self.politeness.delay
        robots = self._robots.get(host)
        if robots is not None:
            crawl = robots.parser.crawl_delay(self.agent)
            if crawl is not None:
                delay = max(delay, min(float(crawl), self.politeness.max_delay))
        last = self._last.get(host)
        if last is not None:
            pause = last + delay - time.monotonic()
            if pause > 0:
                self._sleep(pause)
        self._last[host] = time.monotonic()

    # -- robots.txt ---------------------------------------------------------------

    def _allowed(self, url: str, asked: str, private: bool = False) -> None:
        if not private:  # by name first, for an error naming this hop; connections are checked too
            try:
                check_url(url)
            except Refused as exc:
                raise FetchError(asked, refusal(url, exc), refused=True) from None
            except OSError:
                pass  # does not resolve: the connection says so
        try:
            robots = self.robots(url, private)
        except FetchError as exc:  # refused: robots.txt's host is the page's host
            raise FetchError(asked, exc.reason, refused=True) from None
        if robots.problem is not None:
            raise FetchError(asked, robots.problem, transient=True)
        if not robots.parser.can_fetch(self.agent, url):
            raise FetchError(asked, f"disallowed by {_host(url)}/robots.txt for bloc")

    def robots(self, url: str, private: bool = False) -> _Robots:
        """The host's robots.txt, fetched once per `robots_ttl` (RFC 9309's rules)."""
        host = _host(url)
        known = self._robots.get(host)
        if known is not None:
            ttl = self.politeness.robots_ttl
            if known.problem is not None:
                ttl = min(ttl, ROBOTS_RETRY)
            if time.monotonic() - known.fetched < ttl:
                return known
        parser = urllib.robotparser.RobotFileParser(host + "/robots.txt")
        problem = None
        fetcher = _RobotsFetcher(self, private)
        try:
            reply = fetcher.get(host + "/robots.txt")
        except FetchError as exc:
            if exc.refused:
                raise
            reply = None
            problem = (
                f"robots.txt could not be read ({exc.reason}); bloc fetches nothing from "
                "the host until it can (RFC 9309), and tries again at the next pass"
            )
        if reply is None:
            parser.parse(["User-agent: *", "Disallow: /"])
        elif 400 <= reply.status < 500:  # no robots.txt: everything is allowed
            parser.parse([])
        else:
            text = reply.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
        parser.modified()
        self._robots[host] = _Robots(parser, time.monotonic(), problem)
        return self._robots[host]


class _RobotsFetcher:
    """Fetches robots.txt itself: no robots check, any status kept, redirects followed."""

    def __init__(self, fetcher: Fetcher, private: bool) -> None:
        self.fetcher = fetcher
        self.client = fetcher._clients[private]

    def get(self, url: str) -> Response:
        f = self.fetcher
        current, seen = url, 0
        while True:
            _check_scheme(current, url)
            f._wait(current)
            try:
                with self.client.stream("GET", current, headers={"Accept": "text/plain"}) as reply:
                    if reply.status_code in (301, 302, 303, 307, 308) and seen < 5:
                        seen += 1
                        current = urljoin(current, _header(reply.headers, "location"))
                        continue
                    if reply.status_code >= 500 or reply.status_code == 429:
                        raise FetchError(url, f"HTTP {reply.status_code}", transient=True)
                    body = bytearray()
                    for chunk in reply.iter_bytes():
                        body += chunk
                        if len(body) > ROBOTS_MAX_BYTES:
                            break
                    return Response(current, reply.status_code, reply.headers, bytes(body))
            except Refused as exc:
                raise FetchError(url, refusal(current, exc), refused=True) from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{exc.__class__.__name__}: {exc}", transient=True) from None


def refusal(url: str, exc: Refused) -> str:
    """The reason a fetch was refused, and what the user can do about it."""
    where = exc.host if exc.host == exc.address else f"{exc.host} resolves to {exc.address}"
    return (
        f"refused {url!r:.200}: {where}, {exc.reason}; bloc fetches only from public "
        "addresses (add the feed with --allow-private to allow it)"
    )


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        self.reason = reason
        self.after = after
        super().__init__(reason)


_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "*/*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5",
}


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_scheme(url: str, asked: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(asked, f"not an http(s) address: {url!r:.200}")


def _check_type(headers: httpx.Headers, kind: Kind, asked: str) -> None:
    kind_of = _header(headers, "content-type").split(";")[0].strip().lower()
    if not kind_of:
        return  # not said: the body is looked at instead
    feedlike = any(part in kind_of for part in FEED_TYPES)
    if not (kind_of in PAGE_TYPES if kind == "page" else feedlike):
        what = "an article page (HTML or text)" if kind == "page" else "a feed (RSS, Atom or XML)"
        raise FetchError(asked, f"content type {kind_of!r:.80} is not {what}; not read")


def _header(headers: httpx.Headers, name: str) -> str:
    return str(headers.get(name) or "")


def _too_large(size: str, limit: int) -> str:
    return f"too large ({size}; the limit is {limit:,} bytes); not read"


def _retry_after(headers: httpx.Headers) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    value = _header(headers, "retry-after").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
