"""Shared by the benchmarks: the best of several timed runs, and memory sampled over a run."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import psutil


def met(ok: bool) -> str:
    """A goal's verdict, worded the same in every benchmark."""
    return "met" if ok else "NOT met"


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Seconds taken by the fastest of `runs` calls of `work`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


class Memory:
    """Resident memory of a process with all its children, sampled in a thread."""

    def __init__(self, pid: int | None = None, every: float = 0.1) -> None:
        self.process = psutil.Process(pid)
        self.every = every
        self.samples: list[tuple[float, int, int]] = []  # (time, with children, alone)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> tuple[int, int]:
        """Bytes resident now: the process with its children, and the process alone."""
        alone = int(self.process.memory_info().rss)
        total = alone
        for child in self.process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total, alone

    def cpu(self) -> float:
        """CPU seconds the process has used so far."""
        times = self.process.cpu_times()
        return float(times.user + times.system)

    @property
    def peak(self) -> int:
        return max((total for _, total, _ in self.samples), default=0)

    @property
    def peak_alone(self) -> int:
        return max((alone for _, _, alone in self.samples), default=0)

    def between(self, start: float, end: float) -> list[int]:
        return [total for t, total, _ in self.samples if start <= t <= end]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), *self.rss()))
            except psutil.Error:
                return  # the process is gone
            self._stop.wait(self.every)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
