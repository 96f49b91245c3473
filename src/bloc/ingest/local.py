"""The local engine: read articles, code them here or in worker processes, store them here.

Documents are coded, then stored a batch at a time in one transaction (an
ingest killed midway leaves every article either wholly stored or absent, and
a rerun stores the rest), by the loop every engine shares (`loop.run`). A
document already stored with the same content is skipped, so re-running an
ingest changes nothing; one whose coding fails is reported and the rest go on.
With `workers` above one, the coding is done by that many worker processes
(`pool`) and this process alone writes, storing exactly what one would.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from bloc.errors import BlocError
from bloc.ingest import loop
from bloc.ingest.merge import IngestSummary, Progress
from bloc.ingest.pool import Pool
from bloc.ingest.sources import read_paths
from bloc.store import opened

log = logging.getLogger(__name__)

BATCH_SIZE = 500


def ingest(
    paths: Iterable[str | Path],
    db: Path | str | None = None,
    published: dt.date | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
) -> IngestSummary:
    """Read, code and store every document under `paths`, coding in `workers` processes
    (one: this process)."""
    if workers < 1:
        raise BlocError("--workers must be at least 1")
    began = time.perf_counter()
    summary = IngestSummary()
    with opened(db, write=True) as store:  # created, upgraded and its knowledge base loaded
        target = store.path
    items = read_paths(paths, published)
    if workers == 1:
        loop.run(target, items, summary, loop.InProcess(), batch_size, progress)
    else:
        with Pool(workers) as pool:
            loop.run(target, items, summary, pool, batch_size, progress)
    summary.seconds = time.perf_counter() - began
    return summary
