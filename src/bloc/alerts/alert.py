"""An alert, and its id: what every kind of rule raises, and how it is raised only once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from bloc.store import alerts as stored


@dataclass(frozen=True)
class Alert:
    id: str
    rule: str
    kind: str
    raised_at: dt.datetime
    as_of: dt.date
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def row(self) -> stored.AlertRow:
        return (
            self.id,
            self.rule,
            self.kind,
            self.raised_at,
            self.as_of,
            self.title,
            stored.evidence_json(self.evidence),
        )


def alert_id(rule: str, *evidence: object) -> str:
    """A stable id from the rule and what raised it (hex digest, 20 characters)."""
    raw = "|".join([rule, *(str(e) for e in evidence)])
    return "a" + hashlib.sha256(raw.encode()).hexdigest()[:19]
