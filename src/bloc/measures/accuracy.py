"""The coder's accuracy on any store, measured on the events analysts reviewed.

Every event bloc's coder made (origin `text`) and an analyst decided on is a
judgement of the coder: confirmed, it was right; corrected or rejected, it
was wrong. Precision is the share confirmed, overall, by the type the coder
gave, and by the band of its calibrated confidence (where it can be set
beside the confidence the coder claimed). The share right in source, type
and target (PLOVER's strict match) counts corrections of the date or mode
alone as right. Recall cannot be measured this way: reviewing what the coder
found says nothing of what it missed.

The reviewed events are also a gold set that grows with use: `export_gold`
writes them as PLOVER-style JSON lines, one per evidence sentence, with the
values the analyst settled on.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.core.events import PLOVER_TYPES
from bloc.errors import BlocError
from bloc.store import View, opened
from bloc.store.decisions import iso, stamp
from bloc.store.observations import gold_sentences, reviewed_events

log = logging.getLogger(__name__)

DB = Path | str | View | None

BANDS: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.7, "under 0.7"),
    (0.7, 0.8, "0.7 to 0.8"),
    (0.8, 1.01, "0.8 and over"),
)
"""Bands of the coder's confidence (the fitted probability of `bloc.text.calibration`,
raised by 0.05 for each further report that merged into the event)."""
WRONG = ("type", "source", "target", "date", "mode")
COLUMNS = [
    "group",
    "key",
    "reviewed",
    "confirmed",
    "corrected",
    "rejected",
    "precision",
    "who_did_what",
    "mean_confidence",
    *(f"wrong_{f}" for f in WRONG),
]
RECALL_NOTE = (
    "Recall is not measured: reviews say which coded events were right, not which "
    "events the coder missed; measure it on gold annotated from the articles."
)


def reviewed(db: DB = None) -> pd.DataFrame:
    """The coder's events with a decision in effect: event_id, decision, type (as
    coded), confidence (as coded), and which fields a correction changed (wrong_*)."""
    with opened(db) as store:
        return reviewed_events(store)


def accuracy(db: DB = None) -> pd.DataFrame:
    """Precision of the coder on the reviewed events: overall, by type, by confidence band.

    One row per group: `group` (all, type, confidence), `key` (the type or the
    band), reviewed, confirmed, corrected, rejected, precision (confirmed /
    reviewed), who_did_what (right in source, type and target: confirmed, or
    corrected in date or mode only), mean_confidence (what the coder claimed),
    and wrong_type ... wrong_mode: how many corrections changed each field (a
    mode counts only where the type was right: a new type brings its own mode).
    Groups with no reviewed event are left out; an empty frame if none.
    """
    rows = reviewed(db)
    out: list[dict[str, Any]] = []
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out.append(_row("all", "all", rows))
    for kind in PLOVER_TYPES:
        part = rows[rows["type"] == kind]
        if len(part):
            out.append(_row("type", kind, part))
    confidence = rows["confidence"].fillna(1.0)
    for low, high, label in BANDS:
        part = rows[(confidence >= low) & (confidence < high)]
        if len(part):
            out.append(_row("confidence", label, part))
    return pd.DataFrame(out, columns=COLUMNS)


def _row(group: str, key: str, rows: pd.DataFrame) -> dict[str, Any]:
    decision = rows["decision"]
    confirmed = int((decision == "confirm").sum())
    corrected = decision == "correct"
    actors_type_wrong = rows["wrong_type"] | rows["wrong_source"] | rows["wrong_target"]
    n = len(rows)
    return {
        "group": group,
        "key": key,
        "reviewed": n,
        "confirmed": confirmed,
        "corrected": int(corrected.sum()),
        "rejected": int((decision == "reject").sum()),
        "precision": confirmed / n,
        "who_did_what": (confirmed + int((corrected & ~actors_type_wrong).sum())) / n,
        "mean_confidence": float(rows["confidence"].fillna(1.0).mean()),
        **{f"wrong_{f}": int((corrected & rows[f"wrong_{f}"]).sum()) for f in WRONG},
    }


def export_gold(db: DB, path: Path | str, *, rejected: bool = False) -> int:
    """Write the reviewed coder's events as PLOVER-style JSON lines; returns the lines written.

    One line per evidence sentence from an article: `id` (event id, document
    and sentence start), `text` (the sentence), `type`, `mode`, `source` and
    `target` (lists of one code, as PLOVER's gold writes them), `date` (to its
    precision), with the values the analyst settled on, and `event`,
    `document`, `lang`, `decision`, `reviewer`, `decided_at`, `note`.
    Rejected events are left out unless `rejected`; they then come as they
    were coded, with `decision` reject: sentences that do not say that.
    """
    target = Path(path)
    with opened(db) as store:
        frame = gold_sentences(store, rejected=rejected)
    lines = [json.dumps(_gold(r), ensure_ascii=False) for r in frame.to_dict("records")]
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BlocError(
            f"cannot write {target}: {exc.strerror or exc}; choose another place"
        ) from None
    log.info("wrote %d reviewed sentences to %s", len(lines), target)
    return len(lines)


def _gold(r: dict[Any, Any]) -> dict[str, Any]:
    coded = r["decision"] == "reject"  # a rejected event as the coder had it
    prefix = "coded_" if coded else ""
    day = r[f"{prefix}date"]
    day = day.date() if hasattr(day, "date") else day
    mode = r[f"{prefix}mode"]
    return {
        "id": f"{r['event']}:{r['document']}:{int(r['start'])}",
        "text": r["sentence"],
        "type": r[f"{prefix}type"],
        "mode": None if pd.isna(mode) else mode,
        "source": [r[f"{prefix}source"]],
        "target": [r[f"{prefix}target"]],
        "date": iso(day, r["coded_precision" if coded else "date_precision"]),
        "event": r["event"],
        "document": r["document"],
        "lang": None if pd.isna(r["lang"]) else r["lang"],
        "decision": r["decision"],
        "reviewer": r["reviewer"],
        "decided_at": stamp(pd.Timestamp(r["decided_at"]).to_pydatetime()),
        "note": None if pd.isna(r["note"]) else r["note"],
    }
