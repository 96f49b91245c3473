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


def test_the_risk_bars_add_up_to_the_score_the_table_prints(kb_db: Path) -> None:
    """Every part of the score is a bar, UN votes included: for a member in good standing
    (a freeze sets the score to 1 on its own) the stacked bar ends at its score."""
    frame = measures.risk("CSTO", on="2023-05-31", db=kb_db)
    assert frame["UN votes"].notna().any()  # the hand-typed votes of 2022-2023 count
    figure = charts.risk_chart(frame, list(measures.SCORE_WEIGHTS), measures.SCORE_WEIGHTS)
    ends: dict[str, float] = {}
    for bar in figure["data"]:
        for member, x in zip(bar["y"], bar["x"], strict=True):
            ends[member] = ends.get(member, 0.0) + x
    for member, score in zip(frame["member"], frame["score"], strict=True):
        assert math.isclose(ends[member], score, abs_tol=1e-9), (member, ends[member], score)
