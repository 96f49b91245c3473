"""Taking review decisions: one at a time (a form, a key), or in bulk from a file.

Each call writes in one transaction through `Store.transaction`, so the
store's generation moves on and a server's cache knows its figures stale;
writers take turns at the store (`bloc.store.turns`), so two reviewers, or a
reviewer and an ingest, never lose each other's writes. A file of decisions
(CSV or JSON lines: `id`, `decision`, and for a correction any of `type`,
`mode`, `source`, `target`, `date`, with an optional `note` and `reviewer`)
is applied row by row: a bad row is reported with its line and why, and the
rest is applied; a row whose decision is already in effect is not stored
again, so applying a file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.errors import BlocError, InputError, NotFoundError, ReviewError
from bloc.knowledge import bundled
from bloc.store.db import move_generation, opened
from bloc.store.decisions import DECISIONS, Decision, Taken, record
from bloc.store.view import View, origin_clause

log = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = (
    "id",
    "decision",
    "type",
    "mode",
    "source",
    "target",
    "date",
    "note",
    "reviewer",
)
"""The fields of a decisions file; `id` and `decision` are required."""
MAX_LINE = 100_000  # characters of one row of a decisions file

DB = Path | str | View | None


def default_reviewer() -> str:
    """The name decisions are recorded under when none is given: the user's login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown"


def decide(db: DB, decision: Decision) -> Taken:
    """Take one decision (raises ReviewError or NotFoundError, storing nothing, if refused)."""
    with opened(db, write=True) as store, store.transaction(bump=False) as con:
        taken = record(con, decision, _now())
        if not taken.unchanged:
            move_generation(con)
    log.info("decision %s on %s: %s", decision.decision, taken.event_id, taken.id or "unchanged")
    return taken


@dataclass
class Applied:
    """What applying a file of decisions did, for the closing report."""

    path: Path
    stored: list[Taken] = field(default_factory=list)
    unchanged: list[Taken] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def lines(self) -> list[str]:
        kinds = Counter(t.decision for t in self.stored)
        made = ", ".join(f"{kinds[k]} {k}" for k in DECISIONS if kinds[k]) or "none"
        out = [
            f"{self.path}: {len(self.stored)} decisions stored ({made}), "
            f"{len(self.unchanged)} already in effect, {len(self.refused)} refused"
        ]
        out += [f"{self.path}:{line}: {why}" for line, why in self.refused]
        return out

    def records(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "stored": [{"id": t.event_id, "decision": t.decision, "n": t.id} for t in self.stored],
            "unchanged": [{"id": t.event_id, "decision": t.decision} for t in self.unchanged],
            "refused": [{"line": line, "reason": why} for line, why in self.refused],
        }


def apply_file(db: DB, path: Path | str, reviewer: str | None = None) -> Applied:
    """Apply a CSV or JSON-lines file of decisions, row by row, in one transaction.

    `reviewer` (by default the user's login name) is recorded unless a row
    names its own. A file that cannot be read at all raises InputError.
    """
    source = Path(path)
    rows = list(read_decisions(source, reviewer or default_reviewer()))
    applied = Applied(source)
    now = _now()
    with opened(db, write=True) as store, store.transaction(bump=False) as con:
        for line, row in rows:
            if isinstance(row, str):
                applied.refused.append((line, row))
                continue
            try:
                taken = record(con, row, now)
            except (ReviewError, NotFoundError) as exc:
                applied.refused.append((line, str(exc)))
                continue
            (applied.unchanged if taken.unchanged else applied.stored).append(taken)
        if applied.stored:
            move_generation(con)
    log.info("%s", applied.lines()[0])
    return applied


def read_decisions(path: Path, reviewer: str) -> Iterator[tuple[int, Decision | str]]:
    """Each row of a decisions file with its line: a Decision, or why the row is refused.

    CSV for a `.csv` file, JSON lines for `.jsonl`, `.ndjson` or `.json`;
    otherwise a file whose first character is `{` is JSON lines.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read it ({exc.strerror or exc})") from None
    if b"\0" in raw:
        raise InputError(str(path), "binary file (contains NUL bytes), not a decisions file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path), f"not UTF-8 text (byte {exc.start}); save it as UTF-8 and apply it again"
        ) from None
    if not text.strip():
        raise InputError(str(path), "empty file: nothing to apply")
    suffix = path.suffix.lower()
    json_lines = suffix in (".jsonl", ".ndjson", ".json") or (
        suffix != ".csv" and text.lstrip().startswith("{")
    )
    rows = _json_rows(path, text) if json_lines else _csv_rows(path, text)
    for line, values in rows:
        yield line, values if isinstance(values, str) else _decision(values, reviewer)


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise InputError(str(path), f"no CSV header ({exc})") from None
    _check_columns(path, header)
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, f"malformed CSV ({exc})"
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield start, f"has {len(cells)} fields where the header has {len(header)}"
            continue
        yield start, dict(zip(header, cells, strict=True))


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        if len(content) > MAX_LINE:
            yield line, f"the line is {len(content):,} characters; at most {MAX_LINE:,}"
            continue
        try:
            values = json.loads(content)
        except json.JSONDecodeError as exc:
            yield line, f"not JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(values, dict):
            yield line, 'not a JSON object: write one {"id": ..., "decision": ...} per line'
            continue
        unknown = sorted(set(values) - set(COLUMNS))
        if unknown:
            yield line, f"unknown field {unknown[0]!r}: the fields are {', '.join(COLUMNS)}"
            continue
        wrong = [k for k, v in values.items() if v is not None and not isinstance(v, str)]
        if wrong:
            yield line, f"field {wrong[0]!r} is not a string: write it in quotes"
            continue
        yield line, values


def _check_columns(path: Path, header: list[str]) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(
            str(path), f"unknown column {unknown[0]!r}: the columns are {', '.join(COLUMNS)}"
        )
    for needed in ("id", "decision"):
        if needed not in header:
            raise InputError(str(path), f"no {needed!r} column: the columns are id, decision, ...")


def _decision(values: dict[str, Any], reviewer: str) -> Decision | str:
    event_id = str(values.get("id") or "").strip()
    if not event_id:
        return "no event id: give the id that `bloc events --format json` prints"
    if not str(values.get("decision") or "").strip():
        return f"no decision: use one of {', '.join(DECISIONS)}"
    return Decision(
        event_id=event_id,
        decision=str(values["decision"]),
        type=values.get("type"),
        mode=values.get("mode"),
        source=values.get("source"),
        target=values.get("target"),
        date=values.get("date"),
        note=values.get("note"),
        reviewer=str(values.get("reviewer") or "").strip() or reviewer,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# -- what is left to review ----------------------------------------------------


def unreviewed(
    db: DB = None,
    *,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
    alliance: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Events without a decision in effect, lowest confidence first, with their evidence.

    Coded and imported events only (curated ones are the knowledge base's);
    `alliance`: events of the alliance, its members past and present, or in its
    context; confidences bound inclusively. The origins of a View apply.
    Columns: id, date, date_precision, source, type, target, mode, alliance,
    confidence, origin, evidence (a list of {document, sentence, published, lang}).
    """
    where = ["e.decision IS NULL", "e.origin <> 'curated'"]
    params: list[Any] = []
    for bound, op in ((min_confidence, ">="), (max_confidence, "<=")):
        if bound is not None:
            if not 0.0 <= bound <= 1.0:
                raise BlocError(f"a confidence bound must lie between 0 and 1, not {bound}")
            where.append(f"coalesce(e.confidence, 1.0) {op} ?")
            params.append(bound)
    if alliance:
        al = bundled().alliance(alliance)
        actors = sorted({al.code, *(s.member for s in al.membership)})
        where.append("(e.alliance = ? OR list_contains(?, e.source) OR list_contains(?, e.target))")
        params += [al.code, actors, actors]
    top = f"LIMIT {int(limit)}" if limit else ""
    with opened(db) as store:
        where.append(origin_clause(store.origins))
        return store.query(
            f"""
            WITH chosen AS (
                SELECT * FROM {store.events_sql()} e WHERE {" AND ".join(where)}
                ORDER BY coalesce(e.confidence, 1.0), e.date, e.id {top}
            )
            SELECT e.id, e.date, e.date_precision, e.source, e.type, e.target, e.mode,
                   e.alliance, e.confidence, e.origin,
                   list({{'document': v.document, 'sentence': v.sentence,
                          'published': v.published, 'lang': d.lang}}
                        ORDER BY v.published, v.document, v.start) AS evidence
            FROM chosen e JOIN evidence v ON v.event_id = e.id
            LEFT JOIN documents d ON d.id = v.document
            GROUP BY ALL
            ORDER BY coalesce(any_value(e.confidence), 1.0), e.date, e.id
            """,
            params,
        )
