"""Hard cases for the coder, on short articles written for the purpose (tests/data/articles)."""

from __future__ import annotations

import datetime as dt

from bloc.model import Document
from bloc.text.pipeline import process
from bloc.text.read import read_file
from helpers import ARTICLES


def _events(name: str) -> set[tuple[str, str, str, str]]:
    docs = [d for d in read_file(ARTICLES / name) if isinstance(d, Document)]
    assert docs, f"{name} was not read"
    return {(e.source, e.type, e.target, e.date.isoformat()) for e in process(docs[0]).events}


def test_refusal_to_send_troops_is_reject_not_aid() -> None:
    events = _events("negation.txt")
    assert ("KAZ", "REJECT", "ARM", "2024-03-12") in events  # "on Tuesday" before 14 March
    assert not any(t == "AID" for _, t, _, _ in events)


def test_hypotheticals_predictions_and_questions_are_not_events() -> None:
    assert _events("hypothetical.txt") == set()


def test_a_sports_report_has_no_armed_clashes() -> None:
    events = _events("sports.txt")
    assert not any(t in ("ASSAULT", "COERCE") for _, t, _, _ in events), events


def test_a_person_resolves_to_the_office_held_on_the_date() -> None:
    assert ("UN", "CONSULT", "RUS", "2012-05-01") in _events("office_2012.txt")
    assert ("KAZ", "REQUEST", "CSTO", "2022-01-01") in _events("office_2022.txt")


def test_boilerplate_produces_no_events() -> None:
    assert _events("boilerplate.txt") == {("ARM", "CONSULT", "FRA", "2024-04-01")}


def test_last_wednesday_is_dated_against_publication() -> None:
    doc = Document(
        id="x",
        text="Summit Ends\n\nArmenia hosted a summit of the CSTO in Yerevan last Wednesday.",
        published=dt.date(2022, 11, 25),
    )
    events = process(doc).events
    assert [(e.source, e.type, e.target, e.date, e.precision) for e in events] == [
        ("ARM", "CONSULT", "CSTO", dt.date(2022, 11, 23), "day")
    ]


def test_a_month_named_in_the_sentence_dates_the_event_to_that_month() -> None:
    doc = Document(
        id="y",
        text="In September 2022, Armenia called on the CSTO for help.",
        published=dt.date(2023, 5, 9),
    )
    (event,) = process(doc).events
    assert (event.date, event.precision) == (dt.date(2022, 9, 1), "month")


def test_freezing_participation_is_reject_toward_the_alliance() -> None:
    doc = Document(
        id="z",
        text="Armenia froze its participation in the CSTO on February 22, 2024.",
        published=dt.date(2024, 2, 23),
    )
    (event,) = process(doc).events
    assert (event.source, event.type, event.target, event.alliance) == (
        "ARM",
        "REJECT",
        "CSTO",
        "CSTO",
    )


def test_an_undated_article_dates_only_what_it_dates_itself() -> None:
    doc = Document(
        id="u",
        text="Armenia called on the CSTO for help in September 2022.\n\n"
        "Kyrgyzstan cancelled the CSTO exercise it was to host.",
    )
    events = process(doc).events
    assert [(e.source, e.type, e.date) for e in events] == [("ARM", "REQUEST", dt.date(2022, 9, 1))]


def test_a_long_unpunctuated_sentence_is_coded_in_bounded_time() -> None:
    """10,000 characters of actors and triggers took 112 s: for every trigger the coder
    re-read the whole sentence before every actor. The pipeline skips such runs (see
    pipeline.MAX_SENTENCE_CHARS); the coder itself must not hang on them either."""
    import time

    from bloc.knowledge import bundled
    from bloc.text import coder
    from bloc.text.actors import finder

    kb = bundled()
    kinds = {code: actor.kind for code, actor in kb.actors.items()}
    unit = "Armenia asked the CSTO for help and Russia attacked Ukraine and "
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    mentions = finder().find(text, dt.date(2023, 1, 1))
    began = time.perf_counter()
    coded = coder.code_sentence(text, mentions, set(kb.alliances), "CSTO", kinds)
    assert time.perf_counter() - began < 5.0  # about 0.3 s now
    assert {(c.source, c.target, c.type) for c in coded} >= {("ARM", "CSTO", "REQUEST")}
