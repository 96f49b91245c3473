"""Where the tests' inputs are, and what a test does when one is missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

CI = os.environ.get("CI") == "true"
TESTS = Path(__file__).resolve().parent
ARTICLES = TESTS / "data" / "articles"
GOLD = TESTS / "gold"
SEEDS = TESTS.parents[1] / "shared" / "seeds"
PLOVER = TESTS.parents[1] / "shared" / "data" / "plover-gsr"


def missing(reason: str) -> NoReturn:
    """Something a test needs is not on this machine: skipped locally, a failure under CI."""
    if CI:
        pytest.fail(f"{reason} (CI=true)")
    pytest.skip(reason)
