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
