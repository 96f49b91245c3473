"""The map: member states coloured by exit risk, as an inline SVG.

Drawn from the world map that ships in the `pygal_maps_world` package (nothing
is fetched from the network), cropped to the alliance's members and labelled
with escaped names, so the server and the self-contained report show the very
same map.
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from functools import cache
from html import escape
from pathlib import Path

from bloc.errors import BlocError

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


def places(code: str) -> tuple[str, ...]:
    """The map's alpha-2 codes a member is drawn on: its own, or for a state that no
    longer exists (the Soviet Union, the GDR) those of its successors (docs/history.md)."""
    from bloc.knowledge import bundled, successors

    alpha2 = _alpha2()
    own = alpha2.get(code)
    if own is not None:
        return (own,)
    return tuple(alpha2[s] for s in successors(bundled(), code) if s in alpha2)


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
    wanted = {place: c for c in members for place in places(c)}
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
