"""Ingest on Dask: the per-document function of the local engine, mapped by a cluster.

The corpus is streamed (files and JSON lines are read lazily) in chunks of
documents; each chunk is coded by `pipeline.process` on a Dask worker, which
writes the results as a Parquet shard. The driver merges finished shards
into the store in corpus order, with `ingest.store_results`, the function
the local engine uses, so both engines store exactly the same events. At
most a few chunks are in flight, so memory stays flat however large the
corpus. A shard is written under a name made from its documents' content
hashes and kept until merged: a rerun reuses shards already coded, skips
documents already stored, and a lost worker's chunk is recomputed by Dask.
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
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.errors import BlocError
from bloc.ingest import IngestSummary, Progress, sha256, store_results
from bloc.model import CodedEvent, Document, DocumentResult, Rejected
from bloc.read import read_paths
from bloc.store import opened

log = logging.getLogger(__name__)

CHUNK = 100  # documents per task
IN_FLIGHT = 3  # chunks queued per worker

_DOC_COLUMNS = ["index", "id", "title", "url", "published", "sha256", "sentences", "error"]
# A shard has one row per coded event: its document's place in the chunk, then
# the event's own fields, so the columns follow `CodedEvent` as it changes.
_FIELDS = tuple(f.name for f in dataclasses.fields(CodedEvent))
_EVENT_COLUMNS = ["doc", *_FIELDS]


def shard_key(documents: list[Document]) -> str:
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(doc.id.encode("utf-8", "surrogatepass") + b"\0" + sha256(doc).encode())
    return digest.hexdigest()[:24]


def code_chunk(documents: list[Document], folder: str) -> str:
    """Code documents and write them as one Parquet shard; return the shard's path.

    Runs on a worker. A document that fails is recorded with its error and
    the rest of the chunk goes on. The shard appears whole or not at all
    (written to a temporary name, then renamed).
    """
    path = Path(folder) / f"{shard_key(documents)}.parquet"
    if path.exists():
        return str(path)
    docs: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for i, doc in enumerate(documents):
        try:
            result = _process(doc)
        except Exception as exc:  # one bad document must not sink the chunk
            log.warning("%s: coding failed: %s", doc.id, exc)
            docs.append((i, doc.id, doc.title, doc.url, doc.published, sha256(doc), 0, str(exc)))
            continue
        docs.append(
            (i, doc.id, doc.title, doc.url, doc.published, result.sha256, result.sentences, None)
        )
        events += [(i, *(getattr(e, f) for f in _FIELDS)) for e in result.events]
    _write_shard(path, docs, events)
    return str(path)


def _process(doc: Document) -> DocumentResult:
    from bloc.pipeline import process

    return process(doc)


def _write_shard(path: Path, docs: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = json.dumps([dict(zip(_DOC_COLUMNS, d, strict=True)) for d in docs], default=str)
    event_frame = pd.DataFrame(events, columns=_EVENT_COLUMNS)
    table = pa.Table.from_pandas(event_frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"bloc.docs": meta.encode()}
    )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_shard(path: Path) -> tuple[list[DocumentResult], list[Rejected]]:
    """A shard back as the results the store merges, in document order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = (table.schema.metadata or {})[b"bloc.docs"]
    docs = json.loads(meta.decode())
    events = table.to_pandas()
    by_doc: dict[int, list[CodedEvent]] = {}
    row: Any
    for row in events.itertuples(index=False):
        by_doc.setdefault(int(row.doc), []).append(
            CodedEvent(**{f: _cell(getattr(row, f)) for f in _FIELDS})
        )
    results: list[DocumentResult] = []
    failed: list[Rejected] = []
    for d in docs:
        if isinstance(d["error"], str):
            failed.append(Rejected(str(d["id"]), f"coding failed: {d['error']}"))
            continue
        doc = Document(
            id=str(d["id"]),
            text="",
            title=_opt(d["title"]),
            url=_opt(d["url"]),
            published=_date(d["published"]),
        )
        coded = tuple(by_doc.get(int(d["index"]), []))
        results.append(DocumentResult(doc, int(d["sentences"]), coded, str(d["sha256"])))
    return results, failed


def _cell(value: Any) -> Any:
    """A Parquet cell back as the plain Python value it was written from."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


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


def _chunks(
    items: Iterable[Document | Rejected],
    stored: dict[str, str],
    summary: IngestSummary,
    size: int,
    progress: Progress | None,
) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in items:
        if progress:
            progress(item)
        if isinstance(item, Rejected):
            summary.skipped.append(item)
            continue
        summary.read += 1
        if stored.get(item.id) == sha256(item):
            summary.unchanged += 1
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_dask(
    paths: Iterable[str | Path],
    db: Path | str | None = None,
    published: dt.date | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    shards: Path | None = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read, code on Dask and store every document under `paths`, like `ingest.ingest`.

    With no `scheduler`, a local cluster of `workers` processes is started
    and stopped here; with one (e.g. tcp://host:8786), its workers do the
    coding and must have bloc installed and `shards` on a shared path.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a dependency
        raise BlocError("the Dask engine needs dask[distributed]: pip install -e .") from None
    began = time.perf_counter()
    summary = IngestSummary()
    if workers < 1:
        raise BlocError("--workers must be at least 1")
    with opened(db) as store:
        stored = dict(store.con.execute("SELECT id, sha256 FROM documents").fetchall())
        folder = shards or Path(store.path).with_name(Path(store.path).name + ".shards")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BlocError(f"cannot create the shard folder {folder}: {exc.strerror}") from None
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
            n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
            window = IN_FLIGHT * n_workers
            pending: deque[Any] = deque()
            items = read_paths(paths, published)
            for docs in _chunks(items, stored, summary, chunk, progress):
                pending.append(client.submit(code_chunk, docs, str(folder), retries=2, pure=False))
                while len(pending) >= window:
                    _merge_next(store, pending, summary)
            while pending:
                _merge_next(store, pending, summary)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    summary.seconds = time.perf_counter() - began
    return summary


def _merge_next(store: Any, pending: deque[Any], summary: IngestSummary) -> None:
    """Merge the oldest chunk (corpus order keeps results identical to the local engine)."""
    future = pending.popleft()
    try:
        path = Path(future.result())
    except Exception as exc:
        log.error("a chunk could not be coded: %s", exc)
        summary.skipped.append(Rejected("(chunk)", f"coding failed on the cluster: {exc}"))
        return
    results, failed = read_shard(path)
    summary.skipped += failed
    # A document repeated in the corpus: the last copy wins, as in the local engine.
    by_id = {r.document.id: r for r in results}
    known = dict(
        store.con.execute(
            "SELECT id, sha256 FROM documents WHERE id IN (SELECT unnest(?))", [list(by_id)]
        ).fetchall()
    )
    fresh = [r for r in by_id.values() if known.get(r.document.id) != r.sha256]
    summary.unchanged += len(by_id) - len(fresh)
    store_results(store, fresh, summary, set(known))
    path.unlink(missing_ok=True)
