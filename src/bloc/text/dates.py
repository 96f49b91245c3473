"""Dates: the publication date printed in an article, and each event's date.

An event is dated by what its sentence says ("on September 14", "in April
2021", "last Wednesday", "in 2020"), read against the publication date; a
sentence with no date takes the date its paragraph last gave, else the
publication month. Nothing is guessed for an undated article.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bloc.core.dated import Dated, Precision, period_end
from bloc.core.rules import same_time

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MDY = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b")
_DMY = re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(
    rf"\b(?:in|of|since|by|from|during|until)?\s*(?:early|mid-?|late)?\s*{_MONTH}\s+{_YEAR}\b"
)
_MONTH_ONLY = re.compile(
    rf"\b(?:in|of|since|by|during|until|this|last)\s+(?:early\s+|mid-?|late\s+)?{_MONTH}\b(?!\s+\d)"
)
_YEAR_ONLY = re.compile(
    rf"\b(?:in|of|since|during|until|by)\s+(?:early\s+|mid-?|late\s+)?{_YEAR}\b"
)
_WEEKDAY = re.compile(
    r"\b(last|on|this past|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_RELATIVE = re.compile(
    r"\b(yesterday|today|last week|last month|earlier this month|this month|last year|this year|"
    r"earlier this year)\b",
    re.IGNORECASE,
)

DateGuess = tuple[dt.date, Precision]

# Times the alliance news names instead of dating them ("at the start of the
# invasion"): they date whatever the clause reports.
TIME_ANCHORS: tuple[tuple[re.Pattern[str], DateGuess], ...] = (
    (
        re.compile(r"\b(?:start|outset|beginning|eve) of the (?:full-scale )?invasion\b", re.I),
        (dt.date(2022, 2, 1), "month"),
    ),
    (re.compile(r"\b(?:during|in|after) the 44-day war\b", re.I), (dt.date(2020, 1, 1), "year")),
)
# Happenings named as things ("the war on Ukraine"): they date only the act they name.
ANCHORS: tuple[tuple[re.Pattern[str], DateGuess], ...] = (
    (
        re.compile(r"\b(?:war (?:on|against|in)|invasion of|invaded) Ukraine\b", re.I),
        (dt.date(2022, 2, 1), "month"),
    ),
    (re.compile(r"\bannex(?:ation|ed) (?:of )?Crimea\b", re.I), (dt.date(2014, 3, 1), "month")),
)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _days_before(day: dt.date, days: int) -> dt.date | None:
    """`days` before `day`, or None before the first day a date can hold."""
    try:
        return day - dt.timedelta(days=days)
    except OverflowError:
        return None


def _before(published: dt.date, month: int, day: int = 1) -> int:
    """The year of the latest `month`/`day` on or before publication."""
    year = published.year
    if (month, day) > (published.month, published.day):
        year -= 1
    return year


def find_publication_date(text: str) -> dt.date | None:
    """A date printed near the top of an article (dateline, header), else None."""
    head = "\n".join(text.splitlines()[:12])[:1500]
    for pattern in (_MDY, _DMY):
        for match in pattern.finditer(head):
            groups = match.groups()
            if pattern is _MDY:
                month, day, year = groups
            else:
                day, month, year = groups
            if year:
                found = _safe(int(year), MONTHS[month.lower().rstrip(".")], int(day))
                if found:
                    return found
    for match in _NUMERIC.finditer(head):
        found = _safe(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if found:
            return found
    for match in _ISO.finditer(head):
        found = _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    if re.search("[\u0400-\u04ff]", head):
        from bloc.text import dates_ru  # a Russian dateline: "ЕРЕВАН, 14 сентября 2022 г."

        return dates_ru.find_publication_date(head)
    return None


_CITATION = re.compile(r"\((?:[^()]{1,60}),\s*[A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?\)")


_MAY_DATE = re.compile(
    r"\d|January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|yesterday|today|last|this|earlier|invasion|war\b"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    re.IGNORECASE,
)


def may_date(text: str) -> bool:
    """A cheap test: could this sentence name a date at all?"""
    return _MAY_DATE.search(text) is not None


def sentence_date(
    text: str, published: dt.date | None, precision: Precision = "day"
) -> DateGuess | None:
    """The date a sentence gives for what it reports, or None when it gives none.

    Source citations such as "(Interfax, October 9)" date the source, not the act. A
    weekday is the latest such day on or before publication, the same day included
    ("on Wednesday" in Wednesday's paper is that day); "last Wednesday" on a Wednesday
    is the week before. With a publication known only to the month, a weekday or
    "yesterday" cannot be placed and is not read.
    """
    text = _CITATION.sub(lambda m: " " * len(m.group()), text)
    day_known = precision == "day"
    if published is not None and not day_known:
        published = period_end(published, precision)
    candidates: list[tuple[int, DateGuess]] = []

    for match in _ISO.finditer(text):
        day = _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if day:
            candidates.append((match.start(), (day, "day")))
    candidates += numeric_days(text)
    for pattern, order in ((_MDY, "md"), (_DMY, "dm")):
        for match in pattern.finditer(text):
            if order == "md":
                month_name, day_text, year_text = match.groups()
            else:
                day_text, month_name, year_text = match.groups()
            month = MONTHS[month_name.lower().rstrip(".")]
            if year_text:
                year = int(year_text)
            elif published:
                year = _before(published, month, int(day_text))
            else:
                continue
            found = _safe(year, month, int(day_text))
            if found:
                candidates.append((match.start(), (found, "day")))
    if not candidates:
        for match in _MONTH_YEAR.finditer(text):
            month = MONTHS[match.group(1).lower().rstrip(".")]
            candidates.append((match.start(), (dt.date(int(match.group(2)), month, 1), "month")))
        for match in _MONTH_ONLY.finditer(text):
            if published is None:
                continue
            month = MONTHS[match.group(1).lower().rstrip(".")]
            year = _before(published, month)
            if match.group(0).lower().startswith("last") and year == published.year:
                year -= 1 if month >= published.month else 0
            found = _safe(year, month, 1)
            if found:
                candidates.append((match.start(), (found, "month")))
    if published is not None:
        for match in _WEEKDAY.finditer(text) if day_known else ():
            target = WEEKDAYS[match.group(2).lower()]
            back = (published.weekday() - target) % 7
            if back == 0 and match.group(1) == "last":
                back = 7
            weekday = _days_before(published, back)
            if weekday:
                candidates.append((match.start(), (weekday, "day")))
        for match in _RELATIVE.finditer(text):
            phrase = match.group(1).lower()
            if not day_known and phrase in ("yesterday", "today", "last week"):
                continue
            relative = _relative(phrase, published)
            if relative:
                candidates.append((match.start(), relative))
    return earliest(text, candidates, TIME_ANCHORS, _YEAR_ONLY)


def numeric_days(text: str) -> list[tuple[int, DateGuess]]:
    """Dates written dd.mm.yyyy (the same in every language read), by position."""
    found: list[tuple[int, DateGuess]] = []
    for match in _NUMERIC.finditer(text):
        day = _safe(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if day:
            found.append((match.start(), (day, "day")))
    return found


def earliest(
    text: str,
    candidates: list[tuple[int, DateGuess]],
    anchors: tuple[tuple[re.Pattern[str], DateGuess], ...],
    year_only: re.Pattern[str],
) -> DateGuess | None:
    """The date a sentence gives first, once its anchors ("in the 1990s") are added; a year
    alone counts only when nothing more precise is given. Shared by every language."""
    for pattern, guess in anchors:
        candidates += [(m.start(), guess) for m in pattern.finditer(text)]
    if not candidates:
        for match in year_only.finditer(text):
            candidates.append((match.start(), (dt.date(int(match.group(1)), 1, 1), "year")))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


_YEAR_LIST = re.compile(r"\bin\s+((?:19|20)\d{2}(?:\s*,\s*(?:and\s+)?(?:19|20)\d{2})+)")


def listed_years(text: str) -> list[int]:
    """Years given as a list ("in 1999, 2010, and 2021"): one happening each."""
    match = _YEAR_LIST.search(text)
    return [int(y) for y in re.findall(r"(?:19|20)\d{2}", match.group(1))] if match else []


def clause(text: str, position: int) -> str:
    """The clause (between semicolons) of `text` that holds `position`."""
    start = text.rfind(";", 0, position) + 1
    end = text.find(";", position)
    return text[start : end if end != -1 else len(text)]


def _relative(phrase: str, published: dt.date) -> DateGuess | None:
    """The date a relative phrase names, or None when it falls before year 1."""
    if phrase == "yesterday":
        day = _days_before(published, 1)
        return (day, "day") if day else None
    if phrase == "today":
        return published, "day"
    if phrase == "last week":  # no day is named: the month that day falls in
        day = _days_before(published, 7)
        return (day.replace(day=1), "month") if day else None
    if phrase == "last month":
        last = _days_before(published.replace(day=1), 1)
        return (last.replace(day=1), "month") if last else None
    if phrase in ("earlier this month", "this month"):
        return published.replace(day=1), "month"
    if phrase == "last year":
        day = _safe(published.year - 1, 1, 1)
        return (day, "year") if day else None
    return dt.date(published.year, 1, 1), "year"


def anchor_date(text: str) -> DateGuess | None:
    """The date of a named happening ("the invasion of Ukraine"), for the act it names."""
    for pattern, guess in ANCHORS:
        if pattern.search(text):
            return guess
    return None


def publication_month(published: dt.date) -> DateGuess:
    """The month of publication: the date of a sentence an article gives no other."""
    return Dated(published, "month").truncated().pair()


def compatible(a: DateGuess, b: DateGuess) -> bool:
    """True when two dates can name the same happening (`bloc.core.rules.same_time`)."""
    return same_time(a, b)
