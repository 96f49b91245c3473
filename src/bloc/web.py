"""`bloc serve`: the dashboard (server-rendered pages) and a JSON API under /api.

Every figure is computed as of the day in the `on` parameter, with the same
no-look-ahead rule as the command line. Article text is untrusted: templates
escape it, charts receive it only as JSON data, and a Content-Security-Policy
lets the browser run bloc's own scripts and nothing else. All scripts and
styles (Plotly, Swagger UI) come from installed packages and are served here.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import swagger_ui_bundle
from fastapi import FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from bloc import __version__, analysis, api, pages, simulate
from bloc.errors import (
    BlocError,
    NotFoundError,
    ScenarioError,
    StoreError,
    StoreLockedError,
    TooLargeError,
)
from bloc.knowledge import bundled
from bloc.store import opened, parse_day

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes accepted in a request body
EARLIEST = dt.date(1990, 1, 1)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
STATIC = Path(__file__).parent / "static"

OnQuery = Annotated[
    dt.date | None, Query(description="Day to compute as of (YYYY-MM-DD), today by default.")
]


def plotly_js() -> Path:
    """The Plotly.js bundle that ships inside the `plotly` package."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise BlocError("the dashboard needs the plotly package: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def _as_of(on: dt.date | None) -> dt.date:
    today = dt.date.today()
    day = on or today
    if not EARLIEST <= day <= today:
        raise BlocError(
            f"as-of day {day.isoformat()} is out of range: choose a day from "
            f"{EARLIEST.isoformat()} to today ({today.isoformat()})"
        )
    return day


def _day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except BlocError:
        raise BlocError(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD") from None


def _status(exc: BlocError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, StoreLockedError):
        return 503  # busy for longer than BLOC_LOCK_TIMEOUT: worth trying again
    if isinstance(exc, StoreError):
        return 500
    return 400


class _Security(BaseHTTPMiddleware):
    """Security headers on every response; request bodies capped before they are read."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return _error(request, 411, "send a Content-Length header with the request body")
            if int(length) > MAX_BODY:
                return _error(
                    request, 413, f"the request body is {int(length):,} bytes; at most {MAX_BODY:,}"
                )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


_ENV = pages.environment()


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page: the template with what every page needs (navigation, as-of control)."""
    values: dict[str, Any] = {
        "standalone": False,
        "assets": None,
        "on": None,
        "alliance": None,
        "all_alliances": sorted(bundled().alliances),
        "today": dt.date.today().isoformat(),
        "keep": [(k, v) for k, v in request.query_params.multi_items() if k != "on"],
    }
    values.update(context)
    return HTMLResponse(_ENV.get_template(template).render(values), status_code=status)


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    try:
        return render(request, "error.html", {"status": status, "message": message}, status)
    except Exception:  # the error page itself must not fail
        log.exception("error page failed")
        return Response(message, status_code=status, media_type="text/plain")


class SimulateBody(BaseModel):
    alliance: str = Field(examples=["CSTO"], max_length=20)
    requester: str = Field(examples=["ARM"], max_length=20)
    threat: str = Field(examples=["external"], max_length=40)
    aggressor: str | None = Field(default=None, examples=["AZE"], max_length=20)
    on: dt.date | None = None
    assume: list[str] = Field(default_factory=list, max_length=10)
    draws: int = Field(default=2_000, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class CodeBody(BaseModel):
    text: str = Field(max_length=pages.MAX_CODE_CHARS)
    published: dt.date | None = None


def create_app(db: Path | str | None = None) -> FastAPI:
    """The dashboard and API over one store (its knowledge base loaded once, here)."""
    with opened(db):
        pass
    app = FastAPI(
        title="bloc",
        version=__version__,
        description="An observatory for military alliances: every figure as of a day.",
        docs_url=None,
        redoc_url=None,
    )
    # The bundled Swagger UI (4.x) refuses an OpenAPI 3.1 document outright ("Unable to
    # render this definition"); it renders FastAPI's schema when it is labelled 3.0.
    app.openapi_version = "3.0.3"
    app.add_middleware(_Security)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(
        "/vendor/swagger",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )
    bundle = plotly_js()

    @app.exception_handler(BlocError)
    async def bloc_error(request: Request, exc: BlocError) -> Response:
        response = _error(request, _status(exc), str(exc))
        if isinstance(exc, StoreLockedError):
            response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        return _error(request, 422, f"invalid request ({problems})")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(bundle, media_type="text/javascript")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_ENV.get_template("docs.html").render())

    # -- pages -----------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(f"/alliances/{sorted(bundled().alliances)[0]}")

    @app.get("/alliances/{code}", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request, code: str, on: OnQuery = None) -> Response:
        return render(request, "overview.html", pages.overview(code, _as_of(on), db))

    @app.get(
        "/alliances/{code}/members/{member}", response_class=HTMLResponse, include_in_schema=False
    )
    def member_page(request: Request, code: str, member: str, on: OnQuery = None) -> Response:
        return render(request, "member.html", pages.member(code, member, _as_of(on), db))

    @app.get("/alliances/{code}/relations", response_class=HTMLResponse, include_in_schema=False)
    def relations_page(request: Request, code: str, on: OnQuery = None) -> Response:
        return render(request, "relations.html", pages.relations(code, _as_of(on), db))

    @app.get("/alliances/{code}/reliability", response_class=HTMLResponse, include_in_schema=False)
    def reliability_page(request: Request, code: str, on: OnQuery = None) -> Response:
        return render(request, "reliability.html", pages.reliability(code, _as_of(on), db))

    @app.get("/alliances/{code}/simulate", response_class=HTMLResponse, include_in_schema=False)
    def simulate_page(
        request: Request,
        code: str,
        on: OnQuery = None,
        requester: Annotated[str | None, Query(max_length=20)] = None,
        threat: Annotated[str, Query(max_length=40)] = "external",
        aggressor: Annotated[str | None, Query(max_length=20)] = None,
        assume: Annotated[list[str] | None, Query(max_length=10)] = None,
        seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
        draws: Annotated[int, Query(ge=1, le=20_000)] = 2_000,
    ) -> Response:
        context = pages.simulation(
            code, _as_of(on), requester, threat, aggressor or None, assume or [], seed, draws, db
        )
        return render(request, "simulate.html", context)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        on: OnQuery = None,
        alliances: Annotated[list[str] | None, Query(max_length=6)] = None,
    ) -> Response:
        codes = alliances or sorted(bundled().alliances)
        return render(request, "compare.html", pages.comparison(codes, _as_of(on), db))

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        request: Request,
        on: OnQuery = None,
        actor: Annotated[str | None, Query(max_length=20)] = None,
        type: Annotated[str | None, Query(max_length=20)] = None,
        alliance: Annotated[str | None, Query(max_length=20)] = None,
        since: Annotated[str | None, Query(max_length=10)] = None,
        until: Annotated[str | None, Query(max_length=10)] = None,
    ) -> Response:
        context = pages.explorer(
            _as_of(on),
            actor or None,
            type or None,
            alliance or None,
            _day(since, "since"),
            _day(until, "until"),
            db,
        )
        return render(request, "events.html", context)

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        return render(request, "event.html", pages.event(event_id, db))

    @app.get("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_form(request: Request) -> Response:
        return render(
            request,
            "code.html",
            {"limit": pages.MAX_CODE_CHARS, "text": "", "published": "", "coded": None},
        )

    @app.post("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_page(
        request: Request,
        text: Annotated[str, Form()],
        published: Annotated[str, Form()] = "",
    ) -> Response:
        coded = pages.coded_text(text, _day(published, "published"))
        return render(
            request,
            "code.html",
            {
                "limit": pages.MAX_CODE_CHARS,
                "text": text,
                "published": published,
                "coded": coded,
                "names": pages.names(),
            },
        )

    # -- JSON API --------------------------------------------------------------

    @app.get("/api/alliances", tags=["alliances"])
    def api_alliances() -> list[dict[str, Any]]:
        """The alliances in the knowledge base."""
        return [
            {
                "code": al.code,
                "name": al.name,
                "leader": al.leader,
                "founded": al.founded.isoformat(),
                "decision_rule": al.decision_rule,
            }
            for al in bundled().alliances.values()
        ]

    @app.get("/api/alliances/{code}/members", tags=["alliances"])
    def api_members(code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members on a day, with their status."""
        return api.to_records(api.members(code, _as_of(on), db))

    @app.get("/api/alliances/{code}/history", tags=["alliances"])
    def api_history(code: str) -> list[dict[str, Any]]:
        """Membership changes and curated events, with citations."""
        return api.to_records(api.history(code, db))

    @app.get("/api/alliances/{code}/alignment", tags=["measures"])
    def api_alignment(
        code: str,
        on: OnQuery = None,
        by: Annotated[str, Query(pattern="^(month|quarter|year)$")] = "year",
        member: Annotated[str | None, Query(max_length=20)] = None,
    ) -> list[dict[str, Any]]:
        """Each member's alignment at each period end up to `on`."""
        frame = analysis.alignment(code, by=by, member=member, until=_as_of(on), db=db)
        return api.to_records(frame)

    @app.get("/api/alliances/{code}/cohesion", tags=["measures"])
    def api_cohesion(
        code: str,
        on: OnQuery = None,
        by: Annotated[str, Query(pattern="^(month|quarter|year)$")] = "year",
    ) -> list[dict[str, Any]]:
        """The cohesion index and its parts at each period end up to `on`."""
        return api.to_records(analysis.cohesion(code, by=by, until=_as_of(on), db=db))

    @app.get("/api/alliances/{code}/dyads", tags=["measures"])
    def api_dyads(code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Relations between every pair of members, most hostile first."""
        return api.to_records(analysis.dyads(code, _as_of(on), db))

    @app.get("/api/alliances/{code}/relations", tags=["measures"])
    def api_relations(code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members and outside powers as graph edges."""
        return api.to_records(analysis.relations(code, _as_of(on), db))

    @app.get("/api/alliances/{code}/reliability", tags=["measures"])
    def api_reliability(code: str, on: OnQuery = None) -> dict[str, Any]:
        """Every request for assistance and its answer, and the reference figures."""
        day = _as_of(on)
        return {
            "requests": api.to_records(analysis.reliability(code, day, db)),
            "summary": api.to_records(analysis.reliability_summary(code, day, db)),
        }

    @app.get("/api/alliances/{code}/risk", tags=["measures"])
    def api_risk(code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members ranked by exit risk, with reasons and evidence."""
        return api.to_records(analysis.risk(code, _as_of(on), db))

    @app.get("/api/alliances/{code}/risk/{member}", tags=["measures"])
    def api_explain(code: str, member: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """The dated, cited events behind one member's exit risk."""
        return api.to_records(analysis.explain(code, member, _as_of(on), db))

    @app.get("/api/compare", tags=["measures"])
    def api_compare(
        on: OnQuery = None,
        alliances: Annotated[list[str] | None, Query(max_length=6)] = None,
    ) -> list[dict[str, Any]]:
        """The same measures for several alliances side by side."""
        codes = alliances or sorted(bundled().alliances)
        return api.to_records(analysis.compare(codes, _as_of(on), db))

    @app.get("/api/events", tags=["events"])
    def api_events(
        on: OnQuery = None,
        actor: Annotated[str | None, Query(max_length=20)] = None,
        type: Annotated[str | None, Query(max_length=20)] = None,
        alliance: Annotated[str | None, Query(max_length=20)] = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[dict[str, Any]]:
        """Events known by `on`, filtered, latest first, each with its evidence."""
        day = _as_of(on)
        end = min(until, day) if until else day
        frame = api.events(actor, type, alliance, since, end, db=db, latest=limit * 2)
        return api.to_records(pages.known_events(frame, day).iloc[::-1].head(limit))

    @app.get("/api/events/{event_id}", tags=["events"])
    def api_event(event_id: str) -> dict[str, Any]:
        """One event with all its evidence."""
        return api.to_records(api.event(event_id, db))[0]

    @app.post("/api/simulate", tags=["simulation"])
    def api_simulate(body: SimulateBody) -> dict[str, Any]:
        """Simulate a member invoking collective defence (seeded, reproducible)."""
        if body.threat not in simulate.THREATS:
            raise ScenarioError(
                f"unknown threat {body.threat!r}: use one of {', '.join(simulate.THREATS)}"
            )
        scenario = simulate.parse_scenario(
            body.alliance, body.requester, body.threat, body.aggressor, _as_of(body.on), body.assume
        )
        return simulate.simulate(scenario, draws=body.draws, seed=body.seed, db=db)

    @app.post("/api/code", tags=["events"])
    def api_code(body: CodeBody) -> dict[str, Any]:
        """Code a text into events without storing anything."""
        coded = pages.coded_text(body.text, body.published)
        return {"sentences": coded["sentences"], "events": coded["events"]}

    return app


@contextmanager
def serving(db: Path | str | None) -> Iterator[str]:
    """The dashboard on a free loopback port in a background thread; yields its address.

    For browser tests, screenshots and notebooks; stopped when the block ends.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning", lifespan="off"))
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


def serve(db: Path | str | None, host: str, port: int) -> None:
    """Run the dashboard with uvicorn until interrupted."""
    import pyarrow
    import uvicorn

    # pandas keeps strings in Arrow memory; Arrow's own allocator holds on to what
    # the server's many request threads free, so a long-running server grows. The
    # system allocator gives it back (measured with bench/load.py).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    uvicorn.run(create_app(db), host=host, port=port, log_level="info")
