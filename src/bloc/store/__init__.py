"""The store: one DuckDB file holding the knowledge base, documents, events and evidence.

`db` opens and creates stores and loads the knowledge base into them,
`view` holds the `Session` (public name `View`) a command, the server or the
API opens once and passes down: the store file, the origins and review
decisions chosen, and the knowledge base, the one source of truth at run time;
`schema` holds the tables and their upgrades, `turns` lets processes share
a file, `view` names where events come from (origins) and a store seen
through a choice of them, and `check` verifies and repairs a store.
"""

from typing import TYPE_CHECKING

from bloc.core.lazy import lazy_names

if TYPE_CHECKING:
    from bloc.store.db import (
        Store,
        default_db_path,
        opened,
        parse_day,
        store_path,
    )
    from bloc.store.knowledge import knowledge_hash
    from bloc.store.schema import (
        MIGRATIONS,
        SCHEMA,
        SCHEMA_VERSION,
        migrate,
        newer_message,
        stored_version,
        upgrade,
    )
    from bloc.store.turns import LOCK_TIMEOUT, Turn, lock_timeout
    from bloc.store.view import (
        DATASETS,
        ORIGINS,
        Session,
        View,
        document_prefix,
        evidence_origin_sql,
        knowledge_of,
        origin_choice,
        origin_clause,
    )

# Where each name lives, imported on first use: a light module of the store (`view`,
# `kinds`) can be imported without DuckDB, so the command line starts quickly.
_WHERE: dict[str, str] = {
    **dict.fromkeys(("Store", "default_db_path", "opened", "parse_day", "store_path"),
                    "bloc.store.db"),
    "knowledge_hash": "bloc.store.knowledge",
    **dict.fromkeys(("MIGRATIONS", "SCHEMA", "SCHEMA_VERSION", "migrate", "newer_message",
                     "stored_version", "upgrade"), "bloc.store.schema"),
    **dict.fromkeys(("LOCK_TIMEOUT", "Turn", "lock_timeout"), "bloc.store.turns"),
    **dict.fromkeys(("DATASETS", "ORIGINS", "Session", "View", "document_prefix",
                     "evidence_origin_sql", "knowledge_of", "origin_choice", "origin_clause"),
                    "bloc.store.view"),
}  # fmt: skip


__getattr__ = lazy_names("bloc.store", _WHERE, globals())


__all__ = [
    "DATASETS",
    "LOCK_TIMEOUT",
    "MIGRATIONS",
    "ORIGINS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Session",
    "Store",
    "Turn",
    "View",
    "default_db_path",
    "document_prefix",
    "evidence_origin_sql",
    "knowledge_hash",
    "knowledge_of",
    "lock_timeout",
    "migrate",
    "newer_message",
    "opened",
    "origin_choice",
    "origin_clause",
    "parse_day",
    "store_path",
    "stored_version",
    "upgrade",
]
