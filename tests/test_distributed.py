"""The Dask engine stores exactly what the local engine stores; export writes the store out."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bloc import api
from bloc.cli import app
from bloc.distributed import code_chunk, ingest_dask, read_shard
from bloc.ingest import ingest
from bloc.read import read_paths
from bloc.store import opened

BENCH = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 synthetic articles (the benchmark generator, the project's own words) and a bad line."""
    spec = importlib.util.spec_from_file_location("bloc_bench_corpus", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("corpus")
    path = module.write(120, folder / "news.jsonl", seed=11)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "broken", "text": 5}\n')
    return folder


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with opened(db) as store:
        return {
            "events": store.query("SELECT * FROM events ORDER BY id"),
            "evidence": store.query("SELECT * FROM evidence ORDER BY ALL"),
            "documents": store.query(
                "SELECT id, url, title, published, sha256, sentences, status "
                "FROM documents ORDER BY id"
            ),
        }


def test_dask_and_local_engines_store_identical_events(corpus: Path, tmp_path: Path) -> None:
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    local = ingest([corpus], local_db)
    dist = ingest_dask([corpus], dask_db, workers=2, chunk=16)
    assert local.stored == dist.stored == 120
    assert (local.events_new, local.events_merged) == (dist.events_new, dist.events_merged)
    assert [r.path for r in dist.skipped] == [r.path for r in local.skipped]
    assert any("broken" in r.path or "news.jsonl:121" in r.path for r in dist.skipped)
    a, b = _tables(local_db), _tables(dask_db)
    for name in a:
        assert len(a[name]) > 0
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
    # A rerun skips what is done and leaves no shard behind.
    again = ingest_dask([corpus], dask_db, workers=1, chunk=16)
    assert (again.stored, again.unchanged) == (0, 120)
    pd.testing.assert_frame_equal(_tables(dask_db)["events"], b["events"], check_dtype=False)
    assert not list(Path(str(dask_db) + ".shards").glob("*.parquet"))


def test_a_shard_round_trips_the_coded_results(corpus: Path, tmp_path: Path) -> None:
    from bloc.pipeline import process

    docs = [d for d in read_paths([corpus]) if not hasattr(d, "reason")][:10]
    path = Path(code_chunk(docs, str(tmp_path)))
    results, failed = read_shard(path)
    assert not failed
    direct = [process(d) for d in docs]
    assert [r.events for r in results] == [r.events for r in direct]
    assert [r.sha256 for r in results] == [r.sha256 for r in direct]
    # Coding the same chunk again reuses the shard.
    before = path.stat().st_mtime_ns
    assert code_chunk(docs, str(tmp_path)) == str(path)
    assert path.stat().st_mtime_ns == before


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
