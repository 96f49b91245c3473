"""ACLED exports: comma-separated with a header, one event per row.

The format followed is the CSV that ACLED's data export tool and API give
(the columns of the 2023 codebook: event_id_cnty, event_date, year,
time_precision, disorder_type, event_type, sub_event_type, actor1,
assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
civilian_targeting, iso, region, country, admin1..3, location, latitude,
longitude, geo_precision, source, source_scale, notes, fatalities, tags,
timestamp). Columns are found by their header name; event dates are read as
ISO dates or as ACLED's older "13 September 2022". A time precision of 2 or
3 (ACLED knows only the week or the month) gives a week- or month-precise
date. Each row is one event (a place, a day, a sub-event type): its place,
first administrative area, coordinates, fatalities and sub-event type are kept
(the store's `dataset_rows`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bloc.ingest.datasets import actors
from bloc.ingest.datasets.mappings import mappings
from bloc.ingest.datasets.stage import (
    FileReport,
    column_ref,
    date_problems,
    find_columns,
    header_names,
    id_problems,
    read_delimited,
    text_table,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("eventidcnty", "eventid", "dataid"),
    "date": ("eventdate", "date"),
    "precision": ("timeprecision",),
    "type": ("eventtype",),
    "subtype": ("subeventtype",),
    "actor1": ("actor1",),
    "actor2": ("actor2",),
    "fatalities": ("fatalities",),
    "timestamp": ("timestamp",),
    "country": ("country",),
    "inter1": ("inter1",),
    "inter2": ("inter2",),
    "admin1": ("admin1",),
    "location": ("location",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
}
REQUIRED = ("id", "date", "type", "subtype", "actor1", "actor2")
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"]


def _col(found: dict[str, str], field: str) -> str:
    return f"r.{column_ref(found[field])}" if found[field] else "NULL"


def stage(con: duckdb.DuckDBPyConnection, path: Path, report: FileReport) -> None:
    """Read an ACLED CSV into `staged` (see bloc.ingest.datasets.stage)."""
    names = header_names(path, ",")
    found = find_columns(names, COLUMNS, REQUIRED)
    read_delimited(con, path, names, delimiter=",", header=True, quote='"', report=report)
    m = mappings()
    sides = con.execute(
        f"SELECT DISTINCT a, t, c FROM (SELECT trim({_col(found, 'actor1')}) AS a, "
        f"trim({_col(found, 'inter1')}) AS t, trim({_col(found, 'country')}) AS c FROM raw r "
        f"UNION ALL SELECT trim({_col(found, 'actor2')}), trim({_col(found, 'inter2')}), "
        f"trim({_col(found, 'country')}) FROM raw r) WHERE a <> ''"
    ).fetchall()
    text_table(
        con,
        "actor_map",
        {
            "key": [f"{a}|{t or ''}|{c or ''}" for a, t, c in sides],
            "bloc": [actors.acled_actor(m, a, t, c) for a, t, c in sides],
        },
    )
    text_table(
        con,
        "code_map",
        {
            "code": [f"{t}: {s}" for t, s in m.acled],
            "type": [v[0] if v else None for v in m.acled.values()],
            "mode": [v[1] if v else None for v in m.acled.values()],
        },
    )
    day = f"try_strptime(trim({_col(found, 'date')}), {DATE_FORMATS!r})::DATE"
    code = (
        f"trim(coalesce({_col(found, 'type')}, '')) || ': ' "
        f"|| trim(coalesce({_col(found, 'subtype')}, ''))"
    )
    actor1, actor2 = (f"trim(coalesce({_col(found, a)}, ''))" for a in ("actor1", "actor2"))
    precision = f"trim(coalesce({_col(found, 'precision')}, '1'))"

    def key(n: int) -> str:
        return (
            f"trim(coalesce({_col(found, f'actor{n}')}, '')) || '|' "
            f"|| trim(coalesce({_col(found, f'inter{n}')}, '')) || '|' "
            f"|| trim(coalesce({_col(found, 'country')}, ''))"
        )

    stamp = f"to_timestamp(TRY_CAST({_col(found, 'timestamp')} AS BIGINT))::DATE"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE staged AS
        SELECT r.rowid + 1 AS k, trim({_col(found, "id")}) AS row_id, {day} AS date,
               CASE {precision} WHEN '2' THEN 'week' WHEN '3' THEN 'month' ELSE 'day' END
                 AS precision,
               {actor1} AS source_raw, {actor2} AS target_raw, a1.bloc AS source,
               a2.bloc AS target, {code} AS code, c.code IS NOT NULL AS known, c.type, c.mode,
               'ACLED event ' || trim({_col(found, "id")}) || ', ' || {code} || ': '
                 || {actor1} || ' and ' || coalesce(nullif({actor2}, ''), 'no second actor')
                 || ' on ' || coalesce(trim({_col(found, "date")}), '?')
                 || coalesce(' in ' || trim({_col(found, "country")}), '')
                 || coalesce(', ' || trim({_col(found, "fatalities")}) || ' fatalities', '')
                 AS sentence,
               NULL::VARCHAR AS url,
               coalesce({stamp}, {day}) AS published,
               trim({_col(found, "location")}) AS place, trim({_col(found, "admin1")}) AS admin1,
               trim({_col(found, "country")}) AS country,
               TRY_CAST({_col(found, "latitude")} AS DOUBLE) AS latitude,
               TRY_CAST({_col(found, "longitude")} AS DOUBLE) AS longitude,
               TRY_CAST(trim({_col(found, "fatalities")}) AS INTEGER) AS fatalities,
               trim({_col(found, "subtype")}) AS sub_event_type,
               CASE {id_problems(found["id"], "[^ ]+", "an id")}
                    {date_problems(found["date"], day, "YYYY-MM-DD or 13 September 2022")}
                    WHEN trim(coalesce({_col(found, "type")}, '')) = ''
                    THEN '{found["type"]} is empty' END AS problem
        FROM raw r
        LEFT JOIN actor_map a1 ON a1.key = {key(1)}
        LEFT JOIN actor_map a2 ON a2.key = {key(2)}
        LEFT JOIN code_map c ON c.code = {code}
        """
    )
