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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

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
    return _event_id(event.source, event.target, event.type, event.date, event.precision)


def _event_id(source: str, target: str, kind: str, day: dt.date, precision: Precision) -> str:
    raw = f"{source}|{target}|{kind}|{truncate(day, precision).isoformat()}|{precision}"
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
    store_new(target, Coded.of([process(doc) for doc in fresh.values()]), summary)


_TEXT = pa.string()
# The columns of `Coded`: a document's row, and an event's (its document's row
# in `documents`, then `CodedEvent`'s fields in order).
CODED_DOCUMENTS = pa.schema(
    [
        ("id", _TEXT), ("url", _TEXT), ("title", _TEXT), ("published", pa.date32()),
        ("origin", _TEXT), ("sha256", _TEXT), ("sentences", pa.int32()),
    ]
)  # fmt: skip
CODED_EVENTS = pa.schema(
    [
        ("doc", pa.int32()), ("date", pa.date32()), ("precision", _TEXT), ("source", _TEXT),
        ("target", _TEXT), ("type", _TEXT), ("mode", _TEXT), ("alliance", _TEXT),
        ("intensity", pa.float64()), ("confidence", pa.float64()), ("document", _TEXT),
        ("sentence", _TEXT), ("start", pa.int32()), ("end", pa.int32()),
        ("published", pa.date32()), ("url", _TEXT),
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Coded:
    """Coded documents as two Arrow tables: the form both engines hand to the store.

    The Dask workers write exactly these tables as their shards, so the store
    takes a shard's events (sentences and all) into DuckDB without making a
    Python object of each; only the few columns the merge needs are read out.
    """

    documents: pa.Table  # CODED_DOCUMENTS
    events: pa.Table  # CODED_EVENTS, grouped by document in document order

    def __len__(self) -> int:
        return int(self.documents.num_rows)

    @classmethod
    def of(cls, results: Sequence[DocumentResult]) -> Coded:
        docs = [
            (
                r.document.id,
                r.document.url,
                r.document.title,
                r.document.published,
                r.document.origin or None,
                r.sha256,
                r.sentences,
            )
            for r in results
        ]
        fields = CODED_EVENTS.names[1:]
        events = [
            (i, *(getattr(e, f) for f in fields)) for i, r in enumerate(results) for e in r.events
        ]
        return cls(table(CODED_DOCUMENTS, docs), table(CODED_EVENTS, events))

    @classmethod
    def concat(cls, parts: Sequence[Coded]) -> Coded:
        """One batch of several, in order (each part's document rows renumbered)."""
        if not parts:
            return cls.of([])
        events, offset = [], 0
        for part in parts:
            doc = pc.add(part.events["doc"], pa.scalar(offset, pa.int32()))
            events.append(part.events.set_column(0, "doc", doc))
            offset += len(part)
        documents = pa.concat_tables([p.documents for p in parts])
        return cls(documents, pa.concat_tables(events))

    def take(self, rows: list[int]) -> Coded:
        """These documents (rows of `documents`, in this order) with their events."""
        if rows == list(range(len(self))):
            return self
        by_doc: dict[int, list[int]] = {}
        for row, doc in enumerate(self.events["doc"].to_pylist()):
            by_doc.setdefault(doc, []).append(row)
        picked: list[int] = []
        renumbered: list[int] = []
        for new, old in enumerate(rows):
            found = by_doc.get(old, [])
            picked += found
            renumbered += [new] * len(found)
        events = self.events.take(pa.array(picked, pa.int64()))
        doc = pa.array(renumbered, pa.int32())
        return Coded(
            self.documents.take(pa.array(rows, pa.int64())), events.set_column(0, "doc", doc)
        )


def table(schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Rows as an Arrow table of this schema, built column by column (no pandas in between)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def store_new(target: Path, coded: Coded, summary: IngestSummary) -> None:
    """Store the coded documents not already stored with the same content, in one turn.

    They are looked up in the same turn as the write, so what another
    process stored meanwhile is not stored twice. A document repeated among
    them: the last copy wins, in the place of the first.
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
        store_results(store, coded.take(fresh), summary, set(known))


def stored_hashes(store: Store, ids: list[str]) -> dict[str, str]:
    """The content hash of each of these documents that is stored."""
    return dict(
        store.con.execute(
            "SELECT id, sha256 FROM documents WHERE id IN (SELECT unnest(?))", [ids]
        ).fetchall()
    )


def store_results(
    store: Store,
    coded: Coded,
    summary: IngestSummary,
    replaced: set[str] | None = None,
) -> None:
    """Store coded documents in one transaction, merging their events into stored ones."""
    if not len(coded):
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
        }
    )
    with store.transaction() as con:
        if replaced is None or replaced & set(ids):
            _forget(con, ids)
        _insert(con, "INSERT INTO documents", documents)
        index = _stored_events(con, keys)
        eids, made, changed = _merge(merging, index, summary)
        new = events.take(pa.array([row for row, _ in made], pa.int64()))
        slots = [slot for _, slot in made]  # final: later reports in the batch updated them
        _insert(
            con,
            "INSERT INTO events",
            pa.table(
                {
                    "id": pa.array([s[0] for s in slots], _TEXT),
                    "date": pa.array([s[1] for s in slots], pa.date32()),
                    "date_precision": pa.array([s[2] for s in slots], _TEXT),
                    "source": new["source"],
                    "target": new["target"],
                    "type": new["type"],
                    "mode": new["mode"],
                    "alliance": new["alliance"],
                    "intensity": new["intensity"],
                    "confidence": pa.array([s[3] for s in slots], pa.float64()),
                    "origin": pa.array(["text"] * len(slots), _TEXT),
                    "context": pa.nulls(len(slots), _TEXT),
                    "summary": pa.nulls(len(slots), _TEXT),
                }
            ),
        )
        if changed:
            con.register("changed_events", table(CHANGE_SCHEMA, changed))
            con.execute(
                "UPDATE events SET date = c.date, date_precision = c.date_precision, "
                "confidence = c.confidence FROM changed_events c WHERE events.id = c.id"
            )
            con.unregister("changed_events")
        evidence = pa.table(
            {
                "event_id": pa.array(eids, _TEXT),
                **{name: events[name] for name in _EVIDENCE},
            }
        )
        _insert(con, "INSERT OR IGNORE INTO evidence", evidence)
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


def _stored_events(con: duckdb.DuckDBPyConnection, keys: list[Key]) -> dict[Key, list[Slot]]:
    index: dict[Key, list[Slot]] = {}
    if not keys:
        return index
    con.register("batch_keys", table(KEY_SCHEMA, keys))
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
    merging: dict[str, list[Any]], index: dict[Key, list[Slot]], summary: IngestSummary
) -> tuple[list[str], list[tuple[int, Slot]], list[tuple[Any, ...]]]:
    """Match each coded event to a stored (or earlier in this batch) one, or make it new.

    Returns each event's id, the events made new (their row and slot), and
    the stored events changed.
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
        slot = next((s for s in slots if compatible((s[1], s[2]), mine)), None)
        if slot is None:
            slot = [_event_id(source, target, kind, day, precision), day, precision, confidence]
            slots.append(slot)
            made.append((row, slot))
            summary.events_new += 1
        else:
            if PRECISION_RANK[precision] < PRECISION_RANK[slot[2]]:
                slot[1], slot[2] = day, precision
            # Each further report raises confidence a little: sources agree.
            slot[3] = min(0.99, max(float(slot[3]), confidence) + 0.05)
            updated[slot[0]] = slot
            summary.events_merged += 1
        eids.append(slot[0])
    fresh = {slot[0] for _, slot in made}
    changed = [tuple(s) for eid, s in updated.items() if eid not in fresh]
    return eids, made, changed


def _insert(con: duckdb.DuckDBPyConnection, verb: str, rows: pa.Table) -> None:
    if rows.num_rows:
        con.register("batch_rows", rows)
        con.execute(f"{verb} SELECT * FROM batch_rows")
        con.unregister("batch_rows")


CHANGE_SCHEMA = pa.schema(
    [("id", _TEXT), ("date", pa.date32()), ("date_precision", _TEXT), ("confidence", pa.float64())]
)
KEY_SCHEMA = pa.schema(
    [("source", _TEXT), ("target", _TEXT), ("type", _TEXT), ("year", pa.int32())]
)


def _forget(con: duckdb.DuckDBPyConnection, documents: list[str]) -> None:
    """Remove earlier versions of documents: their evidence, and events left without any."""
    con.execute("DELETE FROM evidence WHERE document IN (SELECT unnest(?))", [documents])
    con.execute(
        "DELETE FROM events WHERE origin = 'text' "
        "AND id NOT IN (SELECT DISTINCT event_id FROM evidence)"
    )
    con.execute("DELETE FROM documents WHERE id IN (SELECT unnest(?))", [documents])
