"""Every measure that takes an alliance works with each of the seven, and an alliance
without a leader (CENTO after 1959, the Rio Treaty) is read against its majority."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bloc import measures
from bloc.knowledge import bundled

ON = {  # a day in each alliance's life
    "ANZUS": "1984-06-30",
    "CENTO": "1975-06-30",
    "CSTO": "1998-12-31",
    "NATO": "1965-06-30",
    "RIO": "2011-06-30",
    "SEATO": "1970-06-30",
    "WARSAW": "1967-06-30",
}


def test_the_seven_alliances_are_the_knowledge_bases() -> None:
    assert set(ON) == set(bundled().alliances)
    assert {c for c, al in bundled().alliances.items() if al.leader is None} == {"CENTO", "RIO"}


@pytest.mark.parametrize("code", sorted(ON))
def test_every_measure_takes_each_alliance(kb_db: Path, code: str) -> None:
    on = ON[code]
    ranked = measures.risk(code, on=on, db=kb_db)
    leader = bundled().alliance(code).leader
    assert len(ranked) == len(bundled().alliance(code).members_on(_day(on))) - bool(leader)
    measures.explain(code, str(ranked.member.iloc[0]), on=on, db=kb_db)
    assert not measures.alignment(code, since="1950-01-01", until=on, db=kb_db).empty
    measures.dyads(code, on=on, db=kb_db)
    measures.cohesion(code, since="1950-01-01", until=on, db=kb_db)
    measures.reliability(code, on=on, db=kb_db)
    measures.votes(code, on=on, db=kb_db)
    assert list(measures.compare([code, "NATO"], on=on, db=kb_db).columns)


def _day(on: str) -> dt.date:
    return dt.date.fromisoformat(on)


@pytest.mark.slow
def test_the_rio_treaty_is_read_against_its_majority(votes_db: Path) -> None:
    """In 2011 the four states that denounced the treaty in 2012 (Bolivia, Ecuador,
    Nicaragua, Venezuela) were among those agreeing least with the others' majority."""
    frame = measures.votes("RIO", since=2011, on="2011-12-31", db=votes_db)
    frame = frame[frame.member_then & (frame.year == 2011)]
    assert set(frame.leader) == {"majority"}
    lowest = set(frame.sort_values("agreement").member.head(7))
    assert {"BOL", "NIC", "VEN"} <= lowest
    ranked = measures.risk("RIO", on="2011-06-04", db=votes_db)
    reason = next(r for r in ranked.reasons.iloc[1] if r.startswith("UN votes"))
    assert "other members' majority" in reason
