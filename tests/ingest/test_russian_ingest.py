"""Russian documents through the engines: one happening in two languages is one event with
evidence in both; the Dask engine stores each document's language as the local one does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_ingest import stored_tables

from bloc import api
from bloc.ingest import ingest
from bloc.ingest.distributed import ingest_dask
from bloc.store import Store

ENGLISH = (
    "Armenia appeals to the CSTO\n\nSeptember 14, 2022\n\n"
    "Armenia asked the CSTO for military help on September 13, 2022, the government said.\n"
)
RUSSIAN = (
    "Армения обратилась к ОДКБ\n\nЕРЕВАН, 14 сентября 2022 г.\n\n"
    "Армения 13 сентября обратилась к ОДКБ за военной помощью, сообщило правительство.\n"
)


def test_one_happening_in_english_and_russian_is_one_event_with_evidence_in_both(
    tmp_path: Path,
) -> None:
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    db = tmp_path / "bloc.duckdb"
    summary = ingest([tmp_path / "en.txt", tmp_path / "ru.txt"], db=db)
    assert (summary.stored, summary.events_new, summary.events_merged) == (2, 1, 1)
    frame = api.events(origin="text", db=db)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["source"], row["type"], row["target"]) == ("ARM", "REQUEST", "CSTO")
    evidence = sorted(row["evidence"], key=lambda e: e["lang"])
    assert [e["lang"] for e in evidence] == ["en", "ru"]
    assert evidence[1]["sentence"].startswith("Армения 13 сентября обратилась")  # as written
    with Store.open(db, read_only=True) as store:
        langs = store.con.execute("SELECT lang FROM documents ORDER BY id").fetchall()
    assert langs == [("en",), ("ru",)]


@pytest.mark.slow
def test_the_dask_engine_stores_languages_as_the_local_one(tmp_path: Path) -> None:
    records = [
        {"id": "en-1", "text": ENGLISH, "published": "2022-09-14"},
        {"id": "ru-1", "text": RUSSIAN, "published": "2022-09-14"},
        {"id": "ru-2", "text": ENGLISH, "published": "2022-09-14", "lang": "ru"},
        {"id": "kk-1", "text": "Қазақстан ҰҚШҰ-дан көмек сұрады.", "published": "2022-01-06"},
    ]
    corpus = tmp_path / "corpus" / "news.jsonl"
    corpus.parent.mkdir()
    corpus.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    ingest([corpus], local_db)
    ingest_dask([corpus], dask_db, workers=1, chunk=2)
    local, dist = stored_tables(local_db), stored_tables(dask_db)
    assert local == dist
    assert [(row[0], row[-1]) for row in local["documents"]] == [
        ("en-1", "en"),
        ("kk-1", "kk"),
        ("ru-1", "ru"),
        ("ru-2", "ru"),  # the line's own language wins over its letters
    ]
