"""The role and actor failure classes of issue 25, each on sentences written for the
purpose in wire-copy style (docs/codebook.md, "Roles and actors as a reader takes them")."""

from __future__ import annotations

import datetime as dt

from bloc.model import Document
from bloc.text.pipeline import process

PUBLISHED = dt.date(2024, 3, 13)  # a Wednesday


def _coded(text: str) -> set[tuple[str, str, str]]:
    doc = Document(id="roles", text=text, published=PUBLISHED)
    return {(e.source, e.type, e.target) for e in process(doc).events}


def test_the_destination_of_a_sending_verb_is_the_target() -> None:
    assert _coded("Russia sent Russian troops to Kazakhstan on Tuesday.") == {("RUS", "AID", "KAZ")}
    assert _coded("Moscow deployed Russian peacekeepers to Bishkek on Tuesday.") == {
        ("RUS", "AID", "KGZ")
    }
    # in the passive, what was sent is its owner's; troops arriving are deployed
    assert _coded("Russian troops were deployed to Kazakhstan on Tuesday.") == {
        ("RUS", "AID", "KAZ")
    }
    assert _coded("The first NATO troops arrived in Estonia on Tuesday.") == {
        ("NATO", "AID", "EST")
    }
    assert _coded("Tokayev arrived in Moscow on Tuesday.") == {("KAZ", "CONSULT", "RUS")}
    # a batch, a deployment of troops is troops; a delegation of officials is a visit
    assert _coded("A first batch of Turkish troops arrived in Azerbaijan on Tuesday.") == {
        ("TUR", "AID", "AZE")
    }
    assert _coded("A delegation of Russian officials arrived in Minsk on Tuesday.") == {
        ("RUS", "CONSULT", "BLR")
    }
    # not for acts that send nothing: "to Putin's face" is no destination
    criticised = _coded(
        "Armenia's prime minister criticised the inaction of the CSTO to Putin's face on Monday."
    )
    assert ("ARM", "ACCUSE", "CSTO") in criticised
    assert ("ARM", "ACCUSE", "RUS") not in criticised


def test_he_is_the_person_last_named_not_the_last_body_to_act() -> None:
    events = _coded(
        "Kazakh President Tokayev arrived in Moscow on Monday. The CSTO welcomed the visit. "
        "He criticised Armenia on Tuesday."
    )
    assert ("KAZ", "ACCUSE", "ARM") in events
    assert ("CSTO", "ACCUSE", "ARM") not in events


def test_a_meetings_place_is_where_it_was_not_whom_it_was_with() -> None:
    assert _coded("Armenia boycotted the summit in Minsk on Tuesday.") == set()
    assert _coded("Georgia welcomed the talks in Baku on Tuesday.") == set()


def test_a_protests_place_is_a_place_not_a_phrase_holding_an_actor() -> None:
    """ "In defiance of Russian officials" holds an actor but is no place: the protest
    is not Russia's."""
    events = _coded("Farmers blocked roads in Tbilisi in defiance of Russian officials on Tuesday.")
    assert not any(source == "RUS" for source, _, _ in events)
    assert _coded("Armenians demonstrated in Yerevan on Tuesday against the CSTO.") == {
        ("ARM", "PROTEST", "CSTO")
    }


def test_no_event_has_one_actor_as_source_and_target() -> None:
    events = _coded(
        "Washington said on Tuesday it would deny entry to the United States to the militia's "
        "leaders."
    )
    assert not any(source == target for source, _, target in events)
    # an alliance has no sides: however named, it is one actor
    assert _coded("The CSTO criticised the alliance's own slow response on Tuesday.") == set()
    # a state's forces acting on its own people are two sides of one state
    assert _coded("Georgian police detained Georgian students on Tuesday.") == {
        ("GEO", "COERCE", "GEO")
    }


def test_a_call_to_several_leaders_and_a_list_of_requesters_give_one_event_each() -> None:
    assert _coded("Putin phoned the Kazakh and Uzbek presidents on Tuesday.") == {
        ("RUS", "CONSULT", "KAZ"),
        ("RUS", "CONSULT", "UZB"),
    }
    listed = _coded(
        "Poland, Lithuania and Latvia requested consultations under Article 4 of the North "
        "Atlantic Treaty on Tuesday."
    )
    assert listed == {
        ("POL", "REQUEST", "NATO"),
        ("LTU", "REQUEST", "NATO"),
        ("LVA", "REQUEST", "NATO"),
    }
    in_context = _coded(
        "The CSTO met in Minsk on Monday. Armenia, Kazakhstan and Belarus requested "
        "consultations under Article 2 of the treaty on Tuesday."
    )
    assert {("ARM", "REQUEST", "CSTO"), ("KAZ", "REQUEST", "CSTO"), ("BLR", "REQUEST", "CSTO")} <= (
        in_context
    )


def test_an_alliance_suspending_a_member_sanctions_it() -> None:
    assert _coded("The CSTO suspended Armenia's membership on Tuesday.") == {
        ("CSTO", "SANCTION", "ARM")
    }
    assert _coded("Armenia's membership was suspended by the CSTO on Tuesday.") == {
        ("CSTO", "SANCTION", "ARM")
    }
    # the member stepping back is still its refusal of the alliance
    assert _coded("Armenia froze its participation in the CSTO on Tuesday.") == {
        ("ARM", "REJECT", "CSTO")
    }


def test_the_acts_alliances_are_made_of() -> None:
    assert _coded("Finland joined NATO on Tuesday.") == {("FIN", "AGREE", "NATO")}
    assert ("SWE", "AGREE", "NATO") in _coded(
        "Sweden's parliament ratified its accession to NATO on Tuesday."
    )
    assert _coded("NATO invoked Article 5 on behalf of the United States on Tuesday.") == {
        ("NATO", "SUPPORT", "USA")
    }
    # a member invoking the article asks the alliance for help
    assert _coded("Armenia invoked Article 4 of the Collective Security Treaty on Tuesday.") == {
        ("ARM", "REQUEST", "CSTO")
    }
    assert _coded("Uzbekistan withdrew from the Collective Security Treaty on Tuesday.") == {
        ("UZB", "REJECT", "CSTO")
    }
    assert _coded("Uzbekistan denounced the Collective Security Treaty on Tuesday.") == {
        ("UZB", "REJECT", "CSTO")
    }
    assert _coded("Hungary left the Warsaw Pact on Tuesday.") == {("HUN", "REJECT", "WARSAW")}


def test_a_call_with_several_leaders_named_gives_one_consult_each() -> None:
    assert _coded("Putin spoke by phone with Tokayev and Mirziyoyev on Tuesday.") == {
        ("RUS", "CONSULT", "KAZ"),
        ("RUS", "CONSULT", "UZB"),
    }
    assert _coded("Lavrov met his Kazakh and Kyrgyz counterparts in Moscow on Tuesday.") == {
        ("RUS", "CONSULT", "KAZ"),
        ("RUS", "CONSULT", "KGZ"),
    }


def test_the_same_rules_read_russian_through_its_words() -> None:
    """One role logic for every language: the alliance's act on a member, a member's
    step back, and a treaty named for its alliance in any grammatical case."""
    assert _coded("ОДКБ приостановила членство Армении во вторник.") == {
        ("CSTO", "SANCTION", "ARM")
    }
    assert _coded("Армения заморозила свое участие в ОДКБ во вторник.") == {
        ("ARM", "REJECT", "CSTO")
    }
    assert _coded("Узбекистан вышел из Договора о коллективной безопасности во вторник.") == {
        ("UZB", "REJECT", "CSTO")
    }
    assert _coded("Венгрия вышла из Варшавского договора во вторник.") == {
        ("HUN", "REJECT", "WARSAW")
    }


def test_a_noun_acts_on_the_one_its_things_phrase_names() -> None:
    """As a verb's object phrase names whom the act is on ("suspended rail links with
    Belarus"), so does a noun's "of" phrase ("a suspension of rail links with Belarus")."""
    assert _coded("Lithuania announced a suspension of rail links with Belarus on Friday.") == {
        ("LTU", "SANCTION", "BLR")
    }


def test_a_threat_is_made_to_the_one_its_condition_is_put_to() -> None:
    assert _coded("Turkey threatened to block the bid if Sweden did not change its laws.") == {
        ("TUR", "THREATEN", "SWE")
    }
    assert _coded(
        "Armenia warned on Tuesday that it would leave the CSTO unless the alliance condemned "
        "Azerbaijan."
    ) == {("ARM", "THREATEN", "CSTO")}


def test_a_noun_trigger_naming_a_light_verbs_object_takes_its_roles() -> None:
    """ "Undertook a mediation effort": the effort is undertaken, the mediation is its."""
    assert _coded(
        "Kazakhstan undertook a mediation effort between Armenia and Azerbaijan on Tuesday."
    ) == {("KAZ", "CONSULT", "ARM"), ("KAZ", "CONSULT", "AZE")}
    assert _coded("Russia and Belarus began a military exercise programme on Tuesday.") == {
        ("RUS", "COOPERATE", "BLR"),
        ("BLR", "COOPERATE", "RUS"),
    }


def test_a_protest_with_no_target_is_against_the_one_its_purpose_names() -> None:
    events = _coded("Kazakh miners began a hunger strike to demand the resignation of Tokayev.")
    assert ("KAZ", "PROTEST", "KAZ") in events  # the miners, of the state their president is


def test_people_of_no_named_state_are_of_the_state_that_acts_on_them() -> None:
    """Rebels, militants, members of a group, also inside an "of" phrase ("dozens of
    rebels"), acted on by a state's forces: a domestic event, as CAMEO codes it."""
    assert _coded("Ethiopian troops killed dozens of rebels in clashes on Tuesday.") == {
        ("ETH", "ASSAULT", "ETH")
    }
    assert _coded("Pakistani security forces arrested three suspected militants on Tuesday.") == {
        ("PAK", "COERCE", "PAK")
    }
    # an actor named in another role is the target, not the people
    assert _coded("Kazakhstan extradited two suspects to Russia on Tuesday.") == {
        ("KAZ", "COOPERATE", "RUS")
    }
    # before the noun, or in a "by" phrase; threatened as well as struck
    assert _coded("The Iraqi army shelled rebel positions on Tuesday.") == {
        ("IRQ", "ASSAULT", "IRQ")
    }
    assert _coded("Turkish police prevented a demonstration staged by students on Tuesday.") == {
        ("TUR", "COERCE", "TUR")
    }
    assert _coded("The Egyptian interior minister warned protesters on Tuesday.") == {
        ("EGY", "THREATEN", "EGY")
    }
    # "CSTO member states" are states, not people of no state
    assert _coded("Tokayev said the situation threatens CSTO member states.") == set()
    # rebels in a named state are that state's
    assert _coded("Russian jets bombed rebels in Syria on Tuesday.") == {("RUS", "ASSAULT", "SYR")}


def test_people_of_no_named_state_protesting_against_a_part_of_a_state_are_its_own() -> None:
    """The mirror of the rule above: protesters or students acting against a state's
    leader or government are of that state; a state named as itself says nothing."""
    assert _coded(
        "Protesters demanded the resignation of Prime Minister Nikol Pashinyan on Tuesday."
    ) == {("ARM", "REQUEST", "ARM")}
    assert _coded("Students protested against the government of Serbia on Tuesday.") == {
        ("SRB", "PROTEST", "SRB")
    }
    assert _coded("Protesters denounced Russia on Tuesday.") == set()


def test_a_states_organs_named_alone_are_of_the_state_where_or_about_which() -> None:
    """ "Police", "the ministry", "troops" acting: the state where the act is placed,
    else the state the article is about; only as a subject ("send troops" names what
    was sent)."""
    assert _coded("Police detained ten protesters in Yerevan on Tuesday.") == {
        ("ARM", "COERCE", "ARM")
    }
    assert _coded(
        "Armenia recalled its ambassador on Monday. The ministry accused Azerbaijan of "
        "shelling on Tuesday."
    ) == {("ARM", "ACCUSE", "AZE")}
    assert _coded("Russia asked the CSTO to send troops on Tuesday.") == {
        ("RUS", "REQUEST", "CSTO")
    }
    # people in a named state are that state's, whoever detains them
    assert _coded("Russian troops detained civilians in Ukraine on Tuesday.") == {
        ("RUS", "COERCE", "UKR")
    }
    # alone in one sentence, with no state to be part of: nothing
    assert _coded("Officials accused the rebels of shelling on Tuesday.") == set()


def test_demonyms_news_uses_that_the_libraries_lack() -> None:
    assert _coded("Argentine police detained two Bolivian nationals on Tuesday.") == {
        ("ARG", "COERCE", "BOL")
    }
    assert _coded("Ecuadorian troops fired on Colombian rebels on Tuesday.") == {
        ("ECU", "ASSAULT", "COL")
    }


def test_the_authorities_are_the_state_in_focus_or_where_the_act_is_placed() -> None:
    """ "The authorities" (a plural the word class lists) stand for a state as "the
    government" does; in an article's first such sentence, the state where the act is."""
    assert _coded(
        "Armenia sent troops to the border on Monday. The authorities accused Azerbaijan of "
        "shelling on Tuesday."
    ) == {("ARM", "ACCUSE", "AZE")}
    assert _coded("The authorities arrested dozens of protesters in Minsk on Sunday.") == {
        ("BLR", "COERCE", "BLR")
    }
