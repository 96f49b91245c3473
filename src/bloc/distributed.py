"""Ingest on Dask: the per-document function of the local engine, mapped by a cluster.

The corpus is cut into units (`read.units`: a few files, or a range of
lines of a JSON-lines file) without reading any article. Each unit goes to a
Dask worker, which reads it, skips documents already stored, codes the rest
with `pipeline.process` and writes the results as one Parquet shard; the
articles' text never passes through this process or the scheduler. This
process merges finished shards into the store in corpus order, two thousand
documents per transaction, with `ingest.store_results`, the function the
local engine uses, so both engines store exactly the same events. At most a
few units are in flight, so memory stays flat however large the corpus. A
shard is named after its unit (and the files' sizes and times) and kept
until merged: a rerun reuses shards already coded, skips documents already
stored, and a lost worker's unit is recomputed by Dask.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.errors import BlocError
from bloc.ingest import IngestSummary, Progress, store_new
from bloc.model import CodedEvent, Document, DocumentResult, Rejected
from bloc.pipeline import process, sha256
from bloc.read import Unit, read_unit, units
from bloc.store import opened

log = logging.getLogger(__name__)

CHUNK = 100  # documents per unit (one task)
IN_FLIGHT = 3  # units queued per worker
MERGE = 2000  # documents merged into the store per transaction

_DOC_COLUMNS = [
    "index", "id", "title", "url", "published", "origin", "sha256", "sentences", "error",
]  # fmt: skip
# A shard has one row per coded event: its document's place in the unit, then
# the event's own fields, so the columns follow `CodedEvent` as it changes.
_FIELDS = tuple(f.name for f in dataclasses.fields(CodedEvent))
_EVENT_COLUMNS = ["doc", *_FIELDS]


@dataclass
class Shard:
    """What a worker made of one unit: coded documents, refusals, and what it read or skipped."""

    results: list[DocumentResult]
    rejected: list[Rejected]
    read: int
    unchanged: int


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

    Runs on a worker. Documents whose id and content are in `stored` are
    skipped. A document that fails is recorded with its error and the rest
    of the unit goes on. The shard appears whole or not at all (written to a
    temporary name, then renamed).
    """
    path = Path(folder) / f"{shard_key(unit, published)}.parquet"
    if path.exists():
        return str(path)
    known = stored or {}
    docs: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    rejected: list[tuple[str, str]] = []
    read = unchanged = 0
    for item in read_unit(unit, published):
        if isinstance(item, Rejected):
            rejected.append((item.path, item.reason))
            continue
        read += 1
        digest = sha256(item)
        if known.get(item.id) == digest:
            unchanged += 1
            continue
        i = len(docs)
        row = (i, item.id, item.title, item.url, item.published, item.origin or None, digest)
        try:
            result = process(item)
        except Exception as exc:  # one bad document must not sink the unit
            log.warning("%s: coding failed: %s", item.id, exc)
            docs.append((*row, 0, str(exc)))
            continue
        docs.append((*row, result.sentences, None))
        events += [(i, *(getattr(e, f) for f in _FIELDS)) for e in result.events]
    meta = {
        "docs": [dict(zip(_DOC_COLUMNS, d, strict=True)) for d in docs],
        "rejected": rejected,
        "read": read,
        "unchanged": unchanged,
    }
    _write_shard(path, meta, events)
    return str(path)


def _write_shard(path: Path, meta: dict[str, Any], events: list[tuple[Any, ...]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    event_frame = pd.DataFrame(events, columns=_EVENT_COLUMNS)
    table = pa.Table.from_pandas(event_frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"bloc.shard": json.dumps(meta, default=str).encode()}
    )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_shard(path: Path) -> Shard:
    """A shard back as the results the store merges, in document order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {})[b"bloc.shard"].decode())
    by_doc: dict[int, list[CodedEvent]] = {}
    columns = table.to_pydict()
    # Arrow gives back the plain Python values written (dates, None for nulls),
    # in `CodedEvent`'s field order.
    for doc, *fields in zip(columns["doc"], *(columns[f] for f in _FIELDS), strict=True):
        by_doc.setdefault(int(doc), []).append(CodedEvent(*fields))
    shard = Shard([], [Rejected(str(w), str(r)) for w, r in meta["rejected"]], 0, 0)
    shard.read, shard.unchanged = int(meta["read"]), int(meta["unchanged"])
    for d in meta["docs"]:
        if isinstance(d["error"], str):
            shard.rejected.append(Rejected(str(d["id"]), f"coding failed: {d['error']}"))
            continue
        doc = Document(
            id=str(d["id"]),
            text="",
            title=_opt(d["title"]),
            url=_opt(d["url"]),
            published=_date(d["published"]),
            origin=_opt(d["origin"]) or "",
        )
        coded = tuple(by_doc.get(int(d["index"]), []))
        shard.results.append(DocumentResult(doc, int(d["sentences"]), coded, str(d["sha256"])))
    return shard


def _opt(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


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
        stored = dict(store.con.execute("SELECT id, sha256 FROM documents").fetchall())
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
        pending: deque[Any] = deque()
        merger = _Merger(target, summary, merge, progress)
        for unit in units(paths, chunk):
            if isinstance(unit, Rejected):
                pending.append(unit)  # reported in its place in the corpus
            else:
                future = client.submit(
                    code_unit, unit, str(folder), published, known, retries=2, pure=False
                )
                pending.append(future)
            while len(pending) >= window:
                merger.add(pending.popleft())
        while pending:
            merger.add(pending.popleft())
        merger.flush()
    summary.seconds = time.perf_counter() - began
    return summary


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the given scheduler, or of a local cluster started (and stopped) here."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=30)
        else:
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
        self.results: list[DocumentResult] = []
        self.shards: list[Path] = []

    def add(self, item: Any) -> None:
        """Take the next unit's outcome: a future of its shard, or a path refused up front."""
        if isinstance(item, Rejected):
            self._refused([item])
            return
        try:
            path = Path(item.result())
        except Exception as exc:
            log.error("a unit could not be coded: %s", exc)
            self._refused([Rejected("(unit)", f"coding failed on the cluster: {exc}")])
            return
        shard = read_shard(path)
        self._refused(shard.rejected)
        self.summary.read += shard.read
        self.summary.unchanged += shard.unchanged
        self.results += shard.results
        self.shards.append(path)
        if self.progress:
            for result in shard.results:
                self.progress(result.document)
        if len(self.results) >= self.size:
            self.flush()

    def _refused(self, items: list[Rejected]) -> None:
        for item in items:
            log.info("skipped %s: %s", item.path, item.reason)
            if self.progress:
                self.progress(item)
        self.summary.skipped += items

    def flush(self) -> None:
        if self.results:
            # The store is open only while merging: other bloc processes can use it
            # in between, and what DuckDB cached for this batch is let go.
            store_new(self.db, self.results, self.summary)
        for path in self.shards:
            path.unlink(missing_ok=True)
        self.results, self.shards = [], []
