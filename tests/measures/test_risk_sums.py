"""Exit risk from the running sums the alert rules keep is exit risk from the whole record."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from bloc import measures
from bloc.measures.decay import day_number
from bloc.measures.drift import alliance_votes
from bloc.measures.risk import evidence_ids, weightiest
from bloc.measures.risk_sums import scores, terms
from bloc.store import Store, opened
from bloc.store import risk_sums as kept

ALLIANCES = ["CSTO", "NATO", "ANZUS", "RIO"]
# Today; the day before Armenia's freeze; a day when some of the articles' events were
# dated but not yet published (known later: the sums take them out); a day in the 1990s.
DAYS = [dt.date.today(), dt.date(2024, 2, 21), dt.date(2022, 9, 14), dt.date(1996, 5, 1)]


def assert_same(sums_path: Path, db: Path, alliance: str, day: dt.date) -> int:
    """The sums' risk of every member equals `measures.risk`'s: score, reasons, evidence."""
    full = measures.risk(alliance, on=day, db=db)
    with opened(db) as store:
        al = store.knowledge.alliance(alliance)
    with Store.open(sums_path, read_only=True) as store:
        table = kept.sums(store, [alliance], day_number(day))
        got = scores(al, table, day, alliance_votes(al, db))
        assert sorted(got) == sorted(full["member"])
        for row in full.to_dict("records"):
            mine = got[row["member"]]
            score = float(mine.record["score"])  # type: ignore[arg-type]
            assert (math.isnan(score) and math.isnan(row["score"])) or math.isclose(
                score, row["score"], rel_tol=0, abs_tol=1e-12
            ), (alliance, day, row["member"])
            assert mine.record["reasons"] == row["reasons"], (alliance, day, row["member"])
            top = kept.weightiest(store, alliance, row["member"], mine.pair, day_number(day), 6)
            assert evidence_ids(al, row["member"], day, top) == row["evidence"]
    return len(full)


def test_the_sums_give_every_members_risk_as_the_whole_record_does(
    ingested: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sums.duckdb"
    shutil.copy(ingested, path)
    observed = measures.observe_many(ALLIANCES, path)
    with opened(path, write=True) as store, store.transaction() as con:
        for code in ALLIANCES:
            kept.rebuild(con, code, terms(observed[code]), kept.kb_digest(store))
    ranked = sum(assert_same(path, ingested, code, day) for code in ALLIANCES for day in DAYS)
    assert ranked > 20


def test_replacing_some_events_terms_leaves_the_sums_a_rebuild_gives(
    ingested: Path, tmp_path: Path
) -> None:
    """Terms taken out and put back (an event's evidence changed) leave the same sums, and
    an event gone takes its share with it."""
    path = tmp_path / "sums.duckdb"
    shutil.copy(ingested, path)
    data = measures.observe("CSTO", path)
    every = terms(data)
    some = sorted(set(every["event"]))[::3]
    with opened(path, write=True) as store, store.transaction() as con:
        kept.rebuild(con, "CSTO", every, kept.kb_digest(store))
        kept.replace_terms(con, ["CSTO"], some, every[every["event"].isin(some)])
        kept.replace_terms(con, ["CSTO"], some[:2], every.iloc[:0])  # gone
    fewer = every[~every["event"].isin(some[:2])]
    with Store.open(path, read_only=True) as store:
        after = kept.sums(store, ["CSTO"], 1e9).sort_values(["member", "other", "part"])
    grouped = fewer.groupby(["member", "other", "part"], as_index=False).agg(
        w=("w", "sum"), wt=("wt", "sum"), n=("w", "size")
    )
    merged = after.merge(grouped, on=["member", "other", "part"], how="left").fillna(0)
    assert len(merged) and (merged["n_x"] == merged["n_y"]).all()
    assert np.allclose(merged["w_x"], merged["w_y"], rtol=1e-12, atol=1e-9)
    assert np.allclose(merged["wt_x"], merged["wt_y"], rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("k", [1, 6])
def test_the_weightiest_are_ranked_alike_with_ties_by_event(k: int) -> None:
    rank = np.array([0.5, 0.9, 0.9, 0.1, 0.9])
    ids = np.array(["e", "c", "a", "d", "b"], dtype=object)
    got = weightiest(np.arange(5), rank, ids, k)
    assert got == ["a", "b", "c", "e", "d"][:k]
