from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bloc import api
from bloc.ingest import ingest
from bloc.store import Store

ARTICLES = Path(__file__).parent / "data" / "articles"


def _count(db: Path, table: str) -> int:
    with Store.open(db) as store:
        return int(store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("report_a.txt", "report_b.txt", "negation.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    (folder / "empty.txt").write_text("")
    (folder / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    (folder / "broken.html").write_text("<html><body><div><p>unclosed <b>tag <script>x")
    return folder


def test_mixed_folder_stores_good_and_names_bad(db: Path, mixed: Path) -> None:
    summary = ingest([mixed], db=db)
    assert summary.read == 3 and summary.stored == 3
    assert {Path(r.path).name for r in summary.skipped} == {"empty.txt", "image.bin", "broken.html"}
    assert all(r.reason for r in summary.skipped)
    assert _count(db, "documents") == 3


def test_reingest_adds_nothing(db: Path, mixed: Path) -> None:
    ingest([mixed], db=db)
    before = (_count(db, "events"), _count(db, "evidence"), _count(db, "documents"))
    again = ingest([mixed], db=db)
    assert again.unchanged == 3 and again.stored == 0 and again.events_new == 0
    assert (_count(db, "events"), _count(db, "evidence"), _count(db, "documents")) == before


def test_one_happening_in_two_articles_is_one_event_with_two_evidence_rows(db: Path) -> None:
    ingest([ARTICLES / "report_a.txt", ARTICLES / "report_b.txt"], db=db)
    rows = api.to_records(api.events(actor="TJK", type="ASSAULT", origin="text", db=db))
    assert len(rows) == 1
    (event,) = rows
    assert (event["source"], event["target"], event["date"]) == ("TJK", "KGZ", "2022-09-14")
    assert event["date_precision"] == "day"
    documents = sorted(Path(e["document"]).name for e in event["evidence"])
    assert documents == ["report_a.txt", "report_b.txt"]
    assert all(e["sentence"] and e["end"] > e["start"] for e in event["evidence"])


def test_a_changed_article_replaces_its_evidence(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title here\n\nMarch 3, 2024\n\nArmenia asked the CSTO for help on March 2.")
    ingest([path], db=db)
    path.write_text("Title here\n\nMarch 3, 2024\n\nKazakhstan asked the CSTO for help on March 2.")
    summary = ingest([path], db=db)
    assert summary.stored == 1
    rows = api.to_records(api.events(origin="text", db=db))
    assert [(r["source"], r["target"]) for r in rows] == [("KAZ", "CSTO")]
    assert _count(db, "documents") == 1
