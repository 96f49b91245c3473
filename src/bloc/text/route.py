"""How the roles of a coded act were found: a typed path through the parse.

The role logic (`bloc.text.roles`) says by which path it found an act's source and
target; the coder scores its confidence by it ("inner" paths, found deeper in a
phrase, are less sure), the pipeline dates by it (an act named as a thing is dated as
the happening it names) and a recap ("the CSTO's intervention showed...") is told
apart by it. Fields, not substrings of a string, carry each of these facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Via(Enum):
    """How the source was found."""

    SUBJECT = "subj"  # the subject's own head
    SUBJECT_INNER = "subj-inner"  # inside the subject's phrase ("the rebels in Darfur")
    FALLBACK = "fallback"  # the parser lost the subject: the bare name before the verb
    PASSIVE = "passive"  # the agent of a passive ("was attacked by X")
    NOUN = "noun"  # a noun trigger's own possessor or phrases ("Azerbaijan's attack")
    LIGHT = "light"  # the subject of a noun trigger's light verb ("held talks")
    SUMMIT = "summit"  # a summit's host
    ASKED = "asked"  # a request known from its refusal ("denied Russia's request")
    MUST = "must"  # "X said Y must...": X's demand
    GIVEN = "given"  # set outside the role logic (by hand, or by another coder)


class Target(Enum):
    """How the target was found."""

    NONE = "none"
    OBJECT = "obj"
    INDIRECT = "iobj"
    OBLIQUE = "obl"  # a phrase with one of the type's prepositions (`prep`)
    FRONT = "obl-front"  # "in front of X", "in the presence of X"
    OBJECT_PHRASE = "obj-nmod"  # "imposed restrictions against German goods"
    NOUN_PHRASE = "nmod"  # a noun trigger's phrase ("attack on X", `prep`)
    WHERE = "where"  # "the exercise was moved to Tajikistan"
    COMPLEMENT_SUBJECT = "comp-subj"  # "demanded that the US cancel"
    INVOLVING = "involving"  # "an exercise involving X and Y"
    BETWEEN = "between"  # "clashes between X and Y"
    MUTUAL = "mutual"  # "Armenian-Azerbaijani clashes"


@dataclass(frozen=True)
class How:
    """How a target was found: the path, its preposition, and whether inside a phrase."""

    target: Target = Target.NONE
    prep: str = ""  # the preposition of an OBLIQUE or NOUN_PHRASE target
    inner: bool = False  # found inside the object's phrase, not at its head

    def __str__(self) -> str:
        label = f"{self.target.value}-{self.prep}" if self.prep else self.target.value
        return label + ("-inner" if self.inner else "")


NO_TARGET = How()


@dataclass(frozen=True)
class Route:
    """The path by which one act's roles were found."""

    via: Via
    how: How = NO_TARGET
    topic: bool = False  # a noun trigger that is the sentence's subject: talked about
    place: bool = False  # a protest's place stands for its source or target
    alliance: bool = False  # no target named: the alliance in context

    @property
    def deep(self) -> bool:
        """A role found inside a phrase rather than at its head."""
        return self.how.inner or self.via is Via.SUBJECT_INNER

    @property
    def named_thing(self) -> bool:
        """The act is a noun's own (its possessor, its phrases), not a topic."""
        return self.via is Via.NOUN and not self.topic

    def __str__(self) -> str:
        """The path as one readable label ("subj-obl-to", "topic-noun-none")."""
        label = self.via.value
        if self.via not in (Via.PASSIVE, Via.SUMMIT, Via.ASKED, Via.MUST, Via.GIVEN):
            label += f"-{self.how}"
        label = f"topic-{label}" if self.topic else label
        label += "-place" if self.place else ""
        return label + ("-alliance" if self.alliance else "")


GIVEN = Route(Via.GIVEN)
"""The route of an act the role logic did not find (a hand-built or learned coding)."""
