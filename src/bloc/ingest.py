"""Ingest: read articles, code them, and store events with their evidence.

Documents are coded, then stored a batch at a time in one transaction (an
ingest killed midway leaves every article either wholly stored or absent, and
a rerun stores the rest). A document already stored with the same
content is skipped, so re-running an ingest changes nothing. The same
happening reported by several articles, or several times in one, becomes one
event with several evidence rows: a new coded event merges into a stored
text event with the same source, target and type whose date agrees with it at
the coarser precision (the finer date is kept).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from bloc.dates import compatible, truncate
from bloc.model import CodedEvent, Document, DocumentResult, Precision, Rejected
from bloc.pipeline import process, sha256
from bloc.read import read_paths
from bloc.store import Store, opened

log = logging.getLogger(__name__)

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
BATCH_SIZE = 500


@dataclass
class IngestSummary:
    """What an ingest did, for the closing report."""

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    undated: list[str] = field(default_factory=list)
    skipped: list[Rejected] = field(default_factory=list)
    sentences: int = 0
    events_new: int = 0
    events_merged: int = 0
    seconds: float = 0.0


Progress = Callable[[Document | Rejected], None]


def event_id(event: CodedEvent) -> str:
    """A stable id from what the event is: who, what, whom, and when (at its precision)."""
    day = truncate(event.date, event.precision).isoformat()
    raw = f"{event.source}|{event.target}|{event.type}|{day}|{event.precision}"
    return "t" + hashlib.sha1(raw.encode()).hexdigest()[:15]


def ingest(
    paths: Iterable[str | Path],
    db: Path | str | None = None,
    published: dt.date | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Read, code and store every document under `paths`."""
    began = time.perf_counter()
    summary = IngestSummary()
    batch: list[Document] = []
    with opened(db, write=True) as store:  # created, upgraded and its knowledge base loaded
        target = store.path
    for item in read_paths(paths, published):
        if progress:
            progress(item)
        if isinstance(item, Rejected):
            log.info("skipped %s: %s", item.path, item.reason)
            summary.skipped.append(item)
            continue
        summary.read += 1
        batch.append(item)
        if len(batch) >= batch_size:
            _flush(target, batch, summary)
            batch = []
    _flush(target, batch, summary)
    summary.seconds = time.perf_counter() - began
    return summary


def _flush(target: Path, batch: list[Document], summary: IngestSummary) -> None:
    """Code a batch and store it, holding the store only to look up and to write.

    Coding, the slow part, runs with the store free, so a dashboard (or
    another ingest) can use it meanwhile; what another ingest stored in the
    meantime is looked up again before writing, so nothing is stored twice.
    """
    if not batch:
        return
    ids = [d.id for d in batch]
    with Store.open(target, read_only=True) as store:
        known = stored_hashes(store, ids)
    fresh: dict[str, Document] = {}
    for doc in batch:
        if known.get(doc.id) == sha256(doc):
            summary.unchanged += 1
        else:
            fresh[doc.id] = doc  # a document repeated in one batch: the last copy wins
    if not fresh:
        return
    store_new(target, [process(doc) for doc in fresh.values()], summary)


def store_new(target: Path, results: list[DocumentResult], summary: IngestSummary) -> None:
    """Store the coded documents not already stored with the same content, in one turn.

    They are looked up in the same turn as the write, so what another
    process stored meanwhile is not stored twice. A document repeated among
    the results: the last copy wins.
    """
    by_id = {r.document.id: r for r in results}
    with Store.open(target) as store:
        known = stored_hashes(store, list(by_id))
        fresh = [r for r in by_id.values() if known.get(r.document.id) != r.sha256]
        summary.unchanged += len(by_id) - len(fresh)
        store_results(store, fresh, summary, set(known))


def stored_hashes(store: Store, ids: list[str]) -> dict[str, str]:
    """The content hash of each of these documents that is stored."""
    return dict(
        store.con.execute(
            "SELECT id, sha256 FROM documents WHERE id IN (SELECT unnest(?))", [ids]
        ).fetchall()
    )


def store_results(
    store: Store,
    results: list[DocumentResult],
    summary: IngestSummary,
    replaced: set[str] | None = None,
) -> None:
    """Store coded documents in one transaction, merging their events into stored ones."""
    if not results:
        return
    ids = [r.document.id for r in results]
    keys = pd.DataFrame(
        sorted({(e.source, e.target, e.type, e.date.year) for r in results for e in r.events}),
        columns=["source", "target", "type", "year"],
    )
    with store.transaction() as con:
        if replaced is None or replaced & set(ids):
            _forget(con, ids)
        documents = pd.DataFrame(
            [
                (
                    r.document.id,
                    r.document.url,
                    r.document.title,
                    r.document.published,
                    r.sha256,
                    r.sentences,
                    "ok" if r.document.published else "undated",
                    dt.datetime.now(),
                    r.document.origin or None,
                )
                for r in results
            ],
            columns=[
                "id",
                "url",
                "title",
                "published",
                "sha256",
                "sentences",
                "status",
                "at",
                "origin",
            ],
        )
        con.register("new_documents", documents)
        con.execute("INSERT INTO documents SELECT * FROM new_documents")
        con.unregister("new_documents")
        index = _stored_events(con, keys)
        new_events, evidence, updates = _merge(results, index, summary)
        _bulk(con, new_events, evidence, updates)
    for r in results:
        summary.stored += 1
        summary.sentences += r.sentences
        if r.document.published is None:
            summary.undated.append(r.document.id)


Slot = list[object]  # [id, date, precision, confidence]
# Events that can merge share source, target, type and year (dates that agree at
# the coarser precision are in the same year), so slots are looked up by all four:
# a batch reads only the stored events it could merge with, not all of a pair's.
Key = tuple[str, str, str, int]


def _stored_events(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> dict[Key, list[Slot]]:
    index: dict[Key, list[Slot]] = {}
    if keys.empty:
        return index
    con.register("batch_keys", keys)
    rows = con.execute(
        "SELECT e.source, e.target, e.type, e.id, e.date, e.date_precision, e.confidence "
        "FROM events e JOIN batch_keys k ON e.source = k.source AND e.target = k.target "
        "AND e.type = k.type AND year(e.date) = k.year "
        "WHERE e.origin = 'text' ORDER BY e.id"
    ).fetchall()
    con.unregister("batch_keys")
    for source, target, kind, eid, day, precision, confidence in rows:
        key = (source, target, kind, day.year)
        index.setdefault(key, []).append([eid, day, precision, confidence])
    return index


def _merge(
    results: list[DocumentResult],
    index: dict[Key, list[Slot]],
    summary: IngestSummary,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], dict[str, Slot]]:
    """Match each coded event to a stored (or earlier in this batch) one, or make it new."""
    new_events: list[tuple[object, ...]] = []
    evidence: list[tuple[object, ...]] = []
    updates: dict[str, Slot] = {}
    for result in results:
        for event in result.events:
            slots = index.setdefault((event.source, event.target, event.type, event.date.year), [])
            mine: tuple[dt.date, Precision] = (event.date, event.precision)
            slot = next(
                (s for s in slots if compatible((s[1], s[2]), mine)),  # type: ignore[arg-type]
                None,
            )
            if slot is None:
                eid = event_id(event)
                slots.append([eid, event.date, event.precision, event.confidence])
                new_events.append(
                    (
                        eid,
                        event.date,
                        event.precision,
                        event.source,
                        event.target,
                        event.type,
                        event.mode,
                        event.alliance,
                        event.intensity,
                        event.confidence,
                        "text",
                        None,
                        None,
                    )
                )
                summary.events_new += 1
            else:
                eid = str(slot[0])
                if PRECISION_RANK[event.precision] < PRECISION_RANK[str(slot[2])]:
                    slot[1], slot[2] = event.date, event.precision
                # Each further report raises confidence a little: sources agree.
                slot[3] = min(0.99, max(float(slot[3]), event.confidence) + 0.05)  # type: ignore[arg-type]
                updates[eid] = slot
                summary.events_merged += 1
            evidence.append(
                (
                    eid,
                    event.document,
                    event.sentence,
                    event.start,
                    event.end,
                    event.published,
                    event.url,
                )
            )
    return new_events, evidence, updates


def _bulk(
    con: duckdb.DuckDBPyConnection,
    new_events: list[tuple[object, ...]],
    evidence: list[tuple[object, ...]],
    updates: dict[str, Slot],
) -> None:
    fresh_ids = {row[0] for row in new_events}
    if new_events:
        # Events made in this batch carry their final date and confidence.
        rows = [
            (*row[:1], *(updates[str(row[0])][1:3]), *row[3:9], updates[str(row[0])][3], *row[10:])
            if row[0] in updates
            else row
            for row in new_events
        ]
        frame = pd.DataFrame(rows, columns=EVENT_FIELDS)
        con.register("new_events", frame)
        con.execute("INSERT INTO events SELECT * FROM new_events")
        con.unregister("new_events")
    changed = [(eid, s[1], s[2], s[3]) for eid, s in updates.items() if eid not in fresh_ids]
    if changed:
        frame = pd.DataFrame(changed, columns=["id", "date", "date_precision", "confidence"])
        con.register("changed_events", frame)
        con.execute(
            "UPDATE events SET date = c.date, date_precision = c.date_precision, "
            "confidence = c.confidence FROM changed_events c WHERE events.id = c.id"
        )
        con.unregister("changed_events")
    if evidence:
        frame = pd.DataFrame(evidence, columns=EVIDENCE_FIELDS)
        con.register("new_evidence", frame)
        con.execute("INSERT OR IGNORE INTO evidence SELECT * FROM new_evidence")
        con.unregister("new_evidence")


EVENT_FIELDS = [
    "id", "date", "date_precision", "source", "target", "type", "mode", "alliance",
    "intensity", "confidence", "origin", "context", "summary",
]  # fmt: skip
EVIDENCE_FIELDS = ["event_id", "document", "sentence", "start", "end", "published", "url"]


def _forget(con: duckdb.DuckDBPyConnection, documents: list[str]) -> None:
    """Remove earlier versions of documents: their evidence, and events left without any."""
    con.execute("DELETE FROM evidence WHERE document IN (SELECT unnest(?))", [documents])
    con.execute(
        "DELETE FROM events WHERE origin = 'text' "
        "AND id NOT IN (SELECT DISTINCT event_id FROM evidence)"
    )
    con.execute("DELETE FROM documents WHERE id IN (SELECT unnest(?))", [documents])
