"""`bloc report`: one self-contained HTML file with the findings, charts, tables and sources.

Plotly.js, the stylesheet and the map are written into the file itself, so
it opens offline and can be sent by email: it makes no request of any kind.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from markupsafe import Markup

from bloc import api, measures
from bloc.errors import BlocError
from bloc.store import View, knowledge_of
from bloc.web import app as web
from bloc.web import pages
from bloc.web.exits_page import exits_context

log = logging.getLogger(__name__)

WHY_PER_MEMBER = 5  # evidence rows shown for each member's exit risk


def _assets() -> dict[str, Markup]:
    """The scripts and styles to inline; each is checked not to close its own element."""
    found = {
        "plotly": web.plotly_js().read_text(encoding="utf-8"),
        "js": (web.STATIC / "bloc.js").read_text(encoding="utf-8"),
        "css": (web.STATIC / "bloc.css").read_text(encoding="utf-8"),
    }
    for name, text in found.items():
        if "</script" in text.lower() or "</style" in text.lower():
            raise BlocError(f"cannot inline {name}: it contains a closing tag")
    return {k: Markup(v) for k, v in found.items()}


def render(alliance: str, on: dt.date | None = None, db: api.DB = None) -> str:
    """The report as one HTML string."""
    day = on or dt.date.today()
    al = knowledge_of(db).alliance(alliance)
    data = measures.observe(al.code, db)  # read once for the overview and every member
    overview = pages.overview(al.code, day, db, report=True, data=data)
    relations = pages.relations(al.code, day, db, report=True)
    reliability = pages.reliability(al.code, day, db)
    why: dict[str, list[dict[str, Any]]] = {}
    precisions = pages.event_precisions()  # the explanations' dates carry no precision
    cited: list[str] = list(al.cite)
    for row in overview["risk"]:
        frame = measures.explain(data, row["member"], day, db)
        frame = frame.sort_values("decayed", ascending=False).head(WHY_PER_MEMBER)
        records = api.to_records(frame)
        for record in records:
            record["cited"] = pages.sources(record.get("sources") or [])
            cited += record.get("sources") or []
        pages.with_when(records, precisions)
        why[row["member"]] = records
    for request in reliability["requests"]:
        cited += request.get("sources") or []
    for event in overview["latest"]:
        cited += [e["document"] for e in event["evidence"]]
    exits = exits_context(db)  # the /exits page's content, from the same function
    for x in exits["exits"]:
        cited += list(x.get("cite") or [])
    context = {
        **overview,
        "graph": relations["graph"],
        "heatmap": relations["heatmap"],
        "heatmap_empty": relations["heatmap_empty"],
        "graph_empty": relations["graph_empty"],
        "pairs": relations["pairs"],
        "requests": reliability["requests"],
        "summary": reliability["summary"],
        "share_chart": reliability["share_chart"],
        "why": why,
        **exits,
        "sources": pages.sources(cited),
        "standalone": True,
        "assets": _assets(),
        "generated": dt.date.today().isoformat(),
        "all_alliances": [],
        "today": dt.date.today().isoformat(),
        "keep": [],
        "origins": list(db.origins or []) if isinstance(db, View) else [],
    }
    return pages.environment().get_template("report.html").render(context)


def write(alliance: str, out: Path, on: dt.date | None = None, db: api.DB = None) -> Path:
    """Write the report to `out` (folders created) and return the path."""
    html = render(alliance, on, db)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise BlocError(
            f"cannot write the report to {out}: {exc.strerror}; choose another --out"
        ) from None
    log.info("report for %s written to %s (%d bytes)", alliance, out, len(html))
    return out
