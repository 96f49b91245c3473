"""Side-taking in the UN General Assembly (bloc.simulate.affinity), on the real record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bloc import simulate
from bloc.simulate.affinity import sides
from bloc.store import opened
from unvotes_files import votes_store


@pytest.fixture(scope="module")
def votes_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return votes_store(tmp_path_factory.mktemp("affinity") / "bloc.duckdb")


@pytest.mark.slow
def test_sides_read_the_record_before_the_day(votes_db: Path) -> None:
    with opened(votes_db) as store:
        kb = store.knowledge
        # October 1962: the Latin American parties voted with the United States, not Cuba.
        cuba = sides(store, kb, ["ARG", "COL", "MEX"], "USA", "CUB", dt.date(1962, 10, 22))
        # April 1982: the United States voted with Britain, not Argentina.
        falklands = sides(store, kb, ["USA", "BRA"], "ARG", "GBR", dt.date(1982, 4, 25))
        # A non-state aggressor casts no votes: its affinity is S's neutral point.
        imu = sides(store, kb, ["RUS"], "KGZ", "IMU", dt.date(1999, 8, 30))
        # Before the first General Assembly there is nothing to read.
        early = sides(store, kb, ["GBR"], "USA", "SUN", dt.date(1945, 1, 1))
    assert cuba["ARG"].value > 0.2 and cuba["COL"].value > 0.2
    assert all(s.with_aggressor is not None for s in cuba.values())
    # Mexico, which kept its ties with Havana, stood between the two.
    assert abs(cuba["MEX"].value) < min(cuba["ARG"].value, cuba["COL"].value) / 2
    assert falklands["USA"].value < -0.2 < 0.2 < falklands["BRA"].value
    assert imu["RUS"].with_aggressor is None and imu["RUS"].value > 0
    assert early == {}
    for side in [*cuba.values(), *falklands.values()]:
        assert -1 <= side.value <= 1 and side.votes > 20


@pytest.mark.slow
def test_side_taking_is_a_named_factor_of_each_member(votes_db: Path, kb_db: Path) -> None:
    scenario = simulate.Scenario(
        "RIO", "USA", "external", "CUB", dt.date(1962, 10, 22), provision="art6"
    )
    voted = simulate.simulate(scenario, draws=500, seed=1, db=votes_db)
    bare = simulate.simulate(scenario, draws=500, seed=1, db=kb_db)
    arg = next(m for m in voted["members"] if m["member"] == "ARG")
    assert any("UN General Assembly votes" in r for r in arg["reasons"])
    assert not any("UN General Assembly" in r for m in bare["members"] for r in m["reasons"])
    assert voted["member_model"]["deployment"] > bare["member_model"]["deployment"]
