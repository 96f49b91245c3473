"""Every chart the dashboard draws says what it shows: titled axes, or a legend where the
axes are hidden; tick labels short enough not to run into one another."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bloc.web import pages
from bloc.web.exits_page import exits_context

DAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def figures(kb_db: Path) -> dict[str, dict[str, Any]]:
    """Every figure of the dashboard's pages on the demo store, computed once."""
    db = kb_db
    found: dict[str, dict[str, Any]] = {}
    for code in ("CSTO", "NATO"):
        page = pages.overview(code, DAY, db)
        for key in ("timeline", "cohesion", "risk_chart", "votes_chart"):
            if page[key] is not None:
                found[f"{code} {key}"] = page[key]
    found["member"] = pages.member("CSTO", "KAZ", DAY, db)["alignment"]
    relations = pages.relations("CSTO", DAY, db)
    found["graph"], found["matrix"] = relations["graph"], relations["heatmap"]
    found["reliability"] = pages.reliability("CSTO", DAY, db)["share_chart"]
    run = pages.simulation("CSTO", DAY, "KAZ", "external", "AFG", [], 7, 200, db)
    found["outcomes"] = run["outcomes_chart"]
    found["compare"] = pages.comparison(["CSTO", "NATO"], DAY, db)["cohesion_chart"]
    found["exits"] = exits_context(db)["exits_chart"]
    return found


def test_every_chart_has_titled_axes_or_a_legend(figures: dict[str, dict[str, Any]]) -> None:
    assert len(figures) == 15
    for name, figure in figures.items():
        layout = figure["layout"]
        axes = [k for k in layout if k.startswith(("xaxis", "yaxis"))]
        shown = [k for k in axes if layout[k].get("visible", True)]
        for axis in shown:
            title = layout[axis].get("title")
            assert isinstance(title, dict) and title.get("text"), (name, axis)
        if len(shown) < len(axes):  # hidden axes: the legend must say what is drawn
            legend = [t for t in figure["data"] if t.get("showlegend", True) and t.get("name")]
            assert len(legend) >= 2, name


def test_tick_labels_are_short_lines(figures: dict[str, dict[str, Any]]) -> None:
    for name, figure in figures.items():
        for trace in figure["data"]:
            if trace.get("type") != "bar" or trace.get("orientation") != "h":
                continue
            for label in trace["y"]:
                assert max(len(line) for line in str(label).split("<br>")) <= 28, (name, label)
