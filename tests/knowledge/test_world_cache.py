"""The world's states kept between processes: what the cache gives back is what the
libraries give, and a cache that cannot be used is read again from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bloc.knowledge import world_cache
from bloc.knowledge.world import SOURCES, WorldState, read_world_states, world_states


def test_the_cached_states_are_the_libraries_and_a_broken_cache_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOC_CACHE", str(tmp_path))
    assert world_cache.load(WorldState, SOURCES) is None  # nothing kept yet
    fresh = read_world_states()
    world_states.cache_clear()
    try:
        assert world_states() == fresh  # read from the libraries, then kept
        kept = world_cache.path(SOURCES)
        assert kept.parent == tmp_path and kept.is_file()
        assert world_cache.load(WorldState, SOURCES) == fresh
        world_states.cache_clear()
        assert world_states() == fresh  # now from the cache
        kept.write_text('{"RUS": {"code": "RUS"}}', encoding="utf-8")  # another layout
        assert world_cache.load(WorldState, SOURCES) is None
        kept.write_text("not json", encoding="utf-8")
        world_states.cache_clear()
        assert world_states() == fresh
        assert world_cache.load(WorldState, SOURCES) == fresh  # written again
    finally:
        world_states.cache_clear()
