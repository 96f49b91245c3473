"""Figures for the dashboard and the report: Plotly figure specs as plain dicts, and the map.

Each builder turns a measure's DataFrame into the JSON that Plotly.js draws
(no Python plotting library at run time), so the server and the
self-contained report show the very same charts. The map is an SVG drawn
from the world map that ships in the `pygal_maps_world` package, coloured
here by exit risk; nothing is fetched from the network.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import re
import xml.etree.ElementTree as ET
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from bloc.api import plain
from bloc.errors import BlocError
from bloc.model import Alliance

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


def risk_chart(frame: pd.DataFrame, components: list[str], weights: dict[str, float]) -> Figure:
    """Exit-risk scores as stacked bars of each component's weighted contribution."""
    ordered = frame.sort_values("score")
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": component,
            "y": list(ordered["member"]),
            "x": [float(v) * weights[component] for v in ordered[component]],
        }
        for component in components
    ]
    return _figure(
        data,
        barmode="stack",
        height=max(220, 34 * len(frame) + 90),
        xaxis={"title": {"text": "exit risk (0-1)"}, "range": [0, 1]},
    )


def relations_graph(
    frame: pd.DataFrame, members: list[str], link: dict[str, str], names: dict[str, str]
) -> Figure:
    """Members on an inner ring, outside powers on an outer one; edges coloured by relation.

    A member node carries its page's address, so a click opens it.
    """
    outside = [o for o in dict.fromkeys(frame.loc[frame["kind"] != "member", "b"])]
    pos: dict[str, tuple[float, float]] = {}
    for ring, nodes in ((1.0, members), (1.9, outside)):
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
    for label, nodes, colour in (
        ("members", members, "#2c6fbb"),
        ("outside powers", outside, "#7f8c8d"),
    ):
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": label,
                "x": [pos[n][0] for n in nodes],
                "y": [pos[n][1] for n in nodes],
                "text": nodes,
                "textposition": "top center",
                "hovertext": [names.get(n, n) for n in nodes],
                "hoverinfo": "text",
                "customdata": [link.get(n, "") for n in nodes],
                "marker": {"size": 22, "color": colour, "line": {"width": 1, "color": "#fff"}},
            }
        )
    hidden = {"visible": False, "range": [-2.4, 2.4]}
    return _figure(data, height=520, xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"})


def dyad_heatmap(matrix: pd.DataFrame) -> Figure:
    """Member-by-member relation scores, red hostile to green friendly."""
    labels = [str(c) for c in matrix.columns]
    z = [[None if pd.isna(v) else float(v) for v in row] for row in matrix.to_numpy()]
    return _figure(
        [
            {
                "type": "heatmap",
                "x": labels,
                "y": [str(i) for i in matrix.index],
                "z": z,
                "zmin": -1,
                "zmax": 1,
                "colorscale": [[0, "#c0392b"], [0.5, "#f4f4f4"], [1, "#27ae60"]],
                "hoverongaps": False,
            }
        ],
        height=420,
        yaxis={"autorange": "reversed"},
    )


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


# -- the map ----------------------------------------------------------------

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7}


def path_bounds(d: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) around a path's points and control points."""
    x = y = start_x = start_y = 0.0
    xs: list[float] = []
    ys: list[float] = []
    cmd = "m"
    numbers: list[float] = []

    def flush() -> None:
        nonlocal x, y, start_x, start_y, cmd
        low = cmd.lower()
        n = _ARITY.get(low, 0)
        while n and len(numbers) >= n:
            args = [numbers.pop(0) for _ in range(n)]
            rel = cmd.islower()
            if low == "h":
                x = x + args[0] if rel else args[0]
            elif low == "v":
                y = y + args[0] if rel else args[0]
            elif low == "a":
                x, y = (x + args[5], y + args[6]) if rel else (args[5], args[6])
            else:
                pts = [(args[i], args[i + 1]) for i in range(0, n, 2)]
                for px, py in pts:
                    xs.append(x + px if rel else px)
                    ys.append(y + py if rel else py)
                x, y = xs[-1], ys[-1]
            xs.append(x)
            ys.append(y)
            if low == "m":
                start_x, start_y = x, y
                cmd = "l" if rel else "L"

    for token in _TOKEN.findall(d):
        if token.isalpha():
            flush()
            numbers.clear()
            cmd = token
            if cmd in "Zz":
                x, y = start_x, start_y
        else:
            numbers.append(float(token))
            if len(numbers) >= _ARITY.get(cmd.lower(), 1):
                flush()
    if not xs:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs), min(ys), max(xs), max(ys))


@cache
def _world() -> tuple[tuple[str, tuple[str, ...], tuple[float, float, float, float]], ...]:
    """(ISO alpha-2, path data, bounds) for every country in the packaged world map."""
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise BlocError("the world map needs the pygal_maps_world package: pip install -e .")
    svg = Path(next(iter(spec.submodule_search_locations))) / "worldmap.svg"
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(svg).getroot()
    out = []
    for group in root.iter(f"{ns}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes:
            continue
        paths = tuple(p.get("d", "") for p in group.iter(f"{ns}path"))
        boxes = [path_bounds(d) for d in paths]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        out.append((classes[0].upper(), paths, box))
    return tuple(out)


@cache
def _alpha2() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def risk_colour(score: float) -> str:
    """Green (0) through amber to red (1)."""
    s = min(max(score, 0.0), 1.0)
    if s < 0.5:
        r, g = int(39 + (241 - 39) * s * 2), int(174 + (196 - 174) * s * 2)
        return f"#{r:02x}{g:02x}{int(96 - 81 * s * 2):02x}"
    t = (s - 0.5) * 2
    return f"#{int(241 - 49 * t):02x}{int(196 - 139 * t):02x}{int(15 + 28 * t):02x}"


def risk_map(
    members: dict[str, str],
    scores: dict[str, float],
    names: dict[str, str],
    link: dict[str, str],
    leader: str | None,
) -> str:
    """An SVG map: members coloured by exit risk (the leader apart), framed on the members.

    `members` maps code to status. Every string placed in the SVG is escaped.
    """
    alpha2 = _alpha2()
    wanted = {alpha2[c]: c for c in members if c in alpha2}
    world = _world()
    boxes = [box for code, _, box in world if code in wanted]
    if not boxes:
        return ""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(x1 - x0, y1 - y0) * 0.08 + 10
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    if (x1 - x0) < 1.6 * (y1 - y0):  # keep a landscape frame
        extra = (1.6 * (y1 - y0) - (x1 - x0)) / 2
        x0, x1 = x0 - extra, x1 + extra
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="{x0:.0f} {y0:.0f} {x1 - x0:.0f} {y1 - y0:.0f}" '
        f'aria-label="members coloured by exit risk" stroke="#ffffff" stroke-width="0.6">'
    ]
    for code2, paths, box in world:
        if box[2] < x0 or box[0] > x1 or box[3] < y0 or box[1] > y1:
            continue
        shapes = "".join(f'<path d="{escape(d)}"/>' for d in paths)
        code = wanted.get(code2)
        if code is None:
            parts.append(f'<g class="land" fill="#dfe3e6">{shapes}</g>')
            continue
        status = members[code]
        if code == leader:
            fill, label = "#34495e", f"{names[code]}: leading state (not ranked)"
        elif code in scores:
            fill = risk_colour(scores[code])
            label = f"{names[code]}: exit risk {scores[code]:.2f}"
        else:
            fill, label = "#bdc3c7", f"{names[code]}: no risk figure"
        if status != "member":
            label += f" ({status})"
        group = (
            f'<g class="member" data-code="{escape(code)}" fill="{fill}">'
            f"<title>{escape(label)}</title>{shapes}</g>"
        )
        href = link.get(code)
        parts.append(f'<a href="{escape(href)}">{group}</a>' if href else group)
    parts.append("</svg>")
    return "".join(parts)
