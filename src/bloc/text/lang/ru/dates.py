"""Dates in Russian text, by the engine's rules (`bloc.text.dates`).

"15 сентября" is the 15 September nearest publication, leaning back in a past
clause and forward in a future one; "в сентябре 2022 года" that month; "в 2021
году" that year; "в среду" in a past clause the latest Wednesday on or before
publication, the same day included ("в прошлую среду" excludes it), in a future
clause ("совет соберётся в среду", "в следующую среду") the next one; "вчера",
"сегодня", "накануне", "на прошлой неделе", "в прошлом месяце", "в этом году",
"в прошлом году" count from publication. Month names are matched in every case
("сентябрь", "сентября", "сентябре"). The future is a verb's tense (pymorphy3's
reading of the perfective present and of "будет") or a word of plan ("планирует",
"предстоит", "предстоящий").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from importlib import resources

import yaml

from bloc.core.dated import Precision, period_end
from bloc.text.dates import (
    Tense,
    _days_before,
    _relative,
    _safe,
    anchors,
    dating_of,
    earliest,
    month_from,
    nearest_day,
    numeric_days,
    tense_at,
    weekday_from,
)
from bloc.text.reading import DateGuess, Dating

_STEMS = (
    "январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр",
    "ноябр", "декабр",
)  # fmt: skip
_MONTH = (
    r"(январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?"
    r"|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
)
_YEAR = r"((?:19|20)\d{2})"
_YEAR_WORD = r"(?:\s*(?:-?го\s+)?(?:года|году|год|гг?\.))?"
_FLAGS = re.IGNORECASE

_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\b(?:\s+{_YEAR}{_YEAR_WORD})?", _FLAGS)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}{_YEAR_WORD}", _FLAGS)
_MONTH_ONLY = re.compile(
    rf"\b(?:в|во|с|до|к|на|от|по)\s+(?:(прошлом|минувшем|этом)\s+|(?:начале|середине|конце)\s+)?"
    rf"{_MONTH}\b(?!\s+\d)",
    _FLAGS,
)
_Y = r"(?:19|20)\d{2}"
_YEAR_ONLY = re.compile(
    rf"(?:\b(?:в|во|с|до|к|от|по|на)\s+(?:(?:начале|середине|конце)\s+)?"
    rf"(?={_Y}\s*(?:-?м\b|-?го\b|года|году|год|гг?\.))"
    rf"|(?<![\d.,])(?={_Y}\s*(?:-?го\s+)?года\b))\b{_YEAR}",
    _FLAGS,
)
"""A year alone: "в 2021 году", and "2020 года" as a phrase's own ("войны 2020 года")."""
_WEEKDAYS = {
    "понедельник": 0, "вторник": 1, "сред": 2, "четверг": 3, "пятниц": 4, "суббот": 5,
    "воскресень": 6,
}  # fmt: skip
_WEEKDAY = re.compile(
    r"\b(?:в|во)\s+(?:(прошл\w*|минувш\w*|следующ\w*|ближайш\w*|предстоящ\w*)\s+)?"
    r"(понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-яё]*",
    _FLAGS,
)
_RELATIVE = {
    "позавчера": "two days ago",
    "вчера": "yesterday",
    "накануне": "yesterday",
    "сегодня": "today",
    "на прошлой неделе": "last week",
    "на минувшей неделе": "last week",
    "в прошлом месяце": "last month",
    "в минувшем месяце": "last month",
    "в этом месяце": "this month",
    "в текущем месяце": "this month",
    "в начале месяца": "this month",
    "в прошлом году": "last year",
    "в минувшем году": "last year",
    "в этом году": "this year",
    "в текущем году": "this year",
    "в начале года": "this year",
    "с начала года": "this year",
}
_RELATIVE_RX = re.compile(r"\b(" + "|".join(map(re.escape, _RELATIVE)) + r")\b", _FLAGS)
_CITATION = re.compile(r"\((?:[^()]{1,60}),\s*\d{1,2}\s+[а-яё]+\)", _FLAGS)
_MAY_DATE = re.compile(
    r"\d|январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|вчера"
    r"|сегодня|накануне|прошл|минувш|этом|текущ|начале|понедельник|вторник|сред[уы]|четверг"
    r"|пятниц|суббот|воскресень|вторжени|крым|войн",
    _FLAGS,
)
_YEAR_LIST = re.compile(
    r"\bв\s+((?:19|20)\d{2}(?:\s*(?:,|и|ни\s+в)\s*(?:ни\s+в\s+)?(?:19|20)\d{2})+)", _FLAGS
)
_PHRASES = yaml.safe_load((resources.files(__package__) / "anchors.yaml").read_text("utf-8"))
TIME_ANCHORS, ANCHORS = anchors(_PHRASES, _FLAGS)
"""Happenings named instead of dated (bloc/text/anchors.yaml), in Russian."""


def _month(name: str) -> int:
    low = name.lower()
    for number, stem in enumerate(_STEMS, start=1):
        if low.startswith(stem) and (stem != "ма" or low[2:] in ("й", "я", "е")):
            return number
    raise ValueError(name)


def may_date(text: str) -> bool:
    """A cheap test: could this sentence name a date at all?"""
    return _MAY_DATE.search(text) is not None


def publication_date(head: str) -> dt.date | None:
    """A date printed near the top of a Russian article ("ЕРЕВАН, 14 сентября 2022 г.")."""
    for match in _DAY_MONTH.finditer(head):
        if match.group(3):
            found = _safe(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
            if found:
                return found
    return None


def sentence_date(
    text: str, published: dt.date | None, precision: Precision = "day"
) -> DateGuess | None:
    """The date a Russian sentence gives for what it reports, or None when it gives none.

    With a publication known only to the month, weekdays and "вчера" cannot be placed
    and are not read (as in English, `bloc.text.dates.sentence_date`).
    """
    text = _CITATION.sub(lambda m: " " * len(m.group()), text)
    day_known = precision == "day"
    if published is not None and not day_known:
        published = period_end(published, precision)
    candidates: list[tuple[int, DateGuess]] = []
    candidates += numeric_days(text)
    for match in _DAY_MONTH.finditer(text):
        number, month = int(match.group(1)), _month(match.group(2))
        if match.group(3):
            found = _safe(int(match.group(3)), month, number)
        elif published:
            found = nearest_day(published, month, number, _tense(text, match))
        else:
            continue
        if found:
            candidates.append((match.start(), (found, "day")))
    if not candidates:
        for match in _MONTH_YEAR.finditer(text):
            month = _month(match.group(1))
            candidates.append((match.start(), (dt.date(int(match.group(2)), month, 1), "month")))
        for match in _MONTH_ONLY.finditer(text):
            if published is None:
                continue
            month = _month(match.group(2))
            last = bool(match.group(1)) and match.group(1).lower().startswith(("прошл", "минувш"))
            found = month_from(published, month, "past" if last else _tense(text, match))
            if found and last and found.year == published.year and month >= published.month:
                found = found.replace(year=found.year - 1)
            if found:
                candidates.append((match.start(), (found, "month")))
    if published is not None and day_known:
        candidates += _counted(text, published)
    return earliest(text, candidates, TIME_ANCHORS, _YEAR_ONLY)


def _counted(text: str, published: dt.date) -> list[tuple[int, DateGuess]]:
    """Weekdays and relative phrases, counted back from publication."""
    out: list[tuple[int, DateGuess]] = []
    for match in _WEEKDAY.finditer(text):
        target = _WEEKDAYS[match.group(2).lower()]
        word = (match.group(1) or "").lower()
        ahead = word.startswith(("следующ", "ближайш", "предстоящ"))
        tense: Tense = "future" if ahead else "past" if word else _tense(text, match)
        # "в прошлую среду" on a Wednesday is a week ago, "в следующую среду" a week on
        day = weekday_from(published, target, tense, word != "" and not word.startswith("ближайш"))
        if day:
            out.append((match.start(), (day, "day")))
    for match in _RELATIVE_RX.finditer(text):
        phrase = _RELATIVE[match.group(1).lower()]
        if phrase == "two days ago":
            day = _days_before(published, 2)
            guess: DateGuess | None = (day, "day") if day else None
        else:
            guess = _relative(phrase, published)
        if guess:
            out.append((match.start(), guess))
    return out


_OPENS = re.compile(
    r"\b(?:что|чтобы|котор\w+|когда|после того|если|хотя|но|а|он|она|оно|они)\b", _FLAGS
)
"""Words that open another clause: a date's tense is read on its own side of them."""
_PLAN = re.compile(r"\b(?:планиру|намерен|намечен|запланирован|предстоит|предстоящ)", _FLAGS)
_WORD = re.compile(r"[а-яё]+", _FLAGS)


def _tense(text: str, match: re.Match[str]) -> Tense:
    """The tense of the clause a date phrase stands in (`bloc.text.dates.tense_at`)."""
    return tense_at(text, match.start(), match.end(), _will, _OPENS)


def _will(clause: str) -> bool:
    """A clause in the future: a verb in the future tense or a word of plan."""
    return _PLAN.search(clause) is not None or any(_future(w) for w in _WORD.findall(clause))


@functools.lru_cache(maxsize=50_000)
def _future(word: str) -> bool:
    """pymorphy3 reads the word first as a verb in the future ("соберётся", "будет")."""
    from bloc.text.lang.ru.parser import morph

    parses = morph().parse(word)
    return bool(parses) and parses[0].tag.POS == "VERB" and parses[0].tag.tense == "futr"


def dating() -> Dating:
    return dating_of(may_date, sentence_date, ANCHORS, _YEAR_LIST, publication_date)
