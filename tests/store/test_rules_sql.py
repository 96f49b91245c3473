"""The SQL forms of the core's date rules give what the Python forms give, on many dates."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import any_day

from bloc.core.dated import PRECISIONS, day_number, period_end, truncate
from bloc.store.rules_sql import (
    day_number_sql,
    period_end_sql,
    period_start_sql,
    precision_ranks_sql,
    precisions_sql,
)

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
