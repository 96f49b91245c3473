"""The exits page (`/exits`) and the report's section of the same name: every exit of the
seven alliances on one timeline, and the exit-risk back-test with each case's rank.

One function, `exits_context`, makes what both show, so the dashboard and the
offline report cannot disagree (docs/analysis.md, "The exit-risk back-test").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bloc import api, measures
from bloc.measures import backtest
from bloc.store import knowledge_of
from bloc.web import charts, pages, spans

KIND_SYMBOLS = {
    "withdrawal": "x",
    "denunciation": "diamond",
    "non-renewal": "square",
    "suspension": "triangle-down",
    "freeze": "circle",
    "military-structure": "star",
}


def exits_timeline(exits: list[dict[str, Any]], lives: dict[str, tuple[str, str]]) -> charts.Figure:
    """Each alliance's life as a bar and its exits as marks, one symbol per kind of exit."""
    codes = sorted(lives)
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "in force",
            "y": codes,
            "base": [lives[c][0] for c in codes],
            "x": [
                (dt.date.fromisoformat(lives[c][1]) - dt.date.fromisoformat(lives[c][0])).days
                * 86_400_000
                for c in codes
            ],
            "marker": {"color": "#dfe8f1"},
            "hovertemplate": "%{y}: %{base|%Y} to %{x|%Y}<extra></extra>",
            "showlegend": False,
        }
    ]
    # An exit known only to its month or year is drawn as that month or year (a band),
    # its mark in the middle of it; its hover reads 1979-03, not 1979-03-01.
    xs: list[str | None] = []
    ys: list[str | None] = []
    for x in exits:
        period = spans.span(x["date"], x.get("date_precision"))
        if period is not None:
            xs += [period[0], period[1], None]
            ys += [x["alliance"], x["alliance"], None]
    if xs:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "known to the month or year",
                "x": xs,
                "y": ys,
                "line": {"color": "rgba(44,62,80,0.35)", "width": 9},
                "hoverinfo": "skip",
            }
        )
    for kind, symbol in KIND_SYMBOLS.items():
        mine = [x for x in exits if x["kind"] == kind]
        if not mine:
            continue
        at = [spans.point(x["date"], x.get("date_precision")) for x in mine]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": kind,
                "x": [a[0] for a in at],
                "y": [x["alliance"] for x in mine],
                "text": [
                    f"{x['name']} ({x['member']}), {x['kind']}, {a[1]}"
                    for x, a in zip(mine, at, strict=True)
                ],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"symbol": symbol, "size": 11, "line": {"width": 1}},
            }
        )
    return charts._figure(
        traces,
        height=330,
        barmode="overlay",
        margin={"l": 64, "r": 10, "t": 50, "b": 40},
        xaxis={"type": "date", "title": {"text": "year"}},
        yaxis={
            "categoryorder": "array",
            "categoryarray": codes[::-1],
            "title": {"text": "alliance"},
        },
    )


def exits_context(
    db: api.DB = None, evidence: str = "votes", lead: int = backtest.LEAD_MONTHS
) -> dict[str, Any]:
    """The exits of every alliance, their timeline, and the back-test's rows and summary."""
    kb = knowledge_of(db)
    names = {code: actor.name for code, actor in kb.actors.items()}
    table = api.exits(db=db)
    rows = api.to_records(table)
    for row in rows:
        row["cited"] = pages.sources(list(row.get("cite") or []))
    lives = {}
    today = dt.date.today()
    for code, al in kb.alliances.items():
        ends = [s.end for s in al.membership]
        end = today if any(e is None for e in ends) else max(e for e in ends if e)
        lives[code] = (al.founded.isoformat(), end.isoformat())
    frame = measures.risk_backtest(evidence=evidence, lead=lead, db=db)
    cases = api.to_records(frame)
    exact = {(x["alliance"], x["member"], x["kind"], x["date"]): x["date_precision"] for x in rows}
    for case in cases:
        case["name"] = names.get(str(case["member"]), case["member"])
        key = (case["alliance"], case["member"], case["kind"], case["date"])
        case["when"] = pages.precise(case["date"], exact.get(key))
    pages.with_when(rows)
    return {
        "exits": rows,
        "exits_chart": exits_timeline(rows, lives),
        "cases": cases,
        "backtest_summary": backtest.summary(frame, evidence).line(),
        "evidence": evidence,
        "evidences": list(backtest.EVIDENCE),
        "lead": lead,
    }
