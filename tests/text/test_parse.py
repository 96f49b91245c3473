"""The parse adapter (bloc.text.parse, bloc.text.lang.en.parser): the UD relations roles read."""

from __future__ import annotations

import logging

import pytest

from bloc.text import parse
from bloc.text.parse import Parse, parse_batch
from helpers import dep, parsed


def _parse(text: str) -> Parse:
    parse: Parse = parsed("en", text)
    return parse


_dep = dep


def test_subject_object_and_prepositional_phrases_are_ud_relations() -> None:
    p = _parse("Kazakhstan criticised Armenia at the summit in Yerevan.")
    assert _dep(p, "Kazakhstan") == ("nsubj", "criticised")
    assert _dep(p, "Armenia") == ("obj", "criticised")
    assert _dep(p, "summit") == ("obl", "criticised")
    assert p.case(next(t.i for t in p.tokens if t.text == "summit")) == "at"
    assert _dep(p, "at") == ("case", "summit")


def test_passive_subject_and_agent() -> None:
    p = _parse("Armenia was criticised by Kazakhstan.")
    assert _dep(p, "Armenia") == ("nsubj:pass", "criticised")
    assert _dep(p, "Kazakhstan") == ("obl:agent", "criticised")
    assert next(t for t in p.tokens if t.text == "criticised").passive


def test_possessor_negation_and_offsets() -> None:
    text = "Russia's request was not granted."
    p = _parse(text)
    assert _dep(p, "Russia")[0] == "nmod:poss"
    assert _dep(p, "not")[0] == "neg"
    assert all(text[t.start : t.end] == t.text for t in p.tokens)


def test_a_failing_parser_is_logged_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """One sentence the model cannot take is left unparsed; the others are parsed."""
    english = parse.parser_for("en")
    assert english is not None

    def flaky(texts: list[str]) -> list[Parse]:
        if any("BOOM" in t for t in texts):
            raise RuntimeError("model failure")
        return english(texts)

    monkeypatch.setitem(parse._LOADED, "en", flaky)
    with caplog.at_level(logging.WARNING, logger="bloc.text.parse"):
        texts = ["Armenia asked Russia for help.", "BOOM", "Iran met Iraq."]
        out = parse_batch("en", texts, "doc-1")
    assert out[0] is not None and out[1] is None and out[2] is not None
    assert any("doc-1" in r.getMessage() and "not parsed" in r.getMessage() for r in caplog.records)


def test_an_unknown_language_gives_no_parse() -> None:
    assert parse_batch("xx", ["Armenia asked Russia for help."]) == [None]
