"""The knowledge base's actors as an import reads them, kept between processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bloc.ingest.datasets import facts


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BLOC_CACHE", str(tmp_path / "cache"))
    facts.facts.cache_clear()
    yield tmp_path / "cache"
    facts.facts.cache_clear()


def test_the_cache_gives_what_the_knowledge_base_says(cache: Path) -> None:
    read = facts.from_knowledge()
    assert read.kinds["ARM"] == "state" and "CSTO" in read.alliances and "RUS" in read.kept
    assert facts.facts() == read  # read, then written
    assert [p.name for p in cache.glob("import-actors-*")] == [facts.path().name]
    facts.facts.cache_clear()
    assert facts.facts() == read  # from the file


def test_a_damaged_or_stale_cache_is_read_again_and_replaced(cache: Path) -> None:
    cache.mkdir()
    stale = cache / "import-actors-0000000000000000.json"
    stale.write_text("{}", encoding="utf-8")
    facts.path().write_text('{"kinds": ', encoding="utf-8")
    assert facts.facts() == facts.from_knowledge()
    assert not stale.exists() and facts.path().read_text(encoding="utf-8").startswith('{"kinds"')


def test_no_cache_where_none_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("BLOC_CACHE", str(blocked / "cache"))  # under a file: cannot be made
    facts.facts.cache_clear()
    try:
        assert facts.facts() == facts.from_knowledge()
    finally:
        facts.facts.cache_clear()
