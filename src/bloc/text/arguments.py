"""A verb's own arguments in the parse: its subject, its speaker, its target.

The pieces of the roles stage that both a verb trigger (`bloc.text.roles`) and a
noun trigger's light verb (`bloc.text.noun_roles`) use: the subject climbing
through control and conjoined verbs, the speaker of reported words, the target
from the object, a preposition's phrase or the object's own phrase, and where a
sent thing went. Kept apart so the two role modules share them without a cycle.
"""

from __future__ import annotations

from dataclasses import replace

from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parse, Token
from bloc.text.reference import DOMESTIC, Actors, Found
from bloc.text.route import NO_TARGET, How, Target
from bloc.text.types import IN_PLACE

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


def targets_of(
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
            found = [f for f in actors.of(child.i) if not names_where(parse, child, f, lex)]
            if found and all(f.code == DOMESTIC for f in found):
                # "extradited two suspects to Russia": people of no named state are the
                # target only when no actor is named in another role
                held = held[0] or found, How(Target.OBJECT)
                continue
            if found and found[0].depth != 0 and entry.type in SENT:
                # "sent Russian paratroopers to Kazakhstan": the destination, not the
                # owner of what was sent
                there, toward = destination(parse, token, actors, preps, lex)
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


def names_where(parse: Parse, phrase: Token, found: Found, lex: Lexicon) -> bool:
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


def destination(
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
