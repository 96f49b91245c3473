"""The alerts on `bloc serve`: a page, and an Atom feed any feed reader can follow."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bloc.alerts import alerts_frame
from bloc.alerts.atom import atom_feed
from bloc.web.http import StoreView, render

SHOWN = 200
"""The latest alerts the page and the feed show."""


def alert_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(db: StoreView, request: Request) -> Response:
        frame = alerts_frame(db, limit=SHOWN)
        rows = [
            {
                "id": r["id"],
                "rule": r["rule"],
                "raised_at": str(r["raised_at"])[:16],
                "as_of": r["as_of"].isoformat(),
                "title": r["title"],
                "sentences": [s.get("sentence", "") for s in r["evidence"].get("sentences", [])],
                "reasons": r["evidence"].get("reasons", []),
                "event": r["evidence"].get("event"),
                "delivered": f"{r['sent']} sent, {r['failed']} failed, {r['pending']} pending",
            }
            for r in frame.to_dict("records")
        ]
        return render(request, "alerts.html", {"rows": rows, "shown": SHOWN})

    @router.get("/alerts.atom", include_in_schema=False)
    def alerts_feed(db: StoreView, request: Request) -> Response:
        frame = alerts_frame(db, limit=SHOWN)
        frame["evidence"] = [_json(e) for e in frame["evidence"]]
        body = atom_feed(
            frame, str(request.url_for("alerts_feed")), str(request.url_for("alerts_page"))
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    return router


def _json(value: object) -> str:
    import json

    return json.dumps(value, default=str)
