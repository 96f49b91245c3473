"""The user's own actor mappings: a file that lists what an import could not map, to extend.

`bloc import` writes every actor label it could not map into the user's actors
file (`$BLOC_ACTORS`, else `actors.yaml` in the user's configuration folder,
`$XDG_CONFIG_HOME/bloc` or `~/.config/bloc`), under its dataset, with no code:

    acled:
      Some Local Defence Force: null      # unmapped: give it a code
      Military Forces of Ruritania: RUS   # the user's mapping

and reads the file on every import: a label given a code is mapped to it, before
the rows are sorted. A code is an actor of the knowledge base (`RUS`, `NATO`), or
a country and a kind (`UKR:militia`, `:ngo`; bloc.core.events.KINDS). A broken
entry is refused naming the file, the label and the problem. Labels are as the
import reports them (`unmapped_actors`): GDELT's actor code, ACLED's actor name,
POLECAT's actor name (or country).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import yaml

from bloc.core.events import KINDS
from bloc.errors import BlocError
from bloc.ingest.datasets import actors
from bloc.ingest.datasets.facts import facts


def actors_file() -> Path:
    """Where the user's actor mappings live."""
    env = os.environ.get("BLOC_ACTORS")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bloc" / "actors.yaml"


def _read(path: Path) -> dict[str, dict[str, str | None]]:
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BlocError(f"{path}: cannot be read as YAML ({exc}); fix or remove it") from None
    if not isinstance(raw, dict) or not all(isinstance(v, dict | None) for v in raw.values()):
        raise BlocError(f"{path}: expected a mapping of datasets to {{label: code}}")
    return {str(k): {str(a): b for a, b in (v or {}).items()} for k, v in raw.items()}


def _check(path: Path, label: str, code: object) -> str:
    text = str(code).strip()
    if text in facts().kinds:
        return text
    country, colon, kind = text.partition(":")
    if colon and kind in KINDS and kind != "state" and (not country or country in actors.states()):
        return text
    raise BlocError(
        f"{path}: {label!r} maps to {text!r}, which is neither an actor of the knowledge base "
        f"nor a country and a kind (UKR:militia, :ngo; kinds: {', '.join(KINDS[1:])})"
    )


def load_overrides(dataset: str, path: Path | None = None) -> dict[str, str]:
    """The user's mappings for a dataset: label -> code (labels without a code left out)."""
    where = path or actors_file()
    section = _read(where).get(dataset) or {}
    return {label: _check(where, label, code) for label, code in section.items() if code}


def record_unmapped(dataset: str, labels: Iterable[str], path: Path | None = None) -> Path | None:
    """Add labels not yet in the file, without a code, keeping every entry there; the file
    written (None when nothing was new)."""
    where = path or actors_file()
    content = _read(where)
    section = content.setdefault(dataset, {})
    new = [label for label in labels if label not in section]
    if not new:
        return None
    section.update(dict.fromkeys(new))
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(where.name + ".tmp")
    header = (
        "# bloc's actor mappings (bloc.ingest.datasets.overrides): give a label a code\n"
        "# (RUS, NATO, UKR:militia, :ngo) and import the file again; null: unmapped.\n"
    )
    tmp.write_text(header + yaml.safe_dump(content, allow_unicode=True, sort_keys=True), "utf-8")
    tmp.replace(where)
    return where
