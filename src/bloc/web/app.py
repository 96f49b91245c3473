"""`bloc serve`: the dashboard (server-rendered pages) and a JSON API under /api.

Every figure is computed as of the day in the `on` parameter, with the same
no-look-ahead rule as the command line, from the events of the origins the
`origin` parameters choose (every origin by default). Computed measures are
kept in a cache by store generation (`bloc.measures.cache`): a write to the
store moves the generation on, so no page shows figures older than it.
Article text is untrusted: templates escape it, charts receive it only as
JSON data, and a Content-Security-Policy lets the browser run bloc's own
scripts and nothing else. All scripts and
styles (a partial Plotly.js bundle vendored in the package, Swagger UI from its
package) are served here.
The dashboard is read-only unless started with a review gate (`bloc serve
--review`): then signed-in reviewers confirm, correct and reject events
(`bloc.web.review_routes`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.metadata import version
from pathlib import Path

import anyio.to_thread
import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.gzip import GZipMiddleware

from bloc.errors import BlocError, StoreLockedError
from bloc.measures.cache import MeasureCache
from bloc.store import View, opened, store_path
from bloc.store.linger import linger
from bloc.web import maps
from bloc.web.alert_routes import alert_routes
from bloc.web.answers import AnswerCache
from bloc.web.api_routes import api_routes
from bloc.web.assets import Assets, url
from bloc.web.http import ENV, error, status_of
from bloc.web.page_routes import page_routes
from bloc.web.review_gate import COOKIE, ReviewGate
from bloc.web.review_routes import review_routes

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes accepted in a request body
MAX_KEPT_ANSWER = 8 * 2**20  # bytes of one page or API answer the cache keeps
UNCACHED = ("/static", "/vendor")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"  # third-party files as published (scripts/vendor_plotly.py)
PLOTLY = "plotly-bloc.min.js"
GZIP_MIN = 1024  # bytes: a smaller kept answer is sent as it is
GZIP_LEVEL = 6  # zlib's default: nearly level 9's size for a third of its time
THREADS = (os.cpu_count() or 1) + 1
"""Requests computed at once (anyio's default is 40). The event loop answers cached
pages itself, and waits its turn for the interpreter behind every computing thread:
one thread more than there are cores keeps the cores busy and cached pages fast
(on 2 cores, 8 threads left the member page's p95 at 1.1 s under 32 clients, 3
brought it to 0.8 s: bench/load.py)."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def plotly_js() -> Path:
    """Plotly.js with the scatter, bar and heatmap traces only (every trace type the charts
    use), built from npm's plotly.js by scripts/vendor_plotly.py: a quarter of the full
    bundle's bytes, and a fifth of the cartesian bundle's time to evaluate."""
    return VENDOR / PLOTLY


def asset(name: str) -> str:
    """The versioned address of a script, style or icon (templates: `asset("bloc.css")`):
    its hash in the address lets the browser keep it for a year (`bloc.web.assets`)."""
    if name == PLOTLY:
        return url(name, plotly_js().parent, "/vendor")
    return url(name, STATIC, "/static")


ENV.globals["asset"] = asset  # every page's template environment (bloc.web.http.ENV)


class _Security(BaseHTTPMiddleware):
    """Security headers on every response; request bodies capped before they are read."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return error(request, 411, "send a Content-Length header with the request body")
            if int(length) > MAX_BODY:
                return error(
                    request, 413, f"the request body is {int(length):,} bytes; at most {MAX_BODY:,}"
                )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # forms send their Origin
        response.headers["X-Frame-Options"] = "DENY"
        return response


class _Answers(BaseHTTPMiddleware):
    """Whole answers to GET requests, kept by URL, store generation and today's date.

    Beside the measures themselves (`bloc.measures.cache`), the pages and API
    answers made from them: the same URL asked again before the store changes
    gets the same bytes without computing or rendering anything. The answers are the
    web's own cache (`bloc.web.answers`), kept beside the app, not in the store's View.
    """

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        view: View = request.app.state.view
        cache = view.cache
        answers: AnswerCache | None = request.app.state.answers
        if (
            request.method != "GET"
            or not isinstance(cache, MeasureCache)
            or answers is None
            or request.url.path.startswith(UNCACHED)
            or COOKIE in request.cookies  # a reviewer's pages carry their own CSRF tokens
        ):
            return await call_next(request)
        try:  # known without opening the store: no thread needed
            known = cache.known_stamp(view)
            stamp = known if known is not None else await run_in_threadpool(cache.stamp, view)
        except BlocError:
            return await call_next(request)  # the route reports why the store cannot be read
        query = tuple(sorted(request.query_params.multi_items()))
        key = ("answer", request.url.path, query, stamp.key, dt.date.today().isoformat())
        kept = answers.peek(key)
        if kept is not None:
            media_type, body = kept
            if len(body) >= GZIP_MIN and "gzip" in request.headers.get("accept-encoding", ""):
                return await _gzipped(answers, key, media_type, body)
            return Response(body, media_type=media_type)
        response = await call_next(request)
        if response.status_code != 200 or not hasattr(response, "body_iterator"):
            return response
        body = b"".join([bytes(chunk) async for chunk in response.body_iterator])
        media_type = response.headers.get("content-type")
        if len(body) <= MAX_KEPT_ANSWER:
            answers.put(key, (media_type, body))
        return Response(body, status_code=200, media_type=media_type)


async def _gzipped(
    answers: AnswerCache, key: tuple[Hashable, ...], media_type: str | None, body: bytes
) -> Response:
    """A kept answer compressed, itself kept: compressed once, not on every request."""
    packed_key = (*key, "gzip")
    packed = answers.peek(packed_key)
    if packed is None:
        compressed = await run_in_threadpool(gzip.compress, body, GZIP_LEVEL, mtime=0)
        packed = (media_type, compressed)
        answers.put(packed_key, packed)
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(packed[1], media_type=media_type, headers=headers)


def create_app(
    db: Path | str | None = None, *, cache: bool = True, review: ReviewGate | None = None
) -> FastAPI:
    """The dashboard and API over one store (its knowledge base loaded once, here).

    `cache=False` computes every figure afresh (to measure what the cache saves);
    `review` lets reviewers signed in with its token take decisions (read-only without).
    """
    with opened(db):
        pass
    view = View(store_path(db), cache=MeasureCache() if cache else None)
    linger(view.path)  # one open store between requests, not an open per read
    app = FastAPI(
        title="bloc",
        version=version("bloc"),
        description="An observatory for military alliances: every figure as of a day.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    # The bundled Swagger UI (4.x) refuses an OpenAPI 3.1 document outright ("Unable to
    # render this definition"); it renders FastAPI's schema when it is labelled 3.0.
    app.openapi_version = "3.0.3"
    app.add_middleware(_Answers)  # kept answers come compressed already
    # HTML, JSON and Swagger UI compressed (bloc's own files are, by Assets, once).
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN, compresslevel=GZIP_LEVEL)
    app.add_middleware(_Security)  # added last, so outermost: on kept answers too
    world = {maps.WORLD: maps.world_svg()}  # the maps' grey land, one file for every map
    static = Assets.folder(STATIC, made=world)
    static.warm()  # compressed before the first visitor asks
    app.mount("/static", static, name="static")
    app.mount(
        "/vendor/swagger",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )
    bundle = plotly_js()

    @app.exception_handler(BlocError)
    async def bloc_error(request: Request, exc: BlocError) -> Response:
        response = error(request, status_of(exc), str(exc))
        if isinstance(exc, StoreLockedError):
            response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        return error(request, 422, f"invalid request ({problems})")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    app.state.answers = AnswerCache() if cache else None  # whole answers (bloc.web.answers)
    app.state.view = view  # the store and cache every route reads (bloc.web.http.chosen_view)
    app.state.review = review  # None: read-only (bloc.web.review_gate)
    app.include_router(page_routes(bundle))
    app.include_router(api_routes())
    app.include_router(review_routes())
    app.include_router(alert_routes())
    return app


@contextmanager
def serving(db: Path | str | None, *, review: ReviewGate | None = None) -> Iterator[str]:
    """The dashboard on a free loopback port in a background thread; yields its address.

    For browser tests, screenshots and notebooks; stopped when the block ends.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(db, review=review), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise BlocError("the dashboard did not start within 15 s: see the log above")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve(
    db: Path | str | None,
    host: str,
    port: int,
    *,
    cache: bool = True,
    review: ReviewGate | None = None,
) -> None:
    """Run the dashboard with uvicorn until interrupted (read-only unless `review`)."""
    import pyarrow
    import uvicorn

    # pandas keeps strings in Arrow memory; Arrow's own allocator holds on to what
    # the server's many request threads free, so a long-running server grows. The
    # system allocator gives it back (measured with bench/load.py).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    app = create_app(db, cache=cache, review=review)
    uvicorn.run(app, host=host, port=port, log_level="info")
