"""The UN-votes chart of the alliance page and the report: agreement by year, two panels.

Top: each member's agreement with the alliance's leader in the General
Assembly (the share of roll calls both voted on, yes 1, abstain 0.5, no 0);
bottom: each member's agreement with the Assembly's median state. A member's
line is solid in the years it belonged to the alliance and dotted outside
them; the alliance's own years are shaded, frozen and suspended spells
shaded in their status colour, and joins, departures and freezes marked by a
labelled line.

Above `BIG` members (NATO's 31) thirty-one lines cross one another and cannot be
followed, and each line is a trace the browser draws one by one (NATO's 66 took
Plotly a quarter to half a second in a fresh tab): each panel is then a grid, a
row per member and a cell per year coloured by its agreement, years outside the
alliance in grey, as the relations page turns its ring into a matrix.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from bloc import measures
from bloc.core.alliance import Alliance
from bloc.web.charts import STATUS_COLOURS, Figure, _figure
from bloc.web.relation_charts import BIG

PALETTE = (
    "#2c6fbb", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#d35400",
    "#7f8c8d", "#2c3e50", "#b7950b", "#1abc9c", "#e84393",
)  # fmt: skip
UNITS = "share of roll calls agreed (yes 1, abstain 0.5, no 0)"


def _lines(frame: pd.DataFrame, column: str, axis: str, names: dict[str, str]) -> list[Any]:
    traces: list[dict[str, Any]] = []
    for i, (member, rows) in enumerate(frame.groupby("member", sort=True)):
        colour = PALETTE[i % len(PALETTE)]
        x = [_mid_year(int(y)) for y in rows.year]
        name = names.get(str(member), str(member))
        inside = [v if m else None for v, m in zip(rows[column], rows.member_then, strict=True)]
        outside = list(rows[column])
        hover = [
            _said(name, int(y), float(v), int(n))
            for y, v, n in zip(rows.year, rows[column], rows.votes, strict=True)
        ]
        common = {"x": x, "xaxis": "x", "yaxis": axis, "legendgroup": str(member)}
        # The dotted line lies under the solid one: a member in every year charted needs
        # none (half of NATO's 124 traces drew nothing visible, and each costs the browser
        # a few ms to draw).
        if None in inside:
            traces.append(
                {
                    **common,
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{name} (not a member)",
                    "y": outside,
                    "line": {"color": colour, "width": 1, "dash": "dot"},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
        traces.append(
            {
                **common,
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "y": inside,
                "text": hover,
                "hoverinfo": "text",
                "line": {"color": colour, "width": 2},
                "marker": {"size": 4},
                "showlegend": axis == "y",
            }
        )
    return traces


AGREEING = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]  # none to all agreed
OUTSIDE = [[0.0, "#f0f0f0"], [1.0, "#636363"]]  # the same share, in a year outside


def _mid_year(year: int) -> str:
    """Where a year's value stands on a date axis: its middle (not 1 January)."""
    return f"{year}-07-01"


def _said(name: str, year: int, share: float, votes: int, where: str = "") -> str:
    """A cell's or a point's hover: "Poland 1999: 83% of 72 votes"."""
    return f"{name} {year}{where}: {share:.0%} of {votes} votes"


def _grid(frame: pd.DataFrame, column: str, axis: str, names: dict[str, str]) -> list[Any]:
    """A panel as a grid: a row per member (by code), a cell per year, coloured by
    its share agreed; the member's years outside the alliance in a grey scale beside."""
    members = sorted(str(m) for m in frame.member.unique())  # as the ticks name them
    years = list(range(int(frame.year.min()), int(frame.year.max()) + 1))  # gaps kept empty
    cells = {
        (str(m), int(y)): (bool(then), float(v), int(n))
        for m, y, then, v, n in zip(
            frame.member.tolist(),
            frame.year.tolist(),
            frame.member_then.tolist(),
            frame[column].tolist(),
            frame.votes.tolist(),
            strict=True,
        )
    }
    traces: list[dict[str, Any]] = []
    for inside, scale in ((True, AGREEING), (False, OUTSIDE)):
        z: list[list[float | None]] = []
        hover: list[list[str]] = []
        for member in members:
            name = names.get(member, member)
            zrow: list[float | None] = []
            hrow: list[str] = []
            for year in years:
                cell = cells.get((member, year))
                if cell is None or cell[0] != inside:
                    zrow.append(None)
                    hrow.append("")
                    continue
                _, value, votes = cell
                zrow.append(value)
                hrow.append(_said(name, year, value, votes, "" if inside else " (not a member)"))
            z.append(zrow)
            hover.append(hrow)
        if all(v is None for zrow in z for v in zrow):
            continue
        traces.append(
            {
                "type": "heatmap",
                "x": [_mid_year(y) for y in years],
                "y": members,
                "z": z,
                "zmin": 0,
                "zmax": 1,
                "colorscale": scale,
                "showscale": inside and axis == "y",
                "colorbar": {
                    "title": {"text": "agreed", "side": "right"},
                    "thickness": 12,
                    "tickformat": ".0%",
                    "len": 0.4,
                    "y": 0.76,
                },
                "hovertext": hover,
                "hoverinfo": "text",
                "hoverongaps": False,
                "ygap": 1,
                "xaxis": "x",
                "yaxis": axis,
                "name": "a member" if inside else "not a member",
            }
        )
    return traces


def _shapes(al: Alliance, on: dt.date, first: int) -> tuple[list[Any], list[Any]]:
    """Shaded spells and marked membership events, from the first year charted to `on`."""
    start = max(al.founded, dt.date(first, 1, 1))
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": start.isoformat(),
            "x1": on.isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": STATUS_COLOURS["member"],
            "opacity": 0.05,
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    notes: list[dict[str, Any]] = []
    marked: dict[tuple[dt.date, str], list[str]] = {}
    for s in al.membership:
        if s.start > on or (s.end is not None and s.end.year < first):
            continue
        if s.status != "member":
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": s.start.isoformat(),
                    "x1": min(s.end or on, on).isoformat(),
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": STATUS_COLOURS.get(s.status, "#999"),
                    "opacity": 0.12,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        if s.start > al.founded and s.start.year >= first:
            marked.setdefault((s.start, _verb(s.status)), []).append(s.member)
        follows = any(o.member == s.member and o.start == s.end for o in al.membership)
        if s.end is not None and s.end <= on and not follows and s.end.year >= first:
            marked.setdefault((s.end, "leaves"), []).append(s.member)
    # One mark per day and kind: seven states joining on one day make one label, not
    # seven labels on top of one another (their codes are in its hover).
    for (day, verb), who in sorted(marked.items()):
        text = f"{who[0]} {verb}" if len(who) == 1 else f"{len(who)} {_plural(verb)}"
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": day.isoformat(),
                "x1": day.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "width": 1, "dash": "dot"},
            }
        )
        notes.append(
            {
                "x": day.isoformat(),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": text,
                "showarrow": False,
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "top",
                "font": {"size": 10, "color": "#555"},
                "hovertext": f"{day.isoformat()}: {', '.join(who)} {text.split(' ', 1)[1]}",
            }
        )
    return shapes, notes


def _title(text: str, y: float) -> dict[str, Any]:
    """A panel's title, at the left edge above the panel whose top is at `y`."""
    return {
        "text": text,
        "x": 0,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom",
    }


def _plural(verb: str) -> str:
    """The verb for several members: "join", "leave", "freeze"."""
    return {"joins": "join", "leaves": "leave", "freezes": "freeze"}.get(verb, verb)


def _verb(status: str) -> str:
    return {"member": "joins", "frozen": "freezes", "suspended": "suspended"}.get(status, status)


def alliance_votes_chart(
    al: Alliance, on: dt.date, names: dict[str, str], db: Any = None
) -> Figure | None:
    """The chart of an alliance on a day, its votes read from the store (None: no leader)."""
    if al.leader is None:
        return None
    return votes_chart(measures.votes(al.code, on=on, db=db), al, on, names)


def votes_chart(
    frame: pd.DataFrame, al: Alliance, on: dt.date, names: dict[str, str]
) -> Figure | None:
    """The two panels for an alliance (`bloc.measures.votes` rows), or None with no votes."""
    if frame.empty:
        return None
    if frame.member.nunique() > BIG:
        return _grids(frame, al, on, names)
    data = _lines(frame, "agreement", "y", names) + _lines(frame, "with_median", "y2", names)
    shapes, notes = _shapes(al, on, int(frame.year.min()))
    leader = names.get(al.leader or "", al.leader or "the leader")
    notes += [
        _title(f"Agreement with {leader}", 1.0),
        _title("Agreement with the General Assembly's median state", 0.44),
    ]
    axis = {"range": [0, 1.02], "tickformat": ".0%", "title": {"text": "agreed"}}
    return _figure(
        data,
        height=520,
        xaxis=_years_axis(frame, on),
        yaxis={**axis, "domain": [0.56, 0.96]},
        yaxis2={**axis, "domain": [0.0, 0.42], "anchor": "x"},
        shapes=shapes,
        annotations=notes,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"l": 60, "r": 20, "t": 30, "b": 90},
    )


def _years_axis(frame: pd.DataFrame, on: dt.date) -> dict[str, Any]:
    """The shared x axis, under the lower panel (its labels and title clear of the upper
    one): years named as years, about ten of them, as the values are yearly (ticks of
    months would claim a precision the votes do not have)."""
    step = max(1, math.ceil(frame.year.nunique() / 10))
    return {
        "type": "date",
        "anchor": "y2",
        "dtick": f"M{12 * step}",
        "tickformat": "%Y",
        "title": {"text": f"year (votes to {on.isoformat()}); {UNITS}"},
    }


def _grids(frame: pd.DataFrame, al: Alliance, on: dt.date, names: dict[str, str]) -> Figure:
    """The two panels as grids (`_grid`), for an alliance of more than `BIG` members."""
    rows = int(frame.member.nunique())
    data = _grid(frame, "agreement", "y", names) + _grid(frame, "with_median", "y2", names)
    leader = names.get(al.leader or "", al.leader or "the leader")
    notes = [
        _title(f"With {leader} (grey: not in {al.code})", 1.0),
        _title("With the Assembly's median state", 0.47),
    ]
    axis = {
        "title": {"text": "member"},
        "autorange": "reversed",
        "tickfont": {"size": 9},
        "type": "category",
    }
    return _figure(
        data,
        height=2 * 11 * rows + 200,
        xaxis=_years_axis(frame, on),
        yaxis={**axis, "domain": [0.53, 0.97]},
        yaxis2={**axis, "domain": [0.0, 0.44], "anchor": "x"},
        annotations=notes,
        showlegend=False,
        margin={"l": 60, "r": 20, "t": 30, "b": 70},
    )
