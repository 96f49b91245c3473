"""The map: member states coloured by exit risk, as an inline SVG.

Drawn from the world map that ships in the `pygal_maps_world` package (nothing
is fetched from the network), cropped to the alliance's members and labelled
with escaped names, so the server and the self-contained report show the very
same map.

The grey land around the members is most of a map's bytes (294 of the CSTO
page's 329 kB). The dashboard draws it from one picture of the whole world
(`world_svg`, served as a versioned static file the browser keeps for a year)
placed under the members' inline shapes; the offline report, which makes no
request, keeps it inline. Coordinates are rounded to a tenth of the map's unit
(a map shows a unit as at most a few pixels), absolute points rounded before
they are written back as relative steps, so no error accumulates along a border.
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from functools import cache
from html import escape
from pathlib import Path

from bloc.errors import BlocError
from bloc.web.assets import versioned

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7}
WORLD = "world.svg"  # the static file of the whole world's land (`world_svg`)
LAND = "#dfe3e6"  # land that is not a member
STROKE = 'stroke="#ffffff" stroke-width="0.6"'


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


def _number(value: float) -> str:
    """A tenth-rounded number in the fewest characters (`.5`, `-1.2`, `3`)."""
    text = f"{value:.1f}".removesuffix(".0")
    if text == "-0":
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def rounded(d: str) -> str:
    """Relative path data (`m`, `l`, `h`, `v`, `c`, `s`, as the packaged map has) with
    its points rounded to a tenth of a unit.

    Each point is made absolute, rounded, and written as the step from the previous
    rounded point, so rounding errors do not add up along a border. Other commands
    are left as they are.
    """
    tokens = _TOKEN.findall(d)
    if any(t.isalpha() and t not in "mlhvcs" for t in tokens):
        return d
    out: list[str] = []
    x = y = 0.0  # the current point, exact
    rx = ry = 0.0  # and rounded
    cmd = ""
    args: list[float] = []

    def emit(letter: str, values: list[float]) -> None:
        nonlocal cmd
        text = ""
        for v in values:
            n = _number(v)
            text += n if (not text or n.startswith("-")) else " " + n
        same = letter == cmd or (letter == "l" and cmd == "m")  # pairs after a move: lines
        out.append(((" " if text[0] != "-" else "") if same else letter) + text)
        cmd = letter

    def step(letter: str, values: list[float]) -> None:
        nonlocal x, y, rx, ry
        if letter in "hv":
            if letter == "h":
                x += values[0]
                new = round(x, 1)
                emit("h", [new - rx])
                rx = new
            else:
                y += values[0]
                new = round(y, 1)
                emit("v", [new - ry])
                ry = new
            return
        deltas: list[float] = []
        for i in range(0, len(values), 2):  # points relative to the segment's start
            px, py = round(x + values[i], 1), round(y + values[i + 1], 1)
            deltas += [px - rx, py - ry]
        x, y = x + values[-2], y + values[-1]
        rx, ry = round(x, 1), round(y, 1)
        emit(letter, deltas)

    letter = ""
    for token in tokens:
        if token.isalpha():
            letter = token
            continue
        args.append(float(token))
        n = _ARITY[letter]
        if len(args) == n:
            step(letter, args)
            args = []
            if letter == "m":
                letter = "l"  # pairs after a move are lines
    return "".join(out)


@cache
def _world() -> tuple[tuple[str, tuple[str, ...], tuple[float, float, float, float]], ...]:
    """(ISO alpha-2, path data rounded, bounds) for every country in the packaged map."""
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(_source()).getroot()
    out = []
    for group in root.iter(f"{ns}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes:
            continue
        paths = tuple(rounded(p.get("d", "")) for p in group.iter(f"{ns}path"))
        boxes = [path_bounds(d) for d in paths]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        out.append((classes[0].upper(), paths, box))
    return tuple(out)


def _source() -> Path:
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise BlocError("the world map needs the pygal_maps_world package: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations))) / "worldmap.svg"


@cache
def _frame() -> tuple[float, float, float, float]:
    """The whole map's box (x0, y0, x1, y1): its root's viewBox."""
    _, root = next(ET.iterparse(_source(), events=("start",)))
    x, y, w, h = (float(v) for v in root.get("viewBox", "").split())
    return (x, y, x + w, y + h)


@cache
def world_svg() -> bytes:
    """Every country's land in grey, in the map's own coordinates: the picture the
    dashboard's maps place under their members (served as the static file `WORLD`)."""
    x0, y0, x1, y1 = _frame()
    shapes = "".join(f'<path d="{d}"/>' for _, paths, _ in _world() for d in paths)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:g} {y0:g} {x1 - x0:g} '
        f'{y1 - y0:g}" width="{x1 - x0:g}" height="{y1 - y0:g}" fill="{LAND}" {STROKE}>'
        f"{shapes}</svg>"
    ).encode()


@cache
def world_url() -> str:
    """The versioned address of `world_svg` on the dashboard (`bloc.web.assets`)."""
    return versioned("/static", WORLD, world_svg())


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
    background: str | None = None,
) -> str:
    """An SVG map: members coloured by exit risk (the leader apart), framed on the members.

    `members` maps code to status. Every string placed in the SVG is escaped. The
    land around the members is drawn inline, or, given `background` (the address of
    `world_svg`, as `world_url` makes it), by that one picture placed under them.
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
        f'aria-label="members coloured by exit risk" {STROKE}>'
    ]
    if background is not None:
        wx0, wy0, wx1, wy1 = _frame()
        parts.append(
            f'<image class="land" href="{escape(background)}" x="{wx0:g}" y="{wy0:g}" '
            f'width="{wx1 - wx0:g}" height="{wy1 - wy0:g}"/>'
        )
    for code2, paths, box in world:
        if box[2] < x0 or box[0] > x1 or box[3] < y0 or box[1] > y1:
            continue
        code = wanted.get(code2)
        if code is None and background is not None:
            continue
        shapes = "".join(f'<path d="{escape(d)}"/>' for d in paths)
        if code is None:
            parts.append(f'<g class="land" fill="{LAND}">{shapes}</g>')
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
