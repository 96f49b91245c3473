"""UN General Assembly roll calls (`bloc import unvotes`): Voeten's data, in two layouts.

- the `unvotes` layout (three CSV files, gzipped or not): `un_votes` (rcid,
  country, country_code, vote as yes/no/abstain), `un_roll_calls` (rcid,
  session, importantvote, date, unres, amend, para, short, descr) and
  `un_roll_call_issues` (rcid, short_name, issue); the votes and the roll calls
  are imported together (a votes file alone takes the roll calls already stored);
- Voeten's own `UNVotes.csv` (one row per roll call and state: rcid, ccode,
  vote coded 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member, with the roll
  call's session, date, unres, short, descr and the topic flags me..ec), as
  the Dataverse codebook of the 2021 release describes it.

Files are read by DuckDB into memory (every column as text, so one bad value
is a listed skip rather than a failed file), checked, their states mapped to
bloc's codes (`unvotes_states`), and written to the store in one transaction
(`bloc.store.votes`): re-running changes nothing, a newer file replaces the
roll calls it revises, and a failed import leaves the store as it was.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from bloc.errors import BlocError
from bloc.ingest.datasets.unvotes_report import SHOWN, VotesImport
from bloc.ingest.datasets.unvotes_states import state_code
from bloc.store import View, opened
from bloc.store.votes import counts, stored_dates, write_roll_calls

LAYOUTS: dict[str, tuple[str, ...]] = {  # the first whose columns a file has
    "voeten": ("rcid", "ccode", "vote"),
    "votes": ("rcid", "country", "country_code", "vote"),
    "roll calls": ("rcid", "session", "date", "unres", "short", "descr"),
    "issues": ("rcid", "short_name"),
}
VOTE_WORDS = {"yes": "yes", "no": "no", "abstain": "abstain"}
VOETEN_CODES = {"1": "yes", "2": "abstain", "3": "no", "8": None, "9": None}
"""Voeten's codebook: 8 (absent) and 9 (not a member) are no vote, so no row."""
TOPICS = ("me", "nu", "di", "hr", "co", "ec")


def header(path: Path) -> list[str]:
    """The first line's column names (a gzipped file read as such, whatever its name)."""
    with path.open("rb") as raw:
        magic = raw.read(2)
    opener: Any = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        first = fh.readline()
    return [c.strip().strip('"').lower() for c in next(csv.reader(io.StringIO(first)), [])]


def layout_of(columns: list[str]) -> str | None:
    have = set(columns)
    for name, needed in LAYOUTS.items():
        if set(needed) <= have:
            return name
    return None


def _read(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    """The file as text columns named in lower case, with each row's line (the header is 1)."""
    source = (
        "read_csv(?, header = true, all_varchar = true, compression = 'auto', parallel = false)"
    )
    names = [
        str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {source}", [str(path)]).fetchall()
    ]
    columns = ", ".join(
        '"' + n.replace('"', '""') + '" AS "' + n.lower().replace('"', "") + '"' for n in names
    )
    con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT row_number() OVER () + 1 AS line, {columns} "
        f"FROM {source}",
        [str(path)],
    )
    row = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
    return int(row[0]) if row else 0


def import_unvotes(paths: Iterable[Path | str], db: Path | str | View | None = None) -> VotesImport:
    """Import UN General Assembly roll-call files into the store (`bloc import unvotes`)."""
    began = time.perf_counter()
    report = VotesImport()
    con = duckdb.connect()
    try:
        _import(con, [Path(p) for p in paths], db, report)
    except duckdb.Error as exc:
        raise BlocError(
            f"the UN votes import failed ({str(exc).strip().splitlines()[0][:300]}); the store "
            "is as it was: check the files' layout (docs/datasets.md) and run it again"
        ) from None
    finally:
        con.close()
    report.seconds = time.perf_counter() - began
    return report


def _import(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    db: Path | str | View | None,
    report: VotesImport,
) -> None:
    """Classify, stage, check and write: the steps of one import."""
    found = _classify(con, paths, report)
    if found:
        _stage(con, found, report)
        with opened(db, write=True) as store:
            if "votes" in found and "roll calls" not in found:
                _dated_from_store(con, store, report)
            if not {"issues", "voeten"} & set(found):
                _topics_from_store(con, store)
            calls, votes = _finish(con, report)
            written = write_roll_calls(store, calls, votes)
            report.new, report.revised = written.new, written.revised
            report.unchanged = written.unchanged
            report.stored_roll_calls, report.stored_votes = counts(store)


def _classify(
    con: duckdb.DuckDBPyConnection, paths: list[Path], report: VotesImport
) -> dict[str, list[tuple[str, str]]]:
    """Each file read into a table by its layout; one of another layout reported and left."""
    found: dict[str, list[tuple[str, str]]] = {}
    paths = list(dict.fromkeys(paths))  # a file given twice is read once
    for i, path in enumerate(paths):
        entry: dict[str, Any] = {"path": str(path), "layout": None, "rows": 0, "failed": None}
        report.files.append(entry)
        try:
            columns = header(path)
            layout = layout_of(columns)
            if layout is None:
                expected = "; ".join(", ".join(c) for c in LAYOUTS.values())
                raise ValueError(
                    f"its columns ({', '.join(columns[:8]) or 'none'}) are of no UN votes "
                    f"layout bloc reads (it needs one of: {expected})"
                )
            entry["layout"] = layout
            table = f"f{i}"
            entry["rows"] = _read(con, table, path)
        except (OSError, ValueError, UnicodeError, duckdb.Error) as exc:
            entry["failed"] = str(exc).strip().splitlines()[0][:300] if str(exc) else repr(exc)
            continue
        found.setdefault(layout, []).append((table, str(path)))
    if "roll calls" in found and "votes" not in found:
        for entry in report.files:
            if entry["layout"] == "roll calls":
                entry["failed"] = "a roll calls file needs its votes file in the same import"
        found.pop("roll calls")
    if "issues" in found and not {"votes", "voeten"} & set(found):
        found.pop("issues")
    return found


CALL_COLUMNS = (
    "rcid",
    "session",
    "date",
    "unres",
    "importantvote",
    "amend",
    "para",
    "short",
    "descr",
)


EMPTY_CALLS = (
    "SELECT NULL::VARCHAR AS file, NULL::BIGINT AS line, "
    + ", ".join(f"NULL::VARCHAR AS {c}" for c in CALL_COLUMNS)
    + ", NULL::VARCHAR[] AS flags LIMIT 0"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _have(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {str(r[0]) for r in con.execute(f"DESCRIBE {table}").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str, wanted: tuple[str, ...]) -> str:
    """The wanted columns of a staged file, NULL for those it lacks."""
    have = _have(con, table)
    return ", ".join(f'"{c}"' if c in have else f'NULL::VARCHAR AS "{c}"' for c in wanted)


def _union(found: dict[str, list[tuple[str, str]]], layout: str, columns: str) -> str:
    parts = [
        f"SELECT {_quote(name)} AS file, line, {columns} FROM {table}"
        for table, name in found.get(layout, [])
    ]
    return " UNION ALL ".join(parts)


def _stage(
    con: duckdb.DuckDBPyConnection, found: dict[str, list[tuple[str, str]]], report: VotesImport
) -> None:
    """Every file's rows in two tables, `calls` and `cast`, before checks and mapping."""
    selects = []
    for table, name in found.get("roll calls", []):
        cols = _columns(con, table, CALL_COLUMNS)
        selects.append(
            f"SELECT {_quote(name)} AS file, line, {cols}, NULL::VARCHAR[] AS flags FROM {table}"
        )
    for table, name in found.get("voeten", []):
        have = _have(con, table)
        flags = "[" + ", ".join(f"CASE WHEN {t} = '1' THEN '{t}' END" for t in TOPICS) + "]"
        topic = flags if set(TOPICS) <= have else "NULL::VARCHAR[]"
        selects.append(
            f"SELECT DISTINCT ON (rcid) {_quote(name)} AS file, line, "
            f"{_columns(con, table, CALL_COLUMNS)}, {topic} AS flags FROM {table} "
            "ORDER BY rcid, line"
        )
    con.execute(f"CREATE TEMP TABLE calls AS {' UNION ALL '.join(selects) or EMPTY_CALLS}")
    issues = _union(found, "issues", "rcid, short_name")
    con.execute(
        "CREATE TEMP TABLE issues AS "
        + (
            issues
            or "SELECT NULL::VARCHAR AS file, NULL::BIGINT AS line, "
            "NULL::VARCHAR AS rcid, NULL::VARCHAR AS short_name LIMIT 0"
        )
    )
    cast = []
    if "votes" in found:
        cast.append(_union(found, "votes", "rcid, country, country_code, NULL AS ccode, vote"))
    for table, name in found.get("voeten", []):
        have = _have(con, table)
        # The name, not `Country`: that three-letter code is not ISO's (AUS may be Austria).
        country = "countryname" if "countryname" in have else "NULL"
        cast.append(
            f"SELECT {_quote(name)} AS file, line, rcid, {country} AS country, "
            f"NULL AS country_code, ccode, vote FROM {table}"
        )
    con.execute(f"CREATE TEMP TABLE cast_raw AS {' UNION ALL '.join(cast)}")
    row = con.execute("SELECT count(*) FROM calls").fetchall()[0]
    report.roll_calls = int(row[0]) if row else 0
    row = con.execute("SELECT count(*) FROM cast_raw").fetchall()[0]
    report.votes = int(row[0]) if row else 0


def _dated_from_store(con: duckdb.DuckDBPyConnection, store: Any, report: VotesImport) -> None:
    """A votes file alone: its roll calls as the store holds them."""
    rcids = [str(r[0]) for r in con.execute("SELECT DISTINCT rcid FROM cast_raw").fetchall()]
    stored = stored_dates(store, rcids)
    con.register("stored_calls", stored)
    con.execute(
        "INSERT INTO calls SELECT 'the store', 0, rcid, session::VARCHAR, date::DATE::VARCHAR, "
        "resolution, important::INT::VARCHAR, amend::INT::VARCHAR, para::INT::VARCHAR, short, "
        "descr, topics FROM stored_calls"
    )
    con.unregister("stored_calls")


def _topics_from_store(con: duckdb.DuckDBPyConnection, store: Any) -> None:
    """No topics file in this import: roll calls already stored keep the topics they have."""
    rcids = [str(r[0]) for r in con.execute("SELECT DISTINCT rcid FROM calls").fetchall()]
    stored = stored_dates(store, rcids)[["rcid", "topics"]]
    con.register("stored_topics", stored)
    con.execute("INSERT INTO issues SELECT 'the store', 0, rcid, unnest(topics) FROM stored_topics")
    con.unregister("stored_topics")


def _finish(con: duckdb.DuckDBPyConnection, report: VotesImport) -> tuple[Any, Any]:
    """Checks (dates, vote codes, states), mapping, digests: the rows ready to store."""
    for file, line, rcid in con.execute(
        "SELECT file, line, rcid FROM calls WHERE try_cast(date AS DATE) IS NULL "
        "ORDER BY file, line"
    ).fetchall():
        report.skip(file, int(line), "roll call without a date: rcid", rcid)
    con.execute("DELETE FROM calls WHERE try_cast(date AS DATE) IS NULL")
    words = ", ".join(f"'{w}'" for w in VOTE_WORDS)
    codes = ", ".join(f"'{c}'" for c in VOETEN_CODES)
    con.execute(
        f"""
        CREATE TEMP TABLE cast_ok AS
        SELECT file, line, rcid, vote, country, country_code, ccode,
               concat_ws('|', coalesce(country, ''), coalesce(country_code, ''),
                         coalesce(ccode, '')) AS skey,
               CASE WHEN ccode IS NULL THEN lower(trim(vote))
                       WHEN trim(vote) = '1' THEN 'yes' WHEN trim(vote) = '2' THEN 'abstain'
                       WHEN trim(vote) = '3' THEN 'no' END AS word,
               CASE WHEN ccode IS NULL THEN lower(trim(vote)) IN ({words})
                    ELSE trim(vote) IN ({codes}) END AS known,
               rcid IN (SELECT rcid FROM calls) AS dated
        FROM cast_raw
        """
    )
    bad = con.execute(
        "SELECT file, line, vote FROM cast_ok WHERE known IS NOT TRUE ORDER BY file, line"
    ).fetchall()
    for file, line, vote in bad[:SHOWN]:
        report.skip(file, int(line), "vote code outside the known set:", vote)
    report.skipped += max(0, len(bad) - SHOWN)
    for file, line, rcid in con.execute(
        "SELECT file, min(line), rcid FROM cast_ok WHERE known AND NOT dated GROUP BY file, rcid "
        "ORDER BY 1, 2"
    ).fetchall():
        report.skip(file, int(line), "vote on a roll call with no dated row: rcid", rcid)
    states = con.execute(
        "SELECT DISTINCT skey, country, country_code, ccode FROM cast_ok WHERE known AND dated"
    ).fetchall()
    mapping = [(k, state_code(a, b, c)) for k, a, b, c in states]
    con.execute("CREATE TEMP TABLE states (skey VARCHAR, member VARCHAR)")
    if mapping:
        con.executemany("INSERT INTO states VALUES (?, ?)", mapping)
    for file, line, country, code, n in con.execute(
        """
        SELECT c.file, min(c.line), c.country, coalesce(c.country_code, c.ccode), count(*)
        FROM cast_ok c JOIN states s USING (skey)
        WHERE s.member IS NULL AND c.known AND c.dated GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall():
        report.skip(file, int(line), "unknown state:", f"{country} ({code})")
        report.skipped += int(n) - 1
        report.unmapped[f"{country} ({code})"] = report.unmapped.get(f"{country} ({code})", 0) + n
    con.execute(
        """
        CREATE TEMP TABLE ready_votes AS
        SELECT c.rcid, s.member, c.word AS vote
        FROM cast_ok c JOIN states s USING (skey)
        WHERE c.known AND c.dated AND s.member IS NOT NULL AND c.word IS NOT NULL
        """
    )
    calls = con.sql(
        """
        WITH topics AS (
            SELECT rcid, list(DISTINCT short_name ORDER BY short_name) AS topics
            FROM issues GROUP BY rcid),
        digests AS (
            SELECT rcid, md5(string_agg(member || ':' || vote, ',' ORDER BY member)) AS d
            FROM ready_votes GROUP BY rcid),
        one AS (SELECT DISTINCT ON (rcid) * FROM calls ORDER BY rcid, line DESC)
        SELECT o.rcid, try_cast(o.session AS INTEGER) AS session, o.date::DATE AS date,
               nullif(trim(o.unres), '') AS resolution,
               try_cast(o.importantvote AS INT) = 1 AS important,
               try_cast(o.amend AS INT) = 1 AS amend, try_cast(o.para AS INT) = 1 AS para,
               o.short, o.descr,
               coalesce(t.topics, list_filter(o.flags, lambda x: x IS NOT NULL), []) AS topics,
               'unvotes' AS origin, ['voeten-unvotes'] AS cite,
               md5(concat_ws('|', o.session, o.date::DATE, o.unres, o.short, o.descr,
                   array_to_string(coalesce(t.topics,
                       list_filter(o.flags, lambda x: x IS NOT NULL), []), ','),
                   d.d)) AS digest
        FROM one o LEFT JOIN topics t USING (rcid) LEFT JOIN digests d USING (rcid)
        """
    ).to_arrow_table()
    votes = con.sql("SELECT rcid, member, vote FROM ready_votes").to_arrow_table()
    return calls, votes
