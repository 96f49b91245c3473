"""Language detection (bloc.text.language): the script, then py3langid for Latin text."""

from __future__ import annotations

import datetime as dt

import pytest

from bloc.model import Document
from bloc.text import language
from bloc.text.pipeline import process

GERMAN = (
    "Die Bundesregierung hat heute beschlossen, dass Russland die Ukraine angegriffen hat "
    "und dass weitere Soldaten nach Litauen verlegt werden, um die Ostflanke der Nato zu "
    "stärken. Der Verteidigungsminister sagte am Montag in Berlin, die Brigade werde bis "
    "2027 einsatzbereit sein."
)
ENGLISH = (
    "Russia attacked Ukraine on Monday, and Lithuania asked NATO for more troops to "
    "strengthen the alliance's eastern flank, the defence minister said in Vilnius."
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (ENGLISH, "en"),
        (GERMAN, "de"),
        ("Russia attacked Ukraine.", "en"),  # too few letters to ask the detector
        ("Die Brigade ist bereit.", "en"),  # the same: the script's first language
        ("Россия атаковала Украину, заявил министр обороны в Вильнюсе.", "ru"),
    ],
)
def test_a_document_is_told_by_its_script_then_by_the_detector(text: str, lang: str) -> None:
    assert language.detect(text) == lang


def test_sentences_keep_their_documents_language_within_its_script() -> None:
    assert language.sentence("Die Brigade ist bereit.", "de") == "de"
    assert language.sentence("The brigade is ready.", "ru") == "en"
    assert language.sentence("The brigade is ready.", "kk") == "en"  # Kazakh is Cyrillic
    assert language.sentence("The brigade is ready.", language.UNDETERMINED) == "und"


def test_a_document_in_a_language_bloc_does_not_read_is_stored_uncoded() -> None:
    german = process(Document(id="de-1", text=GERMAN, published=dt.date(2023, 4, 3)))
    assert german.lang == "de" and german.events == ()
    english = process(Document(id="en-1", text=ENGLISH, published=dt.date(2023, 4, 3)))
    assert english.lang == "en" and english.events
