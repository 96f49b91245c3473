"""The starter list: outlets that cover the CSTO and its members, shipped in feeds.yaml.

`bloc feeds starter` adds them. None of their addresses was checked where
the list was written (see the file's note).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bloc.errors import FeedError
from bloc.ingest.feeds import LANGS, check_url, insert_feed
from bloc.store import opened

KINDS = ("state agency", "official", "regional service", "independent")


@dataclass(frozen=True)
class Outlet:
    name: str
    outlet: str
    url: str
    lang: str
    kind: str
    covers: tuple[str, ...]


def starter(lang: str | None = None) -> list[Outlet]:
    """The outlets shipped in feeds.yaml (none of whose URLs was checked: see its note)."""
    raw = yaml.safe_load(resources.files("bloc.ingest").joinpath("feeds.yaml").read_text("utf-8"))
    outlets = [_outlet(entry, n) for n, entry in enumerate(raw.get("outlets") or [], 1)]
    names = [o.name for o in outlets]
    if len(set(names)) != len(names):
        raise FeedError("feeds.yaml: two outlets share a name; names must be unique")
    return [o for o in outlets if lang is None or o.lang == lang]


def starter_note() -> str:
    raw = yaml.safe_load(resources.files("bloc.ingest").joinpath("feeds.yaml").read_text("utf-8"))
    return " ".join(str(raw.get("note", "")).split())


def _outlet(entry: Any, number: int) -> Outlet:
    where = f"feeds.yaml: outlet {number}"
    if not isinstance(entry, dict):
        raise FeedError(f"{where}: expected a mapping")
    for key in ("name", "outlet", "url", "lang", "kind"):
        if not isinstance(entry.get(key), str):
            raise FeedError(f"{where}: missing or non-text field {key!r}")
    if entry["lang"] not in LANGS or entry["kind"] not in KINDS:
        raise FeedError(f"{where}: lang must be one of {LANGS} and kind one of {KINDS}")
    check_url(entry["url"])
    covers = tuple(str(c) for c in entry.get("covers") or ())
    return Outlet(
        entry["name"], entry["outlet"], entry["url"], entry["lang"], entry["kind"], covers
    )


def add_starter(db: Path | str | None = None, lang: str | None = None) -> list[tuple[Outlet, str]]:
    """Add the starter outlets (of one language, if given); each with what happened.

    One already there by name or URL is left as it is.
    """
    results: list[tuple[Outlet, str]] = []
    with opened(db, write=True) as store, store.transaction() as con:
        for outlet in starter(lang):
            try:
                results.append((outlet, insert_feed(con, outlet.name, outlet.url, outlet.lang)))
            except FeedError as exc:
                results.append((outlet, f"skipped: {exc}"))
    return results
