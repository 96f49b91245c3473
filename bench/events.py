"""Generate a synthetic store of N coded events for the analysis benchmark.

usage: python bench/events.py N OUT.duckdb   (e.g. 1000000)

Events are drawn between the CSTO's members, its leader, the alliance itself
and the leader's rivals, with PLOVER types and their intensities, dated
2000-2024, each with one evidence row published a few days after it, so the
measures see the same mix of kinds as on real data, only far more of it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bloc.core.events import TYPE_INTENSITY
from bloc.knowledge import bundled
from bloc.store import Store, opened
from bloc.store.kinds import fill_kinds


def generate(n: int, path: Path, seed: int = 0) -> Path:
    """Write a store at `path` holding the knowledge base plus `n` synthetic text events."""
    rng = np.random.default_rng(seed)
    csto = bundled().alliance("CSTO")
    actors = np.array(
        sorted({s.member for s in csto.membership} | {"CSTO", "UKR", "USA", "TUR", "FRA"})
    )
    types = np.array(list(TYPE_INTENSITY))
    src = actors[rng.integers(0, len(actors), n)]
    tgt = actors[rng.integers(0, len(actors), n)]
    same = src == tgt
    tgt[same] = np.where(src[same] == "CSTO", "RUS", "CSTO")
    kind = types[rng.integers(0, len(types), n)]
    base = np.datetime64("2000-01-01")
    date = base + rng.integers(0, 365 * 25, n).astype("timedelta64[D]")
    published = date + rng.integers(0, 30, n).astype("timedelta64[D]")
    ids = np.char.add("b", np.arange(n).astype(str))
    events = pd.DataFrame(
        {
            "id": ids,
            "date": date,
            "date_precision": "day",
            "source": src,
            "target": tgt,
            "type": kind,
            "mode": None,
            "alliance": None,
            "intensity": pd.Series(kind).map(TYPE_INTENSITY).to_numpy(),
            "confidence": rng.uniform(0.4, 0.9, n).round(2),
            "origin": "text",
            "context": None,
            "summary": None,
        }
    )
    evidence = pd.DataFrame(
        {
            "event_id": ids,
            "document": np.char.add("doc", (np.arange(n) // 5).astype(str)),
            "sentence": "a synthetic sentence",
            "start": np.arange(n) % 5 * 100,
            "end": np.arange(n) % 5 * 100 + 50,
            "published": published,
            "url": None,
        }
    )
    with opened(path):
        pass
    with Store.open(path) as store:
        store.con.register("new_events", events)
        store.con.register("new_evidence", evidence)
        store.con.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
        store.con.execute("INSERT INTO evidence BY NAME SELECT * FROM new_evidence")
        fill_kinds(store.con)  # each side's kind and `domestic`, as a write gives them
    return path


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    start = time.perf_counter()
    generate(int(sys.argv[1]), Path(sys.argv[2]))
    took = time.perf_counter() - start
    print(f"wrote {sys.argv[2]} with {int(sys.argv[1]):,} events in {took:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
