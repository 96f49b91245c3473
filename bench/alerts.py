"""What evaluating the default alert rules adds to an ingest, on a store of N events.

usage: python bench/alerts.py [N] [ARTICLES]   (default 1,000,000 events, 700 articles)

Builds a synthetic store of N events (bench/events.py) with the default rules
(`bloc alerts starter`, which also builds the risk rules' running sums from the
whole record, once: about 11 s for a million events, not timed here), then, in
this one process: ingests ARTICLES synthetic
articles (bench/corpus.py; about 1,000 new events) and times it, the baseline;
then evaluates the rules on what that ingest changed, as `bloc ingest` does
after it, and times that. Prints both, their ratio, and whether the goal
(evaluation under 10% of the ingest time) is met.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import events as synthetic
from timing import met

from bloc.alerts import Changes, add_starter, evaluate
from bloc.ingest import ingest

GOAL = 0.10


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    articles = int(sys.argv[2]) if len(sys.argv) > 2 else 700
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic.generate(n, Path(tmp) / "bench.duckdb")
        add_starter(path)
        texts = corpus.write(articles, Path(tmp) / "articles.jsonl", seed=11)
        began = time.perf_counter()
        summary = ingest([texts], db=path)
        ingest_seconds = time.perf_counter() - began
        began = time.perf_counter()
        raised = evaluate(path, Changes.of(summary.changed))
        evaluate_seconds = time.perf_counter() - began
    ratio = evaluate_seconds / ingest_seconds
    print(f"store: {n:,} events; ingest of {articles} articles: {summary.events_new:,} new events, "
          f"{len(summary.changed):,} changed")  # fmt: skip
    print(f"ingest (baseline): {ingest_seconds:.2f} s")
    print(f"evaluating the default rules on what it changed: {evaluate_seconds:.2f} s "
          f"({len(raised)} alerts raised)")  # fmt: skip
    print(f"ratio: {ratio:.3f} of the ingest time; goal under {GOAL:.0%}: {met(ratio < GOAL)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
