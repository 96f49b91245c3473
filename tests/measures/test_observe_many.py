"""`observe_many`: several alliances' signals from one read, each as `observe` reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bloc import measures
from bloc.measures.cache import MeasureCache
from bloc.measures.observed import Observed
from bloc.store import View

ALLIANCES = ["CSTO", "NATO", "ANZUS", "RIO"]


def rows(data: Observed) -> list[tuple[object, ...]]:
    """Every signal as a tuple of names and values, in a fixed order (a read's row order
    is the store's and carries no meaning)."""
    actors = np.array(data.actors, dtype=object)
    ids = data.event_ids(np.arange(len(data.tone)))
    return sorted(
        zip(
            ids.tolist(),
            actors[data.member].tolist(),
            actors[data.other].tolist(),
            data.kind.tolist(),
            data.type.tolist(),
            data.outgoing.tolist(),
            data.tone.tolist(),
            data.weight.tolist(),
            data.date.tolist(),
            data.avail.tolist(),
            strict=True,
        )
    )


def test_one_read_for_several_alliances_gives_each_what_it_reads_alone(ingested: Path) -> None:
    together = measures.observe_many(ALLIANCES, ingested)
    assert list(together) == ALLIANCES
    for code in ALLIANCES:
        alone = measures.observe(code, ingested)
        assert together[code].actors == alone.actors
        assert rows(together[code]) == rows(alone), code
    assert len(together["CSTO"].tone) > 0 and len(together["NATO"].tone) > 0


def test_a_members_rows_are_those_a_scan_finds(ingested: Path) -> None:
    data = measures.observe("CSTO", ingested)
    for code in range(-1, len(data.actors) + 1):
        assert np.array_equal(data.rows_of(code), np.flatnonzero(data.member == code))


def test_a_servers_session_keeps_each_alliance_in_its_cache(ingested: Path) -> None:
    """Through a View with a cache, each alliance is read (and kept) as `observe` keeps it:
    a later `observe` gets the very same observations."""
    view = View(ingested, cache=MeasureCache())
    together = measures.observe_many(["CSTO", "NATO"], view)
    assert together["CSTO"] is measures.observe("CSTO", view)
    assert together["NATO"] is measures.observe("NATO", view)
    assert together["CSTO"].stamp is not None
