"""The two parties of an act: whether they are two, and whose a domestic group is.

The one rule against self-events (`distinct`), what counts as part of a state
rather than the state (`_part`), whose people of no named state are
(`own_state`), and the rough score of how an act's roles were found
(`rough_score`). Split from `bloc.text.coder`, which applies them to every pair of
roles it makes, so that module stays about turning triggers into acts.
"""

from __future__ import annotations

from bloc.text.reference import DOMESTIC, Context, Found
from bloc.text.route import Route, Target


def distinct(source: Found, target: Found, kinds: dict[str, str]) -> bool:
    """Two roles name two parties: different actors, or one state's two sides. The one
    rule against self-events: an act never has one actor as both its source and target.

    Two sides of one state are its government and a part of it named as such: people
    of no named state acted on by its forces ("police dispersed demonstrators"), or a
    mention that is a part rather than the state itself ("Serbian police", "Sudanese
    rebels": a demonym, or found inside a phrase). Two mentions of the state itself
    ("the United States would deny entry to the United States"), or a pronoun standing
    for it ("Moscow said it..."), are one actor: no event. An organisation or alliance
    has no such sides: "the CSTO ... the alliance" is one actor however named.
    """
    if source.code != target.code:
        return True
    if kinds.get(source.code, "state") != "state":
        return False
    if target.side:
        # a domestic group acted on by its own state (named, a part: "police", or a
        # description of it: "the authorities")
        return source.mention is not None or source.part or source.refers
    if source.side:
        return target.mention is not None  # a domestic group acting on a part of its state
    if source.part:
        # "police detained Georgian students": a part acting on another named part
        return target.mention is not None and _part(target)
    if source.mention is None or target.mention is None:
        return False
    if source.mention.start == target.mention.start:
        return False
    return any(_part(f) for f in (source, target))


def _part(found: Found) -> bool:
    """A mention that names part of a state (its people, forces, a group), not the state."""
    mention = found.mention
    named_part = mention is not None and mention.form in ("demonym", "person")
    # "it", "the country" stand for what they refer to: a part only if that is one
    return named_part or (found.depth > 0 and not found.refers)


def own_state(targets: list[Found], context: Context) -> list[Found]:
    """People of no named state ("protesters", "students", "rebels") who act against a
    part of a state (its leader, its government, its forces: "demanded the resignation
    of President X", "protested against the government of Serbia") are of that state:
    CAMEO's domestic default, the mirror of a state's forces acting on such people. A
    state named as itself ("denounced Russia") says nothing of whose they are."""
    return [
        Found(t.code, None, 2, side=True)
        for t in targets
        if t.code != DOMESTIC and context.kinds.get(t.code) == "state" and _part(t)
    ][:1]


def people(source: Found, target: Found) -> bool:
    return all(f.mention is not None and f.mention.form == "person" for f in (source, target))


def rough_score(route: Route, source: Found, target: Found) -> float:
    """A raw score from how the roles were found; `bloc.text.calibration` maps it to a
    probability of being right."""
    score = 0.8
    if route.deep or route.named_thing:
        score -= 0.15
    if route.alliance or route.how.target is Target.COMPLEMENT_SUBJECT:
        score -= 0.15
    score -= 0.1 * max(source.depth, target.depth)
    return round(max(0.1, score), 2)
