"""Where on a date axis a value or an event goes, at the precision it is known to.

A date axis labels a year at its 1 January: a yearly figure drawn at 31
December sits under the next year's label, and an exit known only to "March
1979" drawn as a point on 1 March claims a day nobody recorded. Here a
period's value goes at the middle of its period (hovering gives the period
and the day it was measured as of), and an event known to a month or a year
is drawn as the span of that month or year. Dates come as `bloc.core.dated.Dated`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from bloc.core.dated import Dated


def middle(start: dt.date, end: dt.date) -> dt.date:
    """The middle day of a period, both ends included (a year's is 2 July, near enough)."""
    return start + (end - start) / 2


def period_start(period: str, end: dt.date) -> dt.date:
    """The first day of a measure's period ("2022", "2022Q3", or a day), ending on `end`."""
    text = str(period)
    if "Q" in text:  # "2022Q3": its quarter's first day, whatever day it is measured to
        year, quarter = text.split("Q")
        return dt.date(int(year), 3 * int(quarter) - 2, 1)
    try:
        return Dated.parse(text).start
    except ValueError:
        return end


def period_points(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """For a measure's rows (columns period and end): the x of each (the middle of its
    period) and the hover label of the period ("2022, as of 2022-12-31")."""
    xs, labels = [], []
    for period, end in zip(frame["period"], frame["end"], strict=True):
        last = pd.Timestamp(end).date()
        xs.append(middle(period_start(str(period), last), last).isoformat())
        labels.append(f"{period}, as of {last.isoformat()}")
    return xs, labels


def span(day: Any, precision: Any) -> tuple[str, str, str] | None:
    """A month- or year-precision date as (first day, the day after its last, label);
    None for a day, which is drawn as a point."""
    dated = Dated.of(pd.Timestamp(day).date(), None if pd.isna(precision) else str(precision))
    if dated.precision == "day":
        return None
    after = dated.end + dt.timedelta(days=1)
    return dated.start.isoformat(), after.isoformat(), dated.iso()


def point(day: Any, precision: Any) -> tuple[str, str]:
    """Where an event's marker goes (the middle of its period) and how its date reads."""
    dated = Dated.of(pd.Timestamp(day).date(), None if pd.isna(precision) else str(precision))
    return middle(dated.start, dated.end).isoformat(), dated.iso()
