"""Code a parsed sentence into PLOVER events: who did what to whom.

In the manner of the dictionary coders (TABARI, PETRARCH), with roles read
from the dependency parse rather than from word order. This module puts the
stages together: `bloc.text.types` finds the triggers and their mood,
`bloc.text.roles` their source and target; here an intention to cooperate
becomes an AGREE and to harm a THREATEN (as PLOVER codes them), a negated act
takes its negated type ("will not accept": REJECT) or none, "X said Y must..."
is X's REQUEST of Y, and each pair of roles becomes one event with a rough
score and the features (`Features`) from which `bloc.text.calibration` gives its
probability of being right. In reported speech the
speaker is the source only of speech acts and of what "it" or "they" do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bloc.core.events import TYPE_INTENSITY
from bloc.model import Mention
from bloc.text.arguments import speaker_of, subject_of
from bloc.text.calibration import Features, features_of, height
from bloc.text.lexicon import Lexicon
from bloc.text.parse import Parse
from bloc.text.parties import distinct, own_state, people, rough_score
from bloc.text.reference import DOMESTIC, Actors, Context, Found
from bloc.text.roles import find_roles, on_member
from bloc.text.route import GIVEN, Route, Via
from bloc.text.spans import clause_span, phrase_span
from bloc.text.types import (
    COOPERATIVE,
    HOSTILE,
    MUTUAL,
    VIOLENT,
    Trigger,
    about_a_thing,
    complement_of,
    find_triggers,
    governor_of,
    is_generic,
    mood_of,
)

__all__ = ["VIOLENT", "Coded", "Context", "code_parse"]


ASKED = Route(Via.ASKED)
MUST = Route(Via.MUST)
DOMESTIC_TYPES = frozenset(
    {"COERCE", "ASSAULT", "CONCEDE", "REJECT", "REQUEST", "SANCTION", "THREATEN"}
)
AGAINST_OWN = frozenset({"PROTEST", "REQUEST"})
"""What people of no named state do to a part of their own state (`own_state`)."""


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
    route: Route = GIVEN  # how the roles were found (for calibration)
    clause: tuple[int, int] = (0, 0)  # the trigger's clause (characters), to date it by
    subordinate: bool = False  # in a relative or other dependent clause
    phrase: tuple[int, int] = (0, 0)  # a noun trigger's own phrase (characters), to date it by
    features: Features | None = None  # what the confidence model reads (`text.calibration`)


def code_parse(
    parse: Parse, mentions: Iterable[Mention], context: Context, lex: Lexicon
) -> list[Coded]:
    """The events one parsed sentence reports (an empty list for most sentences)."""
    if parse.text.rstrip("”\"’') ").endswith("?"):
        return []
    actors = Actors(parse, mentions, context, lex)
    triggers = {t.token.i: t for t in find_triggers(parse, actors, lex)}
    out: list[Coded] = []
    seen: set[tuple[str, str, str]] = set()
    for trigger in triggers.values():
        if governor_of(parse, trigger.token, triggers, lex.words) is not None:
            continue  # folded into the act that governs it
        if about_a_thing(parse, trigger.token, actors):
            continue
        for coded in _code(parse, trigger, triggers, actors, lex):
            key = (coded.source, coded.target, coded.type)
            if key not in seen:
                seen.add(key)
                out.append(coded)
    for coded in _asked(parse, triggers, actors, lex) + _must(parse, actors, lex, triggers):
        key = (coded.source, coded.target, coded.type)
        if key not in seen:
            seen.add(key)
            out.append(coded)
    heights = [height(parse, i) for i in triggers]
    return _counted(out, parse, heights, actors)


def _counted(out: list[Coded], parse: Parse, heights: list[int], actors: Actors) -> list[Coded]:
    """The acts with their sentence's counts added to their features: how long it is,
    how many triggers and actors it holds, how many acts it gave, and how many trigger
    words and acts stand nearer the sentence's root than each act's trigger (`heights`:
    each trigger word's steps to the root)."""
    named = len({m.code for m in actors.mentions})
    at = [c.at for c in out]
    acts = [c.features.height for c in out if c.features is not None]
    return [
        replace(
            c,
            features=replace(
                c.features,
                tokens=len(parse),
                triggers=len(heights),
                above=sum(h < c.features.height for h in heights),
                outranked=any(h < c.features.height for h in acts),
                actors=named,
                events=len(out),
                pairs=at.count(c.at),
                rank=rank,
            ),
        )
        if c.features is not None
        else c
        for rank, c in enumerate(out)
    ]


def _code(
    parse: Parse,
    trigger: Trigger,
    triggers: dict[int, Trigger],
    actors: Actors,
    lex: Lexicon,
) -> list[Coded]:
    token, entry = trigger.token, trigger.entry
    speculative, conditional, negated, future = mood_of(parse, token, lex)
    speaker = speaker_of(parse, token, actors, lex)
    if speculative and (speaker is not None or entry.speech) and is_generic(token, parse):
        speculative = False  # "Palestinians reject the changes, their negotiator said";
        # a speech act in the present is said now ("Moscow regrets the decision")
    complement = (
        complement_of(parse, token, triggers, lex.words) if entry.governs or entry.intent else None
    )
    if complement is not None and entry.type != "THREATEN":
        inner = mood_of(parse, complement.token, lex)
        negated = negated or (inner[2] and complement.entry.negates is None)
    offer = conditional and future and not speculative and not negated
    if (speculative or conditional) and not (entry.type == "THREATEN" or entry.intent or offer):
        return []  # an offer or threat on a condition ("will meet X if...") is coded below
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
    elif (future and kind in HOSTILE - {"ACCUSE"}) or (offer and kind == "REJECT"):
        kind, mode = "THREATEN", "threat"
    sources, targets, route = find_roles(parse, trigger, complement, actors, lex, speaker)
    kind, mode, targets = on_member(parse, trigger, kind, mode, sources, targets, actors, lex)
    events = _events(parse, trigger, kind, mode, sources, targets, route, actors)
    clause, subordinate = clause_span(parse, token, lex.words["relatives"])
    phrase = phrase_span(parse, token)
    return [
        replace(
            e,
            clause=clause,
            subordinate=subordinate,
            phrase=phrase,
            features=replace(
                e.features,
                negated=negated,
                future=future,
                reported=speaker is not None,
                governed=complement is not None,
                subordinate=subordinate,
            )
            if e.features
            else None,
        )
        for e in events
    ]


def _events(
    parse: Parse,
    trigger: Trigger,
    kind: str,
    mode: str | None,
    sources: list[Found],
    targets: list[Found],
    route: Route,
    actors: Actors,
) -> list[Coded]:
    entry, context = trigger.entry, actors.context
    if kind in AGAINST_OWN and any(s.code == DOMESTIC for s in sources):
        sources = [*sources, *own_state(targets, context)]
    sources = [
        s
        for s in sources
        if s.code != DOMESTIC and (s.mention is None or s.mention.form != "members")
    ]
    home = [s for s in sources if context.kinds.get(s.code) == "state"]
    targets = [
        Found(home[0].code, None, 2, side=True) if t.code == DOMESTIC else t
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
            route = replace(route, alliance=True)
    mutual = route.place and not route.alliance
    kinds = context.kinds
    pairs = [(s, t) for s in sources for t in targets if mutual or distinct(s, t, kinds)]
    if entry.symmetric:
        pairs += [(t, s) for s, t in pairs if (t, s) not in pairs]
    out = []
    for source, target in pairs:
        if kind == "ASSAULT" and people(source, target):
            kind, mode = "ACCUSE", "criticism"  # "Rahmon's attack on Putin": words
        if (
            kind in VIOLENT
            and context.kinds.get(source.code) == "organisation"
            and source.code not in context.alliances
        ):
            continue  # an organisation does not shell anyone; an alliance may
        alliance = next(
            (c for c in (target.code, source.code) if c in context.alliances),
            targets[0].code if entry.alliance and route.alliance else None,
        )
        out.append(
            Coded(
                source=source.code,
                target=target.code,
                type=kind,
                mode=mode,
                alliance=alliance,
                intensity=TYPE_INTENSITY[kind],
                confidence=rough_score(route, source, target),
                at=trigger.token.start,
                route=route,
                features=features_of(kind, route, source, target, entry, actors, trigger.token),
            )
        )
    return out


def _asked(parse: Parse, triggers: dict[int, Trigger], actors: Actors, lex: Lexicon) -> list[Coded]:
    """ "Kazakhstan denied Russia's request": the request, made of the one who refused it."""
    out = []
    for trigger in triggers.values():
        if trigger.entry.type != "REJECT" or trigger.token.pos != "VERB":
            continue
        subject = subject_of(parse, trigger.token)
        rejecters = actors.of(subject.i) if subject is not None else []
        for obj in parse.children(trigger.token.i, "obj"):
            if obj.lemma not in lex.words["asked"]:
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
                                rough_score(ASKED, Found(owner.code, owner, 0), rejecter),
                                obj.start,
                                ASKED,
                                features=features_of(
                                    "REQUEST",
                                    ASKED,
                                    Found(owner.code, owner, 0),
                                    rejecter,
                                    trigger.entry,
                                    actors,
                                    obj,
                                ),
                            )
                        )
    return out


def _must(parse: Parse, actors: Actors, lex: Lexicon, triggers: dict[int, Trigger]) -> list[Coded]:
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
        speaker_subject = subject_of(parse, head)
        subject = parse.child(token.i, "nsubj")
        if speaker_subject is None or subject is None:
            continue
        for source in actors.of(speaker_subject.i):
            for target in actors.of(subject.i):
                if distinct(source, target, actors.context.kinds):
                    out.append(
                        Coded(
                            source.code,
                            target.code,
                            "REQUEST",
                            "demand",
                            None,
                            TYPE_INTENSITY["REQUEST"],
                            rough_score(MUST, source, target),
                            token.start,
                            MUST,
                            features=features_of(
                                "REQUEST", MUST, source, target, None, actors, token
                            ),
                        )
                    )
    return out
