"""GDELT 2.0 event exports: 61 tab-separated columns, no header, CAMEO-coded.

The format followed is the GDELT 2.0 Event Database export (the
`YYYYMMDDHHMMSS.export.CSV` files of the 15-minute updates and the daily
files), as its codebook (GDELT-Event_Codebook-V2.0) lays the columns out.
Each row is one GDELT event: its actors by CAMEO actor code, what happened by
CAMEO event code, the date it happened (SQLDATE), the date GDELT added it
(DATEADDED) and the article it was first found in (SOURCEURL).
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb

from bloc.ingest.datasets import actors
from bloc.ingest.datasets.mappings import mappings
from bloc.ingest.datasets.stage import (
    FileReport,
    date_problems,
    id_problems,
    read_delimited,
    text_table,
)

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

COLUMNS: list[str] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
]
assert len(COLUMNS) == 61

COLUMNS_1: list[str] = [c for c in COLUMNS if not c.endswith("ADM2Code")]
"""GDELT 1.0's daily event files: the same columns without the three ADM2 codes (58),
and without SOURCEURL (57) before April 2013; DATEADDED is a day (YYYYMMDD)."""
assert len(COLUMNS_1) == 58


_SIDE = ("Code", "Name", "CountryCode", "KnownGroupCode", "Type1Code", "Type2Code",
         "Type3Code")  # fmt: skip


USED: list[str] = [
    "GLOBALEVENTID",
    "SQLDATE",
    *(f"Actor{n}{c}" for n in (1, 2) for c in _SIDE),
    "EventCode",
    "NumArticles",
    "NumSources",
    *(f"ActionGeo_{c}" for c in ("FullName", "ADM1Code", "CountryCode", "Lat", "Long")),
    "DATEADDED",
    "SOURCEURL",
]
"""The columns `stage` reads: the only ones kept of a file's rows."""


def _actor_table(con: duckdb.DuckDBPyConnection) -> None:
    """Each distinct actor of the file, mapped once in Python (`actor_map`: the actor's
    columns, empty for none, and its bloc code), to be joined column by column."""
    sides = [", ".join(f"Actor{n}{c}" for c in _SIDE) for n in (1, 2)]
    rows = con.execute(
        f"SELECT DISTINCT * FROM (SELECT {sides[0]} FROM raw UNION ALL SELECT {sides[1]} FROM raw)"
    ).fetchall()
    mapped: dict[tuple[str, ...], str | None] = {}
    for row in rows:
        key = tuple(x or "" for x in row)
        if key not in mapped:
            mapped[key] = _mapped(key)
    columns = list(zip(*mapped, strict=True)) if mapped else [()] * len(_SIDE)
    text_table(
        con,
        "actor_map",
        {
            **{c: list(values) for c, values in zip(_SIDE, columns, strict=True)},
            "bloc": list(mapped.values()),
        },
    )


@functools.lru_cache(maxsize=1 << 16)
def _mapped(key: tuple[str, ...]) -> str | None:
    """The bloc code of a GDELT actor given by its columns (`_SIDE`, empty for none: the
    mapping reads an empty column as a missing one), kept for the process: the files of a
    batch (a day's 15-minute exports) name mostly the same actors."""
    code, name, country, group, *types = key
    return actors.gdelt_actor(mappings(), code, name, country, group, tuple(types))


def _code_table(con: duckdb.DuckDBPyConnection) -> None:
    m = mappings()
    text_table(
        con,
        "code_map",
        {
            "code": list(m.cameo),
            "type": [v[0] if v else None for v in m.cameo.values()],
            "mode": [v[1] if v else None for v in m.cameo.values()],
        },
    )


def _same_actor(alias: str, side: str) -> str:
    """SQL: the `actor_map` row `alias` is the actor of `side` (Actor1 or Actor2) of `r`."""
    return " AND ".join(f"{alias}.{c} = coalesce(r.{side}{c}, '')" for c in _SIDE)


def stage_v1(con: duckdb.DuckDBPyConnection, path: Path, report: FileReport) -> None:
    """Read a GDELT 1.0 daily events file into `staged` (57 or 58 columns, by its first line)."""
    with path.open("rb") as handle:
        width = handle.readline().count(b"\t") + 1
    columns = COLUMNS_1 if width == len(COLUMNS_1) else COLUMNS_1[:-1]
    stage(con, path, report, columns)


def stage(
    con: duckdb.DuckDBPyConnection, path: Path, report: FileReport, columns: list[str] = COLUMNS
) -> None:
    """Read a GDELT 2.0 export (or, given its columns, a 1.0 file) into `staged` (see
    bloc.ingest.datasets.stage)."""
    used = [c for c in USED if c in columns]
    read_delimited(
        con, path, columns, delimiter="\t", header=False, quote="", report=report, used=used
    )
    if "SOURCEURL" not in columns:
        con.execute("ALTER TABLE raw ADD COLUMN SOURCEURL VARCHAR")
    _actor_table(con)
    _code_table(con)
    day = "try_strptime(r.SQLDATE, '%Y%m%d')::DATE"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE staged AS
        SELECT r.rowid + 1 AS k, r.GLOBALEVENTID AS row_id, {day} AS date, 'day' AS precision,
               coalesce(r.Actor1Code, '') AS source_raw, coalesce(r.Actor2Code, '') AS target_raw,
               a1.bloc AS source, a2.bloc AS target,
               coalesce(r.EventCode, '') AS code, c.code IS NOT NULL AS known, c.type, c.mode,
               'GDELT event ' || r.GLOBALEVENTID || ', CAMEO ' || coalesce(r.EventCode, '?')
                 || ': ' || coalesce(r.Actor1Name, r.Actor1Code, '?')
                 || ' (' || coalesce(r.Actor1Code, '?') || ') toward '
                 || coalesce(r.Actor2Name, r.Actor2Code, '?')
                 || ' (' || coalesce(r.Actor2Code, '?') || ') on ' || coalesce(r.SQLDATE, '?')
                 || ', in ' || coalesce(r.NumArticles, '?') || ' articles from '
                 || coalesce(r.NumSources, '?') || ' sources' AS sentence,
               r.SOURCEURL AS url,
               coalesce(try_strptime(r.DATEADDED, ['%Y%m%d%H%M%S', '%Y%m%d'])::DATE, {day})
                 AS published,
               r.ActionGeo_FullName AS place, r.ActionGeo_ADM1Code AS admin1,
               r.ActionGeo_CountryCode AS country,
               TRY_CAST(r.ActionGeo_Lat AS DOUBLE) AS latitude,
               TRY_CAST(r.ActionGeo_Long AS DOUBLE) AS longitude,
               NULL::INTEGER AS fatalities, NULL::VARCHAR AS sub_event_type,
               CASE {id_problems("GLOBALEVENTID", "[0-9]+", "a number")}
                    {date_problems("SQLDATE", day, "YYYYMMDD")}
                    WHEN r.EventCode IS NULL THEN 'EventCode is empty' END AS problem
        FROM raw r
        LEFT JOIN actor_map a1 ON {_same_actor("a1", "Actor1")}
        LEFT JOIN actor_map a2 ON {_same_actor("a2", "Actor2")}
        LEFT JOIN code_map c ON c.code = r.EventCode
        """
    )
