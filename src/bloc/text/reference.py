"""Whom a phrase of the parse refers to: names, pronouns, descriptions, conjuncts.

The roles stage (`bloc.text.roles`) asks this module which actor a subject,
object or phrase names. Language-neutral: everything here reads the UD-style relations of
`bloc.text.parse`, and every word it checks (pronouns, prepositions, descriptions)
through the language's word classes (`Lexicon.words`), so all languages share it.
An argument's actor is the mention covering its head word, else one inside the phrase (a
possessor, a demonym, "of"/"in" phrases: "the rebels in Darfur"), searched
nearest first; coordinated phrases give one actor each ("Iran, Libya and
Sudan"). Pronouns and descriptions ("it", "the country") resolve through the
document's context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bloc.model import Mention
from bloc.text.lexicon import Lexicon
from bloc.text.parse import Parse, Token

# Inside a phrase, the relations that may hold its actor, nearest first; clauses
# (acl, relative clauses) and other roles' phrases are not searched.
_INNER = (
    ("compound", "flat", "amod", "nmod:poss", "appos", "nummod"),
    ("nmod",),
    ("acl",),  # "refugees fleeing the war in Liberia": where they are from
)
DOMESTIC = "@domestic"
"""The code of people of no named state who, acted on by a state's own forces, are of
that state ("Egyptian police dispersed demonstrators"): CAMEO's domestic default. The
nouns for them are each language's `groups` word class."""


def _ethnic(parse: Parse, token: Token, ethnic: frozenset[str]) -> bool:
    near = parse.children(token.i, "amod")
    head = parse.head(token.i)
    if head is not None and token.dep == "amod":
        near += parse.children(head.i, "amod")
    return any(t.lemma in ethnic for t in near)


_NEVER = re.compile(r"(?!)")
"""A pattern a language leaves out matches nothing."""


@dataclass
class Context:
    """What a sentence's coder may resolve pronouns and descriptions against."""

    alliances: frozenset[str] = frozenset()
    alliance: str | None = None  # the alliance the document last named
    state: str | None = None  # the state the document last named
    organisation: str | None = None
    previous: str | None = None  # the last actor to act (a source) in the document
    person: str | None = None  # whom the person the document last named spoke for
    kinds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    code: str
    mention: Mention | None  # None when resolved from context
    depth: int  # 0: the argument's own head; more: found deeper in its phrase
    side: bool = False  # people of its state acted on by that state ("police dispersed...")
    part: bool = False  # a part of a state named by a noun alone ("police", "the ministry")
    refers: bool = False  # a pronoun or description standing for the actor ("it", "the country")


def _referring(found: Found | None) -> Found | None:
    return replace(found, refers=True) if found is not None else None


class Actors:
    """The mentions of one sentence laid over its parse."""

    def __init__(
        self, parse: Parse, mentions: Iterable[Mention], context: Context, lex: Lexicon
    ) -> None:
        self.parse = parse
        self.context = context
        self.lex = lex
        self.words = words = lex.words
        alternative = lex.patterns.get("alternative", _NEVER)
        self._new_clause = lex.patterns.get("new_clause", _NEVER)
        self.at: dict[int, Mention] = {}
        self.mentions: list[Mention] = []
        for m in mentions:
            tokens = parse.at(m.start, m.end)
            if m.form == "demonym" and any(_ethnic(parse, t, words["ethnic"]) for t in tokens):
                continue  # "ethnic Albanians": a people, not the state of that name
            if alternative.search(parse.text, max(0, m.start - 60), m.start):
                continue  # "provided a force, not the CSTO", "rather than via the CSTO"
            self.mentions.append(m)
            for token in tokens:
                self.at.setdefault(token.i, m)
        self.mentions.sort(key=lambda m: m.start)

    def own(self, i: int) -> Mention | None:
        return self.at.get(i)

    def of(self, i: int, speaker: Found | None = None) -> list[Found]:
        """The actors of the phrase headed by token i (one per coordinated part:
        "Iran, Libya and Sudan", "the Turkish and Greek sides")."""
        out: list[Found] = []
        for part in [i, *self.conjuncts(i)]:
            found = self._one(part, speaker)
            if found is None:
                continue
            more = [found]
            if found.depth and found.mention is not None:
                # Coordinated with the name's head: its last word in English ("Nikol
                # Pashinyan"), its first in Russian ("Sadyr Japarov" as flat:name).
                holder = self.parse.at(found.mention.start, found.mention.end)
                for conj in [c for h in holder for c in self.conjuncts(h.i)]:
                    mention = self.at.get(conj)
                    if mention is not None:
                        more.append(Found(mention.code, mention, found.depth))
            out += [f for f in more if all(f.code != o.code for o in out)]
        return out

    def conjuncts(self, i: int) -> list[int]:
        """The parts coordinated with token i; a part that opens a clause of its own
        ("to Ukraine, Armenia and Kazakhstan voting...") ends the list."""
        done: list[int] = []
        todo = [c.i for c in self.parse.children(i, "conj")]
        while todo:
            j = todo.pop(0)
            after = self.parse[j + 1] if j + 1 < len(self.parse) else None
            if after is not None and after.pos == "VERB" and self._new_clause.search(after.text):
                # "aid to Ukraine, Armenia and Kazakhstan voting...": a new clause, whose
                # subject may be the pair joined by "and" after the last comma
                if done and self.parse[j - 1].lemma in self.words["coordinators"]:
                    previous = done[-1]
                    if previous > 0 and self.parse[previous - 1].text == ",":
                        done.pop()
                break
            done.append(j)
            todo += [c.i for c in self.parse.children(j, "conj")]
        return done

    def _one(self, i: int, speaker: Found | None) -> Found | None:
        token = self.parse[i]
        mention = self.at.get(i)
        if mention is not None and mention.form == "members":
            # "CSTO allies Kyrgyzstan and Tajikistan": the members named beside them
            named = self.parse.child(i, "appos")
            return self._one(named.i, speaker) if named is not None else None
        if mention is not None:
            return Found(mention.code, mention, 0)
        if token.lemma in self.words["relatives"]:
            head = self.parse.head(i)
            antecedent = self.parse.head(head.i) if head is not None else None
            if antecedent is not None and head is not None and head.dep == "acl:relcl":
                return self._one(antecedent.i, speaker)
            return None
        if token.pos == "PRON" or token.lemma in self.words["pronouns"]:
            return _referring(self.pronoun(token, speaker))
        inner = self._inside(i, 1)
        if inner is not None:
            return inner
        if self._group(i, 0):
            return Found(DOMESTIC, None, 1)
        if token.lemma in self.words["state_parts"] and token.dep in ("nsubj", "obl:agent"):
            return self.part_of_state(token)
        return _referring(self.description(token))

    def part_of_state(self, token: Token) -> Found | None:
        """ "Police", "the army", "the ministry", "officials" acting: a part of the state
        where the sentence places the act ("in Tbilisi", "at the border of Georgia"), else
        of the state the document is about (the last state to act, else the last named).
        Only as a subject or agent: "sent troops" names what was sent, not who sent it."""
        code = self._placed()
        if code is None:
            code = self.context.previous
            if code is None or self.context.kinds.get(code) != "state":
                code = self.context.state
        return Found(code, None, 2, part=True) if code else None

    def _placed(self) -> str | None:
        """The state where the sentence places its act: named after "in", "at" or
        "outside" ("in Tbilisi", "in Haiti")."""
        places = self.words["protest_cases"]
        for m in self.mentions:
            heads = self.parse.at(m.start, m.end)
            if (
                self.context.kinds.get(m.code) == "state"
                and m.form != "members"
                and any(self.parse.case(t.i) in places for t in heads)
            ):
                return m.code
        return None

    def _group(self, i: int, depth: int) -> bool:
        """A phrase of people of no named state: a group noun at its head, before it ("a
        rebel stronghold"), or in its "of" or "by" phrase ("dozens of rebels", "a rally by
        students", "the demonstration staged by students")."""
        groups = self.words["groups"]
        if self.parse[i].lemma in groups:
            return True
        if any(c.lemma in groups for c in self.parse.children(i, "compound")):
            return True
        whose = self.words["genitive"] | self.words["by"]
        inner = [c for c in self.parse.children(i, "nmod") if self.parse.case(c.i) in whose]
        for acl in self.parse.children(i, "acl"):
            inner += self.parse.children(acl.i, "obl:agent")
        return depth < 2 and any(self._group(c.i, depth + 1) for c in inner)

    def _inner_case(self, case: str) -> bool:
        """A phrase that may name whom its head belongs to: no preposition, or one of the
        language's `inner_cases` ("the rebels in Darfur", "the people of Iran")."""
        return case == "" or case in self.words["inner_cases"]

    def _inside(self, i: int, depth: int) -> Found | None:
        if depth > 3:
            return None
        for deps in _INNER:
            for child in self.parse.children(i, *deps):
                if (
                    child.dep.startswith("nmod")
                    and child.dep != "nmod:poss"
                    and not self._inner_case(self.parse.case(child.i))
                ):
                    continue
                if child.dep == "acl":
                    places = [
                        c
                        for c in self.parse.children(child.i, "obl")
                        if self.parse.case(c.i) in self.words["origin_cases"]
                    ]
                    for place in places:
                        mention = self.at.get(place.i)
                        if mention is not None:
                            return Found(mention.code, mention, depth + 1)
                    continue
                mention = self.at.get(child.i)
                if mention is not None and mention.form != "members":
                    return Found(mention.code, mention, depth)
                deeper = self._inside(child.i, depth + 1)
                if deeper is not None:
                    return deeper
        return None

    def pronoun(self, token: Token, speaker: Found | None) -> Found | None:
        """ "It", "they", "its": whom they stand for, nearest first.

        The speaker whose words these are ("Hungary said it would..."); the subject of
        the clause this one is joined to ("no allies recognised it, and they refused...");
        for a possessive, the actor named just before it in the sentence ("the CSTO's
        only action: its intervention in Kazakhstan"); else the last actor to act.
        """
        if token.lemma in self.words["first_person"]:
            return None
        if speaker is not None:
            return Found(speaker.code, speaker.mention, 1)
        personal = token.lemma in self.words["personal"]
        if personal and token.dep != "nmod:poss":
            return self._person(token)
        verb = self.parse.head(token.i)
        if verb is not None and token.dep.startswith("nsubj") and verb.dep == "conj":
            first = self.parse.head(verb.i)
            subject = self.parse.child(first.i, "nsubj") if first is not None else None
            if subject is not None and subject.i != token.i:
                found = self.of(subject.i)
                if found:
                    return Found(found[0].code, found[0].mention, 1)
        if token.dep == "nmod:poss":
            # "Putin, with support from Lukashenko, rallied no one for his war": the subject
            owner = self.parse.head(token.i)
            clause = (
                next((a for a in self.parse.ancestors(owner.i) if a.pos in ("VERB", "AUX")), None)
                if owner is not None
                else None
            )
            subject = None
            while clause is not None:
                subject = self.parse.child(clause.i, "nsubj")
                if subject is not None or clause.dep not in ("xcomp", "conj"):
                    break
                clause = self.parse.head(clause.i)
            if subject is not None and subject.i not in (token.i, owner.i if owner else -1):
                mention = self.at.get(subject.i)
                if mention is not None and mention.form != "members":
                    return Found(mention.code, mention, 1)
            if personal:
                return self._person(token)
            kinds = self.context.kinds
            earlier = [
                m
                for m in self.mentions
                if m.end <= token.start and kinds.get(m.code) in ("state", "organisation")
            ]
            if earlier:
                return Found(earlier[-1].code, earlier[-1], 1)
        code = self.context.previous
        return Found(code, None, 2) if code else None

    def _person(self, token: Token) -> Found | None:
        """ "He", "his": the person last named, for the state whose office they held on the
        day; not the last state or body to act, which "he" cannot stand for."""
        named = [m for m in self.mentions if m.end <= token.start and m.form == "person"]
        if named:
            return Found(named[-1].code, named[-1], 1)
        code = self.context.person or self.context.previous
        return Found(code, None, 2) if code else None

    def description(self, token: Token) -> Found | None:
        """ "The country", "the organisation": the one of that kind the document is about.

        A state named earlier in the sentence; else the last state to act (a subject
        holds the reader's focus, as in centering theory); else the last state named.
        """
        if self.lex.articles:
            determined = any(
                c.lemma in self.words["determiners"] for c in self.parse.children(token.i, "det")
            )
            if not determined:
                return None
            state_nouns = self.words["state_nouns"]
            if token.text.lower() != token.lemma and token.text.lower() not in state_nouns:
                return None  # "the states": several, not the one last named
        if (
            token.lemma in self.words["state_nouns"]
            or token.text.lower() in self.words["state_nouns"]
        ):
            kinds = self.context.kinds
            earlier = [
                m for m in self.mentions if m.end <= token.start and kinds.get(m.code) == "state"
            ]
            if earlier:
                return Found(earlier[-1].code, None, 2)
            # the state in focus: the last to act, if a state, else the last named; in
            # an article's first such sentence, the state where the act is placed
            code = self.context.previous
            if code is None or kinds.get(code) != "state":
                code = self.context.state or self._placed()
            return Found(code, None, 2) if code else None
        if token.lemma in self.words["organisation_nouns"]:
            code = self.context.alliance or self.context.organisation
            return Found(code, None, 2) if code else None
        return None
