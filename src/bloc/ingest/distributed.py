"""Ingest on Dask: the per-document function of the local engine, mapped by a cluster.

The corpus is cut into units (`sources.units`: a few files, or a range of
lines of a JSON-lines file) without reading any article. Each unit goes to a
Dask worker, which reads it, skips documents already stored and codes the
rest with `loop.code` (a document that fails is reported, the rest go on),
and writes the results as one Parquet shard; the articles' text never passes
through this process or the scheduler. This process merges finished shards
into the store in corpus order, five thousand documents per transaction,
with `loop.store`, the step every engine uses, so the engines store exactly
the same events. At most a few units are in flight, so memory stays flat
however large the corpus. A shard is named after its unit (and the files'
sizes and times) and kept until merged: a rerun reuses shards already coded,
skips documents already stored, and a lost worker's unit is recomputed by
Dask.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bloc.errors import BlocError
from bloc.ingest import loop
from bloc.ingest.coded import CODED_DOCUMENTS, CODED_EVENTS, CodedBatch
from bloc.ingest.merge import IngestSummary, Progress
from bloc.ingest.pool import languages_of, prepare
from bloc.ingest.sources import Unit, read_unit, units
from bloc.model import Document, Rejected
from bloc.store import opened
from bloc.store.writes import document_hashes

log = logging.getLogger(__name__)

CHUNK = 250  # documents per unit (one task)
IN_FLIGHT = 3  # units queued per worker
MERGE = 5000  # documents merged into the store per transaction


@dataclass
class Shard:
    """What a worker made of one unit: coded documents, refusals, and what it read or skipped."""

    coded: CodedBatch
    rejected: list[Rejected]
    read: int
    unchanged: int


def shard_path(folder: str | Path, unit: Unit, published: dt.date | None) -> Path:
    """Where a unit's shard is written: named after the unit and the state of its files."""
    return Path(folder) / f"{shard_key(unit, published)}.parquet"


def shard_key(unit: Unit, published: dt.date | None) -> str:
    """The unit and the state of its files: a changed file is a new shard."""
    stats = []
    for name in unit.files:
        try:
            info = os.stat(name)
            stats.append((info.st_size, info.st_mtime_ns))
        except OSError:
            stats.append((-1, -1))
    raw = json.dumps([dataclasses.astuple(unit), stats, str(published)])
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def code_unit(
    unit: Unit, folder: str, published: dt.date | None = None, stored: dict[str, str] | None = None
) -> str:
    """Read and code one unit and write it as one Parquet shard; return the shard's path.

    Runs on a worker, set up once per process by `pool.prepare` like the local
    engine's workers: the shared loop's `code` (documents whose id and content
    are in `stored` are skipped; a document that fails is recorded with its
    reason and the rest of the unit goes on). The shard appears whole or not
    at all (written to a temporary name, then renamed).
    """
    path = shard_path(folder, unit, published)
    if path.exists():
        return str(path)
    rejected: list[tuple[str, str]] = []
    documents: list[Document] = []
    for item in read_unit(unit, published):
        if isinstance(item, Rejected):
            rejected.append((item.path, item.reason))
        else:
            documents.append(item)
    prepare(languages_of(documents))  # once per worker process, as the local engine's workers
    batch = loop.code(documents, stored or {})
    rejected += [(item.path, item.reason) for item in batch.failed]
    read, unchanged = len(documents), batch.unchanged
    meta = {"rejected": rejected, "failed": [], "read": read, "unchanged": unchanged}
    _write_shard(path, CodedBatch.of(batch.results), meta)
    return str(path)


def _write_shard(path: Path, coded: CodedBatch, meta: dict[str, Any]) -> None:
    """The coded events as the Parquet table, the documents and counts in its metadata."""
    import pyarrow.parquet as pq

    docs = coded.documents
    meta = {**meta, "documents": {name: docs[name].to_pylist() for name in docs.column_names}}
    table = coded.events.replace_schema_metadata(
        {b"bloc.shard": json.dumps(meta, default=str).encode()}
    )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_shard(path: Path) -> Shard:
    """A shard back as the coded batch the store merges, with what its worker refused."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path).read()
    meta = json.loads((table.schema.metadata or {})[b"bloc.shard"].decode())
    columns = meta["documents"]
    columns["published"] = [
        None if d is None else dt.date.fromisoformat(d) for d in columns["published"]
    ]
    rows = len(columns["id"])  # a shard written before a column existed reads it as nulls
    documents = pa.table(
        {f.name: pa.array(columns.get(f.name, [None] * rows), f.type) for f in CODED_DOCUMENTS},
        schema=CODED_DOCUMENTS,
    )
    coded = CodedBatch(documents, table.replace_schema_metadata(None).cast(CODED_EVENTS))
    rejected = [Rejected(str(where), str(why)) for where, why in meta["rejected"]]
    rejected += [Rejected(str(doc), f"coding failed: {error}") for doc, error in meta["failed"]]
    return Shard(coded, rejected, int(meta["read"]), int(meta["unchanged"]))


def ingest_dask(
    paths: Iterable[str | Path],
    db: Path | str | None = None,
    published: dt.date | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    shards: Path | None = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    merge: int = MERGE,
) -> IngestSummary:
    """Read, code on Dask and store every document under `paths`, like `ingest.ingest`.

    With no `scheduler`, a local cluster of `workers` processes is started
    and stopped here; with one (e.g. tcp://host:8786), its workers do the
    coding and must have bloc installed and `shards` on a shared path.
    """
    began = time.perf_counter()
    summary = IngestSummary()
    if workers < 1:
        raise BlocError("--workers must be at least 1")
    with opened(db) as store:
        stored = document_hashes(store)
        target = store.path
    folder = shards or target.with_name(target.name + ".shards")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BlocError(f"cannot create the shard folder {folder}: {exc.strerror}") from None
    with dask_client(scheduler, workers) as client:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = IN_FLIGHT * n_workers
        # Sent to every worker once (a dict given alone would be scattered item by item).
        known = client.scatter([stored], broadcast=True)[0]
        pending: deque[Rejected | tuple[Any, Path]] = deque()
        merger = _Merger(target, summary, merge, progress)
        for unit in units(paths, chunk):
            if isinstance(unit, Rejected):
                pending.append(unit)  # reported in its place in the corpus
            else:
                future = client.submit(
                    code_unit, unit, str(folder), published, known, retries=2, pure=False
                )
                pending.append((future, shard_path(folder, unit, published)))
            while len(pending) >= window:
                merger.add(pending.popleft())
        # Every unit is sent: merge what is here while the cluster codes the last
        # ones, so only those are left to merge once it has finished.
        merger.flush()
        while pending:
            merger.add(pending.popleft())
        merger.flush()
    summary.seconds = time.perf_counter() - began
    return summary


# Housekeeping a local cluster does by default, and what it costs: the workers'
# sampling profiler (every 10 ms, for the dashboard, which is off), the
# event-loop tick (20 ms), the nannies' memory polls (100 ms) and the system
# monitor (500 ms) took an eighth of a 2-core machine while it sat idle; at
# these settings they take a fiftieth. Memory limits are still enforced, once
# a second. A cluster started by hand is configured by whoever runs it
# (docs/scaling.md).
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


def _forked() -> dict[str, str]:
    """On Linux, a local cluster's workers are forked from this process with the coder
    built (`pool.prepare`, as for the local engine's workers) rather than spawned to
    build it each: seconds of start-up per worker."""
    if not sys.platform.startswith("linux"):
        return {}
    prepare()
    return {"distributed.worker.multiprocessing-method": "fork"}


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the given scheduler, or of a local cluster started (and stopped) here."""
    import dask
    from dask.distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=30)
        else:
            with dask.config.set({**QUIET, **_forked()}):  # read as the cluster starts
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
            client = Client(cluster)
    except OSError as exc:
        raise BlocError(
            f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}; "
            "check the address, or drop --scheduler to start a local cluster"
        ) from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Merger:
    """Merges finished chunks into the store in corpus order, `size` documents per transaction.

    Corpus order keeps the results identical to the local engine's; merging
    several chunks at once keeps the driver's share of the work small (one
    transaction per 100 documents cost a fifth of the coding time). A shard
    is deleted only after the transaction holding its documents commits.
    """

    def __init__(
        self, db: Path, summary: IngestSummary, size: int, progress: Progress | None
    ) -> None:
        self.db = db
        self.summary = summary
        self.size = size
        self.progress = progress
        self.parts: list[CodedBatch] = []
        self.documents = 0
        self.shards: list[Path] = []

    def add(self, item: Rejected | tuple[Any, Path]) -> None:
        """Take the next unit's outcome: a path refused up front, or its task and shard.

        A finished task's shard is read from where it was asked to be written,
        without fetching the task's result: that round trip through the
        scheduler cost more of this process's time than reading the shard.
        """
        from dask.distributed import wait

        if isinstance(item, Rejected):
            self._refused([item])
            return
        future, path = item
        try:
            wait(future)
            if future.status != "finished" or not path.exists():
                path = Path(future.result())  # raises the task's error
        except Exception as exc:
            log.error("a unit could not be coded: %s", exc)
            self._refused([Rejected("(unit)", f"coding failed on the cluster: {exc}")])
            return
        shard = read_shard(path)
        self._refused(shard.rejected)
        self.summary.read += shard.read
        self.summary.unchanged += shard.unchanged
        self.parts.append(shard.coded)
        self.documents += len(shard.coded)
        self.shards.append(path)
        if self.progress:
            for doc_id in shard.coded.documents["id"].to_pylist():
                self.progress(Document(id=doc_id, text=""))
        if self.documents >= self.size:
            self.flush()

    def _refused(self, items: list[Rejected]) -> None:
        for item in items:
            log.info("skipped %s: %s", item.path, item.reason)
            if self.progress:
                self.progress(item)
        self.summary.skipped += items

    def flush(self) -> None:
        if self.documents:
            # The store is open only while merging: other bloc processes can use it
            # in between, and what DuckDB cached for this batch is let go.
            loop.store(self.db, CodedBatch.concat(self.parts), self.summary)
        for path in self.shards:
            path.unlink(missing_ok=True)
        self.parts, self.documents, self.shards = [], 0, []
