"""The roles of a noun trigger: "Azerbaijan's attack on Armenia", "held talks with".

A noun takes its roles from its light verb ("launched an attack on"), its own
possessor and phrases, a list of participants ("an exercise involving..."), a
summit's host and alliance, or a clash "between" two states. Split from
`bloc.text.roles`, which handles verbs and sends nouns here.
"""

from __future__ import annotations

from bloc.text.arguments import subject_of, targets_of
from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parse, Token
from bloc.text.reference import Actors, Found
from bloc.text.route import NO_TARGET, How, Route, Target, Via
from bloc.text.types import IN_PLACE, VIOLENT


def noun_roles(
    parse: Parse,
    token: Token,
    entry: Entry,
    actors: Actors,
    lex: Lexicon,
    preps: tuple[str, ...],
    speaker: Found | None,
) -> tuple[list[Found], list[Found], Route]:
    """A noun trigger: roles from its light verb ("launched an attack on"), or its own
    possessor and phrases ("Azerbaijan's attack on Armenia")."""
    head = parse.head(token.i)
    if (
        head is not None
        and head.pos == "NOUN"
        and token.dep == "nmod"
        and parse.case(token.i) in lex.words["genitive"]
        and head.dep == "obj"
    ):
        token_for_verb = head  # "launched ten days of war games": the days are launched
    elif (
        head is not None
        and head.pos == "NOUN"
        and token.dep == "compound"
        and head.dep in ("obj", "nsubj:pass")
        and not any(
            actors.own(c.i) for c in parse.children(head.i, "compound", "amod", "nmod:poss")
        )
    ):
        token_for_verb = head  # "undertook a mediation mission": the mission is undertaken
    else:
        token_for_verb = token
    light = parse.head(token_for_verb.i)
    owner: list[Found] = []
    for child in parse.children(token.i, "nmod:poss", "amod", "compound"):
        mention = actors.own(child.i)
        if mention is not None and mention.form != "members":
            owner = [Found(mention.code, mention, 0)]
            owner += [f for c in actors.conjuncts(child.i) for f in actors.of(c)]
            break
        if child.dep == "nmod:poss" and child.lemma in lex.words["pronouns"]:
            owner = actors.of(child.i, speaker)  # "its intervention": the last actor
            break
    by = [c for c in parse.children(token.i, "nmod") if parse.case(c.i) in lex.words["by"]]
    if not owner and by:
        owner = actors.of(by[0].i)
    # "the invasion of Ukraine", "the annexation of Crimea": "of" names the one acted on
    # only for armed acts ("the withdrawal of Serbian forces" names who withdraws).
    genitive = lex.words["genitive"]
    own_preps = (
        (*preps, *sorted(genitive))
        if entry.type in VIOLENT
        else tuple(p for p in preps if p not in genitive)
    )
    targets: list[Found] = []
    how = NO_TARGET
    for prep in own_preps:
        if prep in lex.words["in"] and not (entry.place or entry.type in IN_PLACE):
            continue
        phrases = parse.children(token.i, "nmod", "obl")
        if token_for_verb.i != token.i and token.dep == "compound":
            phrases += parse.children(token_for_verb.i, "nmod")  # "a mission between X and Y"
        for child in phrases:
            if parse.case(child.i) == prep:
                targets = actors.of(child.i)
                if targets:
                    how = How(Target.NOUN_PHRASE, prep)
                    break
        if targets:
            break
    if not targets:
        # "a suspension of air links with Serbia": the phrase of the thing acted on, as a
        # verb's object phrase ("suspended air links with Serbia")
        targets, how = _thing_phrase(parse, token, actors, preps, lex)
    if entry.mode == "summit":
        return _summit(parse, token, actors, owner, light)
    listed = _participants(parse, token, actors, lex)
    if len(listed) >= 2:
        return listed[:1], listed[1:], Route(Via.NOUN, How(Target.INVOLVING))
    if (
        light is not None
        and token_for_verb.dep in ("obj", "nsubj:pass")
        and lex.is_light(light.lemma, light.text)
    ):
        subject = subject_of(parse, light)
        sources = actors.of(subject.i, speaker) if subject is not None else []
        if token_for_verb.dep == "nsubj:pass":
            agent = next(iter(parse.children(light.i, "obl:agent")), None)
            sources = actors.of(agent.i) if agent is not None else []
        if not targets:
            targets, how = targets_of(parse, light, entry, actors, preps, lex)
        return sources or owner, targets, Route(Via.LIGHT, how)
    if (
        not targets
        and entry.place
        and head is not None
        and head.pos == "VERB"
        and token.dep.startswith("nsubj")
    ):
        # "the CSTO exercise was moved to Tajikistan", "...held in Dushanbe"
        verbs = [head, *parse.children(head.i, "conj")]
        for child in (c for v in verbs for c in parse.children(v.i, "obl")):
            where = parse.case(child.i) in lex.words["where_cases"]
            if where and (found := actors.of(child.i)):
                targets, how = found, How(Target.WHERE)
                break
    if entry.symmetric and entry.type == "ASSAULT":
        mutual = _between(parse, token, actors)
        if len(mutual) >= 2:
            return mutual, mutual, Route(Via.NOUN, How(Target.BETWEEN))
        if not targets and len(owner) >= 2:
            return owner, owner, Route(Via.NOUN, How(Target.MUTUAL))
        if targets and not owner and entry.type == "ASSAULT":
            # "called for help during border clashes with Azerbaijan": the clause's subject
            verb = next((a for a in parse.ancestors(token.i) if a.pos == "VERB"), None)
            subject = subject_of(parse, verb) if verb is not None else None
            if subject is not None:
                owner = actors.of(subject.i, speaker)
    if not owner and targets and token.dep == "root":
        # The parser read the sentence as one noun phrase ("Armenia hosted talks with
        # France" with "hosted" as an adjective): the actor named first acts.
        first = next((m for m in actors.mentions if m.end <= token.start), None)
        if first is not None and all(first.code != t.code for t in targets):
            return [Found(first.code, first, 2)], targets, Route(Via.FALLBACK, how)
    return owner, targets, Route(Via.NOUN, how)


def _thing_phrase(
    parse: Parse, token: Token, actors: Actors, preps: tuple[str, ...], lex: Lexicon
) -> tuple[list[Found], How]:
    """The target named inside a noun trigger's "of" phrase, by one of the type's
    prepositions other than "of" and "in" ("the lifting of sanctions on Iran")."""
    genitive, place = lex.words["genitive"], lex.words["in"]
    for thing in parse.children(token.i, "nmod"):
        if parse.case(thing.i) not in genitive or actors.own(thing.i) is not None:
            continue
        for child in parse.children(thing.i, "nmod"):
            case = parse.case(child.i)
            if case in preps and case not in genitive | place and (found := actors.of(child.i)):
                return found, How(Target.OBJECT_PHRASE, case)
    return [], NO_TARGET


def _participants(parse: Parse, token: Token, actors: Actors, lex: Lexicon) -> list[Found]:
    """ "An exercise involving the United States, Tajikistan and Kazakhstan": the first
    named leads, the others take part."""
    for clause in parse.children(token.i, "acl"):
        if clause.lemma in lex.words["involving"]:
            for obj in parse.children(clause.i, "obj"):
                return actors.of(obj.i)
    return []


def _summit(
    parse: Parse, token: Token, actors: Actors, owner: list[Found], light: Token | None
) -> tuple[list[Found], list[Found], Route]:
    """A summit: its host ("in Moscow", "held in Yerevan") consults the alliance whose summit
    it is ("the CSTO summit", "the summit of the CSTO")."""
    alliances = actors.context.alliances
    whose = [f for f in owner if f.code in alliances]
    host: list[Found] = []
    spots = [token, *parse.children(token.i, "acl")]
    if light is not None and light.pos == "VERB":
        spots.append(light)  # "was holding a summit in Dushanbe"
    for spot in spots:
        for child in parse.children(spot.i, "nmod", "obl"):
            case = parse.case(child.i)
            if case in actors.words["genitive"] and not whose:
                whose = [f for f in actors.of(child.i) if f.code in alliances]
            elif case in actors.words["host_cases"] and not host:
                host = [f for f in actors.of(child.i) if f.code not in alliances]
    if not whose:
        named = [m for m in actors.mentions if m.code in alliances and m.form != "members"]
        whose = [Found(named[0].code, named[0], 1)] if named else []
    return host, whose, Route(Via.SUMMIT)


def _between(parse: Parse, token: Token, actors: Actors) -> list[Found]:
    """ "Clashes between Armenia and Azerbaijan"; "between the two countries": the last two
    states the sentence named before it. The phrase may hang from the noun, from its
    verb ("clashes broke out between..."), or from a place ("across the border between")."""
    places = [token]
    head = parse.head(token.i)
    if head is not None and head.pos == "VERB" and token.dep.startswith("nsubj"):
        places.append(head)
    phrases = []
    for place in places:
        for child in parse.children(place.i, "nmod", "obl"):
            phrases.append(child)
            phrases += parse.children(child.i, "nmod")
    for child in phrases:
        if parse.case(child.i) not in actors.words["between"]:
            continue
        found = actors.of(child.i)
        if len(found) >= 2:
            return found
        if child.lemma in actors.words["between_nouns"]:
            kinds = actors.context.kinds
            states: list[Found] = []
            for m in reversed(actors.mentions):
                if (
                    m.end <= token.start
                    and kinds.get(m.code) == "state"
                    and all(f.code != m.code for f in states)
                ):
                    states.append(Found(m.code, m, 1))
                if len(states) == 2:
                    return states[::-1]
    return []
