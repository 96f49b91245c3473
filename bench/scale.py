"""Scaling of the Dask engine against the local engine, and its memory as the corpus grows.

usage: python bench/scale.py [--articles 20000] [--memory 10000,50000]

1. Throughput: the same synthetic corpus (bench/corpus.py) ingested into a
   fresh store by the local engine, by Dask with 1 worker and with 2
   workers (a LocalCluster, started inside the timed call). Printed as
   articles/s and as ratios against the local engine measured in this run.
   Goal: 2 workers at least 1.8 times 1 worker.
2. Memory: peak resident memory of the ingest (this process plus its Dask
   workers, sampled every 0.1 s) at two corpus sizes. Goal: within 10%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
import contextlib

import corpus

from bloc.distributed import ingest_dask
from bloc.ingest import IngestSummary, ingest


class PeakMemory:
    """Samples the resident memory of this process and all its children."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(run: Callable[[], IngestSummary]) -> tuple[float, IngestSummary, int]:
    with PeakMemory() as memory:
        began = time.perf_counter()
        summary = run()
        seconds = time.perf_counter() - began
    return seconds, summary, memory.peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--memory", default="10000,50000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.memory.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = corpus.write(args.articles, root / "corpus.jsonl", seed=7)
        print(f"corpus: {args.articles:,} synthetic articles ({path.stat().st_size / 1e6:.0f} MB)")
        runs: dict[str, float] = {}
        for name, run in (
            ("local engine", lambda: ingest([path], root / "local.duckdb")),
            ("dask, 1 worker", lambda: ingest_dask([path], root / "d1.duckdb", workers=1)),
            ("dask, 2 workers", lambda: ingest_dask([path], root / "d2.duckdb", workers=2)),
        ):
            seconds, summary, peak = timed(run)
            runs[name] = args.articles / seconds
            print(
                f"{name:16s} {seconds:7.1f} s  {runs[name]:7.1f} articles/s  "
                f"events {summary.events_new:,}  peak memory {peak / 2**20:,.0f} MiB"
            )
        base = runs["local engine"]
        print(f"ratio dask 1 worker / local:  {runs['dask, 1 worker'] / base:.2f}")
        print(f"ratio dask 2 workers / local: {runs['dask, 2 workers'] / base:.2f}")
        speedup = runs["dask, 2 workers"] / runs["dask, 1 worker"]
        print(f"ratio 2 workers / 1 worker:   {speedup:.2f}  (goal >= 1.8: {_met(speedup >= 1.8)})")

        peaks = []
        for n in sizes:
            big = corpus.write(n, root / f"corpus-{n}.jsonl", seed=8)
            seconds, summary, peak = timed(
                lambda big=big, n=n: ingest_dask([big], root / f"m{n}.duckdb", workers=2)
            )
            peaks.append(peak)
            print(
                f"memory at {n:,} articles: peak {peak / 2**20:,.0f} MiB "
                f"({seconds:.0f} s, {summary.stored:,} stored)"
            )
            big.unlink()
        growth = max(peaks) / min(peaks) - 1
        print(
            f"memory growth {sizes[0]:,} -> {sizes[-1]:,}: {growth:+.1%} (goal within 10%: "
            f"{_met(abs(growth) <= 0.10)})"
        )
    return 0


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    raise SystemExit(main())
