"""The map: member states coloured by exit risk, framed on the members, labels escaped."""

from __future__ import annotations

from bloc.knowledge import bundled
from bloc.web import maps


def test_path_bounds_follow_relative_and_absolute_commands() -> None:
    assert maps.path_bounds("M10 20 L30 40 Z") == (10, 20, 30, 40)
    # Relative moves add up: m5,5 then l10,0 then l0,10 -> (5,5)..(15,15).
    assert maps.path_bounds("m5 5l10 0l0 10z") == (5, 5, 15, 15)
    # Implicit lineto after a move, horizontal and vertical moves, and curves.
    assert maps.path_bounds("m0 0 10 10h5v-20") == (0, -10, 15, 10)
    x0, y0, x1, y1 = maps.path_bounds("M0 0c1-1 2 3 4 0")
    assert (x0, y0, x1, y1) == (0, -1, 4, 3)


# Members the packaged world map has no shape for: two small island states.
NOT_ON_THE_MAP = {"TTO", "BHS"}


def test_every_member_state_is_on_the_packaged_map() -> None:
    """A state of today by its own shape; one that no longer exists (SUN, CSK, DDR)
    on its successors' shapes."""
    codes = {code for code, _, _ in maps._world()}
    for al in bundled().alliances.values():
        for spell in al.membership:
            if spell.member in NOT_ON_THE_MAP:
                continue
            drawn = maps.places(spell.member)
            assert drawn and set(drawn) <= codes, spell.member
    assert set(maps.places("CSK")) == {"CZ", "SK"} and maps.places("POL") == ("PL",)


def test_risk_map_colours_members_and_escapes_labels() -> None:
    svg = maps.risk_map(
        {"ARM": "frozen", "RUS": "member", "KAZ": "member"},
        {"ARM": 0.9, "KAZ": 0.1},
        {"ARM": "Armenia <b>", "RUS": "Russia", "KAZ": "Kazakhstan"},
        {"ARM": '/x?a=1&b="2"'},
        "RUS",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Armenia &lt;b&gt;: exit risk 0.90 (frozen)" in svg
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in svg
    assert f'data-code="KAZ" fill="{maps.risk_colour(0.1)}"' in svg
    assert 'data-code="RUS" fill="#34495e"' in svg  # the leader is not ranked
    # Framed on the members: far-away countries are left out (e.g. Brazil, Australia).
    assert svg.count("<path") < sum(len(p) for _, p, _ in maps._world()) / 2
    assert maps.risk_colour(0.0) != maps.risk_colour(1.0)


def _points(d: str) -> list[tuple[float, float]]:
    """Every absolute point of relative path data (m, l, h, v, c, s), as written."""
    x = y = 0.0
    out: list[tuple[float, float]] = []
    letter, args = "", []
    for token in maps._TOKEN.findall(d):
        if token.isalpha():
            letter = token
            continue
        args.append(float(token))
        if len(args) < maps._ARITY[letter]:
            continue
        if letter in "hv":
            x, y = (x + args[0], y) if letter == "h" else (x, y + args[0])
            out.append((x, y))
        else:
            out += [(x + args[i], y + args[i + 1]) for i in range(0, len(args), 2)]
            x, y = x + args[-2], y + args[-1]
        args = []
        letter = "l" if letter == "m" else letter
    return out


def test_rounding_keeps_every_point_within_a_twentieth_of_a_unit() -> None:
    # Steps rounded one by one would drift along a long border; rounded absolute
    # points do not: 200 steps of 0.04 end at 8.0, not at 0.
    d = "m10.04 20.06" + "l0.04 0.04" * 200 + "h-1.26v2.34c0.51 0.12 1.5-0.5 2.44 0s1 1 1.06-3"
    short = maps.rounded(d)
    assert len(short) < len(d)
    before, after = _points(d), _points(short)
    pairs = zip(before, after, strict=True)
    assert max(max(abs(a - c), abs(b - e)) for (a, b), (c, e) in pairs) <= 0.0501
    assert maps.rounded("M0 0L1.26 2z") == "M0 0L1.26 2z"  # absolute commands: left as they are


def test_the_packaged_map_is_rounded_to_tenths_in_fewer_bytes() -> None:
    for _, paths, _ in maps._world():
        for d in paths:
            assert not any(len(n.split(".")[1]) > 1 for n in maps._TOKEN.findall(d) if "." in n)


CSTO = {"ARM": "member", "RUS": "member", "KAZ": "member"}


def test_with_a_background_only_the_members_are_inline() -> None:
    url = maps.world_url()
    svg = maps.risk_map(CSTO, {"ARM": 0.5}, {c: c for c in CSTO}, {}, "RUS", url)
    assert svg.count("<image") == 1 and f'href="{url.replace("&", "&amp;")}"' in svg
    assert 'class="land"' in svg and "<path" not in svg.split("<image", 1)[0]
    shapes = {c2: len(p) for c2, p, _ in maps._world()}
    assert svg.count("<path") == shapes["AM"] + shapes["RU"] + shapes["KZ"]
    assert svg.count('class="member"') == 3
    inline = maps.risk_map(CSTO, {"ARM": 0.5}, {c: c for c in CSTO}, {}, "RUS")
    assert "<image" not in inline and inline.count("<path") > svg.count("<path")
    assert '<g class="land"' in inline  # the report's map: every shape inline


def test_the_world_picture_has_the_maps_coordinates_and_every_country() -> None:
    world = maps.world_svg().decode()
    x0, y0, x1, y1 = maps._frame()
    assert f'viewBox="{x0:g} {y0:g} {x1 - x0:g} {y1 - y0:g}"' in world
    assert world.count("<path") == sum(len(p) for _, p, _ in maps._world())
    assert maps.world_url().startswith(f"/static/{maps.WORLD}?v=")
