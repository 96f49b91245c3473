"""Reading the knowledge base's YAML: entries checked field by field, with clear errors.

Every problem names the file, the entry and what is wrong, so a bad edit
never reaches the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import yaml

from bloc.core.dated import Dated, NotADateError, Precision
from bloc.errors import KnowledgeBaseError

CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
# The fields each kind of entry may have.
KEYS = {
    "source": frozenset({"id", "publisher", "title", "date", "url", "seed"}),
    "actor": frozenset(
        {
            "code",
            "kind",
            "name",
            "aliases",
            "capitals",
            "demonyms",
            "places",
            "cite",
            "until",
            "successors",
            "continuator",
        }
    ),
    "person": frozenset({"name", "aliases", "offices"}),
    "office": frozenset({"actor", "office", "start", "end", "cite"}),
    "spell": frozenset({"member", "start", "end", "status", "note", "cite"}),
    "provision": frozenset({"id", "article", "kind", "summary", "cite", "since"}),
    "body": frozenset({"name", "kind", "summary", "cite", "since"}),
    "request": frozenset(
        {
            "id",
            "requester",
            "date",
            "threat",
            "aggressor",
            "provision",
            "outcome",
            "response",
            "cite",
        }
    ),
    "exit": frozenset({"member", "kind", "date", "announced", "note", "cite"}),
    "rivals": frozenset({"actors", "alliances", "summary", "cite"}),
    "resolution": frozenset({"id", "date", "title", "topic", "summary", "votes", "cite"}),
    "tie": frozenset({"id", "between", "kind", "start", "end", "summary", "cite"}),
    "event": frozenset(
        {
            "id",
            "date",
            "source",
            "target",
            "type",
            "mode",
            "alliance",
            "intensity",
            "summary",
            "cite",
        }
    ),
}


class Entry:
    """Reads one mapping entry and reports problems with its file and name."""

    def __init__(self, file: str, name: str, raw: Any, keys: frozenset[str] | None = None) -> None:
        if not isinstance(raw, Mapping):
            raise KnowledgeBaseError(file, name, f"expected a mapping, got {type(raw).__name__}")
        self.file, self.name, self.raw = file, name, raw
        unknown = set(map(str, raw)) - keys if keys is not None else set()
        if unknown:
            raise self.fail(
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(keys or ()))}"
                " (a comma inside an unquoted {...} value splits it: quote the value)"
            )

    def fail(self, problem: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(self.file, self.name, problem)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"field {key!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def opt_str(self, key: str) -> str | None:
        value = self.raw.get(key)
        return None if value is None else self.text(key)

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"field {key!r} must be a list of strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def date(self, key: str, *, required: bool = True) -> tuple[dt.date, Precision] | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"field {key!r} is missing: give a date as YYYY-MM-DD")
            return None
        return parse_date(value, lambda msg: self.fail(f"field {key!r}: {msg}"))

    def number(self, key: str, low: float, high: float) -> float:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"field {key!r} must be a number, got {value!r}")
        if not low <= float(value) <= high:
            raise self.fail(f"field {key!r} must lie between {low} and {high}, got {value}")
        return float(value)


def parse_date(value: Any, fail: Any = None) -> tuple[dt.date, Precision]:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD (or a YAML date) into a date and its precision."""

    def bad(msg: str) -> Exception:
        return cast(Exception, fail(msg)) if fail else ValueError(msg)

    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    try:
        return Dated.parse(str(value)).pair()
    except NotADateError:
        raise bad(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY") from None
    except ValueError as exc:
        raise bad(f"{value!r} is not a real date ({exc})") from None


_SAFE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_SAFE):  # type: ignore[valid-type,misc]
    """Safe YAML with dates left as text, so a bad date gets our message, not a crash.
    LibYAML's parser when PyYAML has it: seven alliance files and the sources load in
    a fraction of the pure-Python parser's time, at every command's start."""


_YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except FileNotFoundError:
        raise KnowledgeBaseError(str(path), "-", "file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(str(path), "-", f"not valid YAML ({exc})") from None


def top_list(path: Path, data: Any, key: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise KnowledgeBaseError(str(path), "-", f"expected a top-level list {key!r}")
    return list(data[key])
