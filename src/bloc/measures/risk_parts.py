"""The parts of each member's exit-risk score, as every figure shows them.

The dashboard's bars, its risk table, the member page's breakdown and the
offline report once each re-derived the parts from the component columns
(value times weight), and none of them knew that a freeze sets the score to 1
on its own: Armenia's bar stopped at 0.30 beside a table reading 1.00. Here is
the one reading of `risk`'s frame that they all share, so the parts of a score
always add up to the score printed beside them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from bloc.measures.risk import SCORE_WEIGHTS

PARTS = ["member", "part", "value", "weight", "adds", "kind", "label"]
"""Columns of `risk_parts`: kind is "part" (a weighted component), "no evidence" (a
component with no signal behind it, adding nothing), "override" (a status that
sets the score alone) or "cap" (the parts summed past 1, the score capped)."""

OVERRIDE_LABELS = {
    "frozen": "frozen participation: sets risk to 1.00",
    "suspended": "suspended membership: sets risk to 1.00",
}


def override_label(status: str) -> str:
    """How a status that decides the score alone is named in bars and breakdowns."""
    return OVERRIDE_LABELS.get(status, f"{status}: sets risk to 1.00")


def risk_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per member and part of its score, the `adds` column summing to the score.

    `frame` is `bloc.measures.risk`'s answer. A member whose score is missing
    (no evidence at all) has no rows. A frozen or suspended member gets its
    weighted parts as for any other member plus one "override" row adding
    what lifts them to 1; parts summing past 1 get a "cap" row taking the
    excess off, so the `adds` of a member always sum to its score.
    """
    rows: list[dict[str, object]] = []
    for record in frame.to_dict("records"):
        score = record["score"]
        if score is None or (isinstance(score, float) and math.isnan(score)):
            continue
        member = str(record["member"])
        parts = record.get("parts") or {}
        total = 0.0
        for part, weight in SCORE_WEIGHTS.items():
            value = record.get(part)
            missing = value is None or (isinstance(value, float) and math.isnan(value))
            adds = float(parts.get(part, 0.0))
            counted = not missing and not _dropped(part, record)
            rows.append(
                {
                    "member": member,
                    "part": part,
                    "value": math.nan if value is None or missing else float(value),
                    "weight": weight,
                    "adds": adds,
                    "kind": "part" if counted else "no evidence",
                    "label": part,
                }
            )
            total += adds
        rest = float(score) - total
        override = record.get("override")
        if isinstance(override, str) and override:
            rows.append(_extra(member, "override", override_label(override), rest))
        elif rest < -1e-9:
            rows.append(_extra(member, "cap", "capped at 1.00", rest))
    return pd.DataFrame(rows, columns=PARTS)


def _dropped(part: str, record: dict[Any, Any]) -> bool:
    """Whether the risk's reasons name this part as having no evidence behind it."""
    reasons = record.get("reasons")
    if not isinstance(reasons, list):
        return False
    return any(str(r).startswith(f"{part}:") and "no evidence" in str(r) for r in reasons)


def _extra(member: str, kind: str, label: str, adds: float) -> dict[str, object]:
    return {
        "member": member,
        "part": kind,
        "value": 1.0 if kind == "override" else math.nan,
        "weight": math.nan,
        "adds": adds,
        "kind": kind,
        "label": label,
    }


def bar_ends(parts: pd.DataFrame) -> dict[str, float]:
    """Where each member's stacked bar ends: the sum of what its parts add."""
    return {str(m): float(v) for m, v in parts.groupby("member", sort=False)["adds"].sum().items()}
