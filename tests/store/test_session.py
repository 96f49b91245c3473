"""One session, one knowledge base: a custom knowledge base given to the session is the one
the store holds and the one the API and the measures read."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from bloc import api, measures
from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import bundled
from bloc.store import Session, View, knowledge_of, opened

ON = "2023-06-30"


def _without_armenia() -> KnowledgeBase:
    """The bundled knowledge base with Armenia never a CSTO member, and no requests."""
    kb = bundled()
    csto = kb.alliance("CSTO")
    changed = dataclasses.replace(
        csto,
        membership=tuple(s for s in csto.membership if s.member != "ARM"),
        requests=(),
    )
    return dataclasses.replace(kb, alliances={**kb.alliances, "CSTO": changed})


def test_a_plain_path_reads_the_bundled_knowledge_base(tmp_path: Path) -> None:
    assert knowledge_of(tmp_path / "bloc.duckdb") is bundled()
    assert knowledge_of(None) is bundled()
    assert View is Session and Session(tmp_path / "x").knowledge is bundled()


def test_a_custom_knowledge_base_reaches_the_store_the_api_and_the_measures(
    kb_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, db)
    custom = _without_armenia()
    session = Session(db, knowledge=custom)
    assert session.choose("text").knowledge is custom  # kept through a choice of origins

    assert "ARM" in set(api.members("CSTO", on=ON, db=db).member)
    assert "ARM" not in set(api.members("CSTO", on=ON, db=session).member)  # the store's copy
    with opened(session) as store:
        assert store.knowledge is custom
    assert "ARM" not in set(measures.risk("CSTO", ON, db=session).member)
    assert measures.reliability("CSTO", db=session).empty  # the custom one has no requests
    assert not measures.reliability("CSTO", db=db).empty

    # Opened again with the same custom knowledge base: up to date, not loaded again.
    with opened(session) as store:
        first = store.meta("kb_hash")
    with opened(Session(db, knowledge=_without_armenia())) as store:
        assert store.meta("kb_hash") == first and first is not None
    # And a plain path brings the bundled one back.
    assert "ARM" in set(api.members("CSTO", on=ON, db=db).member)
