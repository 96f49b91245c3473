"""A dataset's actors as bloc's codes, by rules that never guess.

GDELT names actors with CAMEO codes, POLECAT with country codes and names,
ACLED with descriptive labels ("Military Forces of Armenia (2018-)"). Each
is mapped to an actor of bloc's knowledge base (every state by its ISO
alpha-3 code, and the organisations and groups it models) or left unmapped,
to be counted and reported.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bloc.ingest.datasets.mappings import Mappings
from bloc.knowledge import bundled

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """A name as compared: accents, case, punctuation and a leading 'the' ignored."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOT_WORD.sub(" ", plain.casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@functools.cache
def _names(kinds: frozenset[str]) -> dict[str, str]:
    """Every name, alias and code of the knowledge base's actors of these kinds, normalised.

    A form two actors share stands for neither.
    """
    claims: dict[str, set[str]] = {}
    for actor in bundled().actors.values():
        if actor.kind not in kinds:
            continue
        for form in (actor.code, actor.name, *actor.aliases):
            key = normalise(form)
            if key:
                claims.setdefault(key, set()).add(actor.code)
    return {form: next(iter(codes)) for form, codes in claims.items() if len(codes) == 1}


def any_by_name(name: str | None) -> str | None:
    """The actor (state, organisation or group) a name or alias stands for, if exactly one."""
    return _names(frozenset({"state", "organisation", "group"})).get(normalise(name or ""))


@functools.cache
def states() -> frozenset[str]:
    return frozenset(a.code for a in bundled().actors.values() if a.kind == "state")


def state_by_name(name: str) -> str | None:
    """The state a name stands for: bloc's names and aliases, then ISO 3166's (pycountry)."""
    found = _names(frozenset({"state"})).get(normalise(name))
    if found:
        return found
    import pycountry

    try:
        country = pycountry.countries.lookup(name.strip())
    except LookupError:
        return None
    code = str(country.alpha_3)
    return code if code in states() else None


@functools.cache
def kept() -> frozenset[str]:
    """The actors an import keeps by default: every alliance's members at any time, the
    alliances themselves, and the outside powers that matter to them (their rivals)."""
    kb = bundled()
    keep: set[str] = set()
    for al in kb.alliances.values():
        keep |= {s.member for s in al.membership} | {al.code} | set(al.rivals)
        for other in al.rival_alliances:
            keep |= {s.member for s in kb.alliance(other).membership} | {other}
    return frozenset(keep)


@functools.cache
def alliances() -> frozenset[str]:
    return frozenset(bundled().alliances)


def gdelt_actor(
    m: Mappings, code: str | None, name: str | None, country: str | None, group: str | None
) -> str | None:
    """A GDELT actor: its known group, else its state, else (a body) its name."""
    code, country, group = code or "", country or "", group or ""
    if group in m.cameo_groups:
        return m.cameo_groups[group]
    for candidate in (country, code[:3]):
        candidate = m.cameo_countries.get(candidate, candidate)
        if candidate in states():
            return candidate
    if name and (not country or code[:3] in m.cameo_bodies):
        return any_by_name(name)
    return None


def polecat_actor(country: str | None, name: str | None) -> str | None:
    """A POLECAT actor or recipient: its country code if a state, else its name."""
    code = (country or "").strip().upper()
    if code in states():
        return code
    if code and len(code) > 3:  # a country written out, or several
        found = state_by_name(code)
        if found:
            return found
    return any_by_name(name)


def acled_actor(m: Mappings, label: str | None) -> str | None:
    """An ACLED actor: a state's forces or people named by the state, else unmapped."""
    text = (label or "").strip()
    for pattern in m.acled_state_actors:
        found = pattern.match(text)
        if found:
            return state_by_name(found["country"].strip())
    return None
