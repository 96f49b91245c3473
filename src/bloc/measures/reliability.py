"""Reliability: every request for help under the treaty, and whether it was honoured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from bloc.measures.decay import as_of
from bloc.measures.signals import DB
from bloc.store import knowledge_of

# Published reference figures for how often alliance commitments are kept.
REFERENCES = (
    ("Leeds, Long and Mitchell (2000): commitments honoured, 1816-1944", 0.745, "leeds-2000"),
    ("Berkemeier and Fuhrmann (2018): commitments honoured, 1816-2007", 0.50, "berkemeier-2018"),
    ("Berkemeier and Fuhrmann (2018): commitments honoured after 1945", 0.22, "berkemeier-2018"),
)


def _honoured(outcome: str, provision_kind: str) -> str:
    if provision_kind == "consultation":
        return "yes" if outcome != "nothing" else "no"
    return {"deployment": "yes", "mission": "partly"}.get(outcome, "no")


def reliability(alliance: str, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Every request for help under the treaty known by `on`, and whether it was honoured.

    Columns: requester, date, threat, aggressor, provision, outcome, honoured
    (yes, partly, no: against what the invoked provision promises), response,
    sources.
    """
    al = knowledge_of(db).alliance(alliance)
    day = as_of(on) if on else dt.date.max
    kinds = {p.id: p.kind for p in al.provisions}
    articles = {p.id: p.article for p in al.provisions}
    rows = [
        {
            "requester": r.requester,
            "date": r.date,
            "threat": r.threat,
            "aggressor": r.aggressor,
            "provision": f"Article {articles[r.provision]}"
            if articles[r.provision][:1].isdigit()
            else articles[r.provision],
            "outcome": r.outcome,
            "honoured": _honoured(r.outcome, kinds[r.provision]),
            "response": r.response,
            "sources": list(r.cite),
        }
        for r in al.requests
        if r.date <= day
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "requester",
            "date",
            "threat",
            "aggressor",
            "provision",
            "outcome",
            "honoured",
            "response",
            "sources",
        ],
    )


def reliability_summary(
    alliance: str, on: str | dt.date | None = None, db: DB = None
) -> pd.DataFrame:
    """The share of requests honoured, beside published reference figures.

    Columns: what, share, requests, source. Partly honoured requests (a
    mission instead of the forces asked for) count as half.
    """
    frame = reliability(alliance, on, db)
    n = len(frame)
    yes = int((frame.honoured == "yes").sum())
    partly = int((frame.honoured == "partly").sum())
    code = knowledge_of(db).alliance(alliance).code
    rows: list[tuple[Any, ...]] = [
        (f"{code}: honoured in full", yes / n if n else np.nan, n, "knowledge base"),
        (
            f"{code}: honoured, partial as half",
            (yes + 0.5 * partly) / n if n else np.nan,
            n,
            "knowledge base",
        ),
    ]
    rows += [(what, share, None, cite) for what, share, cite in REFERENCES]
    frame = pd.DataFrame(rows, columns=["what", "share", "requests", "source"])
    return frame.astype({"requests": "Int64"})
