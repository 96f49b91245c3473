from __future__ import annotations

from pathlib import Path

import pytest

from bloc.errors import StoreError
from bloc.store import Store, default_db_path


def _counts(store: Store) -> dict[str, int]:
    tables = [
        "sources",
        "actors",
        "aliases",
        "offices",
        "memberships",
        "requests",
        "events",
        "evidence",
    ]
    return {t: int(store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}


def test_knowledge_loads_once_and_reloads_idempotently(db: Path) -> None:
    with Store.open(db) as store:
        assert store.load_knowledge() is True
        first = _counts(store)
        assert store.load_knowledge() is False
        assert store.load_knowledge(force=True) is True
        assert _counts(store) == first
    assert first["events"] > 50 and first["memberships"] > 40


def test_text_events_survive_a_knowledge_reload(db: Path) -> None:
    with Store.open(db) as store:
        store.load_knowledge()
        store.con.execute(
            "INSERT INTO events VALUES ('t1', DATE '2022-09-13', 'day', 'AZE', 'ARM', 'ASSAULT',"
            " NULL, NULL, -9, 0.8, 'text', NULL, NULL)"
        )
        store.load_knowledge(force=True)
        assert store.con.execute("SELECT count(*) FROM events WHERE origin='text'").fetchone() == (
            1,
        )


def test_db_path_comes_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BLOC_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("BLOC_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "bloc" / "bloc.duckdb"


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_bytes(b"this is not duckdb" * 100)
    with pytest.raises(StoreError, match=r"not-a-db\.duckdb"):
        Store.open(bad)
