"""Every cohesion measure for one alliance over a store of N events.

usage: python bench/analysis.py [N]   (default 1,000,000 events)

Builds a synthetic store (bench/events.py), then times, in this one process:
the baseline, one DuckDB pass that reads every event with its first
publication date (the least any measure must do); and bloc's whole analysis
of the CSTO as of one day: reading the store once, then alignment by year,
dyads, reliability, cohesion by quarter and exit risk. Prints both, their
ratio, and whether the goal (under 2 seconds) is met. Then takes analysts'
review decisions on 1% of the events (a third each confirmed, corrected in
type, rejected) and times the analysis again, against the same without them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import events as synthetic
from timing import best_of, met

from bloc import measures
from bloc.store import Store

GOAL_SECONDS = 2.0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic.generate(n, Path(tmp) / "bench.duckdb")
        on = "2024-12-31"

        def baseline() -> None:
            with Store.open(path) as store:
                store.con.execute(
                    "SELECT e.source, e.target, e.type, e.intensity, e.date, f.first "
                    "FROM events e LEFT JOIN (SELECT event_id, min(published) AS first "
                    "FROM evidence GROUP BY event_id) f ON f.event_id = e.id"
                ).df()

        def everything() -> None:
            data = measures.observe("CSTO", db=path)
            measures.alignment(data, by="year", since="2000-01-01", until=on)
            measures.dyads(data, on=on)
            measures.reliability("CSTO", on=on)
            measures.cohesion(data, by="quarter", since="2000-01-01", until=on)
            measures.risk(data, on=on)

        everything()  # warm: imports, the knowledge base, DuckDB's caches
        base = best_of(3, baseline)
        full = best_of(3, everything)
        print(f"events: {n:,} (plus the knowledge base)")
        print(f"baseline, one DuckDB pass over the events:  {base:6.2f} s")
        print(f"bloc, every measure for the CSTO:           {full:6.2f} s")
        print(f"ratio bloc / baseline: {full / base:.1f}")
        print(f"goal under {GOAL_SECONDS:.0f} s: {met(full < GOAL_SECONDS)}")
        decided = review(path)
        reviewed = best_of(3, everything)
        print(f"with review decisions on {decided:,} events:  {reviewed:6.2f} s")
        print(f"ratio with decisions / without: {reviewed / full:.2f}")
    return 0


def review(path: Path) -> int:
    """Decisions on every hundredth event, as `bloc review --apply` would store them."""
    with Store.open(path) as store, store.transaction() as con:
        con.execute(
            "INSERT INTO decisions (id, event_id, decision, type, intensity, reviewer, "
            "decided_at) SELECT row_number() OVER (ORDER BY id), id, "
            "['confirm', 'correct', 'reject'][(hash(id) % 3)::BIGINT + 1], "
            "CASE WHEN hash(id) % 3 = 1 THEN 'AGREE' END, "
            "CASE WHEN hash(id) % 3 = 1 THEN 4.0 END, 'bench', now() "
            "FROM events WHERE hash(id) % 100 = 0"
        )
        row = con.execute("SELECT count(*) FROM decisions").fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    sys.exit(main())
