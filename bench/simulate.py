"""Monte Carlo speed: 10,000 draws of one scenario, on one core.

usage: python bench/simulate.py [DRAWS]   (default 10,000)

Times, in this one process, over a store holding the bundled knowledge base:
the baseline, NumPy drawing the same number of normal deviates the model
draws (one per member and draw, plus one shared per draw); the sampling and
decision step alone; and the whole `simulate()` call (reading the store,
measuring the inputs as of the day, sampling, deciding, explaining). Prints
each, the ratio of the whole call to the baseline, and whether the goal
(under one second for the whole call) is met.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says

import numpy as np
from timing import best_of, met

from bloc import simulate
from bloc.simulate.members import Agent, Factor
from bloc.simulate.model import decide, sample_stances
from bloc.simulate.scenario import Terms
from bloc.store import opened

GOAL_SECONDS = 1.0


def main() -> int:
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with opened(db):
            pass
        scenario = simulate.Scenario(
            alliance="CSTO",
            requester="TJK",
            threat="incursion",
            aggressor="ISKP",
            on=dt.date(2023, 6, 1),
        )
        result = simulate.simulate(scenario, draws=draws, seed=1, db=db)  # warm up
        members = len(result["members"])
        agents = [
            Agent(m["member"], [Factor("support", m["support"])], m["stances"]["oppose"] == 1.0)
            for m in result["members"]
        ]
        treaty = Terms("art4", "collective_defence", obliged=True, force=True)

        def baseline() -> None:
            rng = np.random.default_rng(1)
            rng.normal(0.0, 1.0, (draws, members))
            rng.normal(0.0, 1.0, (draws, 1))

        def sampling() -> None:
            rng = np.random.default_rng(1)
            stances = sample_stances(agents, draws, rng)
            decide(stances, agents, "RUS", treaty, True)

        def whole() -> None:
            simulate.simulate(scenario, draws=draws, seed=1, db=db)

        base = best_of(5, baseline)
        core = best_of(5, sampling)
        full = best_of(5, whole)
    print(f"draws: {draws:,} of one scenario ({members} members deciding)")
    print(f"baseline, NumPy normal deviates:     {base * 1000:8.1f} ms")
    print(f"bloc sampling and decision:          {core * 1000:8.1f} ms")
    print(f"bloc simulate(), whole call:         {full * 1000:8.1f} ms")
    print(f"ratio whole call / baseline: {full / base:.0f}")
    print(f"goal under {GOAL_SECONDS:.0f} s for the whole call: {met(full < GOAL_SECONDS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
