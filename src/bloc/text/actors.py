"""Find the actors a sentence names: states, organisations, groups and people.

One compiled pattern holds every surface form the knowledge base knows (names,
aliases, capitals and seats of power used as metonyms, demonyms, people's
names); people resolve to the state or body they spoke for on the article's
date. A demonym counts only before a word for a government or its forces
("Kazakh president", "Tajik forces"), not in "a Kyrgyz city". "The alliance",
"the bloc" and the like resolve to the alliance the document last named.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from bloc.knowledge import bundled
from bloc.model import KnowledgeBase, Mention

AGENT_NOUNS = re.compile(
    r"^\s*(?:(?:and|or|,)\s+[A-Z][a-z]+\s+)?(?:[a-z-]+\s+){0,2}?"
    r"(?i:president|prime minister|premier|foreign minister|defen[cs]e minister|minister"
    r"|ministry|government|authorities|officials?|forces|troops|army|military|soldiers"
    r"|servicemen|service members|peacekeepers|peacekeeping|border guards|politicians|leaders?"
    r"|leadership|side|parliament|diplomats?|delegation|state|regime|spokes(?:man|woman|person)"
    r"|security council|protesters|armed forces|officers|artillery|drones?|missiles?|units?"
    r"|territory|soil|airspace|positions|city|town|village|capital|border)\b"
)
_MEMBERS_OF = re.compile(
    r"^\s*(?:member(?: state)?s|member countries|allies|countries|nations|partners|states)\b"
)
ANAPHORS = re.compile(
    r"\b(?:the|this|that) (?:alliance|organi[sz]ation|bloc|grouping|treaty organi[sz]ation)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Form:
    code: str | None  # None for a person: resolved by date
    person: int | None
    kind: str  # name, alias, capital, demonym, person


class ActorFinder:
    """Finds actor mentions; build once per knowledge base and reuse."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.forms: dict[str, Form] = {}
        for actor in kb.actors.values():
            for surface in (actor.name, *actor.aliases):
                self.forms.setdefault(surface, Form(actor.code, None, "name"))
            if actor.kind != "state":
                self.forms.setdefault(actor.code, Form(actor.code, None, "name"))
            for surface in actor.capitals:
                self.forms.setdefault(surface, Form(actor.code, None, "capital"))
            for surface in actor.demonyms:
                self.forms.setdefault(surface, Form(actor.code, None, "demonym"))
        for i, person in enumerate(kb.people):
            for surface in (person.name, *person.aliases):
                self.forms.setdefault(surface, Form(None, i, "person"))
        alternatives = sorted(self.forms, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w-])"
        )
        self.alliances = set(kb.alliances)

    def find(
        self, text: str, day: dt.date | None, context_alliance: str | None = None
    ) -> list[Mention]:
        """Mentions in `text`, left to right; adjacent mentions of one actor merge."""
        found: list[Mention] = []
        for match in self.pattern.finditer(text):
            surface = match.group(1)
            form = self.forms[surface]
            code = form.code
            if form.person is not None:
                person = self.kb.people[form.person]
                code = person.actor_on(day) if day else _last_actor(person.offices)
                if code is None:
                    continue
            elif (
                form.kind == "demonym"
                and not surface.endswith("s")
                and not AGENT_NOUNS.match(text[match.end() :])
            ):
                continue
            members = code in self.alliances and _MEMBERS_OF.match(text[match.end() :])
            if code == "UN" and surface == "UN" and text[match.end() : match.end() + 1] == "-":
                continue
            assert code is not None
            # "CSTO members" are states: a possible target, never the alliance acting.
            kind = "members" if members else form.kind
            found.append(Mention(code, match.start(), match.end(), surface, kind))
        return self.with_anaphors(text, _merge(found, text), context_alliance)

    def with_anaphors(
        self, text: str, found: list[Mention], context_alliance: str | None
    ) -> list[Mention]:
        """Add "the alliance", "the bloc"… resolved to the alliance last named before them."""
        if context_alliance and ANAPHORS.search(text):
            found = list(found)
            for match in ANAPHORS.finditer(text):
                # "the alliance" is the alliance last named before it, in this
                # sentence or earlier in the document.
                named = [
                    m.code for m in found if m.code in self.alliances and m.end <= match.start()
                ]
                code = named[-1] if named else context_alliance
                found.append(Mention(code, match.start(), match.end(), match.group(), "anaphor"))
            found.sort(key=lambda m: m.start)
        return found


def _last_actor(offices: tuple[object, ...]) -> str | None:
    last = offices[-1] if offices else None
    return getattr(last, "actor", None)


_TITLE_GAP = re.compile(r"(?:['’]s)?\s*(?:[A-Za-z-]+\s+){0,3}")


def _merge(mentions: list[Mention], text: str) -> list[Mention]:
    """Join 'Kazakh president Tokayev' or 'Armenia's prime minister Pashinyan' into one."""
    merged: list[Mention] = []
    for mention in mentions:
        if merged and merged[-1].code == mention.code:
            gap = text[merged[-1].end : mention.start]
            if len(gap) <= 40 and _TITLE_GAP.fullmatch(gap) and not re.search(r"\band\b", gap):
                last = merged[-1]
                merged[-1] = Mention(last.code, last.start, mention.end, last.surface, last.form)
                continue
        merged.append(mention)
    return merged


@functools.cache
def finder() -> ActorFinder:
    return ActorFinder(bundled())
