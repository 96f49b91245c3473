"""The merge rule (same_happening) and the look-ahead rule (known_by)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import any_day, precisions

from bloc.core.dated import Dated, day_number
from bloc.core.events import CodedEvent
from bloc.core.rules import (
    first_published,
    happening_key,
    known_by,
    known_days,
    known_from,
    periods_overlap,
    reinforced,
    same_happening,
    same_time,
)

dated = st.builds(Dated, any_day, precisions)


def _event(day: dt.date, precision: str = "day", **changes: object) -> CodedEvent:
    event = CodedEvent(
        date=day,
        precision=precision,  # type: ignore[arg-type]
        source="AZE",
        target="ARM",
        type="ASSAULT",
        mode=None,
        alliance=None,
        intensity=-9.0,
        confidence=0.6,
        document="d1",
        sentence="Azerbaijan attacked Armenia.",
        start=0,
        end=28,
        published=day,
        url=None,
    )
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]


def test_same_happening_needs_the_same_actors_type_and_agreeing_dates() -> None:
    day = _event(dt.date(2022, 9, 13))
    assert same_happening(day, _event(dt.date(2022, 9, 1), "month", document="d2"))
    assert same_happening(day, _event(dt.date(2022, 1, 1), "year"))
    assert not same_happening(day, _event(dt.date(2022, 9, 14)))
    assert not same_happening(day, _event(dt.date(2022, 9, 13), type="THREATEN"))
    assert not same_happening(day, _event(dt.date(2022, 9, 13), source="ARM", target="AZE"))
    assert happening_key(day) == ("AZE", "ARM", "ASSAULT") == day.key


@given(dated, dated)
def test_same_time_is_periods_overlapping(a: Dated, b: Dated) -> None:
    """The array form the measures use agrees with the rule on every pair of dates."""
    arrays = [np.array([float(day_number(d))]) for d in (a.start, a.end, b.start, b.end)]
    assert bool(periods_overlap(*arrays)[0]) == same_time(a.pair(), b.pair())


def test_reinforced_raises_confidence_up_to_a_cap() -> None:
    assert reinforced(0.5, 0.6) == 0.65
    assert reinforced(0.7, 0.2) == 0.75
    assert reinforced(0.97, 0.5) == 0.99
    assert reinforced(0.99, 0.99) == 0.99


def test_a_curated_entry_is_known_once_its_period_has_ended() -> None:
    september = Dated.parse("2022-09")
    assert not known_by(dt.date(2022, 9, 29), september, curated=True)
    assert known_by(dt.date(2022, 9, 30), september, curated=True)
    # Even if an article reported it earlier: the record is the record.
    early = [Dated.parse("2022-09-14")]
    assert not known_by(dt.date(2022, 9, 20), september, early, curated=True)


def test_a_coded_report_is_known_from_its_first_publication() -> None:
    day = Dated.parse("2022-09-13")
    papers = [Dated.parse("2022-09-20"), Dated.parse("2022-09-15"), None]
    assert first_published(papers) == Dated.parse("2022-09-15")
    assert not known_by(dt.date(2022, 9, 14), day, papers)
    assert known_by(dt.date(2022, 9, 15), day, papers)


def test_a_report_is_never_known_before_its_own_date() -> None:
    future = Dated.parse("2022-10-01")  # a plan, published before it happens
    assert known_from(future, Dated.parse("2022-09-15")) == dt.date(2022, 10, 1)


def test_a_publication_known_to_its_month_counts_from_the_month_end() -> None:
    day = Dated.parse("2022-09-13")
    assert known_from(day, Dated.parse("2022-09")) == dt.date(2022, 9, 30)
    assert not known_by(dt.date(2022, 9, 29), day, [Dated.parse("2022-09")])


def test_an_undated_report_is_known_from_its_period_end() -> None:
    assert known_from(Dated.parse("2022"), None) == dt.date(2022, 12, 31)
    assert known_by(dt.date(2022, 9, 13), Dated.parse("2022-09-13"), [None])


@given(dated, st.one_of(st.none(), dated), st.booleans())
def test_the_array_form_agrees_with_known_from(
    value: Dated, published: Dated | None, curated: bool
) -> None:
    def column(day: dt.date | None) -> np.ndarray:
        return np.array([np.nan if day is None else float(day_number(day))])

    got = known_days(
        column(value.day),
        column(value.end),
        column(published.end if published else None),
        np.array([curated]),
    )
    assert got[0] == day_number(known_from(value, published, curated))
