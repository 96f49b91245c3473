"""What `bloc import unvotes` reports: files, roll calls, votes, and every skip by file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SHOWN = 20  # skips listed one by one; the rest are counted


@dataclass
class VotesImport:
    """What `bloc import unvotes` did: files, roll calls and votes, and every skip."""

    files: list[dict[str, Any]] = field(default_factory=list)  # path, layout, rows, failed
    skips: list[tuple[str, int, str, str]] = field(default_factory=list)  # file, line, what, value
    skipped: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)  # state as written -> rows
    roll_calls: int = 0
    votes: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    stored_roll_calls: int = 0
    stored_votes: int = 0
    seconds: float = 0.0

    def skip(self, file: str, line: int, what: str, value: object) -> None:
        self.skipped += 1
        if len(self.skips) < SHOWN:
            self.skips.append((file, line, what, str(value)))

    def records(self) -> list[dict[str, Any]]:
        """One JSON object (in a list, as every import report): counts, files, skips."""
        return [
            {
                "dataset": "unvotes",
                "files": self.files,
                "roll_calls": self.roll_calls,
                "votes": self.votes,
                "new": self.new,
                "revised": self.revised,
                "unchanged": self.unchanged,
                "skipped": self.skipped,
                "skips": [
                    {"file": f, "line": n, "reason": w, "value": v} for f, n, w, v in self.skips
                ],
                "unmapped_states": self.unmapped,
                "stored_roll_calls": self.stored_roll_calls,
                "stored_votes": self.stored_votes,
                "seconds": round(self.seconds, 3),
            }
        ]

    def lines(self) -> list[str]:
        out = []
        for f in self.files:
            what = f"cannot be imported: {f['failed']}" if f["failed"] else f"{f['rows']:,} rows"
            out.append(f"{f['path']} ({f['layout'] or 'unknown layout'}): {what}")
        out.append(
            f"{self.roll_calls:,} roll calls, {self.votes:,} votes read: {self.new:,} roll calls "
            f"new, {self.revised:,} revised, {self.unchanged:,} unchanged; "
            f"{self.skipped:,} rows skipped; {self.seconds:.2f}s"
        )
        for file, n, what, v in self.skips:
            out.append(f"  skipped {file}, line {n}: {what} {v!r}")
        if self.skipped > len(self.skips):
            out.append(f"  ... and {self.skipped - len(self.skips):,} more (see --format json)")
        if self.unmapped:
            states = ", ".join(f"{k} ({n:,} votes)" for k, n in sorted(self.unmapped.items()))
            out.append(f"  states not mapped to an actor code: {states}")
        out.append(
            f"store: {self.stored_roll_calls:,} roll calls, {self.stored_votes:,} votes in all"
        )
        return out
