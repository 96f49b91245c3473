"""Figures and the map: what the dashboard and the report draw."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd

from bloc import measures
from bloc.knowledge import bundled
from bloc.web import charts


def test_path_bounds_follow_relative_and_absolute_commands() -> None:
    assert charts.path_bounds("M10 20 L30 40 Z") == (10, 20, 30, 40)
    # Relative moves add up: m5,5 then l10,0 then l0,10 -> (5,5)..(15,15).
    assert charts.path_bounds("m5 5l10 0l0 10z") == (5, 5, 15, 15)
    # Implicit lineto after a move, horizontal and vertical moves, and curves.
    assert charts.path_bounds("m0 0 10 10h5v-20") == (0, -10, 15, 10)
    x0, y0, x1, y1 = charts.path_bounds("M0 0c1-1 2 3 4 0")
    assert (x0, y0, x1, y1) == (0, -1, 4, 3)


def test_every_member_state_is_on_the_packaged_map() -> None:
    codes = {code for code, _, _ in charts._world()}
    for al in bundled().alliances.values():
        for spell in al.membership:
            assert charts._alpha2()[spell.member] in codes, spell.member


def test_risk_map_colours_members_and_escapes_labels() -> None:
    svg = charts.risk_map(
        {"ARM": "frozen", "RUS": "member", "KAZ": "member"},
        {"ARM": 0.9, "KAZ": 0.1},
        {"ARM": "Armenia <b>", "RUS": "Russia", "KAZ": "Kazakhstan"},
        {"ARM": '/x?a=1&b="2"'},
        "RUS",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Armenia &lt;b&gt;: exit risk 0.90 (frozen)" in svg
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in svg
    assert f'data-code="KAZ" fill="{charts.risk_colour(0.1)}"' in svg
    assert 'data-code="RUS" fill="#34495e"' in svg  # the leader is not ranked
    # Framed on the members: far-away countries are left out (e.g. Brazil, Australia).
    assert svg.count("<path") < sum(len(p) for _, p, _ in charts._world()) / 2
    assert charts.risk_colour(0.0) != charts.risk_colour(1.0)


def test_figures_are_strict_json() -> None:
    frame = pd.DataFrame(
        {"end": [dt.date(2022, 12, 31)], "cohesion": [0.5], "alignment": [math.nan]}
    )
    text = json.dumps(charts.cohesion_chart(frame), allow_nan=False)
    assert '"2022-12-31"' in text and "null" in text


def test_membership_timeline_stops_at_the_day(kb_db: Path) -> None:
    al = bundled().alliance("CSTO")
    names = {c: a.name for c, a in bundled().actors.items()}
    fig = charts.membership_timeline(al, dt.date(2000, 1, 1), names)
    shown = {y for trace in fig["data"] for y in trace["y"]}
    assert "Uzbekistan" in shown and "Armenia" in shown
    for trace in fig["data"]:
        for base, width in zip(trace["base"], trace["x"], strict=True):
            end = dt.date.fromisoformat(base) + dt.timedelta(milliseconds=width)
            assert end <= dt.date(2000, 1, 1)


def test_relations_graph_has_members_and_outside_powers(kb_db: Path) -> None:
    frame = measures.relations("CSTO", "2022-12-31", kb_db)
    spells = bundled().alliance("CSTO").members_on(dt.date(2022, 12, 31))
    members = sorted({s.member for s in spells})
    assert set(frame.loc[frame.kind == "member", "a"]) <= set(members)
    outside = set(frame.loc[frame.kind == "outside", "b"])
    assert {"UKR", "NATO", "EU"} <= outside  # the leader's rivals are always shown
    assert "AZE" in outside  # at war with a member
    hostile = frame.dropna(subset=["score"]).sort_values("score").iloc[0]
    assert hostile.score < -0.4
    fig = charts.relations_graph(frame, members, {"ARM": "/a"}, {})
    nodes = next(t for t in fig["data"] if t["name"] == "members")
    assert nodes["customdata"][nodes["text"].index("ARM")] == "/a"
