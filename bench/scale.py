"""Scaling of the Dask engine against the local engine, and its memory as the corpus grows.

usage: python bench/scale.py [--articles 20000] [--rounds 3] [--memory 10000,50000]

1. Throughput: the same synthetic corpus (bench/corpus.py) ingested into a
   fresh store by the local engine, by Dask with 1 worker and with 2
   workers. As on a real cluster, the Dask workers are running before the
   timed call (a LocalCluster started and warmed up first; its start-up time
   is printed apart), the local engine has its model loaded, and each store
   exists with its knowledge base loaded (as when adding to a store; a fixed
   second of set-up that is not ingest throughput). Each of the three runs
   `--rounds` times, interleaved; printed as articles/s, and as ratios of
   each configuration's best run (and of its mean), all measured in this
   run. Goal: 2 workers at least 1.8 times 1 worker.
2. Memory: peak resident memory of a whole `ingest_dask` call with 2 workers
   (the process plus its Dask workers, sampled every 0.1 s) at two corpus
   sizes, each in a fresh Python process so one run's leftovers do not
   count against the next. Goal: within 10%.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpus
from timing import Memory, met

from bloc.ingest import IngestSummary, ingest
from bloc.ingest.distributed import dask_client, ingest_dask
from bloc.model import Document
from bloc.store import opened
from bloc.text.pipeline import process


def timed(run: Callable[[], IngestSummary]) -> tuple[float, IngestSummary, int]:
    # Sampled twice a second: a sample of the process tree costs about 1.7 ms of
    # this process's time, which every 0.1 s would take from the workers it times.
    with Memory(every=0.5) as memory:
        began = time.perf_counter()
        summary = run()
        seconds = time.perf_counter() - began
    return seconds, summary, memory.peak


WARM_UP = "Armenia refused to send troops to Kazakhstan on 3 March 2023."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--memory", default="10000,50000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_run:
        return memory_run(args.memory_run)
    sizes = [int(s) for s in args.memory.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = corpus.write(args.articles, root / "corpus.jsonl", seed=7)
        print(f"corpus: {args.articles:,} synthetic articles ({path.stat().st_size / 1e6:.0f} MB)")
        process(Document(id="warm-up", text=WARM_UP))
        # Each configuration runs `--rounds` times, interleaved (the order reversed
        # each round), so a slow spell of a shared machine does not fall on one
        # alone; the ratios use each one's best run, as timeit does.
        workers = {"local engine": 0, "dask, 1 worker": 1, "dask, 2 workers": 2}
        names = list(workers)
        runs: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                db = root / f"{len(runs[name])}-{name}.duckdb"
                with opened(db, write=True):
                    pass
                runs[name].append(run(name, workers[name], path, db, args.articles))
        pairs = [two / one for one, two in zip(runs[names[1]], runs[names[2]], strict=True)]
        print("2 workers / 1 worker, round by round: " + ", ".join(f"{r:.2f}" for r in pairs))
        best = {name: max(rates) for name, rates in runs.items()}
        mean = {name: sum(rates) / len(rates) for name, rates in runs.items()}
        print(f"best of {args.rounds} runs each (mean in brackets):")
        for top, bottom in [(1, 0), (2, 0), (2, 1)]:
            a, b = names[top], names[bottom]
            print(
                f"ratio {a} / {b}: {best[a] / best[b]:.2f}  ({mean[a] / mean[b]:.2f})"
                + (f"  goal >= 1.8: {met(best[a] / best[b] >= 1.8)}" if bottom == 1 else "")
            )

    peaks = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--memory-run", str(n)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        peaks.append(result["peak"])
        print(
            f"memory at {n:,} articles: peak {result['peak'] / 2**20:,.0f} MiB "
            f"(this process {result['driver'] / 2**20:,.0f} MiB; "
            f"{result['seconds']:.0f} s, {result['stored']:,} stored)"
        )
    growth = max(peaks) / min(peaks) - 1
    print(
        f"memory growth {sizes[0]:,} -> {sizes[-1]:,}: {growth:+.1%} (goal within 10%: "
        f"{met(abs(growth) <= 0.10)})"
    )
    return 0


def run(name: str, workers: int, path: Path, db: Path, articles: int) -> float:
    """One timed ingest of the corpus into the store `db` (0 workers: the local engine)."""
    if workers == 0:
        seconds, summary, peak = timed(lambda: ingest([path], db))
        report(name, seconds, articles / seconds, summary, peak)
        return articles / seconds
    began = time.perf_counter()
    # The very local cluster `bloc ingest --engine dask` starts, warmed up first.
    with dask_client(None, workers) as client:
        client.run(process, Document(id="warm-up", text=WARM_UP))
        started = time.perf_counter() - began
        address = client.scheduler.address
        seconds, summary, peak = timed(lambda: ingest_dask([path], db, scheduler=address))
    report(name, seconds, articles / seconds, summary, peak, f"  (cluster start {started:.1f} s)")
    return articles / seconds


def report(
    name: str, seconds: float, rate: float, summary: IngestSummary, peak: int, extra: str = ""
) -> None:
    print(
        f"{name:16s} {seconds:7.1f} s  {rate:7.1f} articles/s  "
        f"events {summary.events_new:,}  peak memory {peak / 2**20:,.0f} MiB{extra}"
    )


def memory_run(n: int) -> int:
    """One whole Dask ingest of n articles in this fresh process; its figures as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = corpus.write(n, root / f"corpus-{n}.jsonl", seed=8)
        with Memory() as memory:
            summary = ingest_dask([big], root / f"m{n}.duckdb", workers=2)
    figures = {
        "peak": memory.peak,
        "driver": memory.peak_alone,
        "seconds": summary.seconds,
        "stored": summary.stored,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
