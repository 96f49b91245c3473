"""Actors in Russian: the names, adjectives, demonyms, capitals and people of actors_ru.yaml,
with every state's Russian names from pycountry's translation of ISO 3166.

The file is checked like the rest of the knowledge base: every actor code and
person must be known, every form a non-empty Cyrillic string, every citation in
sources.yaml; a problem names the file, the entry and what to do.
"""

from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from bloc.core.alliance import KnowledgeBase
from bloc.errors import KnowledgeBaseError
from bloc.knowledge.entries import Entry, read_yaml, top_list
from bloc.knowledge.loader import bundled, data_dir

FILE = "actors_ru.yaml"
KINDS = ("names", "adjectives", "demonyms", "capitals")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ACCENT = "\u0301"


@dataclass(frozen=True)
class RussianActor:
    code: str
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()


@dataclass(frozen=True)
class RussianForms:
    """Every Russian form bloc knows: per actor, per person (index into kb.people)."""

    actors: dict[str, RussianActor]
    people: tuple[tuple[int, tuple[str, ...]], ...]
    members: frozenset[str]  # lemmas: "члены ОДКБ" are the alliance's states
    titles: frozenset[str]  # lemmas of office words between a state and a name


def library_names() -> dict[str, tuple[str, ...]]:
    """Each state's Russian name, official and common names from pycountry (ISO 3166)."""
    import pycountry

    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    out: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        names = []
        for key in ("name", "official_name", "common_name"):
            english = getattr(country, key, None)
            if not english:
                continue
            russian = translation.gettext(english).replace(_ACCENT, "").strip()
            if russian != english and _CYRILLIC.search(russian) and "," not in russian:
                names.append(russian)
        out[country.alpha_3] = tuple(dict.fromkeys(names))
    return out


def _forms(entry: Entry, key: str) -> tuple[str, ...]:
    values = entry.strs(key)
    for value in values:
        if not value or not _CYRILLIC.search(value):
            raise entry.fail(f"{key}: {value!r} is not a Russian (Cyrillic) form")
    return values


def load_russian(kb: KnowledgeBase, root: Path | None = None) -> RussianForms:
    """Read and check actors_ru.yaml against a loaded knowledge base."""
    path = (root or data_dir()) / FILE
    data = read_yaml(path)
    actors: dict[str, RussianActor] = {}
    for i, raw in enumerate(top_list(path, data, "actors")):
        e = Entry(path.name, f"actors[{i}]", raw, frozenset({"code", *KINDS, "cite"}))
        code = e.text("code")
        e.name = code
        if code not in kb.actors:
            raise e.fail(f"unknown actor {code!r}: add it to actors.yaml first")
        if code in actors:
            raise e.fail("duplicate actor code")
        _cites(e, kb)
        names, adjectives, demonyms, capitals = (_forms(e, k) for k in KINDS)
        actors[code] = RussianActor(code, names, adjectives, demonyms, capitals, e.strs("cite"))
    for code, names in library_names().items():
        if code in kb.actors:
            own = actors.get(code, RussianActor(code, cite=("pycountry",)))
            merged = tuple(dict.fromkeys([*own.names, *names]))
            actors[code] = RussianActor(
                code, merged, own.adjectives, own.demonyms, own.capitals, own.cite
            )
    index = {person.name: n for n, person in enumerate(kb.people)}
    people = []
    for i, raw in enumerate(top_list(path, data, "people")):
        e = Entry(path.name, f"people[{i}]", raw, frozenset({"person", "names", "cite"}))
        name = e.text("person")
        e.name = name
        if name not in index:
            raise e.fail(f"unknown person {name!r}: add them to people.yaml with their offices")
        _cites(e, kb)
        people.append((index[name], _forms(e, "names")))
    words = {}
    for key in ("members", "titles"):
        values = data.get(key) if isinstance(data, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise KnowledgeBaseError(path.name, key, "expected a list of Russian words")
        words[key] = frozenset(values)
    return RussianForms(actors, tuple(people), words["members"], words["titles"])


def _cites(entry: Entry, kb: KnowledgeBase) -> None:
    ids = entry.strs("cite")
    if not ids:
        raise entry.fail("has no citation: add 'cite:' with a source id from sources.yaml")
    for sid in ids:
        if sid not in kb.sources:
            raise entry.fail(f"cites unknown source {sid!r}: add it to sources.yaml")


@functools.cache
def russian_forms() -> RussianForms:
    """The bundled Russian forms, loaded once per process."""
    return load_russian(bundled())
