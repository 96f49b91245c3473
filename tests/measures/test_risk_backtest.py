"""The exit-risk back-test: every exit ranked as it stood beforehand, and its placebo.

The figures of issue 27 ("How it is measured") are checked on the real record
(the shared UN votes, imported once per session) and printed (`pytest -s`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bloc import measures
from bloc.cli import app
from bloc.core.alliance import Exit
from bloc.knowledge import bundled
from bloc.measures.backtest import COLUMNS, _ranked, exit_day, summary
from bloc.measures.drift import drift
from bloc.measures.votes import majority, valued_votes


def test_ties_share_their_average_rank_and_percentile_runs_from_one_to_zero() -> None:
    frame = pd.DataFrame(
        {"member": list("ABCDE"), "score": [0.9, 0.5, 0.0, np.nan, 0.0], "reasons": [[]] * 5}
    )
    ranked = _ranked(frame).set_index("member")
    assert ranked.loc["A", "rank"] == 1 and ranked.loc["A", "percentile"] == 1.0
    # No evidence (NaN) ranks as no signal: C, D and E tie for ranks 3-5.
    assert list(ranked.loc[["C", "D", "E"], "rank"]) == [4.0, 4.0, 4.0]
    assert ranked.loc["C", "percentile"] == pytest.approx(0.25)
    assert ranked.percentile.mean() == pytest.approx(0.5)


def test_summary_counts_the_top_third_and_its_p_value_is_seeded() -> None:
    frame = pd.DataFrame({"percentile": [1.0, 1.0, 0.9, 0.2, np.nan], "of": [10, 5, 11, 6, 1]})
    one = summary(frame, seed=3)
    assert one.cases == 4 and one.median == pytest.approx(0.95)
    assert one.top_third == pytest.approx(0.75)
    assert one.p_value == summary(frame, seed=3).p_value  # same seed, same answer
    assert one.p_value < 0.1
    low = summary(pd.DataFrame({"percentile": [0.0, 0.1, 0.2], "of": [10, 10, 10]}))
    assert low.p_value > 0.9  # ranked at the bottom: random rankings do better


def test_an_exit_counts_from_its_first_public_step() -> None:
    told = Exit("RIO", "MEX", "denunciation", dt.date(2004, 9, 6), "day", "", (),
                dt.date(2002, 9, 6))  # fmt: skip
    assert exit_day(told) == dt.date(2002, 9, 6)
    assert exit_day(Exit("CSTO", "ARM", "freeze", dt.date(2024, 2, 22), "day", "", ())) == (
        dt.date(2024, 2, 22)
    )


def _record(days: list[str], votes: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    calls = pd.DataFrame(
        {
            "rcid": [str(i) for i in range(len(days))],
            "date": pd.to_datetime(days),
            "resolution": None,
            "topics": [[] for _ in days],
            "short": None,
            "median": 1.0,
        }
    )
    rows = [(str(i), m, v[i]) for m, v in votes.items() for i in range(len(days)) if v[i]]
    return calls, pd.DataFrame(rows, columns=["rcid", "member", "vote"])


def test_a_leaderless_alliance_reads_each_member_against_the_others_majority() -> None:
    days = [f"2010-{m:02d}-01" for m in range(1, 13)] * 3
    days = [d.replace("2010", str(2008 + i // 12)) for i, d in enumerate(days)]
    votes = {
        "AAA": ["yes"] * 36,
        "BBB": ["yes"] * 36,
        "CCC": ["yes"] * 35 + ["abstain"],
        "DDD": ["no"] * 18 + ["yes"] * 18,  # stands apart half the time
    }
    calls, cast = _record(days, votes)
    found = drift(calls, cast, None, ["AAA", "BBB", "CCC", "DDD"], dt.date(2011, 1, 31))
    assert max(found, key=lambda m: found[m].value) == "DDD"
    assert found["DDD"].recent == pytest.approx(0.5) and found["AAA"].value == 0.0
    assert "the other members' majority" in found["DDD"].reason()
    # The majority of an even split lies between the two middle votes.
    valued = valued_votes(calls, cast, None)
    mid = majority(valued[valued.rcid == "0"], ["AAA", "DDD"])
    assert mid.value.iloc[0] == 0.5 and mid.vote.iloc[0] == "abstain"


def test_votes_cast_after_the_day_change_nothing() -> None:
    days = [f"{2000 + i // 12}-{i % 12 + 1:02d}-15" for i in range(60)]
    base = {"AAA": ["yes"] * 60, "BBB": ["yes", "no"] * 30, "USA": ["yes"] * 60}
    calls, cast = _record(days, base)
    day = dt.date(2002, 12, 31)
    before = drift(calls, cast, "USA", ["AAA", "BBB"], day)
    later = {m: v[:36] + ["no" if m == "AAA" else "yes"] * 24 for m, v in base.items()}
    calls2, cast2 = _record(days, later)
    after = drift(calls2, cast2, "USA", ["AAA", "BBB"], day)
    assert {m: d.value for m, d in before.items()} == {m: d.value for m, d in after.items()}


def test_hand_typed_votes_record_every_member_of_the_day() -> None:
    """No hindsight in the hand-typed record: a resolution typed into the knowledge base
    records the vote (or absence) of every member of the alliances it was typed for (those
    of whose members it records most), not only of those that later left."""
    kb = bundled()
    typed_for = set()
    for r in kb.resolutions:
        for al in kb.alliances.values():
            members = {s.member for s in al.members_on(r.date)}
            if len(members & set(r.votes)) > len(members) / 2:
                typed_for.add(al.code)
                assert members <= set(r.votes), (r.id, al.code, sorted(members - set(r.votes)))
    assert typed_for == {"CSTO", "NATO"}  # the check checks something


@pytest.fixture(scope="module")
def results(votes_db: Path) -> dict[str, pd.DataFrame]:
    return {e: measures.risk_backtest(evidence=e, db=votes_db) for e in ("votes", "all")}


@pytest.mark.slow
def test_votes_alone_rank_the_members_that_left_high(results: dict[str, pd.DataFrame]) -> None:
    frame = results["votes"]
    assert list(frame.columns) == COLUMNS
    found = summary(frame, "votes")
    print("\n" + found.line())
    assert found.cases >= 15
    assert found.median >= 0.75 and found.top_third >= 0.60
    assert found.p_value < 0.05
    # Votes only: no hand-picked event; the hand-typed votes of 2022-2023 are a sliver.
    assert (frame.hand_entered.dropna() < 0.05).all()
    assert (frame.as_of < frame.date).all()
    assert frame.percentile.between(0, 1).all()


@pytest.mark.slow
def test_all_the_evidence_does_no_worse_than_votes(results: dict[str, pd.DataFrame]) -> None:
    votes, every = summary(results["votes"], "votes"), summary(results["all"], "all")
    print("\n" + every.line())
    assert every.cases == votes.cases
    assert every.median >= votes.median - 1e-9 and every.top_third >= votes.top_third - 1e-9
    # Each case says how much of its score hand-entered entries made.
    assert results["all"].hand_entered.dropna().between(0, 1).all()


@pytest.mark.slow
def test_the_placebo_sits_near_a_random_ranking(votes_db: Path) -> None:
    shams = measures.risk_placebo(evidence="votes", pairs=80, seed=1, db=votes_db)
    found = summary(shams, "votes")
    print("\n" + found.line("placebo") + f"; mean {shams.percentile.mean():.2f}")
    assert found.cases == 80 and set(shams.kind) == {"placebo"}
    assert abs(shams.percentile.mean() - 0.5) < 0.1
    assert abs(found.median - 0.5) <= 0.15 and found.p_value > 0.05
    again = measures.risk_placebo(evidence="votes", pairs=5, seed=1, db=votes_db)
    assert again[["alliance", "member", "date"]].equals(
        shams.head(5)[["alliance", "member", "date"]]
    )


@pytest.mark.slow
def test_cli_backtest_risk_json_has_exactly_the_fields(votes_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "--risk", "CSTO", "--db", str(votes_db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [set(r) for r in rows] == [set(COLUMNS)] * len(rows) and len(rows) == 5
    uzb = next(r for r in rows if r["member"] == "UZB" and r["date"] == "1999-04-20")
    assert uzb["rank"] == 1 and uzb["percentile"] == 1.0 and uzb["as_of"] == "1998-04-20"
    assert "cases, median percentile" in result.stderr
    bad = CliRunner().invoke(app, ["backtest", "--risk", "--evidence", "rumour"])
    assert bad.exit_code == 1 and "votes, events or all" in bad.output


def test_cli_backtest_risk_table_prints_the_summary_and_the_placebo(kb_db: Path) -> None:
    args = ["backtest", "--risk", "CSTO", "--db", str(kb_db), "--placebo", "--pairs", "4"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "votes: 5 cases, median percentile" in result.stdout
    assert "placebo: 4 cases" in result.stdout and "placebo: mean percentile" in result.stdout
    as_json = CliRunner().invoke(app, [*args, "--format", "json"])
    kinds = [r["kind"] for r in json.loads(as_json.stdout)]
    assert kinds.count("placebo") == 4 and len(kinds) == 9
