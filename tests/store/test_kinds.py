"""Who each side of an event is: the SQL of `bloc.store.kinds` agrees with the core's rule,
an older store gets the kinds when upgraded, and the measures' reads leave out non-state
sides and domestic events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from bloc.core.events import actor_code, actor_kind, domestic
from bloc.knowledge import bundled
from bloc.store import SCHEMA_VERSION, Store, View, opened
from bloc.store.kinds import domestic_sql, kind_sql
from bloc.store.observations import coded_events, outside_counts

CODES = ["ARM", "AZE", "NATO", "IS", "AMNESTY", "ARM:rebel", "ARM:civilians", ":ngo",
         "AZE:company", "XYZ"]  # fmt: skip


def test_the_sql_kinds_are_the_cores() -> None:
    kb = bundled()
    con = duckdb.connect(":memory:")
    try:
        known = {c: kb.actors[c].kind if c in kb.actors else None for c in CODES}
        for source in CODES:
            for target in CODES:
                sk, tk, dom = con.execute(
                    f"SELECT {kind_sql('$s', '$sk')}, {kind_sql('$t', '$tk')}, "
                    f"{domestic_sql('$s', kind_sql('$s', '$sk'), '$t', kind_sql('$t', '$tk'))}",
                    {"s": source, "t": target, "sk": known[source], "tk": known[target]},
                ).fetchone()
                mine = actor_kind(source, known[source]), actor_kind(target, known[target])
                assert (sk, tk) == mine
                assert dom == domestic(source, mine[0], target, mine[1])
    finally:
        con.close()
    assert actor_kind("NATO", "organisation") == "igo" and actor_kind("AMNESTY", "organisation")
    assert actor_kind("AMNESTY", "organisation") == "ngo" and actor_kind("IS", "group") == "rebel"
    assert domestic("ARM", "state", "ARM:rebel", "rebel")
    assert not domestic("AZE", "state", "ARM:civilians", "civilians")
    assert not domestic(":ngo", "ngo", ":ngo", "ngo")  # no country: belongs to no state
    with pytest.raises(ValueError, match="not a non-state actor kind"):
        actor_code("ARM", "state")


def _add(store: Store, rows: list[tuple[str, str, str, str]]) -> None:
    """Events (id, source, target, type) as a writer would add them, kinds then filled."""
    from bloc.store.kinds import fill_kinds

    with store.transaction() as con:
        for eid, source, target, kind in rows:
            con.execute(
                "INSERT INTO events (id, date, date_precision, source, target, type, intensity, "
                "confidence, origin) VALUES (?, DATE '2022-09-13', 'day', ?, ?, ?, -9, 0.8, "
                "'acled')",
                [eid, source, target, kind],
            )
            con.execute(
                "INSERT INTO evidence VALUES (?, ?, 's', 0, NULL, DATE '2022-09-13', NULL)",
                [eid, f"acled:{eid}"],
            )
        fill_kinds(con)


def test_measures_read_state_sides_only_and_never_domestic_events(db: Path) -> None:
    with opened(db, write=True) as store:
        before = outside_counts(store, ["ARM"], dt.date(2023, 1, 1))
        _add(
            store,
            [
                ("a1", "AZE", "ARM", "ASSAULT"),  # interstate: counted
                ("a2", "ARM", "ARM", "COERCE"),  # the same state on both sides: domestic
                ("a3", "ARM:rebel", "ARM", "ASSAULT"),  # a rebel group: not a state
                ("a4", "AZE", "ARM:civilians", "ASSAULT"),  # civilians: not their state
            ],
        )
        kinds = store.con.execute(
            "SELECT id, source_kind, target_kind, domestic FROM events WHERE origin = 'acled' "
            "ORDER BY id"
        ).fetchall()
        assert kinds == [
            ("a1", "state", "state", False),
            ("a2", "state", "state", True),
            ("a3", "rebel", "state", True),
            ("a4", "state", "civilians", False),
        ]
        found = coded_events(store, ["AZE", "ARM", "ARM:rebel", "ARM:civilians"], ["ASSAULT"])
        assert sorted(i for i in found["id"].tolist() if i in ("a1", "a2", "a3", "a4")) == ["a1"]
        after = outside_counts(store, ["ARM"], dt.date(2023, 1, 1))
        added = after.set_index(["other", "member"])["n"].sub(
            before.set_index(["other", "member"])["n"], fill_value=0
        )
        assert added[added != 0].to_dict() == {("AZE", "ARM"): 1}
    with opened(View(db, every_actor=True)) as store:  # asked for: every kind, domestic too
        found = coded_events(store, ["AZE", "ARM", "ARM:rebel", "ARM:civilians"], ["ASSAULT"])
        assert sorted(i for i in found["id"].tolist() if i in ("a1", "a2", "a3", "a4")) == [
            "a1",
            "a2",
            "a3",
            "a4",
        ]


def test_an_older_store_gets_the_kinds_when_upgraded(db: Path) -> None:
    with opened(db, write=True) as store:
        _add(store, [("a1", "AZE", "ARM", "ASSAULT"), ("a2", "ARM", "ARM", "COERCE")])
    con = duckdb.connect(str(db))  # back to schema 7: the columns and table dropped
    for column in ("source_kind", "target_kind", "domestic"):
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    con.execute("DROP TABLE dataset_rows")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    with opened(db, write=True) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        rows = store.con.execute(
            "SELECT id, source_kind, target_kind, domestic FROM events WHERE origin = 'acled' "
            "ORDER BY id"
        ).fetchall()
        curated = store.con.execute(
            "SELECT count(*) FROM events WHERE origin = 'curated' AND source_kind IS NULL"
        ).fetchone()
    assert rows == [("a1", "state", "state", False), ("a2", "state", "state", True)]
    assert curated == (0,)
