"""UN General Assembly roll calls and how each state voted: the tables and every query on them.

Two tables: `roll_calls` (one row a recorded vote of the Assembly: its date,
session, resolution, topics, text and where it came from) and `roll_call_votes`
(one row a state's yes, no or abstain on one of them; a state absent or not a
member has no row, since absence is not a vote). `bloc import unvotes` fills
them (`bloc.ingest.datasets.unvotes`); the knowledge base's hand-typed votes
(`un_votes.yaml`) are read beside them in the same layout (rcid `kb:<id>`) until
an imported roll call of the same resolution replaces them.

Each roll call keeps a digest of its row and its votes, so a re-import finds
what is unchanged (left alone), revised (replaced: same rcid, another digest)
and new, and writes in one transaction: a failed import leaves the store as it
was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import bundled

if TYPE_CHECKING:
    from bloc.store.db import Store

ROLL_CALL_COLUMNS = (
    "rcid",
    "session",
    "date",
    "resolution",
    "important",
    "amend",
    "para",
    "short",
    "descr",
    "topics",
    "origin",
    "cite",
    "digest",
)
VOTE_COLUMNS = ("rcid", "member", "vote")
KB_PREFIX = "kb:"


@dataclass
class Written:
    """What one write of roll calls did."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0
    votes: int = 0


def write_roll_calls(store: Store, calls: Any, votes: Any) -> Written:
    """Store roll calls and their votes (Arrow tables or DataFrames in the layouts above).

    Roll calls already stored with the same digest are left alone; one with the
    same rcid and another digest is replaced with all its votes. One
    transaction: on any failure nothing is written.
    """
    con = store.con
    written = Written()
    # Finish whatever result an earlier read left open: DuckDB refuses to register over one.
    con.execute("SELECT 1").fetchall()
    con.register("incoming_calls", calls)
    con.register("incoming_votes", votes)
    try:
        counts = con.execute(
            """
            SELECT count(*) FILTER (WHERE r.rcid IS NULL),
                   count(*) FILTER (WHERE r.rcid IS NOT NULL
                                    AND r.digest IS DISTINCT FROM i.digest),
                   count(*) FILTER (WHERE r.digest = i.digest)
            FROM incoming_calls i LEFT JOIN roll_calls r USING (rcid)
            """
        ).fetchall()[0]
        assert counts is not None
        written.new, written.revised, written.unchanged = (int(c) for c in counts)
        if written.new + written.revised == 0:
            return written
        with store.transaction() as tx:
            tx.execute(
                """
                CREATE TEMP TABLE changed AS
                SELECT i.rcid FROM incoming_calls i LEFT JOIN roll_calls r USING (rcid)
                WHERE r.digest IS DISTINCT FROM i.digest
                """
            )
            tx.execute("DELETE FROM roll_call_votes WHERE rcid IN (SELECT rcid FROM changed)")
            tx.execute("DELETE FROM roll_calls WHERE rcid IN (SELECT rcid FROM changed)")
            columns = ", ".join(ROLL_CALL_COLUMNS)
            tx.execute(
                f"INSERT INTO roll_calls SELECT {columns} FROM incoming_calls "
                "WHERE rcid IN (SELECT rcid FROM changed)"
            )
            row = tx.execute(
                "INSERT INTO roll_call_votes SELECT rcid, member, vote FROM incoming_votes "
                "WHERE rcid IN (SELECT rcid FROM changed)"
            ).fetchall()[0]
            written.votes = int(row[0]) if row else 0
            tx.execute("DROP TABLE changed")
    finally:
        con.execute("DROP TABLE IF EXISTS changed")
        con.unregister("incoming_calls")
        con.unregister("incoming_votes")
    return written


def stored_dates(store: Store, rcids: list[str]) -> pd.DataFrame:
    """The date, session, resolution and topics of stored roll calls (a votes file alone)."""
    return store.query(
        "SELECT rcid, session, date, resolution, important, amend, para, short, descr, topics "
        "FROM roll_calls WHERE rcid IN (SELECT unnest(?::VARCHAR[]))",
        [rcids],
    )


def counts(store: Store) -> tuple[int, int]:
    """How many roll calls and votes the store holds (imported ones)."""
    row = store.con.execute(
        "SELECT (SELECT count(*) FROM roll_calls), (SELECT count(*) FROM roll_call_votes)"
    ).fetchall()[0]
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _kb_frames(kb: KnowledgeBase) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The knowledge base's hand-typed votes in the tables' layout (absent: no row)."""
    calls, votes = [], []
    for r in kb.resolutions:
        rcid = KB_PREFIX + r.id
        calls.append(
            {
                "rcid": rcid,
                "date": pd.Timestamp(r.date),
                "resolution": resolution_number(r.title),
                "topics": [r.topic],
                "short": r.title,
                "descr": r.summary,
                "important": False,
                "origin": "knowledge base",
                "cite": list(r.cite),
            }
        )
        votes += [
            {"rcid": rcid, "member": m, "vote": v} for m, v in r.votes.items() if v != "absent"
        ]
    return pd.DataFrame(calls), pd.DataFrame(votes, columns=list(VOTE_COLUMNS))


def resolution_number(title: str) -> str:
    """`ES-11/1, Aggression...` -> `A/RES/ES-11/1`, as the Assembly numbers its texts."""
    number = title.split(",", 1)[0].strip()
    return number if number.startswith("A/") else f"A/RES/{number}"


def read_votes(
    store: Store | None,
    members: list[str] | None = None,
    until: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll calls (rcid, date, resolution, topics, short, origin, cite, median) and votes
    (rcid, member, vote), imported and hand-typed together, on or before `until`.

    `median` is the General Assembly's median vote on the roll call (yes 1, abstain
    0.5, no 0; for a hand-typed one, the median of the states it records).
    `members`: only these states' votes (None: every state's). A hand-typed roll
    call whose resolution an imported one also records is left out: the file
    replaces it.
    """
    kb_calls, kb_votes = _kb_frames(bundled() if store is None else store.knowledge)
    if store is not None:
        when = "" if until is None else "WHERE r.date <= ?"
        params: list[Any] = [] if until is None else [until]
        # The Assembly's median state on each roll call: the median of every vote cast.
        calls = store.query(
            f"""
            WITH medians AS (
                SELECT rcid, median(CASE vote WHEN 'yes' THEN 1.0 WHEN 'abstain' THEN 0.5
                                              ELSE 0.0 END) AS median
                FROM roll_call_votes GROUP BY rcid)
            SELECT r.rcid, r.date, r.resolution, r.topics, r.short, r.origin, r.cite, m.median
            FROM roll_calls r LEFT JOIN medians m USING (rcid) {when}
            """,
            params,
        )
        if members is not None:
            when = ("WHERE " if not when else when + " AND ") + (
                "v.member IN (SELECT unnest(?::VARCHAR[]))"
            )
            params = [*params, list(members)]
        votes = store.query(
            f"SELECT v.rcid, v.member, v.vote FROM roll_call_votes v JOIN roll_calls r USING "
            f"(rcid) {when}",
            params,
        )
    else:
        calls = pd.DataFrame(columns=["rcid", "date", "resolution", "topics", "short", "median"])
        votes = pd.DataFrame(columns=list(VOTE_COLUMNS))
    if not kb_calls.empty:
        value = kb_votes.vote.map({"yes": 1.0, "abstain": 0.5, "no": 0.0})
        kb_calls["median"] = kb_calls.rcid.map(value.groupby(kb_votes.rcid).median())
        keep = ~kb_calls.resolution.isin(set(calls.resolution.dropna()))
        if until is not None:
            keep &= kb_calls.date <= pd.Timestamp(until)
        kb_calls = kb_calls[keep]
        kb_votes = kb_votes[kb_votes.rcid.isin(set(kb_calls.rcid))]
        if members is not None:
            kb_votes = kb_votes[kb_votes.member.isin(members)]
        frames = [f for f in (calls, kb_calls[list(calls.columns)]) if not f.empty]
        calls = pd.concat(frames, ignore_index=True) if frames else calls
        vframes = [f for f in (votes, kb_votes) if not f.empty]
        votes = pd.concat(vframes, ignore_index=True) if vframes else votes
    calls["date"] = pd.to_datetime(calls["date"])
    return calls, votes
