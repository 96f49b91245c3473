"""The shared record of UN General Assembly votes (../shared/data/unvotes), for tests that
import it: where it is, and a store holding it with the knowledge base."""

from __future__ import annotations

from pathlib import Path

from helpers import TESTS, missing

# Beside the checkout (../shared), or beside a worktree's parent folder.
UNVOTES = next(
    (
        p / "shared" / "data" / "unvotes"
        for p in TESTS.parents[1:3]
        if (p / "shared" / "data" / "unvotes").is_dir()
    ),
    TESTS.parents[1] / "shared" / "data" / "unvotes",
)
FILES = ("un_votes.csv.gz", "un_roll_calls.csv.gz", "un_roll_call_issues.csv.gz")


def votes_store(path: Path) -> Path:
    """A store at `path` with the knowledge base and the whole shared record imported
    (skipped locally without ../shared, a failure under CI)."""
    if not all((UNVOTES / f).is_file() for f in FILES):
        missing(f"the shared UN votes files are not at {UNVOTES}")
    from bloc.ingest.datasets.unvotes import import_unvotes

    report = import_unvotes([UNVOTES / f for f in FILES], path)
    assert report.skipped == 0 and report.stored_votes == 870_109
    return path
