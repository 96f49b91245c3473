"""The pages about events: the explorer, one event with its evidence and review, and
an article pasted to be coded.

Built like every page (`bloc.web.pages`): dicts the templates render, escaping
every string; article text is untrusted and never marked safe.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bloc import api
from bloc.core.dated import Dated
from bloc.core.events import PLOVER_TYPES
from bloc.errors import TooLargeError
from bloc.model import Document
from bloc.text import clean
from bloc.text.dates import find_publication_date
from bloc.text.pipeline import process
from bloc.web.pages import event_rows, known_events, names, pickable, sources

MAX_CODE_CHARS = 100_000  # what the code-an-article page accepts


def coded_text(text: str, published: dt.date | None) -> dict[str, Any]:
    """Code a pasted text without storing it: its events, and the text with them marked.

    With no `published` day the article's own date, printed near its top (a dateline),
    is used, as `bloc ingest` does for a text file: without a publication day a
    sentence dated only by a weekday ("on Tuesday") could not be dated and was dropped.
    `published` and `published_from` ("form", "text" or None) say which day was used.
    """
    if len(text) > MAX_CODE_CHARS:
        raise TooLargeError(
            f"the text has {len(text):,} characters; paste at most {MAX_CODE_CHARS:,} "
            "(ingest longer articles with `bloc ingest`)"
        )
    source = "form" if published is not None else None
    if published is None:
        published = find_publication_date(text)
        source = "text" if published is not None else None
    document = Document(id="pasted", text=text, published=published, origin="paste")
    result = process(document)
    cleaned = clean.clean_text(text)
    spans = sorted({(e.start, e.end) for e in result.events})
    segments: list[tuple[str, int | None]] = []
    at = 0
    for number, (start, end) in enumerate(spans, 1):
        if start < at:
            continue
        segments.append((cleaned[at:start], None))
        segments.append((cleaned[start:end], number))
        at = end
    segments.append((cleaned[at:], None))
    marks = {span: n for n, span in enumerate(spans, 1)}
    events = [
        {
            "mark": marks[(e.start, e.end)],
            "date": e.date.isoformat(),
            "precision": e.precision,
            "when": Dated.of(e.date, e.precision).iso(),
            "source": e.source,
            "target": e.target,
            "type": e.type,
            "mode": e.mode,
            "confidence": e.confidence,
        }
        for e in result.events
    ]
    return {
        "segments": segments,
        "events": events,
        "sentences": result.sentences,
        "published": published.isoformat() if published else None,
        "published_from": source,
    }


def explorer(
    on: dt.date,
    actor: str | None = None,
    type: str | None = None,
    alliance: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    db: api.DB = None,
    limit: int = 300,
) -> dict[str, Any]:
    """The events explorer: filtered events known by `on`, latest first."""
    end = min(until, on) if until else on
    total = api.count_events(actor, type, alliance, since, end, db=db, known_on=on)
    frame = api.events(actor, type, alliance, since, end, db=db, latest=limit * 2)
    frame = known_events(frame, on).iloc[::-1]
    return {
        "on": on,
        "names": names(),
        "rows": event_rows(frame.head(limit), on),
        "total": total,
        "actors": pickable(on, db),
        "types": list(PLOVER_TYPES),
        "filters": {
            "actor": actor or "",
            "type": type or "",
            "alliance": alliance or "",
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
        },
    }


def event(event_id: str, db: api.DB = None) -> dict[str, Any]:
    """One event with all of its evidence, its review decision and every decision taken."""
    frame = api.event(event_id, db)
    rows = event_rows(frame)
    row = rows[0]
    row["cited"] = sources(
        [e["document"] for e in row["evidence"]],
        {e["document"]: e.get("url") for e in row["evidence"]},
    )
    return {
        "event": row,
        "names": names(),
        "log": api.review_log(event_id, db),
        "actors": pickable(None, db),
        "types": list(PLOVER_TYPES),
    }
