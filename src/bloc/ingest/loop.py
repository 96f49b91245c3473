"""The one loop every engine runs: skip what is stored unchanged, code the rest, store it.

The local engine, the Dask workers and the feed watcher differ only in where
documents come from and where they are coded; each hands its documents to
`code` (on a worker, `code` runs there) and its results to `store`, or does
both with `code_and_store`. A document whose coding raises is isolated the
same way everywhere: it becomes a `Rejected` naming it and the reason, the
others are coded and stored, and since nothing of it is stored a rerun codes
it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bloc.ingest.coded import CodedBatch
from bloc.ingest.merge import Also, IngestSummary, store_new, stored_hashes
from bloc.model import Document, DocumentResult, Rejected
from bloc.store import Store
from bloc.text.pipeline import process, process_many, sha256

log = logging.getLogger(__name__)

Known = Mapping[str, str]
"""The content hash of each stored document, by id."""


@dataclass
class Batch:
    """What `code` made of some documents: their results, those skipped, those that failed."""

    results: list[DocumentResult] = field(default_factory=list)
    unchanged: int = 0
    failed: list[Rejected] = field(default_factory=list)


def code(documents: Iterable[Document], known: Known) -> Batch:
    """Code the documents not stored with the same content (`known`), one failure isolated.

    A document repeated among them: the last copy wins, in the place of the
    first. They are coded in one batch (the parser is much faster so); if the
    batch raises, they are coded one by one and only those that raise fail.
    """
    batch = Batch()
    fresh: dict[str, Document] = {}
    for doc in documents:
        if known.get(doc.id) == sha256(doc):
            batch.unchanged += 1
        else:
            fresh[doc.id] = doc
    todo = list(fresh.values())
    if not todo:
        return batch
    try:
        batch.results = process_many(todo)
    except Exception:  # one bad document must not sink the others: code them one by one
        for doc in todo:
            try:
                batch.results.append(process(doc))
            except Exception as exc:
                batch.failed.append(failure(doc, exc))
    return batch


def failure(doc: Document, exc: Exception) -> Rejected:
    """A document whose coding raised: named by where it was read, and why it failed."""
    where = doc.id if doc.origin in ("", doc.id) else f"{doc.origin} (id {doc.id})"
    reason = f"coding failed: {type(exc).__name__}: {exc}"
    log.warning("%s: %s", where, reason)
    log.debug("%s: the coder's traceback", where, exc_info=exc)
    return Rejected(where, reason)


def store(
    target: Path, coded: CodedBatch, summary: IngestSummary, then: Also | None = None
) -> None:
    """Store coded documents (`merge.store_new`: those stored meanwhile are not stored twice)."""
    if len(coded) or then is not None:
        store_new(target, coded, summary, then)


def code_and_store(target: Path, documents: list[Document], summary: IngestSummary) -> Batch:
    """Look up which documents are stored, code the rest and store them: one turn of the loop.

    The store is held only to look up and to write: coding, the slow part,
    runs with it free, so a dashboard (or another ingest) can use it
    meanwhile; what another ingest stored in the meantime is looked up again
    before writing (`store_new`), so nothing is stored twice.
    """
    if not documents:
        return Batch()
    with Store.open(target, read_only=True) as opened:
        known = stored_hashes(opened, [d.id for d in documents])
    batch = code(documents, known)
    summary.unchanged += batch.unchanged
    summary.skipped += batch.failed
    store(target, CodedBatch.of(batch.results), summary)
    return batch
