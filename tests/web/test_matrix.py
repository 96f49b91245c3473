"""The relations matrix and graph: scale fitted to the data, values in cells, empty states."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc import measures
from bloc.knowledge import bundled
from bloc.web import create_app, pages, relation_charts

DAY = dt.date(2026, 12, 7)


def test_the_scale_is_fitted_to_the_data_and_every_value_is_written(kb_db: Path) -> None:
    page = pages.relations("CSTO", DAY, kb_db)
    heat = page["heatmap"]["data"][0]
    pairs = measures.dyads("CSTO", DAY, kb_db).dropna(subset=["score"])
    top = float(pairs["score"].abs().max())
    assert 0 < top < 0.5  # small values, which a -1..1 scale drew almost white
    assert math.isclose(heat["zmax"], top) and math.isclose(heat["zmin"], -top)
    assert f"-{top:.2f} to +{top:.2f}" in heat["colorbar"]["title"]["text"]
    written = {
        (a, b): t
        for a, row in zip(heat["y"], heat["text"], strict=True)
        for b, t in zip(heat["x"], row, strict=True)
        if t
    }
    for a, b, score in pairs[["a", "b", "score"]].itertuples(False):
        assert written[(a, b)] == written[(b, a)] == f"{score:+.2f}"
    assert len(written) == 2 * len(pairs)
    layout = page["heatmap"]["layout"]
    assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]


def test_a_matrix_with_no_values_still_has_a_stated_scale() -> None:
    codes = ["ALB", "BEL", "CAN"]
    m = pd.DataFrame(np.nan, index=codes, columns=codes)
    m.at["ALB", "BEL"] = m.at["BEL", "ALB"] = 0.0
    heat = relation_charts.relations_matrix(m, {})["data"][0]
    assert heat["zmax"] == 0.05 and heat["zmin"] == -0.05


def test_a_big_alliance_gets_the_matrix_and_the_graph_on_request(kb_db: Path) -> None:
    page = pages.relations("NATO", DAY, kb_db)
    assert page["big"] and page["graph"] is None and page["view"] == "matrix"
    assert page["heatmap"] is None
    assert page["heatmap_empty"] == (
        f"No events between NATO members known by {DAY.isoformat()}, so no relations to show."
    )
    asked = pages.relations("NATO", DAY, kb_db, view="graph")
    assert asked["graph"] is not None and asked["view"] == "graph"
    small = pages.relations("CSTO", DAY, kb_db)
    assert not small["big"] and small["graph"] is not None and small["heatmap_empty"] is None


def test_the_relations_page_says_why_it_is_empty_and_offers_the_graph(kb_db: Path) -> None:
    with TestClient(create_app(kb_db)) as client:
        page = client.get(f"/alliances/NATO/relations?on={DAY.isoformat()}")
        assert page.status_code == 200
        assert 'id="matrix-empty"' in page.text and "No events between NATO members" in page.text
        assert 'id="graph"' not in page.text and "view=graph" in page.text
        graph = client.get(f"/alliances/NATO/relations?on={DAY.isoformat()}&view=graph")
        assert 'id="graph"' in graph.text
        assert client.get("/alliances/NATO/relations?view=ring").status_code == 422


def test_no_label_sits_where_an_edge_runs(kb_db: Path) -> None:
    """Members' codes are written inside their markers, drawn over the edges; outside
    powers' names on the far side of their node from the centre, where no edge goes."""
    members = sorted(s.member for s in bundled().alliance("CSTO").members_on(DAY))
    frame = measures.relations("CSTO", DAY, kb_db)
    fig = relation_charts.relations_graph(frame, members, {}, {})
    names = [t["name"] for t in fig["data"]]
    nodes = fig["data"][names.index("members")]
    outside = fig["data"][names.index("outside powers")]
    edges = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert edges and all(names.index(t["name"]) < names.index("members") for t in edges)
    assert nodes["textposition"] == "middle center"
    reach = max(
        math.hypot(x, y)
        for t in edges
        for x, y in zip(t["x"], t["y"], strict=True)
        if x is not None
    )
    for x, y, where in zip(outside["x"], outside["y"], outside["textposition"], strict=True):
        assert math.hypot(x, y) >= reach - 1e-9  # on the outer ring, where edges end
        dx = {"middle right": 1, "middle left": -1}.get(where, 0)
        dy = {"top center": 1, "bottom center": -1}.get(where, 0)
        assert dx * x + dy * y > 0, (x, y, where)  # the label points away from the centre
