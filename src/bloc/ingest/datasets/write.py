"""Storing a dataset's rows: each as evidence, merged into events by ingest's rule.

A batch of ready rows is stored in one transaction. Rows whose document
(`gdelt:<row id>` and the like) is already stored are skipped, so a rerun, or
the rerun of an import killed midway, adds nothing twice. The rest are
grouped in SQL by what they report (source, target, type, date and
precision); each group, in file order of its first row, goes through
`ingest.merge.merge_reports` as one report standing for the group's rows:
it joins the first stored event (from text or a dataset) whose date agrees,
or becomes a new event named after its first row (`gdelt-<row id>`), and
every row becomes an evidence row of that event.

Grouping changes nothing to what the merge does row by row: a row identical
to an earlier one (same key, date and precision) always joins the event the
earlier one joined or made, since merging only narrows dates within the
period they had (tests/ingest/test_datasets.py checks it against the merge
run row by row).

Most groups can merge with nothing: a row that is an event of its own, or a
day-precise group with no stored event of its source, target and type whose
period holds its day, and no other group of its key on a date that agrees (a
day agrees only with itself, and identical rows are one group). The merge would make each a new
event and touch nothing else, so SQL makes them so (`_make_simple`), and only
the groups that may merge go through `merge_reports` in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bloc.core.rules import reinforced
from bloc.ingest.coded import TEXT
from bloc.ingest.datasets.stage import ROW_EVENTS, FileReport
from bloc.ingest.merge import (
    IngestSummary,
    Key,
    Slot,
    apply_changes,
    merge_reports,
    stored_events,
)
from bloc.store import Store, opened
from bloc.store.alerts import queue_changes, watching
from bloc.store.writes import (
    add_dataset_events,
    add_simple_events,
    add_staged_evidence,
    drop_staged,
    event_places,
    largest_simple_group,
    merging_groups,
    stage_fresh_rows,
)

BATCH_ROWS = 100_000  # rows per transaction (and per turn at the store)


def store_rows(
    path: Path,
    rows: pa.Table,
    origin: str,
    confidence: float,
    report: FileReport,
    batch_rows: int = BATCH_ROWS,
) -> bool:
    """Store ready rows (in file order) batch by batch, each batch in its own transaction.

    The first batch opens the store as `opened` does (created, upgraded, its knowledge
    base loaded); True when there was a batch, so the store was opened so."""
    for start in range(0, rows.num_rows, max(1, batch_rows)):
        batch = rows.slice(start, batch_rows)
        with opened(path, write=True) if start == 0 else Store.open(path) as store:
            store_batch(store, batch, origin, confidence, report)
    return int(rows.num_rows) > 0


def store_batch(
    store: Store, batch: pa.Table, origin: str, confidence: float, report: FileReport
) -> None:
    """One batch, all or nothing."""
    with store.transaction() as con:
        fresh = stage_fresh_rows(con, batch)
        report.already += batch.num_rows - fresh
        if fresh:
            # The groups that may merge first: they must not find the simple ones' events.
            merged = _merge_groups(con, merging_groups(con), origin, confidence, report)
            simple = _make_simple(con, origin, confidence, report)
            joined = simple.select(["grp", "event_id"])
            if joined.schema != merged.schema:  # (a cast loads pyarrow.compute: 0.05 s)
                joined = joined.cast(merged.schema)
            add_staged_evidence(con, pa.concat_tables([joined, merged]))
        drop_staged(con)
        report.stored += fresh
        report.watched = report.watched or watching(con)


def _make_simple(
    con: duckdb.DuckDBPyConnection, origin: str, confidence: float, report: FileReport
) -> pa.Table:
    """The groups that can merge with nothing (`bloc.store.writes.stage_fresh_rows`) made
    new events in SQL, as `merge_reports` would make them: named by their first row, their
    confidence reinforced once by each further row. Returns their grp, event_id and n."""
    agreeing = [confidence]
    for _ in range(1, largest_simple_group(con)):
        agreeing.append(reinforced(agreeing[-1], confidence))
    made = add_simple_events(con, agreeing, origin)
    if made.num_rows:
        ids = made["event_id"].to_pylist()
        report.events_new += made.num_rows
        report.events_merged += sum(made["n"].to_pylist()) - made.num_rows
        report.changed.update(ids)
    return made


def _merge_groups(
    con: duckdb.DuckDBPyConnection,
    groups: list[tuple[Any, ...]],
    origin: str,
    confidence: float,
    report: FileReport,
) -> pa.Table:
    """The groups that may merge, through `merge_reports` in file order; returns which
    event each group (grp) joined or made."""
    if not groups:
        # (pa.nulls: an array made from a Python list has pyarrow import pandas, 0.2 s)
        return pa.table({"grp": pa.nulls(0, pa.int64()), "event_id": pa.nulls(0, TEXT)})
    columns = [list(column) for column in zip(*groups, strict=True)]
    k, ids, dates, precisions, sources, targets, types, modes, alliances, intensity = columns[:10]
    merge_keys, counts = columns[10], columns[13]
    # Each group merges only with events that share its merge key: the composite type
    # below keys the merge by it, and `_candidates` lists the stored events it may join.
    keyed = [f"{t}{_SEP}{m}" for t, m in zip(types, merge_keys, strict=True)]
    merging = {
        "date": dates,
        "precision": precisions,
        "source": sources,
        "target": targets,
        "type": keyed,
        "confidence": [confidence] * len(groups),
    }
    summary = IngestSummary()
    index = _candidates(con, groups, keyed, rows=origin in ROW_EVENTS)
    eids, made, changed = merge_reports(merging, index, summary, reports=counts, ids=ids)
    report.events_new += summary.events_new
    report.events_merged += summary.events_merged
    report.changed |= summary.changed
    queue_changes(con, eids)  # for the alert rules, should this process die before them
    rows = [row for row, _ in made]
    slots = [slot for _, slot in made]
    new = pa.table(
        {
            "id": pa.array([s[0] for s in slots], TEXT),
            "date": pa.array([s[1] for s in slots], pa.date32()),
            "date_precision": pa.array([s[2] for s in slots], TEXT),
            "source": pa.array([sources[r] for r in rows], TEXT),
            "target": pa.array([targets[r] for r in rows], TEXT),
            "type": pa.array([types[r] for r in rows], TEXT),
            "mode": pa.array([modes[r] for r in rows], TEXT),
            "alliance": pa.array([alliances[r] for r in rows], TEXT),
            "intensity": pa.array([intensity[r] for r in rows], pa.float64()),
            "confidence": pa.array([s[3] for s in slots], pa.float64()),
            "origin": pa.array([origin] * len(rows), TEXT),
        }
    )
    add_dataset_events(con, new)
    apply_changes(con, changed)
    return pa.table({"grp": pa.array(k, pa.int64()), "event_id": pa.array(eids, TEXT)})


_SEP = "\x1f"


def _candidates(
    con: duckdb.DuckDBPyConnection, groups: list[tuple[Any, ...]], keyed: list[str], *, rows: bool
) -> dict[Key, list[Slot]]:
    """The stored events each group may merge into, by the group's composite key.

    A row that is an event of its own (`alone`) may join none. A GDELT report joins a
    stored event of the same mode (or none) and place (or none: a text event). A row
    merged across datasets (`--merge-reports`) joins a day-precise event of the same
    place (or none) whatever its mode. The slots are the merge's own, shared between
    keys, so a merge into one is seen by all.
    """
    wanted = sorted(
        {(g[4], g[5], g[6], g[2].year) for g in groups if not g[11]}  # source, target, type
    )
    stored = stored_events(con, wanted)
    about = event_places(con, [s[0] for slots in stored.values() for s in slots])
    index: dict[Key, list[Slot]] = {}
    for g, kind in zip(groups, keyed, strict=True):
        key = (g[4], g[5], kind, g[2].year)
        if key in index or g[11]:
            continue
        mode, place = g[7], g[12]
        fits = []
        for slot in stored.get((g[4], g[5], g[6], g[2].year), []):
            their_mode, their_place = about.get(slot[0], (None, None))
            if their_place is not None and their_place != place:
                continue
            if rows and slot[2] != "day":
                continue
            if not rows and their_mode is not None and their_mode != mode:
                continue
            fits.append(slot)
        index[key] = fits
    return index
