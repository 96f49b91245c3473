"""English dates: month and weekday names, relative phrases, the anchors' phrases and
the marks of the future.

The rules are the engine's (`bloc.text.dates`): this module reads the English words
for them ("on September 14", "in April 2021", "last Wednesday", "in 2020", "will
meet on Tuesday").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from importlib import resources

import yaml

from bloc.core.dated import Precision, period_end
from bloc.text.dates import (
    Tense,
    _relative,
    _safe,
    anchors,
    dating_of,
    earliest,
    iso_days,
    month_from,
    nearest_day,
    numeric_days,
    tense_at,
    weekday_from,
)
from bloc.text.reading import DateGuess, Dating

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
    r"\b((?i:last|on|this past|this coming|this|next|coming))\s+"
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_FUTURE = re.compile(
    r"\b(?:will|shall|won[’']t|would(?!\s+have)|(?:is|are)\s+(?:due\s+|set\s+|scheduled\s+|going\s+"
    r"|expected\s+|planning\s+)?to\s+\w+|plans?\s+to|intends?\s+to|upcoming)\b"
    r"|\w[’']ll\b",
    re.IGNORECASE,
)
"""The future of a clause: "will meet", "is due to sign", "plans to hold", "they'll", and
the future seen from a report ("said it would meet on Friday": the Friday to come)."""
_OPENS = re.compile(
    r"\b(?:that|which|who|whom|whose|where|it|they|he|she|we|after|before|when|while|since"
    r"|because|but|if|unless|although|though)\b",
    re.IGNORECASE,
)
"""Words that open another clause: a date's tense is read on its own side of them."""
_RELATIVE = re.compile(
    r"\b(yesterday|today|last week|last month|earlier this month|this month|last year|this year|"
    r"earlier this year)\b",
    re.IGNORECASE,
)
_PHRASES = yaml.safe_load((resources.files(__package__) / "anchors.yaml").read_text("utf-8"))
TIME_ANCHORS, ANCHORS = anchors(_PHRASES)
"""Happenings named instead of dated (bloc/text/anchors.yaml): those that date their
clause ("at the start of the invasion"), and those that date the act they name."""


def publication_date(head: str) -> dt.date | None:
    """A date with its month named at the top of an article ("September 14, 2022")."""
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
    weekday in a past clause is the latest such day on or before publication, the same
    day included ("on Wednesday" in Wednesday's paper is that day; "last Wednesday" on
    a Wednesday is the week before); in a future clause ("will meet on Tuesday") the
    next one on or after it ("next Tuesday" on a Tuesday: a week later). A day and
    month without a year is the nearest such date, leaning the way the tense points;
    a month alone in a future clause is the next such month. With a publication known
    only to the month, a weekday or "yesterday" cannot be placed and is not read.
    """
    text = _CITATION.sub(lambda m: " " * len(m.group()), text)
    day_known = precision == "day"
    if published is not None and not day_known:
        published = period_end(published, precision)
    candidates: list[tuple[int, DateGuess]] = []

    candidates += iso_days(text)
    candidates += numeric_days(text)
    for pattern, order in ((_MDY, "md"), (_DMY, "dm")):
        for match in pattern.finditer(text):
            if order == "md":
                month_name, day_text, year_text = match.groups()
            else:
                day_text, month_name, year_text = match.groups()
            month = MONTHS[month_name.lower().rstrip(".")]
            if year_text:
                found = _safe(int(year_text), month, int(day_text))
            elif published:
                found = nearest_day(published, month, int(day_text), _tense(text, match))
            else:
                continue
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
            last = match.group(0).lower().startswith("last")
            found = month_from(published, month, "past" if last else _tense(text, match))
            if found and last and found.year == published.year and month >= published.month:
                found = found.replace(year=found.year - 1)
            if found:
                candidates.append((match.start(), (found, "month")))
    if published is not None:
        for match in _WEEKDAY.finditer(text) if day_known else ():
            target = WEEKDAYS[match.group(2).lower()]
            word = match.group(1).lower()
            tense: Tense = (
                "past"
                if word in ("last", "this past")
                else "future"
                if word == "next" or "coming" in word
                else _tense(text, match)
            )
            weekday = weekday_from(published, target, tense, word in ("last", "next"))
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


def _tense(text: str, match: re.Match[str]) -> Tense:
    """The tense of the clause a date phrase stands in (`bloc.text.dates.tense_at`)."""
    return tense_at(text, match.start(), match.end(), _will, _OPENS)


def _will(clause: str) -> bool:
    return _FUTURE.search(clause) is not None


_YEAR_LIST = re.compile(r"\bin\s+((?:19|20)\d{2}(?:\s*,\s*(?:and\s+)?(?:19|20)\d{2})+)")


def dating() -> Dating:
    return dating_of(may_date, sentence_date, ANCHORS, _YEAR_LIST, publication_date)
