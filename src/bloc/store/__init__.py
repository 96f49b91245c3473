"""The store: one DuckDB file holding the knowledge base, documents, events and evidence.

`db` opens and creates stores and loads the knowledge base into them,
`schema` holds the tables and their upgrades, `turns` lets processes share
a file, and `check` verifies and repairs a store.
"""

from bloc.store.db import (
    Store,
    default_db_path,
    knowledge_hash,
    opened,
    parse_day,
)
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

__all__ = [
    "LOCK_TIMEOUT",
    "MIGRATIONS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Store",
    "Turn",
    "default_db_path",
    "knowledge_hash",
    "lock_timeout",
    "migrate",
    "newer_message",
    "opened",
    "parse_day",
    "stored_version",
    "upgrade",
]
