"""Russian: the parse adapter's relations, language detection, actors in their cases, dates,
and documents that mix languages or are in a language bloc does not code."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bloc.ingest.documents import parse_record
from bloc.model import Document
from bloc.text import language
from bloc.text.lang.ru import dates as dates_ru
from bloc.text.lang.ru.actors import finder
from bloc.text.parse import Parse
from bloc.text.pipeline import process
from bloc.text.read import decode
from helpers import dep, parsed


def _parse(text: str) -> Parse:
    parse: Parse = parsed("ru", text)
    return parse


_dep = dep


def test_subject_object_and_a_prepositional_phrase_with_its_case() -> None:
    p = _parse("Россия направила войска в Казахстан.")
    assert _dep(p, "Россия") == ("nsubj", "направила")
    assert _dep(p, "войска") == ("obj", "направила")
    assert _dep(p, "Казахстан") == ("obl", "направила")
    assert p.case(next(t.i for t in p.tokens if t.text == "Казахстан")) == "в"
    verb = next(t for t in p.tokens if t.text == "направила")
    assert (verb.lemma, verb.tense, verb.finite) == ("направить", "Past", True)
    assert all(p.text[t.start : t.end] == t.text for t in p.tokens)


def test_passive_with_an_instrumental_agent_and_a_genitive_owner() -> None:
    p = _parse("Учения ОДКБ были отменены армянской стороной.")
    assert _dep(p, "Учения") == ("nsubj:pass", "отменены")
    assert _dep(p, "стороной") == ("obl:agent", "отменены")
    assert _dep(p, "ОДКБ") == ("nmod:poss", "Учения")
    assert next(t for t in p.tokens if t.text == "отменены").passive


def test_negation_future_and_modals() -> None:
    p = _parse("Казахстан не будет направлять войска.")
    assert _dep(p, "не")[0] == "neg"
    assert next(t for t in p.tokens if t.text == "направлять").tense == "Fut"
    p = _parse("Пашинян заявил, что Армения должна выйти из ОДКБ.")
    assert _dep(p, "должна") == ("aux", "выйти")
    assert _dep(p, "выйти") == ("ccomp", "заявил")
    assert _dep(p, "Армения") == ("nsubj", "выйти")


def test_a_quotation_is_governed_by_its_attribution() -> None:
    p = _parse("«Мы не будем отправлять войска», — заявил Токаев.")
    assert _dep(p, "отправлять") == ("ccomp", "заявил")
    assert _dep(p, "заявил")[0] == "root"


def test_a_compound_of_two_demonyms_is_two_adjectives() -> None:
    p = _parse("Столкновения на киргизско-таджикской границе продолжились.")
    first = next(t for t in p.tokens if t.text == "киргизско")
    second = next(t for t in p.tokens if t.text == "таджикской")
    assert first.dep == "amod" and (second.dep, second.head) == ("conj", first.i)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Армения обратилась к ОДКБ за военной помощью, заявил Никол Пашинян.", "ru"),
        ("Armenia asked the CSTO for military help, Nikol Pashinyan said.", "en"),
        ("Қазақстан Республикасының Президенті ұжымдық қауіпсіздік туралы мәлімдеме жасады.", "kk"),
        ("Кыргызстандын президенти өлкөнүн коопсуздугу боюнча жыйынга катышты.", "ky"),
        ("Президенти Ҷумҳурии Тоҷикистон бо ҳамтои худ вохӯрд.", "tg"),
        ("Україна звернулася до країн НАТО з проханням про допомогу.", "uk"),
        ("Армения обратилась к ОДКБ.".encode().decode("cp1252", "replace") * 3, "und"),
        ("Армения обратилась к ОДКБ за помощью.".encode("cp1251").decode("cp1252") * 3, "und"),
        ("Le président a rencontré à Genève ses homologues européens.", "en"),
    ],
)
def test_the_language_is_told_by_its_letters(text: str, lang: str) -> None:
    assert language.detect(text) == lang


def test_windows_1251_files_are_read_as_cyrillic() -> None:
    assert decode("Армения обратилась к ОДКБ".encode("cp1251")) == "Армения обратилась к ОДКБ"


def test_a_json_line_names_its_language() -> None:
    doc = parse_record({"id": "a", "text": "Armenia asked.", "lang": "ru-RU"}, "f:1")
    assert isinstance(doc, Document) and doc.lang == "ru"
    bad = parse_record({"id": "a", "text": "Armenia asked.", "lang": "Russian!"}, "f:2")
    assert not isinstance(bad, Document) and "lang" in bad.reason


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Армения, Армении, Арменией и Армению", ["ARM"] * 4),
        ("армянская сторона и казахстанские миротворцы", ["ARM", "KAZ"]),
        ("в Кремле, в Ереване и в Акорде", ["RUS", "ARM", "KAZ"]),
        ("ОДКБ, НАТО, ООН, ШОС, СНГ и ЕАЭС", ["CSTO", "NATO", "UN", "SCO", "CIS", "EAEU"]),
        ("с Пашиняном, Токаевым и Лукашенко", ["ARM", "KAZ", "BLR"]),
        ("Соединённых Штатов Америки и Совета Безопасности ООН", ["USA", "UN"]),
        ("на армяно-азербайджанской границе", ["ARM", "AZE"]),
        ("того же мнения", []),
    ],
)
def test_russian_actors_in_their_cases(text: str, codes: list[str]) -> None:
    found = finder().find(text, dt.date(2022, 9, 14))
    assert [m.code for m in found] == codes


def test_a_person_merges_with_their_office_and_the_members_of_an_alliance_are_states() -> None:
    found = finder().find("Президент России Владимир Путин и члены ОДКБ", dt.date(2022, 9, 14))
    assert [(m.code, m.form) for m in found] == [("RUS", "person"), ("CSTO", "members")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в среду", (dt.date(2023, 1, 11), "day")),  # publication day: a Wednesday
        ("во вторник", (dt.date(2023, 1, 10), "day")),
        ("в прошлую среду", (dt.date(2023, 1, 4), "day")),
        ("15 сентября", (dt.date(2022, 9, 15), "day")),
        ("в сентябре 2022 года", (dt.date(2022, 9, 1), "month")),
        ("в прошлом месяце", (dt.date(2022, 12, 1), "month")),
        ("в 2021 году", (dt.date(2021, 1, 1), "year")),
        ("вчера", (dt.date(2023, 1, 10), "day")),
    ],
)
def test_russian_dates_against_the_publication_date(
    text: str, expected: tuple[dt.date, str]
) -> None:
    assert dates_ru.sentence_date(text, dt.date(2023, 1, 11)) == expected


def test_a_russian_dateline_dates_the_article() -> None:
    from bloc.text.dates import find_publication_date

    head = "Заголовок статьи\n\nЕРЕВАН, 14 сентября 2022 г. (Вестник)\n\nТекст."
    assert find_publication_date(head) == dt.date(2022, 9, 14)


def test_a_russian_document_is_coded_and_its_language_kept() -> None:
    doc = Document(
        id="ru",
        text="Сводка\n\nАрмения в среду обратилась к ОДКБ за военной помощью.",
        published=dt.date(2022, 9, 14),
    )
    result = process(doc)
    assert result.lang == "ru"
    assert [(e.source, e.type, e.target, e.date) for e in result.events] == [
        ("ARM", "REQUEST", "CSTO", dt.date(2022, 9, 14))
    ]


def test_a_kazakh_document_is_stored_uncoded_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = "Қазақстан Республикасы ҰҚШҰ-дан көмек сұрады. Ресей әскер жіберуден бас тартты."
    with caplog.at_level(logging.INFO, logger="bloc.text.pipeline"):
        result = process(Document(id="kk", text=text, published=dt.date(2022, 1, 6)))
    assert (result.lang, result.events) == ("kk", ())
    assert any("kk" in r.getMessage() and "does not code" in r.getMessage() for r in caplog.records)


def test_a_mixed_document_reads_each_sentence_in_its_own_language(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = (
        "Digest\n\nArmenia asked the CSTO for military help on September 13, 2022.\n\n"
        "Азербайджан 13 сентября 2022 года обвинил Армению в провокациях.\n\n"
        "Қазақстан Республикасы ҰҚШҰ-дан көмек сұрады, деп мәлімдеді министрлік."
    )
    with caplog.at_level(logging.INFO, logger="bloc.text.pipeline"):
        result = process(Document(id="mix", text=text, published=dt.date(2022, 9, 14)))
    assert {(e.source, e.type, e.target) for e in result.events} == {
        ("ARM", "REQUEST", "CSTO"),
        ("AZE", "ACCUSE", "ARM"),
    }
    assert any("several languages" in r.getMessage() for r in caplog.records)


def test_broken_and_odd_russian_input_never_raises() -> None:
    odd = [
        "Армения" * 500,
        "«»—–,.!?" * 50,
        "ОДКБ ОДКБ ОДКБ НАТО " * 100,
        "Армения\ufffd\ufffd обратилась к ОДКБ\x00 за помощью.",
        "Арменiя обратилась к ОДКБ Tashkent-Ташкент 13.13.2022 за помощью 31 февраля.",
    ]
    for n, text in enumerate(odd):
        process(Document(id=f"odd{n}", text=text, published=dt.date(2022, 9, 14), lang="ru"))
