"""Analysts' review decisions: the rules they follow, and the events as they make them.

Decisions (confirm, correct, reject, undo) are a log beside the events, only
ever appended to: a review changes nothing in `events` or `evidence`, so a
re-ingest never undoes one, and `--as-coded` shows the store without them.
`events_sql` is the one place the rule is written, which every reader of
events takes by default: a rejected event is left out; a corrected one has
the corrected fields (and its type's intensity, and the alliance its actors
name); a confirmed or corrected one has confidence 1. An event's effective
decision is its latest row; `undo` returns it to what was coded. Decisions
find their event by id, a digest of what the event is, so an event coded
again from a changed article finds them again (docs/review.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import duckdb

from bloc.core import dated
from bloc.core.dated import Dated, NotADateError, Precision
from bloc.core.events import PLOVER_TYPES, TYPE_INTENSITY, StoredEvent
from bloc.errors import NotFoundError, ReviewConflictError, ReviewError
from bloc.knowledge import bundled
from bloc.store.kinds import domestic_sql, kind_sql

DECISIONS: tuple[str, ...] = ("confirm", "correct", "reject", "undo")
FIELDS: tuple[str, ...] = ("type", "mode", "source", "target", "date")
"""What a correction may change."""
NO_MODE = "-"  # a correction's mode meaning "none"
MAX_NOTE = 1_000
MAX_MODE = 60
MAX_REVIEWER = 80
EARLIEST_YEAR = 1900

LATEST = (
    "SELECT * FROM decisions QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY id DESC) = 1"
)
"""Each event's latest decision (an `undo` among them)."""

_CORRECTED = ("type", "mode", "source", "target", "date", "date_precision", "alliance", "intensity")


@dataclass(frozen=True)
class Decision:
    """One decision as asked for (a form, a row of a file, a key in the terminal).

    Correction fields are text as a person types them ("" or None: not
    corrected; a mode of "-": no mode). `basis` is the id of the decision in
    effect when the reviewer looked at the event (0: none); when given, a
    decision taken meanwhile by someone else makes this one refused, not lost.
    """

    event_id: str
    decision: str
    type: str | None = None
    mode: str | None = None
    source: str | None = None
    target: str | None = None
    date: str | None = None
    note: str | None = None
    reviewer: str | None = None
    basis: int | None = None

    def asked(self) -> dict[str, str]:
        """The correction fields given, stripped."""
        given = {f: str(getattr(self, f) or "").strip() for f in FIELDS}
        return {f: v for f, v in given.items() if v}


@dataclass(frozen=True)
class Taken:
    """What became of a decision: stored under `id`, or `unchanged` (already in effect)."""

    event_id: str
    decision: str
    id: int | None

    @property
    def unchanged(self) -> bool:
        return self.id is None


def events_sql(con: duckdb.DuckDBPyConnection, as_coded: bool, *, rejected: bool = False) -> str:
    """A FROM item (parenthesised SELECT) with the columns of `events` as the decisions make them.

    Two more columns: `decision_id` and `decision`, the effective decision (NULL:
    none). `as_coded` keeps the coder's values and every event; `rejected` keeps
    rejected events (with their corrections, if any), for a page that shows one.
    """
    if not _any(con):
        return "(SELECT *, NULL::BIGINT AS decision_id, NULL::VARCHAR AS decision FROM events)"
    joined = f"events e LEFT JOIN ({LATEST}) d ON d.event_id = e.id AND d.decision <> 'undo'"
    if as_coded:
        return f"(SELECT e.*, d.id AS decision_id, d.decision FROM {joined})"
    keep = "" if rejected else "WHERE d.decision IS DISTINCT FROM 'reject'"
    return f"""(SELECT e.id,
        CASE WHEN d.date IS NULL THEN e.date ELSE d.date END AS date,
        CASE WHEN d.date IS NULL THEN e.date_precision ELSE d.date_precision END
            AS date_precision,
        coalesce(d.source, e.source) AS source, coalesce(d.target, e.target) AS target,
        coalesce(d.type, e.type) AS type,
        CASE WHEN d.mode IS NULL THEN e.mode ELSE nullif(d.mode, '') END AS mode,
        CASE WHEN d.alliance IS NULL THEN e.alliance ELSE nullif(d.alliance, '') END
            AS alliance,
        coalesce(d.intensity, e.intensity) AS intensity,
        CASE WHEN d.decision IN ('confirm', 'correct') THEN 1.0 ELSE e.confidence END
            AS confidence,
        e.origin, e.context, e.summary, {_kinds()},
        d.id AS decision_id, d.decision
        FROM {joined} {keep})"""


def _kinds() -> str:
    """The sides' kinds and `domestic`, as stored, or as a corrected source or target makes
    them (`bloc.store.kinds`)."""
    corrected = "d.source IS NOT NULL OR d.target IS NOT NULL"
    sides = {}
    for side in ("source", "target"):
        code = f"coalesce(d.{side}, e.{side})"
        known = f"(SELECT a.kind FROM actors a WHERE a.code = {code})"
        sides[side] = (code, f"CASE WHEN {corrected} THEN {kind_sql(code, known)} "
                             f"ELSE e.{side}_kind END")  # fmt: skip
    (source, source_kind), (target, target_kind) = sides["source"], sides["target"]
    domestic = domestic_sql(source, source_kind, target, target_kind)
    return (
        f"{source_kind} AS source_kind, {target_kind} AS target_kind, "
        f"CASE WHEN {corrected} THEN {domestic} ELSE e.domestic END AS domestic"
    )


def _any(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any decision was ever taken (a store without any reads `events` as it is)."""
    try:
        row = con.execute("SELECT EXISTS (SELECT 1 FROM decisions)").fetchone()
    except duckdb.CatalogException:  # a store opened as it is, from before schema 6
        return False
    return bool(row and row[0])


# -- taking a decision -----------------------------------------------------------


def record(con: duckdb.DuckDBPyConnection, decision: Decision, now: dt.datetime) -> Taken:
    """Check a decision against the store and append it, in the caller's transaction.

    Raises ReviewError (or NotFoundError for an unknown event) with what is
    wrong and what to do; nothing is written then. A decision equal to the one
    in effect is not stored again (`Taken.unchanged`), so applying a file twice
    changes nothing.
    """
    kind = str(decision.decision or "").strip().lower()
    if kind not in DECISIONS:
        raise ReviewError(
            f"unknown decision {decision.decision!r}: use one of {', '.join(DECISIONS)}"
        )
    reviewer = _reviewer(decision.reviewer)
    note = _note(decision.note)
    coded = coded_event(con, decision.event_id)
    asked = decision.asked()
    if kind != "correct" and asked:
        raise ReviewError(
            f"{kind} takes no corrected fields (given: {', '.join(asked)}): "
            "use the decision correct to change them"
        )
    latest = latest_decision(con, coded.id)
    effective = latest if latest and latest["decision"] != "undo" else None
    values = _correction(coded, effective, asked) if kind == "correct" else {}
    if _same(kind, values, effective):
        return Taken(coded.id, kind, None)
    if decision.basis is not None and decision.basis != (effective["id"] if effective else 0):
        assert latest is not None  # the decision in effect changed: someone took one
        raise ReviewConflictError(
            f"{latest['reviewer']} took the decision {latest['decision']} on event {coded.id} "
            f"at {stamp(latest['decided_at'])}, after you loaded it; yours was not stored: "
            "look at the event as it is now and decide again"
        )
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM decisions").fetchone()
    new_id = int(row[0]) if row else 1
    con.execute(
        "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?)",
        [
            new_id,
            coded.id,
            kind,
            *(values.get(c) for c in _CORRECTED),
            note,
            reviewer,
            now,
            coded.type,
            coded.mode,
            coded.source,
            coded.target,
            coded.date,
            coded.date_precision,
            coded.confidence,
            coded.origin,
        ],
    )
    return Taken(coded.id, kind, new_id)


def coded_event(con: duckdb.DuckDBPyConnection, event_id: str) -> StoredEvent:
    """The event as stored (refused if missing, or curated: the knowledge base is edited)."""
    names = [f.name for f in fields(StoredEvent)]
    row = con.execute(
        f"SELECT {', '.join(names)} FROM events WHERE id = ?", [str(event_id).strip()]
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"no event {event_id!r} in the store: take ids from `bloc events --format json` "
            "(the id field)"
        )
    event = StoredEvent(**dict(zip(names, row, strict=True)))
    if event.origin == "curated":
        raise ReviewError(
            f"event {event.id} is curated: it comes from the knowledge base, whose entries "
            "cite their sources; correct it in the YAML files of src/bloc/knowledge/data/"
        )
    return event


def latest_decision(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """An event's latest decision row (an `undo` too), or None."""
    rows = _rows(con, "WHERE event_id = ? ORDER BY id DESC LIMIT 1", [event_id])
    return rows[0] if rows else None


def log_of(con: duckdb.DuckDBPyConnection, event_id: str) -> list[dict[str, Any]]:
    """Every decision taken on an event, oldest first, as review states."""
    return [state(r) for r in _rows(con, "WHERE event_id = ? ORDER BY id", [event_id])]


def states(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Review states of decision rows by id (what listings show beside each event)."""
    if not ids:
        return {}
    rows = _rows(con, "WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids])
    return {int(r["id"]): state(r) for r in rows}


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM decisions {where}", params)
    names = [str(d[0]) for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def state(row: dict[str, Any]) -> dict[str, Any]:
    """A decision row as users read it: what was decided, by whom, when, and what changed."""
    corrected: dict[str, Any] = {}
    coded: dict[str, Any] = {}
    if row["decision"] == "correct":
        for name in ("type", "mode", "source", "target"):
            if row[name] is not None:
                corrected[name] = row[name] or None
                coded[name] = row[f"coded_{name}"]
        if row["date"] is not None:
            corrected["date"] = iso(row["date"], row["date_precision"])
            coded["date"] = iso(row["coded_date"], row["coded_precision"])
    return {
        "decision": row["decision"],
        "decision_id": int(row["id"]),
        "reviewer": row["reviewer"],
        "decided_at": stamp(row["decided_at"]),
        "note": row["note"],
        "corrected": corrected,
        "coded": coded,
    }


def stamp(value: Any) -> str:
    """A decision's time (UTC) as ISO text to the second."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return str(value)


def iso(day: dt.date | None, precision: str | None) -> str | None:
    """A date written to its precision: 2022, 2022-09 or 2022-09-13."""
    return None if day is None else dated.iso(day, precision)


def parse_date(value: str) -> tuple[dt.date, Precision]:
    """An ISO date of a year, a month or a day, and its precision."""
    try:
        when, precision = Dated.parse(value).pair()
    except NotADateError:
        raise ReviewError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD") from None
    except ValueError:
        raise ReviewError(f"date {value!r} is not a real date") from None
    if when.year < EARLIEST_YEAR or when > dt.date.today():
        raise ReviewError(
            f"date {value!r} is out of range: give a date from {EARLIEST_YEAR} to today"
        )
    return when, precision


def _reviewer(value: str | None) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ReviewError("a decision needs a reviewer's name: pass --reviewer NAME")
    if len(name) > MAX_REVIEWER:
        raise ReviewError(f"the reviewer's name is {len(name)} characters; at most {MAX_REVIEWER}")
    return name


def _note(value: str | None) -> str | None:
    note = str(value or "").strip()
    if len(note) > MAX_NOTE:
        raise ReviewError(f"the note is {len(note):,} characters; at most {MAX_NOTE:,}")
    return note or None


def _correction(
    coded: StoredEvent, effective: dict[str, Any] | None, asked: dict[str, str]
) -> dict[str, Any]:
    """What a correction makes of the event, as its differences from the coded event.

    Built on the correction in effect, if any, so a second correction that
    changes the target keeps the first one's type.
    """
    if not asked:
        raise ReviewError(f"a correction names at least one of {', '.join(FIELDS)} to change")
    actors = bundled().actors
    values: dict[str, Any] = {}
    if effective is not None and effective["decision"] == "correct":
        values = {c: effective[c] for c in _CORRECTED[:6] if effective[c] is not None}
    if "type" in asked:
        kind = asked["type"].upper()
        if kind not in PLOVER_TYPES:
            raise ReviewError(
                f"type {asked['type']!r} is not a PLOVER type: use one of {', '.join(PLOVER_TYPES)}"
            )
        values["type"] = kind
        if kind != coded.type and "mode" not in asked:
            values.setdefault("mode", "")  # the coded mode was a kind of the coded type
    for role in ("source", "target"):
        if role in asked:
            code = asked[role].upper()
            if code not in actors:
                raise ReviewError(
                    f"{role} {asked[role]!r} is not an actor code of the knowledge base "
                    "(ISO 3166 alpha-3 for states, e.g. ARM; CSTO, NATO, UN for organisations)"
                )
            values[role] = code
    if "mode" in asked:
        mode = asked["mode"]
        if len(mode) > MAX_MODE:
            raise ReviewError(f"the mode is {len(mode)} characters; at most {MAX_MODE}")
        values["mode"] = "" if mode == NO_MODE else mode
    if "date" in asked:
        values["date"], values["date_precision"] = parse_date(asked["date"])
    # Keep only what differs from the event as coded.
    if values.get("type") == coded.type:
        values.pop("type")
    for role in ("source", "target"):
        if values.get(role) == getattr(coded, role):
            values.pop(role)
    if "mode" in values and (values["mode"] or None) == (coded.mode or None):
        values.pop("mode")
    if (values.get("date"), values.get("date_precision")) == (coded.date, coded.date_precision):
        values.pop("date")
        values.pop("date_precision")
    source, target = values.get("source", coded.source), values.get("target", coded.target)
    if source == target:
        raise ReviewError(f"source and target would both be {source}: an event is between two")
    if not values:
        raise ReviewError(
            f"the correction leaves event {coded.id} as it was coded: confirm it instead"
        )
    if "type" in values:
        values["intensity"] = TYPE_INTENSITY[values["type"]]
    if "source" in values or "target" in values:
        alliances = bundled().alliances
        named = next((c for c in (target, source) if c in alliances), None)
        if named is None and coded.alliance not in (coded.source, coded.target):
            named = coded.alliance  # an alliance the sentence named beside the two actors
        if (named or None) != (coded.alliance or None):
            values["alliance"] = named or ""
    return values


def _same(kind: str, values: dict[str, Any], effective: dict[str, Any] | None) -> bool:
    """Whether a decision is the one already in effect (a note alone makes no new decision)."""
    if effective is None:
        return kind == "undo"
    if kind != effective["decision"]:
        return False
    return all(values.get(c) == effective[c] for c in _CORRECTED)
