"""The collective-defence simulator and its back-test on the knowledge base's requests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from bloc import simulate
from bloc.cli import app
from bloc.errors import ScenarioError
from bloc.store import Store, opened


def _tjk(**changes: object) -> simulate.Scenario:
    base: dict[str, object] = {
        "alliance": "CSTO",
        "requester": "TJK",
        "threat": "incursion",
        "aggressor": "ISKP",
        "on": dt.date(2023, 6, 1),
    }
    base.update(changes)
    return simulate.Scenario(**base)  # type: ignore[arg-type]


def test_backtest_hits_at_least_five_of_six_csto_cases(kb_db: Path, record_property: Any) -> None:
    frame = simulate.backtest("CSTO", draws=2000, seed=0, db=kb_db)
    record_property(
        "measured",
        f"CSTO back-test (knowledge base only): {int(frame.hit.sum())} of {len(frame)} cases, "
        f"mean Brier {frame.brier.mean():.3f}",
    )
    assert set(frame.case) >= {"kgz-2010", "arm-2021", "kaz-2022", "arm-2022", "kgz-2021"}
    assert int(frame.hit.sum()) >= 5
    # The Brier score beats the know-nothing forecast (1/4 each scores 0.75).
    assert frame.brier.mean() < 0.75
    kaz = frame[frame.case == "kaz-2022"].iloc[0]
    assert kaz.predicted == "deployment"
    assert abs(sum(kaz.probabilities.values()) - 1) < 1e-9


def test_backtest_sees_only_the_past(tmp_path: Path) -> None:
    """Adding events after a request changes none of the back-test's predictions."""
    db = tmp_path / "bloc.duckdb"
    with opened(db):
        pass
    before = simulate.backtest("CSTO", draws=500, seed=3, db=db)
    # After the last request (2022-09-13); and one dated before several
    # requests but first published after all of them.
    added = [
        ("2022-09-14", "2022-09-14", "RUS", "ARM"),
        ("2023-03-01", "2023-03-02", "BLR", "KAZ"),
        ("2009-06-01", "2023-01-10", "KAZ", "KGZ"),
    ]
    with Store.open(db) as store:
        for i, (day, published, src, tgt) in enumerate(added):
            store.con.execute(
                "INSERT INTO events VALUES (?, ?, 'day', ?, ?, 'ASSAULT', NULL, NULL, -10, 1.0,"
                " 'text', NULL, NULL)",
                [f"future-{i}", day, src, tgt],
            )
            store.con.execute(
                "INSERT INTO evidence VALUES (?, 'f.txt', 's', 0, 1, ?, NULL)",
                [f"future-{i}", published],
            )
    after = simulate.backtest("CSTO", draws=500, seed=3, db=db)
    assert before.probabilities.tolist() == after.probabilities.tolist()
    # ...while the same events do move a forecast made after they were published.
    late = dt.date(2023, 6, 1)
    scenario = _tjk(requester="ARM", threat="external", aggressor="AZE", on=late)
    moved = simulate.simulate(scenario, draws=500, seed=3, db=db)
    fresh = tmp_path / "fresh.duckdb"
    with opened(fresh):
        pass
    assert moved != simulate.simulate(scenario, draws=500, seed=3, db=fresh)


def test_same_seed_same_answer_and_probabilities_sum_to_one(kb_db: Path) -> None:
    first = simulate.simulate(_tjk(), draws=3000, seed=1, db=kb_db)
    again = simulate.simulate(_tjk(), draws=3000, seed=1, db=kb_db)
    assert first == again
    assert abs(sum(first["outcomes"].values()) - 1) < 1e-9
    other = simulate.simulate(_tjk(), draws=3000, seed=2, db=kb_db)
    assert other["outcomes"] != first["outcomes"]
    by_member = {m["member"]: m for m in first["members"]}
    assert set(by_member) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert all(1 <= len(m["reasons"]) <= 3 for m in first["members"])
    # Russia is at war in Ukraine by then, which holds back its forces.
    assert first["scenario"]["war_with"] == "UKR"
    assert any("committed elsewhere" in r for r in by_member["RUS"]["reasons"])


def test_an_explicit_generator_is_used(kb_db: Path) -> None:
    a = simulate.simulate(_tjk(), draws=1000, rng=np.random.default_rng(9), db=kb_db)
    b = simulate.simulate(_tjk(), draws=1000, rng=np.random.default_rng(9), db=kb_db)
    assert a["outcomes"] == b["outcomes"]


def test_the_aggressor_member_opposes_and_blocks_consensus(kb_db: Path) -> None:
    result = simulate.simulate(
        _tjk(requester="KGZ", threat="clash", aggressor="TJK", on=dt.date(2022, 9, 13)),
        draws=2000,
        seed=0,
        db=kb_db,
    )
    tjk = next(m for m in result["members"] if m["member"] == "TJK")
    assert tjk["stance"] == "oppose" and tjk["p"] == 1.0
    assert result["outcomes"]["nothing"] == 1.0


def test_internal_unrest_before_december_2010_is_not_covered(kb_db: Path) -> None:
    before = simulate.simulate(
        _tjk(requester="KGZ", threat="internal", aggressor=None, on=dt.date(2010, 6, 11)),
        draws=2000,
        seed=0,
        db=kb_db,
    )
    after = simulate.simulate(
        _tjk(requester="KGZ", threat="internal", aggressor=None, on=dt.date(2011, 6, 11)),
        draws=2000,
        seed=0,
        db=kb_db,
    )
    assert not before["scenario"]["force_covered"]
    assert before["outcomes"]["deployment"] == 0 and before["outcomes"]["mission"] == 0
    assert after["scenario"]["force_covered"]
    assert after["outcomes"]["deployment"] > 0


def test_assumptions_change_the_answer(kb_db: Path) -> None:
    base = simulate.simulate(_tjk(on=dt.date(2021, 6, 1)), draws=3000, seed=4, db=kb_db)
    defeated = simulate.simulate(
        _tjk(on=dt.date(2021, 6, 1), assume=("leader-defeated",)), draws=3000, seed=4, db=kb_db
    )
    rus = next(m for m in defeated["members"] if m["member"] == "RUS")
    assert rus["stances"]["forces"] == 0.0
    assert defeated["outcomes"]["deployment"] < base["outcomes"]["deployment"]
    frozen = simulate.simulate(_tjk(assume=("frozen:BLR",)), draws=1000, seed=4, db=kb_db)
    assert "BLR" not in {m["member"] for m in frozen["members"]}
    with pytest.raises(ScenarioError, match="unknown assumption 'leader-asleep'"):
        simulate.simulate(_tjk(assume=("leader-asleep",)), draws=10, seed=0, db=kb_db)


def test_bad_scenarios_fail_clearly(kb_db: Path) -> None:
    with pytest.raises(ScenarioError, match="unknown threat 'meteor'"):
        simulate.simulate(_tjk(threat="meteor"), draws=10, seed=0, db=kb_db)
    with pytest.raises(ScenarioError, match="not a member of CSTO on 2023-06-01"):
        simulate.simulate(_tjk(requester="UZB"), draws=10, seed=0, db=kb_db)


def test_cli_simulate_json_is_reproducible(kb_db: Path) -> None:
    args = [
        "simulate", "CSTO", "--requester", "TJK", "--threat", "incursion", "--aggressor", "ISKP",
        "--on", "2023-06-01", "--seed", "1", "--draws", "2000", "--format", "json",
        "--db", str(kb_db),
    ]  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, args)
    assert first.stdout == again.stdout
    result = json.loads(first.stdout)
    assert set(result) >= {"scenario", "outcomes", "members", "leader_bilateral"}
    assert set(result["outcomes"]) == set(simulate.OUTCOMES)


def test_cli_backtest_json_prints_brier(kb_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "CSTO", "--draws", "500", "--format", "json", "--db", str(kb_db)]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 6 and all("brier" in r and "probabilities" in r for r in rows)
    assert "Brier" in result.stderr
    nato = CliRunner().invoke(app, ["backtest", "NATO", "--draws", "300", "--db", str(kb_db)])
    assert nato.exit_code == 0 and "usa-2001" in nato.stdout
