"""The knowledge base in tables: the store's copy of a session's knowledge base, and its digest.

`Store.load_knowledge` replaces these tables (and the curated events) in one
transaction when the digest of the knowledge base changes (`knowledge_digest`).

One source of truth at run time: the `KnowledgeBase` object a session carries
(`bloc.store.view.Session.knowledge`: the bundled YAML by default, or a custom
one). Every reader of alliances, actors, memberships and requests takes them
from that object; the copy here is written from the same object, and only
what SQL must join: the curated events and their evidence (every measure),
`votes` (alignment, risk), `actors` and `memberships` (the API's members and
history). The seven other copies earlier schemas kept (sources, aliases,
offices, alliances, provisions, bodies, requests) were read by no one;
schema 7 drops them.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import duckdb

from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import data_dir
from bloc.store.kinds import fill_kinds

KB_TABLES = ("actors", "memberships", "votes")


@functools.lru_cache(maxsize=8)
def knowledge_hash(root: Path | None = None) -> str:
    """A digest of every data file, so a reload happens only when the data changed."""
    digest = hashlib.sha256()
    base = root or data_dir()
    for path in sorted(base.rglob("*.yaml")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def knowledge_digest(kb: KnowledgeBase | None) -> str:
    """What `meta.kb_hash` records for a knowledge base: the data files' digest for the
    bundled one (None), a digest of the content for a custom one, so the same custom
    knowledge base opened again is not loaded again."""
    if kb is None:
        return knowledge_hash()
    return "custom-" + hashlib.sha256(repr(kb).encode()).hexdigest()


def insert_knowledge(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    def rows(table: str, values: list[tuple[Any, ...]]) -> None:
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)

    rows("actors", [(a.code, a.kind, a.name, list(a.cite)) for a in kb.actors.values()])
    for al in kb.alliances.values():
        rows(
            "memberships",
            [
                (al.code, s.member, s.start, s.end, s.status, s.note, list(s.cite))
                for s in al.membership
            ],
        )
    rows(
        "votes",
        [
            (r.id, r.date, r.title, member, vote, list(r.cite))
            for r in kb.resolutions
            for member, vote in sorted(r.votes.items())
        ],
    )
    rows(
        "events",
        [
            (
                e.id,
                e.date,
                e.precision,
                e.source,
                e.target,
                e.type,
                e.mode,
                e.alliance,
                e.intensity,
                1.0,
                "curated",
                e.context,
                e.summary,
                None,  # source_kind, target_kind, domestic: filled below
                None,
                None,
            )
            for e in kb.events
        ],
    )
    rows(
        "evidence",
        [
            (e.id, sid, e.summary, 0, None, kb.sources[sid].date, kb.sources[sid].url)
            for e in kb.events
            for sid in e.cite
        ],
    )
    fill_kinds(con)
