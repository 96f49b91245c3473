"""The exits page and the report's section: the exits on a timeline across the seven
alliances and the exit-risk back-test table, from one function (browser-free)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bloc import api
from bloc.web import create_app, report
from bloc.web.exits_page import KIND_SYMBOLS, exits_context
from bloc.web.pages import environment


@pytest.fixture(scope="module")
def client(kb_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(kb_db)) as c:
        yield c


def _rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)


def test_the_page_lists_every_exit_and_ranks_each(client: TestClient, kb_db: Path) -> None:
    page = client.get("/exits")
    assert page.status_code == 200
    html = page.text
    exits = api.exits(db=kb_db)
    assert len(_rows(html, "exits-table")) == len(exits) >= 20
    cases = _rows(html, "backtest-table")
    assert len(cases) == len(exits)
    assert any("Armenia (ARM)" in row and "freeze" in row for row in cases)
    assert "cases, median percentile" in html and "Evidence: <b>votes</b>" in html
    # The timeline: one mark per exit, one trace per kind of exit, each alliance a row.
    block = re.search(r'data-chart-for="exits-timeline">(.*?)</script>', html, re.S)
    assert block
    figure = json.loads(block.group(1))
    marks = [t for t in figure["data"] if t["type"] == "scatter" and t["mode"] == "markers"]
    assert {t["name"] for t in marks} == set(exits.kind) <= set(KIND_SYMBOLS)
    assert sum(len(t["x"]) for t in marks) == len(exits)
    assert set(figure["data"][0]["y"]) == {
        "ANZUS",
        "CENTO",
        "CSTO",
        "NATO",
        "RIO",
        "SEATO",
        "WARSAW",
    }


def test_the_page_takes_the_evidence_and_lead_and_refuses_others(client: TestClient) -> None:
    page = client.get("/exits?evidence=all&lead=6")
    assert page.status_code == 200
    assert "Evidence: <b>all</b>" in page.text and "rank 6 months before" in page.text
    assert client.get("/exits?evidence=rumour").status_code in (400, 422)
    assert client.get("/exits?lead=-3").status_code in (400, 422)


def test_the_page_fits_a_phone_screen(client: TestClient) -> None:
    """No browser: every table scrolls inside its own box, the stylesheet lets that box
    scroll, and the chart has no fixed width (Plotly fits it to the screen)."""
    html = client.get("/exits").text
    main = html[html.index("<main>") : html.index("</main>")]
    assert main.count("<table") == main.count('<div class="scroll"><table') == 2
    css = client.get("/static/bloc.css").text
    assert re.search(r"\.scroll\s*\{[^}]*overflow-x:\s*auto", css)
    block = re.search(r'data-chart-for="exits-timeline">(.*?)</script>', html, re.S)
    assert block and "width" not in json.loads(block.group(1))["layout"]


def test_every_alliance_page_opens_before_1990(client: TestClient) -> None:
    for code, day in (("WARSAW", "1967-06-30"), ("SEATO", "1970-06-30"), ("CENTO", "1975-06-30")):
        assert client.get(f"/alliances/{code}?on={day}").status_code == 200


def test_the_report_carries_the_same_section(kb_db: Path) -> None:
    html = report.render("CSTO", dt.date(2023, 5, 31), kb_db)
    context = exits_context(kb_db)
    section = environment().get_template("exits_section.html").render(context)
    assert 'id="exits-table"' in html and 'id="backtest-table"' in html
    assert _rows(html, "backtest-table") == _rows(section, "backtest-table")
    assert context["backtest_summary"] in html
