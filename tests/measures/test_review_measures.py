"""Measures honour review decisions: rejected events leave them, corrected ones count as
corrected, reviewed ones with full confidence; `as_coded` gives the figures without them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bloc import api, measures, simulate
from bloc.ingest.datasets import import_files
from bloc.measures.cache import MeasureCache
from bloc.store import View
from bloc.store.review import apply_file
from dataset_files import Gdelt, write_gdelt

ARM = ("ARM", "ARMENIA", "ARM")
RUS = ("RUSGOV", "RUSSIA", "RUS")
ON = dt.date(2023, 12, 31)
N = 30


def rows(code: str) -> list[Gdelt]:
    """Armenia and Russia, a row a week through 2023, all of one CAMEO code."""
    return [
        Gdelt(7000 + i, (dt.date(2023, 1, 2) + dt.timedelta(weeks=i)).strftime("%Y%m%d"),
              code, ARM, RUS)
        for i in range(N)
    ]  # fmt: skip


def store_with(kb_db: Path, folder: Path, code: str) -> Path:
    folder.mkdir()
    db = folder / "bloc.duckdb"
    shutil.copy(kb_db, db)
    import_files("gdelt", [write_gdelt(folder / "rows.CSV", rows(code))], db)
    return db


def decide_all(db: Path, folder: Path, decision: str, extra: str = "") -> None:
    """One decision on every imported event, from a CSV file as an analyst would."""
    ids = api.events(origin="gdelt", db=db)["id"].tolist()
    assert len(ids) == N
    path = folder / f"{decision}.csv"
    header = "id,decision" + (",type" if extra else "")
    path.write_text(
        header + "\n" + "".join(f"{i},{decision}{',' + extra if extra else ''}\n" for i in ids),
        encoding="utf-8",
    )
    applied = apply_file(db, path, "ana")
    assert len(applied.stored) == N and not applied.refused


def figures(db: Path | View) -> list[pd.DataFrame]:
    return [
        measures.alignment("CSTO", by="quarter", since="2022-01-01", until=ON, db=db),
        measures.risk("CSTO", ON, db),
        measures.relations("CSTO", ON, db),
        measures.dyads("CSTO", ON, db),
        measures.cohesion("CSTO", by="quarter", since="2022-01-01", until=ON, db=db),
        measures.explain("CSTO", "ARM", ON, db),
    ]


def same(a: list[pd.DataFrame], b: list[pd.DataFrame]) -> None:
    for left, right in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(left, right)


@pytest.fixture(scope="module")
def accusing(kb_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The knowledge base and thirty imported accusations of Russia by Armenia."""
    return store_with(kb_db, tmp_path_factory.mktemp("review") / "accusing", "112")


def test_rejecting_events_gives_the_figures_of_a_store_without_them(
    kb_db: Path, accusing: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, db)
    coded = figures(db)
    decide_all(db, tmp_path, "reject")
    same(figures(db), figures(kb_db))
    same(figures(View(db, as_coded=True)), coded)
    with pytest.raises(AssertionError):
        same(coded, figures(kb_db))  # the accusations did count before


def test_a_correction_counts_as_if_the_event_had_been_coded_so_and_confirmed(
    kb_db: Path, accusing: Path, tmp_path: Path
) -> None:
    corrected = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, corrected)
    decide_all(corrected, tmp_path, "correct", "SUPPORT")
    supporting = store_with(kb_db, tmp_path / "supporting", "057")  # CAMEO 057: SUPPORT
    decide_all(supporting, tmp_path, "confirm")
    # The evidence still tells what GDELT coded (CAMEO 112 or 057): all else is the same.
    mine, theirs = figures(corrected), figures(supporting)
    mine[-1], theirs[-1] = (f.drop(columns="summary") for f in (mine[-1], theirs[-1]))
    same(mine, theirs)
    risk = {
        name: measures.risk("CSTO", ON, db).set_index("member").score
        for name, db in (("coded", View(corrected, as_coded=True)), ("reviewed", corrected))
    }
    assert risk["reviewed"]["ARM"] < risk["coded"]["ARM"]  # support, not blame


def test_confirmed_events_carry_full_confidence(accusing: Path, tmp_path: Path) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, db)
    decide_all(db, tmp_path, "confirm")

    def weights(view: Path | View) -> set[float]:
        signals = measures.signals("CSTO", ON, view)
        return set(signals[signals.event.str.startswith("gdelt-")].weight)

    assert weights(db) == {1.0}
    assert weights(View(db, as_coded=True)) == {0.4}  # GDELT's own confidence


def test_the_cache_keeps_as_coded_apart_and_a_decision_moves_the_figures(
    accusing: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, db)
    cache = MeasureCache()
    reviewed, coded = View(db, cache=cache), View(db, cache=cache, as_coded=True)
    before = measures.risk("CSTO", ON, reviewed)
    computed = cache.misses
    assert measures.risk("CSTO", ON, reviewed).equals(before) and cache.misses == computed
    pd.testing.assert_frame_equal(measures.risk("CSTO", ON, coded), before)
    assert cache.misses == 2 * computed  # as coded: read and computed apart
    decide_all(db, tmp_path, "reject")
    after = measures.risk("CSTO", ON, reviewed)
    pd.testing.assert_frame_equal(after, measures.risk("CSTO", ON, db))  # computed afresh
    assert not after.equals(before)
    pd.testing.assert_frame_equal(measures.risk("CSTO", ON, coded), before)


def test_the_simulator_reads_the_reviewed_events_too(accusing: Path, tmp_path: Path) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, db)
    scenario = simulate.parse_scenario("CSTO", "ARM", "external", "AZE", "2023-12-31", [])

    def run(view: Path | View) -> dict[str, object]:
        return simulate.simulate(scenario, draws=500, seed=1, db=view)

    coded = run(db)
    decide_all(db, tmp_path, "reject")
    assert run(View(db, as_coded=True)) == coded
    stances = {m["member"]: m for m in run(db)["members"]}
    before = {m["member"]: m for m in coded["members"]}
    assert stances["RUS"] != before["RUS"]  # Armenia's accusations weighed on Russia's stance


def test_the_evidence_behind_a_risk_shows_the_corrected_date(
    accusing: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(accusing, db)
    eid = api.events(origin="gdelt", db=db)["id"].iloc[-1]  # coded on 2023-07-24
    path = tmp_path / "date.csv"
    path.write_text(f"id,decision,date\n{eid},correct,2023-06-15\n", encoding="utf-8")
    assert len(apply_file(db, path, "ana").stored) == 1

    def dated(view: Path | View) -> set[dt.date]:
        rows = measures.explain("CSTO", "ARM", ON, view)
        return set(rows[rows.event == eid].date)

    assert dated(db) == {dt.date(2023, 6, 15)}
    assert dated(View(db, as_coded=True)) == {dt.date(2023, 7, 24)}
