"""`--every-actor`: the measures' commands count non-state and domestic events only when asked.

A store holds one event of Russia's forces assaulting a rebel group (`GEO:rebel`), and
one assault with Russia on both sides (domestic). By default the simulator's leader is
at war with no one (neither event is between states); with `--every-actor` the rebel
group is the war the leader is in, as the Python API's `View(every_actor=True)` says.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bloc import View, simulate
from bloc.cli import app
from bloc.store import opened
from bloc.store.kinds import fill_kinds

runner = CliRunner()
ON = "2024-10-01"


def _store_with_non_state_events(db: Path) -> None:
    with opened(db, write=True) as store, store.transaction() as con:
        for eid, source, target in (("r1", "RUS", "GEO:rebel"), ("r2", "RUS", "RUS")):
            con.execute(
                "INSERT INTO events (id, date, date_precision, source, target, type, intensity, "
                "confidence, origin) VALUES (?, DATE '2024-09-13', 'day', ?, ?, 'ASSAULT', -10, "
                "0.9, 'acled')",
                [eid, source, target],
            )
            con.execute(
                "INSERT INTO evidence VALUES (?, ?, 'made up', 0, NULL, DATE '2024-09-13', NULL)",
                [eid, f"acled:{eid}"],
            )
        fill_kinds(con)


def _war(db: Path, *extra: str) -> tuple[object, object]:
    result = runner.invoke(
        app,
        ["simulate", "CSTO", "--requester", "ARM", "--threat", "external", "--on", ON,
         "--draws", "200", "--seed", "1", "--db", str(db), "--format", "json", *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scenario = json.loads(result.stdout)["scenario"]
    return scenario["at_war"], scenario["war_with"]


def test_every_actor_counts_the_rebel_group_and_the_default_does_not(db: Path) -> None:
    _store_with_non_state_events(db)
    assert _war(db) == (False, None)
    assert _war(db, "--every-actor") == (True, "GEO:rebel")
    scenario = simulate.parse_scenario("CSTO", "ARM", "external", None, ON, None)
    api = simulate.simulate(scenario, draws=200, seed=1, db=View(db, every_actor=True))
    assert (api["scenario"]["at_war"], api["scenario"]["war_with"]) == (True, "GEO:rebel")


def test_every_actor_is_offered_by_each_measure_command() -> None:
    for command in ("alignment", "dyads", "cohesion", "risk", "compare", "simulate", "report"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "--every-actor" in result.output, command
