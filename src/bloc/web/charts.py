"""Figures for the dashboard and the report: Plotly figure specs as plain dicts.

Each builder turns a measure's DataFrame into the JSON that Plotly.js draws
(no Python plotting library at run time), so the server and the
self-contained report show the very same charts. The map is `bloc.web.maps`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from bloc.api import plain
from bloc.core.alliance import Alliance

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


def membership_timeline(al: Alliance, on: dt.date, names: dict[str, str]) -> Figure:
    """Who was in the alliance and when, with frozen or suspended spells, up to `on`."""
    traces = []
    order = sorted({s.member for s in al.membership if s.start <= on}, key=lambda m: names[m])
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
                "y": [names[s.member] for s in spells],
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
        xaxis={"type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "automargin": True},
    )


def cohesion_chart(frame: pd.DataFrame) -> Figure:
    """The cohesion index and its parts at each period end."""
    parts = ["alignment", "peace", "participation", "membership"]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "cohesion index",
            "x": list(frame["end"]),
            "y": list(frame["cohesion"]),
            "line": {"width": 3, "color": "#2c3e50"},
        }
    ]
    data += [
        {
            "type": "scatter",
            "mode": "lines",
            "name": part,
            "x": list(frame["end"]),
            "y": list(frame[part]),
            "line": {"width": 1, "dash": "dot"},
        }
        for part in parts
        if part in frame
    ]
    return _figure(data, height=320, yaxis={"range": [0, 1.02], "title": {"text": "0-1"}})


def alignment_chart(frame: pd.DataFrame) -> Figure:
    """Each member's alignment (-1..1) at each period end, one line per member."""
    data: list[dict[str, Any]] = []
    for member, rows in frame.groupby("member", sort=True):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": str(member),
                "x": list(rows["end"]),
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
                        "x": list(rows["end"]),
                        "y": list(rows[part]),
                        "line": {"width": 1, "dash": "dot"},
                    }
                )
    return _figure(data, height=320, yaxis={"range": [-1.05, 1.05], "zeroline": True})


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
    """
    names = names or {}
    ends = parts.groupby("member", sort=False)["adds"].sum().sort_values(kind="stable")
    order = [str(m) for m in ends.index]
    label = {m: names.get(m, m) for m in order}
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
                "color": OVERRIDE_COLOUR,
                "opacity": 0.55,
                "pattern": {"shape": "/", "fgcolor": "#ffffff"},
            }
            trace["text"] = [str(by[m]["label"]) for m in order if m in by]
            trace["textposition"] = "inside"
            trace["insidetextanchor"] = "middle"
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


def _part_hover(name: str, row: dict[Any, Any]) -> str:
    if row["kind"] in ("override", "cap"):
        return f"{name}: {row['label']} (+{row['adds']:.2f})"
    if row["kind"] == "no evidence":
        return f"{name}: {row['part']}: no evidence, adds nothing"
    return (
        f"{name}: {row['part']} {row['value']:.2f} x weight {row['weight']:.2f}"
        f" = +{row['adds']:.2f}"
    )


def relations_graph(
    frame: pd.DataFrame, members: list[str], link: dict[str, str], names: dict[str, str]
) -> Figure:
    """Members on an inner ring, outside powers on an outer one; edges coloured by relation.

    A member node carries its page's address, so a click opens it.
    """
    outside = [o for o in dict.fromkeys(frame.loc[frame["kind"] != "member", "b"])]
    pos: dict[str, tuple[float, float]] = {}
    inner = 1.0 if len(members) <= 16 else 1.6  # room for a big alliance's markers
    for ring, nodes in ((inner, members), (inner + 0.9, outside)):
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / max(len(nodes), 1) + (0.3 if ring > 1 else 0.0)
            pos[node] = (ring * math.cos(angle), ring * math.sin(angle))
    data: list[dict[str, Any]] = []
    known = frame.dropna(subset=["score"])
    for relation, colour in RELATION_COLOURS.items():
        edges = known[known["relation"] == relation]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in zip(edges["a"], edges["b"], strict=True):
            if a in pos and b in pos:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        if xs:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": relation,
                    "x": xs,
                    "y": ys,
                    "line": {"color": colour, "width": 3 if relation == "hostile" else 2},
                    "hoverinfo": "skip",
                }
            )
    # Midpoint markers carry each edge's score for hovering.
    if not known.empty:
        mids = [
            (
                (pos[a][0] + pos[b][0]) / 2,
                (pos[a][1] + pos[b][1]) / 2,
                f"{a}-{b}: {rel} ({score:+.2f}, {n} events)",
            )
            for a, b, rel, score, n in zip(
                known["a"],
                known["b"],
                known["relation"],
                known["score"],
                known["events"],
                strict=True,
            )
            if a in pos and b in pos
        ]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "edge",
                "showlegend": False,
                "x": [m[0] for m in mids],
                "y": [m[1] for m in mids],
                "marker": {"size": 6, "color": "rgba(0,0,0,0.15)"},
                "hovertext": [m[2] for m in mids],
                "hoverinfo": "text",
            }
        )
    # Labels never sit where an edge runs: a member's code is written inside its own
    # (opaque, drawn last) marker, an outside power's outside the outer ring, away
    # from the centre every edge runs through.
    size = 30 if len(members) <= 16 else 22
    for label, nodes, colour in (
        ("members", members, "#2c6fbb"),
        ("outside powers", outside, "#7f8c8d"),
    ):
        ring = label == "members"
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": label,
                "x": [pos[n][0] for n in nodes],
                "y": [pos[n][1] for n in nodes],
                "text": nodes,
                "textposition": ("middle center" if ring else [_outward(*pos[n]) for n in nodes]),
                "textfont": {"color": "#ffffff", "size": 10} if ring else {"size": 11},
                "hovertext": [names.get(n, n) for n in nodes],
                "hoverinfo": "text",
                "customdata": [link.get(n, "") for n in nodes],
                "marker": {
                    "size": size if ring else 14,
                    "color": colour,
                    "line": {"width": 1, "color": "#fff"},
                },
            }
        )
    hidden = {"visible": False, "range": [-(inner + 1.6), inner + 1.6]}
    return _figure(data, height=560, xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"})


def _outward(x: float, y: float) -> str:
    """The Plotly text position that puts a label on the far side of a node from the centre."""
    if abs(x) >= abs(y):
        return "middle right" if x > 0 else "middle left"
    return "top center" if y > 0 else "bottom center"


def reliability_chart(summary: pd.DataFrame) -> Figure:
    """The alliance's share of requests honoured beside the published reference figures."""
    return _figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": list(summary["what"]),
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
        xaxis={"range": [0, 1], "tickformat": ".0%"},
        yaxis={"automargin": True, "autorange": "reversed"},
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
        yaxis={"range": [0, 1.1], "tickformat": ".0%"},
    )
