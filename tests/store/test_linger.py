"""A serving process keeps its store open between reads, and writers still get in."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bloc.store import Store, opened
from bloc.store import linger as lingering
from bloc.store.linger import anchor_for, linger
from helpers import overlapping_readers

WRITE = """
import sys
from bloc.store import Store
with Store.open(sys.argv[1]) as store, store.transaction() as con:
    con.execute("INSERT INTO meta VALUES ('linger-test', 'written')")
"""


@pytest.fixture
def store_file(kb_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "served.duckdb"
    shutil.copy(kb_db, db)
    return db


def wait_until(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.02)
    return False


def test_reads_share_one_open_store_and_let_go_when_idle(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lingering, "IDLE", 0.3)
    linger(store_file)
    anchor = anchor_for(store_file)
    assert anchor is not None and not anchor.held
    counts = []
    for _ in range(3):
        with opened(store_file) as store:
            assert store._anchor is anchor and store._turn is None  # no turn of its own
            counts.append(store.con.execute("SELECT count(*) FROM events").fetchone())
        assert anchor.held  # still open between two reads
    assert counts[0][0] > 0 and len(set(counts)) == 1
    assert wait_until(lambda: not anchor.held), "the idle store was never let go"
    with Store.open(store_file) as store:  # a writer of this process gets it at once
        assert store.meta("schema_version") is not None


@pytest.mark.slow
@pytest.mark.parametrize("writer", ["process", "thread"])
def test_a_writer_gets_in_while_lingering_reads_go_on(store_file: Path, writer: str) -> None:
    linger(store_file)
    with opened(store_file) as store:
        before = store.generation()
    generations, errors, halt = overlapping_readers(store_file, lambda store: store.generation())
    assert wait_until(lambda: len(generations) >= 8 or errors)
    began = time.monotonic()
    if writer == "process":
        done = subprocess.run(
            [sys.executable, "-c", WRITE, str(store_file)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"BLOC_LOCK_TIMEOUT": "30", "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 0, done.stderr
    else:
        with Store.open(store_file) as store, store.transaction() as con:
            con.execute("INSERT INTO meta VALUES ('linger-test', 'written')")
    waited = time.monotonic() - began
    seen = len(generations)
    assert wait_until(lambda: len(generations) > seen + 4 or errors)
    halt()
    assert not errors, errors
    assert waited < 5, f"the writer waited {waited:.1f} s"
    assert generations[-1] == before + 1  # the readers see the write once it is made
    assert set(generations) == {before, before + 1}
    with opened(store_file) as store:
        assert store.meta("linger-test") == "written"


def test_a_store_moved_into_place_is_read_anew(store_file: Path, tmp_path: Path) -> None:
    linger(store_file)
    with opened(store_file) as store:
        before = store.meta("linger-test")
    assert before is None and anchor_for(store_file).held  # type: ignore[union-attr]
    other = tmp_path / "other.duckdb"
    shutil.copy(store_file, other)
    with Store.open(other) as store, store.transaction() as con:
        con.execute("INSERT INTO meta VALUES ('linger-test', 'the new file')")
    other.replace(store_file)  # another file under the same name, the old one still held
    with opened(store_file) as store:
        assert store.meta("linger-test") == "the new file"
