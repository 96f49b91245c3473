"""Figures and the map: what the dashboard and the report draw."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from bloc import measures
from bloc.knowledge import bundled
from bloc.web import charts, pages, relation_charts


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
    fig = relation_charts.relations_graph(frame, members, {"ARM": "/a"}, {})
    nodes = next(t for t in fig["data"] if t["name"] == "members")
    assert nodes["customdata"][nodes["text"].index("ARM")] == "/a"


def _bar_ends(figure: dict[str, object]) -> dict[str, float]:
    """Where each member's stacked bar ends, read from the data the chart is given."""
    ends: dict[str, float] = {}
    for bar in figure["data"]:  # type: ignore[attr-defined]
        for member, x in zip(bar["customdata"], bar["x"], strict=True):
            ends[member] = ends.get(member, 0.0) + x
    return ends


def test_the_risk_bars_add_up_to_the_score_the_table_prints(kb_db: Path) -> None:
    """Every part of the score is a bar, UN votes included: for a member in good standing
    the stacked bar ends at its score."""
    frame = measures.risk("CSTO", on="2023-05-31", db=kb_db)
    assert frame["UN votes"].notna().any()  # the hand-typed votes of 2022-2023 count
    ends = _bar_ends(charts.risk_chart(measures.risk_parts(frame)))
    for member, score in zip(frame["member"], frame["score"], strict=True):
        assert math.isclose(ends[member], score, abs_tol=1e-9), (member, ends[member], score)


@pytest.mark.parametrize("alliance", ["CSTO", "NATO"])
def test_every_bar_ends_at_the_tables_score_a_freeze_included(kb_db: Path, alliance: str) -> None:
    """On the demo store today, every member's bar equals the score of the overview's table,
    and a frozen member's bar has a segment saying the freeze sets it to 1.00."""
    page = pages.overview(alliance, dt.date.today(), kb_db)
    table = {r["member"]: r["score"] for r in page["risk"]}
    ends = _bar_ends(page["risk_chart"])
    scored = {m: s for m, s in table.items() if s is not None}
    assert len(scored) >= (5 if alliance == "CSTO" else 25)
    assert set(ends) == set(scored)
    for member, score in scored.items():
        assert math.isclose(ends[member], score, abs_tol=1e-9), (member, ends[member], score)
    frozen = [r["member"] for r in page["risk"] if r["override"]]
    if alliance == "CSTO":
        assert frozen == ["ARM"] and table["ARM"] == 1.0
        override = next(t for t in page["risk_chart"]["data"] if t["customdata"] == ["ARM"])
        assert override["name"] == "frozen participation: sets risk to 1.00"
        assert 0.5 < override["x"][0] < 1.0  # the parts alone stop well short of 1


def test_the_member_breakdown_adds_up_and_names_the_freeze(kb_db: Path) -> None:
    page = pages.member("CSTO", "ARM", dt.date.today(), kb_db)
    parts = page["parts"]
    assert math.isclose(sum(p["adds"] for p in parts), page["risk"]["score"], abs_tol=1e-9)
    assert parts[-1]["label"] == "frozen participation: sets risk to 1.00"
    assert {p["part"] for p in parts[:-1]} == set(measures.SCORE_WEIGHTS)


def test_a_capped_bar_is_drawn_shrunk_to_end_at_one() -> None:
    """Parts summing past 1 (the score capped at 1) are drawn in proportion, never below 0."""
    parts = {"misalignment": 0.35, "UN votes": 0.85}
    values = {k: parts.get(k, 0.0) / w for k, w in measures.SCORE_WEIGHTS.items()}
    row = {"member": "BBB", "score": 1.0, "reasons": [], "parts": parts, "override": None}
    figure = charts.risk_chart(measures.risk_parts(pd.DataFrame([{**row, **values}])))
    xs = [x for trace in figure["data"] for x in trace["x"]]
    assert min(xs) >= 0 and math.isclose(sum(xs), 1.0)
