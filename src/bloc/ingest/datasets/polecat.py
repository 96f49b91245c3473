"""POLECAT weekly files: PLOVER-coded events, tab-separated with a header.

The format followed is the weekly data files the POLECAT project publishes on
Harvard Dataverse (2018 onwards): one event per line with, among others,
"Event ID", "Event Date", "Event Type", "Event Mode", "Actor Name", "Actor
Country", "Recipient Name", "Recipient Country", "Story ID", "Publication
Date" and "Source URL". Columns are found by their header name, whatever the
case, spacing or punctuation, and under the other names releases have used
(`COLUMNS`); a comma-separated copy (quoted fields) is read as well.
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

# Each field, and the header names (compared as letters and digits) it goes by.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("eventid", "id", "polecatid", "eventuuid"),
    "date": ("eventdate", "date", "storydate"),
    "type": ("eventtype", "type", "plovertype", "event"),
    "mode": ("eventmode", "mode", "plovermode"),
    "source_country": ("actorcountry", "actorcountrycode", "sourcecountry", "actoriso"),
    "source_name": ("actorname", "actor", "sourcename", "sourceactor"),
    "target_country": (
        "recipientcountry",
        "recipientcountrycode",
        "targetcountry",
        "recipientiso",
    ),
    "target_name": ("recipientname", "recipient", "targetname", "targetactor"),
    "source_sector": ("primaryactorsector", "actorsector", "actorsectors", "sourcesector"),
    "target_sector": (
        "primaryrecipientsector",
        "recipientsector",
        "recipientsectors",
        "targetsector",
    ),
    "story": ("storyid", "story"),
    "published": ("publicationdate", "pubdate", "publisheddate", "storypublicationdate"),
    "url": ("sourceurl", "url", "storyurl", "link"),
    "place": ("placename", "location", "place"),
    "admin1": ("admin1", "province", "statename"),
    "country": ("country", "eventcountry", "locationcountry"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "long"),
}
REQUIRED = ("id", "date", "type")
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def _col(found: dict[str, str], field: str) -> str:
    return f"r.{column_ref(found[field])}" if found[field] else "NULL"


def stage(con: duckdb.DuckDBPyConnection, path: Path, report: FileReport) -> None:
    """Read a POLECAT file into `staged` (see bloc.ingest.datasets.stage)."""
    with path.open("rb") as handle:
        first = handle.readline()
    delimiter = "\t" if b"\t" in first else ","
    names = header_names(path, delimiter)
    found = find_columns(names, COLUMNS, REQUIRED)
    if not (found["source_country"] or found["source_name"]) or not (
        found["target_country"] or found["target_name"]
    ):
        raise ValueError(
            "the header names no actor or no recipient (looked for "
            f"{', '.join(COLUMNS['source_country'] + COLUMNS['target_country'])})"
        )
    quote = "" if delimiter == "\t" else '"'
    read_delimited(con, path, names, delimiter=delimiter, header=True, quote=quote, report=report)
    sides = con.execute(
        f"SELECT DISTINCT c, n, s FROM (SELECT {_col(found, 'source_country')} AS c, "
        f"{_col(found, 'source_name')} AS n, {_col(found, 'source_sector')} AS s FROM raw r "
        f"UNION ALL SELECT {_col(found, 'target_country')}, {_col(found, 'target_name')}, "
        f"{_col(found, 'target_sector')} FROM raw r)"
    ).fetchall()
    m = mappings()
    text_table(
        con,
        "actor_map",
        {
            "key": [f"{c or ''}|{n or ''}|{s or ''}" for c, n, s in sides],
            "bloc": [actors.polecat_actor(m, c, n, s) for c, n, s in sides],
        },
    )
    types = m.polecat_types
    kind = f"upper(trim(coalesce({_col(found, 'type')}, '')))"
    day = f"try_strptime(trim({_col(found, 'date')}), {DATE_FORMATS!r})::DATE"
    published = f"try_strptime(trim({_col(found, 'published')}), {DATE_FORMATS!r})::DATE"

    def key(side: str) -> str:
        country, name = _col(found, f"{side}_country"), _col(found, f"{side}_name")
        sector = _col(found, f"{side}_sector")
        return (
            f"coalesce({country}, '') || '|' || coalesce({name}, '') || '|' "
            f"|| coalesce({sector}, '')"
        )

    source, target = key("source"), key("target")

    def label(side: str) -> str:
        name, country = _col(found, f"{side}_name"), _col(found, f"{side}_country")
        return f"coalesce(nullif(trim({name}), ''), nullif(trim({country}), ''), '')"

    con.execute(
        f"""
        CREATE OR REPLACE TABLE staged AS
        SELECT r.rowid + 1 AS k, trim({_col(found, "id")}) AS row_id, {day} AS date,
               'day' AS precision, {label("source")} AS source_raw,
               {label("target")} AS target_raw, a1.bloc AS source, a2.bloc AS target,
               {kind} AS code, list_contains($types, {kind}) AS known,
               $kinds[list_position($types, {kind})] AS type,
               nullif(lower(trim(coalesce({_col(found, "mode")}, ''))), '') AS mode,
               'POLECAT event ' || trim({_col(found, "id")}) || ', ' || {kind}
                 || coalesce(' (' || nullif(trim({_col(found, "mode")}), '') || ')', '')
                 || ': ' || coalesce(nullif({label("source")}, ''), '?') || ' toward '
                 || coalesce(nullif({label("target")}, ''), '?') || ' on '
                 || coalesce(trim({_col(found, "date")}), '?')
                 || coalesce(', story ' || {_col(found, "story")}, '') AS sentence,
               {_col(found, "url")} AS url,
               coalesce({published}, {day}) AS published,
               trim({_col(found, "place")}) AS place, trim({_col(found, "admin1")}) AS admin1,
               trim({_col(found, "country")}) AS country,
               TRY_CAST({_col(found, "latitude")} AS DOUBLE) AS latitude,
               TRY_CAST({_col(found, "longitude")} AS DOUBLE) AS longitude,
               NULL::INTEGER AS fatalities, NULL::VARCHAR AS sub_event_type,
               CASE {id_problems(found["id"], "[^ ]+", "an id")}
                    {date_problems(found["date"], day, "YYYY-MM-DD")}
                    WHEN {kind} = '' THEN '{found["type"]} is empty' END AS problem
        FROM raw r
        LEFT JOIN actor_map a1 ON a1.key = {source}
        LEFT JOIN actor_map a2 ON a2.key = {target}
        """,
        {"types": list(types), "kinds": list(types.values())},
    )
