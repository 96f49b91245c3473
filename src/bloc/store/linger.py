"""A reader that lingers: a serving process keeps its store open between requests.

Opening a DuckDB file costs 15 to 30 ms (its catalogue is read and its buffers
start cold), and a dashboard page opens the store two or three times. A
process that serves many reads (`bloc serve`) therefore keeps one read-only
connection, the anchor, and a reader's turn (`bloc.store.turns`) while readers
keep coming: every other read-only connection to the file in the process
shares the anchor's database and costs next to nothing, and needs no turn of
its own. Writers still come first: the anchor lets go once its last reader has
closed, as soon as a writer waits at the gate (looked at on every open and
four times a second), or after IDLE seconds without a reader.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from pathlib import Path

import duckdb

from bloc.store.turns import Turn, connect, connecting, lock_timeout

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: nothing lingers
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

IDLE = 2.0  # seconds without a reader before the anchor lets go
POLL = 0.25  # seconds between two looks at the gate while the anchor is held

_anchors: dict[str, Anchor] = {}
_anchors_lock = threading.Lock()


def linger(path: Path | str) -> None:
    """Keep `path` open between reads in this process (no-op without POSIX locks)."""
    if fcntl is None:
        return
    resolved = str(Path(path).resolve())
    with _anchors_lock:
        anchor = _anchors.setdefault(resolved, Anchor(Path(path)))
        _anchors.setdefault(str(path), anchor)  # found without resolving the path again


@atexit.register
def _let_go_all() -> None:
    """Close what lingers before the interpreter (and DuckDB's bindings) go away."""
    with _anchors_lock:
        anchors = list({id(a): a for a in _anchors.values()}.values())
    for anchor in anchors:
        if anchor._lock.acquire(timeout=1.0):  # a reader stuck at the gate must not hang exit
            try:
                anchor._close()
            finally:
                anchor._lock.release()


def anchor_for(path: Path) -> Anchor | None:
    """This process's anchor for `path`, if it lingers there."""
    if not _anchors:
        return None
    return _anchors.get(str(path)) or _anchors.get(str(path.resolve()))


class Anchor:
    """The lingering read-only connection to one store file, and its readers."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._turn: Turn | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._readers = 0
        self._last = 0.0
        self._draining = False  # a writer waits: no new readers, close after the last
        self.current = False  # the store was found up to date while held (no write since)
        self._inode: int | None = None  # the file held: another one put in its place is read anew
        self._holding = 0  # how many times it was opened: each time's watch ends with it

    @property
    def held(self) -> bool:
        return self._con is not None

    def lease(self) -> bool:
        """Count one more reader; False if the caller must take a turn of its own."""
        with self._lock:
            if self._con is not None and (
                self._draining or self._writer_waiting() or self._replaced()
            ):
                self._draining = True
                if self._readers:
                    return False
                self._close()  # nobody reads it: let go now, and take a turn anew below
            if self._con is None:
                if self._writer_waiting():
                    return False
                turn = Turn(self.target, shared=True, timeout=lock_timeout(), register=False)
                try:
                    self._con = connect(self.target, True, turn.deadline)
                except BaseException:
                    turn.release()
                    raise
                self._turn = turn
                self._inode = _inode(self.target)
                self._holding += 1
                watch = threading.Thread(
                    target=self._watch, args=(self._holding,), name="bloc-linger", daemon=True
                )
                watch.start()
                log.debug("holding %s open between reads", self.target)
            self._readers += 1
            self._last = time.monotonic()
            return True

    def give_back(self) -> None:
        """One reader fewer (its own connection already closed)."""
        with self._lock:
            self._readers -= 1
            self._last = time.monotonic()
            if not self._readers and self._draining:
                self._close()

    def _watch(self, holding: int) -> None:
        """Let go once idle or once a writer waits, then end."""
        while True:
            time.sleep(POLL)
            with self._lock:
                if self._con is None or self._holding != holding:
                    return
                if not self._draining and self._writer_waiting():
                    self._draining = True
                idle = time.monotonic() - self._last > IDLE
                if not self._readers and (self._draining or idle):
                    self._close()
                    return

    def _close(self) -> None:
        con, turn = self._con, self._turn
        self._con, self._turn, self._draining, self.current = None, None, False, False
        try:
            if con is not None:
                with connecting:
                    con.close()
        finally:
            if turn is not None:
                turn.release()
        log.debug("let %s go", self.target)

    def _replaced(self) -> bool:
        """True if the path now names another file than the one held (moved into place)."""
        return _inode(self.target) != self._inode

    def _writer_waiting(self) -> bool:
        """True if somebody holds the gate: a writer waiting for the readers to leave."""
        assert fcntl is not None
        path = self.target.with_name(self.target.name + ".gate")
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing drops the probe's own lock
        return False


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None
