from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc import api
from bloc.core.events import CodedEvent
from bloc.ingest import CODED_EVENTS, CodedBatch, ingest
from bloc.model import Document
from bloc.store import Store
from bloc.store.check import check_path, stored_rows
from bloc.text.pipeline import process
from bloc.text.read import MAX_BYTES
from helpers import ARTICLES, Harness
from strategies import TAGS, bad_record, is_reason, mixed_encodings


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


def test_coded_tables_follow_the_coded_event_and_keep_each_document_with_its_events() -> None:
    assert CODED_EVENTS.names == ["doc", *(f.name for f in dataclasses.fields(CodedEvent))]
    results = [process(Document(id=f"d{i}", text=_TEXTS[i % 2])) for i in range(4)]
    assert all(r.events for r in results)
    whole = CodedBatch.concat([CodedBatch.of(results[:1]), CodedBatch.of(results[1:])])
    assert whole.events.equals(CodedBatch.of(results).events)
    picked = whole.take([3, 0])
    assert picked.documents["id"].to_pylist() == ["d3", "d0"]
    assert picked.events["document"].to_pylist() == [
        e.document for r in (results[3], results[0]) for e in r.events
    ]
    assert set(picked.events["doc"].to_pylist()) == {0, 1}


_TEXTS = [
    "Armenia asked the CSTO for help on 13 September 2022.",
    "Kazakhstan hosted CSTO drills on 4 March 2024. Russia sent troops to Kazakhstan in 2022.",
]


# -- crash safety and concurrency ----------------------------------------------

HARNESS = """
import json, os, signal, sys, time
from bloc.ingest import CODED_EVENTS, CodedBatch, ingest
from bloc.core.events import CodedEvent
from bloc.model import Document
from bloc.text.pipeline import process
corpus, db = sys.argv[1], sys.argv[2]
# Warm up as a long-running process would be: the parser, and the language detector
# (loaded on the first Latin-script text long enough for it), before the forks.
warm = "Armenia refused to send troops to Russia on 3 March 2023, and its government said so. "
process(Document(id="warm-up", text=warm * 3))
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:  # the child ingests until it is killed (or finishes)
        ingest([corpus], db, batch_size=25)
        os._exit(0)
    time.sleep(float(line))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"killed": os.WIFSIGNALED(status)}), flush=True)
"""


def _evidence_by_document(db: Path) -> dict[str, set[tuple[object, ...]]]:
    with Store.open(db, read_only=True) as store:
        rows = store.con.execute(
            'SELECT document, event_id, sentence, start, "end" FROM evidence '
            "WHERE event_id IN (SELECT id FROM events WHERE origin = 'text')"
        ).fetchall()
        documents = [r[0] for r in store.con.execute("SELECT id FROM documents").fetchall()]
    found: dict[str, set[tuple[object, ...]]] = {d: set() for d in documents}
    for document, *rest in rows:
        found.setdefault(document, set()).add(tuple(rest))
    return found


def stored_tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of events, evidence and documents (all but when each was stored)."""
    return stored_rows(db)


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    synthetic: Callable[[int, int], Path],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    """An ingest killed at 20+ random moments: the store always opens and checks clean,
    every stored article is whole, and a rerun ends exactly where a clean run does."""
    corpus = synthetic(400, 5)
    clean_db = tmp_path / "clean.duckdb"
    ingest([corpus], clean_db)
    clean = _evidence_by_document(clean_db)
    db = tmp_path / "killed.duckdb"
    harness = Harness(HARNESS, str(corpus), str(db))
    rng = random.Random(2026)
    kills = rounds = partial = 0
    try:
        while kills < 20 and rounds < 100:
            rounds += 1
            # Up to a second: creating a store takes about half of one on a busy
            # machine, and a kill must also land after it, in the batches.
            kills += harness.ask(f"{rng.uniform(0.02, 1.0):.3f}")["killed"]
            if not db.exists():
                continue  # killed before it created the store
            report = check_path(db)
            assert report.ok, [f.advice for f in report.problems]
            stored = _evidence_by_document(db)
            for document, evidence in stored.items():
                assert evidence == clean[document], f"{document} is stored only in part"
            if 0 < len(stored) < len(clean):
                partial += 1
            if len(stored) == len(clean):  # it finished: start again from nothing
                for leftover in tmp_path.glob("killed.duckdb*"):
                    leftover.unlink()
    finally:
        harness.close()
    assert kills >= 20 and partial >= 5, (kills, partial, rounds)
    record_property(
        "measured",
        f"SIGKILL: {kills} kills of a running ingest in {rounds} rounds, {partial} left a "
        "partial store; every store opened and checked clean, no article stored in part",
    )
    again = ingest([corpus], db)
    assert again.stored + again.unchanged == len(clean)
    assert stored_tables(db) == stored_tables(clean_db)


@pytest.mark.slow
def test_two_ingests_at_once_store_each_article_once(
    synthetic: Callable[[int, int], Path], tmp_path: Path
) -> None:
    corpus = synthetic(500, 9)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:320]), encoding="utf-8")
    second.write_text("".join(lines[180:]), encoding="utf-8")  # 140 articles in both
    db, clean_db = tmp_path / "both.duckdb", tmp_path / "clean.duckdb"
    ingest([corpus], clean_db)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bloc", "ingest", str(path), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    assert check_path(db).ok
    both, clean = stored_tables(db), stored_tables(clean_db)
    assert [r[:7] for r in both["documents"]] == [r[:7] for r in clean["documents"]]
    # Which ingest stored an article first may differ, so compare what each article says.
    assert _evidence_sentences(db) == _evidence_sentences(clean_db)


def _evidence_sentences(db: Path) -> list[tuple[object, ...]]:
    with Store.open(db, read_only=True) as store:
        return store.con.execute(
            'SELECT v.document, v.sentence, v.start, v."end", e.source, e.target, e.type '
            "FROM evidence v JOIN events e ON e.id = v.event_id "
            "WHERE e.origin = 'text' ORDER BY ALL"
        ).fetchall()


@pytest.mark.slow
def test_the_dashboard_answers_while_an_ingest_writes(
    synthetic: Callable[[int, int], Path], tmp_path: Path
) -> None:
    import httpx

    from bloc.web import serving

    corpus = synthetic(600, 13)
    db = tmp_path / "served.duckdb"
    with serving(db) as base:
        run = subprocess.Popen(
            [sys.executable, "-m", "bloc", "ingest", str(corpus), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        statuses: list[int] = []
        sizes: list[int] = []
        with httpx.Client(base_url=base, timeout=60) as client:
            while run.poll() is None:
                events = client.get("/api/events", params={"limit": 10_000})
                statuses += [events.status_code, client.get("/api/alliances/CSTO/risk").status_code]
                if events.status_code == 200:
                    sizes.append(sum(e["origin"] == "text" for e in events.json()))
        _, err = run.communicate()
    assert run.returncode == 0, err
    assert statuses and set(statuses) == {200}, statuses
    # It answered while the articles were arriving, and never saw the store go back.
    assert len(set(sizes)) > 2 and sizes == sorted(sizes), sizes
    assert check_path(db).ok
    assert _count(db, "documents") == 600


# -- a batch of good articles among fuzzed bad files ------------------------------

# Short news items in the project's own words, each coded into at least one event.
GOOD_TEXTS = {
    "kazakhstan.txt": (
        "Unrest in Kazakhstan\n\n6 January 2022\n\n"
        "Kazakhstan asked the CSTO for troops on 5 January 2022. "
        "Russia sent peacekeepers to Kazakhstan in January 2022.\n"
    ),
    "border.txt": (
        "Fighting on the border\n\n14 September 2022\n\n"
        "Azerbaijani troops attacked Armenian positions on 13 September 2022.\n\n"
        "Tajikistan accused Kyrgyzstan of shelling its border villages on 14 September 2022.\n"
    ),
    "treaty.md": (
        "Minsk and Moscow\n\nApril 5, 2023\n\n"
        "Belarus signed a defence agreement with Russia on 4 April 2023.\n"
    ),
}
GOOD_PAGE = (
    "<html><head><title>Armenia and the alliance</title></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Armenia and the alliance</h1>"
    "<p>Published 24 February 2024.</p>"
    "<p>Armenia froze its participation in the CSTO in February 2024, its leaders said "
    "this week, after months of open disagreement with the other members.</p>"
    "</article></body></html>"
)
GOOD_RECORDS = [
    {
        "id": "finland-nato",
        "published": "2023-04-05",
        "text": "Finland joined NATO on 4 April 2023, ending decades of non-alignment.",
    },
    {
        "id": "poland-consults",
        "published": "2022-02-25",
        "text": "Poland requested consultations with NATO in February 2022.",
    },
]


@st.composite
def bad_files(draw: st.DrawFn) -> list[tuple[str, bytes, str]]:
    """Bad files: (name, content, what the reason must say)."""
    chosen: list[tuple[str, bytes, str]] = []
    kinds = draw(
        st.lists(
            st.sampled_from(
                ("binary", "empty", "blank", "no-text", "tags", "oversize", "latin1-name", "mixed")
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    for n, kind in enumerate(kinds):
        if kind == "binary":
            content = b"\x00" + draw(st.binary(max_size=500))
            chosen.append((f"bad{n}.bin", content, "binary"))
        elif kind == "empty":
            chosen.append((f"bad{n}{draw(st.sampled_from(('.txt', '.html', '')))}", b"", "empty"))
        elif kind == "blank":
            blank = draw(st.text(alphabet=" \t\r\n\f", min_size=1, max_size=50)).encode()
            chosen.append((f"bad{n}.txt", blank, "empty"))
        elif kind == "no-text":
            tags = draw(st.lists(st.sampled_from(TAGS), max_size=40))
            words = draw(st.lists(st.sampled_from(("Armenia", "the", "CSTO")), max_size=5))
            page = "<html><body>" + "".join(f"<{t}>" for t in tags) + " ".join(words)
            chosen.append((f"bad{n}.html", page.encode(), "no article text"))
        elif kind == "tags":
            count = draw(st.integers(min_value=50_001, max_value=80_000))
            chosen.append((f"bad{n}.htm", b"<html><body>" + b"<i>" * count, "tags"))
        elif kind == "oversize":
            chosen.append((f"bad{n}.txt", b"", "too large"))  # made sparse when written
        elif kind == "latin1-name":
            chosen.append((f"bad{n}-r\udce9sum\udce9.bin", b"\x00\x01" * 64, "binary"))
        else:
            content = draw(mixed_encodings())
            chosen.append((f"bad{n}.bin", b"\x00" + content, "binary"))
    return chosen


def _write(folder: Path, name: str, content: bytes, reason: str) -> None:
    path = Path(folder / name)
    if reason == "too large":
        with path.open("wb") as handle:
            handle.write(b"Armenia asked the CSTO for help. ")
            handle.truncate(MAX_BYTES + 1)
    else:
        path.write_bytes(content)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # about a second each: a fresh store per example
@given(
    bad=bad_files(),
    bad_lines=st.lists(bad_record(), max_size=6),
    shuffle=st.randoms(use_true_random=False),
)
def test_good_articles_are_stored_and_each_bad_file_is_named(
    bad: list[tuple[str, bytes, str]],
    bad_lines: list[tuple[dict[str, object], str]],
    shuffle: object,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inbox"
        folder.mkdir()
        for name, text in GOOD_TEXTS.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "armenia.html").write_text(GOOD_PAGE, encoding="utf-8")
        lines = [json.dumps(r) for r in GOOD_RECORDS] + [json.dumps(r) for r, _ in bad_lines]
        shuffle.shuffle(lines)  # type: ignore[attr-defined]
        (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for name, content, reason in bad:
            _write(folder, name, content, reason)

        db = Path(tmp) / "bloc.duckdb"
        summary = ingest([folder], db=db)

        good_ids = {str(folder / name) for name in (*GOOD_TEXTS, "armenia.html")}
        good_ids |= {str(r["id"]) for r in GOOD_RECORDS}
        assert summary.read == summary.stored == len(good_ids)
        with Store.open(db) as store:
            stored = {row[0] for row in store.con.execute("SELECT id FROM documents").fetchall()}
            cited = {
                row[0]
                for row in store.con.execute("SELECT DISTINCT document FROM evidence").fetchall()
            }
        assert stored == good_ids
        assert good_ids <= cited  # each good article gave at least one event

        # Every bad file, and every bad line of the feed, is named with its reason.
        skipped = {r.path: r.reason for r in summary.skipped}
        assert all(is_reason(reason) for reason in skipped.values())
        for name, _, reason in bad:
            shown = str(folder / name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            assert reason in skipped[shown], (name, skipped.get(shown))
        feed = [p for p in skipped if p.startswith(f"{folder / 'feed.jsonl'}:")]
        assert len(feed) == len(bad_lines)
        assert len(summary.skipped) == len(bad) + len(bad_lines)
