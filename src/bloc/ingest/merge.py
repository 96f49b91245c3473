"""Storing coded documents: the step both engines share, and the merge rule.

The same happening reported by several articles, or several times in one,
becomes one event with several evidence rows: a new coded event merges into a
stored event (from text or an imported dataset; never a curated one) with the
same source, target and type whose date agrees with it at the coarser
precision (the finer date is kept). A document stored again with new content
replaces its earlier evidence. `bloc.ingest.datasets` merges dataset rows by
the same two functions (`stored_events`, `merge_reports`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bloc.core.dated import Precision, finer, truncate
from bloc.core.events import CodedEvent
from bloc.core.rules import reinforced, same_time
from bloc.ingest.coded import TEXT, CodedBatch, table
from bloc.model import Document, Rejected
from bloc.store import Store
from bloc.store.alerts import queue_changes
from bloc.store.writes import (
    append,
    document_hashes,
    forget_documents,
    mergeable,
    refine_events,
)

log = logging.getLogger(__name__)


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
    changed: set[str] = field(default_factory=set, repr=False)  # ids of events made or merged into


Progress = Callable[[Document | Rejected], None]
Also = Callable[[duckdb.DuckDBPyConnection], None]
"""A caller's own write, made in the transaction that stores its documents."""


def event_id(event: CodedEvent) -> str:
    """A stable id from what the event is: who, what, whom, and when (at its precision)."""
    return _event_id(event.source, event.target, event.type, event.date, event.precision)


def _event_id(source: str, target: str, kind: str, day: dt.date, precision: Precision) -> str:
    raw = f"{source}|{target}|{kind}|{truncate(day, precision).isoformat()}|{precision}"
    return "t" + hashlib.sha1(raw.encode()).hexdigest()[:15]


def store_new(
    target: Path, coded: CodedBatch, summary: IngestSummary, then: Also | None = None
) -> None:
    """Store the coded documents not already stored with the same content, in one turn.

    They are looked up in the same turn as the write, so what another
    process stored meanwhile is not stored twice. A document repeated among
    them: the last copy wins, in the place of the first. `then`, if given,
    runs in the same transaction (even when nothing new is stored), so a
    caller's own record of what it stored is written with it or not at all.
    """
    ids = coded.documents["id"].to_pylist()
    hashes = coded.documents["sha256"].to_pylist()
    last: dict[str, int] = {}
    for row, doc_id in enumerate(ids):
        last[doc_id] = row
    with Store.open(target) as store:
        known = stored_hashes(store, list(last))
        fresh = [row for doc_id, row in last.items() if known.get(doc_id) != hashes[row]]
        summary.unchanged += len(last) - len(fresh)
        store_results(store, coded.take(fresh), summary, set(known), then)


def stored_hashes(store: Store, ids: list[str]) -> dict[str, str]:
    """The content hash of each of these documents that is stored."""
    return document_hashes(store, ids)


def store_results(
    store: Store,
    coded: CodedBatch,
    summary: IngestSummary,
    replaced: set[str] | None = None,
    then: Also | None = None,
) -> None:
    """Store coded documents in one transaction, merging their events into stored ones.

    `then` runs last in that transaction (see `store_new`).
    """
    import pyarrow.compute as pc  # here: a dataset import (bloc import) needs none of it

    if not len(coded):
        if then is not None:
            with store.transaction() as con:
                then(con)
        return
    docs, events = coded.documents, coded.events
    ids = docs["id"].to_pylist()
    merging = {name: events[name].to_pylist() for name in _MERGING}
    keys = sorted(
        {
            (source, target, kind, day.year)
            for source, target, kind, day in zip(
                merging["source"], merging["target"], merging["type"], merging["date"], strict=True
            )
        }
    )
    n = len(ids)
    documents = pa.table(
        {
            "id": docs["id"],
            "url": docs["url"],
            "title": docs["title"],
            "published": docs["published"],
            "sha256": docs["sha256"],
            "sentences": docs["sentences"],
            "status": pc.if_else(pc.is_valid(docs["published"]), "ok", "undated"),
            "ingested_at": pa.array([dt.datetime.now()] * n, pa.timestamp("us")),
            "origin": docs["origin"],
            "published_precision": docs["published_precision"],
            "lang": docs["lang"],
        }
    )
    with store.transaction() as con:
        if replaced is None or replaced & set(ids):
            forget_documents(con, ids)
        append(con, "documents", documents)
        index = stored_events(con, keys)
        eids, made, changed = merge_reports(merging, index, summary)
        new = events.take(pa.array([row for row, _ in made], pa.int64()))
        slots = [slot for _, slot in made]  # final: later reports in the batch updated them
        append(
            con,
            "events",
            pa.table(
                {
                    "id": pa.array([s[0] for s in slots], TEXT),
                    "date": pa.array([s[1] for s in slots], pa.date32()),
                    "date_precision": pa.array([s[2] for s in slots], TEXT),
                    "source": new["source"],
                    "target": new["target"],
                    "type": new["type"],
                    "mode": new["mode"],
                    "alliance": new["alliance"],
                    "intensity": new["intensity"],
                    "confidence": pa.array([s[3] for s in slots], pa.float64()),
                    "origin": pa.array(["text"] * len(slots), TEXT),
                    "context": pa.nulls(len(slots), TEXT),
                    "summary": pa.nulls(len(slots), TEXT),
                }
            ),
        )
        apply_changes(con, changed)
        evidence = pa.table(
            {
                "event_id": pa.array(eids, TEXT),
                **{name: events[name] for name in _EVIDENCE},
            }
        )
        append(con, "evidence", evidence, ignore=True)
        queue_changes(con, eids)  # for the alert rules, should this process die before them
        if then is not None:
            then(con)
    summary.stored += n
    summary.sentences += int(pc.sum(docs["sentences"]).as_py() or 0)
    published = docs["published"].to_pylist()
    summary.undated += [doc_id for doc_id, day in zip(ids, published, strict=True) if day is None]


_MERGING = ("date", "precision", "source", "target", "type", "confidence")
_EVIDENCE = ("document", "sentence", "start", "end", "published", "url")  # after event_id
Slot = list[Any]  # [id, date, precision, confidence]
# Events that can merge share source, target, type and year (dates that agree at
# the coarser precision are in the same year), so slots are looked up by all four:
# a batch reads only the stored events it could merge with, not all of a pair's.
Key = tuple[str, str, str, int]


def stored_events(con: duckdb.DuckDBPyConnection, keys: list[Key]) -> dict[Key, list[Slot]]:
    """The stored events a batch with these keys could merge into, by key, in id order."""
    index: dict[Key, list[Slot]] = {}
    if not keys:
        return index
    rows = mergeable(con, table(KEY_SCHEMA, keys))
    for source, target, kind, eid, day, precision, confidence in rows:
        key = (source, target, kind, day.year)
        index.setdefault(key, []).append([eid, day, precision, confidence])
    return index


def merge_reports(
    merging: dict[str, list[Any]],
    index: dict[Key, list[Slot]],
    summary: IngestSummary,
    reports: list[int] | None = None,
    ids: list[str] | None = None,
) -> tuple[list[str], list[tuple[int, Slot]], list[tuple[Any, ...]]]:
    """Match each coded event to a stored (or earlier in this batch) one, or make it new.

    Returns each event's id, the events made new (their row and slot), and
    the stored events changed. `reports[row]` counts identical reports the
    row stands for (each further one raises confidence as a merge does);
    `ids[row]` names the event the row makes if it is new (by default a
    digest of what the event is).
    """
    eids: list[str] = []
    made: list[tuple[int, Slot]] = []
    updated: dict[str, Slot] = {}
    rows = zip(
        merging["date"],
        merging["precision"],
        merging["source"],
        merging["target"],
        merging["type"],
        merging["confidence"],
        strict=True,
    )
    for row, (day, precision, source, target, kind, confidence) in enumerate(rows):
        slots = index.setdefault((source, target, kind, day.year), [])
        mine = (day, precision)
        slot = next((s for s in slots if same_time((s[1], s[2]), mine)), None)
        further = 1 if reports is None else reports[row]
        if slot is None:
            eid = ids[row] if ids is not None else _event_id(source, target, kind, day, precision)
            slot = [eid, day, precision, confidence]
            slots.append(slot)
            made.append((row, slot))
            summary.events_new += 1
            further -= 1
        else:
            if finer(precision, slot[2]):
                slot[1], slot[2] = day, precision
            updated[slot[0]] = slot
        for _ in range(further):
            # Each further report raises confidence a little: sources agree.
            slot[3] = reinforced(float(slot[3]), confidence)
        summary.events_merged += further
        eids.append(slot[0])
    fresh = {slot[0] for _, slot in made}
    changed = [tuple(s) for eid, s in updated.items() if eid not in fresh]
    summary.changed.update(eids)  # what the caller hands to alerts once it is stored
    return eids, made, changed


CHANGE_SCHEMA = pa.schema(
    [("id", TEXT), ("date", pa.date32()), ("date_precision", TEXT), ("confidence", pa.float64())]
)
KEY_SCHEMA = pa.schema([("source", TEXT), ("target", TEXT), ("type", TEXT), ("year", pa.int32())])


def apply_changes(con: duckdb.DuckDBPyConnection, changed: list[tuple[Any, ...]]) -> None:
    """Stored events a merge refined (a finer date, a higher confidence), written back."""
    if not changed:
        return
    refine_events(con, table(CHANGE_SCHEMA, changed))
