"""The language registry: a third language is one folder, read end to end.

The fake language "xx" lives only in a temporary folder laid beside the built-in
ones (bloc.text.lang's search path): its lexicon, page patterns, anchors' phrases,
a toy parser (subject, verb, object) and a toy gazetteer. Registered by its own
`__init__`, it is detected for a document that names it, gated, parsed, coded by
the shared role logic and dated by the shared engine, with no engine file touched.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import bloc.text.lang as builtin
from bloc.model import Document
from bloc.text import clean, language, parse, reading, sentences
from bloc.text.pipeline import process

INIT = '''
"""Xish: a toy language for the registry test."""

from __future__ import annotations

import re

from bloc.model import Mention
from bloc.text.actors import words
from bloc.text.dates import anchors, earliest, named_date
from bloc.text.parse import Parse, Token
from bloc.text.reading import Dating, Packaged, register

NAMES = {"Armenia": "ARM", "Azerbaijan": "AZE"}
TIME, NAMED = anchors({"invasion-start": r"\\bkrimu\\b"})
NEVER = re.compile(r"(?!)")


class Finder:
    def find(self, text, day, context_alliance=None):
        return [Mention(NAMES[w], s, e, w, "name") for w, s, e in words(text) if w in NAMES]

    def with_anaphors(self, text, found, context_alliance):
        return found


def parser():
    def parse(texts):
        out = []
        for text in texts:
            found = words(text)[:3]
            deps = [("nsubj", 1, "PROPN"), ("root", 1, "VERB"), ("obj", 1, "PROPN")]
            tokens = tuple(
                Token(i, w, w.lower(), pos, dep, head, s, e, "Past", False, dep == "root")
                for i, ((w, s, e), (dep, head, pos)) in enumerate(zip(found, deps))
            )
            out.append(Parse(text, tokens, "xx"))
        return out

    return parse


def dating():
    return Dating(
        lambda text: "krimu" in text,
        lambda text, published, precision: earliest(text, [], TIME, NEVER),
        lambda text: named_date(text, NAMED),
        lambda text: [],
    )


def gate(lex):
    return lambda text: any(w.lower() in lex.forms for w, _, _ in words(text))


register(Packaged("xx", "Latin", __name__, Finder, dating, parser, gate))
'''
LEXICON = """
words: {future: [], speculative: [], must: [], intent: [], forecast: [], reluctant: [],
  negation: [nu], conditional: [], stative: [], before: [], involving: []}
light: []
speech: []
targets: {AGREE: [], CONSULT: [], SUPPORT: [], CONCEDE: [], COOPERATE: [], AID: [],
  RETREAT: [], REQUEST: [], ACCUSE: [], REJECT: [], THREATEN: [], PROTEST: [], SANCTION: [],
  MOBILIZE: [], COERCE: [], ASSAULT: []}
entries:
- {lemma: blamu, type: ACCUSE, mode: accusation}
"""
PAGE = """
boilerplate: ['^xx-reklamo$']
abbreviations: [sro]
capitals: 'A-Z'
letters: 'A-Za-z'
"""


@pytest.fixture
def xish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "__init__.py").write_text(textwrap.dedent(INIT), encoding="utf-8")
    (folder / "lexicon.yaml").write_text(LEXICON, encoding="utf-8")
    (folder / "page.yaml").write_text(PAGE, encoding="utf-8")
    reading.languages()  # the built-in languages first
    monkeypatch.setattr(reading, "_REGISTRY", dict(reading._REGISTRY))
    monkeypatch.setattr(parse, "_PARSERS", dict(parse._PARSERS))
    monkeypatch.setattr(parse, "_LOADED", dict(parse._LOADED))
    monkeypatch.setattr(builtin, "__path__", [*builtin.__path__, str(tmp_path)])
    importlib.import_module("bloc.text.lang.xx")
    yield
    sys.modules.pop("bloc.text.lang.xx", None)


@pytest.mark.usefixtures("xish")
def test_a_third_language_is_its_folder_only() -> None:
    assert set(reading.languages()) == {"en", "ru", "xx"}
    assert "xx" in language.read()
    assert language.sentence("Armenia blamu Azerbaijan.", "xx") == "xx"
    assert "sro" in sentences.rules().abbreviations
    assert clean.is_boilerplate("xx-reklamo")
    text = "Armenia blamu Azerbaijan krimu.\n\nxx-reklamo\n\nAzerbaijan nu Armenia."
    document = Document(id="xx-1", text=text, published=dt.date(2023, 4, 12), lang="xx")
    result = process(document)
    assert result.lang == "xx"
    assert [(e.source, e.type, e.target, e.date, e.precision) for e in result.events] == [
        ("ARM", "ACCUSE", "AZE", dt.date(2022, 2, 1), "month")  # anchors.yaml's date
    ]


@pytest.mark.usefixtures("xish")
def test_a_language_not_registered_is_stored_uncoded() -> None:
    document = Document(id="zz-1", text="Armenia blamu Azerbaijan.", lang="zz")
    assert reading.reading("zz") is None
    assert process(document).events == ()
