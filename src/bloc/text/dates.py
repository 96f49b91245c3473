"""Dates: the publication date printed in an article, and each event's date.

An event is dated by what its sentence says ("on September 14", "in April
2021", "last Wednesday", "in 2020"), read against the publication date; a
sentence with no date takes the date its paragraph last gave, else the
publication month. Nothing is guessed for an undated article.

This is the language-neutral engine: numeric dates, the choice of the earliest
date, counting from publication by tense, the lead, the dates of acts named as
nouns, and the historical anchors (anchors.yaml, whose phrases each language
gives). Month and weekday names, each language's phrases and its marks of the
future are in its folder (`bloc.text.lang.<code>.dates`).

Dates as a reader takes them (docs/codebook.md, "Dates as a reader takes them"):
a weekday or a day and month without a year is counted the way its clause's tense
points (back for the past, forward for the future); an undated act in the lead
happened on the publication day; an act named as a noun takes its own phrase's
date, else the publication year, never the article's day.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Literal

import yaml

from bloc.core.dated import Dated, Precision
from bloc.core.events import CodedEvent
from bloc.core.rules import happening_key
from bloc.text.reading import SCRIPTS, DateGuess, Dating, languages

_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
Anchors = tuple[tuple[re.Pattern[str], DateGuess], ...]
Tense = Literal["past", "future"]
"""Which way a date without a year or a week is counted from publication."""
LEAN_DAYS = 183
"""About six months: how far the tense's side of publication is preferred. A day and
month without a year is the one nearest publication once a date on the other side
than the tense points counts this many days farther."""
FORWARD = frozenset({"intent", "threat"})
"""The modes of an act announced for later: dated after publication, it is news on the
day it is told (the publication date), not a misreading."""
LEAD_PROSE = 2
JUST_BEFORE = 7
"""How many days before publication a day the lead gives may be, to date its news."""
"""The lead: the headline and whatever precedes the end of this many prose sentences."""
_PROSE_END = re.compile(r"[.!?…][\"'”’»)]*\s*$")
_BOUNDARY = re.compile(r"[,;:()\"“”«»]|\s[—–-]\s")
_BARE_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20)\d{2})(?![\d%]|[.,/]\d|['’]?s\b)")


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


def tense_at(
    text: str, start: int, end: int, future: Callable[[str], bool], opens: re.Pattern[str]
) -> Tense:
    """The tense of the clause that holds a date phrase (`text[start:end]`), by the
    language's marks of the future (`future`, read on the clause's words).

    The clause runs from the last boundary before the phrase to the next one after
    it; a boundary is punctuation or one of the language's clause openers (`opens`:
    "that", "it", "which"...), so "Russia said on Monday it will send troops" dates
    the saying, in the past, and "the council will meet on Tuesday" the meeting.
    """
    stops = list(_BOUNDARY.finditer(text))
    marks = stops + list(opens.finditer(text))
    before = max((m.end() for m in marks if m.end() <= start), default=0)
    after = min((m.start() for m in marks if m.start() >= end), default=len(text))
    if not text[before:start].strip():
        # The phrase opens its clause. After a comma ("On Tuesday, the council will
        # meet") its verb follows; before "it", "that" its verb went before, out of sight.
        if any(m.start() == after for m in stops):
            after = min((m.start() for m in marks if m.start() > after), default=len(text))
        elif after < len(text):
            return "past"
    return "future" if future(text[before:after]) else "past"


def weekday_from(published: dt.date, weekday: int, tense: Tense, skip: bool) -> dt.date | None:
    """The day a weekday names: the latest on or before publication in the past, the
    next on or after it in the future; `skip` ("last", "next") passes over the same day."""
    if tense == "future":
        ahead = (weekday - published.weekday()) % 7 or (7 if skip else 0)
        try:
            return published + dt.timedelta(days=ahead)
        except OverflowError:
            return None
    back = (published.weekday() - weekday) % 7 or (7 if skip else 0)
    return _days_before(published, back)


def nearest_day(published: dt.date, month: int, day: int, tense: Tense) -> dt.date | None:
    """A day and month without a year: of its dates around publication, the nearest one,
    a date on the side the tense does not point to counting `LEAN_DAYS` farther (so a
    past "on 28 August" in a March article is last August, and in a 27 August article
    the next day, which a past report cannot be: the event is then dropped)."""
    best: tuple[int, dt.date] | None = None
    for year in (published.year - 1, published.year, published.year + 1):
        found = _safe(year, month, day)
        if found is None:
            continue
        distance = (found - published).days
        wrong_side = distance < 0 if tense == "future" else distance > 0
        cost = abs(distance) + (LEAN_DAYS if wrong_side else 0)
        if best is None or cost < best[0]:
            best = (cost, found)
    return best[1] if best else None


def month_from(published: dt.date, month: int, tense: Tense) -> dt.date | None:
    """A month without a year: the latest on or before publication's month in the past,
    the first on or after it in the future ("will hold drills in September")."""
    year = _before(published, month)
    if tense == "future" and month < published.month:
        year = published.year + 1
    elif tense == "future":
        year = published.year
    return _safe(year, month, 1)


def lead_length(texts: Sequence[str]) -> int:
    """How many of an article's first sentences make its lead: the headline and anything
    else before the end of its `LEAD_PROSE`-th sentence of prose (one that ends as a
    sentence does; headlines, captions and taglines do not)."""
    prose = 0
    for count, text in enumerate(texts, start=1):
        if _PROSE_END.search(text):
            prose += 1
            if prose == LEAD_PROSE:
                return count
    return len(texts)


def phrase_year(text: str) -> DateGuess | None:
    """The year an act named as a noun gives in its own phrase as a bare number
    ("Azerbaijan's 2020 offensive", "the 2008 war"): a date the sentence readers leave
    alone, since a bare number elsewhere in a sentence is as often a count."""
    match = _BARE_YEAR.search(text)
    return (dt.date(int(match.group(1)), 1, 1), "year") if match else None


def lead_date(
    lead: Sequence[tuple[str, Dating]], published: dt.date | None, precision: Precision
) -> DateGuess | None:
    """The day the lead's news happened: the first day its sentences give within
    `JUST_BEFORE` days before publication ("Armenia on Tuesday asked..." under the
    headline "Armenia asks..."), else the publication day; None when the publication
    is not known to the day. `lead`: each lead sentence with its language's readers."""
    if published is None or precision != "day":
        return None
    for text, dating in lead:
        found = dating.sentence_date(text, published, precision) if dating.may_date(text) else None
        if found and found[1] == "day" and 0 <= (published - found[0]).days <= JUST_BEFORE:
            return found
    return published, "day"


def undated(
    published: dt.date, precision: Precision, lead: DateGuess | None, named: bool
) -> DateGuess:
    """The date of an act its text gives none to, in an article published on `published`.

    An act in the lead happened on or just before the publication day (`lead`, from
    `lead_date`); an act named as a noun ("the attack", "the exercise involving...")
    is background, known only to the publication year; any other, the publication
    month.
    """
    if named:
        return Dated(published, "year").truncated().pair()
    if lead is not None:
        return lead
    return Dated(published, precision).at("month" if precision == "day" else precision).pair()


def phrase_date(
    dating: Dating,
    text: str,
    phrase: tuple[int, int],
    at: int,
    published: dt.date | None,
    precision: Precision,
) -> DateGuess | None:
    """The date an act named as a noun gives in its own phrase (`text[phrase[0]:phrase[1]]`,
    the trigger at `at`): one the language's reader finds there ("the attack of 13
    September", "the clashes in April 2021", a Russian genitive year), else a bare year before
    the noun ("Azerbaijan's 2020 offensive"). None when the phrase gives none."""
    start, end = phrase
    if end <= start:
        return None
    own = text[start:end].split("(", 1)[0]  # an aside ("(TASS, October 10)") dates itself
    found = dating.sentence_date(own, published, precision) if dating.may_date(own) else None
    return found or phrase_year(text[start:at].split("(", 1)[0])


def once(
    events: Sequence[CodedEvent], fallback: Sequence[bool], dated: set[tuple[str, str, str]]
) -> tuple[CodedEvent, ...]:
    """An article's events, each happening once. An event its text gives no date of its
    own (`fallback`) is left out when the article dates the same happening elsewhere
    (`dated`: "Russia's invasion" after the invasion's date), or reports it with a finer
    date that agrees (the headline's news on the lead's day, the same act undated
    further down: its month)."""
    reports: dict[tuple[str, str, str], list[Dated]] = {}
    for event in events:
        reports.setdefault(happening_key(event), []).append(Dated.of(event.date, event.precision))

    def repeated(event: CodedEvent) -> bool:
        key, mine = happening_key(event), Dated.of(event.date, event.precision)
        return key in dated or any(o.finer_than(mine) and o.agrees(mine) for o in reports[key])

    return tuple(e for e, f in zip(events, fallback, strict=True) if not (f and repeated(e)))
