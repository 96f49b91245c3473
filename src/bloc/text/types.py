"""The types stage: which PLOVER type a trigger word reports, and whether it reports an act.

- triggers are lemmas of the lexicon (`bloc.text.lexicon`), the most specific
  reading first ("lift a curfew" CONCEDE, "lift a blockade" RETREAT);
- a trigger whose complement is what was refused, threatened, offered or asked
  for governs it ("refused to send troops": one REJECT, no AID);
- the mood of the trigger's chain of verbs says whether it happened: questions,
  conditionals, speculation (may, might, could), negation, intention and the
  bare present of a state of affairs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bloc.text.lexicon import Entry, Lexicon
from bloc.text.parse import Parse, Token
from bloc.text.reference import Actors

VIOLENT = frozenset({"ASSAULT", "COERCE"})
"""Armed acts: only states, armed groups and alliances do them."""
IN_PLACE = frozenset(
    {"CONCEDE", "COERCE", "ASSAULT", "PROTEST", "MOBILIZE", "SANCTION", "AID", "RETREAT", "REJECT"}
)
"""Types whose act falls on a place named with "in" ("a curfew in Abidjan")."""
MUTUAL = frozenset({"CONSULT", "AGREE", "COOPERATE", "SUPPORT", "ASSAULT", "RETREAT"})
"""Acts that two parties named together do with each other ("X and Y met")."""
HOSTILE = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST", "ACCUSE"})
"""Acts whose intention is a THREATEN ("will impose sanctions")."""
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
"""Acts whose intention is an AGREE ("will send aid")."""
COMPLEMENTS = ("xcomp", "ccomp")


@dataclass(frozen=True)
class Trigger:
    token: Token
    entry: Entry


def find_triggers(parse: Parse, actors: Actors, lex: Lexicon) -> list[Trigger]:
    found = []
    for token in parse.tokens:
        if token.i in actors.at:
            continue  # part of a name ("Shanghai Cooperation Organisation")
        args = _Arguments(parse, token)
        for entry in lex.entries_for(token.lemma, token.pos, token.text):
            if _fits(parse, token, entry, lex, args):
                if entry.type and (entry.origin != "derived" or asserted(parse, token)):
                    found.append(Trigger(token, entry))
                break
    return found


class _Arguments:
    """A token's arguments as the entries select on them, each read once: a verb may have
    a hundred derived entries to try."""

    def __init__(self, parse: Parse, token: Token) -> None:
        self.parse, self.token = parse, token

    @functools.cached_property
    def particles(self) -> set[str]:
        return {c.lemma for c in self.parse.children(self.token.i, "compound:prt", "advmod")}

    @functools.cached_property
    def cases(self) -> set[str]:
        return _cases(self.parse, self.token)

    @functools.cached_property
    def heads(self) -> set[str]:
        """The head lemmas of the direct object (or passive subject) and their compounds."""
        parse = self.parse
        return {
            t.lemma
            for c in parse.children(self.token.i, "obj", "nsubj:pass")
            for t in (c, *parse.children(c.i, "compound", "flat"))
        }

    @functools.cached_property
    def pobjects(self) -> set[tuple[str, str]]:
        """(preposition, head lemma of its object) of each prepositional phrase."""
        parse = self.parse
        return {(parse.case(c.i), c.lemma) for c in parse.children(self.token.i, "obl", "nmod")}


def _fits(parse: Parse, token: Token, entry: Entry, lex: Lexicon, args: _Arguments) -> bool:
    """Whether a token's context selects this reading of it."""
    if entry.particle and entry.particle not in args.particles:
        return False
    if entry.prep and entry.prep not in args.cases:
        return False
    if entry.origin == "derived":
        return _fits_derived(entry, args)
    return not (entry.objects and not entry.objects & _object_lemmas(parse, token, lex.words))


def asserted(parse: Parse, token: Token) -> bool:
    """A verb that states an act: finite ("reinforced"), with an auxiliary of tense or
    voice ("were converging", "was shelled"), or joined to one ("met and agreed"). An
    infinitive or participle ("to discuss", "expected to") is a purpose or a description,
    which the derived lexicon's readings, unlike the curated ones, were not checked on."""
    current: Token | None = token
    while current is not None:
        if current.finite or any(
            c.pos == "AUX" for c in parse.children(current.i, "aux", "aux:pass")
        ):
            return True
        current = parse.head(current.i) if current.dep == "conj" else None
    return False


def _fits_derived(entry: Entry, args: _Arguments) -> bool:
    """A derived entry's arguments, read as the dictionary states them: the head of the
    direct object (or of the passive subject), and the head of the preposition's object."""
    if entry.objects and entry.objects.isdisjoint(args.heads):
        return False
    return not entry.pobjects or any(
        case == entry.prep and lemma in entry.pobjects for case, lemma in args.pobjects
    )


def _cases(parse: Parse, token: Token) -> set[str]:
    found = {parse.case(c.i) for c in parse.children(token.i, "obl", "nmod")}
    found |= {c.lemma for c in parse.children(token.i, "dep", "compound:prt") if c.pos == "ADP"}
    return found


def _object_lemmas(parse: Parse, token: Token, words: dict[str, frozenset[str]]) -> set[str]:
    """The words that can select a trigger's sense: its object's head and the words that
    name it ("the state of emergency", "war games"), and the trigger's own modifiers."""
    lemmas: set[str] = set()
    for child in parse.children(token.i, "obj", "nsubj:pass", "xcomp", "iobj"):
        lemmas |= _naming(parse, child, 2)
    for child in parse.children(token.i, "obl", "compound", "amod", "nmod", "conj"):
        lemmas.add(child.lemma)
        lemmas |= {parse.case(child.i)}
    for child in parse.children(token.i, "nsubj"):
        # the subject and what it is made of: "a contingent of troops arrived"
        lemmas.add(child.lemma)
        quantity = [
            c for c in parse.children(child.i, "nmod") if parse.case(c.i) in words["genitive"]
        ]
        lemmas |= {t.lemma for c in quantity for t in (c, *parse.children(c.i, "compound"))}
    head = parse.head(token.i)
    if head is not None and token.pos in ("NOUN", "PROPN"):
        lemmas.add(head.lemma)
    if token.pos == "VERB" and not parse.children(token.i, "obj", "xcomp", "nsubj:pass"):
        # The parser found no object ("cancelled planned CSTO drills" read as a clause):
        # the words right after the verb, up to the end of the clause.
        plural = "".join(sorted(words["plural_endings"]))
        for t in parse.tokens[token.i + 1 : token.i + 7]:
            if (t.pos == "PUNCT" and t.text not in "-–") or t.lemma in words["clause_ends"]:
                break
            lemmas.add(t.lemma)
            lemmas.add(t.text.lower().rstrip(plural))
    return lemmas


def _naming(parse: Parse, token: Token, depth: int) -> set[str]:
    found = {token.lemma}
    if depth:
        for child in parse.children(token.i, "compound", "amod", "nmod", "flat", "conj", "obj"):
            if child.dep != "nmod:poss":
                found |= _naming(parse, child, depth - 1)
    return found


def governor_of(
    parse: Parse, token: Token, triggers: dict[int, Trigger], words: dict[str, frozenset[str]]
) -> Trigger | None:
    """The trigger whose complement this one is ("refused to [send]", "threatened to [ban]",
    "agreed to undertake [exercises]")."""
    current = token
    head = parse.head(current.i)
    own = triggers.get(token.i)
    own_origin = own.entry.origin if own is not None else ""
    verb = head
    if verb is not None and verb.pos in ("ADV", "ADP") and verb.dep in ("advmod", "compound:prt"):
        verb = parse.head(verb.i)  # "stayed away from the summit"
    if token.pos == "NOUN" and token.dep in ("obl", "nmod") and verb is not None:
        governing = triggers.get(verb.i)
        away = parse.case(token.i) in words["away_cases"]
        if (
            governing is not None
            and verb.pos == "VERB"
            and own is not None
            and (governing.entry.type == own.entry.type or (away and _refused(governing)))
        ):
            return governing  # "stayed away from the summit", "met at the summit"
    if token.pos == "NOUN" and token.dep == "obj" and head is not None and head.pos == "VERB":
        owned = parse.children(token.i, "nmod:poss", "amod", "compound")
        governing = triggers.get(head.i)
        if governing is not None and (
            not owned
            or (governing.entry.type == "REJECT" and token.lemma in words["governed_asked"])
            or _refused_or_restated(governing, own)
        ):
            return governing  # "extend the curfew": the verb says it; "denied X's request"
        current = head  # a light verb's noun: governed as its verb is
    if token.dep == "acl" and head is not None and head.pos == "NOUN" and head.dep == "obj":
        verb = parse.head(head.i)
        refusing = triggers.get(verb.i) if verb is not None else None
        if refusing is not None and _refused(refusing):
            return refusing  # "rejected an invitation to attend": the attending was refused
    while (
        current.dep in COMPLEMENTS
        or (current.dep == "obl" and parse.case(current.i) in words["to"])
        or (
            current.dep == "advcl"
            and any(m.lemma in words["purpose_marks"] for m in parse.children(current.i, "mark"))
        )
    ):
        head = parse.head(current.i)
        if head is None:
            return None
        governing = triggers.get(head.i)
        if governing is not None and (
            governing.entry.governs or governing.entry.intent or own_origin == "derived"
        ):
            return governing  # a derived reading in a trigger's complement is its content
        if governing is not None:
            return None
        current = head
    return None


def _refused_or_restated(verb: Trigger, noun: Trigger | None) -> bool:
    """A trigger noun that a verb trigger takes as its object is the verb's: what was
    refused, boycotted or skipped ("skipped the CSTO summit": one REJECT, no meeting), or
    the same act named twice ("attended the CSTO summit": one CONSULT). With a
    preposition, only what is stayed away from ("stayed away from the talks") or the same
    act ("met at the summit"); "declined to intervene in the clashes" keeps the clashes."""
    return noun is not None and (_refused(verb) or verb.entry.type == noun.entry.type)


def _refused(verb: Trigger) -> bool:
    return verb.entry.type == "REJECT"


def about_a_thing(parse: Parse, token: Token, actors: Actors) -> bool:
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
            if marks & actors.words["genitive"] or not light:
                return True  # "the decision of sending troops": what was decided about
        current = up
    return False


def complement_of(
    parse: Parse, token: Token, triggers: dict[int, Trigger], words: dict[str, frozenset[str]]
) -> Trigger | None:
    for child in parse.children(token.i, *COMPLEMENTS, "obl"):
        if child.dep == "obl" and parse.case(child.i) not in words["to"]:
            continue
        if child.i in triggers:
            return triggers[child.i]
        deeper = complement_of(parse, child, triggers, words)
        if deeper is not None:
            return deeper
    return None


def mood_of(parse: Parse, token: Token, lex: Lexicon) -> tuple[bool, bool, bool, bool]:
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
        last = chain[-1]
        means = last.dep == "advcl" and any(
            m.lemma in words["by"] for m in parse.children(last.i, "mark")
        )  # "stand to gain little by supporting": the support is as hypothetical as the gain
        if last.dep not in (*COMPLEMENTS, "conj", "aux") and not means:
            break
        chain.append(up)
    generic = is_generic(token, parse)
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
                c.lemma in words["negation"] or c.lemma in words["nobody"]
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


def is_generic(token: Token, parse: Parse) -> bool:
    return (
        token.tense == "Pres"
        and token.finite
        and token.pos == "VERB"
        and not any(c.dep.startswith("aux") for c in parse.children(token.i))
    )
