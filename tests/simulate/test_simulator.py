"""The collective-defence simulator: members, the consensus rule, the requester's standing."""

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
from bloc.simulate.affinity import sides
from bloc.store import opened


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


def _by_member(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["member"]: m for m in result["members"]}


def test_same_seed_same_answer_and_probabilities_sum_to_one(kb_db: Path) -> None:
    first = simulate.simulate(_tjk(), draws=3000, seed=1, db=kb_db)
    again = simulate.simulate(_tjk(), draws=3000, seed=1, db=kb_db)
    assert first == again
    assert abs(sum(first["outcomes"].values()) - 1) < 1e-9
    assert abs(sum(first["member_model"].values()) - 1) < 1e-9
    other = simulate.simulate(_tjk(), draws=3000, seed=2, db=kb_db)
    assert other["member_model"] != first["member_model"]
    by_member = _by_member(first)
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
    tjk = _by_member(result)["TJK"]
    assert tjk["stance"] == "oppose" and tjk["p"] == 1.0
    assert result["outcomes"]["nothing"] == 1.0
    assert result["repertoire"]["possible"] == ["nothing"]


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
    rus = _by_member(defeated)["RUS"]
    assert rus["stances"]["forces"] == 0.0
    assert defeated["outcomes"]["deployment"] < base["outcomes"]["deployment"]
    frozen = simulate.simulate(_tjk(assume=("frozen:BLR",)), draws=1000, seed=4, db=kb_db)
    assert "BLR" not in _by_member(frozen)
    with pytest.raises(ScenarioError, match="unknown assumption 'leader-asleep'"):
        simulate.simulate(_tjk(assume=("leader-asleep",)), draws=10, seed=0, db=kb_db)


def test_bad_scenarios_fail_clearly(kb_db: Path) -> None:
    with pytest.raises(ScenarioError, match="unknown threat 'meteor'"):
        simulate.simulate(_tjk(threat="meteor"), draws=10, seed=0, db=kb_db)
    with pytest.raises(ScenarioError, match="FIN is not a member of CSTO on 2023-06-01"):
        simulate.simulate(_tjk(requester="FIN"), draws=10, seed=0, db=kb_db)


# -- standing: who is in, who is out ------------------------------------------


def test_armenia_frozen_in_2025_gets_talk_at_most_and_is_told_why(kb_db: Path) -> None:
    """Issue 19: Armenia invoking against Azerbaijan on 2025-06-01."""
    result = simulate.simulate(
        _tjk(requester="ARM", threat="external", aggressor="AZE", on=dt.date(2025, 6, 1)),
        draws=4000,
        seed=0,
        db=kb_db,
    )
    assert result["predicted"] in ("nothing", "statement")
    assert result["outcomes"]["mission"] == 0 and result["outcomes"]["deployment"] == 0
    requester = result["standing"]["requester"]
    assert requester["status"] == "frozen" and requester["since"] == "2024-02-22"
    assert not requester["owed_help"]
    assert "froze its participation on 2024-02-22" in result["reasons"][0]
    for member in result["members"]:
        assert member["reasons"][0].startswith("ARM froze its participation")
    # The same request while Armenia still took part could end in a mission.
    member = simulate.simulate(
        _tjk(requester="ARM", threat="external", aggressor="AZE", on=dt.date(2023, 6, 1)),
        draws=4000,
        seed=0,
        db=kb_db,
    )
    assert member["standing"]["requester"]["owed_help"]
    assert member["outcomes"]["mission"] > 0.2


def test_a_frozen_member_takes_no_part_in_the_decision(kb_db: Path) -> None:
    while_in = simulate.simulate(_tjk(), draws=2000, seed=5, db=kb_db)
    frozen = simulate.simulate(_tjk(on=dt.date(2025, 6, 1)), draws=2000, seed=5, db=kb_db)
    assert "ARM" in _by_member(while_in)
    assert "ARM" not in _by_member(frozen)
    rows = {r["member"]: r for r in frozen["standing"]["members"]}
    assert rows["ARM"]["status"] == "frozen" and not rows["ARM"]["takes_part"]
    assert rows["KAZ"]["takes_part"] and not rows["TJK"]["takes_part"]  # TJK is the requester
    assert any(r.startswith("ARM: ARM froze its participation") for r in frozen["reasons"])
    # Uzbekistan's suspended participation in 2012 works the same way.
    suspended = simulate.simulate(
        _tjk(requester="KGZ", on=dt.date(2012, 9, 1)), draws=500, seed=5, db=kb_db
    )
    assert "UZB" not in _by_member(suspended)
    assert {"member": "UZB", "status": "suspended"}.items() <= next(
        r for r in suspended["standing"]["members"] if r["member"] == "UZB"
    ).items()


def test_a_state_that_left_is_not_owed_help(kb_db: Path) -> None:
    result = simulate.simulate(
        _tjk(requester="UZB", threat="incursion", aggressor="ISKP"), draws=2000, seed=0, db=kb_db
    )
    requester = result["standing"]["requester"]
    assert requester["status"] == "left" and requester["since"] == "2012-12-19"
    assert not result["scenario"]["obliged"] and not result["scenario"]["force_covered"]
    assert result["outcomes"]["deployment"] == 0 and result["outcomes"]["mission"] == 0
    assert "UZB left the alliance on 2012-12-19" in result["reasons"][0]


# -- ties with the aggressor ----------------------------------------------------


def test_ties_with_the_aggressor_are_a_factor_with_evidence(kb_db: Path) -> None:
    """Armenia, the day before its 2022 request: Russia's ties with Azerbaijan and
    Turkey weigh on its forces, with the knowledge-base facts behind them."""
    day = dt.date(2022, 9, 12)
    result = simulate.simulate(
        _tjk(requester="ARM", threat="external", aggressor="AZE", on=day),
        draws=2000,
        seed=0,
        db=kb_db,
    )
    assert result["scenario"]["aggressor_allies"] == ["TUR"]
    members = _by_member(result)
    rus = members["RUS"]["ties"]
    assert rus["with"] == ["AZE", "TUR"]
    assert {"rus-aze-allied-2022", "rus-aze-arms-2010"} <= set(rus["aggressor"]["facts"])
    assert rus["allies"]["TUR"]["facts"] == ["rus-tur-s400-2019"]
    assert rus["score"] > 0.4
    assert any("ties with AZE" in r for r in members["RUS"]["reasons"])
    assert members["RUS"]["support_for_forces"] < members["RUS"]["support"]
    assert members["KAZ"]["ties"]["aggressor"]["facts"] == ["turkic-council-2009"]
    assert members["TJK"]["ties"]["score"] == 0.0
    # Ties weigh on forces only: support for helping at all is the same without an aggressor.
    plain = simulate.simulate(
        _tjk(requester="ARM", threat="external", aggressor=None, on=day),
        draws=2000,
        seed=0,
        db=kb_db,
    )
    # The one other difference is side-taking in the UN General Assembly: the knowledge
    # base types Azerbaijan's votes on no roll call, so with it named there is none;
    # with no aggressor Russia's votes beside Armenia's count against no one's.
    with opened(kb_db) as store:
        against_aze = sides(store, store.knowledge, ["RUS"], "ARM", "AZE", day)
        against_none = sides(store, store.knowledge, ["RUS"], "ARM", None, day)
    assert "RUS" not in against_aze
    assert _by_member(plain)["RUS"]["support"] == pytest.approx(
        members["RUS"]["support"] + against_none["RUS"].value
    )


def test_ties_use_only_what_was_known_on_the_day(kb_db: Path) -> None:
    """Before the Shusha declaration (June 2021) and Russia's allied declaration
    with Azerbaijan (February 2022) neither counts."""
    result = simulate.simulate(
        _tjk(requester="ARM", threat="external", aggressor="AZE", on=dt.date(2021, 5, 13)),
        draws=500,
        seed=0,
        db=kb_db,
    )
    assert result["scenario"]["aggressor_allies"] == []
    rus = _by_member(result)["RUS"]["ties"]
    assert rus["aggressor"]["facts"] == ["rus-aze-arms-2010"]


def test_events_between_a_member_and_the_aggressor_move_its_ties(tmp_path: Path) -> None:
    from bloc.store import Store, opened

    db = tmp_path / "bloc.duckdb"
    with opened(db):
        pass
    scenario = _tjk(requester="ARM", threat="external", aggressor="AZE", on=dt.date(2021, 5, 13))
    before = _by_member(simulate.simulate(scenario, draws=200, seed=0, db=db))["TJK"]["ties"]
    with Store.open(db) as store:
        store.con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
            "alliance, "
            "intensity, confidence, origin, context, summary) "
            "VALUES ('tjk-aze-deal', DATE '2021-03-01', 'day', 'TJK', 'AZE',"
            " 'COOPERATE', NULL, NULL, 5, 1.0, 'text', NULL, NULL)"
        )
        store.con.execute(
            "INSERT INTO evidence VALUES ('tjk-aze-deal', 'f.txt', 's', 0, 1, DATE '2021-03-02',"
            " NULL)"
        )
    after = _by_member(simulate.simulate(scenario, draws=200, seed=0, db=db))["TJK"]["ties"]
    assert before["score"] == 0.0
    assert after["score"] > 0.1 and after["aggressor"]["events"] == ["tjk-aze-deal"]


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
    assert set(result) >= {"standing", "repertoire", "reasons", "member_model"}
    assert set(result["outcomes"]) == set(simulate.OUTCOMES)


def test_a_two_thirds_majority_outvotes_an_opponent_where_consensus_is_blocked() -> None:
    """The Rio Treaty's Organ of Consultation decides by two thirds (Articles 17 and
    20): one opposing member is outvoted, not a veto; under consensus it blocks."""
    from bloc.simulate.model import FORCES, OPPOSE, POLITICAL, STAY_OUT, decide
    from bloc.simulate.scenario import Terms

    stances = np.array(
        [
            [POLITICAL, POLITICAL, POLITICAL, POLITICAL, POLITICAL, OPPOSE],  # 5 of 6 back
            [POLITICAL, POLITICAL, STAY_OUT, STAY_OUT, STAY_OUT, STAY_OUT],  # 2 of 6
            [FORCES, FORCES, POLITICAL, POLITICAL, POLITICAL, POLITICAL],  # 2 send forces
        ]
    )
    talk = Terms("art6", "consultation", obliged=False, force=True)
    outcomes = [simulate.OUTCOMES[i] for i in decide(stances, [], None, talk, True, "consensus")]
    assert outcomes == ["nothing", "nothing", "deployment"]
    by_two_thirds = decide(stances, [], None, talk, True, "two-thirds majority")
    assert [simulate.OUTCOMES[i] for i in by_two_thirds] == ["statement", "nothing", "deployment"]
