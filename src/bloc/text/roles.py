"""The roles stage: who did it and to whom, from the dependency parse.

The source is the subject (the agent of a passive), climbing through control
verbs and conjoined verbs; a light verb lends its subject to its noun ("held
talks with", "issued an ultimatum to"); the target is the object, then a
phrase with one of the type's prepositions, then the subject of a complement
clause ("demanded that the US cancel"). A noun trigger takes its possessor and
its own phrases ("Azerbaijan's attack on Armenia"); a summit is its host's; a
clash "between" two states is both's. Which actor a phrase names is
`bloc.text.reference`'s answer.
"""

from __future__ import annotations

from dataclasses import replace

from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parse, Token
from bloc.text.reference import DOMESTIC, Actors, Found
from bloc.text.route import NO_TARGET, How, Route, Target, Via
from bloc.text.types import COMPLEMENTS, IN_PLACE, VIOLENT, Trigger

SENT = frozenset({"AID", "MOBILIZE"})
"""Types whose acts send, move or deploy something somewhere: the destination is the
target ("sent Russian paratroopers to Kazakhstan": Kazakhstan, not Russia)."""


def speaker_of(parse: Parse, token: Token, actors: Actors, lex: Lexicon) -> Found | None:
    """The actor whose reported words hold this token ("X said [it would ...]")."""
    current = token
    for up in parse.ancestors(token.i):
        if current.dep in ("ccomp", "parataxis", "conj", "xcomp", "advcl") and lex.is_speech(
            up.lemma, up.text
        ):
            subject = subject_of(parse, up)
            if subject is not None:
                found = actors.of(subject.i)
                return found[0] if found else None
            return None
        current = up
    return None


def subject_of(parse: Parse, token: Token) -> Token | None:
    """The subject of a verb, climbing through control verbs and conjoined verbs."""
    current = token
    for _ in range(6):
        subject = parse.child(current.i, "nsubj", "csubj")
        if subject is not None:
            return subject
        head = parse.head(current.i)
        if head is None:
            return None
        if current.dep in ("xcomp", "conj") or (current.dep == "advcl" and head.pos == "VERB"):
            current = head
            continue
        if current.dep == "acl" and head.pos in ("NOUN", "PROPN"):
            governor = parse.head(head.i)
            named = head.pos == "PROPN" or parse.children(head.i, "nmod:poss", "compound", "amod")
            if not named and head.dep == "obj" and governor is not None and governor.pos == "VERB":
                current = governor  # "issued a statement supporting X": who issued it
                continue
            return head
        return None
    return None


def find_roles(
    parse: Parse,
    trigger: Trigger,
    complement: Trigger | None,
    actors: Actors,
    lex: Lexicon,
    speaker: Found | None,
) -> tuple[list[Found], list[Found], Route]:
    token, entry = trigger.token, trigger.entry
    preps = lex.targets[entry.type]
    if token.pos in ("NOUN", "PROPN"):
        sources, targets, route = _noun_roles(parse, token, entry, actors, lex, preps, speaker)
        if token.dep.startswith("nsubj") and route.via is Via.NOUN:
            route = replace(route, topic=True)  # "The CSTO's intervention showed...": talked about
        return _at_place(parse, token, entry, actors, sources, targets, route)
    subject = subject_of(parse, token)
    sources = actors.of(subject.i, speaker) if subject is not None else []
    via = Via.SUBJECT if sources and sources[0].depth == 0 else Via.SUBJECT_INNER
    if subject is None and token.dep == "root" and token.finite:
        # The parser lost the subject of the main verb ("Third, Kyrgyzstan at the last
        # moment cancelled..." read as an apposition): the bare name just before it.
        sources = _bare_before(parse, token, actors)
        via = Via.FALLBACK if sources else via
    agent = next(iter(parse.children(token.i, "obl:agent")), None)
    if token.passive and (agent is not None or token.lemma not in lex.words["stative"]):
        sources = actors.of(agent.i) if agent is not None else []
        targets = actors.of(subject.i) if subject is not None else []
        there, toward = _destination(parse, token, actors, preps, lex)
        if entry.type in SENT and there and subject is not None:
            # "Russian troops were deployed to Kazakhstan": what was sent is its owner's,
            # the destination the target
            owner = [f for f in targets if f.depth != 0]
            return sources or owner, there, Route(Via.PASSIVE, toward)
        if not sources and entry.type == "REJECT" and entry.governs:
            # "...only to be turned down": by the alliance the sentence is about
            named = [m for m in actors.mentions if m.code in actors.context.alliances]
            sources = [Found(named[-1].code, named[-1], 2)] if named else []
        return sources, targets, Route(Via.PASSIVE)
    targets, how = _targets(parse, token, entry, actors, preps, lex)
    if not targets and (entry.governs or entry.intent):
        # "offered to hand over to Britain", "threatened to ban X": the complement's roles
        inner = complement.token if complement is not None else parse.child(token.i, *COMPLEMENTS)
        if inner is not None:
            inner_entry = complement.entry if complement is not None else entry
            targets, how = _targets(parse, inner, inner_entry, actors, preps, lex)
            if not targets:
                inner_subject = parse.child(inner.i, "nsubj")
                if inner_subject is not None:
                    targets, how = actors.of(inner_subject.i), How(Target.COMPLEMENT_SUBJECT)
    if not targets and entry.type == "THREATEN":
        targets, how = _condition(parse, token, complement, actors, lex, sources)
    if not targets and entry.speech:
        for clause in parse.children(token.i, "ccomp"):
            inner_subject = parse.child(clause.i, "nsubj", "nsubj:pass")
            if inner_subject is not None:
                targets, how = actors.of(inner_subject.i), How(Target.COMPLEMENT_SUBJECT)
                break
    return _at_place(parse, token, entry, actors, sources, targets, Route(via, how))


def on_member(
    parse: Parse,
    trigger: Trigger,
    kind: str,
    mode: str,
    sources: list[Found],
    targets: list[Found],
    actors: Actors,
    lex: Lexicon,
) -> tuple[str, str, list[Found]]:
    """What an alliance does to one of its own, read from the act a member would do.

    A member suspending its participation is REJECT toward the alliance; the alliance
    suspending (or expelling) a member is SANCTION of that member. A member invoking the
    treaty's article is REQUEST of the alliance; the alliance invoking its collective-
    defence article is SUPPORT of the member it is invoked for ("NATO invoked Article 5
    for the United States", "...after the attacks on the United States").
    """
    alliances = actors.context.alliances
    if not sources or any(s.code not in alliances for s in sources):
        return kind, mode, targets
    token, entry = trigger.token, trigger.entry
    states = [t for t in targets if t.code not in alliances]
    if kind in ("REJECT", "COERCE") and mode in ("participation", "expulsion") and states:
        return "SANCTION", "suspension", states
    if kind == "REQUEST" and entry.mode == "military aid":
        if not states:
            support = replace(entry, type="SUPPORT")
            found, _ = _targets(parse, token, support, actors, lex.targets["SUPPORT"], lex)
            states = [f for f in found if f.code not in alliances]
        if not states:
            kinds = actors.context.kinds
            named = [m for m in actors.mentions if m.start > token.start]
            states = [Found(m.code, m, 2) for m in named if kinds.get(m.code) == "state"][:1]
        return "SUPPORT", "collective defence", states
    return kind, mode, targets


def _condition(
    parse: Parse,
    token: Token,
    complement: Trigger | None,
    actors: Actors,
    lex: Lexicon,
    sources: list[Found],
) -> tuple[list[Found], How]:
    """A threat's target is the one its condition is put to: "threatened to stop the
    talks if the United States deploys the missiles" threatens the United States."""
    verbs = [token, *([complement.token] if complement is not None else [])]
    verbs += [c for v in list(verbs) for c in parse.children(v.i, *COMPLEMENTS)]
    own = {s.code for s in sources}
    for verb in verbs:
        for clause in parse.children(verb.i, "advcl"):
            marks = {m.lemma for m in parse.children(clause.i, "mark")}
            subject = parse.child(clause.i, "nsubj", "nsubj:pass")
            if marks & lex.words["conditional"] and subject is not None:
                found = [f for f in actors.of(subject.i) if f.code not in own]
                if found:
                    return found, How(Target.COMPLEMENT_SUBJECT)
    return [], NO_TARGET


def _bare_before(parse: Parse, verb: Token, actors: Actors) -> list[Found]:
    """The last actor named before a verb as a bare noun phrase (no preposition, not a
    possessor), with no other verb between them."""
    for token in reversed(parse.tokens[: verb.i]):
        if token.pos in ("VERB", "AUX") or token.text in (";", ":"):
            return []
        mention = actors.own(token.i)
        if mention is None or mention.form == "members":
            continue
        if token.dep in ("nmod:poss", "obl", "nmod") or parse.children(token.i, "case"):
            return []
        return [Found(mention.code, mention, 1)]
    return []


def _at_place(
    parse: Parse,
    token: Token,
    entry: Entry,
    actors: Actors,
    sources: list[Found],
    targets: list[Found],
    route: Route,
) -> tuple[list[Found], list[Found], Route]:
    """A protest is the place's where no one else is named: "Albanians demonstrated in
    Serbia" is a protest in Serbia, by people of Serbia, against its government."""
    group = [s for s in sources if s.code == DOMESTIC][:1]  # for `coder._own_state`
    sources = [s for s in sources if s.code != DOMESTIC]
    if entry.type != "PROTEST" or (sources and targets):
        return sources or group, targets, route
    verb = token
    head = parse.head(token.i)
    if token.pos == "NOUN":
        if head is None or token.dep != "obj" or route.via is not Via.LIGHT:
            return sources or group, targets, route  # "amid protests in the country"
        verb = head
    for child in parse.children(verb.i, "obl", "nmod"):
        if parse.case(child.i) in actors.words["protest_cases"]:
            place = [f for f in actors.of(child.i) if _names_place(parse, child, f)]
            if place:
                purpose = _purpose(parse, verb, actors, {f.code for f in place})
                if purpose or not targets or targets == place:
                    targets = purpose or place
                return sources or place, targets, replace(route, place=True)
    if (sources or group) and not targets:
        # "began a hunger strike to demand the resignation of the president": against
        # the one its purpose names, who may be of the protesters' own state
        targets = _purpose(parse, verb, actors, set())
    return sources or group, targets, route


def _names_place(parse: Parse, phrase: Token, found: Found) -> bool:
    """Whether a locative phrase is the place itself ("in Armenia", "in the Armenian
    capital"), not a phrase that only holds an actor ("in defiance of Russian
    officials": no place, so not where the protest was)."""
    if found.mention is None:
        return True
    tokens = parse.at(found.mention.start, found.mention.end)
    return any(t.i == phrase.i or t.head == phrase.i for t in tokens)


def _purpose(parse: Parse, verb: Token, actors: Actors, besides: set[str]) -> list[Found]:
    """Whom a protest is against, from its purpose ("gathered to demand that their country
    leave the CSTO"): the first actor named there other than the protesters' own."""
    for clause in parse.children(verb.i, "advcl", "xcomp"):
        for t in parse.subtree(clause.i):
            mention = actors.own(t.i)
            if mention is not None and mention.code not in besides:
                return [Found(mention.code, mention, 2)]
    return []


def _targets(
    parse: Parse,
    token: Token,
    entry: Entry,
    actors: Actors,
    preps: tuple[str, ...],
    lex: Lexicon,
) -> tuple[list[Found], How]:
    held: tuple[list[Found], How] = ([], NO_TARGET)
    for dep in ("obj", "iobj"):
        for child in parse.children(token.i, dep):
            found = [f for f in actors.of(child.i) if not _where(parse, child, f, lex)]
            if found and all(f.code == DOMESTIC for f in found):
                # "extradited two suspects to Russia": people of no named state are the
                # target only when no actor is named in another role
                held = held[0] or found, How(Target.OBJECT)
                continue
            if found and found[0].depth != 0 and entry.type in SENT:
                # "sent Russian paratroopers to Kazakhstan": the destination, not the
                # owner of what was sent
                there, toward = _destination(parse, token, actors, preps, lex)
                if there:
                    return there, toward
            if found:
                kind = Target.OBJECT if dep == "obj" else Target.INDIRECT
                return found, How(kind, inner=found[0].depth != 0)
    obliques = parse.children(token.i, "obl", "nmod")
    for prep in preps:
        if prep in lex.words["in"] and not (entry.place or entry.type in IN_PLACE):
            continue
        for child in obliques:
            if parse.case(child.i) == prep:
                found = actors.of(child.i)
                if found and held[0] and prep in lex.words["in"]:
                    # "detained protesters in Yerevan": the people of that place
                    found = [replace(f, side=True) for f in found]
                if found:
                    return found, How(Target.OBLIQUE, prep)
    # "in front of Putin", "in the presence of the envoy": the one before whom it was done
    # (the phrase may hang higher up: "X's president demanding respect ... in front of Y")
    genitive = lex.words["genitive"]
    high = [h for h in parse.ancestors(token.i) if h.pos in ("VERB", "AUX")][:2]
    for child in [*obliques, *(c for h in high for c in parse.children(h.i, "obl"))]:
        if child.lemma in lex.words["before"]:
            for inner in parse.children(child.i, "nmod"):
                if parse.case(inner.i) in genitive and (found := actors.of(inner.i)):
                    return found, How(Target.FRONT)
    # "imposed restrictions against German goods": the object's own phrase
    place = lex.words["in"]
    for obj in parse.children(token.i, "obj"):
        for child in parse.children(obj.i, "nmod"):
            if parse.case(child.i) in preps and parse.case(child.i) not in genitive | place:
                found = actors.of(child.i)
                if found:
                    return found, How(Target.OBJECT_PHRASE)
    return held


def _where(parse: Parse, phrase: Token, found: Found, lex: Lexicon) -> bool:
    """A place named inside a phrase that says where, not whose: after a locative
    preposition, under a noun naming an act that does not fall on a place ("boycotted
    the summit in Minsk", "welcomed the talks in Astana": the summit is not Belarus's,
    the talks not Kazakhstan's). Where an act falls on its place ("extended the curfew in
    Abidjan", IN_PLACE) the place stays its target, as CAMEO codes it."""
    if found.depth == 0 or found.mention is None:
        return False
    kinds = {e.type for e in lex.entries_for(phrase.lemma, phrase.pos, phrase.text)}
    if not kinds or kinds & IN_PLACE:
        return False
    for token in parse.at(found.mention.start, found.mention.end):
        if token.dep in ("nmod", "obl") and parse.case(token.i) in lex.words["host_cases"]:
            return token.head == phrase.i
    return False


def _destination(
    parse: Parse, verb: Token, actors: Actors, preps: tuple[str, ...], lex: Lexicon
) -> tuple[list[Found], How]:
    """Where a verb sent, moved or deployed something ("to Bishkek", "into Syria")."""
    for child in parse.children(verb.i, "obl"):
        prep = parse.case(child.i)
        if prep in lex.words["destination"] and prep in preps:
            found = actors.of(child.i)
            if found:
                return found, How(Target.OBLIQUE, prep)
    return [], NO_TARGET


def _noun_roles(
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
            targets, how = _targets(parse, light, entry, actors, preps, lex)
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
