"""The dashboard's look-ahead is the core's: what a page lists as of a day is what the
measures count by then (bloc.core.rules.known_by)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bloc.web.pages import known_events


def _frame(rows: list[tuple[str, str, str, str, list[str | None]]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": eid,
                "date": pd.Timestamp(day),
                "date_precision": precision,
                "origin": origin,
                "evidence": [{"published": p} for p in published],
            }
            for eid, day, precision, origin, published in rows
        ]
    )


FRAME = _frame(
    [
        ("curated-month", "2022-09-01", "month", "curated", []),
        ("curated-day", "2022-09-13", "day", "curated", []),
        ("text", "2022-09-13", "day", "text", ["2022-09-20", "2022-09-15"]),
        ("text-undated", "2022-09-01", "month", "text", [None]),
        ("text-plan", "2022-10-01", "day", "text", ["2022-09-14"]),
    ]
)


def _known(on: str) -> list[str]:
    return list(known_events(FRAME, dt.date.fromisoformat(on))["id"])


def test_a_curated_month_waits_for_the_month_to_end() -> None:
    assert "curated-month" not in _known("2022-09-29")
    assert "curated-month" in _known("2022-09-30")


def test_a_report_counts_from_its_first_publication_and_not_before_its_date() -> None:
    assert _known("2022-09-14") == ["curated-day"]
    assert _known("2022-09-15") == ["curated-day", "text"]
    assert "text-plan" not in _known("2022-09-30")
    assert "text-plan" in _known("2022-10-01")


def test_a_report_no_article_dates_counts_from_its_period_end() -> None:
    assert "text-undated" not in _known("2022-09-29")
    assert _known("2022-10-01") == list(FRAME["id"])


def test_an_empty_frame_stays_empty() -> None:
    assert known_events(FRAME.iloc[:0], dt.date(2022, 9, 30)).empty
