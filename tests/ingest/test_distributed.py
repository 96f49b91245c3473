"""The Dask engine stores exactly what the local engine stores; export writes the store out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_ingest import stored_tables
from typer.testing import CliRunner

from bloc import api
from bloc.cli import app
from bloc.ingest import CodedBatch, IngestSummary, ingest
from bloc.ingest.distributed import (
    _Merger,
    code_unit,
    dask_client,
    ingest_dask,
    read_shard,
    shard_path,
)
from bloc.model import Document, Rejected
from bloc.store import opened
from bloc.text.read import Unit, read_paths, read_unit, units


@pytest.fixture(scope="module")
def corpus(synthetic: Callable[[int, int], Path]) -> Path:
    """120 synthetic articles and a bad line, in a folder."""
    path = synthetic(120, 11)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "broken", "text": 5}\n')
    return path.parent


def test_dask_and_local_engines_store_identical_events(corpus: Path, tmp_path: Path) -> None:
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    local = ingest([corpus], local_db)
    dist = ingest_dask([corpus], dask_db, workers=2, chunk=16)
    assert local.stored == dist.stored == 120
    assert (local.events_new, local.events_merged) == (dist.events_new, dist.events_merged)
    assert [r.path for r in dist.skipped] == [r.path for r in local.skipped]
    assert any("broken" in r.path or "news.jsonl:121" in r.path for r in dist.skipped)
    a, b = stored_tables(local_db), stored_tables(dask_db)
    for name in a:
        assert len(a[name]) > 0
        assert a[name] == b[name], name
    # A rerun skips what is done and leaves no shard behind.
    again = ingest_dask([corpus], dask_db, workers=1, chunk=16)
    assert (again.stored, again.unchanged) == (0, 120)
    assert stored_tables(dask_db)["events"] == b["events"]
    assert not list(Path(str(dask_db) + ".shards").glob("*.parquet"))


def test_an_article_repeated_in_the_corpus_is_stored_once_as_its_last_copy(
    tmp_path: Path,
) -> None:
    records = [
        {
            "id": "a",
            "published": "2024-03-03",
            "text": "Armenia asked the CSTO for help on 2 March.",
        },
        {"id": "b", "published": "2024-03-04", "text": "Belarus hosted CSTO drills on 4 March."},
        {
            "id": "a",
            "published": "2024-03-03",
            "text": "Kazakhstan asked the CSTO for help on 2 March.",
        },
    ]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    ingest([corpus], local_db)
    ingest_dask([corpus], dask_db, workers=1, chunk=1)  # each copy in its own shard
    for db in (local_db, dask_db):
        tables = stored_tables(db)
        assert [row[0] for row in tables["documents"]] == ["a", "b"]
        sources = {row[3] for row in tables["events"] if row[10] == "text"}
        assert "KAZ" in sources and "ARM" not in sources, db.name
    assert stored_tables(local_db) == stored_tables(dask_db)


def _fails(unit: Unit, folder: str) -> str:
    raise ValueError(f"no such unit: {unit.files[0]}")


def test_a_failed_unit_is_reported_and_the_others_are_stored(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with opened(db, write=True):
        pass
    summary = IngestSummary()
    merger = _Merger(db, summary, 1000, None)
    plan = [u for u in units([corpus / "news.jsonl"], 40) if isinstance(u, Unit)]
    with dask_client(None, 1) as client:
        for i, unit in enumerate(plan):
            task = _fails if i == 1 else code_unit
            future = client.submit(task, unit, str(tmp_path), pure=False)
            merger.add((future, shard_path(tmp_path, unit, None)))
        merger.flush()
    assert [r.reason for r in summary.skipped if r.path == "(unit)"] == [
        "coding failed on the cluster: no such unit: " + plan[1].files[0]
    ]
    assert summary.stored == 120 - 40
    assert not list(tmp_path.glob("*.parquet"))


def test_a_shard_round_trips_the_coded_results(corpus: Path, tmp_path: Path) -> None:
    from bloc.text.pipeline import process

    source = corpus / "news.jsonl"
    unit = next(u for u in units([source], 10) if isinstance(u, Unit))
    path = Path(code_unit(unit, str(tmp_path)))
    shard = read_shard(path)
    docs = [d for d in read_paths([source]) if isinstance(d, Document)][:10]
    direct = [process(d) for d in docs]
    assert (shard.read, shard.unchanged, shard.rejected) == (10, 0, [])
    assert shard.coded.documents["id"].to_pylist() == [d.id for d in docs]
    assert shard.coded.documents["origin"].to_pylist() == [d.origin for d in docs]
    assert shard.coded.documents["sha256"].to_pylist() == [r.sha256 for r in direct]
    # The events come back as the very table the local engine hands the store.
    assert shard.coded.events.num_rows == sum(len(r.events) for r in direct) > 0
    assert shard.coded.events.equals(CodedBatch.of(direct).events)
    assert shard.coded.documents.equals(CodedBatch.of(direct).documents)
    # Coding the same unit again reuses the shard.
    before = path.stat().st_mtime_ns
    assert code_unit(unit, str(tmp_path)) == str(path)
    assert path.stat().st_mtime_ns == before
    # Documents already stored are skipped on the worker, not coded again.
    stored = {r.document.id: r.sha256 for r in direct[:4]}
    (tmp_path / "rerun").mkdir()
    again = read_shard(Path(code_unit(unit, str(tmp_path / "rerun"), stored=stored)))
    assert (again.read, again.unchanged, len(again.coded)) == (10, 4, 6)


def test_units_cover_the_corpus_in_reading_order(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Armenia said on 3 March 2023 it would skip the drills.\n")
    (tmp_path / "b.txt").write_text("")
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_bytes((corpus / "news.jsonl").read_bytes())
    (tmp_path / "d.jsonl").write_bytes(b"")  # said to be empty, whole or in units
    (tmp_path / "e.jsonl").write_bytes(b'{"id": "e", "text": "no newline at the end"}')
    given = [tmp_path, tmp_path / "missing.txt"]
    whole = [
        (type(i).__name__, getattr(i, "id", None) or getattr(i, "path", None))
        for i in read_paths(given)
    ]
    for size in (1, 7, 50):
        pieces = []
        for unit in units(given, size):
            items = [unit] if isinstance(unit, Rejected) else list(read_unit(unit))
            pieces += [
                (type(i).__name__, getattr(i, "id", None) or getattr(i, "path", None))
                for i in items
            ]
        assert pieces == whole, size
    assert any(kind == "Rejected" and "c.jsonl:121" in str(where) for kind, where in whole)
    assert any(kind == "Rejected" and "d.jsonl" in str(where) for kind, where in whole)
    assert ("Document", "e") in whole


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_export_writes_every_table(kb_db: Path, tmp_path: Path, fmt: str) -> None:
    result = CliRunner().invoke(
        app, ["export", str(tmp_path / "out"), "--format", fmt, "--db", str(kb_db)]
    )
    assert result.exit_code == 0, result.output
    with opened(kb_db) as store:
        counts = {
            t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("events", "evidence")
        }
    for table, n in counts.items():
        path = tmp_path / "out" / f"{table}.{fmt}"
        if fmt == "parquet":
            frame = pd.read_parquet(path)
        elif fmt == "csv":
            frame = pd.read_csv(path)
        else:
            frame = pd.DataFrame([json.loads(line) for line in path.read_text().splitlines()])
        assert len(frame) == n > 0
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_export_rejects_an_unknown_format(kb_db: Path, tmp_path: Path) -> None:
    with pytest.raises(api.BlocError, match="unknown export format"):
        api.export(tmp_path, "xlsx", kb_db)
