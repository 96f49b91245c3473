"""The dependency-parse fallback (bloc.text.parse) assigns roles word order cannot."""

from __future__ import annotations

import datetime as dt

from bloc.text.actors import finder
from bloc.text.parse import roles


def _roles(text: str, trigger: str) -> tuple[str | None, str | None]:
    mentions = finder().find(text, dt.date(2023, 5, 1))
    return roles(text, text.index(trigger), mentions)


def test_active_clause_subject_is_source_object_is_target() -> None:
    assert _roles("After long talks Kazakhstan criticised Armenia.", "criticised") == (
        "KAZ",
        "ARM",
    )


def test_passive_clause_agent_is_source() -> None:
    text = "Armenia was criticised by Kazakhstan at the summit."
    assert _roles(text, "criticised") == ("KAZ", "ARM")


def test_trigger_outside_any_verb_returns_no_roles_without_hanging() -> None:
    source, target = _roles("Armenia and Kazakhstan: criticism.", "criticism")
    assert source is None or source in {"ARM", "KAZ"}
    assert target is None
