"""The glossary: codes the model keeps, read as a person reads them."""

from __future__ import annotations

import pytest

from bloc.core import glossary
from bloc.core.events import PLOVER_TYPES


def test_every_plover_type_has_plain_words() -> None:
    for code in PLOVER_TYPES:
        words = glossary.type_words(code)
        assert words != code and words[:1].islower()
    assert glossary.type_words("request").startswith("asked")


@pytest.mark.parametrize(
    ("article", "kind", "expected"),
    [
        ("4", "collective_defence", "Article 4 (collective defence)"),
        ("5", "collective_defence", "Article 5 (collective defence)"),
        ("IV(1)", "collective_defence", "Article IV(1) (collective defence)"),
        ("III", "consultation", "Article III (consultation)"),
        (
            "Council decision of December 2010",
            "internal_crisis",
            "Council decision of December 2010 (internal crises)",
        ),
        ("7", "something_new", "Article 7 (something new)"),
    ],
)
def test_provisions_read_as_articles(article: str, kind: str, expected: str) -> None:
    assert glossary.provision(article, kind) == expected


def test_threats_take_their_article() -> None:
    assert glossary.threat("incursion") == "an incursion"
    assert glossary.threat("external") == "an external attack"
    assert glossary.threat("internal unrest") == "internal unrest"
    assert glossary.threat("blockade") == "a blockade"  # not in the glossary: made up right
    assert glossary.threat("air_raid") == "an air raid"


def test_alliances_follow_english_article_rules() -> None:
    assert glossary.alliance("NATO") == "NATO"
    assert glossary.alliance("csto") == "the CSTO"
    assert glossary.alliance("WARSAW") == "the Warsaw Pact"
    assert glossary.alliance("WARSAW", article=False) == "Warsaw Pact"
    assert glossary.alliance("RIO") == "the Rio Treaty"
    assert glossary.alliance("ANZUS") == "ANZUS"


def test_requests_are_named_by_year_and_demonym() -> None:
    demonyms = ("Kirghiz", "Kyrgyz", "Kyrgyzstani", "Kyrgyzstanis")
    word = glossary.adjective("Kyrgyzstan", demonyms)
    assert word == "Kyrgyz"
    assert glossary.request("1999", word, "Kyrgyzstan") == "the 1999 Kyrgyz request"
    assert glossary.adjective("France", ("Frenchman",)) is None
    assert glossary.request("2003", None, "France") == "the request of France in 2003"
    assert glossary.outcome("nothing") == "nothing done"
