"""Taking turns at a store file: readers together, one writer at a time, writers first.

DuckDB lets one process write a file, or several read it, and refuses the
others at once. So that a dashboard can answer while an ingest runs, and two
ingests can run together, bloc processes take turns through two lock files
beside the store: readers share it, a writer has it alone, and a writer
waiting at the gate stops new readers from coming in, so a busy dashboard
cannot starve an ingest. Writers hold their turn for one batch at a time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: DuckDB's own lock only
    fcntl = None  # type: ignore[assignment]

import duckdb

from bloc.errors import StoreError, StoreLockedError

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0
"""Seconds to wait for a turn before giving up (BLOC_LOCK_TIMEOUT overrides)."""


def lock_timeout() -> float:
    try:
        return float(os.environ.get("BLOC_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT


_held: dict[tuple[str, int], int] = {}
_held_lock = threading.Lock()


class Turn:
    """This thread's turn at a store file: shared (read) or exclusive (write)."""

    def __init__(
        self, target: Path, *, shared: bool, timeout: float, register: bool = True
    ) -> None:
        """`register=False`: a turn not tied to this thread (a lingering reader's)."""
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.target = target
        self._fd: int | None = None
        self._key = (str(target.resolve()), threading.get_ident()) if register else None
        nested = 0
        if self._key is not None:
            with _held_lock:
                nested = _held.get(self._key, 0)
                _held[self._key] = nested + 1
        if nested or fcntl is None:
            return  # this thread already has its turn (a nested open), or no flock here
        try:
            gate = _lock_file(target, ".gate")
            if gate is None:
                return
            try:
                self._wait(gate, fcntl.LOCK_EX)
                self._fd = _lock_file(target, ".lock")
                if self._fd is not None:
                    self._wait(self._fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            finally:
                os.close(gate)  # closing lets the next one through the gate
        except BaseException:
            self.release()
            raise

    def _wait(self, fd: int, mode: int) -> None:
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > self.deadline:
                    raise StoreLockedError(_busy(self.target, self.timeout)) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)

    def release(self) -> None:
        if self._key is not None:
            with _held_lock:
                left = _held.get(self._key, 1) - 1
                if left:
                    _held[self._key] = left
                else:
                    _held.pop(self._key, None)
            self._key = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock_file(target: Path, suffix: str) -> int | None:
    path = target.with_name(target.name + suffix)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            log.debug("no lock file %s; relying on DuckDB's own lock", path)
            return None


def _busy(target: Path, timeout: float) -> str:
    return (
        f"the store {target} has been in use by another process for {timeout:g} s "
        "(an ingest writing, or a program other than bloc holding it); wait for it to "
        "finish and run the command again, or set BLOC_LOCK_TIMEOUT to wait longer"
    )


# DuckDB shares one database per file among a process's connections; a thread
# connecting while another closes the last connection can be refused ("already
# attached"), so within a process connecting and closing take turns too.
connecting = threading.Lock()
_TRANSIENT = ("lock", "different configuration", "already attached", "file handle conflict")


def connect(target: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """Connect, waiting while a process outside bloc's turns holds DuckDB's own lock."""
    pause = 0.01
    while True:
        try:
            with connecting:
                return duckdb.connect(str(target), read_only=read_only)
        except (
            duckdb.IOException,
            duckdb.ConnectionException,
            duckdb.ResourceInUseException,
        ) as exc:
            text = str(exc).lower()
            if not any(word in text for word in _TRANSIENT):
                raise StoreError(f"cannot open the store {target}: {exc}") from None
            if time.monotonic() > deadline:
                raise StoreLockedError(_busy(target, lock_timeout())) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"{target} is not a bloc store DuckDB can open ({exc}); "
                "point --db at another file or move this one away"
            ) from None
