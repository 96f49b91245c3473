"""The roles stage: who did it and to whom, from the dependency parse.

The source is the subject (the agent of a passive), climbing through control
verbs and conjoined verbs; a light verb lends its subject to its noun ("held
talks with", "issued an ultimatum to"); the target is the object, then a
phrase with one of the type's prepositions, then the subject of a complement
clause ("demanded that the US cancel"). A noun trigger takes its possessor and
its own phrases ("Azerbaijan's attack on Armenia"); a summit is its host's; a
clash "between" two states is both's (`bloc.text.noun_roles`). The argument
readers both use are `bloc.text.arguments`; which actor a phrase names is
`bloc.text.reference`'s answer.
"""

from __future__ import annotations

from dataclasses import replace

from bloc.text.arguments import SENT, destination, subject_of, targets_of
from bloc.text.lexicon import Entry, Lexicon
from bloc.text.noun_roles import noun_roles
from bloc.text.parse import Parse, Token
from bloc.text.reference import DOMESTIC, Actors, Found
from bloc.text.route import NO_TARGET, How, Route, Target, Via
from bloc.text.types import COMPLEMENTS, Trigger


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
        sources, targets, route = noun_roles(parse, token, entry, actors, lex, preps, speaker)
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
        there, toward = destination(parse, token, actors, preps, lex)
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
    targets, how = targets_of(parse, token, entry, actors, preps, lex)
    if not targets and (entry.governs or entry.intent):
        # "offered to hand over to Britain", "threatened to ban X": the complement's roles
        inner = complement.token if complement is not None else parse.child(token.i, *COMPLEMENTS)
        if inner is not None:
            inner_entry = complement.entry if complement is not None else entry
            targets, how = targets_of(parse, inner, inner_entry, actors, preps, lex)
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
            found, _ = targets_of(parse, token, support, actors, lex.targets["SUPPORT"], lex)
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
    group = [s for s in sources if s.code == DOMESTIC][:1]  # for `parties.own_state`
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
