"""The SQL forms of the core's date rules give what the Python forms give, on many dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import any_day

from bloc.core.dated import PRECISIONS, Dated, day_number, period_end, truncate
from bloc.core.rules import first_published, known_from
from bloc.store.rules_sql import (
    day_number_sql,
    known_from_sql,
    period_end_sql,
    period_start_sql,
    precision_ranks_sql,
    precisions_sql,
)
from bloc.store.schema import SCHEMA

pairs = st.lists(
    st.tuples(any_day, st.one_of(st.none(), st.sampled_from(PRECISIONS))), min_size=1, max_size=60
)


@settings(max_examples=40, deadline=None)
@given(pairs)
def test_sql_periods_and_day_numbers_match_python(rows: list[tuple[dt.date, str | None]]) -> None:
    con = duckdb.connect(":memory:")
    try:
        con.register("dates", pd.DataFrame(rows, columns=["d", "p"]).astype({"d": "datetime64[s]"}))
        got = con.execute(
            f"SELECT {period_start_sql('CAST(d AS DATE)', 'p')}, "
            f"{period_end_sql('CAST(d AS DATE)', 'p')}, {day_number_sql('CAST(d AS DATE)')} "
            "FROM dates"
        ).fetchall()
    finally:
        con.close()
    want = [(truncate(d, p or "day"), period_end(d, p or "day"), day_number(d)) for d, p in rows]
    assert got == want


def test_precision_lists_are_finest_first() -> None:
    con = duckdb.connect(":memory:")
    try:
        listed = con.execute(f"SELECT {precisions_sql()}").fetchone()
        ranked = con.execute(f"SELECT * FROM (VALUES {precision_ranks_sql()})").fetchall()
    finally:
        con.close()
    assert listed == (list(PRECISIONS),)
    assert ranked == [(p, i) for i, p in enumerate(PRECISIONS)]


report = st.tuples(
    any_day,
    st.sampled_from(PRECISIONS),
    st.booleans(),  # curated
    st.lists(
        st.tuples(st.one_of(st.none(), any_day), st.sampled_from((None, "month"))), max_size=3
    ),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(report, min_size=1, max_size=20))
def test_sql_known_from_matches_the_core_rule(reports: list[Any]) -> None:
    """Events with their evidence and its documents' publication dates, known by the same day."""
    con = duckdb.connect(":memory:")
    want = {}
    try:
        con.execute(SCHEMA)
        for i, (day, precision, curated, papers) in enumerate(reports):
            origin = "curated" if curated else "text"
            con.execute(
                "INSERT INTO events (id, date, date_precision, origin) VALUES (?, ?, ?, ?)",
                [f"e{i}", day, precision, origin],
            )
            for j, (published, exactness) in enumerate(papers):
                con.execute(
                    "INSERT INTO documents (id, published, published_precision) VALUES (?, ?, ?)",
                    [f"d{i}.{j}", published, exactness],
                )
                con.execute(  # evidence keeps its document's publication day, as ingest does
                    "INSERT INTO evidence (event_id, document, start, published) "
                    "VALUES (?, ?, 0, ?)",
                    [f"e{i}", f"d{i}.{j}", published],
                )
            dated = [None if p is None else Dated.of(p, e) for p, e in papers]
            want[f"e{i}"] = known_from(Dated.of(day, precision), first_published(dated), curated)
        got = dict(con.execute(f"SELECT e.id, {known_from_sql('e')} FROM events e").fetchall())
    finally:
        con.close()
    assert got == want
