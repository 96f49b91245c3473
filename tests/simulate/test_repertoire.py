"""The alliance's record of answers: precedents known before the day, and how they count."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bloc import simulate
from bloc.core.alliance import Alliance, AssistanceRequest
from bloc.knowledge import bundled
from bloc.simulate.repertoire import Precedent, Record, combine, record_on


def _with_request(code: str, **fields: object) -> Alliance:
    """The bundled alliance with one more recorded request."""
    al = bundled().alliance(code)
    base = {
        "id": "added",
        "alliance": al.code,
        "precision": "day",
        "aggressor": None,
        "response": "added for the test",
        "cite": ("nato-article4",),
    }
    base.update(fields)
    added = AssistanceRequest(**base)  # type: ignore[arg-type]
    requests = tuple(sorted([*al.requests, added], key=lambda r: r.date))
    return dataclasses.replace(al, requests=requests)


def test_precedents_are_the_same_request_known_before_the_day() -> None:
    nato = bundled().alliance("NATO")
    before_2014 = record_on(nato, "art4", "external", True, dt.date(2014, 3, 3))
    assert [p.case for p in before_2014.precedents] == ["tur-2003", "tur-2012-10"]
    before_2022 = record_on(nato, "art4", "external", True, dt.date(2022, 2, 23))
    assert [p.case for p in before_2022.precedents] == ["tur-2003", "tur-2012-10", "pol-2014"]
    assert before_2022.counts()["deployment"] == 3
    # Another threat, or another provision, is another request.
    abroad = record_on(nato, "art4", "abroad", False, dt.date(2020, 2, 27))
    assert [p.case for p in abroad.precedents] == ["tur-2012-06"]
    assert record_on(nato, "art5", "external", True, dt.date(2022, 2, 23)).precedents == (
        Precedent("usa-2001", dt.date(2001, 9, 12), "deployment"),
    )


def test_a_request_under_other_treaty_terms_is_no_precedent() -> None:
    """Kyrgyzstan 2010 asked before the CSTO's rules covered internal unrest with
    force, Kazakhstan 2022 after: the first is no precedent for the second."""
    csto = bundled().alliance("CSTO")
    assert record_on(csto, "art4", "internal", True, dt.date(2022, 1, 4)).precedents == ()
    assert [
        p.case for p in record_on(csto, "art4", "internal", False, dt.date(2022, 1, 4)).precedents
    ] == ["kgz-2010"]


def test_the_record_updates_the_members_forecast_within_what_is_possible() -> None:
    model = {"deployment": 0.1, "mission": 0.0, "statement": 0.6, "nothing": 0.3}
    record = Record(
        "art4",
        "external",
        True,
        tuple(Precedent(f"c{i}", dt.date(2000 + i, 1, 1), "deployment") for i in range(3)),
    )
    both = combine(model, record, {"deployment", "statement", "nothing"}, weight=1.0)
    assert both["deployment"] == pytest.approx((0.1 + 3) / 4)
    assert both["statement"] == pytest.approx(0.6 / 4)
    assert sum(both.values()) == pytest.approx(1.0)
    # A precedent whose outcome is no longer possible (no forces, say) does not count.
    assert combine(model, record, {"statement", "nothing"}, weight=1.0) == model
    assert combine(model, Record("art4", "external", True, ()), {"statement"}) == model


def test_a_later_request_changes_no_earlier_prediction(kb_db: Path) -> None:
    """Leave-future-out: a request recorded after every case moves none of them,
    while the same request recorded early does move the cases after it."""
    plain = simulate.backtest("NATO", draws=500, seed=2, db=kb_db)
    later = simulate.backtest(
        _with_request(
            "NATO",
            requester="EST",
            date=dt.date(2023, 6, 1),
            threat="external attack",
            provision="art4",
            outcome="nothing",
        ),
        draws=500,
        seed=2,
        db=kb_db,
    )
    assert later.case.tolist() == [*plain.case, "added"]
    assert later.probabilities[:8].tolist() == plain.probabilities.tolist()
    assert int(later.precedents.iloc[-1]) == 4  # the added case learns from all four before it
    early = simulate.backtest(
        _with_request(
            "NATO",
            requester="TUR",
            date=dt.date(2005, 6, 1),
            threat="external attack",
            provision="art4",
            outcome="nothing",
        ),
        draws=500,
        seed=2,
        db=kb_db,
    )
    moved = early.set_index("case").probabilities
    assert moved["tur-2012-10"] != plain.set_index("case").probabilities["tur-2012-10"]
    assert moved["tur-2003"] == plain.set_index("case").probabilities["tur-2003"]


def test_the_first_request_rests_on_the_members_forecast_alone(kb_db: Path) -> None:
    frame = simulate.backtest("NATO", draws=500, seed=0, db=kb_db)
    first = frame.iloc[0]
    assert first.case == "usa-2001" and first.precedents == 0
    assert first.probabilities == first.member_model
