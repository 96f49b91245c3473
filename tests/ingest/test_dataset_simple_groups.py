"""The groups SQL makes new events (`simple`) are those the merge would make new: a store
filled batch by batch with them is the store filled with every group through
`merge_reports`, as before they were split off."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from bloc.core.events import CodedEvent
from bloc.ingest import CodedBatch, IngestSummary, store_results
from bloc.ingest.datasets import write
from bloc.ingest.datasets.stage import FileReport
from bloc.model import Document, DocumentResult
from bloc.store import Store, opened


def _text(day: dt.date, precision: str, document: str, source: str) -> CodedBatch:
    """A text event to merge into (made-up wording)."""
    sentence = "Shelling was reported along the line of contact."
    event = CodedEvent(
        date=day, precision=precision, source=source, target="RUS", type="ASSAULT",  # type: ignore[arg-type]
        mode="firearms", alliance=None, intensity=-9.0, confidence=0.6, document=document,
        sentence=sentence, start=0, end=len(sentence), published=day, url=None,
    )  # fmt: skip
    doc = Document(id=document, text=sentence, published=day, origin=document)
    return CodedBatch.of([DocumentResult(doc, 1, (event,), "sha-" + document)])


def _rows(rng: random.Random, n: int) -> pa.Table:
    """Rows over many days (most groups merge with nothing), some of a month, repeats."""
    rows = []
    for k in range(1, n + 1):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
        precision = "month" if rng.random() < 0.05 else "day"
        rows.append(
            {
                "k": k, "document": f"gdelt:{k}", "new_id": f"gdelt-{k}", "date": day,
                "precision": precision, "source": rng.choice(["AZE", "ARM", "KAZ"]),
                "target": "RUS", "type": rng.choice(["ASSAULT", "ACCUSE"]), "mode": "firearms",
                "alliance": None, "intensity": -5.0, "sentence": f"row {k}", "url": None,
                "published": day, "merge_key": "firearms|", "alone": rng.random() < 0.05,
                **dict.fromkeys(("place_key", "place", "admin1", "country", "sub_event_type")),
                **dict.fromkeys(("latitude", "longitude")), "fatalities": None,
            }
        )  # fmt: skip
    for i in range(0, len(rows) - 1, 7):  # repeats: a row reported twice
        rows[i + 1].update({c: rows[i][c] for c in ("date", "precision", "source", "type")})
    for row in rows:  # an event of its own: its merge key is its document (stage.triage)
        if row["alone"]:
            row["merge_key"] = row["document"]
    return pa.Table.from_pylist(rows)


_STAGED = write.stage_fresh_rows


def _none_simple(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> int:
    """The batch staged with no group marked simple: each goes through `merge_reports`."""
    fresh = _STAGED(con, rows)
    con.execute("UPDATE bloc_heads SET simple = false")
    return fresh


def _state(store: Store) -> tuple[list[tuple[Any, ...]], ...]:
    events = store.con.execute(
        "SELECT id, date, date_precision, source, target, type, mode, round(confidence, 9), "
        "origin, source_kind, target_kind, domestic FROM events WHERE origin <> 'curated' "
        "ORDER BY id"
    ).fetchall()
    evidence = store.con.execute(
        "SELECT document, event_id, sentence, published FROM evidence ORDER BY document"
    ).fetchall()
    queued = store.con.execute("SELECT event_id FROM alert_queue ORDER BY 1").fetchall()
    return events, evidence, queued


@pytest.mark.parametrize("seed", [1])
def test_simple_groups_made_in_sql_are_what_the_merge_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    batch = _rows(random.Random(seed), 900)
    found = {}
    for name in ("split", "all_merged"):
        if name == "all_merged":  # every group through merge_reports, none made in SQL
            monkeypatch.setattr(write, "stage_fresh_rows", _none_simple)
        db = tmp_path / f"{name}.duckdb"
        report = FileReport("x")
        with opened(db, write=True) as store:
            texts = [(dt.date(2022, 3, 1), "month"), (dt.date(2022, 6, 14), "day"),
                     (dt.date(2022, 12, 26), "week"), (dt.date(2023, 1, 1), "year")]  # fmt: skip
            for i, (day, precision) in enumerate(texts):
                store_results(store, _text(day, precision, f"t{i}.txt", "AZE"), IngestSummary())
            store.con.execute(  # a rule, so that writes queue the events they change
                "INSERT INTO alert_rules VALUES ('r', 'cohesion', 'CSTO', '{}', now())"
            )
        for start in range(0, batch.num_rows, 300):  # three batches: later ones merge too
            with Store.open(db) as store:
                write.store_batch(store, batch.slice(start, 300), "gdelt", 0.4, report)
        with Store.open(db) as store:  # and again: nothing added
            write.store_batch(store, batch, "gdelt", 0.4, report)
            found[name] = (_state(store), report.events_new, report.events_merged, report.stored)
        assert report.already == batch.num_rows
    assert found["split"] == found["all_merged"]
    (events, evidence, queued), new, merged, stored = found["split"]
    assert {q for (q,) in queued} >= {e[0] for e in events if e[0].startswith("gdelt-")}
    assert stored == batch.num_rows == len([e for e in evidence if e[0].startswith("gdelt:")])
    assert new + merged == stored and merged > 100
    linked = {eid for d, eid, *_ in evidence if d.startswith("gdelt:") or d.endswith(".txt")}
    assert {"t0.txt", "t1.txt", "t2.txt", "t3.txt"} <= {d for d, *_ in evidence}
    assert sum(1 for d, eid, *_ in evidence if d.startswith("gdelt:") and eid.startswith("t")) > 0
    assert {e[0] for e in events} == linked
