"""A `bloc watch --once` killed at random moments, then run again, loses and duplicates nothing."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_ingest import _evidence_by_document, stored_tables

from bloc.ingest.feeds import add_feed
from bloc.ingest.fetch import Politeness
from bloc.ingest.watch import watch_once
from bloc.store import Store
from bloc.store.check import check_path
from feedserver import RSS, FeedServer, article, rss
from helpers import Harness

# Forks a child per round that runs the real command line (`bloc watch --once`),
# and kills it after the given delay; "finish" lets one run to its end.
HARNESS = """
import json, os, signal, sys, time
from bloc.cli import app
from bloc.model import Document
from bloc.text.pipeline import process

db = sys.argv[1]
process(Document(id="warm-up", text="Armenia asked the CSTO for help on 3 March 2023."))
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            app(["watch", "--once", "--delay", "0", "--db", db], prog_name="bloc")
        except SystemExit as exc:
            os._exit(exc.code or 0)
        os._exit(0)
    if line.strip() != "finish":
        time.sleep(float(line))
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status)
    print(json.dumps({"killed": killed, "code": None if killed else os.WEXITSTATUS(status)}),
          flush=True)
"""
FEEDS, ITEMS = ("alpha", "beta", "gamma"), 4


def _serve(server: FeedServer) -> list[str]:
    server.route("/robots.txt", body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
    urls = []
    for f, name in enumerate(FEEDS):
        entries = []
        for n in range(ITEMS):
            path = f"/{name}/{n}"
            server.route(path, body=article(f * ITEMS + n), delay=0.02)
            entries.append((f"{name}-{n}", server.url(path), f"{name} {n}"))
        urls.append(server.route(f"/{name}.xml", body=rss(entries), content_type=RSS))
    return urls


def _consistent(db: Path) -> tuple[int, set[str]]:
    """Items marked stored are exactly the documents stored; returns (items seen, documents)."""
    with Store.open(db, read_only=True) as store:
        marked = store.con.execute(
            "SELECT document FROM feed_items WHERE status = 'stored'"
        ).fetchall()
        other = store.con.execute(
            "SELECT status, error FROM feed_items WHERE status NOT IN ('new', 'stored')"
        ).fetchall()
        documents = {r[0] for r in store.con.execute("SELECT id FROM documents").fetchall()}
        seen = store.con.execute("SELECT count(*) FROM feed_items").fetchone()
    assert other == [], other
    assert sorted(r[0] for r in marked) == sorted(documents)
    return int(seen[0] if seen else 0), documents


@pytest.mark.slow
def test_a_killed_watch_resumes_and_loses_and_duplicates_nothing(
    kb_db: Path, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with FeedServer() as server:
        urls = _serve(server)

        def fresh(path: Path) -> Path:
            for leftover in tmp_path.glob(path.name + "*"):
                leftover.unlink()
            shutil.copy(kb_db, path)
            for name, url in zip(FEEDS, urls, strict=True):
                add_feed(url, name, "en", path, allow_private=True)
            return path

        clean_db = fresh(tmp_path / "clean.duckdb")
        report = watch_once(clean_db, politeness=Politeness(delay=0))
        assert sum(f.stored for f in report.feeds) == len(FEEDS) * ITEMS
        clean = _evidence_by_document(clean_db)
        db = fresh(tmp_path / "killed.duckdb")
        harness = Harness(HARNESS, str(db))
        rng = random.Random(15)
        kills = rounds = partial = 0
        run = harness.ask
        try:
            while kills < 6 and rounds < 30:
                rounds += 1
                kills += bool(run(f"{rng.uniform(0.05, 1.6):.3f}")["killed"])
                report_ = check_path(db)
                assert report_.ok, [f.advice for f in report_.problems]
                seen, documents = _consistent(db)
                stored = _evidence_by_document(db)
                for document, evidence in stored.items():
                    assert evidence == clean[document], f"{document} is stored only in part"
                if 0 < len(documents) < len(clean) or 0 < seen < len(clean):
                    partial += 1
                if len(documents) == len(clean):  # it finished: start again from nothing
                    fresh(db)
            assert run("finish") == {"killed": False, "code": 0}
        finally:
            harness.close()
        assert kills >= 6 and partial >= 3, (kills, partial, rounds)
        record_property(
            "measured",
            f"SIGKILL: {kills} kills of `bloc watch --once` in {rounds} rounds, {partial} left "
            "a partial pass; every store checked clean and resumed; nothing lost or duplicated",
        )
        seen, documents = _consistent(db)
        assert seen == len(FEEDS) * ITEMS and documents == set(clean)
        assert stored_tables(db) == stored_tables(clean_db)
        # A further pass fetches no page.
        pages = [p for p in server.paths() if p.count("/") == 2]
        again = watch_once(db, politeness=Politeness(delay=0))
        assert sum(f.new + f.stored for f in again.feeds) == 0
        assert [p for p in server.paths() if p.count("/") == 2] == pages
