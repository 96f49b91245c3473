"""Small files in each dataset's published layout, written by the tests.

Every row is made up here, in the project's own words and numbers: the
layouts (column order, headers, date forms) are the datasets', the content
is not theirs.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bloc.ingest.datasets.gdelt import COLUMNS as GDELT_COLUMNS


@dataclass
class Gdelt:
    """One GDELT 2.0 export row: what the tests set, the other columns filled plausibly."""

    id: int
    day: str  # YYYYMMDD
    code: str  # CAMEO event code
    actor1: tuple[str, str, str] = ("", "", "")  # (code, name, country)
    actor2: tuple[str, str, str] = ("", "", "")
    group1: str = ""
    group2: str = ""
    added: str = ""  # YYYYMMDDHHMMSS; the day after by default
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def cells(self) -> list[str]:
        values = dict.fromkeys(GDELT_COLUMNS, "")
        code1, name1, country1 = self.actor1
        code2, name2, country2 = self.actor2
        values.update(
            {
                "GLOBALEVENTID": str(self.id),
                "SQLDATE": self.day,
                "MonthYear": self.day[:6],
                "Year": self.day[:4],
                "FractionDate": f"{self.day[:4]}.5000",
                "Actor1Code": code1,
                "Actor1Name": name1,
                "Actor1CountryCode": country1,
                "Actor1KnownGroupCode": self.group1,
                "Actor2Code": code2,
                "Actor2Name": name2,
                "Actor2CountryCode": country2,
                "Actor2KnownGroupCode": self.group2,
                "IsRootEvent": "1",
                "EventCode": self.code,
                "EventBaseCode": self.code[:3],
                "EventRootCode": self.code[:2],
                "QuadClass": "1",
                "GoldsteinScale": "1.5",
                "NumMentions": "4",
                "NumSources": "2",
                "NumArticles": "4",
                "AvgTone": "-1.25",
                "ActionGeo_Type": "1",
                "ActionGeo_FullName": "Somewhere",
                "DATEADDED": self.added or f"{self.day}233000",
                "SOURCEURL": self.url or f"https://news.example/bloc-test/{self.id}",
            }
        )
        values.update(self.extra)
        return [values[c] for c in GDELT_COLUMNS]


def write_gdelt(path: Path, rows: Sequence[Gdelt | str]) -> Path:
    """A headerless tab-separated export; a str row is written as it is (a broken line)."""
    lines = [r if isinstance(r, str) else "\t".join(r.cells()) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


POLECAT_HEADER = [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code",
    "Contexts", "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
    "Placename", "Country", "Latitude", "Longitude", "Source", "Publication Date",
    "Language", "Version", "Headline", "Story ID", "Source URL",
]  # fmt: skip


def polecat_row(
    event_id: str,
    day: str,
    kind: str,
    actor: tuple[str, str],
    recipient: tuple[str, str],
    mode: str = "",
    published: str = "",
) -> dict[str, str]:
    """A POLECAT record: actor and recipient as (name, country code)."""
    return {
        "Event ID": event_id,
        "Event Date": day,
        "Event Type": kind,
        "Event Mode": mode,
        "Event Intensity": "-2.5",
        "Quad Code": "VERBAL CONFLICT",
        "Contexts": "military",
        "Actor Name": actor[0],
        "Actor Country": actor[1],
        "Recipient Name": recipient[0],
        "Recipient Country": recipient[1],
        "Source": "Test Wire",
        "Publication Date": published or day,
        "Language": "en",
        "Version": "v1",
        "Headline": f"Test headline for {event_id}",
        "Story ID": f"story-{event_id}",
        "Source URL": f"https://news.example/polecat/{event_id}",
    }


def write_polecat(
    path: Path,
    records: Sequence[dict[str, str] | str],
    rename: dict[str, str] | None = None,
    reverse: bool = False,
) -> Path:
    """A tab-separated weekly file with a header; `rename` spells columns as another release
    might, `reverse` writes them in the other order."""
    names = list(reversed(POLECAT_HEADER)) if reverse else list(POLECAT_HEADER)
    lines = ["\t".join((rename or {}).get(n, n) for n in names)]
    for record in records:
        if isinstance(record, str):
            lines.append(record)
        else:
            lines.append("\t".join(record.get(n, "") for n in names))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip


def acled_row(
    event_id: str,
    day: str,
    event_type: str,
    sub_type: str,
    actor1: str,
    actor2: str,
    country: str = "Armenia",
    precision: str = "1",
    fatalities: str = "0",
) -> dict[str, str]:
    return {
        "event_id_cnty": event_id,
        "event_date": day,
        "year": day[:4] if day[:4].isdigit() else day[-4:],
        "time_precision": precision,
        "disorder_type": "Political violence",
        "event_type": event_type,
        "sub_event_type": sub_type,
        "actor1": actor1,
        "inter1": "1",
        "actor2": actor2,
        "inter2": "1",
        "interaction": "11",
        "iso": "51",
        "region": "Caucasus and Central Asia",
        "country": country,
        "admin1": "Testprovince",
        "location": "Testville",
        "latitude": "40.1",
        "longitude": "45.2",
        "geo_precision": "1",
        "source": "Test Wire",
        "source_scale": "National",
        "notes": f'On {day}, a test event, with a comma, "quoted", across\ntwo lines.',
        "fatalities": fatalities,
        "tags": "",
        "timestamp": "1700000000",
    }


def write_acled(path: Path, records: Sequence[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_HEADER)
        writer.writeheader()
        for record in records:
            writer.writerow(record)
    return path
