"""The UN-votes chart: two panels, membership spells shaded, members' departures marked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from bloc import measures
from bloc.knowledge import bundled
from bloc.web.pages import names
from bloc.web.votes_chart import votes_chart


def test_the_chart_draws_both_panels_and_marks_the_csto_history() -> None:
    al = bundled().alliance("CSTO")
    frame = pd.DataFrame(
        {
            "member": ["UZB", "UZB", "ARM"],
            "leader": "RUS",
            "year": [1998, 2000, 2023],
            "agreement": [0.75, 0.7, 0.25],
            "votes": [56, 60, 2],
            "s_score": [0.7, 0.6, -0.25],
            "with_median": [0.76, 0.8, 0.75],
            "member_then": [True, False, True],
        }
    )
    fig = votes_chart(frame, al, dt.date(2024, 12, 31), names())
    assert fig is not None
    axes = {t["yaxis"] for t in fig["data"]}
    assert axes == {"y", "y2"}
    solid = next(t for t in fig["data"] if t["name"] == "Uzbekistan" and t["yaxis"] == "y")
    assert solid["y"] == [0.75, None]  # 2000: not a member, drawn dotted only
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert "UZB leaves" in texts and "ARM freezes" in texts
    assert "ARM leaves" not in texts  # its spell as a member ended in a frozen one
    frozen = [s for s in fig["layout"]["shapes"] if s.get("x0", "").startswith("2024")]
    assert frozen and fig["layout"]["yaxis"]["tickformat"] == ".0%"
    assert fig["layout"]["xaxis"]["tickformat"] == "%Y"  # yearly values: no month ticks
    assert votes_chart(frame.iloc[0:0], al, dt.date(2024, 12, 31), names()) is None


def test_the_overview_carries_the_chart_from_the_hand_typed_votes(kb_db: Path) -> None:
    from bloc.web import pages

    page = pages.overview("CSTO", dt.date(2023, 5, 31), kb_db)
    fig = page["votes_chart"]
    assert fig is not None
    years = {x[:4] for t in fig["data"] for x in t["x"]}
    assert years == {"2022", "2023"}
    assert not measures.votes("CSTO", db=kb_db, on="2023-05-31").empty


def test_members_joining_on_one_day_make_one_mark() -> None:
    """NATO's seven of 29 March 2004 are one label ("7 join") with their codes in the hover,
    not seven labels drawn over one another."""
    frame = pd.DataFrame(
        {
            "member": ["POL", "POL"],
            "year": [1999, 2005],
            "agreement": [0.9, 0.8],
            "with_median": [0.5, 0.6],
            "member_then": [True, True],
            "votes": [10, 10],
        }
    )
    figure = votes_chart(frame, bundled().alliance("NATO"), dt.date(2024, 12, 31), names())
    assert figure is not None
    marks = [a for a in figure["layout"]["annotations"] if a["xref"] == "x"]
    days = [a["x"] for a in marks]
    assert len(days) == len(set(days))
    march = next(a for a in marks if a["x"] == "2004-03-29")
    assert march["text"] == "7 join" and "EST" in march["hovertext"]


def test_a_member_in_every_year_charted_has_no_dotted_line_beneath() -> None:
    """The dotted line (years outside the alliance) is drawn only for a member with such
    years: under a solid line that covers every year it would draw nothing."""
    al = bundled().alliance("CSTO")
    frame = pd.DataFrame(
        {
            "member": ["UZB", "UZB", "KAZ", "KAZ"],
            "leader": "RUS",
            "year": [1998, 2000, 1998, 2000],
            "agreement": [0.75, 0.7, 0.9, 0.8],
            "votes": [56, 60, 56, 60],
            "s_score": [0.7, 0.6, 0.8, 0.7],
            "with_median": [0.76, 0.8, 0.7, 0.7],
            "member_then": [True, False, True, True],
        }
    )
    fig = votes_chart(frame, al, dt.date(2024, 12, 31), names())
    assert fig is not None
    dotted = [t for t in fig["data"] if t["line"].get("dash") == "dot"]
    assert {(t["legendgroup"], t["yaxis"]) for t in dotted} == {("UZB", "y"), ("UZB", "y2")}
    assert dotted[0]["y"] == [0.75, 0.7]  # the whole series, the solid line's gap shown
    solid = [t for t in fig["data"] if t["legendgroup"] == "KAZ"]
    assert len(solid) == 2 and all(t["line"]["width"] == 2 for t in solid)


def test_an_alliance_of_more_than_twelve_members_is_drawn_as_grids() -> None:
    """NATO's members as rows and years as cells, one grid per panel (four traces, not a
    line per member), years outside the alliance in their own grey trace, a year without
    votes left empty rather than widening its neighbours."""
    al = bundled().alliance("NATO")
    members = sorted({s.member for s in al.membership} - {"USA"})
    assert len(members) > 12
    rows = []
    for i, member in enumerate(members):
        for year in (2000, 2002):  # 2001 holds no votes
            rows.append(
                {
                    "member": member,
                    "year": year,
                    "agreement": 0.5 + i / 100,
                    "with_median": 0.6,
                    "votes": 50,
                    "member_then": member != "SWE",
                }
            )
    fig = votes_chart(pd.DataFrame(rows), al, dt.date(2024, 12, 31), names())
    assert fig is not None
    traces = fig["data"]
    assert [(t["type"], t["yaxis"], t["name"]) for t in traces] == [
        ("heatmap", "y", "a member"),
        ("heatmap", "y", "not a member"),
        ("heatmap", "y2", "a member"),
        ("heatmap", "y2", "not a member"),
    ]
    inside, outside = traces[0], traces[1]
    assert inside["y"] == members and inside["x"] == ["2000-07-01", "2001-07-01", "2002-07-01"]
    swe = members.index("SWE")
    assert inside["z"][swe] == [None, None, None]
    assert outside["z"][swe] == [0.5 + swe / 100, None, 0.5 + swe / 100]
    assert inside["z"][0] == [0.5, None, 0.5]  # 2001: no votes, an empty cell
    assert "Sweden 2000 (not a member): " in outside["hovertext"][swe][0]
    assert fig["layout"]["xaxis"]["tickformat"] == "%Y"
