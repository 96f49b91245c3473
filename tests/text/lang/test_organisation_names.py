"""Every alliance of the knowledge base is recognised by its full name, short name,
treaty name and acronym, in English and Russian, derived from the knowledge base's
entries (no name list in code: a new alliance is recognised with no change to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bloc.core.alliance import Actor, KnowledgeBase
from bloc.knowledge import bundled
from bloc.knowledge.russian import RussianActor, russian_forms
from bloc.text.lang.en.actors import ActorFinder, organisation_forms
from bloc.text.lang.ru.actors import RussianFinder, treaty_names

DAY = dt.date(2024, 3, 13)


def _found(finder: ActorFinder | RussianFinder, text: str) -> set[str]:
    return {m.code for m in finder.find(text, DAY)}


def test_every_alliance_is_found_by_each_of_its_english_forms() -> None:
    kb = bundled()
    finder = ActorFinder(kb)
    for code, alliance in kb.alliances.items():
        actor = kb.actors[code]
        forms = [actor.name, *actor.aliases, code, *organisation_forms(actor, alliance)]
        for form in forms:
            assert _found(finder, f"Ministers spoke of the {form} on Monday.") == {code}, form


def test_every_alliance_has_russian_names_and_is_found_by_its_treaty() -> None:
    kb, forms = bundled(), russian_forms()
    finder = RussianFinder(kb, forms)
    for code in kb.alliances:
        assert forms.actors.get(code) and forms.actors[code].names, f"{code}: no Russian name"
        for name in (*forms.actors[code].names, *treaty_names(forms.actors[code].names)):
            assert code in _found(finder, f"Министры обсудили {name}."), name
    assert _found(finder, "Узбекистан вышел из Договора о коллективной безопасности.") == {
        "UZB",
        "CSTO",
    }


def _with_new_alliance(kb: KnowledgeBase) -> KnowledgeBase:
    """The bundled knowledge base with an invented alliance added as its data would be."""
    actor = Actor(
        code="NDTO",
        kind="organisation",
        name="Nordic Defence Treaty Organization",
        aliases=("Nordic Pact",),
        cite=("nato-treaty",),
    )
    alliance = replace(
        kb.alliances["NATO"],
        code="NDTO",
        name=actor.name,
        treaty="Nordic Mutual Assistance Treaty, signed in Oslo on 1 May 2030, in force at once.",
    )
    return replace(
        kb,
        actors={**kb.actors, "NDTO": actor},
        alliances={**kb.alliances, "NDTO": alliance},
    )


def test_a_new_alliance_is_recognised_from_its_entry_alone() -> None:
    kb = _with_new_alliance(bundled())
    finder = ActorFinder(kb)
    for text in (
        "Iceland left the Nordic Defence Treaty Organisation on Monday.",  # other spelling
        "Iceland left the Nordic Defence Treaty on Monday.",  # the treaty it is named for
        "Iceland left the Nordic Defense Treaty on Monday.",
        "Iceland denounced the Nordic Mutual Assistance Treaty on Monday.",  # its treaty field
        "Iceland left the NDTO on Monday.",  # the acronym: its code
        "Iceland left the Nordic Pact on Monday.",  # its short name
    ):
        assert _found(finder, text) == {"ISL", "NDTO"}, text
    forms = russian_forms()
    russian = replace(
        forms,
        actors={
            **forms.actors,
            "NDTO": RussianActor("NDTO", names=("Организация Северного договора",), cite=("bre",)),
        },
    )
    assert "NDTO" in _found(RussianFinder(kb, russian), "Исландия вышла из Северного договора.")


def test_a_treaty_field_that_opens_with_no_treaty_name_adds_nothing() -> None:
    kb = bundled()
    alliance = replace(kb.alliances["NATO"], treaty="An agreement of 1949, signed in Washington.")
    assert organisation_forms(kb.actors["NATO"], alliance) == ["North Atlantic Treaty"]
