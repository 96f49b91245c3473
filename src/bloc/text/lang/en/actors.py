"""Find the actors an English sentence names: states, organisations, groups and people.

Every surface form the knowledge base knows (names, aliases, seats of power
used as metonyms, demonyms, large cities, people's names) is looked up word
by word in a table keyed by its first word, longest form first, so the
world's some five thousand forms cost a dictionary probe per word. People
resolve to the state or body they spoke for on the article's date. A name
fused into a modifier ("the Moscow-led bloc", "a UN-brokered deal") is not a
mention of that actor. "CSTO members" are states: a possible target, never
the alliance acting.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from bloc.core.alliance import Actor, Alliance, KnowledgeBase
from bloc.knowledge import bundled
from bloc.model import Mention
from bloc.text.actors import actor_on, words

_FUSED = frozenset(
    {
        "led", "backed", "based", "born", "made", "owned", "funded", "sponsored", "brokered",
        "dominated", "controlled", "occupied", "held", "friendly", "style", "allied", "leaning",
        "aligned", "type", "bound", "registered", "flagged", "run", "speaking",
    }
)  # fmt: skip
_MEMBERS_OF = frozenset(
    {"member", "members", "allies", "ally", "countries", "nations", "partners", "states"}
)
ANAPHORS = re.compile(
    r"\b(?:the|this|that)\s+(?:(?:[A-Z][\w.]*|Russia|Moscow)-led\s+|military\s+|security\s+"
    r"|defen[cs]e\s+|treaty\s+)?(?:alliance|organi[sz]ation|bloc|grouping|pact|treaty)\b",
    re.IGNORECASE,
)
KINDS = ("name", "alias", "capital", "demonym", "place", "person")


@dataclass(frozen=True)
class Form:
    code: str | None  # None for a person: resolved by date
    person: int | None
    kind: str  # one of KINDS


class ActorFinder:
    """Finds actor mentions; build once per knowledge base and reuse."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.alliances = set(kb.alliances)
        self.forms: dict[tuple[str, ...], Form] = {}
        # Hand-curated forms first: where a library form collides, the curated one wins.
        for actor in kb.actors.values():
            groups = (
                ((actor.name, *actor.aliases), "name"),
                ((actor.code,) if actor.kind != "state" else (), "alias"),
                (actor.capitals, "capital"),
                (actor.demonyms, "demonym"),
                (actor.places, "place"),
            )
            for surfaces, kind in groups:
                for surface in surfaces:
                    self._add(surface, Form(actor.code, None, kind))
        # Then what every organisation's entry implies (spellings, treaty, acronym): a
        # form derived for one never displaces a form some actor's entry gives.
        for actor in kb.actors.values():
            if actor.kind != "state":
                for surface in organisation_forms(actor, kb.alliances.get(actor.code)):
                    self._add(surface, Form(actor.code, None, "alias"))
        for i, person in enumerate(kb.people):
            for surface in (person.name, *person.aliases):
                self._add(surface, Form(None, i, "person"), replace=True)
        self.longest = max(len(k) for k in self.forms)
        self.first = frozenset(k[0] for k in self.forms)

    def _add(self, surface: str, form: Form, replace: bool = False) -> None:
        key = tuple(w for w, _, _ in words(re.sub(r"^the\s+", "", surface, flags=re.I)))
        if key and (replace or key not in self.forms):
            self.forms[key] = form

    def find(
        self, text: str, day: dt.date | None, context_alliance: str | None = None
    ) -> list[Mention]:
        """Mentions in `text`, left to right; adjacent mentions of one actor merge."""
        tokens = words(text)
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            if tokens[i][0] not in self.first:
                i += 1
                continue
            for length in range(min(self.longest, len(tokens) - i), 0, -1):
                key = tuple(w for w, _, _ in tokens[i : i + length])
                form = self.forms.get(key)
                if form is not None:
                    mention = self._mention(form, tokens, i, length, text, day)
                    if mention is not None:
                        found.append(mention)
                    i += length - 1
                    break
            i += 1
        return self.with_anaphors(text, _merge(found, text), context_alliance)

    def _mention(
        self,
        form: Form,
        tokens: list[tuple[str, int, int]],
        i: int,
        length: int,
        text: str,
        day: dt.date | None,
    ) -> Mention | None:
        end = i + length
        after = tokens[end : end + 2]
        if len(after) == 2 and after[0][0] == "-" and after[1][0].lower() in _FUSED:
            return None  # "Moscow-led", "UN-brokered": a modifier, not the actor
        code = form.code
        if form.person is not None:
            code = actor_on(self.kb.people[form.person].offices, day)
            if code is None:
                return None
        assert code is not None
        kind = form.kind
        if (
            after
            and after[0][0].lower() in _MEMBERS_OF
            and (code in self.alliances or after[0][0].lower() in ("allies", "ally", "partners"))
        ):
            kind = "members"  # "CSTO members", "Russian allies": others, not the actor itself
        start, stop = tokens[i][1], tokens[end - 1][2]
        return Mention(code, start, stop, text[start:stop], kind)

    def with_anaphors(
        self, text: str, found: list[Mention], context_alliance: str | None
    ) -> list[Mention]:
        """Add "the alliance", "the bloc"… resolved to the alliance last named before them."""
        if context_alliance and ANAPHORS.search(text):
            found = list(found)
            for match in ANAPHORS.finditer(text):
                named = [
                    m.code for m in found if m.code in self.alliances and m.end <= match.start()
                ]
                code = named[-1] if named else context_alliance
                found.append(Mention(code, match.start(), match.end(), match.group(), "anaphor"))
            found.sort(key=lambda m: m.start)
        return found


_TITLE_GAP = re.compile(
    r"(?:['’]s)?\s*(?:(?:president|prime|minister|foreign|defen[cs]e|leader|chief|premier|head"
    r"|secretary|general|spokes(?:man|woman|person)|deputy|vice|ambassador|envoy|king|queen"
    r"|emir|sheikh|chairman|commander|interim|acting|former|supreme|ayatollah)\s+){0,3}",
    re.IGNORECASE,
)


def _merge(mentions: list[Mention], text: str) -> list[Mention]:
    """Join 'Kazakh president Tokayev' or 'Armenia's prime minister Pashinyan' into one."""
    merged: list[Mention] = []
    for mention in mentions:
        if merged and merged[-1].code == mention.code:
            gap = text[merged[-1].end : mention.start]
            if len(gap) <= 40 and _TITLE_GAP.fullmatch(gap) and not re.search(r"\band\b", gap):
                last = merged[-1]
                form = "person" if "person" in (last.form, mention.form) else last.form
                merged[-1] = Mention(last.code, last.start, mention.end, last.surface, form)
                continue
        merged.append(mention)
    return merged


_SPELLINGS = (
    ("Organization", "Organisation"),
    ("Defense", "Defence"),
    ("Co-operation", "Cooperation"),
    ("Programme", "Program"),
)
"""Spellings news writes either way: an organisation's name is known in both."""
_TREATY = re.compile(r"^(?P<treaty>(?:[A-Z][\w'’-]*\s+)+(?:Treaty|Pact))\s+Organi[sz]ation$")
_OPENING = re.compile(r"^(?P<name>[^;.]+?),?\s+(?:signed|concluded|agreed)\b")
_NAMED_TREATY = re.compile(
    r"^(?=.*\b(?:Treaty|Pact)\b)(?:[A-Z][\w'’.-]*|of|and|between|the|on|for|in)"
    r"(?:,?\s+(?:[A-Z][\w'’.-]*|of|and|between|the|on|for|in))*$"
)


def organisation_forms(actor: Actor, alliance: Alliance | None = None) -> list[str]:
    """The forms an organisation's knowledge-base entry implies, beyond those it lists.

    For every name and alias, its other spellings ("Organisation"); the treaty an
    organisation is named for ("the North Atlantic Treaty" from "North Atlantic Treaty
    Organization"); and an alliance's treaty by the formal name its `treaty` field
    opens with ("Southeast Asia Collective Defense Treaty, signed in Manila..."): a name
    of capitalised words (and "of", "between"...) holding "Treaty" or "Pact". The
    acronym is the organisation's code, which the finder adds. A new alliance in the
    knowledge base is recognised by all of these with no change here. (Initials are not
    derived: "Warsaw Treaty Organization" would give WTO, which news reads otherwise.)
    """
    names = [actor.name, *actor.aliases]
    out: list[str] = []
    if alliance is not None:
        opening = _OPENING.match(" ".join(alliance.treaty.split()))
        if opening is not None and _NAMED_TREATY.match(opening.group("name")):
            out.append(opening.group("name"))
    for name in [*names, *out]:
        if (match := _TREATY.match(name)) is not None:
            out.append(match.group("treaty"))
    for name in [*names, *out]:
        for a, b in _SPELLINGS:
            for old, new in ((a, b), (b, a)):
                if re.search(rf"\b{old}\b", name):
                    out.append(re.sub(rf"\b{old}\b", new, name))
    return [f for f in dict.fromkeys(out) if f not in names]


@functools.cache
def finder() -> ActorFinder:
    return ActorFinder(bundled())
