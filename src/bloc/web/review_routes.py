"""Review on the dashboard: signing in, the decision forms' posts, and the JSON API's.

Every route here answers 403 unless the server was started with `--review`
(`bloc.web.review_gate`). A decision is written through `bloc.store.review`,
in its own turn at the store and its own transaction: the store's generation
moves on, so every page computed afterwards shows what the decision changed.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from bloc import api
from bloc.store import View
from bloc.store.decisions import MAX_MODE, MAX_NOTE, MAX_REVIEWER, Decision
from bloc.store.review import decide
from bloc.web.http import StoreView, render
from bloc.web.review_gate import (
    COOKIE,
    SESSION_SECONDS,
    ReviewGate,
    Session,
    gate_of,
    same_origin,
)

log = logging.getLogger(__name__)

MAX_FIELD = 200  # characters of a token or CSRF token
MAX_NEXT = 2_000  # characters of the address to come back to
READ_ONLY = (
    "this dashboard is read-only: start it with `bloc serve --review` to confirm, correct "
    "or reject events"
)


class ReviewBody(BaseModel):
    """One decision on an event (see docs/review.md)."""

    decision: str = Field(examples=["correct"], max_length=10)
    type: str | None = Field(default=None, examples=["REJECT"], max_length=20)
    mode: str | None = Field(default=None, max_length=MAX_MODE)
    source: str | None = Field(default=None, examples=["ARM"], max_length=20)
    target: str | None = Field(default=None, examples=["CSTO"], max_length=20)
    date: str | None = Field(default=None, examples=["2022-11"], max_length=10)
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    reviewer: str = Field(default="api", max_length=MAX_REVIEWER)
    basis: int | None = Field(
        default=None,
        ge=0,
        description="The id of the decision in effect when you looked (0: none); when "
        "given, a decision taken meanwhile by someone else makes this one refused (409).",
    )


def safe_next(value: str | None, default: str) -> str:
    """Where to go after a post: a path on this server only."""
    text = (value or "").strip()
    if (
        text.startswith("/")
        and not text.startswith("//")
        and "\\" not in text
        and len(text) <= MAX_NEXT
        and text.isprintable()
    ):
        return text
    return default


def _gate(request: Request) -> ReviewGate:
    gate = gate_of(request)
    if gate is None:
        raise HTTPException(403, READ_ONLY)
    return gate


def _signed_in(request: Request, gate: ReviewGate, csrf: str) -> Session:
    """The reviewer of a form post, or 403 with why (nothing is stored then)."""
    if not same_origin(request):
        raise HTTPException(403, "the form was sent from another site; nothing was stored")
    session = gate.session(request)
    if session is None:
        raise HTTPException(
            403, "sign in to review first (at /review, with the review token); nothing was stored"
        )
    if not gate.csrf_ok(session, csrf):
        log.warning("a review post with a wrong CSRF token was refused")
        raise HTTPException(
            403, "the form's CSRF token is missing or wrong: reload the page and decide again"
        )
    return session


def _basis(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def review_routes() -> APIRouter:
    """Sign in and out, the decision forms' posts, and the JSON API for decisions.

    (Each form field has its own `Form()`: FastAPI names a field by the first
    parameter its FieldInfo meets, so a shared one would read one field for all.)"""
    router = APIRouter()

    @router.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request, next: str | None = None) -> Response:
        gate = _gate(request)
        session = gate.session(request)
        context = {
            "next": safe_next(next, "/events"),
            "signed_in": session.reviewer if session else None,
        }
        response = render(request, "review.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.post("/review/signin", include_in_schema=False)
    def sign_in(
        request: Request,
        token: Annotated[str, Form(max_length=MAX_FIELD)] = "",
        reviewer: Annotated[str, Form(max_length=MAX_REVIEWER)] = "",
        next: Annotated[str, Form(max_length=MAX_NEXT)] = "",
    ) -> Response:
        gate = _gate(request)
        if not same_origin(request):
            raise HTTPException(403, "the form was sent from another site")
        if not gate.token_ok(token):
            log.warning("a sign-in with a wrong review token was refused")
            raise HTTPException(
                403, "wrong review token: use the one `bloc serve --review` printed (or set)"
            )
        name = " ".join(reviewer.split())
        if not name:
            raise HTTPException(400, "give your name: it is recorded with each decision")
        session = gate.sign_in(name)
        response = RedirectResponse(safe_next(next, "/events"), status_code=303)
        response.set_cookie(
            COOKIE,
            session.id,
            max_age=SESSION_SECONDS,
            path="/",
            httponly=True,
            samesite="strict",
        )
        return response

    @router.post("/review/signout", include_in_schema=False)
    def sign_out(
        request: Request, csrf: Annotated[str, Form(max_length=MAX_FIELD)] = ""
    ) -> Response:
        gate = _gate(request)
        session = _signed_in(request, gate, csrf)
        gate.sign_out(session.id)
        response = RedirectResponse("/review", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @router.post("/events/{event_id}/review", include_in_schema=False)
    def review_form(
        request: Request,
        background: BackgroundTasks,
        event_id: str,
        decision: Annotated[str, Form(max_length=MAX_MODE)] = "",
        csrf: Annotated[str, Form(max_length=MAX_FIELD)] = "",
        type: Annotated[str, Form(max_length=MAX_MODE)] = "",
        mode: Annotated[str, Form(max_length=MAX_MODE)] = "",
        source: Annotated[str, Form(max_length=MAX_MODE)] = "",
        target: Annotated[str, Form(max_length=MAX_MODE)] = "",
        date: Annotated[str, Form(max_length=MAX_MODE)] = "",
        note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
        basis: Annotated[str, Form(max_length=MAX_MODE)] = "",
        next: Annotated[str, Form(max_length=MAX_NEXT)] = "",
    ) -> Response:
        gate = _gate(request)
        session = _signed_in(request, gate, csrf)
        view: View = request.app.state.view
        chosen = Decision(
            event_id,
            decision,
            type=type,
            mode=mode,
            source=source,
            target=target,
            date=date,
            note=note,
            reviewer=session.reviewer,
            basis=_basis(basis),
        )
        taken = decide(view.path, chosen)  # a refusal raises: the error page says why
        background.add_task(alert_on, view, taken.event_id)
        return RedirectResponse(safe_next(next, f"/events/{event_id}"), status_code=303)

    @router.post("/api/events/{event_id}/review", tags=["review"])
    def api_review(
        request: Request, background: BackgroundTasks, event_id: str, body: ReviewBody
    ) -> dict[str, Any]:
        """Confirm, correct, reject or undo an event (send the review token in
        `Authorization: Bearer TOKEN` or `X-Bloc-Token`; the server must run with --review)."""
        gate = _gate(request)
        if not same_origin(request):
            raise HTTPException(403, "the request came from another site; nothing was stored")
        if not gate.token_ok(gate.header_token(request)):
            raise HTTPException(403, "send the review token in Authorization: Bearer TOKEN")
        view: View = request.app.state.view
        taken = decide(view.path, Decision(event_id, **body.model_dump()))
        event = api.to_records(api.event(taken.event_id, view.path))[0]
        background.add_task(alert_on, view, taken.event_id)
        return {"stored": not taken.unchanged, "decision_id": taken.id, "event": event}

    @router.get("/api/events/{event_id}/decisions", tags=["review"])
    def api_decisions(db: StoreView, event_id: str) -> list[dict[str, Any]]:
        """Every review decision taken on an event, oldest first (the latest is in effect)."""
        api.event(event_id, db)  # 404 for an unknown event
        return api.review_log(event_id, db)

    return router


def alert_on(view: View, event_id: str) -> None:
    """Evaluate the alert rules on a decided event, after the answer has gone (a slow
    rule or webhook never holds the reviewer); a failure is logged, never raised."""
    from bloc.alerts import Changes, deliver_pending, evaluate
    from bloc.errors import BlocError

    try:
        evaluate(view.path, Changes.of([event_id]))
        deliver_pending(view.path)
    except BlocError as exc:
        log.warning("alerts after reviewing %s: %s", event_id, exc)
