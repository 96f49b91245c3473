"""The Python API's events frame: `when`, the date written to its precision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from bloc import api
from bloc.core.dated import Dated


def test_the_events_frame_has_when_beside_date_precision(kb_db: Path) -> None:
    frame = api.events(db=kb_db)
    columns = list(frame.columns)
    assert columns == api.EVENT_COLUMNS
    assert columns.index("when") == columns.index("date_precision") + 1
    for day, precision, when in frame[["date", "date_precision", "when"]].itertuples(index=False):
        parsed = Dated.parse(when)
        assert parsed.precision == precision and parsed.day == pd.Timestamp(day).date()
    request = frame.set_index("id").loc["kgz-1999-request"]
    assert (request["date_precision"], request["when"]) == ("month", "1999-08")
    assert set(frame["date_precision"]) > {"day"}  # the curated events have coarser dates
    one = api.event("kgz-1999-request", db=kb_db)
    assert one["when"].iloc[0] == "1999-08"


def test_an_empty_selection_still_has_the_column(kb_db: Path) -> None:
    frame = api.events(actor="KGZ", since="1900-01-01", until="1900-12-31", db=kb_db)
    assert frame.empty and list(frame.columns) == api.EVENT_COLUMNS


@pytest.mark.parametrize(
    ("day", "precision", "written"),
    [
        (dt.date(2022, 1, 1), "month", "2022-01"),
        (dt.date(1999, 8, 1), "month", "1999-08"),
        (dt.date(1999, 1, 1), "year", "1999"),
        (dt.date(2022, 9, 13), "day", "2022-09-13"),
        (dt.date(2022, 9, 12), "week", "2022-W37"),
        (pd.Timestamp("2022-09-13"), None, "2022-09-13"),  # no precision: a day
        ("2022-09-13", float("nan"), "2022-09-13"),
        (None, "month", ""),
        ("soon", "month", "soon"),  # not a day: as it is
    ],
)
def test_when_writes_a_date_to_its_precision(day: object, precision: object, written: str) -> None:
    assert api.when(day, precision) == written
