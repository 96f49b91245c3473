"""What a dataset import needs of the knowledge base, kept between processes.

Mapping a dataset's actors needs only each actor's kind, names and aliases, the
alliances, and the actors an import keeps by default: a few thousand strings.
Reading them from the knowledge base means parsing all its YAML (a twentieth of
a second, a quarter of the whole of `bloc import` on a small file), so they are
kept as JSON in the user's cache (`bloc.knowledge.world_cache.cache_dir`), in a
file named by a digest of the knowledge base's data files and of this module's
source: a change to either writes a new file (and removes the others). A cache
that cannot be read or written is skipped, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bloc.knowledge import bundled
from bloc.knowledge.world_cache import cache_dir, keep
from bloc.store.knowledge import knowledge_hash


@dataclass(frozen=True)
class ActorFacts:
    """The knowledge base's actors as an import reads them."""

    kinds: dict[str, str]  # code -> kind (state, organisation, group, ...)
    forms: dict[str, tuple[str, ...]]  # code -> its code, name and aliases
    kept: frozenset[str]  # every alliance's members at any time, the alliances, their rivals
    alliances: frozenset[str]


def from_knowledge() -> ActorFacts:
    """The facts read from the bundled knowledge base (parsing its YAML)."""
    kb = bundled()
    keep: set[str] = set()
    for al in kb.alliances.values():
        keep |= {s.member for s in al.membership} | {al.code} | set(al.rivals)
        for other in al.rival_alliances:
            keep |= {s.member for s in kb.alliance(other).membership} | {other}
    return ActorFacts(
        kinds={a.code: a.kind for a in kb.actors.values()},
        forms={a.code: (a.code, a.name, *a.aliases) for a in kb.actors.values()},
        kept=frozenset(keep),
        alliances=frozenset(kb.alliances),
    )


def path() -> Path:
    """The cache file for the knowledge base and the code installed now."""
    digest = hashlib.sha256(knowledge_hash().encode())
    digest.update(Path(__file__).read_bytes())
    return cache_dir() / f"import-actors-{digest.hexdigest()[:16]}.json"


@functools.cache
def facts() -> ActorFacts:
    """The facts, from the cache when it holds them, else read and cached (once per process)."""
    target = path()
    try:
        raw: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return ActorFacts(
            kinds={str(k): str(v) for k, v in raw["kinds"].items()},
            forms={str(k): tuple(str(f) for f in v) for k, v in raw["forms"].items()},
            kept=frozenset(str(c) for c in raw["kept"]),
            alliances=frozenset(str(c) for c in raw["alliances"]),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    found = from_knowledge()
    _save(found, target)
    return found


def _save(found: ActorFacts, target: Path) -> None:
    """Write the facts for the next process (atomically; skipped when it cannot be)."""
    text = json.dumps(
        {
            "kinds": found.kinds,
            "forms": found.forms,
            "kept": sorted(found.kept),
            "alliances": sorted(found.alliances),
        },
        ensure_ascii=False,
    )
    keep(target, text, "import-actors-*.json")
