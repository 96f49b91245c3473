"""Shared fixtures: a fresh store per test, and the reference articles when present."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import ARTICLES, CI, SEEDS, missing

# CI runs the property-based tests on the same examples every time (seeded from
# each test's own source), so a red build can be replayed; locally they explore.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if CI:
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _own_actors_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bloc import` lists unmapped actors in the user's actors file: a test's own, never the
    machine user's (bloc.ingest.datasets.overrides)."""
    monkeypatch.setenv("BLOC_ACTORS", str(tmp_path / "user-actors.yaml"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "bloc.duckdb"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The five reference articles; skipped locally without ../shared, a failure under CI."""
    if not SEEDS.is_dir():
        missing(f"the reference articles are not at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def kb_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the knowledge base only (curated events, votes, requests); read only."""
    from bloc.store import opened

    path = tmp_path_factory.mktemp("kb") / "bloc.duckdb"
    with opened(path):
        pass
    return path


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    """Write n synthetic articles as JSON lines (bench/corpus.py: the project's own words)."""
    bench = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"
    spec = importlib.util.spec_from_file_location("bloc_bench_corpus", bench)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def write(n: int, seed: int) -> Path:
        path: Path = module.write(n, tmp_path_factory.mktemp("corpus") / "news.jsonl", seed=seed)
        return path

    return write


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by a real ingest: the knowledge base and three articles' text events."""
    path = tmp_path_factory.mktemp("ingested") / "bloc.duckdb"
    names = ("report_a.txt", "report_b.txt", "office_2022.txt")
    from bloc.ingest import ingest

    ingest([ARTICLES / name for name in names], db=path)
    return path


@pytest.fixture
def coded(tmp_path: Path) -> tuple[Path, dict[tuple[str, str, str], str]]:
    """A fresh store with the four events of review_files.ARTICLES, and their ids by
    (source, type, target): events to review."""
    from bloc import api
    from bloc.ingest import ingest
    from review_files import ARTICLES, KEYS, write

    db = tmp_path / "bloc.duckdb"
    ingest([write(tmp_path, ARTICLES)], db=db)
    frame = api.events(origin="text", db=db)
    ids = {(r.source, r.type, r.target): str(r.id) for r in frame.itertuples()}
    assert set(ids) == set(KEYS), ids
    return db, ids


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show what tests measured (record_property("measured", ...)) at the end of every run."""
    lines = [
        str(value)
        for report in terminalreporter.stats.get("passed", [])
        for key, value in getattr(report, "user_properties", [])
        if key == "measured"
    ]
    if lines:
        terminalreporter.section("measured")
        for line in lines:
            terminalreporter.write_line(line)
