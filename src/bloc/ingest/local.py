"""The local engine: read articles, code them in this process, store them a batch at a time.

Documents are coded, then stored a batch at a time in one transaction (an
ingest killed midway leaves every article either wholly stored or absent, and
a rerun stores the rest), by the loop every engine shares (`loop`). A
document already stored with the same content is skipped, so re-running an
ingest changes nothing; one whose coding fails is reported and the rest go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from bloc.ingest.loop import code_and_store
from bloc.ingest.merge import IngestSummary, Progress
from bloc.ingest.sources import read_paths
from bloc.model import Document, Rejected
from bloc.store import opened

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
            code_and_store(target, batch, summary)
            batch = []
    code_and_store(target, batch, summary)
    summary.seconds = time.perf_counter() - began
    return summary
