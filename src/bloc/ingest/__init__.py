"""Ingest: read sources, code their articles and store the events, here or on a Dask cluster.

`sources` walks files and folders and cuts them into units, `documents`
reads one file (text, HTML, JSON lines); news feeds are `feeds`, `fetch` and
`watch`, datasets `datasets/`. `local` is the engine of one process,
`distributed` the Dask engine and `watch` the feed watcher; all three run the
one `loop` (skip what is stored unchanged, code the rest with a failing
document isolated, store), which hands `coded` Arrow tables to `merge`, the
step that stores documents and merges their events into those stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bloc.core.lazy import lazy_names

if TYPE_CHECKING:
    from bloc.ingest.coded import CODED_DOCUMENTS, CODED_EVENTS, CodedBatch
    from bloc.ingest.local import BATCH_SIZE, ingest
    from bloc.ingest.merge import IngestSummary, Progress, event_id, store_new, store_results

# Where each name lives, imported on first use: `bloc import` (ingest.datasets) needs
# neither the coder's engine (`local`, `loop`) nor the text pipeline they import.
_WHERE: dict[str, str] = {
    **dict.fromkeys(("CODED_DOCUMENTS", "CODED_EVENTS", "CodedBatch"), "bloc.ingest.coded"),
    **dict.fromkeys(("BATCH_SIZE", "ingest"), "bloc.ingest.local"),
    **dict.fromkeys(("IngestSummary", "Progress", "event_id", "store_new", "store_results"),
                    "bloc.ingest.merge"),
}  # fmt: skip


__getattr__ = lazy_names("bloc.ingest", _WHERE, globals())


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
