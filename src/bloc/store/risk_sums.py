"""The running sums behind the exit-risk alert rules, kept in the store.

Exit risk is a decayed sum over a member's whole record (half-life a year),
and the decay factorises: sum_i w_i 2^(-(t - t_i)/h) = 2^(-(t - t0)/h) *
sum_i w_i 2^((t_i - t0)/h) for a fixed reference day t0. So each signal's
share is kept as a *term* (`risk_terms`: one row per alliance, event and
part of the score it feeds, its weight already scaled to t0), and the terms'
sums and counts per (alliance, member, other, part) in `risk_sums`. An
evaluation replaces the terms of the events a change touched (taking their
old share out of the sums and putting the new one in), so its cost follows
the change, not the store. `bloc.measures.risk_sums` says what the parts are;
`risk_built` records, per alliance, the knowledge base the sums were built with
(a new one rebuilds them). The tables are made in `bloc.store.schema`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from bloc.store.db import Store

if TYPE_CHECKING:  # pandas only for hints: `bloc import` loads no pandas (issue 28)
    import pandas as pd

TERMS = ["alliance", "event", "member", "other", "part", "w", "wt", "avail", "rank_key"]
_GROUP = "alliance, member, other, part"
_ADD = (
    "ON CONFLICT (alliance, member, other, part) DO UPDATE SET "
    "w = risk_sums.w + excluded.w, wt = risk_sums.wt + excluded.wt, n = risk_sums.n + excluded.n"
)


def built(store: Store) -> dict[str, str]:
    """The alliances whose sums are kept, with the knowledge digest they were built with."""
    rows = store.con.execute("SELECT alliance, knowledge FROM risk_built").fetchall()
    return {str(a): str(k) for a, k in rows}


def kb_digest(store: Store) -> str:
    """The digest of the knowledge base the store holds (what `risk_built` records)."""
    return str(store.meta("kb_hash") or "")


def rebuild(con: duckdb.DuckDBPyConnection, alliance: str, terms: pd.DataFrame, kb: str) -> None:
    """Replace every term and sum of `alliance` with `terms` (sorted by `avail`, so the
    as-of reads of late terms skip most of the table)."""
    con.execute("DELETE FROM risk_terms WHERE alliance = ?", [alliance])
    con.execute("DELETE FROM risk_sums WHERE alliance = ?", [alliance])
    _add(con, terms[TERMS].sort_values("avail", kind="stable"))
    con.execute("INSERT OR REPLACE INTO risk_built VALUES (?, ?)", [alliance, kb])


def replace_terms(
    con: duckdb.DuckDBPyConnection,
    alliances: Sequence[str],
    events: Sequence[str],
    terms: pd.DataFrame,
) -> None:
    """The terms of `events` in `alliances` become `terms` (their new share, none for an
    event gone or rejected): the old share leaves the sums, the new one enters. Doing it
    twice does no harm, so a process killed before its evaluation was recorded leaves
    the sums right for the next one, which replaces the same events' terms again."""
    old = con.execute(
        f"DELETE FROM risk_terms WHERE event IN (SELECT unnest($ids)) "
        f"AND list_contains($a, alliance) RETURNING {_GROUP}, w, wt",
        {"a": list(alliances), "ids": list(events)},
    ).df()
    if not old.empty:
        con.register("bloc_old", old)
        try:
            con.execute(
                f"INSERT INTO risk_sums SELECT {_GROUP}, -sum(w), -sum(wt), -count(*) "
                f"FROM bloc_old GROUP BY {_GROUP} {_ADD}"
            )
        finally:
            con.unregister("bloc_old")
    if not terms.empty:
        _add(con, terms[TERMS])


def _add(con: duckdb.DuckDBPyConnection, terms: pd.DataFrame) -> None:
    """Store the terms and add them to their sums (a sum not kept yet starts at them)."""
    con.register("bloc_terms", terms)
    try:
        con.execute("INSERT INTO risk_terms SELECT * FROM bloc_terms")
        con.execute(
            f"INSERT INTO risk_sums SELECT {_GROUP}, sum(w), sum(wt), count(*) "
            f"FROM bloc_terms GROUP BY {_GROUP} {_ADD}"
        )
    finally:
        con.unregister("bloc_terms")


def sums(store: Store, alliances: Sequence[str], after: float) -> pd.DataFrame:
    """Per (alliance, member, other, part): the sums and counts of the terms known by the
    day `after` (the kept sums less the terms that became known later)."""
    return store.con.execute(
        f"""
        WITH late AS (
            SELECT {_GROUP}, sum(w) AS w, sum(wt) AS wt, count(*) AS n FROM risk_terms
            WHERE avail > $day AND list_contains($a, alliance) GROUP BY {_GROUP}
        )
        SELECT s.alliance, s.member, s.other, s.part,
               s.w - coalesce(l.w, 0) AS w, s.wt - coalesce(l.wt, 0) AS wt,
               s.n - coalesce(l.n, 0) AS n
        FROM risk_sums s LEFT JOIN late l USING ({_GROUP})
        WHERE list_contains($a, s.alliance)
        """,
        {"a": list(alliances), "day": after},
    ).df()


def weightiest(
    store: Store, alliance: str, member: str, pair: tuple[str, str] | None, day: float, k: int
) -> list[str]:
    """The events of the `k` weightiest terms behind a member's risk known by `day`: its
    own (part 'outer') and those between it and the member it is most at odds with."""
    clause = "(member = $m AND part = 'outer')"
    args: dict[str, Any] = {"a": alliance, "m": member, "day": day, "k": k}
    if pair is not None:
        clause += " OR (part = 'pair' AND member = $lo AND other = $hi)"
        args |= {"lo": pair[0], "hi": pair[1]}
    rows = store.con.execute(
        f"SELECT event FROM risk_terms WHERE alliance = $a AND avail <= $day AND ({clause}) "
        "ORDER BY rank_key DESC, event LIMIT $k",
        args,
    ).fetchall()
    return [str(r[0]) for r in rows]


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every kept sum (rules were added to a store that kept none: the writes before
    were not queued, so the sums are rebuilt on the next evaluation)."""
    for table in ("risk_terms", "risk_sums", "risk_built"):
        con.execute(f"DELETE FROM {table}")
