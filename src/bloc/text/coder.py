"""Code a parsed sentence into PLOVER events: who did what to whom.

In the manner of the dictionary coders (TABARI, PETRARCH), with roles read
from the dependency parse rather than from word order:
- triggers are lemmas of the lexicon (`bloc.text.lexicon`), the most
  specific reading first ("lift a curfew" CONCEDE, "lift a blockade" RETREAT);
- a trigger whose complement is what was refused, threatened, offered or
  asked for governs it ("refused to send troops": one REJECT, no AID);
- the source is the subject (the agent of a passive), climbing through
  control verbs and conjoined verbs; a light verb lends its subject to its
  noun ("held talks with", "issued an ultimatum to"); the target is the
  object, then a phrase with one of the type's prepositions, then the
  subject of a complement clause ("demanded that the US cancel");
- not events: questions, conditionals, speculation (may, might, could),
  and negated acts; a negated acceptance is a REJECT ("will not accept");
- an intention (will, would, offered to, is willing to) to cooperate is an
  AGREE, to harm a THREATEN, as PLOVER codes them; in reported speech the
  speaker is the source only of speech acts and of what "it" or "they" do,
  and "X said Y must..." is X's REQUEST of Y.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bloc.model import TYPE_INTENSITY, Mention
from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parse, Token
from bloc.text.roles import DOMESTIC, PRONOUNS, RELATIVES, Actors, Context, Found

VIOLENT = frozenset({"ASSAULT", "COERCE"})
IN_PLACE = frozenset(
    {"CONCEDE", "COERCE", "ASSAULT", "PROTEST", "MOBILIZE", "SANCTION", "AID", "RETREAT", "REJECT"}
)
"""Types whose act falls on a place named with "in" ("a curfew in Abidjan")."""
DOMESTIC_TYPES = frozenset({"COERCE", "ASSAULT", "CONCEDE", "REJECT", "REQUEST", "SANCTION"})
MUTUAL = frozenset({"CONSULT", "AGREE", "COOPERATE", "SUPPORT", "ASSAULT", "RETREAT"})
"""Acts that two parties named together do with each other ("X and Y met")."""
HOSTILE = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST", "ACCUSE"})
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
"""Passives that describe the subject's own stance ("Israel is opposed to...")."""
_COMPLEMENTS = ("xcomp", "ccomp")


@dataclass(frozen=True)
class Coded:
    """One coded act within a sentence, before dating."""

    source: str
    target: str
    type: str
    mode: str | None
    alliance: str | None
    intensity: float
    confidence: float
    at: int = 0  # where the trigger starts in the sentence, to date it by its clause
    route: str = ""  # how the roles were found (for calibration)
    clause: tuple[int, int] = (0, 0)  # the trigger's clause (characters), to date it by
    subordinate: bool = False  # in a relative or other dependent clause


@dataclass(frozen=True)
class _Trigger:
    token: Token
    entry: Entry


def code_parse(
    parse: Parse, mentions: Iterable[Mention], context: Context, lex: Lexicon
) -> list[Coded]:
    """The events one parsed sentence reports (an empty list for most sentences)."""
    if parse.text.rstrip("”\"’') ").endswith("?"):
        return []
    actors = Actors(parse, mentions, context)
    triggers = {t.token.i: t for t in _triggers(parse, actors, lex)}
    out: list[Coded] = []
    seen: set[tuple[str, str, str]] = set()
    for trigger in triggers.values():
        if _governor(parse, trigger.token, triggers) is not None:
            continue  # folded into the act that governs it
        if _about_a_thing(parse, trigger.token, actors):
            continue
        for coded in _code(parse, trigger, triggers, actors, lex):
            key = (coded.source, coded.target, coded.type)
            if key not in seen:
                seen.add(key)
                out.append(coded)
    for coded in _asked(parse, triggers, actors) + _must(parse, actors, lex, triggers):
        key = (coded.source, coded.target, coded.type)
        if key not in seen:
            seen.add(key)
            out.append(coded)
    return out


def _triggers(parse: Parse, actors: Actors, lex: Lexicon) -> list[_Trigger]:
    found = []
    for token in parse.tokens:
        if token.i in actors.at:
            continue  # part of a name ("Shanghai Cooperation Organisation")
        for entry in lex.entries_for(token.lemma, token.pos, token.text):
            if _fits(parse, token, entry, lex):
                found.append(_Trigger(token, entry))
                break
    return found


def _fits(parse: Parse, token: Token, entry: Entry, lex: Lexicon) -> bool:
    """Whether a token's context selects this reading of it."""
    if entry.particle and not any(
        c.lemma == entry.particle for c in parse.children(token.i, "compound:prt", "advmod")
    ):
        return False
    if entry.prep and entry.prep not in _cases(parse, token):
        return False
    return not (entry.objects and not entry.objects & _object_lemmas(parse, token))


def _cases(parse: Parse, token: Token) -> set[str]:
    found = {parse.case(c.i) for c in parse.children(token.i, "obl", "nmod")}
    found |= {c.lemma for c in parse.children(token.i, "dep", "compound:prt") if c.pos == "ADP"}
    return found


def _object_lemmas(parse: Parse, token: Token) -> set[str]:
    """The words that can select a trigger's sense: its object's head and the words that
    name it ("the state of emergency", "war games"), and the trigger's own modifiers."""
    lemmas: set[str] = set()
    for child in parse.children(token.i, "obj", "nsubj:pass", "xcomp", "iobj"):
        lemmas |= _naming(parse, child, 2)
    for child in parse.children(token.i, "obl", "compound", "amod", "nmod", "conj", "nsubj"):
        lemmas.add(child.lemma)
        lemmas |= {parse.case(child.i)}
    head = parse.head(token.i)
    if head is not None and token.pos in ("NOUN", "PROPN"):
        lemmas.add(head.lemma)
    if token.pos == "VERB" and not parse.children(token.i, "obj", "xcomp", "nsubj:pass"):
        # The parser found no object ("cancelled planned CSTO drills" read as a clause):
        # the words right after the verb, up to the end of the clause.
        for t in parse.tokens[token.i + 1 : token.i + 7]:
            if t.pos == "PUNCT" or t.lemma in ("and", "but", "that"):
                break
            lemmas.add(t.lemma)
            lemmas.add(t.text.lower().rstrip("s"))
    return lemmas


def _naming(parse: Parse, token: Token, depth: int) -> set[str]:
    found = {token.lemma}
    if depth:
        for child in parse.children(token.i, "compound", "amod", "nmod", "flat", "conj", "obj"):
            if child.dep != "nmod:poss":
                found |= _naming(parse, child, depth - 1)
    return found


def _governor(parse: Parse, token: Token, triggers: dict[int, _Trigger]) -> _Trigger | None:
    """The trigger whose complement this one is ("refused to [send]", "threatened to [ban]",
    "agreed to undertake [exercises]")."""
    current = token
    head = parse.head(current.i)
    if token.pos == "NOUN" and token.dep == "obj" and head is not None and head.pos == "VERB":
        owned = parse.children(token.i, "nmod:poss", "amod", "compound")
        if head.i in triggers and not owned:
            return triggers[head.i]  # "extend the curfew": the verb says it
        current = head  # a light verb's noun: governed as its verb is
    while (
        current.dep in _COMPLEMENTS
        or (current.dep == "obl" and parse.case(current.i) == "to")
        or (
            current.dep == "advcl"
            and any(m.lemma in ("of", "for") for m in parse.children(current.i, "mark"))
        )
    ):
        head = parse.head(current.i)
        if head is None:
            return None
        governing = triggers.get(head.i)
        if governing is not None and (governing.entry.governs or governing.entry.intent):
            return governing
        if governing is not None:
            return None
        current = head
    return None


def _about_a_thing(parse: Parse, token: Token, actors: Actors) -> bool:
    """Inside a relative clause about a thing ("a resolution that aims to impose a
    blockade"): what the thing is for, not what someone did."""
    current = token
    for up in parse.ancestors(token.i):
        if current.dep == "acl:relcl" and up.pos in ("NOUN", "PROPN"):
            return not actors.of(up.i)
        if current.dep in ("acl", "advcl") and up.pos == "NOUN" and not actors.of(up.i):
            marks = {m.lemma for m in parse.children(current.i, "mark")}
            governor = parse.head(up.i)
            light = up.dep == "obj" and governor is not None and governor.pos == "VERB"
            if "of" in marks or not light:
                return True  # "the decision of sending troops": what was decided about
        current = up
    return False


def _complement(parse: Parse, token: Token, triggers: dict[int, _Trigger]) -> _Trigger | None:
    for child in parse.children(token.i, *_COMPLEMENTS, "obl"):
        if child.dep == "obl" and parse.case(child.i) != "to":
            continue
        if child.i in triggers:
            return triggers[child.i]
        deeper = _complement(parse, child, triggers)
        if deeper is not None:
            return deeper
    return None


def _mood(parse: Parse, token: Token, lex: Lexicon) -> tuple[bool, bool, bool, bool]:
    """(speculative, conditional, negated, future) for a trigger, up its chain of verbs.

    Future is "will", "would", "going to", or an intention word above it
    ("is willing to send"); an intention is "intent", which survives a condition
    ("willing to send troops if it is attacked" is still an offer).
    """
    words = lex.words
    hypothetical = conditional = negated = future = intent = False
    future = token.tense == "Fut"  # a language with a future form (Russian perfective)
    chain = [token]
    for up in parse.ancestors(token.i):
        if chain[-1].dep not in (*_COMPLEMENTS, "conj", "aux"):
            break
        chain.append(up)
    generic = _generic(token, parse)
    light = parse.head(token.i)
    if light is not None and _lends(token, light, lex):
        # The verb that lends a noun its roles lends it its negation ("did not hold talks").
        negated = any(
            c.lemma in words["negation"] and c.dep in ("neg", "advmod")
            for c in parse.children(light.i)
        )
    for node in chain:
        for child in parse.children(node.i):
            if child.lemma in words["negation"] and child.dep in ("neg", "advmod", "det", "aux"):
                negated = True
            if child.dep.startswith("nsubj") and any(
                c.lemma in words["negation"] or c.lemma == "none"
                for c in parse.children(child.i, "det", "advmod", "neg", "amod")
            ):
                negated = True  # "no member has recognised", "not a single member..."
            if child.dep.startswith("aux"):
                if child.lemma in words["future"]:
                    future = True
                elif child.lemma in words["speculative"]:
                    hypothetical = True
            if child.dep == "advcl" and any(
                m.lemma in words["conditional"] for m in parse.children(child.i, "mark")
            ):
                conditional = True
        if node is not token and node.lemma in words["intent"]:
            future = intent = True
        if node is not token and node.lemma in words["forecast"]:
            hypothetical = True  # "expected to be joined by...": a forecast, not an act
        if node is not token and node.lemma in words["reluctant"]:
            negated = True  # "unwilling to provide help", "failed to send troops"
    for node in [token, *parse.ancestors(token.i)]:
        if node.dep == "advcl" and any(
            m.lemma in words["conditional"] for m in parse.children(node.i, "mark")
        ):
            conditional = hypothetical = True  # inside the if-clause itself
    # A bare present ("the CSTO allows Moscow to...") describes a state of affairs;
    # news reports acts in the past, the perfect or the progressive.
    return hypothetical or generic, conditional and not intent, negated, future


def _lends(token: Token, verb: Token, lex: Lexicon) -> bool:
    """Whether `verb` is the light verb of the noun trigger `token` ("held talks")."""
    return (
        token.pos == "NOUN"
        and token.dep == "obj"
        and verb.pos == "VERB"
        and lex.is_light(verb.lemma, verb.text)
    )


def _generic(token: Token, parse: Parse) -> bool:
    return (
        token.tense == "Pres"
        and token.finite
        and token.pos == "VERB"
        and not any(c.dep.startswith("aux") for c in parse.children(token.i))
    )


def _speaker(parse: Parse, token: Token, actors: Actors, lex: Lexicon) -> Found | None:
    """The actor whose reported words hold this token ("X said [it would ...]")."""
    current = token
    for up in parse.ancestors(token.i):
        if current.dep in ("ccomp", "parataxis", "conj", "xcomp", "advcl") and lex.is_speech(
            up.lemma, up.text
        ):
            subject = _subject(parse, up)
            if subject is not None:
                found = actors.of(subject.i)
                return found[0] if found else None
            return None
        current = up
    return None


def _subject(parse: Parse, token: Token) -> Token | None:
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
            if head.dep == "obj" and governor is not None and governor.pos == "VERB":
                current = governor  # "issued a statement supporting X": who issued it
                continue
            return head
        return None
    return None


def _code(
    parse: Parse,
    trigger: _Trigger,
    triggers: dict[int, _Trigger],
    actors: Actors,
    lex: Lexicon,
) -> list[Coded]:
    token, entry = trigger.token, trigger.entry
    speculative, conditional, negated, future = _mood(parse, token, lex)
    speaker = _speaker(parse, token, actors, lex)
    if speculative and speaker is not None and _generic(token, parse):
        speculative = False  # "Palestinians reject the changes, their negotiator said"
    complement = _complement(parse, token, triggers) if entry.governs or entry.intent else None
    if complement is not None and entry.type != "THREATEN":
        inner = _mood(parse, complement.token, lex)
        negated = negated or (inner[2] and complement.entry.negates is None)
    if (speculative or conditional) and not (entry.type == "THREATEN" or entry.intent):
        return []
    kind, mode = entry.type, entry.mode
    if negated:
        if entry.negates is None:
            return []
        kind, mode = entry.negates, "refusal"
    elif entry.intent and complement is not None:
        if complement.entry.type in HOSTILE:
            kind, mode = "THREATEN", "threat"
    elif future and kind in COOPERATIVE:
        kind, mode = "AGREE", "intent"
    elif future and kind in HOSTILE - {"ACCUSE"}:
        kind, mode = "THREATEN", "threat"
    sources, targets, route = _roles(parse, trigger, complement, actors, lex, speaker)
    events = _events(parse, trigger, kind, mode, sources, targets, route, actors)
    clause, subordinate = _clause(parse, token)
    return [replace(e, clause=clause, subordinate=subordinate) for e in events]


_CLAUSES = frozenset({"root", "ccomp", "acl:relcl", "acl", "advcl", "parataxis", "csubj"})


def _clause(parse: Parse, token: Token) -> tuple[tuple[int, int], bool]:
    """The span of the clause a trigger belongs to, and whether that clause is dependent
    (a relative clause, a participle phrase): its date is its own, not the sentence's."""
    head = token
    for node in [token, *parse.ancestors(token.i)]:
        head = node
        if node.pos in ("VERB", "AUX") and node.dep in _CLAUSES:
            break
    nested = {
        t.i
        for c in parse.children(head.i)
        if c.dep in ("acl:relcl", "acl", "ccomp", "advcl", "parataxis")
        and c.i != token.i
        and not any(a.i == c.i for a in parse.ancestors(token.i))
        for t in parse.subtree(c.i)
    }
    inside = [t for t in parse.subtree(head.i) if t.i not in nested]
    span = (min(t.start for t in inside), max(t.end for t in inside))
    relative = head.dep == "acl:relcl" and any(t.lemma in RELATIVES for t in parse.children(head.i))
    return span, relative


def _roles(
    parse: Parse,
    trigger: _Trigger,
    complement: _Trigger | None,
    actors: Actors,
    lex: Lexicon,
    speaker: Found | None,
) -> tuple[list[Found], list[Found], str]:
    token, entry = trigger.token, trigger.entry
    preps = lex.targets[entry.type]
    if token.pos in ("NOUN", "PROPN"):
        sources, targets, route = _noun_roles(parse, token, entry, actors, lex, preps, speaker)
        return _at_place(parse, token, entry, actors, sources, targets, route)
    subject = _subject(parse, token)
    sources = actors.of(subject.i, speaker) if subject is not None else []
    route = "subj" if sources and sources[0].depth == 0 else "subj-inner"
    agent = next(iter(parse.children(token.i, "obl:agent")), None)
    if token.passive and (agent is not None or token.lemma not in lex.words["stative"]):
        sources = actors.of(agent.i) if agent is not None else []
        targets = actors.of(subject.i) if subject is not None else []
        if not sources and entry.type == "REJECT" and entry.governs:
            # "...only to be turned down": by the alliance the sentence is about
            named = [m for m in actors.mentions if m.code in actors.context.alliances]
            sources = [Found(named[-1].code, named[-1], 2)] if named else []
        return sources, targets, "passive"
    targets, how = _targets(parse, token, entry, actors, preps, lex)
    if not targets and (entry.governs or entry.intent):
        # "offered to hand over to Britain", "threatened to ban X": the complement's roles
        inner = complement.token if complement is not None else parse.child(token.i, *_COMPLEMENTS)
        if inner is not None:
            inner_entry = complement.entry if complement is not None else entry
            targets, how = _targets(parse, inner, inner_entry, actors, preps, lex)
            if not targets:
                inner_subject = parse.child(inner.i, "nsubj")
                if inner_subject is not None:
                    targets, how = actors.of(inner_subject.i), "comp-subj"
    if not targets and entry.speech:
        for clause in parse.children(token.i, "ccomp"):
            inner_subject = parse.child(clause.i, "nsubj", "nsubj:pass")
            if inner_subject is not None:
                targets, how = actors.of(inner_subject.i), "comp-subj"
                break
    return _at_place(parse, token, entry, actors, sources, targets, f"{route}-{how}")


def _at_place(
    parse: Parse,
    token: Token,
    entry: Entry,
    actors: Actors,
    sources: list[Found],
    targets: list[Found],
    route: str,
) -> tuple[list[Found], list[Found], str]:
    """A protest is the place's where no one else is named: "Albanians demonstrated in
    Serbia" is a protest in Serbia, by people of Serbia, against its government."""
    if entry.type != "PROTEST" or (sources and targets):
        return sources, targets, route
    verb = token
    head = parse.head(token.i)
    if token.pos == "NOUN":
        if head is None or token.dep != "obj" or not route.startswith("light"):
            return sources, targets, route  # "amid protests in the country": background
        verb = head
    for child in parse.children(verb.i, "obl", "nmod"):
        if parse.case(child.i) in ("in", "outside", "at", "в", "у"):
            place = actors.of(child.i)
            if place:
                purpose = _purpose(parse, verb, actors, {f.code for f in place})
                return sources or place, targets or purpose or place, route + "-place"
    return sources, targets, route


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
) -> tuple[list[Found], str]:
    for dep in ("obj", "iobj"):
        for child in parse.children(token.i, dep):
            found = actors.of(child.i)
            if found:
                return found, dep if found[0].depth == 0 else f"{dep}-inner"
    obliques = parse.children(token.i, "obl", "nmod")
    for prep in preps:
        if prep == "in" and not (entry.place or entry.type in IN_PLACE):
            continue
        for child in obliques:
            if parse.case(child.i) == prep:
                found = actors.of(child.i)
                if found:
                    return found, f"obl-{prep}"
    # "in front of Putin", "in the presence of the envoy": the one before whom it was done
    for child in obliques:
        if child.lemma in lex.words["before"]:
            for inner in parse.children(child.i, "nmod"):
                if parse.case(inner.i) == "of" and (found := actors.of(inner.i)):
                    return found, "obl-front"
    # "imposed restrictions against German goods": the object's own phrase
    for obj in parse.children(token.i, "obj"):
        for child in parse.children(obj.i, "nmod"):
            if parse.case(child.i) in preps and parse.case(child.i) not in ("of", "in"):
                found = actors.of(child.i)
                if found:
                    return found, "obj-nmod"
    return [], "none"


def _noun_roles(
    parse: Parse,
    token: Token,
    entry: Entry,
    actors: Actors,
    lex: Lexicon,
    preps: tuple[str, ...],
    speaker: Found | None,
) -> tuple[list[Found], list[Found], str]:
    """A noun trigger: roles from its light verb ("launched an attack on"), or its own
    possessor and phrases ("Azerbaijan's attack on Armenia")."""
    head = parse.head(token.i)
    if (
        head is not None
        and head.pos == "NOUN"
        and token.dep == "nmod"
        and parse.case(token.i) == "of"
        and head.dep == "obj"
    ):
        token_for_verb = head  # "launched ten days of war games": the days are launched
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
        if child.dep == "nmod:poss" and child.lemma in PRONOUNS:
            owner = actors.of(child.i, speaker)  # "its intervention": the last actor
            break
    by = [c for c in parse.children(token.i, "nmod") if parse.case(c.i) == "by"]
    if not owner and by:
        owner = actors.of(by[0].i)
    own_preps = preps if entry.type in VIOLENT else tuple(p for p in preps if p != "of")
    targets, how = [], "none"
    for prep in own_preps:
        if prep == "in" and not entry.place:
            continue
        for child in parse.children(token.i, "nmod", "obl"):
            if parse.case(child.i) == prep:
                targets = actors.of(child.i)
                if targets:
                    how = f"nmod-{prep}"
                    break
        if targets:
            break
    if entry.mode == "summit":
        return _summit(parse, token, actors, owner, light)
    listed = _participants(parse, token, actors, lex)
    if len(listed) >= 2:
        return listed[:1], listed[1:], "noun-involving"
    if (
        light is not None
        and token_for_verb.dep in ("obj", "nsubj:pass")
        and lex.is_light(light.lemma, light.text)
    ):
        subject = _subject(parse, light)
        sources = actors.of(subject.i, speaker) if subject is not None else []
        if token_for_verb.dep == "nsubj:pass":
            agent = next(iter(parse.children(light.i, "obl:agent")), None)
            sources = actors.of(agent.i) if agent is not None else []
        if not targets:
            targets, how = _targets(parse, light, entry, actors, preps, lex)
        return sources or owner, targets, f"light-{how}"
    if entry.symmetric and entry.type == "ASSAULT":
        mutual = _between(parse, token, actors)
        if len(mutual) >= 2:
            return mutual, mutual, "noun-between"
        if not targets and len(owner) >= 2:
            return owner, owner, "noun-mutual"
        if targets and not owner and entry.type == "ASSAULT":
            # "called for help during border clashes with Azerbaijan": the clause's subject
            verb = next((a for a in parse.ancestors(token.i) if a.pos == "VERB"), None)
            subject = _subject(parse, verb) if verb is not None else None
            if subject is not None:
                owner = actors.of(subject.i, speaker)
    return owner, targets, f"noun-{how}"


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
) -> tuple[list[Found], list[Found], str]:
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
            if case == "of" and not whose:
                whose = [f for f in actors.of(child.i) if f.code in alliances]
            elif case in ("in", "at", "в", "во") and not host:
                host = [f for f in actors.of(child.i) if f.code not in alliances]
    if not whose:
        named = [m for m in actors.mentions if m.code in alliances and m.form != "members"]
        whose = [Found(named[0].code, named[0], 1)] if named else []
    return host, whose, "summit"


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
        if parse.case(child.i) not in ("between", "между"):
            continue
        found = actors.of(child.i)
        if len(found) >= 2:
            return found
        if child.lemma in ("country", "side", "neighbour", "neighbor", "state", "nation"):
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


def _events(
    parse: Parse,
    trigger: _Trigger,
    kind: str,
    mode: str | None,
    sources: list[Found],
    targets: list[Found],
    route: str,
    actors: Actors,
) -> list[Coded]:
    entry, context = trigger.entry, actors.context
    sources = [
        s
        for s in sources
        if s.code != DOMESTIC and (s.mention is None or s.mention.form != "members")
    ]
    home = [s for s in sources if context.kinds.get(s.code) == "state"]
    targets = [
        Found(home[0].code, None, 2) if t.code == DOMESTIC else t
        for t in targets
        if t.code != DOMESTIC or (home and kind in DOMESTIC_TYPES)
    ]
    if len(sources) >= 2 and not targets and (entry.symmetric or kind in MUTUAL):
        targets = sources  # "Israel and Lebanon renewed negotiations": each with the other
    if not targets and entry.alliance and sources:
        named = [m for m in actors.mentions if m.code in context.alliances and m.form != "members"]
        before = [m for m in named if m.start < trigger.token.start]
        chosen = (before[-1] if before else named[0]).code if named else None
        if chosen and all(s.code != chosen for s in sources):
            targets = [Found(chosen, None, 2)]
            route += "-alliance"
    mutual = route.endswith("-place")
    pairs = [(s, t) for s in sources for t in targets if mutual or _distinct(s, t)]
    if entry.symmetric:
        pairs += [(t, s) for s, t in pairs if (t, s) not in pairs]
    out = []
    for source, target in pairs:
        if kind == "ASSAULT" and _people(source, target):
            kind, mode = "ACCUSE", "criticism"  # "Rahmon's attack on Putin": words
        if (
            kind in VIOLENT
            and context.kinds.get(source.code) == "organisation"
            and source.code not in context.alliances
        ):
            continue  # an organisation does not shell anyone; an alliance may
        alliance = next(
            (c for c in (target.code, source.code) if c in context.alliances),
            targets[0].code if entry.alliance and route.endswith("-alliance") else None,
        )
        out.append(
            Coded(
                source=source.code,
                target=target.code,
                type=kind,
                mode=mode,
                alliance=alliance,
                intensity=TYPE_INTENSITY[kind],
                confidence=_confidence(route, source, target),
                at=trigger.token.start,
                route=route,
            )
        )
    return out


def _people(source: Found, target: Found) -> bool:
    return all(f.mention is not None and f.mention.form == "person" for f in (source, target))


def _distinct(source: Found, target: Found) -> bool:
    """Two roles name two parties: different actors, or one state's two sides."""
    if source.code != target.code:
        return True
    if target.mention is None and target.depth == 2 and source.mention is not None:
        return True  # a domestic group acted on by its own state
    return (
        source.mention is not None
        and target.mention is not None
        and source.mention.start != target.mention.start
    )


def _confidence(route: str, source: Found, target: Found) -> float:
    """A raw score from how the roles were found; `bloc.text.calibration` maps it to a
    probability of being right."""
    score = 0.8
    if "inner" in route or route.startswith("noun"):
        score -= 0.15
    if "alliance" in route or "comp-subj" in route:
        score -= 0.15
    score -= 0.1 * max(source.depth, target.depth)
    return round(max(0.1, score), 2)


def _asked(parse: Parse, triggers: dict[int, _Trigger], actors: Actors) -> list[Coded]:
    """ "Kazakhstan denied Russia's request": the request, made of the one who refused it."""
    out = []
    for trigger in triggers.values():
        if trigger.entry.type != "REJECT" or trigger.token.pos != "VERB":
            continue
        subject = _subject(parse, trigger.token)
        rejecters = actors.of(subject.i) if subject is not None else []
        for obj in parse.children(trigger.token.i, "obj"):
            if obj.lemma not in ("request", "appeal", "plea"):
                continue
            owners = [
                actors.own(c.i) for c in parse.children(obj.i, "nmod:poss", "amod", "compound")
            ]
            for owner in [o for o in owners if o is not None][:1]:
                for rejecter in rejecters:
                    if owner.code != rejecter.code:
                        out.append(
                            Coded(
                                owner.code,
                                rejecter.code,
                                "REQUEST",
                                "request",
                                None,
                                TYPE_INTENSITY["REQUEST"],
                                _confidence("asked", Found(owner.code, owner, 0), rejecter),
                                obj.start,
                                "asked",
                            )
                        )
    return out


def _must(parse: Parse, actors: Actors, lex: Lexicon, triggers: dict[int, _Trigger]) -> list[Coded]:
    """ "X said Y must (should) do Z": X's demand of Y."""
    out = []
    for token in parse.tokens:
        if token.pos != "VERB" or token.dep != "ccomp":
            continue
        if not any(c.lemma in lex.words["must"] for c in parse.children(token.i, "aux")):
            continue
        head = parse.head(token.i)
        if head is None or not lex.is_speech(head.lemma, head.text) or head.i in triggers:
            continue
        speaker_subject = _subject(parse, head)
        subject = parse.child(token.i, "nsubj")
        if speaker_subject is None or subject is None:
            continue
        for source in actors.of(speaker_subject.i):
            for target in actors.of(subject.i):
                if _distinct(source, target):
                    out.append(
                        Coded(
                            source.code,
                            target.code,
                            "REQUEST",
                            "demand",
                            None,
                            TYPE_INTENSITY["REQUEST"],
                            _confidence("must", source, target),
                            token.start,
                            "must",
                        )
                    )
    return out
