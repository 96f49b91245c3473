"""A server's cache of computed measures, keyed by what they were computed from.

The dashboard asks for the same figures again and again (an alliance, a day,
a choice of origins); computing them reads the store and runs the measures,
which over a million events takes about a second. A `MeasureCache` keeps:
- the signals read for an alliance (`Observed`), by store file, origins
  chosen and store generation: a few, since each holds every signal;
- each measure's frame, by measure, arguments (the as-of day among them),
  origins, store generation and today's date (figures "as of today" change
  at midnight).

Every write to a store moves its generation on (`Store.transaction`), so a
figure cached before a write is never served after it: the next request
reads the new generation and computes afresh. Requests for a figure being
computed wait for it rather than computing it again (a lock per key). The
cache is used only through a `View` that carries one (`bloc serve` makes
it); the command line and the Python API compute every time.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import threading
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


@dataclass(frozen=True)
class Stamp:
    """What a cached figure was computed from: a store file, its generation, the origins."""

    cache: MeasureCache
    path: Path
    generation: int
    origins: tuple[str, ...] | None

    @property
    def key(self) -> tuple[str, int, tuple[str, ...] | None]:
        return (str(self.path), self.generation, self.origins)


class MeasureCache:
    """Bounded, thread-safe, least recently used; one computation per key at a time."""

    def __init__(self, observed: int = OBSERVED_ENTRIES, frames: int = FRAME_ENTRIES) -> None:
        self._limits = {"observed": observed, "frames": frames}
        self._tables: dict[str, OrderedDict[Hashable, Any]] = {
            kind: OrderedDict() for kind in self._limits
        }
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def stamp(self, view: View) -> Stamp:
        """The store's generation now, read through the view (one short read)."""
        with opened(view) as store:
            return Stamp(self, view.path, store.generation(), view.origins)

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
