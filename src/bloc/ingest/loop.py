"""The one loop every engine runs: skip what is stored unchanged, code the rest, store it.

The local engine, the Dask workers and the feed watcher differ only in where
documents come from and where they are coded; each hands its documents to
`code` (on a worker, `code` runs there) and its results to `store`; the local
engine runs the whole loop, `run`, coding here or in worker processes
(`pool`), the same chunks either way. A document whose coding raises is isolated the
same way everywhere: it becomes a `Rejected` naming it and the reason, the
others are coded and stored, and since nothing of it is stored a rerun codes
it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas  # noqa: F401  (see below)

from bloc.ingest.coded import CodedBatch
from bloc.ingest.merge import Also, IngestSummary, Progress, store_new, stored_hashes
from bloc.model import Document, DocumentResult, Rejected
from bloc.store import Store
from bloc.text.pipeline import process, process_many, sha256

# pandas above: pyarrow imports it (0.2 to 0.5 s) on the first array it makes from Python
# objects, which every coded batch is; imported with this module, a long-running process
# (`bloc watch`, a pool, the SIGKILL tests' harness) pays it once, before it forks, not in
# each child before its first batch. The dataset import (`bloc import`) builds no such
# array and does not import this module.

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
    todo, unchanged = fresh(documents, known)
    batch = Batch(unchanged=unchanged)
    batch.results, batch.failed = code_documents(todo)
    return batch


def fresh(documents: Iterable[Document], known: Known) -> tuple[list[Document], int]:
    """The documents to code (the last copy of each, in the place of the first), and how
    many are stored with the same content already."""
    unchanged = 0
    todo: dict[str, Document] = {}
    for doc in documents:
        if known.get(doc.id) == sha256(doc):
            unchanged += 1
        else:
            todo[doc.id] = doc
    return list(todo.values()), unchanged


def code_documents(todo: Sequence[Document]) -> tuple[list[DocumentResult], list[Rejected]]:
    """Code documents in one batch; if it raises, one by one, and only those that raise fail."""
    if not todo:
        return [], []
    try:
        return process_many(todo), []
    except Exception:  # one bad document must not sink the others: code them one by one
        results: list[DocumentResult] = []
        failed: list[Rejected] = []
        for doc in todo:
            try:
                results.append(process(doc))
            except Exception as exc:
                failed.append(failure(doc, exc))
        return results, failed


def failure(doc: Document, exc: Exception) -> Rejected:
    """A document whose coding raised: named by where it was read, and why it failed."""
    where_ = where(doc)
    reason = f"coding failed: {type(exc).__name__}: {exc}"
    log.warning("%s: %s", where_, reason)
    log.debug("%s: the coder's traceback", where_, exc_info=exc)
    return Rejected(where_, reason)


def where(doc: Document) -> str:
    """A document named by where it was read (and its id, when that differs)."""
    return doc.id if doc.origin in ("", doc.id) else f"{doc.origin} (id {doc.id})"


def store(
    target: Path, coded: CodedBatch, summary: IngestSummary, then: Also | None = None
) -> None:
    """Store coded documents (`merge.store_new`: those stored meanwhile are not stored twice)."""
    if len(coded) or then is not None:
        store_new(target, coded, summary, then)


CHUNK = 16
"""Documents coded together: the unit a worker process takes (and fails, if it dies).
This process codes in the same chunks, so the parser sees the same batches however
many processes code."""

Pending = Callable[[], tuple[CodedBatch, list[Rejected]]]
"""Documents handed to a coder: called, it waits for them and gives them coded, in the
order given, with those that failed."""


class Coder(Protocol):
    """Where the loop's documents are coded: this process, or worker processes (`pool`)."""

    def submit(self, documents: list[Document]) -> Pending: ...


def chunks(documents: Sequence[Document], size: int = CHUNK) -> list[list[Document]]:
    """Documents cut into runs of `size`, in order."""
    return [list(documents[at : at + size]) for at in range(0, len(documents), size)]


def code_chunk(documents: Sequence[Document]) -> tuple[CodedBatch, list[Rejected]]:
    """One chunk coded into the Arrow tables the store takes (what a worker sends back)."""
    results, failed = code_documents(documents)
    return CodedBatch.of(results), failed


class InProcess:
    """Codes in this process, chunk by chunk as the worker processes do, when the loop
    asks for the result (so each batch is stored as soon as it is coded)."""

    def submit(self, documents: list[Document]) -> Pending:
        def coded() -> tuple[CodedBatch, list[Rejected]]:
            parts = [code_chunk(chunk) for chunk in chunks(documents)]
            failed = [f for _, fails in parts for f in fails]
            return CodedBatch.concat([part for part, _ in parts]), failed

        return coded


def run(
    target: Path,
    items: Iterable[Document | Rejected],
    summary: IngestSummary,
    coder: Coder,
    batch_size: int,
    progress: Progress | None = None,
) -> None:
    """The loop: a batch at a time, look up which documents are stored, code the rest, store.

    The store is held only to look up and to write: coding, the slow part,
    runs with it free, so a dashboard (or another ingest) can use it
    meanwhile; what another ingest stored in the meantime is looked up again
    before writing (`store_new`), so nothing is stored twice. A batch is
    stored, in reading order, while the coder codes the next one (worker
    processes are never idle while this one writes); a batch holding a
    document of the batch in flight waits for that one to be stored first,
    so what is stored is what one batch after another would store.
    """
    pending: tuple[Pending, set[str]] | None = None

    def settle() -> None:
        nonlocal pending
        if pending is not None:
            coded, failed = pending[0]()
            pending = None
            summary.skipped += failed
            store(target, coded, summary)

    for batch in _batches(items, summary, batch_size, progress):
        if pending is not None and not pending[1].isdisjoint(d.id for d in batch):
            settle()
        with Store.open(target, read_only=True) as opened:
            known = stored_hashes(opened, [d.id for d in batch])
        todo, unchanged = fresh(batch, known)
        summary.unchanged += unchanged
        handle = coder.submit(todo)
        settle()
        pending = (handle, {d.id for d in todo})
    settle()


def _batches(
    items: Iterable[Document | Rejected],
    summary: IngestSummary,
    size: int,
    progress: Progress | None,
) -> Iterator[list[Document]]:
    """The documents read, `size` at a time; what the reader refused goes to the summary."""
    batch: list[Document] = []
    for item in items:
        if progress:
            progress(item)
        if isinstance(item, Rejected):
            log.info("skipped %s: %s", item.path, item.reason)
            summary.skipped.append(item)
            continue
        summary.read += 1
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
