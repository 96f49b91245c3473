"""A fixed split of PLOVER's development records into a tune part and a check part.

The honest protocol of issue 25: rules and entries are written while looking at
the tune part only (about two thirds); the check part (about one third) is scored
and reported first, never read while writing rules. A record's part depends on its
id alone, through SHA-256 (not Python's `hash`, which changes between runs), so
the split is the same on every machine and does not move when records are added,
removed or reordered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal

Part = Literal["tune", "check"]
SALT = "bloc-plover-split-1"
"""Part of what is hashed: changing it draws a new split (never do so silently)."""


def part(record_id: str) -> Part:
    """The part of one record: check when the hash of its id is 0 modulo 3."""
    digest = hashlib.sha256(f"{SALT}:{record_id}".encode()).digest()
    return "check" if int.from_bytes(digest[:8], "big") % 3 == 0 else "tune"


def split(record_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """The ids of the tune part and of the check part, each in the order given."""
    tune: list[str] = []
    check: list[str] = []
    for record_id in record_ids:
        (check if part(record_id) == "check" else tune).append(record_id)
    return tune, check
