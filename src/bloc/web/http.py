"""What every route needs: the as-of day, dates from the query, errors and rendering.

Pages and the JSON API share these, so a bad date or an unknown alliance gets
the same status and message on both (JSON under /api, an error page elsewhere).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bloc.core import glossary
from bloc.errors import (
    BlocError,
    NotFoundError,
    ReviewConflictError,
    StoreError,
    StoreLockedError,
    TooLargeError,
)
from bloc.knowledge import bundled
from bloc.measures.decay import as_of as measured_as_of
from bloc.store import ORIGINS, View, parse_day
from bloc.web import pages
from bloc.web.review_gate import gate_of

log = logging.getLogger(__name__)

EARLIEST = dt.date(1945, 1, 1)  # the oldest alliance modelled (the Rio Treaty) is of 1947

OnQuery = Annotated[
    dt.date | None, Query(description="Day to compute as of (YYYY-MM-DD), today by default.")
]
OriginQuery = Annotated[
    list[str] | None,
    Query(
        description=f"Only events these origins report ({', '.join(ORIGINS)}, or all); "
        "repeatable. Every origin by default.",
        max_length=len(ORIGINS) + 1,
    ),
]


AsCodedQuery = Annotated[
    bool,
    Query(description="The events as coded, without analysts' review decisions."),
]


def chosen_view(
    request: Request, origin: OriginQuery = None, as_coded: AsCodedQuery = False
) -> View:
    """The server's store (and cache) through the origins this request chooses, as coded
    or (by default) as analysts' review decisions make it."""
    view: View = request.app.state.view
    return view.choose(origin, as_coded)


StoreView = Annotated[View, Depends(chosen_view)]


def as_of(on: dt.date | None) -> dt.date:
    """The measures' as-of day (`bloc.measures.decay.as_of`: today by default), checked to lie
    between the earliest day the dashboard computes and today."""
    today = dt.date.today()
    day = measured_as_of(on)
    if not EARLIEST <= day <= today:
        raise NotFoundError(
            f"the date {day.isoformat()} is unknown here (out of range): choose a day from "
            f"{EARLIEST.isoformat()} to today ({today.isoformat()})"
        )
    return day


def query_day(value: str | None, name: str) -> dt.date | None:
    """A day from a query or form field; a malformed one is refused with 422, naming it."""
    if not value:
        return None
    try:
        return parse_day(value)
    except BlocError:
        raise HTTPException(
            422, f"invalid request ({name}: {value!r} is not a date; write it as YYYY-MM-DD)"
        ) from None


def valid_threat(threat: str, name: str = "threat") -> str:
    """A threat kind from a query or body field; an unknown one is refused with 422, naming
    the field (`bloc.simulate.threat_kind` is the one check)."""
    from bloc.simulate import threat_kind

    try:
        return threat_kind(threat)
    except BlocError as exc:
        raise HTTPException(422, f"invalid request ({name}: {exc})") from None


def status_of(exc: BlocError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ReviewConflictError):
        return 409
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, StoreLockedError):
        return 503  # busy for longer than BLOC_LOCK_TIMEOUT: worth trying again
    if isinstance(exc, StoreError):
        return 500
    return 400


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


ENV = pages.environment()


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page: the template with what every page needs (navigation, as-of control)."""
    values: dict[str, Any] = {
        "standalone": False,
        "assets": None,
        "on": None,
        "alliance": None,
        "all_alliances": sorted(bundled().alliances),
        "today": dt.date.today().isoformat(),
        "keep": [
            (k, v)
            for k, v in request.query_params.multi_items()
            if k not in ("on", "origin", "as_coded")
        ],
        "all_origins": ORIGINS,
    }
    values.update(context)
    chosen = [o for o in request.query_params.getlist("origin") if o in ORIGINS]
    values["chosen_origins"] = chosen or list(ORIGINS)
    as_coded = request.query_params.get("as_coded", "").lower() in ("1", "true", "on", "yes")
    values["as_coded"] = as_coded
    on = values.get("on")
    query = (
        ([("on", on.isoformat())] if isinstance(on, dt.date) else [])
        + [("origin", o) for o in chosen]
        + ([("as_coded", "1")] if as_coded else [])
    )
    values["nav_query"] = "?" + urlencode(query) if query else ""
    values["view_query"] = [(k, v) for k, v in query if k != "on"]
    gate = gate_of(request)
    session = gate.session(request) if gate else None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    values["review"] = {
        "on": gate is not None,
        "reviewer": session.reviewer if session else None,
        "csrf": gate.csrf(session) if gate and session else None,
        "here": here,
    }
    response = HTMLResponse(ENV.get_template(template).render(values), status_code=status)
    if session is not None:  # its forms carry this session's CSRF token: kept by no one
        response.headers["Cache-Control"] = "no-store"
    return response


_ALLIANCE_PATH = re.compile(r"^/(?:api/)?alliances/([^/]+)(?:/(?:members|risk)/([^/]+))?")


def what_exists(request: Request) -> tuple[str | None, list[tuple[str, str]]]:
    """For a 404: which part of the address is unknown, and links to what exists there
    (the alliances; the members of an alliance; today's page for a day out of range)."""
    kb = bundled()
    path = request.url.path
    api = path.startswith("/api")
    on = request.query_params.get("on")
    try:
        out_of_range = (
            bool(on) and not EARLIEST <= dt.date.fromisoformat(str(on)) <= dt.date.today()
        )
    except ValueError:
        out_of_range = False
    if out_of_range:
        others = [(k, v) for k, v in request.query_params.multi_items() if k != "on"]
        return f"the date {on!r}", [
            (path + ("?" + urlencode(others) if others else ""), "the same page as of today")
        ]
    found = _ALLIANCE_PATH.match(path)
    if found:
        code, member = found[1].upper(), (found[2] or "").upper()
        if code not in kb.alliances:
            return f"the alliance {found[1]!r}", [
                (f"/api/alliances/{c}/members" if api else f"/alliances/{c}", kb.alliances[c].name)
                for c in sorted(kb.alliances)
            ]
        al = kb.alliances[code]
        members = sorted({s.member for s in al.membership})
        if member:  # not a member ever, or not one ranked on that day (the leading state)
            names = {m: kb.actors[m].name if m in kb.actors else m for m in members}
            return f"the member {found[2]!r} of {glossary.alliance(code)}", [
                (
                    f"/api/alliances/{code}/risk/{m}" if api else f"/alliances/{code}/members/{m}",
                    names[m],
                )
                for m in sorted(members, key=lambda m: names[m])
            ]
    if path.startswith(("/events/", "/api/events/")):
        return "the event", [("/events", "every event")]
    if request.query_params.get("actor"):
        return f"the actor {request.query_params['actor']!r}", [("/events", "every event")]
    return None, [("/", "the overview")]


def error(request: Request, status: int, message: str) -> Response:
    """The error page (JSON under /api): the status and why; for a 404, which part of the
    address is unknown and links to what exists."""
    unknown, links = what_exists(request) if status == 404 else (None, [])
    if wants_json(request):
        body: dict[str, Any] = {"error": message}
        if status == 404 and unknown:
            body["unknown"] = unknown
            body["known"] = [href for href, _ in links]
        return JSONResponse(body, status_code=status)
    try:
        context = {"status": status, "message": message, "unknown": unknown, "links": links}
        return render(request, "error.html", context, status)
    except Exception:  # the error page itself must not fail
        log.exception("error page failed")
        return Response(message, status_code=status, media_type="text/plain")
