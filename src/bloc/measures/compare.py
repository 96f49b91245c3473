"""Compare: the same measures for several alliances, side by side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from bloc.measures.cache import cached
from bloc.measures.cohesion import cohesion
from bloc.measures.decay import as_of
from bloc.measures.relations import dyads
from bloc.measures.reliability import reliability_summary
from bloc.measures.risk import risk
from bloc.measures.signals import DB, member_on, observe


@cached
def compare(alliances: list[str], on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """The same measures for several alliances, side by side (one column each)."""
    day = as_of(on)
    columns: dict[str, dict[str, Any]] = {}
    for code in alliances:
        data = observe(code, db)
        al = data.alliance
        status = member_on(al, day)
        coh = cohesion(data, by="year", since=dt.date(day.year, 1, 1), until=day)
        last = coh.iloc[-1]
        pairs = dyads(data, day)
        hostile = pairs.dropna(subset=["score"]).head(1)
        summary = reliability_summary(al.code, day)
        ranked = risk(data, day, db)
        columns[al.code] = {
            "members": len(status),
            "members frozen or suspended": sum(s != "member" for s in status.values()),
            "decision rule": al.decision_rule,
            "cohesion index": last.cohesion,
            "  alignment part": last.alignment,
            "  peace part": last.peace,
            "  participation part": last.participation,
            "most hostile pair": (
                f"{hostile.a.iloc[0]}-{hostile.b.iloc[0]} ({hostile.score.iloc[0]:+.2f})"
                if not hostile.empty
                else "none recorded"
            ),
            "requests for help": int(summary.requests.iloc[0]),
            "share honoured in full": summary.share.iloc[0],
            "highest exit risk": _ranked(ranked, 0),
            "lowest exit risk": _ranked(ranked, -1),
        }
    frame = pd.DataFrame(columns)
    frame.index.name = "measure"
    return frame.reset_index()


def _ranked(ranked: pd.DataFrame, at: int) -> str:
    """A member of `risk`'s ranking with its score ("ARM (0.61)"), or "no evidence" where
    `risk` has no score for it (NaN: it printed as "nan"); "-" for an empty ranking."""
    if ranked.empty:
        return "-"
    score = float(ranked.score.iloc[at])
    shown = "no evidence" if pd.isna(score) else f"{score:.2f}"
    return f"{ranked.member.iloc[at]} ({shown})"
