"""The mapping data file (`mappings.yaml`): each dataset's codes to PLOVER, actors to bloc.

Loaded once and checked: every section cites its source, every type is one
of bloc's PLOVER types, every CAMEO code belongs to a listed root, every
actor it names is in the knowledge base. A broken file is refused with the
entry and the problem named.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bloc.core.events import KINDS, PLOVER_TYPES
from bloc.errors import KnowledgeBaseError
from bloc.ingest.datasets.facts import facts
from bloc.store import DATASETS

MAPPINGS = Path(__file__).with_name("mappings.yaml")

TypeMode = tuple[str, str | None] | None  # None: known, no PLOVER counterpart


@dataclass(frozen=True)
class Mappings:
    """What `mappings.yaml` says, checked."""

    cameo: dict[str, TypeMode]  # event code -> (type, mode)
    cameo_roots: dict[str, str | None]  # root code -> the family's main type
    cameo_countries: dict[str, str]  # CAMEO country code not in ISO -> ISO alpha-3
    cameo_groups: dict[str, str]  # CAMEO known-group code -> bloc actor
    cameo_bodies: dict[str, str]  # code prefix of a body looked up by name -> its kind
    cameo_roles: dict[str, str]  # CAMEO role code -> actor kind
    polecat_types: dict[str, str]  # POLECAT's type -> bloc's
    polecat_sectors: dict[str, str]  # a sector (casefolded) -> actor kind
    acled: dict[tuple[str, str], TypeMode]  # (event type, sub-event type) -> (type, mode)
    acled_state_actors: tuple[tuple[re.Pattern[str], str], ...]  # (with `country`, kind)
    acled_actor_types: dict[str, str]  # inter1/inter2 (casefolded) -> actor kind
    confidence: dict[str, float]  # dataset -> confidence of one report
    sources: dict[str, dict[str, str]]  # section -> its citation


class _Check:
    def __init__(self, path: Path) -> None:
        self.file = path.name

    def fail(self, entry: str, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(self.file, entry, problem)

    def section(self, raw: dict[str, Any], name: str) -> dict[str, Any]:
        value = raw.get(name)
        if not isinstance(value, dict):
            raise self.fail(name, "the section is missing or not a mapping")
        source = value.get("source")
        if not isinstance(source, dict) or not all(
            isinstance(source.get(k), str) and source.get(k) for k in ("title", "publisher")
        ):
            raise self.fail(f"{name}.source", "every section cites its source: title, publisher")
        return value

    def type_mode(self, entry: str, value: Any) -> TypeMode:
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], str)
            or not (value[1] is None or isinstance(value[1], str))
        ):
            raise self.fail(entry, f"expected [TYPE, mode] or null, found {value!r}")
        if value[0] not in PLOVER_TYPES:
            raise self.fail(entry, f"{value[0]!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
        return (value[0], value[1])

    def kinds(self, entry: str, value: Any, *, fold: bool = False) -> dict[str, str]:
        """A table of codes to actor kinds (keys casefolded if `fold`)."""
        if not isinstance(value, dict):
            raise self.fail(entry, "a mapping of codes to actor kinds")
        table: dict[str, str] = {}
        for code, kind in value.items():
            if kind not in KINDS:
                raise self.fail(f"{entry}.{code}", f"{kind!r} is not an actor kind "
                                f"({', '.join(KINDS)})")  # fmt: skip
            table[str(code).casefold() if fold else str(code)] = str(kind)
        return table

    def actor(self, entry: str, code: Any) -> str:
        if not isinstance(code, str) or code not in facts().kinds:
            raise self.fail(entry, f"{code!r} is not an actor of the knowledge base")
        return code


def _state_pattern(template: str) -> re.Pattern[str]:
    """'Military Forces of {country}' -> a pattern; a trailing '(2000-)' of years may follow,
    and after the years a unit ('Military Forces of Russia (2000-) Air Force')."""
    head, _, tail = template.partition("{country}")
    years = r"(?:\s*\(\d{4}-(?:\d{4})?\)(?:\s+(?P<unit>\S.*))?)?" if not tail else ""
    return re.compile(
        "^" + re.escape(head) + r"(?P<country>.+?)" + re.escape(tail) + years + "$", re.IGNORECASE
    )


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""LibYAML's safe loader where PyYAML has it: the same data, read ten times faster."""


def load_mappings(path: Path = MAPPINGS) -> Mappings:
    """Read and check a mappings file (the bundled one by default)."""
    check = _Check(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE)
    except (OSError, yaml.YAMLError) as exc:
        raise check.fail("(file)", f"cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise check.fail("(file)", "the top level must be a mapping")
    cameo = check.section(raw, "cameo")
    roots: dict[str, str | None] = {}
    for code, root in (cameo.get("roots") or {}).items():
        if not re.fullmatch(r"\d\d", str(code)) or not isinstance(root, dict):
            raise check.fail(f"cameo.roots.{code}", "a root is two digits with {name, type}")
        kind = root.get("type")
        if kind is not None and kind not in PLOVER_TYPES:
            raise check.fail(f"cameo.roots.{code}", f"{kind!r} is not a PLOVER type")
        roots[str(code)] = kind
    missing = [f"{n:02d}" for n in range(1, 21) if f"{n:02d}" not in roots]
    if missing:
        raise check.fail("cameo.roots", f"CAMEO's root codes {', '.join(missing)} are missing")
    codes: dict[str, TypeMode] = {}
    for code, value in (cameo.get("codes") or {}).items():
        code = str(code)
        if not re.fullmatch(r"\d{3,4}", code) or code[:2] not in roots:
            raise check.fail(f"cameo.codes.{code}", "a code is 3 or 4 digits under a listed root")
        codes[code] = check.type_mode(f"cameo.codes.{code}", value)
    actors = check.section(raw, "cameo_actors")
    countries = {
        str(k): check.actor(f"cameo_actors.countries.{k}", v)
        for k, v in (actors.get("countries") or {}).items()
    }
    groups = {
        str(k): check.actor(f"cameo_actors.groups.{k}", v)
        for k, v in (actors.get("groups") or {}).items()
    }
    bodies = check.kinds("cameo_actors.bodies", actors.get("bodies"))
    roles = check.kinds("cameo_actors.roles", actors.get("roles"))
    polecat = check.section(raw, "polecat")
    polecat_types: dict[str, str] = {}
    for name, kind in (polecat.get("types") or {}).items():
        if kind not in PLOVER_TYPES:
            raise check.fail(f"polecat.types.{name}", f"{kind!r} is not a PLOVER type")
        polecat_types[str(name).upper()] = str(kind)
    sectors = check.kinds("polecat.sectors", polecat.get("sectors") or {}, fold=True)
    acled = check.section(raw, "acled")
    acled_types: dict[tuple[str, str], TypeMode] = {}
    for event_type, subs in (acled.get("types") or {}).items():
        if not isinstance(subs, dict):
            raise check.fail(f"acled.types.{event_type}", "list its sub-event types")
        for sub, value in subs.items():
            entry = f"acled.types.{event_type}.{sub}"
            acled_types[(str(event_type), str(sub))] = check.type_mode(entry, value)
    templates = check.kinds("acled.state_actors", acled.get("state_actors") or {})
    if not all(t.count("{country}") == 1 for t in templates):
        raise check.fail("acled.state_actors", "each pattern names {country} once")
    actor_types = check.kinds("acled.actor_types", acled.get("actor_types") or {}, fold=True)
    confidence = raw.get("confidence") or {}
    for dataset in DATASETS:
        value = confidence.get(dataset)
        if not isinstance(value, int | float) or not 0 < value < 1:
            raise check.fail(f"confidence.{dataset}", "a number between 0 and 1")
    return Mappings(
        cameo=codes,
        cameo_roots=roots,
        cameo_countries=countries,
        cameo_groups=groups,
        cameo_bodies=bodies,
        cameo_roles=roles,
        polecat_types=polecat_types,
        polecat_sectors=sectors,
        acled=acled_types,
        acled_state_actors=tuple((_state_pattern(t), k) for t, k in templates.items()),
        acled_actor_types=actor_types,
        confidence={d: float(confidence[d]) for d in DATASETS},
        sources={
            name: {k: str(v) for k, v in raw[name]["source"].items()}
            for name in ("cameo", "cameo_actors", "polecat", "acled")
        },
    )


@functools.cache
def mappings() -> Mappings:
    """The bundled mappings, loaded once per process."""
    return load_mappings()
