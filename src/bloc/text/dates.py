"""Dates: the publication date printed in an article, and each event's date.

An event is dated by what its sentence says ("on September 14", "in April
2021", "last Wednesday", "in 2020"), read against the publication date; a
sentence with no date takes the date its paragraph last gave, else the
publication month. Nothing is guessed for an undated article.

This is the language-neutral engine: numeric dates, the choice of the earliest
date, counting back from publication, and the historical anchors (anchors.yaml,
whose phrases each language gives). Month and weekday names and each language's
phrases are in its folder (`bloc.text.lang.<code>.dates`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from importlib import resources

import yaml

from bloc.core.dated import Dated
from bloc.text.reading import SCRIPTS, DateGuess, Dating, languages

_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
Anchors = tuple[tuple[re.Pattern[str], DateGuess], ...]


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
    """A date printed near the top of an article (dateline, header), else None.

    Month names in the Latin script first ("September 14, 2022"), then numeric forms,
    then the month names of languages in other scripts (a Russian dateline), each read
    only when its script's letters are in the head.
    """
    head = "\n".join(text.splitlines()[:12])[:1500]
    written = {name for name, letters in SCRIPTS.items() if letters.search(head)}
    latin = [lang for lang in languages().values() if lang.script == "Latin"]
    others = [lang for lang in languages().values() if lang.script != "Latin"]
    for lang in latin:
        if lang.script in written and (found := lang.dating.publication_date(head)):
            return found
    for _, (day, _precision) in [*numeric_days(head), *iso_days(head)]:
        return day
    for lang in others:
        if lang.script in written and (found := lang.dating.publication_date(head)):
            return found
    return None


def iso_days(text: str) -> list[tuple[int, DateGuess]]:
    """Dates written yyyy-mm-dd, by position."""
    found: list[tuple[int, DateGuess]] = []
    for match in _ISO.finditer(text):
        day = _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if day:
            found.append((match.start(), (day, "day")))
    return found


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


@functools.cache
def _happenings() -> dict[str, tuple[DateGuess, bool]]:
    """anchors.yaml: each named happening's date and whether it dates a whole clause."""
    raw = yaml.safe_load((resources.files("bloc.text") / "anchors.yaml").read_text("utf-8"))
    out: dict[str, tuple[DateGuess, bool]] = {}
    for name, item in raw.items():
        day = dt.date.fromisoformat(str(item["date"]))
        out[name] = ((day, item["precision"]), item["dates"] == "clause")
    return out


def anchors(phrases: Mapping[str, str], flags: int = re.IGNORECASE) -> tuple[Anchors, Anchors]:
    """A language's anchors from its phrases (a regular expression per happening of
    anchors.yaml), in the shared order: those that date whatever their clause reports
    ("at the start of the invasion"), and those that date only the act they name ("the
    war on Ukraine")."""
    happenings = _happenings()
    unknown = set(phrases) - set(happenings)
    if unknown:
        raise ValueError(f"phrases for happenings anchors.yaml lacks: {sorted(unknown)}")
    time: list[tuple[re.Pattern[str], DateGuess]] = []
    named: list[tuple[re.Pattern[str], DateGuess]] = []
    for name, (guess, clause_wide) in happenings.items():
        if name in phrases:
            (time if clause_wide else named).append((re.compile(phrases[name], flags), guess))
    return tuple(time), tuple(named)


def dating_of(
    may_date: Callable[[str], bool],
    sentence_date: Callable[..., DateGuess | None],
    named: Anchors,
    year_list: re.Pattern[str],
    publication_date: Callable[[str], dt.date | None],
) -> Dating:
    """A language's dates from its own pieces: the engine's rules for named happenings
    and listed years, fed with the language's anchors and list pattern."""
    return Dating(
        may_date,
        sentence_date,
        functools.partial(named_date, named=named),
        functools.partial(years_listed, year_list),
        publication_date,
    )


def years_listed(pattern: re.Pattern[str], text: str) -> list[int]:
    """Years a language's `pattern` finds given as a list ("in 1999, 2010 and 2021"): one
    happening each. The pattern's first group holds the list."""
    match = pattern.search(text)
    return [int(y) for y in re.findall(r"(?:19|20)\d{2}", match.group(1))] if match else []


def named_date(text: str, named: Anchors) -> DateGuess | None:
    """The date of a named happening ("the invasion of Ukraine"), for the act it names."""
    for pattern, guess in named:
        if pattern.search(text):
            return guess
    return None


def publication_month(published: dt.date) -> DateGuess:
    """The month of publication: the date of a sentence an article gives no other."""
    return Dated(published, "month").truncated().pair()
