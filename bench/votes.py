"""The whole UN General Assembly record through `bloc import unvotes`, beside DuckDB's bare read.

usage: python bench/votes.py [--runs 3] [--folder ../shared/data/unvotes]

1. Times DuckDB reading the three files of the shared record (870,109 votes,
   6,203 roll calls, 5,745 topics; gzipped CSV) into tables, every column as
   text: the least any import must do.
2. Times `bloc import unvotes` of the same files into a fresh store holding
   the knowledge base (the store created before the clock starts), and a
   re-import of them (nothing changes, nothing is written). Each is the best
   of --runs runs; memory is sampled over the whole import (psutil).
3. Prints the times, the ratio to the bare read, the peak resident memory and
   the goals' verdicts: under GOAL_SECONDS and under GOAL_MEMORY. The machine's
   load average is printed beside them: on a shared machine it moves the times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import Memory, best_of, met

from bloc.ingest.datasets.unvotes import import_unvotes
from bloc.store import opened

GOAL_SECONDS = 10.0
GOAL_MEMORY = 1 << 30  # 1 GiB
FILES = ("un_votes.csv.gz", "un_roll_calls.csv.gz", "un_roll_call_issues.csv.gz")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "unvotes"


def bare(paths: list[Path]) -> None:
    con = duckdb.connect()
    for i, path in enumerate(paths):
        con.execute(
            f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    args = parser.parse_args()
    paths = [args.folder / f for f in FILES]
    if not all(p.is_file() for p in paths):
        sys.exit(f"the shared UN votes files are not in {args.folder}: give --folder")
    with tempfile.TemporaryDirectory(prefix="bloc-bench-votes-") as tmp:
        empty = Path(tmp) / "empty.duckdb"
        with opened(empty, write=True):  # the knowledge base loaded before the clock starts
            pass
        read = best_of(args.runs, lambda: bare(paths))
        times, again, peak = [], [], 0
        for run in range(args.runs):
            store = Path(tmp) / f"run{run}.duckdb"
            shutil.copy(empty, store)
            with Memory() as memory:
                start = time.perf_counter()
                report = import_unvotes(paths, store)
                times.append(time.perf_counter() - start)
                start = time.perf_counter()
                import_unvotes(paths, store)
                again.append(time.perf_counter() - start)
            peak = max(peak, memory.peak)
        best = min(times)
        load = os.getloadavg()
        print(
            f"files: {', '.join(FILES)} ({report.votes:,} votes, {report.roll_calls:,} roll calls)"
        )
        print(f"DuckDB bare read (text columns):  {read:6.2f} s")
        print(
            f"bloc import unvotes (fresh store): {best:6.2f} s  ({best / read:.1f}x the bare read)"
        )
        print(f"re-import (nothing changes):       {min(again):6.2f} s")
        print(f"runs: {', '.join(f'{t:.2f}' for t in times)} s; load average {load[0]:.2f}")
        print(f"peak resident memory: {peak / (1 << 20):,.0f} MiB")
        print(f"goal: under {GOAL_SECONDS:.0f} s: {met(best < GOAL_SECONDS)}")
        print(f"goal: under 1 GiB: {met(peak < GOAL_MEMORY)}")


if __name__ == "__main__":
    main()
