"""Shared fixtures: a fresh store per test, and the reference articles when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "bloc.duckdb"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The five reference articles; skipped locally without ../shared, a failure under CI."""
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the reference articles are missing at {SEEDS} (CI=true)")
        pytest.skip(f"the reference articles are not at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def kb_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the knowledge base only (curated events, votes, requests); read only."""
    from bloc.store import opened

    path = tmp_path_factory.mktemp("kb") / "bloc.duckdb"
    with opened(path):
        pass
    return path


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
