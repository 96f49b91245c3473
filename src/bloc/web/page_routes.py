"""The dashboard's pages: server-rendered HTML, every figure as of the `on` day."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bloc.knowledge import bundled
from bloc.store import knowledge_of
from bloc.web import event_pages, pages
from bloc.web.assets import Assets
from bloc.web.exits_page import exits_context
from bloc.web.http import ENV, OnQuery, StoreView, as_of, query_day, render, valid_threat


def page_routes(plotly: Path) -> APIRouter:
    """The HTML pages (`plotly`: the Plotly.js bundle to serve).

    Each page reads the app's store through the origins its `origin` parameters choose.
    """
    router = APIRouter()

    script = Assets({plotly.name: plotly})  # read once, answered from memory
    script.warm()  # compressed before the first page with a chart asks for it

    @router.get(f"/vendor/{plotly.name}", include_in_schema=False)
    async def plotly_bundle(request: Request) -> Response:
        return await script.respond(request, plotly.name)

    @router.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(ENV.get_template("docs.html").render())

    # -- pages -----------------------------------------------------------------

    @router.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:  # no store read: answered on the event loop
        return RedirectResponse(f"/alliances/{sorted(bundled().alliances)[0]}")

    @router.get("/alliances/{code}", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(db: StoreView, request: Request, code: str, on: OnQuery = None) -> Response:
        return render(request, "overview.html", pages.overview(code, as_of(on), db))

    @router.get(
        "/alliances/{code}/members/{member}", response_class=HTMLResponse, include_in_schema=False
    )
    def member_page(
        db: StoreView, request: Request, code: str, member: str, on: OnQuery = None
    ) -> Response:
        return render(request, "member.html", pages.member(code, member, as_of(on), db))

    @router.get("/alliances/{code}/relations", response_class=HTMLResponse, include_in_schema=False)
    def relations_page(
        db: StoreView,
        request: Request,
        code: str,
        on: OnQuery = None,
        view: Literal["graph", "matrix"] | None = None,
    ) -> Response:
        return render(request, "relations.html", pages.relations(code, as_of(on), db, view=view))

    @router.get(
        "/alliances/{code}/reliability", response_class=HTMLResponse, include_in_schema=False
    )
    def reliability_page(
        db: StoreView, request: Request, code: str, on: OnQuery = None
    ) -> Response:
        return render(request, "reliability.html", pages.reliability(code, as_of(on), db))

    @router.get("/alliances/{code}/simulate", response_class=HTMLResponse, include_in_schema=False)
    def simulate_page(
        db: StoreView,
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
        valid_threat(threat)
        context = pages.simulation(
            code, as_of(on), requester, threat, aggressor or None, assume or [], seed, draws, db
        )
        return render(request, "simulate.html", context)

    @router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        db: StoreView,
        request: Request,
        on: OnQuery = None,
        alliances: Annotated[list[str] | None, Query(max_length=6)] = None,
    ) -> Response:
        codes = alliances or sorted(knowledge_of(db).alliances)
        return render(request, "compare.html", pages.comparison(codes, as_of(on), db))

    @router.get("/exits", response_class=HTMLResponse, include_in_schema=False)
    def exits_page(
        db: StoreView,
        request: Request,
        evidence: Annotated[str, Query(pattern="^(votes|events|all)$")] = "votes",
        lead: Annotated[int, Query(ge=0, le=240)] = 12,
    ) -> Response:
        return render(request, "exits.html", exits_context(db, evidence, lead))

    @router.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        db: StoreView,
        request: Request,
        on: OnQuery = None,
        actor: Annotated[str | None, Query(max_length=20)] = None,
        type: Annotated[str | None, Query(max_length=20)] = None,
        alliance: Annotated[str | None, Query(max_length=20)] = None,
        since: Annotated[str | None, Query(max_length=10)] = None,
        until: Annotated[str | None, Query(max_length=10)] = None,
    ) -> Response:
        context = event_pages.explorer(
            as_of(on),
            actor or None,
            type or None,
            alliance or None,
            query_day(since, "since"),
            query_day(until, "until"),
            db,
        )
        return render(request, "events.html", context)

    @router.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(db: StoreView, request: Request, event_id: str) -> Response:
        return render(request, "event.html", event_pages.event(event_id, db))

    @router.get("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_form(request: Request) -> Response:
        return render(
            request,
            "code.html",
            {"limit": event_pages.MAX_CODE_CHARS, "text": "", "published": "", "coded": None},
        )

    @router.post("/code", response_class=HTMLResponse, include_in_schema=False)
    def code_page(
        request: Request,
        text: Annotated[str, Form()],
        published: Annotated[str, Form()] = "",
    ) -> Response:
        coded = event_pages.coded_text(text, query_day(published, "published"))
        return render(
            request,
            "code.html",
            {
                "limit": event_pages.MAX_CODE_CHARS,
                "text": text,
                "published": published,
                "coded": coded,
                "names": pages.names(),
            },
        )

    return router
