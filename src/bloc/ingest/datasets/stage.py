"""What every dataset's import shares: reading a file with DuckDB, and sorting its rows.

Each dataset's module reads its file into a table `raw` (`read_delimited`,
DuckDB's own CSV reader: a row DuckDB cannot read is rejected with its line
and why) and maps it to a table `staged`, one row per readable row:

    k (row number among the readable rows), row_id, date, precision,
    source_raw, target_raw (the dataset's own actor labels), source, target
    (bloc's codes, NULL when unmapped), code (the dataset's event code),
    known (the code is in the mapping file), type, mode (NULL type: no PLOVER
    counterpart), sentence, url, published, place, admin1, country, latitude,
    longitude, fatalities, sub_event_type (what the dataset says of the row beyond
    the event: the store's `dataset_rows`), problem (why the row is malformed)

`triage` then sorts the staged rows, each into one bucket: malformed,
unknown code, no PLOVER counterpart, one actor only, unmapped actor,
outside the actors kept, a repeated row id, or ready to store; and returns
the ready rows, in file order, as an Arrow table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from bloc.core.events import TYPE_INTENSITY
from bloc.ingest.datasets import actors
from bloc.store import document_prefix

MAX_EXAMPLES = 20  # malformed rows reported one by one, per file
EARLIEST_YEAR = 1900


@dataclass
class FileReport:
    """What happened to each row of one file."""

    path: str
    rows: int = 0  # data rows in the file, readable or not
    malformed: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why), the first few
    unknown_codes: Counter[str] = field(default_factory=Counter)
    no_counterpart: Counter[str] = field(default_factory=Counter)
    one_sided: int = 0  # a row naming one actor only
    unmapped_actors: Counter[str] = field(default_factory=Counter)  # by label, each side
    unmapped_rows: int = 0
    dropped: int = 0  # outside the actors kept (bloc import without --all)
    repeated: int = 0  # a row id seen earlier in the file
    ready: int = 0
    already: int = 0  # stored by an earlier import
    stored: int = 0  # rows stored now, as evidence
    events_new: int = 0
    events_merged: int = 0
    failed: str | None = None  # the whole file could not be read
    encoding: str | None = None  # what was assumed of a file that is not UTF-8
    seconds: float = 0.0
    rejected: list[tuple[int, str]] = field(default_factory=list, repr=False)  # DuckDB's
    changed: set[str] = field(default_factory=set, repr=False)  # events made or merged into
    watched: bool = field(default=False, repr=False)  # alert rules or deliveries await changes
    header_lines: int = field(default=0, repr=False)

    def record(self) -> dict[str, Any]:
        """JSON-ready: the counts, the codes and actors left out, the malformed lines."""
        return {
            "file": self.path,
            **{name: getattr(self, name) for name in _COUNTS},
            "unknown_codes": dict(self.unknown_codes),
            "no_counterpart": dict(self.no_counterpart),
            "unmapped_actors": dict(self.unmapped_actors),
            "problems": [{"line": line, "reason": why} for line, why in self.problems],
            "failed": self.failed,
            "encoding": self.encoding,
            "seconds": round(self.seconds, 3),
        }

    def lines(self, kind: str, keep_all: bool) -> list[str]:
        """What became of the file's rows, in a few lines (`kind`: what its codes are)."""
        if self.failed:
            return [f"{self.path}: {self.failed}"]
        lines = [
            f"{self.path}: {self.rows:,} rows, {self.stored:,} stored ({self.events_new:,} new "
            f"events, {self.events_merged:,} merged into events), {self.already:,} already "
            f"stored; {self.seconds:.2f}s",
            f"  left out: {self.malformed:,} malformed, {sum(self.unknown_codes.values()):,} "
            f"with an unknown code, {sum(self.no_counterpart.values()):,} with no PLOVER type, "
            f"{self.one_sided:,} with one actor only, {self.unmapped_rows:,} with an unmapped "
            f"actor, {self.dropped:,} outside the actors kept"
            f"{'' if keep_all else ' (--all keeps them)'}, {self.repeated:,} with a repeated "
            "row id",
        ]
        if self.encoding:
            lines.append(f"  {self.encoding}")
        lines += [f"  line {line}: {why}" for line, why in self.problems]
        if self.malformed > len(self.problems):
            lines.append(f"  ... and {self.malformed - len(self.problems):,} more malformed rows")
        if self.unknown_codes:
            lines.append(
                f"  unknown {kind}, not stored (add them to mappings.yaml): "
                + _top(self.unknown_codes)
            )
        if self.no_counterpart:
            lines.append(f"  {kind} with no PLOVER type: {_top(self.no_counterpart)}")
        if self.unmapped_actors:
            lines.append(f"  unmapped actors: {_top(self.unmapped_actors)}")
        return lines


_COUNTS = (
    "rows",
    "stored",
    "already",
    "malformed",
    "one_sided",
    "unmapped_rows",
    "dropped",
    "repeated",
    "events_new",
    "events_merged",
)


def _top(counts: Counter[str], n: int = 8) -> str:
    shown = ", ".join(f"{k} ({v:,})" for k, v in counts.most_common(n))
    more = len(counts) - n
    return shown + (f" and {more:,} more" if more > 0 else "")


def cleared(con: duckdb.DuckDBPyConnection) -> None:
    """Close a file's cursor on the import's in-memory database (`import_files`), dropping
    what its reader left there (its temporary tables go with the cursor), so the memory of
    a file read is given back before the next."""
    try:
        con.execute("DROP TABLE IF EXISTS raw")
        con.execute("DROP TABLE IF EXISTS staged")
    finally:
        con.close()


def header_names(path: Path, delimiter: str) -> list[str]:
    """The first line's column names, made unique (a repeated name gets a suffix)."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline().rstrip("\r\n")
    names: list[str] = []
    for raw in first.split(delimiter):
        name = raw.strip().strip('"') or f"column{len(names) + 1}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def column_key(name: str) -> str:
    """A header name as compared: letters and digits, lower case ('Event ID' -> 'eventid')."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def find_columns(
    names: list[str], wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, str]:
    """Each field's column in the header, by any of its names; a missing required one fails."""
    by_key = {column_key(n): n for n in names}
    found = {f: next((by_key[k] for k in keys if k in by_key), "") for f, keys in wanted.items()}
    missing = [f for f in required if not found[f]]
    if missing:
        looked = "; ".join(f"{f}: {', '.join(wanted[f])}" for f in missing)
        raise ValueError(f"the header has no column for {', '.join(missing)} (looked for {looked})")
    return found


def read_delimited(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    columns: list[str],
    *,
    delimiter: str,
    header: bool,
    quote: str,
    report: FileReport,
    used: list[str] | None = None,
) -> None:
    """Read `path` into the table `raw` (every column text), reporting rows DuckDB rejects.

    With `used`, only those columns are kept in `raw`: every row is still read and checked
    whole (its columns counted, a bad one rejected), but the columns no one reads are not
    copied (for GDELT's 61, half the read's time)."""
    kept = ", ".join(column_ref(c) for c in used) if used else "*"
    con.execute(
        f"CREATE OR REPLACE TABLE raw AS SELECT {kept} FROM read_csv($path, delim = $delim, "
        "header = $header, columns = $columns, quote = $quote, escape = $quote, "
        "auto_detect = false, ignore_errors = true, store_rejects = true, "
        "rejects_table = 'rejects', rejects_scan = 'reject_scans', null_padding = false, "
        "strict_mode = true)",
        {
            "path": str(path),
            "delim": delimiter,
            "header": header,
            "columns": dict.fromkeys(columns, "VARCHAR"),
            "quote": quote,
        },
    )
    rejected = con.execute(
        "SELECT line, error_type, error_message FROM rejects ORDER BY line"
    ).fetchall()
    reasons: dict[int, str] = {}
    for line, kind, message in rejected:  # one line can fail in several columns: once
        reasons.setdefault(int(line), _rejected(str(kind), str(message), len(columns)))
    report.rows = count(con, "SELECT count(*) FROM raw") + len(reasons)
    report.rejected = sorted(reasons.items())
    report.header_lines = 1 if header else 0


def _rejected(kind: str, message: str, columns: int) -> str:
    found = re.search(r"Found:?\s*(\d+)", message)
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS") and found:
        return f"has {found.group(1)} columns where the format has {columns}"
    if kind == "INVALID ENCODING":
        return "is not valid UTF-8"
    return f"cannot be read ({kind.lower()}: {message.splitlines()[0][:120]})"


def line_of(report: FileReport, k: np.ndarray) -> np.ndarray:
    """The file line of readable rows numbered k (1-based), the rejected lines skipped."""
    header = report.header_lines
    rejected = np.asarray([line for line, _ in report.rejected], dtype=np.int64) - header
    shifted = rejected - np.arange(len(rejected))  # readable rows before each rejected line
    return k + header + np.searchsorted(shifted, k, side="right")


ROW_EVENTS = ("acled", "polecat")
"""Datasets whose rows are events (one place, one day, one type), not reports of one."""


def triage(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    report: FileReport,
    keep_all: bool,
    merge_reports: bool = False,
    overrides: dict[str, str] | None = None,
) -> pa.Table:
    """Sort the staged rows into their buckets; the ready ones, in file order, to store.

    Each ready row carries `merge_key`, what rows must share beyond source, target,
    type and date to be one event, and `alone` (merged with nothing: a row that is an
    event of its own, unless `merge_reports` asks to merge the day-precise ones with
    reports of the same happening, same actors, type, place and day). GDELT's rows
    are reports: they merge, but only with those of the same mode and place.
    """
    # Malformed: the rows DuckDB rejected, and the readable rows with unusable values;
    # the first MAX_EXAMPLES of them by line are reported one by one.
    unusable = count(con, "SELECT count(*) FROM staged WHERE problem IS NOT NULL")
    first = con.execute(
        "SELECT k, problem FROM staged WHERE problem IS NOT NULL ORDER BY k LIMIT $n",
        {"n": MAX_EXAMPLES},
    ).fetchnumpy()
    lines = line_of(report, np.asarray(first["k"], dtype=np.int64)).tolist()
    found = [(int(n), str(why)) for n, why in zip(lines, first["problem"].tolist(), strict=True)]
    report.malformed = len(report.rejected) + unusable
    report.problems = sorted(report.rejected + found)[:MAX_EXAMPLES]
    if overrides:  # the user's own mappings (bloc.ingest.datasets.overrides) come first
        text_table(con, "user_actors", {"label": list(overrides), "code": list(overrides.values())})
        for side in ("source", "target"):
            con.execute(
                f"UPDATE staged SET {side} = u.code FROM user_actors u "
                f"WHERE staged.{side}_raw = u.label"
            )
        con.execute("DROP TABLE user_actors")
    con.execute("CREATE OR REPLACE TEMP VIEW usable AS SELECT * FROM staged WHERE problem IS NULL")
    for code, n in con.execute(
        "SELECT code, count(*) FROM usable WHERE NOT known GROUP BY code ORDER BY 2 DESC, 1"
    ).fetchall():
        report.unknown_codes[str(code)] = int(n)
    for code, n in con.execute(
        "SELECT code, count(*) FROM usable WHERE known AND type IS NULL GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall():
        report.no_counterpart[str(code)] = int(n)
    con.execute("CREATE OR REPLACE TEMP VIEW typed AS SELECT * FROM usable WHERE type IS NOT NULL")
    report.one_sided = count(
        con, "SELECT count(*) FROM typed WHERE source_raw = '' OR target_raw = ''"
    )
    two = "source_raw <> '' AND target_raw <> ''"
    for label, n in con.execute(
        f"SELECT label, count(*) FROM (SELECT source_raw AS label FROM typed WHERE {two} AND "
        f"source IS NULL UNION ALL SELECT target_raw FROM typed WHERE {two} AND target IS NULL) "
        "GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall():
        report.unmapped_actors[str(label)] = int(n)
    report.unmapped_rows = count(
        con, f"SELECT count(*) FROM typed WHERE {two} AND (source IS NULL OR target IS NULL)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mapped AS SELECT *, list_contains($keep, source) OR "
        "list_contains($keep, target) AS wanted FROM typed "
        "WHERE source IS NOT NULL AND target IS NOT NULL",
        {"keep": sorted(actors.kept())},
    )
    report.dropped = count(
        con, "SELECT count(*) FROM mapped WHERE NOT wanted AND NOT $all", {"all": keep_all}
    )
    ready: pa.Table = con.sql(
        """
        WITH kept AS (SELECT * FROM mapped WHERE wanted OR $all),
        firsts AS (SELECT * FROM kept
                   QUALIFY row_number() OVER (PARTITION BY row_id ORDER BY k) = 1)
        , keyed AS (SELECT *, $prefix || row_id AS document,
                   nullif(coalesce(place, '') || '|' || coalesce(admin1, ''), '|') AS place_key,
                   $rows AND NOT ($merge AND precision = 'day') AS alone FROM firsts)
        SELECT f.k, f.document, $dataset || '-' || f.row_id AS new_id,
               f.date, f.precision, f.source, f.target, f.type, f.mode,
               CASE WHEN list_contains($alliances, f.target) THEN f.target
                    WHEN list_contains($alliances, f.source) THEN f.source END AS alliance,
               $intensity[list_position($types, f.type)] AS intensity,
               f.sentence, f.url, f.published,
               CASE WHEN f.alone THEN f.document WHEN $rows THEN coalesce(f.place_key, '')
                    ELSE coalesce(f.mode, '') || '|' || coalesce(f.place_key, '') END
                 AS merge_key,
               f.alone, f.place_key, f.place, f.admin1, f.country, f.latitude, f.longitude,
               f.fatalities, f.sub_event_type
        FROM keyed f ORDER BY f.k
        """,
        params={
            "all": keep_all,
            "rows": dataset in ROW_EVENTS,
            "merge": merge_reports,
            "prefix": document_prefix(dataset),
            "dataset": dataset,
            "alliances": sorted(actors.alliances()),
            "types": list(TYPE_INTENSITY),
            "intensity": list(TYPE_INTENSITY.values()),
        },
    ).to_arrow_table()
    kept_rows = count(con, "SELECT count(*) FROM mapped WHERE wanted OR $all", {"all": keep_all})
    report.repeated = kept_rows - ready.num_rows
    report.ready = ready.num_rows
    return ready


def count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> int:
    """The one number a query gives (its result read to the end, as DuckDB asks)."""
    rows = con.execute(sql, params or {}).fetchall()
    return int(rows[0][0]) if rows else 0


def text_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[Any]]) -> None:
    """A temp table of text columns (each a list of str or None, all of one length), made
    by DuckDB from the lists as parameters. Not through Arrow: pyarrow imports pandas (a
    fifth of a second) on its first array made from Python objects, more than a small
    file's whole import."""
    names = list(columns)
    select = ", ".join(
        f"unnest(${i + 1}::VARCHAR[]) AS {column_ref(c)}" for i, c in enumerate(names)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", [columns[c] for c in names]
    )


def column_ref(name: str) -> str:
    """A column of `raw`, quoted."""
    return '"' + name.replace('"', '""') + '"'


def quoted(column: str) -> str:
    """SQL: a column's text quoted for a message, cut to 40 characters."""
    return f"'''' || left({column_ref(column)}, 40) || ''''"


def date_problems(column: str, parsed: str, formats: str) -> str:
    """SQL `WHEN ... THEN ...` clauses: why a date column of `raw` is unusable.

    `parsed` is the column parsed as a DATE (NULL when it does not parse).
    """
    raw = column_ref(column)
    return (
        f"WHEN {raw} IS NULL OR trim({raw}) = '' THEN '{column} is empty' "
        f"WHEN {parsed} IS NULL THEN '{column} ' || {quoted(column)} "
        f"|| ' is not a date ({formats})' "
        f"WHEN year({parsed}) < {EARLIEST_YEAR} OR {parsed} > current_date + 2 "
        f"THEN '{column} ' || strftime({parsed}, '%Y-%m-%d') || ' is out of range' "
    )


def id_problems(column: str, pattern: str, what: str) -> str:
    """SQL `WHEN ... THEN ...` clauses: why a row id column of `raw` is unusable."""
    raw = column_ref(column)
    return (
        f"WHEN {raw} IS NULL OR trim({raw}) = '' THEN '{column} is empty' "
        f"WHEN NOT regexp_full_match({raw}, '{pattern}') "
        f"THEN '{column} ' || {quoted(column)} || ' is not {what}' "
    )
