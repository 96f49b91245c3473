"""A date with its precision: the one type for "2022", "2022-09", "2022-W37" and "2022-09-13".

Events, publications, curated entries and review corrections all carry a date
known only to a day, a week (Monday to Sunday, as ISO 8601 counts weeks: ACLED
dates some events only to their week), a month or a year. The rules over such dates (its period,
how it prints, whether two of them can name the same day, when it is known)
live here once, so the coder, ingest, the store, the measures and the web
agree on them. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal, cast

Precision = Literal["day", "week", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "week", "month", "year")  # finest first
RANK: dict[str, int] = {p: i for i, p in enumerate(PRECISIONS)}

EPOCH = dt.date(1990, 1, 1)
"""Day 0 of the measures' day numbers (days since this date), in Python and in SQL."""

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class NotADateError(ValueError):
    """Text that is not shaped as YYYY, YYYY-MM or YYYY-MM-DD.

    A shape that is right but names no real day (2022-02-30) raises the plain
    `ValueError` of `datetime.date`, so callers can word the two apart.
    """


def truncate(day: dt.date, precision: Precision | str) -> dt.date:
    """The first day of the period `day` names at `precision`."""
    if precision == "year":
        return dt.date(day.year, 1, 1)
    if precision == "month":
        return dt.date(day.year, day.month, 1)
    if precision == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def period_end(day: dt.date, precision: Precision | str) -> dt.date:
    """The last day of the period a date of this precision names (the day, its month, its year).

    A curated entry is known from then (the no-look-ahead rule, `bloc.core.rules.known_from`).
    """
    if precision == "day":
        return day
    if precision == "week":
        return truncate(day, "week") + dt.timedelta(days=6)
    if precision == "month":
        following = day.replace(day=28) + dt.timedelta(days=4)
        return following - dt.timedelta(days=following.day)
    return dt.date(day.year, 12, 31)


def iso(day: dt.date, precision: Precision | str | None) -> str:
    """A date written to its precision: 2022, 2022-09, 2022-W37 (the ISO week) or 2022-09-13
    (None: a day)."""
    if precision == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    text = day.isoformat()
    return {"year": text[:4], "month": text[:7]}.get(precision or "day", text)


def agree(a: tuple[dt.date, str], b: tuple[dt.date, str]) -> bool:
    """True when two (date, precision) pairs can name the same day: equal at the coarser one.

    Written without truncating either date: ingest asks it for every coded
    event against each stored event of the same pair, type and year.
    """
    (day, precision), (other, other_precision) = a, b
    if precision == "week" or other_precision == "week":  # periods that overlap
        return truncate(day, precision) <= period_end(other, other_precision) and truncate(
            other, other_precision
        ) <= period_end(day, precision)
    if precision == "year" or other_precision == "year":
        return day.year == other.year
    if precision == "month" or other_precision == "month":
        return day.year == other.year and day.month == other.month
    return day == other


def finer(precision: str, than: str) -> bool:
    """True when `precision` is strictly finer than `than` (a day is finer than a month)."""
    return RANK[precision] < RANK[than]


@functools.total_ordering
@dataclass(frozen=True)
class Dated:
    """A date and its precision. `day` is the date as given; for a month or a year it is
    usually the period's first day, but any day inside the period names the same period.

    Ordered by day, then finest first, so sorting a mix is stable and total.
    """

    day: dt.date
    precision: Precision = "day"

    @classmethod
    def parse(cls, text: str) -> Dated:
        """YYYY, YYYY-MM, YYYY-Www or YYYY-MM-DD, at the precision it is written to.

        Raises `NotADateError` for another shape, `ValueError` for no real day.
        """
        week = _WEEK.match(text.strip())
        if week:
            return cls(dt.date.fromisocalendar(int(week[1]), int(week[2]), 1), "week")
        match = _ISO.match(text.strip())
        if match is None:
            raise NotADateError(f"{text!r} is not YYYY, YYYY-MM, YYYY-Www or YYYY-MM-DD")
        year, month, day = match.groups()
        if day:
            return cls(dt.date(int(year), int(month), int(day)), "day")
        if month:
            return cls(dt.date(int(year), int(month), 1), "month")
        return cls(dt.date(int(year), 1, 1), "year")

    @classmethod
    def of(cls, day: dt.date, precision: str | None = None) -> Dated:
        """From a stored (date, precision) pair (a NULL precision is a day)."""
        if precision is not None and precision not in RANK:
            raise ValueError(f"unknown precision {precision!r}: use one of {', '.join(RANK)}")
        return cls(day, cast(Precision, precision or "day"))

    def iso(self) -> str:
        return iso(self.day, self.precision)

    def pair(self) -> tuple[dt.date, Precision]:
        return self.day, self.precision

    @property
    def start(self) -> dt.date:
        """The first day of its period."""
        return truncate(self.day, self.precision)

    @property
    def end(self) -> dt.date:
        """The last day of its period."""
        return period_end(self.day, self.precision)

    def truncated(self) -> Dated:
        """The same period, named by its first day."""
        return Dated(self.start, self.precision)

    def at(self, precision: Precision) -> Dated:
        """The period of this precision that holds its day (coarser or finer alike)."""
        return Dated(truncate(self.day, precision), precision)

    def agrees(self, other: Dated) -> bool:
        """Can both name the same day (equal at the coarser precision)?"""
        return agree(self.pair(), other.pair())

    def finer_than(self, other: Dated) -> bool:
        return finer(self.precision, other.precision)

    def known_by(self, day: dt.date) -> bool:
        """Is the whole period over by `day`? A month-precision date is known only once its
        month has ended, a year-precision one once its year has."""
        return self.end <= day

    def _key(self) -> tuple[dt.date, int]:
        return self.day, RANK[self.precision]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Dated):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.iso()


def day_number(day: dt.date) -> int:
    """Days since `EPOCH`."""
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=number)
