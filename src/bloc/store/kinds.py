"""Who each side of an event is, in SQL: `source_kind`, `target_kind` and `domestic`.

The rule is `bloc.core.events` (`actor_kind`, `actor_country`, `domestic`):
an actor of the knowledge base has the kind its entry gives (a state, an
intergovernmental body, an armed group), an actor a dataset names that the
knowledge base does not model carries its kind in its code (`AFG:rebel`). The
store fills the three columns whenever events are written (`fill_kinds`), and
once for every event of an older store (schema 8), so every reader finds them;
tests/store/test_kinds.py checks the SQL against the Python rule.

`state_sides` is the one filter the measures about states read events through
(`bloc.store.observations`): both sides of a state kind, and not domestic.
"""

from __future__ import annotations

import duckdb

from bloc.core.events import KNOWLEDGE_KINDS, NON_GOVERNMENTAL, STATE_KINDS


def kind_sql(code: str, known: str) -> str:
    """SQL: the kind of the actor `code`, given `known`, its kind in the knowledge base (NULL
    if it is not there); `bloc.core.events.actor_kind`."""
    kinds = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KNOWLEDGE_KINDS.items())
    ngo = ", ".join(f"'{c}'" for c in sorted(NON_GOVERNMENTAL))
    return (
        f"CASE WHEN contains({code}, ':') THEN split_part({code}, ':', 2) "
        f"WHEN {known} IS NULL THEN 'other' WHEN {code} IN ({ngo}) THEN 'ngo' "
        f"ELSE coalesce(CASE {known} {kinds} END, 'other') END"
    )


def country_sql(code: str, kind: str) -> str:
    """SQL: the state the actor belongs to (`bloc.core.events.actor_country`)."""
    return (
        f"CASE WHEN {kind} = 'state' THEN {code} "
        f"WHEN contains({code}, ':') THEN nullif(split_part({code}, ':', 1), '') END"
    )


def domestic_sql(source: str, source_kind: str, target: str, target_kind: str) -> str:
    """SQL: both sides belong to the same state (`bloc.core.events.domestic`)."""
    return (
        f"coalesce({country_sql(source, source_kind)} = {country_sql(target, target_kind)}, false)"
    )


def fill_kinds(con: duckdb.DuckDBPyConnection) -> None:
    """Give the events written without them their sides' kinds and `domestic`, in the
    caller's transaction (the actors table holds the session's knowledge base)."""
    con.execute(
        f"""
        UPDATE events SET source_kind = k.sk, target_kind = k.tk,
               domestic = {domestic_sql("k.source", "k.sk", "k.target", "k.tk")}
        FROM (SELECT e.id, e.source, e.target, {kind_sql("e.source", "a.kind")} AS sk,
                     {kind_sql("e.target", "b.kind")} AS tk
              FROM events e LEFT JOIN actors a ON a.code = e.source
              LEFT JOIN actors b ON b.code = e.target
              WHERE e.source_kind IS NULL OR e.target_kind IS NULL OR e.domestic IS NULL) k
        WHERE events.id = k.id
        """
    )


def state_sides(event: str = "e", *, every_actor: bool = False) -> str:
    """A WHERE condition: both sides are states (or bodies of states) and the event is not
    domestic (TRUE when asked for `every_actor`). An event stored before its kinds were known
    counts as before."""
    if every_actor:
        return "TRUE"
    kinds = ", ".join(f"'{k}'" for k in STATE_KINDS)
    return (
        f"(coalesce({event}.source_kind, 'state') IN ({kinds}) "
        f"AND coalesce({event}.target_kind, 'state') IN ({kinds}) "
        f"AND NOT coalesce({event}.domestic, false))"
    )
