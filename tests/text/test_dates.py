"""Dates as a reader takes them: tense, the lead, day and month without a year, and acts
named as nouns (bloc.text.dates and each language's readers). The sentences are the
project's own, in wire-copy style."""

from __future__ import annotations

import datetime as dt

import pytest

from bloc.core.dated import Dated
from bloc.model import Document
from bloc.text import dates
from bloc.text.lang.en import dates as en
from bloc.text.lang.ru import dates as ru
from bloc.text.pipeline import process

WEDNESDAY = dt.date(2024, 3, 13)  # the publication day of most cases below


def _day(text: str, published: dt.date = WEDNESDAY, reader: object = en) -> dt.date | None:
    found = reader.sentence_date(text, published)  # type: ignore[attr-defined]
    assert found is None or found[1] == "day"
    return None if found is None else found[0]


def _events(text: str, lang: str, published: dt.date = WEDNESDAY) -> set[tuple[str, ...]]:
    result = process(Document(id="dates", text=text, published=published, lang=lang))
    return {(e.source, e.type, e.target, Dated(e.date, e.precision).iso()) for e in result.events}


# -- a weekday is counted the way its clause's tense points ----------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The council met on Tuesday to review the border mission.", 12),
        ("The council will meet on Tuesday to review the border mission.", 19),
        ("On Friday, the two ministers are due to sign the accord in Minsk.", 15),
        ("On Friday the two ministers signed the accord in Minsk.", 8),
        ("The alliance plans to hold a summit next Wednesday.", 20),
        ("The defence minister arrived last Wednesday.", 6),
        ("The summit opens on Wednesday, officials said.", 13),  # the paper's own day
        # The weekday dates the saying, not what was said to come.
        ("Moscow said on Monday it will send more troops to the base.", 11),
        ("Moscow said on Monday that the drills will go ahead.", 11),
        ("The drills will go ahead, the ministry said on Monday.", 11),
        ("The ministers said they would meet again on Friday.", 15),
        ("The ministers would have met on Friday but for the storm.", 8),
        ("Troops coming from Russia reached the border on Monday.", 11),
    ],
)
def test_an_english_weekday_follows_its_clauses_tense(sentence: str, expected: int) -> None:
    assert _day(sentence) == dt.date(2024, 3, expected)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Совет министров собрался во вторник в Минске.", 12),
        ("Совет министров соберётся во вторник в Минске.", 19),
        ("Во вторник министры подпишут соглашение о границе.", 19),
        ("Во вторник министры подписали соглашение о границе.", 12),
        ("Министры встретятся в следующую среду.", 20),
        ("В прошлую среду министр прибыл в Ереван.", 6),
        ("Генсек заявил в понедельник, что учения пройдут по плану.", 11),
        ("Учения будут проходить в пятницу на полигоне под Гродно.", 15),
    ],
)
def test_a_russian_weekday_follows_its_clauses_tense(sentence: str, expected: int) -> None:
    assert _day(sentence, reader=ru) == dt.date(2024, 3, expected)


# -- a day and month without a year is the nearest such date ---------------------


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # a past report leans back within about six months...
        ("The ministers met in Astana on 28 August.", dt.date(2024, 3, 1), dt.date(2023, 8, 28)),
        ("Armenia asked for help on December 29.", dt.date(2024, 1, 3), dt.date(2023, 12, 29)),
        # ...but the day after publication is nearer than the same day a year back
        ("The ministers met in Astana on 28 August.", dt.date(2024, 8, 27), dt.date(2024, 8, 28)),
        # a future one leans forward
        (
            "The ministers will meet in Astana on 28 August.",
            dt.date(2024, 3, 1),
            dt.date(2024, 8, 28),
        ),
        (
            "The alliance will hold its summit on January 5.",
            dt.date(2023, 12, 20),
            dt.date(2024, 1, 5),
        ),
        # and back when the forward date is most of a year away
        (
            "The ministers will meet in Astana on 28 August.",
            dt.date(2024, 10, 1),
            dt.date(2024, 8, 28),
        ),
    ],
)
def test_a_day_and_month_without_a_year_is_the_nearest(
    sentence: str, published: dt.date, expected: dt.date
) -> None:
    assert _day(sentence, published) == expected


def test_a_russian_day_and_month_without_a_year_is_the_nearest() -> None:
    assert _day("Министры встретились 28 августа.", dt.date(2024, 3, 1), ru) == dt.date(2023, 8, 28)
    assert _day("Министры встретятся 28 августа.", dt.date(2024, 3, 1), ru) == dt.date(2024, 8, 28)
    assert _day("Министры встретились 28 августа.", dt.date(2024, 8, 27), ru) == dt.date(
        2024, 8, 28
    )


def test_a_month_alone_in_a_future_clause_is_the_next_such_month() -> None:
    assert en.sentence_date("NATO will hold the drills in September.", WEDNESDAY) == (
        dt.date(2024, 9, 1),
        "month",
    )
    assert en.sentence_date("NATO held the drills in September.", WEDNESDAY) == (
        dt.date(2023, 9, 1),
        "month",
    )
    assert ru.sentence_date("Учения пройдут в сентябре.", WEDNESDAY) == (
        dt.date(2024, 9, 1),
        "month",
    )


def test_nearest_day_weighs_the_tense_by_about_six_months() -> None:
    published = dt.date(2024, 3, 1)
    # 28 August lies 186 days back and 180 ahead: each tense keeps to its own side
    assert dates.nearest_day(published, 8, 28, "past") == dt.date(2023, 8, 28)
    assert dates.nearest_day(published, 8, 28, "future") == dt.date(2024, 8, 28)
    # a day that does not exist in a year is not a candidate there
    assert dates.nearest_day(dt.date(2024, 3, 1), 2, 29, "past") == dt.date(2024, 2, 29)
    assert dates.nearest_day(dt.date(2025, 3, 1), 2, 29, "past") == dt.date(2024, 2, 29)


# -- the lead -------------------------------------------------------------------


def test_the_lead_is_the_headline_and_the_first_prose_sentences() -> None:
    texts = ["Allies Meet in Minsk", "Photo: the delegations", "The ministers met.", "They left."]
    assert dates.lead_length(texts) == 4
    assert dates.lead_length(["One.", "Two.", "Three."]) == 2
    assert dates.lead_length(["A headline only"]) == 1


def test_an_undated_act_in_the_lead_happened_on_the_publication_day() -> None:
    text = (
        "Armenia Seeks Allies' Help\n\n"
        "Armenia has asked the CSTO for military assistance, its government said.\n\n"
        "The appeal came after a night of shelling along the border.\n\n"
        "Kazakhstan criticised Armenia over the appeal."
    )
    events = _events(text, "en")
    assert ("ARM", "REQUEST", "CSTO", "2024-03-13") in events  # the lead: its day
    assert ("KAZ", "ACCUSE", "ARM", "2024-03") in events  # further down: the month


def test_a_headline_takes_the_day_its_lead_gives() -> None:
    text = (
        "Kazakhstan has accused Armenia of provocation\n\n"
        "The statement from Astana came on Monday, hours after border talks broke down.\n\n"
        "Diplomats expect more talks."
    )
    assert _events(text, "en") == {("KAZ", "ACCUSE", "ARM", "2024-03-11")}


def test_a_russian_lead_is_read_the_same_way() -> None:
    text = (
        "Армения просит союзников о помощи\n\n"
        "Армения обратилась к ОДКБ за военной помощью, сообщило правительство.\n\n"
        "Обращение последовало за ночными обстрелами.\n\n"
        "Казахстан раскритиковал Армению."
    )
    events = _events(text, "ru")
    assert ("ARM", "REQUEST", "CSTO", "2024-03-13") in events
    assert ("KAZ", "ACCUSE", "ARM", "2024-03") in events


def test_a_lead_day_needs_a_publication_known_to_the_day() -> None:
    lead = [("Armenia asked for help on Monday.", en.dating())]
    assert dates.lead_date(lead, WEDNESDAY, "day") == (dt.date(2024, 3, 11), "day")
    assert dates.lead_date(lead, WEDNESDAY, "month") is None
    assert dates.lead_date([("No date here.", en.dating())], WEDNESDAY, "day") == (
        WEDNESDAY,
        "day",
    )
    # a day in the lead long before publication is background, not the news
    old = [("The treaty was signed on 15 May 1992.", en.dating())]
    assert dates.lead_date(old, WEDNESDAY, "day") == (WEDNESDAY, "day")


# -- an act named as a noun is background -----------------------------------------


def test_a_noun_act_takes_the_year_of_its_own_phrase() -> None:
    text = (
        "Talks in Yerevan\n\n"
        "The talks opened without incident. Observers took notes.\n\n"
        "Officials in Yerevan on Tuesday recalled Azerbaijan's 2020 offensive against Armenia."
    )
    events = _events(text, "en")
    assert ("AZE", "ASSAULT", "ARM", "2020") in events
    assert not any(e[:3] == ("AZE", "ASSAULT", "ARM") and e[3] != "2020" for e in events)


def test_a_russian_noun_act_takes_the_year_of_its_own_phrase() -> None:
    text = (
        "Переговоры в Ереване\n\n"
        "Переговоры открылись спокойно. Наблюдатели вели записи.\n\n"
        "Пашинян во вторник вспомнил нападение Азербайджана на Армению осенью 2020 года."
    )
    events = _events(text, "ru")
    assert ("AZE", "ASSAULT", "ARM", "2020") in events


def test_an_undated_noun_act_is_not_dated_by_its_paragraph_or_the_day() -> None:
    text = (
        "Переговоры в Ереване\n\n"
        "Переговоры открылись спокойно. Наблюдатели вели записи.\n\n"
        "Пашинян во вторник прибыл в Москву. Турция осудила нападение Азербайджана на Армению."
    )
    attacks = {e for e in _events(text, "ru") if e[:3] == ("AZE", "ASSAULT", "ARM")}
    assert attacks == {("AZE", "ASSAULT", "ARM", "2024")}  # the publication year, no finer


def test_phrase_year_reads_a_bare_year_but_not_a_count() -> None:
    assert dates.phrase_year("Azerbaijan's 2020") == (dt.date(2020, 1, 1), "year")
    assert dates.phrase_year("the 2,000") is None
    assert dates.phrase_year("the 2020.5") is None
    assert dates.phrase_year("the 1990s") is None  # a decade is not its first year


def test_undated_acts_by_kind() -> None:
    lead = (dt.date(2024, 3, 11), "day")
    assert dates.undated(WEDNESDAY, "day", lead, named=False) == lead
    assert dates.undated(WEDNESDAY, "day", None, named=False) == (dt.date(2024, 3, 1), "month")
    assert dates.undated(WEDNESDAY, "day", lead, named=True) == (dt.date(2024, 1, 1), "year")
    assert dates.undated(WEDNESDAY, "month", None, named=False) == (dt.date(2024, 3, 1), "month")


# -- plans -----------------------------------------------------------------------


def test_a_plan_for_a_later_day_is_news_on_the_day_it_is_told() -> None:
    text = (
        "Talks\n\n"
        "The talks opened. Observers took notes.\n\n"
        "NATO will meet Finland on Tuesday. The defence ministers of Russia and Belarus met "
        "on 28 August."
    )
    events = _events(text, "en")
    assert ("NATO", "AGREE", "FIN", "2024-03-13") in events  # the intention, told today
    assert ("RUS", "CONSULT", "BLR", "2023-08-28") in events  # a past meeting: last August


def test_the_lead_news_repeated_undated_further_down_is_one_event() -> None:
    text = (
        "Armenia has asked the CSTO for military help\n\n"
        "The government in Yerevan confirmed the appeal. Officials gave no details.\n\n"
        "Observers were surprised. Armenia has asked the CSTO for military help, a spokesman said."
    )
    requests = {e for e in _events(text, "en") if e[:3] == ("ARM", "REQUEST", "CSTO")}
    assert requests == {("ARM", "REQUEST", "CSTO", "2024-03-13")}  # not also "2024-03"
