"""The local engine: read articles, code them in this process, store them a batch at a time.

Documents are coded, then stored a batch at a time in one transaction (an
ingest killed midway leaves every article either wholly stored or absent, and
a rerun stores the rest). A document already stored with the same content is
skipped, so re-running an ingest changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from bloc.ingest.coded import CodedBatch
from bloc.ingest.merge import IngestSummary, Progress, store_new, stored_hashes
from bloc.model import Document, Rejected
from bloc.store import Store, opened
from bloc.text.pipeline import process_many, sha256
from bloc.text.read import read_paths

log = logging.getLogger(__name__)

BATCH_SIZE = 500


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
    store_new(target, CodedBatch.of(process_many(list(fresh.values()))), summary)
