"""A server's cache of computed measures, keyed by what they were computed from.

The dashboard asks for the same figures again and again (an alliance, a day,
a choice of origins); computing them reads the store and runs the measures,
which over a million events takes about a second. A `MeasureCache` keeps:
- the signals read for an alliance (`Observed`), by store file, origins
  chosen, events as coded or as reviewed, and store generation: a few, since
  each holds every signal;
- each measure's frame, by measure, arguments (the as-of day among them),
  origins, as coded or reviewed, store generation and today's date (figures
  "as of today" change at midnight).

Every write to a store moves its generation on (`Store.transaction`), so a
figure cached before a write is never served after it: the next request
reads the new generation and computes afresh. Reading the generation opens
the store; to spare that, the cache remembers the store file's signature
(size, modification time, and its write-ahead log's) with the generation it
read, and trusts it while the signature is unchanged, but only once the files
have not been modified for QUIET_SECONDS: any later write then stamps them
with a later time, so no write goes unseen however fine or coarse the file
system's clock. Requests for a figure being computed wait for it rather than
computing it again (a lock per key). The cache is used only through a `View`
that carries one (`bloc serve` makes it); the command line and the Python API
compute every time.

With one session per server, the file signatures are still what keeps a
cached answer cheap: the session outlives every write (another process's
`bloc ingest` included), so the generation must be read for each request, and
the signature spares opening the store to read it while the file is quiet.
The dashboard's whole answers are the web's own cache (`bloc.web.answers`).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pandas as pd

from bloc.store import View, opened

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

OBSERVED_ENTRIES = 6  # each holds every signal of an alliance: ~100 MB for a million events
FRAME_ENTRIES = 2048
QUIET_SECONDS = 1.0  # a store file unmodified this long has its generation remembered
Signature = tuple[tuple[int, int, int] | None, ...]


def signature(path: Path) -> tuple[Signature, int] | None:
    """The store file's and its write-ahead log's (inode, size, mtime), and the later mtime."""
    parts: list[tuple[int, int, int] | None] = []
    newest = 0
    for name in (path, path.with_name(path.name + ".wal")):
        try:
            st = os.stat(name)
        except FileNotFoundError:
            parts.append(None)
            continue
        except OSError:
            return None
        parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
        newest = max(newest, st.st_mtime_ns)
    return tuple(parts), newest


@dataclass(frozen=True)
class Stamp:
    """What a cached figure was computed from: a store file, its generation, the origins,
    and whether the events were read as coded or with analysts' review decisions."""

    cache: MeasureCache
    path: Path
    generation: int
    origins: tuple[str, ...] | None
    as_coded: bool = False

    @property
    def key(self) -> tuple[str, int, tuple[str, ...] | None, bool]:
        return (str(self.path), self.generation, self.origins, self.as_coded)


class MeasureCache:
    """Bounded, thread-safe, least recently used; one computation per key at a time."""

    def __init__(self, observed: int = OBSERVED_ENTRIES, frames: int = FRAME_ENTRIES) -> None:
        self._limits = {"observed": observed, "frames": frames}
        self._tables: dict[str, OrderedDict[Hashable, Any]] = {
            kind: OrderedDict() for kind in self._limits
        }
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._known: dict[str, tuple[Signature, int]] = {}  # file -> (signature, generation)
        self.hits = 0
        self.misses = 0
        self.reads = 0  # generations read from a store (the others were known)

    def known_stamp(self, view: View) -> Stamp | None:
        """The store's generation if its files are unchanged since it was read, else None.

        Two `stat` calls and no store opened: cheap enough for a server's event loop.
        """
        before = signature(view.path)
        with self._lock:
            known = self._known.get(str(view.path))
        if before is not None and known is not None and known[0] == before[0]:
            return Stamp(self, view.path, known[1], view.origins, view.as_coded)
        return None

    def stamp(self, view: View) -> Stamp:
        """The store's generation now: remembered while its files are unchanged, else read."""
        known = self.known_stamp(view)
        if known is not None:
            return known
        path = str(view.path)
        before = signature(view.path)
        with opened(view) as store:
            generation = store.generation()
        after = signature(view.path)
        # A write this read did not see comes after it (a writer has the store alone), so
        # stamps its files later than now: with them quiet for a second already, a later
        # time, whatever the file system's clock resolution.
        quiet = before is not None and time.time_ns() - before[1] > QUIET_SECONDS * 1e9
        with self._lock:
            self.reads += 1
            if quiet and before is not None and after is not None and after[0] == before[0]:
                self._known[path] = (before[0], generation)
            else:
                self._known.pop(path, None)
        return Stamp(self, view.path, generation, view.origins, view.as_coded)

    def get(self, kind: str, key: Hashable, compute: Callable[[], R]) -> R:
        """The cached value of `key`, computing it (once, whoever else asks) if missing."""
        table = self._tables[kind]
        with self._lock:
            if key in table:
                table.move_to_end(key)
                self.hits += 1
                return table[key]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in table:  # computed while this request waited
                    table.move_to_end(key)
                    self.hits += 1
                    return table[key]  # type: ignore[no-any-return]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self.misses += 1
                table[key] = value
                self._forget_older(kind, key)
                while len(table) > self._limits[kind]:
                    table.popitem(last=False)
        return value

    def _forget_older(self, kind: str, key: Hashable) -> None:
        """Drop entries of the same store at an earlier generation: they are never asked again."""
        if kind != "observed" or not isinstance(key, tuple) or len(key) < 2:
            return
        path, generation = key[0], key[1]
        table = self._tables[kind]
        for old in [k for k in table if isinstance(k, tuple) and k[0] == path]:
            if old[1] < generation:
                del table[old]

    def __len__(self) -> int:
        with self._lock:
            return sum(len(t) for t in self._tables.values())

    def clear(self) -> None:
        with self._lock:
            for table in self._tables.values():
                table.clear()
            self._known.clear()


def cache_of(db: object) -> MeasureCache | None:
    """The cache a View carries, if any."""
    if isinstance(db, View) and isinstance(db.cache, MeasureCache):
        return db.cache
    return None


def _plain(value: Any) -> Hashable:
    """An argument as part of a key: dates as ISO text, lists as tuples, Observed by its stamp."""
    stamp = getattr(value, "stamp", None)
    if isinstance(stamp, Stamp):
        return ("observed", getattr(getattr(value, "alliance", None), "code", None))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, int | float | bool):
        return value
    raise TypeError(f"cannot key on {type(value).__name__}")


def _stamp_of(first: object, db: object) -> Stamp | None:
    stamp = getattr(first, "stamp", None)
    if isinstance(stamp, Stamp):
        return stamp
    cache = cache_of(db)
    if cache is None or not isinstance(db, View):
        return None
    return cache.stamp(db)


def cached(function: Callable[P, R]) -> Callable[P, R]:
    """A measure that answers from the cache when it is given a cached View (or Observed).

    The first argument is the alliance (a code or an `Observed` the cache
    made), `db` the store; any other arguments are part of the key.
    """
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        values = dict(bound.arguments)
        db = values.pop("db", None)
        first = next(iter(values.values()), None)
        stamp = _stamp_of(first, db)
        if stamp is None:
            return function(*args, **kwargs)
        try:
            parts = tuple((k, _plain(v)) for k, v in values.items())
        except TypeError:
            return function(*args, **kwargs)
        key = (name, stamp.key, dt.date.today().isoformat(), parts)
        value = stamp.cache.get("frames", key, lambda: function(*args, **kwargs))
        return value.copy() if isinstance(value, pd.DataFrame) else value

    return wrapper
