"""A loopback HTTP server for the feed tests: feeds, pages and robots.txt, well or badly served.

Each path answers as its `Route` says (status, body, headers, a delay, a
slow trickle, failures before success, conditional requests); every request
is recorded with its headers and time. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts
    trickle: float = 0.0  # seconds between body chunks of 64 bytes
    fail_first: int = 0  # answer 500 this many times first
    etag: str | None = None  # answer 304 when If-None-Match matches
    last_modified: str | None = None  # ... or If-Modified-Since is this
    length: bool = True  # send Content-Length


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **kwargs: object) -> str:
        self.routes[path] = Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def gets(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(Request(h.path, dict(h.headers.items()), time.monotonic()))
            route = self.routes.get(h.path)
            failing = route is not None and route.fail_first > 0
            if failing and route is not None:
                route.fail_first -= 1
        try:
            if route is None:
                self._send(h, 404, b"not here", "text/plain")
                return
            if failing:
                self._send(h, 500, b"server error", "text/plain")
                return
            if route.delay:
                time.sleep(route.delay)
            match = route.etag is not None and h.headers.get("If-None-Match") == route.etag
            since = route.last_modified is not None and (
                h.headers.get("If-Modified-Since") == route.last_modified
            )
            if match or since:
                self._send(h, 304, b"", None)
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            self._send(h, route.status, route.body, route.content_type, headers, route)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout, a size cap): as a real server would see

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
        route: Route | None = None,
    ) -> None:
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        if route is None or route.length:
            h.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.end_headers()
        if route is not None and route.trickle:
            for chunk in _chunks(body, 64):
                h.wfile.write(chunk)
                h.wfile.flush()
                time.sleep(route.trickle)
        else:
            h.wfile.write(body)


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def http_date(when: float) -> str:
    return formatdate(when, usegmt=True)


# -- what the server serves -------------------------------------------------------

PARAGRAPHS = (
    "{actor} asked the CSTO for military help on {day} September 2022, a day after its "
    "border towns were shelled, officials in the capital said on the same evening.",
    "The request followed several days of fighting along the frontier, and the government "
    "said it expected the allies to answer within the week as the treaty provides.",
    "Diplomats in Moscow said the alliance would send a mission to study the situation, "
    "while analysts noted that the organisation had declined similar requests before.",
)
ACTORS = ("Armenia", "Kazakhstan", "Tajikistan", "Kyrgyzstan", "Belarus")


def article(n: int, title: str | None = None) -> bytes:
    """An article page whose first paragraph codes to a dated REQUEST (one per n)."""
    actor = ACTORS[n % len(ACTORS)]
    day = 1 + n % 28
    paragraphs = [p.format(actor=actor, day=day) for p in PARAGRAPHS]
    heading = title or f"Story {n}"
    html = (
        f"<!doctype html><html><head><title>{heading}</title>"
        '<meta property="article:published_time" content="2022-09-29"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{heading}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>Subscribe to our newsletter</footer></body></html>"
    )
    return html.encode()


def rss(items: list[tuple[str, str, str]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 feed of (guid, link, title) items, dated 28 September 2022."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>{heading}</title>"
        "<pubDate>Wed, 28 Sep 2022 10:00:00 GMT</pubDate></item>"
        for guid, link, heading in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{entries}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str, str]], title: str = "Atom feed") -> bytes:
    """An Atom feed of (id, link, title) entries, updated 27 September 2022."""
    entries = "".join(
        f'<entry><id>{guid}</id><link rel="alternate" href="{link}"/><title>{heading}</title>'
        "<updated>2022-09-27T08:00:00Z</updated></entry>"
        for guid, link, heading in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test</id><updated>2022-09-27T08:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()
