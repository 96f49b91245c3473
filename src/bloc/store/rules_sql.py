"""The date rules of `bloc.core` as DuckDB expressions, for queries that apply them in bulk.

`bloc.core.dated` and `bloc.core.rules` hold the rules; queries over millions
of rows apply them in SQL instead of Python. Each expression here is built from
the core's list of precisions and tested against the Python form on many
generated dates (tests/core/test_rules_sql.py), so the two cannot drift.
"""

from __future__ import annotations

from bloc.core.dated import EPOCH, PRECISIONS

# The last day of a period of each precision, for a DATE expression `{d}`.
_PERIOD_END = {
    "day": "{d}",
    "week": "CAST(date_trunc('week', {d}) AS DATE) + 6",
    "month": "last_day({d})",
    "year": "make_date(year({d}), 12, 31)",
}
assert tuple(_PERIOD_END) == PRECISIONS, "every precision needs its SQL period end"

EPOCH_SQL = f"DATE '{EPOCH.isoformat()}'"


def period_end_sql(day: str, precision: str) -> str:
    """The last day of the period (`bloc.core.dated.period_end`); a NULL precision is a day."""
    cases = " ".join(
        f"WHEN '{p}' THEN {_PERIOD_END[p].format(d=day)}" for p in PRECISIONS if p != "day"
    )
    return f"CASE {precision} {cases} ELSE {day} END"


def period_start_sql(day: str, precision: str) -> str:
    """The first day of the period (`bloc.core.dated.truncate`); a NULL precision is a day.
    DuckDB's units of time are the precisions' names."""
    return f"CAST(date_trunc(coalesce({precision}, 'day'), {day}) AS DATE)"


def day_number_sql(day: str) -> str:
    """Days since `bloc.core.dated.EPOCH`, the measures' day numbers."""
    return f"date_diff('day', {EPOCH_SQL}, {day})"


def precisions_sql() -> str:
    """The precisions, finest first, as a DuckDB list literal."""
    return "[" + ", ".join(f"'{p}'" for p in PRECISIONS) + "]"


def precision_ranks_sql() -> str:
    """(precision, rank) rows, finest first, as a VALUES list."""
    return ", ".join(f"('{p}', {rank})" for rank, p in enumerate(PRECISIONS))


def known_from_sql(event: str) -> str:
    """`bloc.core.rules.known_from` for each row of the events aliased `event`: the end of its
    period for a curated entry or one no article dates, else the later of its own date and
    its first publication (a publication known to its month counting from the month's end)."""
    first = (
        f"(SELECT min({period_end_sql('kv.published', 'kd.published_precision')}) "
        "FROM evidence kv LEFT JOIN documents kd ON kd.id = kv.document "
        f"WHERE kv.event_id = {event}.id)"
    )
    end = period_end_sql(f"{event}.date", f"{event}.date_precision")
    return (
        f"CASE WHEN {event}.origin = 'curated' OR {first} IS NULL THEN {end} "
        f"ELSE greatest({event}.date, {first}) END"
    )
