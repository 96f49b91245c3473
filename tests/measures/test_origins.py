"""`--origin`: every measure reads only the events the chosen origins report."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from bloc import api, measures
from bloc.errors import BlocError
from bloc.ingest.datasets import import_files
from bloc.measures.cache import MeasureCache
from bloc.store import View, opened, origin_choice
from dataset_files import Gdelt, write_gdelt

ARM = ("ARM", "ARMENIA", "ARM")
RUS = ("RUSGOV", "RUSSIA", "RUS")
ON = dt.date(2023, 12, 31)


def accusations(path: Path, first_id: int = 5000, n: int = 30) -> Path:
    """Armenia accusing Russia through 2023, a row a week: what drifting away looks like."""
    rows = [
        Gdelt(first_id + i, (dt.date(2023, 1, 2) + dt.timedelta(weeks=i)).strftime("%Y%m%d"),
              "112", ARM, RUS)
        for i in range(n)
    ]  # fmt: skip
    return write_gdelt(path, rows)


@pytest.fixture(scope="module")
def imported(kb_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("origins")
    db = folder / "bloc.duckdb"
    shutil.copy(kb_db, db)
    import_files("gdelt", [accusations(folder / "gdelt.CSV")], db)
    return db


def test_leaving_an_origin_out_gives_the_figures_of_a_store_without_it(
    kb_db: Path, imported: Path
) -> None:
    without = View(imported, ["curated", "text"])
    for frame, expected in (
        (
            measures.alignment("CSTO", by="quarter", since="2022-01-01", until=ON, db=without),
            measures.alignment("CSTO", by="quarter", since="2022-01-01", until=ON, db=kb_db),
        ),
        (measures.risk("CSTO", ON, without), measures.risk("CSTO", ON, kb_db)),
        (measures.relations("CSTO", ON, without), measures.relations("CSTO", ON, kb_db)),
    ):
        pd.testing.assert_frame_equal(frame, expected)


def test_an_origin_chosen_changes_the_measures_as_its_events_say(
    kb_db: Path, imported: Path
) -> None:
    def armenia(db: Path | View) -> float:
        frame = measures.alignment("CSTO", by="year", member="ARM", until=ON, db=db)
        return float(frame[frame.period == "2023"].alignment.iloc[0])

    everything, curated = armenia(imported), armenia(kb_db)
    assert everything < curated - 0.05  # thirty accusations of Moscow pull Armenia away
    assert armenia(View(imported, "all")) == everything
    only = measures.observe("CSTO", View(imported, ["gdelt"]))
    assert set(only.event_ids(only.by_avail())) == {f"gdelt-{5000 + i}" for i in range(30)}


def test_events_and_counts_follow_the_origin(imported: Path) -> None:
    gdelt = api.events(origin=["gdelt"], db=imported)
    assert len(gdelt) == 30 and set(gdelt.origin) == {"gdelt"}
    assert api.count_events(origin="gdelt", db=imported) == 30
    curated = api.events(origin="curated", db=imported)
    assert len(curated) and set(curated.origin) == {"curated"}
    both = api.count_events(origin=["gdelt", "curated"], db=imported)
    assert both == api.count_events(db=imported) == 30 + len(curated)
    # A View's choice applies when none is passed.
    assert len(api.events(db=View(imported, "gdelt"))) == 30


def test_an_unknown_origin_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(BlocError, match=r"unknown origin 'news'.*curated, text, gdelt"):
        origin_choice(["text", "news"])
    assert origin_choice(["all"]) is None and origin_choice(None) is None
    assert origin_choice("gdelt,text") == ("text", "gdelt")


def test_the_cache_gives_the_frames_computing_gives_and_computes_each_once(
    imported: Path,
) -> None:
    cache = MeasureCache()
    view = View(imported, cache=cache)
    first = measures.cohesion("CSTO", by="quarter", until=ON, db=view)
    misses = cache.misses
    again = measures.cohesion("CSTO", by="quarter", until=ON, db=view)
    assert cache.misses == misses and cache.hits >= 1
    pd.testing.assert_frame_equal(first, again)
    computed = measures.cohesion("CSTO", by="quarter", until=ON, db=imported)
    pd.testing.assert_frame_equal(first, computed)
    again.loc[0, "cohesion"] = -1.0  # a caller's change stays its own
    assert measures.cohesion("CSTO", by="quarter", until=ON, db=view).cohesion.iloc[0] != -1.0
    # Other origins, other entries.
    text_only = measures.cohesion("CSTO", by="quarter", until=ON, db=view.choose("text"))
    pd.testing.assert_frame_equal(
        text_only,
        measures.cohesion("CSTO", by="quarter", until=ON, db=View(imported, "text")),
    )


def test_a_write_moves_the_generation_so_cached_figures_are_not_served(
    kb_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, db)
    view = View(db, cache=MeasureCache())
    before = measures.alignment("CSTO", by="year", member="ARM", until=ON, db=view)
    with opened(db) as store:
        generation = store.generation()
    import_files("gdelt", [accusations(tmp_path / "gdelt.CSV")], db)
    with opened(db) as store:
        assert store.generation() > generation
    after = measures.alignment("CSTO", by="year", member="ARM", until=ON, db=view)
    assert not after.equals(before)
    pd.testing.assert_frame_equal(
        after, measures.alignment("CSTO", by="year", member="ARM", until=ON, db=db)
    )


@pytest.mark.slow
def test_requests_for_one_key_wait_for_one_computation() -> None:
    cache = MeasureCache()
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("frames", "k", slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(calls) == 1


def test_the_cache_is_bounded() -> None:
    cache = MeasureCache(observed=2, frames=3)
    for i in range(10):
        cache.get("frames", i, lambda i=i: i)
    assert len(cache) == 3
    assert cache.get("frames", 9, lambda: -1) == 9 and cache.get("frames", 0, lambda: -1) == -1


def test_a_quiet_store_s_generation_is_remembered_and_a_write_still_seen(
    kb_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, db)
    cache = MeasureCache()
    view = View(db, cache=cache)
    time.sleep(1.1)  # the files unmodified for longer than QUIET_SECONDS
    first = cache.stamp(view)
    assert cache.stamp(view) == first and cache.reads == 1  # the second from the signature
    import_files("gdelt", [accusations(tmp_path / "gdelt.CSV")], db)
    after = cache.stamp(view)
    assert after.generation > first.generation and cache.reads == 2
