"""The feeds `bloc watch` polls and what became of their items, as the store keeps them.

`bloc.ingest.feeds` decides (what a feed is, what a poll found); these
functions only read and write the two tables, `feeds` and `feed_items`.
The ones given a connection run in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from bloc.store.db import Store

FeedRow = tuple[str, str, str, str | None, str | None, bool]
"""name, url, lang, etag, last_modified, allow_private"""
PendingRow = tuple[str, str, str | None, dt.date | None, int]  # item, url, title, published, n
ItemRow = tuple[str, str, str | None, str | None, dt.date | None, dt.datetime, str, str | None]
"""feed, item, url, title, published, first_seen, status, error"""


def feed_named(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str] | None:
    """The URL and language of the feed called `name`, or None."""
    row = con.execute("SELECT url, lang FROM feeds WHERE name = ?", [name]).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def feed_polling(con: duckdb.DuckDBPyConnection, url: str) -> str | None:
    """The name of the feed that polls `url`, or None."""
    row = con.execute("SELECT name FROM feeds WHERE url = ?", [url]).fetchone()
    return None if row is None else str(row[0])


def add_feed(
    con: duckdb.DuckDBPyConnection,
    name: str,
    url: str,
    lang: str,
    when: dt.datetime,
    allow_private: bool = False,
) -> None:
    con.execute(
        "INSERT INTO feeds (name, url, lang, added_at, allow_private) VALUES (?, ?, ?, ?, ?)",
        [name, url, lang, when, allow_private],
    )


def set_allow_private(con: duckdb.DuckDBPyConnection, name: str, allow: bool) -> None:
    con.execute("UPDATE feeds SET allow_private = ? WHERE name = ?", [allow, name])


def feed_allows_private(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT allow_private FROM feeds WHERE name = ?", [name]).fetchone()
    return bool(row and row[0])


def set_language(con: duckdb.DuckDBPyConnection, name: str, lang: str) -> None:
    con.execute("UPDATE feeds SET lang = ? WHERE name = ?", [lang, name])


def feed_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(r[0]) for r in con.execute("SELECT name FROM feeds ORDER BY name").fetchall()]


def remove_feed(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """Remove a feed and its items (stored documents stay); the items dropped, or None
    if there is no such feed."""
    if con.execute("SELECT 1 FROM feeds WHERE name = ?", [name]).fetchone() is None:
        return None
    row = con.execute("SELECT count(*) FROM feed_items WHERE feed = ?", [name]).fetchone()
    con.execute("DELETE FROM feed_items WHERE feed = ?", [name])
    con.execute("DELETE FROM feeds WHERE name = ?", [name])
    return int(row[0]) if row else 0


def feed_rows(store: Store) -> list[FeedRow]:
    """Every feed: name, url, lang, etag, last_modified, allow_private, by name."""
    rows: list[Any] = store.con.execute(
        "SELECT name, url, lang, etag, last_modified, coalesce(allow_private, false) "
        "FROM feeds ORDER BY name"
    ).fetchall()
    return [tuple(row) for row in rows]


def feeds_table(store: Store, times: Sequence[str]) -> pd.DataFrame:
    """Every feed with its state and its items counted by status (`times` as text)."""
    return store.query(
        "SELECT f.name, f.url, f.lang, "
        + ", ".join(f"strftime(f.{c}, '%Y-%m-%d %H:%M:%S') AS {c}" for c in times)
        + ", "
        "count(i.item) AS items, "
        "count(i.item) FILTER (WHERE i.status = 'stored') AS stored, "
        "count(i.item) FILTER (WHERE i.status IN ('new', 'retry')) AS pending, "
        "count(i.item) FILTER (WHERE i.status = 'failed') AS failed, f.last_error "
        "FROM feeds f LEFT JOIN feed_items i ON i.feed = f.name "
        "GROUP BY ALL ORDER BY f.name"
    )


def known_items(con: duckdb.DuckDBPyConnection, feed: str, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the feed's items already hold."""
    return {
        str(r[0])
        for r in con.execute(
            "SELECT item FROM feed_items WHERE feed = ? AND item IN (SELECT unnest(?))",
            [feed, list(keys)],
        ).fetchall()
    }


def add_items(con: duckdb.DuckDBPyConnection, rows: Sequence[ItemRow]) -> None:
    con.executemany(
        "INSERT INTO feed_items (feed, item, url, title, published, first_seen, "
        "status, error, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        list(rows),
    )


def polled(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    etag: str | None,
    last_modified: str | None,
    when: dt.datetime,
    warning: str | None,
) -> None:
    """A poll that read the feed: its new ETag and Last-Modified, and any warning."""
    con.execute(
        "UPDATE feeds SET etag = ?, last_modified = ?, last_polled = ?, last_ok = ?, "
        "last_error = ? WHERE name = ?",
        [etag, last_modified, when, when, warning, feed],
    )


def not_modified(con: duckdb.DuckDBPyConnection, feed: str, when: dt.datetime) -> None:
    con.execute(
        "UPDATE feeds SET last_polled = ?, last_ok = ?, last_error = NULL WHERE name = ?",
        [when, when, feed],
    )


def failed(con: duckdb.DuckDBPyConnection, feed: str, error: str, when: dt.datetime) -> None:
    con.execute(
        "UPDATE feeds SET last_polled = ?, last_error = ? WHERE name = ?",
        [when, error, feed],
    )


def pending_rows(store: Store, feed: str) -> list[PendingRow]:
    """The feed's items whose pages are still to be fetched, oldest first."""
    rows: list[Any] = store.con.execute(
        "SELECT item, url, title, published, attempts FROM feed_items "
        "WHERE feed = ? AND status IN ('new', 'retry') ORDER BY first_seen, item",
        [feed],
    ).fetchall()
    return [tuple(row) for row in rows]


def mark_item(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    key: str,
    status: str,
    document: str | None,
    error: str | None,
    when: dt.datetime,
) -> None:
    """Record what became of an item, counting the attempt."""
    con.execute(
        "UPDATE feed_items SET status = ?, document = ?, error = ?, fetched_at = ?, "
        "attempts = attempts + 1 WHERE feed = ? AND item = ?",
        [status, document, error, when, feed, key],
    )
