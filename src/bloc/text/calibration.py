"""Confidence that means something: the probability that a coded event is right.

The coder states, for each act it codes, what it knows of how it found it
(`Features`: where the trigger came from, the parse path of its roles, how each
actor was recognised, the sentence's length and mood, how many other acts the
sentence gave). A logistic model turns those into the probability that the event
is right, as PLOVER's authors would code it (gold source, gold target, gold type).
The model's coefficients are data (calibration.yaml), fitted by
`scripts/calibrate.py` on the *tune* part of PLOVER's development records only
(`bloc.text.evaluate_split`), and checked on the part nobody tuned against. The
records are English news wire; a Russian sentence's acts are scored by the same model.

Terms the shipped model does not name weigh nothing, so a feature value the fit
never saw (a new route, a new kind of mention) leaves the probability to the
other terms instead of failing.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields
from importlib import resources

import yaml

from bloc.errors import BlocError
from bloc.text.lexicon import Entry
from bloc.text.parse import Parse, Token
from bloc.text.reference import Actors, Found
from bloc.text.route import Route

CURATED = "curated"
"""A trigger from bloc's own hand-written lexicon (the default `origin`)."""


SECONDARY = frozenset({"conj", "acl", "advcl", "xcomp"})
"""Relations of a trigger in a clause beside or below the main one: a second verb of a
coordination, a purpose or participle clause ("...to demand", "...protesting")."""


@dataclass(frozen=True)
class Features:
    """What the coder knows of one coded act when it codes it; computed once, there."""

    type: str  # the PLOVER type coded
    origin: str = CURATED  # the trigger's lexicon: curated or derived (`Entry.origin`)
    noun: bool = False  # the trigger is a noun ("the attack on"), not a verb
    specific: bool = False  # the entry names its object, particle or preposition
    via: str = "given"  # how the source was found (`route.Via` value)
    path: str = "none"  # how the target was found (`route.Target` value)
    deep: bool = False  # a role found inside a phrase, not at its head
    topic: bool = False  # a noun trigger that is the sentence's subject
    place: bool = False  # a place standing for an actor
    alliance: bool = False  # no target named: the alliance in context
    source_form: str = "name"  # how the source was named (`Mention.form`, or context)
    target_form: str = "name"
    depth: int = 0  # the deeper of the two roles (0: each argument's own head)
    negated: bool = False  # a negated act coded as its negation ("did not accept")
    future: bool = False  # future or intended ("will send": AGREE, "will strike": THREATEN)
    reported: bool = False  # in reported speech (a speaker named: "X said...")
    subordinate: bool = False  # in a relative or other dependent clause
    symmetric: bool = False  # an act both ways ("met", "clashed")
    same: bool = False  # one actor as source and target (a state's two sides)
    organisation: bool = False  # the source is an organisation, not a state
    height: int = 0  # words between the trigger and the sentence's root (0: the root)
    relation: str = "root"  # the trigger's own relation to its head (UD: root, xcomp, acl...)
    gap: int = 0  # words between the trigger and its source's name (0: none named)
    reach: int = 0  # words between the trigger and its target's name (0: none named)
    after: bool = False  # the source is named after the trigger ("..., Benin police said")
    rank: int = 0  # the act's place among the sentence's acts (0: the first)
    tokens: int = 0  # the sentence's length in words
    triggers: int = 1  # trigger words the sentence holds
    actors: int = 2  # distinct actors the sentence names
    events: int = 1  # acts the coder made of the sentence (this one among them)
    pairs: int = 1  # acts the coder made of this act's trigger (coordinated or mutual roles)
    speech: bool = False  # the trigger is a speech act ("urged", "accused", "welcomed")
    governed: bool = False  # read through the clause its trigger governs ("threatened to ban")
    hops: int = 0  # steps in the parse from the trigger to the farther of its actors' names
    above: int = 0  # the sentence's trigger words nearer its root than this act's trigger
    outranked: bool = False  # another act of the sentence has its trigger nearer the root

    def terms(self) -> dict[str, float]:
        """The model's inputs: indicators of the categories, and the counts as numbers."""
        # Each yes-or-no field is an indicator named after itself.
        out = {f.name: 1.0 for f in fields(self) if f.type == "bool" and getattr(self, f.name)}
        derived = {
            "derived": self.origin != CURATED,
            "first": self.rank == 0,
            "secondary": self.relation.split(":")[0] in SECONDARY,
        }
        out.update({name: 1.0 for name, on in derived.items() if on})
        out.update(
            {
                f"type={self.type}": 1.0,
                f"via={self.via}": 1.0,
                f"path={self.path}": 1.0,
                f"source={self.source_form}": 1.0,
                f"target={self.target_form}": 1.0,
                f"relation={self.relation.split(':')[0]}": 1.0,
                "depth": float(self.depth),
                "log_words": math.log1p(self.tokens),
                "more_triggers": float(max(0, self.triggers - 1)),
                "more_actors": float(max(0, self.actors - 2)),
                "more_events": float(max(0, self.events - 1)),
                "more_pairs": float(max(0, self.pairs - 1)),
                "height": float(self.height),
                "log_gap": math.log1p(self.gap),
                "log_reach": math.log1p(self.reach),
                "log_hops": math.log1p(self.hops),
                "above": float(self.above),
            }
        )
        return out


def _form(found: Found) -> str:
    """How a role's actor was recognised: its mention's form (name, alias, capital,
    demonym, place, person, anaphor), or "context" (a pronoun or description)."""
    return found.mention.form if found.mention is not None else "context"


def height(parse: Parse, i: int) -> int:
    """Token i's steps to the root of its sentence: the act's `height` feature, and what
    the coder compares each act's trigger against (`coder._counted`)."""
    return sum(1 for _ in parse.ancestors(i))


def _steps(parse: Parse, a: int, b: int) -> int:
    """Steps along the dependency tree between two tokens (through their lowest common
    head; the two tokens' distance in words when they share no head)."""
    up = [a, *(t.i for t in parse.ancestors(a))]
    where = {i: n for n, i in enumerate(up)}
    for n, t in enumerate([b, *(t.i for t in parse.ancestors(b))]):
        if t in where:
            return where[t] + n
    return abs(a - b)


def features_of(
    kind: str,
    route: Route,
    source: Found,
    target: Found,
    entry: Entry | None,
    actors: Actors,
    token: Token,
) -> Features:
    """What the coder knows of one act's trigger and roles as it codes it (the sentence's
    counts are added once all its acts are known)."""
    parse = actors.parse
    named = parse.at(source.mention.start, source.mention.end) if source.mention else []
    aimed = parse.at(target.mention.start, target.mention.end) if target.mention else []
    return Features(
        type=kind,
        origin=entry.origin if entry is not None else CURATED,
        noun=entry is not None and entry.pos == "noun",
        specific=entry is not None and entry.specificity > 0,
        via=route.via.value,
        path=route.how.target.value,
        deep=route.deep,
        topic=route.topic,
        place=route.place,
        alliance=route.alliance,
        source_form=_form(source),
        target_form=_form(target),
        depth=max(source.depth, target.depth),
        symmetric=entry is not None and entry.symmetric,
        same=source.code == target.code,
        organisation=actors.context.kinds.get(source.code) == "organisation",
        height=height(parse, token.i),
        relation=token.dep,
        gap=min((abs(t.i - token.i) for t in named), default=0),
        reach=min((abs(t.i - token.i) for t in aimed), default=0),
        after=any(t.i > token.i for t in named),
        speech=entry is not None and entry.speech,
        hops=max(
            min((_steps(parse, token.i, t.i) for t in named), default=0),
            min((_steps(parse, token.i, t.i) for t in aimed), default=0),
        ),
    )


@dataclass(frozen=True)
class Model:
    """A fitted logistic model: an intercept and a weight per named term."""

    intercept: float
    weights: dict[str, float]

    def probability(self, features: Features) -> float:
        z = self.intercept + sum(
            self.weights.get(name, 0.0) * value for name, value in features.terms().items()
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def parse_model(data: object) -> Model:
    """The model of calibration.yaml's content; a malformed file says how to rebuild it."""
    try:
        assert isinstance(data, dict)
        weights = {str(k): float(v) for k, v in (data["weights"] or {}).items()}
        return Model(float(data["intercept"]), weights)
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BlocError(
            f"calibration.yaml is malformed ({exc or 'not a mapping'}); "
            "rebuild it with `python scripts/calibrate.py`"
        ) from None


@functools.cache
def model() -> Model:
    """The shipped model (read once)."""
    text = (resources.files("bloc.text") / "calibration.yaml").read_text(encoding="utf-8")
    return parse_model(yaml.safe_load(text))


def confidence(features: Features | None, prior: float) -> float:
    """The probability that an act is right, never quite 0 or 1 (a coded event is
    neither certain nor impossible); `prior` when its coder states no features (a
    hand-built or learned coder's own score)."""
    if features is None:
        return prior
    return round(min(0.999, max(0.001, model().probability(features))), 3)
