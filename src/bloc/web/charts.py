"""Figures for the dashboard and the report: Plotly figure specs as plain dicts.

Each builder turns a measure's DataFrame into the JSON that Plotly.js draws
(no Python plotting library at run time), so the server and the
self-contained report show the very same charts. The map is `bloc.web.maps`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from bloc.api import plain
from bloc.core.alliance import Alliance
from bloc.web import spans

Figure = dict[str, Any]

# One palette for every page: relations from hostile to friendly, statuses.
RELATION_COLOURS = {
    "hostile": "#c0392b",
    "tense": "#e67e22",
    "mixed": "#95a5a6",
    "friendly": "#27ae60",
}
STATUS_COLOURS = {"member": "#2c6fbb", "frozen": "#8e44ad", "suspended": "#d35400"}
_FONT = {"family": "system-ui, sans-serif", "size": 12}


def _figure(data: list[dict[str, Any]], **layout: Any) -> Figure:
    base = {
        "font": _FONT,
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#fafafa",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    }
    base.update(layout)
    figure: Figure = plain({"data": data, "layout": base})
    return figure


LONG = 14  # characters: a tick label longer than this is broken over two lines


def tick(name: str, width: int = LONG) -> str:
    """A label as an axis tick: broken into lines of about `width` characters at spaces
    ("Bosnia and<br>Herzegovina"), so ticks stay narrow; the hover keeps the full text."""
    lines: list[str] = []
    for word in name.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def membership_timeline(al: Alliance, on: dt.date, names: dict[str, str]) -> Figure:
    """Who was in the alliance and when, with frozen or suspended spells, up to `on`."""
    traces = []
    order = [
        tick(names[m])
        for m in sorted({s.member for s in al.membership if s.start <= on}, key=lambda m: names[m])
    ]
    for status, colour in STATUS_COLOURS.items():
        spells = [s for s in al.membership if s.status == status and s.start <= on]
        if not spells:
            continue
        ends = [min(s.end or on, on) for s in spells]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": status,
                "y": [tick(names[s.member]) for s in spells],
                "base": [s.start.isoformat() for s in spells],
                "x": [
                    (end - s.start).days * 86_400_000 for s, end in zip(spells, ends, strict=True)
                ],
                "marker": {"color": colour},
                "hovertext": [
                    f"{names[s.member]}: {status} {s.start} to {s.end or 'today'}" for s in spells
                ],
                "hoverinfo": "text",
            }
        )
    return _figure(
        traces,
        barmode="overlay",
        height=max(220, 28 * len(order) + 90),
        xaxis={"type": "date", "title": {"text": "date"}},
        yaxis={
            "categoryorder": "array",
            "categoryarray": order[::-1],
            "automargin": True,
            "title": {"text": "member"},
        },
    )


def _over_time(frame: pd.DataFrame) -> dict[str, Any]:
    """x at the middle of each row's period, the period and its as-of day in the hover."""
    if "period" not in frame:
        return {"x": [str(e) for e in frame["end"]]}
    xs, labels = spans.period_points(frame)
    return {
        "x": xs,
        "text": labels,
        "hovertemplate": "%{text}: %{y:.2f}<extra>%{fullData.name}</extra>",
    }


def cohesion_chart(frame: pd.DataFrame) -> Figure:
    """The cohesion index and its parts for each period, drawn at the period's middle."""
    parts = ["alignment", "peace", "participation", "membership"]
    at = _over_time(frame)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "cohesion index",
            **at,
            "y": list(frame["cohesion"]),
            "line": {"width": 3, "color": "#2c3e50"},
        }
    ]
    data += [
        {
            "type": "scatter",
            "mode": "lines",
            "name": part,
            **at,
            "y": list(frame[part]),
            "line": {"width": 1, "dash": "dot"},
        }
        for part in parts
        if part in frame
    ]
    return _figure(
        data,
        height=320,
        xaxis={"type": "date", "title": {"text": "quarter (each value as of its last day)"}},
        yaxis={"range": [0, 1.02], "title": {"text": "cohesion (0-1)"}},
    )


def yearly_chart(series: dict[str, pd.DataFrame], column: str, title: str) -> Figure:
    """One measure by year for several alliances, each year's value at 1 July (mid-year)
    so that it sits over its own year's label, not at 31 December by the next one's."""
    data = []
    for code, frame in series.items():
        at = _over_time(frame)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": code,
                **at,
                "y": list(frame[column]),
            }
        )
    return _figure(
        data,
        height=320,
        xaxis={
            "type": "date",
            "tickformat": "%Y",
            "title": {"text": "year (each value as of its last day)"},
        },
        yaxis={"range": [0, 1.02], "title": {"text": title}},
    )


def alignment_chart(frame: pd.DataFrame) -> Figure:
    """Each member's alignment (-1..1) for each period, at the period's middle."""
    data: list[dict[str, Any]] = []
    for member, rows in frame.groupby("member", sort=True):
        at = _over_time(rows)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": str(member),
                **at,
                "y": list(rows["alignment"]),
            }
        )
        for part in ("with_leader", "with_alliance", "toward_rivals", "un_votes"):
            if frame["member"].nunique() == 1 and part in rows and rows[part].notna().any():
                data.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": part.replace("_", " "),
                        **at,
                        "y": list(rows[part]),
                        "line": {"width": 1, "dash": "dot"},
                    }
                )
    return _figure(
        data,
        height=320,
        xaxis={"type": "date", "title": {"text": "quarter (each value as of its last day)"}},
        yaxis={"range": [-1.05, 1.05], "zeroline": True, "title": {"text": "alignment (-1..1)"}},
    )


PART_COLOURS = {
    "misalignment": "#2c6fbb",
    "refusals": "#e67e22",
    "unanswered requests": "#f1c40f",
    "conflict with a member": "#c0392b",
    "courting rivals": "#16a085",
    "UN votes": "#7f8c8d",
}
OVERRIDE_COLOUR = "#8e44ad"  # the frozen status's colour in the membership timeline


def risk_chart(parts: pd.DataFrame, names: dict[str, str] | None = None) -> Figure:
    """Exit-risk scores as stacked bars of what each part adds (`bloc.measures.risk_parts`).

    A status that sets the score alone (a freeze, a suspension) is its own hatched
    segment, named for what it does, so every bar ends at the score the table prints.
    Parts that sum past 1 (the score capped) are drawn shrunk in proportion to end at 1.
    """
    names = names or {}
    parts = _capped(parts)
    ends = parts.groupby("member", sort=False)["adds"].sum().sort_values(kind="stable")
    order = [str(m) for m in ends.index]
    label = {m: tick(names.get(m, m)) for m in order}
    data: list[dict[str, Any]] = []
    for part, rows in parts.groupby("part", sort=False):
        by = {str(m): r for m, r in zip(rows["member"], rows.to_dict("records"), strict=True)}
        kinds = set(rows["kind"])
        special = kinds & {"override", "cap"}
        trace: dict[str, Any] = {
            "type": "bar",
            "orientation": "h",
            "name": str(part),
            "y": [label[m] for m in order if m in by],
            "x": [float(by[m]["adds"]) for m in order if m in by],
            "customdata": [m for m in order if m in by],
            "hovertext": [_part_hover(label[m], by[m]) for m in order if m in by],
            "hoverinfo": "text",
            "marker": {"color": PART_COLOURS.get(str(part), "#95a5a6")},
        }
        if special:
            labels = sorted(set(rows["label"]))
            trace["name"] = labels[0] if len(labels) == 1 else "status sets risk to 1.00"
            trace["marker"] = {
                "color": "rgba(142,68,173,0.18)",
                "line": {"color": OVERRIDE_COLOUR, "width": 1},
                "pattern": {"shape": "/", "fgcolor": OVERRIDE_COLOUR, "fgopacity": 0.45},
            }
            trace["text"] = [str(by[m]["label"]) for m in order if m in by]
            trace["textposition"] = "inside"
            trace["insidetextanchor"] = "middle"
            trace["textfont"] = {"color": "#4a235a"}
        data.append(trace)
    return _figure(
        data,
        barmode="relative",
        height=max(220, 34 * len(order) + 110),
        xaxis={"title": {"text": "exit risk (0-1): what each part adds"}, "range": [0, 1.02]},
        yaxis={
            "automargin": True,
            "title": {"text": "member"},
            "categoryorder": "array",
            "categoryarray": [label[m] for m in order],
        },
    )


def _capped(parts: pd.DataFrame) -> pd.DataFrame:
    """The parts with each "cap" row folded into its member's other parts, in proportion."""
    caps = parts[parts["kind"] == "cap"]
    if caps.empty:
        return parts
    out = parts[parts["kind"] != "cap"].copy()
    for member, cut in zip(caps["member"], caps["adds"], strict=True):
        mine = out["member"] == member
        total = float(out.loc[mine, "adds"].sum())
        out.loc[mine, "adds"] = out.loc[mine, "adds"] * ((total + float(cut)) / total)
    return out


def _part_hover(name: str, row: dict[Any, Any]) -> str:
    name = name.replace("<br>", " ")
    if row["kind"] in ("override", "cap"):
        return f"{name}: {row['label']} (+{row['adds']:.2f})"
    if row["kind"] == "no evidence":
        return f"{name}: {row['part']}: no evidence, adds nothing"
    return (
        f"{name}: {row['part']} {row['value']:.2f} x weight {row['weight']:.2f}"
        f" = +{row['adds']:.2f}"
    )


def reliability_chart(summary: pd.DataFrame) -> Figure:
    """The alliance's share of requests honoured beside the published reference figures."""
    return _figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": [tick(str(w), 28) for w in summary["what"]],
                "hovertext": [
                    f"{w}: {v:.0%}" for w, v in zip(summary["what"], summary["share"], strict=True)
                ],
                "hoverinfo": "text",
                "x": list(summary["share"]),
                "marker": {
                    "color": [
                        "#2c6fbb" if s == "knowledge base" else "#95a5a6" for s in summary["source"]
                    ]
                },
            }
        ],
        height=300,
        margin={"l": 20, "r": 20, "t": 20, "b": 40},
        xaxis={
            "range": [0, 1],
            "tickformat": ".0%",
            "title": {"text": "share of requests or commitments honoured"},
        },
        yaxis={"automargin": True, "autorange": "reversed", "title": {"text": "whose figure"}},
    )


def outcomes_chart(outcomes: dict[str, float]) -> Figure:
    """What the alliance does, as probabilities over the simulated draws."""
    return _figure(
        [
            {
                "type": "bar",
                "x": list(outcomes),
                "y": list(outcomes.values()),
                "marker": {"color": ["#27ae60", "#f1c40f", "#e67e22", "#c0392b"]},
                "text": [f"{p:.0%}" for p in outcomes.values()],
                "textposition": "outside",
            }
        ],
        height=300,
        xaxis={"title": {"text": "what the alliance does"}},
        yaxis={"range": [0, 1.1], "tickformat": ".0%", "title": {"text": "share of the draws"}},
    )
