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

from bloc.core.events import actor_code
from bloc.ingest.datasets.facts import facts
from bloc.ingest.datasets.mappings import Mappings

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
    known = facts()
    for code, forms in known.forms.items():
        if known.kinds[code] not in kinds:
            continue
        for form in forms:
            key = normalise(form)
            if key:
                claims.setdefault(key, set()).add(code)
    return {form: next(iter(codes)) for form, codes in claims.items() if len(codes) == 1}


def any_by_name(name: str | None) -> str | None:
    """The actor (state, organisation or group) a name or alias stands for, if exactly one."""
    return _names(frozenset({"state", "organisation", "group"})).get(normalise(name or ""))


@functools.cache
def states() -> frozenset[str]:
    return frozenset(code for code, kind in facts().kinds.items() if kind == "state")


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


def kept() -> frozenset[str]:
    """The actors an import keeps by default: every alliance's members at any time, the
    alliances themselves, and the outside powers that matter to them (their rivals)."""
    return facts().kept


def alliances() -> frozenset[str]:
    return facts().alliances


def _non_state(country: str | None, kind: str) -> str:
    """A dataset's actor of a kind the knowledge base does not model: `AFG:rebel`."""
    state = country if country in states() else None
    return actor_code(state, kind)


def gdelt_actor(
    m: Mappings,
    code: str | None,
    name: str | None,
    country: str | None,
    group: str | None,
    types: tuple[str | None, ...] = (),
) -> str | None:
    """A GDELT actor: a known group bloc models, a body (by name, else by its kind), else
    its country and role: the state itself for a government, military or police role (or
    no role at all), else a non-state actor of that country (`AFG:rebel`, `USA:company`).

    `types` are GDELT's Type1Code..Type3Code; without them the role codes are read from
    the actor code after its country (USAGOV: GOV).
    """
    code, country, group = (code or "").strip(), (country or "").strip(), (group or "").strip()
    if group in m.cameo_groups:
        return m.cameo_groups[group]
    body = next((k for p, k in m.cameo_bodies.items() if code.startswith(p)), None)
    if body is not None:
        named = any_by_name(name) if name else None
        return named or _non_state(m.cameo_countries.get(country, country), body)
    state = next(
        (c for c in (m.cameo_countries.get(x, x) for x in (country, code[:3])) if c in states()),
        None,
    )
    if state is None:
        if not code and not country and name:
            return any_by_name(name)
        kind = _role_kind(m, code, types, 0)  # a role with no country (CVL, REB)
        named = any_by_name(name) if name and kind in (None, "other", "igo", "ngo") else None
        return named or (actor_code(None, kind) if kind and kind != "other" else None)
    kind = _role_kind(m, code, types, 3)
    if kind is None:  # a state alone (RUS), or its country with nothing more said
        return state if len(code) <= 3 and not group else _non_state(state, "other")
    return state if kind == "state" else _non_state(state, kind)


def _role_kind(m: Mappings, code: str, types: tuple[str | None, ...], skip: int) -> str | None:
    """The kind the first listed role gives (types first, then the code's three-letter
    parts after `skip` letters); `other` for roles none of which is listed; None: no role."""
    roles = [t.strip() for t in types if t and t.strip()]
    if not roles:
        rest = code[skip:]
        roles = [rest[i : i + 3] for i in range(0, len(rest), 3) if len(rest[i : i + 3]) == 3]
    if not roles:
        return None
    return next((m.cameo_roles[r] for r in roles if r in m.cameo_roles), "other")


def polecat_actor(
    m: Mappings, country: str | None, name: str | None, sector: str | None = None
) -> str | None:
    """A POLECAT actor or recipient: an actor bloc models by name, else its country's state
    (or, with a sector that is not the state's, a non-state actor of that country)."""
    code = (country or "").strip().upper()
    if code and code not in states() and len(code) > 3:  # a country written out
        code = state_by_name(code) or code
    kind = m.polecat_sectors.get((sector or "").strip().casefold()) if sector else None
    if sector and sector.strip() and kind is None:
        kind = "other"
    if kind not in (None, "state"):
        named = any_by_name(name)
        if named and named not in states():
            return named
        return actor_code(code if code in states() else None, kind) if kind else None
    if code in states():
        return code
    return any_by_name(name)


def acled_actor(
    m: Mappings, label: str | None, actor_type: str | None = None, country: str | None = None
) -> str | None:
    """An ACLED actor: a state's forces named by the state; a group of a state's people or
    an armed group by its kind (from its name, else its actor type, `inter1`/`inter2`) and
    its country (the one its name gives, else where the event took place); an actor bloc
    models by its name; else unmapped."""
    text = (label or "").strip()
    for pattern, kind in m.acled_state_actors:
        found = pattern.match(text)
        if found:
            state = state_by_name(found["country"].strip())
            if state is None:
                return None
            return state if kind == "state" else actor_code(state, kind)
    named = any_by_name(text)
    if named:
        return named
    typed = m.acled_actor_types.get((actor_type or "").strip().casefold())
    if typed is None or typed == "state":  # a state's forces must say which state
        return None
    return actor_code(state_by_name(country) if country else None, typed)
