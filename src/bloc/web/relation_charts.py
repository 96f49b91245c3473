"""Relations figures: the member-by-member matrix (clustered, values written, scale fitted)
and the ring graph of members and outside powers.

Relation scores between members are mostly small (the CSTO's strongest in 2026
is -0.10): on a fixed -1..1 scale the matrix was nearly white and said nothing.
The colour scale here is symmetric around 0 at the largest absolute value
found, stated in the colour bar's title, and every cell with events carries its
value as text; members are ordered by `bloc.measures.seriation.seriate` so that
members alike in their relations sit side by side. Axis ticks are member codes
(31 names would overlap); the hover gives the full names and the event count.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from bloc.measures.seriation import seriate
from bloc.web.charts import RELATION_COLOURS, Figure, _figure

BIG = 12
"""Above this many members a ring graph cannot be read: the relations page shows the
matrix and draws the graph only on request (`?view=graph`)."""
DIVERGING = [
    [0.0, "#b2182b"],
    [0.25, "#ef8a62"],
    [0.5, "#f7f7f7"],
    [0.75, "#7fbf7b"],
    [1.0, "#1b7837"],
]  # red hostile, white neutral, green friendly


def scale_of(matrix: pd.DataFrame) -> float:
    """The colour scale's half range: the largest |score| found (0.05 at the least)."""
    values = matrix.to_numpy(dtype=float)
    found = [abs(v) for v in values.ravel() if not math.isnan(v)]
    return float(max([0.05, *found]))


def relations_matrix(
    matrix: pd.DataFrame, names: dict[str, str], events: dict[tuple[str, str], int] | None = None
) -> Figure:
    """A heatmap of `bloc.measures.dyad_matrix`, members in clustered order."""
    order = seriate(matrix)
    m = matrix.reindex(index=order, columns=order)
    top = scale_of(m)
    counts = events or {}
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for a in order:
        zrow: list[float | None] = []
        trow: list[str] = []
        hrow: list[str] = []
        for b in order:
            v = float(m.at[a, b])  # type: ignore[arg-type]
            who = f"{names.get(a, a)} and {names.get(b, b)}"
            if a == b or math.isnan(v):
                zrow.append(None)
                trow.append("")
                hrow.append(who + (": no events" if a != b else ""))
                continue
            n = counts.get((a, b), counts.get((b, a)))
            zrow.append(float(v))
            trow.append(f"{float(v):+.2f}")
            hrow.append(f"{who}: {float(v):+.2f}" + (f" ({n} events)" if n else ""))
        z.append(zrow)
        text.append(trow)
        hover.append(hrow)
    size = 9 if len(order) > BIG else 11
    title = f"relation score, colour scale -{top:.2f} to +{top:.2f}"
    return _figure(
        [
            {
                "type": "heatmap",
                "x": order,
                "y": order,
                "z": z,
                "zmin": -top,
                "zmax": top,
                "colorscale": DIVERGING,
                "colorbar": {"title": {"text": title, "side": "right"}, "thickness": 12},
                "text": text,
                "texttemplate": "%{text}",
                "textfont": {"size": size},
                "hovertext": hover,
                "hoverinfo": "text",
                "hoverongaps": False,
                "xgap": 1,
                "ygap": 1,
            }
        ],
        height=max(360, 22 * len(order) + 140),
        margin={"l": 60, "r": 20, "t": 40, "b": 60},
        title={"text": f"Between members ({title})", "font": {"size": 12}, "x": 0},
        xaxis={"title": {"text": "member"}, "tickangle": -90, "tickfont": {"size": size}},
        yaxis={
            "title": {"text": "member"},
            "autorange": "reversed",
            "tickfont": {"size": size},
            "scaleanchor": "x",  # square cells
        },
    )


def relations_graph(
    frame: pd.DataFrame, members: list[str], link: dict[str, str], names: dict[str, str]
) -> Figure:
    """Members on an inner ring, outside powers on an outer one; edges coloured by relation.

    A member node carries its page's address, so a click opens it.
    """
    outside = [o for o in dict.fromkeys(frame.loc[frame["kind"] != "member", "b"])]
    pos: dict[str, tuple[float, float]] = {}
    big = len(members) > 16
    inner = 2.0 if big else 1.0  # room for a big alliance's markers, on a taller chart
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
    size = 26 if big else 30
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
                "textfont": {"color": "#ffffff", "size": 9 if big else 10}
                if ring
                else {"size": 11},
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
    return _figure(
        data, height=820 if big else 560, xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"}
    )


def _outward(x: float, y: float) -> str:
    """The Plotly text position that puts a label on the far side of a node from the centre."""
    if abs(x) >= abs(y):
        return "middle right" if x > 0 else "middle left"
    return "top center" if y > 0 else "bottom center"
