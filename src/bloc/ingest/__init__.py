"""Ingest: read sources, code their articles and store the events, here or on a Dask cluster.

`sources` walks files and folders and cuts them into units, `documents`
reads one file (text, HTML, JSON lines); news feeds are `feeds`, `fetch` and
`watch`, datasets `datasets/`. `local` is the engine of one process,
`distributed` the Dask engine and `watch` the feed watcher; all three run the
one `loop` (skip what is stored unchanged, code the rest with a failing
document isolated, store), which hands `coded` Arrow tables to `merge`, the
step that stores documents and merges their events into those stored.
"""

from bloc.ingest.coded import CODED_DOCUMENTS, CODED_EVENTS, CodedBatch
from bloc.ingest.local import BATCH_SIZE, ingest
from bloc.ingest.merge import IngestSummary, Progress, event_id, store_new, store_results

__all__ = [
    "BATCH_SIZE",
    "CODED_DOCUMENTS",
    "CODED_EVENTS",
    "CodedBatch",
    "IngestSummary",
    "Progress",
    "event_id",
    "ingest",
    "store_new",
    "store_results",
]
