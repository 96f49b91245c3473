"""The dashboard's cache of whole answers: the web's own, kept by the web.

The same URL asked again before the store changes gets the same bytes without
computing or rendering anything. An answer is kept by URL, the store's
generation (read through the measures' cache, `bloc.measures.cache`, which
knows it without opening the store while the file is quiet) and today's
date; a write moves the generation on, so nothing cached before it is served
after it. Bounded by entries and by bytes, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

ENTRIES = 4096  # whole pages and API answers
BYTES = 256 * 2**20  # ... and at most this many bytes of them

Answer = tuple[str | None, bytes]  # media type, body


class AnswerCache:
    """Bounded, thread-safe, least recently used answers."""

    def __init__(self, entries: int = ENTRIES, size: int = BYTES) -> None:
        self._entries = entries
        self._size = size
        self._table: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self.hits = 0  # answers served from here

    def peek(self, key: Hashable) -> Answer | None:
        """The answer kept for `key`, or None."""
        with self._lock:
            answer = self._table.get(key)
            if answer is not None:
                self._table.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        """Keep an answer, letting the oldest go while over either bound."""
        with self._lock:
            old = self._table.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._table[key] = answer
            self._bytes += len(answer[1])
            while self._table and (len(self._table) > self._entries or self._bytes > self._size):
                _, dropped = self._table.popitem(last=False)
                self._bytes -= len(dropped[1])

    def __len__(self) -> int:
        with self._lock:
            return len(self._table)

    def clear(self) -> None:
        with self._lock:
            self._table.clear()
            self._bytes = 0
