"""The knowledge base in tables: what a store holds of the bundled YAML, and its digest.

`Store.load_knowledge` replaces these tables (and the curated events) in one
transaction when the digest of the data files changes.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import duckdb

from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import data_dir

KB_TABLES = (
    "sources",
    "actors",
    "aliases",
    "offices",
    "alliances",
    "provisions",
    "bodies",
    "memberships",
    "requests",
    "votes",
)


@functools.lru_cache(maxsize=8)
def knowledge_hash(root: Path | None = None) -> str:
    """A digest of every data file, so a reload happens only when the data changed."""
    digest = hashlib.sha256()
    base = root or data_dir()
    for path in sorted(base.rglob("*.yaml")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def insert_knowledge(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    def rows(table: str, values: list[tuple[Any, ...]]) -> None:
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)

    rows(
        "sources",
        [(s.id, s.publisher, s.title, s.date, s.url, s.seed) for s in kb.sources.values()],
    )
    rows("actors", [(a.code, a.kind, a.name, list(a.cite)) for a in kb.actors.values()])
    alias_rows: list[tuple[Any, ...]] = []
    for a in kb.actors.values():
        alias_rows.append((a.name, a.code, "name"))
        alias_rows.append((a.code, a.code, "code"))
        alias_rows += [(x, a.code, "alias") for x in a.aliases]
        alias_rows += [(x, a.code, "capital") for x in a.capitals]
        alias_rows += [(x, a.code, "demonym") for x in a.demonyms]
    rows("aliases", alias_rows)
    rows(
        "offices",
        [
            (p.name, o.actor, o.office, o.start, o.end, list(o.cite))
            for p in kb.people
            for o in p.offices
        ],
    )
    for al in kb.alliances.values():
        rows(
            "alliances",
            [
                (
                    al.code,
                    al.name,
                    al.leader,
                    al.founded,
                    al.treaty,
                    al.decision_rule,
                    al.decision_body,
                    list(al.cite),
                )
            ],
        )
        rows(
            "provisions",
            [(al.code, p.id, p.article, p.kind, p.summary, list(p.cite)) for p in al.provisions],
        )
        rows(
            "bodies",
            [(al.code, b.name, b.kind, "body", b.summary, list(b.cite)) for b in al.bodies]
            + [(al.code, b.name, b.kind, "force", b.summary, list(b.cite)) for b in al.forces],
        )
        rows(
            "memberships",
            [
                (al.code, s.member, s.start, s.end, s.status, s.note, list(s.cite))
                for s in al.membership
            ],
        )
        rows(
            "requests",
            [
                (
                    al.code,
                    r.id,
                    r.requester,
                    r.date,
                    r.precision,
                    r.threat,
                    r.aggressor,
                    r.provision,
                    r.outcome,
                    r.response,
                    list(r.cite),
                )
                for r in al.requests
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
