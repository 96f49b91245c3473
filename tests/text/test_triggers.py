"""The trigger-side failure classes of issue 25, on sentences written for the purpose.

Each class is a general rule (docs/codebook.md, "How triggers are read"): words in
quotation marks, refusal and distance, attending or staying away from a summit, speech
acts, what alliance news needs, plain verbs, and senses of event words that are no event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bloc.model import Document
from bloc.text.clean import scare_quotes
from bloc.text.pipeline import process
from bloc.text.read import from_bytes
from helpers import ARTICLES

Coded = set[tuple[str, str, str]]


def _coded(text: str) -> Coded:
    document = Document(id="t", text=text, published=dt.date(2024, 5, 10))
    return {(e.source, e.type, e.target) for e in process(document).events}


# -- words in quotation marks ------------------------------------------------------------


@pytest.mark.parametrize("left,right", [("'", "'"), ('"', '"'), ("‘", "’"), ("“", "”")])
def test_a_word_in_quotation_marks_is_coded_like_the_plain_word(left: str, right: str) -> None:
    plain = "Armenia has frozen its participation in the CSTO."
    quoted = f"Armenia has {left}frozen{right} its participation in the CSTO."
    assert _coded(plain) == {("ARM", "REJECT", "CSTO")}
    assert _coded(quoted) == _coded(plain)


def test_scare_quotes_keep_every_offset_and_leave_quoted_speech_alone() -> None:
    text = "Yerevan called the drills 'provocative'; \"we will not take part in them,\" it said."
    unquoted = scare_quotes(text)
    assert len(unquoted) == len(text)
    assert " provocative ;" in unquoted
    assert '"we will not take part in them,"' in unquoted  # speech, not a scare quote
    assert scare_quotes("the members' 'frozen' work") == "the members'  frozen  work"


# -- refusal and distance; attending ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Armenia sidestepped the CSTO summit in Minsk.",
        "Armenia stayed away from the CSTO summit in Minsk.",
        "Armenia skipped the CSTO meeting in Moscow.",
        "Armenia boycotted the CSTO summit.",
        "Armenia did not attend the CSTO summit in Minsk.",
    ],
)
def test_staying_away_from_an_alliance_summit_is_reject_and_no_meeting(sentence: str) -> None:
    coded = _coded(sentence)
    assert ("ARM", "REJECT", "CSTO") in coded
    assert not any(kind == "CONSULT" for _, kind, _ in coded), coded


def test_attending_an_alliance_summit_is_consult_with_the_alliance() -> None:
    assert _coded("Kazakhstan attended the CSTO summit in Minsk.") == {("KAZ", "CONSULT", "CSTO")}


def test_turning_down_a_request_is_reject() -> None:
    assert ("KAZ", "REJECT", "RUS") in _coded("Kazakhstan turned down a request from Russia.")


def test_declining_an_invitation_to_attend_is_no_meeting() -> None:
    coded = _coded("Armenia rejected an invitation to attend the CSTO summit in Minsk.")
    assert not any(kind == "CONSULT" for _, kind, _ in coded), coded


# -- speech acts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,event",
    [
        ("Russia regrets the decision of Armenia.", ("RUS", "ACCUSE", "ARM")),
        ("Russia regretted the decision of Armenia.", ("RUS", "ACCUSE", "ARM")),
        ("Moscow condemns the Ukrainian strike on Belgorod.", ("RUS", "ACCUSE", "UKR")),
        ("Russia warned Finland of countermeasures.", ("RUS", "THREATEN", "FIN")),
        ("NATO welcomed Sweden's step.", ("NATO", "SUPPORT", "SWE")),
    ],
)
def test_speech_acts_in_the_past_and_in_the_headline_present(
    sentence: str, event: tuple[str, str, str]
) -> None:
    assert event in _coded(sentence)


def test_a_state_of_affairs_in_the_present_is_still_no_event() -> None:
    assert _coded("Russia supplies gas to Armenia.") == set()


# -- what alliance news needs --------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,event",
    [
        ("Armenia suspended its participation in the CSTO.", ("ARM", "REJECT", "CSTO")),
        ("Russia deployed peacekeepers to Kazakhstan.", ("RUS", "AID", "KAZ")),
        ("Belarus and Russia held drills near the Polish border.", ("BLR", "COOPERATE", "RUS")),
        ("Norway refused to commit troops to Afghanistan.", ("NOR", "REJECT", "AFG")),
        ("Greece demanded guarantees from Turkey.", ("GRC", "REQUEST", "TUR")),
        ("Chile accepted Argentina's formula for the border.", ("CHL", "AGREE", "ARG")),
        ("Armenia and Turkey established diplomatic relations.", ("ARM", "SUPPORT", "TUR")),
        ("Kazakhstan extradited two suspects to Russia.", ("KAZ", "COOPERATE", "RUS")),
        (
            "The OSCE envoy undertook a mediation mission between Armenia and Azerbaijan.",
            ("OSCE", "CONSULT", "ARM"),
        ),
        # a verb phrase the curated file lacks, read from the derived lexicon ("call up")
        ("Belarus called up reservists near the Lithuanian border.", ("BLR", "MOBILIZE", "LTU")),
    ],
)
def test_alliance_acts_and_plain_verbs(sentence: str, event: tuple[str, str, str]) -> None:
    assert event in _coded(sentence)


def test_refusing_to_commit_troops_is_no_aid() -> None:
    coded = _coded("Norway refused to commit troops to Afghanistan.")
    assert not any(kind in ("AID", "AGREE") for _, kind, _ in coded), coded


# -- senses that are no event ---------------------------------------------------------------


def test_a_clash_of_opinions_is_no_clash() -> None:
    assert (
        _coded("The meeting in Minsk ended in a clash of opinions between Russia and Belarus.")
        == set()
    )


NEGATIVES = sorted((ARTICLES / "negatives").glob("*.txt"))


def test_there_are_ten_negatives() -> None:
    assert len(NEGATIVES) == 10


@pytest.mark.parametrize("path", NEGATIVES, ids=lambda p: p.stem)
def test_texts_full_of_event_words_have_no_events(path: Path) -> None:
    """A football attack, a clash of opinions, a market retreat, a chess offensive...: each
    names states or their people, and none reports an act between them."""
    document = from_bytes(str(path), path.read_bytes(), html=False)
    assert isinstance(document, Document)
    events = [(e.source, e.type, e.target, e.sentence) for e in process(document).events]
    assert events == []


@pytest.mark.parametrize(
    "sentence,event",
    [
        ("Belarus put its troops on alert near the Polish border.", ("BLR", "MOBILIZE", "POL")),
        ("The EU tightened sanctions on Belarus.", ("EU", "SANCTION", "BLR")),
        ("NATO will tighten the blockade of Libya.", ("NATO", "THREATEN", "LBY")),
    ],
)
def test_alerts_and_tightening(sentence: str, event: tuple[str, str, str]) -> None:
    assert event in _coded(sentence)


@pytest.mark.parametrize(
    "sentence,event",
    [
        ("Armenia will leave the CSTO unless Russia sends troops.", ("ARM", "THREATEN", "CSTO")),
        (
            "Russia would send peacekeepers to Armenia if Yerevan asked for them.",
            ("RUS", "AGREE", "ARM"),
        ),
    ],
)
def test_an_act_promised_on_a_condition_is_an_offer_or_a_threat(
    sentence: str, event: tuple[str, str, str]
) -> None:
    assert _coded(sentence) == {event}


def test_a_speculation_on_a_condition_is_still_nothing() -> None:
    assert _coded("Kazakhstan may send troops to Armenia if asked.") == set()
