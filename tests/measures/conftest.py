"""Fixtures of the measures' tests: a store with the whole UN vote record, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from unvotes_files import votes_store


@pytest.fixture(scope="session")
def votes_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The knowledge base and the whole shared record of General Assembly votes; read only."""
    return votes_store(tmp_path_factory.mktemp("votes") / "bloc.duckdb")
