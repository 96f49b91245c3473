"""Worker processes for the local engine: documents coded in N processes, stored by this one.

`prepare` builds what a process needs to code (the knowledge base, the
language detector, each language's lexicon, finder and parser) once per
process. The pool calls it here, then forks its workers, so they start with
all of it loaded and shared copy-on-write (where fork is unavailable, each
worker calls it once as it starts); the Dask engine's workers call it before
their first unit (`distributed.code_unit`).

The pool is a `loop.Coder`: `loop.run` hands it a batch, it cuts the batch
into `loop.CHUNK` documents and gives each chunk to an idle worker, which
codes it with `loop.code_chunk` and sends back Arrow tables. The chunks are
put back in the batch's order whichever worker finishes first, so this
process (the one writer) stores exactly what one process would have stored.
A worker that dies (killed, out of memory, a crash in native code) fails the
documents of the chunk it was coding, each named with why; a new worker takes
its place and the batch goes on. Nothing of those documents is stored, so a
rerun codes them.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from bloc.errors import BlocError
from bloc.ingest import loop
from bloc.ingest.coded import CodedBatch
from bloc.knowledge import bundled
from bloc.model import Document, Rejected
from bloc.text.parse import parser_for
from bloc.text.pipeline import process
from bloc.text.reading import reading

log = logging.getLogger(__name__)

WARM = (
    "Armenia asked the CSTO for military help on 2 March 2023, and Russia said on "
    "Friday that it would send peacekeepers to the border with Azerbaijan."
)
"""Coded once per process: loads every lazy part of English coding (more than a
hundred letters, so the language detector's model loads too)."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_READY: set[str] = set()


def prepare(langs: Iterable[str] = ("en",)) -> None:
    """Build this process's coder, once: the knowledge base, the language detector and,
    for each language, its lexicon, actor finder, date readers and parser.

    Each part otherwise loads on first use, which in a fresh worker is seconds
    (the detector's model alone about one) spent on every worker's first chunk.
    """
    if not _READY:
        bundled()
        process(Document(id="warm-up", text=WARM))
        _READY.add("en")
    for code in langs:
        if code in _READY:
            continue
        language = reading(code)
        if language is not None:
            _ = (language.lex, language.finder, language.dating)
            language.gate("")
            parser_for(code)
        _READY.add(code)


def languages_of(documents: Sequence[Document]) -> set[str]:
    """The languages worth loading before forking: English, and Russian if a document is."""
    found = {"en"}
    if any(d.lang == "ru" or _CYRILLIC.search(d.text[:2000]) for d in documents):
        found.add("ru")
    return found


def cores() -> int:
    """The cores this process may run on: the default number of workers."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class _Job:
    """One batch handed to the pool: its chunks, and what came back of each."""

    chunks: list[list[Document]]
    done: list[tuple[CodedBatch, list[Rejected]] | None] = field(default_factory=list)
    left: int = 0
    finished: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.done = [None] * len(self.chunks)
        self.left = len(self.chunks)
        if not self.left:
            self.finished.set()

    def put(self, index: int, outcome: tuple[CodedBatch, list[Rejected]]) -> None:
        self.done[index] = outcome
        self.left -= 1
        if not self.left:
            self.finished.set()

    def result(self) -> tuple[CodedBatch, list[Rejected]]:
        self.finished.wait()
        parts = [part for part in self.done if part is not None]
        coded = CodedBatch.concat([coded for coded, _ in parts])
        return coded, [f for _, failed in parts for f in failed]


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.Process (its type depends on the start method)
    conn: Connection
    task: tuple[_Job, int] | None = None


class Pool:
    """N worker processes coding the loop's batches; use as a context manager.

    The workers start on the first batch (after `prepare` loads the languages
    that batch needs), and a thread of this process hands them chunks and
    takes their results, so they keep coding while this process stores.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise BlocError("--workers must be at least 1")
        self.size = workers
        # Forked workers start with the parent's models loaded; fork is safe on Linux
        # only (macOS's system libraries are not fork-safe), so elsewhere they load.
        self.context: Any = multiprocessing.get_context(
            "fork" if sys.platform.startswith("linux") else "spawn"
        )
        self.workers: list[_Worker] = []
        self.todo: deque[tuple[_Job, int]] = deque()
        self.lock = threading.Lock()
        self.wake_r, self.wake_w = self.context.Pipe(duplex=False)
        self.thread: threading.Thread | None = None
        self.stopping = False
        self.error: BaseException | None = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, documents: list[Document]) -> loop.Pending:
        """Queue a batch; the returned callable waits for it, coded in the batch's order."""
        job = _Job(loop.chunks(documents))
        if job.chunks:
            if self.thread is None:
                self._start(languages_of(documents))
            self._refill()
            with self.lock:
                self.todo.extend((job, index) for index in range(len(job.chunks)))
            self.wake_w.send_bytes(b".")
        return lambda: self._wait(job)

    def _wait(self, job: _Job) -> tuple[CodedBatch, list[Rejected]]:
        while not job.finished.wait(0.1):
            if self.error is not None:
                raise BlocError(f"the worker pool stopped: {self.error}") from self.error
            self._refill()
        return job.result()

    def _refill(self) -> None:
        """Start workers in the place of those that died.

        Only the loop's own thread forks, between store turns: a worker forked
        while this process held the store's lock would hold it too.
        """
        while len(self.workers) < self.size:
            worker = self._spawn(set(_READY))
            with self.lock:
                self.workers.append(worker)
            self.wake_w.send_bytes(b".")

    def _start(self, langs: set[str]) -> None:
        prepare(langs)
        if self.context.get_start_method() == "fork":
            gc.freeze()  # what is loaded stays shared: the collector does not touch it
        self.workers = [self._spawn(langs) for _ in range(self.size)]
        self.thread = threading.Thread(target=self._dispatch, name="bloc-pool", daemon=True)
        self.thread.start()

    def _spawn(self, langs: set[str]) -> _Worker:
        here, there = self.context.Pipe()
        process = self.context.Process(
            target=_work, args=(there, sorted(langs)), name="bloc-worker", daemon=True
        )
        process.start()
        there.close()
        return _Worker(process, here)

    def _dispatch(self) -> None:
        try:
            while not self.stopping:
                self._hand_out()
                with self.lock:
                    workers = list(self.workers)
                busy = {w.conn: w for w in workers if w.task is not None}
                gone = {w.process.sentinel: w for w in workers}
                for ready in wait([self.wake_r, *busy, *gone]):
                    if ready in busy and busy[ready] not in self.workers:
                        continue  # replaced already, its death seen from the other side
                    if isinstance(ready, int) and gone[ready] not in self.workers:
                        continue
                    if ready is self.wake_r:
                        self.wake_r.recv_bytes()
                    elif ready in busy:
                        self._receive(busy[ready])
                    elif isinstance(ready, int) and gone[ready].task is None:
                        self._remove(gone[ready])  # died idle: no document lost
        except BaseException as exc:  # reported to the waiting loop
            self.error = exc
            log.exception("the worker pool stopped")

    def _hand_out(self) -> None:
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            if worker.task is not None:
                continue
            with self.lock:
                if not self.todo:
                    return
                worker.task = self.todo.popleft()
            job, index = worker.task
            try:
                worker.conn.send(job.chunks[index])
            except OSError:
                self._died(worker)

    def _receive(self, worker: _Worker) -> None:
        try:
            outcome = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return
        assert worker.task is not None
        job, index = worker.task
        worker.task = None
        job.put(index, outcome)

    def _died(self, worker: _Worker) -> None:
        """Fail the documents the worker was coding, each named (`_refill` replaces it)."""
        worker.process.join(5)
        cause = _cause(worker.process.exitcode)
        if worker.task is not None:
            job, index = worker.task
            worker.task = None
            documents = job.chunks[index]
            names = ", ".join(loop.where(d) for d in documents)
            log.error("a worker process %s while coding %s", cause, names)
            reason = (
                f"coding failed: its worker process {cause} while coding it "
                f"(with {len(documents) - 1} other documents of its chunk); "
                "nothing of it was stored: run the ingest again to code it"
            )
            failed = [Rejected(loop.where(d), reason) for d in documents]
            job.put(index, (CodedBatch.of([]), failed))
        self._remove(worker)

    def _remove(self, worker: _Worker) -> None:
        worker.conn.close()
        worker.process.join(5)
        with self.lock:
            self.workers.remove(worker)

    def close(self) -> None:
        """Stop the workers (each finishes its chunk first) and the dispatching thread."""
        self.stopping = True
        if self.thread is not None:
            self.wake_w.send_bytes(b".")
            self.thread.join()
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.conn.close()  # one still sending a chunk nobody waits for stops
        for worker in self.workers:
            worker.process.join(10)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self.workers = []
        if gc.get_freeze_count():
            gc.unfreeze()


def _cause(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"died (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"died (signal {-code})"
    return f"died (exit status {code})"


def _work(conn: Connection, langs: list[str]) -> None:
    """A worker: code each chunk it is sent, send it back coded, until told to stop.

    Interrupts are this process's parent's to handle (Ctrl-C reaches the
    whole process group): a worker ends when its parent closes its pipe.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare(langs)  # loaded already when forked
    while True:
        try:
            documents = conn.recv()
        except (EOFError, OSError):
            return
        if documents is None:
            return
        try:
            outcome = loop.code_chunk(documents)
        except Exception as exc:  # not expected: code_chunk isolates failures
            outcome = (CodedBatch.of([]), [loop.failure(d, exc) for d in documents])
        try:
            conn.send(outcome)
        except OSError:  # the parent stopped waiting (it failed, or was interrupted)
            return
