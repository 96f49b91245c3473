"""The loop every engine shares: a document whose coding raises is reported by name and reason,
the others are stored, and a rerun codes it once it codes again (local, Dask and the watcher)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_feeds import items, one_pass, serve_feed
from test_ingest import stored_tables

from bloc.ingest import IngestSummary, ingest, loop
from bloc.ingest.distributed import ingest_dask
from bloc.ingest.feeds import add_feed as add_public_feed
from bloc.model import Document, DocumentResult
from bloc.store import Store
from bloc.text.pipeline import sha256
from feedserver import FeedServer


def add_feed(url: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """Add a feed served by the local test server (on loopback, so allowed private)."""
    return add_public_feed(url, *args, allow_private=True, **kwargs)


TEXTS = {
    "a.txt": "Armenia asked the CSTO for help on 2 March 2023.",
    "bad.txt": "Kazakhstan hosted CSTO drills on 4 March 2023.",
    "c.txt": "Belarus asked Russia for help on 6 March 2023.",
}
REASON = "coding failed: ValueError: the parser choked"


class Poison:
    """Makes coding raise for documents whose id holds `marker`, as a parser bug would."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.on = True
        self.real_one, self.real_many = loop.process, loop.process_many

    def _check(self, docs: Sequence[Document]) -> None:
        if self.on and any(self.marker in d.id for d in docs):
            raise ValueError("the parser choked")

    def one(self, doc: Document, raw: bool = False) -> DocumentResult:
        self._check([doc])
        return self.real_one(doc, raw)

    def many(self, docs: Sequence[Document], raw: bool = False) -> list[DocumentResult]:
        self._check(docs)
        return self.real_many(docs, raw)


@pytest.fixture
def poison(monkeypatch: pytest.MonkeyPatch) -> Poison:
    found = Poison("bad")
    monkeypatch.setattr(loop, "process", found.one)
    monkeypatch.setattr(loop, "process_many", found.many)
    return found


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def db(kb_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, path)
    return path


@pytest.fixture
def clean(
    kb_db: Path, tmp_path: Path, corpus: Path, poison: Poison
) -> dict[str, list[tuple[object, ...]]]:
    """What an ingest with no failure stores: the rerun must end there."""
    path = tmp_path / "clean.duckdb"
    shutil.copy(kb_db, path)
    poison.on = False
    ingest([corpus], path)
    poison.on = True
    return stored_tables(path)


def _documents(db: Path) -> list[str]:
    with Store.open(db, read_only=True) as store:
        rows = store.con.execute("SELECT id FROM documents ORDER BY id").fetchall()
    return [Path(doc_id).name for (doc_id,) in rows]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


@pytest.fixture
def threads() -> Iterator[str]:
    """A Dask cluster whose workers are threads of this process, so they see the poison."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield str(cluster.scheduler_address)


def test_the_local_engine_reports_a_failing_document_and_stores_the_rest(
    corpus: Path, db: Path, poison: Poison, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    summary = ingest([corpus], db)
    assert (summary.read, summary.stored) == (3, 2)
    assert [(Path(r.path).name, r.reason) for r in summary.skipped] == [("bad.txt", REASON)]
    assert _documents(db) == ["a.txt", "c.txt"]
    poison.on = False  # the bug fixed: a rerun codes it, and only it
    again = ingest([corpus], db)
    assert (again.stored, again.unchanged, again.skipped) == (1, 2, [])
    assert stored_tables(db) == clean


@pytest.mark.slow
def test_the_dask_engine_reports_a_failing_document_and_stores_the_rest(
    corpus: Path, db: Path, poison: Poison, threads: str, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    summary = ingest_dask([corpus], db, scheduler=threads, chunk=16)  # one unit of three
    assert (summary.read, summary.stored) == (3, 2)
    assert [(Path(r.path).name, r.reason) for r in summary.skipped] == [("bad.txt", REASON)]
    assert _documents(db) == ["a.txt", "c.txt"]
    poison.on = False
    again = ingest_dask([corpus], db, scheduler=threads, chunk=16)
    assert (again.stored, again.unchanged, again.skipped) == (1, 2, [])
    assert stored_tables(db) == clean


def test_the_watcher_reports_a_failing_page_and_stores_the_rest(
    server: FeedServer, db: Path, poison: Poison
) -> None:
    add_feed(serve_feed(server, "wire", range(3)), "wire", db=db)
    poison.marker = server.url("/wire/1")
    report = one_pass(db)
    (outcome,) = report.feeds
    assert outcome.stored == 2
    assert [(f.url, f.reason, f.again) for f in outcome.failures] == [(poison.marker, REASON, True)]
    assert items(db, "wire")[poison.marker][:2] == ("retry", REASON)
    assert _urls(db) == {server.url("/wire/0"), server.url("/wire/2")}
    poison.on = False  # the next pass codes it, and only it
    (outcome,) = one_pass(db).feeds
    assert (outcome.stored, outcome.failures) == (1, [])
    assert items(db, "wire")[poison.marker][0] == "stored"
    assert _urls(db) == {server.url(f"/wire/{n}") for n in range(3)}


def test_the_watcher_gives_up_a_page_that_never_codes(
    server: FeedServer, db: Path, poison: Poison
) -> None:
    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)
    poison.marker = server.url("/wire/0")
    again = [one_pass(db).feeds[0].failures[0].again for _ in range(3)]
    assert again == [True, True, False]
    assert items(db, "wire")[poison.marker][:2] == ("failed", REASON)
    assert one_pass(db).feeds[0].failures == [] and _urls(db) == set()


def _urls(db: Path) -> set[str]:
    with Store.open(db, read_only=True) as store:
        return {row[0] for row in store.con.execute("SELECT id FROM documents").fetchall()}


def test_a_jsonl_record_that_fails_is_named_by_its_line_and_id(
    tmp_path: Path, db: Path, poison: Poison
) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"id": "ok", "text": "Armenia asked."}\n{"id": "bad-1", "text": "Hi."}\n')
    summary = ingest([path], db)
    assert [(r.path, r.reason) for r in summary.skipped] == [(f"{path}:2 (id bad-1)", REASON)]
    assert summary.stored == 1


# -- the loop on its own, with a stand-in coder (no parser) ----------------------------


def _stand_in(monkeypatch: pytest.MonkeyPatch, failing: set[str]) -> list[list[str]]:
    """Coding by a stand-in that raises for the ids in `failing`; returns the batches it saw."""
    seen: list[list[str]] = []

    def one(doc: Document, raw: bool = False) -> DocumentResult:
        if doc.id in failing:
            raise KeyError(doc.id)
        return DocumentResult(doc, 1, (), sha256(doc))

    def many(docs: Sequence[Document], raw: bool = False) -> list[DocumentResult]:
        seen.append([d.id for d in docs])
        return [one(d) for d in docs]

    monkeypatch.setattr(loop, "process", one)
    monkeypatch.setattr(loop, "process_many", many)
    return seen


def test_code_skips_the_unchanged_and_keeps_the_last_copy_in_the_first_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _stand_in(monkeypatch, set())
    old, new = Document("a", "first text"), Document("a", "second text")
    same = Document("b", "stored as is")
    batch = loop.code([old, same, Document("c", "c"), new], {"b": sha256(same), "a": "x"})
    assert seen == [["a", "c"]]
    assert [r.document for r in batch.results] == [new, Document("c", "c")]
    assert (batch.unchanged, batch.failed) == (1, [])
    assert loop.code([same], {"b": sha256(same)}).results == [] and seen == [["a", "c"]]


def test_code_isolates_a_failure_and_names_the_document_where_it_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stand_in(monkeypatch, {"7"})
    docs = [
        Document("6", "six", origin="news.jsonl:6"),
        Document("7", "seven", origin="news.jsonl:7"),
        Document("x.txt", "x", origin="x.txt"),
    ]
    batch = loop.code(docs, {})
    assert [r.document.id for r in batch.results] == ["6", "x.txt"]
    assert [(f.path, f.reason) for f in batch.failed] == [
        ("news.jsonl:7 (id 7)", "coding failed: KeyError: '7'")
    ]


def test_run_looks_up_a_document_only_once_its_copy_in_flight_is_stored(
    monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    seen = _stand_in(monkeypatch, set())
    first, again, new = Document("a", "one text"), Document("a", "one text"), Document("a", "new")
    summary = IngestSummary()
    loop.run(db, [first, again, Document("b", "b"), new], summary, loop.InProcess(), 1)
    assert seen == [["a"], ["b"], ["a"]]  # the same copy again is not coded again
    assert (summary.read, summary.stored, summary.unchanged) == (4, 3, 1)
    with Store.open(db, read_only=True) as store:
        rows = store.con.execute("SELECT id, sha256 FROM documents ORDER BY id").fetchall()
    assert rows == [("a", sha256(new)), ("b", sha256(Document("b", "b")))]
