"""Agreement in the UN General Assembly, and the vote signal of exit risk.

The shared record (../shared/data/unvotes) is imported once per session (conftest.py); tests
that need it skip locally without it and fail under CI (tests/helpers.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bloc import measures
from bloc.cli import app
from bloc.measures.drift import VOTE_HALF_LIFE_DAYS, Drift, drift, weigh
from bloc.measures.votes import agreement_table
from unvotes_files import FILES, UNVOTES


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    calls = pd.DataFrame(
        {
            "rcid": ["1", "2", "3", "4"],
            "date": pd.to_datetime(["2001-01-01", "2001-02-01", "2001-03-01", "2002-01-01"]),
            "resolution": ["R/1", "R/2", "R/3", "R/4"],
            "topics": [["hr"], ["nu"], ["hr"], []],
            "short": ["A", "B", "C", "D"],
            "median": [1.0, 0.0, 1.0, 1.0],  # the median vote cast, as the store gives it
        }
    )
    rows = [
        ("1", "RUS", "yes"), ("1", "UZB", "yes"), ("1", "KAZ", "no"),
        ("2", "RUS", "no"), ("2", "UZB", "abstain"), ("2", "KAZ", "no"),
        ("3", "RUS", "yes"), ("3", "KAZ", "yes"),  # UZB absent: no vote, not counted
        ("4", "RUS", "yes"), ("4", "UZB", "no"), ("4", "KAZ", "yes"),
    ]  # fmt: skip
    return calls, pd.DataFrame(rows, columns=["rcid", "member", "vote"])


def test_agreement_counts_abstain_as_half_and_absence_as_no_vote() -> None:
    calls, votes = _frames()
    table = agreement_table(calls, votes, "RUS", ["UZB", "KAZ"]).set_index(["member", "year"])
    uzb = table.loc[("UZB", 2001)]
    assert uzb.votes == 2 and uzb.agreement == pytest.approx((1 + 0.5) / 2)
    assert uzb.s_score == pytest.approx(1 - 2 * (0 + 0.25) / 2)
    assert table.loc[("UZB", 2002)].agreement == 0.0
    kaz = table.loc[("KAZ", 2001)]
    assert kaz.votes == 3 and kaz.agreement == pytest.approx(2 / 3)
    # The Assembly's median on roll call 1 is yes (yes, yes, no): KAZ voted no.
    assert kaz.with_median == pytest.approx(2 / 3)
    hr = agreement_table(calls, votes, "RUS", ["UZB"], topic="hr")
    assert list(hr.votes) == [1] and list(hr.agreement) == [1.0]
    assert list(agreement_table(calls, votes, "RUS", ["UZB"], since=2002).year) == [2002]


def test_a_member_without_any_evidence_reads_no_evidence_not_a_default() -> None:
    score, reasons = weigh(0.175, ["misalignment 0.50 (0 signals)"], [(0.175, 0)], None)
    assert math.isnan(score) and reasons == ["no evidence"]
    drift = Drift(0.5, 0.7, 0.9, None, 100, (1997, 1998))
    score, reasons = weigh(0.175, ["misalignment 0.50 (0 signals)"], [(0.175, 0)], drift)
    assert score == pytest.approx(0.075)
    assert reasons[0].startswith("UN votes 0.50") and reasons[1] == "misalignment: no evidence"


def test_five_member_years_match_an_independent_count_from_the_files(votes_db: Path) -> None:
    votes = pd.read_csv(UNVOTES / FILES[0], keep_default_na=False)
    calls = pd.read_csv(UNVOTES / FILES[1], usecols=["rcid", "date"])
    votes = votes.merge(calls, on="rcid")
    votes["year"] = votes.date.str[:4].astype(int)
    score = votes.vote.map({"yes": 1.0, "abstain": 0.5, "no": 0.0})
    votes = votes.assign(score=score)
    # (member as the file writes it, its code, leader's alpha-2, leader's code, year)
    cases = [
        ("UZ", "UZB", "RU", "CSTO", 1998),
        ("AM", "ARM", "RU", "CSTO", 2005),
        ("BY", "BLR", "RU", "CSTO", 2019),
        ("TR", "TUR", "US", "NATO", 2011),
        ("AL", "ALB", "US", "NATO", 2015),
    ]
    for alpha2, code, leader, alliance, year in cases:
        mine = votes[(votes.country_code == alpha2) & (votes.year == year)]
        lead = votes[(votes.country_code == leader) & (votes.year == year)]
        both = mine.merge(lead, on="rcid")
        expected = (1 - (both.score_x - both.score_y).abs()).mean()
        got = measures.votes(alliance, db=votes_db, since=year, on=f"{year}-12-31")
        row = got[(got.member == code) & (got.year == year)].iloc[0]
        assert round(row.agreement, 3) == round(expected, 3), (code, year)
        assert row.votes == len(both)


def test_risk_in_1998_ranks_uzbekistan_first_on_its_un_votes(votes_db: Path) -> None:
    ranked = measures.risk("CSTO", on="1998-12-31", db=votes_db)
    assert ranked.member.iloc[0] == "UZB"
    assert ranked.score.nunique() > 1  # no longer flat
    assert ranked.reasons.iloc[0][0].startswith("UN votes")
    assert "General Assembly votes in 1996-1998" in ranked.reasons.iloc[0][0]
    why = measures.explain("CSTO", "UZB", on="1998-12-31", db=votes_db)
    un = why[why.component == "UN votes"]
    assert len(un) >= 3 and all(str(s).startswith("R/5") for s in un.summary)
    assert all(pd.Timestamp(d) <= pd.Timestamp("1998-12-31") for d in un.date)


@pytest.mark.parametrize("on", ["2023-05-31", "2024-12-31"])
def test_the_rankings_of_2023_and_2024_still_hold_with_the_votes_in(
    votes_db: Path, kb_db: Path, on: str
) -> None:
    with_votes = measures.risk("CSTO", on=on, db=votes_db)
    without = measures.risk("CSTO", on=on, db=kb_db)
    assert list(with_votes.member) == list(without.member)
    assert with_votes.member.iloc[0] == "ARM"
    if on == "2023-05-31":
        assert with_votes.member.iloc[-1] == "BLR"


def test_cli_votes_json_and_states(votes_db: Path) -> None:
    runner = CliRunner()
    args = ["votes", "CSTO", "--since", "1997", "--on", "1998-12-31", "--db", str(votes_db)]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"member", "year", "agreement", "votes"} <= set(rows[0])
    assert {r["year"] for r in rows} == {1997, 1998}
    assert all(0 <= r["agreement"] <= 1 for r in rows)
    pair = runner.invoke(
        app, ["votes", "--states", "RUS,UZB", "--since", "1998", "--on", "1998-12-31",
              "--db", str(votes_db), "--format", "csv"],
    )  # fmt: skip
    assert pair.exit_code == 0 and pair.output.splitlines()[1].startswith("UZB,RUS,1998,")


def test_without_an_import_the_hand_typed_votes_cover_2022_and_2023(kb_db: Path) -> None:
    frame = measures.votes("CSTO", db=kb_db)
    assert set(frame.year) == {2022, 2023}
    blr = frame[frame.member == "BLR"]
    assert (blr.agreement == 1.0).all() and blr.votes.sum() == 4


TODAY = "2026-06-30"  # a fixed today, three years after the last hand-typed vote


def test_nato_with_the_votes_in_ranks_by_the_record(votes_db: Path) -> None:
    ranked = measures.risk("NATO", on=TODAY, db=votes_db).set_index("member")
    assert not ranked.score.isna().any()
    assert ranked.score.nunique() > 20  # not a flat default
    top = list(ranked.sort_values("score", ascending=False).index[:3])
    assert "TUR" in top  # the member that votes least with the rest of NATO of late
    # Albania votes with the US as its peers do: in the lower half, not second.
    assert list(ranked.index).index("ALB") >= len(ranked) // 2
    reason = next(r for r in ranked.loc["TUR"].reasons if r.startswith("UN votes"))
    assert "General Assembly votes in 2016-2023" in reason  # the record, not four votes


def test_a_few_recent_votes_reach_back_to_the_record() -> None:
    """Four votes in the last window are no record: the window reaches back to the last
    two years with the leader on `EVIDENCE` roll calls, and fades at the votes' pace."""
    dates = [f"20{y:02d}-{m:02d}-01" for y in (17, 18, 19) for m in range(1, 13)]
    dates += ["2022-03-01", "2022-10-01", "2023-02-01", "2023-04-01"]
    calls = pd.DataFrame(
        {
            "rcid": [str(i) for i in range(len(dates))],
            "date": pd.to_datetime(dates),
            "resolution": None,
            "topics": [[] for _ in dates],
            "short": None,
            "median": 1.0,
        }
    )
    rows = []
    for i, d in enumerate(dates):
        late = d >= "2022"
        rows += [(str(i), "USA", "yes"), (str(i), "AAA", "yes")]
        rows.append((str(i), "BBB", "yes" if late else "no"))  # votes against the US 2017-19
    cast = pd.DataFrame(rows, columns=["rcid", "member", "vote"])
    day = pd.Timestamp("2028-04-01").date()
    found = drift(calls, cast, "USA", ["AAA", "BBB"], day)
    bbb = found["BBB"]
    assert bbb.votes == 40 and bbb.years == (2017, 2023)
    assert bbb.recent == pytest.approx(4 / 40)
    # Full shortfall (0.9 below its peer), counted 40/60, five years after its last vote.
    expected = (1 - math.exp(-0.9 / 0.05)) * 40 / 60 * 2 ** (-(365 * 5 + 1) / VOTE_HALF_LIFE_DAYS)
    assert bbb.value == pytest.approx(expected, rel=1e-3)
    assert found["AAA"].value == 0.0
