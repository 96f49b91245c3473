"""The local engine's worker processes: the same store as one process, event by event, and a
worker killed mid-chunk fails only its documents, named, which a rerun codes."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from test_ingest import stored_tables
from typer.testing import CliRunner

from bloc.cli import app
from bloc.ingest import ingest, loop
from bloc.ingest.pool import Pool, cores, languages_of
from bloc.model import Document, DocumentResult


@pytest.fixture(scope="module")
def corpus(synthetic: Callable[[int, int], Path]) -> Path:
    """60 synthetic articles (four chunks, the last short) and a bad line."""
    path = synthetic(60, 23)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "broken", "text": 5}\n')
    return path


@pytest.fixture(scope="module")
def one(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus stored by one process: what any number of workers must store."""
    db = tmp_path_factory.mktemp("one") / "bloc.duckdb"
    ingest([corpus], db, batch_size=25)
    return db


@pytest.mark.slow
def test_two_workers_store_what_one_process_stores_event_by_event(
    corpus: Path, one: Path, tmp_path: Path
) -> None:
    db = tmp_path / "two.duckdb"
    summary = ingest([corpus], db, batch_size=25, workers=2)
    assert (summary.read, summary.stored) == (60, 60)
    assert [r.path for r in summary.skipped] == [f"{corpus}:61"]
    a, b = stored_tables(one), stored_tables(db)
    assert len(a["events"]) > 50
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for row, (mine, theirs) in enumerate(zip(a[name], b[name], strict=True)):
            assert mine == theirs, (name, row)
    again = ingest([corpus], db, batch_size=25, workers=2)  # a rerun changes nothing
    assert (again.stored, again.unchanged) == (0, 60)
    assert stored_tables(db) == a


def _killing(marker: str, parent: int) -> Callable[..., list[DocumentResult]]:
    """Coding that SIGKILLs the worker process given the document `marker`."""
    real = loop.process_many

    def many(docs: Sequence[Document], raw: bool = False) -> list[DocumentResult]:
        if os.getpid() != parent and any(d.id == marker for d in docs):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(docs, raw)

    return many


@pytest.mark.slow
def test_a_killed_worker_fails_its_chunk_by_name_and_a_rerun_codes_it(
    corpus: Path, one: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [json.loads(line)["id"] for line in corpus.read_text().splitlines()[:60]]
    victim = ids[20]  # in the second chunk of the first batch (chunks of 16)
    db = tmp_path / "killed.duckdb"
    monkeypatch.setattr(loop, "process_many", _killing(victim, os.getpid()))
    summary = ingest([corpus], db, batch_size=25, workers=2)
    lost = ids[16:25]  # the second chunk of the first batch of 25: 16 to 24
    failed = [r for r in summary.skipped if "coding failed" in r.reason]
    assert [r.path for r in failed] == [
        f"{corpus}:{n + 1} (id {i})" for n, i in enumerate(ids) if i in lost
    ]
    assert all(
        "killed by SIGKILL" in r.reason and "run the ingest again" in r.reason for r in failed
    )
    assert (summary.read, summary.stored) == (60, 60 - len(lost))
    stored = stored_tables(db)
    assert {row[0] for row in stored["documents"]} == set(ids) - set(lost)
    monkeypatch.undo()  # the cause gone, a rerun codes those documents and only those
    again = ingest([corpus], db, batch_size=25, workers=2)
    assert (again.stored, again.unchanged) == (len(lost), 60 - len(lost))
    assert stored_tables(db) == stored_tables(one)


@pytest.mark.slow
def test_a_worker_killed_from_outside_fails_its_chunk_and_the_others_go_on() -> None:
    text = " ".join(
        f"Armenia asked the CSTO for help on {day} March 2023, and Russia sent troops to "
        f"the border with Azerbaijan on {day + 1} March."
        for day in range(1, 12)
    )
    docs = [Document(f"d{n}", f"{text} Report {n}.") for n in range(48)]
    with Pool(2) as pool:
        pending = pool.submit(docs)
        while pool.workers[0].task is None:
            time.sleep(0.005)
        victim = pool.workers[0].process
        os.kill(victim.pid, signal.SIGKILL)
        coded, failed = pending()
        assert not victim.is_alive() and victim not in [w.process for w in pool.workers]
        after, none = pool.submit(docs[:3])()  # the replacement codes
    ids = coded.documents["id"].to_pylist()
    lost = [r.path for r in failed]
    assert len(lost) in (0, 16) and all("killed by SIGKILL" in r.reason for r in failed)
    assert sorted(ids + lost) == sorted(d.id for d in docs)
    assert ids == [d.id for d in docs if d.id not in lost]  # in the order given
    assert after.documents["id"].to_pylist() == ["d0", "d1", "d2"] and none == []


def test_the_languages_loaded_before_forking_follow_the_documents() -> None:
    assert languages_of([Document("a", "Armenia asked the CSTO for help.")]) == {"en"}
    assert languages_of([Document("b", "text", lang="ru")]) == {"en", "ru"}


@pytest.mark.slow
def test_the_command_codes_in_the_workers_asked_for(
    corpus: Path, one: Path, tmp_path: Path
) -> None:
    assert cores() >= 1
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "articles read: 60  stored: 60" in result.output
    assert stored_tables(db) == stored_tables(one)
    refused = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db), "--workers", "0"])
    assert refused.exit_code != 0 and "--workers" in refused.output
