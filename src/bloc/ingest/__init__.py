"""Ingest: code articles and store their events, on this machine or on a Dask cluster.

`local` is the engine of one process, `distributed` the Dask engine; both
hand `coded` Arrow tables to `merge`, the one step that stores documents and
merges their events into those already stored.
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
