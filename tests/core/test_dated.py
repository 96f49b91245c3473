"""Dates with their precision: parsing, printing, order, periods and when they are known."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import any_day, precisions

from bloc.core.dated import (
    EPOCH,
    Dated,
    NotADateError,
    agree,
    day_number,
    from_day_number,
    period_end,
    truncate,
)

dated = st.builds(Dated, any_day, precisions)


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("2022", dt.date(2022, 1, 1), "year"),
        ("2022-09", dt.date(2022, 9, 1), "month"),
        ("2022-09-13", dt.date(2022, 9, 13), "day"),
        (" 2024-02-29 ", dt.date(2024, 2, 29), "day"),
    ],
)
def test_parse_reads_each_precision(text: str, day: dt.date, precision: str) -> None:
    parsed = Dated.parse(text)
    assert parsed == Dated.of(day, precision)
    assert parsed.iso() == text.strip()


@pytest.mark.parametrize(
    "text", ["14/09/2022", "2022-9", "22-09-13", "yesterday", "", "2022-09-13T"]
)
def test_parse_refuses_other_shapes(text: str) -> None:
    with pytest.raises(NotADateError):
        Dated.parse(text)


@pytest.mark.parametrize("text", ["2022-02-30", "2023-02-29", "2022-13", "2022-00", "0000"])
def test_parse_refuses_days_that_do_not_exist_apart_from_bad_shapes(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        Dated.parse(text)
    assert not isinstance(raised.value, NotADateError)


@given(dated)
def test_iso_and_parse_round_trip_to_the_period(value: Dated) -> None:
    assert Dated.parse(value.iso()) == value.truncated()
    assert len(value.iso()) == {"day": 10, "month": 7, "year": 4}[value.precision]


def test_of_takes_a_stored_pair_and_refuses_an_unknown_precision() -> None:
    assert Dated.of(dt.date(2022, 9, 13), None) == Dated(dt.date(2022, 9, 13), "day")
    with pytest.raises(ValueError, match="unknown precision 'fortnight'"):
        Dated.of(dt.date(2022, 9, 13), "fortnight")


def test_a_week_is_a_week_monday_to_sunday() -> None:
    week = Dated.of(dt.date(2022, 9, 14), "week")  # a Wednesday
    assert (week.start, week.end) == (dt.date(2022, 9, 12), dt.date(2022, 9, 18))
    assert week.iso() == "2022-W37" and Dated.parse("2022-W37") == week.truncated()
    assert week.agrees(Dated(dt.date(2022, 9, 18))) and not week.agrees(Dated(dt.date(2022, 9, 19)))
    assert week.agrees(Dated(dt.date(2022, 9, 1), "month"))
    assert not week.agrees(Dated(dt.date(2022, 10, 1), "month"))  # three weeks away: apart
    across = Dated.of(dt.date(2022, 10, 1), "week")  # 26 September to 2 October
    assert across.agrees(Dated(dt.date(2022, 9, 1), "month"))
    assert across.agrees(Dated(dt.date(2022, 10, 1), "month"))
    assert week.finer_than(Dated(dt.date(2022, 9, 1), "month"))


def test_order_is_by_day_then_finest_first() -> None:
    day = Dated(dt.date(2022, 1, 1), "day")
    month = Dated(dt.date(2022, 1, 1), "month")
    year = Dated(dt.date(2022, 1, 1), "year")
    later = Dated(dt.date(2021, 12, 31), "day")
    assert sorted([year, later, month, day]) == [later, day, month, year]
    assert day < month <= month < year and year > later


@given(dated, dated)
def test_order_is_total_and_agrees_with_equality(a: Dated, b: Dated) -> None:
    assert (a < b) + (a == b) + (a > b) == 1


@pytest.mark.parametrize(
    ("day", "precision", "end"),
    [
        (dt.date(2022, 12, 5), "month", dt.date(2022, 12, 31)),
        (dt.date(2023, 2, 10), "month", dt.date(2023, 2, 28)),
        (dt.date(2024, 2, 1), "month", dt.date(2024, 2, 29)),
        (dt.date(2000, 2, 1), "month", dt.date(2000, 2, 29)),
        (dt.date(1900, 2, 1), "month", dt.date(1900, 2, 28)),
        (dt.date(2022, 4, 30), "month", dt.date(2022, 4, 30)),
        (dt.date(2022, 3, 9), "year", dt.date(2022, 12, 31)),
        (dt.date(2024, 2, 29), "day", dt.date(2024, 2, 29)),
    ],
)
def test_period_end(day: dt.date, precision: str, end: dt.date) -> None:
    assert Dated.of(day, precision).end == end == period_end(day, precision)


@given(dated)
def test_a_period_runs_from_its_start_to_its_end(value: Dated) -> None:
    assert value.start <= value.day <= value.end
    assert truncate(value.end, value.precision) == value.start
    assert (value.end + dt.timedelta(days=1)) > value.end  # the next day is the next period
    assert truncate(value.end + dt.timedelta(days=1), value.precision) != value.start


@pytest.mark.parametrize(
    ("text", "last_unknown", "first_known"),
    [
        ("2022-09-13", "2022-09-12", "2022-09-13"),
        ("2022-09", "2022-09-29", "2022-09-30"),  # a month is known once it has ended
        ("2022-12", "2022-12-30", "2022-12-31"),
        ("2024-02", "2024-02-28", "2024-02-29"),
        ("2023-02", "2023-02-27", "2023-02-28"),
        ("2022", "2022-12-30", "2022-12-31"),
    ],
)
def test_known_by_waits_for_the_end_of_the_period(
    text: str, last_unknown: str, first_known: str
) -> None:
    value = Dated.parse(text)
    assert not value.known_by(dt.date.fromisoformat(last_unknown))
    assert value.known_by(dt.date.fromisoformat(first_known))


def test_agree_at_the_coarser_precision() -> None:
    sep13 = (dt.date(2022, 9, 13), "day")
    assert agree(sep13, (dt.date(2022, 9, 1), "month"))
    assert agree((dt.date(2022, 1, 1), "year"), sep13)
    assert not agree(sep13, (dt.date(2022, 9, 14), "day"))
    assert not agree(sep13, (dt.date(2022, 10, 1), "month"))
    assert not agree((dt.date(2021, 9, 13), "year"), sep13)


@given(dated, dated)
def test_agree_is_symmetric_and_means_one_period_holds_the_other(a: Dated, b: Dated) -> None:
    coarser = max(a.precision, b.precision, key=("day", "month", "year").index)
    assert a.agrees(b) == b.agrees(a) == (a.at(coarser) == b.at(coarser))


@given(dated)
def test_finer_and_at(value: Dated) -> None:
    assert not value.finer_than(value)
    assert value.at(value.precision) == value.truncated()
    assert value.at("year").agrees(value)


@given(any_day)
def test_day_numbers_count_from_the_epoch(day: dt.date) -> None:
    assert day_number(EPOCH) == 0
    assert from_day_number(day_number(day)) == day
