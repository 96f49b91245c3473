"""The role logic and the coder on hand-built parses: no parser model involved.

Each sentence is written as the UD adapter would give it (`helpers.built`), so these
tests pin the rules themselves; a parser upgrade that changes a parse moves the
accuracy tests, not these.
"""

from __future__ import annotations

from typing import Any

import pytest

from bloc.text.coder import code_parse
from bloc.text.coders import CoderError, Rules, coder, use
from bloc.text.reading import reading
from bloc.text.reference import Actors, Context
from bloc.text.roles import find_roles
from bloc.text.route import How, Route, Target, Via
from bloc.text.types import find_triggers, mood_of
from helpers import built, named

KINDS = {"ARM": "state", "AZE": "state", "RUS": "state", "UKR": "state", "CSTO": "alliance"}


def _context() -> Context:
    return Context(alliances=frozenset({"CSTO"}), kinds=dict(KINDS))


def _lex(lang: str) -> Any:
    language = reading(lang)
    assert language is not None
    return language.lex


def _code(parse: Any, *names: tuple[str, str]) -> list[tuple[str, str, str, Route]]:
    coded = code_parse(parse, named(parse, *names), _context(), _lex(parse.lang))
    return [(c.source, c.type, c.target, c.route) for c in coded]


def test_subject_and_object_make_source_and_target() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("accused", "accuse", "VERB", "root", 1),
        ("Azerbaijan", "azerbaijan", "PROPN", "obj", 1),
    )
    assert _code(p, ("Armenia", "ARM"), ("Azerbaijan", "AZE")) == [
        ("ARM", "ACCUSE", "AZE", Route(Via.SUBJECT, How(Target.OBJECT)))
    ]


def test_the_agent_of_a_passive_is_the_source() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj:pass", 2),
        ("was", "be", "AUX", "aux:pass", 2),
        ("attacked", "attack", "VERB", "root", 2),
        ("by", "by", "ADP", "case", 4),
        ("Azerbaijan", "azerbaijan", "PROPN", "obl:agent", 2),
        passive_2=True,
    )
    assert _code(p, ("Armenia", "ARM"), ("Azerbaijan", "AZE")) == [
        ("AZE", "ASSAULT", "ARM", Route(Via.PASSIVE))
    ]


def test_a_preposition_of_the_type_names_the_target() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("appealed", "appeal", "VERB", "root", 1),
        ("to", "to", "ADP", "case", 3),
        ("CSTO", "csto", "PROPN", "obl", 1),
    )
    (coded,) = _code(p, ("Armenia", "ARM"), ("CSTO", "CSTO"))
    assert coded[:3] == ("ARM", "REQUEST", "CSTO")
    assert coded[3] == Route(Via.SUBJECT, How(Target.OBLIQUE, "to"))


def test_a_negated_act_is_not_coded_unless_its_negation_is_a_type() -> None:
    words = (
        ("Russia", "russia", "PROPN", "nsubj", 3),
        ("did", "do", "AUX", "aux", 3),
        ("not", "not", "PART", "neg", 3),
        ("attack", "attack", "VERB", "root", 3),
        ("Ukraine", "ukraine", "PROPN", "obj", 3),
    )
    p = built("en", *words)
    speculative, conditional, negated, future = mood_of(p, p[3], _lex("en"))
    assert negated and not (speculative or conditional or future)
    assert _code(p, ("Russia", "RUS"), ("Ukraine", "UKR")) == []
    agreed = built("en", *words[:3], ("accept", "accept", "VERB", "root", 3), words[4])
    assert [c[:3] for c in _code(agreed, ("Russia", "RUS"), ("Ukraine", "UKR"))] == [
        ("RUS", "REJECT", "UKR")
    ]


def test_a_possessive_noun_trigger_is_its_owners_act_and_dated_as_a_thing() -> None:
    p = built(
        "en",
        ("Azerbaijan", "azerbaijan", "PROPN", "nmod:poss", 2),
        ("'s", "'s", "PART", "case", 0),
        ("attack", "attack", "NOUN", "root", 2),
        ("on", "on", "ADP", "case", 4),
        ("Armenia", "armenia", "PROPN", "nmod", 2),
    )
    ((source, kind, target, route),) = _code(p, ("Azerbaijan", "AZE"), ("Armenia", "ARM"))
    assert (source, kind, target) == ("AZE", "ASSAULT", "ARM")
    assert route == Route(Via.NOUN, How(Target.NOUN_PHRASE, "on")) and route.named_thing


def test_an_actor_inside_the_subjects_phrase_is_a_deeper_less_sure_source() -> None:
    p = built(
        "en",
        ("troops", "troop", "NOUN", "nsubj", 3),
        ("of", "of", "ADP", "case", 2),
        ("Russia", "russia", "PROPN", "nmod", 0),
        ("attacked", "attack", "VERB", "root", 3),
        ("Ukraine", "ukraine", "PROPN", "obj", 3),
    )
    actors = Actors(p, named(p, ("Russia", "RUS"), ("Ukraine", "UKR")), _context(), _lex("en"))
    (trigger,) = find_triggers(p, actors, _lex("en"))
    sources, targets, route = find_roles(p, trigger, None, actors, _lex("en"), None)
    assert [s.code for s in sources] == ["RUS"] and [t.code for t in targets] == ["UKR"]
    assert route.via is Via.SUBJECT_INNER and route.deep
    (coded,) = code_parse(p, actors.mentions, _context(), _lex("en"))
    direct = built(
        "en",
        ("Russia", "russia", "PROPN", "nsubj", 1),
        *[(w.text, w.lemma, w.pos, w.dep, 1) for w in p.tokens[3:]],
    )
    (plain,) = code_parse(direct, named(direct, ("Russia", "RUS"), ("Ukraine", "UKR")),
                          _context(), _lex("en"))  # fmt: skip
    assert coded.confidence < plain.confidence


def test_russian_roles_come_from_the_same_logic_through_russian_words() -> None:
    p = built(
        "ru",
        ("Армения", "армения", "PROPN", "nsubj", 1),
        ("обвинила", "обвинить", "VERB", "root", 1),
        ("Азербайджан", "азербайджан", "PROPN", "obj", 1),
    )
    assert _code(p, ("Армения", "ARM"), ("Азербайджан", "AZE")) == [
        ("ARM", "ACCUSE", "AZE", Route(Via.SUBJECT, How(Target.OBJECT)))
    ]
    # An English pronoun's lemma means nothing to Russian: each language its own words.
    assert "it" in _lex("en").words["pronouns"] and "it" not in _lex("ru").words["pronouns"]


def test_a_description_refers_only_with_its_article_in_english() -> None:
    def sentence(det: bool) -> Any:
        words = [("the", "the", "DET", "det", 1)] if det else []
        n = len(words)
        return built(
            "en",
            *words,
            ("country", "country", "NOUN", "nsubj", n + 1),
            ("attacked", "attack", "VERB", "root", n + 1),
            ("Ukraine", "ukraine", "PROPN", "obj", n + 1),
        )

    context = _context()
    context.state = "RUS"
    lex = _lex("en")
    with_article = sentence(True)
    bare = sentence(False)
    got = code_parse(with_article, named(with_article, ("Ukraine", "UKR")), context, lex)
    assert [(c.source, c.type, c.target) for c in got] == [("RUS", "ASSAULT", "UKR")]
    assert code_parse(bare, named(bare, ("Ukraine", "UKR")), context, lex) == []


def test_the_rules_are_one_coder_chosen_by_name() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("accused", "accuse", "VERB", "root", 1),
        ("Azerbaijan", "azerbaijan", "PROPN", "obj", 1),
    )
    mentions = named(p, ("Armenia", "ARM"), ("Azerbaijan", "AZE"))
    rules = coder("rules")
    assert isinstance(rules, Rules) and coder() is rules and not rules.learns
    assert rules.code(p, mentions, _context(), _lex("en")) == code_parse(
        p, mentions, _context(), _lex("en")
    )
    with pytest.raises(CoderError, match="learns nothing"):
        rules.fit([])
    with pytest.raises(CoderError, match="no coder named 'learned'"):
        use("learned")
    assert str(Route(Via.SUBJECT, How(Target.OBLIQUE, "to"), alliance=True)) == (
        "subj-obl-to-alliance"
    )
