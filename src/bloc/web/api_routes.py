"""The JSON API under /api: the same figures as the pages, for scripts (OpenAPI at /docs)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bloc import api, measures, simulate
from bloc.knowledge import bundled
from bloc.store import knowledge_of
from bloc.web import event_pages, pages
from bloc.web.http import OnQuery, StoreView, as_of, valid_threat


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
    text: str = Field(max_length=event_pages.MAX_CODE_CHARS)
    published: dt.date | None = None


def dated(
    rows: list[dict[str, Any]], precisions: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Rows with `when` added: the date written to its precision (2022-01, 1999), beside the
    `date` (the period's first day) and `date_precision` that scripts already read."""
    pages.with_when(rows, precisions)
    return rows


def api_routes() -> APIRouter:
    """The JSON endpoints over the app's store, each through the origins `origin` chooses."""
    router = APIRouter()

    # -- JSON API --------------------------------------------------------------

    @router.get("/api/alliances", tags=["alliances"])
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

    @router.get("/api/alliances/{code}/members", tags=["alliances"])
    def api_members(db: StoreView, code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members on a day, with their status."""
        return api.to_records(api.members(code, as_of(on), db))

    @router.get("/api/alliances/{code}/history", tags=["alliances"])
    def api_history(db: StoreView, code: str) -> list[dict[str, Any]]:
        """Membership changes and curated events, with citations; `when` is the date written to
        its precision (1999-08 for a month), `date` the first day of that period."""
        return dated(api.to_records(api.history(code, db)))

    @router.get("/api/alliances/{code}/alignment", tags=["measures"])
    def api_alignment(
        db: StoreView,
        code: str,
        on: OnQuery = None,
        by: Annotated[str, Query(pattern="^(month|quarter|year)$")] = "year",
        member: Annotated[str | None, Query(max_length=20)] = None,
    ) -> list[dict[str, Any]]:
        """Each member's alignment at each period end up to `on`."""
        frame = measures.alignment(code, by=by, member=member, until=as_of(on), db=db)
        return api.to_records(frame)

    @router.get("/api/alliances/{code}/cohesion", tags=["measures"])
    def api_cohesion(
        db: StoreView,
        code: str,
        on: OnQuery = None,
        by: Annotated[str, Query(pattern="^(month|quarter|year)$")] = "year",
    ) -> list[dict[str, Any]]:
        """The cohesion index and its parts at each period end up to `on`."""
        return api.to_records(measures.cohesion(code, by=by, until=as_of(on), db=db))

    @router.get("/api/alliances/{code}/dyads", tags=["measures"])
    def api_dyads(db: StoreView, code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Relations between every pair of members, most hostile first."""
        return api.to_records(measures.dyads(code, as_of(on), db))

    @router.get("/api/alliances/{code}/relations", tags=["measures"])
    def api_relations(db: StoreView, code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members and outside powers as graph edges."""
        return api.to_records(measures.relations(code, as_of(on), db))

    @router.get("/api/alliances/{code}/reliability", tags=["measures"])
    def api_reliability(db: StoreView, code: str, on: OnQuery = None) -> dict[str, Any]:
        """Every request for assistance and its answer, and the reference figures."""
        day = as_of(on)
        return {
            "requests": pages.requests_when(
                code, api.to_records(measures.reliability(code, day, db)), db
            ),
            "summary": api.to_records(measures.reliability_summary(code, day, db)),
        }

    @router.get("/api/alliances/{code}/risk", tags=["measures"])
    def api_risk(db: StoreView, code: str, on: OnQuery = None) -> list[dict[str, Any]]:
        """Members ranked by exit risk, with reasons and evidence."""
        return api.to_records(measures.risk(code, as_of(on), db))

    @router.get("/api/alliances/{code}/risk/{member}", tags=["measures"])
    def api_explain(
        db: StoreView,
        code: str,
        member: str,
        on: OnQuery = None,
        limit: Annotated[int, Query(ge=1, le=1_000_000)] = 100,
    ) -> list[dict[str, Any]]:
        """The dated, cited events behind one member's exit risk: the `limit` weightiest of
        each part (its unanswered requests all), in part and date order."""
        rows = api.to_records(measures.explain(code, member, as_of(on), db, top=limit))
        return dated(rows, pages.event_precisions())

    @router.get("/api/compare", tags=["measures"])
    def api_compare(
        db: StoreView,
        on: OnQuery = None,
        alliances: Annotated[list[str] | None, Query(max_length=6)] = None,
    ) -> list[dict[str, Any]]:
        """The same measures for several alliances side by side."""
        codes = alliances or sorted(knowledge_of(db).alliances)
        return api.to_records(measures.compare(codes, as_of(on), db))

    @router.get("/api/events", tags=["events"])
    def api_events(
        db: StoreView,
        on: OnQuery = None,
        actor: Annotated[str | None, Query(max_length=20)] = None,
        type: Annotated[str | None, Query(max_length=20)] = None,
        alliance: Annotated[str | None, Query(max_length=20)] = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[dict[str, Any]]:
        """Events known by `on`, filtered, latest first, each with its evidence."""
        day = as_of(on)
        end = min(until, day) if until else day
        frame = api.events(actor, type, alliance, since, end, db=db, latest=limit * 2)
        return dated(api.to_records(pages.known_events(frame, day).iloc[::-1].head(limit)))

    @router.get("/api/events/{event_id}", tags=["events"])
    def api_event(db: StoreView, event_id: str) -> dict[str, Any]:
        """One event with all its evidence (`when`: its date written to its precision)."""
        return dated(api.to_records(api.event(event_id, db)))[0]

    @router.post("/api/simulate", tags=["simulation"])
    def api_simulate(db: StoreView, body: SimulateBody) -> dict[str, Any]:
        """Simulate a member invoking collective defence (seeded, reproducible)."""
        valid_threat(body.threat)  # before the scenario's other checks: 422 naming the field
        scenario = simulate.parse_scenario(
            body.alliance, body.requester, body.threat, body.aggressor, as_of(body.on), body.assume
        )
        return simulate.simulate(scenario, draws=body.draws, seed=body.seed, db=db)

    @router.post("/api/code", tags=["events"])
    def api_code(body: CodeBody) -> dict[str, Any]:
        """Code a text into events without storing anything. Without `published`, the date
        the article prints near its top is used; `published` and `published_from` (form,
        text or null) in the answer say which day the events were dated from."""
        coded = event_pages.coded_text(body.text, body.published)
        keys = ("sentences", "events", "published", "published_from")
        return {k: coded[k] for k in keys}

    return router
