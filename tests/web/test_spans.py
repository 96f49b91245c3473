"""Dates on chart axes at the precision they are known to: periods at their middle,
month- and year-precision exits as the month or the year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bloc.web import pages, spans
from bloc.web.exits_page import exits_context


def test_yearly_values_sit_over_their_own_year(kb_db: Path) -> None:
    page = pages.comparison(["CSTO", "NATO"], dt.date(2023, 5, 31), kb_db)
    traces = page["cohesion_chart"]["data"]
    assert [t["name"] for t in traces] == ["CSTO", "NATO"]
    for trace in traces:
        assert trace["x"]
        for x, label in zip(trace["x"], trace["text"], strict=True):
            day = dt.date.fromisoformat(x)
            period, _, end = label.partition(", as of ")
            last = dt.date.fromisoformat(end)
            assert period == str(day.year) == str(last.year)
            # A whole year at mid-year; the year still running at the middle of its days so far.
            assert day.month == 7 if last.month == 12 else day < last
    layout = page["cohesion_chart"]["layout"]
    assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]


def test_quarterly_values_sit_inside_their_quarter(kb_db: Path) -> None:
    page = pages.overview("CSTO", dt.date(2023, 5, 31), kb_db)
    index = page["cohesion"]["data"][0]
    for x, label in zip(index["x"], index["text"], strict=True):
        period, _, end = label.partition(", as of ")
        day, last = dt.date.fromisoformat(x), dt.date.fromisoformat(end)
        assert period == f"{last.year}Q{(last.month - 1) // 3 + 1}"
        assert last - dt.timedelta(days=92) < day < last  # inside the quarter, not on its end


def test_an_exit_known_to_the_month_is_drawn_as_the_month(kb_db: Path) -> None:
    context = exits_context(kb_db)
    month = next(x for x in context["exits"] if x["date_precision"] == "month")
    first = dt.date.fromisoformat(month["date"][:10]).replace(day=1)
    chart = context["exits_chart"]["data"]
    band = next(t for t in chart if t["name"] == "known to the month or year")
    pairs = list(zip(band["x"][0::3], band["x"][1::3], strict=True))
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert (first.isoformat(), after.isoformat()) in pairs
    marks = next(t for t in chart if t["name"] == month["kind"])
    label = f"{month['name']} ({month['member']}), {month['kind']}, {first.isoformat()[:7]}"
    at = marks["x"][marks["text"].index(label)]
    assert first < dt.date.fromisoformat(at) < after  # in the month, not on its first day


def test_a_day_is_a_point_and_a_year_a_year() -> None:
    assert spans.span("2022-09-13", "day") is None
    assert spans.span("2014-01-01", "year") == ("2014-01-01", "2015-01-01", "2014")
    assert spans.point("1999-08-01", "month") == ("1999-08-16", "1999-08")
    # A quarter still running (measured to 10 February) starts on its own first day.
    assert spans.period_start("1970Q1", dt.date(1970, 2, 10)) == dt.date(1970, 1, 1)
