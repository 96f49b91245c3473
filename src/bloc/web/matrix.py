"""The member-by-member relations matrix: clustered, its values written, its scale fitted.

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

import pandas as pd

from bloc.measures.seriation import seriate
from bloc.web.charts import Figure, _figure

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
        yaxis={"title": {"text": "member"}, "autorange": "reversed", "tickfont": {"size": size}},
    )
